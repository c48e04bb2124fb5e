/* DiKL trainer: construction, checkpoint and restart (src/dikl/trainer.h).
 * The iteration itself is in train_step.c, model selection in
 * selection.c. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/generator_phase.h"
#include "dikl/score_phase.h"
#include "dikl/trainer.h"
#include "nn/init.h"
#include "parallel/comm.h"
#include "potentials/lj13.h"
#include "potentials/mog40.h"

/* Network ids of the initialisation streams (src/nn/init.h). */
enum { NET_GENERATOR = 0, NET_SCORE = 1 };

int dikl_trainer_generator_net(const dikl_trainer *t, dikl_net *net,
                               nn_params *p)
{
    digs_stream rng;
    nn_init_stream(&rng, t->cfg.seed, NET_GENERATOR);
    return dikl_net_create(net, p, "generator", &t->cfg.generator,
                           t->pot->dim, t->pot->n_particles,
                           t->pot->spatial_dim, 0, 0, &rng);
}

static int create_networks(dikl_trainer *t)
{
    const digs_potential *pot = t->pot;
    digs_stream rng;
    nn_params_init(&t->gen_p);
    nn_params_init(&t->score_p);
    nn_params_init(&t->best_p);
    DIGS_CHECK(dikl_trainer_generator_net(t, &t->gen, &t->gen_p));
    nn_init_stream(&rng, t->cfg.seed, NET_SCORE);
    DIGS_CHECK(dikl_net_create(&t->score, &t->score_p, "score",
                               &t->cfg.score, pot->dim, pot->n_particles,
                               pot->spatial_dim, 1, t->cfg.T, &rng));
    /* The selected generator: same tensors, values copied on selection. */
    dikl_net best;
    DIGS_CHECK(dikl_trainer_generator_net(t, &best, &t->best_p));
    dikl_net_destroy(&best);
    memcpy(t->best_p.value, t->gen_p.value, t->gen_p.n * sizeof(nn_real));
    if (t->cfg.ema > 0) {
        /* the moving average: same tensors, starting at the initial weights */
        nn_params_init(&t->ema_p);
        dikl_net avg;
        DIGS_CHECK(dikl_trainer_generator_net(t, &avg, &t->ema_p));
        dikl_net_destroy(&avg);
        memcpy(t->ema_p.value, t->gen_p.value, t->gen_p.n * sizeof(nn_real));
    }
    DIGS_CHECK(nn_adam_init(&t->adam_gen, &t->gen_p, t->cfg.lr_generator));
    DIGS_CHECK(nn_adam_init(&t->adam_score, &t->score_p, t->cfg.lr_score));
    return DIGS_OK;
}

static int allocate(dikl_trainer *t)
{
    size_t B = (size_t)t->cfg.batch, d = (size_t)t->dim;
    size_t C = (size_t)t->cfg.check_samples;
    DIGS_CALLOC(t->xt_d, B * d);
    DIGS_CALLOC(t->score_d, B * d);
    DIGS_CALLOC(t->a_d, B);
    DIGS_CALLOC(t->sig_d, B);
    DIGS_CALLOC(t->level, B + (size_t)t->size); /* + the split */
    DIGS_CALLOC(t->element_s, t->size);
    DIGS_CALLOC(t->cx_d, C * d);
    DIGS_CALLOC(t->e_raw, C);
    DIGS_CALLOC(t->e_ref, C);
    DIGS_CALLOC(t->grad_scratch, d);
    size_t T = (size_t)t->cfg.T;
    DIGS_CALLOC(t->eta_level, T);
    DIGS_CALLOC(t->eta_elem, B);
    DIGS_CALLOC(t->level_accepted, T);
    DIGS_CALLOC(t->level_proposed, T);
    DIGS_CALLOC(t->counts, 2 * T + 2);
    if (t->rank != 0 && !dikl_score_parallel(t))
        return DIGS_OK;
    DIGS_CALLOC(t->z, B * d);
    DIGS_CALLOC(t->x, B * d);
    DIGS_CALLOC(t->xt, B * d);
    DIGS_CALLOC(t->eps, B * d);
    DIGS_CALLOC(t->tt, B);
    DIGS_CALLOC(t->s, B * d);
    DIGS_CALLOC(t->dy, B * d);
    DIGS_CALLOC(t->cz, C * d);
    DIGS_CALLOC(t->cx, C * d);
    return DIGS_OK;
}

