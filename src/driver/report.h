/* Turning statuses into messages and exits (the driver is the only place
 * that does).  All functions are collective unless named *_local. */
#ifndef DIGS_DRIVER_REPORT_H
#define DIGS_DRIVER_REPORT_H

#include <mpi.h>

/* Agree on `status` over comm; if some rank failed, the lowest such rank
 * prints "digs: <message>" to stderr.  Returns the agreed status. */
int digs_report_collective(MPI_Comm comm, int status);

/* A failure only this rank saw inside the run loop: print it with the
 * rank and abort the whole job (never hangs the other ranks). */
void digs_report_abort_local(MPI_Comm comm, int status)
    __attribute__((noreturn));

/* Print the current failure message on this rank (no MPI). */
void digs_report_print_local(const char *prefix);

#endif
