/* Dense linear assignment: the exact minimum-cost perfect matching of an
 * n x n cost matrix (Jonker & Volgenant, "A shortest augmenting path
 * algorithm for dense and sparse linear assignment problems", Computing 38,
 * 1987).  Used by the W2 metric (REFERENCE.md §8.4), which with equal
 * sample sizes and uniform weights is exactly this problem. */
#ifndef DIGS_ANALYSIS_ASSIGNMENT_H
#define DIGS_ANALYSIS_ASSIGNMENT_H

/* Solve min_σ Σ_i cost[i][σ(i)] over permutations σ.
 *
 * cost       n x n, row-major, finite (any sign); not modified.
 * row_to_col out: n entries, the optimal σ (a permutation of 0..n-1).
 * u, v       out, optional (NULL): dual potentials with
 *            u[i] + v[j] <= cost[i][j] for all i, j and equality on the
 *            assigned pairs (up to rounding), so Σu + Σv = the optimum.
 * total      out: Σ_i cost[i][σ(i)], summed in row order.
 *
 * Time O(n^3) worst case (much less on random costs), memory O(n) beyond
 * the matrix.  Errors: DIGS_ERR_INPUT for n < 1, DIGS_ERR_NUMERIC for a
 * non-finite cost, DIGS_ERR_MEMORY.  Pure function; any thread. */
int digs_assignment_solve(const double *cost, long n, long *row_to_col,
                          double *u, double *v, double *total);

#endif
