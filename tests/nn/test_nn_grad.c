/* Backward passes against central finite differences: every layer
 * (dense, activations) and every whole network (MLP, conditional MLP,
 * EGNN), for all parameters and for the input.
 *
 * Built twice from the same sources: test_nn_grad_double (-DNN_REAL_DOUBLE,
 * the real check) and test_nn_grad (float, a smoke test of the production
 * build).  The loss is L = Σ R ⊙ y with fixed random weights R, summed in
 * double, so dL/dy = R.
 *
 * Double build (the real check): h = 1e-6, measure
 *   max_k |fd_k − g_k| / max_k |g_k|   over one group (parameters or input).
 * Truncation h²·|L'''| ~ 1e-12, round-off ε·|L|/h ~ 1e-16·10/1e-6 = 1e-9;
 * observed ≤ 9e-9 over fourteen seeds.  A ReLU kink within ±h of some
 * pre-activation adds ~h·|Δslope| (seen: 2e-4 at h = 1e-5 on one seed,
 * gone at 1e-6).  Tolerance 1e-6; any wrong term (dropped path, missing
 * factor) gives ≥ 1e-2, as checked by mutating the backward code.
 *
 * Float build (smoke test of the production type): h = 1e-3, measure
 *   ‖fd − g‖₂ / ‖g‖₂, with the one-sided difference accepted where it is
 * closer (kinks).  Round-off of L (≈ 6e-8·|L|) is ~1e-3 of the gradient
 * after dividing by h, and kinks within ±h perturb isolated entries;
 * observed ≤ 1e-2 over fourteen seeds.  Tolerance 5e-2: it catches
 * gross errors (a wrong activation derivative gives 0.2-0.6) but not a
 * dropped small term (one of the two W₁ input paths: 3e-2), which only
 * the double build resolves.
 *
 * The EGNN time inputs stay small (t ≤ 6) because the embedding weights
 * multiply t, so their effective FD step is t·h; its gain-0.001 coordinate
 * layers get U(±0.1) weights so the coordinate path is exercised.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "nn/activation.h"
#include "nn/dense.h"
#include "nn/egnn.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "../check_run.h"

#ifdef NN_REAL_DOUBLE
enum { FD_ONE_SIDED = 0, FD_L2 = 0 };
static const double FD_H = 1e-6, FD_TOL = 1e-6;
#else
enum { FD_ONE_SIDED = 1, FD_L2 = 1 };
static const double FD_H = 1e-3, FD_TOL = 5e-2;
#endif

/* A network under test: forward writes y[ny]; backward (after forward)
 * accumulates parameter gradients and writes dx. */
typedef struct fd_case {
    void (*forward)(struct fd_case *c);
    void (*backward)(struct fd_case *c);
    void *net;
    nn_params *p;
    nn_real *x, *dx, *t;
    size_t nx;
    nn_real *y, *R;
    size_t ny;
    int batch;
} fd_case;

static double loss(fd_case *c)
{
    c->forward(c);
    double s = 0;
    for (size_t i = 0; i < c->ny; i++)
        s += (double)c->R[i] * (double)c->y[i];
    return s;
}

/* Relative error of the analytic gradient `an` of the entries
 * theta[0..n) (every stride-th entry) against central differences (the
 * measure is described at the top of the file).  In the float build a
 * ReLU kink within ±h of a pre-activation spoils the central difference
 * of that entry; there the one-sided difference on the kink-free side is
 * also accepted (FD_ONE_SIDED). */
