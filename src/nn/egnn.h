/* Attention E(n)-equivariant graph network of DiKL (REFERENCE.md §6.8;
 * E(n)-GNN of Satorras et al. 2021 as adapted by DEM/DiKL).
 *
 * Nodes are the n particles of a configuration, edges all ordered pairs
 * i ≠ j (E = n(n−1) per sample, stored source-major: edge i·(n−1)+k joins
 * i to j = k + (k ≥ i)).  For a batch of B configurations:
 *
 *   x⁰ = centre(x_in),  a_ij = ‖x⁰_i − x⁰_j‖² (edge attribute, fixed)
 *   h⁰_i = Linear(1→H)(t_b)   (t_b = 1 for the generator, the raw integer
 *                               step for the score network, §6.11 item 1)
 *   layer ℓ = 1..L (edge → coordinate → node):
 *     r_ij = ‖x_i − x_j‖²,  u_ij = (x_i − x_j)/(√(r_ij + 1e-8) + 1)
 *     m_ij = ReLU(W₂ ReLU(W₁[h_i, h_j, r_ij, a_ij] + b₁) + b₂)
 *     m_ij ← m_ij · sigmoid(w_aᵀ m_ij + b_a)
 *     x_i ← x_i + (15/L) Σ_j u_ij tanh(φ_x(m_ij)),
 *           φ_x = Linear(H→H)–ReLU–Linear(H→1, no bias, Xavier gain 0.001)
 *     h_i ← h_i + φ_h([h_i, Σ_j m_ij]),  φ_h = Linear(2H→H)–ReLU–Linear(H→H)
 *   out = centre(x^L − x⁰)  (a centred displacement)
 *
 * Implementation notes.  W₁[h_i, h_j, r, a] is evaluated as
 * P_i + Q_j + w_r r + w_a a with P = h W₁[:, :H]ᵀ and Q = h W₁[:, H:2H]ᵀ
 * computed per node (n−1 times fewer rows than the stacked edge input; the
 * result is identical).  All other edge products are sgemms on the B·E
 * stacked edge rows.  Unused embedding_out is not created, so parameter
 * counts are §6.8's minus H+1 (1 171 880 for H = 144, L = 8).
 *
 * Caching: the forward pass keeps per-layer node features and coordinates
 * and, unless spec.recompute is set, the per-layer edge activations
 * (3·B·E·H reals per layer).  With recompute = 1 only one layer's edge
 * activations are held and backward recomputes them (+~30 % time, for
 * large systems such as LJ-13).
 *
 * Parameters: "<name>.embedding", "<name>.layers.<l>.{edge_mlp.0,
 * edge_mlp.2, att_mlp.0, coord_mlp.0, coord_mlp.2, node_mlp.0,
 * node_mlp.2}" (.weight/.bias), PyTorch-default initialisation.
 * Single caller at a time (not thread-safe). */
#ifndef DIGS_NN_EGNN_H
#define DIGS_NN_EGNN_H

#include "core/rng.h"
#include "nn/dense.h"
#include "nn/params.h"

typedef struct nn_egnn_spec {
    int n_particles;   /* n >= 2 */
    int spatial_dim;   /* D (2 for DW-4, 3 for LJ-13) */
    int hidden;        /* H (144 DW-4, 192 LJ-13) */
    int n_layers;      /* L (8; 4 for the DW-4 score network) */
    int recompute;     /* 1: recompute edge activations in backward */
} nn_egnn_spec;

typedef struct nn_egnn_layer {
    nn_dense edge1;   /* (2H+2) → H, columns [h_i | h_j | r | a] */
    nn_dense edge2;   /* H → H */
    nn_dense att;     /* H → 1 */
    nn_dense coord1;  /* H → H */
    nn_dense coord2;  /* H → 1, no bias */
    nn_dense node1;   /* 2H → H, columns [h_i | Σ m] */
    nn_dense node2;   /* H → H */
} nn_egnn_layer;

/* Edge activations of one layer, [B·E] rows. */
typedef struct nn_egnn_edges {
    nn_real *r, *s;   /* squared distance and √(r + 1e-8) */
    nn_real *u;       /* [R][D] normalised difference */
    nn_real *m1;      /* [R][H] first edge-MLP output (after ReLU) */
    nn_real *m;       /* [R][H] edge-MLP output before attention */
    nn_real *g;       /* attention gate */
    nn_real *c1;      /* [R][H] first coordinate-MLP output (after ReLU) */
    nn_real *phi;     /* tanh(φ_x) */
} nn_egnn_edges;

typedef struct nn_egnn {
    nn_egnn_spec spec;
    int n_edges;          /* E = n(n−1) */
    double coord_scale;   /* 15/L */
    nn_dense embed;       /* 1 → H */
    nn_egnn_layer *layers;
    int cap, batch;       /* capacity (samples) and last forward's batch */
    /* forward caches */
    nn_real *t;           /* [cap] time input (1 when none) */
    nn_real *a;           /* [cap·E] edge attribute */
    nn_real *xs;          /* [L+1][cap·n·D] coordinates entering layer l */
    nn_real *hs;          /* [L+1][cap·n·H] features entering layer l */
    nn_real *agg;         /* [L][cap·n·H] Σ_j m_ij */
    nn_real *n1;          /* [L][cap·n·H] node-MLP hidden (after ReLU) */
    nn_egnn_edges *edges; /* L sets, or 1 with recompute */
    /* scratch */
    nn_real *P, *Q;       /* [cap·n·H] */
    nn_real *nd1, *nd2;   /* [cap·n·H] backward node scratch */
    nn_real *dh;          /* [cap·n·H] */
    nn_real *dx, *dx2;    /* [cap·n·D] */
    nn_real *ea, *eb;     /* [cap·E·H] edge scratch */
    nn_real *ev1, *ev2;   /* [cap·E] edge vectors */
    nn_real *da;          /* [cap·E] dL/da */
    nn_real *wr, *wa, *hv;/* [H] columns of W₁ and a temporary */
} nn_egnn;

/* DiKL's EGNN sizes (§6.7): DW-4 generator (4×2, H 144, L 8) and score
 * (L 4); LJ-13 generator/score (13×3, H 192, L 8). */
nn_egnn_spec nn_egnn_spec_dw4(int n_layers);
nn_egnn_spec nn_egnn_spec_lj13(void);

/* Register the tensors under `name` and initialise from rng. */
int nn_egnn_create(nn_egnn *g, nn_params *p, const char *name,
                   const nn_egnn_spec *spec, digs_stream *rng);

void nn_egnn_destroy(nn_egnn *g);

/* out = centre(x^L − x⁰) for x_in [batch][n·D] (particle-major, §2), with
 * time input t [batch] (NULL: h⁰ from t = 1, the generator).  out must not
 * alias x_in.  Grows the caches when a larger batch is first seen (the
 * only allocation). */
int nn_egnn_forward(nn_egnn *g, const nn_params *p, const nn_real *x_in,
                    const nn_real *t, nn_real *out, int batch);

/* Backward of the last forward: ACCUMULATES dL/dθ into p->grad and writes
 * dL/dx_in [batch][n·D] into dx_in unless NULL.  dout is [batch][n·D]. */
void nn_egnn_backward(nn_egnn *g, nn_params *p, const nn_real *dout,
                      nn_real *dx_in);

/* Floating-point operations of the gemm/gemv calls of one forward and one
 * backward pass over `batch` samples (2 per multiply-add). */
void nn_egnn_flops(const nn_egnn *g, int batch, double *forward,
                   double *backward);

#endif
