#include "core/rng.h"

#include <math.h>

#include "core/ziggurat_table.h"

void digs_stream_init(digs_stream *s, uint32_t seed, uint64_t chain,
                      uint64_t sweep, uint32_t purpose, uint32_t substep)
{
    s->key.v[0] = seed;
    s->key.v[1] = (uint32_t)chain;
    s->ctr.v[0] = 0;
    s->ctr.v[1] = substep;
    /* The high bits of chain and sweep fold into the purpose word: chain
     * ids and sweeps below 2^32 (every practical run) leave it unchanged. */
    s->ctr.v[2] = purpose ^ (uint32_t)(chain >> 32) << 8
                  ^ (uint32_t)(sweep >> 32) << 20;
    s->ctr.v[3] = (uint32_t)sweep;
    s->used = 4;
}

uint32_t digs_stream_u32(digs_stream *s)
{
    if (s->used == 4) {
        s->block = philox4x32(s->ctr, s->key);
        s->ctr.v[0]++;
        s->used = 0;
    }
    return s->block.v[s->used++];
}

double digs_stream_uniform(digs_stream *s)
{
    uint64_t hi = digs_stream_u32(s);
    uint64_t lo = digs_stream_u32(s);
    uint64_t bits = ((hi << 32) | lo) >> 11; /* 53 bits */
    return ((double)bits + 0.5) * 0x1p-53;
}

/* Tail beyond r of the base layer (Marsaglia, Ann. Math. Stat. 35, 1964). */
static double normal_tail(digs_stream *s, int negative)
{
    double x, y;
    do {
        x = log(digs_stream_uniform(s)) / DIGS_ZIG_R;
        y = log(digs_stream_uniform(s));
    } while (-2.0 * y < x * x);
    return negative ? x - DIGS_ZIG_R : DIGS_ZIG_R - x;
}

/* Ziggurat method (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000) with the
 * layer index and the uniform taken from disjoint bits of one 64-bit draw
 * (Doornik 2005), so they are independent.  Exact: every draw is accepted
 * under the density or resampled.  ~99 % of draws cost one table lookup. */
double digs_stream_normal(digs_stream *s)
{
    for (;;) {
        uint64_t hi = digs_stream_u32(s);
        uint64_t lo = digs_stream_u32(s);
        uint64_t w = (hi << 32) | lo;
        int i = (int)(w & (DIGS_ZIG_LAYERS - 1));
        double u = 2.0 * (((double)(w >> 11) + 0.5) * 0x1p-53) - 1.0;
        if (fabs(u) < digs_zig_ratio[i])
            return u * digs_zig_x[i];
        if (i == 0)
            return normal_tail(s, u < 0.0);
        double x = u * digs_zig_x[i];
        double f0 = exp(-0.5 * (digs_zig_x[i] * digs_zig_x[i] - x * x));
        double f1 = exp(-0.5 * (digs_zig_x[i + 1] * digs_zig_x[i + 1] - x * x));
        if (f1 + digs_stream_uniform(s) * (f0 - f1) < 1.0)
            return x;
    }
}

void digs_stream_normals(digs_stream *s, int n, double *out)
{
    for (int i = 0; i < n; i++)
        out[i] = digs_stream_normal(s);
}

uint32_t digs_stream_below(digs_stream *s, uint32_t n)
{
    /* Lemire's rejection: accept when the low word is above the bias. */
    uint32_t threshold = (uint32_t)(-n) % n;
    for (;;) {
        uint64_t m = (uint64_t)digs_stream_u32(s) * n;
        if ((uint32_t)m >= threshold)
            return (uint32_t)(m >> 32);
    }
}
