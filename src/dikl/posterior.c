/* DiKL posterior sampler and Mixed Score Identity (REFERENCE.md §6.4–§6.6;
 * contract in posterior.h).
 *
 * Per element, one Philox stream, consumed in this order:
 *   Stage A, for each particle i = 0..n_is−1 in turn: dim normals for the
 *   draw from q, the AIS transitions' numbers (kernels.h), one uniform for
 *   the particle's Gumbel key;  Stage B: the MALA steps' numbers.
 * Pool moves (between the stages) use a second stream of the element
 * (substep DIKL_POOL_SUBSTEP): per move an index, then a uniform; so
 * Stage A and B draw the same numbers with or without them; coordinate
 * sweeps use a third (substep DIKL_SWEEP_SUBSTEP): per sweep dim normals,
 * then per coordinate one uniform.
 * Particles are processed one after the other, so the Gumbel-max choice is
 * made on the fly (the best key so far keeps its particle) and only one
 * particle's state is held besides the chosen one.
 *
 * Evaluation count (stats.n_grad): every call of a potential, so
 * n_is (1 + (K−1) m) + 1 + mala_steps per element, m = 1 for HMC and
 * ais_substeps for MALA (the +1 is the refine energy at the chosen
 * particle), plus 1 + sweeps·dim energies (no gradient) with coordinate
 * sweeps. */
#include "dikl/posterior.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/kernels.h"

struct dikl_posterior {
    dikl_posterior_config cfg;
    const digs_potential *target, *refine;
    int dim;
    int project;         /* zero-centre-of-mass subspace (particle targets) */
    double beta;         /* 1/kT of the target */
    double *x, *g;       /* current particle and dE/dx there (dim each) */
    double *best;        /* the particle with the best Gumbel key (dim) */
    double *x_sum, *g_sum; /* Stage-B tail sums of x and −β∇E (dim each) */
    double *log_w;       /* Stage-A log weights (n_is) */
    digs_kernel_scratch scratch;
};

/* Per-element outcome besides the score. */
enum element_status { ELEMENT_OK = 0, ELEMENT_NO_WEIGHT, ELEMENT_REFINE_INF };

int dikl_posterior_create(dikl_posterior **out,
                          const dikl_posterior_config *cfg,
                          const digs_potential *target,
                          const digs_potential *refine)
{
    *out = NULL;
    if (!cfg || !target || !refine)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: config, target and refine "
                         "potentials are required");
    if (cfg->n_is < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: n_is = %d, expected >= 1",
                         cfg->n_is);
    if (cfg->ais_levels < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: ais_levels = %d, expected >= 1",
                         cfg->ais_levels);
    if (cfg->ais_kernel != DIKL_AIS_HMC && cfg->ais_kernel != DIKL_AIS_MALA)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: unknown AIS kernel %d, expected "
                         "HMC or MALA", (int)cfg->ais_kernel);
    if (cfg->ais_levels > 1
        && !(cfg->ais_step > 0.0 && isfinite(cfg->ais_step)))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: ais_step = %g, expected a finite "
                         "step > 0", cfg->ais_step);
    if (cfg->ais_levels > 1 && cfg->ais_kernel == DIKL_AIS_MALA
        && cfg->ais_substeps < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: ais_substeps = %d, expected >= 1 "
                         "MALA steps per level", cfg->ais_substeps);
    if (cfg->mala_steps < 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: mala_steps = %d, expected >= 0",
                         cfg->mala_steps);
    int max_tail = cfg->mala_steps > 1 ? cfg->mala_steps : 1;
    if (cfg->sample_size < 1 || cfg->sample_size > max_tail)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: sample_size = %d, expected 1..%d "
                         "(at most max(1, mala_steps))",
                         cfg->sample_size, max_tail);
    if (cfg->coordinate_sweeps < 0
        || (cfg->coordinate_sweeps > 0 && target->translation_invariant))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl posterior: coordinate_sweeps = %d for target "
                         "'%s', expected >= 0, and 0 for a translation-"
                         "invariant (particle) target", cfg->coordinate_sweeps,
                         target->ops->name);
    if (refine->dim != target->dim || refine->n_particles != target->n_particles
        || refine->spatial_dim != target->spatial_dim
        || refine->translation_invariant != target->translation_invariant)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: refine potential '%s' (dim %d) does "
                         "not match target '%s' (dim %d)",
                         refine->ops->name, refine->dim, target->ops->name,
                         target->dim);
    if (!(target->kT > 0.0))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: target kT = %g, expected > 0",
                         target->kT);

    dikl_posterior *p;
    DIGS_CALLOC(p, 1);
    p->cfg = *cfg;
    p->target = target;
    p->refine = refine;
    p->dim = target->dim;
    p->project = target->translation_invariant && target->n_particles > 0;
    p->beta = 1.0 / target->kT;
    size_t d = (size_t)p->dim;
    p->x = calloc(d, sizeof *p->x);
    p->g = calloc(d, sizeof *p->g);
    p->best = calloc(d, sizeof *p->best);
    p->x_sum = calloc(d, sizeof *p->x_sum);
    p->g_sum = calloc(d, sizeof *p->g_sum);
    p->log_w = calloc((size_t)cfg->n_is, sizeof *p->log_w);
    int status = digs_kernel_scratch_create(&p->scratch, p->dim);
    if (status != DIGS_OK) {
        dikl_posterior_destroy(&p);
        return digs_trace(status, __FILE__, __LINE__);
    }
    if (!p->x || !p->g || !p->best || !p->x_sum || !p->g_sum || !p->log_w) {
        dikl_posterior_destroy(&p);
        return DIGS_FAIL(DIGS_ERR_MEMORY,
                         "out of memory for the dikl posterior workspace "
                         "(dim %d, n_is %d)", target->dim, cfg->n_is);
    }
    *out = p;
    return DIGS_OK;
}

