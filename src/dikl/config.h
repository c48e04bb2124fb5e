/* The [dikl] deck section (doc/deck.md, REFERENCE.md §6.7 for the
 * per-target values the shipped decks use). */
#ifndef DIGS_DIKL_CONFIG_H
#define DIGS_DIKL_CONFIG_H

#include <stdint.h>

#include "core/deck.h"
#include "dikl/nets.h"
#include "dikl/posterior.h"
#include "potentials/potential.h"

typedef enum dikl_selection {
    DIKL_SELECT_NONE = 0,     /* keep the last generator (MoG-40, MW-32) */
    DIKL_SELECT_ENERGY_TVD,   /* raw vs MALA-refined energy TVD (DW-4) */
    DIKL_SELECT_MEAN_ENERGY,  /* mean energy of samples with E < 300 (LJ-13) */
    DIKL_SELECT_REFERENCE     /* energy (+ distance) TVD against a reference
                                 set handed in by the host (DiGS run) */
} dikl_selection;

/* Which energy the posterior sampler uses (the metrics and model
 * selection always use the target's own). */
typedef enum dikl_posterior_energy {
    DIKL_ENERGY_TARGET = 0,   /* the target in both stages */
    DIKL_ENERGY_SMOOTHED,     /* LJ-13: smoothed energy in Stage B (§7.4) */
    DIKL_ENERGY_UNGUARDED     /* MoG-40: no log p < -1e4 guard, both stages */
} dikl_posterior_energy;

typedef struct dikl_config {
    uint32_t seed;
    dikl_net_spec generator, score;
    int T;                      /* schedule steps (t drawn from 1..T−1,
                                   or from higher during level_warmup) */
    double beta_start, beta_end;
    int weight_inv_a;           /* w(t) = 1/a_t (1) or 1 (0) */
    long level_warmup;          /* iterations over which the lowest level
                                   drawn falls from T−1 to 1 (0: all levels
                                   from the start; dikl_lowest_level) */
    int level_cap;              /* highest level drawn from iteration
                                   level_cap_from on (0: T−1 throughout;
                                   dikl_highest_level) */
    long level_cap_from;
    double level_cap_keep;      /* while the cap applies, the share of rows
                                   still drawn from every level (0: the
                                   cap is hard) */
    int batch;                  /* generator and score batch B */
    double lr_generator, lr_score;
    long lr_drop_at;            /* generator steps from this iteration on use
                                   lr_generator · lr_drop (0: never) */
    double lr_drop;
    int score_steps;            /* score-network steps per generator step */
    int score_chunks;           /* 1: rank 0 runs the score phase alone;
                                   K > 1: the batch is cut into K chunks
                                   dealt over the ranks (score_phase.c) */
    int generator_chunks;       /* 1: rank 0 runs the generator pass alone;
                                   K > 1: in K chunks over the ranks
                                   (generator_phase.c; needs score_chunks
                                   > 1) */
    long iterations;            /* generator steps */
    double clip;                /* generator global grad-norm clip */
    dikl_posterior_config posterior;
    double eta;                 /* initial Stage-B MALA step size */
    int adaptive_step;          /* §6.5 ×1.5 / ÷1.5 rule after each iteration */
    double ema;                 /* decay of the generator's exponential moving
                                   average (0: off); selection, the selected
                                   generator and sampling use the average */
    int step_per_level;         /* one Stage-B η per schedule level (1) or one
                                   for all levels (0, §6.5) */
    int pool_moves;             /* independence MH moves from the host's pool
                                   per posterior element (0: off) */
    dikl_posterior_energy posterior_energy; /* energy of Stages A/B */
    dikl_selection selection;
    int check_every;            /* iterations between model-selection checks */
    int check_samples;          /* generator samples per check */
    int check_mala_steps;       /* MALA steps of the energy-TVD check */
    long checkpoint_every;      /* iterations between model-file writes */
    int progress_every;         /* iterations between progress lines */
    char model_path[4096];      /* the model / checkpoint file */
} dikl_config;

/* Read and validate [dikl] for potential pot (defaults follow §6.7 for the
 * potential's kind: EGNN for particle targets, MLP otherwise).  Errors name
 * the deck file, line and the expected values. */
int dikl_config_read(digs_deck *deck, const digs_potential *pot,
                     dikl_config *cfg);

#endif
