/* `digs run DECK`: sample with the deck's method and write the trajectory.
 *
 * Order of work (DESIGN.md): load deck → potential → sampler → [run] and
 * [output] → unused-key check → chains and their start → output file →
 * sweeps (pooling statistics every exchange_every sweeps, recording every
 * `every` sweeps) → summary.  Every error before the output file exists is
 * reported collectively and leaves no file behind. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "config.h"
#include "core/status.h"
#include "driver/commands.h"
#include "driver/deck_load.h"
#include "driver/init_positions.h"
#include "driver/progress.h"
#include "driver/report.h"
#include "driver/run_config.h"
#include "io/h5md.h"
#include "parallel/comm.h"
#include "parallel/layout.h"
#include "potentials/potential.h"
#include "samplers/sampler.h"

const char digs_usage_run[] =
    "usage: digs run DECK [--quiet] [--trace PREFIX]\n"
    "\n"
    "Sample the target of DECK with its method and write the trajectory\n"
    "(H5MD) named in [output] trajectory.  Run it under mpirun to spread\n"
    "the chains over ranks; the samples do not depend on the rank count.\n"
    "\n"
    "  --quiet          no progress lines and no summary\n"
    "  --trace PREFIX   also write every recorded frame as text to\n"
    "                   PREFIX.<rank> (%.17g; for tests and debugging)\n"
    "  --help           this text\n"
    "\n"
    "Deck keys: doc/deck.md.  Example: inputs/lj13-mala.ini\n";

typedef struct run_options {
    const char *deck;
    const char *trace;
    int quiet;
} run_options;

/* 0 ok, 1 help printed, 2 usage error (message printed by rank 0). */
static int parse_options(int argc, char **argv, int rank, run_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (rank == 0)
                fputs(digs_usage_run, stdout);
            return 1;
        } else if (strcmp(argv[i], "--quiet") == 0 ||
                   strcmp(argv[i], "-q") == 0) {
            o->quiet = 1;
        } else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
            o->trace = argv[++i];
        } else if (argv[i][0] == '-' || o->deck) {
            if (rank == 0)
                fprintf(stderr, "digs run: unexpected argument '%s'\n%s",
                        argv[i], digs_usage_run);
            return 2;
        } else {
            o->deck = argv[i];
        }
    }
    if (!o->deck) {
        if (rank == 0)
            fprintf(stderr, "digs run: missing DECK\n%s", digs_usage_run);
        return 2;
    }
    return 0;
}

typedef struct run_state {
    digs_deck *deck;
    digs_potential *pot;
    digs_sampler *sampler;
    digs_run_config cfg;
    digs_chains *chains;
    digs_h5md *out;
    FILE *trace;
    int64_t *pooled;        /* statistics summed over ranks, this interval */
    int64_t *pooled_total;  /* ... and over the whole run */
    double *acceptance;     /* per level, last interval (progress line) */
    double *chain_acc;      /* per local chain, since the last record */
} run_state;

static void run_state_free(run_state *r)
{
    if (r->trace)
        fclose(r->trace);
    free(r->pooled);
    free(r->pooled_total);
    free(r->acceptance);
    free(r->chain_acc);
    digs_chains_destroy(&r->chains);
    digs_sampler_destroy(&r->sampler);
    digs_potential_destroy(&r->pot);
    digs_deck_destroy(&r->deck);
}

/* Everything every rank can check before touching any file. */
static int setup(MPI_Comm comm, run_state *r)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    DIGS_CHECK(digs_potential_create(r->deck, &r->pot));
    DIGS_CHECK(digs_run_config_read(r->deck, r->pot, &r->cfg));
    DIGS_CHECK(digs_sampler_create(r->deck, r->pot, r->cfg.seed, &r->sampler));
    DIGS_CHECK(digs_deck_check_unused(r->deck));

    long first;
    int count;
    digs_layout_block(r->cfg.chains, size, rank, &first, &count);
    DIGS_CHECK(digs_chains_create(&r->chains, r->cfg.chains, first, count,
                                  r->pot->dim, r->sampler->state_size));
    int n_stats = r->sampler->n_stats, n_levels = n_stats / 2;
    DIGS_CALLOC(r->pooled, n_stats);
    DIGS_CALLOC(r->pooled_total, n_stats);
    DIGS_CALLOC(r->acceptance, n_levels);
    DIGS_CALLOC(r->chain_acc, count);
    DIGS_CHECK(digs_init_positions(&r->cfg, r->pot, r->chains));
    return DIGS_OK;
}

