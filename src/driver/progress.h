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
    uint64_t first;   /* sweeps already done before this session (restart) */
    uint64_t total;   /* sweeps in the whole run */
} digs_progress;

/* total: sweeps of the whole run; first: sweeps done before this process
 * started (0, or the checkpoint's sweep on a restart).  The rate and ETA
 * count this session's sweeps only. */
void digs_progress_init(digs_progress *p, FILE *out, double interval,
                        uint64_t first, uint64_t total, double now);

/* Print a line if the interval has passed.  done counts sweeps of the
 * whole run; acceptance has n_levels entries named by names (pooled over
 * ranks). */
void digs_progress_update(digs_progress *p, uint64_t done, double now,
                          int n_levels, const char *const *names,
                          const double *acceptance);

#endif
