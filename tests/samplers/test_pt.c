/* Parallel tempering (src/samplers/pt.c): statistical tests against exact
 * answers, the contrast with plain HMC on a high barrier, the swap move's
 * acceptance in closed form, determinism across chain blocks, the state
 * round trip a restart relies on, counters and deck errors.
 *
 * Targets:
 *   tilted   1-D double well E = 16 (x^2 - 1)^2 + x/2 (test-local ops):
 *            barrier 15.5 kT above the shallow well at x = +1, exact mode
 *            weights by quadrature
 *   gaussian the `gaussian` potential (correlated 2-D), p^beta has
 *            covariance Sigma / beta
 *   springs  3 particles in 2-D joined by unit springs (translation
 *            invariant, test-local ops)
 * Standard errors come from the spread of per-chain averages over many
 * independent chains (each chain has its own streams), honest whatever
 * the autocorrelation within a chain.  Every statistic is held to 4
 * standard errors: a correct sampler fails one with probability 6e-5
 * (and the seeds are fixed, so the outcome is deterministic). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/potential.h"
#include "samplers/pt_config.h"
#include "samplers/sampler.h"
#include "../check_run.h"

/* ---- targets ---------------------------------------------------------- */

enum { TILT_H = 16 };
static const double tilt_c = 0.5;

/* E = H (x^2 - 1)^2 + c x: minima near -1 (E ~ -0.5, deep) and +1
 * (E ~ +0.5), barrier E(0) = 16. */
static double tilted_energy(const digs_potential *pot, const double *x,
                            double *grad)
{
    (void)pot;
    double y = x[0], q = y * y - 1.0;
    if (grad)
        grad[0] = 4.0 * TILT_H * y * q + tilt_c;
    return TILT_H * q * q + tilt_c * y;
}

/* P(x < 0) under exp(-beta E) by Simpson's rule on [-3, 3] (the density
 * is below e^-500 at the ends at beta = 1). */
static double tilted_p_neg(double beta)
{
    const int n = 60000;
    const double a = -3.0, b = 3.0, dx = (b - a) / n;
    double neg = 0.0, all = 0.0;
    for (int k = 0; k <= n; k++) {
        double x = a + k * dx, w = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
        double f = w * exp(-beta * tilted_energy(NULL, &x, NULL));
        all += f;
        if (x < 0.0)
            neg += f;
        else if (x == 0.0)
            neg += 0.5 * f;
    }
    return neg / all;
}

enum { SPRING_N = 3, SPRING_D = 2 };

/* E = (1/2) sum_{i<j} |r_i - r_j|^2 = (n/2) sum_i |r_i - c|^2: on the
 * zero-COM subspace ((n-1) D = 4 dimensions) an isotropic Gaussian of
 * variance 1/n, so under exp(-beta E), E[sum_i |r_i|^2] = 4 / (3 beta). */
static double springs_energy(const digs_potential *pot, const double *x,
                             double *grad)
{
    (void)pot;
    double e = 0.0;
    if (grad)
        memset(grad, 0, SPRING_N * SPRING_D * sizeof *grad);
    for (int i = 0; i < SPRING_N; i++)
        for (int j = i + 1; j < SPRING_N; j++)
            for (int a = 0; a < SPRING_D; a++) {
                double d = x[i * SPRING_D + a] - x[j * SPRING_D + a];
                e += 0.5 * d * d;
                if (grad) {
                    grad[i * SPRING_D + a] += d;
                    grad[j * SPRING_D + a] -= d;
                }
            }
    return e;
}

static const digs_potential_ops tilted_ops = {.name = "tilted",
                                              .energy = tilted_energy};
static const digs_potential_ops springs_ops = {.name = "springs",
                                               .energy = springs_energy};
static const char *const total_term[] = {"total"};

static digs_potential make_pot(const digs_potential_ops *ops, int dim)
{
    digs_potential pot = {0};
    pot.ops = ops;
    pot.dim = dim;
    pot.kT = 1.0;
    pot.angstrom = 1.0;
    pot.length_unit = "reduced";
    pot.energy_unit = "reduced";
    pot.n_terms = 1;
    pot.term_names = total_term;
    return pot;
}

/* Correlated 2-D Gaussian: mean (1, -1), Sigma = [[1, 1], [1, 4]]. */
static const double g_mean[2] = {1.0, -1.0};
static const double g_cov[3] = {1.0, 1.0, 4.0}; /* (0,0), (0,1), (1,1) */

static digs_potential *make_gaussian(const char *system)
{
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, system, "gauss.ini"), DIGS_OK);
    digs_potential *pot;
    int status = digs_potential_create_named("gaussian", deck, &pot);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    digs_deck_destroy(&deck);
    return pot;
}

