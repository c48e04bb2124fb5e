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
