/* DiGS: Diffusive Gibbs Sampling (Chen et al., ICML 2024; REFERENCE.md §3)
 * with a multi-level noise schedule and optional step-size adaptation.
 *
 * One sweep is one cycle over the levels alpha_1 < ... < alpha_T (the
 * noisiest first, §3.5).  At each level, `gibbs_sweeps` Gibbs sweeps of
 *   1. noising        x~ = alpha x + sigma eps, sigma^2 = 1 - alpha^2 (§3.1)
 *   2. MH init        x' = x~/alpha + (sigma/alpha) xi, accepted if
 *                     log u <= beta (E(x) - E(x'))              (§3.3)
 *   3. denoising      `mala_steps` MALA steps (or `hmc_steps` HMC
 *                     trajectories) on U(x) = beta E(x) + |x~ - alpha x|^2
 *                     / (2 sigma^2)                       (§3.2, §3.4)
 * The state after the last (least noisy) level is the sweep's sample.
 *
 * Deck ([digs]; doc/digs.md has the full reference):
 *   alphas | levels, alpha_min, alpha_max   the schedule (digs_schedule.h)
 *   gibbs_sweeps  Gibbs sweeps per level per sweep          (default 1)
 *   inner         mala | hmc                                (default mala)
 *   mala_steps    MALA steps per Gibbs sweep (inner = mala) (default 5)
 *   hmc_steps     HMC trajectories per Gibbs sweep          (default 1)
 *   leapfrog      leapfrog steps per trajectory (inner = hmc, default 10)
 *   mh_init       yes | no: the MH-corrected initialisation (default yes)
 *   step_size     auto | h | h_1 ... h_T  (MALA h or leapfrog eps)
 *   step_size_init     auto: first h, one or T numbers      (default 0.01)
 *   target_acceptance  auto: inner acceptance aimed at
 *                      (default 0.574 MALA, 0.651 HMC)
 *   adapt_until        auto: last sweep that adapts         (default 1000)
 *
 * Streams: Gibbs sweep g of level l of a driver sweep has the index
 * j = l G + g; its noise comes from (seed, chain, sweep, DIGS_NOISE, j),
 * its MH init from (..., DIGS_INIT, j), inner step m from (..., MALA or
 * HMC, j M + m).  A chain's numbers depend only on (seed, chain, sweep).
 *
 * Statistics, per level: (init accepted, proposed) when mh_init = yes,
 * then (inner accepted, proposed).  chains->accepted/proposed count the
 * inner moves of the last level only: the acceptance of the kernel that
 * produced the recorded sample.
 *
 * Adaptation (step_size = auto): every exchange with sweep <= adapt_until
 * multiplies each level's h by exp(2 (a - target)), clipped to [1/2, 2],
 * where a is that level's pooled inner acceptance of the interval.  It
 * reads only the pooled integers, the params and the sweep number, so it
 * is identical on every rank count and after a restart. */
#include "samplers/digs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "samplers/digs_moves.h"
#include "samplers/digs_schedule.h"

enum { INNER_MALA = 0, INNER_HMC = 1 };
enum { LABEL_LEN = 32 };

/* Multiplicative step-size rule: gain and per-exchange clip. */
static const double adapt_gain = 2.0;
static const double adapt_max_factor = 2.0;

typedef struct digs_data {
    digs_schedule sched;
    double *precision;    /* [T] 1 / sigma_t^2 */
    long gibbs_sweeps;    /* G */
    long inner_steps;     /* M: MALA steps or HMC trajectories */
    long leapfrog;        /* HMC only */
    int inner;            /* INNER_MALA | INNER_HMC */
    int mh_init;          /* 1: MH-corrected initialisation */
    int adaptive;         /* 1: step_size = auto */
    double target;        /* target inner acceptance (auto) */
    long adapt_until;     /* last sweep number that adapts (auto) */
    int project;          /* translation-invariant particle system */
    int pairs_per_level;  /* 2 with mh_init, else 1 */

    char (*stat_label)[LABEL_LEN];
    char (*param_label)[LABEL_LEN];
    const char **stat_names;
    const char **param_names;

    double *noisy;        /* [dim] x~ of the current Gibbs sweep */
    double *x_prop;       /* [dim] MH-init proposal */
    digs_kernel_scratch scratch;

    digs_denoiser_fn hook; /* test hook replacing the inner steps */
    void *hook_ctx;
} digs_data;

