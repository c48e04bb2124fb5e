/* HDF5 and MPI helpers shared by the H5MD writer's files (contracts in
 * h5md_internal.h).  Every HDF5 call that creates or changes metadata is
 * collective with identical arguments on all ranks. */
#include "io/h5md_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/h5_error.h"
#include "parallel/comm.h"

enum {
    CHUNK_MIN = 64 * 1024,      /* bytes: below this, chunk overhead shows */
    CHUNK_MAX = 1024 * 1024     /* bytes: HDF5's default chunk cache size */
};

int h5md_agree(MPI_Comm comm, int status)
{
    return digs_comm_agree_message(comm, status);
}

void h5md_close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id > 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

int h5md_valid_name(const char *name)
{
    return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0;
}

/* Variable-length UTF-8: h5py reads it as str, which MDAnalysis needs for
 * `unit`. */
int h5md_string_attr(const char *path, hid_t loc, const char *name,
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
    if (err >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT,
                                       H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, type, &value);
    int status = err < 0 ? digs_h5_fail(path, "writing a string attribute",
                                        __FILE__, __LINE__)
                         : DIGS_OK;
    h5md_close_id(&attr, H5Aclose);
    h5md_close_id(&space, H5Sclose);
    h5md_close_id(&type, H5Tclose);
    return status;
}

/* A scalar or 1-D attribute of `type` written from memory of `memtype`. */
static int numeric_attr(const char *path, hid_t loc, const char *name,
                        hid_t type, hid_t memtype, int n, const void *values)
{
    hsize_t dims = (hsize_t)n;
    hid_t space = n > 1 ? H5Screate_simple(1, &dims, NULL)
                        : H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = space < 0 ? -1 : 0;
    if (err >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT,
                                       H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, memtype, values);
    int status = err < 0 ? digs_h5_fail(path, "writing an integer attribute",
                                        __FILE__, __LINE__)
                         : DIGS_OK;
    h5md_close_id(&attr, H5Aclose);
    h5md_close_id(&space, H5Sclose);
    return status;
}

int h5md_int_attr(const char *path, hid_t loc, const char *name, int n,
                  const int *values)
{
    return numeric_attr(path, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, n,
                        values);
}

int h5md_int64_attr(const char *path, hid_t loc, const char *name,
                    int64_t value)
{
    return numeric_attr(path, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 1,
                        &value);
}

int h5md_strings_attr(const char *path, hid_t loc, const char *name,
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
    int status = err < 0 ? digs_h5_fail(path,
                                        "writing a string-array attribute",
                                        __FILE__, __LINE__)
                         : DIGS_OK;
    h5md_close_id(&attr, H5Aclose);
    h5md_close_id(&space, H5Sclose);
    h5md_close_id(&type, H5Tclose);
    return status;
}

int h5md_boundary_attr(const char *path, hid_t loc, int dim)
{
    const char **values = calloc((size_t)dim, sizeof *values);
    if (!values)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (int k = 0; k < dim; k++)
        values[k] = "none";
    int status = h5md_strings_attr(path, loc, "boundary", H5T_CSET_ASCII, dim,
                                   values);
    free(values);
    return status;
}

hsize_t h5md_chunk_frames(size_t frame_bytes, double want_frames)
{
    double bytes = want_frames * (double)frame_bytes;
    if (bytes < CHUNK_MIN)
        bytes = CHUNK_MIN;
    if (bytes > CHUNK_MAX)
        bytes = CHUNK_MAX;
    double frames = bytes / (double)frame_bytes;
    return frames < 1 ? 1 : (hsize_t)frames;
}

int h5md_make_series(const char *path, hid_t loc, const char *name,
                     hid_t type, int ndim, const hsize_t *tail, hsize_t chunk,
                     hid_t *out)
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
    h5md_close_id(&dcpl, H5Pclose);
    h5md_close_id(&space, H5Sclose);
    return status;
}

int h5md_extend(const char *path, hid_t dset, hsize_t first_axis)
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

int h5md_write_block(const char *path, hid_t dset, hid_t dxpl, hid_t memtype,
                     const void *buf, int K, int64_t r0, int64_t per_record,
                     int64_t first, int n_local)
{
    hid_t fspace = H5Dget_space(dset);
    H5_TRY(path, fspace, "getting a dataspace");
    int ndim = H5Sget_simple_extent_ndims(fspace);
    hsize_t dims[3], start[3] = {0, 0, 0}, stride[3] = {1, 1, 1};
    hsize_t count[3] = {1, 1, 1}, block[3];
    H5Sget_simple_extent_dims(fspace, dims, NULL);
    hsize_t per_frame = 1;
    for (int k = 1; k < ndim; k++) {
        block[k] = dims[k];
        per_frame *= dims[k];
    }
    start[0] = (hsize_t)(r0 * per_record + first);
    stride[0] = (hsize_t)per_record;
    count[0] = (hsize_t)K;
    block[0] = (hsize_t)n_local;
    hsize_t n_mem = (hsize_t)K * (hsize_t)n_local * per_frame;
    hid_t mspace = H5Screate_simple(1, n_mem ? &n_mem : (hsize_t[]){1}, NULL);
    herr_t err = mspace < 0 ? -1 : 0;
    if (err >= 0 && n_local > 0)
        err = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride,
                                  count, block);
    else if (err >= 0) {
        err = H5Sselect_none(fspace);
        if (err >= 0)
            err = H5Sselect_none(mspace);
    }
    if (err >= 0)
        err = H5Dwrite(dset, memtype, mspace, fspace, dxpl, buf);
    int status = err < 0 ? digs_h5_fail(path, "writing frames", __FILE__,
                                        __LINE__)
                         : DIGS_OK;
    h5md_close_id(&mspace, H5Sclose);
    h5md_close_id(&fspace, H5Sclose);
    return status;
}

