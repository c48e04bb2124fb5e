/* DiGS (src/samplers/digs.c, digs_moves.c, digs_schedule.c): statistical
 * tests against closed forms (REFERENCE.md §3.9), the Gibbs wiring with an
 * exact denoiser, invariance of the MH-corrected initialisation, an
 * end-to-end run on an unbalanced mixture, reproducibility across chain
 * blocks and through adaptation, cost accounting (§3.6), centring of
 * particle systems, temperature, deck keys and errors.
 *
 * Error bars: between-chain standard errors (independent chains, burnt
 * in) or blocked integrated autocorrelation times from analysis/autocorr.
 * z-score limits are 4.5 (two-sided p = 7e-6 per statistic) unless said. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/autocorr.h"
#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/potential.h"
#include "samplers/digs.h"
#include "samplers/digs_moves.h"
#include "samplers/digs_schedule.h"
#include "samplers/kernels.h"
#include "samplers/sampler.h"
#include "../check_run.h"

extern const digs_potential_ops digs_potential_mixture;

static const double z_max = 4.5;

/* ---- set-up helpers ---------------------------------------------------- */

static const char *const total_term[] = {"total"};

/* A registry potential from deck text (NULL: no deck).  `mixture` is
 * created by hand while the registry does not list it yet. */
static digs_potential *potential(const char *name, const char *text)
{
    digs_deck *deck = NULL;
    if (text)
        ck_assert_int_eq(digs_deck_parse(&deck, text, "pot.ini"), DIGS_OK);
    digs_potential *pot = NULL;
    int status = digs_potential_create_named(name, deck, &pot);
    if (status != DIGS_OK && strcmp(name, "mixture") == 0 &&
        strstr(digs_error_message(), "unknown potential")) {
        digs_error_clear();
        pot = calloc(1, sizeof *pot);
        ck_assert_ptr_nonnull(pot);
        pot->ops = &digs_potential_mixture;
        pot->kT = 1.0;
        pot->angstrom = 1.0;
        pot->length_unit = "reduced";
        pot->energy_unit = "reduced";
        pot->n_terms = 1;
        pot->term_names = total_term;
        status = pot->ops->setup(pot, deck);
    }
    ck_assert_msg(status == DIGS_OK, "%s: %s", name, digs_error_message());
    digs_deck_destroy(&deck);
    return pot;
}

static int digs_status(const char *text, const digs_potential *pot,
                       uint32_t seed, digs_sampler **out)
{
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, text, "digs.ini"), DIGS_OK);
    *out = NULL;
    int status = digs_sampler_create_named("digs", deck, pot, seed, out);
    if (status == DIGS_OK)
        status = digs_deck_check_unused(deck);
    if (status != DIGS_OK)
        digs_sampler_destroy(out);
    digs_deck_destroy(&deck);
    return status;
}

static digs_sampler *make_digs(const char *text, const digs_potential *pot,
                               uint32_t seed)
{
    digs_sampler *s;
    int status = digs_status(text, pot, seed, &s);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    return s;
}

typedef void (*init_fn)(const digs_potential *pot, long id, double *x);

static void zeros(const digs_potential *pot, long id, double *x)
{
    memset(x, 0, (size_t)pot->dim * sizeof *x);
}

/* Overdispersed start N(0, 9 I), centred for particle systems. */
static void spread(const digs_potential *pot, long id, double *x)
{
    digs_stream rng;
    digs_stream_init(&rng, 5, (uint64_t)id, 0, DIGS_RNG_INIT, 0);
    for (int i = 0; i < pot->dim; i++)
        x[i] = 3.0 * digs_stream_normal(&rng);
    if (pot->translation_invariant)
        digs_potential_centre(pot, x);
}

static digs_chains *make_chains(const digs_sampler *s, long n_global,
                                long first, int n, init_fn init)
{
    digs_chains *c;
    int dim = s->pot->dim;
    ck_assert_int_eq(digs_chains_create(&c, n_global, first, n, dim,
                                        s->state_size), DIGS_OK);
    for (int i = 0; i < n; i++)
        init(s->pot, first + i, c->x + (size_t)i * dim);
    return c;
}

/* Start, `burn` sweeps, then `keep` sweeps recorded into
 * out[(i keep + t) dim + k] (caller frees). */
static double *run(digs_sampler *s, int n, init_fn init, long burn,
                   long keep)
{
    int dim = s->pot->dim;
    digs_chains *c = make_chains(s, n, 0, n, init);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_OK);
    double *out = malloc((size_t)n * keep * dim * sizeof *out);
    ck_assert_ptr_nonnull(out);
    for (long t = 0; t < burn + keep; t++) {
        int status = s->ops->sweep(s, c, (uint64_t)t);
        ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
        if (t >= burn)
            for (int i = 0; i < n; i++)
                memcpy(out + ((size_t)i * keep + (t - burn)) * dim,
                       c->x + (size_t)i * dim, dim * sizeof *out);
    }
    digs_chains_destroy(&c);
    return out;
}

/* ---- statistics -------------------------------------------------------- */

/* Mean of series[c n + t] over chains and time, with the standard error
 * from the spread of the chain means (exact for independent chains in
 * equilibrium, whatever the autocorrelation). */
static double between_chain(const double *series, int n_chains, long n,
                            double *se)
{
    double m = 0.0, v = 0.0;
    for (int c = 0; c < n_chains; c++) {
        double cm = 0.0;
        for (long t = 0; t < n; t++)
            cm += series[(size_t)c * n + t];
        cm /= n;
        m += cm;
        v += cm * cm;
    }
    m /= n_chains;
    v = (v / n_chains - m * m) * n_chains / (n_chains - 1);
    *se = sqrt(fmax(v, 0.0) / n_chains);
    return m;
}

/* Same mean with an IAT-based error: block means of BLOCK steps, their
 * chain-averaged IAT tau_b (analysis/autocorr, Sokal window), se =
 * sqrt(var_b tau_b / blocks).  Blocking keeps the window estimator away
 * from oscillating ACFs (HMC) where it stops too early. */
enum { BLOCK = 20 };

