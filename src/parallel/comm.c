#include "parallel/comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

int digs_comm_agree(MPI_Comm comm, int status, int *origin)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int mine = status != DIGS_OK ? rank : size, first;
    if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allreduce failed");
    if (first == size) {
        *origin = -1;
        return DIGS_OK;
    }
    int code = status;
    if (MPI_Bcast(&code, 1, MPI_INT, first, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    *origin = first;
    return code;
}

int digs_comm_agree_message(MPI_Comm comm, int status)
{
    int rank, size, origin;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int mine = status != DIGS_OK ? rank : size;
    if (MPI_Allreduce(&mine, &origin, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allreduce failed");
    if (origin == size)
        return DIGS_OK;
    int code = status;
    char msg[1024];
    if (rank == origin)
        snprintf(msg, sizeof msg, "%s", digs_error_message());
    MPI_Bcast(&code, 1, MPI_INT, origin, comm);
    MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, origin, comm);
    if (status != DIGS_OK)
        return status;
    return DIGS_FAIL(code, "%s", msg);
}

int digs_comm_bcast_text(MPI_Comm comm, int root, char **text)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    long n = rank == root ? (long)strlen(*text) + 1 : 0;
    if (MPI_Bcast(&n, 1, MPI_LONG, root, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    if (rank != root) {
        *text = malloc((size_t)n);
        if (!*text)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for the deck");
    }
    if (MPI_Bcast(*text, (int)n, MPI_CHAR, root, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Bcast failed");
    return DIGS_OK;
}

int digs_comm_sum_i64(MPI_Comm comm, const int64_t *local, int64_t *pooled,
                      int n)
{
    if (n <= 0)
        return DIGS_OK;
    const void *send = local == pooled ? MPI_IN_PLACE : (const void *)local;
    if (MPI_Allreduce(send, pooled, n, MPI_INT64_T, MPI_SUM, comm) !=
        MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allreduce of statistics failed");
    return DIGS_OK;
}
