/* The chains <-> trainer level map of the coupled job
 * (src/driver/coupled_flow.h), against hand-computed values:
 *  - a DiKL step whose a_t equals a DiGS level's alpha gets that level's
 *    step size exactly (the two posteriors are the same);
 *  - between levels, log eta is linear in v = log(sigma^2 / alpha^2);
 *  - narrower than the narrowest level eta shrinks in proportion to
 *    sigma_t^2 / a_t^2; wider than the widest it stays at that level's;
 *  - the feedback counts land on the matching level's inner pair only,
 *    and not at all where no level is within posterior widths of 10 %. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver/coupled_flow.h"
#include "../check_run.h"

static double v_of(double a, double s) { return log(s * s / (a * a)); }

/* A hand-made VP "schedule" with chosen a_t (sigma_t = sqrt(1 - a_t^2)). */
static dikl_schedule make_schedule(const double *a, int T)
{
    dikl_schedule s;
    memset(&s, 0, sizeof s);
    s.T = T;
    for (int t = 0; t < T; t++) {
        s.a[t] = a[t];
        s.sigma[t] = sqrt(1 - a[t] * a[t]);
    }
    return s;
}

static const double alpha[3] = {0.5, 0.7, 0.9};
static double sigma[3];
static const double h[3] = {0.04, 0.02, 0.005};

static digs_level_info levels(void)
{
    for (int l = 0; l < 3; l++)
        sigma[l] = sqrt(1 - alpha[l] * alpha[l]);
    return (digs_level_info){.n = 3, .alpha = alpha, .sigma = sigma,
                             .inner_mala = 1, .adaptive = 1,
                             .pairs_per_level = 2};
}

START_TEST(test_map_steps)
{
    digs_level_info lv = levels();
    /* t = 1..6: on a level, between two, narrower, wider */
    double a[7] = {0, 0.9, 0.7, 0.5, 0.8, 0.99, 0.3};
    dikl_schedule s = make_schedule(a, 7);
    double eta[7];
    coupled_map_steps(&lv, h, &s, eta);
    ck_assert_double_eq_tol(eta[1], h[2], 1e-15);
    ck_assert_double_eq_tol(eta[2], h[1], 1e-15);
    ck_assert_double_eq_tol(eta[3], h[0], 1e-15);
    double v = v_of(0.8, s.sigma[4]), v1 = v_of(0.9, sigma[2]),
           v0 = v_of(0.7, sigma[1]);
    double f = (v - v1) / (v0 - v1);
    ck_assert_double_eq_tol(eta[4], exp((1 - f) * log(h[2]) + f * log(h[1])),
                            1e-15);
    double narrow = h[2] * exp(v_of(0.99, s.sigma[5]) - v1);
    ck_assert_double_eq_tol(eta[5], narrow, 1e-15);
    ck_assert(eta[5] < h[2] / 10); /* sigma^2/a^2 is 10x smaller or more */
    ck_assert_double_eq_tol(eta[6], h[0], 1e-15);
    ck_assert(eta[0] == eta[1]);
}
END_TEST

START_TEST(test_feedback_counts)
{
    digs_level_info lv = levels();
    /* t = 1 matches alpha 0.7 (a = 0.705: widths within 1 %), t = 2 is
     * between 0.7 and 0.9 (a = 0.8: no level within 10 %), t = 3 on 0.9 */
    double a[4] = {0, 0.705, 0.8, 0.9};
    dikl_schedule s = make_schedule(a, 4);
    int64_t acc[4] = {0, 30, 50, 7}, prop[4] = {0, 100, 100, 10};
    int64_t stats[12] = {0};
    coupled_feedback_counts(&lv, &s, acc, prop, stats);
    /* level l's inner pair: stats[2 (2 l + 1)], stats[2 (2 l + 1) + 1] */
    int64_t want[12] = {0, 0, 0, 0, 0, 0, 30, 100, 0, 0, 7, 10};
    for (int k = 0; k < 12; k++)
        ck_assert_int_eq(stats[k], want[k]);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("coupled_flow");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, test_map_steps);
    tcase_add_test(tc, test_feedback_counts);
    suite_add_tcase(su, tc);
    return digs_check_run(su);
}
