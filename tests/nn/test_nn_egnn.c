/* EGNN symmetry and size checks (float, the production build):
 *  - parameter counts equal REFERENCE.md §6.8's minus the unused
 *    embedding_out Linear(H→1) (H + 1 parameters);
 *  - initialisation bounds (PyTorch default, gain-0.001 coordinate layer);
 *  - E(n) equivariance: rotating/reflecting the input rotates/reflects the
 *    displacement, translating leaves it unchanged, permuting particles
 *    permutes it; the output is centred.
 * Tolerance for symmetry checks: 1e-5 of the largest output component.
 * Float round-off of inputs O(1) is 6e-8; through L layers of O(1) gains
 * it grows to ~1e-6 of the output, so 1e-5 passes exact symmetry and fails
 * any symmetry-breaking term (e.g. using x_i instead of x_i − x_j gives
 * O(1) violations). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/egnn.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "../check_run.h"

static const double SYM_TOL = 1e-5;

START_TEST(test_parameter_counts)
{
    /* §6.8: 1 172 025 (H 144, L 8), 586 229 (L 4), 2 078 793 (H 192, L 8),
     * each including an unused Linear(H→1) we do not create. */
    struct { nn_egnn_spec spec; size_t want; } cases[] = {
        {nn_egnn_spec_dw4(8), 1172025 - 145},
        {nn_egnn_spec_dw4(4), 586229 - 145},
        {nn_egnn_spec_lj13(), 2078793 - 193},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        nn_params p;
        nn_params_init(&p);
        digs_stream s;
        nn_init_stream(&s, 1, k);
        nn_egnn g;
        ck_assert_int_eq(nn_egnn_create(&g, &p, "g", &cases[k].spec, &s), 0);
        ck_assert_uint_eq(p.n, cases[k].want);
        ck_assert_uint_eq(p.n_buf, 0);
        nn_egnn_destroy(&g);
        nn_params_free(&p);
    }
    /* §6.8 MLP generator: 483 202 (d = 2), 507 232 (d = 32); the score MLP
     * has the same trainable count plus 4 × 200 frozen frequencies. */
    int dims[2] = {2, 32};
    size_t want[2] = {483202, 507232};
    for (int k = 0; k < 2; k++) {
        for (int cond = 0; cond < 2; cond++) {
            nn_params p;
            nn_params_init(&p);
            digs_stream s;
            nn_init_stream(&s, 1, 10 + k);
            nn_mlp m;
            nn_mlp_spec spec = cond ? nn_mlp_spec_score(dims[k])
                                    : nn_mlp_spec_generator(dims[k]);
            ck_assert_int_eq(nn_mlp_create(&m, &p, "m", &spec, &s), 0);
            ck_assert_uint_eq(p.n, want[k]);
            ck_assert_uint_eq(p.n_buf, cond ? 800 : 0);
            nn_mlp_destroy(&m);
            nn_params_free(&p);
        }
    }
}
END_TEST

START_TEST(test_init_bounds)
{
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 2, 0);
    nn_egnn_spec spec = nn_egnn_spec_dw4(4);
    nn_egnn g;
    ck_assert_int_eq(nn_egnn_create(&g, &p, "g", &spec, &s), 0);
    const int H = spec.hidden;
    double cb = 0.001 * sqrt(6.0 / (H + 1)), cmax = 0;
    const nn_real *w = nn_dense_weight(&g.layers[2].coord2, &p);
    for (int q = 0; q < H; q++)
        cmax = fmax(cmax, fabs((double)w[q]));
    ck_assert(cmax <= cb && cmax > 0.5 * cb);
    /* edge_mlp.0 has fan-in 2H + 2: U(±1/√(2H+2)) for weight and bias */
    const nn_dense *d = &g.layers[1].edge1;
    double b = 1.0 / sqrt(2.0 * H + 2), wmax = 0;
    for (size_t i = 0; i < (size_t)d->in * d->out; i++)
        wmax = fmax(wmax, fabs((double)nn_dense_weight(d, &p)[i]));
    for (int i = 0; i < d->out; i++)
        wmax = fmax(wmax, fabs((double)nn_dense_bias(d, &p)[i]));
    ck_assert(wmax <= b && wmax > 0.99 * b);
    nn_egnn_destroy(&g);
    nn_params_free(&p);
}
END_TEST

