/* The [run] and [output] sections of a deck (doc/deck.md). */
#ifndef DIGS_DRIVER_RUN_CONFIG_H
#define DIGS_DRIVER_RUN_CONFIG_H

#include <stdint.h>

#include "core/deck.h"
#include "potentials/potential.h"

enum digs_init_kind {
    DIGS_INIT_AUTO,   /* start_position if the potential has one, else normal */
    DIGS_INIT_START,  /* the potential's reference configuration */
    DIGS_INIT_ZEROS,  /* x = 0 (the DiGS MoG-40 notebooks) */
    DIGS_INIT_NORMAL, /* x ~ N(0, init_scale^2 I), centred for particles */
    DIGS_INIT_EXACT   /* an exact draw (targets with an exact sampler) */
};

typedef struct digs_run_config {
    long chains;
    uint64_t sweeps;
    uint32_t seed;
    int init;               /* enum digs_init_kind */
    double init_scale;
    long exchange_every;    /* sweeps between pooling statistics */
    double progress_every;  /* seconds between progress lines */
    const char *trajectory; /* H5MD output path */
    const char *group;      /* particles group name */
    long record_every;      /* sweeps between recorded frames */
    long buffer_records;    /* records held before a collective write */
    const char *checkpoint; /* checkpoint path, NULL: no checkpoints */
    long checkpoint_every;  /* sweeps between checkpoints (0: none) */
    int restart;            /* [run] restart: continue from checkpoint */
} digs_run_config;

/* Read and validate [run] (except method) and [output].  Called by every
 * rank on the same deck.  Besides the deck's own constraints it checks
 * that the checkpoint's directory exists and is writable (a stat on the
 * calling rank), so that a bad checkpoint path is a deck error at start-up
 * rather than an abort at the first checkpoint. */
int digs_run_config_read(digs_deck *deck, const digs_potential *pot,
                         digs_run_config *cfg);

#endif
