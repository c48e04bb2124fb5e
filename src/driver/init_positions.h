/* Initial chain positions from [run] init (doc/deck.md).  Each chain's
 * start depends only on (seed, global chain id): rank-count invariant. */
#ifndef DIGS_DRIVER_INIT_POSITIONS_H
#define DIGS_DRIVER_INIT_POSITIONS_H

#include "driver/run_config.h"
#include "potentials/potential.h"
#include "samplers/chains.h"

int digs_init_positions(const digs_run_config *cfg, const digs_potential *pot,
                        digs_chains *chains);

#endif
