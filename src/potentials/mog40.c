/* MoG-40: the 2-D mixture of 40 equal-weight Gaussians of FAB (also used
 * by DiGS, DEM and DiKL).  REFERENCE.md §7.1.
 *
 *   p(x) = (1/40) sum_k N(x; mu_k, sigma^2 I_2),  sigma = softplus(1),
 *   E(x) = -log p(x)   (normalised: log Z = 0),
 *   E = +inf where log p < -1e4 (the FAB/DiKL/DiGS guard).
 *
 * The means come from PyTorch's CPU generator re-implemented here
 * (torch.manual_seed(0); (torch.rand(40, 2) - 0.5) * 2 * 40 in float32). */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "potentials/mog40.h"
#include "potentials/potential.h"
#include "potentials/vexp.h"

enum { BLOCKS = DIGS_MOG40_K / 2 }; /* 40 components = 20 vectors of 2 */

typedef struct mog40_data {
    double mx[DIGS_MOG40_K], my[DIGS_MOG40_K]; /* means, SoA */
    double sigma;          /* component standard deviation */
    double inv_var;        /* 1 / sigma^2 */
    double log_norm;       /* log(40 * 2 pi sigma^2) */
    int guard;             /* 1: E = +inf where log p < -1e4 (§7.1) */
} mog40_data;

/* ---- PyTorch's CPU generator: MT19937 (Matsumoto & Nishimura 1998) --- */

enum { MT_N = 624, MT_M = 397 };

typedef struct mt19937 {
    uint32_t state[MT_N];
    int next;
} mt19937;

