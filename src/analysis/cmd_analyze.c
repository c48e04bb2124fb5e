/* `digs analyze RUN.h5 [--ref REF] [options]`: statistics of a run and
 * metrics against a reference (doc/analysis.md).  Rank 0 does the work;
 * the other ranks only join the collective error agreement, as in
 * `digs energy`, so the command behaves the same under mpirun. */
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "analysis/analyze_data.h"
#include "analysis/analyze_model.h"
#include "analysis/analyze_options.h"
#include "analysis/analyze_pdb.h"
#include "analysis/analyze_plot.h"
#include "analysis/analyze_results.h"
#include "core/status.h"
#include "driver/commands.h"
#include "driver/report.h"

const char digs_usage_analyze[] =
    "usage: digs analyze RUN.h5 [--ref REF] [options]\n"
    "\n"
    "Statistics of a trajectory written by `digs run` and, with --ref,\n"
    "sample-quality metrics against a reference (doc/analysis.md).\n"
    "Given a DiKL model file instead, a summary of its training curves\n"
    "(--plot DIR: DIR/training_curves.png; --json FILE: the curves).\n"
    "\n"
    "  --ref REF          an H5MD file, a .npy array ([n, dim] or\n"
    "                     [n, particles, spatial]) or 'exact' (draws from\n"
    "                     the target's exact sampler: mog40, manywell32,\n"
    "                     gaussian)\n"
    "  --ref-samples N    exact draws (10000)\n"
    "  --ref-group NAME   particles group of an H5MD REF (as --group)\n"
    "  --seed S           seed of the exact draws and bootstraps (1)\n"
    "  --burn-in K        records dropped from the start of RUN (0)\n"
    "  --group NAME       particles group of RUN (chains)\n"
    "  --observable NAME  also report /observables/NAME (repeatable)\n"
    "  --bootstrap R      bootstrap repeats (10)\n"
    "  --subset M         rows per bootstrap set (2000)\n"
    "  --bins B           TVD histogram bins (200)\n"
    "  --mmd-samples N    largest MMD sample per set, mog40 (10000)\n"
    "  --modes            print the 40-row mode table (mog40)\n"
    "  --per-chain        print every chain's IAT and ESS\n"
    "  --json FILE        write the numbers as JSON\n"
    "  --plot DIR         write DIR/analysis.json and PNG plots\n"
    "  --plot-script PATH the plotting script (default: found)\n"
    "  --pdb FILE         write frames as a multi-model PDB (Å)\n"
    "  --frames a:b:step  frames for --pdb (all; over chain C's records\n"
    "                     with --chain, else over all frames)\n"
    "  --chain C          only chain C's frames for --pdb\n";

static int analyze(const digs_analyze_options *o)
{
    digs_analyze_run run;
    digs_analyze_ref ref;
    digs_analyze_results res;
    memset(&ref, 0, sizeof ref);
    memset(&res, 0, sizeof res);
    if (digs_analyze_is_model(o->run))
        return digs_analyze_model(o, stdout);
    DIGS_CHECK(digs_analyze_load_run(o, &run));
    int status = o->ref ? digs_analyze_load_ref(o, &run, &ref) : DIGS_OK;
    if (status == DIGS_OK)
        status = digs_analyze_compute(o, &run, o->ref ? &ref : NULL, &res);
    if (status == DIGS_OK)
        digs_analyze_print(stdout, &res);
    if (status == DIGS_OK && o->json)
        status = digs_analyze_write_json(o->json, &res);
    if (status == DIGS_OK && o->plot_dir)
        status = digs_analyze_plot(&res);
    if (status == DIGS_OK && o->pdb)
        status = digs_analyze_write_pdb(o, &run);
    digs_analyze_results_free(&res);
    digs_analyze_ref_free(&ref);
    digs_analyze_run_free(&run);
    return status;
}

int digs_cmd_analyze(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank;
    MPI_Comm_rank(comm, &rank);
    digs_analyze_options opt;
    char msg[256] = "";
    int usage = digs_analyze_parse_options(argc, argv, &opt, msg, sizeof msg);
    if (usage == 1) {
        if (rank == 0)
            fputs(digs_usage_analyze, stdout);
        return 0;
    }
    if (usage == 2) {
        if (rank == 0)
            fprintf(stderr, "digs analyze: %s\n%s", msg, digs_usage_analyze);
        return 2;
    }
    int status = rank == 0 ? analyze(&opt) : DIGS_OK;
    return digs_report_collective(comm, status) == DIGS_OK ? 0 : 1;
}
