/* MoG-40 internals shared with its tests (private to src/potentials).
 * See REFERENCE.md §7.1. */
#ifndef DIGS_POTENTIALS_MOG40_H
#define DIGS_POTENTIALS_MOG40_H

#include <stdint.h>

enum { DIGS_MOG40_K = 40 };

/* PyTorch's CPU generator re-implemented: torch.manual_seed(seed) then
 * torch.rand(n) (float32).  MT19937 seeded with seed; each float is
 * (u32 & 0xFFFFFF) / 2^24 (REFERENCE.md §7.1).  Pure function. */
void digs_mog40_torch_rand(uint32_t seed, int n, float *out);

/* The 40 component means, mu[2k] = x, mu[2k+1] = y, computed as PyTorch
 * does in float32: (torch.rand(40, 2) - 0.5) * 2 * 40 after
 * torch.manual_seed(0), then widened to double.  Pure function. */
void digs_mog40_means(double mu[2 * DIGS_MOG40_K]);

/* MoG-40 without the log p < -1e4 guard: E = -log p wherever it is
 * finite (the log-sum-exp stays finite far from every mode).  For the
 * DiKL posterior sampler, whose importance proposals at large noise land
 * far outside the guard radius (REFERENCE.md §6.4; doc/dikl.md).  Free
 * with digs_potential_destroy. */
struct digs_potential;
int digs_mog40_unguarded(struct digs_potential **out);

#endif
