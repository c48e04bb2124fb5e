/* Serial reader of H5MD trajectories (contract in h5md_read.h; layout in
 * h5md.h and doc/file-formats.md). */
#include "io/h5md_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/status.h"
#include "io/h5_error.h"

enum { OBJECT_PATH_MAX = 1024 };

struct digs_h5md_reader {
    char *path;
    hid_t file;
};

#define H5_FAIL(r, what) digs_h5_fail((r)->path, (what), __FILE__, __LINE__)

int digs_h5md_reader_exists(const digs_h5md_reader *r, const char *object)
{
    char buf[OBJECT_PATH_MAX];
    if (!object || object[0] != '/' || strlen(object) >= sizeof buf)
        return 0;
    /* H5Lexists needs every intermediate link to exist: walk the path */
    snprintf(buf, sizeof buf, "%s", object);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        htri_t ok = H5Lexists(r->file, buf, H5P_DEFAULT);
        *p = '/';
        if (ok <= 0) {
            H5Eclear2(H5E_DEFAULT);
            return 0;
        }
    }
    htri_t ok = H5Lexists(r->file, buf, H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return ok > 0;
}

int digs_h5md_reader_open(const char *path, digs_h5md_reader **out)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open (%s)",
                         path ? path : "(null)", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return DIGS_FAIL(DIGS_ERR_IO, "%s: is a directory; expected an H5MD "
                                      "file", path);
    htri_t is_hdf5 = H5Fis_hdf5(path);
    H5Eclear2(H5E_DEFAULT);
    if (is_hdf5 <= 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: not an HDF5 file; expected an "
                                         "H5MD trajectory", path);
    digs_h5md_reader *r;
    DIGS_CALLOC(r, 1);
    r->path = strdup(path);
    r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int status = DIGS_OK;
    if (!r->path)
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    else if (r->file < 0)
        status = H5_FAIL(r, "opening the file");
    else if (!digs_h5md_reader_exists(r, "/h5md"))
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: not an H5MD file (no /h5md "
                                           "group)", path);
    if (status != DIGS_OK) {
        digs_h5md_reader_close(&r);
        return status;
    }
    *out = r;
    return DIGS_OK;
}

void digs_h5md_reader_close(digs_h5md_reader **r)
{
    if (!r || !*r)
        return;
    if ((*r)->file >= 0)
        H5Fclose((*r)->file);
    free((*r)->path);
    free(*r);
    *r = NULL;
}

const char *digs_h5md_reader_path(const digs_h5md_reader *r)
{
    return r->path;
}

/* ---- numeric datasets ---------------------------------------------------- */

/* Open the dataset at `object`, checking that it exists and holds numbers;
 * the extent goes to dims (up to 3 axes), the rank to *ndim. */
static int open_numeric(const digs_h5md_reader *r, const char *object,
                        hid_t *dset, int *ndim, hsize_t dims[3])
{
    *dset = H5I_INVALID_HID;
    if (!digs_h5md_reader_exists(r, object))
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no dataset %s", r->path, object);
    hid_t d = H5Dopen2(r->file, object, H5P_DEFAULT);
    if (d < 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s is not a dataset", r->path,
                         object);
    hid_t type = H5Dget_type(d), space = H5Dget_space(d);
    H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
    int n = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    int status = DIGS_OK;
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s does not hold numbers",
                           r->path, object);
    else if (n < 1 || n > 3)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has %d axes; expected 1 "
                                           "to 3", r->path, object, n);
    else
        H5Sget_simple_extent_dims(space, dims, NULL);
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (status != DIGS_OK) {
        H5Dclose(d);
        return status;
    }
    *ndim = n;
    *dset = d;
    return DIGS_OK;
}

/* Read rows first .. first+count-1 (first axis) of an open dataset with
 * row_len numbers per row into out, as doubles. */
static int read_rows(const digs_h5md_reader *r, hid_t dset, int ndim,
                     const hsize_t dims[3], long first, long count,
                     double *out)
{
    if (count == 0)
        return DIGS_OK;
    hsize_t start[3] = {(hsize_t)first, 0, 0};
    hsize_t cnt[3] = {(hsize_t)count, dims[1], dims[2]};
    hsize_t n_mem = (hsize_t)count;
    for (int k = 1; k < ndim; k++)
        n_mem *= dims[k];
    hid_t fspace = H5Dget_space(dset);
    hid_t mspace = H5Screate_simple(1, &n_mem, NULL);
    herr_t err = fspace < 0 || mspace < 0 ? -1 : 0;
    if (err >= 0)
        err = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, cnt,
                                  NULL);
    if (err >= 0)
        err = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT,
                      out);
    int status = err < 0 ? H5_FAIL(r, "reading a dataset") : DIGS_OK;
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    return status;
}

