/* MALA and HMC: statistical tests against targets with exact answers,
 * a sensitivity check (an unadjusted sampler must fail them), determinism
 * across chain blocks, counters, and input/start-up errors.
 *
 * The targets are defined here as local potential ops so this test does
 * not depend on the potentials room:
 *   gauss4    correlated Gaussian, d = 4, Sigma_ij = s_i s_j rho^|i-j|,
 *             rho = 0.7, s = (1, 0.5, 2, 1), mean mu
 *   wellpair  the ManyWell 2-D pair x1^4 - 6 x1^2 - 0.5 x1 + x2^2/2
 *             (REFERENCE.md §7.2)
 *   halfnorm  x^2/2 on x > 0, +inf elsewhere (non-finite proposals)
 *   springs   3 particles in 2-D joined by unit springs (translation
 *             invariant)
 * Standard errors use integrated autocorrelation times from
 * analysis/autocorr (emcee's multi-chain estimator). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/autocorr.h"
#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "samplers/sampler.h"
#include "../check_run.h"

/* ---- targets ---------------------------------------------------------- */

enum { GD = 4 };

typedef struct gauss4 {
    double mu[GD];
    double cov[GD * GD];
    double prec[GD * GD];
    double chol[GD * GD]; /* lower Cholesky factor of cov */
} gauss4;

static void gauss4_init(gauss4 *g)
{
    static const double s[GD] = {1.0, 0.5, 2.0, 1.0};
    static const double mu[GD] = {0.5, -1.0, 0.0, 2.0};
    const double rho = 0.7;
    memcpy(g->mu, mu, sizeof mu);
    for (int i = 0; i < GD; i++)
        for (int j = 0; j < GD; j++) {
            g->cov[i * GD + j] = s[i] * s[j] * pow(rho, abs(i - j));
            /* AR(1) correlation matrix has a tridiagonal inverse:
             * (1/(1-rho^2)) [1, 1+rho^2, ..., 1 on the diagonal, -rho
             * beside it]; Sigma^-1 = D^-1 R^-1 D^-1, D = diag(s). */
            double r = 0.0;
            if (i == j)
                r = (i == 0 || i == GD - 1) ? 1.0 : 1.0 + rho * rho;
            else if (abs(i - j) == 1)
                r = -rho;
            g->prec[i * GD + j] = r / (1.0 - rho * rho) / (s[i] * s[j]);
        }
    memset(g->chol, 0, sizeof g->chol);
    for (int j = 0; j < GD; j++) {
        double d = g->cov[j * GD + j];
        for (int k = 0; k < j; k++)
            d -= g->chol[j * GD + k] * g->chol[j * GD + k];
        g->chol[j * GD + j] = sqrt(d);
        for (int i = j + 1; i < GD; i++) {
            double v = g->cov[i * GD + j];
            for (int k = 0; k < j; k++)
                v -= g->chol[i * GD + k] * g->chol[j * GD + k];
            g->chol[i * GD + j] = v / g->chol[j * GD + j];
        }
    }
}

static double gauss4_energy(const digs_potential *pot, const double *x,
                            double *grad)
{
    const gauss4 *g = pot->data;
    double y[GD], e = 0.0;
    for (int i = 0; i < GD; i++)
        y[i] = x[i] - g->mu[i];
    for (int i = 0; i < GD; i++) {
        double py = 0.0;
        for (int j = 0; j < GD; j++)
            py += g->prec[i * GD + j] * y[j];
        e += 0.5 * y[i] * py;
        if (grad)
            grad[i] = py;
    }
    return e;
}

/* FAB DoubleWellEnergy with a = -0.5, b = -6, c = 1 (REFERENCE.md §7.2). */
static double wellpair_energy(const digs_potential *pot, const double *x,
                              double *grad)
{
    double a = x[0], b = x[1];
    if (grad) {
        grad[0] = 4.0 * a * a * a - 12.0 * a - 0.5;
        grad[1] = b;
    }
    return a * a * a * a - 6.0 * a * a - 0.5 * a + 0.5 * b * b;
}

static double halfnorm_energy(const digs_potential *pot, const double *x,
                              double *grad)
{
    if (!(x[0] > 0.0)) {
        if (grad)
            grad[0] = NAN; /* unspecified: a sampler must not use it */
        return INFINITY;
    }
    if (grad)
        grad[0] = x[0];
    return 0.5 * x[0] * x[0];
}

enum { SPRING_N = 3, SPRING_D = 2 };

/* E = (1/2) sum_{i<j} |r_i - r_j|^2 = (n/2) sum_i |r_i - c|^2 with c the
 * centre of mass: on the zero-COM subspace ((n-1) D = 4 dimensions) an
 * isotropic Gaussian of variance 1/n, so E[sum_i |r_i|^2] = (n-1) D / n. */
