/* Autocorrelation functions and integrated autocorrelation times of
 * MCMC output, computed with FFTW.
 *
 * Conventions follow emcee (Foreman-Mackey et al. 2013, `emcee.autocorr`)
 * and Sokal, "Monte Carlo methods in statistical mechanics" (1997):
 *   - the ACF is the normalised, biased estimator
 *       rho_t = sum_{s<n-t} (x_s - m)(x_{s+t} - m) / sum_s (x_s - m)^2,
 *     computed by zero-padding to a power of two >= 2n;
 *   - the integrated time is tau(M) = 1 + 2 sum_{t=1}^{M} rho_t with
 *     Sokal's automatic window: the smallest M with M >= c tau(M), c = 5;
 *   - several chains of one observable: their ACFs are averaged before
 *     windowing (emcee's `autocorr_new`, Goodman & Weare convention);
 *   - ESS = n_chains * n / tau.
 * No field of REFERENCE.md defines an MCMC ESS (§8.9): whoever reports
 * one states this estimator beside it.
 *
 * These functions create and free their own FFTW plans (FFTW_ESTIMATE),
 * so they may be called any number of times; FFTW's planner is not
 * thread-safe, so do not call them from several threads at once.
 * They allocate, so they are for analysis, not for hot loops. */
#ifndef DIGS_ANALYSIS_AUTOCORR_H
#define DIGS_ANALYSIS_AUTOCORR_H

/* Sokal's window constant c (emcee's default). */
#define DIGS_IAT_WINDOW_C 5.0

/* Normalised ACF of series[0..n) into acf[0..n) (acf[0] = 1).
 * n >= 2.  Fails with DIGS_ERR_INPUT for n < 2 and DIGS_ERR_NUMERIC for a
 * non-finite or constant series. */
int digs_autocorr(const double *series, long n, double *acf);

/* Integrated autocorrelation time of one series (in steps of the series).
 * If no M < n satisfies the window condition, M = n - 1 and the result
 * underestimates tau; as emcee does, trust it only when n >= 50 tau. */
int digs_iat(const double *series, long n, double *tau);

/* Integrated autocorrelation time of n_chains series of equal length n,
 * stored chain-major: series[k * n + t].  Each chain's ACF is normalised
 * with its own mean and variance, the ACFs are averaged, then windowed
 * as in digs_iat. */
int digs_iat_chains(const double *series, int n_chains, long n,
                    double *tau);

/* Effective sample size n_chains * n / tau. */
double digs_ess(int n_chains, long n, double tau);

#endif
