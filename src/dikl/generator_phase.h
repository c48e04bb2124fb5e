/* The generator pass of a DiKL iteration (REFERENCE.md §6.2 step 2):
 * the batch x = f_θ(z) and its noisy copy x_t before the posterior, and
 * after it the gradient g_b = w_b a_b (s_φ − ŝ_d)/B back through f_θ
 * (§6.1).  Internal to src/dikl.
 *
 * generator_chunks = 1: rank 0 alone, one pass over the whole batch.
 * generator_chunks = K > 1 (needs score_chunks > 1, so that every rank
 * holds both networks): the batch is cut into K fixed chunks of rows
 * (digs_layout_block) dealt over the ranks in blocks, as the score phase
 * does.  Every rank draws the whole batch's random numbers and keeps the
 * forward of each of its chunks in its own copy of the generator network
 * (the backward comes after the posterior); the chunks' gradients and
 * losses are gathered to rank 0 and summed in chunk order there.  The
 * numbers depend on K, not on the rank count; rank 0 then clips and
 * steps (train_step.c) and shares the new weights. */
#ifndef DIGS_DIKL_GENERATOR_PHASE_H
#define DIGS_DIKL_GENERATOR_PHASE_H
#include "dikl/trainer.h"

/* Does this trainer split the generator pass over the ranks? */
int dikl_generator_parallel(const dikl_trainer *t);

/* Copies of the generator network for this rank's chunks after its
 * first (t->gen holds the first); rank-local, no-op unless parallel. */
int dikl_generator_workspaces(dikl_trainer *t);
void dikl_generator_workspaces_free(dikl_trainer *t);

/* z, levels and ε of this iteration's generator batch, x = f(z) and
 * x_t; on rank 0, x_t in double (re-centred) in t->xt_d for the
 * posterior.  Collective when parallel; otherwise rank 0 only. */
int dikl_generator_forward(dikl_trainer *t);

/* After the posterior (ŝ_d in t->score_d on rank 0): on rank 0, *loss =
 * the surrogate loss mean_b Σ_k w_b (s_φ − ŝ_d)·x_t (§6.1) and, unless
 * skip (the posterior failed numerically; known on every rank),
 * t->gen_p.grad = its gradient.  The serial pass also leaves the gradient
 * out when *loss is not finite (§6.2); either way the caller then skips
 * the step.  Collective when parallel; otherwise rank 0 only. */
int dikl_generator_gradient(dikl_trainer *t, int skip, double *loss);
#endif
