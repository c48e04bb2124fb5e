/* The chains one rank owns: a contiguous block of global chain ids.
 *
 * Everything a chain needs to continue exactly lives here (positions plus
 * the sampler's per-chain state), so a checkpoint is this struct per
 * global chain, independent of the rank that wrote it. */
#ifndef DIGS_SAMPLERS_CHAINS_H
#define DIGS_SAMPLERS_CHAINS_H

#include <stdint.h>

typedef struct digs_chains {
    int n;             /* chains on this rank (may be 0) */
    long first;        /* global id of local chain 0 */
    long n_global;     /* chains in the whole run */
    int dim;           /* coordinates per chain */
    double *x;         /* [n][dim] current positions */
    double *energy;    /* [n] E(x), potential units */
    double *grad;      /* [n][dim] dE/dx at x */
    int state_size;    /* sampler state doubles per chain (>= 0) */
    double *state;     /* [n][state_size] sampler-owned, checkpointed */
    int64_t *accepted; /* [n] accepted moves since the last record */
    int64_t *proposed; /* [n] proposed moves since the last record */
} digs_chains;

/* Allocate storage for the chains [first, first + n) of n_global. */
int digs_chains_create(digs_chains **out, long n_global, long first, int n,
                       int dim, int state_size);

void digs_chains_destroy(digs_chains **chains);

/* Zero the per-chain accept counters (after each recorded frame). */
void digs_chains_reset_counts(digs_chains *chains);

#endif