static double springs_energy(const digs_potential *pot, const double *x,
                             double *grad)
{
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

static const digs_potential_ops gauss4_ops = {
    .name = "gauss4", .energy = gauss4_energy};
static const digs_potential_ops wellpair_ops = {
    .name = "wellpair", .energy = wellpair_energy};
static const digs_potential_ops halfnorm_ops = {
    .name = "halfnorm", .energy = halfnorm_energy};
static const digs_potential_ops springs_ops = {
    .name = "springs", .energy = springs_energy};

static const char *const total_term[] = {"total"};

static digs_potential make_pot(const digs_potential_ops *ops, int dim,
                               double kT, void *data)
{
    digs_potential pot = {0};
    pot.ops = ops;
    pot.dim = dim;
    pot.kT = kT;
    pot.angstrom = 1.0;
    pot.length_unit = "reduced";
    pot.energy_unit = "reduced";
    pot.n_terms = 1;
    pot.term_names = total_term;
    pot.data = data;
    return pot;
}

/* ---- driving a sampler ------------------------------------------------ */

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

/* Starting point of global chain `id`, from its own stream. */
typedef void (*init_fn)(const digs_potential *pot, long id, double *x);

/* Run chains [first, first + n) of n_global: start, `burn` sweeps, then
 * `keep` sweeps whose positions are returned as samples[(i keep + t) dim
 * + k] (caller frees).  The sampler keeps its counters. */
static double *run_chains(digs_sampler *s, long n_global, long first, int n,
                          init_fn init, long burn, long keep)
{
    const digs_potential *pot = s->pot;
    int dim = pot->dim;
    digs_chains *c;
    ck_assert_int_eq(digs_chains_create(&c, n_global, first, n, dim, 0),
                     DIGS_OK);
    for (int i = 0; i < n; i++)
        init(pot, first + i, c->x + (size_t)i * dim);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_OK);
    double *samples = malloc((size_t)n * keep * dim * sizeof *samples);
    ck_assert_ptr_nonnull(samples);
    for (long t = 0; t < burn + keep; t++) {
        ck_assert_int_eq(s->ops->sweep(s, c, (uint64_t)t), DIGS_OK);
        if (t < burn)
            continue;
        for (int i = 0; i < n; i++)
            memcpy(samples + ((size_t)i * keep + (t - burn)) * dim,
                   c->x + (size_t)i * dim, dim * sizeof *samples);
    }
    digs_chains_destroy(&c);
    return samples;
}

/* Mean of f over all chains and its standard error.  series is
 * [n_chains][n].  The error is sqrt(var_b tau_b / N_b) on block means of
 * BLOCK sweeps, tau_b from the chain-averaged ACF of the block means.
 * Blocking matters for HMC: its ACFs oscillate (antithetic trajectories),
 * and Sokal's window, which stops at the first M >= 5 tau(M), then stops
 * at M ~ 1 on a partial sum that is far too small (seen: tau = 0.09 where
 * the between-chain spread says ~1.2).  Block means average the
 * oscillation out and leave a positive ACF, where the window works.
 * *tau is the implied IAT in sweeps, B var_b tau_b / var. */
enum { BLOCK = 20 };

static void mean_and_se(const double *series, int n_chains, long n,
                        double *mean, double *se, double *tau)
{
    long nb = n / BLOCK;
    ck_assert_int_ge(nb, 2);
    size_t total = (size_t)n_chains * nb;
    double *blocks = malloc(total * sizeof *blocks);
    double sum = 0.0, var = 0.0, var_b = 0.0, tau_b;
    for (int c = 0; c < n_chains; c++)
        for (long b = 0; b < nb; b++) {
            double m = 0.0;
            for (long t = b * BLOCK; t < (b + 1) * BLOCK; t++)
                m += series[(size_t)c * n + t];
            blocks[(size_t)c * nb + b] = m / BLOCK;
            sum += m;
        }
    *mean = sum / ((double)total * BLOCK);
    for (int c = 0; c < n_chains; c++)
        for (long t = 0; t < nb * BLOCK; t++) {
            double d = series[(size_t)c * n + t] - *mean;
            var += d * d / ((double)total * BLOCK - 1);
        }
    for (size_t k = 0; k < total; k++)
        var_b += (blocks[k] - *mean) * (blocks[k] - *mean) / (total - 1);
    ck_assert_int_eq(digs_iat_chains(blocks, n_chains, nb, &tau_b), DIGS_OK);
    ck_assert(isfinite(tau_b) && tau_b > 0.0);
    *se = sqrt(var_b * tau_b / total);
    *tau = BLOCK * var_b * tau_b / var;
    free(blocks);
}

/* Standard error of the mean from the spread of the chain means: exact
 * for independent chains started in equilibrium, whatever the ACF. */
