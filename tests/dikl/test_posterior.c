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
 * the smoothed refine energy, evaluation counts, and the error path. */
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
#include "potentials/potential.h"

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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
