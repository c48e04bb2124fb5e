/* Target-specific metrics of `digs analyze`.
 *
 * mog40 (REFERENCE.md §7.1, §8.2): the quadratic test function's mean and
 *   its relative MAE against E_true, both the analytic value computed from
 *   the means (1776.853) and the DiGS notebook's Monte-Carlo value
 *   1821.1072 (noise floor ≈ 0.0097 at n = 10^4); nearest-mean mode
 *   weights and the number of modes covered (weight >=
 *   DIGS_MOG_COVERED_FRACTION / 40).  Weight standard errors: for the run
 *   IAT-based on each mode's indicator series (analyze_stats.h; a chain
 *   that never changes mode counts as one independent draw), for the
 *   reference multinomial sqrt(w (1 - w) / n).
 * manywell32 (§7.2): P(x_{2i} > 0) for each of the 16 double wells, exact
 *   value 0.8443, with IAT-based standard errors (analyze_stats.h) for the
 *   run and binomial ones for the reference, and the spread (sd over the
 *   16 wells) of each set.
 * Rank-local. */
#ifndef DIGS_ANALYSIS_ANALYZE_TARGETS_H
#define DIGS_ANALYSIS_ANALYZE_TARGETS_H

#include "analysis/analyze_data.h"

enum { DIGS_ANALYZE_MOG_K = 40, DIGS_ANALYZE_WELLS = 16 };

/* P(d > 0) of one Many-Well-32 double well: 84.43 % of the mass sits in
 * the deep well at d = +1.7525 (REFERENCE.md §7.2). */
#define DIGS_MANYWELL_P_POSITIVE 0.8443

/* Mode weights of one sample set. */
typedef struct digs_analyze_modes {
    long counts[DIGS_ANALYZE_MOG_K];
    double weight[DIGS_ANALYZE_MOG_K], se[DIGS_ANALYZE_MOG_K];
    int covered;
} digs_analyze_modes;

typedef struct digs_analyze_mog {
    double means[2 * DIGS_ANALYZE_MOG_K];
    double e_true_analytic;          /* from the means (§7.1) */
    double e_true_notebook;          /* 1821.1072 (§8.2) */
    double f_run, rmae_run_analytic, rmae_run_notebook;
    digs_analyze_modes run;
    int has_ref;
    double f_ref, rmae_ref_analytic, rmae_ref_notebook;
    digs_analyze_modes ref;
} digs_analyze_mog;

typedef struct digs_analyze_wells {
    double p_run[DIGS_ANALYZE_WELLS], se_run[DIGS_ANALYZE_WELLS];
    int se_from_chains;              /* some SE from chain means */
    double mean_run, spread_run;     /* over the 16 wells */
    int has_ref;
    double p_ref[DIGS_ANALYZE_WELLS], se_ref[DIGS_ANALYZE_WELLS];
    double mean_ref, spread_ref;
} digs_analyze_wells;

/* MoG-40 metrics of the run (and of ref when not NULL). */
int digs_analyze_mog40(const digs_analyze_run *run,
                       const digs_analyze_ref *ref, digs_analyze_mog *out);

/* Many-Well-32 well occupations of the run (and of ref when not NULL). */
int digs_analyze_manywell(const digs_analyze_run *run,
                          const digs_analyze_ref *ref,
                          digs_analyze_wells *out);

#endif
