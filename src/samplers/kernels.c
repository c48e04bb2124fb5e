#include "samplers/kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

int digs_kernel_scratch_create(digs_kernel_scratch *w, int dim)
{
    memset(w, 0, sizeof *w);
    w->dim = dim;
    w->x_new = calloc((size_t)dim, sizeof *w->x_new);
    w->g_new = calloc((size_t)dim, sizeof *w->g_new);
    w->noise = calloc((size_t)dim, sizeof *w->noise);
    w->momentum = calloc((size_t)dim, sizeof *w->momentum);
    if (!w->x_new || !w->g_new || !w->noise || !w->momentum) {
        digs_kernel_scratch_free(w);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for kernel scratch");
    }
    return DIGS_OK;
}

void digs_kernel_scratch_free(digs_kernel_scratch *w)
{
    free(w->x_new);
    free(w->g_new);
    free(w->noise);
    free(w->momentum);
    memset(w, 0, sizeof *w);
}

digs_kernel_target digs_kernel_plain(const digs_potential *pot, double beta)
{
    digs_kernel_target t = {
        .pot = pot,
        .beta = beta,
        .noisy = NULL,
        .alpha = 0.0,
        .precision = 0.0,
        .project = pot->translation_invariant && pot->n_particles > 0,
    };
    return t;
}

double digs_kernel_u(const digs_kernel_target *t, const double *x, double e)
{
    double u = t->beta * e;
    if (t->noisy) {
        int dim = t->pot->dim;
        double sum = 0.0;
        for (int k = 0; k < dim; k++) {
            double r = t->noisy[k] - t->alpha * x[k];
            sum += r * r;
        }
        u += 0.5 * t->precision * sum;
    }
    return u;
}

/* grad U = beta dE/dx + precision alpha (alpha x - x~)  (REFERENCE §3.2). */
static inline double grad_u(const digs_kernel_target *t, const double *x,
                            const double *g, int k)
{
    double v = t->beta * g[k];
    if (t->noisy)
        v += t->precision * t->alpha * (t->alpha * x[k] - t->noisy[k]);
    return v;
}

int digs_mala_step(const digs_kernel_target *t, double h, double *x,
                   double *e, double *grad, digs_stream *rng,
                   digs_kernel_scratch *w, int64_t *n_grad)
{
    const digs_potential *pot = t->pot;
    const int dim = pot->dim;
    const double kick = sqrt(2.0 * h);
    double *xn = w->x_new, *gn = w->g_new, *xi = w->noise;

    digs_stream_normals(rng, dim, xi);
    /* Translation-invariant targets: E is flat along the centre of mass,
     * so p(x) is not normalisable in R^dim.  Projecting the noise onto the
     * zero-COM subspace (grad U lies in it for centred states) makes this
     * a MALA chain on that subspace, where the restricted target is a
     * proper density; the proposal is isotropic there, so the residual
     * norms below are the exact transition densities. */
    if (t->project)
        digs_potential_centre(pot, xi);
    for (int k = 0; k < dim; k++)
        xn[k] = x[k] - h * grad_u(t, x, grad, k) + kick * xi[k];
    double e_new = pot->ops->energy(pot, xn, gn);
    (*n_grad)++;
    double log_u = log(digs_stream_uniform(rng));
    if (!isfinite(e_new))
        return 0;

    /* log q(x'|x) and log q(x|x'), REFERENCE.md §2 / §3.4. */
    double fwd = 0.0, rev = 0.0;
    for (int k = 0; k < dim; k++) {
        double a = xn[k] - x[k] + h * grad_u(t, x, grad, k);
        double b = x[k] - xn[k] + h * grad_u(t, xn, gn, k);
        fwd += a * a;
        rev += b * b;
    }
    double du = t->noisy ? digs_kernel_u(t, xn, e_new) - digs_kernel_u(t, x, *e)
                         : t->beta * (e_new - *e);
    double log_a = -du - (rev - fwd) / (4.0 * h);
    if (!(log_u <= log_a))
        return 0;
    memcpy(x, xn, (size_t)dim * sizeof *x);
    memcpy(grad, gn, (size_t)dim * sizeof *grad);
    *e = e_new;
    return 1;
}

static double half_norm2(const double *v, int n)
{
    double sum = 0.0;
    for (int k = 0; k < n; k++)
        sum += v[k] * v[k];
    return 0.5 * sum;
}

int digs_hmc_step(const digs_kernel_target *t, double eps, long leapfrog,
                  double *x, double *e, double *grad, digs_stream *rng,
                  digs_kernel_scratch *w, int64_t *n_grad)
{
    const digs_potential *pot = t->pot;
    const int dim = pot->dim;
    double *xn = w->x_new, *gn = w->g_new, *p = w->momentum;

    digs_stream_normals(rng, dim, p);
    /* Translation-invariant targets: momenta in the zero-COM subspace, so
     * the trajectory stays there and HMC samples the restricted target
     * with p ~ N(0, I) on the subspace; the ratio below is exact for it. */
    if (t->project)
        digs_potential_centre(pot, p);
    double log_u = log(digs_stream_uniform(rng));
    double h_old = digs_kernel_u(t, x, *e) + half_norm2(p, dim);

    /* Leapfrog, REFERENCE.md §4.2: half kick, L - 1 (drift, kick), drift,
     * half kick. */
    memcpy(xn, x, (size_t)dim * sizeof *xn);
    for (int k = 0; k < dim; k++)
        p[k] -= 0.5 * eps * grad_u(t, x, grad, k);
    double e_new = *e;
    for (long l = 1; l <= leapfrog; l++) {
        for (int k = 0; k < dim; k++)
            xn[k] += eps * p[k];
        e_new = pot->ops->energy(pot, xn, gn);
        (*n_grad)++;
        if (!isfinite(e_new))
            return 0;
        double kick = l < leapfrog ? eps : 0.5 * eps;
        for (int k = 0; k < dim; k++)
            p[k] -= kick * grad_u(t, xn, gn, k);
    }
    double h_new = digs_kernel_u(t, xn, e_new) + half_norm2(p, dim);
    if (!(log_u < h_old - h_new))
        return 0;
    memcpy(x, xn, (size_t)dim * sizeof *x);
    memcpy(grad, gn, (size_t)dim * sizeof *grad);
    *e = e_new;
    return 1;
}

int digs_kernel_start_chains(const digs_potential *pot, digs_chains *c,
                             int64_t *n_grad)
{
    if (c->dim != pot->dim)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "chains have %d coordinates, potential %d", c->dim,
                         pot->dim);
    for (int i = 0; i < c->n; i++) {
        size_t off = (size_t)i * c->dim;
        c->energy[i] = pot->ops->energy(pot, c->x + off, c->grad + off);
        (*n_grad)++;
        if (!isfinite(c->energy[i]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "chain %ld: energy at the starting point is not "
                             "finite (E = %g)",
                             c->first + i, c->energy[i]);
    }
    return DIGS_OK;
}
