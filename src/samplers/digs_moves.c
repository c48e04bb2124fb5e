#include "samplers/digs_moves.h"

#include <math.h>
#include <string.h>

void digs_forward_noise(const digs_kernel_target *t, const double *x,
                        double *noisy, digs_stream *rng)
{
    const int dim = t->pot->dim;
    const double sigma = 1.0 / sqrt(t->precision);
    digs_stream_normals(rng, dim, noisy);
    if (t->project)
        digs_potential_centre(t->pot, noisy);
    for (int k = 0; k < dim; k++) /* x~ = alpha x + sigma eps, §3.1 */
        noisy[k] = t->alpha * x[k] + sigma * noisy[k];
}

int digs_mh_init(const digs_kernel_target *t, double *x, double *e,
                 double *grad, double *x_prop, digs_stream *rng,
                 int64_t *n_energy, int64_t *n_grad)
{
    const digs_potential *pot = t->pot;
    const int dim = pot->dim;
    /* q(x'|x~) = N(x~/alpha, sigma^2/alpha^2 I) ∝ p(x~|x') (§3.2, §3.3). */
    const double scale = 1.0 / (t->alpha * sqrt(t->precision));
    digs_stream_normals(rng, dim, x_prop);
    if (t->project)
        digs_potential_centre(pot, x_prop);
    for (int k = 0; k < dim; k++)
        x_prop[k] = t->noisy[k] / t->alpha + scale * x_prop[k];
    double e_prop = pot->ops->energy(pot, x_prop, NULL);
    (*n_energy)++;
    double log_u = log(digs_stream_uniform(rng));
    if (!isfinite(e_prop))
        return 0;
    /* log A = beta (E(x) - E(x')): the Gaussian terms cancel (§3.3). */
    if (!(log_u <= t->beta * (*e - e_prop)))
        return 0;
    memcpy(x, x_prop, (size_t)dim * sizeof *x);
    *e = pot->ops->energy(pot, x, grad);
    (*n_grad)++;
    return 1;
}