static double iat_mean(const double *series, int n_chains, long n,
                       double *se)
{
    long nb = n / BLOCK;
    ck_assert_int_ge(nb, 50);
    size_t total = (size_t)n_chains * nb;
    double *blocks = malloc(total * sizeof *blocks);
    double sum = 0.0, var_b = 0.0, tau_b;
    for (int c = 0; c < n_chains; c++)
        for (long b = 0; b < nb; b++) {
            double m = 0.0;
            for (long t = b * BLOCK; t < (b + 1) * BLOCK; t++)
                m += series[(size_t)c * n + t];
            blocks[(size_t)c * nb + b] = m / BLOCK;
            sum += m / BLOCK;
        }
    double mean = sum / total;
    for (size_t k = 0; k < total; k++)
        var_b += (blocks[k] - mean) * (blocks[k] - mean) / (total - 1);
    ck_assert_int_eq(digs_iat_chains(blocks, n_chains, nb, &tau_b), DIGS_OK);
    ck_assert(isfinite(tau_b) && tau_b > 0.0);
    *se = sqrt(var_b * tau_b / total);
    free(blocks);
    return mean;
}

/* ---- Gaussian mixtures: closed forms of §3.9 ---------------------------- */

enum { MIX_K = 8, MIX_D = 4 };

typedef struct mix_spec {
    int k, dim;
    double w[MIX_K];          /* normalised */
    double mu[MIX_K][MIX_D];
    double s[MIX_K];
} mix_spec;

/* Responsibilities r_k(x) = w_k N(x; mu_k, s_k^2) / p(x); E_p[r_k] = w_k
 * exactly, so they estimate the mode weights without any boundary. */
static void responsibilities(const mix_spec *m, const double *x, double *r)
{
    double l[MIX_K], top = -INFINITY, sum = 0.0;
    for (int k = 0; k < m->k; k++) {
        double r2 = 0.0;
        for (int i = 0; i < m->dim; i++)
            r2 += (x[i] - m->mu[k][i]) * (x[i] - m->mu[k][i]);
        l[k] = log(m->w[k]) - m->dim * log(m->s[k]) -
               0.5 * r2 / (m->s[k] * m->s[k]);
        top = fmax(top, l[k]);
    }
    for (int k = 0; k < m->k; k++)
        sum += (r[k] = exp(l[k] - top));
    for (int k = 0; k < m->k; k++)
        r[k] /= sum;
}

/* Exact posterior p(x | x~) = sum_k pi_k N(m_k, V_k I) (§3.9):
 * pi_k ∝ w_k N(x~; alpha mu_k, (alpha^2 s_k^2 + sigma^2) I),
 * V_k = (1/s_k^2 + alpha^2/sigma^2)^-1, m_k = V_k (mu_k/s_k^2 + alpha
 * x~/sigma^2).  Fills pi, mean[k][i], var[k]. */
static void posterior(const mix_spec *m, double alpha, double sigma2,
                      const double *noisy, double *pi,
                      double mean[][MIX_D], double *var)
{
    double top = -INFINITY, sum = 0.0;
    for (int k = 0; k < m->k; k++) {
        double c = alpha * alpha * m->s[k] * m->s[k] + sigma2, r2 = 0.0;
        for (int i = 0; i < m->dim; i++)
            r2 += (noisy[i] - alpha * m->mu[k][i]) *
                  (noisy[i] - alpha * m->mu[k][i]);
        pi[k] = log(m->w[k]) - 0.5 * m->dim * log(c) - 0.5 * r2 / c;
        top = fmax(top, pi[k]);
        var[k] = 1.0 / (1.0 / (m->s[k] * m->s[k]) + alpha * alpha / sigma2);
        for (int i = 0; i < m->dim; i++)
            mean[k][i] = var[k] * (m->mu[k][i] / (m->s[k] * m->s[k]) +
                                   alpha * noisy[i] / sigma2);
    }
    for (int k = 0; k < m->k; k++)
        sum += (pi[k] = exp(pi[k] - top));
    for (int k = 0; k < m->k; k++)
        pi[k] /= sum;
}

static void posterior_draw(const mix_spec *m, double alpha, double sigma2,
                           const double *noisy, digs_stream *rng, double *x)
{
    double pi[MIX_K], mean[MIX_K][MIX_D], var[MIX_K];
    posterior(m, alpha, sigma2, noisy, pi, mean, var);
    double u = digs_stream_uniform(rng), cum = 0.0;
    int k = 0;
    for (; k < m->k - 1; k++)
        if (u <= (cum += pi[k]))
            break;
    for (int i = 0; i < m->dim; i++)
        x[i] = mean[k][i] + sqrt(var[k]) * digs_stream_normal(rng);
}

/* The test's denoiser: an exact draw from p(x | x~); records the first
 * calls' (alpha, precision) to check the sweep's wiring. */
typedef struct exact_ctx {
    const mix_spec *mix;
    double sigma_scale; /* 1: correct; else a deliberately wrong sigma */
    int n_seen;
    double seen_alpha[16], seen_precision[16];
} exact_ctx;

static int exact_denoiser(void *ctx, const digs_kernel_target *t, double *x,
                          double *e, double *grad, digs_stream *rng)
{
    exact_ctx *c = ctx;
    if (c->n_seen < 16) {
        c->seen_alpha[c->n_seen] = t->alpha;
        c->seen_precision[c->n_seen] = t->precision;
        c->n_seen++;
    }
    double sigma2 = c->sigma_scale / t->precision;
    posterior_draw(c->mix, t->alpha, sigma2, t->noisy, rng, x);
    *e = t->pot->ops->energy(t->pot, x, grad);
    return 1;
}

/* Write a mixture deck for a spec. */
static void mix_deck(const mix_spec *m, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[system]\ndim = %d\nweights =",
                                m->dim);
    for (int k = 0; k < m->k; k++)
        n += (size_t)snprintf(buf + n, size - n, " %.17g", m->w[k]);
    n += (size_t)snprintf(buf + n, size - n, "\nmeans =");
    for (int k = 0; k < m->k; k++)
        for (int i = 0; i < m->dim; i++)
            n += (size_t)snprintf(buf + n, size - n, " %.17g", m->mu[k][i]);
    n += (size_t)snprintf(buf + n, size - n, "\nscales =");
    for (int k = 0; k < m->k; k++)
        n += (size_t)snprintf(buf + n, size - n, " %.17g", m->s[k]);
    snprintf(buf + n, size - n, "\n");
}