static double fd_error(fd_case *c, nn_real *theta, const nn_real *an,
                       size_t n, size_t stride, const char *what)
{
    double err = 0, scale = 0, e2 = 0, g2 = 0;
    size_t worst = 0;
    for (size_t k = 0; k < n; k += stride) {
        nn_real keep = theta[k];
        double l0 = FD_ONE_SIDED ? loss(c) : 0;
        theta[k] = (nn_real)(keep + FD_H);
        double hp = (double)theta[k] - (double)keep;
        double lp = loss(c);
        theta[k] = (nn_real)(keep - FD_H);
        double hm = (double)keep - (double)theta[k];
        double lm = loss(c);
        theta[k] = keep;
        double g = (double)an[k];
        double e = fabs((lp - lm) / (hp + hm) - g);
        if (FD_ONE_SIDED) {
            e = fmin(e, fabs((lp - l0) / hp - g));
            e = fmin(e, fabs((l0 - lm) / hm - g));
        }
        if (e > err) {
            err = e;
            worst = k;
        }
        scale = fmax(scale, fabs(g));
        e2 += e * e;
        g2 += g * g;
    }
    double rel = FD_L2 ? (g2 > 0 ? sqrt(e2 / g2) : sqrt(e2))
                       : (scale > 0 ? err / scale : err);
    if (rel > FD_TOL)
        fprintf(stderr, "%s: FD relative error %.3g (largest at entry %zu, "
                "gradient scale %.3g)\n", what, rel, worst, scale);
    ck_assert_msg(scale > 0, "%s: gradient identically zero", what);
    return rel;
}

/* Run the analytic backward with dL/dy = R, then compare parameters
 * (every param_stride-th) and the input against finite differences. */
static void check_case(fd_case *c, size_t param_stride, const char *name)
{
    nn_params_zero_grad(c->p);
    c->forward(c);
    c->backward(c);
    nn_real *gp = malloc(c->p->n * sizeof *gp);
    nn_real *gx = malloc(c->nx * sizeof *gx);
    memcpy(gp, c->p->grad, c->p->n * sizeof *gp);
    memcpy(gx, c->dx, c->nx * sizeof *gx);
    char what[128];
    snprintf(what, sizeof what, "%s parameters", name);
    double ep = fd_error(c, c->p->value, gp, c->p->n, param_stride, what);
    snprintf(what, sizeof what, "%s input", name);
    double ex = fd_error(c, c->x, gx, c->nx, 1, what);
    free(gp);
    free(gx);
    ck_assert_msg(ep <= FD_TOL, "%s: parameter gradient error %.3g > %.3g",
                  name, ep, FD_TOL);
    ck_assert_msg(ex <= FD_TOL, "%s: input gradient error %.3g > %.3g", name,
                  ex, FD_TOL);
}

static void fill(digs_stream *s, nn_real *v, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        v[i] = nn_uniform(s, lo, hi);
}

/* ---- dense ---------------------------------------------------------- */

static void dense_fwd(fd_case *c)
{
    nn_dense_forward(c->net, c->p, c->x, c->y, c->batch);
}
static void dense_bwd(fd_case *c)
{
    nn_dense_backward(c->net, c->p, c->R, c->dx);
}

START_TEST(test_dense)
{
    enum { B = 4, IN = 5, OUT = 3 };
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 11, 0);
    nn_dense d;
    ck_assert_int_eq(nn_dense_init(&d, &p, "lin", IN, OUT, 1, &s), 0);
    ck_assert_uint_eq(p.n, IN * OUT + OUT);
    nn_real x[B * IN], dx[B * IN], y[B * OUT], R[B * OUT];
    fill(&s, x, B * IN, -1, 1);
    fill(&s, R, B * OUT, -1, 1);
    fd_case c = {dense_fwd, dense_bwd, &d, &p, x, dx, NULL, B * IN,
                 y, R, B * OUT, B};
    check_case(&c, 1, "dense");
    /* backward accumulates: a second pass doubles dW */
    nn_params_zero_grad(&p);
    dense_fwd(&c);
    dense_bwd(&c);
    nn_real g1 = p.grad[0];
    dense_bwd(&c);
    ck_assert(fabs((double)p.grad[0] - 2.0 * (double)g1) <= 1e-6 * fabs((double)g1));
    nn_params_free(&p);
}
END_TEST

/* ---- activations ---------------------------------------------------- */

typedef struct act_ctx {
    enum nn_act a;
} act_ctx;

static void act_fwd(fd_case *c)
{
    nn_act_forward(((act_ctx *)c->net)->a, c->x, c->y, c->nx);
}
static void act_bwd(fd_case *c)
{
    nn_act_backward(((act_ctx *)c->net)->a, c->x, c->y, c->R, c->dx, c->nx);
}

