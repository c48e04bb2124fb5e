/* The Stage-B step-size rule of DiKL (REFERENCE.md §6.5), for the one
 * step of all levels or for one step per schedule level
 * (`step_per_level = yes`, doc/dikl.md). */
#ifndef DIGS_DIKL_STEP_SIZE_H
#define DIGS_DIKL_STEP_SIZE_H

#include <stdint.h>

/* η after one iteration with pooled acceptance rate acceptance: ×1.5
 * above 0.6, ÷1.5 below 0.5, unchanged in between or when acceptance is
 * not finite (no proposals).  Pure. */
double dikl_step_adapt(double eta, double acceptance);

/* The same rule for each level l = 0..n_levels−1 with proposed[l] > 0,
 * from its own acceptance accepted[l]/proposed[l] (integer counts summed
 * over the ranks, so the result is the same on every rank); levels
 * without proposals keep their η.  Pure. */
void dikl_step_adapt_levels(double *eta, const int64_t *accepted,
                            const int64_t *proposed, int n_levels);

#endif
