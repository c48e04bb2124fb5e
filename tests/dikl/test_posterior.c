/* DiKL posterior sampler and MSI (src/dikl/posterior.c; REFERENCE.md
 * §6.4–§6.6).
 *
 * Gaussian target p = N(0, s² I): the posterior p(x₀ | x_t) is Gaussian
 * with precision λ = 1/s² + a²/σ² and mean (a/σ²) x_t / λ, and the exact
 * noisy score is ∇log(p ∗ k_t)(x_t) = −x_t / (a² s² + σ²).  The MSI
 * estimate of one element is ŝ = a (1 − 1/s²) x̄₀ − x_t, so many elements
 * at the same x_t (independent streams) give a sample mean with a
 * between-element standard error; means must match the closed form within
 * z_max standard errors.  Also: s = 1 makes ŝ = −x_t exactly whatever the
 * samples (a deterministic check of the MSI wiring), bit-identical results
 * under any batch split, centring and finiteness on DW-4 and on LJ-13 with
 * the smoothed refine energy, evaluation counts, and the error path.
 * The extras of dikl_posterior_run: per-element (per-level) Stage-B steps
 * keep each level's estimate on its closed form and count per level; the
 * pool moves keep the exact posterior invariant and converge to it from a
 * wrong start (closed-form moments), are counted, and are rank-split
 * invariant; with every extra off the numbers are those of
 * dikl_posterior_score bit for bit.  Coordinate sweeps bring a useless
 * Stage A to the exact posterior of Many-Well-32's double wells at a noisy
 * level (quadrature scores). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/posterior.h"
#include "potentials/lj13.h"
#include "potentials/manywell32.h"
#include "potentials/potential.h"
#include "../check_run.h"

/* Two-sided p = 7e-6 per statistic. */
static const double z_max = 4.5;

enum { GD = 3, N_ELEM = 2000 };

/* Gaussian test point: a² + σ² = 1 (VP), s = 2. */
static const double g_a = 0.8, g_sigma = 0.6, g_s = 2.0;
static const double g_xt[GD] = {1.2, -0.7, 2.0};

static digs_potential *potential(const char *name, const char *text)
{
    digs_deck *deck = NULL;
    if (text)
        ck_assert_int_eq(digs_deck_parse(&deck, text, "pot.ini"), DIGS_OK);
    digs_potential *pot = NULL;
    int status = digs_potential_create_named(name, deck, &pot);
    ck_assert_msg(status == DIGS_OK, "%s: %s", name, digs_error_message());
    digs_deck_destroy(&deck);
    return pot;
}

static dikl_posterior *create(const dikl_posterior_config *cfg,
                              const digs_potential *target,
                              const digs_potential *refine)
{
    dikl_posterior *p = NULL;
    int status = dikl_posterior_create(&p, cfg, target, refine);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    return p;
}

/* n copies of one point x_t (dim d) with the same (a, sigma). */
static void replicate(int n, int d, const double *xt, double a, double sigma,
                      double *x_all, double *a_all, double *s_all)
{
    for (int b = 0; b < n; b++) {
        memcpy(x_all + (size_t)b * d, xt, (size_t)d * sizeof *xt);
        a_all[b] = a;
        s_all[b] = sigma;
    }
}

/* Run N_ELEM elements at the Gaussian test point with scales = s; check
 * every coordinate's mean score against −x_t/(a² s² + σ²) within z_max
 * standard errors, and the evaluation counts.  Returns the per-coordinate
 * sample standard deviation of ŝ in sd[]. */
static void gaussian_case(const dikl_posterior_config *cfg, double eta,
                          const char *label, double *sd,
                          dikl_posterior_stats *st)
{
    char text[128];
    snprintf(text, sizeof text, "[system]\ndim = %d\nscales = %g\n", GD, g_s);
    digs_potential *pot = potential("gaussian", text);
    dikl_posterior *p = create(cfg, pot, pot);
    double *xt = malloc(sizeof(double) * N_ELEM * GD);
    double *score = malloc(sizeof(double) * N_ELEM * GD);
    double a[N_ELEM], sigma[N_ELEM];
    ck_assert(xt && score);
    replicate(N_ELEM, GD, g_xt, g_a, g_sigma, xt, a, sigma);
    memset(st, 0, sizeof *st);
    int status = dikl_posterior_score(p, N_ELEM, xt, a, sigma, 11, 3, 0, eta,
                                      score, st);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());

    /* Sampling-importance-resampling is biased by O(1/n_is) towards q;
     * measured with 2e5 elements: <= 0.005 (IS, n_is 100; AIS, n_is 20),
     * half a standard error at N_ELEM, and shrinking as 1/n_is (0.018 at
     * n_is 10, 0.001 at 400).  Stage-B MALA from q: <= 0.001. */
    for (int k = 0; k < GD; k++) {
        double m = 0.0, v = 0.0;
        for (int b = 0; b < N_ELEM; b++)
            m += score[b * GD + k];
        m /= N_ELEM;
        for (int b = 0; b < N_ELEM; b++)
            v += pow(score[b * GD + k] - m, 2);
        sd[k] = sqrt(v / (N_ELEM - 1));
        double se = sd[k] / sqrt(N_ELEM);
        double exact = -g_xt[k] / (g_a * g_a * g_s * g_s + g_sigma * g_sigma);
        ck_assert_msg(fabs(m - exact) <= z_max * se,
                      "%s coord %d: mean score %.5f, exact %.5f, se %.5f",
                      label, k, m, exact, se);
        /* The test must be able to fail: the standard error is far below
         * the score's size (|exact| >= 0.24). */
        ck_assert_msg(se < 0.02, "%s: se %g", label, se);
    }

    /* Evaluation count (posterior.c header): n_is (1 + (K−1) m) + 1 +
     * mala_steps per element; Stage-B proposals mala_steps each. */
    int m = cfg->ais_kernel == DIKL_AIS_MALA ? cfg->ais_substeps : 1;
    int64_t per = (int64_t)cfg->n_is * (1 + (cfg->ais_levels - 1) * m) + 1
                  + cfg->mala_steps;
    ck_assert_int_eq(st->n_grad, per * N_ELEM);
    ck_assert_int_eq(st->proposed, (int64_t)cfg->mala_steps * N_ELEM);
    ck_assert(st->accepted >= 0 && st->accepted <= st->proposed);
    ck_assert(st->ess_sum > 0.0 && st->ess_sum <= N_ELEM * (1.0 + 1e-12));

    free(xt);
    free(score);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
}

