/* `digs analyze MODEL.h5` on a DiKL model file (src/dikl/model.h): a
 * summary of the training curves, and with --plot DIR the training-curves
 * PNG (DIR/training.json, drawn by tools/plot_analysis.py as
 * DIR/training_curves.png).
 * Rank-local (the command runs it on rank 0). */
#ifndef DIGS_ANALYSIS_ANALYZE_MODEL_H
#define DIGS_ANALYSIS_ANALYZE_MODEL_H

#include <stdio.h>

#include "analysis/analyze_options.h"

/* 1 if path is an HDF5 file with a /dikl group carrying a `format`
 * attribute (a DiKL model file, whatever its version), else 0.  Never
 * fails; a missing or unreadable file is 0 (the trajectory reader then
 * reports it). */
int digs_analyze_is_model(const char *path);

/* Print the training summary of the model file o->run to out: the stored
 * progress and selection (/dikl attributes), the last row of every curve,
 * the best checked metric; with o->plot_dir also write the plot.  Options
 * that need samples (--ref, --pdb, --json, --observable, ...) are refused
 * with a hint to `digs sample`.  Errors name the file and the dataset. */
int digs_analyze_model(const digs_analyze_options *o, FILE *out);

#endif