static double between_chain_se(const double *series, int n_chains, long n)
{
    double m = 0.0, v = 0.0;
    for (int c = 0; c < n_chains; c++) {
        double cm = 0.0;
        for (long t = 0; t < n; t++)
            cm += series[(size_t)c * n + t] / n;
        m += cm;
        v += cm * cm;
    }
    m /= n_chains;
    v = (v / n_chains - m * m) * n_chains / (n_chains - 1);
    return sqrt(v / n_chains);
}

/* Largest |z| of the 4 means and of the 10 covariance entries of gauss4
 * samples against mu and kT Sigma (the law of exp(-E/kT)).  Covariance
 * entries are means of the series (x_i - m_i)(x_j - m_j). */
static void gauss4_zscores(const double *samples, int n_chains, long n,
                           const gauss4 *g, double kT, double *z_mean,
                           double *z_cov)
{
    size_t total = (size_t)n_chains * n;
    double *series = malloc(total * sizeof *series);
    double m[GD], se, tau, tau_max = 0.0, lo = HUGE_VAL, hi = 0.0;
    *z_mean = *z_cov = 0.0;
    for (int i = 0; i < GD; i++) {
        for (size_t k = 0; k < total; k++)
            series[k] = samples[k * GD + i];
        mean_and_se(series, n_chains, n, &m[i], &se, &tau);
        *z_mean = fmax(*z_mean, fabs(m[i] - g->mu[i]) / se);
        tau_max = fmax(tau_max, tau);
        double r = se / between_chain_se(series, n_chains, n);
        lo = fmin(lo, r);
        hi = fmax(hi, r);
    }
    for (int i = 0; i < GD; i++)
        for (int j = i; j < GD; j++) {
            for (size_t k = 0; k < total; k++)
                series[k] = (samples[k * GD + i] - m[i]) *
                            (samples[k * GD + j] - m[j]);
            double c;
            mean_and_se(series, n_chains, n, &c, &se, &tau);
            *z_cov = fmax(*z_cov, fabs(c - kT * g->cov[i * GD + j]) / se);
            tau_max = fmax(tau_max, tau);
            double r = se / between_chain_se(series, n_chains, n);
            lo = fmin(lo, r);
            hi = fmax(hi, r);
        }
    printf("gauss4: max |z| mean %.2f, covariance %.2f, max tau %.1f, "
           "IAT/between-chain error ratio %.2f .. %.2f\n", *z_mean, *z_cov,
           tau_max, lo, hi);
    /* The error bars themselves: with >= 32 independent chains the
     * between-chain error is good to ~1/sqrt(2 x 31) = 13 %, so a ratio
     * outside [0.6, 1.6] (~4 of those sigmas) means the IAT is wrong and
     * the z-scores above would be meaningless. */
    ck_assert_double_ge(lo, 0.6);
    ck_assert_double_le(hi, 1.6);
    free(series);
}

/* Exact draw x = mu + sqrt(kT) L z (kT is in pot->kT). */
static void gauss4_exact(const digs_potential *pot, long id, double *x)
{
    const gauss4 *g = pot->data;
    digs_stream rng;
    digs_stream_init(&rng, 99, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    double z[GD];
    digs_stream_normals(&rng, GD, z);
    for (int i = 0; i < GD; i++) {
        x[i] = g->mu[i];
        for (int j = 0; j <= i; j++)
            x[i] += sqrt(pot->kT) * g->chol[i * GD + j] * z[j];
    }
}

/* Overdispersed start for the determinism and counter tests. */
static void gauss4_spread(const digs_potential *pot, long id, double *x)
{
    digs_stream rng;
    digs_stream_init(&rng, 5, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    for (int i = 0; i < pot->dim; i++)
        x[i] = 3.0 * digs_stream_normal(&rng);
}

START_TEST(test_gauss4_closed_forms)
{
    /* The test's own closed forms: Sigma Sigma^-1 = I, L L^T = Sigma. */
    gauss4 g;
    gauss4_init(&g);
    for (int i = 0; i < GD; i++)
        for (int j = 0; j < GD; j++) {
            double a = 0.0, b = 0.0;
            for (int k = 0; k < GD; k++) {
                a += g.cov[i * GD + k] * g.prec[k * GD + j];
                b += g.chol[i * GD + k] * g.chol[j * GD + k];
            }
            ck_assert_double_eq_tol(a, i == j, 1e-12);
            ck_assert_double_eq_tol(b, g.cov[i * GD + j], 1e-12);
        }
}
END_TEST

/* Precision eigenvalues of gauss4 span 0.20 .. 12.56 (condition 62).
 * MALA h = 0.05: h lambda_max = 0.63, acceptance 0.89, slowest IAT
 * ~ 1/(h lambda_min) ~ 100 steps; 64 x 20000 steps give >= 1e4
 * effective samples per statistic.  HMC eps = 0.25, L = 10: eps
 * omega_max = 0.89 (stable), and eps L omega = 1.1, 2.9, 3.8, 8.9 stays
 * away from multiples of 2 pi (no periodic non-ergodicity). */
static const char mala_deck[] = "[mala]\nstep_size = 0.05\n";
static const char hmc_deck[] = "[hmc]\nstep_size = 0.25\nleapfrog = 10\n";

static void check_gauss4(const char *method, const char *deck, double kT,
                         int n_chains, long keep)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, kT, &g);
    digs_sampler *s = make_sampler(method, deck, &pot, 1234);
    double *x = run_chains(s, n_chains, 0, n_chains, gauss4_exact, 200, keep);
    printf("%s kT = %g: acceptance %.3f\n", method, kT,
           (double)s->stats[0] / s->stats[1]);
    double z_mean, z_cov;
    gauss4_zscores(x, n_chains, keep, &g, kT, &z_mean, &z_cov);
    /* 14 statistics at 4 standard errors: a correct sampler fails with
     * probability ~ 14 x 6e-5 = 1e-3 (fixed seeds make it deterministic). */
    ck_assert_double_le(z_mean, 4.0);
    ck_assert_double_le(z_cov, 4.0);
    free(x);
    digs_sampler_destroy(&s);
}