/* Posterior standard deviation of ŝ for one exact posterior draw:
 * a |1 − 1/s²| / sqrt(λ). */
static double exact_single_sd(void)
{
    double lambda = 1.0 / (g_s * g_s) + g_a * g_a / (g_sigma * g_sigma);
    return g_a * fabs(1.0 - 1.0 / (g_s * g_s)) / sqrt(lambda);
}

START_TEST(gaussian_is)
{
    dikl_posterior_config cfg = {
        .n_is = 100, .ais_levels = 1, .ais_kernel = DIKL_AIS_HMC,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 0,
        .sample_size = 1};
    double sd[GD];
    dikl_posterior_stats st;
    gaussian_case(&cfg, 0.0, "IS", sd, &st);
    /* The resampled particle is (nearly) an exact posterior draw, so the
     * spread of ŝ is the closed form: the sd of a sample sd is
     * sd/sqrt(2N) = 1.6 %; 8 % leaves room for the O(1/n_is) bias of
     * sampling-importance-resampling. */
    for (int k = 0; k < GD; k++)
        ck_assert_msg(fabs(sd[k] / exact_single_sd() - 1.0) < 0.08,
                      "coord %d: sd %g, exact %g", k, sd[k],
                      exact_single_sd());
    /* q is close to the posterior here: a high ESS fraction. */
    ck_assert_double_gt(st.ess_sum / N_ELEM, 0.3);
}
END_TEST

START_TEST(gaussian_ais_hmc)
{
    dikl_posterior_config cfg = {
        .n_is = 20, .ais_levels = 10, .ais_kernel = DIKL_AIS_HMC,
        .ais_step = 0.3, .ais_substeps = 0, .mala_steps = 0,
        .sample_size = 1};
    double sd[GD];
    dikl_posterior_stats st;
    gaussian_case(&cfg, 0.0, "AIS-HMC", sd, &st);
}
END_TEST

START_TEST(gaussian_ais_mala)
{
    dikl_posterior_config cfg = {
        .n_is = 20, .ais_levels = 10, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.05, .ais_substeps = 2, .mala_steps = 0,
        .sample_size = 1};
    double sd[GD];
    dikl_posterior_stats st;
    gaussian_case(&cfg, 0.0, "AIS-MALA", sd, &st);
}
END_TEST

/* Stage B alone must carry the sample to the posterior: one particle from
 * q (wrong mean, wrong spread), 100 MALA steps, tail of 50 averaged. */
START_TEST(gaussian_stage_b)
{
    dikl_posterior_config cfg = {
        .n_is = 1, .ais_levels = 1, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 100,
        .sample_size = 50};
    double sd[GD];
    dikl_posterior_stats st;
    gaussian_case(&cfg, 0.1, "Stage-B MALA", sd, &st);
    double rate = (double)st.accepted / st.proposed;
    ck_assert_msg(rate > 0.5 && rate < 1.0, "acceptance %g", rate);
    /* Averaging 50 correlated states must shrink the spread below one
     * exact draw's. */
    for (int k = 0; k < GD; k++)
        ck_assert_double_lt(sd[k], 0.8 * exact_single_sd());
}
END_TEST

/* Without importance correction the IS-only estimate is biased: uniform
 * weights (a target that ignores E) would pick q-distributed particles.
 * This checks that the test above can fail: the same run with a flat
 * potential in Stage A is far from the Gaussian answer. */
START_TEST(gaussian_needs_weights)
{
    digs_potential *pot = potential("gaussian",
                                    "[system]\ndim = 3\nscales = 2\n");
    digs_potential *flat = potential("gaussian",
                                     "[system]\ndim = 3\nscales = 1e6\n");
    dikl_posterior_config cfg = {
        .n_is = 100, .ais_levels = 1, .ais_kernel = DIKL_AIS_HMC,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 0,
        .sample_size = 1};
    /* Stage A on the flat target, MSI gradient from the true one. */
    dikl_posterior *p = create(&cfg, flat, pot);
    double *xt = malloc(sizeof(double) * N_ELEM * GD);
    double *score = malloc(sizeof(double) * N_ELEM * GD);
    double a[N_ELEM], sigma[N_ELEM];
    ck_assert(xt && score);
    replicate(N_ELEM, GD, g_xt, g_a, g_sigma, xt, a, sigma);
    dikl_posterior_stats st = {0};
    ck_assert_int_eq(dikl_posterior_score(p, N_ELEM, xt, a, sigma, 11, 3, 0,
                                          0.0, score, &st), DIGS_OK);
    double m = 0.0;
    for (int b = 0; b < N_ELEM; b++)
        m += score[b * GD + 2];
    m /= N_ELEM;
    /* q mean x_t/a vs posterior mean (a/σ²) x_t/λ: the score mean moves
     * by a (1 − 1/s²)(1/a − a/(σ² λ)) x_t = 0.23 at x_t = 2, ~25 se. */
    double exact = -g_xt[2] / (g_a * g_a * g_s * g_s + g_sigma * g_sigma);
    ck_assert_double_gt(fabs(m - exact), 0.15);
    free(xt);
    free(score);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
    digs_potential_destroy(&flat);
}
END_TEST

/* s = 1: ∇log p(x₀) = −x₀, so ŝ = a (x̄₀ − x̄₀) − x_t = −x_t exactly for
 * any samples, and the exact score −x_t / (a² + σ²) is the same.  Several
 * noise levels, every stage on. */
