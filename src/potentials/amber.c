/* `potential = amber`: an AMBER force field (bonds, angles, proper and
 * improper torsions, Lennard-Jones and Coulomb without cutoff, scaled 1-4
 * pairs) in vacuum or in OBC1/OBC2 Generalized-Born implicit solvent with
 * the ACE surface term, exactly as OpenMM evaluates it (REFERENCE.md §7.5).
 *
 * [system] keys (doc/forcefield-formats.md has the file formats):
 *   topology           AMBER prmtop (tleap) or digs topology file, detected
 *                      by content; a relative path is tried from the
 *                      working directory, then from the deck's directory
 *   coordinates        AMBER inpcrd/rst7 start coordinates (optional; they
 *                      replace a digs topology's COORDINATES block)
 *   solvent            vacuum | obc1 | obc2                (vacuum)
 *   solvent_dielectric ε of the solvent (the topology's GBSA_OBC value,
 *                      else 78.5); GB only
 *   solute_dielectric  ε of the solute, GB only (topology's, else 1)
 *   surface_area       ace | none: the ACE non-polar term, GB only (ace)
 *   temperature        K, sets kT = k_B T                  (300)
 * Units nm and kJ/mol; x is particle-major (x0, y0, z0, x1, ...). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "core/units.h"
#include "io/digs_top.h"
#include "io/prmtop.h"
#include "potentials/amber_model.h"
#include "potentials/potential.h"

typedef struct amber_data {
    digs_amber_topology top;
    amber_model model;
    const char **atom_names, **elements, **residue_names;
    int *residue_ids;
} amber_data;

static const char *const term_names[AMBER_N_TERMS] = {
    "bond", "angle", "torsion_proper", "torsion_improper", "lj", "coulomb",
    "lj14", "coulomb14", "gb_polar", "gb_sa"};

static double amber_energy(const digs_potential *pot, const double *x,
                           double *grad)
{
    const amber_data *d = pot->data;
    double e[AMBER_N_TERMS];
    return amber_model_evaluate(&d->model, x, grad, e);
}

static void amber_energy_terms(const digs_potential *pot, const double *x,
                               double *terms)
{
    const amber_data *d = pot->data;
    double e[AMBER_N_TERMS];
    amber_model_evaluate(&d->model, x, NULL, e);
    for (int t = 0; t < pot->n_terms; t++)
        terms[t] = e[t];
}

static int amber_start_position(const digs_potential *pot, double *x)
{
    const amber_data *d = pot->data;
    if (!d->top.coordinates)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s has no start coordinates; set [system] "
                         "coordinates = FILE (AMBER inpcrd)", d->top.source);
    memcpy(x, d->top.coordinates, sizeof *x * (size_t)pot->dim);
    return DIGS_OK;
}

static void amber_destroy(digs_potential *pot)
{
    amber_data *d = pot->data;
    if (!d)
        return;
    amber_model_free(&d->model);
    digs_amber_topology_free(&d->top);
    free(d->atom_names);
    free(d->elements);
    free(d->residue_names);
    free(d->residue_ids);
    free(d);
    pot->data = NULL;
}

/* path as given if readable, else (relative path) beside the deck file. */
static int resolve(const digs_deck *deck, const char *key, const char *path,
                   char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    if (access(path, R_OK) == 0)
        return DIGS_OK;
    const char *deck_file = digs_deck_filename(deck);
    const char *slash = deck_file ? strrchr(deck_file, '/') : NULL;
    if (path[0] != '/' && slash) {
        snprintf(out, size, "%.*s/%s", (int)(slash - deck_file), deck_file,
                 path);
        if (access(out, R_OK) == 0)
            return DIGS_OK;
    }
    char reason[512];
    snprintf(reason, sizeof reason, "cannot read the file%s%s",
             path[0] != '/' && slash ? " here or at " : "",
             path[0] != '/' && slash ? out : "");
    return digs_deck_reject(deck, "system", key, reason);
}

static int read_topology(const char *path, digs_amber_topology *top)
{
    char *text;
    DIGS_CHECK(digs_top_read_text(path, "topology", &text));
    int status = digs_prmtop_detect(text) ? digs_prmtop_parse(text, path, top)
                                          : digs_top_parse(text, path, top);
    free(text);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}

/* A GB-only key given with solvent = vacuum is an error, not ignored. */
static int gb_only(const digs_deck *deck, const char *key)
{
    if (digs_deck_has_key(deck, "system", key))
        return digs_deck_reject(deck, "system", key,
                                "only used with solvent = obc1 or obc2");
    return DIGS_OK;
}

/* The GB constants: the topology's own block when it names the chosen
 * model, else OpenMM's prmtop defaults for that model; dielectrics from
 * the deck, defaulting to the topology's. */