static void digs_destroy(digs_sampler *s)
{
    digs_data *d = s->data;
    if (!d)
        return;
    digs_schedule_free(&d->sched);
    free(d->precision);
    free(d->stat_label);
    free(d->param_label);
    free(d->stat_names);
    free(d->param_names);
    free(d->noisy);
    free(d->x_prop);
    digs_kernel_scratch_free(&d->scratch);
    free(d);
    s->data = NULL;
}

/* Expand 1 or T numbers of a deck list into T numbers. */
static int per_level(digs_deck *deck, const char *key, const double *v,
                     int count, int n, double *out)
{
    if (count != 1 && count != n) {
        char reason[128];
        snprintf(reason, sizeof reason,
                 "expected one number or one per level (%d levels)", n);
        return digs_deck_reject(deck, "digs", key, reason);
    }
    for (int i = 0; i < n; i++)
        out[i] = count == 1 ? v[0] : v[i];
    return DIGS_OK;
}

/* Read step_size (and, for auto, the adaptation keys) into s->params. */
static int read_step_sizes(digs_sampler *s, digs_deck *deck, digs_data *d)
{
    const int n = d->sched.n;
    const char *text;
    DIGS_CHECK(digs_deck_string(deck, "digs", "step_size", "auto", &text));
    d->adaptive = strcmp(text, "auto") == 0;
    const char *key = d->adaptive ? "step_size_init" : "step_size";
    double *v = NULL;
    int count;
    DIGS_CHECK(digs_deck_doubles(deck, "digs", key,
                                 d->adaptive ? "0.01" : NULL, 0.0, 1e30, &v,
                                 &count));
    int status = per_level(deck, key, v, count, n, s->params);
    free(v);
    DIGS_CHECK(status);
    for (int i = 0; i < n; i++)
        if (!(s->params[i] > 0.0))
            return digs_deck_reject(deck, "digs", key,
                                    "expected step sizes > 0");
    if (!d->adaptive)
        return DIGS_OK;
    DIGS_CHECK(digs_deck_double(deck, "digs", "target_acceptance",
                                d->inner == INNER_MALA ? "0.574" : "0.651",
                                0.0, 1.0, &d->target));
    if (!(d->target > 0.0 && d->target < 1.0))
        return digs_deck_reject(deck, "digs", "target_acceptance",
                                "expected an acceptance strictly between 0 "
                                "and 1");
    DIGS_CHECK(digs_deck_long(deck, "digs", "adapt_until", "1000", 0,
                              4294967295L, &d->adapt_until));
    return DIGS_OK;
}

/* The fewest significant digits, at least %g's 6, that print every level
 * differently and strictly inside (0, 1), as the levels are (they are
 * strictly increasing, so 17 digits always do). */
static int label_digits(const double *alpha, int n)
{
    for (int digits = 6; digits < 17; digits++) {
        int ok = 1;
        char prev[LABEL_LEN], now[LABEL_LEN];
        for (int l = 0; l < n && ok; l++) {
            snprintf(now, sizeof now, "%.*g", digits, alpha[l]);
            double back = strtod(now, NULL);
            ok = back > 0 && back < 1 && (l == 0 || strcmp(now, prev) != 0);
            memcpy(prev, now, sizeof prev);
        }
        if (ok)
            return digits;
    }
    return 17;
}

/* Stat names "a<alpha>/init", "a<alpha>/mala" and param names
 * "alpha=<alpha>", with 6 significant digits (linspace's
 * 0.30000000000000004 prints 0.3) or as many more as keep the levels'
 * names apart (0.9999999 and 0.99999995). */
