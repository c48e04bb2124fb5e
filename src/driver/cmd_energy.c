/* `digs energy DECK COORDS [--forces FILE.npy]`: single-point energies.
 * Rank 0 does the work (it is cheap); other ranks only join the collective
 * error agreement, so the command behaves the same under mpirun. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "core/status.h"
#include "driver/commands.h"
#include "driver/coords.h"
#include "driver/deck_load.h"
#include "driver/report.h"
#include "io/npy.h"
#include "potentials/potential.h"

const char digs_usage_energy[] =
    "usage: digs energy DECK COORDS [--forces FILE.npy]\n"
    "\n"
    "Print the energy of each configuration in COORDS for the [system] of\n"
    "DECK (other sections are ignored): a header line naming the columns\n"
    "(frame total <term> ...) then one line per frame, in the potential's\n"
    "energy unit.\n"
    "\n"
    "  COORDS            .npy (float32/float64, shape [frames, atoms, dim]\n"
    "                    or [frames, atoms*dim]) or multi-model .pdb (Å)\n"
    "  --forces FILE     write forces (= -gradient) to FILE.npy, float64,\n"
    "                    with the shape of COORDS\n";

typedef struct energy_options {
    const char *deck, *coords, *forces;
} energy_options;

static int parse_options(int argc, char **argv, int rank, energy_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (rank == 0)
                fputs(digs_usage_energy, stdout);
            return 1;
        } else if (strcmp(argv[i], "--forces") == 0 && i + 1 < argc) {
            o->forces = argv[++i];
        } else if (argv[i][0] != '-' && !o->deck) {
            o->deck = argv[i];
        } else if (argv[i][0] != '-' && !o->coords) {
            o->coords = argv[i];
        } else {
            if (rank == 0)
                fprintf(stderr, "digs energy: unexpected argument '%s'\n%s",
                        argv[i], digs_usage_energy);
            return 2;
        }
    }
    if (!o->coords) {
        if (rank == 0)
            fprintf(stderr, "digs energy: need DECK and COORDS\n%s",
                    digs_usage_energy);
        return 2;
    }
    return 0;
}

static int evaluate(digs_deck *deck, const energy_options *o)
{
    digs_potential *pot = NULL;
    digs_coords c = {0};
    double *terms = NULL, *forces = NULL;
    int status = digs_potential_create(deck, &pot);
    if (status == DIGS_OK)
        status = digs_deck_check_unused_section(deck, "system");
    if (status == DIGS_OK)
        status = digs_coords_read(o->coords, pot, &c);
    if (status == DIGS_OK) {
        terms = calloc((size_t)pot->n_terms, sizeof *terms);
        if (o->forces)
            forces = calloc((size_t)c.frames * pot->dim, sizeof *forces);
        if (!terms || (o->forces && !forces))
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    if (status == DIGS_OK) {
        int single = pot->n_terms == 1;
        printf("frame total");
        for (int t = 0; !single && t < pot->n_terms; t++)
            printf(" %s", pot->term_names[t]);
        putchar('\n');
        for (long f = 0; f < c.frames; f++) {
            const double *x = c.x + (size_t)f * pot->dim;
            double *g = forces ? forces + (size_t)f * pot->dim : NULL;
            double e = digs_potential_energy(pot, x, g);
            printf("%ld %.15g", f, e);
            if (!single) {
                digs_potential_terms(pot, x, terms);
                for (int t = 0; t < pot->n_terms; t++)
                    printf(" %.15g", terms[t]);
            }
            putchar('\n');
            if (g)
                for (int k = 0; k < pot->dim; k++)
                    g[k] = -g[k];
        }
        fflush(stdout);
    }
    if (status == DIGS_OK && forces)
        status = digs_npy_write(o->forces, forces, c.ndim, c.shape, 0);
    free(forces);
    free(terms);
    digs_coords_free(&c);
    digs_potential_destroy(&pot);
    return status;
}

int digs_cmd_energy(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank;
    MPI_Comm_rank(comm, &rank);
    energy_options opt;
    int usage = parse_options(argc, argv, rank, &opt);
    if (usage)
        return usage == 1 ? 0 : 2;
    digs_deck *deck;
    if (digs_driver_load_deck(comm, opt.deck, &deck) != DIGS_OK)
        return 1;
    int status = rank == 0 ? evaluate(deck, &opt) : DIGS_OK;
    digs_deck_destroy(&deck);
    return digs_report_collective(comm, status) == DIGS_OK ? 0 : 1;
}
