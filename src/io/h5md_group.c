/* Additional particles groups of the H5MD writer (contract in h5md.h,
 * layout there and in doc/file-formats.md), e.g. the DiKL generator's
 * sample sets next to the DiGS chains.
 *
 * A group has its own record count and frames per record (N); record r,
 * frame i is row r*N + i of
 *   /particles/<name>/position/{value, step, time}
 *   /particles/<name>/potential_energy/{value, step -> position/step,
 *                                       time -> position/time}
 * and each rank writes its block of frames as one strided hyperslab, as
 * the main group does (h5md_write_block).  The energies are an element of
 * the particles group, not /observables/<name>: MDAnalysis 2.4 reads
 * /observables/<key>/value at every frame of the first particles group,
 * so a subgroup there without `value`, or a series of another length,
 * breaks it (doc/file-formats.md).  N is stored as the int64 attribute
 * frames_per_record of /particles/<name>, which marks the group as added
 * here for open_append and for readers. */
#include "io/h5md_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/h5_error.h"

enum { OBJECT_MAX = 512 };

/* ---- bookkeeping ----------------------------------------------------- */

static void free_group(digs_h5md_group *g)
{
    if (!g)
        return;
    h5md_close_id(&g->pos_value, H5Dclose);
    h5md_close_id(&g->pos_step, H5Dclose);
    h5md_close_id(&g->pos_time, H5Dclose);
    h5md_close_id(&g->energy_value, H5Dclose);
    free(g->name);
    free(g->xbuf);
    free(g->ebuf);
    free(g->steps);
    free(g->times);
    free(g->ibuf);
    free(g->tbuf);
    free(g);
}

void h5md_free_groups(digs_h5md *h)
{
    for (int k = 0; k < h->n_groups; k++)
        free_group(h->groups[k]);
    free(h->groups);
    h->groups = NULL;
    h->n_groups = 0;
}

/* A new group entry named name, appended to h->groups (*out NULL on
 * failure). */
