/* Internal to the amber potential: the evaluation tables compiled from a
 * digs_amber_topology (amber_model.c) and the kernels that use them
 * (amber_bonded.c, amber_nonbonded.c, amber_gb.c).
 *
 * Kernels take coordinates x (n_atoms × 3, nm), add their energy terms
 * (kJ/mol) to e[] and, when grad != NULL, add dE/dx (kJ/mol/nm) to grad.
 * They allocate nothing; all tables are contiguous arrays. */
#ifndef DIGS_POTENTIALS_AMBER_MODEL_H
#define DIGS_POTENTIALS_AMBER_MODEL_H

#include "potentials/amber_topology.h"

/* Energy terms, in the column names of the OpenMM reference files
 * (REFERENCE.md §11.5). */
enum {
    AMBER_BOND, AMBER_ANGLE, AMBER_TORSION_PROPER, AMBER_TORSION_IMPROPER,
    AMBER_LJ, AMBER_COULOMB, AMBER_LJ14, AMBER_COULOMB14,
    AMBER_GB_POLAR, AMBER_GB_SA, AMBER_N_TERMS
};

typedef struct amber_model {
    int n_atoms;

    int n_bonds;
    int *bond_atoms;        /* 2 per bond */
    double *bond_r0, *bond_k;

    int n_angles;
    int *angle_atoms;       /* 3 per angle, vertex second */
    double *angle_t0, *angle_k;

    /* torsions grouped by atom quartet as a Fourier series: the terms
     * k (1 + cos(nφ − δ)) of quartet q sum to
     *   E_q(φ) = K + Σ_{n=1..nmax_q} (A_n cos nφ + B_n sin nφ),
     * K = Σ k + Σ_{n=0} k cos δ, A_n = Σ_n k cos δ, B_n = Σ_n k sin δ;
     * row q of quad_coef (stride 2 tors_nmax + 1) is K, A_1.., B_1..;
     * row n_quads is zero (padding lane) */
    int n_quads;
    int tors_nmax;          /* largest periodicity of any quartet */
    int *quad_atoms;        /* 4 per quartet */
    int *quad_improper;     /* 1: energy goes to torsion_improper */
    int *quad_nmax;         /* largest periodicity of quartet q */
    double *quad_coef;      /* (n_quads + 1) × (2 tors_nmax + 1) */

    /* nonbonded pairs i < j in rows by i: [0, n_normal) normal pairs (LJ
     * with Lorentz–Berthelot, Coulomb), [n_normal, n_pairs) the 1-4 pairs.
     * Row s of pair_row (2 n_atoms rows) holds the pairs
     * pair_row[s] .. pair_row[s + 1] − 1 of atom i = s mod n_atoms, rows
     * 0..n_atoms − 1 normal, n_atoms..2 n_atoms − 1 the 1-4 pairs. */
    int n_pairs, n_normal;
    int *pair_row;          /* 2 n_atoms + 1 */
    int *pair_j;            /* partner j > i of each pair */
    double *pair_a, *pair_b; /* E_LJ = a/r¹² − b/r⁶: a = 4εσ¹², b = 4εσ⁶ */
    double *pair_qq;        /* C q_i q_j (kJ/mol nm) */

    /* OBC Generalized Born (gb = 0: vacuum) */
    int gb;
    int gb_cache;           /* keep ∂I/∂r per pair between passes (small N) */
    int gb_buried;          /* add the buried-atom correction */
    double gb_alpha, gb_beta, gb_gamma;
    double gb_pre;          /* −C_gb (1/ε_solute − 1/ε_solvent) */
    double *gb_charge;      /* e */
    double *gb_rho;         /* ρ_i, nm */
    double *gb_or;          /* ρ_i − offset */
    double *gb_sr;          /* (ρ_i − offset) S_i */
    double *gb_sa;          /* 4π E_SA (ρ_i + 0.14)² ρ_i⁶ (ACE; 0 if off) */
} amber_model;

/* Compile the tables.  gb = NULL: vacuum.  surface_area = 0 drops the ACE
 * term.  Fails on GB without radii or radii not above the offset. */
int amber_model_build(amber_model *m, const digs_amber_topology *top,
                      const digs_amber_gb_params *gb, int surface_area);

void amber_model_free(amber_model *m);

/* Up to this many atoms amber_gb keeps the descreening derivatives of all
 * pairs between its passes (n (n − 1) doubles of stack, 32 KB at 64). */
enum { AMBER_GB_CACHE_ATOMS = 64 };

/* Doubles of scratch amber_gb needs: 3 per atom, plus 2 per pair when
 * m->gb_cache is set. */
static inline int amber_gb_scratch(const amber_model *m)
{
    int n = m->n_atoms;
    return m->gb ? 3 * n + (m->gb_cache ? n * (n - 1) : 0) : 0;
}

void amber_bonds(const amber_model *m, const double *x, double *grad,
                 double *e);
void amber_angles(const amber_model *m, const double *x, double *grad,
                  double *e);
void amber_torsions(const amber_model *m, const double *x, double *grad,
                    double *e);
void amber_nonbonded(const amber_model *m, const double *x, double *grad,
                     double *e);
/* work: amber_gb_scratch(m) doubles owned by the caller. */
void amber_gb(const amber_model *m, const double *x, double *grad,
              double *e, double *work);

/* All terms (e[AMBER_N_TERMS], GB terms 0 in vacuum) and their sum;
 * grad (if not NULL) is overwritten with dE/dx.  Non-finite sums become
 * +INFINITY. */
double amber_model_evaluate(const amber_model *m, const double *x,
                            double *grad, double *e);

#endif
