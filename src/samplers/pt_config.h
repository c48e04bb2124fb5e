/* The [pt] section of a deck: the temperature ladder and the inner moves
 * of parallel tempering (REFERENCE.md §4.3, §4.4; doc/pt.md).
 *
 * Read once on every rank by pt.c's setup; the result is immutable while
 * the sampler runs. */
#ifndef DIGS_SAMPLERS_PT_CONFIG_H
#define DIGS_SAMPLERS_PT_CONFIG_H

#include "core/deck.h"

/* Limits that keep every stream substep (inner step x replica) inside
 * 32 bits: 1e6 x 64 < 2^32. */
enum { DIGS_PT_MAX_REPLICAS = 64, DIGS_PT_MAX_INNER_STEPS = 1000000 };

enum digs_pt_inner { DIGS_PT_INNER_HMC = 0, DIGS_PT_INNER_MALA = 1 };

typedef struct digs_pt_config {
    int replicas;       /* K >= 2 */
    double *betas;      /* [K] inverse temperatures relative to the system's
                           1/kT: betas[0] = 1, non-increasing, > 0 */
    double *step_size;  /* [K] HMC eps or MALA h of each replica, > 0 */
    int inner;          /* enum digs_pt_inner */
    long leapfrog;      /* HMC L (0 for MALA) */
    long inner_steps;   /* inner moves per replica per sweep */
    int swap;           /* 1: attempt swaps between adjacent replicas */
} digs_pt_config;

/* Read and validate [pt] (keys: replicas, beta_min | betas, inner,
 * step_size, leapfrog (hmc only), inner_steps, swap).  The geometric
 * ladder is betas[r] = beta_min^(r/(K-1)) (REFERENCE.md §4.3), with
 * betas[0] = 1 and betas[K-1] = beta_min exactly.  Bad input fails with
 * DIGS_ERR_INPUT and one "FILE:LINE: [pt] key = value: reason" line.
 * On success the caller owns cfg and frees it with digs_pt_config_free
 * (also safe after a failure). */
int digs_pt_config_read(digs_deck *deck, digs_pt_config *cfg);

void digs_pt_config_free(digs_pt_config *cfg);

#endif
