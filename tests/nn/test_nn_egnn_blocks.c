/* The EGNN's blocked edge passes (src/nn/egnn_layer.c processes the edge
 * rows in blocks of whole samples, ~2^16 reals per [rows][H] array) give
 * the same forward output and the same accumulated parameter gradients
 * for a batch spanning several blocks as the per-sample passes (one block
 * each).  LJ-13 sizes with H = 64: E = 156 edges per sample, 6 samples per
 * block, batch 14 = 3 blocks (the last one partial).
 *
 * Tolerance: float sums of the same terms in a different order (the
 * gemm's K-splitting and the accumulation over samples): relative 1e-4 of
 * the largest entry (observed ~1e-6); any dropped or doubled block gives
 * O(1). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/egnn.h"
#include "nn/init.h"
#include "nn/params.h"
#include "../check_run.h"

static double max_abs(const nn_real *a, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i]));
    return m;
}

static double max_diff(const nn_real *a, const nn_real *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - (double)b[i]));
    return m;
}

static void run(int recompute)
{
    enum { B = 14, n = 13, D = 3, H = 64 };
    const size_t nd = (size_t)n * D;
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 7, 0);
    nn_egnn_spec spec = {n, D, H, 2, recompute};
    nn_egnn g;
    ck_assert_int_eq(nn_egnn_create(&g, &p, "g", &spec, &s), 0);
    for (int l = 0; l < spec.n_layers; l++)  /* wake the coordinate path */
        nn_fill_uniform(&s, nn_dense_weight(&g.layers[l].coord2, &p), H, 0.1);
    nn_real *x = malloc(B * nd * sizeof *x), *y = malloc(B * nd * sizeof *y);
    nn_real *R = malloc(B * nd * sizeof *R), *y1 = malloc(nd * sizeof *y1);
    nn_real *dx = malloc(B * nd * sizeof *dx), *dx1 = malloc(nd * sizeof *dx1);
    nn_real *gsum = calloc(p.n, sizeof *gsum);
    nn_real t[B];
    ck_assert(x && y && R && y1 && dx && dx1 && gsum);
    for (size_t i = 0; i < B * nd; i++) {
        x[i] = (nn_real)digs_stream_normal(&s);
        R[i] = (nn_real)digs_stream_normal(&s);
    }
    for (int b = 0; b < B; b++)
        t[b] = (nn_real)(1 + b % 5);

    nn_params_zero_grad(&p);
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x, t, y, B), 0);
    nn_egnn_backward(&g, &p, R, dx);
    double ymax = max_abs(y, B * nd), dxmax = max_abs(dx, B * nd);
    for (int b = 0; b < B; b++) {
        nn_real *keep = malloc(p.n * sizeof *keep);
        ck_assert(keep);
        memcpy(keep, p.grad, p.n * sizeof *keep);
        nn_params_zero_grad(&p);
        ck_assert_int_eq(nn_egnn_forward(&g, &p, x + b * nd, t + b, y1, 1), 0);
        nn_egnn_backward(&g, &p, R + b * nd, dx1);
        ck_assert(max_diff(y1, y + b * nd, nd) <= 1e-4 * ymax);
        ck_assert(max_diff(dx1, dx + b * nd, nd) <= 1e-4 * dxmax);
        for (size_t i = 0; i < p.n; i++)
            gsum[i] += p.grad[i];
        memcpy(p.grad, keep, p.n * sizeof *keep);
        free(keep);
    }
    double gmax = max_abs(p.grad, p.n), e = max_diff(p.grad, gsum, p.n);
    ck_assert_msg(e <= 1e-4 * gmax, "gradient difference %.3g of %.3g", e,
                  gmax);
    free(x); free(y); free(R); free(y1); free(dx); free(dx1); free(gsum);
    nn_egnn_destroy(&g);
    nn_params_free(&p);
}

START_TEST(test_blocks) { run(0); }
END_TEST
START_TEST(test_blocks_recompute) { run(1); }
END_TEST

int main(void)
{
    Suite *suite = suite_create("nn_egnn_blocks");
    TCase *tc = tcase_create("blocks");
    tcase_add_test(tc, test_blocks);
    tcase_add_test(tc, test_blocks_recompute);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
