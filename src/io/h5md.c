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

#include "io/h5md.h"

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
    MESSAGE_LEN = 1024,
    CHUNK_MIN = 64 * 1024,      /* bytes: below this, chunk overhead shows */
    CHUNK_MAX = 1024 * 1024,    /* bytes: HDF5's default chunk cache size */
    N_FIXED_OBS = 2             /* potential_energy, acceptance */
};

/* H5AC__MAX_DIRTY_BYTES_THRESHOLD of HDF5 1.10 (not in its public
 * headers): the largest dirty-metadata volume between parallel sync
 * points that H5Pset_mdc_config accepts. */
static const size_t MDC_DIRTY_MAX = 32u * 1024 * 1024;

static const char RECORD_GROUP[] = "record_observables";

/* A per-record observable: rank 0 writes its rows; all ranks extend. */
typedef struct record_series {
    char *name;
    int width;
    hid_t value, step;
    int64_t rows;          /* rows on disk */
    int n_buffered;
    double *buf;           /* [buffer_records][width] */
    int64_t *steps;        /* [buffer_records] */
} record_series;

struct digs_h5md {
    MPI_Comm comm;
    int rank;
    int append;                           /* opened by open_append */
    char *path;
    int64_t n_chains, first;
    int n_local, n_particles, spatial_dim, row, buffer_records;

    hid_t file, dxpl;
    hid_t pos_value, pos_step, pos_time;  /* /particles/<group>/position */
    hid_t chain_value, sweep_value;       /* i8 frame observables */
    int n_obs;                            /* f8 frame observables */
    char **obs_names;
    hid_t *obs_value;
    hsize_t chunk_1d;                     /* frames per chunk, 1-D series */

    int started;                          /* first append done */
    int64_t records_on_disk;
    int n_buffered;
    double *xbuf;                         /* [B][n_local][row] */
    double *obuf;                         /* [n_obs][B][n_local] */
    int64_t *sweeps;                      /* [B] */
    double *times;                        /* [B] */
    int64_t *ibuf;                        /* [B][n_local] scratch */
    double *tbuf;                         /* [B][n_local] scratch */

    int n_rec;
    record_series *rec;
};

/* ---- errors ------------------------------------------------------------ */

/* Make a status collective (src/parallel/comm.h). */
static int agree(MPI_Comm comm, int status)
{
    return digs_comm_agree_message(comm, status);
}

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

/* ---- small HDF5 helpers ---------------------------------------------- */

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id > 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

/* Attach a variable-length UTF-8 string attribute (h5py reads it as str,
 * which MDAnalysis needs for `unit`).  Collective, same value everywhere. */
