/* One E_GCL layer (REFERENCE.md §6.8), forward in two halves and backward.
 * Index conventions as in egnn.h: node b·n + i, edge b·E + i·(n−1) + k
 * with j = k + (k ≥ i). */
#include "nn/egnn_layer.h"

#include <string.h>

#include "nn/activation.h"

static void relu_inplace(nn_real *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = a[i] > 0 ? a[i] : 0;
}

/* Copy the r and a columns of W₁ [H][2H+2] into contiguous vectors. */
static void edge1_columns(nn_egnn *g, const nn_params *p, int l)
{
    const int H = g->spec.hidden, ld1 = 2 * H + 2;
    const nn_real *W1 = nn_dense_weight(&g->layers[l].edge1, p);
    for (int q = 0; q < H; q++) {
        g->wr[q] = W1[(size_t)q * ld1 + 2 * H];
        g->wa[q] = W1[(size_t)q * ld1 + 2 * H + 1];
    }
}

void nn_egnn_layer_edges(nn_egnn *g, const nn_params *p, int l, int B,
                         nn_egnn_edges *c)
{
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, ld1 = 2 * H + 2;
    const int Nn = B * n, R = B * E;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *x = nn_egnn_node(g, g->xs, l, D);

    /* r_ij = ‖x_i − x_j‖², u_ij = (x_i − x_j)/(√(r_ij + 1e-8) + 1) */
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++) {
            const nn_real *xi = x + ((size_t)b * n + i) * D;
            for (int k = 0; k < n - 1; k++) {
                const nn_real *xj = x + ((size_t)b * n + k + (k >= i)) * D;
                size_t e = (size_t)b * E + (size_t)i * (n - 1) + k;
                nn_real r = 0;
                for (int d = 0; d < D; d++)
                    r += (xi[d] - xj[d]) * (xi[d] - xj[d]);
                nn_real s = NN_SQRT(r + (nn_real)1e-8);
                c->r[e] = r;
                c->s[e] = s;
                for (int d = 0; d < D; d++)
                    c->u[e * D + d] = (xi[d] - xj[d]) / (s + 1);
            }
        }

    /* m1 = ReLU(W₁[h_i, h_j, r, a] + b₁) = ReLU(P_i + Q_j + w_r r + w_a a + b₁) */
    const nn_real *W1 = nn_dense_weight(&L->edge1, p);
    const nn_real *b1 = nn_dense_bias(&L->edge1, p);
    nn_gemm(0, 1, Nn, H, H, 1, h, H, W1, ld1, 0, g->P, H);
    nn_gemm(0, 1, Nn, H, H, 1, h, H, W1 + H, ld1, 0, g->Q, H);
    edge1_columns(g, p, l);
    const nn_real *wr = g->wr, *wa = g->wa;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++) {
            const nn_real *Pi = g->P + ((size_t)b * n + i) * H;
            for (int k = 0; k < n - 1; k++) {
                const nn_real *Qj = g->Q + ((size_t)b * n + k + (k >= i)) * H;
                size_t e = (size_t)b * E + (size_t)i * (n - 1) + k;
                nn_real r = c->r[e], a = g->a[e];
                nn_real *m1 = c->m1 + e * H;
                for (int q = 0; q < H; q++) {
                    nn_real v = Pi[q] + Qj[q] + wr[q] * r + wa[q] * a + b1[q];
                    m1[q] = v > 0 ? v : 0;
                }
            }
        }

    /* m = ReLU(W₂ m1 + b₂); gate = sigmoid(w_aᵀ m + b_a); ea = m·gate */
    nn_dense_apply(&L->edge2, p, c->m1, c->m, R);
    relu_inplace(c->m, (size_t)R * H);
    nn_gemv(0, R, H, 1, c->m, H, nn_dense_weight(&L->att, p), 0, c->g);
    const nn_real batt = nn_dense_bias(&L->att, p)[0];
    for (size_t e = 0; e < (size_t)R; e++) {
        nn_real gate = nn_sigmoid(c->g[e] + batt);
        c->g[e] = gate;
        const nn_real *m = c->m + e * H;
        nn_real *mt = g->ea + e * H;
        for (int q = 0; q < H; q++)
            mt[q] = gate * m[q];
    }

    /* φ = tanh(w_x2ᵀ ReLU(W_x1 m̃ + b_x1)) */
    nn_dense_apply(&L->coord1, p, g->ea, c->c1, R);
    relu_inplace(c->c1, (size_t)R * H);
    nn_gemv(0, R, H, 1, c->c1, H, nn_dense_weight(&L->coord2, p), 0, c->phi);
    for (size_t e = 0; e < (size_t)R; e++)
        c->phi[e] = NN_TANH(c->phi[e]);
}

