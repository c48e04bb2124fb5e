#include "parallel/layout.h"

#include <math.h>

void digs_layout_block(long n_chains, int size, int rank, long *first,
                       int *count)
{
    long base = n_chains / size, extra = n_chains % size;
    *first = rank * base + (rank < extra ? rank : extra);
    *count = (int)(base + (rank < extra ? 1 : 0));
}

int digs_layout_owner(long n_chains, int size, long chain)
{
    long base = n_chains / size, extra = n_chains % size;
    long big = extra * (base + 1); /* chains held by the larger blocks */
    if (chain < big)
        return (int)(chain / (base + 1));
    return (int)(extra + (chain - big) / base);
}

void digs_layout_weighted(long n_chains, int size, int rank, double share0,
                          long *first, int *count)
{
    if (size == 1 || share0 == 1.0) {
        digs_layout_block(n_chains, size, rank, first, count);
        return;
    }
    long n0 = (long)(share0 * (double)n_chains / size + 0.5);
    if (n0 > n_chains)
        n0 = n_chains;
    if (rank == 0) {
        *first = 0;
        *count = (int)n0;
        return;
    }
    digs_layout_block(n_chains - n0, size - 1, rank - 1, first, count);
    *first += n0;
}

void digs_layout_round(int size, const double *shares, long total,
                       int *counts)
{
    long sum = 0;
    for (int r = 0; r < size; r++) {
        counts[r] = (int)floor(shares[r]);
        sum += counts[r];
    }
    for (; sum < total; sum++) {
        int best = 0;
        for (int r = 1; r < size; r++)
            if (shares[r] - counts[r] > shares[best] - counts[best])
                best = r;
        counts[best]++;
    }
    for (; sum > total; sum--) {
        int best = 0;
        for (int r = 1; r < size; r++)
            if (counts[r] > counts[best])
                best = r;
        counts[best]--;
    }
}
