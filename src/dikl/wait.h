/* Waiting politely for rank 0 (src/dikl/trainer.h): a broadcast completed
 * by polling MPI_Test with short sleeps, so a waiting rank does not spin
 * on a core that rank 0's BLAS threads could use. */
#ifndef DIGS_DIKL_WAIT_H
#define DIGS_DIKL_WAIT_H

#include <mpi.h>

/* MPI_Bcast semantics (collective, same arguments on every rank). */
int dikl_bcast_polite(void *buf, int count, MPI_Datatype type, int root,
                      MPI_Comm comm);

#endif
