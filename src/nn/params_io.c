#include "nn/params_io.h"

#include <stdio.h>
#include <string.h>

#include "core/status.h"

#ifdef NN_REAL_DOUBLE
#define NN_H5_MEM H5T_NATIVE_DOUBLE
#define NN_H5_FILE H5T_IEEE_F64LE
#else
#define NN_H5_MEM H5T_NATIVE_FLOAT
#define NN_H5_FILE H5T_IEEE_F32LE
#endif

#define PARAMS_FORMAT "digs-nn-params 1"
#define ADAM_FORMAT "digs-nn-adam 1"

/* Name of the file behind loc, for messages. */
static const char *file_of(hid_t loc, char *buf, size_t size)
{
    if (H5Fget_name(loc, buf, size) < 0)
        snprintf(buf, size, "(unknown file)");
    return buf;
}

/* 1 if every component of path exists below loc, 0 otherwise. */
static int path_exists(hid_t loc, const char *path)
{
    char part[1024];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof part)
        return 0;
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(part, path, i);
        part[i] = '\0';
        if (H5Lexists(loc, part, H5P_DEFAULT) <= 0)
            return 0;
    }
    return 1;
}

static int create_group(hid_t loc, const char *path, hid_t *out)
{
    char fn[512];
    if (path_exists(loc, path))
        return DIGS_FAIL(DIGS_ERR_IO, "%s: group '%s' already exists",
                         file_of(loc, fn, sizeof fn), path);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    *out = H5Gcreate2(loc, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (*out < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create group '%s'",
                         file_of(loc, fn, sizeof fn), path);
    return DIGS_OK;
}

static int open_group(hid_t loc, const char *path, hid_t *out)
{
    char fn[512];
    if (!path_exists(loc, path))
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no group '%s'",
                         file_of(loc, fn, sizeof fn), path);
    *out = H5Gopen2(loc, path, H5P_DEFAULT);
    if (*out < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open group '%s'",
                         file_of(loc, fn, sizeof fn), path);
    return DIGS_OK;
}

static int write_attr(hid_t obj, const char *name, hid_t file_type,
                      hid_t mem_type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT,
                            H5P_DEFAULT);
    herr_t st = attr < 0 ? -1 : H5Awrite(attr, mem_type, value);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    if (st < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "cannot write HDF5 attribute '%s'",
                         name);
    return DIGS_OK;
}

static int write_i64(hid_t obj, const char *name, long long v)
{
    return write_attr(obj, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &v);
}

static int write_f64(hid_t obj, const char *name, double v)
{
    return write_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static int write_str(hid_t obj, const char *name, const char *v)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, strlen(v) + 1);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    int st = write_attr(obj, name, type, type, v);
    H5Tclose(type);
    return st;
}

static int read_attr(hid_t obj, const char *where, const char *name,
                     hid_t mem_type, void *value)
{
    if (H5Aexists(obj, name) <= 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s lacks attribute '%s'", where,
                         name);
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    herr_t st = attr < 0 ? -1 : H5Aread(attr, mem_type, value);
    if (attr >= 0)
        H5Aclose(attr);
    if (st < 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot read attribute '%s'",
                         where, name);
    return DIGS_OK;
}

static int read_str(hid_t obj, const char *where, const char *name,
                    char *buf, size_t size)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, size);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    int st = read_attr(obj, where, name, type, buf);
    H5Tclose(type);
    buf[size - 1] = '\0';
    return st;
}

/* Attribute shape = the tensor's dims (int64[ndim]), beside the
 * dataspace, for readers that list attributes only. */
static int write_shape(hid_t ds, const nn_tensor *t)
{
    hsize_t n = (hsize_t)t->ndim;
    long long dims[2] = {t->dims[0], t->dims[1]};
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t attr = H5Acreate2(ds, "shape", H5T_STD_I64LE, space, H5P_DEFAULT,
                            H5P_DEFAULT);
    herr_t st = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_LLONG, dims);
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    if (st < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "cannot write shape of '%s'", t->name);
    return DIGS_OK;
}

/* Write one dataset per selected tensor: trainable ones from `values`,
 * frozen ones from `buffers` (skipped when NULL). */