/* Largest |z| of the mode weights (via responsibilities), the mean and
 * the second moments of mixture samples samples[(c n + t) dim + i]
 * against their exact values, with between-chain errors. */
static double mixture_zmax(const mix_spec *m, const double *samples,
                           int n_chains, long n, double *weights,
                           double *max_se)
{
    size_t total = (size_t)n_chains * n;
    double *series = malloc(total * sizeof *series), z = 0.0, se;
    *max_se = 0.0;
    for (int k = 0; k < m->k; k++) {
        for (size_t t = 0; t < total; t++) {
            double r[MIX_K];
            responsibilities(m, samples + t * m->dim, r);
            series[t] = r[k];
        }
        weights[k] = between_chain(series, n_chains, n, &se);
        z = fmax(z, fabs(weights[k] - m->w[k]) / se);
        *max_se = fmax(*max_se, se);
    }
    for (int i = 0; i < m->dim; i++)
        for (int p = 1; p <= 2; p++) {
            double exact = 0.0;
            for (int k = 0; k < m->k; k++)
                exact += m->w[k] * (p == 1 ? m->mu[k][i]
                                           : m->mu[k][i] * m->mu[k][i] +
                                                 m->s[k] * m->s[k]);
            for (size_t t = 0; t < total; t++)
                series[t] = pow(samples[t * m->dim + i], p);
            double est = between_chain(series, n_chains, n, &se);
            z = fmax(z, fabs(est - exact) / se);
        }
    free(series);
    return z;
}

/* ---- 1. the denoising step on a Gaussian target (§3.9) ---------------- */

/* gaussian potential N(mu, diag(s^2)), mu = (1, -2), s = (1, 2); level
 * alpha = 0.5 (sigma^2 = 0.75), fixed x~ = (2, 0.5).  Closed form per
 * coordinate: v = (1/s^2 + alpha^2/sigma^2)^-1 = (0.75, 1.714),
 * m = v (mu/s^2 + alpha x~/sigma^2) = (1.75, -0.2857): far from the prior
 * moments, so the test sees whether the Gaussian term is right.
 * One iteration = [MH init] + 5 MALA steps (h = 0.5, h lambda_max =
 * 0.67) or 1 HMC trajectory (eps = 0.4, L = 5), from exact starts. */
static void check_gauss_posterior(int mh, int hmc)
{
    digs_potential *pot = potential("gaussian", "[system]\ndim = 2\n"
                                    "mean = 1 -2\nscales = 1 2\n");
    const double alpha = 0.5, sigma2 = 1.0 - alpha * alpha;
    const double noisy[2] = {2.0, 0.5}, mu[2] = {1, -2}, s[2] = {1, 2};
    double v[2], m[2];
    for (int i = 0; i < 2; i++) {
        v[i] = 1.0 / (1.0 / (s[i] * s[i]) + alpha * alpha / sigma2);
        m[i] = v[i] * (mu[i] / (s[i] * s[i]) + alpha * noisy[i] / sigma2);
    }
    digs_kernel_target t = {.pot = pot, .beta = 1.0, .noisy = noisy,
                            .alpha = alpha, .precision = 1.0 / sigma2};
    digs_kernel_scratch w;
    ck_assert_int_eq(digs_kernel_scratch_create(&w, 2), DIGS_OK);
    const int n_chains = 16;
    const long n = 8000;
    double *series[4];
    for (int q = 0; q < 4; q++)
        series[q] = malloc((size_t)n_chains * n * sizeof(double));
    int64_t n_energy = 0, n_grad = 0, acc = 0, prop = 0, init_acc = 0;
    for (int c = 0; c < n_chains; c++) {
        double x[2], g[2], xp[2];
        digs_stream rng;
        digs_stream_init(&rng, 7, (uint64_t)c, 0, DIGS_RNG_TEST, 0);
        for (int i = 0; i < 2; i++)
            x[i] = m[i] + sqrt(v[i]) * digs_stream_normal(&rng);
        double e = pot->ops->energy(pot, x, g);
        for (long it = 0; it < n; it++) {
            if (mh) {
                digs_stream_init(&rng, 7, (uint64_t)c, (uint64_t)it,
                                 DIGS_RNG_DIGS_INIT, 0);
                init_acc += digs_mh_init(&t, x, &e, g, xp, &rng, &n_energy,
                                         &n_grad);
            }
            for (int k = 0; k < (hmc ? 1 : 5); k++) {
                digs_stream_init(&rng, 7, (uint64_t)c, (uint64_t)it,
                                 DIGS_RNG_MALA, (uint32_t)k);
                acc += hmc ? digs_hmc_step(&t, 0.4, 5, x, &e, g, &rng, &w,
                                           &n_grad)
                           : digs_mala_step(&t, 0.5, x, &e, g, &rng, &w,
                                            &n_grad);
                prop++;
            }
            size_t at = (size_t)c * n + it;
            for (int i = 0; i < 2; i++) {
                series[i][at] = x[i];
                series[2 + i][at] = (x[i] - m[i]) * (x[i] - m[i]);
            }
        }
    }
    double z = 0.0;
    for (int q = 0; q < 4; q++) {
        double se, est = iat_mean(series[q], n_chains, n, &se);
        double exact = q < 2 ? m[q] : v[q - 2];
        printf("  %s%s: %s[%d] = %.4f +- %.4f (exact %.4f)\n",
               mh ? "MH init + " : "", hmc ? "HMC" : "MALA",
               q < 2 ? "mean" : "var", q % 2, est, se, exact);
        z = fmax(z, fabs(est - exact) / se);
        /* the errors are small against the prior-posterior gap (>= 0.75
         * in the means), so a missing likelihood term cannot pass */
        ck_assert_double_le(se, 0.05);
        free(series[q]);
    }
    printf("  inner acceptance %.3f, MH-init acceptance %.3f, max |z| %.2f\n",
           (double)acc / prop, mh ? (double)init_acc / (n_chains * n) : 0.0,
           z);
    ck_assert_double_le(z, z_max);
    digs_kernel_scratch_free(&w);
    digs_potential_destroy(&pot);
}

