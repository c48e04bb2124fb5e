#include "driver/coupled_balance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "parallel/chain_moves.h"
#include "parallel/layout.h"

/* Σ_r max(min, (Λ − other_r)/cost_r): increasing in Λ. */
static double chains_at(int size, const double *other, const double *cost,
                        int min_chains, double lambda, double *n)
{
    double sum = 0;
    for (int r = 0; r < size; r++) {
        n[r] = (lambda - other[r]) / cost[r];
        if (n[r] < min_chains)
            n[r] = min_chains;
        sum += n[r];
    }
    return sum;
}

int coupled_balance_counts(int size, const int *counts, const double *other,
                           const double *cost, int min_chains,
                           int *new_counts)
{
    memcpy(new_counts, counts, sizeof(int) * (size_t)size);
    long total = 0;
    double cost_sum = 0;
    int measured = 0;
    for (int r = 0; r < size; r++) {
        total += counts[r];
        if (cost[r] > 0) {
            cost_sum += cost[r];
            measured++;
        }
    }
    if (size < 2 || measured == 0 || total < (long)size * min_chains)
        return 0;
    double c[size], o[size], n[size];
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 0; r < size; r++) {
        c[r] = cost[r] > 0 ? cost[r] : cost_sum / measured;
        o[r] = other[r] > 0 ? other[r] : 0;
        lo = fmin(lo, o[r]);
        hi = fmax(hi, o[r] + (double)total * c[r]);
    }
    /* bisection: at lo every rank holds ≤ min chains, at hi ≥ total */
    for (int k = 0; k < 200 && hi - lo > 1e-12 * (1 + fabs(hi)); k++) {
        double mid = 0.5 * (lo + hi);
        if (chains_at(size, o, c, min_chains, mid, n) < (double)total)
            lo = mid;
        else
            hi = mid;
    }
    chains_at(size, o, c, min_chains, hi, n);
    digs_layout_round(size, n, total, new_counts);
    for (int r = 0; r < size; r++)
        if (new_counts[r] != counts[r])
            return 1;
    return 0;
}

int coupled_balance_history_init(coupled_balance_history *h, int size,
                                 double memory)
{
    memset(h, 0, sizeof *h);
    h->size = size;
    h->memory = memory;
    DIGS_CALLOC(h->other_s, size);
    DIGS_CALLOC(h->chain_s, size);
    DIGS_CALLOC(h->chain_sweeps, size);
    return DIGS_OK;
}

void coupled_balance_history_free(coupled_balance_history *h)
{
    free(h->other_s);
    free(h->chain_s);
    free(h->chain_sweeps);
    memset(h, 0, sizeof *h);
}

void coupled_balance_history_add(coupled_balance_history *h,
                                 const int *counts, double sweeps,
                                 const double *arrival,
                                 const double *chain_s)
{
    const double m = h->memory;
    h->sweeps = m * h->sweeps + sweeps;
    for (int r = 0; r < h->size; r++) {
        h->other_s[r] = m * h->other_s[r] + arrival[r] - chain_s[r];
        if (counts[r] > 0) {
            h->chain_s[r] = m * h->chain_s[r] + chain_s[r];
            h->chain_sweeps[r] = m * h->chain_sweeps[r] + sweeps * counts[r];
        }
    }
}

void coupled_balance_history_rates(const coupled_balance_history *h,
                                   double *other, double *cost)
{
    for (int r = 0; r < h->size; r++) {
        other[r] = h->sweeps > 0 ? h->other_s[r] / h->sweeps : 0;
        cost[r] = h->chain_sweeps[r] > 0 ? h->chain_s[r] / h->chain_sweeps[r]
                                         : 0;
    }
}

int coupled_balance_test_moves(int size, const int *counts, long m,
                               int *new_counts)
{
    memcpy(new_counts, counts, sizeof(int) * (size_t)size);
    if (size < 2)
        return 0;
    int from = (int)(m % size), to = (from + 1) % size;
    int moved = (counts[from] + 1) / 2;
    new_counts[from] -= moved;
    new_counts[to] += moved;
    return moved > 0;
}

int coupled_move_chains(MPI_Comm comm, digs_run_state *r,
                        coupled_reference *ref, int *counts, int *displs,
                        const int *new_counts)
{
    int size;
    MPI_Comm_size(comm, &size);
    DIGS_CHECK(digs_chains_move(comm, &r->chains, new_counts));
    for (int k = 0; k < size; k++) {
        counts[k] = new_counts[k];
        displs[k] = k > 0 ? displs[k - 1] + counts[k - 1] : 0;
    }
    DIGS_CHECK(digs_h5md_relayout(r->out, r->chains->first, r->chains->n));
    free(r->chain_acc);
    DIGS_CALLOC(r->chain_acc, r->chains->n);
    if (ref)
        DIGS_CHECK(coupled_reference_relayout(ref, r->chains->n));
    return DIGS_OK;
}
