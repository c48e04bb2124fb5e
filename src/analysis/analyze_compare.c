/* Run-versus-reference metrics (contract in analyze_compare.h). */
#include "analysis/analyze_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bootstrap.h"
#include "analysis/mmd.h"
#include "analysis/tvd.h"
#include "analysis/w2.h"
#include "core/status.h"

/* Context of the interatomic-distance TVD metric. */
typedef struct distance_ctx {
    int n_particles, spatial_dim, bins;
} distance_ctx;

/* digs_metric_fn: TVD of all i<j distances of m model vs m reference
 * configurations (REFERENCE.md §8.5, 200 bins over the reference range). */
static int metric_distance_tvd(const double *model, const double *ref,
                               long m, int d, void *ctx, double *value)
{
    const distance_ctx *c = ctx;
    long pairs = (long)c->n_particles * (c->n_particles - 1) / 2;
    double *dm = malloc(sizeof(double) * (size_t)(m * pairs));
    double *dr = malloc(sizeof(double) * (size_t)(m * pairs));
    int status = DIGS_OK;
    if (!dm || !dr)
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld distances)",
                           2 * m * pairs);
    if (status == DIGS_OK) {
        digs_pair_distances(model, m, c->n_particles, c->spatial_dim, dm);
        digs_pair_distances(ref, m, c->n_particles, c->spatial_dim, dr);
        status = digs_tvd_histogram(dr, m * pairs, dm, m * pairs, c->bins,
                                    value);
    }
    free(dm);
    free(dr);
    return status;
}

/* Copy the finite values of v[0..n) to out; returns how many. */
static long keep_finite(const double *v, long n, double *out)
{
    long k = 0;
    for (long i = 0; i < n; i++)
        if (isfinite(v[i]))
            out[k++] = v[i];
    return k;
}

/* Mean, sd (ddof 1), min and max of n >= 1 values. */
static void describe(const double *v, long n, double *mean, double *sd,
                     double *lo, double *hi)
{
    double s = 0;
    *lo = *hi = v[0];
    for (long i = 0; i < n; i++) {
        s += v[i];
        if (v[i] < *lo)
            *lo = v[i];
        if (v[i] > *hi)
            *hi = v[i];
    }
    double m = s / (double)n, q = 0;
    for (long i = 0; i < n; i++)
        q += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0.0;
}

/* Recompute the run's energies with its potential and compare them with
 * the stored ones (a stale or edited deck shows up here). */
static int recompute_run_energies(const digs_analyze_run *run,
                                  digs_analyze_compare *cmp)
{
    DIGS_CALLOC(cmp->run_energy, run->n);
    cmp->energy_mismatch = 0;
    for (long i = 0; i < run->n; i++) {
        double e = digs_potential_energy(run->pot,
                                         run->x + (size_t)i * run->dim, NULL);
        cmp->run_energy[i] = e;
        double stored = run->energy[i];
        if (!isfinite(e) || !isfinite(stored)) {
            if (e != stored)
                cmp->energy_mismatch = INFINITY;
            continue;
        }
        double rel = fabs(e - stored) / fmax(1.0, fabs(stored));
        if (rel > cmp->energy_mismatch)
            cmp->energy_mismatch = rel;
    }
    return DIGS_OK;
}

