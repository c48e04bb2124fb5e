/* Per-run series statistics (contract and estimators in analyze_stats.h). */
#include "analysis/analyze_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/autocorr.h"
#include "core/status.h"

/* Copy chain c of a record-major series into out[0..n_records). */
static void gather_chain(const double *values, long n_chains, long n_records,
                         long c, double *out)
{
    for (long r = 0; r < n_records; r++)
        out[r] = values[(size_t)r * n_chains + c];
}

static int is_constant(const double *x, long n)
{
    for (long t = 1; t < n; t++)
        if (x[t] != x[0])
            return 0;
    return 1;
}

/* Pooled mean and sd (ddof 1) with a compensation-free two-pass sum. */
static void pooled_moments(const double *v, long n, double *mean, double *sd)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += v[i];
    double m = s / (double)n, q = 0;
    for (long i = 0; i < n; i++)
        q += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0.0;
}

/* Per-chain mean, tau and ESS; the non-constant chains are copied
 * chain-major into moving[*n_moving * n_records ...]. */
static int per_chain(const double *values, digs_analyze_series_stats *st,
                     double *moving, long *n_moving)
{
    long N = st->n_chains, R = st->n_records;
    *n_moving = 0;
    for (long c = 0; c < N; c++) {
        double *x = moving + (size_t)*n_moving * R;
        gather_chain(values, N, R, c, x);
        double s = 0;
        for (long r = 0; r < R; r++)
            s += x[r];
        st->chain_mean[c] = s / (double)R;
        st->chain_tau[c] = st->chain_ess[c] = NAN;
        if (R < 2)
            continue;
        if (is_constant(x, R)) {
            st->n_constant++;
            continue;
        }
        double tau;
        DIGS_CHECK(digs_iat(x, R, &tau));
        st->chain_tau[c] = tau;
        st->chain_ess[c] = (double)R / tau;
        (*n_moving)++;
    }
    return DIGS_OK;
}

/* SE of independent chains from the spread of their means. */
static double chain_means_se(const double *chain_mean, long n)
{
    if (n < 2)
        return NAN;
    double m, sd;
    pooled_moments(chain_mean, n, &m, &sd);
    return sd / sqrt((double)n);
}

static int compute(const double *values, digs_analyze_series_stats *st)
{
    long N = st->n_chains, R = st->n_records, n = N * R;
    for (long f = 0; f < n; f++)
        if (!isfinite(values[f]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC, "frame %ld (record %ld of "
                                               "chain %ld) holds %g; "
                                               "expected a finite value",
                             f, f / N, f % N, values[f]);
    pooled_moments(values, n, &st->mean, &st->sd);
    DIGS_CALLOC(st->chain_mean, N);
    DIGS_CALLOC(st->chain_tau, N);
    DIGS_CALLOC(st->chain_ess, N);
    double *moving = malloc(sizeof(double) * (size_t)n);
    if (!moving)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld doubles)", n);
    long n_moving;
    int status = per_chain(values, st, moving, &n_moving);
    st->tau = st->ess = st->se = NAN;
    if (status == DIGS_OK && n_moving > 0) {
        status = digs_iat_chains(moving, (int)n_moving, R, &st->tau);
        if (status == DIGS_OK) {
            st->ess = digs_ess((int)N, R, st->tau);
            st->se = st->sd / sqrt(st->ess);
            st->reliable = (double)R >= DIGS_ANALYZE_IAT_RELIABLE * st->tau;
        }
    }
    free(moving);
    DIGS_CHECK(status);
    /* a constant chain has an unbounded IAT that the moving chains' ACF
     * cannot show: then only the spread of the chain means is honest */
    if (isnan(st->se) || st->n_constant > 0) {
        st->se = chain_means_se(st->chain_mean, N);
        st->se_from_chains = 1;
    }
    return DIGS_OK;
}

int digs_analyze_series(const double *values, long n_chains, long n_records,
                        digs_analyze_series_stats *st)
{
    memset(st, 0, sizeof *st);
    if (n_chains < 1 || n_records < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT, "series statistics need at least "
                                         "one chain and one record (got %ld "
                                         "x %ld)",
                         n_chains, n_records);
    st->n_chains = n_chains;
    st->n_records = n_records;
    int status = compute(values, st);
    if (status != DIGS_OK)
        digs_analyze_series_stats_free(st);
    return status;
}

void digs_analyze_series_stats_free(digs_analyze_series_stats *st)
{
    free(st->chain_mean);
    free(st->chain_tau);
    free(st->chain_ess);
    st->chain_mean = st->chain_tau = st->chain_ess = NULL;
}

void digs_analyze_series_independent(digs_analyze_series_stats *st)
{
    double n = (double)st->n_chains * (double)st->n_records;
    st->tau = st->ess = NAN;
    st->se = n > 1 ? st->sd / sqrt(n) : NAN;
    st->se_from_chains = 0;
    st->reliable = 0;
    st->independent = 1;
    for (long c = 0; st->chain_tau && c < st->n_chains; c++)
        st->chain_tau[c] = st->chain_ess[c] = NAN;
}

int digs_analyze_chain_acf(const double *values, long n_chains,
                           long n_records, long c, long max_lag, double *acf)
{
    for (long t = 0; t <= max_lag; t++)
        acf[t] = NAN;
    if (n_records < 2 || max_lag >= n_records)
        return DIGS_OK;
    double *x, *full;
    DIGS_CALLOC(x, n_records);
    full = malloc(sizeof(double) * (size_t)n_records);
    int status = full ? DIGS_OK
                      : DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK) {
        gather_chain(values, n_chains, n_records, c, x);
        if (!is_constant(x, n_records)) {
            status = digs_autocorr(x, n_records, full);
            if (status == DIGS_OK)
                memcpy(acf, full, sizeof(double) * (size_t)(max_lag + 1));
        }
    }
    free(full);
    free(x);
    return status;
}

int digs_analyze_mean_acf(const double *values, long n_chains,
                          long n_records, long max_lag, double *acf,
                          long *n_used)
{
    *n_used = 0;
    double *one;
    DIGS_CALLOC(one, max_lag + 1);
    for (long t = 0; t <= max_lag; t++)
        acf[t] = 0;
    int status = DIGS_OK;
    for (long c = 0; c < n_chains && status == DIGS_OK; c++) {
        status = digs_analyze_chain_acf(values, n_chains, n_records, c,
                                        max_lag, one);
        if (status != DIGS_OK || isnan(one[0]))
            continue;
        for (long t = 0; t <= max_lag; t++)
            acf[t] += one[t];
        (*n_used)++;
    }
    free(one);
    DIGS_CHECK(status);
    for (long t = 0; t <= max_lag; t++)
        acf[t] = *n_used ? acf[t] / (double)*n_used : NAN;
    return DIGS_OK;
}
