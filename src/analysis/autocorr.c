#include "analysis/autocorr.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <fftw3.h>

#include "core/status.h"

/* FFT buffers and plans for series of one length n. */
typedef struct acf_work {
    long n;
    int nfft;             /* power of two >= 2n: no circular wrap-around */
    double *real;         /* [nfft] */
    fftw_complex *freq;   /* [nfft/2 + 1] */
    fftw_plan forward;
    fftw_plan backward;
} acf_work;

static void work_free(acf_work *w)
{
    if (w->forward)
        fftw_destroy_plan(w->forward);
    if (w->backward)
        fftw_destroy_plan(w->backward);
    fftw_free(w->real);
    fftw_free(w->freq);
}

static int work_init(acf_work *w, long n)
{
    *w = (acf_work){0};
    if (n < 2)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "autocorrelation of a series of length %ld: "
                         "expected at least 2 values", n);
    if (n > INT_MAX / 4)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "autocorrelation of a series of length %ld: "
                         "expected at most %d values", n, INT_MAX / 4);
    int nfft = 1;
    while (nfft < 2 * n)
        nfft <<= 1;
    w->n = n;
    w->nfft = nfft;
    w->real = fftw_alloc_real((size_t)nfft);
    w->freq = fftw_alloc_complex((size_t)nfft / 2 + 1);
    if (!w->real || !w->freq) {
        work_free(w);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for an FFT of %d",
                         nfft);
    }
    /* FFTW_ESTIMATE plans without touching the arrays and in no time. */
    w->forward = fftw_plan_dft_r2c_1d(nfft, w->real, w->freq, FFTW_ESTIMATE);
    w->backward = fftw_plan_dft_c2r_1d(nfft, w->freq, w->real,
                                       FFTW_ESTIMATE);
    if (!w->forward || !w->backward) {
        work_free(w);
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "FFTW could not plan size %d",
                         nfft);
    }
    return DIGS_OK;
}

/* Normalised ACF of one series (Wiener-Khinchin: the inverse transform of
 * the power spectrum of the zero-padded, centred series is the lag sum
 * sum_s y_s y_{s+t}; padding to >= 2n keeps lags from wrapping). */
static int acf_one(acf_work *w, const double *x, double *acf)
{
    long n = w->n;
    double mean = 0.0;
    int constant = 1;
    for (long t = 0; t < n; t++) {
        if (!isfinite(x[t]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "autocorrelation: value %ld of the series is "
                             "not finite (%g)", t, x[t]);
        mean += x[t];
        constant &= x[t] == x[0];
    }
    if (constant)
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "autocorrelation: the series is constant (%g), "
                         "expected a varying series", x[0]);
    mean /= (double)n;
    for (long t = 0; t < n; t++)
        w->real[t] = x[t] - mean;
    for (long t = n; t < w->nfft; t++)
        w->real[t] = 0.0;
    fftw_execute(w->forward);
    for (int k = 0; k <= w->nfft / 2; k++) {
        double re = w->freq[k][0], im = w->freq[k][1];
        w->freq[k][0] = re * re + im * im;
        w->freq[k][1] = 0.0;
    }
    fftw_execute(w->backward);
    double c0 = w->real[0];
    for (long t = 0; t < n; t++)
        acf[t] = w->real[t] / c0;
    return DIGS_OK;
}

/* Sokal's automatic window on an averaged ACF (emcee `auto_window`):
 * tau(M) = 1 + 2 sum_{t=1}^{M} rho_t, M the first lag with M >= c tau(M). */
static double windowed_tau(const double *acf, long n)
{
    double tau = 2.0 * acf[0] - 1.0;
    for (long m = 1; m < n; m++) {
        tau += 2.0 * acf[m];
        if ((double)m >= DIGS_IAT_WINDOW_C * tau)
            return tau;
    }
    return tau;
}

int digs_autocorr(const double *series, long n, double *acf)
{
    acf_work w;
    DIGS_CHECK(work_init(&w, n));
    int status = acf_one(&w, series, acf);
    work_free(&w);
    DIGS_CHECK(status);
    return DIGS_OK;
}

int digs_iat(const double *series, long n, double *tau)
{
    DIGS_CHECK(digs_iat_chains(series, 1, n, tau));
    return DIGS_OK;
}

int digs_iat_chains(const double *series, int n_chains, long n,
                    double *tau)
{
    if (n_chains < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "integrated autocorrelation time of %d chains: "
                         "expected at least 1", n_chains);
    acf_work w;
    DIGS_CHECK(work_init(&w, n));
    double *mean_acf = calloc((size_t)n, sizeof *mean_acf);
    double *acf = calloc((size_t)n, sizeof *acf);
    int status = DIGS_OK;
    if (!mean_acf || !acf)
        status = DIGS_FAIL(DIGS_ERR_MEMORY,
                           "out of memory for an ACF of length %ld", n);
    for (int k = 0; k < n_chains && status == DIGS_OK; k++) {
        status = acf_one(&w, series + (size_t)k * n, acf);
        for (long t = 0; t < n && status == DIGS_OK; t++)
            mean_acf[t] += acf[t];
    }
    if (status == DIGS_OK) {
        for (long t = 0; t < n; t++)
            mean_acf[t] /= n_chains;
        *tau = windowed_tau(mean_acf, n);
    }
    free(acf);
    free(mean_acf);
    work_free(&w);
    DIGS_CHECK(status);
    return DIGS_OK;
}

double digs_ess(int n_chains, long n, double tau)
{
    return (double)n_chains * (double)n / tau;
}