void nn_egnn_layer_nodes(nn_egnn *g, const nn_params *p, int l, int B,
                         const nn_egnn_edges *c)
{
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges;
    const int Nn = B * n;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *x = nn_egnn_node(g, g->xs, l, D);
    nn_real *xo = nn_egnn_node(g, g->xs, l + 1, D);
    const nn_real k = (nn_real)g->coord_scale;

    /* x_i ← x_i + (15/L) Σ_j u_ij φ_ij */
    memcpy(xo, x, (size_t)Nn * D * sizeof *xo);
    for (int node = 0; node < Nn; node++) {
        size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
        for (int kk = 0; kk < n - 1; kk++) {
            nn_real w = k * c->phi[e0 + kk];
            for (int d = 0; d < D; d++)
                xo[(size_t)node * D + d] += c->u[(e0 + kk) * D + d] * w;
        }
    }
    /* The last layer's features reach no output: skip its node MLP. */
    if (l == g->spec.n_layers - 1)
        return;

    /* agg_i = Σ_j m̃_ij (edges of node i are contiguous in ea) */
    nn_real *agg = nn_egnn_node(g, g->agg, l, H);
    for (int node = 0; node < Nn; node++) {
        size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
        nn_real *ag = agg + (size_t)node * H;
        memset(ag, 0, (size_t)H * sizeof *ag);
        for (int kk = 0; kk < n - 1; kk++) {
            const nn_real *mt = g->ea + (e0 + kk) * H;
            for (int q = 0; q < H; q++)
                ag[q] += mt[q];
        }
    }

    /* h ← h + W_h2 ReLU(W_h1[h, agg] + b_h1) + b_h2 */
    nn_real *n1 = nn_egnn_node(g, g->n1, l, H);
    const nn_real *Wn1 = nn_dense_weight(&L->node1, p);
    const nn_real *bn1 = nn_dense_bias(&L->node1, p);
    for (int node = 0; node < Nn; node++)
        memcpy(n1 + (size_t)node * H, bn1, (size_t)H * sizeof *n1);
    nn_gemm(0, 1, Nn, H, H, 1, h, H, Wn1, 2 * H, 1, n1, H);
    nn_gemm(0, 1, Nn, H, H, 1, agg, H, Wn1 + H, 2 * H, 1, n1, H);
    relu_inplace(n1, (size_t)Nn * H);
    nn_real *ho = nn_egnn_node(g, g->hs, l + 1, H);
    const nn_real *bn2 = nn_dense_bias(&L->node2, p);
    for (int node = 0; node < Nn; node++)
        for (int q = 0; q < H; q++)
            ho[(size_t)node * H + q] = h[(size_t)node * H + q] + bn2[q];
    nn_gemm(0, 1, Nn, H, H, 1, n1, H, nn_dense_weight(&L->node2, p), H, 1,
            ho, H);
}

/* Node-MLP backward: dh (grad of h_out) gains the node path, and
 * g->nd2 receives dL/dagg. */
