/* MoG-40 metrics (REFERENCE.md §7.1, §8.2): the quadratic test function
 * against numpy, its analytic expectation against §7.1 and against exact
 * samples, RMAE, nearest-mean mode weights and coverage. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/mog_metrics.h"
#include "core/rng.h"
#include "core/status.h"
#include "../check_run.h"

/* The MoG-40 means to 4 decimals (REFERENCE.md §7.1 table), k x 2. */
static const double means[40][2] = {
    {-0.2995, 21.4577}, {-32.9218, -29.4376}, {-15.4062, 10.7263},
    {-0.7925, 31.7156}, {-3.5498, 10.5845}, {-12.0885, -7.8626},
    {-38.2139, -26.4913}, {-16.4889, 1.4817}, {15.8134, 24.0009},
    {-27.1176, -17.4185}, {14.5287, 33.2155}, {-8.2320, 29.9325},
    {-6.4473, 4.2326}, {36.2190, -37.1068}, {-25.1815, -10.1266},
    {-15.5920, 34.5600}, {-25.9272, -18.4133}, {-27.9456, -37.4624},
    {-23.3496, 34.3839}, {17.8487, 19.3869}, {2.1037, -20.5073},
    {6.7674, -37.3478}, {-28.9026, -20.6212}, {25.2375, 23.4529},
    {-17.7398, -1.4433}, {25.5824, 39.7653}, {15.8753, 5.4037},
    {26.8195, -23.5521}, {7.4538, -31.0122}, {-27.7234, -20.6633},
    {18.0989, 16.0864}, {-23.6941, 12.0843}, {21.9589, -5.0487},
    {1.5273, 9.2682}, {24.8151, 38.4078}, {-30.8249, -14.6588},
    {15.7204, 33.1420}, {34.8083, 35.2943}, {7.9606, -34.7833},
    {3.6797, -25.0242}};

START_TEST(test_quadratic_numpy)
{
    /* numpy: (x+s) @ A @ (x+s) + b @ x with the §7.1 constants.  Terms
     * up to ~1e3 cancel to ~10: 1e-12 absolute. */
    const double x[3][2] = {{0.0, 0.0}, {1.5, -2.25}, {-30.0, 12.0}};
    const double want[3] = {2.391133433189828, -2.6270419199059263,
                            -17.76958170929759};
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol(digs_mog_quadratic(x[k]), want[k], 1e-12);
}
END_TEST