static const char gauss_system[] =
    "[system]\ndim = 2\nmean = 1 -1\nscales = 1 2\ncorrelation = 0.5\n";

/* ---- driving the sampler ---------------------------------------------- */

static digs_sampler *make_sampler(const char *method, const char *deck_text,
                                  const digs_potential *pot, uint32_t seed)
{
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, deck_text, "test.ini"), DIGS_OK);
    digs_sampler *s;
    int status = digs_sampler_create_named(method, deck, pot, seed, &s);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    ck_assert_int_eq(digs_deck_check_unused(deck), DIGS_OK);
    digs_deck_destroy(&deck);
    return s;
}

typedef void (*init_fn)(const digs_potential *pot, long id, double *x);

/* Chains [first, first + n) of n_global at their init positions,
 * started by the sampler. */
static digs_chains *start_chains(digs_sampler *s, long n_global, long first,
                                 int n, init_fn init)
{
    digs_chains *c;
    ck_assert_int_eq(digs_chains_create(&c, n_global, first, n, s->pot->dim,
                                        s->state_size),
                     DIGS_OK);
    for (int i = 0; i < n; i++)
        init(s->pot, first + i, c->x + (size_t)i * s->pot->dim);
    int status = s->ops->start(s, c);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    return c;
}

static void run_sweeps(digs_sampler *s, digs_chains *c, uint64_t from,
                       uint64_t to)
{
    for (uint64_t t = from; t < to; t++)
        ck_assert_int_eq(s->ops->sweep(s, c, t), DIGS_OK);
}

/* Replica r of local chain i: position, gradient, energy. */
static const double *replica_x(const digs_chains *c, int i, int r)
{
    if (r == 0)
        return c->x + (size_t)i * c->dim;
    return c->state + (size_t)i * c->state_size +
           (size_t)(r - 1) * (2 * c->dim + 1);
}

static const double *replica_grad(const digs_chains *c, int i, int r)
{
    return r == 0 ? c->grad + (size_t)i * c->dim : replica_x(c, i, r) + c->dim;
}

static double replica_energy(const digs_chains *c, int i, int r)
{
    return r == 0 ? c->energy[i] : replica_x(c, i, r)[2 * c->dim];
}

/* Mean over chains of per-chain averages a[c] and its standard error
 * (between-chain spread). */
static void chain_mean(const double *a, int n, double *mean, double *se)
{
    double m = 0.0, v = 0.0;
    for (int k = 0; k < n; k++)
        m += a[k] / n;
    for (int k = 0; k < n; k++)
        v += (a[k] - m) * (a[k] - m) / (n - 1);
    *mean = m;
    *se = sqrt(v / n);
}

static int64_t stat_total(const digs_sampler *s, int k)
{
    return s->stats[k];
}

/* ---- mode weights across a high barrier ------------------------------- */

static void tilted_start(const digs_potential *pot, long id, double *x)
{
    (void)pot;
    (void)id;
    x[0] = 1.0; /* the shallow well: the wrong one to be stuck in */
}

/* Fraction of recorded sweeps each chain's replica 0 spends at x < 0. */
static void tilted_fractions(digs_sampler *s, int n_chains, long burn,
                             long keep, double *frac)
{
    digs_chains *c = start_chains(s, n_chains, 0, n_chains, tilted_start);
    memset(frac, 0, n_chains * sizeof *frac);
    for (long t = 0; t < burn + keep; t++) {
        ck_assert_int_eq(s->ops->sweep(s, c, (uint64_t)t), DIGS_OK);
        if (t >= burn)
            for (int i = 0; i < n_chains; i++)
                frac[i] += (c->x[i] < 0.0) / (double)keep;
    }
    digs_chains_destroy(&c);
}

/* Ladder 1 .. 0.01 in 5 rungs: the coldest replica's barrier is 15.5 kT,
 * the hottest's 0.16 kT.  Step sizes eps_r = 0.04 / sqrt(beta_r) keep
 * eps_r omega_r = 0.45 at the well bottoms (E'' = 8 H = 128 at beta = 1),
 * L = 8. */
static const char tilted_pt[] =
    "[pt]\nreplicas = 5\nbeta_min = 0.01\n"
    "step_size = 0.04 0.0711 0.1265 0.2249 0.4\nleapfrog = 8\n"
    "inner_steps = 10\n";

/* Why this design: unit-mass HMC crosses a 15.5 kT barrier only when
 * |p| > 5.6 (probability 2e-8 per trajectory), so chains started in the
 * shallow well stay there and P(x < 0) = 0.73 is invisible to them.  With
 * swaps, the hot replicas carry the chain over; after a burn-in far
 * longer than the swap mixing time every chain is (nearly) stationary and
 * the chains are independent, so the between-chain error of the
 * per-chain time fractions is honest. */
