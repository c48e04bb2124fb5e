/* The DiKL model file (layout and contract in model.h; doc/file-formats.md
 * "DiKL model file").
 *
 * Serial HDF5 on the calling rank (H5P_DEFAULT access works on the
 * parallel build).  Parameter and Adam groups go through nn/params_io.h;
 * this file writes the /dikl attributes, the deck text and the curves,
 * and makes the write atomic: everything goes to PATH.tmp, which is
 * closed, fsync'ed and renamed over PATH, then the directory is fsync'ed
 * (the same sequence as the checkpoint writer, src/io/checkpoint.c).  A
 * failed write removes PATH.tmp and never touches PATH. */
#include "dikl/model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/status.h"
#include "io/atomic_file.h"
#include "io/h5_error.h"
#include "nn/params_io.h"

enum { PATH_LEN = 4096 };

static const char FORMAT[] = "digs-dikl-model 1";

const char *const dikl_curve_names[DIKL_N_CURVES] = {
    "iteration", "loss_score", "loss_generator", "grad_norm",
    "acceptance", "eta", "metric", "wall"};

/* ---- curves in memory ---------------------------------------------------- */

/* Append one row (values in dikl_curve_names order); the columns grow by
 * doubling.  Called by the trainer once per generator iteration. */
int dikl_curves_append(dikl_curves *c, const double *row)
{
    if (c->n == c->cap) {
        long cap = c->cap ? 2 * c->cap : 64;
        for (int k = 0; k < DIKL_N_CURVES; k++) {
            double *grown = realloc(c->col[k], sizeof(double) * (size_t)cap);
            if (!grown)
                return DIGS_FAIL(DIGS_ERR_MEMORY,
                                 "out of memory (training curves of %ld rows)",
                                 cap);
            c->col[k] = grown;
        }
        c->cap = cap;
    }
    for (int k = 0; k < DIKL_N_CURVES; k++)
        c->col[k][c->n] = row[k];
    c->n++;
    return DIGS_OK;
}

/* Release the columns; c is left empty and reusable. */
void dikl_curves_free(dikl_curves *c)
{
    for (int k = 0; k < DIKL_N_CURVES; k++)
        free(c->col[k]);
    memset(c, 0, sizeof *c);
}

/* ---- small HDF5 helpers (path: the file named in messages) -------------- */

static void close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    if (*id >= 0)
        closer(*id);
    *id = H5I_INVALID_HID;
}

/* "path: writing attribute /dikl/@name failed (HDF5: ...)". */
static int attr_fail(const char *path, const char *name, int line)
{
    char what[128];
    snprintf(what, sizeof what, "writing attribute /dikl/@%s", name);
    return digs_h5_fail(path, what, __FILE__, line);
}

static int put_i64(const char *path, hid_t loc, const char *name, int64_t v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? H5I_INVALID_HID
                           : H5Acreate2(loc, name, H5T_STD_I64LE, space,
                                        H5P_DEFAULT, H5P_DEFAULT);
    herr_t err = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_INT64, &v);
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    if (err < 0)
        return attr_fail(path, name, __LINE__);
    return DIGS_OK;
}

static int put_f64(const char *path, hid_t loc, const char *name, double v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = space < 0 ? H5I_INVALID_HID
                           : H5Acreate2(loc, name, H5T_IEEE_F64LE, space,
                                        H5P_DEFAULT, H5P_DEFAULT);
    herr_t err = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_DOUBLE, &v);
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    if (err < 0)
        return attr_fail(path, name, __LINE__);
    return DIGS_OK;
}

/* A variable-length UTF-8 string attribute (h5py reads it as str). */
static int put_string_attr(const char *path, hid_t loc, const char *name,
                           const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    herr_t err = type < 0 || space < 0 ? -1 : H5Tset_size(type, H5T_VARIABLE);
    if (err >= 0)
        err = H5Tset_cset(type, H5T_CSET_UTF8);
    if (err >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT,
                                       H5P_DEFAULT)) < 0)
        err = -1;
    if (err >= 0)
        err = H5Awrite(attr, type, &value);
    close_id(&attr, H5Aclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    if (err < 0)
        return attr_fail(path, name, __LINE__);
    return DIGS_OK;
}

/* A scalar fixed-length UTF-8 string dataset (as io/h5md.c stores the
 * deck under /parameters). */
static int put_text(const char *path, hid_t loc, const char *name,
                    const char *text)
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
    if (err >= 0)
        err = H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       len ? text : "");
    close_id(&d, H5Dclose);
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    if (err < 0)
        return digs_h5_fail(path, "writing dataset /dikl/deck", __FILE__,
                            __LINE__);
    return DIGS_OK;
}