void dikl_posterior_destroy(dikl_posterior **pp)
{
    dikl_posterior *p = *pp;
    if (!p)
        return;
    free(p->x);
    free(p->g);
    free(p->best);
    free(p->x_sum);
    free(p->g_sum);
    free(p->log_w);
    digs_kernel_scratch_free(&p->scratch);
    free(p);
    *pp = NULL;
}

/* Stage A (§6.4) for one element: AIS from q = N(x_t/a, (σ/a)² I) along
 * π_{k/K} = the kernel target with β scaled by k/K, log w = −(β/K)
 * Σ_{k=0}^{K−1} E(x_k) with x_k the state after k transitions (standard
 * AIS: the weight increment log π_{(k+1)/K} − log π_{k/K} = −(β/K) E).
 * A particle whose drawn energy is not finite gets log w = −∞ and is not
 * moved (its gradient is unspecified); the kernels reject moves to
 * non-finite energies, so a finite particle stays finite.  Gumbel-max:
 * keeps argmax (log w_i + G_i) over finite log w_i in p->best.  Returns 1
 * if some particle was finite; *ess gets (Σw)²/(n_is Σw²). */
static int stage_a(dikl_posterior *p, const double *xt, double a,
                   double sigma, digs_stream *rng, double *ess,
                   int64_t *n_grad)
{
    const dikl_posterior_config *cfg = &p->cfg;
    const int dim = p->dim, K = cfg->ais_levels;
    const double centre = 1.0 / a, spread = sigma / a;
    digs_kernel_target level = {
        .pot = p->target, .beta = 0.0, .noisy = xt, .alpha = a,
        .precision = 1.0 / (sigma * sigma), .project = p->project,
    };
    double *x = p->x, *g = p->g;
    double best_key = -INFINITY, max_log_w = -INFINITY;
    int found = 0;

    for (int i = 0; i < cfg->n_is; i++) {
        digs_stream_normals(rng, dim, x);
        for (int k = 0; k < dim; k++)
            x[k] = centre * xt[k] + spread * x[k];
        if (p->project)
            digs_potential_centre(p->target, x);
        double e = p->target->ops->energy(p->target, x, K > 1 ? g : NULL);
        (*n_grad)++;
        double log_w = -INFINITY;
        if (isfinite(e)) {
            double e_sum = e;
            for (int lv = 1; lv < K; lv++) {
                level.beta = p->beta * lv / K;
                if (cfg->ais_kernel == DIKL_AIS_HMC)
                    digs_hmc_step(&level, cfg->ais_step, 1, x, &e, g, rng,
                                  &p->scratch, n_grad);
                else
                    for (int m = 0; m < cfg->ais_substeps; m++)
                        digs_mala_step(&level, cfg->ais_step, x, &e, g, rng,
                                       &p->scratch, n_grad);
                e_sum += e;
            }
            log_w = -(p->beta / K) * e_sum;
            if (!isfinite(log_w))  /* an overflowing sum: no usable weight */
                log_w = -INFINITY;
        }
        p->log_w[i] = log_w;
        /* Gumbel(0,1) = −log(−log u), u in the open interval (0, 1). */
        double key = log_w - log(-log(digs_stream_uniform(rng)));
        if (log_w > -INFINITY && key > best_key) {
            best_key = key;
            memcpy(p->best, x, (size_t)dim * sizeof *x);
            found = 1;
        }
        if (log_w > max_log_w)
            max_log_w = log_w;
    }

    *ess = 0.0;
    if (!found)
        return 0;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < cfg->n_is; i++) {
        double w = exp(p->log_w[i] - max_log_w); /* 0 for −∞ */
        sum += w;
        sum2 += w * w;
    }
    *ess = sum * sum / (cfg->n_is * sum2);
    return 1;
}

