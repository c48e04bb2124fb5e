/* Target-specific metrics (contract in analyze_targets.h). */
#include "analysis/analyze_targets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze_stats.h"
#include "analysis/mog_metrics.h"
#include "core/status.h"

/* RMAE of the quadratic test function and mode weights of n 2-D points. */
static int mog_set(const double *x, long n, const digs_analyze_mog *m,
                   double *f, double *rmae_analytic, double *rmae_notebook,
                   digs_analyze_modes *modes)
{
    DIGS_CHECK(digs_mog_quadratic_mean(x, n, f));
    DIGS_CHECK(digs_mog_rmae(x, n, m->e_true_analytic, rmae_analytic));
    DIGS_CHECK(digs_mog_rmae(x, n, m->e_true_notebook, rmae_notebook));
    DIGS_CHECK(digs_mog_mode_weights(x, n, 2, m->means, DIGS_ANALYZE_MOG_K,
                                     modes->counts, modes->weight,
                                     modes->se));
    modes->covered = digs_mog_modes_covered(modes->weight, DIGS_ANALYZE_MOG_K,
                                            DIGS_MOG_COVERED_FRACTION);
    return DIGS_OK;
}

/* Index of the mean nearest to the 2-D point x (squared distance, ties to
 * the lower index, as digs_mog_mode_weights). */
static int nearest_mode(const double *x, const double *means)
{
    int best = 0;
    double best_d = INFINITY;
    for (int k = 0; k < DIGS_ANALYZE_MOG_K; k++) {
        double dx = x[0] - means[2 * k], dy = x[1] - means[2 * k + 1];
        double d = dx * dx + dy * dy;
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

/* Replace the run's multinomial weight SEs by the IAT-based SEs of each
 * mode's indicator series (analyze_stats.h): chains that never change
 * mode count as one independent draw each. */
static int run_mode_se(const digs_analyze_run *run, digs_analyze_mog *m)
{
    int *mode;
    double *ind;
    DIGS_CALLOC(mode, run->n);
    ind = malloc(sizeof(double) * (size_t)run->n);
    if (!ind) {
        free(mode);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    for (long f = 0; f < run->n; f++)
        mode[f] = nearest_mode(run->x + (size_t)f * 2, m->means);
    int status = DIGS_OK;
    for (int k = 0; k < DIGS_ANALYZE_MOG_K && status == DIGS_OK; k++) {
        for (long f = 0; f < run->n; f++)
            ind[f] = mode[f] == k;
        digs_analyze_series_stats st;
        status = digs_analyze_series(ind, run->n_chains, run->n_records, &st);
        if (status == DIGS_OK)
            m->run.se[k] = st.se;
        digs_analyze_series_stats_free(&st);
    }
    free(ind);
    free(mode);
    return status;
}

int digs_analyze_mog40(const digs_analyze_run *run,
                       const digs_analyze_ref *ref, digs_analyze_mog *out)
{
    memset(out, 0, sizeof *out);
    if (run->dim != 2)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "mog40 run of dimension %d",
                         run->dim);
    digs_mog40_means(out->means);
    DIGS_CHECK(digs_mog_quadratic_expectation(out->means, DIGS_ANALYZE_MOG_K,
                                              DIGS_MOG40_SIGMA,
                                              &out->e_true_analytic));
    out->e_true_notebook = DIGS_MOG40_E_TRUE_NOTEBOOK;
    DIGS_CHECK(mog_set(run->x, run->n, out, &out->f_run,
                       &out->rmae_run_analytic, &out->rmae_run_notebook,
                       &out->run));
    DIGS_CHECK(run_mode_se(run, out));
    if (ref) {
        out->has_ref = 1;
        DIGS_CHECK(mog_set(ref->x, ref->n, out, &out->f_ref,
                           &out->rmae_ref_analytic, &out->rmae_ref_notebook,
                           &out->ref));
    }
    return DIGS_OK;
}

/* Mean and sd (ddof 1) of the 16 well probabilities. */
static void spread(const double *p, double *mean, double *sd)
{
    double s = 0, q = 0;
    for (int i = 0; i < DIGS_ANALYZE_WELLS; i++)
        s += p[i];
    *mean = s / DIGS_ANALYZE_WELLS;
    for (int i = 0; i < DIGS_ANALYZE_WELLS; i++)
        q += (p[i] - *mean) * (p[i] - *mean);
    *sd = sqrt(q / (DIGS_ANALYZE_WELLS - 1));
}

int digs_analyze_manywell(const digs_analyze_run *run,
                          const digs_analyze_ref *ref,
                          digs_analyze_wells *out)
{
    memset(out, 0, sizeof *out);
    if (run->dim != 2 * DIGS_ANALYZE_WELLS)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "manywell32 run of dimension %d",
                         run->dim);
    double *ind;
    DIGS_CALLOC(ind, run->n);
    int status = DIGS_OK;
    for (int w = 0; w < DIGS_ANALYZE_WELLS && status == DIGS_OK; w++) {
        /* indicator series of x_{2w} > 0, record-major like the frames */
        for (long f = 0; f < run->n; f++)
            ind[f] = run->x[(size_t)f * run->dim + 2 * w] > 0.0;
        digs_analyze_series_stats st;
        status = digs_analyze_series(ind, run->n_chains, run->n_records, &st);
        if (status != DIGS_OK)
            break;
        out->p_run[w] = st.mean;
        out->se_run[w] = st.se;
        out->se_from_chains |= st.se_from_chains;
        digs_analyze_series_stats_free(&st);
    }
    free(ind);
    DIGS_CHECK(status);
    spread(out->p_run, &out->mean_run, &out->spread_run);
    if (!ref)
        return DIGS_OK;
    out->has_ref = 1;
    for (int w = 0; w < DIGS_ANALYZE_WELLS; w++) {
        long k = 0;
        for (long i = 0; i < ref->n; i++)
            k += ref->x[(size_t)i * ref->dim + 2 * w] > 0.0;
        double p = (double)k / (double)ref->n;
        out->p_ref[w] = p;
        out->se_ref[w] = sqrt(p * (1 - p) / (double)ref->n); /* binomial */
    }
    spread(out->p_ref, &out->mean_ref, &out->spread_ref);
    return DIGS_OK;
}
