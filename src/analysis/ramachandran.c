/* Alanine-dipeptide backbone analysis (contract in ramachandran.h). */
#include "analysis/ramachandran.h"

#include <math.h>
#include <string.h>

const char *digs_rama_basin_name(int basin)
{
    static const char *const names[] = {"C7eq/beta", "alphaR", "alphaL",
                                        "C7ax", "other"};
    return basin >= 0 && basin <= DIGS_BASIN_OTHER ? names[basin] : "?";
}

static void sub3(const double *a, const double *b, double *out)
{
    out[0] = a[0] - b[0];
    out[1] = a[1] - b[1];
    out[2] = a[2] - b[2];
}

static void cross3(const double *a, const double *b, double *out)
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* REFERENCE.md §7.5.2, IUPAC sign. */
double digs_dihedral(const double *a, const double *b, const double *c,
                     const double *d)
{
    double b1[3], b2[3], b3[3], n1[3], n2[3];
    sub3(b, a, b1);
    sub3(c, b, b2);
    sub3(d, c, b3);
    cross3(b1, b2, n1);
    cross3(b2, b3, n2);
    double y = sqrt(dot3(b2, b2)) * dot3(b1, n2);
    double x = dot3(n1, n2);
    if (x == 0.0 && y == 0.0)
        return NAN;
    double t = atan2(y, x);
    return t == -M_PI ? M_PI : t;   /* range (−π, π] */
}

/* Index of the atom named `name` in residue `rid`, or -1. */
static int atom_in(int n, const char *const *names, const int *rids,
                   int rid, const char *name)
{
    for (int i = 0; i < n; i++)
        if (rids[i] == rid && !strcmp(names[i], name))
            return i;
    return -1;
}

int digs_rama_find_atoms(int n_particles, const char *const *atom_names,
                         const char *const *residue_names,
                         const int *residue_ids, digs_rama_atoms *out)
{
    if (!atom_names || !residue_names || !residue_ids) {
        if (n_particles != 22)
            return -1;
        /* REFERENCE.md §7.5.2 order */
        *out = (digs_rama_atoms){.c_prev = 4, .n = 6, .ca = 8, .c = 14,
                                 .n_next = 16, .cb = 10};
        return 0;
    }
    for (int i = 0; i < n_particles; i++) {
        if (strcmp(atom_names[i], "CA") || strcmp(residue_names[i], "ALA"))
            continue;
        int rid = residue_ids[i];
        digs_rama_atoms a = {
            .c_prev = atom_in(n_particles, atom_names, residue_ids, rid - 1,
                              "C"),
            .n = atom_in(n_particles, atom_names, residue_ids, rid, "N"),
            .ca = i,
            .c = atom_in(n_particles, atom_names, residue_ids, rid, "C"),
            .n_next = atom_in(n_particles, atom_names, residue_ids, rid + 1,
                              "N"),
            .cb = atom_in(n_particles, atom_names, residue_ids, rid, "CB"),
        };
        if (a.c_prev < 0 || a.n < 0 || a.c < 0 || a.n_next < 0 || a.cb < 0)
            return -1;
        *out = a;
        return 0;
    }
    return -1;
}

void digs_rama_phi_psi(const double *x, const digs_rama_atoms *at,
                       double *phi, double *psi)
{
    const double *cp = x + 3 * at->c_prev, *n = x + 3 * at->n,
                 *ca = x + 3 * at->ca, *c = x + 3 * at->c,
                 *nn = x + 3 * at->n_next;
    *phi = digs_dihedral(cp, n, ca, c);
    *psi = digs_dihedral(n, ca, c, nn);
}

int digs_rama_classify(double phi, double psi)
{
    if (!isfinite(phi) || !isfinite(psi))
        return DIGS_BASIN_OTHER;
    double f = phi * (180.0 / M_PI), s = psi * (180.0 / M_PI);
    if (f > DIGS_RAMA_RIGHT_PHI_LO && f <= DIGS_RAMA_RIGHT_PHI_HI)
        return s > DIGS_RAMA_RIGHT_PSI_SPLIT ? DIGS_BASIN_ALPHA_L
                                             : DIGS_BASIN_C7AX;
    if (s > DIGS_RAMA_ALPHA_R_PSI_LO && s <= DIGS_RAMA_ALPHA_R_PSI_HI)
        return DIGS_BASIN_ALPHA_R;
    return DIGS_BASIN_BETA;
}

