/* MoG-40 quadratic test function, RMAE and mode coverage (REFERENCE.md
 * §7.1, §8.2). */
#include "analysis/mog_metrics.h"

#include <math.h>
#include <stdlib.h>

#include "core/status.h"

/* §7.1: s = 2 randn(2), A = 2 rand(2, 2), b = rand(2) after
 * torch.manual_seed(0) (float32, given to 7 digits). */
static const double quad_s[2] = {3.0819921, -0.5868578};
static const double quad_a[2][2] = {{0.6148456, 1.2681574},
                                    {0.9801868, 1.7928895}};
static const double quad_b[2] = {0.4556280, 0.6323063};

double digs_mog_quadratic(const double x[2])
{
    double u0 = x[0] + quad_s[0], u1 = x[1] + quad_s[1];
    double au0 = quad_a[0][0] * u0 + quad_a[0][1] * u1;
    double au1 = quad_a[1][0] * u0 + quad_a[1][1] * u1;
    return u0 * au0 + u1 * au1 + quad_b[0] * x[0] + quad_b[1] * x[1];
}

int digs_mog_quadratic_expectation(const double *means, int k, double sigma,
                                   double *expectation)
{
    if (k < 1 || !(sigma >= 0.0))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "mog quadratic expectation: need k >= 1 means and "
                         "sigma >= 0, got k = %d, sigma = %g", k, sigma);
    /* E[(x+s)^T A (x+s)] for x ~ N(μ, σ² I) = (μ+s)^T A (μ+s) + σ² tr A;
     * E[b^T x] = b^T μ. */
    const double tr = quad_a[0][0] + quad_a[1][1];
    double sum = 0.0;
    for (int c = 0; c < k; c++)
        sum += digs_mog_quadratic(means + 2 * c) + sigma * sigma * tr;
    *expectation = sum / k;
    return DIGS_OK;
}

int digs_mog_quadratic_mean(const double *x, long n, double *mean)
{
    if (n < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "mog quadratic mean: need n >= 1 points, got %ld",
                         n);
    double sum = 0.0;
    for (long i = 0; i < n; i++)
        sum += digs_mog_quadratic(x + 2 * i);
    if (!isfinite(sum))
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "mog quadratic mean: the sum of f over %ld points "
                         "is %g, expected finite points", n, sum);
    *mean = sum / (double)n;
    return DIGS_OK;
}

int digs_mog_rmae(const double *x, long n, double e_true, double *rmae)
{
    if (e_true == 0.0 || !isfinite(e_true))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "mog rmae: E_true = %g, expected a finite non-zero "
                         "value", e_true);
    double mean;
    DIGS_CHECK(digs_mog_quadratic_mean(x, n, &mean));
    *rmae = fabs(mean - e_true) / fabs(e_true); /* §8.2 */
    return DIGS_OK;
}

/* Index of the mean nearest to p (ties to the lower index). */
static int nearest(const double *p, int dim, const double *means, int k)
{
    int best = 0;
    double best_d2 = INFINITY;
    for (int c = 0; c < k; c++) {
        double d2 = 0.0;
        for (int a = 0; a < dim; a++) {
            double u = p[a] - means[c * dim + a];
            d2 += u * u;
        }
        if (d2 < best_d2) {
            best_d2 = d2;
            best = c;
        }
    }
    return best;
}

int digs_mog_mode_weights(const double *x, long n, int dim,
                          const double *means, int k, long *counts,
                          double *weights, double *se)
{
    if (n < 1 || dim < 1 || k < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "mog mode weights: need n, dim, k >= 1, got %ld, "
                         "%d, %d", n, dim, k);
    long *cnt = NULL;
    DIGS_CALLOC(cnt, k);
    for (long i = 0; i < n; i++) {
        const double *p = x + i * dim;
        for (int a = 0; a < dim; a++)
            if (!isfinite(p[a])) {
                free(cnt);
                return DIGS_FAIL(DIGS_ERR_NUMERIC,
                                 "mog mode weights: sample %ld coordinate "
                                 "%d is %g, expected a finite number", i, a,
                                 p[a]);
            }
        cnt[nearest(p, dim, means, k)]++;
    }
    for (int c = 0; c < k; c++) {
        double w = (double)cnt[c] / (double)n;
        if (counts)
            counts[c] = cnt[c];
        if (weights)
            weights[c] = w;
        if (se)
            se[c] = sqrt(w * (1.0 - w) / (double)n);
    }
    free(cnt);
    return DIGS_OK;
}

int digs_mog_modes_covered(const double *weights, int k,
                           double min_fraction)
{
    int covered = 0;
    for (int c = 0; c < k; c++)
        covered += weights[c] >= min_fraction / k;
    return covered;
}
