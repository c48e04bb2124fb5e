#include <math.h>
#include <stdio.h>
#include <sys/stat.h>

#include "core/status.h"
#include "dikl/trainer.h"
#include "driver/report.h"
#include "driver/run_dikl.h"

static int setup(MPI_Comm comm, digs_deck *deck, digs_potential **pot,
                 dikl_trainer **t)
{
    (void)comm;
    DIGS_CHECK(digs_potential_create(deck, pot));
    DIGS_CHECK(dikl_trainer_create(t, deck, *pot, comm));
    return digs_deck_check_unused(deck);
}

static void progress_line(const dikl_trainer *t, double elapsed,
                          long first)
{
    long done = t->iteration - first, total = t->cfg.iterations;
    double per = done > 0 ? elapsed / done : 0;
    double eta = per * (double)(total - t->iteration);
    printf("[%5.1f%%] it %ld/%ld  L_score %.4g  L_gen %+.4g  |g| %.3g  "
           "acc %.3f  eta %.3g",
           100.0 * t->iteration / total, t->iteration, total, t->loss_score,
           t->loss_gen, t->grad_norm, t->acceptance, t->eta);
    if (!isnan(t->sweep_acceptance))
        printf("  sweep acc %.3f", t->sweep_acceptance);
    if (!isnan(t->metric))
        printf("  metric %.4g (best %.4g @ %ld)", t->metric, t->best_metric,
               t->best_iteration);
    printf("  %.3g s/it  ETA %.0f s\n", per, eta);
    fflush(stdout);
}

/* Per-rank time split, printed by rank 0. */
static void summary(const dikl_trainer *t, double seconds, long first)
{
    double mine[5] = {t->time.net, t->time.posterior, t->time.select,
                      t->time.wait, t->time.io};
    double all[5 * t->size];
    MPI_Gather(mine, 5, MPI_DOUBLE, all, 5, MPI_DOUBLE, 0, t->comm);
    if (t->rank != 0)
        return;
    printf("digs run: %ld DiKL iterations (%s, %s networks) in %.2f s on %d "
           "rank%s; model %s\n",
           t->iteration - first, t->pot->ops->name,
           t->cfg.generator.kind == DIKL_NET_EGNN ? "EGNN" : "MLP", seconds,
           t->size, t->size > 1 ? "s" : "", t->cfg.model_path);
    printf("  selected generator: iteration %ld (metric %.4g); %ld steps "
           "skipped (non-finite)\n",
           t->best_iteration, t->best_metric, t->skipped);
    double pct = seconds > 0 ? 100 / seconds : 0;
    for (int r = 0; r < t->size; r++) {
        const double *v = all + 5 * r;
        printf("  rank %d time: networks %.1f %%, posterior %.1f %%, "
               "selection %.1f %%, waiting %.1f %%, output %.1f %%\n",
               r, v[0] * pct, v[1] * pct, v[2] * pct, v[3] * pct, v[4] * pct);
    }
    fflush(stdout);
}

int digs_dikl_model_on_disk(MPI_Comm comm, const char *path)
{
    int rank, exists = 0;
    MPI_Comm_rank(comm, &rank);
    struct stat st;
    if (rank == 0)
        exists = stat(path, &st) == 0;
    MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
    return exists;
}

int digs_run_dikl(MPI_Comm comm, digs_deck *deck, int restart, int quiet,
                  int check)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    digs_potential *pot = NULL;
    dikl_trainer *t = NULL;
    int status = digs_report_collective(comm, setup(comm, deck, &pot, &t));
    if (check) {
        if (status == DIGS_OK && rank == 0)
            printf("%s: ok\n", digs_deck_filename(deck));
        dikl_trainer_destroy(&t);
        digs_potential_destroy(&pot);
        return status == DIGS_OK ? 0 : 1;
    }
    if (status == DIGS_OK && restart) {
        int exists = digs_dikl_model_on_disk(comm, t->cfg.model_path);
        if (exists)
            status = digs_report_collective(comm, dikl_trainer_resume(t));
        if (status == DIGS_OK && rank == 0 && !quiet) {
            if (exists)
                printf("digs run: continuing %s at iteration %ld\n",
                       t->cfg.model_path, t->iteration);
            else
                printf("digs run: no model %s yet; starting afresh\n",
                       t->cfg.model_path);
        }
    }
    long first = t ? t->iteration : 0;
    double t0 = MPI_Wtime();
    const char *text = digs_deck_text(deck);
    while (status == DIGS_OK && t->iteration < t->cfg.iterations) {
        status = digs_report_collective(
            comm, dikl_trainer_iteration(t, MPI_Wtime() - t0));
        if (status != DIGS_OK)
            break;
        if (rank == 0 && !quiet
            && (t->iteration % t->cfg.progress_every == 0
                || t->iteration == t->cfg.iterations))
            progress_line(t, MPI_Wtime() - t0, first);
        if (t->iteration % t->cfg.checkpoint_every == 0
            || t->iteration == t->cfg.iterations)
            status = digs_report_collective(comm,
                                            dikl_trainer_save(t, text));
    }
    if (status == DIGS_OK && !quiet)
        summary(t, MPI_Wtime() - t0, first);
    dikl_trainer_destroy(&t);
    digs_potential_destroy(&pot);
    return status == DIGS_OK ? 0 : 1;
}
