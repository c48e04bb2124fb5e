/* Conformance of every registry potential (one driver, DESIGN.md "Tests"):
 * gradients against finite differences, energy-only = energy+gradient,
 * E(D) x S_n invariance of particle systems; then hand-checked values of
 * the reference targets (REFERENCE.md §7.1-7.4), the Many-Well partition
 * function by quadrature, and the energies of the shared DW-4 / LJ-13
 * reference data (§11.1, §11.2). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "io/npy.h"
#include "potentials/mog40.h"
#include "potentials/potential.h"
#include "potentials/vexp.h"
#include "../check_run.h"

enum { N_POINTS = 100, MAX_DIM = 4096 };

/* ---- helpers ------------------------------------------------------------ */

static digs_potential *create(const char *name, const char *deck_text)
{
    digs_deck *deck = NULL;
    if (deck_text)
        ck_assert_int_eq(digs_deck_parse(&deck, deck_text, "test.ini"),
                         DIGS_OK);
    digs_potential *pot = NULL;
    int status = digs_potential_create_named(name, deck, &pot);
    ck_assert_msg(status == DIGS_OK, "%s: %s", name, digs_error_message());
    digs_deck_destroy(&deck);
    return pot;
}

static double norm(int n, const double *v)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static double min_pair_distance(const digs_potential *pot, const double *x)
{
    int n = pot->n_particles, s = pot->spatial_dim;
    double best = INFINITY;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double r2 = 0.0;
            for (int a = 0; a < s; a++) {
                double d = x[i * s + a] - x[j * s + a];
                r2 += d * d;
            }
            best = fmin(best, sqrt(r2));
        }
    return best;
}

/* Vertices of a regular icosahedron with circumradius 1. */
static void icosahedron(double v[12][3])
{
    const double g = 0.5 * (1.0 + sqrt(5.0)), norm_v = sqrt(1.0 + g * g);
    int k = 0;
    for (int s1 = -1; s1 <= 1; s1 += 2)
        for (int s2 = -1; s2 <= 1; s2 += 2) {
            double a = s1 / norm_v, b = s2 * g / norm_v;
            double rows[3][3] = {{0, a, b}, {a, b, 0}, {b, 0, a}};
            for (int r = 0; r < 3; r++, k++)
                for (int c = 0; c < 3; c++)
                    v[k][c] = rows[r][c];
        }
}

/* LJ-13 cluster: centre at the origin, vertices at radius R. */
static void lj13_icosahedron(double R, double *x)
{
    double v[12][3];
    icosahedron(v);
    x[0] = x[1] = x[2] = 0.0;
    for (int k = 0; k < 12; k++)
        for (int a = 0; a < 3; a++)
            x[3 + 3 * k + a] = R * v[k][a];
}

/* Test point number `index` for a potential (well-conditioned, finite E):
 *  lj13  icosahedron (R = 1.1) + N(0, 0.12^2) noise, shifted by N(0, 1),
 *        redrawn until the minimum pair distance is >= 0.8;
 *  dw4   square of side 3.3 + N(0, 0.5^2), shifted by N(0, 4);
 *  others with an exact sampler: an exact draw (mog40: near the means);
 *  others with a start position: start + N(0, 0.01^2);
 *  else N(0, 1) coordinates. */
static void test_point(const digs_potential *pot, int index, double *x)
{
    const char *name = pot->ops->name;
    const int d = pot->dim;
    digs_stream s;
    digs_stream_init(&s, 11, (uint64_t)index, 0, DIGS_RNG_TEST, 0);
    if (strcmp(name, "lj13") == 0) {
        do {
            lj13_icosahedron(1.1, x);
            double shift[3];
            digs_stream_normals(&s, 3, shift);
            for (int k = 0; k < d; k++)
                x[k] += 0.12 * digs_stream_normal(&s) + shift[k % 3];
        } while (min_pair_distance(pot, x) < 0.8);
    } else if (strcmp(name, "dw4") == 0) {
        const double sq[8] = {0, 0, 3.3, 0, 3.3, 3.3, 0, 3.3};
        double shift[2];
        digs_stream_normals(&s, 2, shift);
        for (int k = 0; k < 8; k++)
            x[k] = sq[k] + 0.5 * digs_stream_normal(&s) + 2.0 * shift[k % 2];
    } else if (pot->ops->sample_exact) {
        pot->ops->sample_exact(pot, &s, x);
    } else if (pot->ops->start_position &&
               pot->ops->start_position(pot, x) == DIGS_OK) {
        for (int k = 0; k < d; k++)
            x[k] += 0.01 * digs_stream_normal(&s);
    } else {
        digs_error_clear();
        digs_stream_normals(&s, d, x);
    }
}

