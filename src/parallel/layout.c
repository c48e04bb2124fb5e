#include "parallel/layout.h"

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