static int make_names(digs_sampler *s, digs_data *d)
{
    const int n = d->sched.n, pairs = n * d->pairs_per_level;
    const char *inner = d->inner == INNER_MALA ? "mala" : "hmc";
    const int digits = label_digits(d->sched.alpha, n);
    DIGS_CALLOC(d->stat_label, pairs);
    DIGS_CALLOC(d->stat_names, pairs);
    DIGS_CALLOC(d->param_label, n);
    DIGS_CALLOC(d->param_names, n);
    for (int l = 0; l < n; l++) {
        double a = d->sched.alpha[l];
        snprintf(d->param_label[l], LABEL_LEN, "alpha=%.*g", digits, a);
        d->param_names[l] = d->param_label[l];
        int p = l * d->pairs_per_level;
        if (d->mh_init) {
            snprintf(d->stat_label[p], LABEL_LEN, "a%.*g/init", digits, a);
            d->stat_names[p] = d->stat_label[p];
            p++;
        }
        snprintf(d->stat_label[p], LABEL_LEN, "a%.*g/%s", digits, a,
                 inner);
        d->stat_names[p] = d->stat_label[p];
    }
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2 * pairs, d->stat_names));
    DIGS_CHECK(digs_sampler_alloc_params(s, n, "step_size", d->param_names));
    return DIGS_OK;
}

static int digs_setup(digs_sampler *s, digs_deck *deck)
{
    digs_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    const int dim = s->pot->dim;
    DIGS_CHECK(digs_schedule_read(deck, "digs", &d->sched));
    const int n = d->sched.n;
    DIGS_CHECK(digs_deck_long(deck, "digs", "gibbs_sweeps", "1", 1, 1000000,
                              &d->gibbs_sweeps));
    static const char *const inners[] = {"mala", "hmc", NULL};
    DIGS_CHECK(digs_deck_choice(deck, "digs", "inner", "mala", inners,
                                &d->inner));
    if (d->inner == INNER_MALA) {
        DIGS_CHECK(digs_deck_long(deck, "digs", "mala_steps", "5", 1, 1000000,
                                  &d->inner_steps));
    } else {
        DIGS_CHECK(digs_deck_long(deck, "digs", "hmc_steps", "1", 1, 1000000,
                                  &d->inner_steps));
        DIGS_CHECK(digs_deck_long(deck, "digs", "leapfrog", "10", 1, 1000000,
                                  &d->leapfrog));
    }
    DIGS_CHECK(digs_deck_bool(deck, "digs", "mh_init", "yes", &d->mh_init));
    /* Inner-step substeps j M + m must fit the stream's 32-bit index. */
    if ((double)n * d->gibbs_sweeps * d->inner_steps > 4294967295.0)
        return digs_deck_reject(deck, "digs", "gibbs_sweeps",
                                "levels x gibbs_sweeps x inner steps must "
                                "stay below 2^32 per sweep");
    d->pairs_per_level = d->mh_init ? 2 : 1;
    DIGS_CHECK(make_names(s, d));
    DIGS_CHECK(read_step_sizes(s, deck, d));

    DIGS_CALLOC(d->precision, n);
    for (int l = 0; l < n; l++)
        d->precision[l] = 1.0 / (d->sched.sigma[l] * d->sched.sigma[l]);
    d->project = s->pot->translation_invariant && s->pot->n_particles > 0;
    DIGS_CALLOC(d->noisy, dim);
    DIGS_CALLOC(d->x_prop, dim);
    DIGS_CHECK(digs_kernel_scratch_create(&d->scratch, dim));
    s->state_size = 0;
    return DIGS_OK;
}

static int digs_start(digs_sampler *s, digs_chains *c)
{
    return digs_kernel_start_chains(s->pot, c, &s->n_grad);
}

/* One inner move on target t with step h, from stream substep `sub`. */
static int inner_step(digs_sampler *s, digs_data *d,
                      const digs_kernel_target *t, double h, uint64_t id,
                      uint64_t sweep, uint32_t sub, double *x, double *e,
                      double *grad)
{
    digs_stream rng;
    if (d->inner == INNER_MALA || d->hook) {
        digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_MALA, sub);
        if (d->hook)
            return d->hook(d->hook_ctx, t, x, e, grad, &rng);
        return digs_mala_step(t, h, x, e, grad, &rng, &d->scratch,
                              &s->n_grad);
    }
    digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_HMC, sub);
    return digs_hmc_step(t, h, d->leapfrog, x, e, grad, &rng, &d->scratch,
                         &s->n_grad);
}

