/* Waiting politely for rank 0 (src/dikl/trainer.h): collectives completed
 * by polling MPI_Test, so a waiting rank does not spin on a core that
 * rank 0's BLAS threads could use.  Between polls a waiting rank either
 * naps (0.2 ms) or, when its host gave it one, runs a slice of the host's
 * own work through an idle callback (issue 7: DiGS chains advancing while
 * rank 0 trains the networks).  The root never calls the callback. */
#ifndef DIGS_DIKL_WAIT_H
#define DIGS_DIKL_WAIT_H

#include <mpi.h>

/* Host work done while waiting.  Returns 1 if it did a slice of work (it
 * is called again after the next poll), 0 if it has nothing to do now
 * (the waiter naps before the next poll), or −code for a digs status
 * code on failure (it may record a message with DIGS_FAIL first).  It
 * runs on one rank while the root is busy elsewhere, so it must not call
 * collectives that need the root (on the trainer's communicator or any
 * other it shares); a slice should be short, since the waiter notices
 * the root only between slices. */
typedef int (*dikl_idle_fn)(void *ctx);

/* One rank's idle work and its bookkeeping. */
typedef struct dikl_idle {
    dikl_idle_fn fn;      /* NULL: nap only */
    void *ctx;
    double seconds;       /* wall seconds spent inside fn (accumulates) */
    int status;           /* DIGS_OK, or the first failure of fn; while set,
                             fn is not called again */
    char message[768];    /* that failure's message */
} dikl_idle;

/* MPI_Bcast semantics (collective, same arguments on every rank).  Ranks
 * other than root poll and run idle's work between polls; idle may be
 * NULL (nap only).  A failure of the callback does not abort the
 * broadcast: it is kept in idle->status for dikl_idle_take.  Fails only
 * on an MPI error. */
int dikl_bcast_polite(void *buf, int count, MPI_Datatype type, int root,
                      MPI_Comm comm, dikl_idle *idle);

/* Complete a started non-blocking collective (every rank started the same
 * one), waiting as dikl_bcast_polite does: is_root naps between polls,
 * the others run idle's work or nap.  Fails only on an MPI error. */
int dikl_wait_polite(MPI_Request *req, int is_root, dikl_idle *idle);

/* MPI_Barrier semantics, waiting as dikl_bcast_polite does; the root
 * polls too, napping 20 µs between polls.  Collective. */
int dikl_barrier_polite(int root, MPI_Comm comm, dikl_idle *idle);

/* Fold a pending callback failure into status: returns status if it is
 * not DIGS_OK, else the callback's failure (its message re-recorded with
 * the rank, and cleared from idle), else DIGS_OK.  Local; the caller
 * passes the result to an agreement (digs_comm_agree_message) that every
 * rank reaches. */
int dikl_idle_take(dikl_idle *idle, int rank, int status);

#endif
