/* The coupled DiGS + DiKL job (src/driver/run_coupled.h, doc/coupled.md).
 *
 * Rounds.  Round i is trainer iteration i (score phase and generator step
 * on rank 0, posterior split over all ranks) and sweeps [iK, (i+1)K) of
 * every chain, K = [run] sweeps / [dikl] iterations.  A sweep touches only
 * its own rank's chains and draws only from its chain's streams, so a
 * rank may do it whenever it likes: ranks other than 0 sweep while they
 * wait for rank 0's networks (the trainer's idle hook), as far ahead as
 * the next "meeting"; rank 0 does its K sweeps after each generator
 * step.  A meeting is a round end where the ranks do collective work on
 * the chains: every meet_every sweeps, at the pooling points while DiGS
 * adapts its step sizes, at checkpoints, at re-seeding from the
 * generator, at the end.  There every rank first completes exactly
 * (i+1)K sweeps.  Records and pooling points between meetings are taken
 * locally by each rank when its sweeps pass them (frames into the output
 * buffer, chain states into the reference stash, acceptance counts into a
 * queue) and written, gathered and pooled, in order, at the next meeting;
 * their contents are what they would have been at once.  Between meetings
 * the ranks drift, which absorbs rounds of unequal cost.  Every round ends
 * with a barrier at which the ranks other than 0 keep sweeping, and with
 * the generator sample sets, which do not touch the chains.  Chain numbers
 * therefore depend on the deck alone: not on the rank count, not on
 * timing, and (with no flow into the chains switched on) not on the
 * trainer at all.
 *
 * Restart: the chains' checkpoint and the model file are written at the
 * same round end; `--restart` resumes both and refills the reference set
 * from the trajectory's last records, so the run continues exactly. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/trainer.h"
#include "driver/coupled_balance.h"
#include "driver/coupled_config.h"
#include "driver/coupled_flow.h"
#include "driver/coupled_samples.h"
#include "driver/report.h"
#include "driver/run_coupled.h"
#include "driver/run_dikl.h"
#include "io/h5md_read.h"
#include "parallel/comm.h"

typedef struct coupled {
    MPI_Comm comm;
    int rank, size;
    digs_run_state run;
    dikl_trainer *trainer;
    coupled_config cc;
    digs_level_info levels;       /* valid when the method is digs */
    coupled_reference ref;
    uint64_t sweep;               /* sweeps this rank has done */
    uint64_t quota;               /* sweeps this rank may reach now */
    int slice_next;               /* first chain of the sweep's next block */
    double chain_seconds;         /* seconds per chain of the last slice */
    int64_t *feedback;            /* [n_stats] trainer counts to pool */
    double *eta;                  /* [T] mapped step sizes */
    double *draw_x, *draw_e;      /* rank 0: generator draws */
    int *chain_counts, *chain_displs; /* chains per rank (Scatterv) */
    digs_h5md_group *sets;        /* "generator" group, or NULL */
    int64_t kept_sets;            /* sets kept when continuing the file */
    int draw_status;              /* rank 0: the round's sample set drawn */
    /* pooling points passed since the last meeting: their counts */
    long queued, queue_capacity;
    int64_t *queue_stats;         /* [queue_capacity][n_stats] */
    uint64_t *queue_done;         /* [queue_capacity] their sweeps */
    int64_t *stats_now;           /* [n_stats] scratch */
    /* load balancing: the interval since the last meeting began at
     * interval_t0 with t_chains at interval_chains0 and interval_sweep0;
     * this rank reached the coming meeting at `arrival` */
    double interval_t0, interval_chains0, arrival;
    uint64_t interval_sweep0;
    long balancings, moves;       /* meetings that balanced / moved chains */
    coupled_balance_history history; /* rank 0: the intervals so far */
    /* wall seconds on this rank */
    double t_chains, t_wait, t_output, t_flows;
} coupled;

static int between_meetings(coupled *c);

/* Idle work comes in slices of about SLICE_SECONDS: a waiting rank
 * notices the trainer's messages only between slices, and every
 * collective of an iteration waits for that (about half a slice each, a
 * few per iteration), while each slice costs one MPI_Test (about a
 * microsecond).  The chains per slice follow the measured cost of a
 * chain (about 4 DW-4 or 2 LJ-13 DiGS chains). */
static const double SLICE_SECONDS = 2e-4;

/* The weight of the earlier intervals' sums at each meeting: about the
 * last three intervals count.  Work that comes in some intervals only
 * (sample sets, checkpoints) is averaged over them, while the estimates
 * still follow the ranks' speeds, which drift by 10-25 % within a run on
 * a shared VM (doc/benchmarks.md "Coupled DiGS + DiKL"). */
static const double BALANCE_MEMORY = 0.5;

