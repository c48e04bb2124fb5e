/* Model selection of DiKL (REFERENCE.md §6.9): a metric of the current
 * generator, lower is better.
 *   energy_tvd   TVD between the energy histograms (500 bins on
 *                [−100, 100]) of raw generator samples and the same samples
 *                after check_mala_steps MALA steps on the true energy with
 *                the current adaptive step size; 1e10 when fewer than 60 %
 *                of the raw energies fall in the range.
 *   mean_energy  mean energy of the samples with E < 300 (1e10 if none).
 *   none         0 (the last generator is kept).
 *   reference    energy TVD + distance TVD against the host's reference
 *                set (src/dikl/reference.h; NaN while there is none).
 * The samples are drawn on rank 0 and their energies and MALA moves split
 * over the ranks; every rank returns the same metric.  While rank 0 draws
 * (and computes the reference metric) the other ranks wait politely,
 * doing their idle work. */
#include <math.h>
#include <string.h>

#include "core/status.h"
#include "dikl/trainer.h"
#include "dikl/wait.h"
#include "parallel/comm.h"
#include "parallel/layout.h"
#include "samplers/kernels.h"

enum { TVD_BINS = 500 };
#define TVD_LO (-100.0)
#define TVD_HI 100.0
#define METRIC_FAIL 1e10

static long histogram(const double *e, int n, double *h)
{
    memset(h, 0, TVD_BINS * sizeof *h);
    long kept = 0;
    for (int i = 0; i < n; i++) {
        if (!(e[i] >= TVD_LO && e[i] <= TVD_HI))
            continue;
        int k = (int)((e[i] - TVD_LO) / (TVD_HI - TVD_LO) * TVD_BINS);
        h[k < TVD_BINS ? k : TVD_BINS - 1] += 1;
        kept++;
    }
    return kept;
}

static double energy_tvd(const double *raw, const double *refined, int n)
{
    double hr[TVD_BINS], hm[TVD_BINS];
    long kr = histogram(raw, n, hr), km = histogram(refined, n, hm);
    if (kr < 0.6 * n || km == 0)
        return METRIC_FAIL;
    double tvd = 0;
    for (int k = 0; k < TVD_BINS; k++)
        tvd += fabs(hr[k] / kr - hm[k] / km);
    return 0.5 * tvd;
}

static double mean_energy(const double *e, int n)
{
    double sum = 0;
    long kept = 0;
    for (int i = 0; i < n; i++)
        if (e[i] < 300) {
            sum += e[i];
            kept++;
        }
    return kept ? sum / kept : METRIC_FAIL;
}

/* Rank 0: draw the check samples into t->cx_d. */
static int draw_samples(dikl_trainer *t)
{
    int C = t->cfg.check_samples, d = t->dim;
    digs_stream rng;
    digs_stream_init(&rng, t->cfg.seed, DIKL_KEY_SELECT,
                     (uint64_t)t->iteration, DIGS_RNG_DIKL, DIKL_SUB_SELECT);
    DIGS_CHECK(dikl_net_generate(&t->gen, dikl_trainer_sampled(t), &rng, C,
                                 t->cfg.batch,
                                 t->cz, t->cx));
    for (size_t i = 0; i < (size_t)C * d; i++)
        t->cx_d[i] = t->cx[i];
    return DIGS_OK;
}

/* This rank's block: raw energies, and refined ones when asked. */
static int local_energies(dikl_trainer *t, long first, int count, int refine)
{
    int d = t->dim;
    digs_kernel_target target = digs_kernel_plain(t->pot, 1 / t->pot->kT);
    digs_kernel_scratch w;
    DIGS_CHECK(digs_kernel_scratch_create(&w, d));
    int64_t n_grad = 0;
    for (int j = 0; j < count; j++) {
        long g = first + j;
        double *x = t->cx_d + (size_t)g * d;
        double e = digs_potential_energy(t->pot, x, t->grad_scratch);
        t->e_raw[g] = e;
        if (!refine || !isfinite(e)) {
            t->e_ref[g] = e;
            continue;
        }
        digs_stream rng;
        digs_stream_init(&rng, t->cfg.seed, DIKL_KEY_SELECT + 1 + (uint64_t)g,
                         (uint64_t)t->iteration, DIGS_RNG_DIKL,
                         DIKL_SUB_SELECT);
        for (int s = 0; s < t->cfg.check_mala_steps; s++)
            digs_mala_step(&target, t->eta, x, &e, t->grad_scratch, &rng, &w,
                           &n_grad);
        t->e_ref[g] = e;
    }
    digs_kernel_scratch_free(&w);
    return DIGS_OK;
}

