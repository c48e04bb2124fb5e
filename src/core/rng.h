/* Counter-based random streams (Philox4x32-10 from Random123;
 * Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
 *
 * A stream is named by (seed, global chain id, sweep, purpose, substep).
 * The numbers it yields depend on nothing else: not on the rank that owns
 * the chain, nor on how many streams were used before.  This is what makes
 * a deck give the same samples on any rank count and a restart continue
 * exactly (DESIGN.md, "Randomness and reproducibility").
 *
 *   key     = (seed, chain)
 *   counter = (block, substep, purpose, sweep)   block counts 4-word draws
 */
#ifndef DIGS_CORE_RNG_H
#define DIGS_CORE_RNG_H

#include <stdint.h>

#include <Random123/philox.h>

/* What a stream is used for; each purpose has its own counter space. */
enum digs_rng_purpose {
    DIGS_RNG_INIT = 1,        /* initial chain positions */
    DIGS_RNG_MALA = 2,        /* MALA proposal noise and accept draw */
    DIGS_RNG_HMC = 3,         /* HMC momenta and accept draw */
    DIGS_RNG_DIGS_NOISE = 4,  /* DiGS forward noising */
    DIGS_RNG_DIGS_INIT = 5,   /* DiGS MH-corrected initialisation */
    DIGS_RNG_PT_SWAP = 6,     /* parallel-tempering swap draws */
    DIGS_RNG_EXACT = 7,       /* exact samplers of reference targets */
    DIGS_RNG_DIKL = 8,        /* DiKL training */
    DIGS_RNG_ANALYSIS = 9,    /* bootstraps in the metrics toolkit */
    DIGS_RNG_TEST = 15        /* unit tests */
};

typedef struct digs_stream {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t block;  /* current output block */
    int used;                /* words of block already consumed (0..4) */
} digs_stream;

/* Start the stream named by its five coordinates at its first number. */
void digs_stream_init(digs_stream *s, uint32_t seed, uint64_t chain,
                      uint64_t sweep, uint32_t purpose, uint32_t substep);

uint32_t digs_stream_u32(digs_stream *s);

/* Uniform double in the open interval (0, 1), 53 random bits. */
double digs_stream_uniform(digs_stream *s);

/* Standard normal (128-layer ziggurat; src/core/rng.c). */
double digs_stream_normal(digs_stream *s);

/* Fill out[0..n) with standard normals. */
void digs_stream_normals(digs_stream *s, int n, double *out);

/* Uniform integer in [0, n), n >= 1, without modulo bias. */
uint32_t digs_stream_below(digs_stream *s, uint32_t n);

#endif