START_TEST(gaussian_standard_exact)
{
    digs_potential *pot = potential("gaussian", "[system]\ndim = 3\n");
    dikl_posterior_config cfg = {
        .n_is = 8, .ais_levels = 4, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.1, .ais_substeps = 1, .mala_steps = 7,
        .sample_size = 3};
    dikl_posterior *p = create(&cfg, pot, pot);
    enum { N = 5 };
    double xt[N * GD], a[N], sigma[N], score[N * GD];
    for (int b = 0; b < N; b++) {
        a[b] = 0.2 + 0.15 * b;
        sigma[b] = sqrt(1.0 - a[b] * a[b]);
        for (int k = 0; k < GD; k++)
            xt[b * GD + k] = 0.7 * (k + 1) - 0.9 * b;
    }
    dikl_posterior_stats st = {0};
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 5, 0, 100, 0.2,
                                          score, &st), DIGS_OK);
    /* Rounding only: a (x − x) cancels to ~1e-16 |x|. */
    for (int i = 0; i < N * GD; i++)
        ck_assert_double_eq_tol(score[i], -xt[i], 1e-12);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- particle targets -------------------------------------------------- */

/* A centred x_t = a x + σ ε for n-body potential pot: x = its own
 * configuration builder output (base, centred here), ε centred. */
static void noisy_particles(const digs_potential *pot, const double *base,
                            double a, double sigma, digs_stream *rng,
                            double *xt)
{
    int d = pot->dim;
    double eps[64], x[64];
    ck_assert_int_le(d, 64);
    memcpy(x, base, (size_t)d * sizeof *x);
    digs_potential_centre(pot, x);
    digs_stream_normals(rng, d, eps);
    digs_potential_centre(pot, eps);
    for (int k = 0; k < d; k++)
        xt[k] = a * x[k] + sigma * eps[k];
    digs_potential_centre(pot, xt);
}

/* DW-4 configuration: a square of side 2.6 (pairs near the 2.51 minimum). */
static const double dw4_square[8] = {0.0, 0.0, 2.6, 0.0, 2.6, 2.6, 0.0, 2.6};

/* DW-4 released settings (REFERENCE.md §6.7): AIS K = 10, MALA 1 step per
 * level, η = 0.01, n_is = 20, 50 Stage-B MALA steps, last sample only. */
static const dikl_posterior_config dw4_cfg = {
    .n_is = 20, .ais_levels = 10, .ais_kernel = DIKL_AIS_MALA,
    .ais_step = 0.01, .ais_substeps = 1, .mala_steps = 50,
    .sample_size = 1};

/* A batch of n DW-4 noisy points over noise levels t = 1..29 of the DW
 * schedule's range (a from 0.999 down to 0.68, VP σ). */
static void dw4_batch(const digs_potential *pot, int n, double *xt,
                      double *a, double *sigma)
{
    digs_stream rng;
    digs_stream_init(&rng, 3, 0, 0, DIGS_RNG_TEST, 1);
    for (int b = 0; b < n; b++) {
        a[b] = 0.999 - 0.32 * b / (n > 1 ? n - 1 : 1);
        sigma[b] = sqrt(1.0 - a[b] * a[b]);
        noisy_particles(pot, dw4_square, a[b], sigma[b], &rng, xt + 8 * b);
    }
}

/* Per-axis sum over particles of every element's score. */
static void assert_centred_finite(const digs_potential *pot, int n,
                                  const double *score)
{
    int np = pot->n_particles, sd = pot->spatial_dim, d = pot->dim;
    for (int b = 0; b < n; b++) {
        double norm = 0.0;
        for (int k = 0; k < d; k++) {
            ck_assert_msg(isfinite(score[b * d + k]), "element %d", b);
            norm += fabs(score[b * d + k]);
        }
        ck_assert_double_gt(norm, 0.0);
        for (int ax = 0; ax < sd; ax++) {
            double sum = 0.0;
            for (int i = 0; i < np; i++)
                sum += score[b * d + i * sd + ax];
            /* Centring leaves rounding of ~n_particles 1e-16 |ŝ|. */
            ck_assert_msg(fabs(sum) < 1e-12 * (1.0 + norm),
                          "element %d axis %d: sum %g", b, ax, sum);
        }
    }
}

START_TEST(split_invariance)
{
    digs_potential *pot = potential("dw4", NULL);
    dikl_posterior *p = create(&dw4_cfg, pot, pot);
    enum { N = 37, K = 15 };
    double xt[N * 8], a[N], sigma[N], whole[N * 8], parts[N * 8];
    dw4_batch(pot, N, xt, a, sigma);
    dikl_posterior_stats s1 = {0}, s2 = {0};
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 9, 42, 1000,
                                          0.01, whole, &s1), DIGS_OK);
    /* A second workspace for the second part (another rank). */
    dikl_posterior *q = create(&dw4_cfg, pot, pot);
    ck_assert_int_eq(dikl_posterior_score(q, K, xt, a, sigma, 9, 42, 1000,
                                          0.01, parts, &s2), DIGS_OK);
    ck_assert_int_eq(dikl_posterior_score(p, N - K, xt + 8 * K, a + K,
                                          sigma + K, 9, 42, 1000 + K, 0.01,
                                          parts + 8 * K, &s2), DIGS_OK);
    ck_assert(memcmp(whole, parts, sizeof whole) == 0);
    ck_assert_int_eq(s1.n_grad, s2.n_grad);
    ck_assert_int_eq(s1.accepted, s2.accepted);
    ck_assert_int_eq(s1.proposed, s2.proposed);
    /* Same per-element numbers summed in another grouping. */
    ck_assert_double_eq_tol(s1.ess_sum, s2.ess_sum, 1e-12 * N);
    assert_centred_finite(pot, N, whole);

    /* Another iteration or seed gives other numbers. */
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 9, 43, 1000,
                                          0.01, parts, &s2), DIGS_OK);
    ck_assert(memcmp(whole, parts, sizeof whole) != 0);
    dikl_posterior_destroy(&p);
    dikl_posterior_destroy(&q);
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(dw4_centred)
{
    digs_potential *pot = potential("dw4", NULL);
    dikl_posterior *p = create(&dw4_cfg, pot, pot);
    enum { N = 64 };
    double xt[N * 8], a[N], sigma[N], score[N * 8];
    dw4_batch(pot, N, xt, a, sigma);
    dikl_posterior_stats st = {0};
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 1, 0, 0, 0.01,
                                          score, &st), DIGS_OK);
    assert_centred_finite(pot, N, score);
    ck_assert_int_eq(st.n_grad, (int64_t)N * (20 * 10 + 1 + 50));
    /* Measured 0.84; a wrong gradient or Gaussian term stalls the chain. */
    double rate = (double)st.accepted / st.proposed;
    ck_assert_msg(rate > 0.3, "Stage-B acceptance %g", rate);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
}
END_TEST

