/* Maximum mean discrepancy exactly as DiGS computes it (REFERENCE.md §8.1;
 * DiGS `mmd.py`, MMD_loss(kernel_num = 5, kernel_mul = 2)).
 *
 * Stack Z = [X; Y] (N = 2n points), D_ij = |z_i - z_j|^2, base bandwidth
 * b = Σ_ij D_ij / (N^2 - N), kernel k(D) = Σ_{i=0..4} exp(-D / (b/4 · 2^i))
 * (bandwidths b/4, b/2, b, 2b, 4b), and
 *     MMD = mean_{n x n} (K_XX + K_YY - K_XY - K_YX),
 * the biased V-statistic of MMD^2 (diagonals included, not square-rooted).
 * The DiGS MoG-40 protocol uses n = 10^4 model vs 10^4 exact samples. */
#ifndef DIGS_ANALYSIS_MMD_H
#define DIGS_ANALYSIS_MMD_H

/* MMD between the rows of x (model) and y (reference); symmetric in x, y.
 *
 * x, y  n x d, row-major, finite, any length unit (the metric is scale
 *       free: the bandwidth follows the data).
 * mmd   out: the V-statistic above, >= 0 up to rounding.
 *
 * Cost O(n^2 d) time (about 2 n^2 pair kernels by symmetry), O(n d) memory.
 * Accuracy: relative ~1e-15 per kernel value; exp(-t) terms below e^-40
 * of the widest bandwidth are taken at t = 40, an absolute change of the
 * result below 2e-17.  If all 2n points coincide the bandwidth is zero and
 * the result is defined as 0 (X and Y are the same point mass).
 * Errors: DIGS_ERR_INPUT (n < 1, d < 1), DIGS_ERR_NUMERIC (non-finite
 * input), DIGS_ERR_MEMORY.  Pure function; any thread. */
int digs_mmd(const double *x, const double *y, long n, int d, double *mmd);

#endif
