/* DIR/analysis.json for the plots of `digs analyze --plot` (contract in
 * analyze_plot.h; the fields are read by tools/plot_analysis.py). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/analyze_json.h"
#include "analysis/analyze_plot.h"
#include "analysis/analyze_stats.h"
#include "analysis/tvd.h"
#include "core/status.h"

/* Longest plotted ACF lag. */
enum { MAX_ACF_LAG = 2000, ACF_CHAINS = 4 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1, nearest rank) of the finite values of v; NAN if
 * none.  Sorts a copy. */
static double quantile(const double *v, long n, double q)
{
    double *s = malloc(sizeof(double) * (size_t)(n ? n : 1));
    long k = 0;
    for (long i = 0; s && i < n; i++)
        if (isfinite(v[i]))
            s[k++] = v[i];
    double out = NAN;
    if (k > 0) {
        qsort(s, (size_t)k, sizeof *s, cmp_double);
        long at = (long)floor(q * (double)(k - 1) + 0.5);
        out = s[at];
    }
    free(s);
    return out;
}

/* Densities count / (n * width) of v over `bins` equal bins [lo, hi]
 * (outside values counted in *outside). */
static void density(const double *v, long n, double lo, double hi, int bins,
                    double *dens, long *outside)
{
    double w = (hi - lo) / bins;
    memset(dens, 0, sizeof(double) * (size_t)bins);
    *outside = 0;
    for (long i = 0; i < n; i++) {
        if (!(v[i] >= lo && v[i] <= hi)) {
            (*outside)++;
            continue;
        }
        int b = (int)((v[i] - lo) / w);
        dens[b < bins ? b : bins - 1] += 1.0;
    }
    for (int b = 0; b < bins; b++)
        dens[b] /= (double)n * w;
}

/* A histogram pair of run and reference values over a common range: the
 * run's 0.1-99.9 % quantiles joined with the reference's full range (so
 * a heavy run tail does not squash the plot). */
static int histogram_json(digs_json *j, const char *key, const double *run,
                          long n_run, const double *ref, long n_ref)
{
    double lo = quantile(run, n_run, 0.001), hi = quantile(run, n_run, 0.999);
    if (ref) {
        double rlo = quantile(ref, n_ref, 0.0), rhi = quantile(ref, n_ref, 1.0);
        lo = isnan(lo) || rlo < lo ? rlo : lo;
        hi = isnan(hi) || rhi > hi ? rhi : hi;
    }
    if (!isfinite(lo) || !isfinite(hi))
        return DIGS_OK;
    if (hi <= lo) {
        lo -= 0.5;
        hi += 0.5;
    }
    double edges[DIGS_PLOT_BINS + 1], dens[DIGS_PLOT_BINS];
    for (int b = 0; b <= DIGS_PLOT_BINS; b++)
        edges[b] = lo + (hi - lo) * b / DIGS_PLOT_BINS;
    long outside;
    digs_json_object(j, key);
    digs_json_numbers(j, "edges", edges, DIGS_PLOT_BINS + 1);
    density(run, n_run, lo, hi, DIGS_PLOT_BINS, dens, &outside);
    digs_json_numbers(j, "run", dens, DIGS_PLOT_BINS);
    digs_json_number(j, "run_outside", (double)outside / (double)n_run);
    if (ref) {
        density(ref, n_ref, lo, hi, DIGS_PLOT_BINS, dens, &outside);
        digs_json_numbers(j, "ref", dens, DIGS_PLOT_BINS);
        digs_json_number(j, "ref_outside", (double)outside / (double)n_ref);
    }
    digs_json_end(j);
    return DIGS_OK;
}

/* Every stride-th configuration of x [n][dim], at most `limit`, into a new
 * array *out [*m][dim]. */
static int thin(const double *x, long n, int dim, long limit, double **out,
                long *m)
{
    long stride = n > limit ? (n + limit - 1) / limit : 1;
    *m = (n + stride - 1) / stride;
    DIGS_CALLOC(*out, (size_t)*m * (size_t)dim);
    for (long i = 0; i < *m; i++)
        memcpy(*out + (size_t)i * dim, x + (size_t)(i * stride) * dim,
               sizeof(double) * (size_t)dim);
    return DIGS_OK;
}

