/* OBC Generalized Born implicit solvent with the ACE surface-area term
 * (Onufriev, Bashford & Case, Proteins 55:383 (2004); REFERENCE.md §7.5.4;
 * the pass structure of OpenMM's ReferenceObc.cpp):
 *   pass 1: descreening integrals I_i over all pairs (exclusions do not
 *           apply), Born radii B_i = 1/(1/or_i − tanh(αψ − βψ² + γψ³)/ρ_i),
 *           ψ = I_i or_i, and dB_i/dI_i;
 *   pass 2: E_pol = pre [Σ_i q_i²/(2B_i) + Σ_{i<j} q_i q_j/f_ij],
 *           f_ij = √(r² + B_iB_j exp(−r²/(4B_iB_j))), E_SA = Σ_i sa_i/B_i⁶,
 *           explicit pair forces and a_i = ∂E/∂B_i;
 *   pass 3: chain rule through the Born radii, a_i dB_i/dI_i ∂I_i/∂r_ij,
 *           with ∂I_i/∂r_ij kept from pass 1 for small molecules
 *           (AMBER_GB_CACHE_ATOMS) and recomputed otherwise. */
#include <math.h>
#include <stddef.h>

#include "potentials/amber_model.h"

/* Contribution of atom j (scaled offset radius sr) to I_i (offset radius
 * ri) at distance r > 0, given that ri < r + sr; with dIdr != NULL also
 * ∂/∂r of it:
 *   I = ½[1/L − 1/U + ¼(r − sr²/r)(1/U² − 1/L²) + ln(L/U)/(2r)],
 *   U = r + sr, L = max(ri, |r − sr|);
 *   ∂I/∂r = ⅛(1 + sr²/r²)(1/U² − 1/L²) − ¼ ln(L/U)/r².
 * Atom i buried inside j (ri < sr − r): GBSAOBCForce adds 1/ri − 1/L; the
 * CustomGB forms do not, and then ∂L/∂r no longer cancels: +1/L² (§7.5.4). */
static inline double descreen(double ri, double sr, double r, double inv_r,
                              int buried, double *dIdr)
{
    double u = r + sr, d = fabs(r - sr);
    double l = ri > d ? ri : d;
    double inv_l = 1.0 / l, inv_u = 1.0 / u;
    double inv_l2 = inv_l * inv_l, inv_u2 = inv_u * inv_u;
    double lg = log(l * inv_u);
    double term = 0.5 * (inv_l - inv_u +
                         0.25 * (r - sr * sr * inv_r) * (inv_u2 - inv_l2) +
                         0.5 * inv_r * lg);
    int inside = ri < sr - r;
    if (inside && buried)
        term += 1.0 / ri - inv_l;
    if (dIdr) {
        double inv_r2 = inv_r * inv_r;
        double dd = 0.125 * (1.0 + sr * sr * inv_r2) * (inv_u2 - inv_l2) -
                    0.25 * lg * inv_r2;
        if (inside && !buried)
            dd += inv_l2;
        *dIdr = dd;
    }
    return term;
}

/* Pass 1: born[i] = B_i, chain[i] = dB_i/dI_i; with didr != NULL also
 * ∂I_i/∂r_ij and ∂I_j/∂r_ij of every pair i < j (0 where j does not
 * descreen i), in loop order. */
static void born_radii(const amber_model *m, const double *x, double *born,
                       double *chain, double *didr)
{
    int n = m->n_atoms;
    const double *ro = m->gb_or, *sr = m->gb_sr;
    for (int i = 0; i < n; i++)
        born[i] = 0.0;
    for (int i = 0; i < n; i++) {
        const double *xi = x + 3 * i;
        double sum_i = 0.0;
        for (int j = i + 1; j < n; j++) {
            const double *xj = x + 3 * j;
            double dx = xi[0] - xj[0], dy = xi[1] - xj[1], dz = xi[2] - xj[2];
            double r = sqrt(dx * dx + dy * dy + dz * dz), inv_r = 1.0 / r;
            double dij = 0.0, dji = 0.0;
            if (ro[i] < r + sr[j])
                sum_i += descreen(ro[i], sr[j], r, inv_r, m->gb_buried,
                                  didr ? &dij : NULL);
            if (ro[j] < r + sr[i])
                born[j] += descreen(ro[j], sr[i], r, inv_r, m->gb_buried,
                                    didr ? &dji : NULL);
            if (didr) {
                didr[0] = dij;
                didr[1] = dji;
                didr += 2;
            }
        }
        born[i] += sum_i;
    }
    for (int i = 0; i < n; i++) {
        double psi = born[i] * ro[i];
        double arg = psi * (m->gb_alpha + psi * (-m->gb_beta +
                                                 psi * m->gb_gamma));
        double th = tanh(arg);
        double b = 1.0 / (1.0 / ro[i] - th / m->gb_rho[i]);
        born[i] = b;
        /* dB/dI = B² (1 − tanh²)(α − 2βψ + 3γψ²) or/ρ */
        chain[i] = b * b * (1.0 - th * th) *
                   (m->gb_alpha - 2.0 * m->gb_beta * psi +
                    3.0 * m->gb_gamma * psi * psi) * ro[i] / m->gb_rho[i];
    }
}

