/* LJ-13: 13 Lennard-Jones particles in 3-D in a harmonic trap, reduced
 * units (epsilon = r_m = 1, kT = 1).  REFERENCE.md §7.4, convention A
 * (the one the EFM/DEM reference data follow):
 *
 *   E(x) = 2 sum_{i<j} phi(r_ij) + 1/2 sum_i |x_i - xbar|^2,
 *   phi(r) = r^-12 - 2 r^-6   (minimum phi(1) = -1, zero at 2^-1/6).
 *
 * [system] lj_damping = yes turns on DiKL's damping (anneal_power = 1):
 * phi(r) is replaced by phi(r) r for r < 2^-1/6 (continuous there since
 * phi = 0).  The trap acts on x - xbar, so E is translation invariant.
 *
 * digs_lj13_smoothed (lj13.h) makes DiKL's smoothed variant: the pair
 * function below r = 0.75 is a cubic (§7.4 "Smoothing"). */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "potentials/lj13.h"
#include "potentials/potential.h"
#include "potentials/v2d.h"

enum { LJ_N = 13, LJ_D = 3, LJ_DIM = LJ_N * LJ_D,
       LJ_PAD = LJ_N + 1 /* even, for pairs of partners */ };

/* DiKL's smoothing segment (REFERENCE.md §7.4): per ordered pair, for
 * r < LJ_SMOOTH_R, LJ'_s(r) = c0 dx^3 + c1 dx^2 + c2 dx + c3, dx = r - 0.75
 * (the first piece of a not-a-knot cubic spline fitted to the damped LJ'
 * on [0.75, 2], extrapolated to the left). */
#define LJ_SMOOTH_R 0.75
#define LJ_SMOOTH_C0 (-1.90154e4)
#define LJ_SMOOTH_C1 2.57528e3
#define LJ_SMOOTH_C2 (-2.91107e2)
#define LJ_SMOOTH_C3 15.2490

typedef struct lj13_data {
    int damping;   /* 1: DiKL's damped pair potential */
    int smoothing; /* 1: DiKL's cubic below r = 0.75 (digs_lj13_smoothed) */
} lj13_data;

static int lj13_setup(digs_potential *pot, digs_deck *deck)
{
    lj13_data *d;
    DIGS_CALLOC(d, 1);
    pot->data = d;
    if (deck)
        DIGS_CHECK(digs_deck_bool(deck, "system", "lj_damping", "no",
                                  &d->damping));
    pot->dim = LJ_DIM;
    pot->n_particles = LJ_N;
    pot->spatial_dim = LJ_D;
    pot->translation_invariant = 1;
    return DIGS_OK;
}

/* The kernel, specialised by the compiler for each (damping, smoothing,
 * want_grad).
 *
 * Pair terms in s = 1/r^2 (no square root for the plain potential):
 *   phi = s^3 (s^3 - 2),        phi'(r)/r = 12 s^4 (1 - s^3),
 * and with damping where r < 2^-1/6 (equivalently s^3 > 2):
 *   phi r,                      (phi r)'/r = r phi'(r)/r + phi s r.
 * With smoothing where r < 0.75 (r^2 < 0.5625; a rare branch, taken only
 * when a pair of the register is that close), dx = r - 0.75:
 *   ((c0 dx + c1) dx + c2) dx + c3,   ((3 c0 dx + 2 c1) dx + c2) / r
 * (0 at r = 0, where the direction is undefined).
 * Convention A doubles both: E_pair = 2 phi, grad_i += 2 (phi'/r) (x_i -
 * x_j), grad_j -= the same.  The trap term 1/2 sum_i |x_i - xbar|^2 has
 * gradient x_i - xbar (the xbar-dependence cancels since sum (x_i - xbar)
 * = 0).
 *
 * Layout: centred coordinates in SoA arrays padded to 14 with a dummy
 * particle far away; for each i the partners j > i are taken two at a
 * time (one SSE2 register), the dummy lane masked to exactly zero. */