/* Random orthogonal D×D matrix (Gram-Schmidt on normals); det = sign. */
static void orthogonal(digs_stream *s, int D, int sign, double *Q)
{
    for (;;) {
        for (int i = 0; i < D * D; i++)
            Q[i] = digs_stream_normal(s);
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int k = 0; k < D; k++)
                    dot += Q[i * D + k] * Q[j * D + k];
                for (int k = 0; k < D; k++)
                    Q[i * D + k] -= dot * Q[j * D + k];
            }
            double nrm = 0;
            for (int k = 0; k < D; k++)
                nrm += Q[i * D + k] * Q[i * D + k];
            for (int k = 0; k < D; k++)
                Q[i * D + k] /= sqrt(nrm);
        }
        double det = D == 2 ? Q[0] * Q[3] - Q[1] * Q[2]
                            : Q[0] * (Q[4] * Q[8] - Q[5] * Q[7])
                                  - Q[1] * (Q[3] * Q[8] - Q[5] * Q[6])
                                  + Q[2] * (Q[3] * Q[7] - Q[4] * Q[6]);
        if (det * sign > 0)
            return;
    }
}

/* y[b][i] = Q x[b][i] for every particle (in double, rounded once). */
static void rotate(const double *Q, int D, const nn_real *x, nn_real *y,
                   size_t n_points)
{
    for (size_t p = 0; p < n_points; p++)
        for (int a = 0; a < D; a++) {
            double v = 0;
            for (int c = 0; c < D; c++)
                v += Q[a * D + c] * (double)x[p * D + c];
            y[p * D + a] = (nn_real)v;
        }
}

static double max_abs(const nn_real *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)v[i]));
    return m;
}

static double max_diff(const nn_real *a, const nn_real *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - (double)b[i]));
    return m;
}