/* Add the state x and −β dE/dx (g) to the Stage-B tail sums. */
static inline void record(dikl_posterior *p, const double *x, const double *g)
{
    for (int k = 0; k < p->dim; k++) {
        p->x_sum[k] += x[k];
        p->g_sum[k] -= p->beta * g[k];
    }
}

/* Stage B (§6.5) from p->best, then the MSI (§6.6):
 * ŝ = a (x̄₀ + ḡ) − x_t, x̄₀ and ḡ = −β∇E_refine the means over the last
 * sample_size states (the Stage-A particle itself when mala_steps = 0).
 * The chain state is not re-centred (§6.11 item 4); the recorded copies
 * are centred by centring ŝ at the end (centring is linear and x_t is
 * centred).  Returns ELEMENT_REFINE_INF if the refine energy at the
 * Stage-A particle is not finite (score untouched). */
static int stage_b(dikl_posterior *p, const double *xt, double a,
                   double sigma, double eta, digs_stream *rng, double *score,
                   dikl_posterior_stats *st)
{
    const dikl_posterior_config *cfg = &p->cfg;
    const int dim = p->dim;
    double *x = p->x, *g = p->g;
    digs_kernel_target post = {
        .pot = p->refine, .beta = p->beta, .noisy = xt, .alpha = a,
        .precision = 1.0 / (sigma * sigma), .project = p->project,
    };
    memcpy(x, p->best, (size_t)dim * sizeof *x);
    double e = p->refine->ops->energy(p->refine, x, g);
    st->n_grad++;
    if (!isfinite(e))
        return ELEMENT_REFINE_INF;

    memset(p->x_sum, 0, (size_t)dim * sizeof *p->x_sum);
    memset(p->g_sum, 0, (size_t)dim * sizeof *p->g_sum);
    if (cfg->mala_steps == 0)
        record(p, x, g);
    const int first_recorded = cfg->mala_steps - cfg->sample_size;
    for (int step = 0; step < cfg->mala_steps; step++) {
        st->accepted += digs_mala_step(&post, eta, x, &e, g, rng,
                                       &p->scratch, &st->n_grad);
        st->proposed++;
        if (step >= first_recorded)
            record(p, x, g);
    }
    const double inv_n = 1.0 / cfg->sample_size;
    for (int k = 0; k < dim; k++)
        score[k] = a * (p->x_sum[k] + p->g_sum[k]) * inv_n - xt[k];
    if (p->project)
        digs_potential_centre(p->target, score);
    return ELEMENT_OK;
}

/* Largest per-axis |mean over particles| of v (0 without particles). */
static double com_offset(const digs_potential *pot, const double *v)
{
    int n = pot->n_particles, s = pot->spatial_dim;
    double worst = 0.0;
    for (int ax = 0; ax < s && n > 0; ax++) {
        double mean = 0.0;
        for (int i = 0; i < n; i++)
            mean += v[i * s + ax];
        worst = fmax(worst, fabs(mean / n));
    }
    return worst;
}

