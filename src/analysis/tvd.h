/* Histogram total-variation distance (REFERENCE.md §8.5; iDEM
 * `dist_total_var`, DiKL evaluation): energy TVD and interatomic-distance
 * TVD of n-body samples.  Energies are computed by the caller; this file
 * also provides the i<j pair distances. */
#ifndef DIGS_ANALYSIS_TVD_H
#define DIGS_ANALYSIS_TVD_H

/* TVD = ½ Σ_k |p_k - q_k| between histograms of ref and model values.
 *
 * Bins: `bins` equal bins over [min(ref), max(ref)] with numpy's edges
 * (np.linspace; a zero-width range becomes [v - 0.5, v + 0.5]); each bin
 * is half-open [e_k, e_k+1) except the last, which is closed, so a value
 * equal to max(ref) falls in the last bin.  Model values outside the
 * reference range (and NaN/inf) are dropped.  Each histogram is divided
 * by its own in-range count (all of ref; the kept model values).
 *
 * Empty model histogram (every model value out of range): the result is
 * defined as 1, the largest TVD, since the model puts no mass where the
 * reference has all of it (DiKL's code would give NaN).  Use
 * digs_tvd_histogram_counted to see how many model values were kept.
 *
 * ref    n_ref >= 1 finite values (e.g. energies, or the flattened pair
 *        distances of all samples), any unit; model: n_model >= 1 values,
 *        same unit; bins >= 1 (the protocol uses 200).
 * tvd    out: in [0, 1].
 * Errors: DIGS_ERR_INPUT (sizes), DIGS_ERR_NUMERIC (non-finite ref),
 * DIGS_ERR_MEMORY.  Pure function; any thread. */
int digs_tvd_histogram(const double *ref, long n_ref, const double *model,
                       long n_model, int bins, double *tvd);

/* As digs_tvd_histogram; also stores the number of model values inside
 * the reference range in *model_kept (n_model - model_kept were dropped;
 * report it beside the TVD, since dropping hides heavy tails, §9.4). */
int digs_tvd_histogram_counted(const double *ref, long n_ref,
                               const double *model, long n_model, int bins,
                               double *tvd, long *model_kept);

/* All interatomic distances of n-body configurations.
 *
 * x    n configurations of n_particles x dim coordinates, particle-major
 *      (x0, y0[, z0], x1, ...), i.e. [n][n_particles][dim].
 * out  [n][n_particles (n_particles - 1) / 2]: |x_i - x_j| for i < j in
 *      the order (0,1), (0,2), ..., (0,P-1), (1,2), ... (as
 *      scipy.spatial.distance.pdist / torch.pdist).
 * n_particles >= 2, dim >= 1; caller-allocated out.  No errors. */
void digs_pair_distances(const double *x, long n, int n_particles, int dim,
                         double *out);

#endif
