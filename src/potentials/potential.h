/* Potentials: an ops table per target (PETSc/LAMMPS "style" pattern).
 *
 * A potential is created by name from [system] potential = NAME; its setup
 * reads and validates its own [system] keys.  After setup it is immutable:
 * energy functions take it const and may be called from many threads.
 *
 * Units: x and grad in the potential's length unit (reduced targets:
 * dimensionless; AMBER: nm); energies in its energy unit (reduced: kT = 1;
 * AMBER: kJ/mol).  Samplers target p(x) ∝ exp(-E(x)/kT).
 *
 * Particle systems store x particle-major: (x0, y0[, z0], x1, ...). */
#ifndef DIGS_POTENTIALS_POTENTIAL_H
#define DIGS_POTENTIALS_POTENTIAL_H

#include "core/deck.h"
#include "core/rng.h"

typedef struct digs_potential digs_potential;

typedef struct digs_potential_ops {
    const char *name;    /* the deck word, e.g. "lj13" */
    const char *summary; /* one line for `digs --help` */

    /* Read [system] keys, set dim, n_particles, spatial_dim, kT, units,
     * term names; allocate data.  Called once on every rank. */
    int (*setup)(digs_potential *pot, digs_deck *deck);

    /* E(x); when grad != NULL also writes dE/dx (dim doubles).  Returns
     * +INFINITY where the density vanishes (then grad is unspecified).
     * Must not allocate. */
    double (*energy)(const digs_potential *pot, const double *x,
                     double *grad);

    /* Optional: the n_terms components of E(x) (they sum to E). */
    void (*energy_terms)(const digs_potential *pot, const double *x,
                         double *terms);

    /* Optional: one exact draw from p(x), for tests and metrics. */
    void (*sample_exact)(const digs_potential *pot, digs_stream *stream,
                         double *x);

    /* Optional: free data (setup may have failed half-way). */
    void (*destroy)(digs_potential *pot);

    /* Optional: a reference starting configuration (e.g. the coordinates
     * shipped with a topology).  Returns DIGS_OK or an error. */
    int (*start_position)(const digs_potential *pot, double *x);
} digs_potential_ops;

struct digs_potential {
    const digs_potential_ops *ops;
    int dim;            /* number of coordinates */
    int n_particles;    /* 0 for targets without particles (mog40, ...) */
    int spatial_dim;    /* 2 or 3 for particle systems, else 0 */
    int translation_invariant; /* 1: E is flat along the centre of mass */
    double kT;          /* thermal energy in the energy unit (reduced: 1) */
    double angstrom;    /* one Ångström in the length unit (PDB input) */
    const char *length_unit;  /* "reduced" or "nm" */
    const char *energy_unit;  /* "reduced" or "kJ/mol" */
    int n_terms;              /* >= 1 */
    const char *const *term_names; /* n_terms names ("total" if 1 term) */
    const char *const *atom_names; /* optional, n_particles names */
    const char *const *elements;   /* optional, n_particles symbols */
    const char *const *residue_names; /* optional, n_particles names */
    const int *residue_ids;           /* optional, n_particles, 1-based */
    void *data;
};

/* Create and set up the potential named in [system] potential. */
int digs_potential_create(digs_deck *deck, digs_potential **out);

/* Create by name (tests; reads the other [system] keys from deck, which
 * may be NULL for potentials that need no keys). */
int digs_potential_create_named(const char *name, digs_deck *deck,
                                digs_potential **out);

void digs_potential_destroy(digs_potential **pot);

static inline double digs_potential_energy(const digs_potential *pot,
                                           const double *x, double *grad)
{
    return pot->ops->energy(pot, x, grad);
}

/* Energies (and gradients when grad != NULL) of n configurations stored
 * contiguously: x[n*dim], e[n], grad[n*dim]. */
void digs_potential_energy_batch(const digs_potential *pot, int n,
                                 const double *x, double *e, double *grad);

/* Terms of E(x) (terms[0] = E when the potential has one term). */
void digs_potential_terms(const digs_potential *pot, const double *x,
                          double *terms);

/* Subtract the per-axis mean over particles (no-op without particles). */
void digs_potential_centre(const digs_potential *pot, double *x);

/* The registry: NULL-terminated list of all potentials. */
const digs_potential_ops *const *digs_potential_registry(void);

#endif