static int open_output(MPI_Comm comm, run_state *r, const run_options *o)
{
    const digs_potential *p = r->pot;
    int particles = p->n_particles > 0;
    digs_h5md_spec spec = {
        .path = r->cfg.trajectory,
        .group = r->cfg.group,
        .n_chains = r->cfg.chains,
        .first_chain = r->chains->first,
        .n_local = r->chains->n,
        .n_particles = particles ? p->n_particles : 1,
        .spatial_dim = particles ? p->spatial_dim : p->dim,
        .length_unit = strcmp(p->length_unit, "reduced") ? p->length_unit : NULL,
        /* H5MD spells units with spaces and exponents ("kJ mol-1"). */
        .energy_unit = strcmp(p->energy_unit, "kJ/mol") == 0 ? "kJ mol-1"
                       : strcmp(p->energy_unit, "reduced") ? p->energy_unit
                                                           : NULL,
        .buffer_records = (int)r->cfg.buffer_records,
    };
    DIGS_CHECK(digs_h5md_create(&r->out, comm, &spec));
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu32, r->cfg.seed);
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "deck", digs_deck_text(r->deck)));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "deck_file",
                                       digs_deck_filename(r->deck)));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "program", PACKAGE_STRING));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "potential", p->ops->name));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "method",
                                       r->sampler->ops->name));
    DIGS_CHECK(digs_h5md_set_parameter(r->out, "seed", seed));
    if (o->trace) {
        int rank;
        MPI_Comm_rank(comm, &rank);
        char path[4096];
        snprintf(path, sizeof path, "%s.%d", o->trace, rank);
        r->trace = fopen(path, "w");
        if (!r->trace)
            return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create trace file", path);
    }
    return DIGS_OK;
}

/* Sum the sampler's counters over ranks, hand them to adapt, reset. */
static int exchange(MPI_Comm comm, run_state *r, uint64_t done)
{
    digs_sampler *s = r->sampler;
    DIGS_CHECK(digs_comm_sum_i64(comm, s->stats, r->pooled, s->n_stats));
    memset(s->stats, 0, sizeof(int64_t) * (size_t)s->n_stats);
    for (int k = 0; k < s->n_stats; k++)
        r->pooled_total[k] += r->pooled[k];
    for (int l = 0; l < s->n_stats / 2; l++) {
        int64_t prop = r->pooled[2 * l + 1];
        r->acceptance[l] = prop ? (double)r->pooled[2 * l] / (double)prop : 0;
    }
    if (s->ops->adapt)
        DIGS_CHECK(s->ops->adapt(s, r->pooled, done));
    return DIGS_OK;
}

static int record(run_state *r, uint64_t done)
{
    digs_chains *c = r->chains;
    for (int i = 0; i < c->n; i++)
        r->chain_acc[i] = c->proposed[i]
                              ? (double)c->accepted[i] / (double)c->proposed[i]
                              : 0.0;
    DIGS_CHECK(digs_h5md_append(r->out, (int64_t)done, (double)done, c->x,
                                c->energy, r->chain_acc, NULL));
    if (r->trace) {
        for (int i = 0; i < c->n; i++) {
            fprintf(r->trace, "%llu %ld %.17g %.17g",
                    (unsigned long long)done, c->first + i, c->energy[i],
                    r->chain_acc[i]);
            for (int k = 0; k < c->dim; k++)
                fprintf(r->trace, " %.17g", c->x[(size_t)i * c->dim + k]);
            fputc('\n', r->trace);
        }
        if (ferror(r->trace))
            return DIGS_FAIL(DIGS_ERR_IO, "cannot write the trace file");
    }
    digs_chains_reset_counts(c);
    return DIGS_OK;
}