START_TEST(test_mala_gauss4) { check_gauss4("mala", mala_deck, 1.0, 64, 20000); }
END_TEST

START_TEST(test_hmc_gauss4) { check_gauss4("hmc", hmc_deck, 1.0, 32, 10000); }
END_TEST

/* Temperature enters as U = E/kT: kT = 2 doubles the covariance. */
START_TEST(test_mala_gauss4_kT2)
{
    check_gauss4("mala", "[mala]\nstep_size = 0.1\nsteps = 2\n", 2.0, 32,
                 10000);
}
END_TEST

START_TEST(test_hmc_gauss4_kT05)
{
    check_gauss4("hmc", "[hmc]\nstep_size = 0.15\nleapfrog = 12\n", 0.5, 32,
                 5000);
}
END_TEST

/* Sensitivity: the same proposal without the MH correction (unadjusted
 * Langevin, ULA) at the same step, same streams, same statistics.  For a
 * Gaussian ULA's stationary variance along a precision eigenvector is
 * 1/(lambda (1 - h lambda / 2)): +46 % along lambda_max = 12.56 at
 * h = 0.05, which the covariance check must flag. */
START_TEST(test_ula_fails_gauss4)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, 1.0, &g);
    const int n_chains = 64;
    const long burn = 200, keep = 20000;
    const double h = 0.05;
    double *samples = malloc((size_t)n_chains * keep * GD * sizeof *samples);
    for (int i = 0; i < n_chains; i++) {
        double x[GD], grad[GD], xi[GD];
        gauss4_exact(&pot, i, x);
        for (long t = 0; t < burn + keep; t++) {
            digs_stream rng;
            digs_stream_init(&rng, 1234, (uint64_t)i, (uint64_t)t,
                             DIGS_RNG_MALA, 0);
            digs_stream_normals(&rng, GD, xi);
            gauss4_energy(&pot, x, grad);
            for (int k = 0; k < GD; k++)
                x[k] += -h * grad[k] + sqrt(2.0 * h) * xi[k];
            if (t >= burn)
                memcpy(samples + ((size_t)i * keep + t - burn) * GD, x,
                       sizeof x);
        }
    }
    double z_mean, z_cov;
    gauss4_zscores(samples, n_chains, keep, &g, 1.0, &z_mean, &z_cov);
    ck_assert_double_gt(z_cov, 8.0);
    free(samples);
}
END_TEST

/* ---- ManyWell pair ----------------------------------------------------- */

/* Exact draw (FAB DoubleWellEnergy.sample, REFERENCE.md §7.2): x1 by
 * rejection from q = 0.2 N(-1.7, 0.5^2) + 0.8 N(1.7, 0.5^2) with envelope
 * 3 Z1 (max p/q = 2.59 < 3), x2 ~ N(0, 1). */
