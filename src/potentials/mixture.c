/* A Gaussian mixture with user-set isotropic components: the target of the
 * unbalanced-modes experiment and of DiGS's exact-denoiser tests
 * (REFERENCE.md §3.9).
 *
 *   [system] dim     = 2       coordinates d (1..4096)
 *            weights = w_1 ... w_K   K > 0 numbers, normalised here
 *            means   = K d numbers, component-major (mu_1, mu_2, ...)
 *            scales  = s_1 ... s_K   standard deviations (> 0), or one
 *                      number for all components
 *
 *   E(x) = -log sum_k w_k N(x; mu_k, s_k^2 I)    (normalised: log Z = 0)
 *   dE/dx = sum_k r_k (x - mu_k) / s_k^2,  r_k = the responsibilities,
 *
 * with a one-pass (streaming) log-sum-exp, so no scratch is needed and
 * far-away points give finite energies and gradients. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "potentials/potential.h"

enum { MIX_MAX_DIM = 4096, MIX_MAX_K = 100000 };

typedef struct mixture_data {
    int k;              /* components */
    int dim;
    double *mean;       /* [k][dim] */
    double *inv_var;    /* [k] 1 / s_k^2 */
    double *scale;      /* [k] s_k */
    double *log_coef;   /* [k] log w_k - (d/2) log(2 pi s_k^2) */
    double *cum_weight; /* [k] cumulative normalised weights */
} mixture_data;

static void mixture_destroy(digs_potential *pot)
{
    mixture_data *d = pot->data;
    if (!d)
        return;
    free(d->mean);
    free(d->inv_var);
    free(d->scale);
    free(d->log_coef);
    free(d->cum_weight);
    free(d);
    pot->data = NULL;
}

/* Counts and values of the three lists (weights >= 0 already). */
static int check_lists(digs_deck *deck, long dim, const double *w, int nw,
                       int nmu, const double *s, int ns)
{
    double total = 0.0;
    for (int k = 0; k < nw; k++)
        total += w[k];
    if (nw > MIX_MAX_K)
        return digs_deck_reject(deck, "system", "weights",
                                "too many components (at most 100000)");
    if (!(total > 0.0) || !isfinite(total))
        return digs_deck_reject(deck, "system", "weights",
                                "expected weights >= 0 with a positive "
                                "finite sum");
    if ((long)nmu != (long)nw * dim)
        return digs_deck_reject(deck, "system", "means",
                                "expected (number of weights) x dim "
                                "numbers, component by component");
    if (ns != 1 && ns != nw)
        return digs_deck_reject(deck, "system", "scales",
                                "expected one standard deviation or one "
                                "per component");
    for (int k = 0; k < ns; k++)
        if (!(s[k] > 0.0))
            return digs_deck_reject(deck, "system", "scales",
                                    "expected standard deviations > 0");
    return DIGS_OK;
}

