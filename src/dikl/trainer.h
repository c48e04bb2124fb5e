/* The DiKL training loop (REFERENCE.md §6.2), one generator iteration at a
 * time, over an MPI communicator.
 *
 * Rank 0 owns both networks and their Adam states and does every network
 * pass; each generator step's batch of noisy points x_t is broadcast and
 * its posterior sampling (src/dikl/posterior.h) split over all ranks in
 * contiguous blocks, the estimates gathered back to rank 0.  Model
 * selection (§6.9) splits its MALA refinement the same way.  Every random
 * number comes from a Philox stream named by (seed, purpose, iteration),
 * and each posterior element from its own stream, so a run gives the same
 * networks whatever the rank count (with the same BLAS thread count on
 * rank 0), and a run restarted from a checkpoint continues exactly.
 *
 * Ranks other than 0 wait for rank 0's network work with a polling
 * nanosleep loop, not MPI's busy wait, so they leave the core to BLAS. */
#ifndef DIGS_DIKL_TRAINER_H
#define DIGS_DIKL_TRAINER_H

#include <mpi.h>

#include "core/deck.h"
#include "dikl/config.h"
#include "dikl/model.h"
#include "dikl/nets.h"
#include "dikl/posterior.h"
#include "dikl/schedule.h"
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
} dikl_timing;

typedef struct dikl_trainer {
    dikl_config cfg;
    dikl_schedule sched;
    const digs_potential *pot;  /* target: Stage A, selection, metrics */
    digs_potential *variant;    /* posterior energy variant, or NULL */
    MPI_Comm comm;
    int rank, size, dim;
    dikl_posterior *post;

    /* rank 0: networks and optimiser state */
    nn_params gen_p, score_p, best_p;
    dikl_net gen, score;
    nn_adam adam_gen, adam_score;
    dikl_curves curves;

    /* training state (identical on every rank where it matters) */
    long iteration;             /* completed generator steps */
    long best_iteration;
    double best_metric;
    double eta;                 /* Stage-B MALA step size (§6.5) */
    double wall_offset;         /* wall seconds of earlier sessions */

    /* last iteration's numbers (rank 0; acceptance on every rank) */
    double loss_score, loss_gen, grad_norm, acceptance, metric, ess;
    long skipped;               /* generator steps skipped (non-finite) */

    /* buffers: rank 0 [B·dim] networks; every rank the broadcast batch */
    nn_real *z, *x, *xt, *eps, *tt, *s, *dy;
    double *xt_d, *score_d, *a_d, *sig_d;
    int *level;
    /* selection buffers [check_samples·dim] / [check_samples] */
    nn_real *cz, *cx;
    double *cx_d, *e_raw, *e_ref;
    double *grad_scratch;

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

/* Rank 0 writes the model file (no-op elsewhere; not collective). */
int dikl_trainer_save(dikl_trainer *t, const char *deck_text);

#endif
