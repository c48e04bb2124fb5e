/* `digs analyze --pdb FILE` (contract in analyze_pdb.h). */
#include "analysis/analyze_pdb.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/pdb.h"

/* Parse an optional integer field ending at ':' or the end of text. */
static int field(const char **p, long *v, int *has)
{
    const char *s = *p;
    *has = 0;
    if (*s == ':' || *s == '\0')
        return 0;
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    if (errno || end == s || (*end != ':' && *end != '\0'))
        return -1;
    *has = 1;
    *p = end;
    return 0;
}

int digs_frame_slice_parse(const char *text, digs_frame_slice *s)
{
    memset(s, 0, sizeof *s);
    s->step = 1;
    const char *p = text;
    if (field(&p, &s->start, &s->has_start))
        return -1;
    if (*p == '\0') {            /* "a": one frame */
        if (s->has_start) {
            s->stop = s->start == -1 ? 0 : s->start + 1;
            s->has_stop = s->start != -1;
        }
        return 0;
    }
    p++;
    if (field(&p, &s->stop, &s->has_stop))
        return -1;
    if (*p == '\0')
        return 0;
    p++;
    long step;
    int has_step;
    if (field(&p, &step, &has_step) || *p != '\0')
        return -1;
    if (has_step) {
        if (step < 1)
            return -1;
        s->step = step;
    }
    return 0;
}

/* A slice bound resolved against n (negative counts from the end). */
static long resolve(long v, long n)
{
    if (v < 0)
        v += n;
    return v < 0 ? 0 : v > n ? n : v;
}

long digs_frame_slice_apply(const digs_frame_slice *s, long n, long *idx)
{
    long a = s->has_start ? resolve(s->start, n) : 0;
    long b = s->has_stop ? resolve(s->stop, n) : n;
    long k = 0;
    for (long i = a; i < b; i += s->step)
        idx[k++] = i;
    return k;
}

/* Frames selected by the options (indices into run->x). */
static int select_frames(const digs_analyze_options *o,
                         const digs_analyze_run *run, long **frames,
                         long *count)
{
    digs_frame_slice s;
    if (digs_frame_slice_parse(o->pdb_frames ? o->pdb_frames : "", &s))
        return DIGS_FAIL(DIGS_ERR_INPUT, "--frames '%s': expected a:b:step "
                                         "(integers, step >= 1)",
                         o->pdb_frames);
    if (o->pdb_chain >= run->n_chains)
        return DIGS_FAIL(DIGS_ERR_INPUT, "--chain %ld: the run has chains "
                                         "0..%ld",
                         o->pdb_chain, run->n_chains - 1);
    long n = o->pdb_chain >= 0 ? run->n_records : run->n;
    DIGS_CALLOC(*frames, n);
    *count = digs_frame_slice_apply(&s, n, *frames);
    if (o->pdb_chain >= 0)
        for (long k = 0; k < *count; k++)
            (*frames)[k] = (*frames)[k] * run->n_chains + o->pdb_chain;
    if (*count == 0 || *count > INT_MAX) {
        free(*frames);
        *frames = NULL;
        return DIGS_FAIL(DIGS_ERR_INPUT, "--pdb %s: the selection holds %ld "
                                         "frames; expected 1 to %d",
                         o->pdb, *count, INT_MAX);
    }
    return DIGS_OK;
}

int digs_analyze_write_pdb(const digs_analyze_options *o,
                           const digs_analyze_run *run)
{
    const digs_potential *p = run->pot;
    if (p->n_particles < 1 || (p->spatial_dim != 2 && p->spatial_dim != 3))
        return DIGS_FAIL(DIGS_ERR_INPUT, "--pdb %s: potential %s has no "
                                         "particles in 2 or 3 dimensions; "
                                         "expected a particle system",
                         o->pdb, run->potential_name);
    long *frames = NULL, m = 0;
    DIGS_CHECK(select_frames(o, run, &frames, &m));
    int na = p->n_particles, sd = p->spatial_dim;
    double to_angstrom = p->angstrom > 0 ? 1.0 / p->angstrom : 1.0;
    double *xyz = calloc((size_t)m * (size_t)na * 3, sizeof *xyz);
    if (!xyz) {
        free(frames);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    for (long k = 0; k < m; k++) {
        const double *x = run->x + (size_t)frames[k] * run->dim;
        double *y = xyz + (size_t)k * na * 3;
        for (int i = 0; i < na; i++)
            for (int d = 0; d < sd; d++)
                y[3 * i + d] = x[sd * i + d] * to_angstrom;
    }
    digs_pdb_atoms atoms = {.n_atoms = na,
                            .atom_names = p->atom_names,
                            .residue_names = p->residue_names,
                            .residue_ids = p->residue_ids,
                            .elements = p->elements};
    int status = digs_pdb_write(o->pdb, &atoms, (int)m, xyz);
    free(xyz);
    free(frames);
    return status;
}
