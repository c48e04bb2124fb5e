/* The DiGS sampler (src/samplers/digs.c): what it exports besides its ops
 * table `digs_sampler_digs`.  See doc/digs.md. */
#ifndef DIGS_SAMPLERS_DIGS_H
#define DIGS_SAMPLERS_DIGS_H

#include "core/rng.h"
#include "samplers/kernels.h"
#include "samplers/sampler.h"

extern const digs_sampler_ops digs_sampler_digs;

/* An inner sampler supplied from outside: one move of x on the denoising
 * target t (t->noisy = x~, t->alpha, t->precision = 1/sigma^2, t->beta).
 * It must leave p(x | x~) invariant, draw only from rng, and leave *e and
 * grad equal to E and dE/dx at the new x.  Returns 1 if the move was
 * accepted (0 otherwise), or a negative value on failure. */
typedef int (*digs_denoiser_fn)(void *ctx, const digs_kernel_target *t,
                                double *x, double *e, double *grad,
                                digs_stream *rng);

/* Test hook: replace each inner MALA/HMC step of a DiGS sampler s by fn
 * (e.g. an exact draw from p(x | x~) for a Gaussian mixture, REFERENCE.md
 * §3.9), keeping everything else of the sweep (schedule, noising, MH
 * initialisation, streams, counters).  fn is called with the stream the
 * inner step would use.  fn = NULL restores the deck's inner sampler.
 * Fails with DIGS_ERR_INTERNAL if s is not a DiGS sampler. */
int digs_sampler_digs_set_denoiser(digs_sampler *s, digs_denoiser_fn fn,
                                   void *ctx);

#endif
