#include "nn/time_embedding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "nn/init.h"

enum { NV = 16 / sizeof(nn_real) };
typedef nn_real vr __attribute__((vector_size(16)));

/* row[0..dim) = [sin(2π ω t), cos(2π ω t)], phases in double. */
static void embed(const nn_real *omega, int half, double t, nn_real *row)
{
    for (int k = 0; k < half; k++) {
        double phase = 2.0 * M_PI * (double)omega[k] * t;
        row[k] = (nn_real)sin(phase);
        row[half + k] = (nn_real)cos(phase);
    }
}

int nn_fourier_init(nn_fourier *f, nn_params *p, const char *name, int dim,
                    double scale, int t_max, digs_stream *rng)
{
    memset(f, 0, sizeof *f);
    if (dim < 2 || dim % 2)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "Fourier embedding %s: width %d must be even", name,
                         dim);
    f->dim = dim;
    f->t_max = t_max;
    int half = dim / 2;
    DIGS_CHECK(nn_params_add(p, name, "W", 1, &half, 0, &f->omega));
    nn_fill_normal(rng, p->buf + f->omega, (size_t)half, scale);
    if (t_max >= 0) {
        DIGS_CALLOC(f->table, (size_t)(t_max + 1) * (size_t)dim);
        DIGS_CALLOC(f->omega_seen, half);
    }
    return DIGS_OK;
}

void nn_fourier_free(nn_fourier *f)
{
    free(f->table);
    free(f->omega_seen);
    memset(f, 0, sizeof *f);
}

void nn_fourier_add(nn_fourier *f, const nn_params *p, const nn_real *t,
                    int batch, nn_real *out)
{
    int dim = f->dim, half = dim / 2;
    const nn_real *omega = p->buf + f->omega;
    /* The table is valid while ω is bit-identical to what built it.
     * table[half] = cos(0) is 1 once built and 0 before the first call. */
    if (f->table && (memcmp(f->omega_seen, omega, (size_t)half * sizeof *omega)
                     || f->table[half] == 0)) {
        memcpy(f->omega_seen, omega, (size_t)half * sizeof *omega);
        for (int s = 0; s <= f->t_max; s++)
            embed(omega, half, (double)s, f->table + (size_t)s * (size_t)dim);
    }
    nn_real tmp[dim];
    for (int b = 0; b < batch; b++) {
        const nn_real *e;
        double tb = (double)t[b];
        if (f->table && tb >= 0 && tb <= f->t_max && tb == floor(tb)) {
            e = f->table + (size_t)tb * (size_t)dim;
        } else {
            embed(omega, half, tb, tmp);
            e = tmp;
        }
        nn_real *row = out + (size_t)b * (size_t)dim;
        int k = 0;
        for (; k + NV <= dim; k += NV) {  /* 16-byte vectors */
            vr r, x;
            memcpy(&r, row + k, sizeof r);
            memcpy(&x, e + k, sizeof x);
            r += x;
            memcpy(row + k, &r, sizeof r);
        }
        for (; k < dim; k++)
            row[k] += e[k];
    }
}
