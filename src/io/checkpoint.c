/* Checkpoint files (layout and contract in checkpoint.h).
 *
 * Written with parallel HDF5: metadata (groups, attributes, dataset
 * creation) by every rank with identical arguments, the chain rows as one
 * collective hyperslab write per dataset (a rank without chains selects
 * nothing), the small run-wide arrays by rank 0 alone.  File format 1.8
 * (superblock version 2, which has no "open for writing" flag that a
 * killed writer would leave set).  Read with independent I/O: each rank
 * reads the attributes, the small arrays and its own block of rows, so
 * the writer's and reader's rank counts are unrelated. */
#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/status.h"
#include "io/atomic_file.h"
#include "io/h5_error.h"
#include "parallel/comm.h"

enum { MESSAGE_LEN = 1024, PATH_LEN = 4096, FORMAT_VERSION = 1 };

static const char FORMAT[] = "digs checkpoint";

/* ---- errors --------------------------------------------------------------- */

/* Make a status collective (src/parallel/comm.h). */
static int agree(MPI_Comm comm, int status)
{
    return digs_comm_agree_message(comm, status);
}

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id > 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

/* ---- writing helpers (collective, identical arguments) ------------------ */

static int put_i64(const char *path, hid_t loc, const char *name, int64_t v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? H5I_INVALID_HID
                           : H5Acreate2(loc, name, H5T_STD_I64LE, space,
                                        H5P_DEFAULT, H5P_DEFAULT);
    herr_t err = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_INT64, &v);
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    H5_TRY(path, err, "writing an integer attribute");
    return DIGS_OK;
}

/* A variable-length UTF-8 string attribute, or n of them (n >= 1) when
 * values is an array; n = 0 writes a scalar. */
static int put_strings(const char *path, hid_t loc, const char *name, int n,
                       const char *const *values)
{
    hsize_t dims = (hsize_t)n;
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = n > 0 ? H5Screate_simple(1, &dims, NULL)
                        : H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = type < 0 || space < 0 ? -1 : H5Tset_size(type, H5T_VARIABLE);
    if (err >= 0)
        err = H5Tset_cset(type, H5T_CSET_UTF8);
    if (err >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT,
                                       H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, type, values);
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    H5_TRY(path, err, "writing a string attribute");
    return DIGS_OK;
}

/* A contiguous dataset of `rows` rows of `width` elements. */
static int create_rows(const char *path, hid_t loc, const char *name,
                       hid_t type, hsize_t rows, hsize_t width, hid_t *out)
{
    hsize_t dims[2] = {rows, width};
    hid_t space = H5Screate_simple(width > 0 ? 2 : 1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t err = space < 0 || dcpl < 0 ? -1 : 0;
    if (err >= 0)   /* every element is written */
        err = H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    if (err >= 0 && (*out = H5Dcreate2(loc, name, type, space, H5P_DEFAULT,
                                       dcpl, H5P_DEFAULT)) < 0)
        err = -1;
    close_id(&dcpl, H5Pclose);
    close_id(&space, H5Sclose);
    H5_TRY(path, err, "creating a dataset");
    return DIGS_OK;
}

/* Write rows [first, first + n) of a [rows][width] dataset (width 0:
 * 1-D) from buf, collectively; n = 0 selects nothing. */
static int write_rows(const char *path, hid_t dset, hid_t memtype,
                      hid_t dxpl, hsize_t first, hsize_t n, hsize_t width,
                      const void *buf)
{
    hid_t fspace = H5Dget_space(dset);
    hsize_t count = n * (width ? width : 1);
    hid_t mspace = H5Screate_simple(1, count ? &count : (hsize_t[]){1}, NULL);
    herr_t err = fspace < 0 || mspace < 0 ? -1 : 0;
    hsize_t start[2] = {first, 0}, block[2] = {n, width};
    if (err >= 0 && n > 0)
        err = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, block,
                                  NULL);
    else if (err >= 0 && (err = H5Sselect_none(fspace)) >= 0)
        err = H5Sselect_none(mspace);
    if (err >= 0)
        err = H5Dwrite(dset, memtype, mspace, fspace, dxpl, buf);
    close_id(&mspace, H5Sclose);
    close_id(&fspace, H5Sclose);
    H5_TRY(path, err, "writing checkpoint rows");
    return DIGS_OK;
}

