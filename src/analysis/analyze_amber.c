/* Alanine-dipeptide metrics of `digs analyze` (contract in
 * analyze_amber.h; definitions in doc/analysis.md). */
#include "analysis/analyze_amber.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze_stats.h"
#include "core/status.h"

enum { NB = DIGS_RAMA_BINS, NB2 = DIGS_RAMA_BINS * DIGS_RAMA_BINS,
       MAX_POINTS = 4000 };

static const double DEG = 180.0 / M_PI;
static const char PM[] = "\xc2\xb1";

int digs_analyze_rama_applies(const digs_analyze_run *run)
{
    const digs_potential *p = run->pot;
    digs_rama_atoms at;
    return !strcmp(run->potential_name, "amber") && p->spatial_dim == 3 &&
           digs_rama_find_atoms(p->n_particles, p->atom_names,
                                p->residue_names, p->residue_ids, &at) == 0;
}

/* φ/ψ of n configurations of dimension dim. */
static void angles(const double *x, long n, int dim,
                   const digs_rama_atoms *at, double *phi, double *psi)
{
    for (long f = 0; f < n; f++)
        digs_rama_phi_psi(x + (size_t)f * dim, at, &phi[f], &psi[f]);
}

/* KL and TVD of the φ/ψ histograms of two angle sets. */
static int divergence(const double *phi_p, const double *psi_p, long np,
                      const double *phi_q, const double *psi_q, long nq,
                      digs_rama_divergence *d)
{
    double *hp, *hq;
    DIGS_CALLOC(hp, NB2);
    hq = calloc(NB2, sizeof *hq);
    if (!hq) {
        free(hp);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    digs_rama_hist2d(phi_p, psi_p, np, NB, hp);
    digs_rama_hist2d(phi_q, psi_q, nq, NB, hq);
    d->kl_2d = digs_rama_kl(hp, hq, NB2);
    d->tvd_2d = digs_rama_tvd(hp, hq, NB2);
    digs_rama_hist1d(phi_p, np, NB, hp);
    digs_rama_hist1d(phi_q, nq, NB, hq);
    d->kl_phi = digs_rama_kl(hp, hq, NB);
    digs_rama_hist1d(psi_p, np, NB, hp);
    digs_rama_hist1d(psi_q, nq, NB, hq);
    d->kl_psi = digs_rama_kl(hp, hq, NB);
    free(hp);
    free(hq);
    return DIGS_OK;
}

/* Basin populations with the per-run SE of each indicator series. */
static int populations(const digs_analyze_run *run, digs_analyze_rama *r)
{
    double *ind;
    DIGS_CALLOC(ind, run->n);
    int status = DIGS_OK;
    for (int b = 0; b < DIGS_RAMA_N_BASINS && status == DIGS_OK; b++) {
        for (long f = 0; f < run->n; f++)
            ind[f] = r->basin[f] == b;
        digs_analyze_series_stats st;
        status = digs_analyze_series(ind, run->n_chains, run->n_records, &st);
        if (status != DIGS_OK)
            break;
        r->pop[b] = st.mean;
        r->pop_se[b] = st.se;
        r->pop_se_from_chains |= st.se_from_chains;
        digs_analyze_series_stats_free(&st);
    }
    free(ind);
    return status;
}

/* −kT ln p of the 2-D histogram, shifted to minimum 0 (NAN if empty). */
static void free_energy(digs_analyze_rama *r)
{
    double n = 0, fmin = INFINITY;
    for (int i = 0; i < NB2; i++)
        n += r->hist[i];
    for (int i = 0; i < NB2; i++) {
        r->free_energy[i] = r->hist[i] > 0 ? -r->kT * log(r->hist[i] / n)
                                           : NAN;
        if (r->free_energy[i] < fmin)
            fmin = r->free_energy[i];
    }
    for (int i = 0; i < NB2; i++)
        r->free_energy[i] -= fmin;
}

static void transitions(const digs_analyze_run *run, digs_analyze_rama *r)
{
    long C = run->n_chains, R = run->n_records;
    r->transitions_total = digs_rama_transitions(r->basin, C, R,
                                                 r->transitions);
    r->transitions_mean = (double)r->transitions_total / (double)C;
    digs_rama_first_all_visited(r->basin, C, R, r->first_all);
    for (long c = 0; c < C; c++)
        r->chains_all_visited += r->first_all[c] >= 0;
    r->records_to_visit = digs_rama_records_to_visit(
        r->first_all, C, DIGS_RAMA_VISIT_FRACTION);
    r->sweeps_to_visit = NAN;
    if (r->records_to_visit > 0) {
        /* sweeps between records, assumed uniform over the kept records */
        double every = R > 1 ? (double)(run->last_sweep - run->first_sweep) /
                                   (double)(R - 1)
                             : 0.0;
        r->sweeps_to_visit = (double)run->first_sweep +
                             every * (double)(r->records_to_visit - 1);
    }
}

/* Frames whose CA signed volume has the opposite sign of the reference:
 * the potential's start structure when it has one, else L-alanine. */
static int chirality(const digs_analyze_run *run, digs_analyze_rama *r)
{
    const digs_potential *p = run->pot;
    r->chirality_ref = DIGS_RAMA_L_SIGN;
    if (p->ops->start_position) {
        double *x0;
        DIGS_CALLOC(x0, p->dim);
        if (p->ops->start_position(p, x0) == DIGS_OK) {
            double v = digs_rama_chirality(x0, &r->atoms);
            if (v != 0.0) {
                r->chirality_ref = v;
                r->chirality_from_start = 1;
            }
        } else {
            digs_error_clear();
        }
        free(x0);
    }
    for (long f = 0; f < run->n; f++) {
        double v = digs_rama_chirality(run->x + (size_t)f * run->dim,
                                       &r->atoms);
        if (v * r->chirality_ref >= 0.0 && isfinite(v))
            continue;
        if (r->n_flipped < DIGS_RAMA_LIST_FLIPPED)
            r->flipped[r->n_flipped] = f;
        r->n_flipped++;
    }
    return DIGS_OK;
}

static int reference(const digs_analyze_ref *ref, digs_analyze_rama *r)
{
    r->ref_n = ref->n;
    DIGS_CALLOC(r->ref_phi, ref->n);
    DIGS_CALLOC(r->ref_psi, ref->n);
    DIGS_CALLOC(r->ref_hist, NB2);
    angles(ref->x, ref->n, ref->dim, &r->atoms, r->ref_phi, r->ref_psi);
    digs_rama_hist2d(r->ref_phi, r->ref_psi, ref->n, NB, r->ref_hist);
    for (long f = 0; f < ref->n; f++) {
        int b = digs_rama_classify(r->ref_phi[f], r->ref_psi[f]);
        if (b < DIGS_RAMA_N_BASINS)
            r->ref_pop[b] += 1.0 / (double)ref->n;
    }
    DIGS_CHECK(divergence(r->phi, r->psi, r->n, r->ref_phi, r->ref_psi,
                          ref->n, &r->vs_ref));
    r->has_ref = 1;
    return DIGS_OK;
}

static int compute(const digs_analyze_run *run, const digs_analyze_ref *ref,
                   digs_analyze_rama *r)
{
    const digs_potential *p = run->pot;
    if (digs_rama_find_atoms(p->n_particles, p->atom_names, p->residue_names,
                             p->residue_ids, &r->atoms) != 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: no ACE-ALA-NME backbone "
                                            "atoms in the potential",
                         run->potential_name);
    r->atoms_by_name = p->atom_names && p->residue_names && p->residue_ids;
    r->kT = p->kT;
    r->n = run->n;
    DIGS_CALLOC(r->phi, run->n);
    DIGS_CALLOC(r->psi, run->n);
    DIGS_CALLOC(r->basin, run->n);
    DIGS_CALLOC(r->hist, NB2);
    DIGS_CALLOC(r->free_energy, NB2);
    DIGS_CALLOC(r->transitions, run->n_chains);
    DIGS_CALLOC(r->first_all, run->n_chains);
    angles(run->x, run->n, run->dim, &r->atoms, r->phi, r->psi);
    for (long f = 0; f < run->n; f++)
        r->basin[f] = digs_rama_classify(r->phi[f], r->psi[f]);
    digs_rama_hist2d(r->phi, r->psi, run->n, NB, r->hist);
    free_energy(r);
    DIGS_CHECK(populations(run, r));
    if (run->n_records >= 2) {
        /* records are record-major: the first half is a prefix */
        r->half_records = run->n_records / 2;
        long n1 = r->half_records * run->n_chains;
        long n2 = (run->n_records - r->half_records) * run->n_chains;
        DIGS_CHECK(divergence(r->phi, r->psi, n1, r->phi + n1, r->psi + n1,
                              n2, &r->halves));
        r->has_halves = 1;
    }
    transitions(run, r);
    DIGS_CHECK(chirality(run, r));
    if (ref && ref->dim == run->dim)
        DIGS_CHECK(reference(ref, r));
    return DIGS_OK;
}

int digs_analyze_rama_compute(const digs_analyze_run *run,
                              const digs_analyze_ref *ref,
                              digs_analyze_rama *out)
{
    memset(out, 0, sizeof *out);
    int status = compute(run, ref, out);
    if (status != DIGS_OK)
        digs_analyze_rama_free(out);
    return status;
}

void digs_analyze_rama_free(digs_analyze_rama *r)
{
    free(r->phi);
    free(r->psi);
    free(r->basin);
    free(r->hist);
    free(r->free_energy);
    free(r->ref_phi);
    free(r->ref_psi);
    free(r->ref_hist);
    free(r->transitions);
    free(r->first_all);
    memset(r, 0, sizeof *r);
}

/* ---- table ---- */

static void divergence_row(FILE *out, const char *label,
                           const digs_rama_divergence *d)
{
    fprintf(out, "  %-26s KL 2-D %.4g, KL phi %.4g, KL psi %.4g; TVD 2-D "
                 "%.4g\n",
            label, d->kl_2d, d->kl_phi, d->kl_psi, d->tvd_2d);
}

void digs_analyze_rama_print(FILE *out, const digs_analyze_run *run,
                             const digs_analyze_rama *r)
{
    const digs_rama_atoms *a = &r->atoms;
    fprintf(out, "\nAlanine dipeptide: Ramachandran (REFERENCE.md §8.8; "
                 "basins and bins in doc/analysis.md)\n");
    fprintf(out, "  backbone atoms (%s): phi %d-%d-%d-%d, psi %d-%d-%d-%d, "
                 "CB %d\n",
            r->atoms_by_name ? "by name" : "§7.5.2 indices", a->c_prev, a->n,
            a->ca, a->c, a->n, a->ca, a->c, a->n_next, a->cb);
    fprintf(out, "  %-12s %10s   %-8s%s\n", "basin", "population", "SE",
            r->has_ref ? "   reference" : "");
    for (int b = 0; b < DIGS_RAMA_N_BASINS; b++) {
        fprintf(out, "  %-12s %10.4f %s %-8.2g", digs_rama_basin_name(b),
                r->pop[b], PM, r->pop_se[b]);
        if (r->has_ref)
            fprintf(out, " %10.4f", r->ref_pop[b]);
        fputc('\n', out);
    }
    if (r->pop_se_from_chains)
        fprintf(out, "  note: some population SEs come from chain means (a "
                     "chain never changed basin)\n");
    fprintf(out, "  histograms: %d x %d bins over [-180, 180) deg (1-D: %d "
                 "bins); KL(p||q) with eps = %.0e per bin\n",
            NB, NB, NB, DIGS_RAMA_KL_EPS);
    if (r->has_ref)
        divergence_row(out, "run vs reference:", &r->vs_ref);
    if (r->has_halves) {
        char label[64];
        snprintf(label, sizeof label, "1st vs 2nd half (%ld rec):",
                 r->half_records);
        divergence_row(out, label, &r->halves);
    }
    long C = run->n_chains, mn = C ? r->transitions[0] : 0, mx = mn;
    for (long c = 1; c < C; c++) {
        mn = r->transitions[c] < mn ? r->transitions[c] : mn;
        mx = r->transitions[c] > mx ? r->transitions[c] : mx;
    }
    fprintf(out, "  basin transitions: %ld in total, %.3g per chain (min "
                 "%ld, max %ld) over %ld records\n",
            r->transitions_total, r->transitions_mean, mn, mx,
            run->n_records);
    fprintf(out, "  chains that visited all 4 basins: %ld of %ld; ",
            r->chains_all_visited, C);
    if (r->records_to_visit > 0)
        fprintf(out, "%.0f %% of the chains after %ld records (sweep "
                     "%.0f)\n",
                100 * DIGS_RAMA_VISIT_FRACTION, r->records_to_visit,
                r->sweeps_to_visit);
    else
        fprintf(out, "%.0f %% not reached\n", 100 * DIGS_RAMA_VISIT_FRACTION);
    fprintf(out, "  chirality: CA signed volume reference %.4g (%s)\n",
            r->chirality_ref,
            r->chirality_from_start ? "start structure" : "L-alanine sign");
    if (r->n_flipped > 0) {
        fprintf(out, "  warning: %ld of %ld frames have the opposite CA "
                     "chirality; first:",
                r->n_flipped, r->n);
        for (long k = 0; k < r->n_flipped && k < DIGS_RAMA_LIST_FLIPPED;
             k++)
            fprintf(out, " frame %ld (chain %ld, record %ld)", r->flipped[k],
                    r->flipped[k] % C, r->flipped[k] / C);
        fputc('\n', out);
    }
}

/* ---- JSON ---- */

static void divergence_json(digs_json *j, const char *key,
                            const digs_rama_divergence *d)
{
    digs_json_object(j, key);
    digs_json_number(j, "kl_2d", d->kl_2d);
    digs_json_number(j, "kl_phi", d->kl_phi);
    digs_json_number(j, "kl_psi", d->kl_psi);
    digs_json_number(j, "tvd_2d", d->tvd_2d);
    digs_json_end(j);
}

static void basins_json(digs_json *j, const char *key, const double *v)
{
    digs_json_object(j, key);
    for (int b = 0; b < DIGS_RAMA_N_BASINS; b++)
        digs_json_number(j, digs_rama_basin_name(b), v[b]);
    digs_json_end(j);
}

void digs_analyze_rama_json(digs_json *j, const digs_analyze_run *run,
                            const digs_analyze_rama *r)
{
    digs_json_object(j, "ramachandran");
    digs_json_object(j, "atoms");
    digs_json_integer(j, "c_prev", r->atoms.c_prev);
    digs_json_integer(j, "n", r->atoms.n);
    digs_json_integer(j, "ca", r->atoms.ca);
    digs_json_integer(j, "c", r->atoms.c);
    digs_json_integer(j, "n_next", r->atoms.n_next);
    digs_json_integer(j, "cb", r->atoms.cb);
    digs_json_bool(j, "by_name", r->atoms_by_name);
    digs_json_end(j);
    digs_json_integer(j, "bins", NB);
    digs_json_number(j, "kl_eps", DIGS_RAMA_KL_EPS);
    digs_json_number(j, "kT", r->kT);
    basins_json(j, "populations", r->pop);
    basins_json(j, "population_se", r->pop_se);
    digs_json_string(j, "se_method", r->pop_se_from_chains ? "chain_means"
                                                           : "iat");
    if (r->has_ref) {
        basins_json(j, "reference_populations", r->ref_pop);
        divergence_json(j, "vs_reference", &r->vs_ref);
    }
    if (r->has_halves) {
        divergence_json(j, "halves", &r->halves);
        digs_json_integer(j, "half_records", r->half_records);
    }
    digs_json_object(j, "transitions");
    digs_json_integer(j, "total", r->transitions_total);
    digs_json_number(j, "mean_per_chain", r->transitions_mean);
    double *v = malloc(sizeof(double) * (size_t)(run->n_chains + 1));
    for (long c = 0; v && c < run->n_chains; c++)
        v[c] = (double)r->transitions[c];
    if (v)
        digs_json_numbers(j, "per_chain", v, run->n_chains);
    for (long c = 0; v && c < run->n_chains; c++)
        v[c] = r->first_all[c] >= 0 ? (double)(r->first_all[c] + 1) : NAN;
    if (v)
        digs_json_numbers(j, "records_to_all_basins_per_chain", v,
                          run->n_chains);
    free(v);
    digs_json_integer(j, "chains_all_visited", r->chains_all_visited);
    digs_json_number(j, "visit_fraction", DIGS_RAMA_VISIT_FRACTION);
    if (r->records_to_visit > 0) {
        digs_json_integer(j, "records_to_visit", r->records_to_visit);
        digs_json_number(j, "sweeps_to_visit", r->sweeps_to_visit);
    } else {
        digs_json_number(j, "records_to_visit", NAN);
        digs_json_number(j, "sweeps_to_visit", NAN);
    }
    digs_json_end(j);
    digs_json_object(j, "chirality");
    digs_json_number(j, "reference_volume", r->chirality_ref);
    digs_json_string(j, "reference", r->chirality_from_start
                                         ? "start_structure" : "L-alanine");
    digs_json_integer(j, "flipped_frames", r->n_flipped);
    double fl[DIGS_RAMA_LIST_FLIPPED];
    long k = r->n_flipped < DIGS_RAMA_LIST_FLIPPED ? r->n_flipped
                                                   : DIGS_RAMA_LIST_FLIPPED;
    for (long i = 0; i < k; i++)
        fl[i] = (double)r->flipped[i];
    digs_json_numbers(j, "first_flipped", fl, k);
    digs_json_end(j);
    digs_json_end(j);
}

/* ---- plot data ---- */

/* Densities (per degree) of n angles in NB bins. */
static void density_deg(const double *a, long n, double *dens)
{
    long k = digs_rama_hist1d(a, n, NB, dens);
    double w = 360.0 / NB;
    for (int b = 0; b < NB; b++)
        dens[b] = k > 0 ? dens[b] / ((double)k * w) : 0.0;
}

/* At most MAX_POINTS evenly strided (φ, ψ) pairs in degrees. */
static int points_json(digs_json *j, const char *key, const double *phi,
                       const double *psi, long n)
{
    long stride = n > MAX_POINTS ? (n + MAX_POINTS - 1) / MAX_POINTS : 1;
    long m = (n + stride - 1) / stride;
    double *v;
    DIGS_CALLOC(v, 2 * m);
    for (long i = 0; i < m; i++) {
        v[2 * i] = phi[i * stride] * DEG;
        v[2 * i + 1] = psi[i * stride] * DEG;
    }
    digs_json_numbers(j, key, v, 2 * m);
    free(v);
    return DIGS_OK;
}

int digs_analyze_rama_plot_json(digs_json *j, const digs_analyze_rama *r)
{
    double edges[NB + 1], dens[NB];
    for (int b = 0; b <= NB; b++)
        edges[b] = -180.0 + 360.0 * b / NB;
    digs_json_object(j, "ramachandran");
    digs_json_integer(j, "bins", NB);
    digs_json_numbers(j, "edges", edges, NB + 1);
    digs_json_number(j, "kT", r->kT);
    digs_json_numbers(j, "hist_run", r->hist, NB2);
    digs_json_numbers(j, "free_energy", r->free_energy, NB2);
    density_deg(r->phi, r->n, dens);
    digs_json_numbers(j, "phi_run", dens, NB);
    density_deg(r->psi, r->n, dens);
    digs_json_numbers(j, "psi_run", dens, NB);
    DIGS_CHECK(points_json(j, "points_run", r->phi, r->psi, r->n));
    if (r->has_ref) {
        digs_json_numbers(j, "hist_ref", r->ref_hist, NB2);
        density_deg(r->ref_phi, r->ref_n, dens);
        digs_json_numbers(j, "phi_ref", dens, NB);
        density_deg(r->ref_psi, r->ref_n, dens);
        digs_json_numbers(j, "psi_ref", dens, NB);
        DIGS_CHECK(points_json(j, "points_ref", r->ref_phi, r->ref_psi,
                               r->ref_n));
    }
    /* basin boundaries in degrees (ramachandran.h) */
    digs_json_object(j, "boundaries");
    digs_json_numbers(j, "phi", (const double[]){DIGS_RAMA_RIGHT_PHI_LO,
                                                 DIGS_RAMA_RIGHT_PHI_HI}, 2);
    digs_json_numbers(j, "psi_left", (const double[]){
                          DIGS_RAMA_ALPHA_R_PSI_LO, DIGS_RAMA_ALPHA_R_PSI_HI},
                      2);
    digs_json_numbers(j, "psi_right",
                      (const double[]){DIGS_RAMA_RIGHT_PSI_SPLIT}, 1);
    digs_json_end(j);
    double pops[DIGS_RAMA_N_BASINS];
    memcpy(pops, r->pop, sizeof pops);
    digs_json_numbers(j, "populations", pops, DIGS_RAMA_N_BASINS);
    digs_json_end(j);
    return DIGS_OK;
}