/* Advance the next block of at most `most` local chains by sweep
 * c->sweep; after the last block the sweep is complete.  Every chain
 * draws from its own streams, so sweeping a block at a time is the same
 * as sweeping them all (samplers/sampler.h). */
static int sweep_slice(coupled *c, int most)
{
    digs_run_state *r = &c->run;
    const digs_chains *all = r->chains;
    double t0 = MPI_Wtime();
    int status = DIGS_OK, off = c->slice_next;
    int n = all->n - off < most ? all->n - off : most;
    if (n > 0) {
        size_t d = (size_t)all->dim, k = (size_t)off;
        digs_chains block = {
            .n = n,
            .first = all->first + off,
            .n_global = all->n_global,
            .dim = all->dim,
            .x = all->x + k * d,
            .energy = all->energy + k,
            .grad = all->grad + k * d,
            .state_size = all->state_size,
            .state = all->state ? all->state + k * (size_t)all->state_size
                                : NULL,
            .accepted = all->accepted + k,
            .proposed = all->proposed + k,
        };
        status = r->sampler->ops->sweep(r->sampler, &block, c->sweep);
    }
    double t1 = MPI_Wtime();
    c->t_chains += t1 - t0;
    c->slice_next = off + n;
    int completed = c->slice_next >= all->n;
    if (n > 0)
        c->chain_seconds = (t1 - t0) / n;
    if (completed) {
        c->slice_next = 0;
        c->sweep++;
    }
    if (completed && c->sweep == c->quota)
        c->arrival = t1; /* all of this rank's sweeps for the meeting */
    if (status == DIGS_OK && completed)
        status = between_meetings(c);
    return status;
}

/* Complete the current sweep of this rank's chains. */
static int sweep_once(coupled *c)
{
    uint64_t target = c->sweep + 1;
    int status = DIGS_OK;
    while (status == DIGS_OK && c->sweep < target)
        status = sweep_slice(c, c->run.chains->n > 0 ? c->run.chains->n : 1);
    return status;
}

/* The trainer's idle hook (src/dikl/trainer.h): a slice of sweeping
 * while this rank may still run ahead (c->quota).  Local work only. */
static int idle_sweep(void *ctx)
{
    coupled *c = ctx;
    if (c->sweep >= c->quota)
        return 0;
    int most = c->chain_seconds > 0
                   ? (int)fmax(1, fmin(SLICE_SECONDS / c->chain_seconds
                                           + 0.5, 64))
                   : 1;
    int status = sweep_slice(c, most);
    return status == DIGS_OK ? 1 : -status;
}

/* Every rank at the round end: ranks other than 0 keep sweeping (up to
 * their quota) until rank 0 arrives; waiting is the time not spent
 * sweeping.  A failure of the idle sweeps is agreed on here. */
static int round_barrier(coupled *c)
{
    dikl_idle *idle = &c->trainer->idle;
    double t0 = MPI_Wtime(), h0 = idle->seconds;
    DIGS_CHECK(dikl_barrier_polite(0, c->comm, idle));
    c->t_wait += MPI_Wtime() - t0 - (idle->seconds - h0);
    return digs_comm_agree_message(c->comm,
                                   dikl_idle_take(idle, c->rank, DIGS_OK));
}

/* ---- set-up ------------------------------------------------------------ */

static int read_deck(coupled *c)
{
    digs_run_state *r = &c->run;
    DIGS_CHECK(digs_run_read(r));
    DIGS_CHECK(dikl_trainer_create(&c->trainer, r->deck, r->pot, c->comm));
    DIGS_CHECK(coupled_config_read(r->deck, &r->cfg, r->sampler,
                                   &c->trainer->cfg, &c->cc));
    DIGS_CHECK(digs_deck_check_unused(r->deck));
    if (strcmp(r->sampler->ops->name, "digs") == 0)
        DIGS_CHECK(digs_sampler_digs_levels(r->sampler, &c->levels));
    /* Frames and pooled statistics taken between meetings wait in the
     * output's buffer: it must hold them all, so that only a meeting
     * writes (writing is collective). */
    long finest = r->cfg.record_every < r->cfg.exchange_every
                      ? r->cfg.record_every
                      : r->cfg.exchange_every;
    long held = c->cc.meet_every / finest + 1;
    if (r->cfg.buffer_records < held)
        r->cfg.buffer_records = held;
    return DIGS_OK;
}

