/* The table of `digs analyze` (numbers from analyze_results.h; the JSON of
 * analyze_export.c holds the same ones at full precision). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze_floors.h"
#include "analysis/analyze_results.h"
#include "analysis/mog_metrics.h"

/* Per-chain rows are printed in full up to this many chains (or with
 * --per-chain); beyond, min / median / max. */
enum { PER_CHAIN_FULL = 8 };

static const char PM[] = "\xc2\xb1";   /* ± in UTF-8 */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* min, median, max of the finite entries of v (returns their count). */
static long summary3(const double *v, long n, double out[3])
{
    double *s = malloc(sizeof(double) * (size_t)(n ? n : 1));
    long k = 0;
    for (long i = 0; s && i < n; i++)
        if (isfinite(v[i]))
            s[k++] = v[i];
    out[0] = out[1] = out[2] = NAN;
    if (k > 0) {
        qsort(s, (size_t)k, sizeof *s, cmp_double);
        out[0] = s[0];
        out[1] = k % 2 ? s[k / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]);
        out[2] = s[k - 1];
    }
    free(s);
    return k;
}

static void header(FILE *out, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    const digs_potential *p = run->pot;
    fprintf(out, "digs analyze: %s\n", res->opt->run);
    fprintf(out, "  target    %s (%d coordinates", run->potential_name,
            p->dim);
    if (p->n_particles > 0)
        fprintf(out, " = %d particles x %d", p->n_particles, p->spatial_dim);
    fprintf(out, ")%s%s\n", *run->method ? ", method " : "", run->method);
    if (run->sample_sets)
        fprintf(out, "  frames    group %s: %ld sample sets x %ld samples = "
                     "%ld frames (steps %lld..%lld; burn-in %ld of %ld "
                     "sets)\n",
                res->opt->group, run->n_records, run->n_chains, run->n,
                (long long)run->first_sweep, (long long)run->last_sweep,
                run->burn_in, run->records_total);
    else
        fprintf(out, "  frames    %ld chains x %ld records = %ld frames "
                     "(sweeps %lld..%lld; burn-in %ld of %ld records)\n",
                run->n_chains, run->n_records, run->n,
                (long long)run->first_sweep, (long long)run->last_sweep,
                run->burn_in, run->records_total);
}

static void series_row(FILE *out, const char *name,
                       const digs_analyze_series_stats *st)
{
    char tau[32] = "n/a", ess[32] = "n/a";
    if (isfinite(st->tau)) {
        snprintf(tau, sizeof tau, "%.3g%s", st->tau, st->reliable ? "" : "*");
        snprintf(ess, sizeof ess, "%.4g", st->ess);
    }
    fprintf(out, "  %-22s %12.6g %s %-10.2g %10.4g %9s %9s%s\n", name,
            st->mean, PM, st->se, st->sd, tau, ess,
            st->se_from_chains ? "  (SE from chain means)" : "");
}

static void per_chain(FILE *out, const char *name,
                      const digs_analyze_series_stats *st, int full)
{
    if (st->n_records < 2)
        return;
    if (full) {
        fprintf(out, "  per chain (%s):   chain      mean       IAT       "
                     "ESS\n", name);
        for (long c = 0; c < st->n_chains; c++)
            fprintf(out, "  %27ld %10.5g %9.3g %9.4g\n", c, st->chain_mean[c],
                    st->chain_tau[c], st->chain_ess[c]);
        return;
    }
    double t[3], e[3];
    long k = summary3(st->chain_tau, st->n_chains, t);
    summary3(st->chain_ess, st->n_chains, e);
    if (k > 0)
        fprintf(out, "  per-chain IAT of %s: min %.3g, median %.3g, max %.3g; "
                     "ESS min %.3g, median %.3g, max %.3g (--per-chain "
                     "lists all)\n",
                name, t[0], t[1], t[2], e[0], e[1], e[2]);
}

