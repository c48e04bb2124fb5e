/* The `digs` program: dispatch to a subcommand (src/driver/cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "config.h"
#include "driver/commands.h"
#include "potentials/potential.h"
#include "samplers/sampler.h"

static void usage(FILE *out)
{
    fputs("usage: digs COMMAND [ARGS]   (under mpirun for many ranks)\n"
          "\n"
          "commands:\n"
          "  run DECK              sample the deck's target, write H5MD\n"
          "  energy DECK COORDS    single-point energies (and forces)\n"
          "  sample MODEL ...      draw samples from a trained DiKL model\n"
          "  analyze FILE ...      metrics of trajectories against references\n"
          "  help COMMAND          usage of one command\n"
          "\n"
          "options: --help, --version\n"
          "\npotentials ([system] potential):\n",
          out);
    const digs_potential_ops *const *pots = digs_potential_registry();
    for (int i = 0; pots[i]; i++)
        fprintf(out, "  %-12s %s\n", pots[i]->name, pots[i]->summary);
    fputs("\nmethods ([run] method):\n", out);
    const digs_sampler_ops *const *smp = digs_sampler_registry();
    for (int i = 0; smp[i]; i++)
        fprintf(out, "  %-12s %s\n", smp[i]->name, smp[i]->summary);
    fputs("\nDocumentation: doc/user-guide.md, doc/deck.md\n", out);
}

typedef int (*command_fn)(int argc, char **argv);

static const struct {
    const char *name;
    command_fn run;
    const char *usage;
} commands[] = {
    {"run", digs_cmd_run, digs_usage_run},
    {"energy", digs_cmd_energy, digs_usage_energy},
    {"sample", digs_cmd_sample, digs_usage_sample},
    {"analyze", digs_cmd_analyze, digs_usage_analyze},
};

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s\n", PACKAGE_STRING);
        return 0;
    }
    size_t n_commands = sizeof commands / sizeof commands[0];
    if (strcmp(argv[1], "help") == 0) {
        for (size_t i = 0; argc > 2 && i < n_commands; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                fputs(commands[i].usage, stdout);
                return 0;
            }
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < n_commands; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        MPI_Init(&argc, &argv);
        int code = commands[i].run(argc - 1, argv + 1);
        MPI_Finalize();
        return code;
    }
    fprintf(stderr, "digs: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
