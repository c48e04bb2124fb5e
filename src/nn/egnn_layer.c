/* One E_GCL layer (REFERENCE.md §6.8), forward in two halves and backward.
 * Index conventions as in egnn.h: node b·n + i, edge b·E + i·(n−1) + k
 * with j = k + (k ≥ i).
 *
 * Speed: the [B·E][H] edge arrays do not fit in cache, so every pass over
 * them costs memory traffic.  The edge work therefore runs in blocks of
 * whole samples whose [rows][H] arrays (~256 KB each) stay in the L2
 * cache from one pass to the next, and each gemm is followed by ONE fused
 * pass per edge row (ReLU, the H→1 attention / coordinate products and the
 * gate, or their backward with the bias and vector-weight gradients).  The
 * forward gemms' biases are written into their output rows by the pass
 * before (beta = 1), which spares OpenBLAS's zeroing pass over the block;
 * b + W·m still rounds once, as (W·m) + b did, while OpenBLAS adds each
 * product into C in one piece (H no larger than its K block).  The message
 * sums are taken while the block is in cache.  Backward scratch (A, T in
 * g->ea, g->eb) is block-local.
 *
 * Vectors: 8 floats (4 doubles in the test build), one AVX register in the
 * "avx2" clones of the three entry points (target_clones, chosen at load
 * time), two SSE registers in the default clones.  The H→1 products
 * accumulate in 16-byte lanes, adding each wide product's low half and then
 * its high half: the same sums in the same order whatever the clone, and
 * the clones enable no FMA, so nothing is contracted.  Both clones
 * therefore give bit-identical results. */
#include "nn/egnn_layer.h"

#include <string.h>

#include "nn/activation.h"

typedef nn_real vr __attribute__((vector_size(32)));
typedef nn_real vacc __attribute__((vector_size(16)));
typedef __typeof__((vr){0} > (vr){0}) vmask;
enum { NV = 32 / sizeof(nn_real) };

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LAYER_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LAYER_CLONES
#endif
/* Helpers are inlined into each clone and compiled for its target, so no
 * 32-byte vector crosses a call (GCC's -Wpsabi note about the AVX ABI of
 * by-value vectors does not apply). */
#pragma GCC diagnostic ignored "-Wpsabi"
#define VEC static inline __attribute__((always_inline))

/* Lanes [0, w) of p, zeros above (w <= NV; w < NV only in a row's
 * tail, so the branch is predicted and the full load is one move). */
VEC vr vld(const nn_real *p, int w)
{
    vr v = {0};
    if (__builtin_expect(w == NV, 1))
        memcpy(&v, p, sizeof v);
    else
        memcpy(&v, p, (size_t)w * sizeof *p);
    return v;
}

VEC void vst(nn_real *p, vr v, int w)
{
    if (__builtin_expect(w == NV, 1))
        memcpy(p, &v, sizeof v);
    else
        memcpy(p, &v, (size_t)w * sizeof *p);
}

/* Lanes of v where mask is set, zero elsewhere. */
VEC vr vand(vr v, vmask m)
{
    return (vr)((vmask)v & m);
}

/* acc + the low half of p, then + its high half (see the file comment). */
VEC vacc acc_halves(vacc acc, vr p)
{
    vacc lo, hi;
    memcpy(&lo, &p, sizeof lo);
    memcpy(&hi, (char *)&p + sizeof lo, sizeof hi);
    return acc + lo + hi;
}

VEC nn_real vsum(vacc v)
{
    nn_real s = 0;
    for (int k = 0; k < (int)(sizeof v / sizeof s); k++)
        s += v[k];
    return s;
}

/* Width of the vector starting at q of a row of H. */
VEC int lanes(int q, int H)
{
    return H - q < NV ? H - q : NV;
}

