/* Compile a digs_amber_topology into the evaluation tables of
 * amber_model.h, and evaluate all terms. */
#include "potentials/amber_model.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* The pair list holds all N(N−1)/2 pairs (no cutoff): 32 bytes each. */
enum { AMBER_MAX_ATOMS = 5000 };

void amber_model_free(amber_model *m)
{
    void *all[] = {m->bond_atoms, m->bond_r0, m->bond_k, m->angle_atoms,
                   m->angle_t0, m->angle_k, m->quad_atoms, m->quad_improper,
                   m->quad_nmax, m->quad_coef, m->pair_row, m->pair_j, m->pair_a, m->pair_b,
                   m->pair_qq, m->gb_charge, m->gb_rho, m->gb_or, m->gb_sr,
                   m->gb_sa};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        free(all[k]);
    memset(m, 0, sizeof *m);
}

static int build_bonded(amber_model *m, const digs_amber_topology *top)
{
    m->n_bonds = top->n_bonds;
    DIGS_CALLOC(m->bond_atoms, 2 * m->n_bonds);
    DIGS_CALLOC(m->bond_r0, m->n_bonds);
    DIGS_CALLOC(m->bond_k, m->n_bonds);
    for (int b = 0; b < m->n_bonds; b++) {
        m->bond_atoms[2 * b] = top->bonds[b].i;
        m->bond_atoms[2 * b + 1] = top->bonds[b].j;
        m->bond_r0[b] = top->bonds[b].r0;
        m->bond_k[b] = top->bonds[b].kf;
    }
    m->n_angles = top->n_angles;
    DIGS_CALLOC(m->angle_atoms, 3 * m->n_angles);
    DIGS_CALLOC(m->angle_t0, m->n_angles);
    DIGS_CALLOC(m->angle_k, m->n_angles);
    for (int a = 0; a < m->n_angles; a++) {
        m->angle_atoms[3 * a] = top->angles[a].i;
        m->angle_atoms[3 * a + 1] = top->angles[a].j;
        m->angle_atoms[3 * a + 2] = top->angles[a].k;
        m->angle_t0[a] = top->angles[a].theta0;
        m->angle_k[a] = top->angles[a].kf;
    }
    return DIGS_OK;
}

typedef struct { const digs_amber_torsion *t; int order; } torsion_ref;

static int compare_torsion(const void *a, const void *b)
{
    const digs_amber_torsion *x = ((const torsion_ref *)a)->t;
    const digs_amber_torsion *y = ((const torsion_ref *)b)->t;
    int kx[6] = {x->i, x->j, x->k, x->l, x->improper, x->periodicity};
    int ky[6] = {y->i, y->j, y->k, y->l, y->improper, y->periodicity};
    for (int c = 0; c < 6; c++)
        if (kx[c] != ky[c])
            return (kx[c] > ky[c]) - (kx[c] < ky[c]);
    int ox = ((const torsion_ref *)a)->order, oy = ((const torsion_ref *)b)->order;
    return (ox > oy) - (ox < oy);
}

static int same_quartet(const digs_amber_torsion *x, const digs_amber_torsion *y)
{
    return x->i == y->i && x->j == y->j && x->k == y->k && x->l == y->l &&
           x->improper == y->improper;
}

/* Group the torsions with k ≠ 0 by quartet and sum each quartet's terms
 * into its Fourier coefficients (amber_model.h), so that one dihedral
 * angle serves all its periodicities (amber_bonded.c). */
