#include "parallel/chain_moves.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* All ranks' rows of one per-chain array, `width` elements per chain, in
 * global order: full [n_global][width] from the old blocks (counts,
 * displs in chains). */
static int gather_rows(MPI_Comm comm, const void *mine, int n, int width,
                       MPI_Datatype type, const int *counts,
                       const int *displs, int size, void *full)
{
    int c[size], d[size];
    for (int r = 0; r < size; r++) {
        c[r] = counts[r] * width;
        d[r] = displs[r] * width;
    }
    if (MPI_Allgatherv(mine, n * width, type, full, c, d, type, comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allgatherv failed moving chains");
    return DIGS_OK;
}

typedef struct everything {
    double *x, *energy, *grad, *state;
    int64_t *accepted, *proposed;
} everything;

static void everything_free(everything *a)
{
    free(a->x);
    free(a->energy);
    free(a->grad);
    free(a->state);
    free(a->accepted);
    free(a->proposed);
}

static int gather_all(MPI_Comm comm, const digs_chains *c, const int *counts,
                      const int *displs, int size, everything *a)
{
    size_t N = (size_t)c->n_global, d = (size_t)c->dim;
    size_t s = (size_t)(c->state_size > 0 ? c->state_size : 1);
    DIGS_CALLOC(a->x, N * d);
    DIGS_CALLOC(a->energy, N);
    DIGS_CALLOC(a->grad, N * d);
    DIGS_CALLOC(a->state, N * s);
    DIGS_CALLOC(a->accepted, N);
    DIGS_CALLOC(a->proposed, N);
    DIGS_CHECK(gather_rows(comm, c->x, c->n, c->dim, MPI_DOUBLE, counts,
                           displs, size, a->x));
    DIGS_CHECK(gather_rows(comm, c->energy, c->n, 1, MPI_DOUBLE, counts,
                           displs, size, a->energy));
    DIGS_CHECK(gather_rows(comm, c->grad, c->n, c->dim, MPI_DOUBLE, counts,
                           displs, size, a->grad));
    if (c->state_size > 0)
        DIGS_CHECK(gather_rows(comm, c->state, c->n, c->state_size,
                               MPI_DOUBLE, counts, displs, size, a->state));
    DIGS_CHECK(gather_rows(comm, c->accepted, c->n, 1, MPI_INT64_T, counts,
                           displs, size, a->accepted));
    DIGS_CHECK(gather_rows(comm, c->proposed, c->n, 1, MPI_INT64_T, counts,
                           displs, size, a->proposed));
    return DIGS_OK;
}

/* Copy the rows [first, first + n) of everything into the new block. */
static void take_rows(const everything *a, digs_chains *c)
{
    size_t k = (size_t)c->first, n = (size_t)c->n, d = (size_t)c->dim;
    size_t s = (size_t)c->state_size;
    memcpy(c->x, a->x + k * d, sizeof(double) * n * d);
    memcpy(c->energy, a->energy + k, sizeof(double) * n);
    memcpy(c->grad, a->grad + k * d, sizeof(double) * n * d);
    if (s > 0)
        memcpy(c->state, a->state + k * s, sizeof(double) * n * s);
    memcpy(c->accepted, a->accepted + k, sizeof(int64_t) * n);
    memcpy(c->proposed, a->proposed + k, sizeof(int64_t) * n);
}

int digs_chains_move(MPI_Comm comm, digs_chains **chains,
                     const int *new_counts)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    digs_chains *old = *chains;
    long total = 0, first = 0;
    for (int r = 0; r < size; r++) {
        if (new_counts[r] < 0)
            return DIGS_FAIL(DIGS_ERR_INTERNAL, "moving chains: rank %d "
                             "would hold %d chains", r, new_counts[r]);
        if (r < rank)
            first += new_counts[r];
        total += new_counts[r];
    }
    if (total != old->n_global)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "moving chains: the new blocks "
                         "hold %ld chains, the run has %ld",
                         total, old->n_global);
    int counts[size], displs[size];
    if (MPI_Allgather(&old->n, 1, MPI_INT, counts, 1, MPI_INT, comm)
        != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allgather failed moving chains");
    displs[0] = 0;
    for (int r = 1; r < size; r++)
        displs[r] = displs[r - 1] + counts[r - 1];
    everything all = {0};
    digs_chains *fresh = NULL;
    int status = gather_all(comm, old, counts, displs, size, &all);
    if (status == DIGS_OK)
        status = digs_chains_create(&fresh, old->n_global, first,
                                    new_counts[rank], old->dim,
                                    old->state_size);
    if (status == DIGS_OK) {
        take_rows(&all, fresh);
        digs_chains_destroy(chains);
        *chains = fresh;
    }
    everything_free(&all);
    return status;
}
