/* EGNN network: input centring, time embedding, the layer stack and the
 * centred displacement output (REFERENCE.md §6.8).  The layer itself is
 * in egnn_layer.c. */
#include "nn/egnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "nn/egnn_layer.h"
#include "nn/init.h"

nn_egnn_spec nn_egnn_spec_dw4(int n_layers)
{
    nn_egnn_spec s = {.n_particles = 4, .spatial_dim = 2, .hidden = 144,
                      .n_layers = n_layers, .recompute = 0};
    return s;
}

nn_egnn_spec nn_egnn_spec_lj13(void)
{
    nn_egnn_spec s = {.n_particles = 13, .spatial_dim = 3, .hidden = 192,
                      .n_layers = 8, .recompute = 1};
    return s;
}

static int dense(nn_dense *d, nn_params *p, const char *prefix,
                 const char *name, int in, int out, int bias,
                 digs_stream *rng)
{
    char full[NN_NAME_MAX];
    int len = snprintf(full, sizeof full, "%s.%s", prefix, name);
    if (len < 0 || (size_t)len >= sizeof full)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "EGNN layer name '%s.%s' too long",
                         prefix, name);
    return nn_dense_init(d, p, full, in, out, bias, rng);
}

int nn_egnn_create(nn_egnn *g, nn_params *p, const char *name,
                   const nn_egnn_spec *spec, digs_stream *rng)
{
    memset(g, 0, sizeof *g);
    if (spec->n_particles < 2 || spec->spatial_dim < 1 || spec->hidden < 1
        || spec->n_layers < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "EGNN %s: need n >= 2 particles, D >= 1, H >= 1, "
                         "L >= 1 (got %d, %d, %d, %d)",
                         name, spec->n_particles, spec->spatial_dim,
                         spec->hidden, spec->n_layers);
    g->spec = *spec;
    const int H = spec->hidden;
    g->n_edges = spec->n_particles * (spec->n_particles - 1);
    g->coord_scale = 15.0 / spec->n_layers;  /* §6.8: tanh range 15/L */
    DIGS_CHECK(dense(&g->embed, p, name, "embedding", 1, H, 1, rng));
    DIGS_CALLOC(g->layers, spec->n_layers);
    char prefix[NN_NAME_MAX];
    for (int l = 0; l < spec->n_layers; l++) {
        nn_egnn_layer *L = &g->layers[l];
        snprintf(prefix, sizeof prefix, "%s.layers.%d", name, l);
        DIGS_CHECK(dense(&L->edge1, p, prefix, "edge_mlp.0", 2 * H + 2, H, 1,
                         rng));
        DIGS_CHECK(dense(&L->edge2, p, prefix, "edge_mlp.2", H, H, 1, rng));
        DIGS_CHECK(dense(&L->att, p, prefix, "att_mlp.0", H, 1, 1, rng));
        DIGS_CHECK(dense(&L->coord1, p, prefix, "coord_mlp.0", H, H, 1, rng));
        DIGS_CHECK(dense(&L->coord2, p, prefix, "coord_mlp.2", H, 1, 0, rng));
        /* §6.8: last coordinate layer Xavier-uniform with gain 0.001 */
        nn_fill_uniform(rng, nn_dense_weight(&L->coord2, p), (size_t)H,
                        nn_xavier_bound(H, 1, 0.001));
        DIGS_CHECK(dense(&L->node1, p, prefix, "node_mlp.0", 2 * H, H, 1,
                         rng));
        DIGS_CHECK(dense(&L->node2, p, prefix, "node_mlp.2", H, H, 1, rng));
    }
    DIGS_CALLOC(g->wr, H);
    DIGS_CALLOC(g->wa, H);
    DIGS_CALLOC(g->hv, H);
    return DIGS_OK;
}

static void free_edges(nn_egnn_edges *c)
{
    free(c->r);
    free(c->s);
    free(c->u);
    free(c->m1);
    free(c->m);
    free(c->g);
    free(c->c1);
    free(c->phi);
    memset(c, 0, sizeof *c);
}

static void free_caches(nn_egnn *g)
{
    int nc = g->spec.recompute ? 1 : g->spec.n_layers;
    if (g->edges)
        for (int i = 0; i < nc; i++)
            free_edges(&g->edges[i]);
    free(g->edges);
    nn_real **bufs[] = {&g->t,   &g->a,   &g->xs, &g->hs,  &g->agg, &g->n1,
                        &g->P,   &g->Q,   &g->nd1, &g->nd2, &g->dh, &g->dx,
                        &g->dx2, &g->ea,  &g->eb, &g->ev1, &g->ev2, &g->da};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) {
        free(*bufs[i]);
        *bufs[i] = NULL;
    }
    g->edges = NULL;
    g->cap = 0;
}

