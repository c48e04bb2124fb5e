/* Reading the run for `digs analyze` (contract in analyze_data.h): the
 * H5MD layout of io/h5md.h, frames record-major (frame r*N + c is record
 * r of chain c).  The main group's per-frame series are the /observables;
 * a group added with digs_h5md_add_group (e.g. the DiKL generator's
 * sample sets) carries them as its own elements /particles/<group>/<name>
 * and has no chain ids: its records are sets of frames_per_record
 * independent samples, read as that many "chains". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze_data.h"
#include "core/deck.h"
#include "core/status.h"
#include "io/h5md_read.h"

/* Read one per-frame series and check its length: /observables/<name>
 * (group NULL) or the element /particles/<group>/<name>. */
static int read_frame_series(digs_h5md_reader *r, const char *group,
                             const char *name, long frames, double **out)
{
    long n;
    char object[600];
    if (group) {
        snprintf(object, sizeof object, "/particles/%s/%s/value", group,
                 name);
        DIGS_CHECK(digs_h5md_read_element(r, group, name, "value", &n, out));
    } else {
        snprintf(object, sizeof object, "/observables/%s/value", name);
        DIGS_CHECK(digs_h5md_read_observable(r, name, &n, out));
    }
    if (n != frames)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has %ld entries; expected "
                                         "%ld (one per frame)",
                         digs_h5md_reader_path(r), object, n, frames);
    return DIGS_OK;
}

/* Rebuild the potential from /parameters/deck and check it against
 * /parameters/potential and the stored frame shape. */
static int load_potential(digs_h5md_reader *r, digs_analyze_run *run,
                          int n_particles, int spatial_dim)
{
    const char *path = digs_h5md_reader_path(r);
    char *text = NULL;
    DIGS_CHECK(digs_h5md_read_parameter(r, "deck", &text));
    char label[1200];
    snprintf(label, sizeof label, "%s:/parameters/deck", path);
    int status = digs_deck_parse(&run->deck, text, label);
    free(text);
    DIGS_CHECK(status);
    DIGS_CHECK(digs_potential_create(run->deck, &run->pot));
    DIGS_CHECK(digs_deck_check_unused_section(run->deck, "system"));
    const digs_potential *p = run->pot;
    if (digs_h5md_reader_exists(r, "/parameters/potential")) {
        DIGS_CHECK(digs_h5md_read_parameter(r, "potential",
                                            &run->potential_name));
        if (strcmp(run->potential_name, p->ops->name))
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: /parameters/potential is "
                                             "'%s' but the stored deck "
                                             "builds '%s'",
                             path, run->potential_name, p->ops->name);
    } else if (!(run->potential_name = strdup(p->ops->name))) {
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    if (digs_h5md_reader_exists(r, "/parameters/method"))
        DIGS_CHECK(digs_h5md_read_parameter(r, "method", &run->method));
    else if (!(run->method = strdup("")))
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    int want_p = p->n_particles > 0 ? p->n_particles : 1;
    int want_s = p->n_particles > 0 ? p->spatial_dim : p->dim;
    if (n_particles != want_p || spatial_dim != want_s)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: positions are %d x %d per "
                                         "frame; potential %s expects %d x "
                                         "%d",
                         path, n_particles, spatial_dim, p->ops->name, want_p,
                         want_s);
    run->dim = p->dim;
    run->particles = p->n_particles > 0;
    return DIGS_OK;
}

/* Chain count from chain_id, and the record-major order of chain_id and
 * sweep: frame f is chain f % N of record f / N, and every frame of a
 * record has the same sweep. */
static int check_layout(const char *path, const double *chain,
                        const double *sweep, long frames, long *n_chains)
{
    double top = -1;
    for (long f = 0; f < frames; f++)
        if (chain[f] > top)
            top = chain[f];
    long N = (long)top + 1;
    if (N < 1 || frames % N)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %ld frames are not whole "
                                         "records of %ld chains",
                         path, frames, N);
    for (long f = 0; f < frames; f++) {
        if (chain[f] != (double)(f % N))
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: frame %ld holds chain %.0f; "
                                             "expected %ld (frames must be "
                                             "record-major)",
                             path, f, chain[f], f % N);
        if (sweep[f] != sweep[f - f % N])
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: frame %ld has sweep %.0f; "
                                             "its record started at sweep "
                                             "%.0f",
                             path, f, sweep[f], sweep[f - f % N]);
    }
    *n_chains = N;
    return DIGS_OK;
}