/* A 1-D dataset of n values that rank 0 writes (n >= 1). */
static int put_array(const char *path, hid_t loc, const char *name,
                     hid_t filetype, hid_t memtype, hid_t dxpl, int rank,
                     int n, const void *values)
{
    hid_t d = H5I_INVALID_HID;
    DIGS_CHECK(create_rows(path, loc, name, filetype, (hsize_t)n, 0, &d));
    int status = write_rows(path, d, memtype, dxpl, 0,
                            rank == 0 ? (hsize_t)n : 0, 0, values);
    close_id(&d, H5Dclose);
    return status;
}

/* A scalar fixed-length string dataset that rank 0 writes. */
static int put_text(const char *path, hid_t loc, const char *name,
                    hid_t dxpl, int rank, const char *text)
{
    size_t len = strlen(text);
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t d = H5I_INVALID_HID;
    herr_t err = type < 0 || space < 0 ? -1 : H5Tset_size(type, len ? len : 1);
    if (err >= 0)
        err = H5Tset_cset(type, H5T_CSET_UTF8);
    if (err >= 0 && (d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0 && rank != 0)
        err = H5Sselect_none(space);
    if (err >= 0)
        err = H5Dwrite(d, type, space, space, dxpl, len ? text : "");
    close_id(&d, H5Dclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    H5_TRY(path, err, "writing the deck text");
    return DIGS_OK;
}

/* ---- writing ------------------------------------------------------------- */

static int write_header(const char *path, hid_t file,
                        const digs_checkpoint *c)
{
    const char *format = FORMAT;
    DIGS_CHECK(put_strings(path, file, "format", 0, &format));
    DIGS_CHECK(put_i64(path, file, "version", FORMAT_VERSION));
    DIGS_CHECK(put_i64(path, file, "sweep", (int64_t)c->sweep));
    DIGS_CHECK(put_i64(path, file, "records", c->records));
    DIGS_CHECK(put_i64(path, file, "n_chains", c->n_chains));
    DIGS_CHECK(put_i64(path, file, "dim", c->dim));
    DIGS_CHECK(put_i64(path, file, "state_size", c->state_size));
    DIGS_CHECK(put_i64(path, file, "n_params", c->n_params));
    DIGS_CHECK(put_i64(path, file, "n_stats", c->n_stats));
    DIGS_CHECK(put_i64(path, file, "seed", c->seed));
    DIGS_CHECK(put_strings(path, file, "potential", 0, &c->potential));
    DIGS_CHECK(put_strings(path, file, "method", 0, &c->method));
    DIGS_CHECK(put_i64(path, file, "n_grad", c->n_grad));
    DIGS_CHECK(put_i64(path, file, "n_energy", c->n_energy));
    return DIGS_OK;
}

static int write_chains(const char *path, hid_t file, hid_t dxpl,
                        const digs_checkpoint *c, const digs_chains *ch)
{
    hid_t g = H5Gcreate2(file, "chains", H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    H5_TRY(path, g, "creating /chains");
    const char *names[4] = {"x", "energy", "grad", "state"};
    const double *data[4] = {ch->x, ch->energy, ch->grad, ch->state};
    hsize_t width[4] = {(hsize_t)c->dim, 0, (hsize_t)c->dim,
                        (hsize_t)c->state_size};
    int status = DIGS_OK;
    for (int k = 0; k < 4 && status == DIGS_OK; k++) {
        if (k == 3 && c->state_size == 0)
            break;
        hid_t d = H5I_INVALID_HID;
        status = create_rows(path, g, names[k], H5T_IEEE_F64LE,
                             (hsize_t)c->n_chains, width[k], &d);
        if (status == DIGS_OK)
            status = write_rows(path, d, H5T_NATIVE_DOUBLE, dxpl,
                                (hsize_t)ch->first, (hsize_t)ch->n, width[k],
                                data[k]);
        close_id(&d, H5Dclose);
    }
    H5Gclose(g);
    return status;
}

static int write_run(const char *path, hid_t file, hid_t dxpl, int rank,
                     const digs_checkpoint *c)
{
    hid_t g = H5Gcreate2(file, "sampler", H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    H5_TRY(path, g, "creating /sampler");
    int status = DIGS_OK;
    if (c->n_params > 0) {
        status = put_array(path, g, "params", H5T_IEEE_F64LE,
                           H5T_NATIVE_DOUBLE, dxpl, rank, c->n_params,
                           c->params);
        if (status == DIGS_OK && c->param_group) {
            hid_t d = H5Dopen2(g, "params", H5P_DEFAULT);
            status = d < 0 ? digs_h5_fail(path, "opening /sampler/params",
                                     __FILE__, __LINE__)
                           : put_strings(path, d, "group", 0,
                                         &c->param_group);
            close_id(&d, H5Dclose);
        }
    }
    if (status == DIGS_OK && c->n_stats > 0)
        status = put_array(path, g, "pooled_total", H5T_STD_I64LE,
                           H5T_NATIVE_INT64, dxpl, rank, c->n_stats,
                           c->pooled_total);
    H5Gclose(g);
    if (status != DIGS_OK)
        return status;
    g = H5Gcreate2(file, "trajectory", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5_TRY(path, g, "creating /trajectory");
    if (c->n_series > 0)
        status = put_strings(path, g, "series", c->n_series, c->series);
    if (status == DIGS_OK && c->n_series > 0)
        status = put_array(path, g, "rows", H5T_STD_I64LE, H5T_NATIVE_INT64,
                           dxpl, rank, c->n_series, c->series_rows);
    H5Gclose(g);
    if (status == DIGS_OK)
        status = put_text(path, file, "deck", dxpl, rank,
                          c->deck ? c->deck : "");
    return status;
}

/* Write every object of the file at tmp (open as file). */
static int write_objects(const char *tmp, hid_t file, int rank,
                         const digs_checkpoint *c, const digs_chains *ch)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5_TRY(tmp, dxpl, "creating a transfer property list");
    int status = H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0
                     ? digs_h5_fail(tmp, "requesting collective MPI-IO", __FILE__,
                               __LINE__)
                     : DIGS_OK;
    if (status == DIGS_OK)
        status = write_header(tmp, file, c);
    if (status == DIGS_OK)
        status = write_chains(tmp, file, dxpl, c, ch);
    if (status == DIGS_OK)
        status = write_run(tmp, file, dxpl, rank, c);
    H5Pclose(dxpl);
    return status;
}

/* Write a checkpoint atomically (contract in checkpoint.h).  Collective. */
int digs_checkpoint_write(MPI_Comm comm, const char *path,
                          const digs_checkpoint *c, const digs_chains *ch)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rank;
    MPI_Comm_rank(comm, &rank);
    char tmp[PATH_LEN];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: checkpoint path too long", path);
    if (c->n_chains != ch->n_global || c->dim != ch->dim ||
        c->state_size != ch->state_size)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: checkpoint shape %ld x %d (+%d) does not match "
                         "the chains %ld x %d (+%d)",
                         path, c->n_chains, c->dim, c->state_size,
                         ch->n_global, ch->dim, ch->state_size);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) {
        close_id(&fapl, H5Pclose);
        return digs_h5_fail(tmp, "setting up MPI-IO file access", __FILE__,
                       __LINE__);
    }
    hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    close_id(&fapl, H5Pclose);
    if (file < 0)
        return digs_h5_fail(tmp, "creating the checkpoint", __FILE__, __LINE__);
    int status = write_objects(tmp, file, rank, c, ch);
    if (H5Fclose(file) < 0 && status == DIGS_OK)
        status = digs_h5_fail(tmp, "closing the checkpoint", __FILE__, __LINE__);
    if (status != DIGS_OK)
        return status;
    if (rank == 0)
        DIGS_CHECK(digs_atomic_publish(tmp, path));
    if (MPI_Barrier(comm) != MPI_SUCCESS)
        return DIGS_FAIL(DIGS_ERR_MPI, "%s: MPI_Barrier failed", path);
    return DIGS_OK;
}

int digs_checkpoint_exists(MPI_Comm comm, const char *path)
{
    int rank, exists = 0;
    MPI_Comm_rank(comm, &rank);
    struct stat st;
    if (rank == 0)
        exists = stat(path, &st) == 0;
    MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
    return exists;
}

/* ---- reading (independent, every rank) ---------------------------------- */

static int get_i64(const char *path, hid_t file, const char *name,
                   int64_t *v)
{
    hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
    herr_t err = attr < 0 ? -1 : H5Aread(attr, H5T_NATIVE_INT64, v);
    close_id(&attr, H5Aclose);
    if (err < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a digs checkpoint (no integer attribute "
                         "'%s')",
                         path, name);
    }
    return DIGS_OK;
}

/* A variable-length string attribute of n entries (n = 0: scalar) into
 * out[0..max(n,1)-1], each newly allocated. */
static int get_strings(const char *path, hid_t loc, const char *name, int n,
                       char **out)
{
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = attr < 0 ? H5I_INVALID_HID : H5Aget_space(attr);
    int want = n > 0 ? n : 1;
    char **raw = calloc((size_t)want, sizeof *raw);
    herr_t err = attr < 0 || type < 0 || space < 0 || !raw ? -1 : 0;
    if (err >= 0)
        err = H5Tset_size(type, H5T_VARIABLE);
    if (err >= 0)
        err = H5Tset_cset(type, H5T_CSET_UTF8);
    if (err >= 0 && H5Sget_simple_extent_npoints(space) != want)
        err = -1;
    if (err >= 0)
        err = H5Aread(attr, type, raw);
    for (int k = 0; k < want; k++) {
        out[k] = err >= 0 && raw[k] ? strdup(raw[k]) : NULL;
        if (!out[k])
            err = -1;
        if (raw && raw[k])
            H5free_memory(raw[k]);
    }
    free(raw);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    close_id(&attr, H5Aclose);
    if (err < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a digs checkpoint (no string attribute "
                         "'%s' of %d entries)",
                         path, name, want);
    }
    return DIGS_OK;
}

/* Read rows [first, first + n) of the dataset at `object` ([rows][width],
 * width 0: 1-D), checking its shape. */
static int read_rows(const char *path, hid_t file, const char *object,
                     hid_t memtype, hsize_t rows, hsize_t width,
                     hsize_t first, hsize_t n, void *buf)
{
    hid_t d = H5Dopen2(file, object, H5P_DEFAULT);
    hid_t fspace = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    int nd = fspace < 0 ? -1 : H5Sget_simple_extent_ndims(fspace);
    if (nd == 1 || nd == 2)
        H5Sget_simple_extent_dims(fspace, dims, NULL);
    int shape_ok = nd == (width > 0 ? 2 : 1) && dims[0] == rows &&
                   (width == 0 || dims[1] == width);
    herr_t err = shape_ok ? 0 : -1;
    hsize_t count = n * (width ? width : 1);
    hid_t mspace = H5I_INVALID_HID;
    if (err >= 0 && n > 0) {
        hsize_t start[2] = {first, 0}, block[2] = {n, width};
        mspace = H5Screate_simple(1, &count, NULL);
        err = mspace < 0 ? -1
                         : H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start,
                                               NULL, block, NULL);
        if (err >= 0)
            err = H5Dread(d, memtype, mspace, fspace, H5P_DEFAULT, buf);
    }
    close_id(&mspace, H5Sclose);
    close_id(&fspace, H5Sclose);
    close_id(&d, H5Dclose);
    if (!shape_ok) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a digs checkpoint of this run (%s is "
                         "missing or not [%llu]%s)",
                         path, object, (unsigned long long)rows,
                         width ? "[...]" : "");
    }
    H5_TRY(path, err, "reading the checkpoint");
    return DIGS_OK;
}

