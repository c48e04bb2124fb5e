/* Histogram TVD (REFERENCE.md §8.5) and pair distances: hand-computed
 * cases, numpy's bin-edge semantics, numpy values on fixed inputs, the
 * out-of-range rule, and the DW-4 distance-TVD noise floor (§8.10). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/bootstrap.h"
#include "analysis/tvd.h"
#include "core/status.h"
#include "../check_run.h"

START_TEST(test_identical_is_zero)
{
    const double a[6] = {0.1, 2.0, -1.0, 0.5, 0.5, 3.0};
    double t;
    ck_assert_int_eq(digs_tvd_histogram(a, 6, a, 6, 200, &t), DIGS_OK);
    ck_assert_double_eq(t, 0.0);
}
END_TEST

START_TEST(test_disjoint_is_one)
{
    /* Model values inside the reference range but in bins the reference
     * leaves empty: TVD = 1 exactly. */
    const double ref[4] = {0.0, 0.1, 0.9, 1.0};
    const double model[3] = {0.45, 0.5, 0.55};
    double t;
    ck_assert_int_eq(digs_tvd_histogram(ref, 4, model, 3, 10, &t), DIGS_OK);
    ck_assert_double_eq(t, 1.0);
}
END_TEST

START_TEST(test_hand_case)
{
    /* ref {0,1,2,3,4}, 4 bins, edges 0,1,2,3,4: p = (.2,.2,.2,.4) (4 is
     * the closed right edge of the last bin).  model {0.5, 3.9, 4.0, 5.0,
     * -1, 2.5}: 5.0 and -1 dropped, q = (.25, 0, .25, .5), TVD = ½(.05 +
     * .2 + .05 + .1) = 0.2.  numpy gives 0.19999999999999998. */
    const double ref[5] = {0, 1, 2, 3, 4};
    const double model[6] = {0.5, 3.9, 4.0, 5.0, -1.0, 2.5};
    double t;
    long kept;
    ck_assert_int_eq(digs_tvd_histogram_counted(ref, 5, model, 6, 4, &t,
                                                &kept), DIGS_OK);
    ck_assert_int_eq(kept, 4);
    ck_assert_double_eq_tol(t, 0.2, 1e-15);
}
END_TEST

START_TEST(test_bin_edges)
{
    /* Edges are numpy's: e_k = k * step + lo, so with ref range [0, 1] and
     * 10 bins e_3 = 3 * 0.1 = 0.30000000000000004 and 0.3 falls in bin 2
     * (numpy: histogram([0.3, 0.7, 0.6, 1.0, 0.0], bins=edges) = [1 0 1 0
     * 0 1 1 0 0 1]).  A value on an edge goes to the bin above it; the
     * maximum goes to the last bin.  Checked through one-value model
     * histograms against a ref whose bins hold one value each. */
    const double ref[2] = {0.0, 1.0};
    double t;
    /* ref puts ½ in bin 0 and ½ in bin 9; a model value in bin 0 or 9
     * gives TVD ½, anywhere else 1. */
    const double in_first[2] = {0.0, 0.05};
    const double in_last[2] = {1.0, 0.95};
    const double elsewhere[4] = {0.1, 0.3, 0.6, 0.9 - 1e-12};
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(digs_tvd_histogram(ref, 2, &in_first[k], 1, 10, &t),
                         DIGS_OK);
        ck_assert_double_eq(t, 0.5);
        ck_assert_int_eq(digs_tvd_histogram(ref, 2, &in_last[k], 1, 10, &t),
                         DIGS_OK);
        ck_assert_double_eq(t, 0.5);
    }
    for (int k = 0; k < 4; k++) {
        ck_assert_int_eq(digs_tvd_histogram(ref, 2, &elsewhere[k], 1, 10,
                                            &t), DIGS_OK);
        ck_assert_double_eq(t, 1.0);
    }
    /* 0.3 vs 0.30000000000000004: same TVD against a ref with a value in
     * bin 2 only if 0.3 lands in bin 2. */
    const double ref3[3] = {0.0, 0.25, 1.0}; /* bins 0, 2, 9 */
    const double x03 = 0.3, e3 = 3 * 0.1;
    ck_assert_int_eq(digs_tvd_histogram(ref3, 3, &x03, 1, 10, &t), DIGS_OK);
    ck_assert_double_eq_tol(t, 2.0 / 3.0, 1e-15);
    ck_assert_int_eq(digs_tvd_histogram(ref3, 3, &e3, 1, 10, &t), DIGS_OK);
    ck_assert_double_eq_tol(t, 1.0, 1e-15); /* ½(3 · 1/3 + 1), rounded */
    /* Values exactly on an edge where numpy's estimate (a - lo) * norm
     * floors one bin too low and its correction moves them up: range
     * [1, 2] in 200 bins has e_1 == 1.005 with estimate 0.0999.. -> bin 1
     * (numpy: histogram([1.005], edges) puts it in bin 1); range [0.1,
     * 0.7] in 6 bins has e_2 == 0.3 -> bin 2.  The ref occupies only the
     * first and last bins, so bin 0 would give ½ and bin 1 gives 1. */
    const double r12[2] = {1.0, 2.0}, a1 = 1.005;
    ck_assert_int_eq(digs_tvd_histogram(r12, 2, &a1, 1, 200, &t), DIGS_OK);
    ck_assert_double_eq(t, 1.0);
    const double r17[2] = {0.1, 0.7}, a2 = 0.3;
    ck_assert_int_eq(digs_tvd_histogram(r17, 2, &a2, 1, 6, &t), DIGS_OK);
    ck_assert_double_eq(t, 1.0);
}
END_TEST