START_TEST(test_mode_weights)
{
    const int n_chains = 64;
    const long burn = 100, keep = 400;
    double truth = tilted_p_neg(1.0);
    ck_assert_double_gt(truth, 0.7);
    ck_assert_double_lt(truth, 0.76);
    digs_potential pot = make_pot(&tilted_ops, 1);
    double *frac = malloc(n_chains * sizeof *frac);
    double m, se;

    digs_sampler *s = make_sampler("pt", tilted_pt, &pot, 2024);
    tilted_fractions(s, n_chains, burn, keep, frac);
    chain_mean(frac, n_chains, &m, &se);
    printf("pt tilted: P(x<0) = %.4f +- %.4f (exact %.4f); acceptance",
           m, se, truth);
    for (int l = 0; l < s->n_stats / 2; l++)
        printf(" %s %.3f", s->stat_names[l],
               (double)stat_total(s, 2 * l) / stat_total(s, 2 * l + 1));
    printf("\n");
    /* Power: the error bar must be small against the effect (a chain stuck
     * in its start well is off by 0.73). */
    ck_assert_double_lt(se, 0.02);
    ck_assert_double_le(fabs(m - truth), 4.0 * se);
    digs_sampler_destroy(&s);

    /* The contrast: the same ladder without swaps is K independent HMC
     * chains, and replica 0 is plain HMC at beta = 1 from the same start.
     * So is method = hmc with the same eps, L and moves per sweep. */
    static const char no_swap[] =
        "[pt]\nreplicas = 5\nbeta_min = 0.01\n"
        "step_size = 0.04 0.0711 0.1265 0.2249 0.4\nleapfrog = 8\n"
        "inner_steps = 10\nswap = no\n";
    s = make_sampler("pt", no_swap, &pot, 2024);
    tilted_fractions(s, n_chains, burn, keep, frac);
    chain_mean(frac, n_chains, &m, &se);
    printf("pt without swaps: P(x<0) = %.4f\n", m);
    ck_assert_double_eq(m, 0.0);
    ck_assert_int_eq(stat_total(s, 2 * 5 + 1), 0); /* no swap attempted */
    digs_sampler_destroy(&s);

    s = make_sampler("hmc", "[hmc]\nstep_size = 0.04\nleapfrog = 8\n"
                            "steps = 10\n", &pot, 2024);
    tilted_fractions(s, n_chains, burn, keep, frac);
    chain_mean(frac, n_chains, &m, &se);
    printf("plain hmc: P(x<0) = %.4f\n", m);
    ck_assert_double_eq(m, 0.0);
    digs_sampler_destroy(&s);
    free(frac);
}
END_TEST

/* ---- every replica samples p^beta_r ----------------------------------- */

static void gauss_start(const digs_potential *pot, long id, double *x)
{
    (void)pot;
    (void)id;
    x[0] = g_mean[0];
    x[1] = g_mean[1];
}

/* Each replica r of the correlated Gaussian has covariance Sigma/beta_r
 * (REFERENCE.md §4.3: replica r targets beta_r log p).  Per-chain time
 * averages of the three products (x - mu)_i (x - mu)_j, read from
 * chains->state for r >= 1, z-scored with the between-chain error.  The
 * 3 K statistics at 4 standard errors each. */
static void check_replica_variances(const char *deck, int k,
                                    const double *betas)
{
    const int n_chains = 32;
    const long burn = 50, keep = 500;
    digs_potential *pot = make_gaussian(gauss_system);
    digs_sampler *s = make_sampler("pt", deck, pot, 99);
    digs_chains *c = start_chains(s, n_chains, 0, n_chains, gauss_start);
    size_t per = (size_t)k * 3;
    double *acc = calloc((size_t)n_chains * per, sizeof *acc);
    for (long t = 0; t < burn + keep; t++) {
        ck_assert_int_eq(s->ops->sweep(s, c, (uint64_t)t), DIGS_OK);
        if (t < burn)
            continue;
        for (int i = 0; i < n_chains; i++)
            for (int r = 0; r < k; r++) {
                const double *x = replica_x(c, i, r);
                double a = x[0] - g_mean[0], b = x[1] - g_mean[1];
                double *o = acc + (size_t)i * per + (size_t)r * 3;
                o[0] += a * a / keep;
                o[1] += a * b / keep;
                o[2] += b * b / keep;
            }
    }
    double z_max = 0.0, *col = malloc(n_chains * sizeof *col);
    for (int r = 0; r < k; r++) {
        printf("  replica %d (beta %.4g):", r, betas[r]);
        for (int e = 0; e < 3; e++) {
            for (int i = 0; i < n_chains; i++)
                col[i] = acc[(size_t)i * per + (size_t)r * 3 + e];
            double m, se, want = g_cov[e] / betas[r];
            chain_mean(col, n_chains, &m, &se);
            printf(" %.4g (%.4g +- %.2g)", m, want, se);
            z_max = fmax(z_max, fabs(m - want) / se);
            /* Power: the errors are a few per cent of the value, so a
             * replica at a wrong temperature (the nearest rung is >= 2.15
             * times hotter or colder) is far outside 4 of them. */
            ck_assert_double_lt(se, 0.05 * want);
        }
        printf("\n");
    }
    printf("  max |z| %.2f\n", z_max);
    ck_assert_double_le(z_max, 4.0);
    free(col);
    free(acc);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}

