/* Optimisation pieces: Adam against a hand-computed update, gradient
 * clipping, reproducible PyTorch-default initialisation, Fourier features
 * against their closed form, and an MLP fitting sin(x) with Adam. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "core/status.h"
#include "nn/adam.h"
#include "nn/clip.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "nn/time_embedding.h"
#include "../check_run.h"

START_TEST(test_adam_matches_hand_computation)
{
    nn_params p;
    nn_params_init(&p);
    int dims[1] = {3};
    size_t off;
    ck_assert_int_eq(nn_params_add(&p, "w", "weight", 1, dims, 1, &off), 0);
    const double w0[3] = {0.5, -1.0, 2.0};
    const double grads[3][3] = {{0.1, -2.0, 1e-3}, {0.3, 1.0, -1e-3},
                                {-0.2, 0.5, 0.0}};
    for (int i = 0; i < 3; i++)
        p.value[i] = (nn_real)w0[i];
    nn_adam a;
    const double lr = 0.01;
    ck_assert_int_eq(nn_adam_init(&a, &p, lr), 0);
    double w[3] = {w0[0], w0[1], w0[2]}, m[3] = {0}, v[3] = {0};
    for (int t = 1; t <= 3; t++) {
        for (int i = 0; i < 3; i++)
            p.grad[i] = (nn_real)grads[t - 1][i];
        ck_assert_int_eq(nn_adam_step(&a, &p), 0);
        for (int i = 0; i < 3; i++) {
            double g = (double)(nn_real)grads[t - 1][i];
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            double mh = m[i] / (1 - pow(0.9, t));
            double vh = v[i] / (1 - pow(0.999, t));
            w[i] -= lr * mh / (sqrt(vh) + 1e-8);
        }
        /* float arithmetic on O(1) values: 1e-6 absolute (updates are
         * O(lr) = 1e-2, so a wrong bias correction is off by > 1e-3) */
        for (int i = 0; i < 3; i++)
            ck_assert_msg(fabs((double)p.value[i] - w[i]) < 1e-6,
                          "step %d param %d: %.9g vs %.9g", t, i,
                          (double)p.value[i], w[i]);
    }
    ck_assert_int_eq(a.step, 3);
    /* first step of a fresh Adam moves every parameter by lr·sign(g)
     * (m̂/√v̂ = g/|g|), up to ε/|g| */
    nn_adam_free(&a);
    ck_assert_int_eq(nn_adam_init(&a, &p, lr), 0);
    nn_real before[3];
    memcpy(before, p.value, sizeof before);
    p.grad[0] = 5;
    p.grad[1] = -0.01f;
    p.grad[2] = 0;
    ck_assert_int_eq(nn_adam_step(&a, &p), 0);
    ck_assert(fabs((double)(before[0] - p.value[0]) - lr) < 1e-7);
    ck_assert(fabs((double)(before[1] - p.value[1]) + lr) < 1e-7);
    ck_assert(p.value[2] == before[2]);
    nn_adam_free(&a);
    nn_params_free(&p);
}
END_TEST

START_TEST(test_clip)
{
    nn_real g[2] = {3, 4};
    double norm;
    ck_assert_int_eq(nn_clip_grad_norm(g, 2, 10.0, &norm), 0);
    ck_assert(norm == 5.0 && g[0] == 3 && g[1] == 4);  /* below: untouched */
    ck_assert_int_eq(nn_clip_grad_norm(g, 2, 1.0, &norm), 0);
    ck_assert(fabs(norm - 5.0) < 1e-12);
    /* PyTorch: coef = max_norm/(norm + 1e-6) */
    ck_assert(fabs((double)g[0] - 3.0 / (5.0 + 1e-6)) < 1e-7);
    ck_assert(fabs((double)g[1] - 4.0 / (5.0 + 1e-6)) < 1e-7);
    ck_assert(fabs(nn_grad_norm(g, 2) - 1.0) < 1e-6);
    nn_real bad[3] = {1, NAN, 2};
    ck_assert_int_eq(nn_clip_grad_norm(bad, 3, 1.0, &norm), DIGS_ERR_NUMERIC);
    ck_assert(bad[0] == 1 && bad[2] == 2);
    digs_error_clear();
}
END_TEST

