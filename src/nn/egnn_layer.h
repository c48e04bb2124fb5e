/* One E_GCL layer of the EGNN (src/nn/egnn.h); internal to src/nn. */
#ifndef DIGS_NN_EGNN_LAYER_H
#define DIGS_NN_EGNN_LAYER_H

#include "nn/egnn.h"

/* Node arrays of layer l: [cap·n·width] blocks. */
static inline nn_real *nn_egnn_node(const nn_egnn *g, nn_real *base, int l,
                                    int width)
{
    return base + (size_t)l * (size_t)g->cap * (size_t)g->spec.n_particles
                      * (size_t)width;
}

/* Edge half of layer l on B samples: geometry, edge MLP, attention and
 * coordinate MLP from hs[l], xs[l] into c; leaves the gated messages
 * m_ij·gate in g->ea.  Called by forward and (recompute mode) backward. */
void nn_egnn_layer_edges(nn_egnn *g, const nn_params *p, int l, int B,
                         nn_egnn_edges *c);

/* Node half of layer l: coordinate update into xs[l+1], message sum into
 * agg[l], node MLP into n1[l] and hs[l+1].  Needs g->ea from the edge
 * half. */
void nn_egnn_layer_nodes(nn_egnn *g, const nn_params *p, int l, int B,
                         const nn_egnn_edges *c);

/* Backward of layer l.  On entry g->dh and g->dx hold dL/dh and dL/dx of
 * the layer's outputs; on return, of its inputs.  Accumulates parameter
 * gradients into p->grad and dL/da into g->da. */
void nn_egnn_layer_backward(nn_egnn *g, nn_params *p, int l, int B,
                            const nn_egnn_edges *c);

#endif
