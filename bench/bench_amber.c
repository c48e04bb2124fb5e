/* Throughput of the amber potential on one core: evaluations per second of
 * energy + gradient and of the energy alone, in vacuum and with OBC1
 * implicit solvent, over 64 configurations (start + N(0, (0.01 nm)²)),
 * each case timed for at least 0.5 s of CPU time.
 *
 * Usage: bench_amber [TOPOLOGY]   (default: forcefields/ala2-ff96.top under
 * $top_srcdir or the working directory).  Output, one line per case:
 *
 *   case evals_per_s us_per_eval best_evals_per_s
 *
 * Reference point (REFERENCE task notes): OpenMM 7.7's Reference platform
 * does ≈ 7e4 vacuum energy+force evaluations per second for this system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/potential.h"

extern const digs_potential_ops digs_potential_amber;

enum { N_CONFIGS = 64 };

static const double min_seconds = 0.5;

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int create(const char *topology, const char *solvent,
                  digs_potential **out)
{
    char text[4096 + 256];
    snprintf(text, sizeof text, "[system]\npotential = amber\ntopology = %s\n"
             "solvent = %s\n", topology, solvent);
    digs_deck *deck;
    DIGS_CHECK(digs_deck_parse(&deck, text, "bench_amber"));
    digs_potential *pot = calloc(1, sizeof *pot);
    if (!pot) {
        digs_deck_destroy(&deck);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    pot->ops = &digs_potential_amber;
    int status = pot->ops->setup(pot, deck);
    digs_deck_destroy(&deck);
    if (status != DIGS_OK) {
        digs_potential_destroy(&pot);
        return status;
    }
    *out = pot;
    return DIGS_OK;
}

/* Evaluations per second over the configurations (grad != NULL: with
 * gradient): the mean over at least min_seconds, and the best pass over
 * the N_CONFIGS configurations (less sensitive to other load on a shared
 * machine).  sink keeps the results live. */
static double rate(const digs_potential *pot, const double *x, double *grad,
                   double *sink, double *best)
{
    long evals = 0;
    double t0 = cpu_seconds(), t = 0.0, fastest = 1e30;
    do {
        double t1 = cpu_seconds();
        for (int c = 0; c < N_CONFIGS; c++)
            *sink += digs_potential_energy(pot, x + (size_t)c * pot->dim,
                                           grad);
        double t2 = cpu_seconds();
        if (t2 - t1 < fastest)
            fastest = t2 - t1;
        evals += N_CONFIGS;
        t = t2 - t0;
    } while (t < min_seconds);
    *best = N_CONFIGS / fastest;
    return evals / t;
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *root = getenv("top_srcdir");
    if (argc > 1)
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "%s/forcefields/ala2-ff96.top",
                 root && *root ? root : ".");
    const char *solvents[] = {"vacuum", "obc1", "obc2"};
    double sink = 0.0;
    for (int s = 0; s < 3; s++) {
        digs_potential *pot;
        if (create(path, solvents[s], &pot) != DIGS_OK) {
            fprintf(stderr, "bench_amber: %s\n", digs_error_message());
            return 1;
        }
        double *x = malloc(sizeof *x * (size_t)pot->dim * N_CONFIGS);
        double *g = malloc(sizeof *g * (size_t)pot->dim);
        if (!x || !g || pot->ops->start_position(pot, x) != DIGS_OK) {
            fprintf(stderr, "bench_amber: %s has no start coordinates\n", path);
            return 1;
        }
        digs_stream rng;
        digs_stream_init(&rng, 1, 0, 0, DIGS_RNG_TEST, 0);
        for (int c = N_CONFIGS - 1; c >= 0; c--)
            for (int k = 0; k < pot->dim; k++)
                x[(size_t)c * pot->dim + k] =
                    x[k] + 0.01 * digs_stream_normal(&rng);
        double best_grad, best_energy;
        double with_grad = rate(pot, x, g, &sink, &best_grad);
        double energy_only = rate(pot, x, NULL, &sink, &best_energy);
        printf("amber/%s/energy+gradient %.0f %.3f %.0f\n", solvents[s],
               with_grad, 1e6 / with_grad, best_grad);
        printf("amber/%s/energy %.0f %.3f %.0f\n", solvents[s], energy_only,
               1e6 / energy_only, best_energy);
        free(x);
        free(g);
        digs_potential_destroy(&pot);
    }
    return sink == 12345.678 ? 2 : 0;
}