static int mismatch_l(const char *path, const char *what, long have,
                      long want)
{
    return DIGS_FAIL(DIGS_ERR_INPUT,
                     "%s: the checkpoint has %s = %ld; the deck has %ld",
                     path, what, have, want);
}

/* The checkpoint's identity must equal the deck's. */
static int check_identity(const char *path, const digs_checkpoint *have,
                          const digs_checkpoint *want)
{
    if (have->n_chains != want->n_chains)
        return mismatch_l(path, "[run] chains", have->n_chains, want->n_chains);
    if (have->seed != want->seed)
        return mismatch_l(path, "[run] seed", (long)have->seed,
                          (long)want->seed);
    if (strcmp(have->potential, want->potential))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: the checkpoint has [system] potential = %s; the "
                         "deck has %s",
                         path, have->potential, want->potential);
    if (strcmp(have->method, want->method))
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: the checkpoint has [run] method = %s; the deck "
                         "has %s",
                         path, have->method, want->method);
    if (have->dim != want->dim)
        return mismatch_l(path, "dimension", have->dim, want->dim);
    if (have->state_size != want->state_size)
        return mismatch_l(path, "sampler state per chain", have->state_size,
                          want->state_size);
    if (have->n_params != want->n_params)
        return mismatch_l(path, "adapted parameters", have->n_params,
                          want->n_params);
    if (have->n_stats != want->n_stats)
        return mismatch_l(path, "statistics", have->n_stats, want->n_stats);
    return DIGS_OK;
}