START_TEST(test_activations)
{
    enum { N = 64 };
    digs_stream s;
    nn_init_stream(&s, 12, 0);
    nn_real x[N], y[N], dx[N], R[N];
    fill(&s, R, N, -1, 1);
    enum nn_act acts[] = {NN_ACT_RELU, NN_ACT_SILU, NN_ACT_TANH,
                          NN_ACT_SIGMOID, NN_ACT_NONE};
    for (size_t k = 0; k < sizeof acts / sizeof *acts; k++) {
        fill(&s, x, N, -4, 4);
        for (int i = 0; i < N; i++)  /* keep ReLU inputs off its kink */
            if (fabs((double)x[i]) < 0.05)
                x[i] = 0.5;
        act_ctx ctx = {.a = acts[k]};
        nn_params dummy;
        nn_params_init(&dummy);
        fd_case c = {act_fwd, act_bwd, &ctx, &dummy, x, dx, NULL, N,
                     y, R, N, 1};
        act_fwd(&c);
        act_bwd(&c);
        nn_real gx[N];
        memcpy(gx, dx, sizeof gx);
        double e = fd_error(&c, x, gx, N, 1, nn_act_name(acts[k]));
        ck_assert_msg(e <= FD_TOL, "%s: error %.3g", nn_act_name(acts[k]), e);
    }
    /* sigmoid stays finite and exact at the extremes */
    ck_assert(nn_sigmoid(-1000) == 0 && nn_sigmoid(1000) == 1);
}
END_TEST

/* ---- MLPs ----------------------------------------------------------- */

static void mlp_fwd(fd_case *c)
{
    ck_assert_int_eq(nn_mlp_forward(c->net, c->p, c->x, c->t, c->y, c->batch), 0);
}
static void mlp_bwd(fd_case *c) { nn_mlp_backward(c->net, c->p, c->R, c->dx); }

static void run_mlp(int conditional, enum nn_act act, const char *name)
{
    enum { B = 5, D = 3 };
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 13, (uint64_t)act);
    nn_mlp_spec spec = {.d_in = D, .d_out = D, .width = 10, .n_hidden = 3,
                        .act = act, .conditional = conditional,
                        .fourier_scale = 0.3, .t_max = 8};
    nn_mlp m;
    ck_assert_int_eq(nn_mlp_create(&m, &p, "mlp", &spec, &s), 0);
    nn_real x[B * D], dx[B * D], y[B * D], R[B * D];
    nn_real t[B] = {1, 2, 7, 3.5, 20};  /* tabulated and computed steps */
    fill(&s, x, B * D, -2, 2);
    fill(&s, R, B * D, -1, 1);
    fd_case c = {mlp_fwd, mlp_bwd, &m, &p, x, dx, t, B * D, y, R, B * D, B};
    check_case(&c, 1, name);
    nn_mlp_destroy(&m);
    nn_params_free(&p);
}

START_TEST(test_mlp_silu) { run_mlp(0, NN_ACT_SILU, "MLP silu"); }
END_TEST
START_TEST(test_mlp_tanh) { run_mlp(0, NN_ACT_TANH, "MLP tanh"); }
END_TEST
START_TEST(test_mlp_conditional) { run_mlp(1, NN_ACT_SILU, "conditional MLP"); }
END_TEST
START_TEST(test_mlp_conditional_relu) { run_mlp(1, NN_ACT_RELU, "conditional MLP relu"); }
END_TEST

/* ---- EGNN ----------------------------------------------------------- */

static void egnn_fwd(fd_case *c)
{
    ck_assert_int_eq(nn_egnn_forward(c->net, c->p, c->x, c->t, c->y, c->batch), 0);
}
static void egnn_bwd(fd_case *c) { nn_egnn_backward(c->net, c->p, c->R, c->dx); }

/* Give the last coordinate layers U(±0.1) weights so the coordinate path
 * is exercised (their gain-0.001 initialisation makes it nearly silent)
 * without displacements so large that kinks dominate. */
static void wake_coordinates(nn_egnn *g, nn_params *p, digs_stream *s)
{
    for (int l = 0; l < g->spec.n_layers; l++)
        nn_fill_uniform(s, nn_dense_weight(&g->layers[l].coord2, p),
                        (size_t)g->spec.hidden, 0.1);
}