/* Contract checks of the arguments (all before any work). */
static int check_arguments(const dikl_posterior *p,
                           const dikl_posterior_job *job)
{
    const int n = job->n;
    const double *x_t = job->x_t, *a = job->a, *sigma = job->sigma;
    if (n < 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: %d elements, expected >= 0", n);
    for (int b = 0; b < (job->eta_each ? n : 1); b++) {
        double eta = job->eta_each ? job->eta_each[b] : job->eta;
        if (p->cfg.mala_steps > 0 && !(eta > 0.0 && isfinite(eta)))
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "dikl posterior: Stage-B step eta = %g%s, "
                             "expected a finite step > 0", eta,
                             job->eta_each ? " (per element)" : "");
    }
    if (job->level && (job->n_levels < 1 || !job->level_accepted
                       || !job->level_proposed))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: per-level counts need n_levels "
                         ">= 1 (got %d) and both count arrays",
                         job->n_levels);
    if (job->pool_moves < 0 || job->pool_n < 0
        || (job->pool_moves > 0 && job->pool_n > 0 && !job->pool))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl posterior: pool_moves = %d, pool of %d "
                         "states (%s), expected counts >= 0 and the pool",
                         job->pool_moves, job->pool_n,
                         job->pool ? "given" : "NULL");
    for (int b = 0; b < n; b++) {
        if (job->level && (job->level[b] < 0
                           || job->level[b] >= job->n_levels))
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "dikl posterior: element %d has level %d, "
                             "expected 0..%d", b, job->level[b],
                             job->n_levels - 1);
        if (!(a[b] > 0.0 && isfinite(a[b]) && sigma[b] > 0.0
              && isfinite(sigma[b])))
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "dikl posterior: element %d has a = %g, sigma "
                             "= %g, expected finite values > 0",
                             b, a[b], sigma[b]);
        const double *xt = x_t + (size_t)b * p->dim;
        double scale = 1.0;
        for (int k = 0; k < p->dim; k++) {
            if (!isfinite(xt[k]))
                return DIGS_FAIL(DIGS_ERR_INTERNAL,
                                 "dikl posterior: element %d: x_t[%d] = %g, "
                                 "expected finite coordinates", b, k, xt[k]);
            scale = fmax(scale, fabs(xt[k]));
        }
        /* Rounding of a centred x_t leaves ~n_particles·1e-16·|x_t|. */
        if (p->project && com_offset(p->target, xt) > 1e-9 * scale)
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "dikl posterior: element %d: x_t has centre of "
                             "mass %g, expected a centred configuration",
                             b, com_offset(p->target, xt));
    }
    return DIGS_OK;
}

/* ‖x_t − a x‖² (the exponent of N(x_t; a x, σ² I) times −2σ²). */
static double residual2(int dim, const double *x_t, double a, const double *x)
{
    double sum = 0.0;
    for (int k = 0; k < dim; k++) {
        double r = x_t[k] - a * x[k];
        sum += r * r;
    }
    return sum;
}

/* Independence MH with proposal p (contract in posterior.h): the
 * posterior ratio π(x')/π(x) = [p(x') N(x_t; a x')] / [p(x) N(x_t; a x)]
 * times the proposal ratio p(x)/p(x') leaves the Gaussian ratio. */
int64_t dikl_posterior_pool_moves(int dim, const double *pool, int pool_n,
                                  int K, const double *x_t, double a,
                                  double sigma, digs_stream *rng, double *x)
{
    const double half_precision = 0.5 / (sigma * sigma);
    double current = residual2(dim, x_t, a, x);
    int64_t accepted = 0;
    for (int m = 0; m < K; m++) {
        uint32_t j = digs_stream_below(rng, (uint32_t)pool_n);
        const double *y = pool + (size_t)j * (size_t)dim;
        double proposed = residual2(dim, x_t, a, y);
        double u = digs_stream_uniform(rng);
        if (log(u) <= half_precision * (current - proposed)) {
            memcpy(x, y, (size_t)dim * sizeof *x);
            current = proposed;
            accepted++;
        }
    }
    return accepted;
}

/* Coordinate sweeps (contract in posterior.h) on x = p->best, which has
 * a finite target energy.  p->x holds each sweep's normals.  Returns the
 * number of accepted moves; a proposal of non-finite energy is rejected. */
static int64_t coordinate_sweeps(dikl_posterior *p, const double *xt,
                                 double a, double sigma, digs_stream *rng,
                                 int64_t *n_grad)
{
    const int dim = p->dim;
    const double centre = 1.0 / a, spread = sigma / a;
    double *x = p->best, *z = p->x;
    double e = p->target->ops->energy(p->target, x, NULL);
    (*n_grad)++;
    int64_t accepted = 0;
    for (int sweep = 0; sweep < p->cfg.coordinate_sweeps; sweep++) {
        digs_stream_normals(rng, dim, z);
        for (int k = 0; k < dim; k++) {
            const double old = x[k];
            x[k] = centre * xt[k] + spread * z[k];
            double e_new = p->target->ops->energy(p->target, x, NULL);
            (*n_grad)++;
            double u = digs_stream_uniform(rng);
            if (isfinite(e_new) && log(u) <= -p->beta * (e_new - e)) {
                e = e_new;
                accepted++;
            } else {
                x[k] = old;
            }
        }
    }
    return accepted;
}

