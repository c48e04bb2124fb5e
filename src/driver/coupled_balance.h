/* Load balancing of a coupled job (doc/coupled.md "Load balancing"):
 * at a meeting, whole chains move between ranks so that every rank would
 * have reached that meeting at the same time.  Chain numbers do not
 * depend on where a chain is swept (parallel/chain_moves.h), so this
 * changes timing only. */
#ifndef DIGS_DRIVER_COUPLED_BALANCE_H
#define DIGS_DRIVER_COUPLED_BALANCE_H

#include <mpi.h>

#include "driver/coupled_flow.h"
#include "driver/run_digs.h"

/* New chains per rank from what the run measured so far.  Rank r, per
 * sweep, spends other[r] seconds on work other than its chains before it
 * reaches a meeting (networks, posterior share, ...) and cost[r] seconds
 * per chain it sweeps (≤ 0: not measured; it takes the mean of the
 * others').  The new counts solve other_r + n_r·cost_r = Λ for all r with
 * Σ n_r = Σ counts and n_r ≥ min_chains, rounded to whole chains by
 * largest remainder (ties to the lower rank).  Returns 1 if they differ
 * from counts, 0 if not (new_counts = counts also when no cost is
 * measured).  Pure. */
int coupled_balance_counts(int size, const int *counts, const double *other,
                           const double *cost, int min_chains,
                           int *new_counts);

/* What the split is computed from: per rank, discounted sums over the
 * intervals between meetings (each meeting multiplies the earlier
 * intervals' weight by `memory`) of the seconds of other work, the
 * seconds of sweeping and the chain-sweeps done, and of the sweeps. */
typedef struct coupled_balance_history {
    int size;
    double memory;
    double *other_s, *chain_s, *chain_sweeps; /* [size] */
    double sweeps;
} coupled_balance_history;

/* For size ranks, 0 <= memory < 1.  Fails only on allocation. */
int coupled_balance_history_init(coupled_balance_history *h, int size,
                                 double memory);

void coupled_balance_history_free(coupled_balance_history *h);

/* Add one interval of `sweeps` sweeps of every chain, during which rank r
 * held counts[r] chains, reached the meeting `arrival[r]` seconds after
 * the interval began and spent chain_s[r] of them sweeping.  A rank that
 * held no chains keeps the cost per chain-sweep it had: its sweeping
 * time is then loop overhead, not a cost (counting it once inflated
 * that cost without bound, so a rank that lost all its chains never got
 * any back). */
void coupled_balance_history_add(coupled_balance_history *h,
                                 const int *counts, double sweeps,
                                 const double *arrival,
                                 const double *chain_s);

/* The inputs of coupled_balance_counts: other[r] seconds per sweep and
 * cost[r] seconds per chain-sweep (0: never measured). */
void coupled_balance_history_rates(const coupled_balance_history *h,
                                   double *other, double *cost);

/* A fixed pattern of moves for tests (DIGS_BALANCE_TEST): at the m-th
 * balancing point, rank m mod size hands the upper half of its chains
 * (rounded up) to the next rank, cyclically.  Returns as above.  Pure. */
int coupled_balance_test_moves(int size, const int *counts, long m,
                               int *new_counts);

/* Move the chains to new_counts and re-lay out everything sized by this
 * rank's chains: the chains themselves, the trajectory writer (which
 * writes what it buffered first), the per-chain acceptance row, the
 * reference stash (ref may be NULL; its stash must be empty), and
 * counts/displs [size], updated in place.  Collective. */
int coupled_move_chains(MPI_Comm comm, digs_run_state *r,
                        coupled_reference *ref, int *counts, int *displs,
                        const int *new_counts);

#endif
