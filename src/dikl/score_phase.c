/* The score phase of a DiKL iteration, serial or data-parallel
 * (src/dikl/score_phase.h). */
#include <math.h>
#include <string.h>

#include "core/status.h"
#include "dikl/score_phase.h"
#include "parallel/comm.h"
#include "parallel/layout.h"

void dikl_draw_latent(dikl_trainer *t, digs_stream *rng, int B)
{
    size_t n = (size_t)B * t->dim;
    for (size_t i = 0; i < n; i++)
        t->z[i] = (nn_real)digs_stream_normal(rng);
    dikl_centre_rows(t->z, B, t->pot->n_particles, t->pot->spatial_dim);
}

void dikl_draw_noise(dikl_trainer *t, digs_stream *rng, int B)
{
    int T = t->sched.T;
    int lo = dikl_lowest_level(t->cfg.level_warmup, t->iteration, T);
    int hi = dikl_highest_level(t->cfg.level_cap, t->cfg.level_cap_from,
                                t->iteration, T);
    /* A soft cap (level_cap_keep): each row keeps every level with
     * probability `keep`.  Its uniform is drawn only while a soft cap
     * applies, so runs without one consume the stream as before. */
    double keep = hi < T - 1 ? t->cfg.level_cap_keep : 0;
    for (int b = 0; b < B; b++) {
        int top = keep > 0 && digs_stream_uniform(rng) < keep ? T - 1 : hi;
        t->level[b] = lo + (int)digs_stream_below(rng, (uint32_t)(top + 1 - lo));
        t->tt[b] = (nn_real)t->level[b];
    }
    size_t n = (size_t)B * t->dim;
    for (size_t i = 0; i < n; i++)
        t->eps[i] = (nn_real)digs_stream_normal(rng);
    dikl_centre_rows(t->eps, B, t->pot->n_particles, t->pot->spatial_dim);
}

void dikl_mix_noise(dikl_trainer *t, int first, int n)
{
    int d = t->dim;
    for (int b = first; b < first + n; b++) {
        nn_real a = (nn_real)t->sched.a[t->level[b]];
        nn_real s = (nn_real)t->sched.sigma[t->level[b]];
        for (int k = 0; k < d; k++) {
            size_t i = (size_t)b * d + k;
            t->xt[i] = a * t->x[i] + s * t->eps[i];
        }
    }
}

void dikl_sum_chunks(nn_real *g, const nn_real *chunks, int K, size_t n)
{
    memcpy(g, chunks, n * sizeof *g);
    for (int c = 1; c < K; c++) {
        const nn_real *gc = chunks + (size_t)c * n;
        for (size_t i = 0; i < n; i++)
            g[i] += gc[i];
    }
}

int dikl_score_parallel(const dikl_trainer *t)
{
    return t->cfg.score_chunks > 1;
}

/* Rows [first, first + n) of step `step`'s batch (already drawn): x =
 * f(z), x_t, s_φ(x_t, t), the summed loss ‖ε + σ s_φ‖² into *loss and
 * dL/ds = 2σ(ε + σ s)/B into dy (the mean over the WHOLE batch, §6.2
 * step 1.2). */
static int chunk_forward(dikl_trainer *t, int first, int n, double *loss)
{
    int B = t->cfg.batch, d = t->dim;
    size_t off = (size_t)first * d;
    DIGS_CHECK(dikl_net_forward(&t->gen, &t->gen_p, t->z + off, NULL,
                                t->x + off, n));
    dikl_centre_rows(t->x + off, n, t->pot->n_particles, t->pot->spatial_dim);
    dikl_mix_noise(t, first, n);
    DIGS_CHECK(dikl_net_forward(&t->score, &t->score_p, t->xt + off,
                                t->tt + first, t->s + off, n));
    double sum = 0;
    for (int b = first; b < first + n; b++) {
        nn_real sig = (nn_real)t->sched.sigma[t->level[b]];
        for (int k = 0; k < d; k++) {
            size_t i = (size_t)b * d + k;
            nn_real r = t->eps[i] + sig * t->s[i];
            sum += (double)r * r;
            t->dy[i] = 2 * sig * r / (nn_real)B;
        }
    }
    *loss = sum;
    return DIGS_OK;
}

/* Score step `step`'s z, levels and ε for the whole batch, from its own
 * stream (every rank draws all of them). */
static void draw_step(dikl_trainer *t, int step)
{
    digs_stream rng;
    digs_stream_init(&rng, t->cfg.seed, DIKL_KEY_TRAIN, (uint64_t)t->iteration,
                     DIGS_RNG_DIKL, DIKL_SUB_SCORE + (uint32_t)step);
    dikl_draw_latent(t, &rng, t->cfg.batch);
    dikl_draw_noise(t, &rng, t->cfg.batch);
}

