/* MALA: Metropolis-adjusted Langevin algorithm (REFERENCE.md §3.4, §4.1;
 * Roberts & Tweedie, Bernoulli 2, 1996).
 *
 * Target U(x) = beta E(x).  Proposal x' = x - h grad U(x) + sqrt(2h) xi,
 * accepted if log u <= log A with
 *   log A = [-U(x') - |x - x' + h grad U(x')|^2/(4h)]
 *         - [-U(x)  - |x' - x + h grad U(x)|^2/(4h)].
 * The step size h is fixed ([mala] step_size); there is no adaptation.
 *
 * Deck ([mala]):
 *   step_size  h > 0, in (length unit)^2 per unit of U; required
 *   steps      MALA steps per sweep (default 1)
 *
 * Cache: chains->energy and chains->grad hold E and dE/dx at chains->x
 * between sweeps, so one step costs one energy+gradient evaluation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/sampler.h"

typedef struct mala_data {
    double h;
    long steps;
    int project;     /* translation-invariant particles: zero-COM noise */
    double *x_new;   /* [dim] proposal */
    double *g_new;   /* [dim] dE/dx at the proposal */
    double *noise;   /* [dim] xi */
} mala_data;

static const char *const stat_names[] = {"mala"};

static void mala_destroy(digs_sampler *s)
{
    mala_data *d = s->data;
    if (!d)
        return;
    free(d->x_new);
    free(d->g_new);
    free(d->noise);
    free(d);
    s->data = NULL;
}

static int mala_setup(digs_sampler *s, digs_deck *deck)
{
    mala_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    DIGS_CHECK(digs_deck_double(deck, "mala", "step_size", NULL, 0.0,
                                1e30, &d->h));
    if (!(d->h > 0.0))
        return digs_deck_reject(deck, "mala", "step_size",
                                "expected a step size > 0");
    DIGS_CHECK(digs_deck_long(deck, "mala", "steps", "1", 1, 1000000,
                              &d->steps));
    int dim = s->pot->dim;
    d->project = s->pot->translation_invariant && s->pot->n_particles > 0;
    DIGS_CALLOC(d->x_new, dim);
    DIGS_CALLOC(d->g_new, dim);
    DIGS_CALLOC(d->noise, dim);
    s->state_size = 0;
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2, stat_names));
    return DIGS_OK;
}

/* Evaluate E and dE/dx at every chain's starting point. */
static int mala_start(digs_sampler *s, digs_chains *c)
{
    const digs_potential *pot = s->pot;
    if (c->dim != pot->dim)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "mala: chains have %d coordinates, potential %d",
                         c->dim, pot->dim);
    for (int i = 0; i < c->n; i++) {
        size_t off = (size_t)i * c->dim;
        c->energy[i] = pot->ops->energy(pot, c->x + off, c->grad + off);
        s->n_grad++;
        if (!isfinite(c->energy[i]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "chain %ld: energy at the starting point is not "
                             "finite (E = %g)", c->first + i, c->energy[i]);
    }
    return DIGS_OK;
}

/* One MALA step of chain i with its stream; returns 1 if accepted. */
static int mala_step(digs_sampler *s, mala_data *d, digs_chains *c, int i,
                     digs_stream *rng)
{
    const digs_potential *pot = s->pot;
    const int dim = c->dim;
    const double h = d->h, beta = s->beta;
    const double drift = h * beta, kick = sqrt(2.0 * h);
    double *x = c->x + (size_t)i * dim;
    double *g = c->grad + (size_t)i * dim;

    digs_stream_normals(rng, dim, d->noise);
    /* Translation-invariant targets: E is flat along the centre of mass,
     * so p(x) is not normalisable in R^dim.  Projecting the noise onto the
     * zero-COM subspace (grad E already lies in it) makes the chain a
     * MALA chain on that subspace, where the target restricted to it is a
     * proper density; the proposal is an isotropic Gaussian there, so the
     * densities below (norms of residuals inside the subspace) are the
     * exact transition densities and the MH ratio stays exact. */
    if (d->project)
        digs_potential_centre(pot, d->noise);
    for (int k = 0; k < dim; k++)
        d->x_new[k] = x[k] - drift * g[k] + kick * d->noise[k];
    double e_new = pot->ops->energy(pot, d->x_new, d->g_new);
    s->n_grad++;
    double log_u = log(digs_stream_uniform(rng));
    if (!isfinite(e_new))
        return 0;

    /* log q(x'|x) and log q(x|x'), REFERENCE.md §2 / §3.4. */
    double fwd = 0.0, rev = 0.0;
    for (int k = 0; k < dim; k++) {
        double a = d->x_new[k] - x[k] + drift * g[k];
        double b = x[k] - d->x_new[k] + drift * d->g_new[k];
        fwd += a * a;
        rev += b * b;
    }
    double log_a = -beta * (e_new - c->energy[i]) - (rev - fwd) / (4.0 * h);
    if (!(log_u <= log_a))
        return 0;
    memcpy(x, d->x_new, (size_t)dim * sizeof *x);
    memcpy(g, d->g_new, (size_t)dim * sizeof *g);
    c->energy[i] = e_new;
    return 1;
}

/* Advance every local chain by `steps` MALA steps.  Step k of global chain
 * id draws from stream (seed, id, sweep, DIGS_RNG_MALA, k) only. */
static int mala_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    mala_data *d = s->data;
    int64_t accepted = 0, proposed = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t id = (uint64_t)(c->first + i);
        for (long k = 0; k < d->steps; k++) {
            digs_stream rng;
            digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_MALA,
                             (uint32_t)k);
            int ok = mala_step(s, d, c, i, &rng);
            c->accepted[i] += ok;
            c->proposed[i]++;
            accepted += ok;
            proposed++;
        }
    }
    s->stats[0] += accepted;
    s->stats[1] += proposed;
    return DIGS_OK;
}

const digs_sampler_ops digs_sampler_mala = {
    .name = "mala",
    .summary = "Metropolis-adjusted Langevin, fixed step size",
    .setup = mala_setup,
    .start = mala_start,
    .sweep = mala_sweep,
    .adapt = NULL,
    .destroy = mala_destroy,
};
