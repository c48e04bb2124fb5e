/* `digs sample MODEL.h5 --n N -o OUT.h5 [--seed S] [--batch B]`: draw N
 * independent samples from a trained DiKL generator and write them as an
 * H5MD trajectory that `digs analyze` and MDAnalysis read unchanged.
 *
 * The generator is rebuilt from the deck stored in the model file
 * (/dikl/deck: [system] for the potential, [dikl] for the architecture)
 * and its weights are /dikl/best (src/dikl/model.h).
 *
 * Output layout (doc/file-formats.md, "`digs sample` output"): one chain,
 * N records, i.e. frame i is sample i with chain_id 0 and sweep = step =
 * time = i; potential_energy holds E(x_i) and acceptance 1 (every draw is
 * kept).  To `digs analyze` this is one chain of N independent records:
 * --burn-in 0 keeps every sample and the energy IAT comes out ≈ 1, a check
 * that the draws are independent.  MDAnalysis sees N frames.
 *
 * Randomness: one Philox stream key (seed, DIKL_KEY_SAMPLE), counter
 * (sweep 0, purpose DIGS_RNG_DIKL, substep 0); the trainer's streams use
 * other keys (src/dikl/trainer.h), so sampling never replays a training
 * draw.  Latents are drawn in sample order from that one stream, so the
 * output does not depend on --batch.
 *
 * Rank 0 does the work; other ranks only join the collective error
 * agreement (as in `digs energy`), so the command behaves the same under
 * mpirun. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "config.h"
#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/config.h"
#include "dikl/model.h"
#include "dikl/nets.h"
#include "dikl/trainer.h"
#include "driver/commands.h"
#include "driver/report.h"
#include "driver/run_digs.h"
#include "io/h5md.h"
#include "nn/init.h"
#include "nn/params.h"
#include "potentials/potential.h"

enum { DEFAULT_BATCH = 1024, MAX_BATCH = 1 << 20 };

const char digs_usage_sample[] =
    "usage: digs sample MODEL.h5 --n N -o OUT.h5 [--seed S] [--batch B]\n"
    "\n"
    "Draw N independent samples from the trained DiKL generator in MODEL.h5\n"
    "(the selected generator, /dikl/best) and write them as an H5MD file:\n"
    "one chain of N records, with each sample's potential energy under\n"
    "/observables/potential_energy.  `digs analyze OUT.h5 --ref ...` works\n"
    "on it directly (burn-in 0).  Prints the sampling time.\n"
    "\n"
    "  --n N        number of samples (>= 1)\n"
    "  -o OUT.h5    output file (overwritten)\n"
    "  --seed S     seed of the latent draws (default: the stored deck's\n"
    "               [dikl] seed); the same seed gives the same file\n"
    "  --batch B    samples generated per network pass (1024); does not\n"
    "               change the samples\n";

typedef struct sample_options {
    const char *model, *out;
    long n, batch;
    uint32_t seed;
    int has_seed;
} sample_options;

/* Parse a whole decimal integer in [min, max]. */
static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || v < min || v > max)
        return 0;
    *out = (long)v;
    return 1;
}

/* 0 parsed, 1 --help printed, 2 usage error (printed by rank 0). */
static int parse_options(int argc, char **argv, int rank, sample_options *o)
{
    memset(o, 0, sizeof *o);
    o->batch = DEFAULT_BATCH;
    const char *bad = NULL;
    for (int i = 1; i < argc && !bad; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        long v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            if (rank == 0)
                fputs(digs_usage_sample, stdout);
            return 1;
        } else if (strcmp(a, "--n") == 0 && has_value) {
            if (!parse_long(argv[++i], 1, INT32_MAX, &o->n))
                bad = "--n needs an integer >= 1";
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) &&
                   has_value) {
            o->out = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && has_value) {
            if (!parse_long(argv[++i], 0, UINT32_MAX, &v))
                bad = "--seed needs an integer in 0..4294967295";
            else
                o->seed = (uint32_t)v;
            o->has_seed = 1;
        } else if (strcmp(a, "--batch") == 0 && has_value) {
            if (!parse_long(argv[++i], 1, MAX_BATCH, &o->batch))
                bad = "--batch needs an integer in 1..1048576";
        } else if (a[0] != '-' && !o->model) {
            o->model = a;
        } else {
            if (rank == 0)
                fprintf(stderr, "digs sample: unexpected argument '%s'\n%s",
                        a, digs_usage_sample);
            return 2;
        }
    }
    if (!bad && (!o->model || !o->out || o->n < 1))
        bad = "need MODEL.h5, --n N and -o OUT.h5";
    if (bad) {
        if (rank == 0)
            fprintf(stderr, "digs sample: %s\n%s", bad, digs_usage_sample);
        return 2;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct sampler_state {
    digs_deck *deck;
    digs_potential *pot;
    dikl_config cfg;
    nn_params params;
    dikl_net net;
    int has_net;
    digs_h5md *out;
    nn_real *z, *xr;       /* [batch][dim] latents and network output */
    double *x, *e;         /* [batch][dim] coordinates, [batch] energies */
} sampler_state;

static void sampler_free(sampler_state *s)
{
    if (s->has_net)
        dikl_net_destroy(&s->net);
    nn_params_free(&s->params);
    digs_h5md_close(&s->out);
    free(s->z);
    free(s->xr);
    free(s->x);
    free(s->e);
    digs_potential_destroy(&s->pot);
    digs_deck_destroy(&s->deck);
}

/* Deck, potential, [dikl] and the generator with /dikl/best loaded. */
static int load_generator(const sample_options *o, sampler_state *s)
{
    char *text = NULL;
    DIGS_CHECK(dikl_model_read_deck(o->model, &text));
    char label[4200];
    snprintf(label, sizeof label, "%s:/dikl/deck", o->model);
    int status = digs_deck_parse(&s->deck, text, label);
    free(text);
    DIGS_CHECK(status);
    DIGS_CHECK(digs_potential_create(s->deck, &s->pot));
    DIGS_CHECK(dikl_config_read(s->deck, s->pot, &s->cfg));
    const digs_potential *p = s->pot;
    /* the initial weights are overwritten by /dikl/best; the trainer's
     * init stream keeps any frozen buffers identical all the same */
    digs_stream init_rng;
    nn_init_stream(&init_rng, s->cfg.seed, 0);
    nn_params_init(&s->params);
    DIGS_CHECK(dikl_net_create(&s->net, &s->params, "generator",
                               &s->cfg.generator, p->dim, p->n_particles,
                               p->spatial_dim, 0, 0, &init_rng));
    s->has_net = 1;
    return dikl_model_read_best(o->model, &s->params);
}

/* The output file: one chain, frames of the potential's shape; units as
 * `digs run` writes them (src/driver/cmd_run.c). */
static int open_output(const sample_options *o, sampler_state *s,
                       uint32_t seed)
{
    const digs_potential *p = s->pot;
    int particles = p->n_particles > 0;
    digs_h5md_spec spec = {
        .path = o->out,
        .group = "chains",
        .n_chains = 1,
        .first_chain = 0,
        .n_local = 1,
        .n_particles = particles ? p->n_particles : 1,
        .spatial_dim = particles ? p->spatial_dim : p->dim,
        .length_unit = digs_run_length_unit(p),
        .energy_unit = digs_run_energy_unit(p),
        .buffer_records = (int)o->batch,
    };
    DIGS_CHECK(digs_h5md_create(&s->out, MPI_COMM_SELF, &spec));
    char text[64];
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "deck",
                                       digs_deck_text(s->deck)));
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "program", PACKAGE_STRING));
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "potential", p->ops->name));
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "method", "dikl"));
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "model", o->model));
    snprintf(text, sizeof text, "%" PRIu32, seed);
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "seed", text));
    snprintf(text, sizeof text, "%ld", o->n);
    DIGS_CHECK(digs_h5md_set_parameter(s->out, "samples", text));
    DIGS_CHECK(digs_run_write_topology(s->out, p));
    return DIGS_OK;
}