/* The record-major order of an added group's frames: records of
 * per_record frames, every frame of a record with the record's step. */
static int check_set_layout(const char *path, const char *group,
                            const double *step, long frames, long per_record)
{
    if (frames % per_record)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: /particles/%s holds %ld frames; "
                                         "expected whole records of %ld "
                                         "(frames_per_record)",
                         path, group, frames, per_record);
    for (long f = 0; f < frames; f++)
        if (step[f] != step[f - f % per_record])
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: frame %ld of /particles/%s "
                                             "has step %.0f; its record "
                                             "started at step %.0f",
                             path, f, group, step[f],
                             step[f - f % per_record]);
    return DIGS_OK;
}

/* Chains (or samples per set) and the per-frame step of the run's group:
 * the main group's from /observables/{chain_id, sweep}, an added group's
 * from its frames_per_record and position/step.  *step is allocated. */
static int read_layout(digs_h5md_reader *r, const char *group, long frames,
                       digs_analyze_run *run, double **step)
{
    const char *path = digs_h5md_reader_path(r);
    long per_record;
    *step = NULL;
    DIGS_CHECK(digs_h5md_read_frames_per_record(r, group, &per_record));
    run->sample_sets = per_record > 0;
    if (run->sample_sets) {
        long n;
        DIGS_CHECK(digs_h5md_read_element(r, group, "position", "step", &n,
                                          step));
        if (n != frames)
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: /particles/%s/position/step "
                                             "has %ld entries; expected %ld",
                             path, group, n, frames);
        DIGS_CHECK(check_set_layout(path, group, *step, frames, per_record));
        run->n_chains = per_record;
        return DIGS_OK;
    }
    double *chain = NULL;
    int status = read_frame_series(r, NULL, "chain_id", frames, &chain);
    if (status == DIGS_OK)
        status = read_frame_series(r, NULL, "sweep", frames, step);
    if (status == DIGS_OK)
        status = check_layout(path, chain, *step, frames, &run->n_chains);
    free(chain);
    return status;
}

/* Keep frames [skip, skip + keep) of a loaded series (in place). */
static void drop_front(double *v, long skip, long keep)
{
    if (skip > 0)
        memmove(v, v + skip, sizeof(double) * (size_t)keep);
}