/* Finite-difference step per potential, in its length unit.  The
 * fourth-order central stencil
 *   f'(x) ~ [f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)] / (12 h)
 * has truncation error h^4 f^(5) / 30 and rounding error ~ 2 eps |E| / h:
 *  mog40       h = 1e-3: f^(5) ~ 1/sigma^5 ~ 0.3 -> 1e-14; rounding
 *              1e-16 * 10 / 1e-3 = 1e-12;
 *  manywell32, gaussian: polynomials of degree <= 4, the stencil is exact;
 *              h = 1e-3 leaves rounding 1e-16 * 200 / 1e-3 = 2e-11;
 *  dw4         h = 1e-3: f^(5) = O(10) at d ~ 2-6 -> 3e-13;
 *  lj13        h = 1e-4: at r = 0.8, 2 d^5/dr^5 r^-12 = 4.6e7 -> 1.5e-10;
 *              rounding 1e-16 * 100 / 1e-4 = 1e-10;
 *  others      h = 1e-4 (unit-length scale).
 * All far below the 1e-6 relative budget with |grad| >= O(1). */
static double fd_step(const char *name)
{
    if (strcmp(name, "lj13") == 0)
        return 1e-4;
    if (strcmp(name, "mog40") == 0 || strcmp(name, "manywell32") == 0 ||
        strcmp(name, "gaussian") == 0 || strcmp(name, "dw4") == 0)
        return 1e-3;
    return 1e-4;
}

static void fd_gradient(const digs_potential *pot, const double *x0,
                        double h, double *fd, double *work)
{
    const int d = pot->dim;
    memcpy(work, x0, sizeof *work * d);
    for (int k = 0; k < d; k++) {
        double f[4];
        const double off[4] = {-2.0 * h, -h, h, 2.0 * h};
        for (int m = 0; m < 4; m++) {
            work[k] = x0[k] + off[m];
            f[m] = digs_potential_energy(pot, work, NULL);
        }
        work[k] = x0[k];
        fd[k] = (f[0] - 8.0 * f[1] + 8.0 * f[2] - f[3]) / (12.0 * h);
    }
}

/* ---- every registry potential --------------------------------------------- */

/* Run fn on every potential that can be created without a deck. */
static void each_potential(void (*fn)(digs_potential *pot))
{
    const digs_potential_ops *const *reg = digs_potential_registry();
    int tested = 0;
    for (int i = 0; reg[i]; i++) {
        digs_potential *pot = NULL;
        if (digs_potential_create_named(reg[i]->name, NULL, &pot) !=
            DIGS_OK) {
            digs_error_clear(); /* needs a deck: covered by its own tests */
            continue;
        }
        ck_assert_int_le(pot->dim, MAX_DIM);
        fn(pot);
        digs_potential_destroy(&pot);
        tested++;
    }
    ck_assert_int_ge(tested, 5);
}

/* Relative error |g_fd - g| / max(|g|, 1e-3) <= 1e-6 at 100 points (the
 * floor turns the check absolute, 1e-9, at nearly stationary points). */
static void check_gradient(digs_potential *pot)
{
    const int d = pot->dim;
    double *x = calloc(4 * (size_t)d, sizeof *x);
    double *g = x + d, *fd = x + 2 * d, *work = x + 3 * d;
    ck_assert_ptr_nonnull(x);
    const double h = fd_step(pot->ops->name);
    double worst = 0.0;
    for (int p = 0; p < N_POINTS; p++) {
        test_point(pot, p, x);
        double e = digs_potential_energy(pot, x, g);
        ck_assert_msg(isfinite(e), "%s: E not finite at point %d",
                      pot->ops->name, p);
        fd_gradient(pot, x, h, fd, work);
        for (int k = 0; k < d; k++)
            fd[k] -= g[k];
        double rel = norm(d, fd) / fmax(norm(d, g), 1e-3);
        worst = fmax(worst, rel);
    }
    ck_assert_msg(worst <= 1e-6, "%s: gradient vs finite differences: "
                  "worst relative error %.3g > 1e-6", pot->ops->name, worst);
    free(x);
}

START_TEST(test_gradients)
{
    each_potential(check_gradient);
}
END_TEST

/* The energy-only call returns the energy of the energy+gradient call
 * (one code path in every potential: equal to rounding, 1e-14). */
static void check_energy_only(digs_potential *pot)
{
    const int d = pot->dim;
    double *x = calloc(2 * (size_t)d, sizeof *x), *g = x + d;
    ck_assert_ptr_nonnull(x);
    for (int p = 0; p < N_POINTS; p++) {
        test_point(pot, p, x);
        double e1 = digs_potential_energy(pot, x, NULL);
        double e2 = digs_potential_energy(pot, x, g);
        ck_assert_msg(fabs(e1 - e2) <= 1e-14 * fmax(fabs(e2), 1.0),
                      "%s: energy-only %.17g != energy+grad %.17g",
                      pot->ops->name, e1, e2);
    }
    free(x);
}

START_TEST(test_energy_only)
{
    each_potential(check_energy_only);
}
END_TEST

/* Random orthogonal matrix q (s x s, row-major) with det +1: an angle in
 * 2-D, a unit quaternion in 3-D. */
