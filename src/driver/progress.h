/* The progress line printed by rank 0 during long runs:
 *   [ 42.0%] sweep 4200/10000  1234.5 sweeps/s  ETA 4.7 s  acc mala 0.571
 * Printed at most every `interval` seconds, and never with --quiet. */
#ifndef DIGS_DRIVER_PROGRESS_H
#define DIGS_DRIVER_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct digs_progress {
    FILE *out;        /* NULL: silent (other ranks, --quiet) */
    double start;     /* wall time at the start, seconds */
    double last;      /* wall time of the last line */
    double interval;  /* seconds between lines */
    uint64_t total;   /* sweeps in the run */
} digs_progress;

void digs_progress_init(digs_progress *p, FILE *out, double interval,
                        uint64_t total, double now);

/* Print a line if the interval has passed.  acceptance has n_levels
 * entries named by names (pooled over ranks). */
void digs_progress_update(digs_progress *p, uint64_t done, double now,
                          int n_levels, const char *const *names,
                          const double *acceptance);

#endif