START_TEST(test_numpy_values)
{
    /* 50 reference and 40 model values (2 decimals); numpy's
     * 0.5 * abs(h/h.sum() - g/g.sum()).sum() with h, e = histogram(ref,
     * bins); g = histogram(model, e): exact ratios of counts, so 1e-15. */
    const double ref[50] = {
        0.00, 0.30, -0.27, -0.89, -0.45, -0.99, 0.06, 1.34, -0.49, -0.62,
        0.49, 0.36, 0.11, -0.93, -0.03, 0.70, -1.34, -0.46, -1.90, -1.29,
        -1.84, -0.24, -1.27, 0.27, 0.16, -0.19, -2.52, -0.54, -0.05, 0.11,
        -1.53, -0.48, -0.98, -0.81, 1.06, -0.81, -0.03, 0.88, -0.58, -0.11,
        0.11, 0.06, -1.23, 0.08, 1.36, -1.55, 0.86, 0.12, -0.64, 2.00};
    const double model[40] = {
        1.21, -1.14, 0.39, 0.99, 0.07, 1.12, 0.22, 1.10, 2.03, -0.51,
        0.54, -0.26, 0.45, -1.12, -0.40, 0.06, 1.38, 1.67, -1.29, -0.65,
        1.08, -2.09, -0.26, 0.18, 1.81, 1.13, -0.09, -0.14, -0.00, 2.13,
        -0.21, -0.06, 0.72, 0.16, 0.06, -1.04, 0.29, -0.23, 1.70, 1.08};
    const int bins[3] = {7, 13, 200};
    const double want[3] = {0.19578947368421051, 0.35263157894736841,
                            0.8600000000000001};
    for (int k = 0; k < 3; k++) {
        double t;
        long kept;
        ck_assert_int_eq(digs_tvd_histogram_counted(ref, 50, model, 40,
                                                    bins[k], &t, &kept),
                         DIGS_OK);
        ck_assert_int_eq(kept, 38); /* 2.03 and 2.13 exceed max(ref) */
        ck_assert_double_eq_tol(t, want[k], 1e-15);
    }
}
END_TEST

