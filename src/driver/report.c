#include "driver/report.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "parallel/comm.h"

void digs_report_print_local(const char *prefix)
{
    fprintf(stderr, "digs: %s%s\n", prefix, digs_error_message());
    if (getenv("DIGS_DEBUG"))
        fprintf(stderr, "digs: (at %s)\n", digs_error_trace());
    fflush(stderr);
}

int digs_report_collective(MPI_Comm comm, int status)
{
    int origin, rank;
    MPI_Comm_rank(comm, &rank);
    int agreed = digs_comm_agree(comm, status, &origin);
    if (agreed != DIGS_OK && rank == origin)
        digs_report_print_local("");
    return agreed;
}

void digs_report_abort_local(MPI_Comm comm, int status)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char prefix[64] = "";
    if (size > 1)
        snprintf(prefix, sizeof prefix, "rank %d: ", rank);
    digs_report_print_local(prefix);
    MPI_Abort(comm, status == DIGS_OK ? 1 : status);
    exit(1); /* not reached */
}
