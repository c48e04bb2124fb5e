/* The DiKL training loop (REFERENCE.md §6.2), one generator iteration at a
 * time, over an MPI communicator.
 *
 * Rank 0 owns both networks and their Adam states and does every network
 * pass (with score_chunks > 1 every rank holds copies and the score phase
 * is data-parallel, src/dikl/score_phase.h; with generator_chunks > 1 the
 * generator's pass too, src/dikl/generator_phase.h); each generator step's batch of noisy points x_t is broadcast and
 * its posterior sampling (src/dikl/posterior.h) split over all ranks in
 * contiguous blocks sized by each rank's measured speed (so that the
 * shares finish together), the estimates gathered back to rank 0.  Model
 * selection (§6.9) splits its MALA refinement the same way.  Every random
 * number comes from a Philox stream named by (seed, purpose, iteration),
 * and each posterior element from its own stream, so a run gives the same
 * networks whatever the rank count (with the same BLAS thread count on
 * rank 0), and a run restarted from a checkpoint continues exactly.
 *
 * Ranks other than 0 wait for rank 0's network work with a polling
 * nanosleep loop, not MPI's busy wait, so they leave the core to BLAS,
 * or do their host's work there (dikl_trainer_set_idle).
 *
 * Hooks for a host running beside the trainer (issue 7, a DiGS run on
 * every rank; doc/dikl.md "Running beside DiGS"): idle work while
 * waiting, per-level Stage-B step sizes, a reference set for model
 * selection and a pool of states for posterior warm starts.  None of them
 * changes a number unless its [dikl] key is switched on. */
#ifndef DIGS_DIKL_TRAINER_H
#define DIGS_DIKL_TRAINER_H

#include <mpi.h>

#include "core/deck.h"
#include "dikl/config.h"
#include "dikl/model.h"
#include "dikl/nets.h"
#include "dikl/posterior.h"
#include "dikl/reference.h"
#include "dikl/schedule.h"
#include "dikl/wait.h"
#include "potentials/potential.h"

/* Stream keys ("chain" word) of the trainer's own draws; posterior
 * elements use keys 0..B−1 and selection samples DIKL_KEY_SELECT + j. */
#define DIKL_KEY_TRAIN ((uint64_t)1 << 40)
#define DIKL_KEY_SELECT ((uint64_t)1 << 41)
/* `digs sample` (src/driver/cmd_sample.c). */
#define DIKL_KEY_SAMPLE ((uint64_t)1 << 42)
/* Substeps (counter word) of the trainer's streams. */
enum { DIKL_SUB_GENERATOR = 2, DIKL_SUB_SELECT = 3, DIKL_SUB_SCORE = 16 };

typedef struct dikl_timing {
    double net;       /* network passes and optimiser steps (rank 0) */
    double posterior; /* posterior sampling of this rank's block */
    double select;    /* model-selection work of this rank */
    double wait;      /* waiting for other ranks and communication */
    double io;        /* model-file writes (rank 0) */
    double hosted;    /* the host's idle work done while waiting (ranks
                         other than 0; not counted in wait) */
} dikl_timing;

typedef struct dikl_trainer {
    dikl_config cfg;
    dikl_schedule sched;
    const digs_potential *pot;  /* target: Stage A, selection, metrics */
    digs_potential *variant;    /* posterior energy variant, or NULL */
    MPI_Comm comm;
    int rank, size, dim;
    dikl_posterior *post;

    /* rank 0 (every rank with score_chunks > 1): networks and optimiser
     * state */
    nn_params gen_p, score_p, best_p;
    nn_params ema_p;            /* generator moving average ([dikl] ema > 0) */
    dikl_net gen, score;
    nn_adam adam_gen, adam_score;
    dikl_curves curves;

    /* training state (identical on every rank where it matters) */
    long iteration;             /* completed generator steps */
    long best_iteration;
    double best_metric;
    double eta;                 /* Stage-B MALA step size (§6.5) */
    double *eta_level;          /* [T] per-level steps (index = level; entry
                                   0 unused); without step_per_level every
                                   entry equals eta */
    double wall_offset;         /* wall seconds of earlier sessions */

    /* last iteration's numbers (rank 0; acceptance on every rank) */
    double loss_score, loss_gen, grad_norm, acceptance, metric, ess;
    double sweep_acceptance;    /* coordinate sweeps' (NaN without them) */
    long skipped;               /* generator steps skipped (non-finite) */
    int64_t *level_accepted, *level_proposed; /* [T] Stage-B counts per
                                   level, pooled (every rank) */
    int64_t pool_accepted, pool_proposed;     /* pool moves, pooled */

    /* host hooks */
    dikl_idle idle;             /* this rank's idle work (not rank 0) */
    int pool_n;                 /* pool states (every rank, same pool) */
    double *pool;               /* [pool_n·dim], centred rows */
    dikl_reference ref;         /* reference set (rank 0) */

    /* buffers: rank 0 (every rank with score_chunks > 1) [B·dim]
     * networks; every rank the broadcast batch */
    nn_real *z, *x, *xt, *eps, *tt, *s, *dy;
    double *xt_d, *score_d, *a_d, *sig_d;
    int *level;                 /* [B + size]: the batch's levels, then
                                   each rank's posterior elements (the
                                   split, broadcast with them) */
    double *element_s;          /* rank 0: [size] seconds per posterior
                                   element of each rank, a running
                                   estimate (0: not measured yet) */
    /* selection buffers [check_samples·dim] / [check_samples] */
    nn_real *cz, *cx;
    double *cx_d, *e_raw, *e_ref;
    double *grad_scratch;
    double *eta_elem;           /* [B] Stage-B step of each batch element */
    int64_t *counts;            /* [2T + 2] this rank's counts to pool */
    nn_real *chunk_grad;        /* data-parallel score phase: [K·n] the
                                   score gradient of each chunk */
    double *chunk_loss;         /* [K] each chunk's summed DSM loss */
    dikl_net *gen_ws;           /* generator_chunks > 1: copies of the
                                   generator holding the forwards of this
                                   rank's chunks after its first */
    int n_gen_ws;
    nn_real *gen_chunk_grad;    /* [K·n] each generator chunk's gradient */
    double *gen_chunk_loss;     /* [K] each chunk's summed surrogate loss */

    dikl_timing time;
} dikl_trainer;

