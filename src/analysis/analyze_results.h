/* Everything `digs analyze` reports, computed once and then printed as a
 * table (analyze_print.c), written as JSON (analyze_export.c) and drawn
 * (analyze_plot.c), so the three agree.  Rank-local. */
#ifndef DIGS_ANALYSIS_ANALYZE_RESULTS_H
#define DIGS_ANALYSIS_ANALYZE_RESULTS_H

#include <stdio.h>

#include "analysis/analyze_amber.h"
#include "analysis/analyze_compare.h"
#include "analysis/analyze_data.h"
#include "analysis/analyze_options.h"
#include "analysis/analyze_stats.h"
#include "analysis/analyze_targets.h"

typedef struct digs_analyze_results {
    const digs_analyze_options *opt;
    const digs_analyze_run *run;
    const digs_analyze_ref *ref;         /* NULL without --ref */
    digs_analyze_series_stats energy;
    int has_acceptance;
    digs_analyze_series_stats acceptance;
    digs_analyze_series_stats *obs;      /* [run->n_obs] */
    int has_compare;
    digs_analyze_compare cmp;
    int has_mog;
    digs_analyze_mog mog;
    int has_wells;
    digs_analyze_wells wells;
    int has_rama;                        /* amber with backbone atoms */
    digs_analyze_rama rama;
} digs_analyze_results;

/* Compute the per-run statistics, and with ref != NULL the reference
 * metrics; the target metrics for mog40, manywell32 and amber
 * (alanine dipeptide, analyze_amber.h).  res keeps
 * pointers to o, run and ref (they must outlive it). */
int digs_analyze_compute(const digs_analyze_options *o,
                         const digs_analyze_run *run,
                         const digs_analyze_ref *ref,
                         digs_analyze_results *res);

void digs_analyze_results_free(digs_analyze_results *res);

/* The human-readable table (stdout in the command). */
void digs_analyze_print(FILE *out, const digs_analyze_results *res);

/* The same numbers as JSON in path (DIGS_ERR_IO if it cannot be
 * written). */
int digs_analyze_write_json(const char *path,
                            const digs_analyze_results *res);

#endif