int dikl_posterior_run(dikl_posterior *p, const dikl_posterior_job *job,
                       double *score, dikl_posterior_stats *stats)
{
    DIGS_CHECK(check_arguments(p, job));
    const int n = job->n;
    const size_t dim = (size_t)p->dim;
    const int pool_on = job->pool_moves > 0 && job->pool_n > 0;
    dikl_posterior_stats st = {0};
    int n_failed = 0, first_reason = ELEMENT_OK;
    uint64_t first_failed = 0;

    for (int b = 0; b < n; b++) {
        const double *xt = job->x_t + b * dim;
        const double a = job->a[b], sigma = job->sigma[b];
        const uint64_t g = job->first_index + (uint64_t)b;
        double *s = score + b * dim;
        digs_stream rng;
        digs_stream_init(&rng, job->seed, g, job->iteration, DIGS_RNG_DIKL,
                         DIKL_POSTERIOR_SUBSTEP);
        double ess;
        int status = ELEMENT_NO_WEIGHT;
        if (stage_a(p, xt, a, sigma, &rng, &ess, &st.n_grad)) {
            st.ess_sum += ess;
            if (pool_on) {
                digs_stream pool_rng;
                digs_stream_init(&pool_rng, job->seed, g, job->iteration,
                                 DIGS_RNG_DIKL, DIKL_POOL_SUBSTEP);
                st.pool_accepted += dikl_posterior_pool_moves(
                    p->dim, job->pool, job->pool_n, job->pool_moves, xt, a,
                    sigma, &pool_rng, p->best);
                st.pool_proposed += job->pool_moves;
            }
            if (p->cfg.coordinate_sweeps > 0) {
                digs_stream sweep_rng;
                digs_stream_init(&sweep_rng, job->seed, g, job->iteration,
                                 DIGS_RNG_DIKL, DIKL_SWEEP_SUBSTEP);
                st.sweep_accepted += coordinate_sweeps(p, xt, a, sigma,
                                                       &sweep_rng, &st.n_grad);
                st.sweep_proposed += (int64_t)p->cfg.coordinate_sweeps * p->dim;
            }
            const int64_t acc0 = st.accepted, prop0 = st.proposed;
            double eta = job->eta_each ? job->eta_each[b] : job->eta;
            status = stage_b(p, xt, a, sigma, eta, &rng, s, &st);
            if (job->level) {
                job->level_accepted[job->level[b]] += st.accepted - acc0;
                job->level_proposed[job->level[b]] += st.proposed - prop0;
            }
        }
        if (status != ELEMENT_OK) {
            memset(s, 0, dim * sizeof *s);
            if (n_failed++ == 0) {
                first_failed = g;
                first_reason = status;
            }
        }
    }

    stats->accepted += st.accepted;
    stats->proposed += st.proposed;
    stats->pool_accepted += st.pool_accepted;
    stats->pool_proposed += st.pool_proposed;
    stats->sweep_accepted += st.sweep_accepted;
    stats->sweep_proposed += st.sweep_proposed;
    stats->n_grad += st.n_grad;
    stats->ess_sum += st.ess_sum;
    if (n_failed > 0)
        return DIGS_FAIL(DIGS_ERR_NUMERIC,
                         "dikl posterior: %d of %d elements got score 0; "
                         "first: element %llu, %s",
                         n_failed, n, (unsigned long long)first_failed,
                         first_reason == ELEMENT_NO_WEIGHT
                             ? "every Stage-A particle has a non-finite "
                               "energy (weight -inf)"
                             : "the refine energy at the Stage-A particle "
                               "is not finite");
    return DIGS_OK;
}

int dikl_posterior_score(dikl_posterior *p, int n, const double *x_t,
                         const double *a, const double *sigma, uint32_t seed,
                         uint64_t iteration, uint64_t first_index, double eta,
                         double *score, dikl_posterior_stats *stats)
{
    dikl_posterior_job job = {
        .n = n, .x_t = x_t, .a = a, .sigma = sigma, .seed = seed,
        .iteration = iteration, .first_index = first_index, .eta = eta};
    return dikl_posterior_run(p, &job, score, stats);
}
