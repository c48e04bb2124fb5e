/* Run-versus-reference metrics of `digs analyze` (REFERENCE.md §8.1, §8.4,
 * §8.5; noise floors §8.10):
 *   energy TVD     200-bin histograms over the reference energy range,
 *                  energies of both sets from the run's potential;
 *   W2             exact W2 of the coordinates (n-body sets centred);
 *   distance TVD   (n-body) histograms of all i<j interatomic distances;
 * each as the DiKL bootstrap: R repeats of m run rows vs m reference rows,
 * drawn without replacement, mean ± sd (ddof 0) (analysis/bootstrap.h);
 *   MMD            (mog40) the DiGS V-statistic on equal sizes: the first
 *                  min(n_run, n_ref, cap) rows of each set.
 * Rank-local. */
#ifndef DIGS_ANALYSIS_ANALYZE_COMPARE_H
#define DIGS_ANALYSIS_ANALYZE_COMPARE_H

#include "analysis/analyze_data.h"
#include "analysis/analyze_options.h"

typedef struct digs_analyze_boot {
    int computed;
    double mean, sd;
} digs_analyze_boot;

typedef struct digs_analyze_compare {
    long m;                     /* rows per bootstrap set */
    int repeats;
    int m_reduced;              /* m < --subset: a set was smaller */
    int bins;
    digs_analyze_boot energy_tvd, w2, dist_tvd;
    double *run_energy;         /* [run->n] recomputed with the potential */
    double energy_mismatch;     /* max |stored - recomputed| / max(1, |E|) */
    long run_energy_dropped;    /* non-finite recomputed run energies */
    long ref_energy_dropped;    /* non-finite reference energies */
    long energy_out_of_range;   /* run energies outside the ref range */
    double ref_energy_mean, ref_energy_sd;
    double ref_energy_min, ref_energy_max;
    int mmd_computed;
    double mmd;
    long mmd_n;                 /* rows of each set */
    int mmd_unequal;            /* the sets differed in size */
    int mmd_capped;             /* --mmd-samples cut the sets */
} digs_analyze_compare;

/* Compute every metric that applies to the run's potential.  Takes about
 * R x (W2 of m vs m) plus one MMD of the capped size (a few seconds with
 * the defaults).  cmp owns run_energy (digs_analyze_compare_free). */
int digs_analyze_compare_run(const digs_analyze_options *o,
                             const digs_analyze_run *run,
                             const digs_analyze_ref *ref,
                             digs_analyze_compare *cmp);

void digs_analyze_compare_free(digs_analyze_compare *cmp);

#endif
