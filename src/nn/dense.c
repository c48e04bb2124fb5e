#include "nn/dense.h"

#include <string.h>

#include "core/status.h"
#include "nn/init.h"

int nn_dense_init(nn_dense *d, nn_params *p, const char *name, int in,
                  int out, int has_bias, digs_stream *rng)
{
    if (in < 1 || out < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dense layer %s: sizes must be positive (in %d, out %d)",
                         name, in, out);
    d->in = in;
    d->out = out;
    d->has_bias = has_bias;
    d->x = NULL;
    d->batch = 0;
    d->b = 0;
    int wdims[2] = {out, in};
    DIGS_CHECK(nn_params_add(p, name, "weight", 2, wdims, 1, &d->w));
    double bound = nn_linear_bound(in);
    nn_fill_uniform(rng, p->value + d->w, (size_t)out * (size_t)in, bound);
    if (has_bias) {
        DIGS_CHECK(nn_params_add(p, name, "bias", 1, &out, 1, &d->b));
        nn_fill_uniform(rng, p->value + d->b, (size_t)out, bound);
    }
    return DIGS_OK;
}

/* 16-byte vectors (4 floats, 2 doubles): the compiler does not vectorise
 * these loops at -O2. */
enum { NV = 16 / sizeof(nn_real) };
typedef nn_real vr __attribute__((vector_size(16)));

void nn_colsum_acc(const nn_real *a, int rows, int cols, nn_real *acc)
{
    for (int r = 0; r < rows; r++) {
        const nn_real *row = a + (size_t)r * (size_t)cols;
        int j = 0;
        for (; j + NV <= cols; j += NV) {
            vr s, x;
            memcpy(&s, acc + j, sizeof s);
            memcpy(&x, row + j, sizeof x);
            s += x;
            memcpy(acc + j, &s, sizeof s);
        }
        for (; j < cols; j++)
            acc[j] += row[j];
    }
}

void nn_dense_apply(const nn_dense *d, const nn_params *p, const nn_real *x,
                    nn_real *y, int batch)
{
    if (batch < 1)
        return;
    const nn_real *b = nn_dense_bias(d, p);
    if (b)  /* memcpy: the copy loop is not vectorised at -O2 */
        for (int r = 0; r < batch; r++)
            memcpy(y + (size_t)r * (size_t)d->out, b,
                   (size_t)d->out * sizeof *b);
    nn_gemm(0, 1, batch, d->out, d->in, 1, x, d->in, nn_dense_weight(d, p),
            d->in, b ? 1 : 0, y, d->out);
}

void nn_dense_grad(const nn_dense *d, nn_params *p, const nn_real *x,
                   const nn_real *dy, nn_real *dx, int batch)
{
    if (batch < 1)
        return;
    /* dW[out][in] += dyᵀ x */
    nn_gemm(1, 0, d->out, d->in, batch, 1, dy, d->out, x, d->in, 1,
            p->grad + d->w, d->in);
    if (d->has_bias)
        nn_colsum_acc(dy, batch, d->out, p->grad + d->b);
    if (dx)
        nn_gemm(0, 0, batch, d->in, d->out, 1, dy, d->out,
                nn_dense_weight(d, p), d->in, 0, dx, d->in);
}

void nn_dense_forward(nn_dense *d, const nn_params *p, const nn_real *x,
                      nn_real *y, int batch)
{
    d->x = x;
    d->batch = batch;
    nn_dense_apply(d, p, x, y, batch);
}

void nn_dense_backward(const nn_dense *d, nn_params *p, const nn_real *dy,
                       nn_real *dx)
{
    nn_dense_grad(d, p, d->x, dy, dx, d->batch);
}