double digs_rama_chirality(const double *x, const digs_rama_atoms *at)
{
    double u[3], v[3], w[3], vw[3];
    sub3(x + 3 * at->n, x + 3 * at->ca, u);
    sub3(x + 3 * at->c, x + 3 * at->ca, v);
    sub3(x + 3 * at->cb, x + 3 * at->ca, w);
    cross3(v, w, vw);
    return dot3(u, vw);
}

int digs_rama_bin(double a, int bins)
{
    if (!isfinite(a))
        return -1;
    int b = (int)floor((a + M_PI) / (2 * M_PI) * bins);
    return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

long digs_rama_hist2d(const double *phi, const double *psi, long n, int bins,
                      double *counts)
{
    memset(counts, 0, sizeof(double) * (size_t)bins * (size_t)bins);
    long k = 0;
    for (long i = 0; i < n; i++) {
        int a = digs_rama_bin(phi[i], bins), b = digs_rama_bin(psi[i], bins);
        if (a < 0 || b < 0)
            continue;
        counts[(size_t)a * bins + b] += 1.0;
        k++;
    }
    return k;
}

long digs_rama_hist1d(const double *a, long n, int bins, double *counts)
{
    memset(counts, 0, sizeof(double) * (size_t)bins);
    long k = 0;
    for (long i = 0; i < n; i++) {
        int b = digs_rama_bin(a[i], bins);
        if (b < 0)
            continue;
        counts[b] += 1.0;
        k++;
    }
    return k;
}

static double total(const double *c, long m)
{
    double s = 0;
    for (long i = 0; i < m; i++)
        s += c[i];
    return s;
}

double digs_rama_kl(const double *p_counts, const double *q_counts, long m)
{
    double sp = total(p_counts, m), sq = total(q_counts, m);
    if (!(sp > 0) || !(sq > 0))
        return NAN;
    double zp = 1.0 + m * DIGS_RAMA_KL_EPS, zq = zp;
    double kl = 0;
    for (long i = 0; i < m; i++) {
        double p = (p_counts[i] / sp + DIGS_RAMA_KL_EPS) / zp;
        double q = (q_counts[i] / sq + DIGS_RAMA_KL_EPS) / zq;
        kl += p * log(p / q);
    }
    return kl;
}

double digs_rama_tvd(const double *p_counts, const double *q_counts, long m)
{
    double sp = total(p_counts, m), sq = total(q_counts, m);
    if (!(sp > 0) || !(sq > 0))
        return NAN;
    double t = 0;
    for (long i = 0; i < m; i++)
        t += fabs(p_counts[i] / sp - q_counts[i] / sq);
    return 0.5 * t;
}

long digs_rama_transitions(const int *basin, long n_chains, long n_records,
                           long *per_chain)
{
    long sum = 0;
    for (long c = 0; c < n_chains; c++) {
        int last = DIGS_BASIN_OTHER;
        long k = 0;
        for (long r = 0; r < n_records; r++) {
            int b = basin[r * n_chains + c];
            if (b < 0 || b >= DIGS_RAMA_N_BASINS)
                continue;
            if (last != DIGS_BASIN_OTHER && b != last)
                k++;
            last = b;
        }
        per_chain[c] = k;
        sum += k;
    }
    return sum;
}

void digs_rama_first_all_visited(const int *basin, long n_chains,
                                 long n_records, long *first)
{
    for (long c = 0; c < n_chains; c++) {
        unsigned seen = 0, all = (1u << DIGS_RAMA_N_BASINS) - 1;
        first[c] = -1;
        for (long r = 0; r < n_records; r++) {
            int b = basin[r * n_chains + c];
            if (b >= 0 && b < DIGS_RAMA_N_BASINS)
                seen |= 1u << b;
            if (seen == all) {
                first[c] = r;
                break;
            }
        }
    }
}

long digs_rama_records_to_visit(const long *first, long n_chains,
                                double fraction)
{
    long need = (long)ceil(fraction * (double)n_chains - 1e-9);
    if (need < 1)
        need = 1;
    /* the need-th smallest first[] among the chains that got there */
    long best = -1;
    for (long r_try = 0;; ) {
        long k = 0, next = -1;
        for (long c = 0; c < n_chains; c++) {
            if (first[c] < 0)
                continue;
            if (first[c] <= r_try)
                k++;
            else if (next < 0 || first[c] < next)
                next = first[c];
        }
        if (k >= need) {
            best = r_try + 1;
            break;
        }
        if (next < 0)
            break;
        r_try = next;
    }
    return best;
}