/* LJ-13 with DiKL's damping, IS (K = 1) on the damped energy and Stage B
 * on the smoothed one (REFERENCE.md §6.7, shortened: n_is 50, 200 steps,
 * last 100 averaged). */
START_TEST(lj13_smoothed_refine)
{
    digs_deck *deck = NULL;
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\nlj_damping = yes\n",
                                     "lj.ini"), DIGS_OK);
    digs_potential *pot = NULL, *smooth = NULL;
    ck_assert_int_eq(digs_potential_create_named("lj13", deck, &pot), DIGS_OK);
    ck_assert_int_eq(digs_lj13_smoothed(deck, &smooth), DIGS_OK);
    digs_deck_destroy(&deck);
    dikl_posterior_config cfg = {
        .n_is = 50, .ais_levels = 1, .ais_kernel = DIKL_AIS_HMC,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 200,
        .sample_size = 100};
    dikl_posterior *p = create(&cfg, pot, smooth);
    enum { N = 8, D = 39 };
    double base[D], xt[N * D], a[N], sigma[N], score[N * D];
    ck_assert_int_eq(pot->ops->start_position(pot, base), DIGS_OK);
    digs_stream rng;
    digs_stream_init(&rng, 4, 0, 0, DIGS_RNG_TEST, 2);
    for (int b = 0; b < N; b++) {
        a[b] = 0.999 - 0.04 * b;  /* the small-noise end of §6.3 */
        sigma[b] = sqrt(1.0 - a[b] * a[b]);
        noisy_particles(pot, base, a[b], sigma[b], &rng, xt + D * b);
    }
    dikl_posterior_stats st = {0};
    int status = dikl_posterior_score(p, N, xt, a, sigma, 2, 7, 0, 1e-3,
                                      score, &st);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    assert_centred_finite(pot, N, score);
    ck_assert_int_eq(st.n_grad, (int64_t)N * (50 + 1 + 200));
    /* Measured 0.51 at η = 1e-3 (DiKL's initial LJ step). */
    double rate = (double)st.accepted / st.proposed;
    ck_assert_msg(rate > 0.3, "Stage-B acceptance %g", rate);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
    digs_potential_destroy(&smooth);
}
END_TEST

/* ---- error path -------------------------------------------------------- */

/* A 2-D target with a wall: E = |x|²/8 for x₀ < 0, +inf otherwise. */
static double wall_energy(const digs_potential *pot, const double *x,
                          double *grad)
{
    (void)pot;
    if (!(x[0] < 0.0))
        return INFINITY;
    if (grad) {
        grad[0] = 0.25 * x[0];
        grad[1] = 0.25 * x[1];
    }
    return 0.125 * (x[0] * x[0] + x[1] * x[1]);
}

static int wall_setup(digs_potential *pot, digs_deck *deck)
{
    (void)deck;
    pot->dim = 2;
    return DIGS_OK;
}

static const digs_potential_ops wall_ops = {
    .name = "wall", .summary = "test", .setup = wall_setup,
    .energy = wall_energy};

START_TEST(all_infinite)
{
    static const char *const total[] = {"total"};
    digs_potential wall = {.ops = &wall_ops, .dim = 2, .kT = 1.0,
                           .n_terms = 1, .term_names = total};
    dikl_posterior_config cfg = {
        .n_is = 30, .ais_levels = 3, .ais_kernel = DIKL_AIS_HMC,
        .ais_step = 0.2, .ais_substeps = 0, .mala_steps = 0,
        .sample_size = 1};
    dikl_posterior *p = create(&cfg, &wall, &wall);
    /* Element 0 far inside the wall region (x₀ > 0 for every draw: q has
     * mean 25, sd 0.75), elements 1..N−1 straddle the wall (x_t₀ = 0:
     * about half the draws infinite), all at a = 0.8, σ = 0.6. */
    enum { N = 200 };
    double xt[N * 2], a[N], sigma[N], score[N * 2];
    for (int b = 0; b < N; b++) {
        xt[2 * b] = b == 0 ? 20.0 : 0.0;
        xt[2 * b + 1] = 0.5;
        a[b] = 0.8;
        sigma[b] = 0.6;
        score[2 * b] = score[2 * b + 1] = NAN;
    }
    dikl_posterior_stats st = {0};
    digs_error_clear();
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 1, 0, 0, 0.0,
                                          score, &st), DIGS_ERR_NUMERIC);
    ck_assert_msg(strstr(digs_error_message(), "element 0"), "%s",
                  digs_error_message());
    ck_assert_msg(strstr(digs_error_message(), "1 of 200"), "%s",
                  digs_error_message());
    ck_assert(score[0] == 0.0 && score[1] == 0.0);
    /* The other elements: ŝ = a (x₀ − x₀/4) − x_t, so the chosen particle
     * is x₀ = (ŝ + x_t) / (0.75 a); it must be on the finite side. */
    for (int b = 1; b < N; b++) {
        double x0 = (score[2 * b] + xt[2 * b]) / (0.75 * a[b]);
        ck_assert_msg(isfinite(score[2 * b]) && x0 < 0.0,
                      "element %d chose x0 = %g", b, x0);
    }
    /* Half the particles infinite: ESS fraction well below 1. */
    ck_assert_double_lt(st.ess_sum / (N - 1), 0.75);
    digs_error_clear();
    dikl_posterior_destroy(&p);
}
END_TEST