static void wellpair_exact(const digs_potential *pot, long id, double *x)
{
    const double z1 = 11784.50927, sd = 0.5;
    digs_stream rng;
    digs_stream_init(&rng, 77, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    for (;;) {
        double mu = digs_stream_uniform(&rng) < 0.2 ? -1.7 : 1.7;
        double z = mu + sd * digs_stream_normal(&rng);
        double q = 0.0;
        for (int k = 0; k < 2; k++) {
            double m = k ? 1.7 : -1.7, w = k ? 0.8 : 0.2;
            q += w * exp(-0.5 * (z - m) * (z - m) / (sd * sd)) /
                 (sd * sqrt(2.0 * M_PI));
        }
        double u = digs_stream_uniform(&rng) * 3.0 * z1 * q;
        if (exp(-z * z * z * z + 6.0 * z * z + 0.5 * z) > u) {
            x[0] = z;
            break;
        }
    }
    x[1] = digs_stream_normal(&rng);
}

/* Well statistics of p(x1) ∝ exp(-x1^4 + 6 x1^2 + 0.5 x1) by Simpson's
 * rule on [-6, 6] (the density is < e^-900 at the ends): the normaliser
 * Z1, P(x1 > 0), and the mean and variance of x1 inside each well. */
typedef struct well_truth {
    double z1, p_pos, mean[2], var[2]; /* [0]: x1 > 0, [1]: x1 < 0 */
} well_truth;

static well_truth wellpair_quadrature(void)
{
    const int n = 24000; /* even; x = 0 is a node */
    const double a = -6.0, b = 6.0, dx = (b - a) / n;
    double m0[2] = {0, 0}, m1[2] = {0, 0}, m2[2] = {0, 0};
    for (int k = 0; k <= n; k++) {
        double x = a + k * dx;
        double w = (k == 0 || k == n) ? 1.0 : (k % 2 ? 4.0 : 2.0);
        double f = w * exp(-x * x * x * x + 6.0 * x * x + 0.5 * x) * dx / 3;
        /* x = 0 has density 1 against a peak of 2e4: it may go to either
         * side at this accuracy (error < 1e-8 relative). */
        int side = x > 0.0 ? 0 : 1;
        m0[side] += f;
        m1[side] += f * x;
        m2[side] += f * x * x;
    }
    well_truth t;
    t.z1 = m0[0] + m0[1];
    t.p_pos = m0[0] / t.z1;
    for (int s = 0; s < 2; s++) {
        t.mean[s] = m1[s] / m0[s];
        t.var[s] = m2[s] / m0[s] - t.mean[s] * t.mean[s];
    }
    return t;
}

/* Ratio estimator R = sum_c A_c / sum_c B_c over independent chains with
 * its delta-method standard error sqrt(sum (A_c - R B_c)^2 / (n(n-1)))
 * / mean(B). */
static double ratio_z(const double *a, const double *b, int n, double truth)
{
    double sa = 0.0, sb = 0.0;
    for (int c = 0; c < n; c++) {
        sa += a[c];
        sb += b[c];
    }
    double r = sa / sb, ss = 0.0;
    for (int c = 0; c < n; c++)
        ss += (a[c] - r * b[c]) * (a[c] - r * b[c]);
    double se = sqrt(ss / ((double)n * (n - 1))) / (sb / n);
    return (r - truth) / se;
}

/* Why this design: the 10 kT barrier between the wells (E(0) = 0 against
 * E(1.75) = -9.9) makes crossings rare for MALA and for unit-mass HMC, so
 * a single long chain would estimate P(x1 > 0) from its starting well.
 * Instead every chain starts from an exact draw; an invariant kernel keeps
 * every chain exactly distributed at every sweep, so chain averages are
 * unbiased and independent across chains, and the standard errors come
 * from the between-chain spread (honest whatever the mixing).  The
 * within-well means and variances test the MH ratio itself: a wrong ratio
 * biases the shape of each well (ULA at h = 0.02 would inflate the deep
 * well's variance by ~33 %), which local moves do measure. */
static void check_wellpair(const char *method, const char *deck,
                           int n_chains, long keep)
{
    well_truth truth = wellpair_quadrature();
    ck_assert_double_eq_tol(truth.z1, 11784.50927, 1e-4);
    ck_assert_double_eq_tol(truth.p_pos, 0.8443, 5e-5);

    digs_potential pot = make_pot(&wellpair_ops, 2, 1.0, NULL);
    digs_sampler *s = make_sampler(method, deck, &pot, 4321);
    double *x = run_chains(s, n_chains, 0, n_chains, wellpair_exact, 0, keep);

    /* Per-chain time averages: indicator, x2^2, and per well the
     * indicator, x1 and (x1 - mean_w)^2 restricted to the well. */
    double *pos = calloc(n_chains, sizeof *pos);
    double *x2sq = calloc(n_chains, sizeof *x2sq);
    double *ind[2], *first[2], *second[2];
    for (int w = 0; w < 2; w++) {
        ind[w] = calloc(n_chains, sizeof *ind[w]);
        first[w] = calloc(n_chains, sizeof *first[w]);
        second[w] = calloc(n_chains, sizeof *second[w]);
    }
    for (int c = 0; c < n_chains; c++)
        for (long t = 0; t < keep; t++) {
            const double *p = x + ((size_t)c * keep + t) * 2;
            int w = p[0] > 0.0 ? 0 : 1;
            double d = p[0] - truth.mean[w];
            pos[c] += (w == 0) / (double)keep;
            x2sq[c] += p[1] * p[1] / keep;
            ind[w][c] += 1.0 / keep;
            first[w][c] += p[0] / keep;
            second[w][c] += d * d / keep;
        }
    double m = 0.0, v = 0.0, q = 0.0, vq = 0.0;
    for (int c = 0; c < n_chains; c++) {
        m += pos[c] / n_chains;
        q += x2sq[c] / n_chains;
    }
    for (int c = 0; c < n_chains; c++) {
        v += (pos[c] - m) * (pos[c] - m) / (n_chains - 1);
        vq += (x2sq[c] - q) * (x2sq[c] - q) / (n_chains - 1);
    }
    double z_pos = (m - 0.8443) / sqrt(v / n_chains);
    double z_x2 = (q - 1.0) / sqrt(vq / n_chains);
    double z_mean[2], z_var[2];
    for (int w = 0; w < 2; w++) {
        z_mean[w] = ratio_z(first[w], ind[w], n_chains, truth.mean[w]);
        z_var[w] = ratio_z(second[w], ind[w], n_chains, truth.var[w]);
    }
    printf("%s wellpair: acceptance %.3f, P(x1>0) = %.4f +- %.4f, "
           "z: x2^2 %.2f, well mean %.2f %.2f, well var %.2f %.2f\n",
           method, (double)s->stats[0] / s->stats[1], m, sqrt(v / n_chains),
           z_x2, z_mean[0], z_mean[1], z_var[0], z_var[1]);
    ck_assert_double_le(fabs(z_pos), 4.0);
    ck_assert_double_le(fabs(z_x2), 4.0);
    for (int w = 0; w < 2; w++) {
        ck_assert_double_le(fabs(z_mean[w]), 4.0);
        ck_assert_double_le(fabs(z_var[w]), 4.0);
    }
    for (int w = 0; w < 2; w++) {
        free(ind[w]);
        free(first[w]);
        free(second[w]);
    }
    free(pos);
    free(x2sq);
    free(x);
    digs_sampler_destroy(&s);
}

/* Deep-well curvature E'' = 12 x^2 - 12 = 24.8 at x = 1.75: MALA h = 0.02
 * (h E'' = 0.5); HMC eps = 0.1 (eps omega = 0.5), L = 10. */
START_TEST(test_mala_wellpair)
{
    check_wellpair("mala", "[mala]\nstep_size = 0.02\n", 2000, 1000);
}
END_TEST

START_TEST(test_hmc_wellpair)
{
    check_wellpair("hmc", "[hmc]\nstep_size = 0.1\nleapfrog = 10\n", 2000,
                   300);
}
END_TEST

/* ---- non-finite energies, translation invariance ----------------------- */

static void halfnorm_start(const digs_potential *pot, long id, double *x)
{
    x[0] = 1.0 + 0.01 * id;
}

/* Half-normal: every proposal into x <= 0 has E = +inf and must be
 * rejected without touching its (NaN) gradient; the chain then samples
 * the half-normal, mean sqrt(2/pi). */
static void check_halfnorm(const char *method, const char *deck)
{
    digs_potential pot = make_pot(&halfnorm_ops, 1, 1.0, NULL);
    digs_sampler *s = make_sampler(method, deck, &pot, 8);
    const int n_chains = 32;
    const long keep = 4000;
    double *x = run_chains(s, n_chains, 0, n_chains, halfnorm_start, 200,
                           keep);
    for (size_t k = 0; k < (size_t)n_chains * keep; k++)
        ck_assert(x[k] > 0.0 && isfinite(x[k]));
    double mean, se, tau;
    mean_and_se(x, n_chains, keep, &mean, &se, &tau);
    printf("%s halfnorm: acceptance %.3f, mean %.4f +- %.4f (tau %.1f)\n",
           method, (double)s->stats[0] / s->stats[1], mean, se, tau);
    ck_assert_double_le(fabs(mean - sqrt(2.0 / M_PI)), 4.0 * se);
    free(x);
    digs_sampler_destroy(&s);
}

START_TEST(test_mala_rejects_infinite)
{
    check_halfnorm("mala", "[mala]\nstep_size = 0.5\n");
}
END_TEST

START_TEST(test_hmc_rejects_infinite)
{
    check_halfnorm("hmc", "[hmc]\nstep_size = 0.3\nleapfrog = 5\n");
}
END_TEST

static void springs_start(const digs_potential *pot, long id, double *x)
{
    digs_stream rng;
    digs_stream_init(&rng, 3, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    digs_stream_normals(&rng, pot->dim, x);
    digs_potential_centre(pot, x);
}

/* Centred chains stay centred (to rounding: the noise is projected and
 * grad E sums to zero per axis) and sample E[sum |r_i|^2] = 4/3.  Without
 * the translation_invariant flag the centre of mass diffuses freely,
 * which the same check detects. */
static void check_springs(const char *method, const char *deck)
{
    for (int invariant = 1; invariant >= 0; invariant--) {
        digs_potential pot = make_pot(&springs_ops, SPRING_N * SPRING_D,
                                      1.0, NULL);
        pot.n_particles = SPRING_N;
        pot.spatial_dim = SPRING_D;
        pot.translation_invariant = invariant;
        digs_sampler *s = make_sampler(method, deck, &pot, 21);
        const int n_chains = 16;
        const long keep = 4000;
        double *x = run_chains(s, n_chains, 0, n_chains, springs_start, 100,
                               keep);
        size_t total = (size_t)n_chains * keep;
        double *r2 = malloc(total * sizeof *r2);
        double com_max = 0.0;
        for (size_t k = 0; k < total; k++) {
            const double *p = x + k * SPRING_N * SPRING_D;
            r2[k] = 0.0;
            for (int a = 0; a < SPRING_D; a++) {
                double com = 0.0;
                for (int i = 0; i < SPRING_N; i++) {
                    com += p[i * SPRING_D + a] / SPRING_N;
                    r2[k] += p[i * SPRING_D + a] * p[i * SPRING_D + a];
                }
                com_max = fmax(com_max, fabs(com));
            }
        }
        if (invariant) {
            double mean, se, tau;
            mean_and_se(r2, n_chains, keep, &mean, &se, &tau);
            printf("%s springs: max |COM| %.2e, E[sum r^2] = %.4f +- %.4f\n",
                   method, com_max, mean, se);
            ck_assert_double_le(com_max, 1e-10);
            ck_assert_double_le(fabs(mean - 4.0 / 3.0), 4.0 * se);
        } else {
            ck_assert_double_gt(com_max, 1e-2);
        }
        free(r2);
        free(x);
        digs_sampler_destroy(&s);
    }
}

START_TEST(test_mala_translation_invariant)
{
    check_springs("mala", "[mala]\nstep_size = 0.05\n");
}
END_TEST

START_TEST(test_hmc_translation_invariant)
{
    check_springs("hmc", "[hmc]\nstep_size = 0.2\nleapfrog = 5\n");
}
END_TEST

/* ---- determinism, counters, errors ------------------------------------- */

/* Final positions of chains [first, first + n) of 10 after 50 sweeps. */
static double *final_positions(const char *method, const char *deck,
                               uint32_t seed, long first, int n)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, 1.0, &g);
    digs_sampler *s = make_sampler(method, deck, &pot, seed);
    double *x = run_chains(s, 10, first, n, gauss4_spread, 49, 1);
    digs_sampler_destroy(&s);
    return x;
}