static int build_torsions(amber_model *m, const digs_amber_topology *top)
{
    int n = 0, nmax = 0;
    torsion_ref *ref;
    DIGS_CALLOC(ref, top->n_torsions);
    for (int t = 0; t < top->n_torsions; t++)
        if (top->torsions[t].kf != 0) {
            ref[n++] = (torsion_ref){&top->torsions[t], t};
            if (top->torsions[t].periodicity > nmax)
                nmax = top->torsions[t].periodicity;
        }
    qsort(ref, (size_t)n, sizeof *ref, compare_torsion);
    int nq = 0;
    for (int t = 0; t < n; t++)
        nq += t == 0 || !same_quartet(ref[t - 1].t, ref[t].t);
    size_t stride = 2 * (size_t)nmax + 1;
    m->tors_nmax = nmax;
    m->quad_atoms = calloc(4 * (size_t)nq + 1, sizeof *m->quad_atoms);
    m->quad_improper = calloc((size_t)nq + 1, sizeof *m->quad_improper);
    m->quad_nmax = calloc((size_t)nq + 1, sizeof *m->quad_nmax);
    m->quad_coef = calloc(((size_t)nq + 1) * stride, sizeof *m->quad_coef);
    if (!m->quad_atoms || !m->quad_improper || !m->quad_nmax ||
        !m->quad_coef) {
        free(ref);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    int q = -1;
    for (int t = 0; t < n; t++) {
        const digs_amber_torsion *d = ref[t].t;
        if (t == 0 || !same_quartet(ref[t - 1].t, d)) {
            q++;
            int *a = m->quad_atoms + 4 * q;
            a[0] = d->i, a[1] = d->j, a[2] = d->k, a[3] = d->l;
            m->quad_improper[q] = d->improper;
        }
        /* k (1 + cos(nφ − δ)) = k + k cos δ cos nφ + k sin δ sin nφ */
        double *c = m->quad_coef + (size_t)q * stride;
        int p = d->periodicity;
        c[0] += d->kf;
        if (p == 0) {
            c[0] += d->kf * cos(d->phase);
        } else {
            c[p] += d->kf * cos(d->phase);
            c[nmax + p] += d->kf * sin(d->phase);
        }
        if (p > m->quad_nmax[q])
            m->quad_nmax[q] = p;
    }
    m->n_quads = nq;
    free(ref);
    return DIGS_OK;
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

static void set_pair(amber_model *m, int p, int j, double qq, double sigma,
                     double epsilon, double coulomb)
{
    double s6 = sigma * sigma * sigma;
    s6 *= s6;
    m->pair_j[p] = j;
    m->pair_a[p] = 4.0 * epsilon * s6 * s6;
    m->pair_b[p] = 4.0 * epsilon * s6;
    m->pair_qq[p] = coulomb * qq;
}

static int compare_pair14(const void *a, const void *b)
{
    const digs_amber_pair14 *x = *(const digs_amber_pair14 *const *)a;
    const digs_amber_pair14 *y = *(const digs_amber_pair14 *const *)b;
    int xi = x->i < x->j ? x->i : x->j, yi = y->i < y->j ? y->i : y->j;
    int xj = x->i < x->j ? x->j : x->i, yj = y->i < y->j ? y->j : y->i;
    return xi != yi ? (xi > yi) - (xi < yi) : (xj > yj) - (xj < yj);
}

/* Normal pairs: every i < j that is neither a 1-4 pair nor excluded
 * (REFERENCE.md §7.5.3), found by merging with the sorted special keys;
 * then the 1-4 pairs, sorted into rows. */
static int build_pairs(amber_model *m, const digs_amber_topology *top)
{
    int na = top->n_atoms;
    size_t n_special = (size_t)top->n_pairs14 + (size_t)top->n_exclusions;
    uint64_t *special;
    const digs_amber_pair14 **p14;
    DIGS_CALLOC(special, n_special);
    size_t s = 0;
    for (int p = 0; p < top->n_pairs14; p++)
        special[s++] = pair_key(top->pairs14[p].i, top->pairs14[p].j);
    for (int p = 0; p < top->n_exclusions; p++)
        special[s++] = pair_key(top->exclusions[p].i, top->exclusions[p].j);
    qsort(special, n_special, sizeof *special, compare_u64);
    long all = (long)na * (na - 1) / 2;
    m->n_normal = (int)(all - (long)n_special);
    m->n_pairs = m->n_normal + top->n_pairs14;
    m->pair_row = calloc(2 * (size_t)na + 1, sizeof *m->pair_row);
    m->pair_j = calloc((size_t)m->n_pairs + 1, sizeof *m->pair_j);
    m->pair_a = calloc((size_t)m->n_pairs + 1, sizeof *m->pair_a);
    m->pair_b = calloc((size_t)m->n_pairs + 1, sizeof *m->pair_b);
    m->pair_qq = calloc((size_t)m->n_pairs + 1, sizeof *m->pair_qq);
    p14 = calloc((size_t)top->n_pairs14 + 1, sizeof *p14);
    if (!m->pair_row || !m->pair_j || !m->pair_a || !m->pair_b ||
        !m->pair_qq || !p14) {
        free(special);
        free(p14);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    int p = 0;
    s = 0;
    double c = top->coulomb_constant;
    for (int i = 0; i < na; i++) {
        const digs_amber_atom *ai = &top->atoms[i];
        m->pair_row[i] = p;
        for (int j = i + 1; j < na; j++) {
            if (s < n_special && special[s] == pair_key(i, j)) {
                s++;
                continue;
            }
            const digs_amber_atom *aj = &top->atoms[j];
            /* Lorentz–Berthelot */
            set_pair(m, p++, j, ai->charge * aj->charge,
                     0.5 * (ai->sigma + aj->sigma),
                     sqrt(ai->epsilon * aj->epsilon), c);
        }
    }
    free(special);
    if (p != m->n_normal) {
        free(p14);
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: pair bookkeeping: %d normal "
                         "pairs, expected %d", top->source, p, m->n_normal);
    }
    for (int q = 0; q < top->n_pairs14; q++)
        p14[q] = &top->pairs14[q];
    qsort(p14, (size_t)top->n_pairs14, sizeof *p14, compare_pair14);
    int q = 0;
    for (int i = 0; i < na; i++) {
        m->pair_row[na + i] = p;
        for (; q < top->n_pairs14; q++) {
            const digs_amber_pair14 *t = p14[q];
            int lo = t->i < t->j ? t->i : t->j, hi = t->i < t->j ? t->j : t->i;
            if (lo != i)
                break;
            set_pair(m, p++, hi, t->qq, t->sigma, t->epsilon, c);
        }
    }
    m->pair_row[2 * na] = p;
    free(p14);
    return DIGS_OK;
}

static int build_gb(amber_model *m, const digs_amber_topology *top,
                    const digs_amber_gb_params *gb, int surface_area)
{
    int na = top->n_atoms;
    if (!top->has_gb_radii)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: implicit solvent needs GB radii "
                         "and screening factors, and the topology has none",
                         top->source);
    m->gb = 1;
    m->gb_cache = na <= AMBER_GB_CACHE_ATOMS;
    m->gb_buried = gb->buried_correction;
    m->gb_alpha = gb->alpha;
    m->gb_beta = gb->beta;
    m->gb_gamma = gb->gamma;
    m->gb_pre = -gb->coulomb_constant *
                (1.0 / gb->solute_dielectric - 1.0 / gb->solvent_dielectric);
    DIGS_CALLOC(m->gb_charge, na);
    DIGS_CALLOC(m->gb_rho, na);
    DIGS_CALLOC(m->gb_or, na);
    DIGS_CALLOC(m->gb_sr, na);
    DIGS_CALLOC(m->gb_sa, na);
    double sa = surface_area ? 4.0 * M_PI * gb->surface_area_energy : 0.0;
    for (int i = 0; i < na; i++) {
        const digs_amber_atom *a = &top->atoms[i];
        double rho = a->gb_radius, ro = rho - gb->offset;
        if (!(ro > 0))
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: atom %d (%s): GB radius %g "
                             "nm, expected more than the dielectric offset "
                             "%g nm", top->source, i, a->name, rho,
                             gb->offset);
        double r2 = (rho + 0.14) * (rho + 0.14), rho3 = rho * rho * rho;
        m->gb_charge[i] = a->charge;
        m->gb_rho[i] = rho;
        m->gb_or[i] = ro;
        m->gb_sr[i] = ro * a->gb_scale;
        /* ACE: 4π E_SA (ρ + 0.14 nm)² (ρ/B)⁶ (§7.5.4), ρ⁶ folded in here */
        m->gb_sa[i] = sa * r2 * rho3 * rho3;
    }
    return DIGS_OK;
}