/* 1-D double dataset /dikl/curves/<name> of n values (n may be 0). */
static int put_column(const char *path, hid_t g, const char *name, long n,
                      const double *v)
{
    hsize_t dims = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dims, NULL);
    hid_t d = space < 0 ? H5I_INVALID_HID
                        : H5Dcreate2(g, name, H5T_IEEE_F64LE, space,
                                     H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t err = d < 0 ? -1 : 0;
    if (err >= 0 && n > 0)
        err = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    close_id(&d, H5Dclose);
    close_id(&space, H5Sclose);
    if (err < 0) {
        char what[256];
        snprintf(what, sizeof what, "writing dataset /dikl/curves/%s", name);
        return digs_h5_fail(path, what, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

/* ---- writing ------------------------------------------------------------- */

static int write_header(const char *path, hid_t g, const dikl_model_state *s)
{
    DIGS_CHECK(put_string_attr(path, g, "format", FORMAT));
    DIGS_CHECK(put_i64(path, g, "iteration", s->iteration));
    DIGS_CHECK(put_i64(path, g, "best_iteration", s->best_iteration));
    DIGS_CHECK(put_f64(path, g, "best_metric", s->best_metric));
    DIGS_CHECK(put_f64(path, g, "eta", s->eta));
    DIGS_CHECK(put_i64(path, g, "rng_draws", s->rng_draws));
    return DIGS_OK;
}

static int write_curves(const char *path, hid_t g, const dikl_curves *c)
{
    hid_t cg = H5Gcreate2(g, "curves", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (cg < 0)
        return digs_h5_fail(path, "creating group /dikl/curves", __FILE__,
                            __LINE__);
    int status = DIGS_OK;
    for (int k = 0; k < DIKL_N_CURVES && status == DIGS_OK; k++)
        status = put_column(path, cg, dikl_curve_names[k], c->n, c->col[k]);
    H5Gclose(cg);
    return status;
}

/* The optional per-level steps /dikl/eta_level (n values). */
static int put_eta_level(const char *path, hid_t g, int n, const double *v)
{
    hsize_t dims = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dims, NULL);
    hid_t d = space < 0 ? H5I_INVALID_HID
                        : H5Dcreate2(g, "eta_level", H5T_IEEE_F64LE, space,
                                     H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t err = d < 0 ? -1
                       : H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                  H5P_DEFAULT, v);
    close_id(&d, H5Dclose);
    close_id(&space, H5Sclose);
    if (err < 0)
        return digs_h5_fail(path, "writing dataset /dikl/eta_level",
                            __FILE__, __LINE__);
    return DIGS_OK;
}

/* Every object of the model into the open file (named tmp in messages).
 * nn_params_write and nn_adam_write name the file themselves. */
static int write_objects(const char *tmp, hid_t file,
                         const dikl_model_state *s)
{
    hid_t g = H5Gcreate2(file, "dikl", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return digs_h5_fail(tmp, "creating group /dikl", __FILE__, __LINE__);
    int status = write_header(tmp, g, s);
    if (status == DIGS_OK)
        status = put_text(tmp, g, "deck", s->deck_text);
    if (status == DIGS_OK)
        status = write_curves(tmp, g, s->curves);
    if (status == DIGS_OK && s->eta_level)
        status = put_eta_level(tmp, g, s->n_levels, s->eta_level);
    H5Gclose(g);
    DIGS_CHECK(status);
    DIGS_CHECK(nn_params_write(s->best, file, "dikl/best"));
    DIGS_CHECK(nn_params_write(s->generator, file, "dikl/generator"));
    if (s->ema)
        DIGS_CHECK(nn_params_write(s->ema, file, "dikl/ema"));
    DIGS_CHECK(nn_params_write(s->score, file, "dikl/score"));
    DIGS_CHECK(nn_adam_write(s->adam_generator, s->generator, file,
                             "dikl/adam_generator"));
    DIGS_CHECK(nn_adam_write(s->adam_score, s->score, file,
                             "dikl/adam_score"));
    return DIGS_OK;
}

/* Write the whole model to path via path.tmp (contract in model.h).
 * Rank 0 only; the trainer calls it every checkpoint_every iterations and
 * at the end of training. */
int dikl_model_save(const char *path, const dikl_model_state *s)
{
    if (!s->deck_text || !s->best || !s->generator || !s->score ||
        !s->adam_generator || !s->adam_score || !s->curves)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: dikl_model_save needs every part of the model "
                         "(a pointer is NULL)",
                         path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char tmp[PATH_LEN];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: model path too long", path);
    hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0)
        return digs_h5_cannot(tmp, "create the model file", __FILE__,
                              __LINE__);
    int status = write_objects(tmp, file, s);
    if (H5Fclose(file) < 0 && status == DIGS_OK)
        status = digs_h5_fail(tmp, "closing the model file", __FILE__,
                              __LINE__);
    if (status == DIGS_OK)
        status = digs_atomic_publish(tmp, path);
    if (status != DIGS_OK) {
        unlink(tmp);
        return digs_trace(status, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

/* ---- reading ------------------------------------------------------------- */

/* Open path read-only and check the format attribute of /dikl. */
static int open_model(const char *path, hid_t *file)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *file = H5I_INVALID_HID;
    if (access(path, R_OK) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open the model file (%s)",
                         path, strerror(errno));
    if (H5Fis_hdf5(path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not an HDF5 file (expected a DiKL model "
                         "file written by `digs run`)",
                         path);
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return digs_h5_cannot(path, "open the model file", __FILE__, __LINE__);
    char format[64] = "";
    hid_t g = H5Lexists(f, "dikl", H5P_DEFAULT) > 0
                  ? H5Gopen2(f, "dikl", H5P_DEFAULT)
                  : H5I_INVALID_HID;
    hid_t attr = g >= 0 && H5Aexists(g, "format") > 0
                     ? H5Aopen(g, "format", H5P_DEFAULT)
                     : H5I_INVALID_HID;
    hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
            char *v = NULL;
            if (H5Aread(attr, type, &v) >= 0 && v)
                snprintf(format, sizeof format, "%s", v);
            if (v)
                H5free_memory(v);
        } else {
            hid_t mem = H5Tcopy(H5T_C_S1);
            H5Tset_size(mem, sizeof format);
            H5Tset_strpad(mem, H5T_STR_NULLTERM);
            H5Tset_cset(mem, H5Tget_cset(type));
            if (H5Aread(attr, mem, format) < 0)
                format[0] = '\0';
            format[sizeof format - 1] = '\0';
            H5Tclose(mem);
        }
    }
    close_id(&type, H5Tclose);
    close_id(&attr, H5Aclose);
    close_id(&g, H5Gclose);
    H5Eclear2(H5E_DEFAULT);
    if (strcmp(format, FORMAT) != 0) {
        H5Fclose(f);
        if (!format[0])
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: not a DiKL model file (no attribute "
                             "/dikl/@format = \"%s\")",
                             path, FORMAT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: /dikl/@format is \"%s\"; expected \"%s\"", path,
                         format, FORMAT);
    }
    *file = f;
    return DIGS_OK;
}

static int get_i64(const char *path, hid_t g, const char *name, long *out)
{
    int64_t v = 0;
    hid_t attr = H5Aexists(g, name) > 0 ? H5Aopen(g, name, H5P_DEFAULT)
                                        : H5I_INVALID_HID;
    herr_t err = attr < 0 ? -1 : H5Aread(attr, H5T_NATIVE_INT64, &v);
    close_id(&attr, H5Aclose);
    if (err < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: missing or non-integer attribute /dikl/@%s",
                         path, name);
    }
    *out = (long)v;
    return DIGS_OK;
}

static int get_f64(const char *path, hid_t g, const char *name, double *out)
{
    hid_t attr = H5Aexists(g, name) > 0 ? H5Aopen(g, name, H5P_DEFAULT)
                                        : H5I_INVALID_HID;
    herr_t err = attr < 0 ? -1 : H5Aread(attr, H5T_NATIVE_DOUBLE, out);
    close_id(&attr, H5Aclose);
    if (err < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: missing or non-numeric attribute /dikl/@%s",
                         path, name);
    }
    return DIGS_OK;
}

/* The scalar string dataset /dikl/deck (fixed or variable length). */
static int get_text(const char *path, hid_t file, char **text)
{
    *text = NULL;
    hid_t d = H5Lexists(file, "dikl/deck", H5P_DEFAULT) > 0
                  ? H5Dopen2(file, "dikl/deck", H5P_DEFAULT)
                  : H5I_INVALID_HID;
    if (d < 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no dataset /dikl/deck", path);
    }
    hid_t type = H5Dget_type(d);
    hid_t space = H5Dget_space(d);
    herr_t err = type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING ||
                         H5Sget_simple_extent_npoints(space) != 1
                     ? -1
                     : 0;
    if (err >= 0 && H5Tis_variable_str(type) > 0) {
        char *v = NULL;
        err = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
        if (err >= 0 && v && !(*text = strdup(v)))
            err = -2;
        if (v)
            H5free_memory(v);
    } else if (err >= 0) {
        size_t len = H5Tget_size(type);
        hid_t mem = H5Tcopy(H5T_C_S1);
        *text = calloc(len + 1, 1);
        err = !*text ? -2 : H5Tset_size(mem, len + 1);
        if (err >= 0)
            err = H5Tset_strpad(mem, H5T_STR_NULLTERM);
        if (err >= 0)   /* HDF5 converts no character sets */
            err = H5Tset_cset(mem, H5Tget_cset(type));
        if (err >= 0)
            err = H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, *text);
        H5Tclose(mem);
    }
    close_id(&space, H5Sclose);
    close_id(&type, H5Tclose);
    close_id(&d, H5Dclose);
    if (err < 0 || !*text) {
        free(*text);
        *text = NULL;
        H5Eclear2(H5E_DEFAULT);
        if (err == -2)
            return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: dataset /dikl/deck is not a scalar string",
                         path);
    }
    return DIGS_OK;
}

/* Length of the 1-D dataset /dikl/curves/<name>, or a message. */
static int column_length(const char *path, hid_t cg, const char *name,
                         long *n)
{
    hid_t d = H5Lexists(cg, name, H5P_DEFAULT) > 0
                  ? H5Dopen2(cg, name, H5P_DEFAULT)
                  : H5I_INVALID_HID;
    hid_t space = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int ndim = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims = 0;
    if (ndim == 1)
        H5Sget_simple_extent_dims(space, &dims, NULL);
    close_id(&space, H5Sclose);
    close_id(&d, H5Dclose);
    H5Eclear2(H5E_DEFAULT);
    if (ndim != 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: dataset /dikl/curves/%s is missing or not "
                         "1-D",
                         path, name);
    *n = (long)dims;
    return DIGS_OK;
}

static int read_column(const char *path, hid_t cg, const char *name,
                       double *out)
{
    hid_t d = H5Dopen2(cg, name, H5P_DEFAULT);
    herr_t err = d < 0 ? -1
                       : H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                 H5P_DEFAULT, out);
    close_id(&d, H5Dclose);
    if (err < 0) {
        char what[256];
        snprintf(what, sizeof what, "read dataset /dikl/curves/%s", name);
        return digs_h5_cannot(path, what, __FILE__, __LINE__);
    }
    return DIGS_OK;
}