/* Generate, score and append the samples batch by batch; *seconds is the
 * time spent in the generator (latents and network passes). */
static int draw(const sample_options *o, sampler_state *s, uint32_t seed,
                double *seconds)
{
    int dim = s->pot->dim, B = (int)(o->batch < o->n ? o->batch : o->n);
    DIGS_CALLOC(s->z, (size_t)B * dim);
    DIGS_CALLOC(s->xr, (size_t)B * dim);
    DIGS_CALLOC(s->x, (size_t)B * dim);
    DIGS_CALLOC(s->e, B);
    digs_stream rng;
    digs_stream_init(&rng, seed, DIKL_KEY_SAMPLE, 0, DIGS_RNG_DIKL, 0);
    const double one = 1.0;
    *seconds = 0;
    for (long first = 0; first < o->n; first += B) {
        int m = o->n - first < B ? (int)(o->n - first) : B;
        double t0 = now();
        DIGS_CHECK(dikl_net_generate(&s->net, &s->params, &rng, m, m, s->z,
                                     s->xr));
        *seconds += now() - t0;
        size_t count = (size_t)m * dim;
        for (size_t k = 0; k < count; k++) {
            s->x[k] = (double)s->xr[k];
            if (!isfinite(s->x[k]))
                return DIGS_FAIL(DIGS_ERR_NUMERIC,
                                 "%s: sample %ld has a non-finite coordinate "
                                 "(the generator in /dikl/best is broken)",
                                 o->model, first + (long)(k / dim));
        }
        digs_potential_energy_batch(s->pot, m, s->x, s->e, NULL);
        for (int i = 0; i < m; i++) {
            long index = first + i;
            DIGS_CHECK(digs_h5md_append(s->out, index, (double)index,
                                        s->x + (size_t)i * dim, &s->e[i],
                                        &one, NULL));
        }
    }
    return digs_h5md_close(&s->out);
}

/* Rank 0's whole job.  A failure after the output was created removes it,
 * so no half-written sample file is left behind. */
static int sample(const sample_options *o)
{
    sampler_state s;
    memset(&s, 0, sizeof s);
    int status = load_generator(o, &s);
    uint32_t seed = o->has_seed ? o->seed : s.cfg.seed;
    int created = 0;
    double seconds = 0;
    if (status == DIGS_OK) {
        status = open_output(o, &s, seed);
        created = status == DIGS_OK;
    }
    if (status == DIGS_OK)
        status = draw(o, &s, seed, &seconds);
    sampler_free(&s);
    if (status != DIGS_OK) {
        if (created)
            unlink(o->out);
        return status;
    }
    printf("drew %ld samples in %.3f s (%.3g µs/sample)\n", o->n, seconds,
           1e6 * seconds / (double)o->n);
    fflush(stdout);
    return DIGS_OK;
}

/* Entry point (src/main.c); every rank calls it after MPI_Init. */
int digs_cmd_sample(int argc, char **argv)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank;
    MPI_Comm_rank(comm, &rank);
    sample_options opt;
    int usage = parse_options(argc, argv, rank, &opt);
    if (usage)
        return usage == 1 ? 0 : 2;
    int status = rank == 0 ? sample(&opt) : DIGS_OK;
    return digs_report_collective(comm, status) == DIGS_OK ? 0 : 1;
}