START_TEST(bad_config)
{
    digs_potential *pot = potential("gaussian", NULL);
    digs_potential *dw = potential("dw4", NULL);
    dikl_posterior *p = NULL;
    dikl_posterior_config ok = {
        .n_is = 4, .ais_levels = 2, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.1, .ais_substeps = 1, .mala_steps = 3,
        .sample_size = 3};
    dikl_posterior_config c = ok;
    c.n_is = 0;
    ck_assert_int_eq(dikl_posterior_create(&p, &c, pot, pot), DIGS_ERR_INPUT);
    c = ok;
    c.sample_size = 4;
    ck_assert_int_eq(dikl_posterior_create(&p, &c, pot, pot), DIGS_ERR_INPUT);
    c = ok;
    c.ais_substeps = 0;
    ck_assert_int_eq(dikl_posterior_create(&p, &c, pot, pot), DIGS_ERR_INPUT);
    c = ok;
    c.ais_step = 0.0;
    ck_assert_int_eq(dikl_posterior_create(&p, &c, pot, pot), DIGS_ERR_INPUT);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(dikl_posterior_create(&p, &ok, dw, pot),
                     DIGS_ERR_INTERNAL);

    /* An uncentred x_t for a particle target is a caller bug. */
    p = create(&ok, dw, dw);
    double xt[8], score[8], a = 0.9, sigma = sqrt(1.0 - 0.81);
    memcpy(xt, dw4_square, sizeof xt);
    dikl_posterior_stats st = {0};
    ck_assert_int_eq(dikl_posterior_score(p, 1, xt, &a, &sigma, 1, 0, 0, 0.01,
                                          score, &st), DIGS_ERR_INTERNAL);
    digs_error_clear();
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
    digs_potential_destroy(&dw);
}
END_TEST

/* ---- per-level steps and pool moves ------------------------------------ */

/* Mean and standard error of column k of v[n·d]. */
static void column_stats(const double *v, int n, int d, int k, double *mean,
                         double *se, double *var)
{
    double m = 0.0, q = 0.0;
    for (int b = 0; b < n; b++)
        m += v[(size_t)b * d + k];
    m /= n;
    for (int b = 0; b < n; b++)
        q += pow(v[(size_t)b * d + k] - m, 2);
    *mean = m;
    *var = q / (n - 1);
    *se = sqrt(*var / n);
}

/* Two noise levels in one job, each with its own Stage-B step (Stage B
 * alone carries the sample, as in gaussian_stage_b): each level's mean
 * score must match −x_t/(a² s² + σ²) within z_max standard errors, the
 * Stage-B counts must land on the right level, and the per-level
 * acceptance must reflect the step (a step near the posterior variance
 * accepts less than a small one). */
START_TEST(gaussian_per_level_steps)
{
    enum { N = 4000, L = 4 };
    digs_potential *pot = potential("gaussian",
                                    "[system]\ndim = 3\nscales = 2\n");
    dikl_posterior_config cfg = {
        .n_is = 1, .ais_levels = 1, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 100,
        .sample_size = 50};
    dikl_posterior *p = create(&cfg, pot, pot);
    const double lv_a[L] = {0, 0.8, 0, 0.95};
    const double lv_eta[L] = {0, 0.1, 0, 0.02};
    double *xt = malloc(sizeof(double) * N * GD);
    double *score = malloc(sizeof(double) * N * GD);
    double *plain = malloc(sizeof(double) * N * GD);
    double a[N], sigma[N], eta[N];
    int level[N];
    ck_assert(xt && score && plain);
    for (int b = 0; b < N; b++) {
        level[b] = b % 2 ? 3 : 1;
        a[b] = lv_a[level[b]];
        sigma[b] = sqrt(1.0 - a[b] * a[b]);
        eta[b] = lv_eta[level[b]];
        memcpy(xt + (size_t)b * GD, g_xt, sizeof g_xt);
    }
    int64_t acc[L] = {0}, prop[L] = {0};
    dikl_posterior_job job = {
        .n = N, .x_t = xt, .a = a, .sigma = sigma, .seed = 4,
        .iteration = 9, .first_index = 0, .eta_each = eta, .level = level,
        .n_levels = L, .level_accepted = acc, .level_proposed = prop};
    dikl_posterior_stats st = {0};
    int status = dikl_posterior_run(p, &job, score, &st);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    ck_assert_int_eq(prop[0] + prop[2], 0);
    ck_assert_int_eq(prop[1], (int64_t)N / 2 * cfg.mala_steps);
    ck_assert_int_eq(prop[3], (int64_t)N / 2 * cfg.mala_steps);
    ck_assert_int_eq(acc[1] + acc[3], st.accepted);
    ck_assert_int_eq(st.pool_proposed, 0);
    double rate1 = (double)acc[1] / prop[1], rate3 = (double)acc[3] / prop[3];
    /* measured 0.81 (η 0.1, posterior sd 0.70) and 0.93 (η 0.02, sd 0.32) */
    ck_assert_msg(rate1 > 0.5 && rate3 > 0.5, "rates %g %g", rate1, rate3);

    double *lv = malloc(sizeof(double) * N / 2 * GD);
    ck_assert(lv);
    for (int l = 1; l < L; l += 2) {
        for (int b = 0, j = 0; b < N; b++)
            if (level[b] == l)
                memcpy(lv + (size_t)j++ * GD, score + (size_t)b * GD,
                       sizeof(double) * GD);
        double sg = sqrt(1.0 - lv_a[l] * lv_a[l]);
        for (int k = 0; k < GD; k++) {
            double m, se, var;
            column_stats(lv, N / 2, GD, k, &m, &se, &var);
            double exact = -g_xt[k] / (lv_a[l] * lv_a[l] * g_s * g_s
                                       + sg * sg);
            ck_assert_msg(fabs(m - exact) <= z_max * se && se < 0.02,
                          "level %d coord %d: mean %.5f exact %.5f se %.5f",
                          l, k, m, exact, se);
        }
    }

    /* Every extra off (one step for all, no counts): dikl_posterior_score's
     * numbers bit for bit, and the per-element form with equal steps too. */
    dikl_posterior_stats s1 = {0}, s2 = {0};
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 4, 9, 0, 0.05,
                                          plain, &s1), DIGS_OK);
    for (int b = 0; b < N; b++)
        eta[b] = 0.05;
    ck_assert_int_eq(dikl_posterior_run(p, &job, score, &s2), DIGS_OK);
    ck_assert(memcmp(plain, score, sizeof(double) * N * GD) == 0);
    ck_assert_int_eq(s1.accepted, s2.accepted);

    /* a level outside 0..n_levels−1 is a caller bug */
    level[7] = L;
    ck_assert_int_eq(dikl_posterior_run(p, &job, score, &s2),
                     DIGS_ERR_INTERNAL);
    digs_error_clear();
    free(lv);
    free(xt);
    free(score);
    free(plain);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
}
END_TEST

