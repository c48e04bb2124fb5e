/* Many-Well-32 facts shared with tests and benchmarks (REFERENCE.md §7.2). */
#ifndef DIGS_POTENTIALS_MANYWELL32_H
#define DIGS_POTENTIALS_MANYWELL32_H

/* Exact noisy posterior of one double-well coordinate d, p(d) ∝
 * exp(−d⁴ + 6d² + 0.5d), seen through y = a d + σ ε (the DiKL forward
 * process, REFERENCE.md §6).  Returns the noisy score
 * ∇ log p_t(y) = (a E[d | y] − y) / σ² by the trapezoid rule on [−4, 4]
 * with 8001 nodes (the integrand is below e^−100 of its peak beyond;
 * quadrature error far below any Monte Carlo error it is compared with).
 * When draw is non-NULL, *draw is the u-quantile of p(d | y) on the same
 * nodes (u in [0, 1)): an exact draw for u uniform.  Pure function. */
double digs_manywell_noisy_score(double y, double a, double sigma, double u,
                                 double *draw);

#endif
