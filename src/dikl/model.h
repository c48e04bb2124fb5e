/* The DiKL model file (HDF5; doc/file-formats.md "DiKL model file").
 *
 * One file is both the product (the selected generator, read by
 * `digs sample`) and the training checkpoint (both networks, both Adam
 * states, the adaptive step size, training curves).  Layout:
 *
 *   /dikl                 attributes format = "digs-dikl-model 1",
 *                         iteration (completed generator steps),
 *                         best_iteration, best_metric, eta, rng_draws
 *   /dikl/deck            the deck text (string); the generator's
 *                         architecture and the potential are rebuilt from it
 *   /dikl/best            nn_params group: the selected generator
 *   /dikl/generator       nn_params group: the current generator
 *   /dikl/score           nn_params group: the current score network
 *   /dikl/adam_generator, /dikl/adam_score   nn_adam groups
 *   /dikl/curves/<name>   1-D double datasets, one row per generator
 *                         iteration: iteration, loss_score, loss_generator,
 *                         grad_norm, acceptance, eta, metric (NaN when not
 *                         checked), wall (seconds since the run started)
 *   /dikl/eta_level       optional 1-D double dataset [T]: the Stage-B
 *                         step of each schedule level (step_per_level =
 *                         yes; entry 0 unused)
 *
 * Writes go to PATH.tmp, are fsync'ed and renamed over PATH, so a kill
 * never leaves a torn model file.  Serial HDF5; rank 0 only. */
#ifndef DIGS_DIKL_MODEL_H
#define DIGS_DIKL_MODEL_H

#include "nn/adam.h"
#include "nn/params.h"

/* Column names of the training curves, in order. */
enum { DIKL_N_CURVES = 8 };
extern const char *const dikl_curve_names[DIKL_N_CURVES];

typedef struct dikl_curves {
    long n, cap;
    double *col[DIKL_N_CURVES];   /* col[k][row] */
} dikl_curves;

/* Append one row (values in dikl_curve_names order). */
int dikl_curves_append(dikl_curves *c, const double *row);
void dikl_curves_free(dikl_curves *c);

typedef struct dikl_model_state {
    const char *deck_text;        /* write only */
    long iteration, best_iteration;
    double best_metric, eta;
    long rng_draws;               /* reserved: 0 */
    int n_levels;                 /* length of eta_level */
    double *eta_level;            /* save: written as /dikl/eta_level if not
                                     NULL; load: filled if not NULL and the
                                     file has it (length must be n_levels) */
    int has_eta_level;            /* load: 1 if eta_level was filled */
    nn_params *best;              /* selected generator (values only) */
    nn_params *generator, *score;
    nn_params *ema;               /* the generator's moving average, or NULL
                                     (not written, not read) */
    nn_adam *adam_generator, *adam_score;
    dikl_curves *curves;
} dikl_model_state;

/* Write everything in s (all pointers non-NULL) to path atomically. */
int dikl_model_save(const char *path, const dikl_model_state *s);

/* Restore a checkpoint into s: the registries and Adam states must already
 * hold the architecture the file's deck describes; curves are replaced.
 * deck_text is not touched.  Shape mismatches fail naming the file and
 * the dataset. */
int dikl_model_load(const char *path, dikl_model_state *s);

/* The deck text stored in the model (malloc'ed; caller frees). */
int dikl_model_read_deck(const char *path, char **deck_text);

/* The selected generator's values into p (same architecture). */
int dikl_model_read_best(const char *path, nn_params *p);

/* The training curves only (for plots and reports). */
int dikl_model_read_curves(const char *path, dikl_curves *c);

#endif