/* Advance every local chain by one cycle over the levels. */
static int digs_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    digs_data *d = s->data;
    const int n_levels = d->sched.n;
    const long G = d->gibbs_sweeps, M = d->inner_steps;
    digs_kernel_target t = {
        .pot = s->pot,
        .beta = s->beta,
        .noisy = d->noisy,
        .project = d->project,
    };
    for (int i = 0; i < c->n; i++) {
        const uint64_t id = (uint64_t)(c->first + i);
        const size_t off = (size_t)i * c->dim;
        double *x = c->x + off, *e = &c->energy[i], *grad = c->grad + off;
        for (int l = 0; l < n_levels; l++) {
            t.alpha = d->sched.alpha[l];
            t.precision = d->precision[l];
            const double h = s->params[l];
            int64_t *init = s->stats + 2 * l * d->pairs_per_level;
            int64_t *inner = init + 2 * (d->pairs_per_level - 1);
            int64_t accepted = 0;
            for (long g = 0; g < G; g++) {
                const uint32_t j = (uint32_t)(l * G + g);
                digs_stream rng;
                digs_stream_init(&rng, s->seed, id, sweep,
                                 DIGS_RNG_DIGS_NOISE, j);
                digs_forward_noise(&t, x, d->noisy, &rng);
                if (d->mh_init) {
                    digs_stream_init(&rng, s->seed, id, sweep,
                                     DIGS_RNG_DIGS_INIT, j);
                    init[0] += digs_mh_init(&t, x, e, grad, d->x_prop, &rng,
                                            &s->n_energy, &s->n_grad);
                    init[1]++;
                }
                for (long m = 0; m < M; m++) {
                    int ok = inner_step(s, d, &t, h, id, sweep,
                                        (uint32_t)(j * M + m), x, e, grad);
                    if (ok < 0)
                        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                                         "DiGS: the inner sampler failed on "
                                         "chain %llu",
                                         (unsigned long long)id);
                    accepted += ok;
                }
            }
            inner[0] += accepted;
            inner[1] += G * M;
            if (l == n_levels - 1) {
                c->accepted[i] += accepted;
                c->proposed[i] += G * M;
            }
        }
    }
    return DIGS_OK;
}

/* h_l <- h_l exp(2 (a_l - target)), factor clipped to [1/2, 2], for every
 * level with proposals in the interval, while sweep <= adapt_until. */
static int digs_adapt(digs_sampler *s, const int64_t *pooled, uint64_t sweep)
{
    digs_data *d = s->data;
    if (!d->adaptive || sweep > (uint64_t)d->adapt_until)
        return DIGS_OK;
    for (int l = 0; l < d->sched.n; l++) {
        const int64_t *inner =
            pooled + 2 * (l * d->pairs_per_level + d->pairs_per_level - 1);
        if (inner[1] <= 0)
            continue;
        double a = (double)inner[0] / (double)inner[1];
        double f = exp(adapt_gain * (a - d->target));
        f = fmin(adapt_max_factor, fmax(1.0 / adapt_max_factor, f));
        s->params[l] *= f;
    }
    return DIGS_OK;
}

int digs_sampler_digs_set_denoiser(digs_sampler *s, digs_denoiser_fn fn,
                                   void *ctx)
{
    if (!s || s->ops != &digs_sampler_digs || !s->data)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "digs_sampler_digs_set_denoiser: not a DiGS "
                         "sampler");
    digs_data *d = s->data;
    d->hook = fn;
    d->hook_ctx = fn ? ctx : NULL;
    return DIGS_OK;
}

int digs_sampler_digs_levels(const digs_sampler *s, digs_level_info *out)
{
    if (!s || s->ops != &digs_sampler_digs || !s->data)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "digs_sampler_digs_levels: not a DiGS sampler");
    const digs_data *d = s->data;
    out->n = d->sched.n;
    out->alpha = d->sched.alpha;
    out->sigma = d->sched.sigma;
    out->inner_mala = d->inner == INNER_MALA;
    out->adaptive = d->adaptive;
    out->adapt_until = d->adapt_until;
    out->pairs_per_level = d->pairs_per_level;
    return DIGS_OK;
}

const digs_sampler_ops digs_sampler_digs = {
    .name = "digs",
    .summary = "Diffusive Gibbs sampling: multi-level noising, MH-corrected "
               "initialisation, MALA/HMC denoising",
    .setup = digs_setup,
    .start = digs_start,
    .sweep = digs_sweep,
    .adapt = digs_adapt,
    .destroy = digs_destroy,
};
