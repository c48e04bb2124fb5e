/* Nonbonded AMBER pairs without cutoff (REFERENCE.md §7.5.3): for the
 * normal pairs and the scaled 1-4 pairs,
 *   E = 4ε[(σ/r)¹² − (σ/r)⁶] + C q_i q_j / r = a/r¹² − b/r⁶ + cqq/r,
 * with a, b, cqq tabulated per pair at setup (amber_model.c).
 *
 * Two pairs of a row are evaluated together in the lanes of a two-double
 * vector (amber_simd.h); only the scatter of the forces on the partners is
 * scalar. */
#include "potentials/amber_model.h"
#include "potentials/amber_simd.h"

/* Energies and forces of pairs (i, j0) and (i, j1) with parameters a, b,
 * cqq (lanes); the forces on i are added to the lane accumulators gx, gy,
 * gz; j1 < 0 marks a padding lane (zero parameters, no scatter). */
static inline void two_pairs(const double *x, double *grad, int i, int j0,
                             int j1, v2d a, v2d b, v2d cqq, v2d *gx, v2d *gy,
                             v2d *gz, v2d *elj, v2d *ec)
{
    const double *xi = x + 3 * i, *x0 = x + 3 * j0,
                 *x1 = x + 3 * (j1 < 0 ? j0 : j1);
    v2d dx = (v2d){xi[0], xi[0]} - (v2d){x0[0], x1[0]};
    v2d dy = (v2d){xi[1], xi[1]} - (v2d){x0[1], x1[1]};
    v2d dz = (v2d){xi[2], xi[2]} - (v2d){x0[2], x1[2]};
    /* one packed square root and division for both (the divider bounds
     * the pair loop) */
    v2d inv_r = 1.0 / v2_sqrt(dx * dx + dy * dy + dz * dz);
    v2d inv_r2 = inv_r * inv_r;
    v2d s6 = inv_r2 * inv_r2 * inv_r2;
    v2d a12 = a * s6 * s6, b6 = b * s6, c1 = cqq * inv_r;
    *elj += a12 - b6;
    *ec += c1;
    if (!grad)
        return;
    /* (dE/dr)/r = −(12 a/r¹² − 6 b/r⁶ + cqq/r)/r² */
    v2d f = -(12.0 * a12 - 6.0 * b6 + c1) * inv_r2;
    v2d fx = f * dx, fy = f * dy, fz = f * dz;
    *gx += fx;
    *gy += fy;
    *gz += fz;
    double *g0 = grad + 3 * j0;
    g0[0] -= fx[0];
    g0[1] -= fy[0];
    g0[2] -= fz[0];
    if (j1 >= 0) {
        double *g1 = grad + 3 * j1;
        g1[0] -= fx[1];
        g1[1] -= fy[1];
        g1[2] -= fz[1];
    }
}

/* Rows first_row .. first_row + n_atoms − 1 of the pair table: LJ into
 * *lj, Coulomb into *coul. */
static void pair_rows(const amber_model *m, int first_row, const double *x,
                      double *grad, double *lj, double *coul)
{
    v2d elj = {0.0, 0.0}, ec = {0.0, 0.0};
    const int *row = m->pair_row + first_row, *pj = m->pair_j;
    for (int i = 0; i < m->n_atoms; i++) {
        v2d gx = {0.0, 0.0}, gy = {0.0, 0.0}, gz = {0.0, 0.0};
        int p = row[i], last = row[i + 1];
        for (; p + 1 < last; p += 2)
            two_pairs(x, grad, i, pj[p], pj[p + 1], v2_load(m->pair_a + p),
                      v2_load(m->pair_b + p), v2_load(m->pair_qq + p), &gx, &gy,
                      &gz, &elj, &ec);
        if (p < last)
            two_pairs(x, grad, i, pj[p], -1, (v2d){m->pair_a[p], 0.0},
                      (v2d){m->pair_b[p], 0.0}, (v2d){m->pair_qq[p], 0.0},
                      &gx, &gy, &gz, &elj, &ec);
        if (grad) {
            grad[3 * i] += gx[0] + gx[1];
            grad[3 * i + 1] += gy[0] + gy[1];
            grad[3 * i + 2] += gz[0] + gz[1];
        }
    }
    *lj += elj[0] + elj[1];
    *coul += ec[0] + ec[1];
}

void amber_nonbonded(const amber_model *m, const double *x, double *grad,
                     double *e)
{
    pair_rows(m, 0, x, grad, &e[AMBER_LJ], &e[AMBER_COULOMB]);
    pair_rows(m, m->n_atoms, x, grad, &e[AMBER_LJ14], &e[AMBER_COULOMB14]);
}