/* Sigma has eigenvalues 0.697 and 4.303 (precision 1.435, 0.232).  HMC:
 * eps_r = 0.5 / sqrt(beta_r) gives eps omega = 0.6 on the stiff axis at
 * every rung, L = 6.  MALA: h_r = 0.4 / beta_r, h lambda beta = 0.57. */
START_TEST(test_replica_temperatures_hmc)
{
    static const double betas[4] = {1.0, 0.21544346900318834,
                                    0.046415888336127795, 0.01};
    printf("pt hmc on gaussian:\n");
    check_replica_variances("[pt]\nreplicas = 4\nbeta_min = 0.01\n"
                            "step_size = 0.5 1.077 2.321 5\n"
                            "leapfrog = 6\ninner_steps = 5\n",
                            4, betas);
}
END_TEST

START_TEST(test_replica_temperatures_mala)
{
    static const double betas[3] = {1.0, 0.5, 0.1};
    printf("pt mala on gaussian:\n");
    check_replica_variances("[pt]\nbetas = 1 0.5 0.1\ninner = mala\n"
                            "step_size = 0.4 0.8 4\ninner_steps = 10\n",
                            3, betas);
}
END_TEST

/* ---- the swap move ---------------------------------------------------- */

static void origin_start(const digs_potential *pot, long id, double *x)
{
    (void)id;
    memset(x, 0, pot->dim * sizeof *x);
}

/* Exact swap acceptance on a standard 2-D Gaussian with betas (1, b):
 * with Delta = (1 - b)(E_0 - E_1) the log ratio, detailed balance of the
 * swap (an involution that maps Delta to -Delta, with e^Delta the density
 * ratio) gives E[e^Delta; Delta < 0] = P(Delta > 0), so the mean
 * acceptance is 2 P(Delta > 0) = 2 P(|x_0|^2 > |x_1|^2).  |x_0|^2 and
 * b |x_1|^2 are independent Exp(mean 2), so P(|x_0|^2 > |x_1|^2) =
 * b / (1 + b), and the acceptance is 2 b / (1 + b) (0.4 at b = 0.25).
 * A wrong sign or a tempered log p in the ratio changes this number.
 * Per-chain acceptance rates come from running each chain as its own
 * block (the samples do not depend on blocking, see test_blocks). */
