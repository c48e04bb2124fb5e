/* Multi-layer perceptrons of DiKL (REFERENCE.md §6.8):
 *
 *  - generator MLP: Linear(d→W)–act–[Linear(W→W)–act]×(n_hidden−1)–Linear(W→d),
 *    no output activation (W = 400, n_hidden = 4, SiLU: 483 202 parameters
 *    for d = 2, 507 232 for d = 32);
 *  - conditional score MLP: the same stack with every hidden layer
 *    h ← act(W h + b + emb_l(t)), emb_l the frozen random Fourier features
 *    of src/nn/time_embedding.h drawn afresh per layer (ω ~ N(0, 30²),
 *    W/2 frequencies), t the raw integer step; the output Linear(W→d) is
 *    the score itself.
 *
 * Batch-major: x [batch][d_in], t [batch], y [batch][d_out].  Forward
 * caches every pre- and post-activation (and the pointer to x: keep x
 * unchanged until backward); backward accumulates all parameter gradients
 * into the registry.  Single caller at a time (not thread-safe). */
#ifndef DIGS_NN_MLP_H
#define DIGS_NN_MLP_H

#include "core/rng.h"
#include "nn/activation.h"
#include "nn/dense.h"
#include "nn/params.h"
#include "nn/time_embedding.h"

typedef struct nn_mlp_spec {
    int d_in, d_out;
    int width;            /* hidden width W */
    int n_hidden;         /* hidden (activated) layers, >= 1 */
    enum nn_act act;
    int conditional;      /* 1: add Fourier time features to each hidden layer */
    double fourier_scale; /* std of ω (30 in DiKL) */
    int t_max;            /* integer steps 0..t_max are tabulated */
} nn_mlp_spec;

typedef struct nn_mlp {
    nn_mlp_spec spec;
    nn_dense *layers;     /* n_hidden + 1 */
    nn_fourier *emb;      /* n_hidden, or NULL */
    int cap, batch;       /* buffer capacity and last forward's batch */
    const nn_real *x;     /* last forward's input */
    nn_real *pre, *post;  /* [n_hidden][cap][width] */
    nn_real *d0, *d1;     /* backward scratch [cap][width] */
} nn_mlp;

/* DiKL's MLP generator for dimension d (§6.7/§6.8): width 400, 4 hidden
 * layers, SiLU, unconditional. */
nn_mlp_spec nn_mlp_spec_generator(int d);

/* DiKL's conditional MLP score network for dimension d (§6.8): width 400,
 * 4 conditioned SiLU layers, Fourier scale 30, t tabulated up to 64. */
nn_mlp_spec nn_mlp_spec_score(int d);

/* Register the MLP's tensors under `name` ("<name>.layers.<l>.weight",
 * "<name>.emb.<l>.W") and initialise them from rng (PyTorch defaults). */
int nn_mlp_create(nn_mlp *m, nn_params *p, const char *name,
                  const nn_mlp_spec *spec, digs_stream *rng);

void nn_mlp_destroy(nn_mlp *m);

/* y = MLP(x, t).  t is read only when the spec is conditional (may be
 * NULL otherwise).  Grows the caches the first time a larger batch is
 * seen (the only allocation). */
int nn_mlp_forward(nn_mlp *m, const nn_params *p, const nn_real *x,
                   const nn_real *t, nn_real *y, int batch);

/* Backward of the last forward: ACCUMULATES dL/dθ into p->grad and writes
 * dL/dx [batch][d_in] into dx unless dx is NULL.  dy is [batch][d_out]. */
void nn_mlp_backward(nn_mlp *m, nn_params *p, const nn_real *dy,
                     nn_real *dx);

/* Forward multiply-adds of the gemms for one batch (for benchmarks). */
double nn_mlp_forward_macs(const nn_mlp *m, int batch);

#endif
