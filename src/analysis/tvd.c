/* Histogram TVD with numpy's binning (REFERENCE.md §8.5). */
#include "analysis/tvd.h"

#include <math.h>
#include <stdlib.h>

#include "core/status.h"

/* numpy.histogram's outer edges and np.linspace(lo, hi, bins + 1):
 * e_k = k * step + lo (two roundings; x86-64-v2 has no FMA to fuse them),
 * e_bins = hi exactly; np.linspace's fallback when step underflows. */
static void histogram_edges(double lo, double hi, int bins, double *edges)
{
    double step = (hi - lo) / bins;
    for (int k = 0; k < bins; k++) {
        double ks = step != 0.0 ? (double)k * step
                                : (double)k / bins * (hi - lo);
        edges[k] = ks + lo;
    }
    edges[bins] = hi;
}

/* Bin of a value a in [e_0, e_bins]: the k with e_k <= a < e_k+1, or the
 * last bin for a == e_bins.  Starts from numpy's estimate (a - lo) * norm
 * and corrects against the edges, so the edges alone decide. */
static int bin_of(double a, const double *edges, int bins, double norm)
{
    double f = (a - edges[0]) * norm;
    int k = f >= bins ? bins - 1 : (int)f;
    while (k > 0 && a < edges[k])
        k--;
    while (k < bins - 1 && a >= edges[k + 1])
        k++;
    return k;
}

int digs_tvd_histogram_counted(const double *ref, long n_ref,
                               const double *model, long n_model, int bins,
                               double *tvd, long *model_kept)
{
    if (n_ref < 1 || n_model < 1 || bins < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "tvd: need n_ref >= 1, n_model >= 1, bins >= 1; "
                         "got %ld, %ld, %d", n_ref, n_model, bins);
    double lo = ref[0], hi = ref[0];
    for (long k = 0; k < n_ref; k++) {
        if (!isfinite(ref[k]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "tvd: reference value %ld is %g, expected a "
                             "finite number", k, ref[k]);
        lo = ref[k] < lo ? ref[k] : lo;
        hi = ref[k] > hi ? ref[k] : hi;
    }
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (!isfinite(hi - lo))
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "tvd: reference range [%g, %g] is too wide for "
                         "double precision", lo, hi);
    double *edges = NULL;
    DIGS_CALLOC(edges, 3 * (long)bins + 1);
    double *p = edges + bins + 1, *q = p + bins;
    histogram_edges(lo, hi, bins, edges);
    const double norm = bins / (hi - lo);

    for (long k = 0; k < n_ref; k++)
        p[bin_of(ref[k], edges, bins, norm)] += 1.0;
    long kept = 0;
    for (long k = 0; k < n_model; k++) {
        double a = model[k];
        if (a >= lo && a <= hi) { /* false for NaN */
            q[bin_of(a, edges, bins, norm)] += 1.0;
            kept++;
        }
    }
    if (kept == 0) {
        *tvd = 1.0;
    } else {
        double s = 0.0;
        for (int b = 0; b < bins; b++)
            s += fabs(p[b] / (double)n_ref - q[b] / (double)kept);
        *tvd = 0.5 * s;
    }
    if (model_kept)
        *model_kept = kept;
    free(edges);
    return DIGS_OK;
}

int digs_tvd_histogram(const double *ref, long n_ref, const double *model,
                       long n_model, int bins, double *tvd)
{
    DIGS_CHECK(digs_tvd_histogram_counted(ref, n_ref, model, n_model, bins,
                                          tvd, NULL));
    return DIGS_OK;
}

void digs_pair_distances(const double *x, long n, int n_particles, int dim,
                         double *out)
{
    const long per = (long)n_particles * dim;
    for (long s = 0; s < n; s++) {
        const double *xs = x + s * per;
        for (int i = 0; i < n_particles; i++)
            for (int j = i + 1; j < n_particles; j++) {
                double r2 = 0.0;
                for (int c = 0; c < dim; c++) {
                    double u = xs[i * dim + c] - xs[j * dim + c];
                    r2 += u * u;
                }
                *out++ = sqrt(r2);
            }
    }
}