static void node_backward(nn_egnn *g, nn_params *p, int l, int B)
{
    const int n = g->spec.n_particles, H = g->spec.hidden, Nn = B * n;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *agg = nn_egnn_node(g, g->agg, l, H);
    const nn_real *n1 = nn_egnn_node(g, g->n1, l, H);
    nn_real *dh = g->dh, *dn1 = g->nd1;

    nn_dense_grad(&L->node2, p, n1, dh, dn1, Nn);
    for (size_t i = 0; i < (size_t)Nn * H; i++)
        dn1[i] = n1[i] > 0 ? dn1[i] : 0;
    const nn_real *Wn1 = nn_dense_weight(&L->node1, p);
    nn_real *gWn1 = p->grad + L->node1.w;
    nn_gemm(1, 0, H, H, Nn, 1, dn1, H, h, H, 1, gWn1, 2 * H);
    nn_gemm(1, 0, H, H, Nn, 1, dn1, H, agg, H, 1, gWn1 + H, 2 * H);
    nn_colsum_acc(dn1, Nn, H, p->grad + L->node1.b);
    nn_gemm(0, 0, Nn, H, H, 1, dn1, H, Wn1, 2 * H, 1, dh, H);
    nn_gemm(0, 0, Nn, H, H, 1, dn1, H, Wn1 + H, 2 * H, 0, g->nd2, H);
}