START_TEST(test_out_of_range_and_degenerate)
{
    const double ref[3] = {1.0, 2.0, 3.0};
    const double model[3] = {-5.0, NAN, INFINITY};
    double t = 0;
    long kept = -1;
    /* Every model value dropped: defined as TVD = 1 (tvd.h). */
    ck_assert_int_eq(digs_tvd_histogram_counted(ref, 3, model, 3, 200, &t,
                                                &kept), DIGS_OK);
    ck_assert_int_eq(kept, 0);
    ck_assert_double_eq(t, 1.0);
    /* Zero-width reference range: numpy widens it to [v - ½, v + ½]. */
    const double flat[2] = {2.0, 2.0};
    const double near[2] = {2.4, 1.5}, far[1] = {2.6};
    ck_assert_int_eq(digs_tvd_histogram_counted(flat, 2, near, 2, 1, &t,
                                                &kept), DIGS_OK);
    ck_assert_int_eq(kept, 2);
    ck_assert_double_eq(t, 0.0);
    ck_assert_int_eq(digs_tvd_histogram_counted(flat, 2, far, 1, 1, &t,
                                                &kept), DIGS_OK);
    ck_assert_int_eq(kept, 0);
    /* Errors: non-finite reference, bad sizes. */
    const double bad[2] = {0.0, NAN};
    ck_assert_int_eq(digs_tvd_histogram(bad, 2, ref, 3, 10, &t),
                     DIGS_ERR_NUMERIC);
    ck_assert_int_eq(digs_tvd_histogram(ref, 3, ref, 3, 0, &t),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_tvd_histogram(ref, 0, ref, 3, 10, &t),
                     DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

START_TEST(test_pair_distances)
{
    /* 3 particles in 2-D at (0,0), (3,0), (0,4): distances 3, 4, 5 in the
     * order (0,1), (0,2), (1,2); a 3-D pair at distance sqrt(14). */
    const double x[6] = {0, 0, 3, 0, 0, 4};
    double out[3];
    digs_pair_distances(x, 1, 3, 2, out);
    ck_assert_double_eq(out[0], 3.0);
    ck_assert_double_eq(out[1], 4.0);
    ck_assert_double_eq(out[2], 5.0);
    const double y[12] = {1, 2, 3, 0, 0, 0, /* config 0 */
                          0, 0, 0, 1, 1, 1};
    double o2[2];
    digs_pair_distances(y, 2, 2, 3, o2);
    ck_assert_double_eq_tol(o2[0], sqrt(14.0), 1e-15);
    ck_assert_double_eq_tol(o2[1], sqrt(3.0), 1e-15);
}
END_TEST

START_TEST(test_dw4_distance_floor)
{
    /* DW-4 distance TVD between the two halves of the validation split,
     * DiKL protocol (10 x 2000 vs 2000, 200 bins).  numpy on the same
     * halves: 0.0634 ± 0.0054; §8.10 val vs test 0.059 ± 0.004.  Accept
     * [0.04, 0.09] (about ±5 sd of one bootstrap mean's spread). */
    const char *dir = getenv("DIGS_SHARED_DIR");
    if (!dir || !*dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/val_split_DW4.npy", dir);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char head[128];
    float *raw = malloc(80000 * sizeof *raw);
    size_t got = fread(head, 1, 128, f) == 128
                     ? fread(raw, sizeof *raw, 80000, f) : 0;
    fclose(f);
    ck_assert_msg(got == 80000, "%s: expected 10000 x 8 float32", path);
    double *x = malloc(80000 * sizeof *x), *dist = malloc(60000 * sizeof *x);
    for (long k = 0; k < 80000; k++)
        x[k] = raw[k];
    digs_pair_distances(x, 10000, 4, 2, dist);
    double mean, sd;
    ck_assert_int_eq(digs_bootstrap(digs_metric_tvd, NULL, dist, 5000,
                                    dist + 5000 * 6, 5000, 6, 2000, 10, 1,
                                    &mean, &sd, NULL), DIGS_OK);
    ck_assert_msg(mean > 0.04 && mean < 0.09 && sd < 0.02,
                  "DW-4 distance TVD %g ± %g", mean, sd);
    free(raw);
    free(x);
    free(dist);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tvd");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_identical_is_zero);
    tcase_add_test(tc, test_disjoint_is_one);
    tcase_add_test(tc, test_hand_case);
    tcase_add_test(tc, test_bin_edges);
    tcase_add_test(tc, test_numpy_values);
    tcase_add_test(tc, test_out_of_range_and_degenerate);
    tcase_add_test(tc, test_pair_distances);
    tcase_add_test(tc, test_dw4_distance_floor);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