START_TEST(test_gauss_posterior_mala) { check_gauss_posterior(0, 0); }
END_TEST
START_TEST(test_gauss_posterior_mh_mala) { check_gauss_posterior(1, 0); }
END_TEST
START_TEST(test_gauss_posterior_mh_hmc) { check_gauss_posterior(1, 1); }
END_TEST

/* ---- 2. the Gibbs wiring with an exact denoiser ---------------------- */

static const mix_spec mix3 = {
    .k = 3, .dim = 2,
    .w = {0.6, 0.3, 0.1},
    .mu = {{-4, 0}, {4, 1}, {0, 6}},
    .s = {1.0, 0.7, 1.3},
};

/* The sampler's sweep with the exact posterior of §3.9 as its inner step
 * is an exact Gibbs sampler of p(x, x~) at every level, so the chain must
 * reproduce the mixture's weights and moments exactly.  A wrong noising
 * (e.g. sigma^2 != 1 - alpha^2), a wrong level order or stale x~ would
 * break the joint; a denoiser for a different sigma (the negative
 * control) must fail the same check. */
static double run_exact_gibbs(double sigma_scale, exact_ctx *ctx,
                              double *weights)
{
    char text[1024];
    mix_deck(&mix3, text, sizeof text);
    digs_potential *pot = potential("mixture", text);
    digs_sampler *s = make_digs("[digs]\nalphas = 0.2 0.5 0.8\n"
                                "gibbs_sweeps = 2\nmala_steps = 1\n"
                                "step_size = 0.1\n", pot, 3);
    memset(ctx, 0, sizeof *ctx);
    ctx->mix = &mix3;
    ctx->sigma_scale = sigma_scale;
    ck_assert_int_eq(digs_sampler_digs_set_denoiser(s, exact_denoiser, ctx),
                     DIGS_OK);
    const int n_chains = 32;
    const long keep = 1500;
    double *x = run(s, n_chains, zeros, 20, keep), max_se;
    double z = mixture_zmax(&mix3, x, n_chains, keep, weights, &max_se);
    printf("exact Gibbs (sigma x %.2f): weights %.4f %.4f %.4f (exact 0.6 "
           "0.3 0.1), max se %.4f, max |z| %.2f\n",
           sqrt(sigma_scale), weights[0], weights[1], weights[2], max_se, z);
    ck_assert_double_le(max_se, 0.01);
    free(x);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
    return z;
}

START_TEST(test_exact_gibbs)
{
    exact_ctx ctx;
    double weights[3];
    ck_assert_double_le(run_exact_gibbs(1.0, &ctx, weights), z_max);
    /* wiring: levels noisiest first, gibbs_sweeps calls per level,
     * precision 1/(1 - alpha^2) */
    static const double order[6] = {0.2, 0.2, 0.5, 0.5, 0.8, 0.8};
    ck_assert_int_eq(ctx.n_seen, 16);
    for (int k = 0; k < 6; k++) {
        ck_assert(ctx.seen_alpha[k] == order[k]);
        ck_assert_double_eq_tol(ctx.seen_precision[k],
                                1.0 / (1.0 - order[k] * order[k]), 1e-15);
    }
    /* negative control: a denoiser assuming sigma^2 x 0.5 */
    ck_assert_double_gt(run_exact_gibbs(0.5, &ctx, weights), 2 * z_max);
}
END_TEST

/* ---- 3. the MH initialisation leaves p(x | x~) invariant ------------- */

/* 1-D mixture 0.7 N(-2, 0.6^2) + 0.3 N(3, 1); alpha = 0.3, x~ = 0.2: the
 * posterior is bimodal (pi = 0.69 / 0.31) and differs from the proposal
 * N(x~/alpha, sigma^2/alpha^2) = N(0.67, 3.18^2), so the MH step does
 * real work (acceptance ~0.36).  N = 1e5 exact posterior draws, three
 * MH-init moves each (fresh streams), then a chi-square against the
 * exact posterior over 40 equiprobable bins (df = 39; the 1 - 1e-5
 * quantile is 88.6). */
static const mix_spec mix1 = {
    .k = 2, .dim = 1, .w = {0.7, 0.3}, .mu = {{-2}, {3}}, .s = {0.6, 1.0}};

static double post_cdf(const double *pi, double mean[][MIX_D],
                       const double *var, int k, double x)
{
    double c = 0.0;
    for (int j = 0; j < k; j++)
        c += pi[j] * 0.5 * erfc(-(x - mean[j][0]) / sqrt(2.0 * var[j]));
    return c;
}

enum { CHI_BINS = 40 };

/* Chi-square of samples[0..n) against the posterior over CHI_BINS
 * equiprobable bins (edges by bisection of the exact CDF). */
static double chi_square(const double *pi, double mean[][MIX_D],
                         const double *var, int k, const double *x, long n)
{
    double edge[CHI_BINS - 1];
    for (int b = 1; b < CHI_BINS; b++) {
        double lo = -100, hi = 100, p = (double)b / CHI_BINS;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (post_cdf(pi, mean, var, k, mid) < p)
                lo = mid;
            else
                hi = mid;
        }
        edge[b - 1] = 0.5 * (lo + hi);
    }
    long count[CHI_BINS] = {0};
    for (long t = 0; t < n; t++) {
        int b = 0;
        while (b < CHI_BINS - 1 && x[t] >= edge[b])
            b++;
        count[b]++;
    }
    double chi = 0.0, expect = (double)n / CHI_BINS;
    for (int b = 0; b < CHI_BINS; b++)
        chi += (count[b] - expect) * (count[b] - expect) / expect;
    return chi;
}