static void summary(MPI_Comm comm, run_state *r, double seconds)
{
    int64_t local[2] = {r->sampler->n_grad, r->sampler->n_energy}, total[2];
    digs_comm_sum_i64(comm, local, total, 2);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (rank != 0)
        return;
    printf("digs run: %llu sweeps of %ld chains (%s on %s) in %.2f s on %d "
           "rank%s\n",
           (unsigned long long)r->cfg.sweeps, r->cfg.chains,
           r->sampler->ops->name, r->pot->ops->name, seconds, size,
           size > 1 ? "s" : "");
    printf("  evaluations: %" PRId64 " energy+gradient (%.3g/s), %" PRId64
           " energy-only\n",
           total[0], seconds > 0 ? (double)total[0] / seconds : 0.0, total[1]);
    printf("  acceptance:");
    for (int l = 0; l < r->sampler->n_stats / 2; l++) {
        int64_t prop = r->pooled_total[2 * l + 1];
        printf(" %s %.4f", r->sampler->stat_names[l],
               prop ? (double)r->pooled_total[2 * l] / (double)prop : 0.0);
    }
    printf("\n  trajectory: %s (%lld records of %ld frames)\n",
           r->cfg.trajectory, (long long)digs_h5md_records(r->out),
           r->cfg.chains);
    fflush(stdout);
}

int digs_cmd_run(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank;
    MPI_Comm_rank(comm, &rank);
    run_options opt;
    int usage = parse_options(argc, argv, rank, &opt);
    if (usage)
        return usage == 1 ? 0 : 2;

    run_state r;
    memset(&r, 0, sizeof r);
    if (digs_driver_load_deck(comm, opt.deck, &r.deck) != DIGS_OK)
        return 1;
    int status = digs_report_collective(comm, setup(comm, &r));
    if (status == DIGS_OK) {
        int started = r.chains->n > 0
                          ? r.sampler->ops->start(r.sampler, r.chains)
                          : DIGS_OK;
        status = digs_report_collective(comm, started);
    }
    if (status == DIGS_OK)
        status = digs_report_collective(comm, open_output(comm, &r, &opt));
    if (status != DIGS_OK) {
        digs_h5md_close(&r.out);
        run_state_free(&r);
        return 1;
    }

    double t0 = MPI_Wtime();
    digs_progress progress;
    digs_progress_init(&progress, rank == 0 && !opt.quiet ? stdout : NULL,
                       r.cfg.progress_every, r.cfg.sweeps, t0);
    for (uint64_t sweep = 0; sweep < r.cfg.sweeps; sweep++) {
        if (r.chains->n > 0) {
            status = r.sampler->ops->sweep(r.sampler, r.chains, sweep);
            if (status != DIGS_OK)
                digs_report_abort_local(comm, status);
        }
        uint64_t done = sweep + 1;
        if (done % (uint64_t)r.cfg.exchange_every == 0 || done == r.cfg.sweeps)
            if ((status = exchange(comm, &r, done)) != DIGS_OK)
                digs_report_abort_local(comm, status);
        if (done % (uint64_t)r.cfg.record_every == 0)
            if ((status = record(&r, done)) != DIGS_OK)
                digs_report_abort_local(comm, status);
        if (rank == 0)
            digs_progress_update(&progress, done, MPI_Wtime(),
                                 r.sampler->n_stats / 2,
                                 r.sampler->stat_names, r.acceptance);
    }
    status = digs_report_collective(comm, digs_h5md_flush(r.out));
    double seconds = MPI_Wtime() - t0;
    if (status == DIGS_OK && !opt.quiet)
        summary(comm, &r, seconds);
    int closed = digs_report_collective(comm, digs_h5md_close(&r.out));
    run_state_free(&r);
    return status == DIGS_OK && closed == DIGS_OK ? 0 : 1;
}
