/* FFT autocorrelation and integrated autocorrelation time: exact against a
 * direct lag sum, statistically against processes with known ACF. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/autocorr.h"
#include "core/rng.h"
#include "core/status.h"
#include "../check_run.h"

/* Stationary AR(1): x_t = phi x_{t-1} + sqrt(1 - phi^2) e_t, unit variance,
 * rho_t = phi^t, tau = (1 + phi)/(1 - phi). */
static void ar1(double phi, uint64_t chain, long n, double *x)
{
    digs_stream s;
    digs_stream_init(&s, 11, chain, 0, DIGS_RNG_TEST, 0);
    double kick = sqrt(1.0 - phi * phi);
    x[0] = digs_stream_normal(&s);
    for (long t = 1; t < n; t++)
        x[t] = phi * x[t - 1] + kick * digs_stream_normal(&s);
}

/* rho_t by the O(n^2) definition (biased estimator, emcee convention). */
static void direct_acf(const double *x, long n, double *acf)
{
    double mean = 0.0;
    for (long t = 0; t < n; t++)
        mean += x[t];
    mean /= n;
    for (long lag = 0; lag < n; lag++) {
        double sum = 0.0;
        for (long t = 0; t + lag < n; t++)
            sum += (x[t] - mean) * (x[t + lag] - mean);
        acf[lag] = sum;
    }
    double c0 = acf[0];
    for (long lag = 0; lag < n; lag++)
        acf[lag] /= c0;
}

START_TEST(test_fft_matches_direct_sum)
{
    /* A non-power-of-two and a power-of-two length, offset mean: FFT and
     * direct sums differ by rounding only (~1e-15 log n). */
    const long lengths[] = {137, 256};
    for (int k = 0; k < 2; k++) {
        long n = lengths[k];
        double *x = malloc(n * sizeof *x);
        double *fft = malloc(n * sizeof *fft);
        double *ref = malloc(n * sizeof *ref);
        ar1(0.8, 100 + k, n, x);
        for (long t = 0; t < n; t++)
            x[t] += 3.0;
        ck_assert_int_eq(digs_autocorr(x, n, fft), DIGS_OK);
        direct_acf(x, n, ref);
        ck_assert_double_eq(fft[0], 1.0);
        for (long t = 0; t < n; t++)
            ck_assert_double_eq_tol(fft[t], ref[t], 1e-12);
        free(x);
        free(fft);
        free(ref);
    }
}
END_TEST

START_TEST(test_white_noise_acf)
{
    /* For white noise rho_hat_t ~ N(0, 1/n) at each lag t >= 1 (Bartlett),
     * so 4/sqrt(n) is a 4-sigma band; lag 0 is 1 by construction. */
    const long n = 10000;
    double *x = malloc(n * sizeof *x);
    double *acf = malloc(n * sizeof *acf);
    ar1(0.0, 7, n, x);
    ck_assert_int_eq(digs_autocorr(x, n, acf), DIGS_OK);
    ck_assert_double_eq(acf[0], 1.0);
    for (long t = 1; t <= 100; t++)
        ck_assert_double_le(fabs(acf[t]), 4.0 / sqrt((double)n));
    /* tau = 1; relative error sqrt(2(2M+1)/n) = 0.05 at M = 5: 5 sigma. */
    double tau;
    ck_assert_int_eq(digs_iat(x, n, &tau), DIGS_OK);
    ck_assert_double_eq_tol(tau, 1.0, 0.25);
    free(x);
    free(acf);
}
END_TEST

/* Sokal's relative error of the windowed estimator: sqrt(2(2M+1)/n) with
 * M ~ 5 tau.  At n = 2^20: 0.0079 (tau = 3), 0.019 (tau = 19), so a 10 %
 * tolerance is >= 5 sigma.  Truncation bias 2 phi^(M+1)/(1-phi) < 1e-3 and
 * the mean-subtraction bias ~ 2 M tau / n < 0.4 % are well inside it. */
static void check_ar1_iat(double phi)
{
    const double tau_true = (1.0 + phi) / (1.0 - phi);
    const long n = 1L << 20;
    double *x = malloc(n * sizeof *x);
    ar1(phi, 1, n, x);
    double tau;
    ck_assert_int_eq(digs_iat(x, n, &tau), DIGS_OK);
    ck_assert_double_le(fabs(tau / tau_true - 1.0), 0.10);
    free(x);

    /* 16 chains of 2^16: the same total length, ACFs averaged. */
    const int chains = 16;
    const long m = 1L << 16;
    double *y = malloc((size_t)chains * m * sizeof *y);
    for (int k = 0; k < chains; k++)
        ar1(phi, 1000 + k, m, y + (size_t)k * m);
    ck_assert_int_eq(digs_iat_chains(y, chains, m, &tau), DIGS_OK);
    ck_assert_double_le(fabs(tau / tau_true - 1.0), 0.10);
    free(y);
}

START_TEST(test_ar1_iat_phi05) { check_ar1_iat(0.5); }
END_TEST

START_TEST(test_ar1_iat_phi09) { check_ar1_iat(0.9); }
END_TEST

START_TEST(test_bad_input)
{
    double one = 1.0, acf[4], tau;
    ck_assert_int_eq(digs_autocorr(&one, 1, acf), DIGS_ERR_INPUT);
    double flat[4] = {0.1, 0.1, 0.1, 0.1};
    ck_assert_int_eq(digs_autocorr(flat, 4, acf), DIGS_ERR_NUMERIC);
    double bad[4] = {0.0, 1.0, NAN, 2.0};
    ck_assert_int_eq(digs_iat(bad, 4, &tau), DIGS_ERR_NUMERIC);
    double ok[4] = {0.0, 1.0, 3.0, 2.0};
    ck_assert_int_eq(digs_iat_chains(ok, 0, 4, &tau), DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

START_TEST(test_repeated_calls_and_ess)
{
    /* Plans are created and freed per call: many calls must be stable
     * (and leak-free under the sanitizer build). */
    double x[64], acf[64], first[64];
    ar1(0.3, 3, 64, x);
    ck_assert_int_eq(digs_autocorr(x, 64, first), DIGS_OK);
    for (int k = 0; k < 500; k++) {
        ck_assert_int_eq(digs_autocorr(x, 64, acf), DIGS_OK);
        for (int t = 0; t < 64; t++)
            ck_assert_double_eq(acf[t], first[t]);
    }
    ck_assert_double_eq(digs_ess(4, 1000, 2.0), 2000.0);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("autocorr");
    TCase *tc = tcase_create("autocorr");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fft_matches_direct_sum);
    tcase_add_test(tc, test_white_noise_acf);
    tcase_add_test(tc, test_ar1_iat_phi05);
    tcase_add_test(tc, test_ar1_iat_phi09);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_repeated_calls_and_ess);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
