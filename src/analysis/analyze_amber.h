/* Alanine-dipeptide metrics of `digs analyze` (potential = amber, backbone
 * atoms found by name, ramachandran.h): φ/ψ per frame, the 2-D
 * Ramachandran histogram (DIGS_RAMA_BINS² over [−π, π]²) and its free
 * energy −kT ln p, basin populations with the per-run SE of
 * analyze_stats.h applied to each basin's indicator series, KL / TVD of
 * φ/ψ histograms (run vs an H5MD reference; first vs second half of the
 * run's records), basin transitions per chain, records until 90 % of the
 * chains have visited all four basins, and the CA chirality check.
 * Definitions in doc/analysis.md.  Rank-local. */
#ifndef DIGS_ANALYSIS_ANALYZE_AMBER_H
#define DIGS_ANALYSIS_ANALYZE_AMBER_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/analyze_data.h"
#include "analysis/analyze_json.h"
#include "analysis/ramachandran.h"

/* Fraction of chains that must have visited every basin. */
#define DIGS_RAMA_VISIT_FRACTION 0.9

/* Frames listed by the chirality warning. */
enum { DIGS_RAMA_LIST_FLIPPED = 5 };

/* KL and TVD of one histogram pair. */
typedef struct digs_rama_divergence {
    double kl_2d, kl_phi, kl_psi;   /* KL(p ‖ q), ε = DIGS_RAMA_KL_EPS */
    double tvd_2d;
} digs_rama_divergence;

typedef struct digs_analyze_rama {
    digs_rama_atoms atoms;
    int atoms_by_name;          /* 0: §7.5.2 indices */
    double kT;                  /* energy unit (kJ/mol) */
    long n;                     /* frames = run->n */
    double *phi, *psi;          /* [n] radians */
    int *basin;                 /* [n] */
    double pop[DIGS_RAMA_N_BASINS], pop_se[DIGS_RAMA_N_BASINS];
    int pop_se_from_chains;
    double *hist;               /* [BINS²] run counts, row-major φ, ψ */
    double *free_energy;        /* [BINS²] −kT ln p, min 0; NAN if empty */
    /* against the reference (has_ref) */
    int has_ref;
    long ref_n;
    double *ref_phi, *ref_psi;  /* [ref_n] */
    double *ref_hist;           /* [BINS²] */
    double ref_pop[DIGS_RAMA_N_BASINS];
    digs_rama_divergence vs_ref;
    /* first half vs second half of the records (has_halves) */
    int has_halves;
    long half_records;
    digs_rama_divergence halves;
    /* transitions */
    long *transitions;          /* [n_chains] */
    long transitions_total;
    double transitions_mean;
    long *first_all;            /* [n_chains] record of 4th basin, -1 */
    long chains_all_visited;
    long records_to_visit;      /* -1: not reached */
    double sweeps_to_visit;     /* NAN if not reached */
    /* chirality */
    double chirality_ref;       /* signed volume of the reference */
    int chirality_from_start;   /* 1: start structure, 0: L-alanine sign */
    long n_flipped;
    long flipped[DIGS_RAMA_LIST_FLIPPED];   /* frame indices */
} digs_analyze_rama;

/* 1 when the run's potential is amber and the backbone atoms are found. */
int digs_analyze_rama_applies(const digs_analyze_run *run);

/* Compute everything above for run (and ref when not NULL; its rows must
 * have the run's dimension).  out owns its arrays
 * (digs_analyze_rama_free). */
int digs_analyze_rama_compute(const digs_analyze_run *run,
                              const digs_analyze_ref *ref,
                              digs_analyze_rama *out);

void digs_analyze_rama_free(digs_analyze_rama *r);

/* The table section (called by digs_analyze_print). */
void digs_analyze_rama_print(FILE *out, const digs_analyze_run *run,
                             const digs_analyze_rama *r);

/* The "ramachandran" object of --json. */
void digs_analyze_rama_json(digs_json *j, const digs_analyze_run *run,
                            const digs_analyze_rama *r);

/* The "ramachandran" object of the plot data (histograms, free energy,
 * 1-D densities, thinned points, basin boundaries). */
int digs_analyze_rama_plot_json(digs_json *j, const digs_analyze_rama *r);

#endif
