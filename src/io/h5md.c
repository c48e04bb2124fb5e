/* Parallel H5MD 1.1 trajectory writer (layout in h5md.h).
 *
 * Every rank buffers its own chains' frames for buffer_records records and
 * then writes them with one strided hyperslab per dataset: record r of
 * global chain c is frame r*N + c, so this rank's frames of records
 * r0 .. r0+K-1 are start r0*N + first, stride N, count K, block n_local
 * (a rank without chains selects nothing but still joins the collective
 * calls).  Dataset extension (H5Dset_extent) and every metadata operation
 * (create, attribute, link) are collective with identical arguments on
 * all ranks; raw data use collective MPI-IO transfers.
 *
 * The step and time datasets of the frame observables are hard links to
 * /particles/<group>/position/{step,time} (H5MD 1.1, "time-dependent data":
 * elements sampled together may share them), so they are written once.
 *
 * Per-record observables live in /record_observables/<name>/{step,value},
 * not under /observables: MDAnalysis 2.4's H5MD reader indexes every
 * /observables/<name>/value by frame number and fails on a series with
 * fewer rows than frames.  H5MD allows non-specified root groups.
 *
 * Crash safety (doc/checkpoint.md).  HDF5 1.10 has no journal, so the
 * file is made safe against a kill between flushes by two settings:
 *   - file-space strategy NONE: freed space is never handed out again, so
 *     raw data written after a flush cannot land on metadata that the
 *     on-disk state (the last flush) still references;
 *   - a metadata cache with evictions and automatic resizing off: dirty
 *     metadata stays in memory until H5Fflush/H5Fclose.  In parallel HDF5
 *     the cache also writes at "sync points" every dirty_bytes_threshold
 *     bytes of new dirty metadata, but only to make room for evictions;
 *     with evictions off a sync point writes nothing (measured on 2 ranks,
 *     doc/checkpoint.md), and the threshold is set to its maximum
 *     (32 MiB) to skip most sync points altogether.
 * The metadata cache then grows with the metadata touched (a few hundred
 * bytes per chunk written), which stays small next to the data.
 * tests/io/test_h5md_crash.c checks byte by byte that no metadata reaches
 * the disk between two flushes. */
#include "config.h"

#include "io/h5md_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/status.h"
#include "io/h5_error.h"
#include "parallel/comm.h"

enum {
    N_FIXED_OBS = 2             /* potential_energy, acceptance */
};

/* H5AC__MAX_DIRTY_BYTES_THRESHOLD of HDF5 1.10 (not in its public
 * headers): the largest dirty-metadata volume between parallel sync
 * points that H5Pset_mdc_config accepts. */
static const size_t MDC_DIRTY_MAX = 32u * 1024 * 1024;

static const char RECORD_GROUP[] = "record_observables";

/* ---- helpers ------------------------------------------------------------ */

/* Copy rank 0's string to every rank (*out allocated).  Collective. */
static int bcast_string(MPI_Comm comm, const char *s, char **out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    unsigned long long len = rank == 0 ? strlen(s) : 0;
    MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
    char *copy;
    DIGS_CALLOC(copy, len + 1);
    if (rank == 0)
        memcpy(copy, s, len);
    for (unsigned long long done = 0; done < len;) {
        unsigned long long n = len - done < (1ull << 30) ? len - done
                                                          : 1ull << 30;
        MPI_Bcast(copy + done, (int)n, MPI_CHAR, 0, comm);
        done += n;
    }
    *out = copy;
    return DIGS_OK;
}

/* ---- creation ---------------------------------------------------------- */

/* Local checks of one rank's spec, then a check that the ranks' chain
 * blocks tile 0..n_chains-1 exactly.  Collective; the status is agreed. */
static int check_spec(MPI_Comm comm, const digs_h5md_spec *s)
{
    int status = DIGS_OK;
    if (!s->path || !*s->path)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL, "H5MD writer: no file name");
    else if (!h5md_valid_name(s->group))
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad particles group name '%s'", s->path,
                           s->group ? s->group : "(null)");
    else if (s->n_particles < 1 || s->spatial_dim < 1)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad frame shape %d particles x %d dimensions",
                           s->path, s->n_particles, s->spatial_dim);
    else if (s->buffer_records < 1)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: buffer_records is %d; expected >= 1", s->path,
                           s->buffer_records);
    return h5md_check_blocks(comm, status, s->path ? s->path : "(null)",
                             "chain", s->n_chains, s->first_chain,
                             s->n_local);
}

/* The directory part of path must exist (checked on rank 0 only). */
static int check_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0)
        return DIGS_FAIL(DIGS_ERR_IO,
                         "%s: cannot create trajectory file (directory '%s' "
                         "does not exist)",
                         path, dir);
    if (!S_ISDIR(st.st_mode))
        return DIGS_FAIL(DIGS_ERR_IO,
                         "%s: cannot create trajectory file ('%s' is not a "
                         "directory)",
                         path, dir);
    if (access(dir, W_OK) != 0)
        return DIGS_FAIL(DIGS_ERR_IO,
                         "%s: cannot create trajectory file (directory '%s' "
                         "is not writable)",
                         path, dir);
    return DIGS_OK;
}