static int set_string_attr(const char *path, hid_t loc, const char *name,
                           const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = type < 0 || space < 0 ? -1 : 0;
    if (err >= 0)
        err = H5Tset_size(type, H5T_VARIABLE);
    if (err >= 0)
        err = H5Tset_cset(type, H5T_CSET_UTF8);
    if (err >= 0 &&
        (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, type, &value);
    int status = err < 0 ? digs_h5_fail(path, "writing a string attribute",
                                   __FILE__, __LINE__)
                         : DIGS_OK;
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    return status;
}

/* An array attribute of n native ints. */
static int set_int_attr(const char *path, hid_t loc, const char *name,
                        int n, const int *values)
{
    hsize_t dims = (hsize_t)n;
    hid_t space = n > 1 ? H5Screate_simple(1, &dims, NULL)
                        : H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = space < 0 ? -1 : 0;
    if (err >= 0 && (attr = H5Acreate2(loc, name, H5T_STD_I32LE, space,
                                       H5P_DEFAULT, H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, H5T_NATIVE_INT, values);
    int status = err < 0 ? digs_h5_fail(path, "writing an integer attribute",
                                   __FILE__, __LINE__)
                         : DIGS_OK;
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    return status;
}

/* An attribute holding n variable-length strings of character set cset
 * (H5T_CSET_ASCII or H5T_CSET_UTF8).  Collective, same values everywhere. */
static int set_strings_attr(const char *path, hid_t loc, const char *name,
                            H5T_cset_t cset, int n, const char *const *values)
{
    hsize_t dims = (hsize_t)n;
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate_simple(1, &dims, NULL);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = type < 0 || space < 0 ? -1 : H5Tset_size(type, H5T_VARIABLE);
    if (err >= 0)
        err = H5Tset_cset(type, cset);
    if (err >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT,
                                       H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, type, values);
    int status = err < 0 ? digs_h5_fail(path, "writing a string-array attribute",
                                   __FILE__, __LINE__)
                         : DIGS_OK;
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    return status;
}

/* boundary = ["none", ...] (dim entries), variable-length strings. */
static int set_boundary_attr(const char *path, hid_t loc, int dim)
{
    const char **values = calloc((size_t)dim, sizeof *values);
    if (!values)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (int k = 0; k < dim; k++)
        values[k] = "none";
    int status = set_strings_attr(path, loc, "boundary", H5T_CSET_ASCII, dim,
                                  values);
    free(values);
    return status;
}

/* Frames (or rows) per chunk: a chunk should hold one buffered write of
 * all ranks (want_frames), but stay within [CHUNK_MIN, CHUNK_MAX] bytes. */
static hsize_t chunk_frames(size_t frame_bytes, double want_frames)
{
    double bytes = want_frames * (double)frame_bytes;
    if (bytes < CHUNK_MIN)
        bytes = CHUNK_MIN;
    if (bytes > CHUNK_MAX)
        bytes = CHUNK_MAX;
    double frames = bytes / (double)frame_bytes;
    return frames < 1 ? 1 : (hsize_t)frames;
}

/* Create an extensible dataset [0][tail...] chunked along the first axis.
 * Collective. */
static int make_series(const char *path, hid_t loc, const char *name,
                       hid_t type, int ndim, const hsize_t *tail,
                       hsize_t chunk, hid_t *out)
{
    hsize_t dims[3] = {0, 0, 0}, maxdims[3], cdims[3];
    maxdims[0] = H5S_UNLIMITED;
    cdims[0] = chunk;
    for (int k = 1; k < ndim; k++) {
        dims[k] = maxdims[k] = cdims[k] = tail[k - 1];
    }
    hid_t space = H5Screate_simple(ndim, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t err = space < 0 || dcpl < 0 ? -1 : H5Pset_chunk(dcpl, ndim, cdims);
    if (err >= 0)   /* every element is written: skip fill-value writes */
        err = H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (err >= 0 && (*out = H5Dcreate2(loc, name, type, space, H5P_DEFAULT,
                                       dcpl, H5P_DEFAULT)) < 0)
        err = -1;
    int status = err < 0 ? digs_h5_fail(path, "creating a dataset", __FILE__,
                                   __LINE__)
                         : DIGS_OK;
    close_id(&dcpl, H5Pclose);
    close_id(&space, H5Sclose);
    return status;
}

static int valid_name(const char *name)
{
    return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0;
}

/* ---- creation ---------------------------------------------------------- */

/* Local checks of one rank's spec, then a check that the ranks' chain
 * blocks tile 0..n_chains-1 exactly.  Collective (Allgather). */
static int check_spec(MPI_Comm comm, const digs_h5md_spec *s)
{
    int status = DIGS_OK;
    if (!s->path || !*s->path)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL, "H5MD writer: no file name");
    else if (!valid_name(s->group))
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad particles group name '%s'", s->path,
                           s->group ? s->group : "(null)");
    else if (s->n_chains < 1 || s->first_chain < 0 || s->n_local < 0 ||
             s->first_chain + s->n_local > s->n_chains)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad chain block: first %ld, count %d of %ld "
                           "chains",
                           s->path, s->first_chain, s->n_local, s->n_chains);
    else if (s->n_particles < 1 || s->spatial_dim < 1)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad frame shape %d particles x %d dimensions",
                           s->path, s->n_particles, s->spatial_dim);
    else if (s->buffer_records < 1)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: buffer_records is %d; expected >= 1", s->path,
                           s->buffer_records);

    int size;
    MPI_Comm_size(comm, &size);
    long mine[2] = {status == DIGS_OK ? s->first_chain : -1,
                    status == DIGS_OK ? s->n_local : 0};
    long *all = calloc(2 * (size_t)size, sizeof *all);
    int ok = all != NULL;
    int all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        free(all);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    }
    MPI_Allgather(mine, 2, MPI_LONG, all, 2, MPI_LONG, comm);
    if (status == DIGS_OK) {
        /* rank order need not be chain order: count coverage instead */
        long covered = 0;
        for (int r = 0; r < size; r++)
            covered += all[2 * r + 1];
        for (int r = 0; r < size && status == DIGS_OK; r++)
            for (int q = r + 1; q < size; q++) {
                long a0 = all[2 * r], a1 = a0 + all[2 * r + 1];
                long b0 = all[2 * q], b1 = b0 + all[2 * q + 1];
                if (a1 > a0 && b1 > b0 && a0 < b1 && b0 < a1) {
                    status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                                       "%s: chain blocks of ranks %d and %d "
                                       "overlap",
                                       s->path, r, q);
                    break;
                }
            }
        if (status == DIGS_OK && covered != s->n_chains)
            status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                               "%s: the ranks' chain blocks hold %ld chains; "
                               "expected %ld",
                               s->path, covered, s->n_chains);
    }
    free(all);
    return status;
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
        status = set_int_attr(h->path, g, "version", 2, version);
    }
    if (status == DIGS_OK &&
        (creator = H5Gcreate2(g, "creator", H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating /h5md/creator", __FILE__, __LINE__);
    if (status == DIGS_OK)
        status = set_string_attr(h->path, creator, "name", PACKAGE_NAME);
    if (status == DIGS_OK)
        status = set_string_attr(h->path, creator, "version", PACKAGE_VERSION);
    if (status == DIGS_OK &&
        (who = H5Gcreate2(g, "author", H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT)) < 0)
        status = digs_h5_fail(h->path, "creating /h5md/author", __FILE__, __LINE__);
    if (status == DIGS_OK)
        status = set_string_attr(h->path, who, "name", author);
    close_id(&who, H5Gclose);
    close_id(&creator, H5Gclose);
    close_id(&g, H5Gclose);
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
    int status = make_series(h->path, g, "value", type, 1, NULL, h->chunk_1d,
                             value);
    if (status == DIGS_OK && unit)
        status = set_string_attr(h->path, *value, "unit", unit);
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
        status = set_int_attr(h->path, box, "dimension", 1, &s->spatial_dim);
    if (status == DIGS_OK)
        status = set_boundary_attr(h->path, box, s->spatial_dim);
    double want = (double)s->n_chains * s->buffer_records;
    if (status == DIGS_OK) {
        const hsize_t tail[2] = {(hsize_t)s->n_particles,
                                 (hsize_t)s->spatial_dim};
        size_t frame_bytes = sizeof(double) * (size_t)h->row;
        status = make_series(h->path, pos, "value", H5T_IEEE_F64LE, 3, tail,
                             chunk_frames(frame_bytes, want), &h->pos_value);
    }
    if (status == DIGS_OK && s->length_unit)
        status = set_string_attr(h->path, h->pos_value, "unit", s->length_unit);
    if (status == DIGS_OK)
        status = make_series(h->path, pos, "step", H5T_STD_I64LE, 1, NULL,
                             h->chunk_1d, &h->pos_step);
    if (status == DIGS_OK)
        status = make_series(h->path, pos, "time", H5T_IEEE_F64LE, 1, NULL,
                             h->chunk_1d, &h->pos_time);
    close_id(&pos, H5Gclose);
    close_id(&box, H5Gclose);
    close_id(&g, H5Gclose);
    close_id(&parts, H5Gclose);
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
        close_id(&fapl, H5Pclose);
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
    close_id(&fcpl, H5Pclose);
    close_id(&fapl, H5Pclose);
    return status;
}

/* Collective raw-data transfers, and the chunk length of 1-D series. */
static int set_transfer(digs_h5md *h, const digs_h5md_spec *s)
{
    h->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5_TRY(h->path, h->dxpl, "creating a transfer property list");
    H5_TRY(h->path, H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE),
           "requesting collective MPI-IO");
    h->chunk_1d = chunk_frames(sizeof(int64_t),
                               (double)s->n_chains * s->buffer_records);
    return DIGS_OK;
}

static int build(digs_h5md *h, const digs_h5md_spec *s)
{
    DIGS_CHECK(agree(h->comm, open_file(h, s)));
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
    for (int k = 0; k < h->n_rec; k++) {
        record_series *r = &h->rec[k];
        close_id(&r->value, H5Dclose);
        close_id(&r->step, H5Dclose);
        free(r->name);
        free(r->buf);
        free(r->steps);
    }
    free(h->rec);
    for (int k = 0; k < h->n_obs; k++) {
        close_id(&h->obs_value[k], H5Dclose);
        free(h->obs_names[k]);
    }
    free(h->obs_value);
    free(h->obs_names);
    close_id(&h->chain_value, H5Dclose);
    close_id(&h->sweep_value, H5Dclose);
    close_id(&h->pos_value, H5Dclose);
    close_id(&h->pos_step, H5Dclose);
    close_id(&h->pos_time, H5Dclose);
    close_id(&h->dxpl, H5Pclose);
    int status = DIGS_OK;
    if (h->file > 0 && H5Fclose(h->file) < 0)
        status = digs_h5_fail(h->path, "closing the file", __FILE__, __LINE__);
    if (h->comm != MPI_COMM_NULL)
        MPI_Comm_free(&h->comm);
    free(h->path);
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
    if (!h->path)
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
    status = agree(comm, status);
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
    DIGS_CHECK(agree(comm, check_spec(comm, spec)));
    DIGS_CHECK(agree(comm, rank == 0 ? check_directory(spec->path) : DIGS_OK));
    digs_h5md *h;
    DIGS_CHECK(new_handle(comm, spec, &h));
    int status = agree(comm, build(h, spec));
    if (status != DIGS_OK) {
        destroy(h);
        return digs_trace(status, __FILE__, __LINE__);
    }
    *out = h;
    return DIGS_OK;
}

/* ---- continuing a file ------------------------------------------------------ */

static int extend(const char *path, hid_t dset, hsize_t first_axis);

/* Open the dataset at absolute path `object`, check that it has ndim axes
 * whose trailing ndim-1 lengths are tail (NULL: any) and that it holds at
 * least `keep` rows; if cut, cut it to `keep` rows.  Collective. */
static int reopen_series(digs_h5md *h, const char *object, int ndim,
                         const hsize_t *tail, hsize_t keep, int cut,
                         hid_t *out)
{
    *out = H5Dopen2(h->file, object, H5P_DEFAULT);
    if (*out < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: no dataset %s (not a digs trajectory of this "
                         "deck?)",
                         h->path, object);
    }
    hid_t space = H5Dget_space(*out);
    H5_TRY(h->path, space, "getting a dataspace");
    hsize_t dims[3] = {0, 0, 0};
    int nd = H5Sget_simple_extent_ndims(space);
    if (nd >= 1 && nd <= 3)
        H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    int ok = nd == ndim;
    for (int k = 1; ok && tail && k < ndim; k++)
        ok = dims[k] == tail[k - 1];
    if (!ok)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: %s has %d axes [%llu, %llu, ...]; expected %d "
                         "axes [rows, %llu, %llu]",
                         h->path, object, nd, (unsigned long long)dims[0],
                         (unsigned long long)dims[1], ndim,
                         (unsigned long long)(tail && ndim > 1 ? tail[0] : 0),
                         (unsigned long long)(tail && ndim > 2 ? tail[1] : 0));
    if (dims[0] < keep)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: %s holds %llu rows; expected at least %llu (is "
                         "the file older than the checkpoint?)",
                         h->path, object, (unsigned long long)dims[0],
                         (unsigned long long)keep);
    if (cut && dims[0] > keep)
        DIGS_CHECK(extend(h->path, *out, keep));
    return DIGS_OK;
}

