/* Dense (fully connected) layer y = x Wᵀ + b, PyTorch layout W[out][in].
 *
 * Batch-major: x is [batch][in], y [batch][out].  Products go through
 * BLAS gemm (src/nn/real.h).  Parameters live in an nn_params registry
 * as "<name>.weight" [out][in] and "<name>.bias" [out].
 *
 * Two ways to use it:
 *  - stateful: nn_dense_forward records its input pointer (not a copy; the
 *    caller keeps x unchanged) and nn_dense_backward uses it;
 *  - stateless: nn_dense_apply / nn_dense_grad, for networks that manage
 *    their own caches (the EGNN). */
#ifndef DIGS_NN_DENSE_H
#define DIGS_NN_DENSE_H

#include <stddef.h>

#include "core/rng.h"
#include "nn/params.h"

typedef struct nn_dense {
    int in, out;
    int has_bias;
    size_t w, b;        /* offsets of weight and bias in the registry */
    const nn_real *x;   /* input of the last nn_dense_forward */
    int batch;          /* its batch size */
} nn_dense;

/* Register the layer's tensors under `name` and initialise them with
 * PyTorch's default U(-1/√in, 1/√in) for W and b, drawn from rng in the
 * order W (row-major) then b. */
int nn_dense_init(nn_dense *d, nn_params *p, const char *name, int in,
                  int out, int has_bias, digs_stream *rng);

/* Weight and bias pointers into the registry (bias NULL without bias). */
static inline nn_real *nn_dense_weight(const nn_dense *d, const nn_params *p)
{
    return p->value + d->w;
}
static inline nn_real *nn_dense_bias(const nn_dense *d, const nn_params *p)
{
    return d->has_bias ? p->value + d->b : NULL;
}

/* y[batch][out] = x Wᵀ + b (stateless). */
void nn_dense_apply(const nn_dense *d, const nn_params *p, const nn_real *x,
                    nn_real *y, int batch);

/* Backward of nn_dense_apply at input x: ACCUMULATES dL/dW += dyᵀ x and
 * dL/db += Σ_rows dy into p->grad; WRITES dL/dx = dy W into dx unless dx
 * is NULL.  dx must not alias dy or x. */
void nn_dense_grad(const nn_dense *d, nn_params *p, const nn_real *x,
                   const nn_real *dy, nn_real *dx, int batch);

/* nn_dense_apply that records x and batch for nn_dense_backward. */
void nn_dense_forward(nn_dense *d, const nn_params *p, const nn_real *x,
                      nn_real *y, int batch);

/* nn_dense_grad at the input recorded by the last nn_dense_forward. */
void nn_dense_backward(const nn_dense *d, nn_params *p, const nn_real *dy,
                       nn_real *dx);

/* Column sums: acc[j] += Σ_r a[r][j], a is [rows][cols]. */
void nn_colsum_acc(const nn_real *a, int rows, int cols, nn_real *acc);

#endif