static void check_determinism(const char *method, const char *deck)
{
    const size_t bytes = 10 * GD * sizeof(double);
    double *all = final_positions(method, deck, 17, 0, 10);
    double *again = final_positions(method, deck, 17, 0, 10);
    double *low = final_positions(method, deck, 17, 0, 4);
    double *high = final_positions(method, deck, 17, 4, 6);
    double *other = final_positions(method, deck, 18, 0, 10);
    ck_assert(memcmp(all, again, bytes) == 0);
    ck_assert(memcmp(all, low, 4 * GD * sizeof(double)) == 0);
    ck_assert(memcmp(all + 4 * GD, high, 6 * GD * sizeof(double)) == 0);
    ck_assert(memcmp(all, other, bytes) != 0);
    free(all);
    free(again);
    free(low);
    free(high);
    free(other);
}

START_TEST(test_mala_determinism)
{
    check_determinism("mala", "[mala]\nstep_size = 0.05\nsteps = 3\n");
}
END_TEST

START_TEST(test_hmc_determinism)
{
    check_determinism("hmc", "[hmc]\nstep_size = 0.2\nsteps = 2\n");
}
END_TEST

/* Counters: stats == sums of per-chain counts; proposals = chains x
 * sweeps x steps; gradients = chains (start) + proposals x (1 or L). */