START_TEST(test_mh_init_invariance)
{
    char text[512];
    mix_deck(&mix1, text, sizeof text);
    digs_potential *pot = potential("mixture", text);
    const double alpha = 0.3, sigma2 = 1.0 - alpha * alpha, noisy = 0.2;
    double pi[MIX_K], mean[MIX_K][MIX_D], var[MIX_K];
    posterior(&mix1, alpha, sigma2, &noisy, pi, mean, var);
    digs_kernel_target t = {.pot = pot, .beta = 1.0, .noisy = &noisy,
                            .alpha = alpha, .precision = 1.0 / sigma2};
    const long n = 100000;
    double *x = malloc(n * sizeof *x), *q = malloc(n * sizeof *q);
    int64_t n_energy = 0, n_grad = 0, accepted = 0;
    for (long i = 0; i < n; i++) {
        digs_stream rng;
        digs_stream_init(&rng, 11, (uint64_t)i, 0, DIGS_RNG_TEST, 0);
        posterior_draw(&mix1, alpha, sigma2, &noisy, &rng, &x[i]);
        double g, e = pot->ops->energy(pot, &x[i], &g), xp;
        for (uint32_t r = 0; r < 3; r++) {
            digs_stream_init(&rng, 11, (uint64_t)i, 1, DIGS_RNG_DIGS_INIT, r);
            int ok = digs_mh_init(&t, &x[i], &e, &g, &xp, &rng, &n_energy,
                                  &n_grad);
            accepted += ok;
            if (r == 0)
                q[i] = xp; /* the raw proposal, for the power check */
            if (ok) /* cache invariant: E and dE/dx at the new x */
                ck_assert(e == pot->ops->energy(pot, &x[i], NULL));
        }
    }
    double chi = chi_square(pi, mean, var, 2, x, n);
    double chi_q = chi_square(pi, mean, var, 2, q, n);
    printf("MH init: posterior pi = %.3f %.3f, acceptance %.3f, chi2 %.1f "
           "(df 39), raw proposals chi2 %.0f\n", pi[0], pi[1],
           (double)accepted / (3.0 * n), chi, chi_q);
    ck_assert_double_le(chi, 88.6);
    /* power: the proposal alone is far from the posterior */
    ck_assert_double_ge(chi_q, 1000.0);
    /* both branches are exercised */
    ck_assert_double_ge((double)accepted / (3.0 * n), 0.05);
    ck_assert_double_le((double)accepted / (3.0 * n), 0.95);
    /* one energy per move, one gradient per acceptance */
    ck_assert_int_eq(n_energy, 3 * n);
    ck_assert_int_eq(n_grad, accepted);
    free(x);
    free(q);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- 4. end to end: unbalanced modes -------------------------------- */

static const mix_spec mix_unbalanced = {
    .k = 3, .dim = 2,
    .w = {0.8, 0.15, 0.05},
    .mu = {{-5, 0}, {5, 0}, {0, 8}},
    .s = {1.0, 0.8, 0.6},
};

static double run_unbalanced(int mh_init, double *weights, double *max_se)
{
    char text[1024], deck[512];
    mix_deck(&mix_unbalanced, text, sizeof text);
    digs_potential *pot = potential("mixture", text);
    snprintf(deck, sizeof deck,
             "[digs]\nalphas = 0.1 0.3\ngibbs_sweeps = 10\nmala_steps = 5\n"
             "step_size = 0.3\nmh_init = %s\n", mh_init ? "yes" : "no");
    digs_sampler *s = make_digs(deck, pot, 4);
    const int n_chains = 32;
    const long keep = 1000;
    double *x = run(s, n_chains, zeros, 100, keep);
    double z = mixture_zmax(&mix_unbalanced, x, n_chains, keep, weights,
                            max_se);
    printf("unbalanced, mh_init = %s: weights %.4f %.4f %.4f (exact 0.8 0.15 "
           "0.05), max se %.4f, max |z| %.1f\n", mh_init ? "yes" : "no",
           weights[0], weights[1], weights[2], *max_se, z);
    free(x);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
    return z;
}

START_TEST(test_unbalanced_modes)
{
    double w[3], se;
    double z = run_unbalanced(1, w, &se);
    ck_assert_double_le(z, z_max);
    /* power: errors small enough to tell 0.05 from 0 and 0.8 from 1/3 */
    ck_assert_double_le(se, 0.0125);
    run_unbalanced(0, w, &se); /* reported, not asserted */
}
END_TEST

/* ---- 5. reproducibility --------------------------------------------- */

static const char deck_mala[] =
    "[digs]\nalphas = 0.2 0.6 0.9\ngibbs_sweeps = 3\nmala_steps = 2\n"
    "step_size = 0.05 0.04 0.02\n";
static const char deck_hmc[] =
    "[digs]\nlevels = 2\nalpha_min = 0.3\nalpha_max = 0.8\ninner = hmc\n"
    "hmc_steps = 2\nleapfrog = 4\nstep_size = 0.05\n";
static const char deck_auto[] =
    "[digs]\nalphas = 0.2 0.6 0.9\ngibbs_sweeps = 2\nmala_steps = 2\n"
    "step_size = auto\nstep_size_init = 0.3\nadapt_until = 40\n";

/* Final positions of chains [first, first + n) of 10 after 30 sweeps. */
static double *final_positions(const char *deck, const digs_potential *pot,
                               uint32_t seed, long first, int n)
{
    digs_sampler *s = make_digs(deck, pot, seed);
    digs_chains *c = make_chains(s, 10, first, n, spread);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_OK);
    for (uint64_t t = 0; t < 30; t++)
        ck_assert_int_eq(s->ops->sweep(s, c, t), DIGS_OK);
    size_t bytes = (size_t)n * pot->dim * sizeof(double);
    double *x = malloc(bytes);
    memcpy(x, c->x, bytes);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
    return x;
}

static void check_blocks(const char *deck, const digs_potential *pot)
{
    size_t d = (size_t)pot->dim * sizeof(double);
    double *all = final_positions(deck, pot, 17, 0, 10);
    double *low = final_positions(deck, pot, 17, 0, 4);
    double *high = final_positions(deck, pot, 17, 4, 6);
    double *other = final_positions(deck, pot, 18, 0, 10);
    ck_assert(memcmp(all, low, 4 * d) == 0);
    ck_assert(memcmp(all + 4 * pot->dim, high, 6 * d) == 0);
    ck_assert(memcmp(all, other, 10 * d) != 0);
    free(all);
    free(low);
    free(high);
    free(other);
}

START_TEST(test_block_independence)
{
    digs_potential *gauss = potential("gaussian", "[system]\ndim = 3\n"
                                      "correlation = 0.5\n");
    digs_potential *dw4 = potential("dw4", NULL);
    check_blocks(deck_mala, gauss);
    check_blocks(deck_hmc, gauss);
    check_blocks(deck_mala, dw4);
    check_blocks(deck_hmc, dw4);
    digs_potential_destroy(&gauss);
    digs_potential_destroy(&dw4);
}
END_TEST

