/* MALA: Metropolis-adjusted Langevin algorithm (REFERENCE.md §3.4, §4.1;
 * Roberts & Tweedie, Bernoulli 2, 1996).
 *
 * Target U(x) = beta E(x).  Proposal x' = x - h grad U(x) + sqrt(2h) xi,
 * accepted if log u <= log A with
 *   log A = [-U(x') - |x - x' + h grad U(x')|^2/(4h)]
 *         - [-U(x)  - |x' - x + h grad U(x)|^2/(4h)].
 * The step size h is fixed ([mala] step_size); there is no adaptation.
 *
 * Deck ([mala]):
 *   step_size  h > 0, in (length unit)^2 per unit of U; required
 *   steps      MALA steps per sweep (default 1)
 *
 * Cache: chains->energy and chains->grad hold E and dE/dx at chains->x
 * between sweeps, so one step costs one energy+gradient evaluation. */
#include <stdlib.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/kernels.h"
#include "samplers/sampler.h"

typedef struct mala_data {
    double h;
    long steps;
    digs_kernel_target target;  /* U = beta E */
    digs_kernel_scratch scratch;
} mala_data;

static const char *const stat_names[] = {"mala"};

static void mala_destroy(digs_sampler *s)
{
    mala_data *d = s->data;
    if (!d)
        return;
    digs_kernel_scratch_free(&d->scratch);
    free(d);
    s->data = NULL;
}

static int mala_setup(digs_sampler *s, digs_deck *deck)
{
    mala_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    DIGS_CHECK(digs_deck_double(deck, "mala", "step_size", NULL, 0.0,
                                1e30, &d->h));
    if (!(d->h > 0.0))
        return digs_deck_reject(deck, "mala", "step_size",
                                "expected a step size > 0");
    DIGS_CHECK(digs_deck_long(deck, "mala", "steps", "1", 1, 1000000,
                              &d->steps));
    d->target = digs_kernel_plain(s->pot, s->beta);
    DIGS_CHECK(digs_kernel_scratch_create(&d->scratch, s->pot->dim));
    s->state_size = 0;
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2, stat_names));
    return DIGS_OK;
}

static int mala_start(digs_sampler *s, digs_chains *c)
{
    return digs_kernel_start_chains(s->pot, c, &s->n_grad);
}

/* Advance every local chain by `steps` MALA steps.  Step k of global chain
 * id draws from stream (seed, id, sweep, DIGS_RNG_MALA, k) only. */
static int mala_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    mala_data *d = s->data;
    int64_t accepted = 0, proposed = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t id = (uint64_t)(c->first + i);
        size_t off = (size_t)i * c->dim;
        for (long k = 0; k < d->steps; k++) {
            digs_stream rng;
            digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_MALA,
                             (uint32_t)k);
            int ok = digs_mala_step(&d->target, d->h, c->x + off,
                                    &c->energy[i], c->grad + off, &rng,
                                    &d->scratch, &s->n_grad);
            c->accepted[i] += ok;
            c->proposed[i]++;
            accepted += ok;
            proposed++;
        }
    }
    s->stats[0] += accepted;
    s->stats[1] += proposed;
    return DIGS_OK;
}

const digs_sampler_ops digs_sampler_mala = {
    .name = "mala",
    .summary = "Metropolis-adjusted Langevin, fixed step size",
    .setup = mala_setup,
    .start = mala_start,
    .sweep = mala_sweep,
    .adapt = NULL,
    .destroy = mala_destroy,
};