static int write_tensors(hid_t grp, const nn_params *p, const nn_real *values,
                         const nn_real *buffers)
{
    for (int i = 0; i < p->n_tensors; i++) {
        const nn_tensor *t = &p->tensors[i];
        const nn_real *src = t->trainable ? values : buffers;
        if (!src)
            continue;
        hsize_t dims[2] = {(hsize_t)t->dims[0], (hsize_t)t->dims[1]};
        hid_t space = H5Screate_simple(t->ndim, dims, NULL);
        hid_t ds = H5Dcreate2(grp, t->name, NN_H5_FILE, space, H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
        herr_t st = ds < 0 ? -1
                           : H5Dwrite(ds, NN_H5_MEM, H5S_ALL, H5S_ALL,
                                      H5P_DEFAULT, src + t->offset);
        H5Sclose(space);
        if (st < 0) {
            if (ds >= 0)
                H5Dclose(ds);
            return DIGS_FAIL(DIGS_ERR_IO, "cannot write dataset '%s'",
                             t->name);
        }
        int rc = write_str(ds, "layer", t->layer);
        if (rc == DIGS_OK)
            rc = write_i64(ds, "trainable", t->trainable);
        if (rc == DIGS_OK)
            rc = write_shape(ds, t);
        H5Dclose(ds);
        DIGS_CHECK(rc);
    }
    return DIGS_OK;
}

static void shape_text(char *buf, size_t size, int ndim, const hsize_t *d)
{
    if (ndim == 1)
        snprintf(buf, size, "[%llu]", (unsigned long long)d[0]);
    else if (ndim == 2)
        snprintf(buf, size, "[%llu][%llu]", (unsigned long long)d[0],
                 (unsigned long long)d[1]);
    else
        snprintf(buf, size, "(rank %d)", ndim);
}

/* Check that grp (named `where`) holds every selected tensor with p's
 * shape, before anything is read. */
static int check_tensors(hid_t grp, const char *where, const nn_params *p,
                         int with_buffers)
{
    for (int i = 0; i < p->n_tensors; i++) {
        const nn_tensor *t = &p->tensors[i];
        if (!t->trainable && !with_buffers)
            continue;
        hsize_t want[2] = {(hsize_t)t->dims[0], (hsize_t)t->dims[1]};
        char ws[64], hs[64];
        shape_text(ws, sizeof ws, t->ndim, want);
        if (H5Lexists(grp, t->name, H5P_DEFAULT) <= 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s lacks dataset '%s' (the network expects "
                             "shape %s)",
                             where, t->name, ws);
        hid_t ds = H5Dopen2(grp, t->name, H5P_DEFAULT);
        if (ds < 0)
            return DIGS_FAIL(DIGS_ERR_INPUT, "%s: cannot open dataset '%s'",
                             where, t->name);
        hid_t space = H5Dget_space(ds);
        hsize_t have[8] = {0};
        int ndim = H5Sget_simple_extent_ndims(space);
        if (ndim > 0 && ndim <= 8)
            H5Sget_simple_extent_dims(space, have, NULL);
        H5Sclose(space);
        H5Dclose(ds);
        int same = ndim == t->ndim && have[0] == want[0]
                   && (t->ndim == 1 || have[1] == want[1]);
        if (!same) {
            shape_text(hs, sizeof hs, ndim, have);
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: dataset '%s' has shape %s, the network "
                             "expects %s",
                             where, t->name, hs, ws);
        }
    }
    return DIGS_OK;
}

static int read_tensors(hid_t grp, const char *where, const nn_params *p,
                        nn_real *values, nn_real *buffers)
{
    for (int i = 0; i < p->n_tensors; i++) {
        const nn_tensor *t = &p->tensors[i];
        nn_real *dst = t->trainable ? values : buffers;
        if (!dst)
            continue;
        hid_t ds = H5Dopen2(grp, t->name, H5P_DEFAULT);
        herr_t st = ds < 0 ? -1
                           : H5Dread(ds, NN_H5_MEM, H5S_ALL, H5S_ALL,
                                     H5P_DEFAULT, dst + t->offset);
        if (ds >= 0)
            H5Dclose(ds);
        if (st < 0)
            return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot read dataset '%s'",
                             where, t->name);
    }
    return DIGS_OK;
}

static int params_write_group(const nn_params *p, hid_t grp)
{
    DIGS_CHECK(write_str(grp, "format", PARAMS_FORMAT));
    DIGS_CHECK(write_str(grp, "real", NN_REAL_NAME));
    DIGS_CHECK(write_i64(grp, "n_params", (long long)p->n));
    DIGS_CHECK(write_i64(grp, "n_buffers", (long long)p->n_buf));
    DIGS_CHECK(write_i64(grp, "n_tensors", p->n_tensors));
    return write_tensors(grp, p, p->value, p->buf);
}

int nn_params_write(const nn_params *p, hid_t loc, const char *group)
{
    hid_t grp;
    DIGS_CHECK(create_group(loc, group, &grp));
    int rc = params_write_group(p, grp);
    H5Gclose(grp);
    return rc == DIGS_OK ? rc : digs_trace(rc, __FILE__, __LINE__);
}

static int params_read_group(nn_params *p, hid_t grp, const char *where)
{
    char format[64];
    DIGS_CHECK(read_str(grp, where, "format", format, sizeof format));
    if (strcmp(format, PARAMS_FORMAT) != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s has format '%s', expected '%s'",
                         where, format, PARAMS_FORMAT);
    long long n_tensors = 0;
    DIGS_CHECK(read_attr(grp, where, "n_tensors", H5T_NATIVE_LLONG,
                         &n_tensors));
    if (n_tensors != p->n_tensors)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s holds %lld tensors, the network has %d "
                         "(different architecture)",
                         where, n_tensors, p->n_tensors);
    DIGS_CHECK(check_tensors(grp, where, p, 1));
    return read_tensors(grp, where, p, p->value, p->buf);
}