/* 2-D Gaussian p = N(0, diag(s0², s1²)); the pool move test point. */
static const double pm_s[2] = {1.0, 0.5};
static const double pm_a = 0.6, pm_sigma = 0.8;
static const double pm_xt[2] = {1.5, -0.5};

/* Closed-form posterior of one coordinate (REFERENCE.md §3.9, μ = 0). */
static void pm_posterior(int k, double *mean, double *var)
{
    *var = 1.0 / (1.0 / (pm_s[k] * pm_s[k])
                  + pm_a * pm_a / (pm_sigma * pm_sigma));
    *mean = *var * pm_a * pm_xt[k] / (pm_sigma * pm_sigma);
}

/* Kish ESS of the pool under the posterior: the moves' stationary law is
 * the pool reweighted by N(x_t; a x, σ²), so its moments carry a pool
 * error of about sd/sqrt(ESS). */
static double pool_ess(const double *pool, int n, int d, const double *xt,
                       double a, double sigma)
{
    double max_lw = -INFINITY, sum = 0.0, sum2 = 0.0;
    double *lw = malloc(sizeof(double) * n);
    ck_assert(lw);
    for (int i = 0; i < n; i++) {
        double r2 = 0.0;
        for (int k = 0; k < d; k++)
            r2 += pow(xt[k] - a * pool[(size_t)i * d + k], 2);
        lw[i] = -r2 / (2 * sigma * sigma);
        max_lw = fmax(max_lw, lw[i]);
    }
    for (int i = 0; i < n; i++) {
        double w = exp(lw[i] - max_lw);
        sum += w;
        sum2 += w * w;
    }
    free(lw);
    return sum * sum / sum2;
}

/* Pool moves on their own (dikl_posterior_pool_moves) with a pool of
 * exact samples of p: started from exact posterior draws they must leave
 * the posterior as it is (invariance), and started from p itself they
 * must bring the chains to it (the direction of the MH ratio).  Moments
 * per coordinate against §3.9's closed form within z_max standard
 * errors, the pool error sd/sqrt(ESS) added in quadrature.  The test can
 * fail: p's mean 0 lies > 100 standard errors from the posterior mean 0.9
 * of coordinate 0, so accepting every move (or the inverted ratio) would
 * miss it. */
START_TEST(pool_moves_keep_posterior)
{
    enum { N = 20000, POOL = 200000, D = 2 };
    double *pool = malloc(sizeof(double) * POOL * D);
    double *x = malloc(sizeof(double) * N * D);
    ck_assert(pool && x);
    digs_stream rng;
    digs_stream_init(&rng, 21, 0, 0, DIGS_RNG_TEST, 3);
    for (int i = 0; i < POOL; i++)
        for (int k = 0; k < D; k++)
            pool[i * D + k] = pm_s[k] * digs_stream_normal(&rng);
    double ess = pool_ess(pool, POOL, D, pm_xt, pm_a, pm_sigma);
    ck_assert_double_gt(ess, 0.3 * POOL); /* measured 0.49 POOL */

    for (int start = 0; start < 2; start++) {
        const int K = start == 0 ? 5 : 40;
        for (int b = 0; b < N; b++)
            for (int k = 0; k < D; k++) {
                double m, v;
                pm_posterior(k, &m, &v);
                x[b * D + k] = start == 0
                                   ? m + sqrt(v) * digs_stream_normal(&rng)
                                   : pm_s[k] * digs_stream_normal(&rng);
            }
        int64_t accepted = 0;
        for (int b = 0; b < N; b++) {
            digs_stream el;
            digs_stream_init(&el, 21, (uint64_t)b, (uint64_t)start,
                             DIGS_RNG_TEST, 4);
            accepted += dikl_posterior_pool_moves(D, pool, POOL, K, pm_xt,
                                                  pm_a, pm_sigma, &el,
                                                  x + b * D);
        }
        /* Independence sampler from p: measured acceptance 0.47. */
        double rate = (double)accepted / ((double)N * K);
        ck_assert_msg(rate > 0.3 && rate < 0.95, "acceptance %g", rate);
        for (int k = 0; k < D; k++) {
            double m, v, mean, se, var;
            pm_posterior(k, &m, &v);
            column_stats(x, N, D, k, &mean, &se, &var);
            double se_mean = sqrt(v / N + v / ess);
            /* sd of a sample variance: v sqrt(2/N) (Gaussian) */
            double se_var = v * sqrt(2.0 / N + 2.0 / ess);
            ck_assert_msg(fabs(mean - m) <= z_max * se_mean,
                          "start %d coord %d: mean %.5f exact %.5f se %.5f",
                          start, k, mean, m, se_mean);
            ck_assert_msg(fabs(var - v) <= z_max * se_var,
                          "start %d coord %d: var %.5f exact %.5f se %.5f",
                          start, k, var, v, se_var);
            if (k == 0)
                ck_assert_double_gt(fabs(m) / se_mean, 100.0);
        }
    }
    free(pool);
    free(x);
}
END_TEST

