/* A correlated Gaussian: the test and teaching target with exact answers
 * for the samplers' tests.
 *
 *   [system] dim         = 2    number of coordinates (1..1024)
 *            mean        = 0    one number or dim numbers
 *            scales      = 1    standard deviations s_i (> 0), one or dim
 *            correlation = 0    rho in (-1, 1)
 *
 *   Sigma_ij = s_i s_j rho^|i-j|   (AR(1) correlation),
 *   E(x) = 1/2 (x - m)^T Sigma^-1 (x - m) + 1/2 log det(2 pi Sigma),
 *
 * i.e. normalised: E = -log p, log Z = 0.  Setup factors Sigma = L L^T
 * (Cholesky) and inverts it to the dense precision P = Sigma^-1. */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "potentials/potential.h"

enum { GAUSS_MAX_DIM = 1024 };

typedef struct gaussian_data {
    int n;
    double *mean;       /* n */
    double *chol;       /* n x n row-major lower triangle of Sigma = L L^T */
    double *precision;  /* n x n row-major Sigma^-1 */
    double log_norm;    /* 1/2 log det(2 pi Sigma) */
} gaussian_data;

/* Expand a deck list of 1 or n numbers into n numbers. */
static int expand_list(digs_deck *deck, const char *key, const double *v,
                       int count, int n, double *out)
{
    if (count != 1 && count != n)
        return digs_deck_reject(deck, "system", key,
                                "expected one number or [system] dim "
                                "numbers");
    for (int i = 0; i < n; i++)
        out[i] = count == 1 ? v[0] : v[i];
    return DIGS_OK;
}

/* Read [system] dim, mean, scales, correlation (defaults when deck is
 * NULL) into d->mean and scales[] (allocated here, caller frees). */
static int read_keys(digs_deck *deck, gaussian_data *d, double **scales,
                     double *rho)
{
    long n = 2;
    *rho = 0.0;
    if (deck)
        DIGS_CHECK(digs_deck_long(deck, "system", "dim", "2", 1,
                                  GAUSS_MAX_DIM, &n));
    d->n = (int)n;
    DIGS_CALLOC(d->mean, n);
    DIGS_CALLOC(*scales, n);
    for (int i = 0; i < n; i++)
        (*scales)[i] = 1.0;
    if (!deck)
        return DIGS_OK;

    double *v = NULL;
    int count;
    DIGS_CHECK(digs_deck_doubles(deck, "system", "mean", "0", -1e300, 1e300,
                                 &v, &count));
    int status = expand_list(deck, "mean", v, count, d->n, d->mean);
    free(v);
    DIGS_CHECK(status);

    DIGS_CHECK(digs_deck_doubles(deck, "system", "scales", "1", 0.0, 1e150,
                                 &v, &count));
    status = expand_list(deck, "scales", v, count, d->n, *scales);
    free(v);
    DIGS_CHECK(status);
    for (int i = 0; i < n; i++)
        if (!((*scales)[i] > 0.0))
            return digs_deck_reject(deck, "system", "scales",
                                    "expected standard deviations > 0");

    DIGS_CHECK(digs_deck_double(deck, "system", "correlation", "0", -1.0,
                                1.0, rho));
    if (fabs(*rho) >= 1.0)
        return digs_deck_reject(deck, "system", "correlation",
                                "expected a correlation strictly between "
                                "-1 and 1");
    return DIGS_OK;
}

/* Cholesky factor L of the covariance (Cholesky-Banachiewicz), then
 * P = L^-T L^-1 via the inverse W = L^-1 (forward substitution). */
