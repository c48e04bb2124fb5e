/* Moving whole chains between ranks (a coupled job's load balancing,
 * doc/coupled.md).  A chain is everything in digs_chains for its global
 * id: position, energy, gradient, sampler state and accept counts.  Its
 * numbers depend only on that and on its own streams, so which rank
 * sweeps it changes nothing but the time. */
#ifndef DIGS_PARALLEL_CHAIN_MOVES_H
#define DIGS_PARALLEL_CHAIN_MOVES_H

#include <mpi.h>

#include "samplers/chains.h"

/* Re-cut the run's chains into contiguous blocks in rank order with
 * new_counts[r] chains on rank r (every rank passes the same counts; they
 * sum to n_global).  *chains is replaced by this rank's new block, whose
 * contents are the chains' exactly.  Collective. */
int digs_chains_move(MPI_Comm comm, digs_chains **chains,
                     const int *new_counts);

#endif
