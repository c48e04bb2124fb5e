/* Target noisy score of DiKL by posterior sampling and the Mixed Score
 * Identity (REFERENCE.md §6.4–§6.6).
 *
 * For each noisy point x_t (noise level a, σ) the posterior is
 *   p(x₀ | x_t) ∝ exp(−β E(x₀)) · N(x_t; a x₀, σ² I),   β = 1/kT.
 * Stage A (IS/AIS): n_is particles from q = N(x_t/a, (σ/a)² I); annealing
 * path π_s ∝ exp(−s β E) q (the Gaussian likelihood in x₀ is q itself up to
 * a constant, so π_s is the DiGS kernel target of src/samplers/kernels.h
 * with β scaled by s), K levels, transitions HMC (1 leapfrog step) or MALA,
 * weights log w = −(β/K) Σ_k E(x_k); one particle kept by Gumbel-max.
 * Stage B: MALA on π₁ with the `refine` potential (smoothed LJ-13 energy,
 * §7.4; the target itself otherwise) for mala_steps steps of size eta,
 * recording the last sample_size states x and −β∇E_refine(x).
 * MSI: ŝ = a (x̄₀ + ḡ) − x_t  (§6.6).
 *
 * Translation-invariant particle targets work in the zero-centre-of-mass
 * subspace: particles are centred after drawing and every move is
 * projected (so the IS density and the moves agree), x_t must be centred,
 * and ŝ is centred.
 *
 * Pool moves (optional, between the stages): K independence Metropolis–
 * Hastings moves whose proposal is a state drawn uniformly from a pool of
 * samples of p (e.g. DiGS chain states).  For the target p(x₀|x_t) ∝ p(x₀)
 * N(x_t; a x₀, σ² I) and the proposal p itself, p cancels from the MH
 * ratio, which is N(x_t; a x', σ² I) / N(x_t; a x, σ² I) (the acceptance
 * of DiGS's MH initialisation, REFERENCE.md §3.3).  A pool that is not
 * exactly p only makes the moves less useful: Stage B keeps the posterior
 * invariant whatever state it starts from.
 *
 * Coordinate sweeps (optional, between the stages, after any pool
 * moves; not for particle targets): each sweep visits the coordinates
 * k = 0..dim−1 in turn and proposes x'_k ~ N(x_t,k/a, (σ/a)²), the
 * Gaussian likelihood's factor in x_k, all other coordinates kept.  That
 * factor cancels from the MH ratio of p(x₀|x_t), which leaves
 * exp(−β (E(x') − E(x))) (Metropolis-within-Gibbs with independence
 * proposals).  Unlike a move of the whole state, one coordinate can cross
 * a barrier that separates its own modes, however many dimensions there
 * are: for targets whose modes are coordinate-wise (ManyWell) this
 * equilibrates what Stage A's degenerate weights leave to chance.
 *
 * Randomness: element g (global index in the iteration's batch) draws from
 * the Philox stream key (seed, g), counter (iteration, purpose
 * DIGS_RNG_DIKL, substep DIKL_POSTERIOR_SUBSTEP), and its pool moves from
 * the same key with substep DIKL_POOL_SUBSTEP and its coordinate sweeps
 * with substep DIKL_SWEEP_SUBSTEP, so the result of an
 * element does not depend on which rank computes it or on the batch split.
 * All arithmetic is double; nothing is allocated after create. */
#ifndef DIGS_DIKL_POSTERIOR_H
#define DIGS_DIKL_POSTERIOR_H

#include <stdint.h>

#include "core/rng.h"
#include "potentials/potential.h"

enum { DIKL_POSTERIOR_SUBSTEP = 1, DIKL_POOL_SUBSTEP = 2,
       DIKL_SWEEP_SUBSTEP = 3 };

typedef enum dikl_ais_kernel {
    DIKL_AIS_HMC = 0,   /* one leapfrog step of size ais_step per level */
    DIKL_AIS_MALA = 1   /* ais_substeps MALA steps of size ais_step per level */
} dikl_ais_kernel;

typedef struct dikl_posterior_config {
    int n_is;              /* Stage-A particles per element (>= 1) */
    int ais_levels;        /* K (1 = plain importance sampling) */
    dikl_ais_kernel ais_kernel;
    double ais_step;       /* HMC ε or MALA η of the annealing moves */
    int ais_substeps;      /* MALA steps per level (HMC: ignored) */
    int mala_steps;        /* Stage-B steps (0: keep the Stage-A particle) */
    int sample_size;       /* averaged tail, 1 <= sample_size <= max(1, mala_steps) */
    int coordinate_sweeps; /* sweeps of single-coordinate moves between the
                              stages (0: off; > 0 needs a target that is
                              not translation-invariant) */
} dikl_posterior_config;