static void mt_seed(mt19937 *g, uint32_t seed)
{
    g->state[0] = seed;
    for (int i = 1; i < MT_N; i++) {
        uint32_t prev = g->state[i - 1];
        g->state[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    g->next = MT_N;
}

static uint32_t mt_next(mt19937 *g)
{
    if (g->next == MT_N) {
        for (int i = 0; i < MT_N; i++) {
            uint32_t y = (g->state[i] & 0x80000000u) |
                         (g->state[(i + 1) % MT_N] & 0x7fffffffu);
            uint32_t v = g->state[(i + MT_M) % MT_N] ^ (y >> 1);
            g->state[i] = (y & 1u) ? v ^ 0x9908b0dfu : v;
        }
        g->next = 0;
    }
    uint32_t y = g->state[g->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

void digs_mog40_torch_rand(uint32_t seed, int n, float *out)
{
    mt19937 g;
    mt_seed(&g, seed);
    for (int i = 0; i < n; i++)
        out[i] = (float)(mt_next(&g) & 0xFFFFFFu) * 0x1p-24f;
}

void digs_mog40_means(double mu[2 * DIGS_MOG40_K])
{
    float u[2 * DIGS_MOG40_K];
    digs_mog40_torch_rand(0, 2 * DIGS_MOG40_K, u);
    for (int i = 0; i < 2 * DIGS_MOG40_K; i++) {
        float centred = u[i] - 0.5f;      /* each step rounded to float32 */
        float scaled = centred * 2.0f;
        mu[i] = (double)(scaled * 40.0f);
    }
}

/* ---- the potential ---------------------------------------------------- */

static int mog40_setup(digs_potential *pot, digs_deck *deck)
{
    (void)deck; /* MoG-40 has no [system] keys of its own */
    mog40_data *d;
    DIGS_CALLOC(d, 1);
    pot->data = d;
    double mu[2 * DIGS_MOG40_K];
    digs_mog40_means(mu);
    for (int k = 0; k < DIGS_MOG40_K; k++) {
        d->mx[k] = mu[2 * k];
        d->my[k] = mu[2 * k + 1];
    }
    d->sigma = log1p(exp(1.0)); /* softplus(1) = 1.3132617 (§7.1) */
    d->inv_var = 1.0 / (d->sigma * d->sigma);
    d->log_norm = log(DIGS_MOG40_K * 2.0 * M_PI * d->sigma * d->sigma);
    d->guard = 1;
    pot->dim = 2;
    return DIGS_OK;
}

/* Terms below exp(-MOG40_CUT) of the largest one change S by less than
 * 40 e^-50 = 8e-21 relative, far below double rounding: a pair of
 * components whose terms are both that small skips its exp(). */
static const double MOG40_CUT = 50.0;

/* E = -log sum_k exp(a_k) + log(40 * 2 pi sigma^2), a_k = -|x - mu_k|^2 /
 * (2 sigma^2), by a stable log-sum-exp: m = max a_k, S = sum exp(a_k - m).
 * grad E = sum_k w_k (x - mu_k) / sigma^2 with w_k = exp(a_k - m) / S.
 * One code path for E with or without the gradient (identical E).
 * Typically only a few of the 20 pairs of components pass the cut. */
static double mog40_energy(const digs_potential *pot, const double *x,
                           double *grad)
{
    const mog40_data *d = pot->data;
    const digs_v2d x0 = digs_v2d_splat(x[0]), x1 = digs_v2d_splat(x[1]);
    const digs_v2d c = digs_v2d_splat(-0.5 * d->inv_var);
    digs_v2d dx[BLOCKS], dy[BLOCKS], a[BLOCKS];
    digs_v2d m = digs_v2d_splat(-INFINITY);
    for (int b = 0; b < BLOCKS; b++) {
        dx[b] = x0 - digs_v2d_load(d->mx + 2 * b);
        dy[b] = x1 - digs_v2d_load(d->my + 2 * b);
        a[b] = (dx[b] * dx[b] + dy[b] * dy[b]) * c;
        m = digs_v2d_select(a[b] > m, a[b], m);
    }
    double amax = m[0] > m[1] ? m[0] : m[1];
    const digs_v2d shift = digs_v2d_splat(amax);
    const digs_v2d cut = digs_v2d_splat(amax - MOG40_CUT);
    digs_v2d s = digs_v2d_splat(0.0), sx = s, sy = s;
    for (int b = 0; b < BLOCKS; b++) {
        digs_v2i live = a[b] > cut;
        if (!(live[0] | live[1]))
            continue;
        digs_v2d e = digs_vexp(a[b] - shift);
        s += e;
        sx += e * dx[b];
        sy += e * dy[b];
    }
    double sum = s[0] + s[1];
    double log_p = amax + log(sum) - d->log_norm;
    if (d->guard ? !(log_p >= -1e4) /* the guard of §7.1 (and NaN input) */
                 : !isfinite(log_p))
        return INFINITY;
    if (grad) {
        double scale = d->inv_var / sum;
        grad[0] = (sx[0] + sx[1]) * scale;
        grad[1] = (sy[0] + sy[1]) * scale;
    }
    return -log_p;
}

/* A uniformly chosen component plus N(0, sigma^2 I) (§7.1). */
static void mog40_sample_exact(const digs_potential *pot, digs_stream *stream,
                               double *x)
{
    const mog40_data *d = pot->data;
    uint32_t k = digs_stream_below(stream, DIGS_MOG40_K);
    x[0] = d->mx[k] + d->sigma * digs_stream_normal(stream);
    x[1] = d->my[k] + d->sigma * digs_stream_normal(stream);
}

static void mog40_destroy(digs_potential *pot)
{
    free(pot->data);
    pot->data = NULL;
}

int digs_mog40_unguarded(digs_potential **out)
{
    DIGS_CHECK(digs_potential_create_named("mog40", NULL, out));
    ((mog40_data *)(*out)->data)->guard = 0;
    return DIGS_OK;
}

const digs_potential_ops digs_potential_mog40 = {
    .name = "mog40",
    .summary = "2-D mixture of 40 Gaussians (FAB GMM, sigma = softplus(1))",
    .setup = mog40_setup,
    .energy = mog40_energy,
    .sample_exact = mog40_sample_exact,
    .destroy = mog40_destroy,
};
