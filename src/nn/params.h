/* Parameter registry: every tensor of a network lives in one flat array.
 *
 * A network registers its tensors while it is built; trainable tensors get
 * a slice of `value` (and the same slice of `grad`), frozen buffers (e.g.
 * the random Fourier frequencies of REFERENCE.md §6.8) a slice of `buf`.
 * Layers keep offsets, never pointers, because the arrays grow while
 * tensors are added.  One flat array makes Adam, clipping, MPI_Allreduce
 * of gradients and (de)serialisation single loops over n floats.
 *
 * Lifecycle: nn_params_init → networks add tensors → use → nn_params_free.
 * Several networks may share one registry (names must then be distinct). */
#ifndef DIGS_NN_PARAMS_H
#define DIGS_NN_PARAMS_H

#include <stddef.h>

#include "nn/real.h"

enum { NN_NAME_MAX = 96 };

typedef struct nn_tensor {
    char name[NN_NAME_MAX];   /* e.g. "score.layers.3.edge_mlp.0.weight" */
    char layer[NN_NAME_MAX];  /* owning layer, e.g. "score.layers.3.edge_mlp.0" */
    int ndim;                 /* 1 or 2 */
    int dims[2];              /* PyTorch shape: weight [out][in], bias [out] */
    size_t offset;            /* into value/grad (trainable) or buf */
    int trainable;
} nn_tensor;

typedef struct nn_params {
    nn_tensor *tensors;
    int n_tensors, cap_tensors;
    size_t n;        /* trainable scalars */
    size_t n_buf;    /* frozen scalars */
    size_t cap, cap_buf;
    nn_real *value;  /* [n] parameters */
    nn_real *grad;   /* [n] gradients, accumulated by backward passes */
    nn_real *buf;    /* [n_buf] frozen buffers */
} nn_params;

/* Empty registry. */
void nn_params_init(nn_params *p);

/* Release the arrays; p is left empty (re-initialised). */
void nn_params_free(nn_params *p);

/* Register a tensor of shape dims[0..ndim) named "<layer>.<suffix>" and
 * return its offset in *offset.  Its values and gradients start at 0;
 * the caller initialises p->value + *offset (or p->buf + *offset when
 * trainable = 0).  Fails on a duplicate or over-long name. */
int nn_params_add(nn_params *p, const char *layer, const char *suffix,
                  int ndim, const int *dims, int trainable, size_t *offset);

/* Zero all gradients (call before each accumulation of backward passes). */
void nn_params_zero_grad(nn_params *p);

/* Scalars in tensor t. */
size_t nn_tensor_size(const nn_tensor *t);

/* The tensor named `name`, or NULL. */
const nn_tensor *nn_params_find(const nn_params *p, const char *name);

#endif
