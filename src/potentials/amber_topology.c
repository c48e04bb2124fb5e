#include "potentials/amber_topology.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void digs_amber_topology_free(digs_amber_topology *top)
{
    free(top->source);
    free(top->atoms);
    free(top->bonds);
    free(top->angles);
    free(top->torsions);
    free(top->pairs14);
    free(top->exclusions);
    free(top->coordinates);
    memset(top, 0, sizeof *top);
}

void digs_amber_gb_standard(digs_amber_gb_model model,
                            digs_amber_gb_params *gb)
{
    memset(gb, 0, sizeof *gb);
    gb->model = model;
    gb->solvent_dielectric = 78.5;
    gb->solute_dielectric = 1.0;
    gb->offset = 0.009;
    if (model == DIGS_AMBER_GB_OBC1) {
        /* openmm/app/internal/customgbforces.py GBSAOBC1Force: tanh(0.8ψ +
         * 2.909125ψ³), prefactor 138.935485, ACE 28.3919551 = 4π E_SA. */
        gb->alpha = 0.8;
        gb->beta = 0.0;
        gb->gamma = 2.909125;
        gb->coulomb_constant = 138.935485;
        gb->surface_area_energy = 28.3919551 / (4.0 * M_PI);
        gb->buried_correction = 0;
    } else if (model == DIGS_AMBER_GB_OBC2) {
        /* native GBSAOBCForce (what AmberPrmtopFile builds for OBC2). */
        gb->alpha = 1.0;
        gb->beta = 0.8;
        gb->gamma = 4.85;
        gb->coulomb_constant = DIGS_AMBER_ONE_4PI_EPS0;
        gb->surface_area_energy = 2.25936;
        gb->buried_correction = 1;
    }
}

const char *digs_amber_gb_model_name(digs_amber_gb_model model)
{
    switch (model) {
    case DIGS_AMBER_GB_OBC1: return "obc1";
    case DIGS_AMBER_GB_OBC2: return "obc2";
    default: return "none";
    }
}

static const char *const element_symbols[] = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na",
    "Mg", "Al", "Si", "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",
    "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br",
    "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag",
    "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
    "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi",
    "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am",
    "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh",
    "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

const char *digs_amber_element_symbol(int z)
{
    int n = (int)(sizeof element_symbols / sizeof element_symbols[0]);
    return z > 0 && z < n ? element_symbols[z] : "";
}

const char *digs_amber_element_from_mass(double mass)
{
    static const struct { const char *symbol; double mass; } common[] = {
        {"Li", 6.94},    {"B", 10.81},    {"C", 12.011},   {"N", 14.007},
        {"O", 15.999},   {"F", 18.998},   {"Na", 22.990},  {"Mg", 24.305},
        {"Si", 28.085},  {"P", 30.974},   {"S", 32.06},    {"Cl", 35.45},
        {"K", 39.098},   {"Ca", 40.078},  {"Mn", 54.938},  {"Fe", 55.845},
        {"Co", 58.933},  {"Ni", 58.693},  {"Cu", 63.546},  {"Zn", 65.38},
        {"Se", 78.971},  {"Br", 79.904},  {"Rb", 85.468},  {"I", 126.904},
        {"Cs", 132.905}};
    if (!(mass > 0.5))
        return "";
    if (mass < 4.5)
        return "H";
    const char *best = "";
    double best_d = INFINITY;
    for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
        double d = fabs(common[k].mass - mass);
        if (d < best_d) {
            best_d = d;
            best = common[k].symbol;
        }
    }
    return best_d < 1.0 ? best : "";
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t pair_key(int i, int j)
{
    int a = i < j ? i : j, b = i < j ? j : i;
    return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

/* Atom indices of one term: in range and pairwise distinct. */
static int check_indices(const digs_amber_topology *top, const char *what,
                         int entry, const int *idx, int n)
{
    for (int a = 0; a < n; a++) {
        if (idx[a] < 0 || idx[a] >= top->n_atoms)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: %s entry %d: atom index %d out of range "
                             "0..%d", top->source, what, entry + 1, idx[a],
                             top->n_atoms - 1);
        for (int b = 0; b < a; b++)
            if (idx[a] == idx[b])
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s: %s entry %d: atom %d appears twice",
                                 top->source, what, entry + 1, idx[a]);
    }
    return DIGS_OK;
}

static int check_finite(const digs_amber_topology *top, const char *what,
                        int entry, const double *v, int n)
{
    for (int a = 0; a < n; a++)
        if (!isfinite(v[a]))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: %s entry %d: parameter %d is not finite",
                             top->source, what, entry + 1, a + 1);
    return DIGS_OK;
}

