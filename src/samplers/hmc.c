/* HMC: Hamiltonian Monte Carlo with unit mass (REFERENCE.md §4.2;
 * Duane et al., Phys. Lett. B 195, 1987; Neal, "MCMC using Hamiltonian
 * dynamics", 2011).
 *
 * Target U(x) = beta E(x), momentum p ~ N(0, I), H = U(x) + |p|^2/2.
 * Leapfrog with step eps and L steps: half momentum step, L - 1 full
 * (position, momentum) steps, final position step and half momentum step.
 * Accept if log u < -H(x', p') + H(x, p).  A non-finite energy anywhere
 * on the trajectory rejects the proposal.
 *
 * Deck ([hmc]):
 *   step_size  eps > 0, in length units at unit mass; required
 *   leapfrog   L >= 1 leapfrog steps per trajectory (default 10)
 *   steps      trajectories per sweep (default 1)
 *
 * Cache: chains->energy and chains->grad hold E and dE/dx at chains->x
 * between sweeps; a trajectory costs L energy+gradient evaluations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/sampler.h"

typedef struct hmc_data {
    double eps;
    long leapfrog;
    long steps;
    int project;     /* translation-invariant particles: zero-COM momenta */
    double *x_new;   /* [dim] trajectory position */
    double *g_new;   /* [dim] dE/dx at x_new */
    double *p;       /* [dim] momentum */
} hmc_data;

static const char *const stat_names[] = {"hmc"};

static void hmc_destroy(digs_sampler *s)
{
    hmc_data *d = s->data;
    if (!d)
        return;
    free(d->x_new);
    free(d->g_new);
    free(d->p);
    free(d);
    s->data = NULL;
}

static int hmc_setup(digs_sampler *s, digs_deck *deck)
{
    hmc_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    DIGS_CHECK(digs_deck_double(deck, "hmc", "step_size", NULL, 0.0,
                                1e30, &d->eps));
    if (!(d->eps > 0.0))
        return digs_deck_reject(deck, "hmc", "step_size",
                                "expected a step size > 0");
    DIGS_CHECK(digs_deck_long(deck, "hmc", "leapfrog", "10", 1, 1000000,
                              &d->leapfrog));
    DIGS_CHECK(digs_deck_long(deck, "hmc", "steps", "1", 1, 1000000,
                              &d->steps));
    int dim = s->pot->dim;
    d->project = s->pot->translation_invariant && s->pot->n_particles > 0;
    DIGS_CALLOC(d->x_new, dim);
    DIGS_CALLOC(d->g_new, dim);
    DIGS_CALLOC(d->p, dim);
    s->state_size = 0;
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2, stat_names));
    return DIGS_OK;
}

/* Evaluate E and dE/dx at every chain's starting point. */
static int hmc_start(digs_sampler *s, digs_chains *c)
{
    const digs_potential *pot = s->pot;
    if (c->dim != pot->dim)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "hmc: chains have %d coordinates, potential %d",
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

static double half_norm2(const double *v, int n)
{
    double sum = 0.0;
    for (int k = 0; k < n; k++)
        sum += v[k] * v[k];
    return 0.5 * sum;
}

/* One HMC trajectory of chain i with its stream; returns 1 if accepted. */
static int hmc_step(digs_sampler *s, hmc_data *d, digs_chains *c, int i,
                    digs_stream *rng)
{
    const digs_potential *pot = s->pot;
    const int dim = c->dim;
    const double eps = d->eps, beta = s->beta;
    double *x = c->x + (size_t)i * dim;
    double *g = c->grad + (size_t)i * dim;
    double *xn = d->x_new, *gn = d->g_new, *p = d->p;

    digs_stream_normals(rng, dim, p);
    /* Translation-invariant targets: momenta projected onto the zero-COM
     * subspace (grad E already lies in it), so the trajectory stays in
     * that subspace and HMC samples the target restricted to it, with
     * p ~ N(0, I) on the subspace; the Hamiltonian ratio below is exact
     * for that restricted target. */
    if (d->project)
        digs_potential_centre(pot, p);
    double log_u = log(digs_stream_uniform(rng));
    double h_old = beta * c->energy[i] + half_norm2(p, dim);

    /* Leapfrog, REFERENCE.md §4.2: half kick, L - 1 (drift, kick), drift,
     * half kick.  Forces are -beta dE/dx. */
    memcpy(xn, x, (size_t)dim * sizeof *xn);
    for (int k = 0; k < dim; k++)
        p[k] -= 0.5 * eps * beta * g[k];
    double e_new = c->energy[i];
    for (long l = 1; l <= d->leapfrog; l++) {
        for (int k = 0; k < dim; k++)
            xn[k] += eps * p[k];
        e_new = pot->ops->energy(pot, xn, gn);
        s->n_grad++;
        if (!isfinite(e_new))
            return 0;
        double kick = l < d->leapfrog ? eps * beta : 0.5 * eps * beta;
        for (int k = 0; k < dim; k++)
            p[k] -= kick * gn[k];
    }
    double h_new = beta * e_new + half_norm2(p, dim);
    double log_a = h_old - h_new;
    if (!(log_u < log_a))
        return 0;
    memcpy(x, xn, (size_t)dim * sizeof *x);
    memcpy(g, gn, (size_t)dim * sizeof *g);
    c->energy[i] = e_new;
    return 1;
}

/* Advance every local chain by `steps` trajectories.  Trajectory k of
 * global chain id draws from stream (seed, id, sweep, DIGS_RNG_HMC, k). */
static int hmc_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    hmc_data *d = s->data;
    int64_t accepted = 0, proposed = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t id = (uint64_t)(c->first + i);
        for (long k = 0; k < d->steps; k++) {
            digs_stream rng;
            digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_HMC,
                             (uint32_t)k);
            int ok = hmc_step(s, d, c, i, &rng);
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

const digs_sampler_ops digs_sampler_hmc = {
    .name = "hmc",
    .summary = "Hamiltonian Monte Carlo, unit mass, fixed step size",
    .setup = hmc_setup,
    .start = hmc_start,
    .sweep = hmc_sweep,
    .adapt = NULL,
    .destroy = hmc_destroy,
};
