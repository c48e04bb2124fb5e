/* MCMC kernels shared by the methods: one MALA step and one HMC trajectory
 * on U(x) = beta E(x) + (precision/2) |noisy - alpha x|^2.
 *
 * The Gaussian term is DiGS's denoising likelihood (REFERENCE.md §3.2:
 * precision = 1/sigma^2, noisy = x~); plain MALA/HMC/PT use noisy = NULL,
 * so U = beta E with beta = 1/kT of the replica.  The caller keeps E(x) and
 * dE/dx(x) of the current state (never U), so the energies that reach the
 * trajectory are the potential's own numbers.
 *
 * Both kernels draw every random number from the stream they are given and
 * allocate nothing (scratch comes from digs_kernel_scratch). */
#ifndef DIGS_SAMPLERS_KERNELS_H
#define DIGS_SAMPLERS_KERNELS_H

#include <stdint.h>

#include "core/rng.h"
#include "potentials/potential.h"
#include "samplers/chains.h"

typedef struct digs_kernel_target {
    const digs_potential *pot;
    double beta;          /* multiplies E */
    const double *noisy;  /* x~ of the Gaussian term, or NULL for none */
    double alpha;         /* contraction of the Gaussian term */
    double precision;     /* 1/sigma^2 of the Gaussian term */
    int project;          /* 1: moves in the zero-centre-of-mass subspace */
} digs_kernel_target;

typedef struct digs_kernel_scratch {
    int dim;
    double *x_new, *g_new, *noise, *momentum;
} digs_kernel_scratch;

int digs_kernel_scratch_create(digs_kernel_scratch *w, int dim);
void digs_kernel_scratch_free(digs_kernel_scratch *w);

/* Target for plain sampling of p(x) ∝ exp(-beta E): no Gaussian term;
 * project if the potential is a translation-invariant particle system. */
digs_kernel_target digs_kernel_plain(const digs_potential *pot, double beta);

/* U(x) given E(x) (REFERENCE.md §3.2). */
double digs_kernel_u(const digs_kernel_target *t, const double *x, double e);

/* One MALA step (REFERENCE.md §3.4): proposal x' = x - h grad U +
 * sqrt(2h) xi, accept if log u <= log A.  Draws dim normals, then one
 * uniform.  On acceptance x, *e, grad (= dE/dx) become the proposal's.
 * Adds 1 to *n_grad.  Returns 1 if accepted. */
int digs_mala_step(const digs_kernel_target *t, double h, double *x,
                   double *e, double *grad, digs_stream *rng,
                   digs_kernel_scratch *w, int64_t *n_grad);

/* One HMC trajectory (REFERENCE.md §4.2): p ~ N(0, I), leapfrog with L
 * steps of size eps, accept if log u < H_old - H_new.  Draws dim normals,
 * then one uniform.  Adds the gradient evaluations to *n_grad.  Returns 1
 * if accepted. */
int digs_hmc_step(const digs_kernel_target *t, double eps, long leapfrog,
                  double *x, double *e, double *grad, digs_stream *rng,
                  digs_kernel_scratch *w, int64_t *n_grad);

/* Evaluate E and dE/dx at every local chain's position; fail with
 * DIGS_ERR_NUMERIC naming the global chain if an energy is not finite. */
int digs_kernel_start_chains(const digs_potential *pot, digs_chains *c,
                             int64_t *n_grad);

#endif
