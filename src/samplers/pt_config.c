#include "samplers/pt_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static const char sec[] = "pt";

/* Explicit ladder: [pt] betas = 1 b1 b2 ...; replicas and beta_min are
 * then not allowed (they would be silently ignored otherwise). */
static int read_explicit(digs_deck *deck, digs_pt_config *cfg)
{
    static const char *const exclusive[] = {"replicas", "beta_min"};
    for (int k = 0; k < 2; k++)
        if (digs_deck_has_key(deck, sec, exclusive[k])) {
            const char *ignored;
            DIGS_CHECK(digs_deck_string(deck, sec, exclusive[k], NULL,
                                        &ignored));
            return digs_deck_reject(deck, sec, exclusive[k],
                                    "give either betas or replicas/beta_min, "
                                    "not both");
        }
    int n;
    DIGS_CHECK(digs_deck_doubles(deck, sec, "betas", NULL, 0.0, 1.0,
                                 &cfg->betas, &n));
    cfg->replicas = n;
    if (n < 2 || n > DIGS_PT_MAX_REPLICAS)
        return digs_deck_reject(deck, sec, "betas",
                                "expected 2 to 64 inverse temperatures "
                                "(one replica is method = hmc or mala)");
    if (cfg->betas[0] != 1.0)
        return digs_deck_reject(deck, sec, "betas",
                                "expected the first inverse temperature to "
                                "be 1 (replica 0 is the one recorded)");
    for (int r = 1; r < n; r++)
        if (!(cfg->betas[r] > 0.0) || cfg->betas[r] > cfg->betas[r - 1])
            return digs_deck_reject(deck, sec, "betas",
                                    "expected inverse temperatures > 0 that "
                                    "do not increase along the ladder");
    return DIGS_OK;
}

/* Geometric ladder beta_r = beta_min^(r/(K-1)), REFERENCE.md §4.3 (the
 * DiGS notebooks: K = 5, beta_min = 0.001, T = 1 ... 1000). */
static int read_geometric(digs_deck *deck, digs_pt_config *cfg)
{
    long k;
    double beta_min;
    DIGS_CHECK(digs_deck_long(deck, sec, "replicas", "5", 2,
                              DIGS_PT_MAX_REPLICAS, &k));
    DIGS_CHECK(digs_deck_double(deck, sec, "beta_min", "0.001", 0.0, 1.0,
                                &beta_min));
    if (!(beta_min > 0.0))
        return digs_deck_reject(deck, sec, "beta_min",
                                "expected an inverse temperature in (0, 1]");
    cfg->replicas = (int)k;
    DIGS_CALLOC(cfg->betas, k);
    for (int r = 0; r < k; r++)
        cfg->betas[r] = pow(beta_min, (double)r / (double)(k - 1));
    cfg->betas[0] = 1.0;
    cfg->betas[k - 1] = beta_min;
    return DIGS_OK;
}

/* step_size: one number for every replica (the notebooks) or K numbers. */
static int read_steps(digs_deck *deck, digs_pt_config *cfg)
{
    double *v = NULL;
    int n;
    DIGS_CHECK(digs_deck_doubles(deck, sec, "step_size", NULL, 0.0, 1e30, &v,
                                 &n));
    int status = DIGS_OK;
    if (n != 1 && n != cfg->replicas)
        status = digs_deck_reject(deck, sec, "step_size",
                                  "expected one step size or one per "
                                  "replica");
    for (int r = 0; r < n && status == DIGS_OK; r++)
        if (!(v[r] > 0.0))
            status = digs_deck_reject(deck, sec, "step_size",
                                      "expected step sizes > 0");
    if (status == DIGS_OK) {
        cfg->step_size = calloc((size_t)cfg->replicas, sizeof *cfg->step_size);
        if (!cfg->step_size)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%d elements)",
                               cfg->replicas);
    }
    for (int r = 0; r < cfg->replicas && status == DIGS_OK; r++)
        cfg->step_size[r] = v[n == 1 ? 0 : r];
    free(v);
    return status;
}

int digs_pt_config_read(digs_deck *deck, digs_pt_config *cfg)
{
    static const char *const inner_words[] = {"hmc", "mala", NULL};
    memset(cfg, 0, sizeof *cfg);
    if (digs_deck_has_key(deck, sec, "betas"))
        DIGS_CHECK(read_explicit(deck, cfg));
    else
        DIGS_CHECK(read_geometric(deck, cfg));
    DIGS_CHECK(digs_deck_choice(deck, sec, "inner", "hmc", inner_words,
                                &cfg->inner));
    DIGS_CHECK(read_steps(deck, cfg));
    if (cfg->inner == DIGS_PT_INNER_HMC)
        DIGS_CHECK(digs_deck_long(deck, sec, "leapfrog", "20", 1, 1000000,
                                  &cfg->leapfrog));
    DIGS_CHECK(digs_deck_long(deck, sec, "inner_steps", "10", 1,
                              DIGS_PT_MAX_INNER_STEPS, &cfg->inner_steps));
    DIGS_CHECK(digs_deck_bool(deck, sec, "swap", "yes", &cfg->swap));
    return DIGS_OK;
}

void digs_pt_config_free(digs_pt_config *cfg)
{
    free(cfg->betas);
    free(cfg->step_size);
    cfg->betas = NULL;
    cfg->step_size = NULL;
}
