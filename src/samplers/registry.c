#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "samplers/sampler.h"

extern const digs_sampler_ops digs_sampler_mala;
extern const digs_sampler_ops digs_sampler_hmc;
extern const digs_sampler_ops digs_sampler_pt;
extern const digs_sampler_ops digs_sampler_digs;

/* Adding a method: one file exporting its ops, one line here. */
static const digs_sampler_ops *const registry[] = {
    &digs_sampler_mala,
    &digs_sampler_hmc,
    &digs_sampler_pt,
    &digs_sampler_digs,
    NULL,
};

const digs_sampler_ops *const *digs_sampler_registry(void) { return registry; }

int digs_sampler_create_named(const char *name, digs_deck *deck,
                              const digs_potential *pot, uint32_t seed,
                              digs_sampler **out)
{
    *out = NULL;
    const digs_sampler_ops *ops = NULL;
    for (int i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            ops = registry[i];
    if (!ops)
        return DIGS_FAIL(DIGS_ERR_INPUT, "unknown method '%s'", name);
    if (!ops->setup)
        return DIGS_FAIL(DIGS_ERR_INPUT, "method '%s' is not available yet",
                         name);
    digs_sampler *s;
    DIGS_CALLOC(s, 1);
    s->ops = ops;
    s->pot = pot;
    s->seed = seed;
    s->beta = 1.0 / pot->kT;
    int status = ops->setup(s, deck);
    if (status != DIGS_OK) {
        digs_sampler_destroy(&s);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *out = s;
    return DIGS_OK;
}

int digs_sampler_create(digs_deck *deck, const digs_potential *pot,
                        uint32_t seed, digs_sampler **out)
{
    const char *words[32];
    int n = 0;
    for (int i = 0; registry[i] && n < 31; i++)
        words[n++] = registry[i]->name;
    words[n] = NULL;
    int index;
    DIGS_CHECK(digs_deck_choice(deck, "run", "method", NULL, words, &index));
    DIGS_CHECK(digs_sampler_create_named(words[index], deck, pot, seed, out));
    return DIGS_OK;
}

int digs_sampler_alloc_stats(digs_sampler *s, int n_stats,
                             const char *const *stat_names)
{
    free(s->stats);
    DIGS_CALLOC(s->stats, n_stats);
    s->n_stats = n_stats;
    s->stat_names = stat_names;
    return DIGS_OK;
}

int digs_sampler_alloc_params(digs_sampler *s, int n_params,
                              const char *group,
                              const char *const *param_names)
{
    free(s->params);
    DIGS_CALLOC(s->params, n_params);
    s->n_params = n_params;
    s->param_group = group;
    s->param_names = param_names;
    return DIGS_OK;
}

void digs_sampler_destroy(digs_sampler **sampler)
{
    digs_sampler *s = *sampler;
    if (!s)
        return;
    if (s->ops && s->ops->destroy)
        s->ops->destroy(s);
    free(s->stats);
    free(s->params);
    free(s);
    *sampler = NULL;
}