/* A data-parallel pass's per-chunk gradients [K·n] and losses [K]; the
 * gradients travel in one gather, whose element count is an int. */
static int chunk_buffers(const char *key, int chunks, size_t n,
                         nn_real **grad, double **loss)
{
    size_t K = (size_t)chunks;
    if (K * n > INT_MAX)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "[dikl] %s = %zu: %zu chunks x %zu parameters "
                         "exceed MPI's count limit; use fewer chunks",
                         key, K, K, n);
    DIGS_CALLOC(*grad, K * n);
    DIGS_CALLOC(*loss, K);
    return DIGS_OK;
}

static int build(dikl_trainer *t, digs_deck *deck)
{
    DIGS_CHECK(dikl_config_read(deck, t->pot, &t->cfg));
    DIGS_CHECK(dikl_schedule_init(&t->sched, t->cfg.T, t->cfg.beta_start,
                                  t->cfg.beta_end));
    const digs_potential *stage_a = t->pot, *stage_b = t->pot;
    if (t->cfg.posterior_energy == DIKL_ENERGY_SMOOTHED) {
        DIGS_CHECK(digs_lj13_smoothed(deck, &t->variant));
        stage_b = t->variant;
    } else if (t->cfg.posterior_energy == DIKL_ENERGY_UNGUARDED) {
        DIGS_CHECK(digs_mog40_unguarded(&t->variant));
        stage_a = stage_b = t->variant;
    }
    DIGS_CHECK(dikl_posterior_create(&t->post, &t->cfg.posterior, stage_a,
                                     stage_b));
    t->eta = t->cfg.eta;
    t->best_metric = INFINITY;
    t->best_iteration = 0;
    DIGS_CHECK(allocate(t));
    for (int l = 0; l < t->cfg.T; l++)
        t->eta_level[l] = t->eta;
    if (t->rank == 0 || dikl_score_parallel(t))
        DIGS_CHECK(create_networks(t));
    if (dikl_score_parallel(t))
        DIGS_CHECK(chunk_buffers("score_chunks", t->cfg.score_chunks,
                                 t->score_p.n, &t->chunk_grad,
                                 &t->chunk_loss));
    if (dikl_generator_parallel(t)) {
        DIGS_CHECK(chunk_buffers("generator_chunks", t->cfg.generator_chunks,
                                 t->gen_p.n, &t->gen_chunk_grad,
                                 &t->gen_chunk_loss));
        DIGS_CHECK(dikl_generator_workspaces(t));
    }
    return DIGS_OK;
}

int dikl_trainer_create(dikl_trainer **out, digs_deck *deck,
                        const digs_potential *pot, MPI_Comm comm)
{
    dikl_trainer *t;
    *out = NULL;
    DIGS_CALLOC(t, 1);
    t->pot = pot;
    t->comm = comm;
    t->dim = pot->dim;
    MPI_Comm_rank(comm, &t->rank);
    MPI_Comm_size(comm, &t->size);
    int status = build(t, deck);
    if (status != DIGS_OK) {
        dikl_trainer_destroy(&t);
        return status;
    }
    *out = t;
    return DIGS_OK;
}

