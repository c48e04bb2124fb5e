/* Rank 0 reads the deck file, broadcasts its text, every rank parses the
 * same text (DESIGN.md, "Parallel layout").  Collective; on failure the
 * message has been printed once and *deck is NULL. */
#ifndef DIGS_DRIVER_DECK_LOAD_H
#define DIGS_DRIVER_DECK_LOAD_H

#include <mpi.h>

#include "core/deck.h"

int digs_driver_load_deck(MPI_Comm comm, const char *path, digs_deck **deck);

#endif
