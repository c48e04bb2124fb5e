/* Generator draws in a coupled job (rank 0): the sample sets written to
 * the trajectory's "generator" particle group every [coupled]
 * sample_every iterations, and the draws that re-seed the chains
 * ([coupled] chains_from_generator).  Each draw has its own Philox stream
 * key (seed, purpose key, iteration), so the samples depend only on the
 * deck and the generator's parameters. */
#ifndef DIGS_DRIVER_COUPLED_SAMPLES_H
#define DIGS_DRIVER_COUPLED_SAMPLES_H

#include <stdint.h>

#include "dikl/trainer.h"

/* Stream keys of the coupled job's generator draws (beside the trainer's
 * DIKL_KEY_* in src/dikl/trainer.h). */
#define COUPLED_KEY_SETS ((uint64_t)1 << 43)
#define COUPLED_KEY_CHAINS ((uint64_t)1 << 44)

/* Rank 0: n samples x [n][dim] (double, centred for particle targets) and
 * their energies e [n] from the generator with parameters p, stream key
 * (t->cfg.seed, key, iteration).  Fails with DIGS_ERR_NUMERIC on a
 * non-finite coordinate. */
int coupled_generate(dikl_trainer *t, const nn_params *p, uint64_t key,
                     long iteration, long n, double *x, double *e);

#endif