START_TEST(test_analytic_expectation)
{
    /* numpy with the 4-decimal means and sigma = ln(1 + e):
     * 1776.8522082705583 (1e-12 relative); §7.1 quotes 1776.852 for
     * these means and 1776.853 for the float32 means. */
    double e;
    ck_assert_double_eq_tol(DIGS_MOG40_SIGMA, log1p(exp(1.0)), 1e-16);
    ck_assert_int_eq(digs_mog_quadratic_expectation(&means[0][0], 40,
                                                    DIGS_MOG40_SIGMA, &e),
                     DIGS_OK);
    ck_assert_double_eq_tol(e, 1776.8522082705583, 1e-12 * e);
    ck_assert_double_eq_tol(e, DIGS_MOG40_E_TRUE_ANALYTIC, 0.0015);
    ck_assert_int_eq(digs_mog_quadratic_expectation(&means[0][0], 0, 1.0,
                                                    &e), DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

START_TEST(test_exact_samples)
{
    /* 200 000 exact draws (uniform component + N(0, sigma^2 I)):
     * - mean f within 5 standard errors (sd f ≈ 1719, §7.1: 5 SE ≈ 19.2)
     *   of the analytic value;
     * - every mode weight within 5 multinomial se + 0.001 of 1/40: the
     *   nearest-mean (Voronoi) split of overlapping modes shifts weights
     *   by up to 4 % of 1/40 (numpy, 10^6 draws: 0.0241..0.0259);
     * - all 40 modes covered. */
    const long n = 200000;
    double *x = malloc(n * 2 * sizeof *x);
    digs_stream s;
    digs_stream_init(&s, 31, 0, 0, DIGS_RNG_TEST, 0);
    for (long i = 0; i < n; i++) {
        uint32_t c = digs_stream_below(&s, 40);
        x[2 * i] = means[c][0] + DIGS_MOG40_SIGMA * digs_stream_normal(&s);
        x[2 * i + 1] = means[c][1] + DIGS_MOG40_SIGMA * digs_stream_normal(&s);
    }
    double mean, e, rmae;
    ck_assert_int_eq(digs_mog_quadratic_mean(x, n, &mean), DIGS_OK);
    ck_assert_int_eq(digs_mog_quadratic_expectation(&means[0][0], 40,
                                                    DIGS_MOG40_SIGMA, &e),
                     DIGS_OK);
    ck_assert_double_le(fabs(mean - e), 5 * 1719 / sqrt((double)n));
    ck_assert_int_eq(digs_mog_rmae(x, n, e, &rmae), DIGS_OK);
    ck_assert_double_eq_tol(rmae, fabs(mean - e) / e, 1e-15);

    long counts[40];
    double w[40], se[40];
    ck_assert_int_eq(digs_mog_mode_weights(x, n, 2, &means[0][0], 40, counts,
                                           w, se), DIGS_OK);
    long total = 0;
    for (int c = 0; c < 40; c++) {
        total += counts[c];
        ck_assert_double_le(fabs(w[c] - 1.0 / 40), 5 * se[c] + 0.001);
    }
    ck_assert_int_eq(total, n);
    ck_assert_int_eq(digs_mog_modes_covered(w, 40, DIGS_MOG_COVERED_FRACTION),
                     40);
    free(x);
}
END_TEST

START_TEST(test_rmae_numpy)
{
    /* numpy: mean f over the 4 points = 133.45692135989248; RMAE against
     * the notebook E_true 1821.1072 = 0.92671660330600392. */
    const double x[8] = {0, 0, 1.5, -2.25, -30, 12, 10, 10};
    double mean, rmae;
    ck_assert_int_eq(digs_mog_quadratic_mean(x, 4, &mean), DIGS_OK);
    ck_assert_double_eq_tol(mean, 133.45692135989248, 1e-12);
    ck_assert_int_eq(digs_mog_rmae(x, 4, DIGS_MOG40_E_TRUE_NOTEBOOK, &rmae),
                     DIGS_OK);
    ck_assert_double_eq_tol(rmae, 0.92671660330600392, 1e-14);
    ck_assert_int_eq(digs_mog_rmae(x, 4, 0.0, &rmae), DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_mog_rmae(x, 0, 1.0, &rmae), DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

START_TEST(test_mode_weights_hand)
{
    /* Means (0,0), (2,0), (10,10).  Points: (0.9,0) -> 0, (1,0) tie ->
     * 0 (lower index), (1.1,0) -> 1, (9,9) -> 2, (0,-3) -> 0.
     * Weights (3, 1, 1)/5, se = sqrt(w(1-w)/5). */
    const double mu[6] = {0, 0, 2, 0, 10, 10};
    const double x[10] = {0.9, 0, 1, 0, 1.1, 0, 9, 9, 0, -3};
    long counts[3];
    double w[3], se[3];
    ck_assert_int_eq(digs_mog_mode_weights(x, 5, 2, mu, 3, counts, w, se),
                     DIGS_OK);
    ck_assert_int_eq(counts[0], 3);
    ck_assert_int_eq(counts[1], 1);
    ck_assert_int_eq(counts[2], 1);
    ck_assert_double_eq_tol(w[0], 0.6, 1e-15);
    ck_assert_double_eq_tol(se[0], sqrt(0.6 * 0.4 / 5), 1e-15);
    ck_assert_double_eq_tol(se[2], sqrt(0.2 * 0.8 / 5), 1e-15);
    /* Coverage threshold min_fraction / k, inclusive: with k = 4 and
     * fraction 0.1 a mode needs weight >= 0.025. */
    const double wt[4] = {0.5, 0.475, 0.025, 0.0};
    ck_assert_int_eq(digs_mog_modes_covered(wt, 4, 0.1), 3);
    ck_assert_int_eq(digs_mog_modes_covered(wt, 4, 0.2), 2);
    /* A sampler stuck in 10 of the 40 modes covers 10. */
    double stuck[40] = {0};
    for (int c = 0; c < 10; c++)
        stuck[c * 4] = 0.1;
    ck_assert_int_eq(digs_mog_modes_covered(stuck, 40,
                                            DIGS_MOG_COVERED_FRACTION), 10);
    const double bad[2] = {0, NAN};
    ck_assert_int_eq(digs_mog_mode_weights(bad, 1, 2, mu, 3, NULL, NULL,
                                           NULL), DIGS_ERR_NUMERIC);
    digs_error_clear();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mog_metrics");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_quadratic_numpy);
    tcase_add_test(tc, test_analytic_expectation);
    tcase_add_test(tc, test_exact_samples);
    tcase_add_test(tc, test_rmae_numpy);
    tcase_add_test(tc, test_mode_weights_hand);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