static void check_counts(const char *method, const char *deck, int per_step,
                         long steps, double min_acceptance)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, 1.0, &g);
    digs_sampler *s = make_sampler(method, deck, &pot, 5);
    const int n = 7;
    const long sweeps = 300;
    digs_chains *c;
    ck_assert_int_eq(digs_chains_create(&c, 20, 3, n, GD, 0), DIGS_OK);
    for (int i = 0; i < n; i++)
        gauss4_exact(&pot, 3 + i, c->x + i * GD);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_OK);
    for (long t = 0; t < sweeps; t++)
        ck_assert_int_eq(s->ops->sweep(s, c, (uint64_t)t), DIGS_OK);
    int64_t acc = 0, prop = 0;
    for (int i = 0; i < n; i++) {
        acc += c->accepted[i];
        prop += c->proposed[i];
        ck_assert_int_eq(c->proposed[i], sweeps * steps);
        /* the cache is E and dE/dx at x */
        double grad[GD];
        ck_assert_double_eq(gauss4_energy(&pot, c->x + i * GD, grad),
                            c->energy[i]);
        for (int k = 0; k < GD; k++)
            ck_assert_double_eq(grad[k], c->grad[i * GD + k]);
    }
    ck_assert_int_eq(s->n_stats, 2);
    ck_assert_int_eq(s->stats[0], acc);
    ck_assert_int_eq(s->stats[1], prop);
    ck_assert_int_eq(prop, (int64_t)n * sweeps * steps);
    ck_assert_int_eq(s->n_grad, n + prop * per_step);
    ck_assert_int_eq(s->n_energy, 0);
    printf("%s small step: acceptance %.4f\n", method, (double)acc / prop);
    ck_assert_double_ge((double)acc / prop, min_acceptance);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
}