/* All columns into a new dikl_curves (every column the same length). */
static int get_curves(const char *path, hid_t file, dikl_curves *c)
{
    memset(c, 0, sizeof *c);
    if (H5Lexists(file, "dikl/curves", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no group /dikl/curves", path);
    }
    hid_t cg = H5Gopen2(file, "dikl/curves", H5P_DEFAULT);
    if (cg < 0)
        return digs_h5_cannot(path, "open group /dikl/curves", __FILE__,
                              __LINE__);
    long n = 0;
    int status = column_length(path, cg, dikl_curve_names[0], &n);
    for (int k = 1; k < DIKL_N_CURVES && status == DIGS_OK; k++) {
        long nk;
        status = column_length(path, cg, dikl_curve_names[k], &nk);
        if (status == DIGS_OK && nk != n)
            status = DIGS_FAIL(DIGS_ERR_INPUT,
                               "%s: dataset /dikl/curves/%s has %ld rows; "
                               "/dikl/curves/%s has %ld",
                               path, dikl_curve_names[k], nk,
                               dikl_curve_names[0], n);
    }
    for (int k = 0; k < DIKL_N_CURVES && status == DIGS_OK; k++) {
        c->col[k] = malloc(sizeof(double) * (size_t)(n ? n : 1));
        if (!c->col[k])
            status = DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
        else if (n > 0)
            status = read_column(path, cg, dikl_curve_names[k], c->col[k]);
    }
    H5Gclose(cg);
    if (status != DIGS_OK) {
        dikl_curves_free(c);
        return status;
    }
    c->n = c->cap = n;
    return DIGS_OK;
}

/* /dikl/eta_level into a new array *out of n values if the file has it
 * (else *out = NULL); a length other than n is an error. */
static int get_eta_level(const char *path, hid_t file, int n, double **out)
{
    *out = NULL;
    if (H5Lexists(file, "dikl/eta_level", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return DIGS_OK;
    }
    hid_t d = H5Dopen2(file, "dikl/eta_level", H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int ndim = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims = 0;
    if (ndim == 1)
        H5Sget_simple_extent_dims(space, &dims, NULL);
    close_id(&space, H5Sclose);
    herr_t err = -1;
    double *v = NULL;
    if (ndim == 1 && dims == (hsize_t)n && n > 0
        && (v = malloc(sizeof(double) * (size_t)n)))
        err = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                      v);
    close_id(&d, H5Dclose);
    H5Eclear2(H5E_DEFAULT);
    if (err < 0) {
        free(v);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: dataset /dikl/eta_level is not a readable "
                         "1-D array of %d values (one per schedule level "
                         "of the deck's T)", path, n);
    }
    *out = v;
    return DIGS_OK;
}

/* Restore a checkpoint (contract in model.h).  Everything is checked and
 * read into scratch first where it can be: the curves and scalars are
 * replaced only after every parameter and Adam group was read.  A shape
 * mismatch in a later group can leave an earlier group already restored;
 * the caller treats any failure as fatal.  Rank 0 only. */
int dikl_model_load(const char *path, dikl_model_state *s)
{
    hid_t file;
    DIGS_CHECK(open_model(path, &file));
    hid_t g = H5Gopen2(file, "dikl", H5P_DEFAULT);
    long iteration = 0, best_iteration = 0, rng_draws = 0;
    double best_metric = 0, eta = 0;
    dikl_curves curves = {0};
    double *eta_level = NULL;
    int status = g < 0 ? digs_h5_cannot(path, "open group /dikl", __FILE__,
                                        __LINE__)
                       : DIGS_OK;
    if (status == DIGS_OK)
        status = get_i64(path, g, "iteration", &iteration);
    if (status == DIGS_OK)
        status = get_i64(path, g, "best_iteration", &best_iteration);
    if (status == DIGS_OK)
        status = get_f64(path, g, "best_metric", &best_metric);
    if (status == DIGS_OK)
        status = get_f64(path, g, "eta", &eta);
    if (status == DIGS_OK)
        status = get_i64(path, g, "rng_draws", &rng_draws);
    close_id(&g, H5Gclose);
    if (status == DIGS_OK)
        status = get_curves(path, file, &curves);
    if (status == DIGS_OK && s->eta_level)
        status = get_eta_level(path, file, s->n_levels, &eta_level);
    if (status == DIGS_OK)
        status = nn_params_read(s->best, file, "dikl/best");
    if (status == DIGS_OK)
        status = nn_params_read(s->generator, file, "dikl/generator");
    if (status == DIGS_OK && s->ema)
        status = nn_params_read(s->ema, file, "dikl/ema");
    if (status == DIGS_OK)
        status = nn_params_read(s->score, file, "dikl/score");
    if (status == DIGS_OK)
        status = nn_adam_read(s->adam_generator, s->generator, file,
                              "dikl/adam_generator");
    if (status == DIGS_OK)
        status = nn_adam_read(s->adam_score, s->score, file,
                              "dikl/adam_score");
    H5Fclose(file);
    if (status != DIGS_OK) {
        dikl_curves_free(&curves);
        free(eta_level);
        return digs_trace(status, __FILE__, __LINE__);
    }
    s->has_eta_level = eta_level != NULL;
    if (eta_level)
        memcpy(s->eta_level, eta_level, sizeof(double) * (size_t)s->n_levels);
    free(eta_level);
    s->iteration = iteration;
    s->best_iteration = best_iteration;
    s->best_metric = best_metric;
    s->eta = eta;
    s->rng_draws = rng_draws;
    dikl_curves_free(s->curves);
    *s->curves = curves;
    return DIGS_OK;
}

/* The stored deck text (caller frees).  Called by `digs sample` and
 * `digs analyze` on rank 0. */
int dikl_model_read_deck(const char *path, char **deck_text)
{
    hid_t file;
    DIGS_CHECK(open_model(path, &file));
    int status = get_text(path, file, deck_text);
    H5Fclose(file);
    return status;
}

/* /dikl/best into p (the generator registry built from the stored deck). */
int dikl_model_read_best(const char *path, nn_params *p)
{
    hid_t file;
    DIGS_CHECK(open_model(path, &file));
    int status = nn_params_read(p, file, "dikl/best");
    H5Fclose(file);
    return status;
}

/* The training curves into c (its previous columns are not freed: pass an
 * empty or freed dikl_curves). */
int dikl_model_read_curves(const char *path, dikl_curves *c)
{
    hid_t file;
    DIGS_CHECK(open_model(path, &file));
    int status = get_curves(path, file, c);
    H5Fclose(file);
    return status;
}