void nn_egnn_layer_backward(nn_egnn *g, nn_params *p, int l, int B,
                            const nn_egnn_edges *c)
{
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, ld1 = 2 * H + 2;
    const int Nn = B * n, R = B * E;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *x = nn_egnn_node(g, g->xs, l, D);
    const nn_real k = (nn_real)g->coord_scale;
    nn_real *dx = g->dx, *dagg = g->nd2;
    nn_real *A = g->ea, *T = g->eb, *dc2 = g->ev1, *dz = g->ev2;

    if (l == g->spec.n_layers - 1)
        memset(dagg, 0, (size_t)Nn * H * sizeof *dagg);
    else
        node_backward(g, p, l, B);

    /* coordinate MLP: dφ_ij = k dx_i·u_ij, dc2 = dφ (1 − φ²) */
    for (int node = 0; node < Nn; node++) {
        size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
        for (int kk = 0; kk < n - 1; kk++) {
            size_t e = e0 + kk;
            nn_real dphi = 0;
            for (int d = 0; d < D; d++)
                dphi += dx[(size_t)node * D + d] * c->u[e * D + d];
            dc2[e] = k * dphi * (1 - c->phi[e] * c->phi[e]);
        }
    }
    const nn_real *wx2 = nn_dense_weight(&L->coord2, p);
    nn_gemv(1, R, H, 1, c->c1, H, dc2, 1, p->grad + L->coord2.w);
    for (size_t e = 0; e < (size_t)R; e++)
        for (int q = 0; q < H; q++)
            A[e * H + q] = c->c1[e * H + q] > 0 ? dc2[e] * wx2[q] : 0;
    /* T = m̃ (recomputed) for dW_x1 = Aᵀ m̃ */
    for (size_t e = 0; e < (size_t)R; e++)
        for (int q = 0; q < H; q++)
            T[e * H + q] = c->g[e] * c->m[e * H + q];
    nn_gemm(1, 0, H, H, R, 1, A, H, T, H, 1, p->grad + L->coord1.w, H);
    nn_colsum_acc(A, R, H, p->grad + L->coord1.b);
    /* T = dL/dm̃ = dagg_i (message sum) + A W_x1 (coordinate MLP) */
    for (int node = 0; node < Nn; node++) {
        size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
        for (int kk = 0; kk < n - 1; kk++)
            memcpy(T + (e0 + kk) * H, dagg + (size_t)node * H,
                   (size_t)H * sizeof *T);
    }
    nn_gemm(0, 0, R, H, H, 1, A, H, nn_dense_weight(&L->coord1, p), H, 1, T,
            H);

    /* attention m̃ = m·gate: dm = gate dm̃ + dz w_a, dz = (dm̃·m) gate(1−gate);
     * then through the ReLU of the second edge layer */
    const nn_real *watt = nn_dense_weight(&L->att, p);
    nn_real dbatt = 0;
    for (size_t e = 0; e < (size_t)R; e++) {
        const nn_real *m = c->m + e * H;
        nn_real *t = T + e * H;
        nn_real gate = c->g[e], dgate = 0;
        for (int q = 0; q < H; q++)
            dgate += t[q] * m[q];
        nn_real z = dgate * gate * (1 - gate);
        dz[e] = z;
        dbatt += z;
        for (int q = 0; q < H; q++)
            t[q] = m[q] > 0 ? gate * t[q] + z * watt[q] : 0;
    }
    nn_gemv(1, R, H, 1, c->m, H, dz, 1, p->grad + L->att.w);
    p->grad[L->att.b] += dbatt;

    /* second edge layer, then the ReLU of the first */
    nn_dense_grad(&L->edge2, p, c->m1, T, A, R);
    for (size_t i = 0; i < (size_t)R * H; i++)
        A[i] = c->m1[i] > 0 ? A[i] : 0;

    /* first edge layer: dP_i = Σ_j dpre_ij, dQ_j = Σ_i dpre_ij */
    nn_real *dP = g->P, *dQ = g->Q;
    memset(dQ, 0, (size_t)Nn * H * sizeof *dQ);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++) {
            nn_real *Pi = dP + ((size_t)b * n + i) * H;
            memset(Pi, 0, (size_t)H * sizeof *Pi);
            for (int kk = 0; kk < n - 1; kk++) {
                nn_real *Qj = dQ + ((size_t)b * n + kk + (kk >= i)) * H;
                const nn_real *a = A
                    + ((size_t)b * E + (size_t)i * (n - 1) + kk) * H;
                for (int q = 0; q < H; q++) {
                    Pi[q] += a[q];
                    Qj[q] += a[q];
                }
            }
        }
    const nn_real *W1 = nn_dense_weight(&L->edge1, p);
    nn_real *gW1 = p->grad + L->edge1.w;
    nn_colsum_acc(A, R, H, p->grad + L->edge1.b);
    nn_gemm(1, 0, H, H, Nn, 1, dP, H, h, H, 1, gW1, ld1);
    nn_gemm(1, 0, H, H, Nn, 1, dQ, H, h, H, 1, gW1 + H, ld1);
    nn_gemm(0, 0, Nn, H, H, 1, dP, H, W1, ld1, 1, g->dh, H);
    nn_gemm(0, 0, Nn, H, H, 1, dQ, H, W1 + H, ld1, 1, g->dh, H);
    nn_gemv(1, R, H, 1, A, H, c->r, 0, g->hv);
    for (int q = 0; q < H; q++)
        gW1[(size_t)q * ld1 + 2 * H] += g->hv[q];
    nn_gemv(1, R, H, 1, A, H, g->a, 0, g->hv);
    for (int q = 0; q < H; q++)
        gW1[(size_t)q * ld1 + 2 * H + 1] += g->hv[q];
    edge1_columns(g, p, l);
    nn_real *dr = dc2;  /* dc2 is no longer needed */
    nn_gemv(0, R, H, 1, A, H, g->wr, 0, dr);
    nn_gemv(0, R, H, 1, A, H, g->wa, 1, g->da);

    /* geometry: x_out = x + k Σ_j u_ij φ_ij and r_ij = ‖x_i − x_j‖².
     * With δ = x_i − x_j, s = √(r + 1e-8), f = 1/(s + 1), u = f δ:
     * dδ = f du − (δ·du) f²/s δ + 2 dr δ, du = k φ dx_i. */
    nn_real *dxn = g->dx2;
    memcpy(dxn, dx, (size_t)Nn * D * sizeof *dxn);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < n; i++) {
            size_t ni = (size_t)b * n + i;
            for (int kk = 0; kk < n - 1; kk++) {
                size_t nj = (size_t)b * n + kk + (kk >= i);
                size_t e = (size_t)b * E + (size_t)i * (n - 1) + kk;
                nn_real s = c->s[e], f = 1 / (s + 1);
                nn_real w = k * c->phi[e], dot = 0;
                for (int d = 0; d < D; d++)
                    dot += (x[ni * D + d] - x[nj * D + d]) * w * dx[ni * D + d];
                nn_real cdel = 2 * dr[e] - dot * f * f / s;
                for (int d = 0; d < D; d++) {
                    nn_real del = x[ni * D + d] - x[nj * D + d];
                    nn_real dd = f * w * dx[ni * D + d] + cdel * del;
                    dxn[ni * D + d] += dd;
                    dxn[nj * D + d] -= dd;
                }
            }
        }
    g->dx2 = dx;
    g->dx = dxn;
}