static void random_rotation(digs_stream *st, int s, double *q)
{
    if (s == 2) {
        double t = 2.0 * M_PI * digs_stream_uniform(st);
        q[0] = cos(t), q[1] = -sin(t), q[2] = sin(t), q[3] = cos(t);
        return;
    }
    double u[4];
    digs_stream_normals(st, 4, u);
    double n = norm(4, u);
    double w = u[0] / n, a = u[1] / n, b = u[2] / n, c = u[3] / n;
    double m[9] = {1 - 2 * (b * b + c * c), 2 * (a * b - c * w),
                   2 * (a * c + b * w),     2 * (a * b + c * w),
                   1 - 2 * (a * a + c * c), 2 * (b * c - a * w),
                   2 * (a * c - b * w),     2 * (b * c + a * w),
                   1 - 2 * (a * a + b * b)};
    memcpy(q, m, sizeof m);
}

/* y_i = q x_i + t for every particle (q s x s row-major). */
static void transform(int n, int s, const double *q, const double *t,
                      const double *x, double *y)
{
    for (int i = 0; i < n; i++)
        for (int a = 0; a < s; a++) {
            double v = t[a];
            for (int b = 0; b < s; b++)
                v += q[a * s + b] * x[i * s + b];
            y[i * s + a] = v;
        }
}

/* E(D) x S_n: E(q x + t) = E(x) and grad(q x + t) = q grad(x) for
 * rotations, a reflection and (if translation_invariant) translations;
 * E(P x) = E(x), grad(P x) = P grad(x) for a permutation P.  Energies to
 * 1e-12 relative; gradients to 1e-10 relative to |grad| (rounding in the
 * coordinates, ~1e-15 x, is amplified by the curvature ~1e3 of LJ). */
static void check_invariance(digs_potential *pot)
{
    const int n = pot->n_particles, s = pot->spatial_dim, d = pot->dim;
    if (n <= 0 || s <= 0)
        return;
    double *buf = calloc(5 * (size_t)d, sizeof *buf);
    double *x = buf, *g = buf + d, *y = buf + 2 * d, *gy = buf + 3 * d,
           *gq = buf + 4 * d;
    ck_assert_ptr_nonnull(buf);
    digs_stream st;
    digs_stream_init(&st, 5, 0, 0, DIGS_RNG_TEST, 1);
    const double zero[3] = {0.0, 0.0, 0.0};
    for (int p = 0; p < 20; p++) {
        test_point(pot, p, x);
        double e = digs_potential_energy(pot, x, g);
        double gn = norm(d, g);
        for (int kind = 0; kind < 4; kind++) {
            double q[9], t[3];
            int perm[64];
            if (kind == 3) { /* permutation (Fisher-Yates) */
                ck_assert_int_le(n, 64);
                for (int i = 0; i < n; i++)
                    perm[i] = i;
                for (int i = n - 1; i > 0; i--) {
                    int j = (int)digs_stream_below(&st, (uint32_t)i + 1);
                    int tmp = perm[i];
                    perm[i] = perm[j];
                    perm[j] = tmp;
                }
                for (int i = 0; i < n; i++)
                    for (int a = 0; a < s; a++) {
                        y[i * s + a] = x[perm[i] * s + a];
                        gq[i * s + a] = g[perm[i] * s + a];
                    }
            } else {
                for (int k = 0; k < s * s; k++)
                    q[k] = (k % (s + 1) == 0);
                if (kind == 0)
                    random_rotation(&st, s, q);
                if (kind == 1)
                    q[0] = -1.0; /* reflection x -> -x */
                for (int a = 0; a < s; a++)
                    t[a] = kind == 2 ? 10.0 * digs_stream_normal(&st) : 0.0;
                if (kind == 2 && !pot->translation_invariant)
                    continue;
                transform(n, s, q, t, x, y);
                transform(n, s, q, zero, g, gq);
            }
            double ey = digs_potential_energy(pot, y, gy);
            ck_assert_msg(fabs(ey - e) <= 1e-12 * fmax(fabs(e), 1.0),
                          "%s: transformation %d changed E: %.17g vs %.17g",
                          pot->ops->name, kind, ey, e);
            for (int k = 0; k < d; k++)
                gy[k] -= gq[k];
            ck_assert_msg(norm(d, gy) <= 1e-10 * fmax(gn, 1.0),
                          "%s: transformation %d: gradient not equivariant "
                          "(%.3g)", pot->ops->name, kind, norm(d, gy));
        }
    }
    free(buf);
}

START_TEST(test_invariances)
{
    each_potential(check_invariance);
}
END_TEST

/* ---- MoG-40 ----------------------------------------------------------------- */

/* torch.manual_seed(0); torch.rand(10) (REFERENCE.md §7.1) to 4 decimals. */
START_TEST(test_mog40_torch_generator)
{
    const double expect[10] = {0.4963, 0.7682, 0.0885, 0.1320, 0.3074,
                               0.6341, 0.4901, 0.8964, 0.4556, 0.6323};
    float u[10];
    digs_mog40_torch_rand(0, 10, u);
    for (int i = 0; i < 10; i++)
        ck_assert_double_le(fabs(u[i] - expect[i]), 0.5e-4 + 1e-7);
}
END_TEST

/* The 40 means of REFERENCE.md §7.1, 4 decimals: |mu - table| <= 0.5e-4
 * (rounding) + 1e-6 (float32 ulp at 40 is 4e-6; the table was rounded
 * from the same float32 values). */