static inline __attribute__((always_inline)) double
lj13_kernel(const double *x, double *grad, const int damping,
            const int smoothing, const int want_grad)
{
    double px[LJ_PAD], py[LJ_PAD], pz[LJ_PAD];
    double gx[LJ_PAD], gy[LJ_PAD], gz[LJ_PAD];
    double mean[LJ_D] = {0.0, 0.0, 0.0};
    for (int i = 0; i < LJ_N; i++)
        for (int a = 0; a < LJ_D; a++)
            mean[a] += x[LJ_D * i + a];
    for (int a = 0; a < LJ_D; a++)
        mean[a] *= 1.0 / LJ_N;
    double e_trap = 0.0;
    for (int i = 0; i < LJ_N; i++) {
        px[i] = x[LJ_D * i] - mean[0];
        py[i] = x[LJ_D * i + 1] - mean[1];
        pz[i] = x[LJ_D * i + 2] - mean[2];
        e_trap += px[i] * px[i] + py[i] * py[i] + pz[i] * pz[i];
        gx[i] = px[i];
        gy[i] = py[i];
        gz[i] = pz[i];
    }
    for (int i = LJ_N; i < LJ_PAD; i++) {
        px[i] = py[i] = pz[i] = 1e10; /* dummy: finite, never a neighbour */
        gx[i] = gy[i] = gz[i] = 0.0;
    }

    const digs_v2d two = digs_v2d_splat(2.0), twelve = digs_v2d_splat(12.0);
    const digs_v2d one = digs_v2d_splat(1.0);
    digs_v2d e_pair = digs_v2d_splat(0.0);
    for (int i = 0; i < LJ_N - 1; i++) {
        const digs_v2d xi = digs_v2d_splat(px[i]), yi = digs_v2d_splat(py[i]),
                       zi = digs_v2d_splat(pz[i]);
        digs_v2d gxi = digs_v2d_splat(0.0), gyi = gxi, gzi = gxi;
        for (int j = i + 1; j < LJ_N; j += 2) {
            digs_v2d dx = xi - digs_v2d_load(px + j);
            digs_v2d dy = yi - digs_v2d_load(py + j);
            digs_v2d dz = zi - digs_v2d_load(pz + j);
            digs_v2d r2 = dx * dx + dy * dy + dz * dz;
            digs_v2d s = one / r2;
            digs_v2d s3 = s * s * s;
            digs_v2d phi = s3 * (s3 - two);
            digs_v2d g = twelve * s * s3 * (one - s3);
            if (damping) {
                digs_v2i damped = s3 > two;
                digs_v2d r = {sqrt(r2[0]), sqrt(r2[1])};
                g = digs_v2d_select(damped, r * g + phi * s * r, g);
                phi = digs_v2d_select(damped, phi * r, phi);
            }
            if (smoothing) {
                const digs_v2i near = r2 < LJ_SMOOTH_R * LJ_SMOOTH_R;
                if (near[0] | near[1]) {
                    digs_v2d r = {sqrt(r2[0]), sqrt(r2[1])};
                    digs_v2d d = r - LJ_SMOOTH_R;
                    digs_v2d ps = ((LJ_SMOOTH_C0 * d + LJ_SMOOTH_C1) * d
                                   + LJ_SMOOTH_C2) * d + LJ_SMOOTH_C3;
                    digs_v2d dps = (3.0 * LJ_SMOOTH_C0 * d
                                    + 2.0 * LJ_SMOOTH_C1) * d + LJ_SMOOTH_C2;
                    digs_v2d gs = digs_v2d_select(r2 > 0.0, dps / r,
                                                  digs_v2d_splat(0.0));
                    phi = digs_v2d_select(near, ps, phi);
                    g = digs_v2d_select(near, gs, g);
                }
            }
            if (j + 1 == LJ_N) { /* lane 1 is the dummy */
                const digs_v2i keep = {-1, 0};
                phi = (digs_v2d)((digs_v2i)phi & keep);
                g = (digs_v2d)((digs_v2i)g & keep);
            }
            e_pair += phi;
            if (want_grad) {
                digs_v2d c = two * g;
                gxi += c * dx;
                gyi += c * dy;
                gzi += c * dz;
                digs_v2d_store(gx + j, digs_v2d_load(gx + j) - c * dx);
                digs_v2d_store(gy + j, digs_v2d_load(gy + j) - c * dy);
                digs_v2d_store(gz + j, digs_v2d_load(gz + j) - c * dz);
            }
        }
        if (want_grad) {
            gx[i] += gxi[0] + gxi[1];
            gy[i] += gyi[0] + gyi[1];
            gz[i] += gzi[0] + gzi[1];
        }
    }
    if (want_grad)
        for (int i = 0; i < LJ_N; i++) {
            grad[LJ_D * i] = gx[i];
            grad[LJ_D * i + 1] = gy[i];
            grad[LJ_D * i + 2] = gz[i];
        }
    double e = 2.0 * (e_pair[0] + e_pair[1]) + 0.5 * e_trap;
    return isnan(e) ? INFINITY : e; /* coincident particles */
}

