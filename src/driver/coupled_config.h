/* The [coupled] section of a coupled DiGS + DiKL deck (doc/coupled.md,
 * doc/deck.md).  Read after [run], [output], the sampler and [dikl], whose
 * values it checks against each other. */
#ifndef DIGS_DRIVER_COUPLED_CONFIG_H
#define DIGS_DRIVER_COUPLED_CONFIG_H

#include "core/deck.h"
#include "dikl/config.h"
#include "driver/run_config.h"
#include "samplers/sampler.h"

typedef struct coupled_config {
    long sweeps_per_iteration; /* K = [run] sweeps / [dikl] iterations */
    long meet_every;           /* sweeps between meetings of all ranks once
                                  step sizes are fixed (doc/coupled.md) */
    double rank0_share;        /* rank 0's chains, as a share of an even block */
    int balance;               /* move chains between ranks at meetings */
    int step_sizes;            /* DiGS step sizes seed the posterior's */
    int feedback;              /* posterior acceptance joins DiGS's adaptation */
    int reference;             /* model selection against the chains */
    int posterior_pool;        /* chain states as the posterior's MH pool */
    long reference_records;    /* records of all chains kept as the set */
    long chains_from_generator; /* iteration that re-seeds the chains (0 off) */
    long sample_every;         /* iterations between generator sample sets */
    long sample_size;          /* samples per set */
} coupled_config;

/* Read and check [coupled].  run: [run]/[output]; sampler: the chains'
 * sampler (its kind decides whether step_sizes/feedback are possible);
 * dikl: the trainer's [dikl] settings.  Errors name the deck line. */
int coupled_config_read(digs_deck *deck, const digs_run_config *run,
                        const digs_sampler *sampler, const dikl_config *dikl,
                        coupled_config *out);

#endif
