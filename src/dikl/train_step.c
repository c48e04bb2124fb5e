/* One DiKL generator iteration (REFERENCE.md §6.2): score phase on rank 0
 * or over all ranks (score_phase.c), posterior sampling over all ranks,
 * the generator's pass on rank 0 or over all ranks (generator_phase.c)
 * and its step on rank 0.  Every point where the other ranks wait for
 * rank 0 is followed by an agreement that carries a failure of their idle
 * work (dikl_idle_take). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/generator_phase.h"
#include "dikl/score_phase.h"
#include "dikl/step_size.h"
#include "dikl/trainer.h"
#include "dikl/wait.h"
#include "nn/clip.h"
#include "parallel/comm.h"
#include "parallel/layout.h"

/* Every rank: the pooled per-level and pool counts of the posterior
 * (integer sums, so the same on every rank whatever the rank count). */
static int pool_counts(dikl_trainer *t, const dikl_posterior_stats *st)
{
    int T = t->sched.T;
    t->counts[2 * T] = st->pool_accepted;
    t->counts[2 * T + 1] = st->pool_proposed;
    DIGS_CHECK(digs_comm_sum_i64(t->comm, t->counts, t->counts, 2 * T + 2));
    memcpy(t->level_accepted, t->counts, (size_t)T * sizeof *t->counts);
    memcpy(t->level_proposed, t->counts + T, (size_t)T * sizeof *t->counts);
    t->pool_accepted = t->counts[2 * T];
    t->pool_proposed = t->counts[2 * T + 1];
    return DIGS_OK;
}

/* This rank's block of the posterior: per-element steps (per-level
 * steps), per-level counts into t->counts, pool moves. */
static int posterior_block(dikl_trainer *t, long first, int count,
                           dikl_posterior_stats *st)
{
    int T = t->sched.T, d = t->dim;
    memset(t->counts, 0, (size_t)(2 * T + 2) * sizeof *t->counts);
    if (t->cfg.step_per_level)
        for (int b = 0; b < count; b++)
            t->eta_elem[first + b] = t->eta_level[t->level[first + b]];
    dikl_posterior_job job = {
        .n = count, .x_t = t->xt_d + (size_t)first * d, .a = t->a_d + first,
        .sigma = t->sig_d + first, .seed = t->cfg.seed,
        .iteration = (uint64_t)t->iteration, .first_index = (uint64_t)first,
        .eta = t->eta,
        .eta_each = t->cfg.step_per_level ? t->eta_elem + first : NULL,
        .level = t->level + first, .n_levels = T,
        .level_accepted = t->counts, .level_proposed = t->counts + T,
        .pool_moves = t->cfg.pool_moves, .pool_n = t->pool_n,
        .pool = t->pool};
    return dikl_posterior_run(t->post, &job, t->score_d + (size_t)first * d,
                              st);
}

/* The weight of the earlier iterations in each rank's seconds per
 * posterior element: about the last five iterations count. */
static const double SPLIT_MEMORY = 0.8;

/* Rank 0: the posterior elements of each rank this iteration, into
 * t->level[B..B+size), in proportion to each rank's measured speed so
 * that the shares finish together (rank 0's is slower per element when
 * its networks have just run), by largest remainder, at least one
 * element each; even blocks until every rank is measured.  With
 * DIKL_SPLIT_TEST set (tests), rank iteration mod size gets the whole
 * batch.  Any split gives the same numbers: every element draws from its
 * own stream (posterior.h). */
static void choose_split(dikl_trainer *t)
{
    int B = t->cfg.batch, size = t->size, *split = t->level + B;
    const char *test = getenv("DIKL_SPLIT_TEST");
    if (test && *test) {
        for (int r = 0; r < size; r++)
            split[r] = r == (int)(t->iteration % size) ? B : 0;
        return;
    }
    double speed[size], total = 0;
    int unmeasured = 0;
    for (int r = 0; r < size; r++) {
        speed[r] = t->element_s[r] > 0 ? 1 / t->element_s[r] : 0;
        total += speed[r];
        unmeasured |= speed[r] == 0;
    }
    if (unmeasured) {
        for (int r = 0; r < size; r++) {
            long f;
            digs_layout_block(B, size, r, &f, &split[r]);
        }
        return;
    }
    /* one element each (when there are enough) keeps every rank
     * measured, so one slow iteration cannot starve a rank for good */
    int base = B >= size ? 1 : 0, spread = B - base * size;
    double share[size];
    for (int r = 0; r < size; r++)
        share[r] = base + spread * speed[r] / total;
    digs_layout_round(size, share, B, split);
}

/* Rank 0: fold this iteration's per-rank seconds of posterior work into
 * the running estimates (ranks that had no elements keep theirs). */