static void run_egnn(int n, int D, int L, int with_t, int recompute,
                     const char *name)
{
    enum { B = 3, H = 6 };
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 14, (uint64_t)(n * 10 + D));
    nn_egnn_spec spec = {.n_particles = n, .spatial_dim = D, .hidden = H,
                         .n_layers = L, .recompute = recompute};
    nn_egnn g;
    ck_assert_int_eq(nn_egnn_create(&g, &p, "egnn", &spec, &s), 0);
    wake_coordinates(&g, &p, &s);
    size_t nx = (size_t)B * n * D;
    nn_real *x = malloc(nx * sizeof *x), *dx = malloc(nx * sizeof *dx);
    nn_real *y = malloc(nx * sizeof *y), *R = malloc(nx * sizeof *R);
    nn_real t[B] = {1, 3, 6};  /* moderate: FD steps on the embedding scale with t */
    fill(&s, x, nx, -1.5, 1.5);
    fill(&s, R, nx, -1, 1);
    fd_case c = {egnn_fwd, egnn_bwd, &g, &p, x, dx, with_t ? t : NULL, nx,
                 y, R, nx, B};
    check_case(&c, 1, name);
    nn_egnn_destroy(&g);
    nn_params_free(&p);
    free(x);
    free(dx);
    free(y);
    free(R);
}

START_TEST(test_egnn_dw_like) { run_egnn(4, 2, 3, 1, 0, "EGNN n=4 D=2"); }
END_TEST
START_TEST(test_egnn_3d_generator) { run_egnn(5, 3, 2, 0, 0, "EGNN n=5 D=3 (t=1)"); }
END_TEST
START_TEST(test_egnn_recompute) { run_egnn(3, 3, 3, 1, 1, "EGNN recompute"); }
END_TEST

/* Recompute mode gives bit-identical outputs and gradients. */
START_TEST(test_egnn_recompute_identical)
{
    enum { B = 7, n = 5, D = 3 };
    nn_params p[2];
    nn_egnn g[2];
    nn_real x[B * n * D], R[B * n * D], t[B];
    nn_real y[2][B * n * D], dx[2][B * n * D];
    for (int k = 0; k < 2; k++) {
        nn_params_init(&p[k]);
        digs_stream s;
        nn_init_stream(&s, 15, 0);
        nn_egnn_spec spec = {n, D, 8, 4, k};
        ck_assert_int_eq(nn_egnn_create(&g[k], &p[k], "e", &spec, &s), 0);
        wake_coordinates(&g[k], &p[k], &s);
        fill(&s, x, B * n * D, -1, 1);
        fill(&s, R, B * n * D, -1, 1);
        for (int b = 0; b < B; b++)
            t[b] = (nn_real)(1 + b * 4);
        ck_assert_int_eq(nn_egnn_forward(&g[k], &p[k], x, t, y[k], B), 0);
        nn_egnn_backward(&g[k], &p[k], R, dx[k]);
    }
    ck_assert(memcmp(y[0], y[1], sizeof y[0]) == 0);
    ck_assert(memcmp(dx[0], dx[1], sizeof dx[0]) == 0);
    ck_assert(memcmp(p[0].grad, p[1].grad, p[0].n * sizeof *p[0].grad) == 0);
    for (int k = 0; k < 2; k++) {
        nn_egnn_destroy(&g[k]);
        nn_params_free(&p[k]);
    }
}
END_TEST

int main(void)
{
    openblas_set_num_threads(1);
    Suite *suite = suite_create("nn_grad_" NN_REAL_NAME);
    TCase *tc = tcase_create("finite_differences");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_dense);
    tcase_add_test(tc, test_activations);
    tcase_add_test(tc, test_mlp_silu);
    tcase_add_test(tc, test_mlp_tanh);
    tcase_add_test(tc, test_mlp_conditional);
    tcase_add_test(tc, test_mlp_conditional_relu);
    tcase_add_test(tc, test_egnn_dw_like);
    tcase_add_test(tc, test_egnn_3d_generator);
    tcase_add_test(tc, test_egnn_recompute);
    tcase_add_test(tc, test_egnn_recompute_identical);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