int digs_h5md_read_position_shape(const digs_h5md_reader *r,
                                  const char *group, long *frames,
                                  int *n_particles, int *spatial_dim)
{
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/particles/%s/position/value", group);
    hid_t dset;
    int ndim;
    hsize_t dims[3] = {0, 1, 1};
    DIGS_CHECK(open_numeric(r, object, &dset, &ndim, dims));
    H5Dclose(dset);
    if (ndim == 1)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has one axis; expected "
                                         "[frames][particles][dimension]",
                         r->path, object);
    *frames = (long)dims[0];
    *n_particles = ndim == 3 ? (int)dims[1] : 1;
    *spatial_dim = ndim == 3 ? (int)dims[2] : (int)dims[1];
    return DIGS_OK;
}

int digs_h5md_read_positions(const digs_h5md_reader *r, const char *group,
                             long first, long count, double *x)
{
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/particles/%s/position/value", group);
    hid_t dset;
    int ndim;
    hsize_t dims[3] = {0, 1, 1};
    DIGS_CHECK(open_numeric(r, object, &dset, &ndim, dims));
    int status = DIGS_OK;
    if (ndim == 1 || first < 0 || count < 0 ||
        (hsize_t)(first + count) > dims[0])
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot read frames %ld..%ld "
                                           "of %s (%llu frames)",
                           r->path, first, first + count - 1, object,
                           (unsigned long long)dims[0]);
    if (status == DIGS_OK)
        status = read_rows(r, dset, ndim, dims, first, count, x);
    H5Dclose(dset);
    return status;
}

/* The dataset at `object`: one number per frame, into a new array. */
static int read_per_frame(const digs_h5md_reader *r, const char *object,
                          long *n, double **values)
{
    *values = NULL;
    *n = 0;
    hid_t dset;
    int ndim;
    hsize_t dims[3] = {0, 1, 1};
    DIGS_CHECK(open_numeric(r, object, &dset, &ndim, dims));
    int status = DIGS_OK;
    if (ndim > 1 && dims[1] * (ndim > 2 ? dims[2] : 1) != 1)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has several numbers per "
                                           "frame; expected one",
                           r->path, object);
    double *v = NULL;
    if (status == DIGS_OK &&
        !(v = calloc(dims[0] ? (size_t)dims[0] : 1, sizeof *v)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK)
        status = read_rows(r, dset, ndim, dims, 0, (long)dims[0], v);
    H5Dclose(dset);
    if (status != DIGS_OK) {
        free(v);
        return status;
    }
    *n = (long)dims[0];
    *values = v;
    return DIGS_OK;
}

int digs_h5md_read_observable(const digs_h5md_reader *r, const char *name,
                              long *n, double **values)
{
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/observables/%s/value", name);
    return read_per_frame(r, object, n, values);
}

int digs_h5md_read_element(const digs_h5md_reader *r, const char *group,
                           const char *element, const char *field, long *n,
                           double **values)
{
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/particles/%s/%s/%s", group, element,
             field);
    return read_per_frame(r, object, n, values);
}

int digs_h5md_read_frames_per_record(const digs_h5md_reader *r,
                                     const char *group, long *n)
{
    *n = 0;
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/particles/%s", group);
    if (!digs_h5md_reader_exists(r, object))
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no particles group %s",
                         r->path, object);
    htri_t has = H5Aexists_by_name(r->file, object, "frames_per_record",
                                   H5P_DEFAULT);
    if (has < 0)
        return H5_FAIL(r, "looking up an attribute");
    if (has == 0)
        return DIGS_OK;
    hid_t a = H5Aopen_by_name(r->file, object, "frames_per_record",
                              H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = a < 0 ? H5I_INVALID_HID : H5Aget_space(a);
    long long value = 0;
    int status = DIGS_OK;
    if (a < 0 || space < 0 || H5Sget_simple_extent_npoints(space) != 1 ||
        H5Aread(a, H5T_NATIVE_LLONG, &value) < 0)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s@frames_per_record is not "
                                           "one integer",
                           r->path, object);
    else if (value < 1)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s@frames_per_record is "
                                           "%lld; expected >= 1",
                           r->path, object, value);
    H5Eclear2(H5E_DEFAULT);
    if (space >= 0)
        H5Sclose(space);
    if (a >= 0)
        H5Aclose(a);
    if (status == DIGS_OK)
        *n = (long)value;
    return status;
}

