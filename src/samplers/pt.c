/* PT: parallel tempering / replica exchange (REFERENCE.md §4.3, §4.4;
 * Swendsen & Wang, PRL 57, 1986; Geyer, Interface Proc. 1991; Earl &
 * Deem, PCCP 7, 2005).
 *
 * One digs chain owns a whole ladder of K replicas; replica r samples
 * p_r(x) ∝ exp(-beta_r beta E(x)) (beta = 1/kT of the system, beta_0 = 1)
 * with HMC or MALA from kernels.h.  One sweep of a chain is, for
 * j = 0 .. inner_steps-1:
 *   1. one inner move of every replica r = 0 .. K-1;
 *   2. unless j is the last inner step (REFERENCE.md §4.3: the notebooks'
 *      `(j+1) < num_hmc_steps`), a deterministic sequential sweep of swap
 *      attempts over the adjacent pairs (0,1), (1,2), ..., (K-2,K-1), each
 *      accepted if log u < log r with, on the untempered log p = -beta E,
 *        log r = (beta_a - beta_b) (log p(x_b) - log p(x_a))
 *              = (beta_a - beta_b) beta (E(x_a) - E(x_b)).
 * Only replica 0 (beta_0 = 1) is recorded.
 *
 * Storage: replica 0 lives in chains->x/energy/grad (what the driver
 * records); replicas r = 1 .. K-1 live in chains->state, block r-1 of
 * 2 dim + 1 doubles = [x (dim) | dE/dx (dim) | E], so a checkpoint of the
 * chains is a checkpoint of PT and a ladder never spans ranks.  A swap
 * exchanges the two blocks' contents.
 *
 * Randomness: the inner move of replica r at inner step j of global chain
 * id draws from stream (seed, id, sweep, DIGS_RNG_HMC or DIGS_RNG_MALA,
 * j K + r); the swap of pair (p, p+1) after inner step j draws one uniform
 * from (seed, id, sweep, DIGS_RNG_PT_SWAP, j (K-1) + p).
 *
 * Statistics: stats[2r], stats[2r+1] = (accepted, proposed) inner moves of
 * replica r ("r0" .. ); stats[2K + 2p], stats[2K + 2p + 1] = (accepted,
 * attempted) swaps of pair (p, p+1) ("swap01" .. ).  chains->accepted and
 * chains->proposed count replica 0's inner moves.  n_grad counts every
 * energy+gradient evaluation of every replica (one per chain at start:
 * the replicas start identical), the budget PT is compared at (§4.4).
 *
 * Deck: see pt_config.h and doc/pt.md. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/status.h"
#include "samplers/kernels.h"
#include "samplers/pt_config.h"
#include "samplers/sampler.h"

enum { PT_NAME_LEN = 32 };

typedef struct pt_data {
    digs_pt_config cfg;
    digs_kernel_target *target; /* [K] U = beta_r beta E */
    digs_kernel_scratch scratch;
    /* The current chain's replicas (bound per chain in sweep). */
    double **rx, **rg, **re;    /* [K] position, dE/dx, E */
    char *name_text;            /* [n_stats/2][PT_NAME_LEN] */
    const char **names;         /* [n_stats/2] into name_text */
} pt_data;

static void pt_destroy(digs_sampler *s)
{
    pt_data *d = s->data;
    if (!d)
        return;
    digs_pt_config_free(&d->cfg);
    digs_kernel_scratch_free(&d->scratch);
    free(d->target);
    free(d->rx);
    free(d->rg);
    free(d->re);
    free(d->name_text);
    free(d->names);
    free(d);
    s->data = NULL;
}

/* "r0" .. "r{K-1}", then "swap01" .. ("swap9_10" once an index has two
 * digits, so names stay unambiguous). */
static int make_names(pt_data *d)
{
    int k = d->cfg.replicas, n = 2 * k - 1;
    DIGS_CALLOC(d->name_text, (size_t)n * PT_NAME_LEN);
    DIGS_CALLOC(d->names, n);
    for (int i = 0; i < n; i++) {
        char *name = d->name_text + (size_t)i * PT_NAME_LEN;
        if (i < k)
            snprintf(name, PT_NAME_LEN, "r%d", i);
        else if (i - k + 1 < 10)
            snprintf(name, PT_NAME_LEN, "swap%d%d", i - k, i - k + 1);
        else
            snprintf(name, PT_NAME_LEN, "swap%d_%d", i - k, i - k + 1);
        d->names[i] = name;
    }
    return DIGS_OK;
}

static int pt_setup(digs_sampler *s, digs_deck *deck)
{
    pt_data *d;
    DIGS_CALLOC(d, 1);
    s->data = d;
    DIGS_CHECK(digs_pt_config_read(deck, &d->cfg));
    int k = d->cfg.replicas, dim = s->pot->dim;
    if ((long)(k - 1) * (2L * dim + 1) > INT_MAX)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "[pt] %d replicas of %d coordinates do not fit in "
                         "a chain's state", k, dim);
    DIGS_CALLOC(d->target, k);
    for (int r = 0; r < k; r++) {
        /* digs_kernel_plain decides the projection for particle targets;
         * only the inverse temperature differs between replicas. */
        d->target[r] = digs_kernel_plain(s->pot, s->beta);
        d->target[r].beta = d->cfg.betas[r] * s->beta;
    }
    DIGS_CHECK(digs_kernel_scratch_create(&d->scratch, dim));
    DIGS_CALLOC(d->rx, k);
    DIGS_CALLOC(d->rg, k);
    DIGS_CALLOC(d->re, k);
    DIGS_CHECK(make_names(d));
    s->state_size = (k - 1) * (2 * dim + 1);
    DIGS_CHECK(digs_sampler_alloc_stats(s, 2 * (2 * k - 1), d->names));
    return DIGS_OK;
}

