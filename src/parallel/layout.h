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

#endif