VEC void relu_inplace(nn_real *a, size_t n)
{
    size_t i = 0;
    for (; i + NV <= n; i += NV) {
        vr v = vld(a + i, NV);
        vst(a + i, vand(v, v > 0), NV);
    }
    for (; i < n; i++)
        a[i] = a[i] > 0 ? a[i] : 0;
}

/* Samples per block of edge rows: about 2^16 reals per [rows][H] array
 * (256 KB in float), at least one sample. */
static int block_samples(const nn_egnn *g)
{
    int bs = (1 << 16) / (g->spec.hidden * g->n_edges);
    return bs < 1 ? 1 : bs;
}

/* 1 when every node enters layer l with the same features h: layer 0
 * with one time value for the whole batch (h⁰ = Linear(1→H)(t); the
 * generator always has t = 1).  The products of h with W₁ and W_h1 are
 * then one row, computed once (3·B·n·H² multiply-adds saved). */
static int uniform_h(const nn_egnn *g, int l, int B)
{
    if (l != 0)
        return 0;
    for (int b = 1; b < B; b++)
        if (g->t[b] != g->t[0])
            return 0;
    return 1;
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

/* m1 = ReLU(P_i + Q_j + w_r r + w_a a + b₁), one edge row; also seeds the
 * row `next` of the following product with its bias b₂ (that gemm then
 * adds with beta = 1, sparing OpenBLAS's separate zeroing pass). */
VEC void m1_row(const nn_real *Pi, const nn_real *Qj, const nn_real *wr,
                const nn_real *wa, const nn_real *b1, nn_real r, nn_real a,
                nn_real *m1, const nn_real *b2, nn_real *next, int H)
{
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr v = vld(Pi + q, w) + vld(Qj + q, w) + vld(wr + q, w) * r
               + vld(wa + q, w) * a + vld(b1 + q, w);
        vst(m1 + q, vand(v, v > 0), w);
        vst(next + q, vld(b2 + q, w), w);
    }
}

/* row = ReLU(row) in place (its bias is already in); returns w·row (an
 * H → 1 product). */
VEC nn_real relu_dot(nn_real *row, const nn_real *wv, int H)
{
    vacc acc = {0};
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr v = vld(row + q, w);
        v = vand(v, v > 0);
        vst(row + q, v, w);
        acc = acc_halves(acc, v * vld(wv + q, w));
    }
    return vsum(acc);
}

/* y = s·x, and the row `next` of the following product seeded with its
 * bias b (as in m1_row). */
VEC void scale_row(const nn_real *x, nn_real s, nn_real *y,
                   const nn_real *b, nn_real *next, int H)
{
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vst(y + q, vld(x + q, w) * s, w);
        vst(next + q, vld(b + q, w), w);
    }
}

/* agg_i = Σ_j m̃_ij for the nodes of samples [b0, b0 + nb), while their
 * edge rows of ea are still in cache (edges of node i are contiguous). */
VEC void aggregate_block(nn_egnn *g, int l, int b0, int nb)
{
    const int n = g->spec.n_particles, H = g->spec.hidden, E = g->n_edges;
    nn_real *agg = nn_egnn_node(g, g->agg, l, H);
    for (int node = b0 * n; node < (b0 + nb) * n; node++) {
        size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
        nn_real *ag = agg + (size_t)node * H;
        for (int q = 0; q < H; q += NV) {
            int w = lanes(q, H);
            vr s = {0};
            for (int kk = 0; kk < n - 1; kk++)
                s += vld(g->ea + (e0 + kk) * H + q, w);
            vst(ag + q, s, w);
        }
    }
}