START_TEST(test_swap_acceptance)
{
    const double b = 0.25, want = 2.0 * b / (1.0 + b);
    const int n_chains = 64;
    const long burn = 20, keep = 200;
    digs_potential *pot = make_gaussian("[system]\ndim = 2\n");
    digs_sampler *s = make_sampler("pt", "[pt]\nbetas = 1 0.25\n"
                                         "step_size = 0.5 1\nleapfrog = 5\n"
                                         "inner_steps = 10\n",
                                   pot, 7);
    double *rate = malloc(n_chains * sizeof *rate);
    for (int i = 0; i < n_chains; i++) {
        digs_chains *c = start_chains(s, n_chains, i, 1, origin_start);
        run_sweeps(s, c, 0, (uint64_t)burn);
        int64_t acc0 = s->stats[4], att0 = s->stats[5];
        run_sweeps(s, c, (uint64_t)burn, (uint64_t)(burn + keep));
        ck_assert_int_eq(s->stats[5] - att0, keep * 9);
        rate[i] = (double)(s->stats[4] - acc0) / (double)(s->stats[5] - att0);
        digs_chains_destroy(&c);
    }
    double m, se;
    chain_mean(rate, n_chains, &m, &se);
    printf("swap acceptance (1, 0.25) on N(0, I_2): %.4f +- %.4f, exact "
           "%.4f\n", m, se, want);
    ck_assert_double_lt(se, 0.01);
    ck_assert_double_le(fabs(m - want), 4.0 * se);
    free(rate);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

/* Replicas at the same beta: log r = 0, every swap is accepted (and the
 * geometric ladder with beta_min = 1 is such a ladder). */
START_TEST(test_identical_betas_swap)
{
    static const char *const decks[] = {
        "[pt]\nbetas = 1 1 1\nstep_size = 0.3\nleapfrog = 4\n"
        "inner_steps = 4\n",
        "[pt]\nreplicas = 3\nbeta_min = 1\nstep_size = 0.3\nleapfrog = 4\n"
        "inner_steps = 4\n",
    };
    digs_potential *pot = make_gaussian(gauss_system);
    for (int k = 0; k < 2; k++) {
        digs_sampler *s = make_sampler("pt", decks[k], pot, 3);
        digs_chains *c = start_chains(s, 6, 0, 6, gauss_start);
        run_sweeps(s, c, 0, 25);
        for (int p = 0; p < 2; p++) {
            ck_assert_int_eq(s->stats[6 + 2 * p + 1], 6 * 25 * 3);
            ck_assert_int_eq(s->stats[6 + 2 * p], s->stats[6 + 2 * p + 1]);
        }
        digs_chains_destroy(&c);
        digs_sampler_destroy(&s);
    }
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- translation-invariant targets ------------------------------------ */

static void springs_start(const digs_potential *pot, long id, double *x)
{
    digs_stream rng;
    digs_stream_init(&rng, 3, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    digs_stream_normals(&rng, pot->dim, x);
    digs_potential_centre(pot, x);
}

/* Every replica stays centred (the kernels project momenta) and samples
 * E[sum |r_i|^2] = 4 / (3 beta_r); an unprojected replica's centre of
 * mass would diffuse freely (test_mala_hmc shows that check has power). */
START_TEST(test_translation_invariant)
{
    static const double betas[3] = {1.0, 0.5, 0.25};
    digs_potential pot = make_pot(&springs_ops, SPRING_N * SPRING_D);
    pot.n_particles = SPRING_N;
    pot.spatial_dim = SPRING_D;
    pot.translation_invariant = 1;
    digs_sampler *s = make_sampler("pt", "[pt]\nbetas = 1 0.5 0.25\n"
                                         "step_size = 0.2 0.28 0.4\n"
                                         "leapfrog = 5\ninner_steps = 4\n",
                                   &pot, 21);
    const int n_chains = 32;
    const long burn = 20, keep = 300;
    digs_chains *c = start_chains(s, n_chains, 0, n_chains, springs_start);
    double *r2 = calloc((size_t)3 * n_chains, sizeof *r2), com_max = 0.0;
    for (long t = 0; t < burn + keep; t++) {
        ck_assert_int_eq(s->ops->sweep(s, c, (uint64_t)t), DIGS_OK);
        for (int i = 0; i < n_chains; i++)
            for (int r = 0; r < 3; r++) {
                const double *x = replica_x(c, i, r);
                for (int a = 0; a < SPRING_D; a++) {
                    double com = 0.0;
                    for (int p = 0; p < SPRING_N; p++) {
                        double v = x[p * SPRING_D + a];
                        com += v / SPRING_N;
                        if (t >= burn)
                            r2[r * n_chains + i] += v * v / keep;
                    }
                    com_max = fmax(com_max, fabs(com));
                }
            }
    }
    printf("pt springs: max |COM| %.2e;", com_max);
    ck_assert_double_le(com_max, 1e-10);
    for (int r = 0; r < 3; r++) {
        double m, se, want = 4.0 / (3.0 * betas[r]);
        chain_mean(r2 + r * n_chains, n_chains, &m, &se);
        printf(" E[sum r^2] %.4f +- %.4f (%.4f)", m, se, want);
        ck_assert_double_le(fabs(m - want), 4.0 * se);
    }
    printf("\n");
    free(r2);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
}
END_TEST

/* ---- determinism, restart, counters ----------------------------------- */

static void gauss_spread(const digs_potential *pot, long id, double *x)
{
    digs_stream rng;
    digs_stream_init(&rng, 5, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    for (int i = 0; i < pot->dim; i++)
        x[i] = 3.0 * digs_stream_normal(&rng);
}

static const char det_deck[] =
    "[pt]\nreplicas = 4\nbeta_min = 0.05\nstep_size = 0.4\nleapfrog = 5\n"
    "inner_steps = 3\n";
static const char det_deck_mala[] =
    "[pt]\nreplicas = 3\nbeta_min = 0.1\ninner = mala\nstep_size = 0.3\n"
    "inner_steps = 4\n";

/* Equal chains: positions, energies, gradients and the whole state of
 * chains a[ia ..] and b[ib ..], n of them, bit for bit. */
static int same_chains(const digs_chains *a, int ia, const digs_chains *b,
                       int ib, int n)
{
    size_t d = (size_t)a->dim, st = (size_t)a->state_size;
    return memcmp(a->x + ia * d, b->x + ib * d, n * d * sizeof(double)) ==
               0 &&
           memcmp(a->grad + ia * d, b->grad + ib * d,
                  n * d * sizeof(double)) == 0 &&
           memcmp(a->energy + ia, b->energy + ib, n * sizeof(double)) == 0 &&
           memcmp(a->state + ia * st, b->state + ib * st,
                  n * st * sizeof(double)) == 0;
}

static digs_chains *run_block(const char *deck, const digs_potential *pot,
                              uint32_t seed, long first, int n, long sweeps)
{
    digs_sampler *s = make_sampler("pt", deck, pot, seed);
    digs_chains *c = start_chains(s, 10, first, n, gauss_spread);
    run_sweeps(s, c, 0, (uint64_t)sweeps);
    digs_sampler_destroy(&s);
    return c;
}

/* Chains 0..9 in one block equal chains 0..3 and 4..9 in two blocks (the
 * 1-rank and 2-rank layouts), state included; a rerun is identical; a
 * different seed is not. */
static void check_blocks(const char *deck)
{
    digs_potential *pot = make_gaussian(gauss_system);
    digs_chains *all = run_block(deck, pot, 17, 0, 10, 40);
    digs_chains *again = run_block(deck, pot, 17, 0, 10, 40);
    digs_chains *low = run_block(deck, pot, 17, 0, 4, 40);
    digs_chains *high = run_block(deck, pot, 17, 4, 6, 40);
    digs_chains *other = run_block(deck, pot, 18, 0, 10, 40);
    ck_assert(same_chains(all, 0, again, 0, 10));
    ck_assert(same_chains(all, 0, low, 0, 4));
    ck_assert(same_chains(all, 4, high, 0, 6));
    ck_assert(!same_chains(all, 0, other, 0, 10));
    /* Replicas differ from each other after the run (the state is live). */
    ck_assert(memcmp(replica_x(all, 0, 0), replica_x(all, 0, 1),
                     2 * sizeof(double)) != 0);
    digs_chains *cs[] = {all, again, low, high, other};
    for (int k = 0; k < 5; k++)
        digs_chains_destroy(&cs[k]);
    digs_potential_destroy(&pot);
}

START_TEST(test_blocks)
{
    check_blocks(det_deck);
    check_blocks(det_deck_mala);
}
END_TEST

/* What a restart does: copy x, energy, grad and state into fresh chains,
 * build a fresh sampler, continue without calling start.  The result must
 * equal the uninterrupted run bit for bit. */
START_TEST(test_state_round_trip)
{
    digs_potential *pot = make_gaussian(gauss_system);
    digs_chains *ref = run_block(det_deck, pot, 31, 0, 10, 60);

    digs_sampler *s = make_sampler("pt", det_deck, pot, 31);
    digs_chains *c = start_chains(s, 10, 0, 10, gauss_spread);
    run_sweeps(s, c, 0, 25);
    digs_sampler_destroy(&s);

    s = make_sampler("pt", det_deck, pot, 31);
    digs_chains *r;
    ck_assert_int_eq(digs_chains_create(&r, 10, 0, 10, 2, s->state_size),
                     DIGS_OK);
    memcpy(r->x, c->x, 20 * sizeof(double));
    memcpy(r->grad, c->grad, 20 * sizeof(double));
    memcpy(r->energy, c->energy, 10 * sizeof(double));
    memcpy(r->state, c->state, 10 * (size_t)s->state_size * sizeof(double));
    run_sweeps(s, r, 25, 60);
    ck_assert(same_chains(ref, 0, r, 0, 10));
    digs_sampler_destroy(&s);
    digs_chains_destroy(&c);
    digs_chains_destroy(&r);
    digs_chains_destroy(&ref);
    digs_potential_destroy(&pot);
}
END_TEST

/* Counters and caches: K = 4, inner_steps = 3, L = 5 over 7 chains and
 * 30 sweeps.  Per chain: proposed = 30 x 3 (replica 0 only); stats per
 * replica = 7 x 30 x 3 proposals; swaps = 7 x 30 x 2 x 3 pairs ... per
 * pair 7 x 30 x (3 - 1); n_grad = 7 (start) + 7 x 30 x 3 x 4 x L.  Every
 * replica's cached E and dE/dx equal a fresh evaluation at its x. */
static void check_counts(const char *deck, int per_move)
{
    digs_potential *pot = make_gaussian(gauss_system);
    digs_sampler *s = make_sampler("pt", deck, pot, 5);
    const int n = 7, k = 4;
    const long sweeps = 30, inner = 3;
    ck_assert_int_eq(s->state_size, (k - 1) * (2 * 2 + 1));
    ck_assert_int_eq(s->n_stats, 2 * (2 * k - 1));
    digs_chains *c = start_chains(s, 20, 3, n, gauss_spread);
    ck_assert_int_eq(s->n_grad, n);
    run_sweeps(s, c, 0, (uint64_t)sweeps);
    int64_t acc0 = 0;
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(c->proposed[i], sweeps * inner);
        acc0 += c->accepted[i];
        for (int r = 0; r < k; r++) {
            double g[2];
            double e = digs_potential_energy(pot, replica_x(c, i, r), g);
            ck_assert_double_eq(e, replica_energy(c, i, r));
            ck_assert_double_eq(g[0], replica_grad(c, i, r)[0]);
            ck_assert_double_eq(g[1], replica_grad(c, i, r)[1]);
        }
    }
    ck_assert_int_eq(s->stats[0], acc0);
    for (int r = 0; r < k; r++)
        ck_assert_int_eq(s->stats[2 * r + 1], n * sweeps * inner);
    for (int p = 0; p < k - 1; p++)
        ck_assert_int_eq(s->stats[2 * k + 2 * p + 1],
                         n * sweeps * (inner - 1));
    ck_assert_int_eq(s->n_grad, n + n * sweeps * inner * k * per_move);
    ck_assert_int_eq(s->n_energy, 0);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}

START_TEST(test_counts)
{
    check_counts("[pt]\nreplicas = 4\nstep_size = 0.3\nleapfrog = 5\n"
                 "inner_steps = 3\n", 5);
    check_counts("[pt]\nreplicas = 4\ninner = mala\nstep_size = 0.1\n"
                 "inner_steps = 3\n", 1);
}
END_TEST

/* Defaults: 5 replicas, beta_r = 0.001^(r/4) (REFERENCE.md §4.3:
 * T = 1, 5.62, 31.62, 177.83, 1000), HMC with L = 20, 10 inner steps,
 * swaps on; one step size for every replica; names and state size. */
START_TEST(test_defaults_and_names)
{
    static const double temps[] = {1.0, 5.6234132519, 31.6227766017,
                                   177.8279410039, 1000.0};
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, "[pt]\nstep_size = 0.06\n",
                                     "d.ini"),
                     DIGS_OK);
    digs_pt_config cfg;
    ck_assert_int_eq(digs_pt_config_read(deck, &cfg), DIGS_OK);
    ck_assert_int_eq(cfg.replicas, 5);
    ck_assert_int_eq(cfg.inner, DIGS_PT_INNER_HMC);
    ck_assert_int_eq(cfg.leapfrog, 20);
    ck_assert_int_eq(cfg.inner_steps, 10);
    ck_assert_int_eq(cfg.swap, 1);
    for (int r = 0; r < 5; r++) {
        ck_assert_double_eq_tol(1.0 / cfg.betas[r], temps[r],
                                1e-10 * temps[r]);
        ck_assert_double_eq(cfg.step_size[r], 0.06);
    }
    ck_assert_double_eq(cfg.betas[0], 1.0);
    ck_assert_double_eq(cfg.betas[4], 0.001);
    digs_pt_config_free(&cfg);
    digs_deck_destroy(&deck);

    digs_potential *pot = make_gaussian(gauss_system);
    digs_sampler *s = make_sampler("pt", "[pt]\nstep_size = 0.06\n", pot, 1);
    static const char *const names[] = {"r0",     "r1",     "r2",
                                        "r3",     "r4",     "swap01",
                                        "swap12", "swap23", "swap34"};
    ck_assert_int_eq(s->n_stats, 18);
    ck_assert_int_eq(s->state_size, 4 * 5);
    for (int l = 0; l < 9; l++)
        ck_assert_str_eq(s->stat_names[l], names[l]);
    digs_sampler_destroy(&s);
    s = make_sampler("pt", "[pt]\nstep_size = 0.06\nreplicas = 12\n", pot, 1);
    ck_assert_str_eq(s->stat_names[12 + 8], "swap89");
    ck_assert_str_eq(s->stat_names[12 + 9], "swap9_10");
    ck_assert_str_eq(s->stat_names[12 + 10], "swap10_11");
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

static void nan_start(const digs_potential *pot, long id, double *x)
{
    for (int i = 0; i < pot->dim; i++)
        x[i] = id == 5 ? NAN : 0.0;
}

START_TEST(test_start_error)
{
    digs_potential *pot = make_gaussian(gauss_system);
    digs_sampler *s = make_sampler("pt", det_deck, pot, 5);
    digs_chains *c;
    ck_assert_int_eq(digs_chains_create(&c, 10, 3, 4, 2, s->state_size),
                     DIGS_OK);
    for (int i = 0; i < 4; i++)
        nan_start(pot, 3 + i, c->x + i * 2);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_ERR_NUMERIC);
    ck_assert_msg(strstr(digs_error_message(), "chain 5: energy at the "
                                               "starting point is not finite"),
                  "message: %s", digs_error_message());
    digs_error_clear();
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

/* Status of creating pt from text, plus the unused-key check (keys that
 * do not apply, e.g. leapfrog with inner = mala, are errors). */
static int create_status(const char *text, char *message, size_t size)
{
    digs_potential *pot = make_gaussian(gauss_system);
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, text, "bad.ini"), DIGS_OK);
    digs_sampler *s = NULL;
    int status = digs_sampler_create_named("pt", deck, pot, 1, &s);
    ck_assert(status == DIGS_OK || s == NULL);
    if (status == DIGS_OK)
        status = digs_deck_check_unused(deck);
    if (message)
        snprintf(message, size, "%s", digs_error_message());
    digs_sampler_destroy(&s);
    digs_deck_destroy(&deck);
    digs_potential_destroy(&pot);
    digs_error_clear();
    return status;
}

