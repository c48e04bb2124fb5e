#include "nn/mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

nn_mlp_spec nn_mlp_spec_generator(int d)
{
    nn_mlp_spec s = {.d_in = d, .d_out = d, .width = 400, .n_hidden = 4,
                     .act = NN_ACT_SILU, .conditional = 0,
                     .fourier_scale = 0, .t_max = -1};
    return s;
}

nn_mlp_spec nn_mlp_spec_score(int d)
{
    nn_mlp_spec s = nn_mlp_spec_generator(d);
    s.conditional = 1;
    s.fourier_scale = 30.0;
    s.t_max = 64;
    return s;
}

int nn_mlp_create(nn_mlp *m, nn_params *p, const char *name,
                  const nn_mlp_spec *spec, digs_stream *rng)
{
    memset(m, 0, sizeof *m);
    if (spec->d_in < 1 || spec->d_out < 1 || spec->width < 1
        || spec->n_hidden < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "MLP %s: sizes must be positive (d_in %d, d_out %d, "
                         "width %d, hidden layers %d)",
                         name, spec->d_in, spec->d_out, spec->width,
                         spec->n_hidden);
    m->spec = *spec;
    int nh = spec->n_hidden, w = spec->width;
    DIGS_CALLOC(m->layers, nh + 1);
    char lname[NN_NAME_MAX];
    for (int l = 0; l <= nh; l++) {
        snprintf(lname, sizeof lname, "%s.layers.%d", name, l);
        int in = l == 0 ? spec->d_in : w, out = l == nh ? spec->d_out : w;
        DIGS_CHECK(nn_dense_init(&m->layers[l], p, lname, in, out, 1, rng));
    }
    if (spec->conditional) {
        DIGS_CALLOC(m->emb, nh);
        for (int l = 0; l < nh; l++) {
            snprintf(lname, sizeof lname, "%s.emb.%d", name, l);
            DIGS_CHECK(nn_fourier_init(&m->emb[l], p, lname, w,
                                       spec->fourier_scale, spec->t_max, rng));
        }
    }
    return DIGS_OK;
}

void nn_mlp_destroy(nn_mlp *m)
{
    if (m->emb)
        for (int l = 0; l < m->spec.n_hidden; l++)
            nn_fourier_free(&m->emb[l]);
    free(m->emb);
    free(m->layers);
    free(m->pre);
    free(m->post);
    free(m->d0);
    free(m->d1);
    memset(m, 0, sizeof *m);
}

static int reserve(nn_mlp *m, int batch)
{
    if (batch <= m->cap)
        return DIGS_OK;
    size_t row = (size_t)batch * (size_t)m->spec.width;
    size_t all = row * (size_t)m->spec.n_hidden;
    free(m->pre);
    free(m->post);
    free(m->d0);
    free(m->d1);
    m->pre = m->post = m->d0 = m->d1 = NULL;
    m->cap = 0;
    DIGS_CALLOC(m->pre, all);
    DIGS_CALLOC(m->post, all);
    DIGS_CALLOC(m->d0, row);
    DIGS_CALLOC(m->d1, row);
    m->cap = batch;
    return DIGS_OK;
}

int nn_mlp_forward(nn_mlp *m, const nn_params *p, const nn_real *x,
                   const nn_real *t, nn_real *y, int batch)
{
    if (m->spec.conditional && !t && batch > 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "conditional MLP called without time input");
    if (batch < 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "MLP forward: batch %d < 0",
                         batch);
    m->batch = 0;
    if (batch == 0)
        return DIGS_OK;
    DIGS_CHECK(reserve(m, batch));
    int nh = m->spec.n_hidden;
    size_t stride = (size_t)m->cap * (size_t)m->spec.width;
    size_t n = (size_t)batch * (size_t)m->spec.width;
    const nn_real *in = x;
    for (int l = 0; l < nh; l++) {
        nn_real *pre = m->pre + l * stride, *post = m->post + l * stride;
        nn_dense_apply(&m->layers[l], p, in, pre, batch);
        if (m->emb)
            nn_fourier_add(&m->emb[l], p, t, batch, pre);
        nn_act_forward(m->spec.act, pre, post, n);
        in = post;
    }
    nn_dense_apply(&m->layers[nh], p, in, y, batch);
    m->x = x;
    m->batch = batch;
    return DIGS_OK;
}

void nn_mlp_backward(nn_mlp *m, nn_params *p, const nn_real *dy, nn_real *dx)
{
    int nh = m->spec.n_hidden, batch = m->batch;
    if (batch == 0)
        return;
    size_t stride = (size_t)m->cap * (size_t)m->spec.width;
    size_t n = (size_t)batch * (size_t)m->spec.width;
    nn_real *cur = m->d0, *next = m->d1;
    nn_dense_grad(&m->layers[nh], p, m->post + (nh - 1) * stride, dy, cur,
                  batch);
    for (int l = nh - 1; l >= 0; l--) {
        nn_act_backward(m->spec.act, m->pre + l * stride,
                        m->post + l * stride, cur, cur, n);
        const nn_real *in = l == 0 ? m->x : m->post + (l - 1) * stride;
        nn_real *out = l == 0 ? dx : next;
        nn_dense_grad(&m->layers[l], p, in, cur, out, batch);
        nn_real *tmp = cur;
        cur = next;
        next = tmp;
    }
}

double nn_mlp_forward_macs(const nn_mlp *m, int batch)
{
    double macs = 0;
    for (int l = 0; l <= m->spec.n_hidden; l++)
        macs += (double)m->layers[l].in * m->layers[l].out;
    return macs * batch;
}
