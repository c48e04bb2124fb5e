/* Polite waiting for rank 0 and the idle callback (contract in wait.h). */
#include "dikl/wait.h"

#include <fenv.h>
#include <stdio.h>
#include <time.h>

#include "core/status.h"

/* One slice of idle work.  The floating-point environment (rounding mode,
 * MXCSR flush-to-zero bits, exception flags) is saved and restored around
 * the call, so whatever the callback does to it cannot reach the
 * trainer's arithmetic.  Returns 1 if the callback worked. */
static int run_idle(dikl_idle *idle)
{
    fenv_t env;
    fegetenv(&env);
    digs_error_clear();
    double t0 = MPI_Wtime();
    int r = idle->fn(idle->ctx);
    idle->seconds += MPI_Wtime() - t0;
    fesetenv(&env);
    if (r >= 0)
        return r > 0;
    int code = -r;
    if (code < DIGS_ERR_INPUT || code > DIGS_ERR_INTERNAL)
        code = DIGS_ERR_INTERNAL;
    idle->status = code;
    const char *msg = digs_error_message();
    if (msg[0])
        snprintf(idle->message, sizeof idle->message, "%s", msg);
    else
        snprintf(idle->message, sizeof idle->message,
                 "the idle callback returned %d", r);
    digs_error_clear();
    return 0;
}

/* Complete req, polling: no waiting rank keeps a core busy.  The root
 * only naps between polls, briefly (20 µs; about 60 µs with timer slack),
 * since it is the rank the others wait for; other ranks work (idle) or
 * nap 0.2 ms.  (Rank 0 used to spin in MPI_Wait; polling measured the
 * same for the coupled DW-4 job, doc/benchmarks.md.) */
int dikl_wait_polite(MPI_Request *req, int is_root, dikl_idle *idle)
{
    const struct timespec nap = {0, is_root ? 20000 : 200000};
    for (;;) {
        int done = 0;
        if (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Test failed");
        if (done)
            return DIGS_OK;
        int worked = !is_root && idle && idle->fn && idle->status == DIGS_OK
                     && run_idle(idle);
        if (!worked)
            nanosleep(&nap, NULL);
    }
}

int dikl_bcast_polite(void *buf, int count, MPI_Datatype type, int root,
                      MPI_Comm comm, dikl_idle *idle)
{
    /* Every rank uses the non-blocking form: blocking and non-blocking
     * collectives do not match each other in MPI. */
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Request req;
    if (MPI_Ibcast(buf, count, type, root, comm, &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Ibcast failed");
    return dikl_wait_polite(&req, rank == root, idle);
}

int dikl_barrier_polite(int root, MPI_Comm comm, dikl_idle *idle)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Request req;
    if (MPI_Ibarrier(comm, &req) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Ibarrier failed");
    return dikl_wait_polite(&req, rank == root, idle);
}

int dikl_idle_take(dikl_idle *idle, int rank, int status)
{
    if (status != DIGS_OK || !idle || idle->status == DIGS_OK)
        return status;
    int code = idle->status;
    idle->status = DIGS_OK;
    return DIGS_FAIL(code, "rank %d: work done while waiting for rank 0 "
                           "failed: %s", rank, idle->message);
}
