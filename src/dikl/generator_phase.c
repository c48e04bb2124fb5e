/* The generator pass of a DiKL iteration, serial or split over the ranks
 * (src/dikl/generator_phase.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dikl/generator_phase.h"
#include "dikl/score_phase.h"
#include "parallel/comm.h"
#include "parallel/layout.h"

int dikl_generator_parallel(const dikl_trainer *t)
{
    return t->cfg.generator_chunks > 1;
}

/* Chunks [*c0, *c0 + *nc) of rank r. */
static void rank_chunks(const dikl_trainer *t, int r, long *c0, int *nc)
{
    digs_layout_block(t->cfg.generator_chunks, t->size, r, c0, nc);
}

/* Rows [*first, *first + *n) of chunk c. */
static void chunk_rows(const dikl_trainer *t, long c, long *first, int *n)
{
    digs_layout_block(t->cfg.batch, t->cfg.generator_chunks, (int)c, first,
                      n);
}

/* The network holding the forward of this rank's j-th chunk. */
static dikl_net *chunk_net(dikl_trainer *t, int j)
{
    return j == 0 ? &t->gen : &t->gen_ws[j - 1];
}

int dikl_generator_workspaces(dikl_trainer *t)
{
    long c0;
    int nc;
    if (!dikl_generator_parallel(t))
        return DIGS_OK;
    rank_chunks(t, t->rank, &c0, &nc);
    if (nc < 2)
        return DIGS_OK;
    DIGS_CALLOC(t->gen_ws, nc - 1);
    for (int j = 0; j < nc - 1; j++) {
        /* Registered in a scratch table, which is dropped: a network keeps
         * offsets into its table, and t->gen_p, which every pass is given,
         * was laid out by the same function. */
        nn_params scratch;
        nn_params_init(&scratch);
        int status = dikl_trainer_generator_net(t, &t->gen_ws[j], &scratch);
        nn_params_free(&scratch);
        DIGS_CHECK(status);
        t->n_gen_ws = j + 1;
    }
    return DIGS_OK;
}

void dikl_generator_workspaces_free(dikl_trainer *t)
{
    for (int j = 0; j < t->n_gen_ws; j++)
        dikl_net_destroy(&t->gen_ws[j]);
    free(t->gen_ws);
    t->gen_ws = NULL;
    t->n_gen_ws = 0;
}

/* Rank 0: x_t in double for the posterior, re-centred (the float rows
 * are centred only to round-off). */
static void posterior_batch(dikl_trainer *t)
{
    int B = t->cfg.batch, d = t->dim;
    for (size_t i = 0; i < (size_t)B * d; i++)
        t->xt_d[i] = t->xt[i];
    for (int b = 0; b < B; b++)
        digs_potential_centre(t->pot, t->xt_d + (size_t)b * d);
}

/* MPI counts and displacements of each rank's block of chunks, in
 * entries: `per` entries per row (by_rows) or per chunk. */
static void rank_layout(const dikl_trainer *t, int by_rows, size_t per,
                        int *counts, int *displs)
{
    for (int r = 0; r < t->size; r++) {
        long c0, first, last_first;
        int nc, n;
        rank_chunks(t, r, &c0, &nc);
        if (!by_rows) {
            counts[r] = nc * (int)per;
            displs[r] = (int)c0 * (int)per;
            continue;
        }
        if (nc == 0) {
            counts[r] = displs[r] = 0;
            continue;
        }
        chunk_rows(t, c0, &first, &n);
        chunk_rows(t, c0 + nc - 1, &last_first, &n);
        counts[r] = (int)(last_first + n - first) * (int)per;
        displs[r] = (int)first * (int)per;
    }
}