void nn_egnn_destroy(nn_egnn *g)
{
    free_caches(g);
    free(g->layers);
    free(g->wr);
    free(g->wa);
    free(g->hv);
    memset(g, 0, sizeof *g);
}

static int reserve(nn_egnn *g, int B)
{
    if (B <= g->cap)
        return DIGS_OK;
    free_caches(g);
    const size_t n = (size_t)g->spec.n_particles, D = (size_t)g->spec.spatial_dim;
    const size_t H = (size_t)g->spec.hidden, L = (size_t)g->spec.n_layers;
    const size_t Nn = (size_t)B * n, R = (size_t)B * (size_t)g->n_edges;
    int nc = g->spec.recompute ? 1 : g->spec.n_layers;
    DIGS_CALLOC(g->edges, nc);
    for (int i = 0; i < nc; i++) {
        nn_egnn_edges *c = &g->edges[i];
        DIGS_CALLOC(c->r, R);
        DIGS_CALLOC(c->s, R);
        DIGS_CALLOC(c->u, R * D);
        DIGS_CALLOC(c->m1, R * H);
        DIGS_CALLOC(c->m, R * H);
        DIGS_CALLOC(c->g, R);
        DIGS_CALLOC(c->c1, R * H);
        DIGS_CALLOC(c->phi, R);
    }
    DIGS_CALLOC(g->t, B);
    DIGS_CALLOC(g->a, R);
    DIGS_CALLOC(g->xs, (L + 1) * Nn * D);
    DIGS_CALLOC(g->hs, (L + 1) * Nn * H);
    DIGS_CALLOC(g->agg, L * Nn * H);
    DIGS_CALLOC(g->n1, L * Nn * H);
    DIGS_CALLOC(g->P, Nn * H);
    DIGS_CALLOC(g->Q, Nn * H);
    DIGS_CALLOC(g->nd1, Nn * H);
    DIGS_CALLOC(g->nd2, Nn * H);
    DIGS_CALLOC(g->dh, Nn * H);
    DIGS_CALLOC(g->dx, Nn * D);
    DIGS_CALLOC(g->dx2, Nn * D);
    DIGS_CALLOC(g->ea, R * H);
    DIGS_CALLOC(g->eb, R * H);
    DIGS_CALLOC(g->ev1, R);
    DIGS_CALLOC(g->ev2, R);
    DIGS_CALLOC(g->da, R);
    g->cap = B;
    return DIGS_OK;
}

/* Subtract the per-sample, per-axis mean over particles (§2 "Centring");
 * v is [B][n][D].  Centring is an orthogonal projection, so it is also
 * its own backward. */
static void centre(nn_real *v, int B, int n, int D)
{
    for (int b = 0; b < B; b++) {
        nn_real *vb = v + (size_t)b * n * D;
        for (int d = 0; d < D; d++) {
            nn_real mean = 0;
            for (int i = 0; i < n; i++)
                mean += vb[i * D + d];
            mean /= n;
            for (int i = 0; i < n; i++)
                vb[i * D + d] -= mean;
        }
    }
}

int nn_egnn_forward(nn_egnn *g, const nn_params *p, const nn_real *x_in,
                    const nn_real *t, nn_real *out, int batch)
{
    if (batch < 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "EGNN forward: batch %d < 0",
                         batch);
    if (batch == 0) {
        g->batch = 0;
        return DIGS_OK;
    }
    DIGS_CHECK(reserve(g, batch));
    g->batch = batch;
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, L = g->spec.n_layers;
    const size_t nd = (size_t)batch * n * D;

    /* x⁰ = centre(x_in); a_ij = ‖x⁰_i − x⁰_j‖² */
    nn_real *x0 = g->xs;
    memcpy(x0, x_in, nd * sizeof *x0);
    centre(x0, batch, n, D);
    for (int b = 0; b < batch; b++)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n - 1; k++) {
                const nn_real *xi = x0 + ((size_t)b * n + i) * D;
                const nn_real *xj = x0 + ((size_t)b * n + k + (k >= i)) * D;
                nn_real r = 0;
                for (int d = 0; d < D; d++)
                    r += (xi[d] - xj[d]) * (xi[d] - xj[d]);
                g->a[(size_t)b * E + (size_t)i * (n - 1) + k] = r;
            }

    /* h⁰_i = Linear(1→H)(t_b), t_b = 1 without time input */
    const nn_real *we = nn_dense_weight(&g->embed, p);
    const nn_real *be = nn_dense_bias(&g->embed, p);
    for (int b = 0; b < batch; b++) {
        g->t[b] = t ? t[b] : 1;
        for (int i = 0; i < n; i++) {
            nn_real *h = g->hs + ((size_t)b * n + i) * H;
            for (int q = 0; q < H; q++)
                h[q] = we[q] * g->t[b] + be[q];
        }
    }

    for (int l = 0; l < L; l++) {
        nn_egnn_edges *c = &g->edges[g->spec.recompute ? 0 : l];
        nn_egnn_layer_edges(g, p, l, batch, c);
        nn_egnn_layer_nodes(g, p, l, batch, c);
    }

    /* out = centre(x^L − x⁰) */
    const nn_real *xl = nn_egnn_node(g, g->xs, L, D);
    for (size_t i = 0; i < nd; i++)
        out[i] = xl[i] - x0[i];
    centre(out, batch, n, D);
    return DIGS_OK;
}

