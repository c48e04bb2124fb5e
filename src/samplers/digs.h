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

/* The noise levels of a DiGS sampler, for code that maps its adapted step
 * sizes (s->params[l], level l) onto another sampler's noise levels (the
 * coupled job, src/driver/coupled_flow.c).  The accepted/proposed pair of
 * level l's inner sampler is stats[2 (l·pairs_per_level + pairs_per_level
 * − 1)] and the entry after it. */
typedef struct digs_level_info {
    int n;                /* levels */
    const double *alpha;  /* [n] increasing, the sampler's own array */
    const double *sigma;  /* [n] sqrt(1 − alpha²) */
    int inner_mala;       /* 1: params are MALA step sizes (0: HMC) */
    int adaptive;         /* 1: step_size = auto */
    long adapt_until;     /* last sweep that adapts (auto) */
    int pairs_per_level;  /* 2 with the MH initialisation, else 1 */
} digs_level_info;

/* Fill *out; fails with DIGS_ERR_INTERNAL if s is not a DiGS sampler. */
int digs_sampler_digs_levels(const digs_sampler *s, digs_level_info *out);

#endif
