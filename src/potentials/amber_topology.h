/* The in-memory AMBER parameter set: atoms, bonded terms, 1-4 pairs,
 * exclusions, optional Generalized-Born parameters and start coordinates,
 * already in the units and conventions OpenMM applies (REFERENCE.md
 * §7.5.3): nm, kJ/mol, e, rad, amu; force constants include the factor 2
 * (E = ½ k (r − r0)²); 1-4 pairs carry their scaled qq, σ, ε.
 *
 * Filled by the readers in io/prmtop.c (AMBER prmtop) and io/digs_top.c
 * (the project's own format, doc/forcefield-formats.md); compiled into the
 * evaluation tables of the amber potential by amber_model.c.  Indices are
 * 0-based.  A topology owns all its memory; free it with
 * digs_amber_topology_free. */
#ifndef DIGS_POTENTIALS_AMBER_TOPOLOGY_H
#define DIGS_POTENTIALS_AMBER_TOPOLOGY_H

enum { DIGS_AMBER_LABEL = 16 }; /* bytes of a name/type label incl. NUL */

typedef struct digs_amber_atom {
    char name[DIGS_AMBER_LABEL];    /* e.g. "CA" */
    char resname[DIGS_AMBER_LABEL]; /* e.g. "ALA" */
    char element[4];                /* e.g. "C" ("" if unknown) */
    char type[DIGS_AMBER_LABEL];    /* AMBER atom type or force-field type */
    char aclass[DIGS_AMBER_LABEL];  /* atom class (= type for a prmtop) */
    int resid;                      /* 1-based residue number */
    double mass;      /* amu */
    double charge;    /* e */
    double sigma;     /* nm, LJ σ (Lorentz–Berthelot mixing) */
    double epsilon;   /* kJ/mol, LJ ε */
    double gb_radius; /* nm, GB intrinsic radius ρ (0: none) */
    double gb_scale;  /* GB screening factor S */
} digs_amber_atom;

/* Force constants kf: bond kJ/mol/nm², angle kJ/mol/rad², torsion kJ/mol. */
typedef struct { int i, j; double r0, kf; } digs_amber_bond;      /* nm */
typedef struct { int i, j, k; double theta0, kf; } digs_amber_angle; /* j vertex, rad */
typedef struct {
    int i, j, k, l;   /* improper: the central atom is k (AMBER convention) */
    int periodicity;  /* n >= 0 */
    int improper;     /* 1: counted in torsion_improper */
    double phase, kf; /* rad: E = kf (1 + cos(nφ − phase)) */
} digs_amber_torsion;
typedef struct { int i, j; double qq, sigma, epsilon; } digs_amber_pair14; /* e², nm, kJ/mol */
typedef struct { int i, j; } digs_amber_exclusion;

/* Generalized Born (OBC) model constants (REFERENCE.md §7.5.4). */
typedef enum {
    DIGS_AMBER_GB_NONE = 0,
    DIGS_AMBER_GB_OBC1 = 1,
    DIGS_AMBER_GB_OBC2 = 2
} digs_amber_gb_model;

typedef struct digs_amber_gb_params {
    digs_amber_gb_model model;
    double solvent_dielectric, solute_dielectric;
    double alpha, beta, gamma;      /* tanh rescaling of ψ */
    double offset;                  /* nm, dielectric offset (0.009) */
    double surface_area_energy;     /* kJ/mol/nm², ACE term (0: off) */
    double coulomb_constant;        /* kJ mol⁻¹ nm e⁻² used by GB */
    int buried_correction;          /* 1: GBSAOBCForce, 0: CustomGBForce */
} digs_amber_gb_params;

typedef struct digs_amber_topology {
    char *source;  /* file the topology came from (messages) */
    int n_atoms;
    digs_amber_atom *atoms;
    int n_bonds;
    digs_amber_bond *bonds;
    int n_angles;
    digs_amber_angle *angles;
    int n_torsions;
    digs_amber_torsion *torsions;
    int n_pairs14;
    digs_amber_pair14 *pairs14;
    int n_exclusions;               /* 1-2, 1-3 (and any other) excluded */
    digs_amber_exclusion *exclusions;
    double coulomb_constant;        /* kJ mol⁻¹ nm e⁻² (ONE_4PI_EPS0) */
    int has_gb_radii;               /* atoms carry gb_radius/gb_scale */
    digs_amber_gb_params gb;        /* model the file names (NONE: none) */
    double *coordinates;            /* n_atoms × 3 nm, or NULL */
} digs_amber_topology;

/* OpenMM ≥ 7.5 ONE_4PI_EPS0 (CODATA 2018), kJ mol⁻¹ nm e⁻² (§7.5.3). */
#define DIGS_AMBER_ONE_4PI_EPS0 138.93545764438198

/* Release everything a reader allocated and zero the struct (safe on a
 * zeroed or half-filled topology). */
void digs_amber_topology_free(digs_amber_topology *top);

/* Consistency of a filled topology: atom indices in range and distinct
 * within each term, finite parameters, positive σ where ε > 0, no pair
 * listed twice or both as 1-4 and excluded.  Readers call it last; the
 * message names top->source. */
int digs_amber_topology_check(const digs_amber_topology *top);

/* The constants OpenMM uses for a prmtop with implicitSolvent = OBC1
 * (CustomGBForce: C_gb 138.935485, no buried correction, ACE 28.3919551)
 * or OBC2 (native GBSAOBCForce: ONE_4PI_EPS0, buried correction,
 * 2.25936 kJ/mol/nm²); solvent 78.5, solute 1 (REFERENCE.md §7.5.4). */
void digs_amber_gb_standard(digs_amber_gb_model model,
                            digs_amber_gb_params *gb);

/* "obc1"/"obc2"/"none" (for messages and files). */
const char *digs_amber_gb_model_name(digs_amber_gb_model model);

/* Element symbol of an atomic number (1..118), "" otherwise. */
const char *digs_amber_element_symbol(int z);

/* Element symbol guessed from a mass in amu (nearest common element; any
 * mass below 4.5 counts as hydrogen, so repartitioned H stays H). */
const char *digs_amber_element_from_mass(double mass);

#endif
