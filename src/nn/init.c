#include "nn/init.h"

#include <math.h>

void nn_init_stream(digs_stream *s, uint32_t seed, uint64_t net_id)
{
    digs_stream_init(s, seed, net_id, 0, DIGS_RNG_DIKL, NN_INIT_SUBSTEP);
}

nn_real nn_uniform(digs_stream *s, double lo, double hi)
{
    nn_real v = (nn_real)(lo + (hi - lo) * digs_stream_uniform(s));
    /* Rounding to float can land exactly on hi; keep the interval open. */
    return v < (nn_real)hi ? v : (nn_real)lo;
}

void nn_fill_uniform(digs_stream *s, nn_real *w, size_t n, double bound)
{
    for (size_t i = 0; i < n; i++)
        w[i] = nn_uniform(s, -bound, bound);
}

void nn_fill_normal(digs_stream *s, nn_real *w, size_t n, double std)
{
    for (size_t i = 0; i < n; i++)
        w[i] = (nn_real)(std * digs_stream_normal(s));
}

double nn_linear_bound(int fan_in) { return 1.0 / sqrt((double)fan_in); }

double nn_xavier_bound(int fan_in, int fan_out, double gain)
{
    return gain * sqrt(6.0 / (double)(fan_in + fan_out));
}
