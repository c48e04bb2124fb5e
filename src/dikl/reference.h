/* The reference set of DiKL's `selection = reference` (doc/dikl.md): the
 * model-selection metric is the energy TVD plus, for particle targets
 * (n_particles > 1), the interatomic-distance TVD between generator
 * samples and states handed in by the host (a DiGS run alongside), with
 * the metrics toolkit's recipe (REFERENCE.md §8.5, src/analysis/tvd.h):
 * DIGS_TVD_BINS = 200 equal bins over the reference range, each histogram
 * normalised by its own count; unlike the toolkit, the fraction f of
 * model values outside the range (or non-finite) counts as wholly
 * mismatched: TVD = (1 − f) TVD_in + f.  No bootstrap: all check samples
 * against all reference states. */
#ifndef DIGS_DIKL_REFERENCE_H
#define DIGS_DIKL_REFERENCE_H

#include "potentials/potential.h"

typedef struct dikl_reference {
    long n;               /* reference states (0: none set) */
    long n_energy;        /* finite reference energies kept */
    double *energy;       /* [n_energy] */
    int n_particles, spatial_dim;  /* distances when n_particles > 1 */
    long n_dist;          /* n · n_particles (n_particles − 1) / 2 */
    double *dist;         /* [n_dist] all i<j distances of every state */
} dikl_reference;

/* Replace r's contents by n >= 1 states x[n·pot->dim] (finite
 * coordinates) with energies energy[n] in pot's units, or energy = NULL
 * to compute them with pot.  Non-finite energies are dropped; at least one
 * must be finite.  On failure r is unchanged.  Local (no MPI). */
int dikl_reference_set(dikl_reference *r, const digs_potential *pot, int n,
                       const double *x, const double *energy);

void dikl_reference_free(dikl_reference *r);

/* The metric of n >= 1 model samples x[n·dim] with energies energy[n]
 * (non-finite allowed) against r (r->n >= 1): energy TVD + distance TVD
 * (0 for targets without particles), each in [0, 1] (1 when every model
 * value is dropped); the parts go to *energy_tvd and *dist_tvd if those
 * are not NULL.  Allocates scratch; local. */
int dikl_reference_metric(const dikl_reference *r, int n, const double *x,
                          const double *energy, double *metric,
                          double *energy_tvd, double *dist_tvd);

#endif