/* The last row of each /record_observables series. */
static int load_record_series(digs_h5md_reader *r, digs_analyze_run *run)
{
    char **names;
    int n;
    DIGS_CHECK(digs_h5md_list(r, "/record_observables", &names, &n));
    run->series = calloc((size_t)(n ? n : 1), sizeof *run->series);
    if (!run->series) {
        digs_h5md_free_names(names, n);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    int status = DIGS_OK;
    for (int k = 0; k < n && status == DIGS_OK; k++) {
        digs_analyze_record_series *s = &run->series[k];
        double *values = NULL;
        int64_t *steps = NULL;
        status = digs_h5md_read_record_observable(r, names[k], &s->rows,
                                                  &s->width, &values, &steps);
        if (status != DIGS_OK)
            break;
        s->name = names[k];
        names[k] = NULL;
        run->n_series = k + 1;
        char **columns;
        int n_columns;
        status = digs_h5md_read_columns(r, s->name, &columns, &n_columns);
        if (status == DIGS_OK && n_columns == s->width)
            s->columns = columns;
        else
            digs_h5md_free_names(columns, n_columns);
        if (s->rows > 0) {
            s->last_step = steps[s->rows - 1];
            s->last = malloc(sizeof(double) * (size_t)s->width);
            if (!s->last)
                status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
            else
                memcpy(s->last, values + (size_t)(s->rows - 1) * s->width,
                       sizeof(double) * (size_t)s->width);
        }
        free(values);
        free(steps);
    }
    digs_h5md_free_names(names, n);
    return status;
}

static int load(digs_h5md_reader *r, const digs_analyze_options *o,
                digs_analyze_run *run)
{
    const char *path = digs_h5md_reader_path(r);
    long frames;
    int n_particles, spatial_dim;
    DIGS_CHECK(digs_h5md_read_position_shape(r, o->group, &frames,
                                             &n_particles, &spatial_dim));
    if (frames < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: the trajectory has no frames",
                         path);
    double *sweep = NULL;
    int status = read_layout(r, o->group, frames, run, &sweep);
    if (status == DIGS_OK) {
        run->records_total = frames / run->n_chains;
        run->burn_in = o->burn_in;
        if (o->burn_in >= run->records_total)
            status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: --burn-in %ld leaves no "
                                               "records (the file has %ld)",
                               path, o->burn_in, run->records_total);
    }
    if (status == DIGS_OK) {
        run->n_records = run->records_total - run->burn_in;
        run->n = run->n_records * run->n_chains;
        long skip = run->burn_in * run->n_chains;
        run->first_sweep = (int64_t)sweep[skip];
        run->last_sweep = (int64_t)sweep[frames - 1];
    }
    free(sweep);
    DIGS_CHECK(status);
    DIGS_CHECK(load_potential(r, run, n_particles, spatial_dim));

    long skip = run->burn_in * run->n_chains;
    DIGS_CALLOC(run->x, (size_t)run->n * (size_t)run->dim);
    DIGS_CHECK(digs_h5md_read_positions(r, o->group, skip, run->n, run->x));
    /* an added group's series are its own elements; it has no acceptance */
    const char *where = run->sample_sets ? o->group : NULL;
    DIGS_CHECK(read_frame_series(r, where, "potential_energy", frames,
                                 &run->energy));
    drop_front(run->energy, skip, run->n);
    if (!run->sample_sets &&
        digs_h5md_reader_exists(r, "/observables/acceptance/value")) {
        DIGS_CHECK(read_frame_series(r, NULL, "acceptance", frames,
                                     &run->acceptance));
        drop_front(run->acceptance, skip, run->n);
    }
    if (o->n_observables > 0) {
        DIGS_CALLOC(run->obs_names, o->n_observables);
        DIGS_CALLOC(run->obs, o->n_observables);
    }
    for (int k = 0; k < o->n_observables; k++) {
        if (!(run->obs_names[k] = strdup(o->observables[k])))
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        run->n_obs = k + 1;
        DIGS_CHECK(read_frame_series(r, where, o->observables[k], frames,
                                     &run->obs[k]));
        drop_front(run->obs[k], skip, run->n);
    }
    DIGS_CHECK(load_record_series(r, run));
    return DIGS_OK;
}

int digs_analyze_load_run(const digs_analyze_options *o,
                          digs_analyze_run *run)
{
    memset(run, 0, sizeof *run);
    digs_h5md_reader *r;
    DIGS_CHECK(digs_h5md_reader_open(o->run, &r));
    int status = load(r, o, run);
    digs_h5md_reader_close(&r);
    if (status != DIGS_OK)
        digs_analyze_run_free(run);
    return status;
}

void digs_analyze_run_free(digs_analyze_run *run)
{
    digs_potential_destroy(&run->pot);
    digs_deck_destroy(&run->deck);
    free(run->potential_name);
    free(run->method);
    free(run->x);
    free(run->energy);
    free(run->acceptance);
    for (int k = 0; k < run->n_obs; k++) {
        free(run->obs_names[k]);
        free(run->obs[k]);
    }
    free(run->obs_names);
    free(run->obs);
    for (int k = 0; k < run->n_series; k++) {
        free(run->series[k].name);
        free(run->series[k].last);
        digs_h5md_free_names(run->series[k].columns, run->series[k].width);
    }
    free(run->series);
    memset(run, 0, sizeof *run);
}
