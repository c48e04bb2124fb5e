/* [dikl] deck section.  Defaults are REFERENCE.md §6.7's values for the
 * target's kind (MLP column for targets without particles, DW-4 column
 * for particle targets); the shipped decks spell out every value. */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "dikl/config.h"

static const char S[] = "dikl";

static int read_net(digs_deck *deck, const char *prefix, int egnn,
                    int default_layers, dikl_net_spec *net)
{
    char key[64];
    long v;
    snprintf(key, sizeof key, "%s_width", prefix);
    DIGS_CHECK(digs_deck_long(deck, S, key, egnn ? "144" : "400", 1, 4096,
                              &v));
    net->width = (int)v;
    snprintf(key, sizeof key, "%s_layers", prefix);
    char dflt[16];
    snprintf(dflt, sizeof dflt, "%d", default_layers);
    DIGS_CHECK(digs_deck_long(deck, S, key, dflt, 1, 64, &v));
    net->layers = (int)v;
    net->kind = egnn ? DIKL_NET_EGNN : DIKL_NET_MLP;
    return DIGS_OK;
}

static int read_networks(digs_deck *deck, const digs_potential *pot,
                         dikl_config *c)
{
    static const char *const kinds[] = {"mlp", "egnn", NULL};
    int kind;
    DIGS_CHECK(digs_deck_choice(deck, S, "network",
                                pot->n_particles >= 2 ? "egnn" : "mlp",
                                kinds, &kind));
    if (kind == DIKL_NET_EGNN && pot->n_particles < 2)
        return digs_deck_reject(deck, S, "network",
                                "an EGNN needs a particle system; this "
                                "target has no particles (use mlp)");
    int egnn = kind == DIKL_NET_EGNN;
    DIGS_CHECK(read_net(deck, "generator", egnn, egnn ? 8 : 4,
                        &c->generator));
    DIGS_CHECK(read_net(deck, "score", egnn, egnn ? 8 : 4, &c->score));
    static const char *const acts[] = {"relu", "silu", "tanh", NULL};
    static const enum nn_act act_of[] = {NN_ACT_RELU, NN_ACT_SILU,
                                         NN_ACT_TANH};
    int a;
    DIGS_CHECK(digs_deck_choice(deck, S, "activation", "silu", acts, &a));
    c->generator.act = c->score.act = act_of[a];
    double fs;
    DIGS_CHECK(digs_deck_double(deck, S, "fourier_scale", "30", 0, 1e6, &fs));
    c->generator.fourier_scale = c->score.fourier_scale = fs;
    int rc;
    DIGS_CHECK(digs_deck_bool(deck, S, "recompute", "no", &rc));
    c->generator.recompute = c->score.recompute = rc;
    return DIGS_OK;
}

static int read_schedule(digs_deck *deck, int egnn, dikl_config *c)
{
    long v;
    DIGS_CHECK(digs_deck_long(deck, S, "T", "30", 2, 1000, &v));
    c->T = (int)v;
    DIGS_CHECK(digs_deck_double(deck, S, "beta_start", egnn ? "1e-6" : "1e-4",
                                1e-12, 0.999, &c->beta_start));
    DIGS_CHECK(digs_deck_double(deck, S, "beta_end", egnn ? "0.05" : "0.15",
                                1e-12, 0.999, &c->beta_end));
    if (c->beta_end < c->beta_start)
        return digs_deck_reject(deck, S, "beta_end",
                                "expected beta_end >= beta_start");
    static const char *const weights[] = {"one", "inv_a", NULL};
    int w;
    DIGS_CHECK(digs_deck_choice(deck, S, "weight", egnn ? "one" : "inv_a",
                                weights, &w));
    c->weight_inv_a = w;
    DIGS_CHECK(digs_deck_long(deck, S, "level_warmup", "0", 0, 100000000,
                              &c->level_warmup));
    DIGS_CHECK(digs_deck_long(deck, S, "level_cap", "0", 0, c->T - 1, &v));
    c->level_cap = (int)v;
    char from[32]; /* default: the end of the warm-up */
    snprintf(from, sizeof from, "%ld", c->level_warmup);
    DIGS_CHECK(digs_deck_long(deck, S, "level_cap_from", from, 0, 100000000,
                              &c->level_cap_from));
    if (c->level_cap > 0 && c->level_cap_from < c->level_warmup)
        return digs_deck_reject(deck, S, "level_cap_from",
                                "expected level_cap_from >= level_warmup "
                                "(the cap applies once every level is in)");
    DIGS_CHECK(digs_deck_double(deck, S, "level_cap_keep", "0", 0, 1,
                                &c->level_cap_keep));
    if (c->level_cap_keep > 0 && c->level_cap == 0)
        return digs_deck_reject(deck, S, "level_cap_keep",
                                "expected a level_cap > 0 for it to soften");
    return DIGS_OK;
}

