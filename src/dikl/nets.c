#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/nets.h"

int dikl_net_create(dikl_net *net, nn_params *p, const char *name,
                    const dikl_net_spec *spec, int dim, int n_particles,
                    int spatial_dim, int conditional, int t_max,
                    digs_stream *rng)
{
    memset(net, 0, sizeof *net);
    net->kind = spec->kind;
    net->conditional = conditional;
    net->dim = dim;
    net->n_particles = n_particles;
    net->spatial_dim = spatial_dim;
    if (spec->kind == DIKL_NET_EGNN) {
        if (n_particles < 2 || n_particles * spatial_dim != dim)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "[dikl] an EGNN needs a particle system "
                             "(this target has %d coordinates and %d "
                             "particles); use network = mlp",
                             dim, n_particles);
        nn_egnn_spec es = {.n_particles = n_particles,
                           .spatial_dim = spatial_dim,
                           .hidden = spec->width,
                           .n_layers = spec->layers,
                           .recompute = spec->recompute};
        return nn_egnn_create(&net->egnn, p, name, &es, rng);
    }
    nn_mlp_spec ms = {.d_in = dim, .d_out = dim, .width = spec->width,
                      .n_hidden = spec->layers, .act = spec->act,
                      .conditional = conditional,
                      .fourier_scale = conditional ? spec->fourier_scale : 0,
                      .t_max = conditional ? t_max : -1};
    return nn_mlp_create(&net->mlp, p, name, &ms, rng);
}

void dikl_net_destroy(dikl_net *net)
{
    if (net->kind == DIKL_NET_EGNN)
        nn_egnn_destroy(&net->egnn);
    else
        nn_mlp_destroy(&net->mlp);
    memset(net, 0, sizeof *net);
}

void dikl_centre_rows(nn_real *x, int batch, int n_particles,
                      int spatial_dim)
{
    if (n_particles < 1)
        return;
    int dim = n_particles * spatial_dim;
    for (int b = 0; b < batch; b++) {
        nn_real *row = x + (size_t)b * dim;
        for (int k = 0; k < spatial_dim; k++) {
            double mean = 0;
            for (int i = 0; i < n_particles; i++)
                mean += row[i * spatial_dim + k];
            mean /= n_particles;
            for (int i = 0; i < n_particles; i++)
                row[i * spatial_dim + k] -= (nn_real)mean;
        }
    }
}

int dikl_net_forward(dikl_net *net, const nn_params *p, const nn_real *x,
                     const nn_real *t, nn_real *y, int batch)
{
    if (net->kind == DIKL_NET_MLP)
        return nn_mlp_forward(&net->mlp, p, x, net->conditional ? t : NULL,
                              y, batch);
    if (net->conditional)
        /* score: the centred displacement is the score (§6.8) */
        return nn_egnn_forward(&net->egnn, p, x, t, y, batch);
    /* generator: x = centre(EGNN(z) − z) (§6.8) */
    DIGS_CHECK(nn_egnn_forward(&net->egnn, p, x, NULL, y, batch));
    size_t n = (size_t)batch * net->dim;
    for (size_t i = 0; i < n; i++)
        y[i] -= x[i];
    dikl_centre_rows(y, batch, net->n_particles, net->spatial_dim);
    return DIGS_OK;
}

void dikl_net_backward(dikl_net *net, nn_params *p, const nn_real *dy)
{
    if (net->kind == DIKL_NET_MLP) {
        nn_mlp_backward(&net->mlp, p, dy, NULL);
        return;
    }
    /* The generator's centring is a symmetric projection and the EGNN
     * output is already centred, so dL/d(EGNN out) = centre(dy) acts like
     * dy on it: the uncentred part of dy is annihilated by the EGNN's own
     * output centring in backward. */
    nn_egnn_backward(&net->egnn, p, dy, NULL);
}

int dikl_net_generate(dikl_net *gen, const nn_params *p, digs_stream *rng,
                      int n, int chunk, nn_real *z, nn_real *x)
{
    size_t total = (size_t)n * gen->dim;
    for (size_t i = 0; i < total; i++)
        z[i] = (nn_real)digs_stream_normal(rng);
    dikl_centre_rows(z, n, gen->n_particles, gen->spatial_dim);
    for (int b0 = 0; b0 < n; b0 += chunk) {
        int m = n - b0 < chunk ? n - b0 : chunk;
        size_t off = (size_t)b0 * gen->dim;
        DIGS_CHECK(dikl_net_forward(gen, p, z + off, NULL, x + off, m));
    }
    return DIGS_OK;
}
