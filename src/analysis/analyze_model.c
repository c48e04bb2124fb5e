/* `digs analyze` on a DiKL model file (contract in analyze_model.h).  The
 * curves come through dikl_model_read_curves; the /dikl attributes are
 * read here (the layout is documented in src/dikl/model.h). */
#include "analysis/analyze_model.h"
#include "analysis/analyze_plot.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/analyze_json.h"
#include "core/deck.h"
#include "core/status.h"
#include "dikl/model.h"

/* Rows averaged for the "recent" line: the last tenth, at least 1. */
enum { RECENT_FRACTION = 10 };

typedef struct model_info {
    long iteration, best_iteration;
    double best_metric, eta;
    char potential[64];
    dikl_curves curves;
} model_info;

int digs_analyze_is_model(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0 || H5Fis_hdf5(path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int yes = f >= 0 && H5Lexists(f, "dikl", H5P_DEFAULT) > 0 &&
              H5Aexists_by_name(f, "dikl", "format", H5P_DEFAULT) > 0;
    if (f >= 0)
        H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    return yes;
}

/* One numeric attribute of /dikl (converted to mem_type). */
static int read_attr(const char *path, hid_t g, const char *name,
                     hid_t mem_type, void *out)
{
    hid_t a = H5Aexists(g, name) > 0 ? H5Aopen(g, name, H5P_DEFAULT) : -1;
    herr_t err = a < 0 ? -1 : H5Aread(a, mem_type, out);
    if (a >= 0)
        H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    if (err < 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: missing or non-numeric attribute /dikl/@%s",
                         path, name);
    return DIGS_OK;
}

/* Attributes, curves and the potential named in the stored deck. */
static int load(const char *path, model_info *m)
{
    DIGS_CHECK(dikl_model_read_curves(path, &m->curves));
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t g = f >= 0 ? H5Gopen2(f, "dikl", H5P_DEFAULT) : -1;
    int64_t it = 0, best = 0;
    int status = g < 0 ? DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open group /dikl",
                                   path)
                       : DIGS_OK;
    if (status == DIGS_OK)
        status = read_attr(path, g, "iteration", H5T_NATIVE_INT64, &it);
    if (status == DIGS_OK)
        status = read_attr(path, g, "best_iteration", H5T_NATIVE_INT64, &best);
    if (status == DIGS_OK)
        status = read_attr(path, g, "best_metric", H5T_NATIVE_DOUBLE,
                           &m->best_metric);
    if (status == DIGS_OK)
        status = read_attr(path, g, "eta", H5T_NATIVE_DOUBLE, &m->eta);
    if (g >= 0)
        H5Gclose(g);
    if (f >= 0)
        H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
    DIGS_CHECK(status);
    m->iteration = (long)it;
    m->best_iteration = (long)best;
    char *text = NULL;
    DIGS_CHECK(dikl_model_read_deck(path, &text));
    digs_deck *deck = NULL;
    char label[4200];
    snprintf(label, sizeof label, "%s:/dikl/deck", path);
    status = digs_deck_parse(&deck, text, label);
    free(text);
    const char *pot = NULL;
    if (status == DIGS_OK)
        status = digs_deck_string(deck, "system", "potential", NULL, &pot);
    if (status == DIGS_OK)
        snprintf(m->potential, sizeof m->potential, "%s", pot);
    digs_deck_destroy(&deck);
    return status;
}

/* Index of the curve column called name. */
static int column(const char *name)
{
    for (int k = 0; k < DIKL_N_CURVES; k++)
        if (strcmp(dikl_curve_names[k], name) == 0)
            return k;
    return 0;
}

/* Mean of the finite values of v[first..n), NAN if none. */
static double finite_mean(const double *v, long first, long n)
{
    double sum = 0;
    long k = 0;
    for (long i = first; i < n; i++)
        if (isfinite(v[i])) {
            sum += v[i];
            k++;
        }
    return k ? sum / (double)k : NAN;
}