static int read_optimisation(digs_deck *deck, int egnn, dikl_config *c)
{
    long v;
    DIGS_CHECK(digs_deck_long(deck, S, "batch", "1024", 1, 1 << 20, &v));
    c->batch = (int)v;
    DIGS_CHECK(digs_deck_double(deck, S, "lr_generator", egnn ? "5e-4" : "1e-3",
                                0, 10, &c->lr_generator));
    DIGS_CHECK(digs_deck_double(deck, S, "lr_score", "1e-4", 0, 10,
                                &c->lr_score));
    DIGS_CHECK(digs_deck_long(deck, S, "lr_drop_at", "0", 0, 100000000,
                              &c->lr_drop_at));
    DIGS_CHECK(digs_deck_double(deck, S, "lr_drop", "0.1", 0, 1, &c->lr_drop));
    DIGS_CHECK(digs_deck_long(deck, S, "score_steps", egnn ? "100" : "50", 0,
                              1000000, &v));
    c->score_steps = (int)v;
    /* at most 64 chunks: every rank keeps K gradient copies */
    DIGS_CHECK(digs_deck_long(deck, S, "score_chunks", "1", 1,
                              c->batch < 64 ? c->batch : 64, &v));
    c->score_chunks = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "generator_chunks", "1", 1,
                              c->batch < 64 ? c->batch : 64, &v));
    c->generator_chunks = (int)v;
    if (c->generator_chunks > 1 && c->score_chunks == 1)
        return digs_deck_reject(deck, S, "generator_chunks",
                                "needs score_chunks > 1 (the ranks then "
                                "hold both networks)");
    DIGS_CHECK(digs_deck_long(deck, S, "iterations", NULL, 1, 100000000,
                              &c->iterations));
    DIGS_CHECK(digs_deck_double(deck, S, "clip", "10", 0, 1e30, &c->clip));
    DIGS_CHECK(digs_deck_double(deck, S, "ema", "0", 0, 0.999999, &c->ema));
    return DIGS_OK;
}