START_TEST(test_init_reproducible_and_uniform)
{
    nn_params p[3];
    nn_mlp m[3];
    nn_mlp_spec spec = nn_mlp_spec_generator(4);
    uint64_t ids[3] = {7, 7, 8};
    for (int k = 0; k < 3; k++) {
        nn_params_init(&p[k]);
        digs_stream s;
        nn_init_stream(&s, 42, ids[k]);
        ck_assert_int_eq(nn_mlp_create(&m[k], &p[k], "gen", &spec, &s), 0);
    }
    size_t bytes = p[0].n * sizeof *p[0].value;
    ck_assert(memcmp(p[0].value, p[1].value, bytes) == 0);
    ck_assert(memcmp(p[0].value, p[2].value, bytes) != 0);
    /* a 400×400 layer: U(±1/20); mean and variance within 5 standard
     * errors of 0 and b²/3 (n = 160 000) */
    const nn_dense *d = &m[0].layers[2];
    const nn_real *w = nn_dense_weight(d, &p[0]);
    size_t n = (size_t)d->in * d->out;
    double b = 1.0 / sqrt(400.0), s1 = 0, s2 = 0, wmax = 0;
    for (size_t i = 0; i < n; i++) {
        s1 += w[i];
        s2 += (double)w[i] * w[i];
        wmax = fmax(wmax, fabs((double)w[i]));
    }
    double mean = s1 / n, var = s2 / n - mean * mean;
    ck_assert(wmax < b);
    ck_assert(fabs(mean) < 5 * b / sqrt(3.0 * n));
    /* Var(w²) = b⁴/5 − b⁴/9 = 4b⁴/45 */
    ck_assert(fabs(var - b * b / 3) < 5 * sqrt(4.0 / 45 / n) * b * b);
    for (int k = 0; k < 3; k++) {
        nn_mlp_destroy(&m[k]);
        nn_params_free(&p[k]);
    }
}
END_TEST

START_TEST(test_fourier_closed_form)
{
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 5, 0);
    nn_fourier f;
    enum { W = 400 };
    ck_assert_int_eq(nn_fourier_init(&f, &p, "emb", W, 30.0, 40, &s), 0);
    const nn_real *om = p.buf + f.omega;
    /* ω ~ N(0, 30²): sample std of 200 draws within 5 SE (30/√400) */
    double s2 = 0;
    for (int k = 0; k < W / 2; k++)
        s2 += (double)om[k] * om[k];
    ck_assert(fabs(sqrt(s2 / (W / 2)) - 30.0) < 5 * 30.0 / sqrt(2.0 * W / 2));
    nn_real t[3] = {3, 17.25, 55};  /* table, non-integer, beyond table */
    nn_real *out = calloc(3 * W, sizeof *out);
    nn_fourier_add(&f, &p, t, 3, out);
    for (int b = 0; b < 3; b++)
        for (int k = 0; k < W / 2; k++) {
            double ph = 2 * M_PI * (double)om[k] * (double)t[b];
            /* float storage of O(1) values: 1e-6 */
            ck_assert(fabs((double)out[b * W + k] - sin(ph)) < 1e-6);
            ck_assert(fabs((double)out[b * W + W / 2 + k] - cos(ph)) < 1e-6);
        }
    /* the table follows ω when it changes (e.g. after loading) */
    p.buf[f.omega] = 0.125f;
    memset(out, 0, 3 * W * sizeof *out);
    nn_fourier_add(&f, &p, t, 1, out);
    ck_assert(fabs((double)out[0] - sin(2 * M_PI * 0.125 * 3)) < 1e-6);
    free(out);
    nn_fourier_free(&f);
    nn_params_free(&p);
}
END_TEST

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Fit y = sin(x) on [−π, π] with a 1→32→32→1 tanh MLP and Adam.  The
 * threshold MSE < 1e-3 (target variance 0.5) is far below what the best
 * straight line achieves (0.5 − 3/π² ≈ 0.2); this run reaches ~5e-6
 * in 3000 steps, under a second. */