void dikl_trainer_destroy(dikl_trainer **tp)
{
    dikl_trainer *t = *tp;
    if (!t)
        return;
    dikl_generator_workspaces_free(t);
    if (t->gen_p.value) {
        dikl_net_destroy(&t->gen);
        dikl_net_destroy(&t->score);
        nn_adam_free(&t->adam_gen);
        nn_adam_free(&t->adam_score);
    }
    nn_params_free(&t->gen_p);
    nn_params_free(&t->score_p);
    nn_params_free(&t->best_p);
    nn_params_free(&t->ema_p);
    dikl_curves_free(&t->curves);
    dikl_posterior_destroy(&t->post);
    digs_potential_destroy(&t->variant);
    dikl_reference_free(&t->ref);
    void *bufs[] = {t->z, t->x, t->xt, t->eps, t->tt, t->s, t->dy, t->xt_d,
                    t->score_d, t->a_d, t->sig_d, t->level, t->cz, t->cx,
                    t->cx_d, t->e_raw, t->e_ref, t->grad_scratch,
                    t->eta_level, t->eta_elem, t->level_accepted,
                    t->level_proposed, t->counts, t->pool, t->element_s,
                    t->chunk_grad, t->chunk_loss, t->gen_chunk_grad,
                    t->gen_chunk_loss};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        free(bufs[i]);
    free(t);
    *tp = NULL;
}

static dikl_model_state model_state(dikl_trainer *t, const char *deck_text)
{
    return (dikl_model_state){
        .deck_text = deck_text,
        .iteration = t->iteration,
        .best_iteration = t->best_iteration,
        .best_metric = t->best_metric,
        .eta = t->eta,
        /* per-level steps only when they are in use: files of runs
         * without them keep their layout */
        .n_levels = t->cfg.step_per_level ? t->cfg.T : 0,
        .eta_level = t->cfg.step_per_level ? t->eta_level : NULL,
        .best = &t->best_p,
        .generator = &t->gen_p,
        .ema = t->cfg.ema > 0 ? &t->ema_p : NULL,
        .score = &t->score_p,
        .adam_generator = &t->adam_gen,
        .adam_score = &t->adam_score,
        .curves = &t->curves,
    };
}

nn_params *dikl_trainer_sampled(dikl_trainer *t)
{
    return t->cfg.ema > 0 ? &t->ema_p : &t->gen_p;
}

int dikl_trainer_save(dikl_trainer *t, const char *deck_text)
{
    if (t->rank != 0)
        return DIGS_OK;
    double t0 = MPI_Wtime();
    dikl_model_state s = model_state(t, deck_text);
    int status = dikl_model_save(t->cfg.model_path, &s);
    t->time.io += MPI_Wtime() - t0;
    return status;
}

int dikl_trainer_resume(dikl_trainer *t)
{
    int status = DIGS_OK;
    double shared[5] = {0};
    if (t->rank == 0) {
        dikl_model_state s = model_state(t, NULL);
        status = dikl_model_load(t->cfg.model_path, &s);
        if (status == DIGS_OK) {
            t->iteration = s.iteration;
            t->best_iteration = s.best_iteration;
            t->best_metric = s.best_metric;
            t->eta = s.eta;
            /* a model of a run without per-level steps: start them all
             * from its η */
            if (t->cfg.step_per_level && !s.has_eta_level)
                for (int l = 0; l < t->cfg.T; l++)
                    t->eta_level[l] = s.eta;
            long n = t->curves.n;
            t->wall_offset = n ? t->curves.col[7][n - 1] : 0;
            shared[0] = (double)t->iteration;
            shared[1] = (double)t->best_iteration;
            shared[2] = t->best_metric;
            shared[3] = t->eta;
            shared[4] = t->wall_offset;
        }
    }
    DIGS_CHECK(digs_comm_agree_message(t->comm, status));
    if (MPI_Bcast(shared, 5, MPI_DOUBLE, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    t->iteration = (long)shared[0];
    t->best_iteration = (long)shared[1];
    t->best_metric = shared[2];
    t->eta = shared[3];
    t->wall_offset = shared[4];
    if (!t->cfg.step_per_level) {
        for (int l = 0; l < t->cfg.T; l++)
            t->eta_level[l] = t->eta;
    } else if (MPI_Bcast(t->eta_level, t->cfg.T, MPI_DOUBLE, 0, t->comm)
               != MPI_SUCCESS) {
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    }
    return dikl_score_share_state(t);
}