/* The driver's loop on `ranks` blocks of 10 chains: sweeps, and every
 * `every` sweeps the stats summed over blocks handed to each block's
 * adapt (cmd_run.c's exchange).  Returns the final positions; params of
 * block 0 at sweep 40 and at the end go to p40 / p_end. */
static double *simulate_driver(const char *deck, const digs_potential *pot,
                               int ranks, const long *first,
                               const int *count, double *p40, double *p_end)
{
    enum { MAXR = 4, SWEEPS = 80, EVERY = 10 };
    digs_sampler *s[MAXR];
    digs_chains *c[MAXR];
    for (int r = 0; r < ranks; r++) {
        s[r] = make_digs(deck, pot, 23);
        c[r] = make_chains(s[r], 10, first[r], count[r], spread);
        ck_assert_int_eq(s[r]->ops->start(s[r], c[r]), DIGS_OK);
    }
    int n_stats = s[0]->n_stats, n_params = s[0]->n_params;
    int64_t pooled[64];
    ck_assert_int_le(n_stats, 64);
    for (uint64_t t = 0; t < SWEEPS; t++) {
        for (int r = 0; r < ranks; r++)
            ck_assert_int_eq(s[r]->ops->sweep(s[r], c[r], t), DIGS_OK);
        if ((t + 1) % EVERY)
            continue;
        memset(pooled, 0, sizeof pooled);
        for (int r = 0; r < ranks; r++)
            for (int k = 0; k < n_stats; k++) {
                pooled[k] += s[r]->stats[k];
                s[r]->stats[k] = 0;
            }
        for (int r = 0; r < ranks; r++)
            ck_assert_int_eq(s[r]->ops->adapt(s[r], pooled, t + 1), DIGS_OK);
        if (t + 1 == 40)
            memcpy(p40, s[0]->params, n_params * sizeof *p40);
    }
    memcpy(p_end, s[0]->params, n_params * sizeof *p_end);
    double *x = malloc(10 * pot->dim * sizeof *x), *at = x;
    for (int r = 0; r < ranks; r++) {
        for (int k = 0; k < n_params; k++) /* identical on every rank */
            ck_assert(s[r]->params[k] == p_end[k]);
        memcpy(at, c[r]->x, (size_t)count[r] * pot->dim * sizeof *x);
        at += (size_t)count[r] * pot->dim;
        digs_chains_destroy(&c[r]);
        digs_sampler_destroy(&s[r]);
    }
    return x;
}

START_TEST(test_adaptation_reproducible)
{
    digs_potential *pot = potential("gaussian", "[system]\ndim = 3\n"
                                    "scales = 0.3 1 2\n");
    const long f1[1] = {0}, f2[2] = {0, 4}, f3[3] = {0, 3, 7};
    const int n1[1] = {10}, n2[2] = {4, 6}, n3[3] = {3, 4, 3};
    double a40[3], a_end[3], b40[3], b_end[3], c40[3], c_end[3];
    double *a = simulate_driver(deck_auto, pot, 1, f1, n1, a40, a_end);
    double *b = simulate_driver(deck_auto, pot, 2, f2, n2, b40, b_end);
    double *c = simulate_driver(deck_auto, pot, 3, f3, n3, c40, c_end);
    ck_assert(memcmp(a, b, 10 * pot->dim * sizeof *a) == 0);
    ck_assert(memcmp(a, c, 10 * pot->dim * sizeof *a) == 0);
    ck_assert(memcmp(a_end, b_end, sizeof a_end) == 0);
    ck_assert(memcmp(a_end, c_end, sizeof a_end) == 0);
    printf("adapted step sizes at sweep 40: %.4g %.4g %.4g\n", a40[0], a40[1],
           a40[2]);
    for (int l = 0; l < 3; l++) {
        ck_assert(a40[l] != 0.3);       /* it adapted ... */
        ck_assert(a_end[l] == a40[l]);  /* ... and froze after sweep 40 */
    }
    free(a);
    free(b);
    free(c);
    digs_potential_destroy(&pot);
}
END_TEST

