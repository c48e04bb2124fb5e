/* Reproducible parameter initialisation from Philox streams.
 *
 * Networks draw their initial weights from a digs_stream the caller opens
 * with nn_init_stream (purpose DIGS_RNG_DIKL), so the same seed and
 * network id give the same weights on every rank and every run. */
#ifndef DIGS_NN_INIT_H
#define DIGS_NN_INIT_H

#include <stdint.h>

#include "core/rng.h"
#include "nn/real.h"

/* Substep word reserved for initialisation streams, so they cannot
 * coincide with the trainer's own DIGS_RNG_DIKL streams (which should use
 * small substeps). */
enum { NN_INIT_SUBSTEP = 0x6e6e0000 };

/* Open the initialisation stream of network `net_id` (e.g. 0 generator,
 * 1 score network) for deck seed `seed`: key (seed, net_id), sweep 0,
 * purpose DIGS_RNG_DIKL, substep NN_INIT_SUBSTEP. */
void nn_init_stream(digs_stream *s, uint32_t seed, uint64_t net_id);

/* One uniform draw in [lo, hi) rounded to nn_real (never above hi). */
nn_real nn_uniform(digs_stream *s, double lo, double hi);

/* w[0..n) ~ U(-bound, bound). */
void nn_fill_uniform(digs_stream *s, nn_real *w, size_t n, double bound);

/* w[0..n) ~ N(0, std²). */
void nn_fill_normal(digs_stream *s, nn_real *w, size_t n, double std);

/* PyTorch nn.Linear default bound: kaiming_uniform(a = √5) on the weight
 * gives gain √(2/(1+5)) · √(3/fan_in) = 1/√fan_in, and the bias uses
 * 1/√fan_in too (REFERENCE.md §6.2 "Initialisation"). */
double nn_linear_bound(int fan_in);

/* Xavier/Glorot uniform bound gain · √(6/(fan_in + fan_out)) (used with
 * gain 0.001 for the EGNN's last coordinate layer, REFERENCE.md §6.8). */
double nn_xavier_bound(int fan_in, int fan_out, double gain);

#endif
