/* HMC: Hamiltonian Monte Carlo with unit mass (REFERENCE.md §4.2;
 * Duane et al., Phys. Lett. B 195, 1987; Neal, "MCMC using Hamiltonian
 * dynamics", 2011).
 *
 * Target U(x) = beta E(x), momentum p ~ N(0, I), H = U(x) + |p|^2/2.
 * Leapfrog with step eps and L steps: half momentum step, L - 1 full
 * (position, momentum) steps, final position step and half momentum step.
 * Accept if log u < -H(x', p') + H(x, p).  A non-finite energy anywhere
 * on the trajectory rejects the proposal.
 *
 * Deck ([hmc]):
 *   step_size  eps > 0, in length units at unit mass; required
 *   leapfrog   L >= 1 leapfrog steps per trajectory (default 10)
 *   steps      trajectories per sweep (default 1)
 *
 * Cache: chains->energy and chains->grad hold E and dE/dx at chains->x
 * between sweeps; a trajectory costs L energy+gradient evaluations. */
#include <stdlib.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/kernels.h"
#include "samplers/sampler.h"

typedef struct hmc_data {
    double eps;
    long leapfrog;
    long steps;
    digs_kernel_target target;  /* U = beta E */
    digs_kernel_scratch scratch;
} hmc_data;

static const char *const stat_names[] = {"hmc"};

static void hmc_destroy(digs_sampler *s)
{
    hmc_data *d = s->data;
    if (!d)
        return;
    digs_kernel_scratch_free(&d->scratch);
    free(d);
    s->data = NULL;
}

static int hmc_setup(digs_sampler *s, digs_deck *deck)
{
    hmc_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    DIGS_CHECK(digs_deck_double(deck, "hmc", "step_size", NULL, 0.0,
                                1e30, &d->eps));
    if (!(d->eps > 0.0))
        return digs_deck_reject(deck, "hmc", "step_size",
                                "expected a step size > 0");
    DIGS_CHECK(digs_deck_long(deck, "hmc", "leapfrog", "10", 1, 1000000,
                              &d->leapfrog));
    DIGS_CHECK(digs_deck_long(deck, "hmc", "steps", "1", 1, 1000000,
                              &d->steps));
    d->target = digs_kernel_plain(s->pot, s->beta);
    DIGS_CHECK(digs_kernel_scratch_create(&d->scratch, s->pot->dim));
    s->state_size = 0;
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2, stat_names));
    return DIGS_OK;
}

static int hmc_start(digs_sampler *s, digs_chains *c)
{
    return digs_kernel_start_chains(s->pot, c, &s->n_grad);
}

/* Advance every local chain by `steps` trajectories.  Trajectory k of
 * global chain id draws from stream (seed, id, sweep, DIGS_RNG_HMC, k). */
static int hmc_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    hmc_data *d = s->data;
    int64_t accepted = 0, proposed = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t id = (uint64_t)(c->first + i);
        size_t off = (size_t)i * c->dim;
        for (long k = 0; k < d->steps; k++) {
            digs_stream rng;
            digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_HMC,
                             (uint32_t)k);
            int ok = digs_hmc_step(&d->target, d->eps, d->leapfrog,
                                   c->x + off, &c->energy[i], c->grad + off,
                                   &rng, &d->scratch, &s->n_grad);
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

const digs_sampler_ops digs_sampler_hmc = {
    .name = "hmc",
    .summary = "Hamiltonian Monte Carlo, unit mass, fixed step size",
    .setup = hmc_setup,
    .start = hmc_start,
    .sweep = hmc_sweep,
    .adapt = NULL,
    .destroy = hmc_destroy,
};