/* Pass 2: energies; with grad, explicit pair forces and dedb[i] = ∂E/∂B_i. */
static void gb_energy(const amber_model *m, const double *x,
                      const double *born, double *grad, double *dedb,
                      double *e)
{
    int n = m->n_atoms;
    const double *q = m->gb_charge;
    double pol = 0.0, sa = 0.0;
    for (int i = 0; i < n; i++) {
        double bi = born[i], qi = m->gb_pre * q[i];
        double self = 0.5 * qi * q[i] / bi;
        double b2 = 1.0 / (bi * bi), esa = m->gb_sa[i] * b2 * b2 * b2;
        pol += self;
        sa += esa;
        if (grad)
            dedb[i] += -(self + 6.0 * esa) / bi;
        const double *xi = x + 3 * i;
        double pol_i = 0.0;
        for (int j = i + 1; j < n; j++) {
            const double *xj = x + 3 * j;
            double dx = xi[0] - xj[0], dy = xi[1] - xj[1], dz = xi[2] - xj[2];
            double r2 = dx * dx + dy * dy + dz * dz;
            double bb = bi * born[j], dterm = r2 / (4.0 * bb);
            double ex = exp(-dterm);
            double f2 = r2 + bb * ex, inv_f2 = 1.0 / f2;
            double eij = qi * q[j] * sqrt(inv_f2);
            pol_i += eij;
            if (grad) {
                /* ∂f/∂r = r(1 − e^{−D}/4)/f; ∂f/∂B_i = B_j e^{−D}(1 + D)/(2f) */
                double fr = -eij * inv_f2 * (1.0 - 0.25 * ex);
                double fb = -0.5 * eij * inv_f2 * ex * (1.0 + dterm);
                double *gi = grad + 3 * i, *gj = grad + 3 * j;
                gi[0] += fr * dx;
                gi[1] += fr * dy;
                gi[2] += fr * dz;
                gj[0] -= fr * dx;
                gj[1] -= fr * dy;
                gj[2] -= fr * dz;
                dedb[i] += fb * born[j];
                dedb[j] += fb * bi;
            }
        }
        pol += pol_i;
    }
    e[AMBER_GB_POLAR] += pol;
    e[AMBER_GB_SA] += sa;
}

/* Pass 3: with dedi[i] = ∂E/∂I_i, forces through ∂I_i/∂r_ij, from the
 * pass-1 values didr when kept, else recomputed. */
static void born_chain(const amber_model *m, const double *x,
                       const double *dedi, const double *didr, double *grad)
{
    int n = m->n_atoms;
    const double *ro = m->gb_or, *sr = m->gb_sr;
    for (int i = 0; i < n; i++) {
        const double *xi = x + 3 * i;
        double *gi = grad + 3 * i;
        for (int j = i + 1; j < n; j++) {
            const double *xj = x + 3 * j;
            double dx = xi[0] - xj[0], dy = xi[1] - xj[1], dz = xi[2] - xj[2];
            double r = sqrt(dx * dx + dy * dy + dz * dz), inv_r = 1.0 / r;
            double coef;
            if (didr) {
                coef = dedi[i] * didr[0] + dedi[j] * didr[1];
                didr += 2;
            } else {
                double d;
                coef = 0.0;
                if (ro[i] < r + sr[j]) {
                    descreen(ro[i], sr[j], r, inv_r, m->gb_buried, &d);
                    coef += dedi[i] * d;
                }
                if (ro[j] < r + sr[i]) {
                    descreen(ro[j], sr[i], r, inv_r, m->gb_buried, &d);
                    coef += dedi[j] * d;
                }
            }
            coef *= inv_r;
            double *gj = grad + 3 * j;
            gi[0] += coef * dx;
            gi[1] += coef * dy;
            gi[2] += coef * dz;
            gj[0] -= coef * dx;
            gj[1] -= coef * dy;
            gj[2] -= coef * dz;
        }
    }
}

void amber_gb(const amber_model *m, const double *x, double *grad,
              double *e, double *work)
{
    int n = m->n_atoms;
    double *born = work, *chain = work + n, *dedb = work + 2 * n;
    double *didr = grad && m->gb_cache ? work + 3 * n : NULL;
    born_radii(m, x, born, chain, didr);
    for (int i = 0; i < n; i++)
        dedb[i] = 0.0;
    gb_energy(m, x, born, grad, dedb, e);
    if (!grad)
        return;
    for (int i = 0; i < n; i++)
        dedb[i] *= chain[i]; /* now ∂E/∂I_i */
    born_chain(m, x, dedb, didr, grad);
}
