/* DiGS MMD (REFERENCE.md §8.1) in O(n^2 d) with one exp per pair.
 *
 * With signs s = +1 on X and -1 on Y, n^2 · MMD = Σ_ij s_i s_j k(D_ij)
 * = 5 N + 2 Σ_{i<j} s_i s_j k(D_ij), since k(0) = 5.  The five bandwidths
 * are b/4 · 2^m, so with e = exp(-D / (4b)) the kernel is
 * e + e^2 + e^4 + e^8 + e^16: one exp and four squarings per pair.
 *
 * Layout: the 2n points are stored by coordinate (d arrays of N doubles,
 * padded to a whole number of tiles with weight-0 points), so each row i
 * sweeps contiguous tiles of TILE columns; every tile loop has a constant
 * trip count and vectorises at -O2.  The exp is a branch-free polynomial
 * for the same reason.  Sums: 4-lane partial sums within a tile, plain
 * per-row sums of ~N/TILE tile sums, a compensated sum over rows. */
#include "analysis/mmd.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

enum { TILE = 256 };

/* Largest t = D/(4b) evaluated exactly; beyond it e^16 would be subnormal
 * (slow) and every term is below e^-40 = 4.2e-18 anyway (see mmd.h). */
#define T_MAX 40.0

/* exp(-t) for t in [0, T_MAX], ~1 ulp: t = k ln2 - r with |r| <= ln2/2
 * (Cody-Waite split of ln2, fdlibm constants), exp(r) by its degree-13
 * Taylor polynomial (truncation < 6e-18 relative), times 2^k built in the
 * exponent bits.  No branches or tables, so loops over it vectorise. */
static inline double exp_neg(double t)
{
    const double shift = 0x1.8p52; /* rounds to an integer in the low bits */
    const double log2e = 1.4426950408889634;
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    double x = -t;
    double kd = x * log2e + shift;
    uint64_t kbits;
    memcpy(&kbits, &kd, sizeof kbits);
    kd -= shift;
    double r = (x - kd * ln2_hi) - kd * ln2_lo;
    double p = 1.0 / 6227020800.0;         /* 1/13! */
    p = p * r + 1.0 / 479001600.0;          /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* The low bits of kbits hold k (two's complement); shifting k + 1023
     * into the exponent field gives 2^k for -1022 <= k <= 1023. */
    uint64_t sbits = (kbits + 1023u) << 52;
    double scale;
    memcpy(&scale, &sbits, sizeof scale);
    return p * scale;
}

/* Σ_j w_j k(D(z_i, z_j)) over one tile of TILE columns.  zt: the tile's
 * first coordinate array (coordinate c at zt + c * stride); zi: point i;
 * inv4b = 1/(4b); w: the tile's weights (0 masks a column). */
__attribute__((target_clones("arch=x86-64-v3", "default")))
static double tile_sum(const double *restrict zt, long stride, int d,
                       const double *restrict zi, double inv4b,
                       const double *restrict w)
{
    double t[TILE];
    for (int j = 0; j < TILE; j++)
        t[j] = 0.0;
    for (int c = 0; c < d; c++) {
        const double *zc = zt + c * stride;
        const double a = zi[c];
        for (int j = 0; j < TILE; j++) {
            double u = zc[j] - a;
            t[j] += u * u;
        }
    }
    /* The clamp gets its own loop: fused with the exp, GCC 12 keeps it
     * as a branch and does not vectorise. */
    for (int j = 0; j < TILE; j++) {
        double s = t[j] * inv4b;
        t[j] = s < T_MAX ? s : T_MAX;
    }
    for (int j = 0; j < TILE; j++) {
        double e1 = exp_neg(t[j]);    /* bandwidth 4b */
        double e2 = e1 * e1;          /* 2b */
        double e4 = e2 * e2;          /* b */
        double e8 = e4 * e4;          /* b/2 */
        double e16 = e8 * e8;         /* b/4 */
        t[j] = w[j] * (((e16 + e8) + (e4 + e2)) + e1);
    }
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    for (int j = 0; j < TILE; j += 4)
        for (int l = 0; l < 4; l++)
            acc[l] += t[j + l];
    return (acc[0] + acc[2]) + (acc[1] + acc[3]);
}

/* Neumaier's compensated running sum. */
typedef struct ksum {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

/* Base bandwidth b = Σ_ij |z_i - z_j|^2 / (N^2 - N) = 2 Σ_i |z_i - z̄|^2 /
 * (N - 1), from the centred second moment (no O(N^2) pass, no
 * cancellation).  zt holds the points by coordinate, row length stride. */
static double base_bandwidth(const double *zt, long stride, long N, int d)
{
    ksum ss = {0.0, 0.0};
    for (int c = 0; c < d; c++) {
        const double *zc = zt + c * stride;
        ksum m = {0.0, 0.0};
        for (long j = 0; j < N; j++)
            ksum_add(&m, zc[j]);
        double mean = (m.s + m.c) / (double)N;
        for (long j = 0; j < N; j++) {
            double u = zc[j] - mean;
            ksum_add(&ss, u * u);
        }
    }
    return 2.0 * (ss.s + ss.c) / (double)(N - 1);
}

int digs_mmd(const double *x, const double *y, long n, int d, double *mmd)
{
    if (n < 1 || d < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "mmd: need n >= 1 samples of d >= 1 coordinates, "
                         "got n = %ld, d = %d", n, d);
    for (long k = 0; k < n * d; k++)
        if (!isfinite(x[k]) || !isfinite(y[k]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "mmd: sample %ld coordinate %ld is not finite "
                             "(x %g, y %g)", k / d, k % d, x[k], y[k]);
    const long N = 2 * n;
    const long stride = (N + TILE - 1) / TILE * TILE;
    double *zt = NULL, *w = NULL;
    DIGS_CALLOC(zt, (size_t)stride * (size_t)d);
    w = calloc((size_t)stride + (size_t)d, sizeof *w);
    if (!w) {
        free(zt);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld doubles)",
                         stride + d);
    }
    double *zi = w + stride; /* the current row's point */
    for (long j = 0; j < N; j++) {
        const double *zj = j < n ? x + j * d : y + (j - n) * d;
        for (int c = 0; c < d; c++)
            zt[c * stride + j] = zj[c];
        w[j] = j < n ? 1.0 : -1.0;
    }

    const double b = base_bandwidth(zt, stride, N, d);
    ksum total = {0.0, 0.0};
    if (b > 0.0 && !isfinite(1.0 / (4.0 * b))) {
        free(zt);
        free(w);
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "mmd: bandwidth %g is too small to invert; rescale "
                         "the coordinates", b);
    }
    if (b > 0.0) {
        const double inv4b = 1.0 / (4.0 * b);
        double wm[TILE];
        for (long i = 0; i + 1 < N; i++) {
            for (int c = 0; c < d; c++)
                zi[c] = zt[c * stride + i];
            /* First tile: only columns j > i count. */
            long j0 = (i + 1) / TILE * TILE;
            for (long jj = 0; jj < TILE; jj++)
                wm[jj] = j0 + jj > i ? w[j0 + jj] : 0.0;
            double row = tile_sum(zt + j0, stride, d, zi, inv4b, wm);
            for (long j = j0 + TILE; j < stride; j += TILE)
                row += tile_sum(zt + j, stride, d, zi, inv4b, w + j);
            ksum_add(&total, w[i] * row);
        }
        double pairs = 2.0 * (total.s + total.c);
        *mmd = (5.0 * (double)N + pairs) / ((double)n * (double)n);
    } else {
        *mmd = 0.0;
    }
    free(zt);
    free(w);
    return DIGS_OK;
}