/* No pair twice in PAIRS14 ∪ EXCLUSIONS (sort the 64-bit pair keys). */
static int check_special_pairs(const digs_amber_topology *top)
{
    size_t n = (size_t)top->n_pairs14 + (size_t)top->n_exclusions;
    if (n < 2)
        return DIGS_OK;
    uint64_t *keys;
    DIGS_CALLOC(keys, n);
    size_t k = 0;
    for (int p = 0; p < top->n_pairs14; p++)
        keys[k++] = pair_key(top->pairs14[p].i, top->pairs14[p].j);
    for (int p = 0; p < top->n_exclusions; p++)
        keys[k++] = pair_key(top->exclusions[p].i, top->exclusions[p].j);
    qsort(keys, n, sizeof *keys, compare_u64);
    for (k = 1; k < n; k++)
        if (keys[k] == keys[k - 1]) {
            int a = (int)(keys[k] >> 32), b = (int)(keys[k] & 0xffffffffu);
            free(keys);
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: atom pair %d-%d is listed twice among the "
                             "1-4 pairs and exclusions", top->source, a, b);
        }
    free(keys);
    return DIGS_OK;
}

int digs_amber_topology_check(const digs_amber_topology *top)
{
    if (top->n_atoms <= 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: topology has no atoms",
                         top->source);
    for (int a = 0; a < top->n_atoms; a++) {
        const digs_amber_atom *at = &top->atoms[a];
        double v[6] = {at->mass, at->charge, at->sigma, at->epsilon,
                       at->gb_radius, at->gb_scale};
        DIGS_CHECK(check_finite(top, "ATOMS", a, v, 6));
        if (at->epsilon < 0 || (at->epsilon > 0 && !(at->sigma > 0)))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: atom %d (%s): expected epsilon >= 0 and "
                             "sigma > 0, found sigma %g epsilon %g",
                             top->source, a, at->name, at->sigma,
                             at->epsilon);
        if (at->gb_radius < 0 || at->gb_scale < 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: atom %d (%s): expected GB radius and scale "
                             ">= 0, found %g and %g", top->source, a,
                             at->name, at->gb_radius, at->gb_scale);
    }
    for (int b = 0; b < top->n_bonds; b++) {
        const digs_amber_bond *t = &top->bonds[b];
        DIGS_CHECK(check_indices(top, "BONDS", b, (int[]){t->i, t->j}, 2));
        DIGS_CHECK(check_finite(top, "BONDS", b, (double[]){t->r0, t->kf}, 2));
    }
    for (int b = 0; b < top->n_angles; b++) {
        const digs_amber_angle *t = &top->angles[b];
        DIGS_CHECK(check_indices(top, "ANGLES", b,
                                 (int[]){t->i, t->j, t->k}, 3));
        DIGS_CHECK(check_finite(top, "ANGLES", b,
                                (double[]){t->theta0, t->kf}, 2));
    }
    for (int b = 0; b < top->n_torsions; b++) {
        const digs_amber_torsion *t = &top->torsions[b];
        DIGS_CHECK(check_indices(top, "TORSIONS", b,
                                 (int[]){t->i, t->j, t->k, t->l}, 4));
        DIGS_CHECK(check_finite(top, "TORSIONS", b,
                                (double[]){t->phase, t->kf}, 2));
        if (t->periodicity < 0 || t->periodicity > 32)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: TORSIONS entry %d: periodicity %d, "
                             "expected 0..32", top->source, b + 1,
                             t->periodicity);
    }
    for (int b = 0; b < top->n_pairs14; b++) {
        const digs_amber_pair14 *t = &top->pairs14[b];
        DIGS_CHECK(check_indices(top, "PAIRS14", b, (int[]){t->i, t->j}, 2));
        DIGS_CHECK(check_finite(top, "PAIRS14", b,
                                (double[]){t->qq, t->sigma, t->epsilon}, 3));
    }
    for (int b = 0; b < top->n_exclusions; b++) {
        const digs_amber_exclusion *t = &top->exclusions[b];
        DIGS_CHECK(check_indices(top, "EXCLUSIONS", b,
                                 (int[]){t->i, t->j}, 2));
    }
    if (!isfinite(top->coulomb_constant) || top->coulomb_constant <= 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: Coulomb constant must be positive",
                         top->source);
    if (top->coordinates) {
        for (int k = 0; k < 3 * top->n_atoms; k++)
            if (!isfinite(top->coordinates[k]))
                return DIGS_FAIL(DIGS_ERR_INPUT,
                                 "%s: coordinate %d of atom %d is not finite",
                                 top->source, k % 3 + 1, k / 3);
    }
    DIGS_CHECK(check_special_pairs(top));
    return DIGS_OK;
}