static int read_posterior(digs_deck *deck, const digs_potential *pot,
                          int egnn, dikl_config *c)
{
    dikl_posterior_config *p = &c->posterior;
    long v;
    DIGS_CHECK(digs_deck_long(deck, S, "n_is", egnn ? "20" : "10", 1, 100000,
                              &v));
    p->n_is = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "ais_levels", egnn ? "10" : "15", 1,
                              100000, &v));
    p->ais_levels = (int)v;
    static const char *const kernels[] = {"hmc", "mala", NULL};
    int k;
    DIGS_CHECK(digs_deck_choice(deck, S, "ais_kernel", egnn ? "mala" : "hmc",
                                kernels, &k));
    p->ais_kernel = k == 0 ? DIKL_AIS_HMC : DIKL_AIS_MALA;
    DIGS_CHECK(digs_deck_double(deck, S, "ais_step", egnn ? "0.01" : "1.0",
                                1e-12, 1e6, &p->ais_step));
    DIGS_CHECK(digs_deck_long(deck, S, "ais_substeps", "1", 1, 100000, &v));
    p->ais_substeps = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "mala_steps", egnn ? "50" : "5", 0,
                              1000000, &v));
    p->mala_steps = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "sample_size", "1", 1, 1000000, &v));
    p->sample_size = (int)v;
    if (p->sample_size > (p->mala_steps > 1 ? p->mala_steps : 1))
        return digs_deck_reject(deck, S, "sample_size",
                                "expected at most mala_steps (at least 1)");
    DIGS_CHECK(digs_deck_long(deck, S, "coordinate_sweeps", "0", 0, 100000,
                              &v));
    p->coordinate_sweeps = (int)v;
    if (p->coordinate_sweeps > 0 && pot->translation_invariant)
        return digs_deck_reject(deck, S, "coordinate_sweeps",
                                "expected 0 for a particle target (its "
                                "centred coordinates do not factorise)");
    DIGS_CHECK(digs_deck_double(deck, S, "mala_step", "0.01", 1e-12, 1e6,
                                &c->eta));
    DIGS_CHECK(digs_deck_bool(deck, S, "adaptive_step", egnn ? "yes" : "no",
                              &c->adaptive_step));
    DIGS_CHECK(digs_deck_bool(deck, S, "step_per_level", "no",
                              &c->step_per_level));
    DIGS_CHECK(digs_deck_long(deck, S, "pool_moves", "0", 0, 1000000, &v));
    c->pool_moves = (int)v;
    static const char *const energies[] = {"target", "smoothed",
                                           "unguarded", NULL};
    int e;
    DIGS_CHECK(digs_deck_choice(deck, S, "posterior_energy", "target",
                                energies, &e));
    c->posterior_energy = (dikl_posterior_energy)e;
    if (e == DIKL_ENERGY_SMOOTHED && strcmp(pot->ops->name, "lj13") != 0)
        return digs_deck_reject(deck, S, "posterior_energy",
                                "the smoothed energy exists only for "
                                "potential = lj13");
    if (e == DIKL_ENERGY_UNGUARDED && strcmp(pot->ops->name, "mog40") != 0)
        return digs_deck_reject(deck, S, "posterior_energy",
                                "the unguarded energy exists only for "
                                "potential = mog40");
    return DIGS_OK;
}

static int read_selection(digs_deck *deck, dikl_config *c)
{
    static const char *const sel[] = {"none", "energy_tvd", "mean_energy",
                                      "reference", NULL};
    int s;
    long v;
    DIGS_CHECK(digs_deck_choice(deck, S, "selection", "none", sel, &s));
    c->selection = (dikl_selection)s;
    DIGS_CHECK(digs_deck_long(deck, S, "check_every", "20", 1, 100000000, &v));
    c->check_every = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "check_samples", "5000", 10, 10000000,
                              &v));
    c->check_samples = (int)v;
    DIGS_CHECK(digs_deck_long(deck, S, "check_mala_steps", "50", 1, 1000000,
                              &v));
    c->check_mala_steps = (int)v;
    return DIGS_OK;
}

int dikl_config_read(digs_deck *deck, const digs_potential *pot,
                     dikl_config *c)
{
    memset(c, 0, sizeof *c);
    long v;
    DIGS_CHECK(digs_deck_long(deck, S, "seed", "0", 0, 4294967295L, &v));
    c->seed = (uint32_t)v;
    DIGS_CHECK(read_networks(deck, pot, c));
    int egnn = c->generator.kind == DIKL_NET_EGNN;
    DIGS_CHECK(read_schedule(deck, egnn, c));
    DIGS_CHECK(read_optimisation(deck, egnn, c));
    DIGS_CHECK(read_posterior(deck, pot, egnn, c));
    DIGS_CHECK(read_selection(deck, c));
    DIGS_CHECK(digs_deck_long(deck, S, "checkpoint_every", "20", 1,
                              100000000, &c->checkpoint_every));
    DIGS_CHECK(digs_deck_long(deck, S, "progress_every", "1", 1, 100000000,
                              &v));
    c->progress_every = (int)v;
    const char *model;
    DIGS_CHECK(digs_deck_string(deck, S, "model", "dikl-model.h5", &model));
    if (strlen(model) >= sizeof c->model_path)
        return digs_deck_reject(deck, S, "model", "path too long");
    strcpy(c->model_path, model);
    return DIGS_OK;
}
