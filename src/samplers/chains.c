#include "samplers/chains.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

int digs_chains_create(digs_chains **out, long n_global, long first, int n,
                       int dim, int state_size)
{
    *out = NULL;
    if (n < 0 || dim <= 0 || state_size < 0 || first < 0 ||
        first + n > n_global)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "bad chain block %ld+%d of %ld",
                         first, n, n_global);
    digs_chains *c = calloc(1, sizeof *c);
    if (!c)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for chains");
    c->n = n;
    c->first = first;
    c->n_global = n_global;
    c->dim = dim;
    c->state_size = state_size;
    size_t nd = (size_t)(n ? n : 1) * dim;
    c->x = calloc(nd, sizeof *c->x);
    c->grad = calloc(nd, sizeof *c->grad);
    c->energy = calloc(n ? n : 1, sizeof *c->energy);
    c->state = calloc((size_t)(n ? n : 1) * (state_size ? state_size : 1),
                      sizeof *c->state);
    c->accepted = calloc(n ? n : 1, sizeof *c->accepted);
    c->proposed = calloc(n ? n : 1, sizeof *c->proposed);
    if (!c->x || !c->grad || !c->energy || !c->state || !c->accepted ||
        !c->proposed) {
        digs_chains_destroy(&c);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory for %d chains", n);
    }
    *out = c;
    return DIGS_OK;
}

void digs_chains_destroy(digs_chains **chains)
{
    digs_chains *c = *chains;
    if (!c)
        return;
    free(c->x);
    free(c->grad);
    free(c->energy);
    free(c->state);
    free(c->accepted);
    free(c->proposed);
    free(c);
    *chains = NULL;
}

void digs_chains_reset_counts(digs_chains *c)
{
    memset(c->accepted, 0, (size_t)(c->n ? c->n : 1) * sizeof *c->accepted);
    memset(c->proposed, 0, (size_t)(c->n ? c->n : 1) * sizeof *c->proposed);
}
