#include "nn/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void nn_params_init(nn_params *p) { memset(p, 0, sizeof *p); }

void nn_params_free(nn_params *p)
{
    free(p->tensors);
    free(p->value);
    free(p->grad);
    free(p->buf);
    nn_params_init(p);
}

size_t nn_tensor_size(const nn_tensor *t)
{
    return t->ndim == 1 ? (size_t)t->dims[0]
                        : (size_t)t->dims[0] * (size_t)t->dims[1];
}

const nn_tensor *nn_params_find(const nn_params *p, const char *name)
{
    for (int i = 0; i < p->n_tensors; i++)
        if (strcmp(p->tensors[i].name, name) == 0)
            return &p->tensors[i];
    return NULL;
}

/* Grow *arr (and *arr2 if given) to hold at least need scalars; new
 * entries are zero. */
static int grow(nn_real **arr, nn_real **arr2, size_t *cap, size_t need)
{
    if (need <= *cap)
        return DIGS_OK;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    nn_real *a = realloc(*arr, c * sizeof *a);
    if (!a)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%zu parameters)", c);
    *arr = a;
    memset(a + *cap, 0, (c - *cap) * sizeof *a);
    if (arr2) {
        nn_real *b = realloc(*arr2, c * sizeof *b);
        if (!b)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%zu gradients)",
                             c);
        *arr2 = b;
        memset(b + *cap, 0, (c - *cap) * sizeof *b);
    }
    *cap = c;
    return DIGS_OK;
}

int nn_params_add(nn_params *p, const char *layer, const char *suffix,
                  int ndim, const int *dims, int trainable, size_t *offset)
{
    if (ndim < 1 || ndim > 2 || dims[0] < 1 || (ndim == 2 && dims[1] < 1))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "nn tensor %s.%s: bad shape (ndim %d)", layer, suffix,
                         ndim);
    char name[NN_NAME_MAX];
    int len = snprintf(name, sizeof name, "%s.%s", layer, suffix);
    if (len < 0 || (size_t)len >= sizeof name || strlen(layer) >= NN_NAME_MAX)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "nn tensor name '%s.%s' longer than %d characters",
                         layer, suffix, NN_NAME_MAX - 1);
    if (nn_params_find(p, name))
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "nn tensor '%s' registered twice",
                         name);
    if (p->n_tensors == p->cap_tensors) {
        int c = p->cap_tensors ? 2 * p->cap_tensors : 32;
        nn_tensor *t = realloc(p->tensors, (size_t)c * sizeof *t);
        if (!t)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%d tensors)", c);
        p->tensors = t;
        p->cap_tensors = c;
    }
    nn_tensor *t = &p->tensors[p->n_tensors];
    memset(t, 0, sizeof *t);
    memcpy(t->name, name, (size_t)len + 1);
    snprintf(t->layer, sizeof t->layer, "%s", layer);
    t->ndim = ndim;
    t->dims[0] = dims[0];
    t->dims[1] = ndim == 2 ? dims[1] : 1;
    t->trainable = trainable;
    size_t size = nn_tensor_size(t);
    if (trainable) {
        DIGS_CHECK(grow(&p->value, &p->grad, &p->cap, p->n + size));
        t->offset = p->n;
        p->n += size;
    } else {
        DIGS_CHECK(grow(&p->buf, NULL, &p->cap_buf, p->n_buf + size));
        t->offset = p->n_buf;
        p->n_buf += size;
    }
    p->n_tensors++;
    *offset = t->offset;
    return DIGS_OK;
}

void nn_params_zero_grad(nn_params *p)
{
    if (p->n)
        memset(p->grad, 0, p->n * sizeof *p->grad);
}