static void measure_split(dikl_trainer *t, const double *seconds)
{
    const int *split = t->level + t->cfg.batch;
    for (int r = 0; r < t->size; r++) {
        if (split[r] == 0)
            continue;
        double now = seconds[r] / split[r];
        t->element_s[r] = t->element_s[r] > 0
                              ? SPLIT_MEMORY * t->element_s[r]
                                    + (1 - SPLIT_MEMORY) * now
                              : now;
    }
}

/* Every rank: broadcast the batch, estimate ŝ_d on this rank's block,
 * gather to rank 0; pool the posterior statistics.  Ranks other than 0
 * do their idle work while rank 0 runs the score phase. */
static int posterior_phase(dikl_trainer *t, int status_in)
{
    int B = t->cfg.batch, d = t->dim;
    double t0 = MPI_Wtime(), h0 = t->idle.seconds;
    int status = status_in;
    DIGS_CHECK(dikl_bcast_polite(&status, 1, MPI_INT, 0, t->comm, &t->idle));
    if (status != DIGS_OK)
        return digs_comm_agree_message(
            t->comm, t->rank == 0 ? status_in
                                  : dikl_idle_take(&t->idle, t->rank,
                                                   DIGS_OK));
    if (t->rank == 0)
        choose_split(t);
    DIGS_CHECK(dikl_bcast_polite(t->xt_d, B * d, MPI_DOUBLE, 0, t->comm,
                                 &t->idle));
    DIGS_CHECK(dikl_bcast_polite(t->level, B + t->size, MPI_INT, 0, t->comm,
                                 &t->idle));
    dikl_trainer_add_wait(t, t0, h0);
    double t1 = MPI_Wtime();

    const int *split = t->level + B;
    int counts[t->size], displs[t->size];
    for (int r = 0, f = 0; r < t->size; f += split[r], r++) {
        counts[r] = split[r] * d;
        displs[r] = f * d;
    }
    long first = displs[t->rank] / d;
    int count = split[t->rank];
    for (int b = 0; b < B; b++) {
        t->a_d[b] = t->sched.a[t->level[b]];
        t->sig_d[b] = t->sched.sigma[t->level[b]];
    }
    dikl_posterior_stats st = {0};
    int post = posterior_block(t, first, count, &st);
    double t2 = MPI_Wtime();
    t->time.posterior += t2 - t1;

    /* A rank done with its share works (idle) while it waits for the
     * others' (rank 0's is often the slowest). */
    double h2 = t->idle.seconds;
    int root = t->rank == 0;
    void *send = root ? MPI_IN_PLACE : t->score_d + (size_t)first * d;
    MPI_Request req;
    if (MPI_Igatherv(send, count * d, MPI_DOUBLE, t->score_d, counts, displs,
                     MPI_DOUBLE, 0, t->comm, &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Igatherv failed");
    DIGS_CHECK(dikl_wait_polite(&req, root, &t->idle));
    /* the pooled counts, then each rank's seconds in its own slot */
    enum { COUNTS = 6 };
    int n_local = COUNTS + t->size;
    double local[n_local], pooled[n_local];
    memset(local, 0, sizeof local);
    local[0] = (double)st.accepted;
    local[1] = (double)st.proposed;
    local[2] = st.ess_sum;
    local[3] = post == DIGS_ERR_NUMERIC ? 1.0 : 0.0;
    local[4] = (double)st.sweep_accepted;
    local[5] = (double)st.sweep_proposed;
    local[COUNTS + t->rank] = t2 - t1;
    if (MPI_Iallreduce(local, pooled, n_local, MPI_DOUBLE, MPI_SUM, t->comm,
                       &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Iallreduce failed");
    DIGS_CHECK(dikl_wait_polite(&req, root, &t->idle));
    if (root)
        measure_split(t, pooled + COUNTS);
    DIGS_CHECK(pool_counts(t, &st));
    dikl_trainer_add_wait(t, t2, h2);
    t->acceptance = pooled[1] > 0 ? pooled[0] / pooled[1] : NAN;
    t->ess = pooled[2] / B;
    t->sweep_acceptance = pooled[5] > 0 ? pooled[4] / pooled[5] : NAN;
    int mine = post != DIGS_OK && post != DIGS_ERR_NUMERIC ? post : DIGS_OK;
    DIGS_CHECK(digs_comm_agree_message(
        t->comm, dikl_idle_take(&t->idle, t->rank, mine)));
    /* A batch where some element had no finite Stage-A weight gives no
     * usable gradient: the generator step is skipped (like a NaN loss). */
    return pooled[3] > 0 ? DIGS_ERR_NUMERIC : DIGS_OK;
}

/* The generator's gradient (generator_phase.c: rank 0, or every rank
 * with generator_chunks > 1), then on rank 0 clipping and Adam (§6.1,
 * §6.2 step 2). */
static int generator_step(dikl_trainer *t, int skip)
{
    double loss;
    DIGS_CHECK(dikl_generator_gradient(t, skip, &loss));
    if (t->rank != 0)
        return DIGS_OK;
    t->loss_gen = loss;
    t->grad_norm = NAN;
    if (skip || !isfinite(t->loss_gen)) {
        t->skipped++;
        return DIGS_OK;
    }
    int clip = nn_clip_grad_norm(t->gen_p.grad, t->gen_p.n, t->cfg.clip,
                                 &t->grad_norm);
    if (clip != DIGS_OK) { /* non-finite gradient: skip the step */
        digs_error_clear();
        t->skipped++;
        return DIGS_OK;
    }
    /* a step schedule: the step that ends iteration i + 1 uses the
     * dropped rate once i ≥ lr_drop_at (a function of the iteration, so a
     * restart continues it) */
    t->adam_gen.lr = t->cfg.lr_drop_at > 0 && t->iteration >= t->cfg.lr_drop_at
                         ? t->cfg.lr_generator * t->cfg.lr_drop
                         : t->cfg.lr_generator;
    DIGS_CHECK(nn_adam_step(&t->adam_gen, &t->gen_p));
    if (t->cfg.ema > 0) {
        /* θ̄ ← d θ̄ + (1 − d) θ after each generator step taken */
        nn_real d = (nn_real)t->cfg.ema, e = 1 - d;
        nn_real *avg = t->ema_p.value;
        const nn_real *now = t->gen_p.value;
        for (size_t i = 0; i < t->gen_p.n; i++)
            avg[i] = d * avg[i] + e * now[i];
    }
    return DIGS_OK;
}

/* §6.5 after each iteration, from the pooled acceptance (the same on
 * every rank): the one η of all levels, or each level's own η from its
 * own counts (step_per_level). */
static void adapt_step_size(dikl_trainer *t)
{
    int T = t->sched.T;
    if (!t->cfg.adaptive_step)
        return;
    if (t->cfg.step_per_level) {
        dikl_step_adapt_levels(t->eta_level, t->level_accepted,
                               t->level_proposed, T);
        return;
    }
    t->eta = dikl_step_adapt(t->eta, t->acceptance);
    for (int l = 0; l < T; l++)
        t->eta_level[l] = t->eta;
}

static int select_if_due(dikl_trainer *t)
{
    t->metric = NAN;
    long it = t->iteration;
    if (it != 1 && it % t->cfg.check_every != 0 && it != t->cfg.iterations)
        return DIGS_OK;
    DIGS_CHECK(dikl_trainer_select(t, &t->metric));
    if (isnan(t->metric)) /* no reference set yet: nothing to compare */
        return DIGS_OK;
    /* ties go to the later generator (§6.9) */
    if (t->metric <= t->best_metric || !isfinite(t->best_metric)) {
        t->best_metric = t->metric;
        t->best_iteration = it;
        if (t->rank == 0)
            memcpy(t->best_p.value, dikl_trainer_sampled(t)->value,
                   t->gen_p.n * sizeof(nn_real));
    }
    return DIGS_OK;
}

int dikl_trainer_iteration(dikl_trainer *t, double wall_now)
{
    double t0 = MPI_Wtime();
    int status = dikl_score_phase(t);
    int generator_here = t->rank == 0 || dikl_generator_parallel(t);
    if (generator_here && status == DIGS_OK)
        status = dikl_generator_forward(t);
    t->time.net += MPI_Wtime() - t0;
    int post = posterior_phase(t, status);
    if (post != DIGS_OK && post != DIGS_ERR_NUMERIC)
        return post;
    if (generator_here) {
        double t0 = MPI_Wtime();
        status = generator_step(t, post == DIGS_ERR_NUMERIC);
        t->time.net += MPI_Wtime() - t0;
    }
    /* the other ranks wait here (working or napping) for the step */
    double tw = MPI_Wtime(), h0 = t->idle.seconds;
    DIGS_CHECK(dikl_barrier_polite(0, t->comm, &t->idle));
    dikl_trainer_add_wait(t, tw, h0);
    DIGS_CHECK(digs_comm_agree_message(
        t->comm, dikl_idle_take(&t->idle, t->rank, status)));
    DIGS_CHECK(dikl_score_share_generator(t));
    t->iteration++;
    adapt_step_size(t);
    DIGS_CHECK(select_if_due(t));
    if (t->rank == 0) {
        double row[DIKL_N_CURVES] = {
            (double)t->iteration, t->loss_score, t->loss_gen, t->grad_norm,
            t->acceptance, t->eta, t->metric, t->wall_offset + wall_now};
        DIGS_CHECK(dikl_curves_append(&t->curves, row));
    }
    return DIGS_OK;
}