/* adapt() is a pure function of (pooled, params, sweep). */
START_TEST(test_adapt_rule)
{
    digs_potential *pot = potential("gaussian", NULL);
    digs_sampler *s = make_digs("[digs]\nalphas = 0.2 0.5 0.9\n"
                                "step_size_init = 0.1 0.2 0.4\n"
                                "target_acceptance = 0.6\nadapt_until = 100\n",
                                pot, 1);
    digs_sampler *twin = make_digs("[digs]\nalphas = 0.2 0.5 0.9\n"
                                   "step_size_init = 0.1 0.2 0.4\n"
                                   "target_acceptance = 0.6\n"
                                   "adapt_until = 100\n", pot, 99);
    ck_assert_int_eq(s->n_params, 3);
    ck_assert_int_eq(s->n_stats, 12);
    /* per level (init acc, init prop, mala acc, mala prop); the init
     * counts must not matter */
    int64_t pooled[12] = {5, 1000, 700, 1000,   /* a = 0.7: grow */
                          999, 1000, 100, 1000, /* a = 0.1: shrink, clip */
                          0, 0, 0, 0};          /* no proposals: keep */
    ck_assert_int_eq(s->ops->adapt(s, pooled, 100), DIGS_OK);
    ck_assert_int_eq(twin->ops->adapt(twin, pooled, 100), DIGS_OK);
    ck_assert_double_eq_tol(s->params[0], 0.1 * exp(2.0 * 0.1), 1e-15);
    ck_assert_double_eq_tol(s->params[1], 0.2 * 0.5, 1e-15);
    ck_assert(s->params[2] == 0.4);
    for (int l = 0; l < 3; l++)
        ck_assert(s->params[l] == twin->params[l]);
    double before[3];
    memcpy(before, s->params, sizeof before);
    ck_assert_int_eq(s->ops->adapt(s, pooled, 101), DIGS_OK); /* frozen */
    ck_assert(memcmp(before, s->params, sizeof before) == 0);
    ck_assert_str_eq(s->param_group, "step_size");
    ck_assert_str_eq(s->param_names[1], "alpha=0.5");
    digs_sampler_destroy(&s);
    digs_sampler_destroy(&twin);

    /* a fixed step size never changes */
    s = make_digs("[digs]\nstep_size = 0.25\n", pot, 1);
    int64_t p[4] = {0, 10, 10, 10};
    ck_assert_int_eq(s->ops->adapt(s, p, 1), DIGS_OK);
    ck_assert(s->params[0] == 0.25);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- 6. cost accounting (§3.6) ----------------------------------------- */

/* Per chain and Gibbs sweep this implementation evaluates 1 energy (E(x')
 * of the MH init; E(x) is cached), 1 energy+gradient if the init was
 * accepted, and M (MALA) or M L (HMC) energy+gradients; plus one
 * energy+gradient per chain at start.  The reference code's count would
 * be 2 energies + 1 gradient + M per Gibbs sweep. */
static void check_costs(const char *deck, int mh, long per_inner)
{
    digs_potential *pot = potential("gaussian", "[system]\ndim = 2\n"
                                    "correlation = 0.3\n");
    digs_sampler *s = make_digs(deck, pot, 5);
    const int n = 5;
    const long sweeps = 7, L = 3, G = 4, M = 3;
    digs_chains *c = make_chains(s, 12, 3, n, spread);
    ck_assert_int_eq(s->ops->start(s, c), DIGS_OK);
    for (uint64_t t = 0; t < (uint64_t)sweeps; t++)
        ck_assert_int_eq(s->ops->sweep(s, c, t), DIGS_OK);
    int per = mh ? 2 : 1;
    ck_assert_int_eq(s->n_stats, 2 * per * L);
    int64_t init_acc = 0, last_acc = 0;
    for (int l = 0; l < L; l++) {
        const int64_t *st = s->stats + 2 * per * l;
        if (mh) {
            ck_assert_int_eq(st[1], n * sweeps * G);
            init_acc += st[0];
        }
        ck_assert_int_eq(st[2 * per - 1], n * sweeps * G * M);
        if (l == L - 1)
            last_acc = st[2 * per - 2];
    }
    ck_assert_int_eq(s->n_energy, mh ? n * sweeps * L * G : 0);
    ck_assert_int_eq(s->n_grad, n + init_acc + n * sweeps * L * G * M *
                                                    per_inner);
    int64_t chain_acc = 0;
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(c->proposed[i], sweeps * G * M); /* last level */
        chain_acc += c->accepted[i];
        double g[2], e = pot->ops->energy(pot, c->x + 2 * i, g);
        ck_assert(e == c->energy[i]); /* the cache is E and dE/dx at x */
        ck_assert(g[0] == c->grad[2 * i] && g[1] == c->grad[2 * i + 1]);
    }
    ck_assert_int_eq(chain_acc, last_acc);
    if (mh)
        ck_assert_int_gt(init_acc, 0);
    digs_chains_destroy(&c);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}

START_TEST(test_costs)
{
    check_costs("[digs]\nalphas = 0.3 0.6 0.9\ngibbs_sweeps = 4\n"
                "mala_steps = 3\nstep_size = 0.1\n", 1, 1);
    check_costs("[digs]\nalphas = 0.3 0.6 0.9\ngibbs_sweeps = 4\n"
                "mala_steps = 3\nstep_size = 0.1\nmh_init = no\n", 0, 1);
    check_costs("[digs]\nalphas = 0.3 0.6 0.9\ngibbs_sweeps = 4\n"
                "inner = hmc\nhmc_steps = 3\nleapfrog = 6\n"
                "step_size = 0.1\n", 1, 6);
}
END_TEST

/* ---- 7. particle systems, temperature -------------------------------- */

/* DW-4 (translation invariant): centred starts stay centred to rounding
 * through noising, MH init and MALA (all noise is centred). */
