#include "nn/adam.h"

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* The update runs on 16-byte vectors (4 floats, 2 doubles in the test
 * build); the loop is not vectorised by the compiler at -O2 and libm's
 * sqrt keeps an errno path.  SSE's square root is exact (correctly
 * rounded, as sqrtf), so the result is the scalar loop's. */
enum { NV = 16 / sizeof(nn_real) };
typedef nn_real vr __attribute__((vector_size(16)));

static inline vr vsqrt(vr v)
{
#ifdef NN_REAL_DOUBLE
    return (vr)_mm_sqrt_pd((__m128d)v);
#else
    return (vr)_mm_sqrt_ps((__m128)v);
#endif
}

int nn_adam_init(nn_adam *a, const nn_params *p, double lr)
{
    memset(a, 0, sizeof *a);
    a->n = p->n;
    a->lr = lr;
    a->beta1 = 0.9;
    a->beta2 = 0.999;
    a->eps = 1e-8;
    DIGS_CALLOC(a->m, a->n);
    DIGS_CALLOC(a->v, a->n);
    return DIGS_OK;
}

void nn_adam_free(nn_adam *a)
{
    free(a->m);
    free(a->v);
    memset(a, 0, sizeof *a);
}

int nn_adam_step(nn_adam *a, nn_params *p)
{
    if (p->n != a->n)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "Adam created for %zu parameters, registry has %zu",
                         a->n, p->n);
    a->step++;
    /* bias corrections in double, as PyTorch computes them in Python */
    double bc1 = 1.0 - pow(a->beta1, (double)a->step);
    double bc2 = 1.0 - pow(a->beta2, (double)a->step);
    const nn_real b2 = (nn_real)a->beta2;
    const nn_real one_b1 = (nn_real)(1.0 - a->beta1);
    const nn_real one_b2 = (nn_real)(1.0 - a->beta2);
    const nn_real step_size = (nn_real)(a->lr / bc1);
    const nn_real sqrt_bc2 = (nn_real)sqrt(bc2);
    const nn_real eps = (nn_real)a->eps;
    nn_real *m = a->m, *v = a->v, *w = p->value;
    const nn_real *gr = p->grad;
    /* PyTorch's single-tensor form: m.lerp_(g, 1−β1), then
     * denom = √v/√bc2 + ε, θ −= (lr/bc1) m/denom */
    size_t i = 0;
    for (; i + NV <= a->n; i += NV) {
        vr g, mv, vv, wv;
        memcpy(&g, gr + i, sizeof g);
        memcpy(&mv, m + i, sizeof mv);
        memcpy(&vv, v + i, sizeof vv);
        memcpy(&wv, w + i, sizeof wv);
        mv += one_b1 * (g - mv);
        vv = b2 * vv + one_b2 * g * g;
        wv -= step_size * (mv / (vsqrt(vv) / sqrt_bc2 + eps));
        memcpy(m + i, &mv, sizeof mv);
        memcpy(v + i, &vv, sizeof vv);
        memcpy(w + i, &wv, sizeof wv);
    }
    for (; i < a->n; i++) {
        m[i] += one_b1 * (gr[i] - m[i]);
        v[i] = b2 * v[i] + one_b2 * gr[i] * gr[i];
        w[i] -= step_size * (m[i] / (NN_SQRT(v[i]) / sqrt_bc2 + eps));
    }
    return DIGS_OK;
}