static int allocate(coupled *c)
{
    digs_run_state *r = &c->run;
    DIGS_CHECK(digs_run_place_chains(c->comm, r, c->cc.rank0_share));
    int n_stats = r->sampler->n_stats > 0 ? r->sampler->n_stats : 1;
    DIGS_CALLOC(c->feedback, n_stats);
    DIGS_CALLOC(c->stats_now, n_stats);
    /* points between two meetings, which are at most meet_every apart */
    const digs_run_config *cfg = &r->cfg;
    long exchanges = c->cc.meet_every / cfg->exchange_every + 1;
    long records = c->cc.meet_every / cfg->record_every + 1;
    c->queue_capacity = exchanges;
    DIGS_CALLOC(c->queue_stats, (size_t)exchanges * (size_t)n_stats);
    DIGS_CALLOC(c->queue_done, exchanges);
    DIGS_CALLOC(c->eta, c->trainer->sched.T);
    DIGS_CALLOC(c->chain_counts, c->size);
    DIGS_CALLOC(c->chain_displs, c->size);
    DIGS_CHECK(coupled_balance_history_init(&c->history, c->size,
                                            BALANCE_MEMORY));
    int mine = r->chains->n;
    if (MPI_Allgather(&mine, 1, MPI_INT, c->chain_counts, 1, MPI_INT, c->comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allgather failed");
    for (int k = 1; k < c->size; k++)
        c->chain_displs[k] = c->chain_displs[k - 1] + c->chain_counts[k - 1];
    if (c->cc.reference || c->cc.posterior_pool)
        DIGS_CHECK(coupled_reference_init(&c->ref, r->chains,
                                          c->cc.reference_records, records,
                                          c->chain_counts, c->chain_displs));
    if (c->rank == 0) {
        long n = c->cc.sample_size > r->cfg.chains ? c->cc.sample_size
                                                   : r->cfg.chains;
        DIGS_CALLOC(c->draw_x, (size_t)n * r->pot->dim);
        DIGS_CALLOC(c->draw_e, n);
    }
    return DIGS_OK;
}

static void coupled_free(coupled *c)
{
    coupled_reference_free(&c->ref);
    free(c->feedback);
    free(c->stats_now);
    free(c->queue_stats);
    free(c->queue_done);
    free(c->eta);
    free(c->draw_x);
    free(c->draw_e);
    free(c->chain_counts);
    free(c->chain_displs);
    coupled_balance_history_free(&c->history);
    dikl_trainer_destroy(&c->trainer);
    digs_run_state_free(&c->run);
}

/* ---- the flows at a round end --------------------------------------- */

/* Hand the reference set to the trainer (selection and/or pool). */
static int share_reference(coupled *c)
{
    const coupled_reference *ref = &c->ref;
    if (c->cc.reference)
        DIGS_CHECK(dikl_trainer_set_reference(c->trainer, (int)ref->filled,
                                              ref->x, ref->energy));
    if (c->cc.posterior_pool)
        DIGS_CHECK(dikl_trainer_set_pool(c->trainer, (int)ref->filled,
                                         ref->x));
    return DIGS_OK;
}

/* DiGS's adapted step sizes onto the trainer's steps (coupled_flow.h). */
static int seed_steps(coupled *c)
{
    coupled_map_steps(&c->levels, c->run.sampler->params, &c->trainer->sched,
                      c->eta);
    return dikl_trainer_set_level_steps(c->trainer, c->eta);
}

/* Re-seed every chain from the selected generator: rank 0 draws one
 * sample per chain and scatters them in chain order; the sampler then
 * recomputes its caches.  Any start keeps the chains' target exact
 * (they are MCMC chains for p); doc/coupled.md. */
static int chains_from_generator(coupled *c, long iteration)
{
    digs_run_state *r = &c->run;
    int dim = r->pot->dim, status = DIGS_OK;
    if (c->rank == 0)
        status = coupled_generate(c->trainer, &c->trainer->best_p,
                                  COUPLED_KEY_CHAINS, iteration,
                                  r->cfg.chains, c->draw_x, c->draw_e);
    DIGS_CHECK(digs_comm_agree_message(c->comm, status));
    int counts[c->size], displs[c->size];
    for (int k = 0; k < c->size; k++) {
        counts[k] = c->chain_counts[k] * dim;
        displs[k] = c->chain_displs[k] * dim;
    }
    if (MPI_Scatterv(c->draw_x, counts, displs, MPI_DOUBLE, r->chains->x,
                     r->chains->n * dim, MPI_DOUBLE, 0, c->comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Scatterv failed");
    status = r->chains->n > 0 ? r->sampler->ops->start(r->sampler, r->chains)
                              : DIGS_OK;
    return digs_comm_agree_message(c->comm, status);
}

/* The "generator" particle group: sample_size frames per record, all
 * written by rank 0 (doc/file-formats.md). */
static int add_sample_group(coupled *c)
{
    const digs_potential *p = c->run.pot;
    int particles = p->n_particles > 0;
    digs_h5md_group_spec g = {
        .name = "generator",
        .n_frames = c->cc.sample_size,
        .first_frame = 0,
        .n_local = c->rank == 0 ? (int)c->cc.sample_size : 0,
        .n_particles = particles ? p->n_particles : 1,
        .spatial_dim = particles ? p->spatial_dim : p->dim,
        .length_unit = digs_run_length_unit(p),
        .energy_unit = digs_run_energy_unit(p),
        .buffer_records = 1,
    };
    return digs_h5md_add_group(c->run.out, &g, &c->sets);
}

static int sample_set_due(const coupled *c, long it)
{
    return c->cc.sample_every > 0 && it % c->cc.sample_every == 0;
}

/* Rank 0, before the round barrier (the other ranks sweep meanwhile): one
 * set of sample_size draws of the current generator (stream key
 * COUPLED_KEY_SETS, counter the iteration). */
static void draw_sample_set(coupled *c, long iteration)
{
    double t0 = MPI_Wtime();
    c->draw_status = coupled_generate(
        c->trainer, dikl_trainer_sampled(c->trainer), COUPLED_KEY_SETS,
        iteration, c->cc.sample_size, c->draw_x, c->draw_e);
    c->t_flows += MPI_Wtime() - t0;
}

/* Write the drawn set; time = the trainer's wall seconds over all
 * sessions, for quality-against-time curves.  Collective. */
static int write_sample_set(coupled *c, long iteration, double wall)
{
    DIGS_CHECK(digs_comm_agree_message(c->comm,
                                       c->rank == 0 ? c->draw_status
                                                    : DIGS_OK));
    double t0 = MPI_Wtime();
    int status = digs_h5md_group_append(c->sets, iteration,
                                    c->trainer->wall_offset + wall,
                                    c->draw_x, c->draw_e);
    c->t_output += MPI_Wtime() - t0;
    return status;
}

/* Pool statistics (with the trainer's counts when feedback is on), and
 * seed the trainer's step sizes from the adapted ones. */
static int exchange(coupled *c, uint64_t done)
{
    digs_run_state *r = &c->run;
    digs_sampler *s = r->sampler;
    int adapting = c->levels.n > 0 && c->levels.adaptive
                   && done <= (uint64_t)c->levels.adapt_until;
    if (c->cc.feedback && adapting && c->rank == 0)
        for (int k = 0; k < s->n_stats; k++)
            s->stats[k] += c->feedback[k];
    memset(c->feedback, 0, sizeof(int64_t) * (size_t)s->n_stats);
    double t0 = MPI_Wtime();
    DIGS_CHECK(digs_run_exchange(c->comm, r, done));
    double t1 = MPI_Wtime();
    r->t_exchange += t1 - t0;
    DIGS_CHECK(digs_run_log_exchange(r, done));
    r->t_output += MPI_Wtime() - t1;
    if (c->cc.step_sizes && adapting)
        DIGS_CHECK(seed_steps(c));
    return DIGS_OK;
}

/* Does pooling after `done` sweeps still change the step sizes? */
static int adapting_at(const coupled *c, uint64_t done)
{
    return c->levels.n > 0 && c->levels.adaptive
           && done <= (uint64_t)c->levels.adapt_until;
}

/* Is the end of iteration `it` a meeting (see the top of the file)?  Only
 * there must every rank have done exactly it·K sweeps. */
static int meeting(const coupled *c, long it)
{
    const digs_run_config *cfg = &c->run.cfg;
    uint64_t done = (uint64_t)it * (uint64_t)c->cc.sweeps_per_iteration;
    return done % (uint64_t)c->cc.meet_every == 0
           || (done % (uint64_t)cfg->exchange_every == 0 && adapting_at(c, done))
           || digs_run_checkpoint_due(cfg, done) || done >= cfg->sweeps
           || c->cc.chains_from_generator == it;
}

/* The sweep count a rank may reach before the next meeting after
 * iteration `it` (what the idle hook works towards). */
static uint64_t next_meeting(const coupled *c, long it)
{
    long last = c->trainer->cfg.iterations;
    long k = it + 1;
    while (k < last && !meeting(c, k))
        k++;
    return (uint64_t)k * (uint64_t)c->cc.sweeps_per_iteration;
}

/* After each completed sweep, on this rank alone: a record or pooling
 * point that is not a meeting is taken locally now (the frame into the
 * output buffer, which allocate() sized so that it does not write; the
 * states into the reference stash; the counts into the queue) and
 * finished at the next meeting.  No collectives: the idle hook runs it. */
static int between_meetings(coupled *c)
{
    digs_run_state *r = &c->run;
    const digs_run_config *cfg = &r->cfg;
    uint64_t done = c->sweep, K = (uint64_t)c->cc.sweeps_per_iteration;
    if (done % K != 0 || meeting(c, (long)(done / K)))
        return DIGS_OK;
    double t0 = MPI_Wtime();
    digs_sampler *s = r->sampler;
    if (done % (uint64_t)cfg->exchange_every == 0) {
        if (c->queued >= c->queue_capacity)
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "more pooling points than expected between "
                             "meetings (%ld)",
                             c->queue_capacity);
        memcpy(c->queue_stats + (size_t)c->queued * (size_t)s->n_stats,
               s->stats, sizeof(int64_t) * (size_t)s->n_stats);
        c->queue_done[c->queued++] = done;
        memset(s->stats, 0, sizeof(int64_t) * (size_t)s->n_stats);
    }
    if (done % (uint64_t)cfg->record_every == 0) {
        DIGS_CHECK(digs_run_record(r, done));
        if (c->cc.reference || c->cc.posterior_pool)
            DIGS_CHECK(coupled_reference_stash(&c->ref, r->chains));
    }
    c->t_output += MPI_Wtime() - t0;
    return DIGS_OK;
}

/* At a meeting: pool the queued counts, oldest first, as each pooling
 * point would have; the counts since the last point are set aside
 * meanwhile.  The step sizes no longer adapt there (adapting points are
 * meetings), so pooling late changes nothing but the time it happens. */
static int pool_queued(coupled *c)
{
    digs_sampler *s = c->run.sampler;
    size_t bytes = sizeof(int64_t) * (size_t)s->n_stats;
    if (c->queued == 0)
        return DIGS_OK;
    memcpy(c->stats_now, s->stats, bytes);
    for (long k = 0; k < c->queued; k++) {
        memcpy(s->stats, c->queue_stats + (size_t)k * (size_t)s->n_stats,
               bytes);
        DIGS_CHECK(exchange(c, c->queue_done[k]));
    }
    memcpy(s->stats, c->stats_now, bytes);
    c->queued = 0;
    return DIGS_OK;
}

/* The round-end work that does not touch the chains: generator sample
 * sets, and the model file when no chain checkpoint carries it. */
static int round_end_samples(coupled *c, long it, double wall)
{
    if (sample_set_due(c, it)) {
        double t0 = MPI_Wtime();
        DIGS_CHECK(write_sample_set(c, it, wall));
        c->t_flows += MPI_Wtime() - t0;
    }
    return DIGS_OK;
}

/* Rank 0 writes the model file; every rank agrees on the outcome. */
static int save_model(coupled *c)
{
    double t0 = MPI_Wtime();
    int status = digs_comm_agree_message(
        c->comm, dikl_trainer_save(c->trainer, digs_deck_text(c->run.deck)));
    c->t_output += MPI_Wtime() - t0;
    return status;
}

static int round_end_trainer(coupled *c, long it, double wall)
{
    DIGS_CHECK(round_end_samples(c, it, wall));
    if (!c->run.cfg.checkpoint
        && (it % c->trainer->cfg.checkpoint_every == 0
            || it == c->trainer->cfg.iterations))
        DIGS_CHECK(save_model(c));
    return DIGS_OK;
}

static int round_end(coupled *c, double wall)
{
    digs_run_state *r = &c->run;
    const digs_run_config *cfg = &r->cfg;
    long it = c->trainer->iteration;
    uint64_t done = (uint64_t)it * (uint64_t)c->cc.sweeps_per_iteration;
    if (!meeting(c, it))
        return round_end_trainer(c, it, wall);
    double t0 = MPI_Wtime();
    DIGS_CHECK(pool_queued(c));
    if (c->cc.feedback) {
        const int64_t *acc, *prop;
        dikl_trainer_level_counts(c->trainer, &acc, &prop);
        coupled_feedback_counts(&c->levels, &c->trainer->sched, acc, prop,
                                c->feedback);
    }
    if (done % (uint64_t)cfg->exchange_every == 0 || done == cfg->sweeps)
        DIGS_CHECK(exchange(c, done));
    int record = done % (uint64_t)cfg->record_every == 0;
    if (record) {
        double t1 = MPI_Wtime();
        DIGS_CHECK(digs_run_record(r, done));
        r->t_output += MPI_Wtime() - t1;
    }
    if (c->cc.reference || c->cc.posterior_pool) {
        if (record)
            DIGS_CHECK(coupled_reference_stash(&c->ref, r->chains));
        if (c->ref.stashed > 0) {
            DIGS_CHECK(coupled_reference_gather_stash(&c->ref, c->comm));
            DIGS_CHECK(share_reference(c));
        }
    }
    if (c->cc.chains_from_generator == it)
        DIGS_CHECK(chains_from_generator(c, it));
    c->t_flows += MPI_Wtime() - t0;
    if (digs_run_checkpoint_due(cfg, done)) {
        DIGS_CHECK(digs_run_checkpoint(c->comm, r, done));
        DIGS_CHECK(save_model(c));
        return round_end_samples(c, it, wall);
    }
    double t1 = MPI_Wtime();
    DIGS_CHECK(digs_h5md_flush(r->out)); /* what waited since the last */
    r->t_output += MPI_Wtime() - t1;
    return round_end_trainer(c, it, wall);
}

/* ---- load balancing at meetings (coupled_balance.h) ------------------ */

/* At a meeting before the last: rank 0 gathers every rank's arrival and
 * sweeping seconds since the previous meeting, adds them to the
 * discounted sums (not the session's first interval, which only the
 * start-up follows: no move then), and decides the chains per rank
 * (with DIGS_BALANCE_TEST set in its environment, a fixed pattern of
 * moves instead, for the tests); then the chains move.  Counted as
 * exchange, i.e. as coupling loss. */
static int balance(coupled *c)
{
    double t0 = MPI_Wtime();
    int size = c->size;
    double mine[2] = {c->arrival - c->interval_t0,
                      c->t_chains - c->interval_chains0};
    double all[2 * size], arrival[size], chain_s[size];
    int next[size + 1]; /* the counts, and whether they changed */
    if (MPI_Gather(mine, 2, MPI_DOUBLE, all, 2, MPI_DOUBLE, 0, c->comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Gather failed");
    if (c->rank == 0) {
        double other[size], cost[size];
        for (int k = 0; k < size; k++) {
            arrival[k] = all[2 * k];
            chain_s[k] = all[2 * k + 1];
        }
        /* a session's first interval carries its start-up (LJ-13:
         * rank 1 13-25 % slower than later) and is not used */
        if (c->balancings > 0)
            coupled_balance_history_add(
                &c->history, c->chain_counts,
                (double)(c->sweep - c->interval_sweep0), arrival, chain_s);
        coupled_balance_history_rates(&c->history, other, cost);
        if (getenv("DIGS_BALANCE_DEBUG"))
            for (int k = 0; k < size; k++)
                fprintf(stderr,
                        "balance %ld rank %d: %d chains, arrived %.3f s, "
                        "swept %.3f s; other %.4g s/sweep, %.4g s/chain-sweep\n",
                        c->balancings, k, c->chain_counts[k], arrival[k],
                        chain_s[k], other[k], cost[k]);
        const char *test = getenv("DIGS_BALANCE_TEST");
        next[size] = test && *test
                         ? coupled_balance_test_moves(size, c->chain_counts,
                                                      c->balancings, next)
                         : coupled_balance_counts(size, c->chain_counts, other,
                                                  cost, 0, next);
    }
    if (MPI_Bcast(next, size + 1, MPI_INT, 0, c->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    c->balancings++;
    int status = DIGS_OK;
    if (next[size]) {
        int keep = c->cc.reference || c->cc.posterior_pool;
        status = coupled_move_chains(c->comm, &c->run, keep ? &c->ref : NULL,
                                     c->chain_counts, c->chain_displs, next);
        c->moves++;
    }
    double t1 = MPI_Wtime();
    c->t_flows += t1 - t0;
    c->interval_t0 = t1;
    c->interval_chains0 = c->t_chains;
    c->interval_sweep0 = c->sweep;
    return status;
}

/* ---- progress and summary ------------------------------------------- */

static void progress_line(const coupled *c, double elapsed, long first)
{
    const dikl_trainer *t = c->trainer;
    long done = t->iteration - first, total = t->cfg.iterations;
    double per = done > 0 ? elapsed / done : 0;
    printf("[%5.1f%%] it %ld/%ld sweep %" PRIu64 "  L_score %.4g  L_gen %+.4g"
           "  post acc %.3f",
           100.0 * t->iteration / total, t->iteration, total, c->sweep,
           t->loss_score, t->loss_gen, t->acceptance);
    if (!isnan(t->metric))
        printf("  metric %.4g (best %.4g @ %ld)", t->metric, t->best_metric,
               t->best_iteration);
    const digs_sampler *s = c->run.sampler;
    int n = s->n_stats / 2;
    if (n > 0) {
        printf("  chains acc");
        for (int l = 0; l < n; l++)
            printf(" %.2f", c->run.acceptance[l]);
    }
    printf("  %.3g s/it  ETA %.0f s\n", per,
           per * (double)(total - t->iteration));
    fflush(stdout);
}

/* Per-rank time split printed by rank 0; the coupling loss is waiting
 * plus the round-end flows and exchanges. */
static void summary(const coupled *c, double seconds, long first)
{
    const dikl_trainer *t = c->trainer;
    const digs_run_state *r = &c->run;
    enum { N = 8 };
    double mine[N] = {c->t_chains,
                      t->time.net,
                      t->time.posterior + t->time.select,
                      t->time.wait + c->t_wait,
                      c->t_flows + r->t_exchange,
                      c->t_output + r->t_output + r->t_checkpoint + t->time.io,
                      seconds,
                      c->t_wait};
    double all[N * c->size];
    MPI_Gather(mine, N, MPI_DOUBLE, all, N, MPI_DOUBLE, 0, c->comm);
    if (c->rank != 0)
        return;
    printf("digs run: %ld coupled iterations (%s chains: %ld, %" PRIu64
           " sweeps; DiKL %s networks) in %.2f s on %d rank%s\n",
           t->iteration - first, r->sampler->ops->name, r->cfg.chains,
           c->sweep, t->cfg.generator.kind == DIKL_NET_EGNN ? "EGNN" : "MLP",
           seconds, c->size, c->size > 1 ? "s" : "");
    printf("  model %s (selected iteration %ld, metric %.4g); trajectory %s\n",
           t->cfg.model_path, t->best_iteration, t->best_metric,
           r->cfg.trajectory);
    double worst = 0;
    for (int k = 0; k < c->size; k++) {
        const double *v = all + N * k;
        double pct = v[6] > 0 ? 100 / v[6] : 0;
        printf("  rank %d time: chains %.1f %%, networks %.1f %%, posterior "
               "%.1f %%, waiting %.1f %% (%.1f %% at round ends and "
               "meetings), exchange %.1f %%, output %.1f %%\n",
               k, v[0] * pct, v[1] * pct, v[2] * pct, v[3] * pct, v[7] * pct,
               v[4] * pct, v[5] * pct);
        double loss = (v[3] + v[4]) * pct;
        worst = loss > worst ? loss : worst;
    }
    printf("  coupling loss (waiting + exchange), worst rank: %.1f %% of "
           "the run\n",
           worst);
    if (c->cc.balance && c->size > 1) {
        printf("  chains per rank at the end:");
        for (int k = 0; k < c->size; k++)
            printf(" %d", c->chain_counts[k]);
        printf(" (moved at %ld of %ld meetings)\n", c->moves, c->balancings);
    }
    fflush(stdout);
}

/* ---- the job -------------------------------------------------------- */

/* After a restart: the reference set as it was at the checkpoint, read
 * back from the trajectory's last reference_records records before the
 * checkpoint's (rank 0 reads, every rank receives).  Every record added a
 * record to the set, so this is the uninterrupted run's set. */
static int refill_reference(coupled *c)
{
    coupled_reference *ref = &c->ref;
    const digs_run_state *r = &c->run;
    long N = ref->n_chains, records = (long)r->resumed.records;
    long keep = ref->capacity / N;
    long k0 = records > keep ? records - keep : 0, rows = (records - k0) * N;
    int status = DIGS_OK;
    if (c->rank == 0) {
        digs_h5md_reader *in = NULL;
        double *e = NULL;
        long n = 0;
        status = digs_h5md_reader_open(r->cfg.trajectory, &in);
        if (status == DIGS_OK)
            status = digs_h5md_read_positions(in, r->cfg.group, k0 * N, rows,
                                              ref->x);
        if (status == DIGS_OK)
            status = digs_h5md_read_observable(in, "potential_energy", &n, &e);
        if (status == DIGS_OK && n < records * N)
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s: %ld energies, expected at least %ld",
                               r->cfg.trajectory, n, records * N);
        if (status == DIGS_OK)
            memcpy(ref->energy, e + k0 * N, (size_t)rows * sizeof *e);
        free(e);
        digs_h5md_reader_close(&in);
    }
    DIGS_CHECK(digs_comm_agree_message(c->comm, status));
    if (MPI_Bcast(ref->x, (int)(rows * ref->dim), MPI_DOUBLE, 0, c->comm)
            != MPI_SUCCESS
        || MPI_Bcast(ref->energy, (int)rows, MPI_DOUBLE, 0, c->comm)
               != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    ref->filled = rows;
    ref->next = rows % ref->capacity;
    return DIGS_OK;
}

/* Chains (fresh or from the checkpoint), trajectory, and the trainer's
 * state when the run continues. */
static int prepare(coupled *c, const digs_run_options *opt)
{
    digs_run_state *r = &c->run;
    DIGS_CHECK(digs_run_start_chains(c->comm, r, opt, 1));
    if (r->restarted && (c->cc.reference || c->cc.posterior_pool))
        DIGS_CHECK(digs_report_collective(c->comm, refill_reference(c)));
    /* the generator sets a continued file keeps: one per sample_every
     * iterations up to the checkpoint's iteration */
    static const char *const group_names[] = {"generator"};
    long K = c->cc.sweeps_per_iteration;
    if (c->cc.sample_every > 0) {
        c->kept_sets = (int64_t)(r->first_sweep / (uint64_t)K)
                       / c->cc.sample_every;
        r->n_groups = 1;
        r->groups = group_names;
        r->group_records = &c->kept_sets;
    }
    DIGS_CHECK(digs_report_collective(c->comm,
                                      digs_run_open_output(c->comm, r, opt)));
    if (c->cc.sample_every > 0)
        DIGS_CHECK(digs_report_collective(c->comm, add_sample_group(c)));
    c->sweep = r->first_sweep;
    int restart = opt->restart || r->cfg.restart;
    if (restart && digs_dikl_model_on_disk(c->comm, c->trainer->cfg.model_path))
        DIGS_CHECK(digs_report_collective(c->comm,
                                          dikl_trainer_resume(c->trainer)));
    int status = DIGS_OK;
    if ((uint64_t)c->trainer->iteration * (uint64_t)K != r->first_sweep)
        status = DIGS_FAIL(
            DIGS_ERR_INPUT,
            "%s: the model %s is at iteration %ld but the chains' checkpoint "
            "%s is at sweep %" PRIu64 " (%ld sweeps per iteration); they "
            "must come from the same round end",
            digs_deck_filename(r->deck), c->trainer->cfg.model_path,
            c->trainer->iteration, r->cfg.checkpoint ? r->cfg.checkpoint : "-",
            r->first_sweep, K);
    DIGS_CHECK(digs_report_collective(c->comm, status));
    if (r->restarted && (c->cc.reference || c->cc.posterior_pool))
        DIGS_CHECK(digs_report_collective(c->comm, share_reference(c)));
    return DIGS_OK;
}

int digs_run_coupled(MPI_Comm comm, digs_deck *deck,
                     const digs_run_options *opt)
{
    coupled c;
    memset(&c, 0, sizeof c);
    c.comm = comm;
    MPI_Comm_rank(comm, &c.rank);
    MPI_Comm_size(comm, &c.size);
    c.run.deck = deck;
    int status = digs_report_collective(comm, read_deck(&c));
    if (status == DIGS_OK)
        status = digs_report_collective(comm, allocate(&c));
    if (opt->check || status != DIGS_OK) {
        if (status == DIGS_OK && c.rank == 0)
            printf("%s: ok\n", digs_deck_filename(deck));
        c.run.deck = NULL; /* the caller's */
        coupled_free(&c);
        return status == DIGS_OK ? 0 : 1;
    }
    status = prepare(&c, opt);
    dikl_trainer *t = c.trainer;
    dikl_trainer_set_idle(t, idle_sweep, &c);
    long first = t->iteration;
    long K = c.cc.sweeps_per_iteration;
    double t0 = MPI_Wtime();
    c.interval_t0 = t0;
    c.interval_chains0 = c.t_chains;
    c.interval_sweep0 = c.sweep;
    while (status == DIGS_OK && t->iteration < t->cfg.iterations) {
        long it = t->iteration;
        c.quota = next_meeting(&c, it);
        status = digs_report_collective(
            comm, dikl_trainer_iteration(t, MPI_Wtime() - t0));
        /* rank 0 keeps pace round by round; every rank completes the
         * sweeps due at a meeting */
        uint64_t due = c.rank == 0 || meeting(&c, it + 1)
                           ? (uint64_t)(it + 1) * (uint64_t)K
                           : 0;
        while (status == DIGS_OK && c.sweep < due)
            if ((status = sweep_once(&c)) != DIGS_OK)
                digs_report_abort_local(comm, status);
        if (status == DIGS_OK && c.rank == 0 && sample_set_due(&c, it + 1))
            draw_sample_set(&c, it + 1);
        if (c.rank == 0) /* its part of the round is done */
            c.arrival = MPI_Wtime();
        if (status == DIGS_OK)
            status = digs_report_collective(comm, round_barrier(&c));
        if (status == DIGS_OK)
            status = digs_report_collective(comm,
                                            round_end(&c, MPI_Wtime() - t0));
        if (status == DIGS_OK && c.cc.balance && c.size > 1
            && meeting(&c, t->iteration) && t->iteration < t->cfg.iterations)
            status = digs_report_collective(comm, balance(&c));
        if (status == DIGS_OK && c.rank == 0 && !opt->quiet
            && (t->iteration % t->cfg.progress_every == 0
                || t->iteration == t->cfg.iterations))
            progress_line(&c, MPI_Wtime() - t0, first);
    }
    if (status == DIGS_OK)
        status = digs_report_collective(comm, digs_run_write_cost(comm, &c.run));
    if (status == DIGS_OK)
        status = digs_report_collective(comm, digs_h5md_flush(c.run.out));
    if (status == DIGS_OK && !opt->quiet)
        summary(&c, MPI_Wtime() - t0, first);
    int closed = digs_report_collective(comm, digs_h5md_close(&c.run.out));
    c.run.deck = NULL;
    coupled_free(&c);
    return status == DIGS_OK && closed == DIGS_OK ? 0 : 1;
}