LAYER_CLONES void nn_egnn_layer_edges(nn_egnn *g, const nn_params *p, int l, int B,
                         nn_egnn_edges *c)
{
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, ld1 = 2 * H + 2;
    const int Nn = B * n;
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
    const int u = uniform_h(g, l, B);  /* then P, Q are one row */
    nn_gemm(0, 1, u ? 1 : Nn, H, H, 1, h, H, W1, ld1, 0, g->P, H);
    nn_gemm(0, 1, u ? 1 : Nn, H, H, 1, h, H, W1 + H, ld1, 0, g->Q, H);
    edge1_columns(g, p, l);
    const nn_real *W2 = nn_dense_weight(&L->edge2, p);
    const nn_real *b2 = nn_dense_bias(&L->edge2, p);
    const nn_real *watt = nn_dense_weight(&L->att, p);
    const nn_real batt = nn_dense_bias(&L->att, p)[0];
    const nn_real *Wx1 = nn_dense_weight(&L->coord1, p);
    const nn_real *bx1 = nn_dense_bias(&L->coord1, p);
    const nn_real *wx2 = nn_dense_weight(&L->coord2, p);
    const int bs = block_samples(g);
    for (int b0 = 0; b0 < B; b0 += bs) {
        const int nb = B - b0 < bs ? B - b0 : bs, rows = nb * E;
        const size_t r0 = (size_t)b0 * E, r1 = r0 + (size_t)rows;
        for (int b = b0; b < b0 + nb; b++)
            for (int i = 0; i < n; i++) {
                const nn_real *Pi = g->P + (u ? 0 : ((size_t)b * n + i) * H);
                for (int k = 0; k < n - 1; k++) {
                    const nn_real *Qj =
                        g->Q + (u ? 0 : ((size_t)b * n + k + (k >= i)) * H);
                    size_t e = (size_t)b * E + (size_t)i * (n - 1) + k;
                    m1_row(Pi, Qj, g->wr, g->wa, b1, c->r[e], g->a[e],
                           c->m1 + e * H, b2, c->m + e * H, H);
                }
            }

        /* m = ReLU(W₂ m1 + b₂); gate = sigmoid(w_aᵀ m + b_a); ea = m·gate */
        nn_gemm(0, 1, rows, H, H, 1, c->m1 + r0 * H, H, W2, H, 1,
                c->m + r0 * H, H);
        for (size_t e = r0; e < r1; e++) {
            nn_real *m = c->m + e * H;
            nn_real gate = nn_sigmoid(relu_dot(m, watt, H) + batt);
            c->g[e] = gate;
            scale_row(m, gate, g->ea + e * H, bx1, c->c1 + e * H, H);
        }
        /* the last layer's features reach no output (nn_egnn_layer_nodes) */
        if (l < g->spec.n_layers - 1)
            aggregate_block(g, l, b0, nb);

        /* φ = tanh(w_x2ᵀ ReLU(W_x1 m̃ + b_x1)) */
        nn_gemm(0, 1, rows, H, H, 1, g->ea + r0 * H, H, Wx1, H, 1,
                c->c1 + r0 * H, H);
        for (size_t e = r0; e < r1; e++)
            c->phi[e] = NN_TANH(relu_dot(c->c1 + e * H, wx2, H));
    }
}

LAYER_CLONES void nn_egnn_layer_nodes(nn_egnn *g, const nn_params *p, int l, int B,
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

    /* agg (the message sums) came with the edges (aggregate_block) */
    const nn_real *agg = nn_egnn_node(g, g->agg, l, H);
    /* h ← h + W_h2 ReLU(W_h1[h, agg] + b_h1) + b_h2 */
    nn_real *n1 = nn_egnn_node(g, g->n1, l, H);
    const nn_real *Wn1 = nn_dense_weight(&L->node1, p);
    const nn_real *bn1 = nn_dense_bias(&L->node1, p);
    /* uniform h (uniform_h): the h part is one row, broadcast with b_h1 */
    const int u = uniform_h(g, l, B);
    memcpy(n1, bn1, (size_t)H * sizeof *n1);
    if (u)
        nn_gemm(0, 1, 1, H, H, 1, h, H, Wn1, 2 * H, 1, n1, H);
    for (int node = 1; node < Nn; node++)
        memcpy(n1 + (size_t)node * H, n1, (size_t)H * sizeof *n1);
    if (!u)
        nn_gemm(0, 1, Nn, H, H, 1, h, H, Wn1, 2 * H, 1, n1, H);
    nn_gemm(0, 1, Nn, H, H, 1, agg, H, Wn1 + H, 2 * H, 1, n1, H);
    relu_inplace(n1, (size_t)Nn * H);
    nn_real *ho = nn_egnn_node(g, g->hs, l + 1, H);
    const nn_real *bn2 = nn_dense_bias(&L->node2, p);
    for (int node = 0; node < Nn; node++)
        for (int q = 0; q < H; q += NV) {
            int w = lanes(q, H);
            size_t o = (size_t)node * H + q;
            vst(ho + o, vld(h + o, w) + vld(bn2 + q, w), w);
        }
    nn_gemm(0, 1, Nn, H, H, 1, n1, H, nn_dense_weight(&L->node2, p), H, 1,
            ho, H);
}

