/* The noise levels of DiGS: alpha_1 < ... < alpha_T in (0, 1), visited
 * noisiest first, with sigma_t = sqrt(1 - alpha_t^2) (variance-preserving
 * noising, REFERENCE.md §2, §3.1, §3.5).
 *
 * Deck ([digs], read by digs_schedule_read), one of two forms:
 *   alphas    = 0.1 0.3 0.5     explicit levels, strictly increasing
 *   levels    = T               (default 1)  linspace(alpha_min,
 *   alpha_min = 0.1             (default)    alpha_max, T) as the
 *   alpha_max = 0.9             (default)    reference code builds it
 * With no key at all the schedule is linspace(0.1, 0.9, 1) = [0.1], the
 * reference code's single level.  Giving `alphas` together with any of
 * levels / alpha_min / alpha_max is an error. */
#ifndef DIGS_SAMPLERS_DIGS_SCHEDULE_H
#define DIGS_SAMPLERS_DIGS_SCHEDULE_H

#include "core/deck.h"

enum { DIGS_SCHEDULE_MAX_LEVELS = 1000 };

typedef struct digs_schedule {
    int n;           /* number of levels T >= 1 */
    double *alpha;   /* [n] strictly increasing, in (0, 1) */
    double *sigma;   /* [n] sqrt(1 - alpha^2) */
} digs_schedule;

/* Read the schedule keys of [section] into *out (allocates; release with
 * digs_schedule_free, also after a failure).  Called by the DiGS sampler's
 * setup on every rank. */
int digs_schedule_read(digs_deck *deck, const char *section,
                       digs_schedule *out);

/* Allocate a schedule from n explicit levels (tests, and the deck path);
 * *out must be zeroed or hold an earlier schedule.
 * Fails with DIGS_ERR_INPUT unless 0 < alpha[0] < ... < alpha[n-1] < 1. */
int digs_schedule_set(digs_schedule *out, int n, const double *alpha);

/* numpy.linspace(lo, hi, n) into alpha[0..n): alpha[i] = lo + i step with
 * step = (hi - lo)/(n - 1), and alpha[n-1] = hi exactly (n = 1: lo). */
void digs_schedule_linspace(double lo, double hi, int n, double *alpha);

void digs_schedule_free(digs_schedule *s);

#endif
