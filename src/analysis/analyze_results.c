/* Computing the results of `digs analyze` (contract in analyze_results.h). */
#include "analysis/analyze_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* Statistics of /observables/<name> (or of an added group's element
 * /particles/<group>/<name>, as independent samples); failures name the
 * file and series. */
static int series(const digs_analyze_options *o, const digs_analyze_run *run,
                  const char *name, const double *values,
                  digs_analyze_series_stats *st)
{
    int status = digs_analyze_series(values, run->n_chains, run->n_records,
                                     st);
    if (status == DIGS_OK && run->sample_sets)
        digs_analyze_series_independent(st);
    if (status == DIGS_OK)
        return DIGS_OK;
    char why[512];
    snprintf(why, sizeof why, "%s", digs_error_message());
    digs_error_clear();
    if (run->sample_sets)
        return DIGS_FAIL(status, "%s: /particles/%s/%s: %s", o->run, o->group,
                         name, why);
    return DIGS_FAIL(status, "%s: /observables/%s: %s", o->run, name, why);
}

/* Per-run statistics of every per-frame series. */
static int run_statistics(const digs_analyze_run *run,
                          digs_analyze_results *res)
{
    const digs_analyze_options *o = res->opt;
    DIGS_CHECK(series(o, run, "potential_energy", run->energy, &res->energy));
    if (run->acceptance) {
        DIGS_CHECK(series(o, run, "acceptance", run->acceptance,
                          &res->acceptance));
        res->has_acceptance = 1;
    }
    if (run->n_obs > 0)
        DIGS_CALLOC(res->obs, run->n_obs);
    for (int k = 0; k < run->n_obs; k++)
        DIGS_CHECK(series(o, run, run->obs_names[k], run->obs[k],
                          &res->obs[k]));
    return DIGS_OK;
}

int digs_analyze_compute(const digs_analyze_options *o,
                         const digs_analyze_run *run,
                         const digs_analyze_ref *ref,
                         digs_analyze_results *res)
{
    memset(res, 0, sizeof *res);
    res->opt = o;
    res->run = run;
    res->ref = ref;
    int status = run_statistics(run, res);
    if (status == DIGS_OK && ref) {
        status = digs_analyze_compare_run(o, run, ref, &res->cmp);
        res->has_compare = status == DIGS_OK;
    }
    if (status == DIGS_OK && !strcmp(run->potential_name, "mog40")) {
        status = digs_analyze_mog40(run, ref, &res->mog);
        res->has_mog = status == DIGS_OK;
    }
    if (status == DIGS_OK && !strcmp(run->potential_name, "manywell32")) {
        status = digs_analyze_manywell(run, ref, &res->wells);
        res->has_wells = status == DIGS_OK;
    }
    if (status == DIGS_OK && digs_analyze_rama_applies(run)) {
        status = digs_analyze_rama_compute(run, ref, &res->rama);
        res->has_rama = status == DIGS_OK;
    }
    return status;
}

void digs_analyze_results_free(digs_analyze_results *res)
{
    digs_analyze_series_stats_free(&res->energy);
    digs_analyze_series_stats_free(&res->acceptance);
    for (int k = 0; res->obs && k < res->run->n_obs; k++)
        digs_analyze_series_stats_free(&res->obs[k]);
    free(res->obs);
    res->obs = NULL;
    if (res->has_compare)
        digs_analyze_compare_free(&res->cmp);
    res->has_compare = 0;
    if (res->has_rama)
        digs_analyze_rama_free(&res->rama);
    res->has_rama = 0;
}