void nn_egnn_backward(nn_egnn *g, nn_params *p, const nn_real *dout,
                      nn_real *dx_in)
{
    const int B = g->batch;
    if (B == 0)
        return;
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, L = g->spec.n_layers;
    const size_t nd = (size_t)B * n * D, nh = (size_t)B * n * H;

    /* dL/dx^L = centre(dout); h^L reaches no output */
    memcpy(g->dx, dout, nd * sizeof *g->dx);
    centre(g->dx, B, n, D);
    memset(g->dh, 0, nh * sizeof *g->dh);
    memset(g->da, 0, (size_t)B * E * sizeof *g->da);
    for (int l = L - 1; l >= 0; l--) {
        nn_egnn_edges *c = &g->edges[g->spec.recompute ? 0 : l];
        if (g->spec.recompute)
            nn_egnn_layer_edges(g, p, l, B, c);
        nn_egnn_layer_backward(g, p, l, B, c);
    }

    /* x⁰ also enters directly (−x⁰ in the output) and through a_ij */
    nn_real *dx = g->dx;
    const nn_real *x0 = g->xs;
    for (int b = 0; b < B; b++)
        for (int d = 0; d < D; d++) {
            nn_real mean = 0;
            for (int i = 0; i < n; i++)
                mean += dout[((size_t)b * n + i) * D + d];
            mean /= n;
            for (int i = 0; i < n; i++)
                dx[((size_t)b * n + i) * D + d] -=
                    dout[((size_t)b * n + i) * D + d] - mean;
        }
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n - 1; k++) {
                size_t ni = (size_t)b * n + i, nj = (size_t)b * n + k + (k >= i);
                nn_real w = 2 * g->da[(size_t)b * E + (size_t)i * (n - 1) + k];
                for (int d = 0; d < D; d++) {
                    nn_real del = w * (x0[ni * D + d] - x0[nj * D + d]);
                    dx[ni * D + d] += del;
                    dx[nj * D + d] -= del;
                }
            }

    /* embedding Linear(1→H): dW += Σ dh t, db += Σ dh */
    nn_real *gw = p->grad + g->embed.w, *gb = p->grad + g->embed.b;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++) {
            const nn_real *dh = g->dh + ((size_t)b * n + i) * H;
            for (int q = 0; q < H; q++) {
                gw[q] += dh[q] * g->t[b];
                gb[q] += dh[q];
            }
        }

    if (dx_in) {
        memcpy(dx_in, dx, nd * sizeof *dx_in);
        centre(dx_in, B, n, D);
    }
}

void nn_egnn_flops(const nn_egnn *g, int batch, double *forward,
                   double *backward)
{
    const double n = g->spec.n_particles, H = g->spec.hidden;
    const double Nn = batch * n, R = (double)batch * g->n_edges;
    const int L = g->spec.n_layers;
    /* per layer, 2 flops per multiply-add */
    double edge_f = 2 * (2 * Nn * H * H)   /* P, Q */
                    + 2 * R * H * H        /* edge_mlp.2 */
                    + 2 * R * H            /* attention */
                    + 2 * R * H * H        /* coord_mlp.0 */
                    + 2 * R * H;           /* coord_mlp.2 */
    double node_f = 2 * (2 * Nn * H * H)   /* node_mlp.0 */
                    + 2 * Nn * H * H;      /* node_mlp.2 */
    double edge_b = 2 * R * H              /* coord_mlp.2 weight */
                    + 2 * (2 * R * H * H)  /* coord_mlp.0 weight, input */
                    + 2 * R * H            /* attention weight */
                    + 2 * (2 * R * H * H)  /* edge_mlp.2 weight, input */
                    + 4 * (2 * Nn * H * H) /* edge_mlp.0 weight, input */
                    + 4 * (2 * R * H);     /* r, a columns */
    double node_b = 2 * (2 * Nn * H * H)   /* node_mlp.2 weight, input */
                    + 4 * (2 * Nn * H * H);/* node_mlp.0 weight, input */
    *forward = L * edge_f + (L - 1) * node_f;
    *backward = L * edge_b + (L - 1) * node_b
                + (g->spec.recompute ? L * edge_f : 0);
}
