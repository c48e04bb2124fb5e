/* DW-4: four particles in 2-D with a double-well pair potential
 * (Köhler et al. 2020; bgflow MultiDoubleWellPotential a = 0.9, b = -4,
 * offset 4, tau = 1).  REFERENCE.md §7.3.
 *
 *   E(x) = sum_{i<j} [ 0.9 (d_ij - 4)^4 - 4 (d_ij - 4)^2 ],
 *   d_ij = |x_i - x_j|, over the 6 pairs.
 *
 * Pair minima at d = 4 +- sqrt(4/1.8) = 2.509, 5.491 (pair energy
 * -4.444); barrier at d = 4.  Invariant under E(2) and S_4; the centre
 * of mass is a flat direction. */
#include <math.h>
#include <stddef.h>

#include "core/status.h"
#include "potentials/potential.h"

enum { DW_N = 4, DW_D = 2, DW_PAIRS = DW_N * (DW_N - 1) / 2 };

static const int pair_i[DW_PAIRS] = {0, 0, 0, 1, 1, 2};
static const int pair_j[DW_PAIRS] = {1, 2, 3, 2, 3, 3};

static int dw4_setup(digs_potential *pot, digs_deck *deck)
{
    (void)deck; /* no [system] keys of its own */
    pot->dim = DW_N * DW_D;
    pot->n_particles = DW_N;
    pot->spatial_dim = DW_D;
    pot->translation_invariant = 1;
    return DIGS_OK;
}

/* Per pair, t = d - 4: e = t^2 (0.9 t^2 - 4), de/dd = t (3.6 t^2 - 8);
 * grad_i += (de/dd / d) (x_i - x_j), grad_j -= the same.  At d = 0 the
 * direction is undefined and the pair contributes no gradient. */
static double dw4_energy(const digs_potential *pot, const double *x,
                         double *grad)
{
    (void)pot;
    double dx[DW_PAIRS], dy[DW_PAIRS], c[DW_PAIRS];
    double e = 0.0;
    for (int p = 0; p < DW_PAIRS; p++) {
        int i = pair_i[p], j = pair_j[p];
        dx[p] = x[DW_D * i] - x[DW_D * j];
        dy[p] = x[DW_D * i + 1] - x[DW_D * j + 1];
        double d = sqrt(dx[p] * dx[p] + dy[p] * dy[p]);
        double t = d - 4.0, t2 = t * t;
        e += t2 * (0.9 * t2 - 4.0);
        double inv_d = d > 0.0 ? 1.0 / d : 0.0;
        c[p] = t * (3.6 * t2 - 8.0) * inv_d;
    }
    if (grad) {
        for (int k = 0; k < DW_N * DW_D; k++)
            grad[k] = 0.0;
        for (int p = 0; p < DW_PAIRS; p++) {
            int i = pair_i[p], j = pair_j[p];
            double gx = c[p] * dx[p], gy = c[p] * dy[p];
            grad[DW_D * i] += gx;
            grad[DW_D * i + 1] += gy;
            grad[DW_D * j] -= gx;
            grad[DW_D * j + 1] -= gy;
        }
    }
    return e;
}

const digs_potential_ops digs_potential_dw4 = {
    .name = "dw4",
    .summary = "DW-4: 4 particles in 2-D, double-well pair potential",
    .setup = dw4_setup,
    .energy = dw4_energy,
};
