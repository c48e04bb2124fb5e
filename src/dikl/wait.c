#include <time.h>

#include "core/status.h"
#include "dikl/wait.h"

int dikl_bcast_polite(void *buf, int count, MPI_Datatype type, int root,
                      MPI_Comm comm)
{
    /* Every rank uses the non-blocking form: blocking and non-blocking
     * collectives do not match each other in MPI. */
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Request req;
    if (MPI_Ibcast(buf, count, type, root, comm, &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Ibcast failed");
    if (rank == root) {
        if (MPI_Wait(&req, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Wait failed");
        return DIGS_OK;
    }
    const struct timespec nap = {0, 200000}; /* 0.2 ms */
    for (;;) {
        int done = 0;
        if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Test failed");
        if (done)
            return DIGS_OK;
        nanosleep(&nap, NULL);
    }
}