static int mixture_setup(digs_potential *pot, digs_deck *deck)
{
    if (!deck)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "potential mixture needs [system] weights, means "
                         "and scales");
    mixture_data *d;
    DIGS_CALLOC(d, 1);
    pot->data = d;
    long dim;
    DIGS_CHECK(digs_deck_long(deck, "system", "dim", "2", 1, MIX_MAX_DIM,
                              &dim));
    d->dim = (int)dim;

    double *w = NULL, *mu = NULL, *s = NULL;
    int nw, nmu, ns, status = DIGS_OK;
    DIGS_CHECK(digs_deck_doubles(deck, "system", "weights", NULL, 0.0, 1e300,
                                 &w, &nw));
    status = digs_deck_doubles(deck, "system", "means", NULL, -1e150, 1e150,
                               &mu, &nmu);
    if (status == DIGS_OK)
        status = digs_deck_doubles(deck, "system", "scales", NULL, 0.0, 1e150,
                                   &s, &ns);
    if (status == DIGS_OK)
        status = check_lists(deck, dim, w, nw, nmu, s, ns);
    if (status == DIGS_OK) {
        d->k = nw;
        d->mean = mu;
        mu = NULL;
        d->inv_var = calloc((size_t)nw, sizeof *d->inv_var);
        d->scale = calloc((size_t)nw, sizeof *d->scale);
        d->log_coef = calloc((size_t)nw, sizeof *d->log_coef);
        d->cum_weight = calloc((size_t)nw, sizeof *d->cum_weight);
        if (!d->inv_var || !d->scale || !d->log_coef || !d->cum_weight)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for mixture");
    }
    if (status == DIGS_OK) {
        double total = 0.0, cum = 0.0;
        for (int k = 0; k < nw; k++)
            total += w[k];
        for (int k = 0; k < nw; k++) {
            double sk = ns == 1 ? s[0] : s[k], wk = w[k] / total;
            d->scale[k] = sk;
            d->inv_var[k] = 1.0 / (sk * sk);
            /* log w_k N(.; mu_k, s_k^2 I) = log_coef_k - |x - mu_k|^2 /
             * (2 s_k^2); w_k = 0 gives -inf: the component never counts. */
            d->log_coef[k] =
                log(wk) - 0.5 * dim * log(2.0 * M_PI * sk * sk);
            cum += wk;
            d->cum_weight[k] = cum;
        }
        d->cum_weight[nw - 1] = 1.0;
    }
    free(w);
    free(mu);
    free(s);
    DIGS_CHECK(status);
    pot->dim = d->dim;
    return DIGS_OK;
}

/* Streaming log-sum-exp over components: keep the running maximum m, the
 * sum S = sum_k exp(l_k - m) and, for the gradient, G = sum_k exp(l_k - m)
 * (x - mu_k)/s_k^2 in grad itself, rescaling both when m grows. */
static double mixture_energy(const digs_potential *pot, const double *x,
                             double *grad)
{
    const mixture_data *d = pot->data;
    const int dim = d->dim;
    double m = -INFINITY, sum = 0.0;
    if (grad)
        memset(grad, 0, (size_t)dim * sizeof *grad);
    for (int k = 0; k < d->k; k++) {
        if (d->log_coef[k] == -INFINITY)
            continue;
        const double *mu = d->mean + (size_t)k * dim;
        double r2 = 0.0;
        for (int i = 0; i < dim; i++) {
            double t = x[i] - mu[i];
            r2 += t * t;
        }
        double l = d->log_coef[k] - 0.5 * d->inv_var[k] * r2;
        if (l == -INFINITY)
            continue; /* |x| overflowed: no contribution */
        double w;
        if (l > m) {
            double rescale = exp(m - l); /* 0 for the first component */
            sum *= rescale;
            if (grad)
                for (int i = 0; i < dim; i++)
                    grad[i] *= rescale;
            m = l;
            w = 1.0;
        } else {
            w = exp(l - m);
        }
        sum += w;
        if (grad) {
            double c = w * d->inv_var[k];
            for (int i = 0; i < dim; i++)
                grad[i] += c * (x[i] - mu[i]);
        }
    }
    if (grad)
        for (int i = 0; i < dim; i++)
            grad[i] /= sum;
    return -(m + log(sum));
}

/* Component k with probability w_k (inverse CDF of one uniform), then
 * mu_k + s_k z, z ~ N(0, I). */
static void mixture_sample_exact(const digs_potential *pot,
                                 digs_stream *stream, double *x)
{
    const mixture_data *d = pot->data;
    double u = digs_stream_uniform(stream);
    int lo = 0, hi = d->k - 1;
    while (lo < hi) { /* first k with cum_weight[k] >= u */
        int mid = lo + (hi - lo) / 2;
        if (d->cum_weight[mid] >= u)
            hi = mid;
        else
            lo = mid + 1;
    }
    const double *mu = d->mean + (size_t)lo * d->dim;
    for (int i = 0; i < d->dim; i++)
        x[i] = mu[i] + d->scale[lo] * digs_stream_normal(stream);
}

const digs_potential_ops digs_potential_mixture = {
    .name = "mixture",
    .summary = "Gaussian mixture with user-set weights, means and isotropic "
               "scales (dim, weights, means, scales)",
    .setup = mixture_setup,
    .energy = mixture_energy,
    .sample_exact = mixture_sample_exact,
    .destroy = mixture_destroy,
};