/* The blocks of all ranks (pairs first, count in all[]) tile 0..total-1:
 * no two overlap and together they hold total rows.  Rank order need not
 * be row order, so coverage is counted. */
static int tiles(const char *path, const char *what, long total,
                 const long *all, int size)
{
    long covered = 0;
    for (int r = 0; r < size; r++)
        covered += all[2 * r + 1];
    for (int r = 0; r < size; r++)
        for (int q = r + 1; q < size; q++) {
            long a0 = all[2 * r], a1 = a0 + all[2 * r + 1];
            long b0 = all[2 * q], b1 = b0 + all[2 * q + 1];
            if (a1 > a0 && b1 > b0 && a0 < b1 && b0 < a1)
                return DIGS_FAIL(DIGS_ERR_INTERNAL,
                                 "%s: %s blocks of ranks %d and %d overlap",
                                 path, what, r, q);
        }
    if (covered != total)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: the ranks' %s blocks hold %ld %ss; expected %ld",
                         path, what, covered, what, total);
    return DIGS_OK;
}

int h5md_check_blocks(MPI_Comm comm, int status, const char *path,
                      const char *what, long total, long first, long count)
{
    if (status == DIGS_OK &&
        (total < 1 || first < 0 || count < 0 || first + count > total))
        status = DIGS_FAIL(DIGS_ERR_INTERNAL,
                           "%s: bad %s block: first %ld, count %ld of %ld "
                           "%ss",
                           path, what, first, count, total, what);
    int size;
    MPI_Comm_size(comm, &size);
    long mine[2] = {status == DIGS_OK ? first : -1,
                    status == DIGS_OK ? count : 0};
    long *all = calloc(2 * (size_t)size, sizeof *all);
    int ok = all != NULL, all_ok, fine = status == DIGS_OK, all_fine;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        free(all);
        if (status == DIGS_OK)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        return h5md_agree(comm, status);
    }
    MPI_Allgather(mine, 2, MPI_LONG, all, 2, MPI_LONG, comm);
    MPI_Allreduce(&fine, &all_fine, 1, MPI_INT, MPI_MIN, comm);
    if (status == DIGS_OK && all_fine)
        status = tiles(path, what, total, all, size);
    free(all);
    return h5md_agree(comm, status);
}

int h5md_reopen_series(const char *path, hid_t file, const char *object,
                       int ndim, const hsize_t *tail, hsize_t keep, int cut,
                       hid_t *out, hsize_t *rows)
{
    *out = H5Dopen2(file, object, H5P_DEFAULT);
    if (*out < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: no dataset %s (not a digs trajectory of this "
                         "deck?)",
                         path, object);
    }
    hid_t space = H5Dget_space(*out);
    H5_TRY(path, space, "getting a dataspace");
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
                         path, object, nd, (unsigned long long)dims[0],
                         (unsigned long long)dims[1], ndim,
                         (unsigned long long)(tail && ndim > 1 ? tail[0] : 0),
                         (unsigned long long)(tail && ndim > 2 ? tail[1] : 0));
    if (dims[0] < keep)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: %s holds %llu rows; expected at least %llu (is "
                         "the file older than the checkpoint?)",
                         path, object, (unsigned long long)dims[0],
                         (unsigned long long)keep);
    if (rows)
        *rows = dims[0];
    if (cut && dims[0] > keep)
        DIGS_CHECK(h5md_extend(path, *out, keep));
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
    (void)group;
    (void)info;
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

int h5md_list_group(const char *path, hid_t loc, const char *group,
                    char ***names, int *n)
{
    *names = NULL;
    *n = 0;
    hid_t g = H5Gopen2(loc, group, H5P_DEFAULT);
    H5_TRY(path, g, "opening a group to list it");
    name_list list = {0, NULL};
    hsize_t at = 0;
    herr_t err = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &at, collect_name,
                            &list);
    H5Gclose(g);
    if (err < 0) {
        for (int k = 0; k < list.n; k++)
            free(list.names[k]);
        free(list.names);
        return digs_h5_fail(path, "listing a group", __FILE__, __LINE__);
    }
    *names = list.names;
    *n = list.n;
    return DIGS_OK;
}
