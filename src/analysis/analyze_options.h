/* Command-line options of `digs analyze` (usage text in cmd_analyze.c,
 * documentation in doc/analysis.md). */
#ifndef DIGS_ANALYSIS_ANALYZE_OPTIONS_H
#define DIGS_ANALYSIS_ANALYZE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum { DIGS_ANALYZE_MAX_OBSERVABLES = 16 };

typedef struct digs_analyze_options {
    const char *run;          /* RUN.h5 (H5MD written by digs run) */
    const char *ref;          /* NULL, "exact", a .npy or an H5MD file */
    const char *group;        /* particles group of RUN ("chains") */
    const char *ref_group;    /* particles group of an H5MD REF (= group) */
    const char *json;         /* --json FILE or NULL */
    const char *plot_dir;     /* --plot DIR or NULL */
    const char *plot_script;  /* --plot-script PATH or NULL (search) */
    const char *pdb;          /* --pdb FILE or NULL (analyze_pdb.h) */
    const char *pdb_frames;   /* --frames a:b:step or NULL (all) */
    long pdb_chain;           /* --chain C, or -1 (all chains) */
    long burn_in;             /* records dropped from the start of RUN */
    long ref_samples;         /* exact draws for --ref exact */
    long subset;              /* rows per bootstrap set (2000) */
    long mmd_samples;         /* cap on the MMD sample size (10^4) */
    int bootstrap;            /* bootstrap repeats (10) */
    int bins;                 /* TVD histogram bins (200) */
    uint32_t seed;            /* exact draws and bootstraps */
    int modes;                /* print the 40-row MoG table */
    int per_chain;            /* print every chain's IAT and ESS */
    int n_observables;
    const char *observables[DIGS_ANALYZE_MAX_OBSERVABLES];
} digs_analyze_options;

/* Parse argv[1..argc-1] (argv[0] is "analyze") into o, defaults first.
 * Returns 0 (parsed), 1 (--help seen) or 2 (usage error: a one-line
 * reason is written to msg).  Pure; the caller prints. */
int digs_analyze_parse_options(int argc, char **argv, digs_analyze_options *o,
                               char *msg, size_t msg_len);

#endif