static int read_header(const char *path, hid_t file, digs_checkpoint *c)
{
    char *text[1] = {NULL};
    int status = get_strings(path, file, "format", 0, text);
    if (status == DIGS_OK && strcmp(text[0], FORMAT) != 0)
        status = DIGS_FAIL(DIGS_ERR_INPUT,
                           "%s: not a digs checkpoint (format '%s')", path,
                           text[0]);
    free(text[0]);
    DIGS_CHECK(status);
    int64_t v;
    DIGS_CHECK(get_i64(path, file, "version", &v));
    if (v != FORMAT_VERSION)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: checkpoint format version %" PRId64
                         "; this digs reads version %d",
                         path, v, FORMAT_VERSION);
    DIGS_CHECK(get_i64(path, file, "sweep", &v));
    c->sweep = (uint64_t)v;
    DIGS_CHECK(get_i64(path, file, "records", &c->records));
    DIGS_CHECK(get_i64(path, file, "n_chains", &v));
    c->n_chains = (long)v;
    DIGS_CHECK(get_i64(path, file, "dim", &v));
    c->dim = (int)v;
    DIGS_CHECK(get_i64(path, file, "state_size", &v));
    c->state_size = (int)v;
    DIGS_CHECK(get_i64(path, file, "n_params", &v));
    c->n_params = (int)v;
    DIGS_CHECK(get_i64(path, file, "n_stats", &v));
    c->n_stats = (int)v;
    DIGS_CHECK(get_i64(path, file, "seed", &v));
    c->seed = (uint32_t)v;
    DIGS_CHECK(get_i64(path, file, "n_grad", &c->n_grad));
    DIGS_CHECK(get_i64(path, file, "n_energy", &c->n_energy));
    DIGS_CHECK(get_strings(path, file, "potential", 0, text));
    c->potential = text[0];
    DIGS_CHECK(get_strings(path, file, "method", 0, text));
    c->method = text[0];
    return DIGS_OK;
}