static int allgather(dikl_trainer *t, double *v, int C)
{
    int counts[t->size], displs[t->size];
    for (int r = 0; r < t->size; r++) {
        long f;
        digs_layout_block(C, t->size, r, &f, &counts[r]);
        displs[r] = (int)f;
    }
    MPI_Request req;
    if (MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, v, counts, displs,
                        MPI_DOUBLE, t->comm, &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Iallgatherv failed");
    return dikl_wait_polite(&req, t->rank == 0, &t->idle);
}

/* Rank 0 draws the check samples while the others wait (working or
 * napping); then every rank has them.  Collective. */
static int shared_samples(dikl_trainer *t)
{
    int C = t->cfg.check_samples, d = t->dim;
    double t0 = MPI_Wtime();
    int status = t->rank == 0 ? draw_samples(t) : DIGS_OK;
    double t1 = MPI_Wtime(), h0 = t->idle.seconds;
    if (t->rank == 0)
        t->time.select += t1 - t0;
    DIGS_CHECK(dikl_barrier_polite(0, t->comm, &t->idle));
    DIGS_CHECK(digs_comm_agree_message(
        t->comm, dikl_idle_take(&t->idle, t->rank, status)));
    DIGS_CHECK(dikl_bcast_polite(t->cx_d, C * d, MPI_DOUBLE, 0, t->comm,
                                 &t->idle));
    dikl_trainer_add_wait(t, t1, h0);
    return DIGS_OK;
}

/* Every rank's share of the energies (refined when asked), then every
 * rank has all of them.  Collective. */
static int shared_energies(dikl_trainer *t, int refine)
{
    int C = t->cfg.check_samples;
    double t0 = MPI_Wtime();
    long first;
    int count;
    digs_layout_block(C, t->size, t->rank, &first, &count);
    int status = local_energies(t, first, count, refine);
    double t1 = MPI_Wtime(), h1 = t->idle.seconds;
    t->time.select += t1 - t0;
    /* gathered before the agreement (a failed rank's rows are unused):
     * the ranks done first work while they wait */
    DIGS_CHECK(allgather(t, t->e_raw, C));
    if (refine)
        DIGS_CHECK(allgather(t, t->e_ref, C));
    DIGS_CHECK(digs_comm_agree_message(
        t->comm, dikl_idle_take(&t->idle, t->rank, status)));
    dikl_trainer_add_wait(t, t1, h1);
    return DIGS_OK;
}

/* selection = reference: NaN without a reference set (nothing drawn);
 * else rank 0 computes the metric and shares it. */
static int select_reference(dikl_trainer *t, double *metric)
{
    *metric = NAN;
    int have = t->rank == 0 && t->ref.n > 0;
    double t0 = MPI_Wtime(), h0 = t->idle.seconds;
    DIGS_CHECK(dikl_bcast_polite(&have, 1, MPI_INT, 0, t->comm, &t->idle));
    dikl_trainer_add_wait(t, t0, h0);
    if (!have)
        return digs_comm_agree_message(
            t->comm, dikl_idle_take(&t->idle, t->rank, DIGS_OK));
    DIGS_CHECK(shared_samples(t));
    DIGS_CHECK(shared_energies(t, 0));
    double t1 = MPI_Wtime();
    int status = DIGS_OK;
    if (t->rank == 0) {
        status = dikl_reference_metric(&t->ref, t->cfg.check_samples,
                                       t->cx_d, t->e_raw, metric, NULL,
                                       NULL);
        t->time.select += MPI_Wtime() - t1;
    }
    double t2 = MPI_Wtime();
    h0 = t->idle.seconds;
    DIGS_CHECK(dikl_barrier_polite(0, t->comm, &t->idle));
    dikl_trainer_add_wait(t, t2, h0);
    DIGS_CHECK(digs_comm_agree_message(
        t->comm, dikl_idle_take(&t->idle, t->rank, status)));
    if (MPI_Bcast(metric, 1, MPI_DOUBLE, 0, t->comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    return DIGS_OK;
}

int dikl_trainer_select(dikl_trainer *t, double *metric)
{
    *metric = 0;
    if (t->cfg.selection == DIKL_SELECT_NONE)
        return DIGS_OK;
    if (t->cfg.selection == DIKL_SELECT_REFERENCE)
        return select_reference(t, metric);
    int C = t->cfg.check_samples;
    int refine = t->cfg.selection == DIKL_SELECT_ENERGY_TVD;
    DIGS_CHECK(shared_samples(t));
    DIGS_CHECK(shared_energies(t, refine));
    *metric = refine ? energy_tvd(t->e_raw, t->e_ref, C)
                     : mean_energy(t->e_raw, C);
    return DIGS_OK;
}
