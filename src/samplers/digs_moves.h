/* The two moves DiGS adds around its inner sampler (REFERENCE.md §3.3):
 * forward noising x -> x~ and the MH-corrected initialisation of the
 * denoising chain.  Pure functions of their arguments and the stream they
 * are given; they allocate nothing.  Called by the DiGS sampler's sweep
 * (src/samplers/digs.c) and by its tests. */
#ifndef DIGS_SAMPLERS_DIGS_MOVES_H
#define DIGS_SAMPLERS_DIGS_MOVES_H

#include <stdint.h>

#include "core/rng.h"
#include "samplers/kernels.h"

/* Forward kernel (§3.1): noisy = alpha x + sigma eps, eps ~ N(0, I), with
 * sigma = 1/sqrt(t->precision) and alpha = t->alpha.  Draws dim normals
 * from rng; when t->project is set eps is centred first (translation-
 * invariant particle systems), so noisy has the centre of mass alpha
 * times that of x.  t->noisy is ignored; the result goes to noisy. */
void digs_forward_noise(const digs_kernel_target *t, const double *x,
                        double *noisy, digs_stream *rng);

/* MH-corrected initialisation (§3.3 step 2) of the chain on
 * p(x | x~) ∝ exp(-beta E(x) - |x~ - alpha x|^2 / (2 sigma^2)), x~ =
 * t->noisy: propose x' = x~/alpha + (sigma/alpha) xi, xi ~ N(0, I)
 * (centred if t->project), and accept if log u <= beta (E(x) - E(x')),
 * the Gaussian terms cancelling exactly (§3.3).  Draws dim normals then
 * one uniform from rng.
 *
 * *e must be E(x) (the cached value is reused, not recomputed).  E(x') is
 * an energy-only evaluation (*n_energy += 1) into x_prop (dim doubles of
 * scratch).  On acceptance x becomes x', and *e and grad are E and dE/dx
 * re-evaluated there (*n_grad += 1); on rejection nothing changes.  A
 * non-finite E(x') is rejected.  Returns 1 if accepted. */
int digs_mh_init(const digs_kernel_target *t, double *x, double *e,
                 double *grad, double *x_prop, digs_stream *rng,
                 int64_t *n_energy, int64_t *n_grad);

#endif