/* One Adam step on L_DSM = mean_b ‖ε + σ s_φ‖², the whole batch on rank 0
 * (§6.2 step 1.2); the mean loss into *loss. */
static int serial_step(dikl_trainer *t, int step, double *loss)
{
    int B = t->cfg.batch;
    draw_step(t, step);
    double sum;
    DIGS_CHECK(chunk_forward(t, 0, B, &sum));
    *loss = sum / B;
    if (!isfinite(*loss))
        return DIGS_OK; /* no step on a non-finite loss */
    nn_params_zero_grad(&t->score_p);
    dikl_net_backward(&t->score, &t->score_p, t->dy);
    return nn_adam_step(&t->adam_score, &t->score_p);
}

/* The same step with the batch in score_chunks chunks over the ranks:
 * this rank's chunks' gradients into its slots of chunk_grad, gathered,
 * summed in chunk order (so independent of the rank count). */
static int parallel_step(dikl_trainer *t, int step, double *loss)
{
    int B = t->cfg.batch, K = t->cfg.score_chunks;
    size_t np = t->score_p.n;
    draw_step(t, step);
    long c0;
    int nc;
    digs_layout_block(K, t->size, t->rank, &c0, &nc);
    int status = DIGS_OK;
    for (int c = (int)c0; c < c0 + nc && status == DIGS_OK; c++) {
        long first;
        int n;
        digs_layout_block(B, K, c, &first, &n);
        status = chunk_forward(t, (int)first, n, &t->chunk_loss[c]);
        if (status != DIGS_OK)
            break;
        nn_params_zero_grad(&t->score_p);
        dikl_net_backward(&t->score, &t->score_p,
                          t->dy + (size_t)first * t->dim);
        memcpy(t->chunk_grad + (size_t)c * np, t->score_p.grad,
               np * sizeof(nn_real));
    }
    DIGS_CHECK(digs_comm_agree_message(t->comm, status));
    int counts[t->size], displs[t->size], lcounts[t->size], ldispls[t->size];
    for (int r = 0; r < t->size; r++) {
        long f;
        digs_layout_block(K, t->size, r, &f, &lcounts[r]);
        ldispls[r] = (int)f;
        counts[r] = lcounts[r] * (int)np;
        displs[r] = (int)f * (int)np;
    }
    if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, t->chunk_loss,
                       lcounts, ldispls, MPI_DOUBLE, t->comm) != MPI_SUCCESS
        || MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, t->chunk_grad,
                          counts, displs, MPI_FLOAT, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allgatherv failed");
    double sum = 0;
    for (int c = 0; c < K; c++)
        sum += t->chunk_loss[c];
    *loss = sum / B;
    if (!isfinite(*loss))
        return DIGS_OK; /* every rank sees the same loss: no step anywhere */
    dikl_sum_chunks(t->score_p.grad, t->chunk_grad, K, np);
    return nn_adam_step(&t->adam_score, &t->score_p);
}

int dikl_score_phase(dikl_trainer *t)
{
    int parallel = dikl_score_parallel(t);
    if (!parallel && t->rank != 0)
        return DIGS_OK;
    double sum = 0;
    for (int s = 0; s < t->cfg.score_steps; s++) {
        double l = 0;
        DIGS_CHECK(parallel ? parallel_step(t, s, &l) : serial_step(t, s, &l));
        sum += l;
    }
    t->loss_score = t->cfg.score_steps ? sum / t->cfg.score_steps : NAN;
    return DIGS_OK;
}

static int bcast_floats(dikl_trainer *t, nn_real *v, size_t n)
{
    if (MPI_Bcast(v, (int)n, MPI_FLOAT, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    return DIGS_OK;
}

int dikl_score_share_state(dikl_trainer *t)
{
    if (!dikl_score_parallel(t) || t->size == 1)
        return DIGS_OK;
    DIGS_CHECK(bcast_floats(t, t->gen_p.value, t->gen_p.n));
    DIGS_CHECK(bcast_floats(t, t->score_p.value, t->score_p.n));
    DIGS_CHECK(bcast_floats(t, t->adam_score.m, t->adam_score.n));
    DIGS_CHECK(bcast_floats(t, t->adam_score.v, t->adam_score.n));
    if (MPI_Bcast(&t->adam_score.step, 1, MPI_LONG, 0, t->comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    return DIGS_OK;
}

int dikl_score_share_generator(dikl_trainer *t)
{
    if (!dikl_score_parallel(t) || t->size == 1)
        return DIGS_OK;
    return bcast_floats(t, t->gen_p.value, t->gen_p.n);
}
