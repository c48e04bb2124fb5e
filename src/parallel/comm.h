/* Collective helpers: agreeing on errors, sharing the deck, pooling
 * statistics.  Every function here is collective over `comm`. */
#ifndef DIGS_PARALLEL_COMM_H
#define DIGS_PARALLEL_COMM_H

#include <stdint.h>

#include <mpi.h>

/* Agree on a status seen by some ranks: returns the status of the lowest
 * failing rank (DIGS_OK if none) and sets *origin to that rank (-1 if
 * none).  Use it at points every rank reaches (setup, start, shutdown). */
int digs_comm_agree(MPI_Comm comm, int status, int *origin);

/* Like digs_comm_agree, but every rank returns the agreed code and the
 * ranks that did not fail also carry the failing rank's message (so any
 * rank can report it).  Returns DIGS_OK if no rank failed. */
int digs_comm_agree_message(MPI_Comm comm, int status);

/* Broadcast a NUL-terminated string from root; non-root ranks get a new
 * allocation in *text (caller frees). */
int digs_comm_bcast_text(MPI_Comm comm, int root, char **text);

/* Sum n int64 counters over all ranks into pooled (may alias local). */
int digs_comm_sum_i64(MPI_Comm comm, const int64_t *local, int64_t *pooled,
                      int n);

#endif