START_TEST(test_mog40_means_table)
{
    static const double table[80] = {
        -0.2995, 21.4577, -32.9218, -29.4376, -15.4062, 10.7263,
        -0.7925, 31.7156, -3.5498, 10.5845, -12.0885, -7.8626,
        -38.2139, -26.4913, -16.4889, 1.4817, 15.8134, 24.0009,
        -27.1176, -17.4185, 14.5287, 33.2155, -8.2320, 29.9325,
        -6.4473, 4.2326, 36.2190, -37.1068, -25.1815, -10.1266,
        -15.5920, 34.5600, -25.9272, -18.4133, -27.9456, -37.4624,
        -23.3496, 34.3839, 17.8487, 19.3869, 2.1037, -20.5073,
        6.7674, -37.3478, -28.9026, -20.6212, 25.2375, 23.4529,
        -17.7398, -1.4433, 25.5824, 39.7653, 15.8753, 5.4037,
        26.8195, -23.5521, 7.4538, -31.0122, -27.7234, -20.6633,
        18.0989, 16.0864, -23.6941, 12.0843, 21.9589, -5.0487,
        1.5273, 9.2682, 24.8151, 38.4078, -30.8249, -14.6588,
        15.7204, 33.1420, 34.8083, 35.2943, 7.9606, -34.7833,
        3.6797, -25.0242};
    double mu[80];
    digs_mog40_means(mu);
    for (int i = 0; i < 80; i++)
        ck_assert_msg(fabs(mu[i] - table[i]) <= 0.5e-4 + 1e-6,
                      "mean %d.%d: %.6f vs table %.4f", i / 2, i % 2, mu[i],
                      table[i]);
}
END_TEST

/* At a mean whose nearest other mean is >= 15 away (other terms below
 * exp(-15^2 / (2 sigma^2)) = e^-65), E = log(40 * 2 pi sigma^2) =
 * 6.0717842815284486 (sigma = softplus(1), mpmath), gradient ~ 0. */
START_TEST(test_mog40_energy_at_mean)
{
    digs_potential *pot = create("mog40", NULL);
    double mu[80], g[2];
    digs_mog40_means(mu);
    int checked = 0;
    for (int k = 0; k < 40; k++) {
        double nearest = INFINITY;
        for (int j = 0; j < 40; j++)
            if (j != k)
                nearest = fmin(nearest, hypot(mu[2 * k] - mu[2 * j],
                                              mu[2 * k + 1] - mu[2 * j + 1]));
        if (nearest < 15.0)
            continue;
        double e = digs_potential_energy(pot, mu + 2 * k, g);
        ck_assert_double_le(fabs(e - 6.0717842815284486), 1e-13);
        ck_assert_double_le(norm(2, g), 1e-13);
        checked++;
    }
    ck_assert_int_ge(checked, 1);
    digs_potential_destroy(&pot);
}
END_TEST

/* Normalisation and entropy by the trapezoid rule on [-60, 60]^2 with
 * step 0.2: for Gaussians of sd 1.31 the rule's error is
 * ~exp(-2 pi^2 sigma^2 / h^2) = e^-850 and the tails beyond 20 (15 sigma)
 * from the outermost means are e^-113, so int p = 1 to rounding (1e-12
 * checked).  The entropy H = E_p[E] is 6.8594688 (the same rule with
 * h = 0.1 ... 0.3 agrees to 2e-12; an independent Python sum with the
 * 4-decimal means gives 6.8594674).  REFERENCE.md §7.1 quotes 6.862,
 * 0.0025 higher, presumably a Monte Carlo estimate; checked to 1e-5. */
START_TEST(test_mog40_normalised)
{
    digs_potential *pot = create("mog40", NULL);
    const double h = 0.2;
    const int n = 600;
    double z = 0.0, ent = 0.0;
    for (int i = 0; i <= n; i++)
        for (int j = 0; j <= n; j++) {
            double x[2] = {-60.0 + h * i, -60.0 + h * j};
            double e = digs_potential_energy(pot, x, NULL);
            double p = exp(-e);
            z += p;
            if (p > 0.0)
                ent += p * e;
        }
    z *= h * h;
    ent *= h * h;
    ck_assert_double_le(fabs(z - 1.0), 1e-12);
    ck_assert_double_le(fabs(ent - 6.8594688), 1e-5);
    digs_potential_destroy(&pot);
}
END_TEST

/* The guard: log p < -1e4 gives E = +inf.  Nearest mean to (200, 0) is
 * (36.22, -37.11): log p ~ -28206/3.449 - 6.07 = -8184 (finite); at
 * (250, 0) log p ~ -13658 (guarded). */
START_TEST(test_mog40_guard)
{
    digs_potential *pot = create("mog40", NULL);
    double g[2];
    double near[2] = {200.0, 0.0}, far[2] = {250.0, 0.0};
    double big[2] = {1e3, 1e3};
    double e = digs_potential_energy(pot, near, g);
    ck_assert(isfinite(e));
    ck_assert_double_gt(e, 8000.0);
    ck_assert_double_lt(e, 9000.0);
    ck_assert(isinf(digs_potential_energy(pot, far, g)));
    ck_assert(isinf(digs_potential_energy(pot, big, NULL)));
    digs_potential_destroy(&pot);
}
END_TEST

