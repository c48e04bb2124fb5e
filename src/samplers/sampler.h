/* Samplers: an ops table per method (mala, hmc, pt, digs).
 *
 * A sampler advances the chains of one rank by whole sweeps.  It never
 * prints or writes files and never calls MPI: it keeps integer statistics
 * (accepted/proposed pairs per level) that the driver sums over ranks and
 * hands back through `adapt`, so adaptation is identical on any rank
 * count.  Every random number comes from digs_stream named by
 * (seed, global chain id, sweep, purpose, substep). */
#ifndef DIGS_SAMPLERS_SAMPLER_H
#define DIGS_SAMPLERS_SAMPLER_H

#include <stdint.h>

#include "core/deck.h"
#include "potentials/potential.h"
#include "samplers/chains.h"

typedef struct digs_sampler digs_sampler;

typedef struct digs_sampler_ops {
    const char *name;    /* [run] method = NAME; its keys live in [NAME] */
    const char *summary;

    /* Read [NAME] keys; set state_size, n_stats and stat_names. */
    int (*setup)(digs_sampler *s, digs_deck *deck);

    /* Evaluate caches (energy, grad, state) at the chains' positions.
     * Called once after positions are set (fresh start, not on restart). */
    int (*start)(digs_sampler *s, digs_chains *c);

    /* Advance every local chain by one sweep (sweep numbers from 0). */
    int (*sweep)(digs_sampler *s, digs_chains *c, uint64_t sweep);

    /* Optional: adapt parameters from statistics summed over all ranks
     * since the previous call (same length as stats). */
    int (*adapt)(digs_sampler *s, const int64_t *pooled, uint64_t sweep);

    void (*destroy)(digs_sampler *s);
} digs_sampler_ops;

struct digs_sampler {
    const digs_sampler_ops *ops;
    const digs_potential *pot;
    uint32_t seed;
    double beta;        /* 1/kT in the potential's energy unit */
    int state_size;     /* per-chain doubles in digs_chains.state */
    int n_stats;        /* length of stats: (accepted, proposed) pairs */
    const char *const *stat_names; /* n_stats/2 names, e.g. "mala" */
    int64_t *stats;     /* local counts since the last exchange */
    int64_t n_energy;   /* energy-only evaluations on this rank */
    int64_t n_grad;     /* energy+gradient evaluations on this rank */

    /* Adaptable parameters (e.g. the step size of each level), identical
     * on every rank.  Together with the sweep number they are the whole
     * adaptation state: the driver records them in the trajectory
     * (/record_observables/<param_group>) and checkpoints and restores
     * them, so a sampler must not keep other adaptation state.  n_params
     * may be 0.  Allocate with digs_sampler_alloc_params. */
    int n_params;
    double *params;
    const char *param_group;        /* e.g. "step_size" */
    const char *const *param_names; /* n_params names, e.g. "alpha=0.1" */
    void *data;
};

/* Create the sampler named in [run] method and set it up from its section. */
int digs_sampler_create(digs_deck *deck, const digs_potential *pot,
                        uint32_t seed, digs_sampler **out);

int digs_sampler_create_named(const char *name, digs_deck *deck,
                              const digs_potential *pot, uint32_t seed,
                              digs_sampler **out);

void digs_sampler_destroy(digs_sampler **s);

/* Allocate s->stats for n_stats counters (setup helpers call this). */
int digs_sampler_alloc_stats(digs_sampler *s, int n_stats,
                             const char *const *stat_names);

/* Allocate s->params for n_params parameters (setup helpers call this). */
int digs_sampler_alloc_params(digs_sampler *s, int n_params,
                              const char *group,
                              const char *const *param_names);

const digs_sampler_ops *const *digs_sampler_registry(void);

#endif