int nn_params_read(nn_params *p, hid_t loc, const char *group)
{
    char fn[512], where[1100];
    snprintf(where, sizeof where, "%s: group '%s'", file_of(loc, fn, sizeof fn),
             group);
    hid_t grp;
    DIGS_CHECK(open_group(loc, group, &grp));
    int rc = params_read_group(p, grp, where);
    H5Gclose(grp);
    return rc == DIGS_OK ? rc : digs_trace(rc, __FILE__, __LINE__);
}

static int adam_write_group(const nn_adam *a, const nn_params *p, hid_t grp)
{
    DIGS_CHECK(write_str(grp, "format", ADAM_FORMAT));
    DIGS_CHECK(write_i64(grp, "step", a->step));
    DIGS_CHECK(write_f64(grp, "lr", a->lr));
    DIGS_CHECK(write_f64(grp, "beta1", a->beta1));
    DIGS_CHECK(write_f64(grp, "beta2", a->beta2));
    DIGS_CHECK(write_f64(grp, "eps", a->eps));
    DIGS_CHECK(write_i64(grp, "n_params", (long long)a->n));
    const char *names[2] = {"m", "v"};
    const nn_real *src[2] = {a->m, a->v};
    for (int k = 0; k < 2; k++) {
        hid_t sub;
        DIGS_CHECK(create_group(grp, names[k], &sub));
        int rc = write_tensors(sub, p, src[k], NULL);
        H5Gclose(sub);
        DIGS_CHECK(rc);
    }
    return DIGS_OK;
}

int nn_adam_write(const nn_adam *a, const nn_params *p, hid_t loc,
                  const char *group)
{
    if (a->n != p->n)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "Adam holds %zu moments, registry %zu parameters",
                         a->n, p->n);
    hid_t grp;
    DIGS_CHECK(create_group(loc, group, &grp));
    int rc = adam_write_group(a, p, grp);
    H5Gclose(grp);
    return rc == DIGS_OK ? rc : digs_trace(rc, __FILE__, __LINE__);
}

static int adam_read_group(nn_adam *a, const nn_params *p, hid_t grp,
                           const char *where)
{
    char format[64];
    DIGS_CHECK(read_str(grp, where, "format", format, sizeof format));
    if (strcmp(format, ADAM_FORMAT) != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s has format '%s', expected '%s'",
                         where, format, ADAM_FORMAT);
    long long n = 0, step = 0;
    double lr, b1, b2, eps;
    DIGS_CHECK(read_attr(grp, where, "n_params", H5T_NATIVE_LLONG, &n));
    if (n < 0 || (size_t)n != a->n || a->n != p->n)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s holds moments of %lld parameters, the network "
                         "has %zu",
                         where, n, p->n);
    DIGS_CHECK(read_attr(grp, where, "step", H5T_NATIVE_LLONG, &step));
    DIGS_CHECK(read_attr(grp, where, "lr", H5T_NATIVE_DOUBLE, &lr));
    DIGS_CHECK(read_attr(grp, where, "beta1", H5T_NATIVE_DOUBLE, &b1));
    DIGS_CHECK(read_attr(grp, where, "beta2", H5T_NATIVE_DOUBLE, &b2));
    DIGS_CHECK(read_attr(grp, where, "eps", H5T_NATIVE_DOUBLE, &eps));
    hid_t sub[2] = {-1, -1};
    char wsub[2][1200];
    const char *names[2] = {"m", "v"};
    int rc = DIGS_OK;
    for (int k = 0; k < 2 && rc == DIGS_OK; k++) {
        snprintf(wsub[k], sizeof wsub[k], "%s/%s", where, names[k]);
        rc = open_group(grp, names[k], &sub[k]);
        if (rc == DIGS_OK)
            rc = check_tensors(sub[k], wsub[k], p, 0);
    }
    if (rc == DIGS_OK)
        rc = read_tensors(sub[0], wsub[0], p, a->m, NULL);
    if (rc == DIGS_OK)
        rc = read_tensors(sub[1], wsub[1], p, a->v, NULL);
    for (int k = 0; k < 2; k++)
        if (sub[k] >= 0)
            H5Gclose(sub[k]);
    DIGS_CHECK(rc);
    a->step = step;
    a->lr = lr;
    a->beta1 = b1;
    a->beta2 = b2;
    a->eps = eps;
    return DIGS_OK;
}

int nn_adam_read(nn_adam *a, const nn_params *p, hid_t loc, const char *group)
{
    char fn[512], where[1100];
    snprintf(where, sizeof where, "%s: group '%s'", file_of(loc, fn, sizeof fn),
             group);
    hid_t grp;
    DIGS_CHECK(open_group(loc, group, &grp));
    int rc = adam_read_group(a, p, grp, where);
    H5Gclose(grp);
    return rc == DIGS_OK ? rc : digs_trace(rc, __FILE__, __LINE__);
}