/* Node-MLP backward: dh (grad of h_out) gains the node path, and
 * g->nd2 receives dL/dagg. */
VEC void node_backward(nn_egnn *g, nn_params *p, int l, int B)
{
    const int n = g->spec.n_particles, H = g->spec.hidden, Nn = B * n;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *agg = nn_egnn_node(g, g->agg, l, H);
    const nn_real *n1 = nn_egnn_node(g, g->n1, l, H);
    nn_real *dh = g->dh, *dn1 = g->nd1;

    nn_dense_grad(&L->node2, p, n1, dh, dn1, Nn);
    size_t i = 0, all = (size_t)Nn * H;
    for (; i + NV <= all; i += NV)
        vst(dn1 + i, vand(vld(dn1 + i, NV), vld(n1 + i, NV) > 0), NV);
    for (; i < all; i++)
        dn1[i] = n1[i] > 0 ? dn1[i] : 0;
    const nn_real *Wn1 = nn_dense_weight(&L->node1, p);
    nn_real *gWn1 = p->grad + L->node1.w;
    nn_gemm(1, 0, H, H, Nn, 1, dn1, H, h, H, 1, gWn1, 2 * H);
    nn_gemm(1, 0, H, H, Nn, 1, dn1, H, agg, H, 1, gWn1 + H, 2 * H);
    nn_colsum_acc(dn1, Nn, H, p->grad + L->node1.b);
    nn_gemm(0, 0, Nn, H, H, 1, dn1, H, Wn1, 2 * H, 1, dh, H);
    nn_gemm(0, 0, Nn, H, H, 1, dn1, H, Wn1 + H, 2 * H, 0, g->nd2, H);
}

/* Coordinate-MLP backward for one edge: with dc2 = dL/d(w_x2ᵀ c1),
 * A = [c1 > 0] dc2 w_x2 (dL/d pre-activation of c1), gw_x2 += dc2 c1,
 * gb_x1 += A; and T = m̃ = gate·m (recomputed input of coord_mlp.0). */
VEC void coord_row(const nn_real *c1, const nn_real *m, nn_real gate,
                      nn_real dc2, const nn_real *wx2, nn_real *gwx2,
                      nn_real *gbx1, nn_real *A, nn_real *T, int H)
{
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr c = vld(c1 + q, w);
        vr a = vand(vld(wx2 + q, w) * dc2, c > 0);
        vst(A + q, a, w);
        vst(gwx2 + q, vld(gwx2 + q, w) + c * dc2, w);
        vst(gbx1 + q, vld(gbx1 + q, w) + a, w);
        vst(T + q, vld(m + q, w) * gate, w);
    }
}

/* Attention and second-ReLU backward for one edge.  On entry t = dL/dm̃
 * minus the message-sum part dagg_i; on return t = dL/d(W₂ m1 + b₂).
 * m̃ = m·gate: dm = gate dm̃ + z w_a with z = (dm̃·m) gate (1 − gate);
 * gw_a += z m, gb₂ += t; returns z (for gb_a). */