START_TEST(test_centring)
{
    digs_potential *pot = potential("dw4", NULL);
    digs_sampler *s = make_digs("[digs]\nalphas = 0.3 0.7\n"
                                "gibbs_sweeps = 2\nmala_steps = 3\n"
                                "step_size = 0.01\n", pot, 2);
    const int n = 8;
    double *x = run(s, n, spread, 0, 200), com_max = 0.0;
    for (long t = 0; t < n * 200; t++)
        for (int a = 0; a < 2; a++) {
            double com = 0.0;
            for (int p = 0; p < 4; p++)
                com += x[t * 8 + 2 * p + a] / 4;
            com_max = fmax(com_max, fabs(com));
        }
    printf("dw4: max |centre of mass| %.2e, MH-init acceptance %.3f\n",
           com_max, (double)s->stats[0] / s->stats[1]);
    ck_assert_double_le(com_max, 1e-12);
    ck_assert_int_gt(s->stats[0], 0); /* some inits accepted */
    free(x);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

/* kT = 2 on N(mu, diag(1, 4)): DiGS samples N(mu, diag(2, 8)); beta
 * enters U and the MH init.  IAT-based errors (4 statistics). */
START_TEST(test_temperature)
{
    digs_potential *pot = potential("gaussian", "[system]\ndim = 2\n"
                                    "mean = 1 -2\nscales = 1 2\n");
    pot->kT = 2.0;
    digs_sampler *s = make_digs("[digs]\nalphas = 0.3 0.7\nmala_steps = 3\n"
                                "step_size = 0.5\n", pot, 6);
    ck_assert_double_eq(s->beta, 0.5);
    const int n = 16;
    const long keep = 4000;
    double *x = run(s, n, zeros, 100, keep);
    const double mu[2] = {1, -2}, var[2] = {2, 8};
    double *series = malloc((size_t)n * keep * sizeof *series), z = 0.0;
    for (int q = 0; q < 4; q++) {
        int i = q % 2;
        for (size_t t = 0; t < (size_t)n * keep; t++) {
            double d = x[2 * t + i] - mu[i];
            series[t] = q < 2 ? x[2 * t + i] : d * d;
        }
        double se, est = iat_mean(series, n, keep, &se);
        z = fmax(z, fabs(est - (q < 2 ? mu[i] : var[i])) / se);
        if (q >= 2) /* tells var 2 s^2 from s^2 */
            ck_assert_double_le(se, 0.1 * var[i]);
    }
    printf("kT = 2: max |z| %.2f\n", z);
    ck_assert_double_le(z, z_max);
    free(series);
    free(x);
    digs_sampler_destroy(&s);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- 8. deck keys and errors ---------------------------------------- */

START_TEST(test_schedule_and_names)
{
    digs_potential *pot = potential("gaussian", NULL);
    /* no schedule keys: linspace(0.1, 0.9, 1) = [0.1], as the reference */
    digs_sampler *s = make_digs("[digs]\nstep_size = 0.1\n", pot, 1);
    ck_assert_int_eq(s->n_params, 1);
    ck_assert_int_eq(s->n_stats, 4);
    ck_assert_str_eq(s->stat_names[0], "a0.1/init");
    ck_assert_str_eq(s->stat_names[1], "a0.1/mala");
    ck_assert_str_eq(s->param_names[0], "alpha=0.1");
    digs_sampler_destroy(&s);

    /* levels = 5: numpy.linspace(0.1, 0.9, 5) */
    s = make_digs("[digs]\nlevels = 5\ninner = hmc\nmh_init = no\n", pot, 1);
    ck_assert_int_eq(s->n_params, 5);
    ck_assert_int_eq(s->n_stats, 10);
    ck_assert_str_eq(s->stat_names[1], "a0.3/hmc");
    ck_assert_str_eq(s->param_names[3], "alpha=0.7");
    for (int l = 0; l < 5; l++) /* auto: step_size_init everywhere */
        ck_assert(s->params[l] == 0.01);
    digs_sampler_destroy(&s);

    /* levels that agree in 6 digits get as many more as set them apart */
    s = make_digs("[digs]\nalphas = 0.5 0.9999999 0.99999995\n", pot, 1);
    ck_assert_str_eq(s->param_names[0], "alpha=0.5");
    ck_assert_str_eq(s->param_names[1], "alpha=0.9999999");
    ck_assert_str_eq(s->param_names[2], "alpha=0.99999995");
    ck_assert_str_eq(s->stat_names[5], "a0.99999995/mala");
    digs_sampler_destroy(&s);

    double a[5];
    digs_schedule_linspace(0.1, 0.9, 5, a);
    for (int l = 0; l < 4; l++)
        ck_assert(a[l] == 0.1 + l * 0.2);
    ck_assert(a[4] == 0.9);
    digs_schedule sch = {0};
    ck_assert_int_eq(digs_schedule_set(&sch, 5, a), DIGS_OK);
    ck_assert_double_eq_tol(sch.sigma[0], 0.99498743710662, 1e-13);
    ck_assert_double_eq_tol(sch.sigma[4], 0.43588989435407, 1e-13);
    digs_schedule_free(&sch);
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(test_deck_errors)
{
    digs_potential *pot = potential("gaussian", NULL);
    static const char *const bad[] = {
        "[digs]\nalphas = 0.5 0.3\n",                 /* not increasing */
        "[digs]\nalphas = 0.2 0.2\n",
        "[digs]\nalphas = 0 0.5\n",                    /* alpha = 0 */
        "[digs]\nalphas = 0.5 1\n",                    /* alpha = 1 */
        "[digs]\nalphas = 0.5\nlevels = 2\n",          /* both forms */
        "[digs]\nlevels = 3\nalpha_min = 0.5\nalpha_max = 0.5\n",
        "[digs]\nlevels = 2\nalpha_min = 0\n",
        "[digs]\nalphas = 0.2 0.5\nstep_size = 0.1 0.2 0.3\n",
        "[digs]\nstep_size = 0\n",
        "[digs]\nstep_size = fast\n",
        "[digs]\ntarget_acceptance = 1\n",
        "[digs]\nstep_size = 0.1\ntarget_acceptance = 0.5\n", /* unused */
        "[digs]\nleapfrog = 5\n",                      /* mala: unused */
        "[digs]\ninner = langevin\n",
        "[digs]\ngibbs_sweeps = 0\n",
        "[digs]\nmala_steps = 0\n",
        "[digs]\nmh_init = maybe\n",
        "[digs]\nstep_size_init = 0.1 0.2\n",          /* 1 level */
        "[digs]\ngibbs_sweeps = 100000\nmala_steps = 100000\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        digs_sampler *s;
        int status = digs_status(bad[i], pot, 1, &s);
        ck_assert_msg(status == DIGS_ERR_INPUT, "deck %zu: status %d", i,
                      status);
        ck_assert_msg(strstr(digs_error_message(), "digs.ini:"),
                      "deck %zu: message without file: %s", i,
                      digs_error_message());
        ck_assert_ptr_null(s);
        digs_error_clear();
    }
    /* the hook refuses other samplers */
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, "[mala]\nstep_size = 1\n", "x"),
                     DIGS_OK);
    digs_sampler *m;
    ck_assert_int_eq(digs_sampler_create_named("mala", deck, pot, 1, &m),
                     DIGS_OK);
    ck_assert_int_eq(digs_sampler_digs_set_denoiser(m, exact_denoiser, NULL),
                     DIGS_ERR_INTERNAL);
    digs_error_clear();
    digs_sampler_destroy(&m);
    digs_deck_destroy(&deck);
    digs_potential_destroy(&pot);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("digs");
    TCase *stat = tcase_create("statistics");
    tcase_set_timeout(stat, 120); /* sanitizer builds are ~10x slower */
    tcase_add_test(stat, test_gauss_posterior_mala);
    tcase_add_test(stat, test_gauss_posterior_mh_mala);
    tcase_add_test(stat, test_gauss_posterior_mh_hmc);
    tcase_add_test(stat, test_exact_gibbs);
    tcase_add_test(stat, test_mh_init_invariance);
    tcase_add_test(stat, test_unbalanced_modes);
    tcase_add_test(stat, test_temperature);
    suite_add_tcase(suite, stat);
    TCase *basic = tcase_create("contract");
    tcase_set_timeout(basic, 60);
    tcase_add_test(basic, test_block_independence);
    tcase_add_test(basic, test_adaptation_reproducible);
    tcase_add_test(basic, test_adapt_rule);
    tcase_add_test(basic, test_costs);
    tcase_add_test(basic, test_centring);
    tcase_add_test(basic, test_schedule_and_names);
    tcase_add_test(basic, test_deck_errors);
    suite_add_tcase(suite, basic);
    return digs_check_run(suite);
}
