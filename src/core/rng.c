#include "core/rng.h"

#include <math.h>

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
    s->has_spare = 0;
    s->spare = 0.0;
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

double digs_stream_normal(digs_stream *s)
{
    if (s->has_spare) {
        s->has_spare = 0;
        return s->spare;
    }
    double u1 = digs_stream_uniform(s);
    double u2 = digs_stream_uniform(s);
    double r = sqrt(-2.0 * log(u1));
    double t = 2.0 * M_PI * u2;
    s->spare = r * sin(t);
    s->has_spare = 1;
    return r * cos(t);
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