/* Interatomic distances of at most DIGS_PLOT_MAX_POINTS configurations. */
static int distances(const digs_potential *p, const double *x, long n,
                     double **d, long *count)
{
    double *sub;
    long m;
    DIGS_CHECK(thin(x, n, p->dim, DIGS_PLOT_MAX_POINTS, &sub, &m));
    long pairs = (long)p->n_particles * (p->n_particles - 1) / 2;
    *d = malloc(sizeof(double) * (size_t)(m * pairs));
    if (!*d) {
        free(sub);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    digs_pair_distances(sub, m, p->n_particles, p->spatial_dim, *d);
    free(sub);
    *count = m * pairs;
    return DIGS_OK;
}

static int distance_json(digs_json *j, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    double *dr = NULL, *df = NULL;
    long nr = 0, nf = 0;
    int status = distances(run->pot, run->x, run->n, &dr, &nr);
    if (status == DIGS_OK && res->ref)
        status = distances(run->pot, res->ref->x, res->ref->n, &df, &nf);
    if (status == DIGS_OK)
        status = histogram_json(j, "distances", dr, nr, df, nf);
    free(dr);
    free(df);
    return status;
}

/* Mean ACF of the energy over the chains and a few single chains, up to
 * a lag of about 8 IAT. */
static int acf_json(digs_json *j, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    long R = run->n_records;
    if (R < 3 || run->sample_sets)   /* independent sets: no ACF */
        return DIGS_OK;
    double tau = res->energy.tau;
    long lag = isfinite(tau) ? (long)ceil(8 * tau) : R / 4;
    lag = lag < 20 ? 20 : lag;
    lag = lag > R - 1 ? R - 1 : lag;
    lag = lag > MAX_ACF_LAG ? MAX_ACF_LAG : lag;
    double *acf;
    DIGS_CALLOC(acf, lag + 1);
    long used;
    int status = digs_analyze_mean_acf(run->energy, run->n_chains, R, lag,
                                       acf, &used);
    if (status == DIGS_OK && used > 0) {
        digs_json_object(j, "acf");
        digs_json_string(j, "series", "potential_energy");
        digs_json_number(j, "iat", tau);
        digs_json_integer(j, "chains_averaged", used);
        digs_json_numbers(j, "mean", acf, lag + 1);
        digs_json_array(j, "chains");
        for (long c = 0; c < run->n_chains && c < ACF_CHAINS; c++) {
            status = digs_analyze_chain_acf(run->energy, run->n_chains, R, c,
                                            lag, acf);
            if (status != DIGS_OK)
                break;
            digs_json_object(j, NULL);
            digs_json_integer(j, "chain", c);
            digs_json_number(j, "iat", res->energy.chain_tau[c]);
            digs_json_numbers(j, "acf", acf, lag + 1);
            digs_json_end(j);
        }
        digs_json_end(j);
        digs_json_end(j);
    }
    free(acf);
    return status;
}

static int mog_json(digs_json *j, const digs_analyze_results *res)
{
    double *sub;
    long m;
    digs_json_object(j, "mog40");
    digs_json_numbers(j, "means", res->mog.means, 2 * DIGS_ANALYZE_MOG_K);
    DIGS_CHECK(thin(res->run->x, res->run->n, 2, DIGS_PLOT_MAX_POINTS, &sub,
                    &m));
    digs_json_numbers(j, "run", sub, 2 * m);
    free(sub);
    if (res->ref) {
        DIGS_CHECK(thin(res->ref->x, res->ref->n, 2, DIGS_PLOT_MAX_POINTS,
                        &sub, &m));
        digs_json_numbers(j, "ref", sub, 2 * m);
        free(sub);
    }
    digs_json_end(j);
    return DIGS_OK;
}

static void wells_json(digs_json *j, const digs_analyze_wells *w)
{
    digs_json_object(j, "manywell32");
    digs_json_number(j, "exact", DIGS_MANYWELL_P_POSITIVE);
    digs_json_numbers(j, "p_run", w->p_run, DIGS_ANALYZE_WELLS);
    digs_json_numbers(j, "se_run", w->se_run, DIGS_ANALYZE_WELLS);
    if (w->has_ref) {
        digs_json_numbers(j, "p_ref", w->p_ref, DIGS_ANALYZE_WELLS);
        digs_json_numbers(j, "se_ref", w->se_ref, DIGS_ANALYZE_WELLS);
    }
    digs_json_end(j);
}

static int write_data(digs_json *j, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    digs_json_string(j, "run", res->opt->run);
    digs_json_string(j, "potential", run->potential_name);
    digs_json_string(j, "method", run->method);
    digs_json_string(j, "energy_unit", run->pot->energy_unit);
    digs_json_string(j, "length_unit", run->pot->length_unit);
    digs_json_integer(j, "chains", run->n_chains);
    digs_json_integer(j, "records", run->n_records);
    if (res->ref)
        digs_json_string(j, "reference", res->ref->label);
    /* with a reference, both histograms use the potential's energies */
    const double *e = res->has_compare ? res->cmp.run_energy : run->energy;
    DIGS_CHECK(histogram_json(j, "energy", e, run->n,
                              res->ref ? res->ref->energy : NULL,
                              res->ref ? res->ref->n : 0));
    if (run->pot->n_particles >= 2)
        DIGS_CHECK(distance_json(j, res));
    DIGS_CHECK(acf_json(j, res));
    if (res->has_mog)
        DIGS_CHECK(mog_json(j, res));
    if (res->has_wells)
        wells_json(j, &res->wells);
    if (res->has_rama)
        DIGS_CHECK(digs_analyze_rama_plot_json(j, &res->rama));
    return DIGS_OK;
}

int digs_analyze_plot_data(const digs_analyze_results *res, char *json_path,
                           size_t len)
{
    const char *dir = res->opt->plot_dir;
    struct stat st;
    if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create the plot directory "
                                      "(%s)", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return DIGS_FAIL(DIGS_ERR_IO, "%s: not a directory; expected the "
                                      "plot directory", dir);
    snprintf(json_path, len, "%s/analysis.json", dir);
    FILE *f = fopen(json_path, "w");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create (%s)", json_path,
                         strerror(errno));
    digs_json j;
    digs_json_begin(&j, f);
    int status = write_data(&j, res);
    digs_json_finish(&j);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        status = status != DIGS_OK ? status
                                   : DIGS_FAIL(DIGS_ERR_IO, "%s: cannot "
                                                            "write", json_path);
    return status;
}
