/* Bootstraps without replacement: the draw is a uniform m-subset, the
 * repeats are named by (seed, repeat, substep), mean ± sd uses ddof = 0,
 * and errors propagate. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/bootstrap.h"
#include "core/status.h"
#include "../check_run.h"

START_TEST(test_draw_distinct)
{
    digs_stream s;
    digs_stream_init(&s, 3, 0, 0, DIGS_RNG_TEST, 0);
    long idx[50];
    for (int rep = 0; rep < 100; rep++) {
        long m = 1 + rep % 50;
        digs_bootstrap_draw(&s, 50, m, idx);
        char seen[50] = {0};
        for (long k = 0; k < 50; k++) { /* idx stays a permutation */
            ck_assert(idx[k] >= 0 && idx[k] < 50 && !seen[idx[k]]);
            seen[idx[k]] = 1;
        }
    }
}
END_TEST

START_TEST(test_draw_uniform)
{
    /* n = 10, m = 3: each index is in the draw with probability 0.3, and
     * each position holds each index with probability 0.1.  100 000
     * draws; counts within 5 binomial sd. */
    const int draws = 100000;
    long idx[10], in[10] = {0}, first[10] = {0};
    digs_stream s;
    digs_stream_init(&s, 4, 0, 0, DIGS_RNG_TEST, 0);
    for (int r = 0; r < draws; r++) {
        digs_bootstrap_draw(&s, 10, 3, idx);
        for (int k = 0; k < 3; k++)
            in[idx[k]]++;
        first[idx[0]]++;
    }
    for (int i = 0; i < 10; i++) {
        ck_assert_double_le(fabs(in[i] - 0.3 * draws),
                            5 * sqrt(draws * 0.3 * 0.7));
        ck_assert_double_le(fabs(first[i] - 0.1 * draws),
                            5 * sqrt(draws * 0.1 * 0.9));
    }
}
END_TEST

/* Metric returning 1, 2, 3, ... on successive calls (ctx counts). */
static int count_metric(const double *model, const double *ref, long m,
                        int d, void *ctx, double *value)
{
    *value = ++*(int *)ctx;
    return DIGS_OK;
}

START_TEST(test_mean_sd_ddof0)
{
    /* Values 1..10: mean 5.5, population sd sqrt((10^2 - 1)/12) =
     * 2.8722813232690143 (ddof = 0; ddof = 1 would give 3.0277). */
    double data[20] = {0}, mean, sd, vals[10];
    int calls = 0;
    ck_assert_int_eq(digs_bootstrap(count_metric, &calls, data, 20, data,
                                    20, 1, 5, 10, 1, &mean, &sd, vals),
                     DIGS_OK);
    ck_assert_int_eq(calls, 10);
    ck_assert_double_eq_tol(mean, 5.5, 1e-15);
    ck_assert_double_eq_tol(sd, sqrt(99.0 / 12.0), 1e-15);
    for (int r = 0; r < 10; r++)
        ck_assert_double_eq(vals[r], r + 1.0);
}
END_TEST

/* Metric: mean of the model rows' first value minus the reference's. */
static int mean_diff(const double *model, const double *ref, long m, int d,
                     void *ctx, double *value)
{
    double a = 0, b = 0;
    for (long k = 0; k < m; k++) {
        a += model[k * d];
        b += ref[k * d];
    }
    *value = (a - b) / m;
    return DIGS_OK;
}

START_TEST(test_stream_naming)
{
    /* Repeat r draws model rows with (seed, r, 0, ANALYSIS, 0) and
     * reference rows with substep 1: rebuild repeat 3 by hand. */
    const long n = 30, m = 7;
    const int d = 2;
    double model[60], ref[60], vals[5], mean, sd;
    for (long k = 0; k < n * d; k++) {
        model[k] = k * 0.37 - 4.0;
        ref[k] = k * k * 0.01;
    }
    ck_assert_int_eq(digs_bootstrap(mean_diff, NULL, model, n, ref, n, d, m,
                                    5, 42, &mean, &sd, vals), DIGS_OK);
    digs_stream s;
    long idx[30];
    double a = 0, b = 0;
    digs_stream_init(&s, 42, 3, 0, DIGS_RNG_ANALYSIS, 0);
    digs_bootstrap_draw(&s, n, m, idx);
    for (long k = 0; k < m; k++)
        a += model[idx[k] * d];
    digs_stream_init(&s, 42, 3, 0, DIGS_RNG_ANALYSIS, 1);
    digs_bootstrap_draw(&s, n, m, idx);
    for (long k = 0; k < m; k++)
        b += ref[idx[k] * d];
    ck_assert_double_eq(vals[3], (a - b) / m);
    /* Same seed: same values; another seed: different values. */
    double again[5], other[5];
    ck_assert_int_eq(digs_bootstrap(mean_diff, NULL, model, n, ref, n, d, m,
                                    5, 42, &mean, &sd, again), DIGS_OK);
    ck_assert_int_eq(digs_bootstrap(mean_diff, NULL, model, n, ref, n, d, m,
                                    5, 43, &mean, &sd, other), DIGS_OK);
    int differ = 0;
    for (int r = 0; r < 5; r++) {
        ck_assert_double_eq(again[r], vals[r]);
        differ += other[r] != vals[r];
    }
    ck_assert_int_gt(differ, 0);
}
END_TEST

START_TEST(test_full_sets_have_no_spread)
{
    /* m = n: every repeat compares the whole sets (in another order), so
     * W2 and TVD are the same every time: sd = 0 up to rounding. */
    const long n = 40;
    const int d = 2;
    double x[80], y[80], mean, sd;
    for (long k = 0; k < n * d; k++) {
        x[k] = sin(1.0 + k);
        y[k] = cos(2.0 * k);
    }
    ck_assert_int_eq(digs_bootstrap(digs_metric_w2, NULL, x, n, y, n, d, n,
                                    4, 7, &mean, &sd, NULL), DIGS_OK);
    ck_assert_double_le(sd, 1e-13);
    ck_assert_double_gt(mean, 0.1);
    int bins = 5;
    ck_assert_int_eq(digs_bootstrap(digs_metric_tvd, &bins, x, n, y, n, d, n,
                                    4, 7, &mean, &sd, NULL), DIGS_OK);
    ck_assert_double_le(sd, 1e-15);
    ck_assert_int_eq(digs_bootstrap(digs_metric_mmd, NULL, x, n, y, n, d, n,
                                    4, 7, &mean, &sd, NULL), DIGS_OK);
    ck_assert_double_le(sd, 1e-13);
}
END_TEST

static int failing_metric(const double *model, const double *ref, long m,
                          int d, void *ctx, double *value)
{
    return DIGS_FAIL(DIGS_ERR_NUMERIC, "test metric failed");
}

START_TEST(test_errors)
{
    double x[10] = {0}, mean, sd;
    ck_assert_int_eq(digs_bootstrap(mean_diff, NULL, x, 5, x, 10, 1, 6, 3, 1,
                                    &mean, &sd, NULL), DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_bootstrap(mean_diff, NULL, x, 5, x, 5, 1, 2, 0, 1,
                                    &mean, &sd, NULL), DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_bootstrap(failing_metric, NULL, x, 5, x, 5, 1, 2,
                                    3, 1, &mean, &sd, NULL),
                     DIGS_ERR_NUMERIC);
    digs_error_clear();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bootstrap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_draw_distinct);
    tcase_add_test(tc, test_draw_uniform);
    tcase_add_test(tc, test_mean_sd_ddof0);
    tcase_add_test(tc, test_stream_naming);
    tcase_add_test(tc, test_full_sets_have_no_spread);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