START_TEST(test_fit_sine)
{
    enum { B = 128, STEPS = 3000, GRID = 201 };
    double t0 = now();
    nn_params p;
    nn_params_init(&p);
    digs_stream s, data;
    nn_init_stream(&s, 6, 0);
    digs_stream_init(&data, 6, 0, 0, DIGS_RNG_TEST, 0);
    nn_mlp_spec spec = {.d_in = 1, .d_out = 1, .width = 32, .n_hidden = 2,
                        .act = NN_ACT_TANH};
    nn_mlp m;
    ck_assert_int_eq(nn_mlp_create(&m, &p, "fit", &spec, &s), 0);
    nn_adam a;
    ck_assert_int_eq(nn_adam_init(&a, &p, 1e-2), 0);
    nn_real x[GRID], y[GRID], dy[B];
    for (int it = 0; it < STEPS; it++) {
        for (int b = 0; b < B; b++)
            x[b] = nn_uniform(&data, -M_PI, M_PI);
        ck_assert_int_eq(nn_mlp_forward(&m, &p, x, NULL, y, B), 0);
        for (int b = 0; b < B; b++)  /* L = mean (y − sin x)² */
            dy[b] = 2 * (y[b] - sinf(x[b])) / B;
        nn_params_zero_grad(&p);
        nn_mlp_backward(&m, &p, dy, NULL);
        ck_assert_int_eq(nn_adam_step(&a, &p), 0);
    }
    for (int i = 0; i < GRID; i++)
        x[i] = (nn_real)(-M_PI + 2 * M_PI * i / (GRID - 1));
    ck_assert_int_eq(nn_mlp_forward(&m, &p, x, NULL, y, GRID), 0);
    double mse = 0;
    for (int i = 0; i < GRID; i++)
        mse += pow((double)y[i] - sin((double)x[i]), 2) / GRID;
    double elapsed = now() - t0;
    ck_assert_msg(mse < 1e-3, "sin fit MSE %.3g after %d steps", mse, STEPS);
    /* the time limit holds for optimised builds, not sanitizer builds */
#if !defined(__SANITIZE_ADDRESS__)
    ck_assert_msg(elapsed < 5.0, "sin fit took %.2f s", elapsed);
#else
    (void)elapsed;
#endif
    nn_adam_free(&a);
    nn_mlp_destroy(&m);
    nn_params_free(&p);
}
END_TEST

START_TEST(test_registry)
{
    nn_params p;
    nn_params_init(&p);
    size_t o1, o2, o3;
    int d2[2] = {3, 4}, d1[1] = {5};
    ck_assert_int_eq(nn_params_add(&p, "a", "weight", 2, d2, 1, &o1), 0);
    ck_assert_int_eq(nn_params_add(&p, "a", "W", 1, d1, 0, &o2), 0);
    ck_assert_int_eq(nn_params_add(&p, "b", "bias", 1, d1, 1, &o3), 0);
    ck_assert(o1 == 0 && o2 == 0 && o3 == 12 && p.n == 17 && p.n_buf == 5);
    ck_assert_int_ne(nn_params_add(&p, "a", "weight", 2, d2, 1, &o1), 0);
    digs_error_clear();
    ck_assert_ptr_nonnull(nn_params_find(&p, "b.bias"));
    ck_assert_ptr_null(nn_params_find(&p, "b.weight"));
    nn_params_free(&p);
}
END_TEST

int main(void)
{
    openblas_set_num_threads(1);
    Suite *suite = suite_create("nn_train");
    TCase *tc = tcase_create("train");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_adam_matches_hand_computation);
    tcase_add_test(tc, test_clip);
    tcase_add_test(tc, test_init_reproducible_and_uniform);
    tcase_add_test(tc, test_fourier_closed_form);
    tcase_add_test(tc, test_fit_sine);
    tcase_add_test(tc, test_registry);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