/* /h5md: version [1, 1], creator (name, version), author (name). */
static int write_h5md_group(digs_h5md *h)
{
    char *author;
    const char *user = getenv("USER");
    DIGS_CHECK(bcast_string(h->comm, user && *user ? user : "digs user",
                            &author));
    int status = DIGS_OK;
    hid_t g = H5Gcreate2(h->file, "h5md", H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    hid_t creator = H5I_INVALID_HID, who = H5I_INVALID_HID;
    if (g < 0)
        status = digs_h5_fail(h->path, "creating /h5md", __FILE__, __LINE__);
    if (status == DIGS_OK) {
        const int version[2] = {1, 1};
        status = h5md_int_attr(h->path, g, "version", 2, version);
    }
    if (status == DIGS_OK &&
        (creator = H5Gcreate2(g, "creator", H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating /h5md/creator", __FILE__, __LINE__);
    if (status == DIGS_OK)
        status = h5md_string_attr(h->path, creator, "name", PACKAGE_NAME);
    if (status == DIGS_OK)
        status = h5md_string_attr(h->path, creator, "version", PACKAGE_VERSION);
    if (status == DIGS_OK &&
        (who = H5Gcreate2(g, "author", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating /h5md/author", __FILE__, __LINE__);
    if (status == DIGS_OK)
        status = h5md_string_attr(h->path, who, "name", author);
    h5md_close_id(&who, H5Gclose);
    h5md_close_id(&creator, H5Gclose);
    h5md_close_id(&g, H5Gclose);
    free(author);
    return status;
}

/* /observables/<name>/{value, step -> position/step, time -> position/time}
 * with value [frames] of type; *value receives the open dataset. */
static int make_frame_observable(digs_h5md *h, hid_t obs, const char *name,
                                 hid_t type, const char *unit, hid_t *value)
{
    hid_t g = H5Gcreate2(obs, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return digs_h5_fail(h->path, "creating an observable group", __FILE__,
                       __LINE__);
    int status = h5md_make_series(h->path, g, "value", type, 1, NULL,
                                  h->chunk_1d, value);
    if (status == DIGS_OK && unit)
        status = h5md_string_attr(h->path, *value, "unit", unit);
    if (status == DIGS_OK &&
        (H5Lcreate_hard(h->pos_step, ".", g, "step", H5P_DEFAULT,
                        H5P_DEFAULT) < 0 ||
         H5Lcreate_hard(h->pos_time, ".", g, "time", H5P_DEFAULT,
                        H5P_DEFAULT) < 0))
        status = digs_h5_fail(h->path, "linking an observable's step and time",
                         __FILE__, __LINE__);
    H5Gclose(g);
    return status;
}

/* /particles/<group>/{box, position/{value, step, time}}. */
static int make_particles(digs_h5md *h, const digs_h5md_spec *s)
{
    hid_t parts = H5Gcreate2(h->file, "particles", H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT);
    hid_t g = H5I_INVALID_HID, box = H5I_INVALID_HID, pos = H5I_INVALID_HID;
    int status = DIGS_OK;
    if (parts < 0 || (g = H5Gcreate2(parts, s->group, H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (box = H5Gcreate2(g, "box", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0 ||
        (pos = H5Gcreate2(g, "position", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating the particles groups", __FILE__,
                         __LINE__);
    if (status == DIGS_OK)
        status = h5md_int_attr(h->path, box, "dimension", 1, &s->spatial_dim);
    if (status == DIGS_OK)
        status = h5md_boundary_attr(h->path, box, s->spatial_dim);
    double want = (double)s->n_chains * s->buffer_records;
    if (status == DIGS_OK) {
        const hsize_t tail[2] = {(hsize_t)s->n_particles,
                                 (hsize_t)s->spatial_dim};
        size_t frame_bytes = sizeof(double) * (size_t)h->row;
        status = h5md_make_series(h->path, pos, "value", H5T_IEEE_F64LE, 3,
                                  tail, h5md_chunk_frames(frame_bytes, want),
                                  &h->pos_value);
    }
    if (status == DIGS_OK && s->length_unit)
        status = h5md_string_attr(h->path, h->pos_value, "unit",
                                  s->length_unit);
    if (status == DIGS_OK)
        status = h5md_make_series(h->path, pos, "step", H5T_STD_I64LE, 1,
                                  NULL, h->chunk_1d, &h->pos_step);
    if (status == DIGS_OK)
        status = h5md_make_series(h->path, pos, "time", H5T_IEEE_F64LE, 1,
                                  NULL, h->chunk_1d, &h->pos_time);
    h5md_close_id(&pos, H5Gclose);
    h5md_close_id(&box, H5Gclose);
    h5md_close_id(&g, H5Gclose);
    h5md_close_id(&parts, H5Gclose);
    return status;
}

/* The fixed frame observables: chain_id, sweep (i8), potential_energy,
 * acceptance (f8); /parameters. */
static int make_observables(digs_h5md *h, const digs_h5md_spec *s)
{
    hid_t obs = H5Gcreate2(h->file, "observables", H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT);
    if (obs < 0)
        return digs_h5_fail(h->path, "creating /observables", __FILE__, __LINE__);
    const char *names[N_FIXED_OBS] = {"potential_energy", "acceptance"};
    const char *units[N_FIXED_OBS] = {s->energy_unit, NULL};
    int status = make_frame_observable(h, obs, "chain_id", H5T_STD_I64LE,
                                       NULL, &h->chain_value);
    if (status == DIGS_OK)
        status = make_frame_observable(h, obs, "sweep", H5T_STD_I64LE, NULL,
                                       &h->sweep_value);
    for (int k = 0; k < N_FIXED_OBS && status == DIGS_OK; k++) {
        h->obs_names[k] = strdup(names[k]);
        if (!h->obs_names[k])
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        else
            status = make_frame_observable(h, obs, names[k], H5T_IEEE_F64LE,
                                           units[k], &h->obs_value[k]);
        if (status == DIGS_OK)
            h->n_obs = k + 1;
    }
    H5Gclose(obs);
    if (status != DIGS_OK)
        return status;
    hid_t params = H5Gcreate2(h->file, "parameters", H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
    if (params < 0)
        return digs_h5_fail(h->path, "creating /parameters", __FILE__, __LINE__);
    H5Gclose(params);
    return DIGS_OK;
}

/* File access for creating and continuing: MPI-IO, collective metadata
 * writes, 1.8 object formats (H5MD recommends file format version 2) with
 * 1.10 allowed for the file-space message, and a metadata cache that
 * writes only at flush and close (crash safety, top of this file). */
static int make_fapl(digs_h5md *h, hid_t *out)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5AC_cache_config_t mdc;
    memset(&mdc, 0, sizeof mdc);
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    herr_t err = fapl < 0 ? -1 : 0;
    if (err >= 0)
        err = H5Pset_fapl_mpio(fapl, h->comm, MPI_INFO_NULL);
    if (err >= 0)
        err = H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110);
    if (err >= 0)
        err = H5Pset_coll_metadata_write(fapl, 1);
    if (err >= 0)
        err = H5Pget_mdc_config(fapl, &mdc);
    if (err >= 0) {
        /* evictions can only be disabled with every resizing mode off */
        mdc.incr_mode = H5C_incr__off;
        mdc.flash_incr_mode = H5C_flash_incr__off;
        mdc.decr_mode = H5C_decr__off;
        mdc.evictions_enabled = 0;
        mdc.dirty_bytes_threshold = MDC_DIRTY_MAX;
        err = H5Pset_mdc_config(fapl, &mdc);
    }
    if (err < 0) {
        h5md_close_id(&fapl, H5Pclose);
        return digs_h5_fail(h->path, "setting up MPI-IO file access", __FILE__,
                       __LINE__);
    }
    *out = fapl;
    return DIGS_OK;
}

/* Fail with DIGS_ERR_IO "path: cannot <what> (HDF5: innermost message)". */
static int open_failed(const char *path, const char *what)
{
    return digs_h5_cannot(path, what, __FILE__, __LINE__);
}

static int open_file(digs_h5md *h, const digs_h5md_spec *s)
{
    hid_t fapl = H5I_INVALID_HID;
    DIGS_CHECK(make_fapl(h, &fapl));
    /* never hand out freed space again (persist = 0, threshold = 1) */
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    int status = DIGS_OK;
    if (fcpl < 0 || H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE,
                                               0, 1) < 0)
        status = digs_h5_fail(h->path, "setting the file-space strategy",
                         __FILE__, __LINE__);
    if (status == DIGS_OK &&
        (h->file = H5Fcreate(h->path, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        status = open_failed(h->path, "create trajectory file");
    h5md_close_id(&fcpl, H5Pclose);
    h5md_close_id(&fapl, H5Pclose);
    return status;
}

/* Collective raw-data transfers, and the chunk length of 1-D series. */
static int set_transfer(digs_h5md *h, const digs_h5md_spec *s)
{
    h->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5_TRY(h->path, h->dxpl, "creating a transfer property list");
    H5_TRY(h->path, H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE),
           "requesting collective MPI-IO");
    h->chunk_1d = h5md_chunk_frames(sizeof(int64_t),
                                    (double)s->n_chains * s->buffer_records);
    return DIGS_OK;
}

static int build(digs_h5md *h, const digs_h5md_spec *s)
{
    DIGS_CHECK(h5md_agree(h->comm, open_file(h, s)));
    DIGS_CHECK(set_transfer(h, s));
    DIGS_CHECK(write_h5md_group(h));
    DIGS_CHECK(make_particles(h, s));
    DIGS_CHECK(make_observables(h, s));
    return DIGS_OK;
}

/* Close every HDF5 object (datasets before the file: the MPI-IO driver
 * refuses to close a file with open objects) and free the handle.
 * Returns DIGS_ERR_IO if the file itself fails to close.  Collective. */
static int destroy(digs_h5md *h)
{
    if (!h)
        return DIGS_OK;
    h5md_free_groups(h);
    for (int k = 0; k < h->n_rec; k++) {
        record_series *r = &h->rec[k];
        h5md_close_id(&r->value, H5Dclose);
        h5md_close_id(&r->step, H5Dclose);
        free(r->name);
        free(r->buf);
        free(r->steps);
    }
    free(h->rec);
    for (int k = 0; k < h->n_obs; k++) {
        h5md_close_id(&h->obs_value[k], H5Dclose);
        free(h->obs_names[k]);
    }
    free(h->obs_value);
    free(h->obs_names);
    h5md_close_id(&h->chain_value, H5Dclose);
    h5md_close_id(&h->sweep_value, H5Dclose);
    h5md_close_id(&h->pos_value, H5Dclose);
    h5md_close_id(&h->pos_step, H5Dclose);
    h5md_close_id(&h->pos_time, H5Dclose);
    h5md_close_id(&h->dxpl, H5Pclose);
    int status = DIGS_OK;
    if (h->file > 0 && H5Fclose(h->file) < 0)
        status = digs_h5_fail(h->path, "closing the file", __FILE__, __LINE__);
    if (h->comm != MPI_COMM_NULL)
        MPI_Comm_free(&h->comm);
    free(h->path);
    free(h->group);
    free(h->xbuf);
    free(h->obuf);
    free(h->sweeps);
    free(h->times);
    free(h->ibuf);
    free(h->tbuf);
    free(h);
    return status;
}

/* Allocate the handle and its frame buffers (no HDF5 yet). */
static int alloc_handle(digs_h5md *h, const digs_h5md_spec *s)
{
    h->path = strdup(s->path);
    h->group = strdup(s->group);
    if (!h->path || !h->group)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    h->n_chains = s->n_chains;
    h->first = s->first_chain;
    h->n_local = s->n_local;
    h->n_particles = s->n_particles;
    h->spatial_dim = s->spatial_dim;
    h->row = s->n_particles * s->spatial_dim;
    h->buffer_records = s->buffer_records;
    size_t frames = (size_t)s->buffer_records * (size_t)s->n_local;
    DIGS_CALLOC(h->xbuf, frames * (size_t)h->row);
    DIGS_CALLOC(h->sweeps, s->buffer_records);
    DIGS_CALLOC(h->times, s->buffer_records);
    DIGS_CALLOC(h->ibuf, frames);
    DIGS_CALLOC(h->tbuf, frames);
    DIGS_CALLOC(h->obs_names, N_FIXED_OBS);
    DIGS_CALLOC(h->obs_value, N_FIXED_OBS);
    return DIGS_OK;
}

/* A handle with its buffers and no file yet.  Collective: every rank
 * returns the same status; on failure *out is NULL. */
static int new_handle(MPI_Comm comm, const digs_h5md_spec *spec,
                      digs_h5md **out)
{
    *out = NULL;
    digs_h5md *h = calloc(1, sizeof *h);
    int status = h ? DIGS_OK : DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (h) {
        h->comm = MPI_COMM_NULL;
        h->file = h->dxpl = H5I_INVALID_HID;
        h->pos_value = h->pos_step = h->pos_time = H5I_INVALID_HID;
        h->chain_value = h->sweep_value = H5I_INVALID_HID;
        MPI_Comm_rank(comm, &h->rank);
        if (MPI_Comm_dup(comm, &h->comm) != MPI_SUCCESS)
            status = DIGS_FAIL(DIGS_ERR_MPI, "%s: MPI_Comm_dup failed",
                               spec->path);
    }
    if (status == DIGS_OK)
        status = alloc_handle(h, spec);
    status = h5md_agree(comm, status);
    if (status != DIGS_OK) {
        destroy(h);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *out = h;
    return DIGS_OK;
}

/* Create the file (truncating it), write /h5md, the particles group and
 * the fixed observables.  Collective over comm; every rank passes its own
 * chain block (the blocks must tile 0..n_chains-1) and otherwise the same
 * spec.  On failure *out is NULL, every rank returns the same code, and
 * the message names the path (a missing directory is reported as such
 * before HDF5 is called).  Silences HDF5's automatic error printing for
 * the calling thread; HDF5 failures become DIGS_ERR_IO messages. */
int digs_h5md_create(digs_h5md **out, MPI_Comm comm,
                     const digs_h5md_spec *spec)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rank;
    MPI_Comm_rank(comm, &rank);
    DIGS_CHECK(h5md_agree(comm, check_spec(comm, spec)));
    DIGS_CHECK(h5md_agree(comm, rank == 0 ? check_directory(spec->path)
                                          : DIGS_OK));
    digs_h5md *h;
    DIGS_CHECK(new_handle(comm, spec, &h));
    int status = h5md_agree(comm, build(h, spec));
    if (status != DIGS_OK) {
        destroy(h);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *out = h;
    return DIGS_OK;
}

/* ---- continuing a file ------------------------------------------------------ */

/* Reopen a per-frame dataset of the main group, checking that it holds
 * records_on_disk records (cut: and cutting it to them). */
static int reopen_frames(digs_h5md *h, const char *object, int ndim,
                         const hsize_t *tail, int cut, hid_t *out)
{
    hsize_t frames = (hsize_t)(h->records_on_disk * h->n_chains);
    return h5md_reopen_series(h->path, h->file, object, ndim, tail, frames,
                              cut, out, NULL);
}

/* A new, zeroed entry at the end of h->rec (NULL: out of memory). */
static struct record_series *new_series(digs_h5md *h);

/* Reopen /record_observables/<name>, keeping `rows` rows. */
static int reopen_record(digs_h5md *h, const char *name, int64_t rows)
{
    struct record_series *s = new_series(h);
    if (!s)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    s->value = s->step = H5I_INVALID_HID;
    s->name = strdup(name);
    if (!s->name)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    char object[512];
    snprintf(object, sizeof object, "/%s/%s/value", RECORD_GROUP, name);
    DIGS_CHECK(h5md_reopen_series(h->path, h->file, object, 2, NULL,
                                  (hsize_t)rows, 0, &s->value, NULL));
    snprintf(object, sizeof object, "/%s/%s/step", RECORD_GROUP, name);
    DIGS_CHECK(h5md_reopen_series(h->path, h->file, object, 1, NULL,
                                  (hsize_t)rows, 0, &s->step, NULL));
    hid_t space = H5Dget_space(s->value);
    H5_TRY(h->path, space, "getting a dataspace");
    hsize_t dims[2];
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    s->width = (int)dims[1];
    s->rows = rows;
    DIGS_CALLOC(s->buf, (size_t)h->buffer_records * (size_t)s->width);
    DIGS_CALLOC(s->steps, h->buffer_records);
    return DIGS_OK;
}

/* Reopen every per-record series in the file (in name order), keeping
 * the rows `keep` lists for it (0 if it is not listed). */
static int reopen_records(digs_h5md *h, const digs_h5md_extent *keep)
{
    htri_t exists = H5Lexists(h->file, RECORD_GROUP, H5P_DEFAULT);
    H5_TRY(h->path, exists, "looking up the per-record group");
    if (!exists)
        return DIGS_OK;
    char **names;
    int n;
    DIGS_CHECK(h5md_list_group(h->path, h->file, RECORD_GROUP, &names, &n));
    int status = DIGS_OK;
    for (int k = 0; k < n && status == DIGS_OK; k++) {
        int64_t rows = 0;
        for (int j = 0; j < keep->n_series; j++)
            if (!strcmp(keep->series[j], names[k]))
                rows = keep->rows[j];
        status = reopen_record(h, names[k], rows);
    }
    for (int k = 0; k < keep->n_series && status == DIGS_OK; k++) {
        int found = 0;
        for (int j = 0; j < n; j++)
            found |= !strcmp(keep->series[k], names[j]);
        if (!found && keep->rows[k] > 0)
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s: no series /%s/%s to continue", h->path,
                               RECORD_GROUP, keep->series[k]);
    }
    for (int k = 0; k < n; k++)
        free(names[k]);
    free(names);
    return status;
}

/* Open the file read-write, check every series against `keep` and only
 * then cut them (a refused file is left as it was), flush. */
static int reopen(digs_h5md *h, const digs_h5md_spec *s,
                  const digs_h5md_extent *keep)
{
    hid_t fapl = H5I_INVALID_HID;
    DIGS_CHECK(make_fapl(h, &fapl));
    h->file = H5Fopen(h->path, H5F_ACC_RDWR, fapl);
    h5md_close_id(&fapl, H5Pclose);
    if (h->file < 0)
        return open_failed(h->path, "open the trajectory to continue it");
    DIGS_CHECK(set_transfer(h, s));
    h->records_on_disk = keep->records;
    char object[512];
    const hsize_t tail[2] = {(hsize_t)s->n_particles, (hsize_t)s->spatial_dim};
    snprintf(object, sizeof object, "/particles/%s/position/", s->group);
    size_t len = strlen(object);
    snprintf(object + len, sizeof object - len, "value");
    DIGS_CHECK(reopen_frames(h, object, 3, tail, 0, &h->pos_value));
    snprintf(object + len, sizeof object - len, "step");
    DIGS_CHECK(reopen_frames(h, object, 1, NULL, 0, &h->pos_step));
    snprintf(object + len, sizeof object - len, "time");
    DIGS_CHECK(reopen_frames(h, object, 1, NULL, 0, &h->pos_time));
    /* the observables' step and time are links to position's */
    DIGS_CHECK(reopen_frames(h, "/observables/chain_id/value", 1, NULL, 0,
                             &h->chain_value));
    DIGS_CHECK(reopen_frames(h, "/observables/sweep/value", 1, NULL, 0,
                             &h->sweep_value));
    const char *names[N_FIXED_OBS] = {"potential_energy", "acceptance"};
    for (int k = 0; k < N_FIXED_OBS; k++) {
        if (!(h->obs_names[k] = strdup(names[k])))
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        h->n_obs = k + 1;
        snprintf(object, sizeof object, "/observables/%s/value", names[k]);
        DIGS_CHECK(reopen_frames(h, object, 1, NULL, 0, &h->obs_value[k]));
    }
    DIGS_CHECK(reopen_records(h, keep));
    DIGS_CHECK(h5md_reopen_groups(h, keep));

    /* every check passed: cut */
    hsize_t frames = (hsize_t)(keep->records * h->n_chains);
    hid_t per_frame[] = {h->pos_value, h->pos_step, h->pos_time,
                         h->chain_value, h->sweep_value, h->obs_value[0],
                         h->obs_value[1]};
    for (size_t k = 0; k < sizeof per_frame / sizeof per_frame[0]; k++)
        DIGS_CHECK(h5md_extend(h->path, per_frame[k], frames));
    for (int k = 0; k < h->n_rec; k++) {
        hsize_t rows = (hsize_t)h->rec[k].rows;
        DIGS_CHECK(h5md_extend(h->path, h->rec[k].value, rows));
        DIGS_CHECK(h5md_extend(h->path, h->rec[k].step, rows));
    }
    DIGS_CHECK(h5md_cut_groups(h));
    /* a cut rewrites the edge chunk through HDF5's chunk cache, and raw
     * data writes bypass that cache in parallel: write the cut chunks now,
     * before new frames go to them (and make the cut the on-disk state) */
    H5_TRY(h->path, H5Fflush(h->file, H5F_SCOPE_GLOBAL), "flushing");
    return DIGS_OK;
}

/* Continue an existing trajectory (contract in h5md.h).  Collective. */
int digs_h5md_open_append(digs_h5md **out, MPI_Comm comm,
                          const digs_h5md_spec *spec,
                          const digs_h5md_extent *keep)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rank;
    MPI_Comm_rank(comm, &rank);
    int status = check_spec(comm, spec);
    if (status == DIGS_OK &&
        (!keep || keep->records < 0 || keep->n_series < 0 ||
         (keep->n_series > 0 && (!keep->series || !keep->rows)) ||
         keep->n_groups < 0 ||
         (keep->n_groups > 0 && (!keep->groups || !keep->group_records))))
        status = DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: bad extent to continue",
                           spec->path);
    DIGS_CHECK(h5md_agree(comm, status));
    struct stat st;
    if (rank == 0 && stat(spec->path, &st) != 0)
        status = DIGS_FAIL(DIGS_ERR_IO,
                           "%s: the trajectory to continue does not exist",
                           spec->path);
    DIGS_CHECK(h5md_agree(comm, status));
    digs_h5md *h;
    DIGS_CHECK(new_handle(comm, spec, &h));
    h->append = 1;
    status = h5md_agree(comm, reopen(h, spec, keep));
    if (status != DIGS_OK) {
        destroy(h);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *out = h;
    return DIGS_OK;
}

/* ---- parameters and observables ----------------------------------------- */

/* Store rank 0's value as /parameters/<name>, a scalar fixed-length UTF-8
 * string dataset (parallel HDF5 cannot write variable-length data; h5py
 * reads it as bytes).  Collective; name must contain no '/' and be new,
 * except in a continued file, where the old value is unlinked first. */
int digs_h5md_set_parameter(digs_h5md *h, const char *name,
                            const char *value)
{
    if (!h5md_valid_name(name) || !value)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: bad parameter name '%s' or value", h->path,
                         name ? name : "(null)");
    char *text;
    DIGS_CHECK(bcast_string(h->comm, value, &text));
    size_t len = strlen(text);
    hid_t params = H5I_INVALID_HID, type = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    int status = DIGS_OK;
    params = H5Gopen2(h->file, "parameters", H5P_DEFAULT);
    htri_t exists = params < 0 ? -1 : H5Lexists(params, name, H5P_DEFAULT);
    if (exists > 0 && h->append)
        exists = H5Ldelete(params, name, H5P_DEFAULT) < 0 ? -1 : 0;
    if (exists > 0)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: parameter '%s' is already set", h->path, name);
    else if (exists < 0 || (type = H5Tcopy(H5T_C_S1)) < 0 ||
             H5Tset_size(type, len ? len : 1) < 0 ||
             H5Tset_strpad(type, H5T_STR_NULLPAD) < 0 ||
             H5Tset_cset(type, H5T_CSET_UTF8) < 0 ||
             (space = H5Screate(H5S_SCALAR)) < 0 ||
             (dset = H5Dcreate2(params, name, type, space, H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating a parameter", __FILE__, __LINE__);
    /* rank 0 writes; the others join the collective call selecting nothing */
    if (status == DIGS_OK && h->rank != 0 &&
        (H5Sselect_none(space) < 0))
        status = digs_h5_fail(h->path, "selecting nothing", __FILE__, __LINE__);
    if (status == DIGS_OK &&
        H5Dwrite(dset, type, space, space, h->dxpl, len ? text : "") < 0)
        status = digs_h5_fail(h->path, "writing a parameter", __FILE__, __LINE__);
    h5md_close_id(&dset, H5Dclose);
    h5md_close_id(&space, H5Sclose);
    h5md_close_id(&type, H5Tclose);
    h5md_close_id(&params, H5Gclose);
    free(text);
    return status;
}

/* Declare a per-frame f8 observable /observables/<name> (no unit).
 * Collective; before the first digs_h5md_append; names must be new. */
int digs_h5md_add_frame_observable(digs_h5md *h, const char *name)
{
    if (h->started)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: frame observable '%s' declared after the first "
                         "record",
                         h->path, name ? name : "(null)");
    if (!h5md_valid_name(name) || !strcmp(name, "chain_id") ||
        !strcmp(name, "sweep"))
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: bad observable name '%s'",
                         h->path, name ? name : "(null)");
    for (int k = 0; k < h->n_obs; k++)
        if (!strcmp(h->obs_names[k], name))
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "%s: observable '%s' declared twice", h->path,
                             name);
    char **names = realloc(h->obs_names, (size_t)(h->n_obs + 1) * sizeof *names);
    if (names)
        h->obs_names = names;
    hid_t *values = realloc(h->obs_value,
                            (size_t)(h->n_obs + 1) * sizeof *values);
    if (values)
        h->obs_value = values;
    if (!names || !values)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    h->obs_names[h->n_obs] = strdup(name);
    if (!h->obs_names[h->n_obs])
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    h->obs_value[h->n_obs] = H5I_INVALID_HID;
    h->n_obs++;
    hid_t obs = H5Gopen2(h->file, "observables", H5P_DEFAULT);
    if (obs < 0)
        return digs_h5_fail(h->path, "opening /observables", __FILE__, __LINE__);
    htri_t exists = h->append ? H5Lexists(obs, name, H5P_DEFAULT) : 0;
    int status = DIGS_OK;
    if (exists < 0)
        status = digs_h5_fail(h->path, "looking up an observable", __FILE__,
                         __LINE__);
    else if (exists > 0) {
        char object[512];
        snprintf(object, sizeof object, "/observables/%s/value", name);
        status = reopen_frames(h, object, 1, NULL, 1,
                               &h->obs_value[h->n_obs - 1]);
        /* the cut passes the edge chunk through the chunk cache: write it
         * now, or closing would write it back over the new frames */
        if (status == DIGS_OK && H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
            status = digs_h5_fail(h->path, "flushing", __FILE__, __LINE__);
    } else if (h->records_on_disk > 0)
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s: no observable /observables/%s to continue",
                           h->path, name);
    else
        status = make_frame_observable(h, obs, name, H5T_IEEE_F64LE, NULL,
                                       &h->obs_value[h->n_obs - 1]);
    H5Gclose(obs);
    return status;
}

/* ---- frame writes ------------------------------------------------------- */

/* Write this rank's K buffered frames (buf [K][n_local][per_frame]) into
 * dset, whose first axis is already extended.  Collective. */
static int write_frames(digs_h5md *h, hid_t dset, hid_t memtype,
                        const void *buf, int K)
{
    return h5md_write_block(h->path, dset, h->dxpl, memtype, buf, K,
                            h->records_on_disk, h->n_chains, h->first,
                            h->n_local);
}

/* Write every buffered record.  Collective. */
static int write_buffered(digs_h5md *h)
{
    int K = h->n_buffered, n = h->n_local;
    if (K == 0)
        return DIGS_OK;
    hsize_t frames = (hsize_t)((h->records_on_disk + K) * h->n_chains);
    /* observables' step/time are links to position's: extend once */
    DIGS_CHECK(h5md_extend(h->path, h->pos_value, frames));
    DIGS_CHECK(h5md_extend(h->path, h->pos_step, frames));
    DIGS_CHECK(h5md_extend(h->path, h->pos_time, frames));
    DIGS_CHECK(h5md_extend(h->path, h->chain_value, frames));
    DIGS_CHECK(h5md_extend(h->path, h->sweep_value, frames));
    for (int k = 0; k < h->n_obs; k++)
        DIGS_CHECK(h5md_extend(h->path, h->obs_value[k], frames));

    DIGS_CHECK(write_frames(h, h->pos_value, H5T_NATIVE_DOUBLE, h->xbuf, K));
    for (int r = 0; r < K; r++)
        for (int i = 0; i < n; i++) {
            h->ibuf[(size_t)r * n + i] = h->sweeps[r];
            h->tbuf[(size_t)r * n + i] = h->times[r];
        }
    DIGS_CHECK(write_frames(h, h->pos_step, H5T_NATIVE_INT64, h->ibuf, K));
    DIGS_CHECK(write_frames(h, h->sweep_value, H5T_NATIVE_INT64, h->ibuf, K));
    DIGS_CHECK(write_frames(h, h->pos_time, H5T_NATIVE_DOUBLE, h->tbuf, K));
    for (int r = 0; r < K; r++)
        for (int i = 0; i < n; i++)
            h->ibuf[(size_t)r * n + i] = h->first + i;
    DIGS_CHECK(write_frames(h, h->chain_value, H5T_NATIVE_INT64, h->ibuf, K));
    size_t stride = (size_t)h->buffer_records * (size_t)n;
    for (int k = 0; k < h->n_obs; k++)
        DIGS_CHECK(write_frames(h, h->obs_value[k], H5T_NATIVE_DOUBLE,
                                h->obuf + k * stride, K));
    h->records_on_disk += K;
    h->n_buffered = 0;
    return DIGS_OK;
}

/* Buffer one record of this rank's n_local chains: x [n_local][row],
 * energy and acceptance [n_local], extra [n_extra][n_local] (n_extra =
 * declared frame observables; NULL if none).  sweep and time must be the
 * same on every rank.  Writes when buffer_records records are held.
 * Collective. */
int digs_h5md_append(digs_h5md *h, int64_t sweep, double time,
                     const double *x, const double *energy,
                     const double *acceptance, const double *extra)
{
    int n = h->n_local, n_extra = h->n_obs - N_FIXED_OBS;
    if (n > 0 && (!x || !energy || !acceptance || (n_extra > 0 && !extra)))
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: append needs positions, energies, acceptances "
                         "and %d extra observables",
                         h->path, n_extra);
    if (!h->started) {
        DIGS_CALLOC(h->obuf, (size_t)h->n_obs * h->buffer_records * n);
        h->started = 1;
    }
    int r = h->n_buffered;
    size_t stride = (size_t)h->buffer_records * (size_t)n;
    if (n > 0) {
        memcpy(h->xbuf + (size_t)r * n * h->row, x,
               sizeof(double) * (size_t)n * h->row);
        memcpy(h->obuf + (size_t)r * n, energy, sizeof(double) * n);
        memcpy(h->obuf + stride + (size_t)r * n, acceptance,
               sizeof(double) * n);
        for (int k = 0; k < n_extra; k++)
            memcpy(h->obuf + (N_FIXED_OBS + k) * stride + (size_t)r * n,
                   extra + (size_t)k * n, sizeof(double) * n);
    }
    h->sweeps[r] = sweep;
    h->times[r] = time;
    h->n_buffered++;
    if (h->n_buffered == h->buffer_records)
        DIGS_CHECK(write_buffered(h));
    return DIGS_OK;
}

/* ---- per-record observables --------------------------------------------- */

static int write_rows(digs_h5md *h, record_series *s)
{
    int K = s->n_buffered;
    if (K == 0)
        return DIGS_OK;
    hsize_t rows = (hsize_t)(s->rows + K);
    DIGS_CHECK(h5md_extend(h->path, s->value, rows));
    DIGS_CHECK(h5md_extend(h->path, s->step, rows));
    hid_t sets[2] = {s->value, s->step};
    hid_t types[2] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_INT64};
    const void *bufs[2] = {s->buf, s->steps};
    for (int d = 0; d < 2; d++) {
        hid_t fspace = H5Dget_space(sets[d]);
        H5_TRY(h->path, fspace, "getting a dataspace");
        hsize_t start[2] = {(hsize_t)s->rows, 0};
        hsize_t count[2] = {(hsize_t)K, (hsize_t)s->width};
        hsize_t n_mem = (hsize_t)K * (d == 0 ? (hsize_t)s->width : 1);
        hid_t mspace = H5Screate_simple(1, &n_mem, NULL);
        herr_t err = mspace < 0 ? -1 : 0;
        if (err >= 0 && h->rank == 0)
            err = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL,
                                      count, NULL);
        else if (err >= 0 &&
                 (err = H5Sselect_none(fspace)) >= 0)
            err = H5Sselect_none(mspace);
        if (err >= 0)
            err = H5Dwrite(sets[d], types[d], mspace, fspace, h->dxpl,
                           bufs[d]);
        h5md_close_id(&mspace, H5Sclose);
        h5md_close_id(&fspace, H5Sclose);
        if (err < 0)
            return digs_h5_fail(h->path, "writing a per-record observable",
                           __FILE__, __LINE__);
    }
    s->rows += K;
    s->n_buffered = 0;
    return DIGS_OK;
}

/* Create /record_observables/<name>/{step [rows] i8, value [rows][width]}. */
static int make_record_series(digs_h5md *h, const char *name, int width,
                              record_series *s)
{
    s->value = s->step = H5I_INVALID_HID;
    s->width = width;
    s->name = strdup(name);
    DIGS_CALLOC(s->buf, (size_t)h->buffer_records * width);
    DIGS_CALLOC(s->steps, h->buffer_records);
    if (!s->name)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    htri_t exists = H5Lexists(h->file, RECORD_GROUP, H5P_DEFAULT);
    H5_TRY(h->path, exists, "looking up the per-record group");
    hid_t top = exists ? H5Gopen2(h->file, RECORD_GROUP, H5P_DEFAULT)
                       : H5Gcreate2(h->file, RECORD_GROUP, H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT);
    H5_TRY(h->path, top, "opening the per-record group");
    hid_t g = H5Gcreate2(top, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(top);
    H5_TRY(h->path, g, "creating a per-record observable");
    const hsize_t tail[1] = {(hsize_t)width};
    int status = h5md_make_series(
        h->path, g, "value", H5T_IEEE_F64LE, 2, tail,
        h5md_chunk_frames(sizeof(double) * width, h->buffer_records),
        &s->value);
    if (status == DIGS_OK)
        status = h5md_make_series(
            h->path, g, "step", H5T_STD_I64LE, 1, NULL,
            h5md_chunk_frames(sizeof(int64_t), h->buffer_records), &s->step);
    H5Gclose(g);
    return status;
}

static record_series *new_series(digs_h5md *h)
{
    record_series *grown = realloc(h->rec, (size_t)(h->n_rec + 1) *
                                               sizeof *grown);
    if (!grown)
        return NULL;
    h->rec = grown;
    record_series *s = &h->rec[h->n_rec++];
    memset(s, 0, sizeof *s);
    return s;
}

static record_series *find_series(digs_h5md *h, const char *name)
{
    for (int k = 0; k < h->n_rec; k++)
        if (!strcmp(h->rec[k].name, name))
            return &h->rec[k];
    return NULL;
}

/* Declare a per-record series with named columns (contract in h5md.h).
 * Collective. */
int digs_h5md_declare_record(digs_h5md *h, const char *name, int width,
                             const char *const *columns)
{
    if (!h5md_valid_name(name) || width < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: bad per-record observable '%s' (width %d)",
                         h->path, name ? name : "(null)", width);
    record_series *s = find_series(h, name);
    if (s && s->width != width)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: /%s/%s has %d columns; expected %d", h->path,
                         RECORD_GROUP, name, s->width, width);
    if (s && !h->append)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: per-record observable '%s' declared twice or "
                         "after its first row",
                         h->path, name);
    if (s)   /* reopened: its columns were stored when it was created */
        return DIGS_OK;
    if (!(s = new_series(h)))
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    DIGS_CHECK(make_record_series(h, name, width, s));
    if (columns)
        DIGS_CHECK(h5md_strings_attr(h->path, s->value, "columns",
                                     H5T_CSET_UTF8, width, columns));
    return DIGS_OK;
}

int digs_h5md_n_series(const digs_h5md *h) { return h ? h->n_rec : 0; }

const char *digs_h5md_series_name(const digs_h5md *h, int k)
{
    return h && k >= 0 && k < h->n_rec ? h->rec[k].name : NULL;
}

int64_t digs_h5md_series_rows(const digs_h5md *h, int k)
{
    return h && k >= 0 && k < h->n_rec
               ? h->rec[k].rows + h->rec[k].n_buffered
               : 0;
}

/* Append one row (width doubles, identical on every rank) to the
 * per-record observable name, creating it on first use.  Rank 0's row is
 * stored.  Buffered like frames.  Collective; names must arrive in the same
 * order on every rank; width is fixed by the first call. */
int digs_h5md_append_record(digs_h5md *h, const char *name, int64_t sweep,
                            int width, const double *values)
{
    if (!h5md_valid_name(name) || width < 1 || !values)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: bad per-record observable '%s' (width %d)",
                         h->path, name ? name : "(null)", width);
    record_series *s = find_series(h, name);
    if (!s) {
        if (!(s = new_series(h)))
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        DIGS_CHECK(make_record_series(h, name, width, s));
    }
    if (width != s->width)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: per-record observable '%s' has width %d; got %d",
                         h->path, name, s->width, width);
    memcpy(s->buf + (size_t)s->n_buffered * width, values,
           sizeof(double) * width);
    s->steps[s->n_buffered++] = sweep;
    if (s->n_buffered == h->buffer_records)
        DIGS_CHECK(write_rows(h, s));
    return DIGS_OK;
}

/* ---- flush and close ----------------------------------------------------- */

static int write_all(digs_h5md *h)
{
    DIGS_CHECK(write_buffered(h));
    for (int k = 0; k < h->n_rec; k++)
        DIGS_CHECK(write_rows(h, &h->rec[k]));
    DIGS_CHECK(h5md_write_groups(h));
    return DIGS_OK;
}

/* Write every buffered record and flush the file.  Collective. */
int digs_h5md_flush(digs_h5md *h)
{
    DIGS_CHECK(write_all(h));
    H5_TRY(h->path, H5Fflush(h->file, H5F_SCOPE_GLOBAL), "flushing");
    return DIGS_OK;
}

/* Chains moved between ranks: write what is buffered under the old
 * layout, check the new blocks tile the run's chains, resize the frame
 * buffers.  Collective. */
int digs_h5md_relayout(digs_h5md *h, int64_t first_chain, int n_local)
{
    DIGS_CHECK(digs_h5md_flush(h));
    DIGS_CHECK(h5md_check_blocks(h->comm, DIGS_OK, h->path, "chain",
                                 h->n_chains, first_chain, n_local));
    size_t frames = (size_t)h->buffer_records * (size_t)n_local;
    free(h->xbuf);
    free(h->ibuf);
    free(h->tbuf);
    free(h->obuf);
    h->ibuf = NULL;
    h->tbuf = NULL;
    h->obuf = NULL;
    DIGS_CALLOC(h->xbuf, frames * (size_t)h->row);
    DIGS_CALLOC(h->ibuf, frames);
    DIGS_CALLOC(h->tbuf, frames);
    if (h->started)
        DIGS_CALLOC(h->obuf, frames * (size_t)h->n_obs);
    h->first = first_chain;
    h->n_local = n_local;
    return DIGS_OK;
}

/* Records appended so far, written or buffered.  Local. */
int64_t digs_h5md_records(const digs_h5md *h)
{
    return h ? h->records_on_disk + h->n_buffered : 0;
}

/* Write what is buffered, close the file and free the handle; *h becomes
 * NULL even on failure.  Collective; a no-op for a NULL handle. */
int digs_h5md_close(digs_h5md **h)
{
    if (!h || !*h)
        return DIGS_OK;
    int status = write_all(*h);
    if (status != DIGS_OK)
        digs_trace(status, __FILE__, __LINE__);
    int closed = destroy(*h);
    *h = NULL;
    return status != DIGS_OK ? status : closed;
}