static int new_group(digs_h5md *h, const char *name, digs_h5md_group **out)
{
    *out = NULL;
    digs_h5md_group **grown = realloc(h->groups, (size_t)(h->n_groups + 1) *
                                                     sizeof *grown);
    if (!grown)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    h->groups = grown;
    digs_h5md_group *g = calloc(1, sizeof *g);
    if (!g || !(g->name = strdup(name))) {
        free(g);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    g->h = h;
    g->pos_value = g->pos_step = g->pos_time = H5I_INVALID_HID;
    g->energy_value = H5I_INVALID_HID;
    h->groups[h->n_groups++] = g;
    *out = g;
    return DIGS_OK;
}

static digs_h5md_group *find_group(const digs_h5md *h, const char *name)
{
    for (int k = 0; k < h->n_groups; k++)
        if (!strcmp(h->groups[k]->name, name))
            return h->groups[k];
    return NULL;
}

/* Take the spec's block and allocate the record buffers. */
static int attach(digs_h5md_group *g, const digs_h5md_group_spec *s)
{
    g->first = s->first_frame;
    g->n_local = s->n_local;
    g->buffer_records = s->buffer_records;
    size_t frames = (size_t)s->buffer_records * (size_t)s->n_local;
    DIGS_CALLOC(g->xbuf, frames * (size_t)g->row);
    DIGS_CALLOC(g->ebuf, frames);
    DIGS_CALLOC(g->ibuf, frames);
    DIGS_CALLOC(g->tbuf, frames);
    DIGS_CALLOC(g->steps, s->buffer_records);
    DIGS_CALLOC(g->times, s->buffer_records);
    g->attached = 1;
    return DIGS_OK;
}

/* ---- creating a group ---------------------------------------------------- */

/* /particles/<name>/potential_energy: value [frames] f8 (unit), step and
 * time hard links to position's. */
static int make_energy(digs_h5md_group *g, hid_t grp, const char *unit,
                       hsize_t chunk)
{
    const char *path = g->h->path;
    hid_t e = H5Gcreate2(grp, H5MD_GROUP_ENERGY, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    H5_TRY(path, e, "creating a group's energy element");
    int status = h5md_make_series(path, e, "value", H5T_IEEE_F64LE, 1, NULL,
                                  chunk, &g->energy_value);
    if (status == DIGS_OK && unit)
        status = h5md_string_attr(path, g->energy_value, "unit", unit);
    if (status == DIGS_OK &&
        (H5Lcreate_hard(g->pos_step, ".", e, "step", H5P_DEFAULT,
                        H5P_DEFAULT) < 0 ||
         H5Lcreate_hard(g->pos_time, ".", e, "time", H5P_DEFAULT,
                        H5P_DEFAULT) < 0))
        status = digs_h5_fail(path, "linking the energies' step and time",
                              __FILE__, __LINE__);
    H5Gclose(e);
    return status;
}

/* /particles/<name> with frames_per_record, box, position and energies. */
static int make_group(digs_h5md_group *g, const digs_h5md_group_spec *s)
{
    digs_h5md *h = g->h;
    hid_t parts = H5Gopen2(h->file, "particles", H5P_DEFAULT);
    hid_t grp = H5I_INVALID_HID, box = H5I_INVALID_HID;
    hid_t pos = H5I_INVALID_HID;
    int status = DIGS_OK;
    if (parts < 0 ||
        (grp = H5Gcreate2(parts, s->name, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0 ||
        (box = H5Gcreate2(grp, "box", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0 ||
        (pos = H5Gcreate2(grp, "position", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating a particles group",
                              __FILE__, __LINE__);
    if (status == DIGS_OK)
        status = h5md_int64_attr(h->path, grp, H5MD_FRAMES_ATTR, g->n_frames);
    if (status == DIGS_OK)
        status = h5md_int_attr(h->path, box, "dimension", 1, &s->spatial_dim);
    if (status == DIGS_OK)
        status = h5md_boundary_attr(h->path, box, s->spatial_dim);
    double want = (double)s->n_frames * s->buffer_records;
    hsize_t chunk_1d = h5md_chunk_frames(sizeof(int64_t), want);
    if (status == DIGS_OK) {
        const hsize_t tail[2] = {(hsize_t)s->n_particles,
                                 (hsize_t)s->spatial_dim};
        status = h5md_make_series(
            h->path, pos, "value", H5T_IEEE_F64LE, 3, tail,
            h5md_chunk_frames(sizeof(double) * (size_t)g->row, want),
            &g->pos_value);
    }
    if (status == DIGS_OK && s->length_unit)
        status = h5md_string_attr(h->path, g->pos_value, "unit",
                                  s->length_unit);
    if (status == DIGS_OK)
        status = h5md_make_series(h->path, pos, "step", H5T_STD_I64LE, 1,
                                  NULL, chunk_1d, &g->pos_step);
    if (status == DIGS_OK)
        status = h5md_make_series(h->path, pos, "time", H5T_IEEE_F64LE, 1,
                                  NULL, chunk_1d, &g->pos_time);
    if (status == DIGS_OK)
        status = make_energy(g, grp, s->energy_unit, chunk_1d);
    h5md_close_id(&pos, H5Gclose);
    h5md_close_id(&box, H5Gclose);
    h5md_close_id(&grp, H5Gclose);
    h5md_close_id(&parts, H5Gclose);
    return status;
}

/* Local checks of a group spec against the handle. */
static int check_group_spec(const digs_h5md *h, const digs_h5md_group_spec *s)
{
    if (!h5md_valid_name(s->name))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: bad particles group name '%s'", h->path,
                         s->name ? s->name : "(null)");
    /* MDAnalysis reads the first group of /particles in name order */
    if (strcmp(s->name, h->group) <= 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: particles group '%s' must sort after the main "
                         "group '%s' (MDAnalysis reads the first group in "
                         "name order)",
                         h->path, s->name, h->group);
    if (s->n_particles < 1 || s->spatial_dim < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: group '%s': bad frame shape %d particles x %d "
                         "dimensions",
                         h->path, s->name, s->n_particles, s->spatial_dim);
    if (s->buffer_records < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: group '%s': buffer_records is %d; expected >= 1",
                         h->path, s->name, s->buffer_records);
    const digs_h5md_group *g = find_group(h, s->name);
    if (g && g->attached)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: particles group '%s' added twice", h->path,
                         s->name);
    if (g && (g->n_frames != s->n_frames || g->n_particles != s->n_particles ||
              g->spatial_dim != s->spatial_dim))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: /particles/%s holds records of %lld frames of "
                         "%d x %d; expected %ld frames of %d x %d",
                         h->path, s->name, (long long)g->n_frames,
                         g->n_particles, g->spatial_dim, s->n_frames,
                         s->n_particles, s->spatial_dim);
    return DIGS_OK;
}

/* The body of digs_h5md_add_group after the collective spec check. */
static int add_group(digs_h5md *h, const digs_h5md_group_spec *s,
                     digs_h5md_group **out)
{
    digs_h5md_group *g = find_group(h, s->name);
    if (g) {   /* reopened by open_append: take it up */
        DIGS_CHECK(attach(g, s));
        *out = g;
        return DIGS_OK;
    }
    char object[OBJECT_MAX];
    snprintf(object, sizeof object, "/particles/%s", s->name);
    htri_t exists = H5Lexists(h->file, object, H5P_DEFAULT);
    H5_TRY(h->path, exists, "looking up a particles group");
    if (exists > 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: %s exists but is not a group written by "
                         "digs_h5md_add_group (no attribute %s)",
                         h->path, object, H5MD_FRAMES_ATTR);
    DIGS_CHECK(new_group(h, s->name, &g));
    g->n_frames = s->n_frames;
    g->n_particles = s->n_particles;
    g->spatial_dim = s->spatial_dim;
    g->row = s->n_particles * s->spatial_dim;
    int status = make_group(g, s);
    if (status == DIGS_OK)
        status = attach(g, s);
    if (status != DIGS_OK) {   /* forget the half-made group */
        free_group(g);
        h->n_groups--;
        return status;
    }
    *out = g;
    return DIGS_OK;
}

int digs_h5md_add_group(digs_h5md *h, const digs_h5md_group_spec *g,
                        digs_h5md_group **out)
{
    *out = NULL;
    int status = check_group_spec(h, g);
    status = h5md_check_blocks(h->comm, status, h->path, "frame", g->n_frames,
                               g->first_frame, g->n_local);
    DIGS_CHECK(status);
    digs_h5md_group *added = NULL;
    DIGS_CHECK(h5md_agree(h->comm, add_group(h, g, &added)));
    *out = added;
    return DIGS_OK;
}

/* ---- appending ---------------------------------------------------------- */

/* Write the buffered records of g.  Collective. */
static int write_group(digs_h5md_group *g)
{
    int K = g->n_buffered, n = g->n_local;
    if (K == 0)
        return DIGS_OK;
    const char *path = g->h->path;
    hid_t dxpl = g->h->dxpl;
    hsize_t frames = (hsize_t)((g->records_on_disk + K) * g->n_frames);
    /* the energies' step and time are links to position's: extend once */
    DIGS_CHECK(h5md_extend(path, g->pos_value, frames));
    DIGS_CHECK(h5md_extend(path, g->pos_step, frames));
    DIGS_CHECK(h5md_extend(path, g->pos_time, frames));
    DIGS_CHECK(h5md_extend(path, g->energy_value, frames));
    for (int r = 0; r < K; r++)
        for (int i = 0; i < n; i++) {
            g->ibuf[(size_t)r * n + i] = g->steps[r];
            g->tbuf[(size_t)r * n + i] = g->times[r];
        }
    const struct {
        hid_t dset, type;
        const void *buf;
    } writes[] = {{g->pos_value, H5T_NATIVE_DOUBLE, g->xbuf},
                  {g->pos_step, H5T_NATIVE_INT64, g->ibuf},
                  {g->pos_time, H5T_NATIVE_DOUBLE, g->tbuf},
                  {g->energy_value, H5T_NATIVE_DOUBLE, g->ebuf}};
    for (size_t k = 0; k < sizeof writes / sizeof writes[0]; k++)
        DIGS_CHECK(h5md_write_block(path, writes[k].dset, dxpl,
                                    writes[k].type, writes[k].buf, K,
                                    g->records_on_disk, g->n_frames, g->first,
                                    n));
    g->records_on_disk += K;
    g->n_buffered = 0;
    return DIGS_OK;
}

int h5md_write_groups(digs_h5md *h)
{
    for (int k = 0; k < h->n_groups; k++)
        DIGS_CHECK(write_group(h->groups[k]));
    return DIGS_OK;
}

int digs_h5md_group_append(digs_h5md_group *g, int64_t step, double time,
                           const double *x, const double *energy)
{
    int n = g->n_local;
    if (!g->attached)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: group '%s' was reopened but not added again "
                         "(digs_h5md_add_group)",
                         g->h->path, g->name);
    if (n > 0 && (!x || !energy))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: group '%s': append needs positions and "
                         "energies",
                         g->h->path, g->name);
    int r = g->n_buffered;
    if (n > 0) {
        memcpy(g->xbuf + (size_t)r * n * g->row, x,
               sizeof(double) * (size_t)n * g->row);
        memcpy(g->ebuf + (size_t)r * n, energy, sizeof(double) * n);
    }
    g->steps[r] = step;
    g->times[r] = time;
    g->n_buffered++;
    if (g->n_buffered == g->buffer_records)
        DIGS_CHECK(write_group(g));
    return DIGS_OK;
}

int64_t digs_h5md_group_records(const digs_h5md_group *g)
{
    return g ? g->records_on_disk + g->n_buffered : 0;
}

const char *digs_h5md_group_name(const digs_h5md_group *g)
{
    return g ? g->name : NULL;
}

int digs_h5md_n_groups(const digs_h5md *h) { return h ? h->n_groups : 0; }

digs_h5md_group *digs_h5md_group_at(const digs_h5md *h, int k)
{
    return h && k >= 0 && k < h->n_groups ? h->groups[k] : NULL;
}

/* ---- continuing a file ----------------------------------------------- */

/* frames_per_record of /particles/<name>: *n = 0 if the attribute is
 * absent (not an added group). */
static int read_frames_attr(const digs_h5md *h, const char *name, int64_t *n)
{
    char object[OBJECT_MAX];
    snprintf(object, sizeof object, "/particles/%s", name);
    *n = 0;
    htri_t has = H5Aexists_by_name(h->file, object, H5MD_FRAMES_ATTR,
                                   H5P_DEFAULT);
    H5_TRY(h->path, has, "looking up a group attribute");
    if (!has)
        return DIGS_OK;
    hid_t a = H5Aopen_by_name(h->file, object, H5MD_FRAMES_ATTR, H5P_DEFAULT,
                              H5P_DEFAULT);
    H5_TRY(h->path, a, "opening a group attribute");
    herr_t err = H5Aread(a, H5T_NATIVE_INT64, n);
    H5Aclose(a);
    H5_TRY(h->path, err, "reading a group attribute");
    if (*n < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has %s = %lld; expected >= 1",
                         h->path, object, H5MD_FRAMES_ATTR, (long long)*n);
    return DIGS_OK;
}

/* Reopen the datasets of group g (n_frames set), checking that they hold
 * `records` records; the frame shape is taken from position/value. */
static int reopen_group(digs_h5md *h, digs_h5md_group *g, int64_t records)
{
    hsize_t keep = (hsize_t)(records * g->n_frames);
    char object[OBJECT_MAX];
    snprintf(object, sizeof object, "/particles/%s/position/value", g->name);
    DIGS_CHECK(h5md_reopen_series(h->path, h->file, object, 3, NULL, keep, 0,
                                  &g->pos_value, NULL));
    hid_t space = H5Dget_space(g->pos_value);
    H5_TRY(h->path, space, "getting a dataspace");
    hsize_t dims[3];
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    g->n_particles = (int)dims[1];
    g->spatial_dim = (int)dims[2];
    g->row = g->n_particles * g->spatial_dim;
    const char *rest[] = {"position/step", "position/time",
                          H5MD_GROUP_ENERGY "/value"};
    hid_t *ids[] = {&g->pos_step, &g->pos_time, &g->energy_value};
    for (int k = 0; k < 3; k++) {
        snprintf(object, sizeof object, "/particles/%s/%s", g->name, rest[k]);
        DIGS_CHECK(h5md_reopen_series(h->path, h->file, object, 1, NULL, keep,
                                      0, ids[k], NULL));
    }
    g->records_on_disk = records;
    return DIGS_OK;
}

int h5md_reopen_groups(digs_h5md *h, const digs_h5md_extent *keep)
{
    char **names;
    int n;
    DIGS_CHECK(h5md_list_group(h->path, h->file, "particles", &names, &n));
    int status = DIGS_OK;
    for (int k = 0; k < n && status == DIGS_OK; k++) {
        int64_t per_record = 0, records = 0;
        if (!strcmp(names[k], h->group))
            continue;
        status = read_frames_attr(h, names[k], &per_record);
        if (status != DIGS_OK || per_record == 0)
            continue;   /* not an added group: left alone */
        for (int j = 0; j < keep->n_groups; j++)
            if (keep->groups[j] && !strcmp(keep->groups[j], names[k]))
                records = keep->group_records[j];
        digs_h5md_group *g;
        status = new_group(h, names[k], &g);
        if (status == DIGS_OK) {
            g->n_frames = per_record;
            status = reopen_group(h, g, records);
        }
    }
    for (int k = 0; k < keep->n_groups && status == DIGS_OK; k++) {
        if (!keep->groups[k] || keep->group_records[k] < 0)
            status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                               "%s: bad extent to continue (group %d)",
                               h->path, k);
        else if (keep->group_records[k] > 0 &&
                 !find_group(h, keep->groups[k]))
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s: no particles group /particles/%s to "
                               "continue (%lld records expected)",
                               h->path, keep->groups[k],
                               (long long)keep->group_records[k]);
    }
    for (int k = 0; k < n; k++)
        free(names[k]);
    free(names);
    return status;
}

int h5md_cut_groups(digs_h5md *h)
{
    for (int k = 0; k < h->n_groups; k++) {
        digs_h5md_group *g = h->groups[k];
        hsize_t frames = (hsize_t)(g->records_on_disk * g->n_frames);
        hid_t sets[] = {g->pos_value, g->pos_step, g->pos_time,
                        g->energy_value};
        for (size_t j = 0; j < sizeof sets / sizeof sets[0]; j++)
            DIGS_CHECK(h5md_extend(h->path, sets[j], frames));
    }
    return DIGS_OK;
}
