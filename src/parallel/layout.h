/* Chain ownership: global chains 0..n-1 split into contiguous blocks over
 * the ranks of a communicator (DESIGN.md, "Parallel layout").  The first
 * n % size ranks get one chain more.  Pure arithmetic: no MPI calls. */
#ifndef DIGS_PARALLEL_LAYOUT_H
#define DIGS_PARALLEL_LAYOUT_H

/* The block [*first, *first + *count) of rank `rank` out of `size`. */
void digs_layout_block(long n_chains, int size, int rank, long *first,
                       int *count);

/* The rank that owns global chain `chain`. */
int digs_layout_owner(long n_chains, int size, long chain);

/* A block layout where rank 0 holds share0 times an even share
 * (round(share0 · n/size) chains, at most n) and ranks 1..size−1 split the
 * rest evenly (digs_layout_block over size − 1 ranks).  share0 = 1 or a
 * single rank: digs_layout_block.  Used where rank 0 has other work (the
 * DiKL trainer in a coupled job). */
void digs_layout_weighted(long n_chains, int size, int rank, double share0,
                          long *first, int *count);

/* Integer counts[r] summing to `total` from real shares[r] ≥ 0 (which
 * should sum to about `total`), by largest remainder: floors first, then
 * one more for each rank in order of decreasing remainder shares[r] −
 * floor (ties to the lower rank) while the sum is short, or one less for
 * each largest count (ties to the lower rank) while it is over. */
void digs_layout_round(int size, const double *shares, long total,
                       int *counts);

#endif
