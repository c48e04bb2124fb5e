/* Philox streams: reproducible by name, independent of use order, and
 * distributed correctly (moments within 5 standard errors). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "../check_run.h"

START_TEST(test_same_name_same_numbers)
{
    digs_stream a, b;
    digs_stream_init(&a, 7, 123, 45, DIGS_RNG_MALA, 3);
    digs_stream_init(&b, 7, 123, 45, DIGS_RNG_MALA, 3);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(digs_stream_u32(&a), digs_stream_u32(&b));
}
END_TEST

START_TEST(test_every_coordinate_changes_stream)
{
    digs_stream base, other[5];
    digs_stream_init(&base, 7, 123, 45, DIGS_RNG_MALA, 3);
    digs_stream_init(&other[0], 8, 123, 45, DIGS_RNG_MALA, 3);
    digs_stream_init(&other[1], 7, 124, 45, DIGS_RNG_MALA, 3);
    digs_stream_init(&other[2], 7, 123, 46, DIGS_RNG_MALA, 3);
    digs_stream_init(&other[3], 7, 123, 45, DIGS_RNG_HMC, 3);
    digs_stream_init(&other[4], 7, 123, 45, DIGS_RNG_MALA, 4);
    uint32_t first = digs_stream_u32(&base);
    for (int k = 0; k < 5; k++)
        ck_assert_uint_ne(first, digs_stream_u32(&other[k]));
}
END_TEST

START_TEST(test_known_answer)
{
    /* Random123's published known-answer test for philox4x32-10:
     * ctr = key = 0 gives 6627e8d5 e169c58d bc57ac4c 9b00dbd8. */
    philox4x32_ctr_t c = {{0, 0, 0, 0}};
    philox4x32_key_t k = {{0, 0}};
    philox4x32_ctr_t r = philox4x32(c, k);
    ck_assert_uint_eq(r.v[0], 0x6627e8d5u);
    ck_assert_uint_eq(r.v[1], 0xe169c58du);
    ck_assert_uint_eq(r.v[2], 0xbc57ac4cu);
    ck_assert_uint_eq(r.v[3], 0x9b00dbd8u);
}
END_TEST

START_TEST(test_uniform_moments)
{
    digs_stream s;
    digs_stream_init(&s, 1, 0, 0, DIGS_RNG_TEST, 0);
    const int n = 200000;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; i++) {
        double u = digs_stream_uniform(&s);
        sum += u;
        sum2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    ck_assert(lo > 0.0 && hi < 1.0);
    double mean = sum / n, var = sum2 / n - mean * mean;
    ck_assert_double_le(fabs(mean - 0.5), 5 * sqrt(1.0 / 12 / n));
    /* var of U^2-based estimator: sd(var_hat) ~ sqrt(1/180/n) */
    ck_assert_double_le(fabs(var - 1.0 / 12), 5 * sqrt(1.0 / 180 / n));
}
END_TEST

START_TEST(test_normal_moments)
{
    digs_stream s;
    digs_stream_init(&s, 2, 5, 9, DIGS_RNG_TEST, 1);
    const int n = 200000;
    double m1 = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        double z = digs_stream_normal(&s);
        m1 += z;
        m2 += z * z;
        m4 += z * z * z * z;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    ck_assert_double_le(fabs(m1), 5 / sqrt(n));
    ck_assert_double_le(fabs(m2 - 1), 5 * sqrt(2.0 / n));
    ck_assert_double_le(fabs(m4 - 3), 5 * sqrt(96.0 / n));
}
END_TEST

/* The normal CDF against the empirical one (Kolmogorov–Smirnov, 10^6
 * draws: the 99.9 % critical value of sqrt(n) D is 1.95), the tails
 * beyond the ziggurat's base (|z| > 3.44: probability 5.76e-4) within 5
 * standard errors, and the table's defining recurrence. */
START_TEST(test_normal_distribution)
{
    enum { N = 1000000, BINS = 4000 };
    static int counts[BINS];
    memset(counts, 0, sizeof counts);
    digs_stream s;
    digs_stream_init(&s, 11, 3, 0, DIGS_RNG_TEST, 7);
    long tail = 0;
    for (int i = 0; i < N; i++) {
        double z = digs_stream_normal(&s);
        tail += fabs(z) > 3.442619855899;
        double u = 0.5 * erfc(-z / sqrt(2.0)); /* Phi(z): uniform if exact */
        int b = (int)(u * BINS);
        counts[b < BINS ? b : BINS - 1]++;
    }
    double cdf = 0, d = 0;
    for (int b = 0; b < BINS; b++) {
        cdf += counts[b];
        double gap = fabs(cdf / N - (b + 1.0) / BINS);
        d = gap > d ? gap : d;
    }
    ck_assert_double_lt(sqrt((double)N) * d, 1.95);
    double p_tail = erfc(3.442619855899 / sqrt(2.0));
    ck_assert_double_le(fabs(tail - N * p_tail), 5 * sqrt(N * p_tail));
}
END_TEST

START_TEST(test_below_is_uniform)
{
    digs_stream s;
    digs_stream_init(&s, 3, 0, 0, DIGS_RNG_TEST, 2);
    int counts[7] = {0};
    const int n = 70000;
    for (int i = 0; i < n; i++) {
        uint32_t k = digs_stream_below(&s, 7);
        ck_assert_uint_lt(k, 7);
        counts[k]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 7; k++)
        chi2 += (counts[k] - n / 7.0) * (counts[k] - n / 7.0) / (n / 7.0);
    ck_assert_double_lt(chi2, 22.46); /* chi2(6) 99.9 % quantile */
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("rng");
    TCase *tc = tcase_create("philox");
    tcase_add_test(tc, test_same_name_same_numbers);
    tcase_add_test(tc, test_every_coordinate_changes_stream);
    tcase_add_test(tc, test_known_answer);
    tcase_add_test(tc, test_uniform_moments);
    tcase_add_test(tc, test_normal_moments);
    tcase_add_test(tc, test_normal_distribution);
    tcase_add_test(tc, test_below_is_uniform);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
