/* The two networks of DiKL behind one interface (REFERENCE.md §6.8):
 * a generator x = f_θ(z) and a noise-conditional score s_φ(x_t, t).
 *
 *  - MLP targets (no particles): generator = nn_mlp (unconditional),
 *    score = conditional nn_mlp whose output is the score.
 *  - particle targets: EGNN.  Generator x = centre(EGNN(z) − z) (the
 *    EGNN returns a centred displacement, §6.8); score s = EGNN(x_t, t)
 *    with h⁰ = t, the raw integer step (§6.11 item 1).
 *
 * Batch-major nn_real arrays [batch][dim]; forward keeps what backward
 * needs; backward ACCUMULATES parameter gradients and gives no input
 * gradient (DiKL never differentiates through z or x_t). */
#ifndef DIGS_DIKL_NETS_H
#define DIGS_DIKL_NETS_H

#include "core/rng.h"
#include "nn/activation.h"
#include "nn/egnn.h"
#include "nn/mlp.h"
#include "nn/params.h"

typedef enum dikl_net_kind { DIKL_NET_MLP = 0, DIKL_NET_EGNN = 1 } dikl_net_kind;

typedef struct dikl_net_spec {
    dikl_net_kind kind;
    int width;          /* MLP width W, or EGNN hidden H */
    int layers;         /* MLP hidden layers, or EGNN layers */
    enum nn_act act;    /* MLP activation (EGNN: ReLU, fixed) */
    double fourier_scale; /* conditional MLP: std of the frozen frequencies */
    int recompute;      /* EGNN: recompute edge activations in backward */
} dikl_net_spec;

typedef struct dikl_net {
    dikl_net_kind kind;
    int conditional;     /* 1: score network (takes t) */
    int dim, n_particles, spatial_dim;
    nn_mlp mlp;
    nn_egnn egnn;
} dikl_net;

/* Build a network for a target of dimension dim (n_particles > 0:
 * EGNN over n_particles × spatial_dim; the spec's kind must agree), its
 * tensors registered under `name` in p and initialised from rng. */
int dikl_net_create(dikl_net *net, nn_params *p, const char *name,
                    const dikl_net_spec *spec, int dim, int n_particles,
                    int spatial_dim, int conditional, int t_max,
                    digs_stream *rng);

void dikl_net_destroy(dikl_net *net);

/* y = f(x) (generator: x is z, t NULL) or s(x, t) (score: t [batch] holds
 * the integer steps as reals).  y must not alias x. */
int dikl_net_forward(dikl_net *net, const nn_params *p, const nn_real *x,
                     const nn_real *t, nn_real *y, int batch);

/* Backward of the last forward with dL/dy in dy [batch][dim]. */
void dikl_net_backward(dikl_net *net, nn_params *p, const nn_real *dy);

/* Draw n latent vectors z (centred for particle targets) from rng and
 * generate x = f(z) in chunks of at most `chunk`; z and x are [n][dim]
 * caller buffers. */
int dikl_net_generate(dikl_net *gen, const nn_params *p, digs_stream *rng,
                      int n, int chunk, nn_real *z, nn_real *x);

/* Centre each of the batch rows of a particle configuration (no-op
 * without particles). */
void dikl_centre_rows(nn_real *x, int batch, int n_particles,
                      int spatial_dim);

#endif