static void run_section(FILE *out, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    if (run->sample_sets)
        fprintf(out, "\nPer-run statistics (independent samples: SE = sd / "
                     "sqrt(frames), no IAT;\n  the sets of all kept steps "
                     "are pooled: --burn-in K drops the first K sets)\n");
    else
        fprintf(out, "\nPer-run statistics (IAT in records, Sokal window c "
                     "= 5 on the chain-averaged ACF;\n  ESS = chains x "
                     "records / IAT; SE = sd / sqrt(ESS); * = fewer than 50 "
                     "IAT of records)\n");
    fprintf(out, "  %-22s %12s   %-10s %10s %9s %9s\n", "series", "mean",
            "SE", "sd", "IAT", "ESS");
    series_row(out, "potential_energy", &res->energy);
    if (res->has_acceptance)
        series_row(out, "acceptance", &res->acceptance);
    for (int k = 0; k < run->n_obs; k++)
        series_row(out, run->obs_names[k], &res->obs[k]);
    int full = res->opt->per_chain || run->n_chains <= PER_CHAIN_FULL;
    for (int k = -1; !run->sample_sets && k < run->n_obs; k++)
        per_chain(out, k < 0 ? "potential_energy" : run->obs_names[k],
                  k < 0 ? &res->energy : &res->obs[k], full);
    if (run->n_records < 2 && !run->sample_sets)
        fprintf(out, "  note: one record per chain, so no IAT; the SE "
                     "treats the chains as independent\n");
    if (res->energy.n_constant > 0 && !run->sample_sets)
        fprintf(out, "  note: the energy of %ld of %ld chains never "
                     "changed (stuck chains are left out of the IAT)\n",
                res->energy.n_constant, run->n_chains);
    if (run->n_series > 0)
        fprintf(out, "  per-record observables (last row):\n");
    for (int k = 0; k < run->n_series; k++) {
        const digs_analyze_record_series *s = &run->series[k];
        fprintf(out, "    %-20s", s->name);
        if (s->rows == 0) {
            fprintf(out, " (empty)\n");
            continue;
        }
        fprintf(out, " sweep %lld:", (long long)s->last_step);
        for (int i = 0; i < s->width; i++)
            if (s->columns)
                fprintf(out, " %s %.4g", s->columns[i], s->last[i]);
            else
                fprintf(out, " %.4g", s->last[i]);
        fputc('\n', out);
    }
}

static void boot_row(FILE *out, const char *name, const digs_analyze_boot *b,
                     double floor)
{
    if (!b->computed)
        return;
    fprintf(out, "  %-22s %10.4g %s %-9.2g", name, b->mean, PM, b->sd);
    if (isfinite(floor))
        fprintf(out, "   floor %.4g", floor);
    fputc('\n', out);
}

static void compare_section(FILE *out, const digs_analyze_results *res)
{
    const digs_analyze_compare *c = &res->cmp;
    const digs_analyze_run *run = res->run;
    const digs_analyze_floor *fl = digs_analyze_floor_of(run->potential_name);
    fprintf(out, "\nAgainst the reference: %s\n", res->ref->label);
    fprintf(out, "  bootstrap: %d repeats of %ld run vs %ld reference rows "
                 "drawn without replacement, mean %s sd;\n  TVD: %d bins "
                 "over the reference range; energies of both sets from the "
                 "run's potential\n",
            c->repeats, c->m, c->m, PM, c->bins);
    if (c->m_reduced)
        fprintf(out, "  note: fewer rows than --subset %ld (run %ld, "
                     "reference %ld)\n",
                res->opt->subset, run->n, res->ref->n);
    fprintf(out, "  %-22s %10s   %-9s\n", "metric", "mean", "sd");
    boot_row(out, "energy TVD", &c->energy_tvd,
             fl ? fl->energy_tvd : NAN);
    boot_row(out, run->particles ? "W2 (centred coords)" : "W2 (coordinates)",
             &c->w2, fl ? fl->w2 : NAN);
    boot_row(out, "distance TVD", &c->dist_tvd,
             fl ? fl->distance_tvd : NAN);
    if (c->mmd_computed) {
        fprintf(out, "  %-22s %10.4g   (%ld vs %ld, DiGS V-statistic of "
                     "MMD^2, §8.1)\n",
                "MMD", c->mmd, c->mmd_n, c->mmd_n);
        if (c->mmd_unequal || c->mmd_capped)
            fprintf(out, "  note: MMD on the first %ld rows of each set (run "
                         "%ld, reference %ld%s)\n",
                    c->mmd_n, run->n, res->ref->n,
                    c->mmd_capped ? "; cap --mmd-samples" : "");
    }
    if (fl) {
        fprintf(out, "  floors: REFERENCE.md §8.10, %s", fl->comparison);
        if (isfinite(fl->w2_symmetric))
            fprintf(out, ";\n    W2 of a symmetric sampler >= %.3g against "
                         "these reference sets (§8.11)",
                    fl->w2_symmetric);
        fputc('\n', out);
    }
    fprintf(out, "  reference energy: mean %.6g, sd %.4g, range [%.6g, %.6g]"
                 "; run frames outside it: %ld of %ld (dropped by the TVD)\n",
            c->ref_energy_mean, c->ref_energy_sd, c->ref_energy_min,
            c->ref_energy_max, c->energy_out_of_range, run->n);
    if (c->ref_energy_dropped || c->run_energy_dropped)
        fprintf(out, "  note: non-finite energies left out: %ld run, %ld "
                     "reference\n",
                c->run_energy_dropped, c->ref_energy_dropped);
    if (c->energy_mismatch > 1e-6)
        fprintf(out, "  warning: stored energies differ from the stored "
                     "deck's by up to %.3g (relative)\n",
                c->energy_mismatch);
}

