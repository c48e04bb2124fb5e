/* `digs analyze --json FILE`: the numbers of the table at full precision
 * (layout documented in doc/analysis.md). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analyze_floors.h"
#include "analysis/analyze_json.h"
#include "analysis/analyze_results.h"
#include "analysis/mog_metrics.h"
#include "core/status.h"

static void run_json(digs_json *j, const digs_analyze_results *res)
{
    const digs_analyze_run *run = res->run;
    digs_json_object(j, "run");
    digs_json_string(j, "file", res->opt->run);
    digs_json_string(j, "potential", run->potential_name);
    digs_json_string(j, "method", run->method);
    digs_json_integer(j, "dim", run->dim);
    digs_json_integer(j, "particles", run->pot->n_particles);
    digs_json_string(j, "group", res->opt->group);
    digs_json_bool(j, "sample_sets", run->sample_sets);
    digs_json_integer(j, "chains", run->n_chains);
    digs_json_integer(j, "records", run->n_records);
    digs_json_integer(j, "records_total", run->records_total);
    digs_json_integer(j, "burn_in", run->burn_in);
    digs_json_integer(j, "frames", run->n);
    digs_json_integer(j, "first_sweep", run->first_sweep);
    digs_json_integer(j, "last_sweep", run->last_sweep);
    digs_json_end(j);
}

static void series_json(digs_json *j, const char *key,
                        const digs_analyze_series_stats *st)
{
    digs_json_object(j, key);
    digs_json_number(j, "mean", st->mean);
    digs_json_number(j, "se", st->se);
    digs_json_string(j, "se_method", st->independent      ? "independent"
                                     : st->se_from_chains ? "chain_means"
                                                          : "iat");
    digs_json_number(j, "sd", st->sd);
    digs_json_number(j, "iat", st->tau);
    digs_json_number(j, "ess", st->ess);
    digs_json_bool(j, "iat_reliable", st->reliable);
    digs_json_integer(j, "constant_chains", st->n_constant);
    digs_json_object(j, "per_chain");
    digs_json_numbers(j, "mean", st->chain_mean, st->n_chains);
    digs_json_numbers(j, "iat", st->chain_tau, st->n_chains);
    digs_json_numbers(j, "ess", st->chain_ess, st->n_chains);
    digs_json_end(j);
    digs_json_end(j);
}

static void record_json(digs_json *j, const digs_analyze_run *run)
{
    digs_json_object(j, "record_observables");
    for (int k = 0; k < run->n_series; k++) {
        const digs_analyze_record_series *s = &run->series[k];
        digs_json_object(j, s->name);
        digs_json_integer(j, "rows", s->rows);
        if (s->rows > 0) {
            digs_json_integer(j, "last_step", s->last_step);
            digs_json_numbers(j, "last", s->last, s->width);
        }
        if (s->columns) {
            digs_json_array(j, "columns");
            for (int c = 0; c < s->width; c++)
                digs_json_string(j, NULL, s->columns[c]);
            digs_json_end(j);
        }
        digs_json_end(j);
    }
    digs_json_end(j);
}

static void boot_json(digs_json *j, const char *key,
                      const digs_analyze_boot *b, double floor)
{
    if (!b->computed)
        return;
    digs_json_object(j, key);
    digs_json_number(j, "mean", b->mean);
    digs_json_number(j, "sd", b->sd);
    digs_json_number(j, "floor", floor);
    digs_json_end(j);
}

static void compare_json(digs_json *j, const digs_analyze_results *res)
{
    const digs_analyze_compare *c = &res->cmp;
    const digs_analyze_floor *fl =
        digs_analyze_floor_of(res->run->potential_name);
    digs_json_object(j, "reference");
    digs_json_string(j, "label", res->ref->label);
    digs_json_integer(j, "samples", res->ref->n);
    digs_json_number(j, "energy_mean", c->ref_energy_mean);
    digs_json_number(j, "energy_sd", c->ref_energy_sd);
    digs_json_number(j, "energy_min", c->ref_energy_min);
    digs_json_number(j, "energy_max", c->ref_energy_max);
    digs_json_integer(j, "nonfinite_energies", c->ref_energy_dropped);
    digs_json_end(j);
    digs_json_object(j, "metrics");
    digs_json_integer(j, "bootstrap_repeats", c->repeats);
    digs_json_integer(j, "bootstrap_subset", c->m);
    digs_json_integer(j, "tvd_bins", c->bins);
    boot_json(j, "energy_tvd", &c->energy_tvd, fl ? fl->energy_tvd : NAN);
    boot_json(j, "w2", &c->w2, fl ? fl->w2 : NAN);
    boot_json(j, "distance_tvd", &c->dist_tvd, fl ? fl->distance_tvd : NAN);
    if (c->mmd_computed) {
        digs_json_object(j, "mmd");
        digs_json_number(j, "value", c->mmd);
        digs_json_integer(j, "n", c->mmd_n);
        digs_json_bool(j, "unequal_sizes", c->mmd_unequal);
        digs_json_bool(j, "capped", c->mmd_capped);
        digs_json_end(j);
    }
    digs_json_integer(j, "run_energies_outside_reference_range",
                      c->energy_out_of_range);
    digs_json_integer(j, "run_nonfinite_energies", c->run_energy_dropped);
    digs_json_number(j, "stored_energy_mismatch", c->energy_mismatch);
    digs_json_end(j);
}

static void modes_json(digs_json *j, const char *key,
                       const digs_analyze_modes *md, double f, double ra,
                       double rn)
{
    digs_json_object(j, key);
    digs_json_number(j, "f_mean", f);
    digs_json_number(j, "rmae_analytic", ra);
    digs_json_number(j, "rmae_notebook", rn);
    digs_json_integer(j, "modes_covered", md->covered);
    digs_json_numbers(j, "weights", md->weight, DIGS_ANALYZE_MOG_K);
    digs_json_numbers(j, "weight_se", md->se, DIGS_ANALYZE_MOG_K);
    digs_json_end(j);
}

static void mog_json(digs_json *j, const digs_analyze_mog *m)
{
    digs_json_object(j, "mog40");
    digs_json_number(j, "e_true_analytic", m->e_true_analytic);
    digs_json_number(j, "e_true_notebook", m->e_true_notebook);
    digs_json_number(j, "covered_fraction", DIGS_MOG_COVERED_FRACTION);
    digs_json_numbers(j, "means", m->means, 2 * DIGS_ANALYZE_MOG_K);
    modes_json(j, "run", &m->run, m->f_run, m->rmae_run_analytic,
               m->rmae_run_notebook);
    if (m->has_ref)
        modes_json(j, "reference", &m->ref, m->f_ref,
                   m->rmae_ref_analytic, m->rmae_ref_notebook);
    digs_json_end(j);
}

static void wells_json(digs_json *j, const digs_analyze_wells *w)
{
    digs_json_object(j, "manywell32");
    digs_json_number(j, "exact", DIGS_MANYWELL_P_POSITIVE);
    digs_json_object(j, "run");
    digs_json_numbers(j, "p", w->p_run, DIGS_ANALYZE_WELLS);
    digs_json_numbers(j, "se", w->se_run, DIGS_ANALYZE_WELLS);
    digs_json_number(j, "mean", w->mean_run);
    digs_json_number(j, "spread", w->spread_run);
    digs_json_end(j);
    if (w->has_ref) {
        digs_json_object(j, "reference");
        digs_json_numbers(j, "p", w->p_ref, DIGS_ANALYZE_WELLS);
        digs_json_numbers(j, "se", w->se_ref, DIGS_ANALYZE_WELLS);
        digs_json_number(j, "mean", w->mean_ref);
        digs_json_number(j, "spread", w->spread_ref);
        digs_json_end(j);
    }
    digs_json_end(j);
}

int digs_analyze_write_json(const char *path,
                            const digs_analyze_results *res)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create the JSON file (%s)",
                         path, strerror(errno));
    digs_json j;
    digs_json_begin(&j, f);
    run_json(&j, res);
    digs_json_object(&j, "statistics");
    series_json(&j, "potential_energy", &res->energy);
    if (res->has_acceptance)
        series_json(&j, "acceptance", &res->acceptance);
    for (int k = 0; k < res->run->n_obs; k++)
        series_json(&j, res->run->obs_names[k], &res->obs[k]);
    digs_json_end(&j);
    record_json(&j, res->run);
    if (res->has_compare)
        compare_json(&j, res);
    if (res->has_mog)
        mog_json(&j, &res->mog);
    if (res->has_wells)
        wells_json(&j, &res->wells);
    if (res->has_rama)
        digs_analyze_rama_json(&j, res->run, &res->rama);
    digs_json_finish(&j);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot write the JSON file", path);
    return DIGS_OK;
}
