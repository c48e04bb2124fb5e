/* Chains ↔ trainer flows of the coupled job (src/driver/coupled_flow.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "driver/coupled_flow.h"

/* v = log(σ²/α²): the log variance of the Gaussian likelihood in x. */
static double width(double alpha, double sigma)
{
    return log(sigma * sigma / (alpha * alpha));
}

void coupled_map_steps(const digs_level_info *lv, const double *h,
                       const dikl_schedule *sched, double *eta)
{
    /* DiGS levels are increasing in α, so decreasing in v. */
    int n = lv->n;
    double v_narrow = width(lv->alpha[n - 1], lv->sigma[n - 1]);
    double v_wide = width(lv->alpha[0], lv->sigma[0]);
    for (int t = 1; t < sched->T; t++) {
        double v = width(sched->a[t], sched->sigma[t]);
        double y;
        if (v <= v_narrow) {
            y = log(h[n - 1]) + (v - v_narrow);
        } else if (v >= v_wide) {
            y = log(h[0]);
        } else {
            int l = n - 1;
            while (l > 0 && width(lv->alpha[l - 1], lv->sigma[l - 1]) < v)
                l--;
            /* v between level l (narrower) and l − 1 (wider) */
            double v1 = width(lv->alpha[l], lv->sigma[l]);
            double v0 = width(lv->alpha[l - 1], lv->sigma[l - 1]);
            double f = (v - v1) / (v0 - v1);
            y = (1 - f) * log(h[l]) + f * log(h[l - 1]);
        }
        eta[t] = exp(y);
    }
    eta[0] = eta[1];
}

void coupled_feedback_counts(const digs_level_info *lv,
                             const dikl_schedule *sched,
                             const int64_t *accepted, const int64_t *proposed,
                             int64_t *stats)
{
    const double tolerance = log(1.21);
    for (int t = 1; t < sched->T; t++) {
        if (proposed[t] <= 0)
            continue;
        double v = width(sched->a[t], sched->sigma[t]);
        int best = -1;
        double gap = tolerance;
        for (int l = 0; l < lv->n; l++) {
            double g = fabs(v - width(lv->alpha[l], lv->sigma[l]));
            if (g <= gap) {
                gap = g;
                best = l;
            }
        }
        if (best < 0)
            continue;
        int64_t *pair =
            stats + 2 * (best * lv->pairs_per_level + lv->pairs_per_level - 1);
        pair[0] += accepted[t];
        pair[1] += proposed[t];
    }
}

/* Room for stash_capacity records of n_local chains. */
static int alloc_stash(coupled_reference *ref, int n_local)
{
    size_t rows = (size_t)ref->stash_capacity
                  * (size_t)(n_local > 0 ? n_local : 1);
    ref->n_local = n_local;
    DIGS_CALLOC(ref->stash_x, rows * (size_t)ref->dim);
    DIGS_CALLOC(ref->stash_energy, rows);
    return DIGS_OK;
}

int coupled_reference_init(coupled_reference *ref, const digs_chains *chains,
                           long records, long stash_records, const int *counts,
                           const int *displs)
{
    memset(ref, 0, sizeof *ref);
    ref->n_chains = chains->n_global;
    ref->dim = chains->dim;
    ref->capacity = records * chains->n_global;
    ref->counts = counts;
    ref->displs = displs;
    DIGS_CALLOC(ref->x, (size_t)ref->capacity * (size_t)ref->dim);
    DIGS_CALLOC(ref->energy, ref->capacity);
    ref->stash_capacity = stash_records;
    return alloc_stash(ref, chains->n);
}

int coupled_reference_relayout(coupled_reference *ref, int n_local)
{
    if (ref->stashed > 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "chains moved with %ld records in the reference stash",
                         ref->stashed);
    free(ref->stash_x);
    free(ref->stash_energy);
    ref->stash_x = NULL;
    ref->stash_energy = NULL;
    return alloc_stash(ref, n_local);
}

void coupled_reference_free(coupled_reference *ref)
{
    free(ref->x);
    free(ref->energy);
    free(ref->stash_x);
    free(ref->stash_energy);
    memset(ref, 0, sizeof *ref);
}

/* Gather one record of n local rows (x [n][dim], energy [n]). */
static int gather_record(coupled_reference *ref, MPI_Comm comm, int n,
                         const double *x, const double *energy)
{
    int size;
    MPI_Comm_size(comm, &size);
    long row = ref->next;
    int dim = ref->dim;
    int xcounts[size], xdispls[size];
    for (int r = 0; r < size; r++) {
        xcounts[r] = ref->counts[r] * dim;
        xdispls[r] = ref->displs[r] * dim;
    }
    if (MPI_Allgatherv(x, n * dim, MPI_DOUBLE,
                       ref->x + (size_t)row * dim, xcounts, xdispls,
                       MPI_DOUBLE, comm) != MPI_SUCCESS
        || MPI_Allgatherv(energy, n, MPI_DOUBLE,
                          ref->energy + row, ref->counts, ref->displs,
                          MPI_DOUBLE, comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "MPI_Allgatherv failed");
    ref->next = (row + ref->n_chains) % ref->capacity;
    if (ref->filled < ref->capacity)
        ref->filled += ref->n_chains;
    return DIGS_OK;
}

int coupled_reference_stash(coupled_reference *ref, const digs_chains *chains)
{
    if (ref->stashed >= ref->stash_capacity)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "the reference stash holds %ld records, all in use",
                         ref->stash_capacity);
    size_t n = (size_t)chains->n, k = (size_t)ref->stashed;
    memcpy(ref->stash_x + k * n * (size_t)ref->dim, chains->x,
           sizeof(double) * n * (size_t)ref->dim);
    memcpy(ref->stash_energy + k * n, chains->energy, sizeof(double) * n);
    ref->stashed++;
    return DIGS_OK;
}

int coupled_reference_gather_stash(coupled_reference *ref, MPI_Comm comm)
{
    size_t n = (size_t)ref->n_local;
    for (long k = 0; k < ref->stashed; k++)
        DIGS_CHECK(gather_record(ref, comm, ref->n_local,
                                 ref->stash_x + (size_t)k * n * (size_t)ref->dim,
                                 ref->stash_energy + (size_t)k * n));
    ref->stashed = 0;
    return DIGS_OK;
}
