/* `digs run DECK`: sample with the deck's method and write the trajectory.
 *
 * Order of work (DESIGN.md): load deck → potential → sampler → [run] and
 * [output] → unused-key check → chains, then either their start or, on a
 * restart, their state from the checkpoint → output file (created, or
 * continued after the checkpoint's records) → sweeps (pooling statistics
 * every exchange_every sweeps and logging them to
 * /record_observables, recording every `every` sweeps, checkpointing
 * every checkpoint_every sweeps) → summary.  Every error before the
 * output file exists is reported collectively and leaves no file behind;
 * an error inside the sweep loop aborts the job naming the rank
 * (digs_report_abort_local).  Restart: doc/checkpoint.md. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "config.h"
#include "core/status.h"
#include "driver/commands.h"
#include "driver/deck_load.h"
#include "driver/init_positions.h"
#include "driver/progress.h"
#include "driver/report.h"
#include "driver/run_coupled.h"
#include "driver/run_dikl.h"
#include "driver/run_digs.h"
#include "driver/run_config.h"
#include "io/checkpoint.h"
#include "io/h5md.h"
#include "parallel/comm.h"
#include "parallel/layout.h"
#include "potentials/potential.h"
#include "samplers/sampler.h"

const char digs_usage_run[] =
    "usage: digs run DECK [--restart] [--quiet] [--check] [--trace PREFIX]\n"
    "\n"
    "Sample the target of DECK with its method and write the trajectory\n"
    "(H5MD) named in [output] trajectory.  Run it under mpirun to spread\n"
    "the chains over ranks; the samples do not depend on the rank count.\n"
    "\n"
    "  --restart        continue from [output] checkpoint if it exists\n"
    "                   (else start afresh), appending to the trajectory;\n"
    "                   same as [run] restart = yes.  The result equals an\n"
    "                   uninterrupted run bit for bit, on any rank count\n"
    "  --quiet          no progress lines and no summary\n"
    "  --check          read and validate every key of DECK, then stop\n"
    "                   (no file is written)\n"
    "  --trace PREFIX   also write every recorded frame as text to\n"
    "                   PREFIX.<rank> (%.17g; for tests and debugging)\n"
    "  --help           this text\n"
    "\n"
    "Deck keys: doc/deck.md.  Example: inputs/lj13-mala.ini\n";



/* 0 ok, 1 help printed, 2 usage error (message printed by rank 0). */
static int parse_options(int argc, char **argv, int rank, digs_run_options *o)
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
        } else if (strcmp(argv[i], "--restart") == 0) {
            o->restart = 1;
        } else if (strcmp(argv[i], "--check") == 0) {
            o->check = 1;
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

/* Everything every rank can check before touching any file. */
static int setup(MPI_Comm comm, digs_run_state *r)
{
    DIGS_CHECK(digs_run_read(r));
    DIGS_CHECK(digs_deck_check_unused(r->deck));
    return digs_run_place_chains(comm, r, 1.0);
}

/* Setup, chain start (resumed from the checkpoint when allowed and asked
 * for) and the output file.  Collective; errors reported once. */
static int prepare(MPI_Comm comm, digs_run_state *r,
                   const digs_run_options *o, int allow_resume)
{
    int status = digs_report_collective(comm, setup(comm, r));
    if (status == DIGS_OK)
        status = digs_run_prepare(comm, r, o, allow_resume);
    return status;
}

/* One pass of the sweep loop from r->first_sweep to the end.  Any failure
 * aborts the job from the rank that saw it. */
static void sweep_loop(MPI_Comm comm, digs_run_state *r, const digs_run_options *o)
{
    int rank, status;
    MPI_Comm_rank(comm, &rank);
    const digs_run_config *cfg = &r->cfg;
    digs_sampler *s = r->sampler;
    digs_progress progress;
    digs_progress_init(&progress, rank == 0 && !o->quiet ? stdout : NULL,
                       cfg->progress_every, r->first_sweep, cfg->sweeps,
                       MPI_Wtime());
    for (uint64_t sweep = r->first_sweep; sweep < cfg->sweeps; sweep++) {
        double t0 = MPI_Wtime();
        if (r->chains->n > 0 &&
            (status = s->ops->sweep(s, r->chains, sweep)) != DIGS_OK)
            digs_report_abort_local(comm, status);
        double t1 = MPI_Wtime();
        r->t_sweep += t1 - t0;
        uint64_t done = sweep + 1;
        if (done % (uint64_t)cfg->exchange_every == 0 || done == cfg->sweeps) {
            if ((status = digs_run_exchange(comm, r, done)) != DIGS_OK)
                digs_report_abort_local(comm, status);
            double t2 = MPI_Wtime();
            r->t_exchange += t2 - t1;
            if ((status = digs_run_log_exchange(r, done)) != DIGS_OK)
                digs_report_abort_local(comm, status);
            t1 = MPI_Wtime();
            r->t_output += t1 - t2;
        }
        if (done % (uint64_t)cfg->record_every == 0) {
            if ((status = digs_run_record(r, done)) != DIGS_OK)
                digs_report_abort_local(comm, status);
            double t2 = MPI_Wtime();
            r->t_output += t2 - t1;
        }
        if (digs_run_checkpoint_due(cfg, done) &&
            (status = digs_run_checkpoint(comm, r, done)) != DIGS_OK)
            digs_report_abort_local(comm, status);
        if (rank == 0)
            digs_progress_update(&progress, done, MPI_Wtime(),
                                 s->n_stats / 2, s->stat_names, r->acceptance);
    }
}

int digs_cmd_run(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank;
    MPI_Comm_rank(comm, &rank);
    digs_run_options opt;
    int usage = parse_options(argc, argv, rank, &opt);
    if (usage)
        return usage == 1 ? 0 : 2;

    digs_run_state r;
    memset(&r, 0, sizeof r);
    if (digs_driver_load_deck(comm, opt.deck, &r.deck) != DIGS_OK)
        return 1;
    if (digs_deck_has_section(r.deck, "dikl")) {
        /* [dikl] alone: a training deck; with a sampling method too: the
         * coupled job (chains on every rank, the trainer on rank 0) */
        int code = digs_deck_has_key(r.deck, "run", "method")
                       ? digs_run_coupled(comm, r.deck, &opt)
                       : digs_run_dikl(comm, r.deck, opt.restart, opt.quiet,
                                       opt.check);
        digs_deck_destroy(&r.deck);
        return code;
    }
    if (opt.check) {
        int status = digs_report_collective(comm, setup(comm, &r));
        if (status == DIGS_OK && rank == 0)
            printf("%s: ok\n", opt.deck);
        digs_run_state_free(&r);
        return status == DIGS_OK ? 0 : 1;
    }
    int status = prepare(comm, &r, &opt, 1);
    if (status != DIGS_OK && r.restarted) {
        /* The checkpoint was read but the trajectory cannot be continued:
         * a kill inside a trajectory flush can tear HDF5's metadata
         * (doc/checkpoint.md).  Every number depends only on the deck, so
         * running again from sweep 0 rebuilds the same file; only time is
         * lost. */
        int rank;
        MPI_Comm_rank(comm, &rank);
        if (rank == 0)
            fprintf(stderr, "digs: note: %s cannot be continued; running "
                            "again from sweep 0 (same result, the run is "
                            "deterministic)\n",
                    r.cfg.trajectory);
        digs_h5md_close(&r.out);
        digs_deck *deck = r.deck;
        r.deck = NULL;
        digs_run_state_free(&r);
        memset(&r, 0, sizeof r);
        r.deck = deck;
        status = prepare(comm, &r, &opt, 0);
    }
    if (status != DIGS_OK) {
        digs_h5md_close(&r.out);
        digs_run_state_free(&r);
        return 1;
    }

    double t0 = MPI_Wtime();
    sweep_loop(comm, &r, &opt);
    double t1 = MPI_Wtime();
    status = digs_report_collective(comm, digs_run_write_cost(comm, &r));
    if (status == DIGS_OK)
        status = digs_report_collective(comm, digs_h5md_flush(r.out));
    double seconds = MPI_Wtime() - t0;
    r.t_output += MPI_Wtime() - t1;
    if (status == DIGS_OK && !opt.quiet)
        digs_run_summary(comm, &r, seconds);
    int closed = digs_report_collective(comm, digs_h5md_close(&r.out));
    digs_run_state_free(&r);
    return status == DIGS_OK && closed == DIGS_OK ? 0 : 1;
}