/* reopen_series for a per-frame dataset: keep records_on_disk records. */
static int reopen_frames(digs_h5md *h, const char *object, int ndim,
                         const hsize_t *tail, int cut, hid_t *out)
{
    hsize_t frames = (hsize_t)(h->records_on_disk * h->n_chains);
    return reopen_series(h, object, ndim, tail, frames, cut, out);
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
    DIGS_CHECK(reopen_series(h, object, 2, NULL, (hsize_t)rows, 0, &s->value));
    snprintf(object, sizeof object, "/%s/%s/step", RECORD_GROUP, name);
    DIGS_CHECK(reopen_series(h, object, 1, NULL, (hsize_t)rows, 0, &s->step));
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

typedef struct name_list {
    int n;
    char **names;
} name_list;

/* H5Literate callback: collect the link names of a group. */
static herr_t collect_name(hid_t group, const char *name,
                           const H5L_info_t *info, void *data)
{
    name_list *l = data;
    char **grown = realloc(l->names, (size_t)(l->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    l->names = grown;
    if (!(l->names[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

/* Reopen every per-record series in the file (in name order), keeping
 * the rows `keep` lists for it (0 if it is not listed). */
static int reopen_records(digs_h5md *h, const digs_h5md_extent *keep)
{
    htri_t exists = H5Lexists(h->file, RECORD_GROUP, H5P_DEFAULT);
    H5_TRY(h->path, exists, "looking up the per-record group");
    if (!exists)
        return DIGS_OK;
    hid_t g = H5Gopen2(h->file, RECORD_GROUP, H5P_DEFAULT);
    H5_TRY(h->path, g, "opening the per-record group");
    name_list list = {0, NULL};
    hsize_t at = 0;
    herr_t err = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &at, collect_name,
                             &list);
    H5Gclose(g);
    int status = err < 0 ? digs_h5_fail(h->path, "listing the per-record series",
                                   __FILE__, __LINE__)
                         : DIGS_OK;
    for (int k = 0; k < list.n && status == DIGS_OK; k++) {
        int64_t rows = 0;
        for (int j = 0; j < keep->n_series; j++)
            if (!strcmp(keep->series[j], list.names[k]))
                rows = keep->rows[j];
        status = reopen_record(h, list.names[k], rows);
    }
    for (int k = 0; k < keep->n_series && status == DIGS_OK; k++) {
        int found = 0;
        for (int j = 0; j < list.n; j++)
            found |= !strcmp(keep->series[k], list.names[j]);
        if (!found && keep->rows[k] > 0)
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s: no series /%s/%s to continue", h->path,
                               RECORD_GROUP, keep->series[k]);
    }
    for (int k = 0; k < list.n; k++)
        free(list.names[k]);
    free(list.names);
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
    close_id(&fapl, H5Pclose);
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

    hsize_t frames = (hsize_t)(keep->records * h->n_chains);
    hid_t per_frame[] = {h->pos_value, h->pos_step, h->pos_time,
                         h->chain_value, h->sweep_value, h->obs_value[0],
                         h->obs_value[1]};
    for (size_t k = 0; k < sizeof per_frame / sizeof per_frame[0]; k++)
        DIGS_CHECK(extend(h->path, per_frame[k], frames));
    for (int k = 0; k < h->n_rec; k++) {
        DIGS_CHECK(extend(h->path, h->rec[k].value, (hsize_t)h->rec[k].rows));
        DIGS_CHECK(extend(h->path, h->rec[k].step, (hsize_t)h->rec[k].rows));
    }
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
    int status = DIGS_OK;
    if (!keep || keep->records < 0 || keep->n_series < 0 ||
        (keep->n_series > 0 && (!keep->series || !keep->rows)))
        status = DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: bad extent to continue",
                           spec->path ? spec->path : "(null)");
    DIGS_CHECK(agree(comm, status == DIGS_OK ? check_spec(comm, spec)
                                             : status));
    struct stat st;
    if (rank == 0 && stat(spec->path, &st) != 0)
        status = DIGS_FAIL(DIGS_ERR_IO,
                           "%s: the trajectory to continue does not exist",
                           spec->path);
    DIGS_CHECK(agree(comm, status));
    digs_h5md *h;
    DIGS_CHECK(new_handle(comm, spec, &h));
    h->append = 1;
    status = agree(comm, reopen(h, spec, keep));
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
    if (!valid_name(name) || !value)
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
    close_id(&dset, H5Dclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    close_id(&params, H5Gclose);
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
    if (!valid_name(name) || !strcmp(name, "chain_id") ||
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
    hid_t fspace = H5Dget_space(dset);
    H5_TRY(h->path, fspace, "getting a dataspace");
    int ndim = H5Sget_simple_extent_ndims(fspace);
    hsize_t dims[3], start[3] = {0, 0, 0}, stride[3] = {1, 1, 1};
    hsize_t count[3] = {1, 1, 1}, block[3];
    H5Sget_simple_extent_dims(fspace, dims, NULL);
    hsize_t per_frame = 1;
    for (int k = 1; k < ndim; k++) {
        block[k] = dims[k];
        per_frame *= dims[k];
    }
    start[0] = (hsize_t)(h->records_on_disk * h->n_chains + h->first);
    stride[0] = (hsize_t)h->n_chains;
    count[0] = (hsize_t)K;
    block[0] = (hsize_t)h->n_local;
    hsize_t n_mem = (hsize_t)K * (hsize_t)h->n_local * per_frame;
    hid_t mspace = H5Screate_simple(1, n_mem ? &n_mem : (hsize_t[]){1}, NULL);
    herr_t err = mspace < 0 ? -1 : 0;
    if (err >= 0 && h->n_local > 0)
        err = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride,
                                  count, block);
    else if (err >= 0) {
        err = H5Sselect_none(fspace);
        if (err >= 0)
            err = H5Sselect_none(mspace);
    }
    if (err >= 0)
        err = H5Dwrite(dset, memtype, mspace, fspace, h->dxpl, buf);
    int status = err < 0 ? digs_h5_fail(h->path, "writing frames", __FILE__,
                                   __LINE__)
                         : DIGS_OK;
    close_id(&mspace, H5Sclose);
    close_id(&fspace, H5Sclose);
    return status;
}

static int extend(const char *path, hid_t dset, hsize_t first_axis)
{
    hid_t space = H5Dget_space(dset);
    H5_TRY(path, space, "getting a dataspace");
    hsize_t dims[3];
    int ndim = H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    H5_TRY(path, ndim, "reading a dataset shape");
    dims[0] = first_axis;
    H5_TRY(path, H5Dset_extent(dset, dims), "extending a dataset");
    return DIGS_OK;
}

/* Write every buffered record.  Collective. */
static int write_buffered(digs_h5md *h)
{
    int K = h->n_buffered, n = h->n_local;
    if (K == 0)
        return DIGS_OK;
    hsize_t frames = (hsize_t)((h->records_on_disk + K) * h->n_chains);
    /* observables' step/time are links to position's: extend once */
    DIGS_CHECK(extend(h->path, h->pos_value, frames));
    DIGS_CHECK(extend(h->path, h->pos_step, frames));
    DIGS_CHECK(extend(h->path, h->pos_time, frames));
    DIGS_CHECK(extend(h->path, h->chain_value, frames));
    DIGS_CHECK(extend(h->path, h->sweep_value, frames));
    for (int k = 0; k < h->n_obs; k++)
        DIGS_CHECK(extend(h->path, h->obs_value[k], frames));

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
    DIGS_CHECK(extend(h->path, s->value, rows));
    DIGS_CHECK(extend(h->path, s->step, rows));
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
        close_id(&mspace, H5Sclose);
        close_id(&fspace, H5Sclose);
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
    int status = make_series(h->path, g, "value", H5T_IEEE_F64LE, 2, tail,
                             chunk_frames(sizeof(double) * width,
                                          h->buffer_records),
                             &s->value);
    if (status == DIGS_OK)
        status = make_series(h->path, g, "step", H5T_STD_I64LE, 1, NULL,
                             chunk_frames(sizeof(int64_t), h->buffer_records),
                             &s->step);
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
    if (!valid_name(name) || width < 1)
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
        DIGS_CHECK(set_strings_attr(h->path, s->value, "columns",
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
    if (!valid_name(name) || width < 1 || !values)
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
    return DIGS_OK;
}

/* Write every buffered record and flush the file.  Collective. */
int digs_h5md_flush(digs_h5md *h)
{
    DIGS_CHECK(write_all(h));
    H5_TRY(h->path, H5Fflush(h->file, H5F_SCOPE_GLOBAL), "flushing");
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
