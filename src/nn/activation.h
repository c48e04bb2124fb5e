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

/* Numerically stable logistic function (no overflow for any x). */
static inline nn_real nn_sigmoid(nn_real x)
{
    if (x >= 0)
        return 1 / (1 + NN_EXP(-x));
    nn_real e = NN_EXP(x);
    return e / (1 + e);
}

#endif