static void run_symmetries(int n, int D, int H, int L)
{
    enum { B = 6 };
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 3, (uint64_t)D);
    nn_egnn_spec spec = {n, D, H, L, 0};
    nn_egnn g;
    ck_assert_int_eq(nn_egnn_create(&g, &p, "g", &spec, &s), 0);
    /* O(1) coordinate weights, as after training, so outputs are O(1) */
    for (int l = 0; l < L; l++)
        nn_fill_uniform(&s, nn_dense_weight(&g.layers[l].coord2, &p),
                        (size_t)H, 0.3);
    size_t N = (size_t)B * n * D;
    nn_real *x = malloc(N * sizeof *x), *x2 = malloc(N * sizeof *x2);
    nn_real *y = malloc(N * sizeof *y), *y2 = malloc(N * sizeof *y2);
    nn_real *yr = malloc(N * sizeof *yr);
    nn_real t[B];
    for (size_t i = 0; i < N; i++)
        x[i] = (nn_real)(1.2 * digs_stream_normal(&s));
    for (int b = 0; b < B; b++)
        t[b] = (nn_real)(1 + 5 * b);
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x, t, y, B), 0);
    double scale = max_abs(y, N);
    ck_assert_msg(scale > 0.1, "output too small (%g) to test symmetry", scale);

    /* centred output */
    for (int b = 0; b < B; b++)
        for (int d = 0; d < D; d++) {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += y[((size_t)b * n + i) * D + d];
            ck_assert(fabs(sum) <= SYM_TOL * scale);
        }

    /* rotation and reflection: f(Qx + τ) = Q f(x) */
    for (int sign = -1; sign <= 1; sign += 2) {
        double Q[9];
        orthogonal(&s, D, sign, Q);
        rotate(Q, D, x, x2, N / D);
        for (size_t i = 0; i < N; i++)
            x2[i] += (nn_real)(0.7 * (i % D) - 0.4);
        ck_assert_int_eq(nn_egnn_forward(&g, &p, x2, t, y2, B), 0);
        rotate(Q, D, y, yr, N / D);
        double e = max_diff(y2, yr, N) / scale;
        ck_assert_msg(e <= SYM_TOL, "det %+d rotation: relative error %.3g",
                      sign, e);
    }

    /* translation alone: f(x + τ) = f(x) */
    for (size_t i = 0; i < N; i++)
        x2[i] = x[i] + (nn_real)(3.0 - 2.0 * (i % D));
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x2, t, y2, B), 0);
    double e = max_diff(y2, y, N) / scale;
    ck_assert_msg(e <= SYM_TOL, "translation: relative error %.3g", e);

    /* permutation of particles: f(πx) = π f(x) */
    int perm[64];
    for (int i = 0; i < n; i++)
        perm[i] = (i * 3 + 1) % n;  /* a bijection when gcd(3, n) = 1 */
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++)
            for (int d = 0; d < D; d++)
                x2[((size_t)b * n + i) * D + d] =
                    x[((size_t)b * n + perm[i]) * D + d];
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x2, t, y2, B), 0);
    double ep = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++)
            for (int d = 0; d < D; d++)
                ep = fmax(ep, fabs((double)y2[((size_t)b * n + i) * D + d]
                                   - (double)y[((size_t)b * n + perm[i]) * D + d]));
    ck_assert_msg(ep / scale <= SYM_TOL, "permutation: relative error %.3g",
                  ep / scale);

    free(x);
    free(x2);
    free(y);
    free(y2);
    free(yr);
    nn_egnn_destroy(&g);
    nn_params_free(&p);
}

START_TEST(test_symmetries_2d) { run_symmetries(4, 2, 32, 4); }
END_TEST
START_TEST(test_symmetries_3d) { run_symmetries(7, 3, 24, 3); }
END_TEST

/* The generator (t = NULL) equals the time-conditioned network at t = 1,
 * and the batch rows are independent (a batch of B equals B batches of 1). */
START_TEST(test_batch_independence)
{
    enum { B = 5, n = 4, D = 2 };
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 4, 0);
    nn_egnn_spec spec = {n, D, 16, 3, 0};
    nn_egnn g;
    ck_assert_int_eq(nn_egnn_create(&g, &p, "g", &spec, &s), 0);
    nn_real x[B * n * D], y[B * n * D], y1[n * D], ones[B];
    for (int i = 0; i < B * n * D; i++)
        x[i] = (nn_real)digs_stream_normal(&s);
    for (int b = 0; b < B; b++)
        ones[b] = 1;
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x, NULL, y, B), 0);
    nn_real yt[B * n * D];
    ck_assert_int_eq(nn_egnn_forward(&g, &p, x, ones, yt, B), 0);
    ck_assert(memcmp(y, yt, sizeof y) == 0);
    for (int b = 0; b < B; b++) {
        ck_assert_int_eq(nn_egnn_forward(&g, &p, x + b * n * D, NULL, y1, 1), 0);
        ck_assert(max_diff(y1, y + b * n * D, n * D)
                  <= 1e-5 * (max_abs(y, B * n * D) + 1e-30));
    }
    nn_egnn_destroy(&g);
    nn_params_free(&p);
}
END_TEST

int main(void)
{
    openblas_set_num_threads(1);
    Suite *suite = suite_create("nn_egnn");
    TCase *tc = tcase_create("egnn");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_parameter_counts);
    tcase_add_test(tc, test_init_bounds);
    tcase_add_test(tc, test_symmetries_2d);
    tcase_add_test(tc, test_symmetries_3d);
    tcase_add_test(tc, test_batch_independence);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
