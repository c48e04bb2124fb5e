/* Reference sets for `digs analyze` (contract in analyze_data.h): exact
 * draws, a .npy array (REFERENCE.md §11: [n][dim] or [n][particles]
 * [spatial]), or the positions of another H5MD file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze_data.h"
#include "core/rng.h"
#include "core/status.h"
#include "io/h5md_read.h"
#include "io/npy.h"

/* Stream coordinates of the exact draws: purpose DIGS_RNG_ANALYSIS like
 * the bootstraps (analysis/bootstrap.h: sweep 0, substeps 0 and 1), but
 * sweep 1 and substep 2, so no number is shared with them, nor with a
 * run's own `init = exact` (purpose DIGS_RNG_INIT). */
enum { EXACT_CHAIN = 0, EXACT_SWEEP = 1, EXACT_SUBSTEP = 2 };

/* ref->label = "<source> (<n> <what>)". */
static int set_label(digs_analyze_ref *ref, const char *source,
                     const char *what)
{
    char text[1400];
    snprintf(text, sizeof text, "%s (%ld %s)", source, ref->n, what);
    ref->label = strdup(text);
    if (!ref->label)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    return DIGS_OK;
}

/* "mog40, manywell32, gaussian": the potentials with an exact sampler. */
static void exact_names(char *out, size_t len)
{
    const digs_potential_ops *const *reg = digs_potential_registry();
    out[0] = '\0';
    for (int i = 0; reg[i]; i++)
        if (reg[i]->sample_exact) {
            size_t used = strlen(out);
            snprintf(out + used, len - used, "%s%s", used ? ", " : "",
                     reg[i]->name);
        }
}

static int load_exact(const digs_analyze_options *o,
                      const digs_analyze_run *run, digs_analyze_ref *ref)
{
    const digs_potential *p = run->pot;
    if (!p->ops->sample_exact) {
        char names[256];
        exact_names(names, sizeof names);
        return DIGS_FAIL(DIGS_ERR_INPUT, "--ref exact: potential %s has no "
                                         "exact sampler (potentials with "
                                         "one: %s)",
                         p->ops->name, names);
    }
    ref->n = o->ref_samples;
    DIGS_CALLOC(ref->x, (size_t)ref->n * (size_t)p->dim);
    digs_stream s;
    digs_stream_init(&s, o->seed, EXACT_CHAIN, EXACT_SWEEP,
                     DIGS_RNG_ANALYSIS, EXACT_SUBSTEP);
    for (long i = 0; i < ref->n; i++)
        p->ops->sample_exact(p, &s, ref->x + (size_t)i * p->dim);
    char source[128], what[64];
    snprintf(source, sizeof source, "exact %s sampler", p->ops->name);
    snprintf(what, sizeof what, "draws, seed %lu", (unsigned long)o->seed);
    return set_label(ref, source, what);
}

/* Check an array shape against the potential: [n][dim], or
 * [n][particles][spatial] for n-body systems (for other targets
 * [n][1][dim] as H5MD stores them). */
static int check_shape(const char *path, const digs_potential *p, int ndim,
                       const int64_t *shape)
{
    int want_p = p->n_particles > 0 ? p->n_particles : 1;
    int want_s = p->n_particles > 0 ? p->spatial_dim : p->dim;
    int ok = (ndim == 2 && shape[1] == p->dim) ||
             (ndim == 3 && shape[1] == want_p && shape[2] == want_s);
    if (ok && shape[0] >= 1)
        return DIGS_OK;
    char got[128] = "";
    for (int k = 0; k < ndim && k < 4; k++) {
        size_t used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%lld", k ? ", " : "",
                 (long long)shape[k]);
    }
    if (ok)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: the reference has no samples",
                         path);
    if (p->n_particles > 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: reference of shape [%s] does "
                                         "not fit potential %s; expected "
                                         "[n, %d] or [n, %d, %d]",
                         path, got, p->ops->name, p->dim, want_p, want_s);
    return DIGS_FAIL(DIGS_ERR_INPUT, "%s: reference of shape [%s] does not "
                                     "fit potential %s; expected [n, %d]",
                     path, got, p->ops->name, p->dim);
}

static int load_npy(const char *path, const digs_analyze_run *run,
                    digs_analyze_ref *ref)
{
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    DIGS_CHECK(digs_npy_read(path, &ref->x, &ndim, shape));
    DIGS_CHECK(check_shape(path, run->pot, ndim, shape));
    ref->n = (long)shape[0];
    return set_label(ref, path, "samples");
}

static int load_h5md(const digs_analyze_options *o,
                     const digs_analyze_run *run, digs_analyze_ref *ref)
{
    digs_h5md_reader *r;
    DIGS_CHECK(digs_h5md_reader_open(o->ref, &r));
    long frames;
    int n_particles, spatial_dim;
    int status = digs_h5md_read_position_shape(r, o->ref_group, &frames,
                                               &n_particles, &spatial_dim);
    if (status == DIGS_OK) {
        int64_t shape[3] = {frames, n_particles, spatial_dim};
        status = check_shape(o->ref, run->pot, 3, shape);
    }
    if (status == DIGS_OK &&
        !(ref->x = calloc((size_t)frames * (size_t)run->dim, sizeof *ref->x)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK)
        status = digs_h5md_read_positions(r, o->ref_group, 0, frames, ref->x);
    digs_h5md_reader_close(&r);
    DIGS_CHECK(status);
    ref->n = frames;
    return set_label(ref, o->ref, "frames");
}

/* 1 if the file starts with the .npy magic "\x93NUMPY". */
static int is_npy(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char magic[6] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return got == 6 && magic[0] == 0x93 && !memcmp(magic + 1, "NUMPY", 5);
}

int digs_analyze_load_ref(const digs_analyze_options *o,
                          const digs_analyze_run *run, digs_analyze_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    ref->dim = run->dim;
    int status;
    if (!strcmp(o->ref, "exact"))
        status = load_exact(o, run, ref);
    else if (is_npy(o->ref))
        status = load_npy(o->ref, run, ref);
    else
        status = load_h5md(o, run, ref);
    if (status == DIGS_OK &&
        !(ref->energy = calloc((size_t)ref->n, sizeof *ref->energy)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (long i = 0; status == DIGS_OK && i < ref->n; i++)
        ref->energy[i] = digs_potential_energy(
            run->pot, ref->x + (size_t)i * ref->dim, NULL);
    if (status != DIGS_OK)
        digs_analyze_ref_free(ref);
    return status;
}

void digs_analyze_ref_free(digs_analyze_ref *ref)
{
    free(ref->label);
    free(ref->x);
    free(ref->energy);
    memset(ref, 0, sizeof *ref);
}