/* Read [dikl], build everything (collective).  pot must outlive t. */
int dikl_trainer_create(dikl_trainer **out, digs_deck *deck,
                        const digs_potential *pot, MPI_Comm comm);

void dikl_trainer_destroy(dikl_trainer **t);

/* Rank 0 restores the model file at cfg.model_path and the state is
 * shared with every rank (collective).  Fails if the file is not a
 * checkpoint of this architecture. */
int dikl_trainer_resume(dikl_trainer *t);

/* One generator iteration: score phase, posterior, generator step,
 * step-size adaptation, and (when due) model selection; appends a curve
 * row.  Collective. */
int dikl_trainer_iteration(dikl_trainer *t, double wall_now);

/* The model-selection metric of the current generator (§6.9), on every
 * rank.  Collective. */
int dikl_trainer_select(dikl_trainer *t, double *metric);

/* The generator parameters that are sampled, selected and kept as the
 * product: the moving average with [dikl] ema > 0, else the current
 * generator.  Rank 0. */
nn_params *dikl_trainer_sampled(dikl_trainer *t);

/* A generator network of t's architecture, its tensors registered in p
 * and initialised from the generator's stream (internal to src/dikl:
 * the trainer's generator, its selected copy and moving average, and the
 * chunk workspaces of generator_phase.c). */
int dikl_trainer_generator_net(const dikl_trainer *t, dikl_net *net,
                               nn_params *p);

/* Rank 0 writes the model file (no-op elsewhere; not collective). */
int dikl_trainer_save(dikl_trainer *t, const char *deck_text);

/* ---- hooks for a host running beside the trainer (src/dikl/hooks.c) --- */

/* Work for this rank while it waits for rank 0 inside the trainer (the
 * batch broadcasts before the posterior, the barrier before the agreement
 * after rank 0's generator step, the selection broadcasts): fn(ctx) is
 * called between MPI_Test polls (contract of dikl_idle_fn in wait.h: no
 * collectives that need rank 0, short slices).  Rank 0 never calls it.  Its time goes to time.hosted, not time.wait; a
 * failure makes the next trainer call fail on every rank with its
 * message.  The floating-point environment is restored after each call
 * and the trainer's random numbers are counter-based, so fn cannot change
 * the trainer's numbers (tested).  fn = NULL: nap as before.  Per rank,
 * not collective; call between trainer calls. */
void dikl_trainer_set_idle(dikl_trainer *t, dikl_idle_fn fn, void *ctx);

/* Set the per-level Stage-B steps eta[0..T−1] (index = schedule level;
 * entry 0 unused; entries 1..T−1 finite > 0), used from the next
 * iteration on and then adapted per level when adaptive_step = yes.
 * Only with step_per_level = yes (else DIGS_ERR_INPUT).  Call on every
 * rank with the same values (not collective). */
int dikl_trainer_set_level_steps(dikl_trainer *t, const double *eta);

/* The Stage-B steps per level [T] (all equal to eta without
 * step_per_level); the same on every rank.  The pointer lives as long as
 * t; the values change with each iteration's adaptation. */
const double *dikl_trainer_level_steps(const dikl_trainer *t);

/* Last iteration's Stage-B MALA counts per level [T] (index = level),
 * pooled over the ranks; the same on every rank.  Zero before the first
 * iteration. */
void dikl_trainer_level_counts(const dikl_trainer *t,
                               const int64_t **accepted,
                               const int64_t **proposed);

/* The reference set of selection = reference (src/dikl/reference.h):
 * n >= 1 states x[n·dim] with energies energy[n] (the target's energy,
 * or NULL to compute them), copied; n = 0 removes the set (the metric is
 * NaN again and nothing is selected).  Only rank 0's set is used: call it
 * on rank 0 (other ranks may call it too; they only check the selection
 * mode and return).  Replaces any earlier set; the metrics computed
 * against an earlier set stay as they are (best_metric included).  Only
 * with selection = reference (else DIGS_ERR_INPUT).  Not collective. */
int dikl_trainer_set_reference(dikl_trainer *t, int n, const double *x,
                               const double *energy);

/* The pool of pool_moves (doc/dikl.md): n >= 0 samples of p, x[n·dim]
 * (finite), copied and re-centred for particle targets; n = 0 removes the
 * pool.  Call on every rank with the same states (not collective; a
 * pool that differs between ranks makes results depend on the rank
 * count).  Used from the next iteration on; without pool_moves > 0 it is
 * kept but unused. */
int dikl_trainer_set_pool(dikl_trainer *t, int n, const double *x);

/* Last iteration's pool moves, accepted and proposed, pooled over the
 * ranks; the same on every rank. */
void dikl_trainer_pool_counts(const dikl_trainer *t, int64_t *accepted,
                              int64_t *proposed);

/* Internal to src/dikl: add the wall time since `since` to time.wait,
 * less the idle work done meanwhile (hosted_since = idle.seconds then),
 * which goes to time.hosted. */
void dikl_trainer_add_wait(dikl_trainer *t, double since,
                           double hosted_since);

#endif