static void mog_section(FILE *out, const digs_analyze_results *res)
{
    const digs_analyze_mog *m = &res->mog;
    int r = m->has_ref;
    fprintf(out, "\nMoG-40 (REFERENCE.md §7.1, §8.2)\n");
    fprintf(out, "  %-44s %12s%s\n", "", "run", r ? "    reference" : "");
    fprintf(out, "  %-44s %12.6g", "mean of the quadratic f", m->f_run);
    r ? fprintf(out, " %12.6g\n", m->f_ref) : fputc('\n', out);
    char label[80];
    snprintf(label, sizeof label, "RMAE vs E_true = %.7g (analytic)",
             m->e_true_analytic);
    fprintf(out, "  %-44s %12.4g", label, m->rmae_run_analytic);
    r ? fprintf(out, " %12.4g\n", m->rmae_ref_analytic) : fputc('\n', out);
    snprintf(label, sizeof label, "RMAE vs E_true = %.8g (DiGS notebook)",
             m->e_true_notebook);
    fprintf(out, "  %-44s %12.4g", label, m->rmae_run_notebook);
    r ? fprintf(out, " %12.4g\n", m->rmae_ref_notebook) : fputc('\n', out);
    snprintf(label, sizeof label, "modes covered (weight >= %.2g/40)",
             DIGS_MOG_COVERED_FRACTION);
    fprintf(out, "  %-44s %9d/40", label, m->run.covered);
    r ? fprintf(out, " %9d/40\n", m->ref.covered) : fputc('\n', out);
    fprintf(out, "  (RMAE noise floor ≈ 0.0097 at 10^4 independent samples; "
                 "weight SEs: run IAT-based,\n   reference multinomial)\n");
    if (!res->opt->modes)
        return;
    fprintf(out, "  mode   mean_x   mean_y   run weight %s SE", PM);
    fprintf(out, "%s\n", r ? "      reference weight ± SE" : "");
    for (int k = 0; k < DIGS_ANALYZE_MOG_K; k++) {
        fprintf(out, "  %4d %8.3f %8.3f   %8.4f %s %-8.4f", k, m->means[2 * k],
                m->means[2 * k + 1], m->run.weight[k], PM, m->run.se[k]);
        if (r)
            fprintf(out, "   %8.4f %s %-8.4f", m->ref.weight[k], PM,
                    m->ref.se[k]);
        fputc('\n', out);
    }
}

static void wells_section(FILE *out, const digs_analyze_results *res)
{
    const digs_analyze_wells *w = &res->wells;
    fprintf(out, "\nMany-Well-32: P(x_2i > 0) per double well; exact %.4f "
                 "(REFERENCE.md §7.2)\n",
            DIGS_MANYWELL_P_POSITIVE);
    fprintf(out, "  well       run %s SE%s\n", PM,
            w->has_ref ? "         reference ± SE" : "");
    for (int i = 0; i < DIGS_ANALYZE_WELLS; i++) {
        fprintf(out, "  %4d   %8.4f %s %-8.4f", i, w->p_run[i], PM,
                w->se_run[i]);
        if (w->has_ref)
            fprintf(out, "   %8.4f %s %-8.4f", w->p_ref[i], PM, w->se_ref[i]);
        fputc('\n', out);
    }
    fprintf(out, "  mean   %8.4f  spread (sd over wells) %.4f", w->mean_run,
            w->spread_run);
    if (w->has_ref)
        fprintf(out, ";  reference %.4f, spread %.4f", w->mean_ref,
                w->spread_ref);
    fputc('\n', out);
    if (w->se_from_chains)
        fprintf(out, "  note: some run SEs come from chain means (a chain "
                     "never left its well)\n");
}

void digs_analyze_print(FILE *out, const digs_analyze_results *res)
{
    header(out, res);
    run_section(out, res);
    if (res->has_compare)
        compare_section(out, res);
    if (res->has_mog)
        mog_section(out, res);
    if (res->has_wells)
        wells_section(out, res);
    if (res->has_rama)
        digs_analyze_rama_print(out, res->run, &res->rama);
    fflush(out);
}