static int check_layout(const digs_sampler *s, const digs_chains *c)
{
    if (c->dim != s->pot->dim || c->state_size != s->state_size)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "pt: chains have %d coordinates and %d state "
                         "doubles, expected %d and %d", c->dim,
                         c->state_size, s->pot->dim, s->state_size);
    return DIGS_OK;
}

/* Point d->rx/rg/re at local chain i's replicas. */
static void bind_ladder(pt_data *d, digs_chains *c, int i)
{
    const int dim = c->dim, block = 2 * dim + 1;
    d->rx[0] = c->x + (size_t)i * dim;
    d->rg[0] = c->grad + (size_t)i * dim;
    d->re[0] = c->energy + i;
    double *st = c->state + (size_t)i * c->state_size;
    for (int r = 1; r < d->cfg.replicas; r++) {
        double *b = st + (size_t)(r - 1) * block;
        d->rx[r] = b;
        d->rg[r] = b + dim;
        d->re[r] = b + 2 * dim;
    }
}

/* Every replica starts at the chain's x (as the notebooks' shared
 * initialisation): one evaluation per chain, copied up the ladder. */
static int pt_start(digs_sampler *s, digs_chains *c)
{
    pt_data *d = s->data;
    DIGS_CHECK(check_layout(s, c));
    DIGS_CHECK(digs_kernel_start_chains(s->pot, c, &s->n_grad));
    const size_t bytes = (size_t)c->dim * sizeof(double);
    for (int i = 0; i < c->n; i++) {
        bind_ladder(d, c, i);
        for (int r = 1; r < d->cfg.replicas; r++) {
            memcpy(d->rx[r], d->rx[0], bytes);
            memcpy(d->rg[r], d->rg[0], bytes);
            *d->re[r] = *d->re[0];
        }
    }
    return DIGS_OK;
}

static void swap_values(double *a, double *b, int n)
{
    for (int k = 0; k < n; k++) {
        double t = a[k];
        a[k] = b[k];
        b[k] = t;
    }
}

/* The swap sweep after inner step j (REFERENCE.md §4.3) over the ladder
 * bound in d; counts attempts and acceptances in s->stats. */
static void swap_sweep(digs_sampler *s, pt_data *d, int dim, uint64_t id,
                       uint64_t sweep, long j)
{
    const int k = d->cfg.replicas;
    const double *betas = d->cfg.betas;
    int64_t *stats = s->stats + 2 * k;
    for (int p = 0; p + 1 < k; p++) {
        digs_stream rng;
        digs_stream_init(&rng, s->seed, id, sweep, DIGS_RNG_PT_SWAP,
                         (uint32_t)(j * (k - 1) + p));
        double log_u = log(digs_stream_uniform(&rng));
        double log_r = (betas[p] - betas[p + 1]) * s->beta *
                       (*d->re[p] - *d->re[p + 1]);
        stats[2 * p + 1]++;
        if (!(log_u < log_r))
            continue;
        stats[2 * p]++;
        swap_values(d->rx[p], d->rx[p + 1], dim);
        swap_values(d->rg[p], d->rg[p + 1], dim);
        swap_values(d->re[p], d->re[p + 1], 1);
    }
}

/* Advance every local chain's ladder by inner_steps inner moves per
 * replica with swap sweeps in between.  Allocates nothing. */
static int pt_sweep(digs_sampler *s, digs_chains *c, uint64_t sweep)
{
    pt_data *d = s->data;
    const digs_pt_config *cfg = &d->cfg;
    const int k = cfg->replicas;
    const uint32_t purpose =
        cfg->inner == DIGS_PT_INNER_HMC ? DIGS_RNG_HMC : DIGS_RNG_MALA;
    DIGS_CHECK(check_layout(s, c));
    for (int i = 0; i < c->n; i++) {
        uint64_t id = (uint64_t)(c->first + i);
        bind_ladder(d, c, i);
        for (long j = 0; j < cfg->inner_steps; j++) {
            for (int r = 0; r < k; r++) {
                digs_stream rng;
                digs_stream_init(&rng, s->seed, id, sweep, purpose,
                                 (uint32_t)(j * k + r));
                int ok = cfg->inner == DIGS_PT_INNER_HMC
                             ? digs_hmc_step(&d->target[r], cfg->step_size[r],
                                             cfg->leapfrog, d->rx[r],
                                             d->re[r], d->rg[r], &rng,
                                             &d->scratch, &s->n_grad)
                             : digs_mala_step(&d->target[r],
                                              cfg->step_size[r], d->rx[r],
                                              d->re[r], d->rg[r], &rng,
                                              &d->scratch, &s->n_grad);
                s->stats[2 * r] += ok;
                s->stats[2 * r + 1]++;
                if (r == 0) {
                    c->accepted[i] += ok;
                    c->proposed[i]++;
                }
            }
            if (cfg->swap && j + 1 < cfg->inner_steps)
                swap_sweep(s, d, c->dim, id, sweep, j);
        }
    }
    return DIGS_OK;
}

const digs_sampler_ops digs_sampler_pt = {
    .name = "pt",
    .summary = "parallel tempering: a ladder of HMC or MALA replicas with "
               "adjacent swaps",
    .setup = pt_setup,
    .start = pt_start,
    .sweep = pt_sweep,
    .adapt = NULL,
    .destroy = pt_destroy,
};
