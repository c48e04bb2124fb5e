/* `digs analyze --plot DIR`: write the data the plots need to
 * DIR/analysis.json (histograms, autocorrelation curves, 2-D samples) and
 * run tools/plot_analysis.py on it, which writes the PNGs into DIR.
 *
 * The script is the first that exists of: --plot-script PATH,
 * $DIGS_PLOT_SCRIPT, the source tree's tools/plot_analysis.py, the
 * installed $(pkgdatadir)/plot_analysis.py.  The interpreter is
 * $DIGS_PYTHON or /usr/bin/python3 (Debian's, with matplotlib).
 * Rank-local; the command calls it on rank 0. */
#ifndef DIGS_ANALYSIS_ANALYZE_PLOT_H
#define DIGS_ANALYSIS_ANALYZE_PLOT_H

#include "analysis/analyze_results.h"

/* Bins of the plotted histograms (not of the TVD). */
enum { DIGS_PLOT_BINS = 80, DIGS_PLOT_MAX_POINTS = 4000 };

/* Create DIR if needed, write DIR/analysis.json and run the script.
 * Errors: DIGS_ERR_IO (directory, file, script not found or failed). */
int digs_analyze_plot(const digs_analyze_results *res);

/* Write only DIR/analysis.json (path of the file in json_path, which has
 * room for len bytes). */
int digs_analyze_plot_data(const digs_analyze_results *res, char *json_path,
                           size_t len);

/* Find the plot script (as above; option = --plot-script or NULL) and run
 * it on json with output directory dir; waits for it.  Used by the
 * trajectory plots and by the model-file training curves. */
int digs_analyze_run_plot_script(const char *option, const char *json,
                                 const char *dir);

#endif
