/* The data `digs analyze` works on: a run read from its H5MD file (frames
 * after burn-in, the potential rebuilt from the stored deck) and a
 * reference set (another H5MD file, a .npy file, or exact draws).
 * Rank-local (the analysis runs on rank 0). */
#ifndef DIGS_ANALYSIS_ANALYZE_DATA_H
#define DIGS_ANALYSIS_ANALYZE_DATA_H

#include <stdint.h>

#include "analysis/analyze_options.h"
#include "potentials/potential.h"

/* One per-record series of /record_observables (e.g. step size per level):
 * its last row. */
typedef struct digs_analyze_record_series {
    char *name;
    long rows;
    int width;
    int64_t last_step;
    double *last;             /* [width] */
    char **columns;           /* [width] column names, or NULL */
} digs_analyze_record_series;

typedef struct digs_analyze_run {
    digs_deck *deck;          /* parsed /parameters/deck (kept for pot) */
    char *potential_name;     /* /parameters/potential */
    char *method;             /* /parameters/method, "" if absent */
    digs_potential *pot;      /* from /parameters/deck [system] */
    int particles;            /* 1: n-body system (centre before W2) */
    int sample_sets;          /* 1: the group was added with
                                 digs_h5md_add_group (io/h5md.h): each
                                 record is a set of n_chains independent
                                 samples, sweeps are its steps (e.g.
                                 trainer iterations), no acceptance */
    long n_chains;
    long records_total;       /* records in the file */
    long burn_in;             /* records dropped */
    long n_records;           /* records kept */
    long n;                   /* frames kept = n_chains * n_records */
    int dim;                  /* pot->dim = particles x spatial dim */
    int64_t first_sweep, last_sweep;  /* of the kept records */
    double *x;                /* [n][dim] positions, record-major */
    double *energy;           /* [n] /observables/potential_energy */
    double *acceptance;       /* [n] or NULL when the file has none */
    int n_obs;                /* --observable series */
    char **obs_names;
    double **obs;             /* [n_obs][n], record-major */
    int n_series;             /* /record_observables */
    digs_analyze_record_series *series;
} digs_analyze_run;

typedef struct digs_analyze_ref {
    char *label;              /* e.g. "exact (10000 draws, seed 1)" */
    long n;
    int dim;
    double *x;                /* [n][dim] as read or drawn (not centred) */
    double *energy;           /* [n] with the run's potential (+inf where
                                 the density vanishes) */
} digs_analyze_ref;

/* Read the run named in o->run: check the H5MD layout (positions of
 * o->group, chain_id, sweep, potential_energy; frames in record-major
 * order), rebuild the potential from /parameters/deck, drop o->burn_in
 * records and load the --observable series.  A group added with
 * digs_h5md_add_group (attribute frames_per_record) is read as sample
 * sets: chains = frames_per_record, sweeps = position/step, energies and
 * --observable series from its elements /particles/<group>/<name>/value,
 * run->sample_sets = 1.  Errors name the file and the missing or
 * inconsistent object. */
int digs_analyze_load_run(const digs_analyze_options *o,
                          digs_analyze_run *run);

void digs_analyze_run_free(digs_analyze_run *run);

/* Load o->ref for the run's potential: its dimension must match (.npy
 * [n][dim] or [n][particles][spatial]; H5MD positions of o->ref_group,
 * all frames), "exact" needs ops->sample_exact (o->ref_samples draws from
 * the stream (o->seed, chain 0, sweep 1, DIGS_RNG_ANALYSIS, substep 2),
 * disjoint from the bootstrap's).  Energies are computed with the run's
 * potential.  Errors: a missing or unreadable file, a file that is neither
 * .npy nor H5MD, a wrong dimension, "exact" without an exact sampler. */
int digs_analyze_load_ref(const digs_analyze_options *o,
                          const digs_analyze_run *run, digs_analyze_ref *ref);

void digs_analyze_ref_free(digs_analyze_ref *ref);

#endif