/* ---- strings and groups --------------------------------------------------- */

int digs_h5md_read_parameter(const digs_h5md_reader *r, const char *name,
                             char **text)
{
    *text = NULL;
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/parameters/%s", name);
    if (!digs_h5md_reader_exists(r, object))
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no dataset %s", r->path, object);
    hid_t dset = H5Dopen2(r->file, object, H5P_DEFAULT);
    hid_t type = dset < 0 ? H5I_INVALID_HID : H5Dget_type(dset);
    hid_t space = dset < 0 ? H5I_INVALID_HID : H5Dget_space(dset);
    int status = DIGS_OK;
    if (dset < 0 || type < 0 || space < 0 ||
        H5Tget_class(type) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space) != 1)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s is not a single string",
                           r->path, object);
    char *out = NULL;
    if (status == DIGS_OK && H5Tis_variable_str(type) > 0) {
        hid_t mem = H5Tcopy(H5T_C_S1);
        char *vl = NULL;
        if (mem < 0 || H5Tset_size(mem, H5T_VARIABLE) < 0 ||
            H5Tset_cset(mem, H5Tget_cset(type)) < 0 ||
            H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &vl) < 0)
            status = H5_FAIL(r, "reading a string parameter");
        else if (!(out = strdup(vl ? vl : "")))
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        if (vl)
            H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &vl);
        if (mem >= 0)
            H5Tclose(mem);
    } else if (status == DIGS_OK) {
        size_t size = H5Tget_size(type);
        hid_t mem = H5Tcopy(type);
        out = calloc(size + 1, 1);
        if (!out)
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        else if (mem < 0 || H5Dread(dset, mem, H5S_ALL, H5S_ALL,
                                     H5P_DEFAULT, out) < 0)
            status = H5_FAIL(r, "reading a string parameter");
        if (mem >= 0)
            H5Tclose(mem);
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (dset >= 0)
        H5Dclose(dset);
    if (status != DIGS_OK) {
        free(out);
        return status;
    }
    *text = out;
    return DIGS_OK;
}

void digs_h5md_free_names(char **names, int n)
{
    for (int k = 0; names && k < n; k++)
        free(names[k]);
    free(names);
}

int digs_h5md_list(const digs_h5md_reader *r, const char *group,
                   char ***names, int *n)
{
    *names = NULL;
    *n = 0;
    if (!digs_h5md_reader_exists(r, group))
        return DIGS_OK;
    hid_t g = H5Gopen2(r->file, group, H5P_DEFAULT);
    if (g < 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s is not a group", r->path,
                         group);
    H5G_info_t info;
    int status = H5Gget_info(g, &info) < 0 ? H5_FAIL(r, "listing a group")
                                           : DIGS_OK;
    char **list = NULL;
    int count = 0;
    if (status == DIGS_OK && info.nlinks > 0 &&
        !(list = calloc((size_t)info.nlinks, sizeof *list)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (hsize_t k = 0; status == DIGS_OK && k < info.nlinks; k++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC,
                                         k, NULL, 0, H5P_DEFAULT);
        if (len < 0) {
            status = H5_FAIL(r, "listing a group");
            break;
        }
        list[count] = calloc((size_t)len + 1, 1);
        if (!list[count]) {
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
            break;
        }
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k,
                           list[count], (size_t)len + 1, H5P_DEFAULT);
        count++;
    }
    H5Gclose(g);
    if (status != DIGS_OK) {
        digs_h5md_free_names(list, count);
        return status;
    }
    *names = list;
    *n = count;
    return DIGS_OK;
}