VEC nn_real attention_row(nn_real *t, const nn_real *dagg,
                             const nn_real *m, nn_real gate,
                             const nn_real *watt, nn_real *gwatt,
                             nn_real *gb2, int H)
{
    vacc acc = {0};
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr v = vld(t + q, w) + vld(dagg + q, w);
        vst(t + q, v, w);
        acc = acc_halves(acc, v * vld(m + q, w));
    }
    nn_real z = vsum(acc) * gate * (1 - gate);
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr mv = vld(m + q, w);
        vr v = vand(vld(t + q, w) * gate + vld(watt + q, w) * z, mv > 0);
        vst(t + q, v, w);
        vst(gwatt + q, vld(gwatt + q, w) + mv * z, w);
        vst(gb2 + q, vld(gb2 + q, w) + v, w);
    }
    return z;
}

/* First-edge-layer backward for one edge: a = [m1 > 0] A is dL/d(pre-
 * activation); dP_i += a, dQ_j += a, gb₁ += a, gr += a r, ga += a·a_ij;
 * *dr = a·w_r and *da += a·w_a. */
VEC void edge1_row(const nn_real *A, const nn_real *m1, nn_real r,
                      nn_real aa, const nn_real *wr, const nn_real *wa,
                      nn_real *dPi, nn_real *dQj, nn_real *gb1, nn_real *gr,
                      nn_real *ga, nn_real *dr, nn_real *da, int H)
{
    vacc accr = {0}, acca = {0};
    for (int q = 0; q < H; q += NV) {
        int w = lanes(q, H);
        vr a = vand(vld(A + q, w), vld(m1 + q, w) > 0);
        vst(dPi + q, vld(dPi + q, w) + a, w);
        vst(dQj + q, vld(dQj + q, w) + a, w);
        vst(gb1 + q, vld(gb1 + q, w) + a, w);
        vst(gr + q, vld(gr + q, w) + a * r, w);
        vst(ga + q, vld(ga + q, w) + a * aa, w);
        accr = acc_halves(accr, a * vld(wr + q, w));
        acca = acc_halves(acca, a * vld(wa + q, w));
    }
    *dr = vsum(accr);
    *da += vsum(acca);
}

