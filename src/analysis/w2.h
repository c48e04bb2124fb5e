/* Exact 2-Wasserstein distance between two equal-size empirical samples
 * (REFERENCE.md §8.4, iDEM/DiKL protocol): squared Euclidean cost on the
 * flattened coordinates, uniform weights, no alignment.  With equal sizes
 * the optimal plan is a permutation, so W2^2 = min_σ (1/n) Σ_i |x_i -
 * y_σ(i)|^2 is solved exactly as a linear assignment (analysis/
 * assignment.h). */
#ifndef DIGS_ANALYSIS_W2_H
#define DIGS_ANALYSIS_W2_H

/* W2 between the rows of x and y.
 *
 * x, y  n x d, row-major (n samples of d flattened coordinates, e.g.
 *       particle-major n-body configurations), in the caller's length
 *       unit; the caller centres n-body data first where the protocol
 *       asks for it.
 * w2    out: sqrt(optimal mean squared distance), same unit as x.
 *
 * Memory: an n x n double cost matrix (32 MB at n = 2000).  Errors:
 * DIGS_ERR_INPUT (n < 1, d < 1), DIGS_ERR_NUMERIC (non-finite input),
 * DIGS_ERR_MEMORY.  Pure function; any thread. */
int digs_w2(const double *x, const double *y, long n, int d, double *w2);

/* The squared Euclidean cost matrix cost[i][j] = |x_i - y_j|^2 (n x n,
 * caller-allocated), computed as a sum of squared differences in
 * coordinate order (no |x|^2 + |y|^2 - 2 x.y cancellation).  No errors. */
void digs_w2_cost_matrix(const double *x, const double *y, long n, int d,
                         double *cost);

/* Centre n-body configurations in place: subtract from each particle the
 * per-configuration mean over particles, per spatial axis (REFERENCE.md §2;
 * the DW-4 data and any sampler output must be centred before W2).
 * x: [n][n_particles][dim], particle-major.  No errors. */
void digs_remove_centre(double *x, long n, int n_particles, int dim);

#endif
