#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "potentials/potential.h"

extern const digs_potential_ops digs_potential_mog40;
extern const digs_potential_ops digs_potential_manywell32;
extern const digs_potential_ops digs_potential_dw4;
extern const digs_potential_ops digs_potential_lj13;
extern const digs_potential_ops digs_potential_gaussian;
extern const digs_potential_ops digs_potential_amber;
extern const digs_potential_ops digs_potential_mixture;

/* Adding a potential: one file exporting its ops, one line here. */
static const digs_potential_ops *const registry[] = {
    &digs_potential_mog40,
    &digs_potential_manywell32,
    &digs_potential_dw4,
    &digs_potential_lj13,
    &digs_potential_gaussian,
    &digs_potential_amber,
    &digs_potential_mixture,
    NULL,
};

const digs_potential_ops *const *digs_potential_registry(void)
{
    return registry;
}

static const char *const single_term[] = {"total"};

int digs_potential_create_named(const char *name, digs_deck *deck,
                                digs_potential **out)
{
    *out = NULL;
    const digs_potential_ops *ops = NULL;
    for (int i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            ops = registry[i];
    if (!ops)
        return DIGS_FAIL(DIGS_ERR_INPUT, "unknown potential '%s'", name);
    digs_potential *pot;
    DIGS_CALLOC(pot, 1);
    pot->ops = ops;
    pot->kT = 1.0;
    pot->angstrom = 1.0;
    pot->length_unit = "reduced";
    pot->energy_unit = "reduced";
    pot->n_terms = 1;
    pot->term_names = single_term;
    int status = ops->setup(pot, deck);
    if (status != DIGS_OK) {
        digs_potential_destroy(&pot);
        return digs_trace(status, __FILE__, __LINE__);
    }
    if (pot->dim <= 0 || pot->n_terms < 1) {
        digs_potential_destroy(&pot);
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "potential '%s' set no dimension", name);
    }
    *out = pot;
    return DIGS_OK;
}

int digs_potential_create(digs_deck *deck, digs_potential **out)
{
    const char *words[32];
    int n = 0;
    for (int i = 0; registry[i] && n < 31; i++)
        words[n++] = registry[i]->name;
    words[n] = NULL;
    int index;
    DIGS_CHECK(digs_deck_choice(deck, "system", "potential", NULL, words,
                                &index));
    DIGS_CHECK(digs_potential_create_named(words[index], deck, out));
    return DIGS_OK;
}

void digs_potential_destroy(digs_potential **pot)
{
    digs_potential *p = *pot;
    if (!p)
        return;
    if (p->ops && p->ops->destroy)
        p->ops->destroy(p);
    free(p);
    *pot = NULL;
}

void digs_potential_energy_batch(const digs_potential *pot, int n,
                                 const double *x, double *e, double *grad)
{
    int d = pot->dim;
    for (int i = 0; i < n; i++)
        e[i] = pot->ops->energy(pot, x + (size_t)i * d,
                                grad ? grad + (size_t)i * d : NULL);
}

void digs_potential_terms(const digs_potential *pot, const double *x,
                          double *terms)
{
    if (pot->ops->energy_terms)
        pot->ops->energy_terms(pot, x, terms);
    else
        terms[0] = pot->ops->energy(pot, x, NULL);
}

void digs_potential_centre(const digs_potential *pot, double *x)
{
    int n = pot->n_particles, s = pot->spatial_dim;
    if (n <= 0 || s <= 0)
        return;
    for (int a = 0; a < s; a++) {
        double mean = 0.0;
        for (int i = 0; i < n; i++)
            mean += x[i * s + a];
        mean /= n;
        for (int i = 0; i < n; i++)
            x[i * s + a] -= mean;
    }
}