LAYER_CLONES void nn_egnn_layer_backward(nn_egnn *g, nn_params *p, int l, int B,
                            const nn_egnn_edges *c)
{
    const int n = g->spec.n_particles, D = g->spec.spatial_dim;
    const int H = g->spec.hidden, E = g->n_edges, ld1 = 2 * H + 2;
    const int Nn = B * n;
    const nn_egnn_layer *L = &g->layers[l];
    const nn_real *h = nn_egnn_node(g, g->hs, l, H);
    const nn_real *x = nn_egnn_node(g, g->xs, l, D);
    const nn_real k = (nn_real)g->coord_scale;
    nn_real *dx = g->dx, *dagg = g->nd2;
    nn_real *A = g->ea, *T = g->eb, *dc2 = g->ev1, *dr = g->ev2;

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
    const nn_real *Wx1 = nn_dense_weight(&L->coord1, p);
    const nn_real *W2 = nn_dense_weight(&L->edge2, p);
    const nn_real *watt = nn_dense_weight(&L->att, p);
    nn_real *gwx2 = p->grad + L->coord2.w, *gbx1 = p->grad + L->coord1.b;
    nn_real *gWx1 = p->grad + L->coord1.w, *gW2 = p->grad + L->edge2.w;
    nn_real *gwatt = p->grad + L->att.w, *gb2 = p->grad + L->edge2.b;
    nn_real *gb1 = p->grad + L->edge1.b;
    nn_real dbatt = 0;
    nn_real *dP = g->P, *dQ = g->Q;
    memset(dP, 0, (size_t)Nn * H * sizeof *dP);
    memset(dQ, 0, (size_t)Nn * H * sizeof *dQ);
    /* nd1 (node_backward's scratch) is free now: its first two rows
     * accumulate the r and a columns of dW₁ */
    nn_real *gr = g->nd1, *ga = g->nd1 + H;
    memset(gr, 0, 2 * (size_t)H * sizeof *gr);
    edge1_columns(g, p, l);

    const int bs = block_samples(g);
    for (int b0 = 0; b0 < B; b0 += bs) {
        const int nb = B - b0 < bs ? B - b0 : bs, rows = nb * E;
        const size_t r0 = (size_t)b0 * E;

        /* coordinate MLP: A = dL/d(pre-activation of c1), T = m̃ */
        for (size_t q = 0; q < (size_t)rows; q++)
            coord_row(c->c1 + (r0 + q) * H, c->m + (r0 + q) * H, c->g[r0 + q],
                      dc2[r0 + q], wx2, gwx2, gbx1, A + q * H, T + q * H, H);
        /* dW_x1 += Aᵀ m̃, then T = A W_x1 (dL/dm̃ through the coordinate
         * MLP) */
        nn_gemm(1, 0, H, H, rows, 1, A, H, T, H, 1, gWx1, H);
        nn_gemm(0, 0, rows, H, H, 1, A, H, Wx1, H, 0, T, H);

        /* attention and the ReLU of the second edge layer; dL/dm̃ also
         * gets dagg_i from the message sum */
        for (int node = b0 * n; node < (b0 + nb) * n; node++) {
            size_t e0 = (size_t)(node / n) * E + (size_t)(node % n) * (n - 1);
            for (int kk = 0; kk < n - 1; kk++) {
                size_t e = e0 + kk, q = e - r0;
                dbatt += attention_row(T + q * H, dagg + (size_t)node * H,
                                       c->m + e * H, c->g[e], watt, gwatt,
                                       gb2, H);
            }
        }

        /* second edge layer: dW₂ += Tᵀ m1, A = T W₂ */
        nn_gemm(1, 0, H, H, rows, 1, T, H, c->m1 + r0 * H, H, 1, gW2, H);
        nn_gemm(0, 0, rows, H, H, 1, T, H, W2, H, 0, A, H);

        /* first edge layer through its ReLU: dP_i = Σ_j dpre_ij,
         * dQ_j = Σ_i dpre_ij, the r and a columns and b₁ */
        for (int b = b0; b < b0 + nb; b++)
            for (int i = 0; i < n; i++) {
                nn_real *Pi = dP + ((size_t)b * n + i) * H;
                for (int kk = 0; kk < n - 1; kk++) {
                    nn_real *Qj = dQ + ((size_t)b * n + kk + (kk >= i)) * H;
                    size_t e = (size_t)b * E + (size_t)i * (n - 1) + kk;
                    edge1_row(A + (e - r0) * H, c->m1 + e * H, c->r[e],
                              g->a[e], g->wr, g->wa, Pi, Qj, gb1, gr, ga,
                              &dr[e], &g->da[e], H);
                }
            }
    }
    p->grad[L->att.b] += dbatt;
    nn_real *gW1 = p->grad + L->edge1.w;
    for (int q = 0; q < H; q++) {
        gW1[(size_t)q * ld1 + 2 * H] += gr[q];
        gW1[(size_t)q * ld1 + 2 * H + 1] += ga[q];
    }
    const nn_real *W1 = nn_dense_weight(&L->edge1, p);
    nn_gemm(1, 0, H, H, Nn, 1, dP, H, h, H, 1, gW1, ld1);
    nn_gemm(1, 0, H, H, Nn, 1, dQ, H, h, H, 1, gW1 + H, ld1);
    nn_gemm(0, 0, Nn, H, H, 1, dP, H, W1, ld1, 1, g->dh, H);
    nn_gemm(0, 0, Nn, H, H, 1, dQ, H, W1 + H, ld1, 1, g->dh, H);

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