/* Pool moves inside dikl_posterior_run: counted (K per element), the
 * same under any batch split, a no-op bit for bit without a pool; and
 * with a useless Stage A (one draw from q, no MALA) 200 pool moves from
 * an exact pool put the MSI estimate on the closed form (gaussian_case's
 * test point; z_max standard errors, the pool error added).  The prior is
 * wide here (acceptance measured 0.05, pool ESS 4300 of 1e5), hence the
 * many moves: 0.95^200 = 4e-5 of the elements keep their q draw.  The
 * check can fail: without the moves the mean score is −x_t/4, 10-20
 * standard errors from the closed form. */
START_TEST(pool_in_posterior)
{
    enum { N = 2000, POOL = 100000, K = 200, PART = 777 };
    digs_potential *pot = potential("gaussian",
                                    "[system]\ndim = 3\nscales = 2\n");
    dikl_posterior_config cfg = {
        .n_is = 1, .ais_levels = 1, .ais_kernel = DIKL_AIS_MALA,
        .ais_step = 0.0, .ais_substeps = 0, .mala_steps = 0,
        .sample_size = 1};
    dikl_posterior *p = create(&cfg, pot, pot);
    double *pool = malloc(sizeof(double) * POOL * GD);
    double *xt = malloc(sizeof(double) * N * GD);
    double *score = malloc(sizeof(double) * N * GD);
    double *parts = malloc(sizeof(double) * N * GD);
    double *plain = malloc(sizeof(double) * N * GD);
    double a[N], sigma[N];
    ck_assert(pool && xt && score && parts && plain);
    digs_stream rng;
    digs_stream_init(&rng, 22, 0, 0, DIGS_RNG_TEST, 5);
    for (int i = 0; i < POOL * GD; i++)
        pool[i] = g_s * digs_stream_normal(&rng);
    replicate(N, GD, g_xt, g_a, g_sigma, xt, a, sigma);

    dikl_posterior_job job = {
        .n = N, .x_t = xt, .a = a, .sigma = sigma, .seed = 6,
        .iteration = 2, .first_index = 0, .eta = 0.1, .pool_moves = K,
        .pool_n = POOL, .pool = pool};
    dikl_posterior_stats st = {0};
    ck_assert_int_eq(dikl_posterior_run(p, &job, score, &st), DIGS_OK);
    ck_assert_int_eq(st.pool_proposed, (int64_t)N * K);
    ck_assert(st.pool_accepted > 0 && st.pool_accepted < st.pool_proposed);

    double ess = pool_ess(pool, POOL, GD, g_xt, g_a, g_sigma);
    double lambda = 1.0 / (g_s * g_s) + g_a * g_a / (g_sigma * g_sigma);
    double sd1 = g_a * fabs(1.0 - 1.0 / (g_s * g_s)) / sqrt(lambda);
    for (int k = 0; k < GD; k++) {
        double m, se, var;
        column_stats(score, N, GD, k, &m, &se, &var);
        double exact = -g_xt[k] / (g_a * g_a * g_s * g_s
                                   + g_sigma * g_sigma);
        double tol = z_max * sqrt(se * se + sd1 * sd1 / ess);
        ck_assert_msg(fabs(m - exact) <= tol,
                      "coord %d: mean %.5f exact %.5f tol %.5f (ess %.0f)",
                      k, m, exact, tol, ess);
    }

    /* split over two "ranks" */
    dikl_posterior_stats s2 = {0};
    dikl_posterior_job first = job, second = job;
    first.n = PART;
    second.n = N - PART;
    second.x_t = xt + (size_t)PART * GD;
    second.a = a + PART;
    second.sigma = sigma + PART;
    second.first_index = PART;
    ck_assert_int_eq(dikl_posterior_run(p, &first, parts, &s2), DIGS_OK);
    ck_assert_int_eq(dikl_posterior_run(p, &second, parts + PART * GD, &s2),
                     DIGS_OK);
    ck_assert(memcmp(parts, score, sizeof(double) * N * GD) == 0);
    ck_assert_int_eq(s2.pool_accepted, st.pool_accepted);

    /* without a pool (pool_n = 0) the moves are off: plain numbers */
    dikl_posterior_stats s3 = {0}, s4 = {0};
    job.pool_n = 0;
    ck_assert_int_eq(dikl_posterior_run(p, &job, score, &s3), DIGS_OK);
    ck_assert_int_eq(dikl_posterior_score(p, N, xt, a, sigma, 6, 2, 0, 0.1,
                                          plain, &s4), DIGS_OK);
    ck_assert(memcmp(plain, score, sizeof(double) * N * GD) == 0);
    ck_assert_int_eq(s3.pool_proposed, 0);
    ck_assert(memcmp(plain, parts, sizeof(double) * N * GD) != 0);

    free(pool);
    free(xt);
    free(score);
    free(parts);
    free(plain);
    dikl_posterior_destroy(&p);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- coordinate sweeps ---------------------------------------------------- */

/* Coordinate sweeps on Many-Well-32 at a noisy level where each well's
 * posterior has both sides (a = 0.569, the schedule's level 20): with a
 * useless Stage A (one draw from q, no Stage B) the state after the sweeps
 * must be the exact posterior, so each double-well coordinate's mean MSI
 * estimate over N elements at the same x_t matches the quadrature score
 * within z_max standard errors, and the normal coordinates' estimates are
 * −y exactly up to rounding.  The check can fail: without the sweeps the
 * q draw keeps the side q gives it, and at least half of the wells miss by
 * more than z_max standard errors (asserted).  Also: counts (sweeps · dim
 * per element), bit-identical under a batch split, Stage A's and B's
 * numbers unchanged by the extra stream, and refused for particle
 * targets. */
START_TEST(coordinate_sweeps_cross_wells)
{
    enum { N = 2000, D = 32, SWEEPS = 100, PART = 555 };
    digs_potential *pot = potential("manywell32", NULL);
    ck_assert_int_eq(pot->dim, D);
    const double a = 0.569, sigma = sqrt(1.0 - 0.569 * 0.569);
    double y[D];
    for (int k = 0; k < D; k++)   /* wells: y from −1.2 to 1.2 */
        y[k] = k % 2 == 0 ? -1.2 + 2.4 * (k / 2) / 15.0 : 0.3 * (k % 5) - 0.6;
    double *xt = malloc(sizeof(double) * N * D);
    double *score = malloc(sizeof(double) * N * D);
    double *parts = malloc(sizeof(double) * N * D);
    double *as = malloc(sizeof(double) * N), *ss = malloc(sizeof(double) * N);
    ck_assert(xt && score && parts && as && ss);
    replicate(N, D, y, a, sigma, xt, as, ss);

    for (int sweeps = 0; sweeps <= SWEEPS; sweeps += SWEEPS) {
        dikl_posterior_config cfg = {
            .n_is = 1, .ais_levels = 1, .ais_kernel = DIKL_AIS_HMC,
            .mala_steps = 0, .sample_size = 1, .coordinate_sweeps = sweeps};
        dikl_posterior *p = create(&cfg, pot, pot);
        dikl_posterior_stats st = {0};
        ck_assert_int_eq(dikl_posterior_score(p, N, xt, as, ss, 9, 3, 0, 0.1,
                                              score, &st), DIGS_OK);
        ck_assert_int_eq(st.sweep_proposed, (int64_t)N * sweeps * D);
        /* Stage A's draw, 1 + sweeps·dim sweep energies, the refine one */
        ck_assert_int_eq(st.n_grad, (int64_t)N * (2 + (sweeps ? 1 : 0)
                                                  + sweeps * D));
        int missed = 0;
        for (int k = 0; k < D; k++) {
            double m, se, var;
            column_stats(score, N, D, k, &m, &se, &var);
            if (k % 2 == 1) {
                ck_assert_msg(fabs(m + y[k]) < 1e-12, "normal coord %d: "
                              "mean %.15f, expected %.15f", k, m, -y[k]);
                continue;
            }
            double exact = digs_manywell_noisy_score(y[k], a, sigma, 0.0, NULL);
            int ok = fabs(m - exact) <= z_max * se;
            if (sweeps)
                ck_assert_msg(ok, "well %d (y %.3f): mean %.4f exact %.4f "
                              "se %.4f", k / 2, y[k], m, exact, se);
            missed += !ok;
        }
        if (!sweeps) {
            ck_assert_msg(missed >= 8, "only %d of 16 wells missed without "
                          "the sweeps", missed);
            dikl_posterior_destroy(&p);
            continue;
        }
        /* Moves to the other side happen: measured acceptance 0.27. */
        double rate = (double)st.sweep_accepted / (double)st.sweep_proposed;
        ck_assert_msg(rate > 0.1 && rate < 0.6, "acceptance %g", rate);

        dikl_posterior_stats s2 = {0};
        ck_assert_int_eq(dikl_posterior_score(p, PART, xt, as, ss, 9, 3, 0,
                                              0.1, parts, &s2), DIGS_OK);
        ck_assert_int_eq(dikl_posterior_score(p, N - PART, xt + PART * D,
                                              as + PART, ss + PART, 9, 3,
                                              PART, 0.1, parts + PART * D,
                                              &s2), DIGS_OK);
        ck_assert(memcmp(parts, score, sizeof(double) * N * D) == 0);
        ck_assert_int_eq(s2.sweep_accepted, st.sweep_accepted);
        dikl_posterior_destroy(&p);
    }

    /* refused where the centred coordinates do not factorise */
    digs_potential *dw = potential("dw4", NULL);
    dikl_posterior_config bad = {.n_is = 1, .ais_levels = 1,
                                 .sample_size = 1, .coordinate_sweeps = 1};
    dikl_posterior *q = NULL;
    ck_assert_int_eq(dikl_posterior_create(&q, &bad, dw, dw), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "coordinate_sweeps"));
    bad.coordinate_sweeps = -1;
    ck_assert_int_eq(dikl_posterior_create(&q, &bad, pot, pot),
                     DIGS_ERR_INPUT);
    digs_error_clear();
    digs_potential_destroy(&dw);
    free(xt);
    free(score);
    free(parts);
    free(as);
    free(ss);
    digs_potential_destroy(&pot);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dikl_posterior");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gaussian_is);
    tcase_add_test(tc, gaussian_ais_hmc);
    tcase_add_test(tc, gaussian_ais_mala);
    tcase_add_test(tc, gaussian_stage_b);
    tcase_add_test(tc, gaussian_needs_weights);
    tcase_add_test(tc, gaussian_standard_exact);
    tcase_add_test(tc, split_invariance);
    tcase_add_test(tc, dw4_centred);
    tcase_add_test(tc, lj13_smoothed_refine);
    tcase_add_test(tc, all_infinite);
    tcase_add_test(tc, bad_config);
    tcase_add_test(tc, gaussian_per_level_steps);
    tcase_add_test(tc, pool_moves_keep_posterior);
    tcase_add_test(tc, pool_in_posterior);
    tcase_add_test(tc, coordinate_sweeps_cross_wells);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