static int factor(gaussian_data *d, const double *scales, double rho)
{
    int n = d->n;
    double *sigma, *w;
    DIGS_CALLOC(d->chol, (size_t)n * n);
    DIGS_CALLOC(d->precision, (size_t)n * n);
    DIGS_CALLOC(sigma, (size_t)n * n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            sigma[(size_t)i * n + j] =
                scales[i] * scales[j] * pow(rho, abs(i - j));

    double *L = d->chol, log_det = 0.0;
    int status = DIGS_OK;
    for (int i = 0; i < n && status == DIGS_OK; i++)
        for (int j = 0; j <= i; j++) {
            double sum = sigma[(size_t)i * n + j];
            for (int k = 0; k < j; k++)
                sum -= L[(size_t)i * n + k] * L[(size_t)j * n + k];
            if (i == j) {
                if (!(sum > 0.0)) {
                    status = DIGS_FAIL(DIGS_ERR_NUMERIC,
                                       "gaussian: covariance is not "
                                       "positive definite at row %d", i);
                    break;
                }
                L[(size_t)i * n + i] = sqrt(sum);
                log_det += 2.0 * log(L[(size_t)i * n + i]);
            } else {
                L[(size_t)i * n + j] = sum / L[(size_t)j * n + j];
            }
        }
    free(sigma);
    DIGS_CHECK(status);

    DIGS_CALLOC(w, (size_t)n * n);
    for (int c = 0; c < n; c++)          /* column c of W = L^-1 */
        for (int i = c; i < n; i++) {
            double sum = i == c ? 1.0 : 0.0;
            for (int k = c; k < i; k++)
                sum -= L[(size_t)i * n + k] * w[(size_t)k * n + c];
            w[(size_t)i * n + c] = sum / L[(size_t)i * n + i];
        }
    for (int i = 0; i < n; i++)          /* P = W^T W, symmetric */
        for (int j = 0; j <= i; j++) {
            double sum = 0.0;
            for (int k = i; k < n; k++)
                sum += w[(size_t)k * n + i] * w[(size_t)k * n + j];
            d->precision[(size_t)i * n + j] = sum;
            d->precision[(size_t)j * n + i] = sum;
        }
    free(w);
    d->log_norm = 0.5 * (n * log(2.0 * M_PI) + log_det);
    return DIGS_OK;
}

static int gaussian_setup(digs_potential *pot, digs_deck *deck)
{
    gaussian_data *d;
    DIGS_CALLOC(d, 1);
    pot->data = d;
    double *scales = NULL, rho;
    int status = read_keys(deck, d, &scales, &rho);
    if (status == DIGS_OK)
        status = factor(d, scales, rho);
    free(scales);
    DIGS_CHECK(status);
    pot->dim = d->n;
    return DIGS_OK;
}

/* g = P (x - m) row by row (never stored without grad), E = 1/2 (x-m).g
 * + log_norm.  O(dim^2); allocates nothing. */
static double gaussian_energy(const digs_potential *pot, const double *x,
                              double *grad)
{
    const gaussian_data *d = pot->data;
    const int n = d->n;
    double quad = 0.0;
    for (int i = 0; i < n; i++) {
        const double *row = d->precision + (size_t)i * n;
        double g = 0.0;
        for (int j = 0; j < n; j++)
            g += row[j] * (x[j] - d->mean[j]);
        quad += (x[i] - d->mean[i]) * g;
        if (grad)
            grad[i] = g;
    }
    return 0.5 * quad + d->log_norm;
}

/* x = m + L z, z ~ N(0, I). */
static void gaussian_sample_exact(const digs_potential *pot,
                                  digs_stream *stream, double *x)
{
    const gaussian_data *d = pot->data;
    const int n = d->n;
    for (int i = 0; i < n; i++)
        x[i] = digs_stream_normal(stream);
    for (int i = n - 1; i >= 0; i--) { /* in place: row i uses z_0..z_i */
        const double *row = d->chol + (size_t)i * n;
        double sum = 0.0;
        for (int k = 0; k <= i; k++)
            sum += row[k] * x[k];
        x[i] = d->mean[i] + sum;
    }
}

static void gaussian_destroy(digs_potential *pot)
{
    gaussian_data *d = pot->data;
    if (!d)
        return;
    free(d->mean);
    free(d->chol);
    free(d->precision);
    free(d);
    pot->data = NULL;
}

const digs_potential_ops digs_potential_gaussian = {
    .name = "gaussian",
    .summary = "correlated Gaussian test target (dim, mean, scales, "
               "correlation)",
    .setup = gaussian_setup,
    .energy = gaussian_energy,
    .sample_exact = gaussian_sample_exact,
    .destroy = gaussian_destroy,
};
