#include "nn/activation.h"

const char *nn_act_name(enum nn_act a)
{
    switch (a) {
    case NN_ACT_NONE: return "none";
    case NN_ACT_RELU: return "relu";
    case NN_ACT_SILU: return "silu";
    case NN_ACT_TANH: return "tanh";
    case NN_ACT_SIGMOID: return "sigmoid";
    }
    return "?";
}

void nn_act_forward(enum nn_act a, const nn_real *x, nn_real *y, size_t n)
{
    switch (a) {
    case NN_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i];
        break;
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : 0;
        break;
    case NN_ACT_SILU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] * nn_sigmoid(x[i]);
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            y[i] = NN_TANH(x[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = nn_sigmoid(x[i]);
        break;
    }
}

void nn_act_backward(enum nn_act a, const nn_real *x, const nn_real *y,
                     const nn_real *dy, nn_real *dx, size_t n)
{
    switch (a) {
    case NN_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i];
        break;
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : 0;
        break;
    case NN_ACT_SILU:
        /* d/dx x·s(x) = s(x) (1 + x (1 − s(x))) */
        for (size_t i = 0; i < n; i++) {
            nn_real s = nn_sigmoid(x[i]);
            dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
        }
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1 - y[i] * y[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * y[i] * (1 - y[i]);
        break;
    }
}
