/* Per-run statistics of one per-frame series (energy, acceptance, any
 * observable) for `digs analyze`: pooled mean, its standard error from the
 * integrated autocorrelation time, and per-chain IAT and ESS.
 *
 * Estimators (analysis/autocorr.h; emcee / Sokal conventions; REFERENCE.md
 * §8.9 defines no MCMC ESS, so this one is stated here):
 *   tau   IAT in records from the chains' normalised ACFs averaged, Sokal
 *         window c = 5 (digs_iat_chains), over the chains whose series is
 *         not constant;
 *   ESS   n_chains * n_records / tau;
 *   SE    sd * sqrt(tau / (n_chains * n_records)) = sd / sqrt(ESS), with sd
 *         the pooled sample standard deviation (ddof 1).
 * When tau cannot be estimated (one record, or no chain moved), or some
 * chain never changed (its IAT is unbounded, which the moving chains'
 * ACF cannot show), the SE is that of independent chains:
 * sd(chain means) / sqrt(n_chains) (NAN for one chain).
 * Rank-local; allocates (analysis code, not a hot loop). */
#ifndef DIGS_ANALYSIS_ANALYZE_STATS_H
#define DIGS_ANALYSIS_ANALYZE_STATS_H

/* A run of N chains is reliable for tau when n_records >= 50 tau (emcee). */
#define DIGS_ANALYZE_IAT_RELIABLE 50.0

typedef struct digs_analyze_series_stats {
    long n_chains, n_records;
    double mean;          /* pooled over all frames */
    double sd;            /* pooled, ddof 1 (0 for one frame) */
    double tau;           /* records; NAN when not estimable */
    double ess;           /* NAN when tau is NAN */
    double se;            /* standard error of mean (NAN if unknown) */
    int se_from_chains;   /* 1: SE from independent chain means */
    int independent;      /* 1: restated for independent samples */
    int reliable;         /* n_records >= 50 tau */
    long n_constant;      /* chains whose series never changed */
    double *chain_mean;   /* [n_chains] */
    double *chain_tau;    /* [n_chains]; NAN for constant or 1 record */
    double *chain_ess;    /* [n_chains]; n_records / chain_tau */
} digs_analyze_series_stats;

/* Statistics of values stored record-major: values[r * n_chains + c] is
 * record r of chain c (the H5MD frame order).  n_chains, n_records >= 1;
 * values finite (a non-finite value is DIGS_ERR_NUMERIC naming the frame).
 * st is filled and owns its arrays (digs_analyze_series_stats_free). */
int digs_analyze_series(const double *values, long n_chains, long n_records,
                        digs_analyze_series_stats *st);

void digs_analyze_series_stats_free(digs_analyze_series_stats *st);

/* Restate st (from digs_analyze_series) for independent samples, e.g. the
 * sample sets of a generator (analyze_data.h, run->sample_sets): no IAT
 * (tau, ess and the per-chain IAT and ESS become NAN), SE = sd / sqrt(n)
 * over the n = n_chains * n_records frames (NAN for one frame),
 * se_from_chains = 0, reliable = 0, independent = 1.  The means and sd
 * are kept. */
void digs_analyze_series_independent(digs_analyze_series_stats *st);

/* Mean normalised ACF over the non-constant chains at lags 0..max_lag
 * (acf[max_lag + 1]; max_lag <= n_records - 1), for plots.  *n_used
 * receives the number of chains averaged (0: acf is left NAN). */
int digs_analyze_mean_acf(const double *values, long n_chains,
                          long n_records, long max_lag, double *acf,
                          long *n_used);

/* ACF of one chain c at lags 0..max_lag (NAN if constant or too short). */
int digs_analyze_chain_acf(const double *values, long n_chains,
                           long n_records, long c, long max_lag, double *acf);

#endif
