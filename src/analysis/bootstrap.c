/* Bootstraps without replacement (REFERENCE.md §8.4, §8.10 protocol). */
#include "analysis/bootstrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/mmd.h"
#include "analysis/tvd.h"
#include "analysis/w2.h"
#include "core/status.h"

void digs_bootstrap_draw(digs_stream *s, long n, long m, long *idx)
{
    for (long k = 0; k < n; k++)
        idx[k] = k;
    for (long k = 0; k < m; k++) {
        long j = k + (long)digs_stream_below(s, (uint32_t)(n - k));
        long t = idx[k];
        idx[k] = idx[j];
        idx[j] = t;
    }
}

/* Copy rows idx[0..m) of src (rows of d values) into dst. */
static void gather(const double *src, const long *idx, long m, int d,
                   double *dst)
{
    for (long k = 0; k < m; k++)
        memcpy(dst + k * d, src + idx[k] * d, (size_t)d * sizeof *dst);
}

static int run(digs_metric_fn metric, void *ctx, const double *model,
               long n_model, const double *ref, long n_ref, int d, long m,
               int repeats, uint32_t seed, long *idx, double *sub,
               double *vals)
{
    double *sub_model = sub, *sub_ref = sub + m * d;
    for (int r = 0; r < repeats; r++) {
        digs_stream s;
        digs_stream_init(&s, seed, (uint64_t)r, 0, DIGS_RNG_ANALYSIS, 0);
        digs_bootstrap_draw(&s, n_model, m, idx);
        gather(model, idx, m, d, sub_model);
        digs_stream_init(&s, seed, (uint64_t)r, 0, DIGS_RNG_ANALYSIS, 1);
        digs_bootstrap_draw(&s, n_ref, m, idx);
        gather(ref, idx, m, d, sub_ref);
        DIGS_CHECK(metric(sub_model, sub_ref, m, d, ctx, &vals[r]));
    }
    return DIGS_OK;
}

int digs_bootstrap(digs_metric_fn metric, void *ctx, const double *model,
                   long n_model, const double *ref, long n_ref, int d,
                   long m, int repeats, uint32_t seed, double *mean,
                   double *sd, double *values)
{
    if (d < 1 || repeats < 1 || m < 1 || m > n_model || m > n_ref)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "bootstrap: need d >= 1, repeats >= 1 and 1 <= m "
                         "<= n_model, n_ref; got d = %d, repeats = %d, m = "
                         "%ld, n_model = %ld, n_ref = %ld", d, repeats, m,
                         n_model, n_ref);
    if (n_model > (long)UINT32_MAX || n_ref > (long)UINT32_MAX)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "bootstrap: sets larger than 2^32 - 1 rows are not "
                         "supported (n_model = %ld, n_ref = %ld)", n_model,
                         n_ref);
    long *idx = NULL;
    double *buf = NULL;
    long n_max = n_model > n_ref ? n_model : n_ref;
    DIGS_CALLOC(idx, n_max);
    buf = calloc((size_t)(2 * m * d + repeats), sizeof *buf);
    if (!buf) {
        free(idx);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld doubles)",
                         2 * m * d + repeats);
    }
    double *vals = buf + 2 * m * d;
    int status = run(metric, ctx, model, n_model, ref, n_ref, d, m, repeats,
                     seed, idx, buf, vals);
    if (status == DIGS_OK) {
        double s = 0.0;
        for (int r = 0; r < repeats; r++)
            s += vals[r];
        double mu = s / repeats, s2 = 0.0;
        for (int r = 0; r < repeats; r++)
            s2 += (vals[r] - mu) * (vals[r] - mu);
        *mean = mu;
        *sd = sqrt(s2 / repeats); /* ddof = 0 */
        if (values)
            memcpy(values, vals, (size_t)repeats * sizeof *values);
    }
    free(idx);
    free(buf);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}

int digs_metric_w2(const double *model, const double *ref, long m, int d,
                   void *ctx, double *value)
{
    DIGS_CHECK(digs_w2(model, ref, m, d, value));
    return DIGS_OK;
}

int digs_metric_mmd(const double *model, const double *ref, long m, int d,
                    void *ctx, double *value)
{
    DIGS_CHECK(digs_mmd(model, ref, m, d, value));
    return DIGS_OK;
}

int digs_metric_tvd(const double *model, const double *ref, long m, int d,
                    void *ctx, double *value)
{
    int bins = ctx ? *(const int *)ctx : DIGS_TVD_BINS;
    DIGS_CHECK(digs_tvd_histogram(ref, m * d, model, m * d, bins, value));
    return DIGS_OK;
}
