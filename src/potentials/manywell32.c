/* Many-Well-32: 16 independent copies of FAB's 2-D double well
 * (DoubleWellEnergy with a = -0.5, b = -6, c = 1).  REFERENCE.md §7.2.
 *
 *   E(x) = sum_{i=0}^{15} [ d_i^4 - 6 d_i^2 - 0.5 d_i + v_i^2 / 2 ],
 *   d_i = x[2i] (double-well coordinate), v_i = x[2i+1] (Gaussian).
 *
 * Unnormalised like FAB's log_prob: log Z_32 = 164.69568 (§7.2). */
#include <math.h>
#include <stddef.h>

#include "core/status.h"
#include "potentials/manywell32.h"
#include "potentials/potential.h"
#include "potentials/v2d.h"

enum { MW_PAIRS = 16, MW_DIM = 2 * MW_PAIRS };

/* FAB's normalising constant of one double well,
 * Z_1 = int exp(-x^4 + 6 x^2 + 0.5 x) dx (§7.2). */
static const double mw_z1 = 11784.50927;

static int manywell32_setup(digs_potential *pot, digs_deck *deck)
{
    (void)deck; /* no [system] keys of its own */
    pot->dim = MW_DIM;
    return DIGS_OK;
}

/* Each pair (d_i, v_i) is one two-lane vector y, and both lanes follow
 * one polynomial with per-lane coefficients:
 *   e(y)  = y^2 (C4 y^2 + C2) + C1 y,       C4 = (1, 0), C2 = (-6, 1/2),
 *   e'(y) = y (4 C4 y^2 + 2 C2) + C1,       C1 = (-0.5, 0),
 * i.e. d^4 - 6 d^2 - 0.5 d and v^2 / 2; gradients 4 d^3 - 12 d - 0.5 and
 * v.  The two lanes accumulate separately and are added at the end. */
static double manywell32_energy(const digs_potential *pot, const double *x,
                                double *grad)
{
    (void)pot;
    const digs_v2d c4 = {1.0, 0.0}, c2 = {-6.0, 0.5}, c1 = {-0.5, 0.0};
    const digs_v2d four_c4 = 4.0 * c4, two_c2 = 2.0 * c2;
    digs_v2d e = digs_v2d_splat(0.0);
    for (int i = 0; i < MW_PAIRS; i++) {
        digs_v2d y = digs_v2d_load(x + 2 * i), y2 = y * y;
        e += y2 * (c4 * y2 + c2) + c1 * y;
        if (grad)
            digs_v2d_store(grad + 2 * i, y * (four_c4 * y2 + two_c2) + c1);
    }
    return e[0] + e[1];
}

/* Normal density N(z; m, s^2). */
static double normal_pdf(double z, double m, double s)
{
    double u = (z - m) / s;
    return exp(-0.5 * u * u) / (s * sqrt(2.0 * M_PI));
}

/* FAB's rejection sampler for one double-well coordinate (§7.2):
 * proposal q = 0.2 N(-1.7, 0.5^2) + 0.8 N(1.7, 0.5^2), envelope k q with
 * k = 3 Z_1 (valid: max p~/(Z_1 q) = 2.59 < 3), accept z when
 * exp(-z^4 + 6 z^2 + 0.5 z) > u, u ~ U(0, k q(z)).  Acceptance 1/3. */
static double double_well_draw(digs_stream *stream)
{
    const double k = 3.0 * mw_z1;
    for (;;) {
        double centre = digs_stream_uniform(stream) < 0.2 ? -1.7 : 1.7;
        double z = centre + 0.5 * digs_stream_normal(stream);
        double q = 0.2 * normal_pdf(z, -1.7, 0.5) +
                   0.8 * normal_pdf(z, 1.7, 0.5);
        double u = digs_stream_uniform(stream) * k * q;
        double z2 = z * z;
        if (exp(-z2 * z2 + 6.0 * z2 + 0.5 * z) > u)
            return z;
    }
}

/* One exact draw: per pair, d by rejection and v ~ N(0, 1). */
static void manywell32_sample_exact(const digs_potential *pot,
                                    digs_stream *stream, double *x)
{
    (void)pot;
    for (int i = 0; i < MW_PAIRS; i++) {
        x[2 * i] = double_well_draw(stream);
        x[2 * i + 1] = digs_stream_normal(stream);
    }
}

enum { WELL_NODES = 8001 };         /* quadrature nodes on [−4, 4] */
static const double WELL_LO = -4.0, WELL_H = 8.0 / (WELL_NODES - 1);

/* Log of the unnormalised posterior p(d) N(y; a d, σ²) of one well at node
 * i, d = WELL_LO + i·WELL_H. */
static double well_log_posterior(int i, double y, double a, double sigma)
{
    double d = WELL_LO + WELL_H * i, r = y - a * d;
    return -d * d * d * d + 6.0 * d * d + 0.5 * d - r * r / (2 * sigma * sigma);
}

/* Node i's trapezoid weight times the posterior, scaled by e^−top. */
static double well_weight(int i, double top, double y, double a,
                          double sigma)
{
    double end = (i == 0 || i == WELL_NODES - 1) ? 0.5 : 1.0;
    return end * exp(well_log_posterior(i, y, a, sigma) - top);
}

double digs_manywell_noisy_score(double y, double a, double sigma, double u,
                                 double *draw)
{
    double top = -INFINITY;
    for (int i = 0; i < WELL_NODES; i++)
        top = fmax(top, well_log_posterior(i, y, a, sigma));
    double num = 0.0, den = 0.0;
    for (int i = 0; i < WELL_NODES; i++) {
        double w = well_weight(i, top, y, a, sigma);
        num += w * (WELL_LO + WELL_H * i);
        den += w;
    }
    if (draw) { /* inverse CDF on the same nodes */
        double target = u * den, acc = 0.0;
        int i = 0;
        while (i < WELL_NODES - 1 &&
               (acc += well_weight(i, top, y, a, sigma)) < target)
            i++;
        *draw = WELL_LO + WELL_H * i;
    }
    return (a * num / den - y) / (sigma * sigma);
}

const digs_potential_ops digs_potential_manywell32 = {
    .name = "manywell32",
    .summary = "Many-Well-32: 16 copies of FAB's 2-D double well",
    .setup = manywell32_setup,
    .energy = manywell32_energy,
    .sample_exact = manywell32_sample_exact,
};