typedef struct dikl_posterior_stats {
    int64_t accepted, proposed;  /* Stage-B MALA moves */
    int64_t pool_accepted, pool_proposed; /* pool MH moves */
    int64_t sweep_accepted, sweep_proposed; /* coordinate moves */
    int64_t n_grad;              /* energy+gradient evaluations, both stages */
    double ess_sum;              /* Σ over elements of the Stage-A ESS fraction
                                    (Σw)²/(n_is Σw²) */
} dikl_posterior_stats;

typedef struct dikl_posterior dikl_posterior;

/* Workspace for elements of dimension target->dim.  `refine` may equal
 * `target`; both must outlive the workspace. */
int dikl_posterior_create(dikl_posterior **out,
                          const dikl_posterior_config *cfg,
                          const digs_potential *target,
                          const digs_potential *refine);

void dikl_posterior_destroy(dikl_posterior **p);

/* For elements b = 0..n−1 (global index first_index + b): x_t[b·dim..],
 * levels a[b], sigma[b]; writes score[b·dim..] = ŝ_d(x_t) and ADDS to
 * *stats.  eta is the Stage-B MALA step size.  Fails with
 * DIGS_ERR_NUMERIC only if an element's every Stage-A weight is −∞ or NaN
 * (then score is left as 0 for it and the count is reported), never on a
 * rejected move. */
int dikl_posterior_score(dikl_posterior *p, int n, const double *x_t,
                         const double *a, const double *sigma, uint32_t seed,
                         uint64_t iteration, uint64_t first_index, double eta,
                         double *score, dikl_posterior_stats *stats);

/* A block of elements with the optional extras: per-element Stage-B steps,
 * per-level acceptance counts and pool moves.  Unset extras (NULL / 0)
 * give exactly dikl_posterior_score's numbers. */
typedef struct dikl_posterior_job {
    int n;                        /* elements */
    const double *x_t;            /* [n·dim], centred for particle targets */
    const double *a, *sigma;      /* [n] noise level of each element */
    uint32_t seed;
    uint64_t iteration, first_index;
    double eta;                   /* Stage-B step of every element ... */
    const double *eta_each;       /* ... or [n] one per element (NULL: eta) */
    const int *level;             /* [n] schedule level of each element, or
                                     NULL: no per-level counts */
    int n_levels;                 /* level[b] in 0..n_levels−1 */
    int64_t *level_accepted;      /* [n_levels] Stage-B counts ADDED per */
    int64_t *level_proposed;      /*   level (used when level != NULL) */
    int pool_moves;               /* K >= 0 pool moves per element */
    int pool_n;                   /* pool states (0: no pool moves) */
    const double *pool;           /* [pool_n·dim] samples of p (centred for
                                     particle targets) */
} dikl_posterior_job;

/* As dikl_posterior_score for job's elements, with the extras: element b
 * uses Stage-B step eta_each[b] (if given), adds its Stage-B counts to
 * level_accepted/proposed[level[b]], and when pool_moves > 0 and
 * pool_n > 0 makes pool_moves pool moves (dikl_posterior_pool_moves)
 * after Stage A, counted in stats->pool_accepted/proposed.  Local (no
 * MPI); called by the trainer on every rank for its block. */
int dikl_posterior_run(dikl_posterior *p, const dikl_posterior_job *job,
                       double *score, dikl_posterior_stats *stats);

/* K independence MH moves on p(x|x_t) ∝ p(x) N(x_t; a x, σ² I) from x
 * (in place, dim values): each draws j uniform in 0..pool_n−1 then one
 * uniform u from rng, proposes x' = pool[j] (a sample of p) and accepts
 * if log u <= (‖x_t − a x‖² − ‖x_t − a x'‖²) / (2σ²).  Returns the
 * number of accepted moves.  pool_n >= 1, K >= 0, a > 0, σ > 0; pure
 * arithmetic (no allocation, no energy evaluation). */
int64_t dikl_posterior_pool_moves(int dim, const double *pool, int pool_n,
                                  int K, const double *x_t, double a,
                                  double sigma, digs_stream *rng, double *x);

#endif