/* The vector exp of vexp.h against libm on [-700, 0]: relative error
 * <= 5e-16 (about 2 ulp; measured 2.2e-16 on a 5e-5 grid). */
START_TEST(test_vexp_accuracy)
{
    double worst = 0.0;
    for (int i = 0; i <= 1400000; i++) {
        double x = -700.0 + 0.0005 * i - 1e-7 * (i % 7);
        digs_v2d v = digs_vexp((digs_v2d){x, x * 0.001});
        double r0 = exp(x), r1 = exp(x * 0.001);
        worst = fmax(worst, fabs(v[0] - r0) / r0);
        worst = fmax(worst, fabs(v[1] - r1) / r1);
    }
    ck_assert_msg(worst <= 5e-16, "vexp worst relative error %.3g", worst);
    digs_v2d edge = digs_vexp((digs_v2d){0.0, -0.5 * M_LN2});
    ck_assert_double_eq(edge[0], 1.0);
    ck_assert_double_le(fabs(edge[1] - M_SQRT1_2) / M_SQRT1_2, 5e-16);
}
END_TEST

/* ---- Many-Well-32 ------------------------------------------------------- */

/* Stationary points of x^4 - 6x^2 - 0.5x: roots of x^3 - 3x - 1/8 = 0,
 * t_k = 2 cos(acos(1/16)/3 - 2 pi k/3) (mpmath, 30 digits):
 *   deep     1.7525198623099466   U = -9.8711725517388520
 *   shallow -1.7108290410295507   U = -8.1392471325041947
 * All 16 wells deep: E = -157.93876082782163; all shallow:
 * -130.22795412006711; gradient zero (to rounding, 1e-12). */
START_TEST(test_manywell_minima)
{
    digs_potential *pot = create("manywell32", NULL);
    const double deep = 1.7525198623099466, shallow = -1.7108290410295507;
    double x[32], g[32];
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 16; i++) {
            x[2 * i] = k == 0 ? deep : shallow;
            x[2 * i + 1] = 0.0;
        }
        double e = digs_potential_energy(pot, x, g);
        double expect = k == 0 ? -157.93876082782163 : -130.22795412006711;
        ck_assert_double_le(fabs(e - expect), 1e-12);
        ck_assert_double_le(norm(32, g), 1e-12);
    }
    /* The hand-coded roots themselves: 2 cos(acos(1/16)/3) etc. */
    ck_assert_double_le(fabs(deep - 2.0 * cos(acos(0.0625) / 3.0)), 1e-15);
    ck_assert_double_le(
        fabs(shallow - 2.0 * cos(acos(0.0625) / 3.0 - 4.0 * M_PI / 3.0)),
        1e-15);
    /* E(0) = 0; one Gaussian coordinate at 1 adds 1/2. */
    memset(x, 0, sizeof x);
    ck_assert_double_eq(digs_potential_energy(pot, x, NULL), 0.0);
    x[5] = 1.0;
    ck_assert_double_eq(digs_potential_energy(pot, x, g), 0.5);
    ck_assert_double_eq(g[5], 1.0);
    ck_assert_double_eq(g[4], -0.5); /* dE/dd at d = 0 */
    digs_potential_destroy(&pot);
}
END_TEST

/* Composite Simpson of exp(-(E(x) - E0)) along coordinate k of a zero
 * configuration, on [a, b] with n (even) intervals; the potential
 * supplies the integrand. */
static double simpson_axis(const digs_potential *pot, int k, double a,
                           double b, int n, double moment_power)
{
    double x[32] = {0}, h = (b - a) / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        x[k] = a + h * i;
        double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * pow(x[k], moment_power) *
               exp(-digs_potential_energy(pot, x, NULL));
    }
    return sum * h / 3.0;
}

/* log Z_32 = 16 (log Z_1 + log sqrt(2 pi)) = 164.69568 (REFERENCE.md
 * §7.2) with Z_1 = 11784.50927 (FAB).  Simpson on [-6, 6] (the integrand
 * is e^-1077 at |x| = 6) with h = 1e-3: error h^4 max|f''''| L/180 ~
 * 1e-12 relative; mpmath gives Z_1 = 11784.509265127827. */