static int choose_gb(digs_deck *deck, const digs_amber_topology *top,
                     digs_amber_gb_model model, digs_amber_gb_params *gb,
                     int *surface_area)
{
    if (top->gb.model == model)
        *gb = top->gb;
    else
        digs_amber_gb_standard(model, gb);
    if (top->gb.model != DIGS_AMBER_GB_NONE) {
        gb->solvent_dielectric = top->gb.solvent_dielectric;
        gb->solute_dielectric = top->gb.solute_dielectric;
    }
    char dflt[2][32];
    snprintf(dflt[0], sizeof dflt[0], "%.17g", gb->solvent_dielectric);
    snprintf(dflt[1], sizeof dflt[1], "%.17g", gb->solute_dielectric);
    DIGS_CHECK(digs_deck_double(deck, "system", "solvent_dielectric", dflt[0],
                                1.0, 1e6, &gb->solvent_dielectric));
    DIGS_CHECK(digs_deck_double(deck, "system", "solute_dielectric", dflt[1],
                                1.0, 1e6, &gb->solute_dielectric));
    static const char *const sa_words[] = {"ace", "none", NULL};
    int sa;
    DIGS_CHECK(digs_deck_choice(deck, "system", "surface_area", "ace",
                                sa_words, &sa));
    *surface_area = sa == 0;
    return DIGS_OK;
}

static int set_labels(digs_potential *pot, amber_data *d)
{
    int n = d->top.n_atoms;
    DIGS_CALLOC(d->atom_names, n);
    DIGS_CALLOC(d->elements, n);
    DIGS_CALLOC(d->residue_names, n);
    DIGS_CALLOC(d->residue_ids, n);
    for (int i = 0; i < n; i++) {
        d->atom_names[i] = d->top.atoms[i].name;
        d->elements[i] = d->top.atoms[i].element;
        d->residue_names[i] = d->top.atoms[i].resname;
        d->residue_ids[i] = d->top.atoms[i].resid;
    }
    pot->atom_names = d->atom_names;
    pot->elements = d->elements;
    pot->residue_names = d->residue_names;
    pot->residue_ids = d->residue_ids;
    return DIGS_OK;
}

static int amber_setup(digs_potential *pot, digs_deck *deck)
{
    if (!deck)
        return DIGS_FAIL(DIGS_ERR_INPUT, "potential amber needs [system] "
                         "topology = FILE");
    amber_data *d;
    DIGS_CALLOC(d, 1);
    pot->data = d;

    const char *value;
    char path[4096];
    DIGS_CHECK(digs_deck_string(deck, "system", "topology", NULL, &value));
    DIGS_CHECK(resolve(deck, "topology", value, path, sizeof path));
    DIGS_CHECK(read_topology(path, &d->top));
    if (digs_deck_has_key(deck, "system", "coordinates")) {
        DIGS_CHECK(digs_deck_string(deck, "system", "coordinates", NULL,
                                    &value));
        DIGS_CHECK(resolve(deck, "coordinates", value, path, sizeof path));
        if (!d->top.coordinates)
            DIGS_CALLOC(d->top.coordinates, 3 * d->top.n_atoms);
        DIGS_CHECK(digs_inpcrd_read(path, d->top.n_atoms,
                                    d->top.coordinates));
    }

    static const char *const solvents[] = {"vacuum", "obc1", "obc2", NULL};
    int solvent;
    DIGS_CHECK(digs_deck_choice(deck, "system", "solvent", "vacuum",
                                solvents, &solvent));
    digs_amber_gb_params gb;
    int surface_area = 1;
    if (solvent == 0) {
        DIGS_CHECK(gb_only(deck, "solvent_dielectric"));
        DIGS_CHECK(gb_only(deck, "solute_dielectric"));
        DIGS_CHECK(gb_only(deck, "surface_area"));
    } else {
        DIGS_CHECK(choose_gb(deck, &d->top,
                             solvent == 1 ? DIGS_AMBER_GB_OBC1
                                          : DIGS_AMBER_GB_OBC2,
                             &gb, &surface_area));
    }
    double temperature;
    DIGS_CHECK(digs_deck_double(deck, "system", "temperature", "300", 1e-3,
                                1e6, &temperature));
    DIGS_CHECK(amber_model_build(&d->model, &d->top, solvent ? &gb : NULL,
                                 surface_area));
    DIGS_CHECK(set_labels(pot, d));

    pot->n_particles = d->top.n_atoms;
    pot->spatial_dim = 3;
    pot->dim = 3 * d->top.n_atoms;
    pot->translation_invariant = 1;
    pot->kT = DIGS_KB_KJ_PER_MOL_K * temperature;
    pot->angstrom = DIGS_NM_PER_ANGSTROM;
    pot->length_unit = "nm";
    pot->energy_unit = "kJ/mol";
    pot->n_terms = solvent ? AMBER_N_TERMS : AMBER_GB_POLAR;
    pot->term_names = term_names;
    return DIGS_OK;
}

const digs_potential_ops digs_potential_amber = {
    .name = "amber",
    .summary = "AMBER force field from a prmtop or digs topology; vacuum, "
               "OBC1 or OBC2 implicit solvent (nm, kJ/mol)",
    .setup = amber_setup,
    .energy = amber_energy,
    .energy_terms = amber_energy_terms,
    .destroy = amber_destroy,
    .start_position = amber_start_position,
};