/* The run-wide arrays and the deck text. */
static int read_run(const char *path, hid_t file, digs_checkpoint *c)
{
    if (c->n_params > 0) {
        DIGS_CALLOC(c->params, c->n_params);
        DIGS_CHECK(read_rows(path, file, "sampler/params", H5T_NATIVE_DOUBLE,
                             (hsize_t)c->n_params, 0, 0, (hsize_t)c->n_params,
                             c->params));
        hid_t d = H5Dopen2(file, "sampler/params", H5P_DEFAULT);
        htri_t has = d < 0 ? 0 : H5Aexists(d, "group");
        char *group[1] = {NULL};
        int status = has > 0 ? get_strings(path, d, "group", 0, group)
                             : DIGS_OK;
        c->param_group = group[0];
        close_id(&d, H5Dclose);
        DIGS_CHECK(status);
    }
    if (c->n_stats > 0) {
        DIGS_CALLOC(c->pooled_total, c->n_stats);
        DIGS_CHECK(read_rows(path, file, "sampler/pooled_total",
                             H5T_NATIVE_INT64, (hsize_t)c->n_stats, 0, 0,
                             (hsize_t)c->n_stats, c->pooled_total));
    }
    hid_t g = H5Gopen2(file, "trajectory", H5P_DEFAULT);
    if (g < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: not a digs checkpoint (no "
                                         "/trajectory)",
                         path);
    }
    htri_t has = H5Aexists(g, "series");
    hid_t attr = has > 0 ? H5Aopen(g, "series", H5P_DEFAULT)
                         : H5I_INVALID_HID;
    hid_t space = attr < 0 ? H5I_INVALID_HID : H5Aget_space(attr);
    c->n_series = space < 0 ? 0 : (int)H5Sget_simple_extent_npoints(space);
    close_id(&space, H5Sclose);
    close_id(&attr, H5Aclose);
    int status = DIGS_OK;
    if (c->n_series > 0) {
        char **names = calloc((size_t)c->n_series, sizeof *names);
        c->series_rows = calloc((size_t)c->n_series, sizeof *c->series_rows);
        c->series = (const char **)names;
        if (!names || !c->series_rows)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        if (status == DIGS_OK)
            status = get_strings(path, g, "series", c->n_series, names);
        if (status == DIGS_OK)
            status = read_rows(path, file, "trajectory/rows", H5T_NATIVE_INT64,
                               (hsize_t)c->n_series, 0, 0,
                               (hsize_t)c->n_series, c->series_rows);
    }
    H5Gclose(g);
    DIGS_CHECK(status);

    hid_t d = H5Dopen2(file, "deck", H5P_DEFAULT);
    hid_t type = d < 0 ? H5I_INVALID_HID : H5Dget_type(d);
    size_t len = type < 0 ? 0 : H5Tget_size(type);
    char *deck = type < 0 ? NULL : calloc(len + 1, 1);
    herr_t err = deck ? H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, deck)
                      : -1;
    close_id(&type, H5Tclose);
    close_id(&d, H5Dclose);
    c->deck = deck;
    if (err < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a digs checkpoint (no readable /deck)", path);
    }
    return DIGS_OK;
}