START_TEST(test_mala_counts)
{
    /* MALA rejection at small h is O(h^(3/2)) (Roberts & Rosenthal 1998);
     * at h = 1e-3, h lambda_max = 0.013: acceptance near 1. */
    check_counts("mala", "[mala]\nstep_size = 0.001\nsteps = 3\n", 1, 3,
                 0.99);
}
END_TEST

START_TEST(test_hmc_counts)
{
    /* Leapfrog energy error O(eps^2) per trajectory: eps = 0.01 keeps
     * |dH| ~ 1e-3, acceptance near 1. */
    check_counts("hmc", "[hmc]\nstep_size = 0.01\nleapfrog = 4\nsteps = 2\n",
                 4, 2, 0.99);
}
END_TEST

static void nan_start(const digs_potential *pot, long id, double *x)
{
    for (int i = 0; i < pot->dim; i++)
        x[i] = id == 5 ? NAN : 0.0;
}

static void check_start_error(const char *method, const char *deck)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, 1.0, &g);
    digs_sampler *s = make_sampler(method, deck, &pot, 5);
    digs_chains *c;
    ck_assert_int_eq(digs_chains_create(&c, 10, 3, 4, GD, 0), DIGS_OK);
    for (int i = 0; i < 4; i++)
        nan_start(&pot, 3 + i, c->x + i * GD);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_ERR_NUMERIC);
    ck_assert_msg(strstr(digs_error_message(),
                         "chain 5: energy at the starting point is not "
                         "finite (E = nan)"),
                  "message: %s", digs_error_message());
    digs_error_clear();
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
}

START_TEST(test_start_errors)
{
    check_start_error("mala", mala_deck);
    check_start_error("hmc", hmc_deck);
}
END_TEST

static int create_status(const char *method, const char *text)
{
    gauss4 g;
    gauss4_init(&g);
    digs_potential pot = make_pot(&gauss4_ops, GD, 1.0, &g);
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, text, "bad.ini"), DIGS_OK);
    digs_sampler *s = NULL;
    int status = digs_sampler_create_named(method, deck, &pot, 1, &s);
    ck_assert(status == DIGS_OK || s == NULL);
    digs_sampler_destroy(&s);
    digs_deck_destroy(&deck);
    digs_error_clear();
    return status;
}

START_TEST(test_deck_errors)
{
    ck_assert_int_eq(create_status("mala", "[mala]\nsteps = 2\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("mala", "[mala]\nstep_size = 0\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("mala", "[mala]\nstep_size = -1\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("mala", "[mala]\nstep_size = inf\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("mala",
                                   "[mala]\nstep_size = 0.1\nsteps = 0\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("hmc", "[hmc]\nleapfrog = 3\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("hmc",
                                   "[hmc]\nstep_size = 0.1\nleapfrog = 0\n"),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(create_status("hmc", "[hmc]\nstep_size = 0.1\n"),
                     DIGS_OK);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("mala_hmc");
    TCase *stat = tcase_create("statistics");
    tcase_set_timeout(stat, 120); /* sanitizer builds are ~10x slower */
    tcase_add_test(stat, test_gauss4_closed_forms);
    tcase_add_test(stat, test_mala_gauss4);
    tcase_add_test(stat, test_hmc_gauss4);
    tcase_add_test(stat, test_mala_gauss4_kT2);
    tcase_add_test(stat, test_hmc_gauss4_kT05);
    tcase_add_test(stat, test_ula_fails_gauss4);
    tcase_add_test(stat, test_mala_wellpair);
    tcase_add_test(stat, test_hmc_wellpair);
    tcase_add_test(stat, test_mala_rejects_infinite);
    tcase_add_test(stat, test_hmc_rejects_infinite);
    tcase_add_test(stat, test_mala_translation_invariant);
    tcase_add_test(stat, test_hmc_translation_invariant);
    suite_add_tcase(suite, stat);
    TCase *basic = tcase_create("contract");
    tcase_add_test(basic, test_mala_determinism);
    tcase_add_test(basic, test_hmc_determinism);
    tcase_add_test(basic, test_mala_counts);
    tcase_add_test(basic, test_hmc_counts);
    tcase_add_test(basic, test_start_errors);
    tcase_add_test(basic, test_deck_errors);
    suite_add_tcase(suite, basic);
    return digs_check_run(suite);
}