int digs_h5md_read_record_observable(const digs_h5md_reader *r,
                                     const char *name, long *rows,
                                     int *width, double **values,
                                     int64_t **steps)
{
    *values = NULL;
    *steps = NULL;
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/record_observables/%s/value", name);
    hid_t dset;
    int ndim;
    hsize_t dims[3] = {0, 1, 1};
    DIGS_CHECK(open_numeric(r, object, &dset, &ndim, dims));
    int status = DIGS_OK;
    if (ndim > 2)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has %d axes; expected "
                                           "[rows][width]",
                           r->path, object, ndim);
    long n = (long)dims[0];
    int w = ndim == 2 ? (int)dims[1] : 1;
    double *v = NULL, *s = NULL;
    if (status == DIGS_OK &&
        (!(v = calloc((size_t)(n ? n : 1) * (size_t)(w ? w : 1), sizeof *v)) ||
         !(s = calloc((size_t)(n ? n : 1), sizeof *s))))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK)
        status = read_rows(r, dset, ndim, dims, 0, n, v);
    H5Dclose(dset);
    /* the steps are optional: a series without them gets steps 0 */
    snprintf(object, sizeof object, "/record_observables/%s/step", name);
    if (status == DIGS_OK && digs_h5md_reader_exists(r, object)) {
        hsize_t sdims[3] = {0, 1, 1};
        status = open_numeric(r, object, &dset, &ndim, sdims);
        if (status == DIGS_OK && (ndim != 1 || sdims[0] != (hsize_t)n))
            status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: %s has %llu entries; "
                                               "expected %ld",
                               r->path, object, (unsigned long long)sdims[0],
                               n);
        if (status == DIGS_OK)
            status = read_rows(r, dset, ndim, sdims, 0, n, s);
        if (dset >= 0)
            H5Dclose(dset);
    }
    int64_t *st = NULL;
    if (status == DIGS_OK &&
        !(st = calloc((size_t)(n ? n : 1), sizeof *st)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status != DIGS_OK) {
        free(v);
        free(s);
        return status;
    }
    for (long k = 0; k < n; k++)
        st[k] = (int64_t)s[k];
    free(s);
    *rows = n;
    *width = w;
    *values = v;
    *steps = st;
    return DIGS_OK;
}

/* Read the string array attribute `attr` of the open object obj. */
static int read_string_attr(const digs_h5md_reader *r, hid_t obj,
                            const char *attr, char ***out, int *n)
{
    hid_t a = H5Aopen(obj, attr, H5P_DEFAULT);
    hid_t type = a < 0 ? H5I_INVALID_HID : H5Aget_type(a);
    hid_t space = a < 0 ? H5I_INVALID_HID : H5Aget_space(a);
    hssize_t count = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
    int status = DIGS_OK;
    if (a < 0 || type < 0 || count < 0 || H5Tget_class(type) != H5T_STRING)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: attribute '%s' is not a "
                                           "list of strings", r->path, attr);
    char **list = NULL;
    if (status == DIGS_OK &&
        !(list = calloc((size_t)(count ? count : 1), sizeof *list)))
        status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK && H5Tis_variable_str(type) > 0) {
        char **vl = calloc((size_t)(count ? count : 1), sizeof *vl);
        hid_t mem = H5Tcopy(H5T_C_S1);
        if (!vl || mem < 0 || H5Tset_size(mem, H5T_VARIABLE) < 0 ||
            H5Tset_cset(mem, H5Tget_cset(type)) < 0 ||
            H5Aread(a, mem, vl) < 0)
            status = H5_FAIL(r, "reading a string attribute");
        for (hssize_t k = 0; status == DIGS_OK && k < count; k++)
            if (!(list[k] = strdup(vl[k] ? vl[k] : "")))
                status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        if (vl && mem >= 0)
            H5Dvlen_reclaim(mem, space, H5P_DEFAULT, vl);
        free(vl);
        if (mem >= 0)
            H5Tclose(mem);
    } else if (status == DIGS_OK) {
        size_t size = H5Tget_size(type);
        char *buf = calloc((size_t)(count ? count : 1) * size + 1, 1);
        if (!buf || H5Aread(a, type, buf) < 0)
            status = buf ? H5_FAIL(r, "reading a string attribute")
                         : DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        for (hssize_t k = 0; status == DIGS_OK && k < count; k++)
            if (!(list[k] = strndup(buf + (size_t)k * size, size)))
                status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        free(buf);
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (a >= 0)
        H5Aclose(a);
    if (status != DIGS_OK) {
        digs_h5md_free_names(list, (int)(count > 0 ? count : 0));
        return status;
    }
    *out = list;
    *n = (int)count;
    return DIGS_OK;
}

int digs_h5md_read_columns(const digs_h5md_reader *r, const char *name,
                           char ***columns, int *n)
{
    *columns = NULL;
    *n = 0;
    char object[OBJECT_PATH_MAX];
    snprintf(object, sizeof object, "/record_observables/%s/value", name);
    if (!digs_h5md_reader_exists(r, object))
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no dataset %s", r->path, object);
    hid_t d = H5Dopen2(r->file, object, H5P_DEFAULT);
    if (d < 0)
        return H5_FAIL(r, "opening a dataset");
    htri_t has = H5Aexists(d, "columns");
    int status = DIGS_OK;
    if (has < 0)
        status = H5_FAIL(r, "looking up an attribute");
    else if (has > 0)
        status = read_string_attr(r, d, "columns", columns, n);
    H5Dclose(d);
    return status;
}