static void print_summary(FILE *out, const char *path, const model_info *m)
{
    const dikl_curves *c = &m->curves;
    const double *iter = c->col[column("iteration")];
    const double *metric = c->col[column("metric")];
    fprintf(out, "digs analyze: %s (DiKL model file)\n", path);
    fprintf(out, "  target    %s\n", m->potential);
    fprintf(out, "  progress  %ld generator iterations; curves: %ld rows",
            m->iteration, c->n);
    if (c->n > 0)
        fprintf(out, " (iterations %.0f..%.0f, wall %.4g s)", iter[0],
                iter[c->n - 1], c->col[column("wall")][c->n - 1]);
    fputc('\n', out);
    fprintf(out, "  selected  iteration %ld, metric %.6g; Stage-B step eta "
                 "%.6g\n",
            m->best_iteration, m->best_metric, m->eta);
    long checks = 0, at_min = -1;   /* ties: the later, as selection does */
    for (long i = 0; i < c->n; i++)
        if (isfinite(metric[i])) {
            if (at_min < 0 || metric[i] <= metric[at_min])
                at_min = i;
            checks++;
        }
    if (checks > 0)
        fprintf(out, "  checks    %ld metric checks; lowest %.6g at "
                     "iteration %.0f\n",
                checks, metric[at_min], iter[at_min]);
    else
        fprintf(out, "  checks    no metric checks recorded\n");
    if (c->n == 0)
        return;
    long recent = c->n / RECENT_FRACTION > 0 ? c->n / RECENT_FRACTION : 1;
    fprintf(out, "\n  curve            last (iteration %.0f)   mean of last "
                 "%ld rows\n",
            iter[c->n - 1], recent);
    for (int k = 1; k < DIKL_N_CURVES; k++) {
        if (strcmp(dikl_curve_names[k], "wall") == 0 ||
            strcmp(dikl_curve_names[k], "metric") == 0)
            continue;
        fprintf(out, "  %-16s %14.6g   %14.6g\n", dikl_curve_names[k],
                c->col[k][c->n - 1],
                finite_mean(c->col[k], c->n - recent, c->n));
    }
}

/* The curves and the summary numbers as JSON (non-finite → null). */
static int write_json(const char *json, const char *path,
                      const model_info *m)
{
    FILE *f = fopen(json, "w");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create (%s)", json,
                         strerror(errno));
    digs_json j;
    digs_json_begin(&j, f);
    digs_json_string(&j, "run", path);
    digs_json_string(&j, "potential", m->potential);
    digs_json_object(&j, "training");
    digs_json_integer(&j, "iteration", m->iteration);
    digs_json_integer(&j, "best_iteration", m->best_iteration);
    digs_json_number(&j, "best_metric", m->best_metric);
    digs_json_number(&j, "eta", m->eta);
    digs_json_object(&j, "curves");
    for (int k = 0; k < DIKL_N_CURVES; k++)
        digs_json_numbers(&j, dikl_curve_names[k], m->curves.col[k],
                          m->curves.n);
    digs_json_finish(&j);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot write", json);
    return DIGS_OK;
}

/* DIR/training.json, then `python script json DIR`. */
static int plot(const digs_analyze_options *o, const model_info *m)
{
    const char *dir = o->plot_dir;
    struct stat st;
    if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create the plot directory "
                                      "(%s)", dir, strerror(errno));
    char json[4200];
    snprintf(json, sizeof json, "%s/training.json", dir);
    DIGS_CHECK(write_json(json, o->run, m));
    return digs_analyze_run_plot_script(o->plot_script, json, dir);
}

int digs_analyze_model(const digs_analyze_options *o, FILE *out)
{
    const char *bad = o->ref               ? "--ref"
                      : o->pdb             ? "--pdb"
                      : o->n_observables   ? "--observable"
                      : o->modes           ? "--modes"
                      : o->per_chain       ? "--per-chain"
                                           : NULL;
    if (bad)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: %s needs samples, and this is a DiKL model "
                         "file; draw them with `digs sample %s --n N -o "
                         "OUT.h5` and analyze OUT.h5",
                         o->run, bad, o->run);
    model_info m;
    memset(&m, 0, sizeof m);
    int status = load(o->run, &m);
    if (status == DIGS_OK)
        print_summary(out, o->run, &m);
    if (status == DIGS_OK && o->json)
        status = write_json(o->json, o->run, &m);
    if (status == DIGS_OK && o->plot_dir)
        status = plot(o, &m);
    dikl_curves_free(&m.curves);
    return status;
}
