/* The state of a `digs run` with a sampling method (DiGS, MALA, HMC, PT)
 * and the steps its driver loops are made of: reading the deck, placing
 * the chains on the ranks, starting or resuming them, the trajectory, the
 * pooled statistics, records, checkpoints and the summary.  Used by
 * `digs run` (src/driver/cmd_run.c) and by the coupled DiGS + DiKL job
 * (src/driver/run_coupled.c).  Functions taking a communicator are
 * collective unless stated otherwise. */
#ifndef DIGS_DRIVER_RUN_DIGS_H
#define DIGS_DRIVER_RUN_DIGS_H

#include <stdint.h>
#include <stdio.h>

#include <mpi.h>

#include "core/deck.h"
#include "driver/run_config.h"
#include "io/checkpoint.h"
#include "io/h5md.h"
#include "potentials/potential.h"
#include "samplers/sampler.h"

typedef struct digs_run_options {
    const char *deck;
    const char *trace;
    int quiet;
    int restart;
    int check;
} digs_run_options;

typedef struct digs_run_state {
    digs_deck *deck;
    digs_potential *pot;
    digs_sampler *sampler;
    digs_run_config cfg;
    digs_chains *chains;
    digs_h5md *out;
    FILE *trace;
    int64_t *pooled;        /* statistics summed over ranks, this interval */
    int64_t *pooled_total;  /* ... and over the whole run */
    double *acceptance;     /* per level, last interval (progress line, and
                             * /record_observables/acceptance) */
    double *chain_acc;      /* per local chain, since the last record */
    uint64_t first_sweep;   /* 0, or the checkpoint's sweep on a restart */
    int restarted;          /* continued from a checkpoint */
    digs_checkpoint resumed;   /* the checkpoint restarted from (owned) */
    /* wall time on this rank, seconds: sweeps, pooling statistics, the
     * trajectory (records, per-record rows, flushes), checkpoint files */
    double t_sweep, t_exchange, t_output, t_checkpoint;
    /* added particle groups to keep when the trajectory is continued
     * (set by a driver that adds groups, e.g. the coupled job) */
    int n_groups;
    const char *const *groups;
    const int64_t *group_records;
} digs_run_state;

/* Free everything r owns (the deck too); r may be partly built. */
void digs_run_state_free(digs_run_state *r);

/* Potential, [run]/[output] and the sampler from r->deck (local; the
 * caller checks for unused keys once every reader has run). */
int digs_run_read(digs_run_state *r);

/* Create this rank's chains: a contiguous block where rank 0 holds
 * share0 times an even share (src/parallel/layout.h; 1 = even). */
int digs_run_place_chains(MPI_Comm comm, digs_run_state *r, double share0);

/* Chains start fresh ([run] init, then the sampler's start) or, when a
 * restart is allowed and asked for and the checkpoint exists, from the
 * checkpoint; then the trajectory is created or continued.  Errors are
 * reported once. */
int digs_run_prepare(MPI_Comm comm, digs_run_state *r,
                     const digs_run_options *o, int allow_resume);
int digs_run_start_chains(MPI_Comm comm, digs_run_state *r,
                          const digs_run_options *o, int allow_resume);
int digs_run_open_output(MPI_Comm comm, digs_run_state *r,
                         const digs_run_options *o);

/* Sum the sampler's counters over ranks, hand them to adapt, reset;
 * r->acceptance gets the interval's pooled acceptance per level. */
int digs_run_exchange(MPI_Comm comm, digs_run_state *r, uint64_t done);
/* Append the pooled acceptance and the adapted parameters to the
 * trajectory's /record_observables. */
int digs_run_log_exchange(digs_run_state *r, uint64_t done);
/* Record every local chain (and the trace line) after `done` sweeps. */
int digs_run_record(digs_run_state *r, uint64_t done);
/* Is a checkpoint due after `done` sweeps?  Local. */
int digs_run_checkpoint_due(const digs_run_config *cfg, uint64_t done);
/* Flush the trajectory and write the checkpoint after `done` sweeps. */
int digs_run_checkpoint(MPI_Comm comm, digs_run_state *r, uint64_t done);
/* /parameters/evaluations: the whole run's evaluation counts. */
int digs_run_write_cost(MPI_Comm comm, digs_run_state *r);
/* Atom, residue and element labels of AMBER-like potentials under
 * /parameters (not collective beyond digs_h5md_set_parameter). */
int digs_run_write_topology(digs_h5md *out, const digs_potential *p);
/* The H5MD unit attributes of a potential's lengths and energies (H5MD
 * spells units with spaces and exponents, "kJ mol-1"); NULL for reduced
 * units (no attribute). */
const char *digs_run_length_unit(const digs_potential *p);
const char *digs_run_energy_unit(const digs_potential *p);

/* Rank 0 prints the run's summary (collective: sums counts). */
void digs_run_summary(MPI_Comm comm, digs_run_state *r, double seconds);

#endif
