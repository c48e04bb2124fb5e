/* The score phase of a DiKL iteration (REFERENCE.md §6.2 step 1): fresh
 * generator batches, noised, and score_steps Adam steps of the score
 * network on the DSM loss.  Internal to src/dikl.
 *
 * score_chunks = 1: rank 0 alone, one pass over the whole batch.
 * score_chunks = K > 1 (data-parallel): every rank holds both networks
 * and the score network's Adam state; the batch is cut into K fixed
 * chunks of rows (digs_layout_block) and the chunks dealt over the ranks
 * in blocks; each chunk's parameter gradient is computed alone, the
 * chunk gradients are gathered to every rank and summed in chunk order,
 * and every rank takes the same Adam step.  The numbers depend on K, not
 * on the rank count.  Every rank draws the whole batch's random numbers
 * (cheap) and uses its own rows. */
#ifndef DIGS_DIKL_SCORE_PHASE_H
#define DIGS_DIKL_SCORE_PHASE_H
#include "core/rng.h"
#include "dikl/trainer.h"

/* z for B rows from rng (centred for particle targets). */
void dikl_draw_latent(dikl_trainer *t, digs_stream *rng, int B);
/* Levels t_b ~ U{lo..hi} (lo = dikl_lowest_level: 1 without a
 * level_warmup; hi = dikl_highest_level: T−1 without a level_cap; while a
 * cap applies, each row draws from U{lo..T−1} instead with probability
 * level_cap_keep, one uniform before its level) and ε ~ N(0, I) (centred
 * for particle targets) for B rows from rng: B levels, then B·dim
 * normals. */
void dikl_draw_noise(dikl_trainer *t, digs_stream *rng, int B);
/* x_t = a_t x + σ_t ε for rows [first, first + n). */
void dikl_mix_noise(dikl_trainer *t, int first, int n);

/* g = Σ_c chunks[c·n ..] over c = 0..K−1, added in chunk order (the
 * order, not the rank count, fixes the rounding). */
void dikl_sum_chunks(nn_real *g, const nn_real *chunks, int K, size_t n);

/* Does this trainer run the score phase on every rank? */
int dikl_score_parallel(const dikl_trainer *t);

/* The score phase; sets t->loss_score (the mean DSM loss of the steps).
 * Collective when dikl_score_parallel(t); otherwise rank 0 only. */
int dikl_score_phase(dikl_trainer *t);

/* Data-parallel runs: rank 0's generator (values), score network
 * (values) and score Adam state to every rank, after a restart
 * (collective; no-op otherwise). */
int dikl_score_share_state(dikl_trainer *t);

/* Data-parallel runs: rank 0's generator values to every rank after its
 * step (collective; no-op otherwise). */
int dikl_score_share_generator(dikl_trainer *t);
#endif
