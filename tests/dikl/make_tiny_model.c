/* Test helper for tests/dikl/test_sample.sh: build an untrained DiKL model
 * file for a deck through the same APIs the trainer uses, and optionally
 * the samples `digs sample` must draw from it.
 *
 * usage: make_tiny_model DECK OUT.h5 [--expect N SEED FILE.npy]
 *
 * The networks come from the deck's [dikl] section with the trainer's
 * initialisation streams (net 0 generator, 1 score).  The selected
 * generator /dikl/best is the initial generator plus N(0, 0.05²) noise, so
 * it differs from both the initial and the stored current generator: a
 * sampler that loaded the wrong group, or none, gives other samples.  Five
 * curve rows (metric NaN except at iteration 3, the best) are stored.
 *
 * --expect writes N samples of /dikl/best as float64 [N][dim], drawn from
 * the stream doc/file-formats.md documents for `digs sample`: key (SEED,
 * 2^42), counter (sweep 0, DIGS_RNG_DIKL, substep 0), latents in sample
 * order. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/config.h"
#include "dikl/model.h"
#include "dikl/nets.h"
#include "io/npy.h"
#include "nn/adam.h"
#include "nn/init.h"
#include "potentials/potential.h"

typedef struct tiny {
    digs_deck *deck;
    digs_potential *pot;
    dikl_config cfg;
    nn_params gen_p, score_p, best_p;
    dikl_net gen, score, best;
    nn_adam adam_gen, adam_score;
    dikl_curves curves;
    nn_real *z, *xr;
    double *x;
} tiny;

static int build(tiny *t, const char *deck_path)
{
    char *text = NULL;
    DIGS_CHECK(digs_deck_read_text(deck_path, &text));
    int status = digs_deck_parse(&t->deck, text, deck_path);
    free(text);
    DIGS_CHECK(status);
    DIGS_CHECK(digs_potential_create(t->deck, &t->pot));
    DIGS_CHECK(dikl_config_read(t->deck, t->pot, &t->cfg));
    const digs_potential *p = t->pot;
    digs_stream rng;
    nn_init_stream(&rng, t->cfg.seed, 0);
    DIGS_CHECK(dikl_net_create(&t->gen, &t->gen_p, "generator",
                               &t->cfg.generator, p->dim, p->n_particles,
                               p->spatial_dim, 0, 0, &rng));
    nn_init_stream(&rng, t->cfg.seed, 1);
    DIGS_CHECK(dikl_net_create(&t->score, &t->score_p, "score", &t->cfg.score,
                               p->dim, p->n_particles, p->spatial_dim, 1,
                               t->cfg.T, &rng));
    nn_init_stream(&rng, t->cfg.seed, 0);
    DIGS_CHECK(dikl_net_create(&t->best, &t->best_p, "generator",
                               &t->cfg.generator, p->dim, p->n_particles,
                               p->spatial_dim, 0, 0, &rng));
    digs_stream noise;
    digs_stream_init(&noise, 11, 0, 0, DIGS_RNG_TEST, 0);
    for (size_t i = 0; i < t->best_p.n; i++)
        t->best_p.value[i] += (nn_real)(0.05 * digs_stream_normal(&noise));
    DIGS_CHECK(nn_adam_init(&t->adam_gen, &t->gen_p, t->cfg.lr_generator));
    DIGS_CHECK(nn_adam_init(&t->adam_score, &t->score_p, t->cfg.lr_score));
    for (int it = 1; it <= 5; it++) {
        double row[DIKL_N_CURVES] = {it,         10.0 / it,  -2.0 + 0.1 * it,
                                     1.5,        0.55,       0.01 * it,
                                     it == 3 ? 0.25 : NAN,   0.5 * it};
        DIGS_CHECK(dikl_curves_append(&t->curves, row));
    }
    return DIGS_OK;
}

static int save(tiny *t, const char *out)
{
    dikl_model_state s = {.deck_text = digs_deck_text(t->deck),
                          .iteration = 5,
                          .best_iteration = 3,
                          .best_metric = 0.25,
                          .eta = 0.05,
                          .rng_draws = 0,
                          .best = &t->best_p,
                          .generator = &t->gen_p,
                          .score = &t->score_p,
                          .adam_generator = &t->adam_gen,
                          .adam_score = &t->adam_score,
                          .curves = &t->curves};
    return dikl_model_save(out, &s);
}

static int expect(tiny *t, int n, uint32_t seed, const char *path)
{
    int dim = t->pot->dim;
    DIGS_CALLOC(t->z, (size_t)n * dim);
    DIGS_CALLOC(t->xr, (size_t)n * dim);
    DIGS_CALLOC(t->x, (size_t)n * dim);
    digs_stream rng;
    digs_stream_init(&rng, seed, (uint64_t)1 << 42, 0, DIGS_RNG_DIKL, 0);
    DIGS_CHECK(dikl_net_generate(&t->best, &t->best_p, &rng, n, n, t->z,
                                 t->xr));
    for (size_t k = 0; k < (size_t)n * dim; k++)
        t->x[k] = t->xr[k];
    int64_t shape[2] = {n, dim};
    return digs_npy_write(path, t->x, 2, shape, 0);
}

static void release(tiny *t)
{
    if (t->gen_p.n)
        dikl_net_destroy(&t->gen);
    if (t->score_p.n)
        dikl_net_destroy(&t->score);
    if (t->best_p.n)
        dikl_net_destroy(&t->best);
    nn_adam_free(&t->adam_gen);
    nn_adam_free(&t->adam_score);
    nn_params_free(&t->gen_p);
    nn_params_free(&t->score_p);
    nn_params_free(&t->best_p);
    dikl_curves_free(&t->curves);
    free(t->z);
    free(t->xr);
    free(t->x);
    digs_potential_destroy(&t->pot);
    digs_deck_destroy(&t->deck);
}

int main(int argc, char **argv)
{
    if (!(argc == 3 || (argc == 7 && strcmp(argv[3], "--expect") == 0))) {
        fputs("usage: make_tiny_model DECK OUT.h5 [--expect N SEED FILE.npy]\n",
              stderr);
        return 2;
    }
    tiny t;
    memset(&t, 0, sizeof t);
    nn_params_init(&t.gen_p);
    nn_params_init(&t.score_p);
    nn_params_init(&t.best_p);
    int status = build(&t, argv[1]);
    if (status == DIGS_OK)
        status = save(&t, argv[2]);
    if (status == DIGS_OK && argc == 7)
        status = expect(&t, atoi(argv[4]), (uint32_t)strtoul(argv[5], NULL, 10),
                        argv[6]);
    release(&t);
    if (status != DIGS_OK) {
        fprintf(stderr, "make_tiny_model: %s\n", digs_error_message());
        return 1;
    }
    return 0;
}
