/* Global gradient-norm clipping (torch.nn.utils.clip_grad_norm_, 2-norm),
 * used on the DiKL generator with max_norm = 10 (REFERENCE.md §6.2). */
#ifndef DIGS_NN_CLIP_H
#define DIGS_NN_CLIP_H

#include <stddef.h>

#include "nn/real.h"

/* Euclidean norm of g[0..n), accumulated in double. */
double nn_grad_norm(const nn_real *g, size_t n);

/* Scale g[0..n) by min(1, max_norm / (‖g‖ + 1e-6)) (PyTorch's formula) and
 * store the norm before clipping in *norm (may be NULL).  A non-finite
 * norm leaves g untouched and returns DIGS_ERR_NUMERIC. */
int nn_clip_grad_norm(nn_real *g, size_t n, double max_norm, double *norm);

#endif
