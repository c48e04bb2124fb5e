/* Element-wise activations with their backward passes.
 *
 * Forward takes the pre-activation x and writes y = f(x); backward takes
 * both (whichever the derivative needs) and dL/dy and writes
 * dL/dx = f'(x) dL/dy.  y may alias x in forward, dx may alias dy in
 * backward.  ReLU's derivative at 0 is 0 (as PyTorch). */
#ifndef DIGS_NN_ACTIVATION_H
#define DIGS_NN_ACTIVATION_H

#include <stddef.h>

#include "nn/real.h"

enum nn_act {
    NN_ACT_NONE = 0,  /* identity */
    NN_ACT_RELU,
    NN_ACT_SILU,      /* x·sigmoid(x) */
    NN_ACT_TANH,
    NN_ACT_SIGMOID
};

/* Name of an activation as a deck would spell it ("silu"), or "?". */
const char *nn_act_name(enum nn_act a);

/* y[i] = f(x[i]), i < n. */
void nn_act_forward(enum nn_act a, const nn_real *x, nn_real *y, size_t n);

/* dx[i] = f'(x[i]) dy[i]; x is the forward input, y its output. */
void nn_act_backward(enum nn_act a, const nn_real *x, const nn_real *y,
                     const nn_real *dy, nn_real *dx, size_t n);

/* Fast float exp and logistic function on arrays (branch-free, 8-float
 * GCC vectors, an AVX2+FMA clone picked at load time on CPUs that have
 * it; used by the float build's SiLU/sigmoid and available to any
 * caller).  y may alias x.  Accuracy (tests/nn/test_nn_act_fast.c):
 *  - nn_vexpf: y = e^x within 2 ulp (measured 1.04) for x in
 *    [-87.33, 88.72] (normal results); below, subnormal results within
 *    one subnormal step, and exactly 0 for x < -103.98; +inf for
 *    x > 88.73; NaN in gives NaN out.
 *  - nn_vsigmoidf: y = 1/(1 + e^-x) within 3 ulp (measured 2.36) wherever
 *    the result is a normal float, saturating to exactly 1 for x > 17 and
 *    to 0 for x < -103.98, never inf or NaN for a finite input. */
void nn_vexpf(const float *x, float *y, size_t n);
void nn_vsigmoidf(const float *x, float *y, size_t n);

/* Numerically stable logistic function (no overflow for any x). */
static inline nn_real nn_sigmoid(nn_real x)
{
    if (x >= 0)
        return 1 / (1 + NN_EXP(-x));
    nn_real e = NN_EXP(x);
    return e / (1 + e);
}

#endif