/* E(x) and, when grad != NULL, its gradient (see lj13_kernel). */
static double lj13_energy(const digs_potential *pot, const double *x,
                          double *grad)
{
    const lj13_data *data = pot->data;
    if (data->smoothing) {
        if (data->damping)
            return grad ? lj13_kernel(x, grad, 1, 1, 1)
                        : lj13_kernel(x, NULL, 1, 1, 0);
        return grad ? lj13_kernel(x, grad, 0, 1, 1)
                    : lj13_kernel(x, NULL, 0, 1, 0);
    }
    if (data->damping)
        return grad ? lj13_kernel(x, grad, 1, 0, 1)
                    : lj13_kernel(x, NULL, 1, 0, 0);
    return grad ? lj13_kernel(x, grad, 0, 0, 1) : lj13_kernel(x, NULL, 0, 0, 0);
}

static void lj13_destroy(digs_potential *pot)
{
    free(pot->data);
    pot->data = NULL;
}

/* Start configuration: the centred icosahedral cluster (one particle at
 * the origin, twelve on a sphere of radius 1.0, nearest-neighbour
 * distances near the pair minimum r_m = 1), the shape of the LJ-13 global
 * minimum.  E = -79.163 here (test_conformance checks it). */
static int lj13_start_position(const digs_potential *pot, double *x)
{
    (void)pot;
    const double phi = (1.0 + sqrt(5.0)) / 2.0;
    const double scale = 1.0 / sqrt(1.0 + phi * phi); /* circumradius 1 */
    static const signed char pattern[12][3] = {
        {0, 1, 2}, {0, 1, -2}, {0, -1, 2}, {0, -1, -2},
        {1, 2, 0}, {1, -2, 0}, {-1, 2, 0}, {-1, -2, 0},
        {2, 0, 1}, {-2, 0, 1}, {2, 0, -1}, {-2, 0, -1}};
    x[0] = x[1] = x[2] = 0.0;
    for (int v = 0; v < 12; v++)
        for (int a = 0; a < 3; a++) {
            int p = pattern[v][a];
            double c = p == 0 ? 0.0 : (abs(p) == 1 ? 1.0 : phi);
            x[3 * (v + 1) + a] = (p < 0 ? -c : c) * scale;
        }
    return DIGS_OK;
}

const digs_potential_ops digs_potential_lj13 = {
    .name = "lj13",
    .summary = "LJ-13: 13 Lennard-Jones particles in 3-D in a harmonic trap",
    .setup = lj13_setup,
    .energy = lj13_energy,
    .destroy = lj13_destroy,
    .start_position = lj13_start_position,
};

int digs_lj13_smoothed(digs_deck *deck, digs_potential **out)
{
    DIGS_CHECK(digs_potential_create_named("lj13", deck, out));
    lj13_data *d = (*out)->data;
    d->smoothing = 1;
    return DIGS_OK;
}
