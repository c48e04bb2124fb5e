/* Random Fourier time features (REFERENCE.md §6.8, conditional MLP):
 *
 *   emb(t) = [sin(2π ω t), cos(2π ω t)],  ω ∈ ℝ^{dim/2}, ω_k ~ N(0, scale²)
 *
 * ω is drawn once and frozen: it is a non-trained buffer of the registry
 * ("<name>.W", saved with the parameters).  t is the raw integer diffusion
 * step (1..29 in DiKL, §6.11 item 1), passed as a real.  Arguments reach
 * 2π·100·29 ≈ 2e4 rad, so the phases are computed in double.  Integer
 * t in [0, t_max] come from a table, rebuilt whenever ω changes (e.g.
 * after loading parameters); other t are computed directly. */
#ifndef DIGS_NN_TIME_EMBEDDING_H
#define DIGS_NN_TIME_EMBEDDING_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/params.h"

typedef struct nn_fourier {
    int dim;             /* embedding width (even) */
    size_t omega;        /* offset of ω[dim/2] in the registry's buf */
    int t_max;           /* tabulated integer steps 0..t_max (-1: none) */
    nn_real *table;      /* [t_max+1][dim] */
    nn_real *omega_seen; /* ω the table was built from */
} nn_fourier;

/* Register ω under "<name>.W" and draw it from N(0, scale²). */
int nn_fourier_init(nn_fourier *f, nn_params *p, const char *name, int dim,
                    double scale, int t_max, digs_stream *rng);

void nn_fourier_free(nn_fourier *f);

/* out[b][0..dim) += emb(t[b]) for b < batch (row stride dim). */
void nn_fourier_add(nn_fourier *f, const nn_params *p, const nn_real *t,
                    int batch, nn_real *out);

#endif