int amber_model_build(amber_model *m, const digs_amber_topology *top,
                      const digs_amber_gb_params *gb, int surface_area)
{
    memset(m, 0, sizeof *m);
    if (top->n_atoms > AMBER_MAX_ATOMS)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %d atoms; the amber potential "
                         "keeps every pair (no cutoff) and supports at most "
                         "%d atoms", top->source, top->n_atoms,
                         AMBER_MAX_ATOMS);
    m->n_atoms = top->n_atoms;
    int status = build_bonded(m, top);
    if (status == DIGS_OK)
        status = build_torsions(m, top);
    if (status == DIGS_OK)
        status = build_pairs(m, top);
    if (status == DIGS_OK && gb)
        status = build_gb(m, top, gb, surface_area);
    if (status != DIGS_OK) {
        amber_model_free(m);
        return digs_trace(status, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

double amber_model_evaluate(const amber_model *m, const double *x,
                            double *grad, double *e)
{
    for (int t = 0; t < AMBER_N_TERMS; t++)
        e[t] = 0.0;
    if (grad)
        memset(grad, 0, sizeof *grad * 3 * (size_t)m->n_atoms);
    amber_bonds(m, x, grad, e);
    amber_angles(m, x, grad, e);
    amber_torsions(m, x, grad, e);
    amber_nonbonded(m, x, grad, e);
    if (m->gb) {
        /* ≤ 4.2e3 doubles (N ≤ 64, cached) or 3 N ≤ 1.5e4 doubles */
        double work[amber_gb_scratch(m)];
        amber_gb(m, x, grad, e, work);
    }
    double total = 0.0;
    for (int t = 0; t < AMBER_N_TERMS; t++)
        total += e[t];
    return isfinite(total) ? total : INFINITY;
}
