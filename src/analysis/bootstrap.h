/* Bootstrap of sample-quality metrics (REFERENCE.md §8.4, DiKL protocol):
 * R repeats of m model rows vs m reference rows, each set drawn WITHOUT
 * replacement, reported as mean ± sd over the repeats.  The protocol is
 * R = 10, m = 2000, 200 TVD bins. */
#ifndef DIGS_ANALYSIS_BOOTSTRAP_H
#define DIGS_ANALYSIS_BOOTSTRAP_H

#include <stdint.h>

#include "core/rng.h"

enum {
    DIGS_BOOTSTRAP_REPEATS = 10, /* DiKL: 10 repeats */
    DIGS_BOOTSTRAP_SIZE = 2000,  /* DiKL: 2000 vs 2000 */
    DIGS_TVD_BINS = 200          /* iDEM / DiKL histogram bins */
};

/* A metric of m model rows vs m reference rows of d values each (both
 * row-major), e.g. W2 of configurations, or TVD of energies (d = 1) or of
 * the pair distances of each sample (d = pairs per sample).  ctx is the
 * caller's.  Returns a status; writes *value. */
typedef int (*digs_metric_fn)(const double *model, const double *ref,
                              long m, int d, void *ctx, double *value);

/* Draw m distinct indices uniformly from 0..n-1 by a partial
 * Fisher-Yates shuffle: idx (n entries, scratch) is reset to 0..n-1 and
 * its first m entries become the draw (in draw order).  1 <= m <= n <
 * 2^32.  Uses m numbers of s.  No errors. */
void digs_bootstrap_draw(digs_stream *s, long n, long m, long *idx);

/* Run metric on `repeats` bootstrap pairs of subsets.
 *
 * Repeat r draws its model rows with the stream (seed, chain = r, sweep =
 * 0, DIGS_RNG_ANALYSIS, substep = 0) and its reference rows with substep
 * = 1, so each repeat is reproducible from (seed, r) alone.
 *
 * model  n_model x d, ref n_ref x d (row-major); m <= min(n_model, n_ref)
 *        rows per set; repeats >= 1.
 * mean   out: mean of the repeats' values.
 * sd     out: their standard deviation with ddof = 0 (population sd,
 *        numpy's np.std default), 0 for one repeat.
 * values out, optional (NULL): the repeats' values [repeats].
 * Errors: DIGS_ERR_INPUT (sizes), DIGS_ERR_MEMORY, or the metric's. */
int digs_bootstrap(digs_metric_fn metric, void *ctx, const double *model,
                   long n_model, const double *ref, long n_ref, int d,
                   long m, int repeats, uint32_t seed, double *mean,
                   double *sd, double *values);

/* Metric adapters for digs_bootstrap. */
/* W2 of the rows (analysis/w2.h); ctx unused. */
int digs_metric_w2(const double *model, const double *ref, long m, int d,
                   void *ctx, double *value);
/* DiGS MMD of the rows (analysis/mmd.h); ctx unused. */
int digs_metric_mmd(const double *model, const double *ref, long m, int d,
                    void *ctx, double *value);
/* Histogram TVD of all m*d values of each set (analysis/tvd.h); ctx
 * points to an int bin count, or is NULL for DIGS_TVD_BINS. */
int digs_metric_tvd(const double *model, const double *ref, long m, int d,
                    void *ctx, double *value);

#endif
