/* The coupled job (issue 7): a deck with a sampling method ([run] method,
 * e.g. digs) and a [dikl] section.  Every rank advances its chains; rank
 * 0 also trains the DiKL sampler, the ranks share its posterior sampling,
 * and chain sweeps fill the time a rank would otherwise wait.  What flows
 * between the two methods is set in [coupled] (doc/coupled.md). */
#ifndef DIGS_DRIVER_RUN_COUPLED_H
#define DIGS_DRIVER_RUN_COUPLED_H

#include <mpi.h>

#include "core/deck.h"
#include "driver/run_digs.h"

/* Run the coupled job of deck (owned by the caller); 0 on success, 1 on
 * failure (reported).  Collective. */
int digs_run_coupled(MPI_Comm comm, digs_deck *deck,
                     const digs_run_options *opt);

#endif
