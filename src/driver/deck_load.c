#include "driver/deck_load.h"

#include <stdlib.h>

#include "core/status.h"
#include "driver/report.h"
#include "parallel/comm.h"

int digs_driver_load_deck(MPI_Comm comm, const char *path, digs_deck **deck)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    *deck = NULL;
    char *text = NULL;
    int status = rank == 0 ? digs_deck_read_text(path, &text) : DIGS_OK;
    status = digs_report_collective(comm, status);
    if (status != DIGS_OK)
        return status;
    status = digs_comm_bcast_text(comm, 0, &text);
    if (status == DIGS_OK)
        status = digs_deck_parse(deck, text, path);
    free(text);
    /* Every rank parsed the same text, so every rank saw the same error;
     * the agreement prints it once (from rank 0). */
    return digs_report_collective(comm, status);
}