START_TEST(test_manywell_log_z)
{
    digs_potential *pot = create("manywell32", NULL);
    double z1 = simpson_axis(pot, 0, -6.0, 6.0, 12000, 0.0);
    double zg = simpson_axis(pot, 1, -12.0, 12.0, 24000, 0.0);
    ck_assert_double_le(fabs(z1 - 11784.509265127827) / z1, 1e-10);
    ck_assert_double_le(fabs(zg - sqrt(2.0 * M_PI)), 1e-10);
    double log_z32 = 16.0 * (log(z1) + log(zg));
    ck_assert_double_le(fabs(log_z32 - 164.69568), 1e-4);
    /* Every pair is the same well: the last one too. */
    double z_last = simpson_axis(pot, 30, -6.0, 6.0, 12000, 0.0);
    ck_assert_double_le(fabs(z_last - z1) / z1, 1e-14);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- DW-4 --------------------------------------------------------------- */

/* Square of side 4: the 4 sides sit at the barrier d = 4 (energy 0, slope
 * 0); the 2 diagonals at 4 sqrt 2, t = 4 sqrt 2 - 4:
 *   E = 2 (0.9 t^4 - 4 t^2) = 7449.6 - 5273.6 sqrt 2
 *     = -8.3966425307540494 (mpmath),
 * gradient on each corner along its diagonal, away from the opposite
 * corner, of size de/dd = t (3.6 t^2 - 8) = 3.1191898578664547. */
START_TEST(test_dw4_square)
{
    digs_potential *pot = create("dw4", NULL);
    double x[8] = {0, 0, 4, 0, 4, 4, 0, 4}, g[8];
    double e = digs_potential_energy(pot, x, g);
    ck_assert_double_le(fabs(e - (-8.3966425307540494)), 1e-13);
    ck_assert_double_le(fabs(e - (7449.6 - 5273.6 * M_SQRT2)), 1e-11);
    const double slope = 3.1191898578664547;
    const double centre[2] = {2.0, 2.0};
    for (int i = 0; i < 4; i++) {
        /* grad_i = slope * (x_i - x_opposite) / |...| = slope * u_i where
         * u_i points from the centre to corner i. */
        double ux = (x[2 * i] - centre[0]) / (2.0 * M_SQRT2);
        double uy = (x[2 * i + 1] - centre[1]) / (2.0 * M_SQRT2);
        ck_assert_double_le(fabs(g[2 * i] - slope * ux), 1e-13);
        ck_assert_double_le(fabs(g[2 * i + 1] - slope * uy), 1e-13);
    }
    /* Square with diagonals at the outer pair minimum d* = 4 + sqrt(4/1.8)
     * (pair energy -40/9, zero slope), sides at s = d* / sqrt 2 =
     * 3.8825... (t = s - 4 = -0.1175): E = 2 (-40/9) + 4 t^2 (0.9 t^2 - 4)
     * and the gradient comes from the sides alone: on corner 0, minus
     * t (3.6 t^2 - 8) along each axis (its two sides). */
    const double dstar = 4.0 + sqrt(4.0 / 1.8), side = dstar / M_SQRT2;
    double y[8] = {0, 0, side, 0, side, side, 0, side};
    double t = side - 4.0;
    e = digs_potential_energy(pot, y, g);
    ck_assert_double_le(
        fabs(e - (-80.0 / 9.0 + 4.0 * t * t * (0.9 * t * t - 4.0))), 1e-13);
    double side_slope = t * (3.6 * t * t - 8.0);
    /* corner 0 at the origin: sides to (s, 0) and (0, s) */
    ck_assert_double_le(fabs(g[0] + side_slope), 1e-12);
    ck_assert_double_le(fabs(g[1] + side_slope), 1e-12);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- LJ-13 ------------------------------------------------------------------ */

/* The icosahedral cluster (centre + 12 vertices at radius R) has 12
 * centre-vertex pairs at R, 30 edges at a R (a = 1.0514622242382672), 30
 * second neighbours at g a R (1.7013016167040799 R) and 6 antipodes at
 * 2R; the trap adds 12 R^2 / 2.  At R = 1 (mpmath):
 *   E = 2 [12 phi(1) + 30 phi(a) + 30 phi(1.7013...) + 6 phi(2)] + 6
 *     = -79.1630859375.
 * The pair sum minimised over R (golden section, R* = 0.96380834) is the
 * LJ-13 global minimum -44.326801 (Cambridge Cluster Database; mpmath
 * -44.326801419534023). */
START_TEST(test_lj13_icosahedron)
{
    digs_potential *pot = create("lj13", NULL);
    double x[39], g[39];
    lj13_icosahedron(1.0, x);
    double e = digs_potential_energy(pot, x, g);
    ck_assert_double_le(fabs(e - (-79.1630859375)), 1e-12);
    /* symmetric: no force on the centre particle */
    ck_assert_double_le(norm(3, g), 1e-12);

    const double phi_g = 0.5 * (1.0 + sqrt(5.0));
    double lo = 0.9, hi = 1.05, invphi = 1.0 / phi_g;
    for (int it = 0; it < 80; it++) {
        double r1 = hi - invphi * (hi - lo), r2 = lo + invphi * (hi - lo);
        lj13_icosahedron(r1, x);
        double f1 = 0.5 * (digs_potential_energy(pot, x, NULL) - 6 * r1 * r1);
        lj13_icosahedron(r2, x);
        double f2 = 0.5 * (digs_potential_energy(pot, x, NULL) - 6 * r2 * r2);
        if (f1 < f2)
            hi = r2;
        else
            lo = r1;
    }
    double r = 0.5 * (lo + hi);
    lj13_icosahedron(r, x);
    double pair_sum = 0.5 * (digs_potential_energy(pot, x, NULL) - 6 * r * r);
    ck_assert_double_le(fabs(r - 0.96380834450555019), 1e-7);
    ck_assert_double_le(fabs(pair_sum - (-44.326801419534023)), 1e-10);
    digs_potential_destroy(&pot);
}
END_TEST

/* DiKL damping: phi(r) r below r0 = 2^-1/6.  Compressed icosahedron
 * R = 0.85: the 12 centre-vertex pairs (0.85) are damped, the edges
 * (0.8937 > 0.8909) are not.  mpmath: E = 21.735063923756731 damped,
 * 27.953515560664030 plain.  At R = 1 no pair is below r0: both equal. */
START_TEST(test_lj13_damping)
{
    digs_potential *plain = create("lj13", "[system]\nlj_damping = no\n");
    digs_potential *damped = create("lj13", "[system]\nlj_damping = yes\n");
    double x[39];
    lj13_icosahedron(0.85, x);
    ck_assert_double_le(
        fabs(digs_potential_energy(plain, x, NULL) - 27.953515560664030),
        1e-11);
    ck_assert_double_le(
        fabs(digs_potential_energy(damped, x, NULL) - 21.735063923756731),
        1e-11);
    lj13_icosahedron(1.0, x);
    ck_assert_double_eq(digs_potential_energy(plain, x, NULL),
                        digs_potential_energy(damped, x, NULL));
    /* gradient of the damped form vs finite differences, at a point with
     * several damped pairs (h = 1e-4 as for the plain potential) */
    double g[39], fd[39], work[39];
    lj13_icosahedron(0.85, x);
    digs_stream s;
    digs_stream_init(&s, 3, 0, 0, DIGS_RNG_TEST, 2);
    for (int k = 0; k < 39; k++)
        x[k] += 0.02 * digs_stream_normal(&s);
    digs_potential_energy(damped, x, g);
    fd_gradient(damped, x, 1e-4, fd, work);
    for (int k = 0; k < 39; k++)
        fd[k] -= g[k];
    ck_assert_double_le(norm(39, fd) / norm(39, g), 1e-6);
    /* coincident particles: +inf, not NaN */
    x[3] = x[0], x[4] = x[1], x[5] = x[2];
    ck_assert(isinf(digs_potential_energy(plain, x, g)));
    ck_assert(isinf(digs_potential_energy(damped, x, g)));
    digs_potential_destroy(&plain);
    digs_potential_destroy(&damped);
}
END_TEST

/* A bad deck value is rejected with a message naming the key. */
START_TEST(test_lj13_bad_deck)
{
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\nlj_damping = maybe\n",
                                     "bad.ini"),
                     DIGS_OK);
    digs_potential *pot;
    ck_assert_int_eq(digs_potential_create_named("lj13", deck, &pot),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(pot);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "lj_damping"));
    digs_error_clear();
    digs_deck_destroy(&deck);
}
END_TEST