/* Energy TVD bootstrap on the finite energies of both sets. */
static int energy_tvd(const digs_analyze_options *o,
                      const digs_analyze_run *run,
                      const digs_analyze_ref *ref, digs_analyze_compare *cmp)
{
    double *er, *ef;
    DIGS_CALLOC(er, run->n);
    ef = malloc(sizeof(double) * (size_t)ref->n);
    if (!ef) {
        free(er);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    long nr = keep_finite(cmp->run_energy, run->n, er);
    long nf = keep_finite(ref->energy, ref->n, ef);
    cmp->run_energy_dropped = run->n - nr;
    cmp->ref_energy_dropped = ref->n - nf;
    int status = DIGS_OK;
    if (nr > 0 && nf > 0) {
        describe(ef, nf, &cmp->ref_energy_mean, &cmp->ref_energy_sd,
                 &cmp->ref_energy_min, &cmp->ref_energy_max);
        for (long i = 0; i < nr; i++)
            cmp->energy_out_of_range += er[i] < cmp->ref_energy_min ||
                                        er[i] > cmp->ref_energy_max;
        long m = cmp->m < nr ? cmp->m : nr;
        m = m < nf ? m : nf;
        int bins = o->bins;
        status = digs_bootstrap(digs_metric_tvd, &bins, er, nr, ef, nf, 1, m,
                                o->bootstrap, o->seed, &cmp->energy_tvd.mean,
                                &cmp->energy_tvd.sd, NULL);
        cmp->energy_tvd.computed = status == DIGS_OK;
    }
    free(er);
    free(ef);
    return status;
}

/* Coordinates for W2: a copy, centred for n-body systems (§2, §11.1). */
static int centred_copy(const digs_potential *p, const double *x, long n,
                        double **out)
{
    DIGS_CALLOC(*out, (size_t)n * (size_t)p->dim);
    memcpy(*out, x, sizeof(double) * (size_t)n * (size_t)p->dim);
    if (p->n_particles > 0)
        digs_remove_centre(*out, n, p->n_particles, p->spatial_dim);
    return DIGS_OK;
}

static int coordinate_metrics(const digs_analyze_options *o,
                              const digs_analyze_run *run,
                              const digs_analyze_ref *ref,
                              digs_analyze_compare *cmp)
{
    const digs_potential *p = run->pot;
    double *xr = NULL, *xf = NULL;
    int status = centred_copy(p, run->x, run->n, &xr);
    if (status == DIGS_OK)
        status = centred_copy(p, ref->x, ref->n, &xf);
    if (status == DIGS_OK) {
        status = digs_bootstrap(digs_metric_w2, NULL, xr, run->n, xf, ref->n,
                                p->dim, cmp->m, o->bootstrap, o->seed,
                                &cmp->w2.mean, &cmp->w2.sd, NULL);
        cmp->w2.computed = status == DIGS_OK;
    }
    if (status == DIGS_OK && p->n_particles >= 2) {
        distance_ctx ctx = {p->n_particles, p->spatial_dim, o->bins};
        status = digs_bootstrap(metric_distance_tvd, &ctx, xr, run->n, xf,
                                ref->n, p->dim, cmp->m, o->bootstrap,
                                o->seed, &cmp->dist_tvd.mean,
                                &cmp->dist_tvd.sd, NULL);
        cmp->dist_tvd.computed = status == DIGS_OK;
    }
    free(xr);
    free(xf);
    return status;
}

/* DiGS MMD (§8.1) on the first min(n_run, n_ref, cap) rows of each set. */
static int mmd(const digs_analyze_options *o, const digs_analyze_run *run,
               const digs_analyze_ref *ref, digs_analyze_compare *cmp)
{
    long n = run->n < ref->n ? run->n : ref->n;
    cmp->mmd_unequal = run->n != ref->n;
    if (n > o->mmd_samples) {
        n = o->mmd_samples;
        cmp->mmd_capped = 1;
    }
    cmp->mmd_n = n;
    DIGS_CHECK(digs_mmd(run->x, ref->x, n, run->dim, &cmp->mmd));
    cmp->mmd_computed = 1;
    return DIGS_OK;
}

int digs_analyze_compare_run(const digs_analyze_options *o,
                             const digs_analyze_run *run,
                             const digs_analyze_ref *ref,
                             digs_analyze_compare *cmp)
{
    memset(cmp, 0, sizeof *cmp);
    cmp->repeats = o->bootstrap;
    cmp->bins = o->bins;
    cmp->m = o->subset;
    if (cmp->m > run->n || cmp->m > ref->n) {
        cmp->m = run->n < ref->n ? run->n : ref->n;
        cmp->m_reduced = 1;
    }
    int status = recompute_run_energies(run, cmp);
    if (status == DIGS_OK)
        status = energy_tvd(o, run, ref, cmp);
    if (status == DIGS_OK)
        status = coordinate_metrics(o, run, ref, cmp);
    if (status == DIGS_OK && !strcmp(run->potential_name, "mog40"))
        status = mmd(o, run, ref, cmp);
    if (status != DIGS_OK)
        digs_analyze_compare_free(cmp);
    return status;
}

void digs_analyze_compare_free(digs_analyze_compare *cmp)
{
    free(cmp->run_energy);
    cmp->run_energy = NULL;
}
