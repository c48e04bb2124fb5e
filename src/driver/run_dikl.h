/* `digs run DECK` for a deck with a [dikl] section and no [run] section:
 * train the DiKL sampler (src/dikl/trainer.h), writing the model file
 * [dikl] model every checkpoint_every iterations and at the end.
 * With check = 1 only reads and validates the deck.  Collective; returns
 * the process exit code. */
#ifndef DIGS_DRIVER_RUN_DIKL_H
#define DIGS_DRIVER_RUN_DIKL_H

#include <mpi.h>

#include "core/deck.h"

int digs_run_dikl(MPI_Comm comm, digs_deck *deck, int restart, int quiet,
                  int check);

/* 1 on every rank if rank 0 sees a file at path (the model file a
 * restart continues from), else 0.  Collective. */
int digs_dikl_model_on_disk(MPI_Comm comm, const char *path);

#endif
