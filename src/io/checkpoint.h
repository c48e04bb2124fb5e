/* Checkpoints: everything `digs run` needs to continue a run exactly
 * (doc/checkpoint.md).
 *
 * Random numbers come from counter-based streams named by (seed, global
 * chain id, sweep, purpose, substep), so there is no generator state to
 * save: a chain's future depends only on its state and the sweep number.
 * A checkpoint therefore holds, per global chain, the rows of
 * digs_chains (x, energy, grad, state), and, once, the sweep counter, the
 * sampler's adapted parameters, the pooled statistics of the whole run,
 * the evaluation counts, how much of the trajectory belongs to the run
 * (records and per-record rows), and the deck text.  It is written at a
 * sweep where the pooled statistics and the per-chain accept counts are
 * empty, so it holds neither.
 *
 * File (HDF5, written collectively with MPI-IO, readable on any rank
 * count: each rank writes and reads its own block of rows):
 *   /          attributes format = "digs checkpoint", version = 1, sweep,
 *              records, n_chains, dim, state_size, n_params, n_stats,
 *              seed, potential, method, n_grad, n_energy
 *   /chains/{x [N][dim], energy [N], grad [N][dim], state [N][state_size]
 *              (only if state_size > 0)}
 *   /sampler/params [n_params] f8 (attribute group = the parameter group
 *              name), /sampler/pooled_total [n_stats] i8 (each if > 0)
 *   /trajectory attributes series (names), /trajectory/rows [n_series] i8
 *   /deck      the deck text (fixed-length string)
 *
 * Writing goes to "<path>.tmp"; after every rank has closed it, rank 0
 * fsyncs it, renames it over <path> and fsyncs the directory, so a kill
 * at any moment leaves either the previous checkpoint or the new one. */
#ifndef DIGS_IO_CHECKPOINT_H
#define DIGS_IO_CHECKPOINT_H

#include <stdint.h>

#include <mpi.h>

#include "samplers/chains.h"

typedef struct digs_checkpoint {
    /* identity: a restart must match these */
    long n_chains;
    int dim, state_size;
    uint32_t seed;
    const char *potential, *method;
    int n_params, n_stats;
    /* progress */
    uint64_t sweep;           /* sweeps done */
    int64_t records;          /* trajectory records written */
    int n_series;             /* per-record series of the trajectory */
    const char **series;      /* [n_series] names */
    int64_t *series_rows;     /* [n_series] rows written */
    const char *param_group;  /* e.g. "step_size" (NULL: none) */
    double *params;           /* [n_params] adapted parameters */
    int64_t *pooled_total;    /* [n_stats] statistics of the whole run */
    int64_t n_grad, n_energy; /* evaluations summed over ranks */
    const char *deck;         /* deck text */
} digs_checkpoint;

/* Write the checkpoint `c` and this rank's chains (the blocks of all
 * ranks must tile 0..n_chains-1) to path, atomically (see above).  c
 * must be the same on every rank; its storage stays the caller's.
 * Collective.  A failure returns on the rank that saw it, possibly while
 * other ranks wait in a collective call: call it where a failure aborts
 * the job (digs_report_abort_local).  Failures are DIGS_ERR_IO naming the
 * path. */
int digs_checkpoint_write(MPI_Comm comm, const char *path,
                          const digs_checkpoint *c, const digs_chains *chains);

/* 1 if a file exists at path (rank 0 looks; the answer is broadcast).
 * Collective. */
int digs_checkpoint_exists(MPI_Comm comm, const char *path);

/* Read the checkpoint at path into *out (every pointer field newly
 * allocated; release with digs_checkpoint_free) and, if its identity matches `want` (n_chains,
 * dim, state_size, seed, potential, method, n_params, n_stats), this
 * rank's rows into chains (whose block may differ from the writer's).
 * Collective; every rank returns the same status: DIGS_ERR_IO if the file
 * cannot be read, DIGS_ERR_INPUT "PATH: the checkpoint has <what> = X;
 * the deck has Y" for a mismatch or a file that is not a checkpoint.
 * chains->accepted and ->proposed are zeroed. */
int digs_checkpoint_read(MPI_Comm comm, const char *path,
                         const digs_checkpoint *want, digs_checkpoint *out,
                         digs_chains *chains);

/* Free the fields digs_checkpoint_read allocated; zeroes *c. */
void digs_checkpoint_free(digs_checkpoint *c);

#endif
