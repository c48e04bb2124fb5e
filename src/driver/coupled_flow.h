/* What flows between the chains and the trainer in a coupled job
 * (doc/coupled.md): DiGS step sizes onto the trainer's noise levels, the
 * trainer's posterior acceptance back onto DiGS's levels, and the set of
 * recent chain states the trainer uses as a reference and a pool.
 *
 * The map between the two schedules.  A DiGS level α and a DiKL step t
 * with a_t = α are the same denoising posterior p(x | x̃) ∝ p(x)
 * N(x̃; αx, (1 − α²) I) (REFERENCE.md §3.1 and §6.3 are both
 * variance-preserving), so MALA step sizes carry over.  Levels are matched
 * on v = log(σ²/α²), the log variance of the likelihood in x. */
#ifndef DIGS_DRIVER_COUPLED_FLOW_H
#define DIGS_DRIVER_COUPLED_FLOW_H

#include <stdint.h>

#include <mpi.h>

#include "dikl/schedule.h"
#include "samplers/chains.h"
#include "samplers/digs.h"

/* eta[t] for t = 1..T−1 from DiGS's step sizes h[l]: log h interpolated
 * linearly in v between DiGS levels; beyond the narrowest DiGS level
 * (larger a_t) the step shrinks in proportion to σ²/a² (the posterior
 * there is the likelihood's width); beyond the widest it stays at the
 * widest level's step (the prior dominates).  eta[0] = eta[1]. */
void coupled_map_steps(const digs_level_info *levels, const double *h,
                       const dikl_schedule *sched, double *eta);

/* Add the trainer's per-step posterior MALA counts (accepted[t],
 * proposed[t], t = 1..T−1) to the inner-sampler pair of the DiGS level
 * that matches step t, where one does: |v_t − v_l| ≤ log 1.21 (posterior
 * widths within 10 %).  stats has the DiGS sampler's layout. */
void coupled_feedback_counts(const digs_level_info *levels,
                             const dikl_schedule *sched,
                             const int64_t *accepted, const int64_t *proposed,
                             int64_t *stats);

/* The last `records` records of every chain, on every rank, in global
 * chain order within a record (a ring buffer of whole records).  Records
 * taken between meetings wait on their own rank (stash) until the next
 * meeting gathers them, in order, into the ring. */
typedef struct coupled_reference {
    long n_chains, capacity;  /* rows = records · n_chains */
    int dim;
    long filled, next;        /* rows held; next row to overwrite */
    double *x;                /* [capacity][dim] */
    double *energy;           /* [capacity] */
    const int *counts, *displs; /* chains per rank and their offsets (the
                                   caller's, kept alive by it) */
    int n_local;              /* this rank's chains */
    long stash_capacity, stashed; /* records waiting on this rank */
    double *stash_x;          /* [stash_capacity][n_local][dim] */
    double *stash_energy;     /* [stash_capacity][n_local] */
} coupled_reference;

/* A ring for `records` records of all chains, and room to stash
 * `stash_records` records locally; counts/displs [size] are every rank's
 * chain count and first chain. */
int coupled_reference_init(coupled_reference *ref, const digs_chains *chains,
                           long records, long stash_records, const int *counts,
                           const int *displs);
void coupled_reference_free(coupled_reference *ref);

/* This rank holds n_local chains from now on (they moved between ranks
 * at a meeting; the caller updated counts/displs).  The stash must be
 * empty.  Local. */
int coupled_reference_relayout(coupled_reference *ref, int n_local);

/* Keep this rank's chains as a record for the next gather (every
 * record, at a meeting or between meetings).  Local. */
int coupled_reference_stash(coupled_reference *ref, const digs_chains *chains);
/* Gather the stashed records, oldest first, into the ring (every rank has
 * stashed the same number).  Collective. */
int coupled_reference_gather_stash(coupled_reference *ref, MPI_Comm comm);

#endif