int dikl_generator_forward(dikl_trainer *t)
{
    int B = t->cfg.batch, d = t->dim;
    digs_stream rng;
    digs_stream_init(&rng, t->cfg.seed, DIKL_KEY_TRAIN, (uint64_t)t->iteration,
                     DIGS_RNG_DIKL, DIKL_SUB_GENERATOR);
    dikl_draw_latent(t, &rng, B);
    if (!dikl_generator_parallel(t)) {
        DIGS_CHECK(dikl_net_forward(&t->gen, &t->gen_p, t->z, NULL, t->x, B));
        dikl_draw_noise(t, &rng, B);
        dikl_mix_noise(t, 0, B);
        posterior_batch(t);
        return DIGS_OK;
    }
    dikl_draw_noise(t, &rng, B); /* the forward draws nothing */
    long c0;
    int nc, status = DIGS_OK;
    rank_chunks(t, t->rank, &c0, &nc);
    for (int j = 0; j < nc && status == DIGS_OK; j++) {
        long first;
        int n;
        chunk_rows(t, c0 + j, &first, &n);
        size_t off = (size_t)first * d;
        status = dikl_net_forward(chunk_net(t, j), &t->gen_p, t->z + off,
                                  NULL, t->x + off, n);
        if (status == DIGS_OK)
            dikl_mix_noise(t, (int)first, n);
    }
    DIGS_CHECK(digs_comm_agree_message(t->comm, status));
    int counts[t->size], displs[t->size];
    rank_layout(t, 1, (size_t)d, counts, displs);
    int root = t->rank == 0;
    void *send = root ? MPI_IN_PLACE : t->xt + displs[t->rank];
    if (MPI_Gatherv(send, counts[t->rank], MPI_FLOAT, t->xt, counts, displs,
                    MPI_FLOAT, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Gatherv failed");
    if (root)
        posterior_batch(t);
    return DIGS_OK;
}

/* Rows [first, first + n), s_φ(x_t) already in t->s: dL/dx_t = w a
 * (s_φ − ŝ_d)/B into t->dy (§6.1; with w = 1/a the factor a cancels) and
 * the surrogate loss Σ_b Σ_k w (s_φ − ŝ_d) x_t of the rows returned. */
static double surrogate_rows(dikl_trainer *t, int first, int n)
{
    int B = t->cfg.batch, d = t->dim;
    double loss = 0;
    for (int b = first; b < first + n; b++) {
        double a = t->sched.a[t->level[b]];
        double w = t->cfg.weight_inv_a ? 1 / a : 1;
        for (int k = 0; k < d; k++) {
            size_t i = (size_t)b * d + k;
            double diff = (double)t->s[i] - t->score_d[i];
            loss += w * diff * t->xt[i];
            t->dy[i] = (nn_real)(w * a * diff / B);
        }
    }
    return loss;
}

static int serial_gradient(dikl_trainer *t, int skip, double *loss)
{
    int B = t->cfg.batch;
    DIGS_CHECK(dikl_net_forward(&t->score, &t->score_p, t->xt, t->tt, t->s,
                                B));
    *loss = surrogate_rows(t, 0, B) / B;
    if (skip || !isfinite(*loss))
        return DIGS_OK; /* §6.2: no backward on a non-finite loss */
    nn_params_zero_grad(&t->gen_p);
    dikl_net_backward(&t->gen, &t->gen_p, t->dy);
    return DIGS_OK;
}

static int parallel_gradient(dikl_trainer *t, int skip, double *loss)
{
    int B = t->cfg.batch, d = t->dim, K = t->cfg.generator_chunks;
    size_t np = t->gen_p.n;
    if (MPI_Bcast(t->score_d, B * d, MPI_DOUBLE, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    long c0;
    int nc, status = DIGS_OK;
    rank_chunks(t, t->rank, &c0, &nc);
    for (int j = 0; j < nc && status == DIGS_OK; j++) {
        long c = c0 + j, first;
        int n;
        chunk_rows(t, c, &first, &n);
        size_t off = (size_t)first * d;
        status = dikl_net_forward(&t->score, &t->score_p, t->xt + off,
                                  t->tt + first, t->s + off, n);
        if (status != DIGS_OK)
            break;
        t->gen_chunk_loss[c] = surrogate_rows(t, (int)first, n);
        if (skip)
            continue;
        nn_params_zero_grad(&t->gen_p);
        dikl_net_backward(chunk_net(t, j), &t->gen_p, t->dy + off);
        memcpy(t->gen_chunk_grad + (size_t)c * np, t->gen_p.grad,
               np * sizeof(nn_real));
    }
    DIGS_CHECK(digs_comm_agree_message(t->comm, status));
    int counts[t->size], displs[t->size];
    int root = t->rank == 0;
    rank_layout(t, 0, 1, counts, displs);
    if (MPI_Gatherv(root ? MPI_IN_PLACE : t->gen_chunk_loss + c0, nc,
                    MPI_DOUBLE, t->gen_chunk_loss, counts, displs,
                    MPI_DOUBLE, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Gatherv failed");
    if (!skip) {
        rank_layout(t, 0, np, counts, displs);
        void *send = root ? MPI_IN_PLACE : t->gen_chunk_grad + c0 * np;
        if (MPI_Gatherv(send, counts[t->rank], MPI_FLOAT, t->gen_chunk_grad,
                        counts, displs, MPI_FLOAT, 0, t->comm)
            != MPI_SUCCESS)
            return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Gatherv failed");
    }
    if (!root)
        return DIGS_OK;
    double sum = 0;
    for (int c = 0; c < K; c++)
        sum += t->gen_chunk_loss[c];
    *loss = sum / B;
    if (skip)
        return DIGS_OK;
    dikl_sum_chunks(t->gen_p.grad, t->gen_chunk_grad, K, np);
    return DIGS_OK;
}

int dikl_generator_gradient(dikl_trainer *t, int skip, double *loss)
{
    *loss = NAN;
    return dikl_generator_parallel(t) ? parallel_gradient(t, skip, loss)
                                      : serial_gradient(t, skip, loss);
}
