/* Hooks of the DiKL trainer for a host running beside it (contracts in
 * trainer.h; issue 7, doc/dikl.md "Running beside DiGS"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/trainer.h"

void dikl_trainer_set_idle(dikl_trainer *t, dikl_idle_fn fn, void *ctx)
{
    t->idle.fn = fn;
    t->idle.ctx = ctx;
}

int dikl_trainer_set_level_steps(dikl_trainer *t, const double *eta)
{
    if (!t->cfg.step_per_level)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl: per-level step sizes need step_per_level = "
                         "yes in [dikl]");
    if (!eta)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl_trainer_set_level_steps: eta is NULL");
    for (int l = 1; l < t->sched.T; l++)
        if (!(eta[l] > 0.0 && isfinite(eta[l])))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "dikl: step size of level %d is %g, expected "
                             "a finite step > 0", l, eta[l]);
    memcpy(t->eta_level + 1, eta + 1,
           (size_t)(t->sched.T - 1) * sizeof *eta);
    return DIGS_OK;
}

const double *dikl_trainer_level_steps(const dikl_trainer *t)
{
    return t->eta_level;
}

void dikl_trainer_level_counts(const dikl_trainer *t,
                               const int64_t **accepted,
                               const int64_t **proposed)
{
    *accepted = t->level_accepted;
    *proposed = t->level_proposed;
}

int dikl_trainer_set_reference(dikl_trainer *t, int n, const double *x,
                               const double *energy)
{
    if (t->cfg.selection != DIKL_SELECT_REFERENCE)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl: a reference set needs selection = reference "
                         "in [dikl]");
    if (t->rank != 0)
        return DIGS_OK;
    if (n == 0) {
        dikl_reference_free(&t->ref);
        return DIGS_OK;
    }
    return dikl_reference_set(&t->ref, t->pot, n, x, energy);
}

int dikl_trainer_set_pool(dikl_trainer *t, int n, const double *x)
{
    if (n < 0 || (n > 0 && !x))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl_trainer_set_pool: %d states%s, expected "
                         ">= 0 and the states", n, x ? "" : " (NULL)");
    const size_t d = (size_t)t->dim, len = (size_t)n * d;
    for (size_t i = 0; i < len; i++)
        if (!isfinite(x[i]))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "dikl pool: state %zu, coordinate %zu is %g, "
                             "expected finite coordinates", i / d, i % d,
                             x[i]);
    double *pool = NULL;
    if (n > 0) {
        DIGS_CALLOC(pool, len);
        memcpy(pool, x, len * sizeof *x);
        /* the posterior's subspace (posterior.h): centre as it projects */
        if (t->pot->translation_invariant && t->pot->n_particles > 0)
            for (int i = 0; i < n; i++)
                digs_potential_centre(t->pot, pool + (size_t)i * d);
    }
    free(t->pool);
    t->pool = pool;
    t->pool_n = n;
    return DIGS_OK;
}

void dikl_trainer_pool_counts(const dikl_trainer *t, int64_t *accepted,
                              int64_t *proposed)
{
    *accepted = t->pool_accepted;
    *proposed = t->pool_proposed;
}

void dikl_trainer_add_wait(dikl_trainer *t, double since,
                           double hosted_since)
{
    double hosted = t->idle.seconds - hosted_since;
    t->time.wait += MPI_Wtime() - since - hosted;
    t->time.hosted += hosted;
}