START_TEST(test_deck_errors)
{
    static const char *const bad[] = {
        "[pt]\nreplicas = 3\n",                          /* no step_size */
        "[pt]\nstep_size = 0\n",
        "[pt]\nstep_size = 0.1 0.2\n",                   /* 1 or K values */
        "[pt]\nstep_size = 0.1\nreplicas = 1\n",
        "[pt]\nstep_size = 0.1\nreplicas = 65\n",
        "[pt]\nstep_size = 0.1\nbeta_min = 0\n",
        "[pt]\nstep_size = 0.1\nbeta_min = 2\n",
        "[pt]\nstep_size = 0.1\nbetas = 0.5 0.1\n",      /* must start at 1 */
        "[pt]\nstep_size = 0.1\nbetas = 1 0.1 0.5\n",    /* increasing */
        "[pt]\nstep_size = 0.1\nbetas = 1 0\n",
        "[pt]\nstep_size = 0.1\nbetas = 1\n",
        "[pt]\nstep_size = 0.1\nbetas = 1 0.1\nreplicas = 2\n",
        "[pt]\nstep_size = 0.1\nbetas = 1 0.1\nbeta_min = 0.1\n",
        "[pt]\nstep_size = 0.1\ninner = nuts\n",
        "[pt]\nstep_size = 0.1\ninner = mala\nleapfrog = 5\n",
        "[pt]\nstep_size = 0.1\ninner_steps = 0\n",
        "[pt]\nstep_size = 0.1\nleapfrog = 0\n",
        "[pt]\nstep_size = 0.1\nswap = maybe\n",
        "[pt]\nstep_size = 0.1\nsteps = 10\n",           /* hmc's key */
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        ck_assert_msg(create_status(bad[k], NULL, 0) == DIGS_ERR_INPUT,
                      "accepted: %s", bad[k]);
    char msg[512];
    ck_assert_int_eq(create_status("[pt]\nstep_size = 0.1\n"
                                   "betas = 1 0.1\nreplicas = 2\n",
                                   msg, sizeof msg),
                     DIGS_ERR_INPUT);
    ck_assert_msg(strstr(msg, "bad.ini:4: [pt] replicas = 2: give either "
                              "betas or replicas/beta_min"),
                  "message: %s", msg);
    ck_assert_int_eq(create_status("[pt]\nstep_size = 0.1 0.2 0.3\n"
                                   "betas = 1 0.5 0.2\nswap = no\n",
                                   NULL, 0),
                     DIGS_OK);
    ck_assert_int_eq(create_status("[pt]\nstep_size = 0.1\ninner = mala\n"
                                   "inner_steps = 2\nreplicas = 64\n",
                                   NULL, 0),
                     DIGS_OK);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("pt");
    TCase *stat = tcase_create("statistics");
    tcase_set_timeout(stat, 120); /* sanitizer builds are ~10x slower */
    tcase_add_test(stat, test_mode_weights);
    tcase_add_test(stat, test_replica_temperatures_hmc);
    tcase_add_test(stat, test_replica_temperatures_mala);
    tcase_add_test(stat, test_swap_acceptance);
    tcase_add_test(stat, test_translation_invariant);
    suite_add_tcase(suite, stat);
    TCase *basic = tcase_create("contract");
    tcase_add_test(basic, test_identical_betas_swap);
    tcase_add_test(basic, test_blocks);
    tcase_add_test(basic, test_state_round_trip);
    tcase_add_test(basic, test_counts);
    tcase_add_test(basic, test_defaults_and_names);
    tcase_add_test(basic, test_start_error);
    tcase_add_test(basic, test_deck_errors);
    suite_add_tcase(suite, basic);
    return digs_check_run(suite);
}
