/* Two-double GCC vectors (one SSE2 register, native on x86-64-v2) and the
 * few helpers the hand-vectorised potentials share (private to
 * src/potentials).  Loads and stores go through memcpy, so arrays need no
 * special alignment. */
#ifndef DIGS_POTENTIALS_V2D_H
#define DIGS_POTENTIALS_V2D_H

#include <stdint.h>
#include <string.h>

typedef double digs_v2d __attribute__((vector_size(16)));
typedef int64_t digs_v2i __attribute__((vector_size(16)));
typedef uint64_t digs_v2u __attribute__((vector_size(16)));

static inline digs_v2d digs_v2d_splat(double a)
{
    return (digs_v2d){a, a};
}

static inline digs_v2d digs_v2d_load(const double *p)
{
    digs_v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void digs_v2d_store(double *p, digs_v2d v)
{
    memcpy(p, &v, sizeof v);
}

/* Lanewise mask ? a : b, mask lanes all-ones or zero (a comparison). */
static inline digs_v2d digs_v2d_select(digs_v2i mask, digs_v2d a, digs_v2d b)
{
    return (digs_v2d)(((digs_v2i)a & mask) | ((digs_v2i)b & ~mask));
}

#endif