static int read_chains(const char *path, hid_t file, const digs_checkpoint *c,
                       digs_chains *ch)
{
    hsize_t rows = (hsize_t)c->n_chains, first = (hsize_t)ch->first;
    hsize_t n = (hsize_t)ch->n, dim = (hsize_t)c->dim;
    DIGS_CHECK(read_rows(path, file, "chains/x", H5T_NATIVE_DOUBLE, rows, dim,
                         first, n, ch->x));
    DIGS_CHECK(read_rows(path, file, "chains/energy", H5T_NATIVE_DOUBLE, rows,
                         0, first, n, ch->energy));
    DIGS_CHECK(read_rows(path, file, "chains/grad", H5T_NATIVE_DOUBLE, rows,
                         dim, first, n, ch->grad));
    if (c->state_size > 0)
        DIGS_CHECK(read_rows(path, file, "chains/state", H5T_NATIVE_DOUBLE,
                             rows, (hsize_t)c->state_size, first, n,
                             ch->state));
    digs_chains_reset_counts(ch);
    return DIGS_OK;
}

/* Read a checkpoint (contract in checkpoint.h).  Collective. */
int digs_checkpoint_read(MPI_Comm comm, const char *path,
                         const digs_checkpoint *want, digs_checkpoint *out,
                         digs_chains *chains)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    memset(out, 0, sizeof *out);
    int status = DIGS_OK;
    if (chains->n_global != want->n_chains || chains->dim != want->dim ||
        chains->state_size != want->state_size)
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: the chains do not have the shape the caller "
                           "expects",
                           path);
    DIGS_CHECK(agree(comm, status));
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = H5I_INVALID_HID;
    if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0)
        status = digs_h5_fail(path, "setting up MPI-IO file access", __FILE__,
                         __LINE__);
    else if ((file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0)
        status = digs_h5_cannot(path, "open the checkpoint", __FILE__,
                                __LINE__);
    close_id(&fapl, H5Pclose);
    status = agree(comm, status);
    if (status != DIGS_OK)   /* every rank failed to open: nothing to close */
        return digs_trace(status, __FILE__, __LINE__);
    status = read_header(path, file, out);
    if (status == DIGS_OK)
        status = check_identity(path, out, want);
    if (status == DIGS_OK)
        status = read_run(path, file, out);
    if (status == DIGS_OK)
        status = read_chains(path, file, out, chains);
    status = agree(comm, status);
    if (H5Fclose(file) < 0 && status == DIGS_OK)
        status = digs_h5_fail(path, "closing the checkpoint", __FILE__, __LINE__);
    status = agree(comm, status);
    if (status != DIGS_OK) {
        digs_checkpoint_free(out);
        return digs_trace(status, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

void digs_checkpoint_free(digs_checkpoint *c)
{
    free((void *)c->potential);
    free((void *)c->method);
    for (int k = 0; c->series && k < c->n_series; k++)
        free((void *)c->series[k]);
    free(c->series);
    free(c->series_rows);
    free((void *)c->param_group);
    free(c->params);
    free(c->pooled_total);
    free((void *)c->deck);
    memset(c, 0, sizeof *c);
}