/* ---- Gaussian ------------------------------------------------------------ */

/* dim 5, scales s, rho = -0.6: the AR(1) precision is tridiagonal,
 *   P_ij = Rinv_ij / (s_i s_j),  Rinv = 1/(1 - rho^2) *
 *     [diag(1, 1 + rho^2, ..., 1 + rho^2, 1), off-diagonals -rho],
 * checked column by column through grad E(m + e_k) = P e_k (1e-12);
 * E(m) = 1/2 log det(2 pi Sigma), det Sigma = prod s_i^2 (1 - rho^2)^4. */
START_TEST(test_gaussian_closed_form)
{
    digs_potential *pot = create(
        "gaussian", "[system]\ndim = 5\nmean = 1 -2 0 3 0.5\n"
                    "scales = 1, 2, 0.5, 3, 1.5\ncorrelation = -0.6\n");
    ck_assert_int_eq(pot->dim, 5);
    const double m[5] = {1, -2, 0, 3, 0.5}, sc[5] = {1, 2, 0.5, 3, 1.5};
    const double rho = -0.6;
    double log_det = 4.0 * log(1.0 - rho * rho);
    for (int i = 0; i < 5; i++)
        log_det += 2.0 * log(sc[i]);
    double e0 = digs_potential_energy(pot, m, NULL);
    ck_assert_double_le(fabs(e0 - 0.5 * (5 * log(2 * M_PI) + log_det)),
                        1e-13);
    for (int k = 0; k < 5; k++) {
        double x[5], g[5];
        memcpy(x, m, sizeof x);
        x[k] += 1.0;
        double e = digs_potential_energy(pot, x, g);
        for (int i = 0; i < 5; i++) {
            double r = 0.0;
            if (i == k)
                r = (i == 0 || i == 4) ? 1.0 : 1.0 + rho * rho;
            else if (abs(i - k) == 1)
                r = -rho;
            double p = r / (1.0 - rho * rho) / (sc[i] * sc[k]);
            ck_assert_double_le(fabs(g[i] - p), 1e-12);
            if (i == k) /* E(m + e_k) - E(m) = P_kk / 2 */
                ck_assert_double_le(fabs(e - e0 - 0.5 * p), 1e-12);
        }
    }
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(test_gaussian_defaults_and_errors)
{
    digs_potential *pot = create("gaussian", NULL);
    ck_assert_int_eq(pot->dim, 2);
    double x[2] = {0, 0};
    ck_assert_double_le(
        fabs(digs_potential_energy(pot, x, NULL) - log(2 * M_PI)), 1e-15);
    digs_potential_destroy(&pot);
    const char *bad[] = {
        "[system]\ncorrelation = 1\n",
        "[system]\ndim = 2\nmean = 1 2 3\n",
        "[system]\nscales = 0\n",
        "[system]\ndim = 0\n",
    };
    const char *key[] = {"correlation", "mean", "scales", "dim"};
    for (int i = 0; i < 4; i++) {
        digs_deck *deck;
        ck_assert_int_eq(digs_deck_parse(&deck, bad[i], "bad.ini"), DIGS_OK);
        ck_assert_int_eq(digs_potential_create_named("gaussian", deck, &pot),
                         DIGS_ERR_INPUT);
        ck_assert_msg(strstr(digs_error_message(), key[i]) != NULL,
                      "message '%s' does not name '%s'",
                      digs_error_message(), key[i]);
        digs_error_clear();
        digs_deck_destroy(&deck);
    }
}
END_TEST

/* ---- shared reference data --------------------------------------------------- */

/* Energy statistics of the shared 10000-configuration validation splits
 * against REFERENCE.md §11.1 / §11.2 (given to 2 decimals, so +-0.006):
 *   DW-4:  mean -22.47, sd 1.90, min -25.75, max -12.04;
 *   LJ-13 (plain phi, convention A): mean -43.00, sd 7.10, min -69.82,
 *          max -8.91.
 * This pins the conventions (factor 2, trap k = 1, kT = 1). */
static void check_split(const char *file, const char *name, long cols,
                        const double expect[4])
{
    const char *dir = getenv("DIGS_SHARED_DIR");
    if (!dir || !*dir) {
        fprintf(stderr, "DIGS_SHARED_DIR not set: skipping %s\n", file);
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/data/%s", dir, file);
    double *data = NULL;
    int ndim = 0;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    ck_assert_msg(digs_npy_read(path, &data, &ndim, shape) == DIGS_OK, "%s",
                  digs_error_message());
    ck_assert_int_eq(ndim, 2);
    ck_assert_int_eq(shape[0], 10000);
    ck_assert_int_eq(shape[1], cols);
    const long rows = (long)shape[0];
    digs_potential *pot = create(name, NULL);
    double sum = 0.0, sum2 = 0.0, lo = INFINITY, hi = -INFINITY;
    for (long r = 0; r < rows; r++) {
        double e = digs_potential_energy(pot, data + r * cols, NULL);
        sum += e;
        sum2 += e * e;
        lo = fmin(lo, e);
        hi = fmax(hi, e);
    }
    double mean = sum / rows, sd = sqrt(sum2 / rows - mean * mean);
    const double got[4] = {mean, sd, lo, hi};
    const char *what[4] = {"mean", "sd", "min", "max"};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(got[i] - expect[i]) <= 0.006,
                      "%s energy %s %.4f, reference %.2f", name, what[i],
                      got[i], expect[i]);
    digs_potential_destroy(&pot);
    free(data);
}

START_TEST(test_reference_data_energies)
{
    const double dw4[4] = {-22.47, 1.90, -25.75, -12.04};
    const double lj13[4] = {-43.00, 7.10, -69.82, -8.91};
    check_split("val_split_DW4.npy", "dw4", 8, dw4);
    check_split("val_split_LJ13-1000.npy", "lj13", 39, lj13);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("potentials");
    TCase *all = tcase_create("registry");
    tcase_set_timeout(all, 60);
    tcase_add_test(all, test_gradients);
    tcase_add_test(all, test_energy_only);
    tcase_add_test(all, test_invariances);
    suite_add_tcase(s, all);
    TCase *ref = tcase_create("reference values");
    tcase_set_timeout(ref, 60);
    tcase_add_test(ref, test_mog40_torch_generator);
    tcase_add_test(ref, test_mog40_means_table);
    tcase_add_test(ref, test_mog40_energy_at_mean);
    tcase_add_test(ref, test_mog40_normalised);
    tcase_add_test(ref, test_mog40_guard);
    tcase_add_test(ref, test_vexp_accuracy);
    tcase_add_test(ref, test_manywell_minima);
    tcase_add_test(ref, test_manywell_log_z);
    tcase_add_test(ref, test_dw4_square);
    tcase_add_test(ref, test_lj13_icosahedron);
    tcase_add_test(ref, test_lj13_damping);
    tcase_add_test(ref, test_lj13_bad_deck);
    tcase_add_test(ref, test_gaussian_closed_form);
    tcase_add_test(ref, test_gaussian_defaults_and_errors);
    tcase_add_test(ref, test_reference_data_energies);
    suite_add_tcase(s, ref);
    return s;
}

int main(void)
{
    return digs_check_run(suite());
}
