/* DiGS MMD (REFERENCE.md §8.1): numpy values of DiGS's formula on fixed
 * small inputs, a closed form, a direct O(N^2) evaluation with libm exp
 * across several tiles, invariances and errors. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/mmd.h"
#include "core/rng.h"
#include "core/status.h"
#include "../check_run.h"

/* The numpy reference values below come from DiGS's formula written
 * directly (float64):
 *   Z = concatenate([X, Y]); D = ((Z[:,None] - Z[None])**2).sum(2)
 *   bw = D.sum() / (N*N - N) / 4
 *   K = sum(exp(-D / (bw * 2**i)) for i in range(5))
 *   mean(K[:n,:n] + K[n:,n:] - K[:n,n:] - K[n:,:n])
 * Tolerance 1e-12 relative: both sides are ~1e-15 accurate; the result
 * cancels O(1) kernel sums by a factor <= 10 here. */

START_TEST(test_numpy_3d)
{
    const double x[15] = {0.3, -1.2, 2.0, 1.1, 0.4, -0.7, -0.5, 0.9, 0.1,
                          2.2, -0.3, 1.4, 0.0, 0.0, 0.5};
    const double y[15] = {0.1, -1.0, 1.5, 1.9, 0.8, -0.2, -1.5, 1.3, 0.6,
                          2.6, 0.3, 1.0, 0.7, -0.4, 0.2};
    const double want = 0.39982344883399279;
    double m;
    ck_assert_int_eq(digs_mmd(x, y, 5, 3, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, want, 1e-12 * want);
    ck_assert_int_eq(digs_mmd(y, x, 5, 3, &m), DIGS_OK); /* symmetric */
    ck_assert_double_eq_tol(m, want, 1e-12 * want);
}
END_TEST

START_TEST(test_numpy_1d_outlier)
{
    /* An outlier at 30 puts many pairs beyond the clamp t = 40 of the
     * narrow bandwidths' exp(-D/(4b)) powers. */
    const double x[7] = {-3.0, 0.25, 1.5, 2.0, 7.5, 0.0, -1.0};
    const double y[7] = {-2.5, 0.5, 1.0, 4.0, 6.0, 0.0, 30.0};
    const double want = 0.20454019473812315;
    double m;
    ck_assert_int_eq(digs_mmd(x, y, 7, 1, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, want, 1e-12 * want);
}
END_TEST

START_TEST(test_numpy_duplicates)
{
    const double x[6] = {0, 0, 1, 1, 1, 1}, y[6] = {0, 1, 1, 1, 2, -1};
    const double want = 0.99916034955599597;
    double m;
    ck_assert_int_eq(digs_mmd(x, y, 3, 2, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, want, 1e-12 * want);
}
END_TEST

START_TEST(test_closed_form_two_points)
{
    /* x = {0}, y = {1}: D = 1, b = 2/(4 - 2) = 1, MMD = 10 - 2 k(1) with
     * k(1) = e^-4 + e^-2 + e^-1 + e^-1/2 + e^-1/4. */
    const double x = 0.0, y = 1.0;
    double k1 = exp(-4.0) + exp(-2.0) + exp(-1.0) + exp(-0.5) + exp(-0.25);
    double m;
    ck_assert_int_eq(digs_mmd(&x, &y, 1, 1, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, 10.0 - 2.0 * k1, 1e-14);
}
END_TEST

/* DiGS's formula evaluated directly: all N^2 pairs, five libm exps. */
static double mmd_direct(const double *x, const double *y, long n, int d)
{
    const long N = 2 * n;
    double dsum = 0.0;
    for (long i = 0; i < N; i++)
        for (long j = 0; j < N; j++) {
            const double *a = i < n ? x + i * d : y + (i - n) * d;
            const double *b = j < n ? x + j * d : y + (j - n) * d;
            double d2 = 0.0;
            for (int c = 0; c < d; c++)
                d2 += (a[c] - b[c]) * (a[c] - b[c]);
            dsum += d2;
        }
    double bw = dsum / (double)(N * N - N) / 4.0, sum = 0.0;
    for (long i = 0; i < N; i++)
        for (long j = 0; j < N; j++) {
            const double *a = i < n ? x + i * d : y + (i - n) * d;
            const double *b = j < n ? x + j * d : y + (j - n) * d;
            double d2 = 0.0;
            for (int c = 0; c < d; c++)
                d2 += (a[c] - b[c]) * (a[c] - b[c]);
            double k = 0.0;
            for (int m = 0; m < 5; m++)
                k += exp(-d2 / (bw * (1 << m)));
            sum += ((i < n) == (j < n) ? k : -k);
        }
    return sum / ((double)n * (double)n);
}

START_TEST(test_direct_multi_tile)
{
    /* n = 300 (N = 600 spans three 256-column tiles, partial last tile),
     * d = 2, a mixture with a second cluster 25 away:
     * agrees with the direct evaluation to 1e-11 relative (the result is
     * ~1e-2 from O(1) sums: cancellation ~100x of ~1e-14 sum errors). */
    const long n = 300;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * 2 * sizeof *y);
    digs_stream s;
    digs_stream_init(&s, 21, 0, 0, DIGS_RNG_TEST, 0);
    for (long k = 0; k < n * 2; k++) {
        x[k] = digs_stream_normal(&s) + (k % 10 == 0 ? 25.0 : 0.0);
        y[k] = 1.1 * digs_stream_normal(&s) + 0.2;
    }
    double m, want = mmd_direct(x, y, n, 2);
    ck_assert_int_eq(digs_mmd(x, y, n, 2, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, want, 1e-11 * fabs(want));
    /* One point 1000 away: b ~ 2 * 1000^2 / 600, so its pairs have t =
     * D/(4b) ~ 75 > 40 and go through the clamp (changing the result by
     * < 2e-17 absolute, mmd.h). */
    y[0] = 1000.0;
    want = mmd_direct(x, y, n, 2);
    ck_assert_int_eq(digs_mmd(x, y, n, 2, &m), DIGS_OK);
    ck_assert_double_eq_tol(m, want, 1e-11 * fabs(want));
    free(x);
    free(y);
}
END_TEST

START_TEST(test_invariances)
{
    /* Same sets, rows permuted and everything shifted by a constant: the
     * bandwidth and all D_ij are unchanged, so MMD agrees to 1e-12
     * relative (the sums run in another order). */
    const long n = 129;
    const int d = 3;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
    double *xp = malloc(n * d * sizeof *x), *yp = malloc(n * d * sizeof *y);
    digs_stream s;
    digs_stream_init(&s, 22, 0, 0, DIGS_RNG_TEST, 0);
    for (long k = 0; k < n * d; k++) {
        x[k] = digs_stream_normal(&s);
        y[k] = digs_stream_normal(&s) * 0.8;
    }
    for (long i = 0; i < n; i++)
        for (int c = 0; c < d; c++) {
            xp[i * d + c] = x[((i * 7 + 3) % n) * d + c] + 5.0;
            yp[i * d + c] = y[((i * 11 + 1) % n) * d + c] + 5.0;
        }
    double m1, m2;
    ck_assert_int_eq(digs_mmd(x, y, n, d, &m1), DIGS_OK);
    ck_assert_int_eq(digs_mmd(xp, yp, n, d, &m2), DIGS_OK);
    ck_assert_double_eq_tol(m1, m2, 1e-12 * m1);
    /* Identical sets: MMD = 0 up to rounding of O(1) terms. */
    ck_assert_int_eq(digs_mmd(x, x, n, d, &m1), DIGS_OK);
    ck_assert_double_le(fabs(m1), 1e-13);
    free(x);
    free(y);
    free(xp);
    free(yp);
}
END_TEST

START_TEST(test_degenerate_and_errors)
{
    double x[4] = {1, 2, 1, 2}, y[4] = {1, 2, 1, 2}, m = -1;
    ck_assert_int_eq(digs_mmd(x, y, 2, 2, &m), DIGS_OK); /* b = 0 */
    ck_assert_double_eq(m, 0.0);
    y[3] = NAN;
    ck_assert_int_eq(digs_mmd(x, y, 2, 2, &m), DIGS_ERR_NUMERIC);
    ck_assert_int_eq(digs_mmd(x, x, 0, 2, &m), DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_mmd(x, x, 2, 0, &m), DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

START_TEST(test_exact_vs_exact_floor)
{
    /* Two independent N(0, I_2) samples, n = 2000: the V-statistic's bias
     * is (1/n) E[k(0) - k(x, x')] ~ 2.5e-3 and its sd is O(1/n), so the
     * value must be small and positive; a shifted set must be far
     * larger.  Loose bounds: this guards the scale, not the digits. */
    const long n = 2000;
    double *x = malloc(n * 2 * sizeof *x), *y = malloc(n * 2 * sizeof *y);
    digs_stream s;
    digs_stream_init(&s, 23, 0, 0, DIGS_RNG_TEST, 0);
    for (long k = 0; k < n * 2; k++) {
        x[k] = digs_stream_normal(&s);
        y[k] = digs_stream_normal(&s);
    }
    double same, shifted;
    ck_assert_int_eq(digs_mmd(x, y, n, 2, &same), DIGS_OK);
    for (long k = 0; k < n * 2; k += 2)
        y[k] += 1.0;
    ck_assert_int_eq(digs_mmd(x, y, n, 2, &shifted), DIGS_OK);
    ck_assert_msg(same > 0.0 && same < 0.01, "same-law MMD %g", same);
    ck_assert_msg(shifted > 20 * same, "shifted %g vs same %g", shifted,
                  same);
    free(x);
    free(y);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mmd");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_numpy_3d);
    tcase_add_test(tc, test_numpy_1d_outlier);
    tcase_add_test(tc, test_numpy_duplicates);
    tcase_add_test(tc, test_closed_form_two_points);
    tcase_add_test(tc, test_direct_multi_tile);
    tcase_add_test(tc, test_invariances);
    tcase_add_test(tc, test_degenerate_and_errors);
    tcase_add_test(tc, test_exact_vs_exact_floor);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
