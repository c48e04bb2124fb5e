/* NumPy .npy reader and writer.
 *
 * Format (numpy/lib/format.py, "NEP 1"): the magic string "\x93NUMPY",
 * one byte major and one byte minor version, then the header length as a
 * little-endian uint16 (version 1.0) or uint32 (2.0, 3.0), then the header:
 * a Python dict literal with the keys 'descr', 'fortran_order' and 'shape',
 * padded with spaces and ended by '\n' so that the data start at a
 * multiple of 64 bytes (numpy >= 1.9 writes 64; older numpy wrote 16).
 * Version 3.0 differs from 2.0 only in allowing UTF-8 in the header.
 * The data follow the header as one contiguous block in C order. */
#include "io/npy.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

enum {
    MAGIC_LEN = 6,
    PREFIX_V1 = 10,          /* magic + version + uint16 length */
    PREFIX_V2 = 12,          /* magic + version + uint32 length */
    ALIGN = 64,              /* numpy's ARRAY_ALIGN */
    MAX_HEADER = 1 << 20,    /* numpy refuses headers above 10 000 bytes
                                by default; 1 MiB is generous */
    STAGE_ELEMS = 8192       /* elements converted per fread/fwrite */
};

static const char MAGIC[MAGIC_LEN] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Little-endian decoding/encoding by bytes: correct on any host. */
static uint32_t get_le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static uint64_t get_le64(const unsigned char *b)
{
    return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

static void put_le32(unsigned char *b, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        b[k] = (unsigned char)(v >> (8 * k));
}

static void put_le64(unsigned char *b, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(v >> (8 * k));
}

/* The parsed header. */
typedef struct npy_header {
    int itemsize;            /* 4 or 8 */
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    int64_t count;           /* product of shape */
} npy_header;

static const char *skip_space(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

/* Find the value of key (quoted with ' or ") in the dict text; NULL if the
 * key is absent.  Returns a pointer just after the ':' and its spaces. */
static const char *find_key(const char *dict, const char *key)
{
    size_t n = strlen(key);
    for (const char *s = dict; (s = strpbrk(s, "'\"")) != NULL; s++) {
        char q = *s;
        if (strncmp(s + 1, key, n) == 0 && s[1 + n] == q) {
            const char *v = skip_space(s + 2 + n);
            if (*v == ':')
                return skip_space(v + 1);
        }
    }
    return NULL;
}

/* Copy a short excerpt of a header value (up to ',' or '}') for messages. */
static void excerpt(const char *v, char *out, size_t size)
{
    size_t k = 0;
    int depth = 0;
    for (; v[k] && k + 1 < size; k++) {
        if (v[k] == '(' || v[k] == '[')
            depth++;
        else if (v[k] == ')' || v[k] == ']')
            depth--;
        else if (depth <= 0 && (v[k] == ',' || v[k] == '}'))
            break;
        out[k] = v[k];
    }
    out[k] = '\0';
}

/* Parse the header dict into h.  Errors name the file. */
static int parse_header(const char *path, const char *dict, npy_header *h)
{
    const char *v = find_key(dict, "descr");
    if (!v)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: no 'descr' key in %s", path,
                         dict);
    char descr[64];
    excerpt(v, descr, sizeof descr);
    if (strncmp(v, "'<f8'", 5) == 0 || strncmp(v, "\"<f8\"", 5) == 0)
        h->itemsize = 8;
    else if (strncmp(v, "'<f4'", 5) == 0 || strncmp(v, "\"<f4\"", 5) == 0)
        h->itemsize = 4;
    else
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: unsupported .npy dtype %s; expected "
                         "little-endian float '<f4' or '<f8'",
                         path, descr);

    v = find_key(dict, "fortran_order");
    if (!v)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: no 'fortran_order' key in %s",
                         path, dict);
    if (strncmp(v, "True", 4) == 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: .npy array is in Fortran order; expected C "
                         "order (save with numpy.ascontiguousarray)",
                         path);
    if (strncmp(v, "False", 5) != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: fortran_order is not True or "
                         "False in %s",
                         path, dict);

    v = find_key(dict, "shape");
    if (!v || *v != '(')
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: no 'shape' tuple in %s", path,
                         dict);
    v = skip_space(v + 1);
    h->ndim = 0;
    h->count = 1;
    while (*v != ')') {
        if (!isdigit((unsigned char)*v))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: shape is not a tuple of "
                             "non-negative integers in %s",
                             path, dict);
        if (h->ndim == DIGS_NPY_MAX_DIMS)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: .npy array has more than %d dimensions",
                             path, DIGS_NPY_MAX_DIMS);
        errno = 0;
        char *end;
        long long n = strtoll(v, &end, 10);
        if (errno == ERANGE)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: shape entry too large in %s",
                             path, dict);
        h->shape[h->ndim++] = n;
        if (n > 0 && h->count > (INT64_MAX / h->itemsize) / n)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: shape overflows in %s",
                             path, dict);
        h->count *= n;
        v = skip_space(end);
        if (*v == ',')
            v = skip_space(v + 1);
        else if (*v != ')')
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: malformed shape in %s",
                             path, dict);
    }
    return DIGS_OK;
}

/* "10000×8 float32" (or "scalar float64") for the truncation message. */
static void describe(const npy_header *h, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    if (h->ndim == 0)
        used = (size_t)snprintf(out, size, "scalar");
    for (int k = 0; k < h->ndim && used < size; k++)
        used += (size_t)snprintf(out + used, size - used, "%s%" PRId64,
                                 k ? "\u00d7" : "", h->shape[k]);
    if (used < size)
        snprintf(out + used, size - used, " float%d", 8 * h->itemsize);
}

/* Read the prefix and header of an open file; on return the stream is at
 * the first data byte and *remaining is the number of bytes after it. */
static int read_header(const char *path, FILE *f, npy_header *h,
                       int64_t *remaining)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot seek: %s", path,
                         strerror(errno));
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot seek: %s", path,
                         strerror(errno));

    unsigned char prefix[PREFIX_V2];
    size_t got = fread(prefix, 1, PREFIX_V1, f);
    if (got < MAGIC_LEN || memcmp(prefix, MAGIC, MAGIC_LEN) != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: not a .npy file (bad magic; expected "
                         "\\x93NUMPY)",
                         path);
    if (got < PREFIX_V1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: file ends after %zu bytes",
                         path, got);
    int major = prefix[6], minor = prefix[7];
    long header_len, data_start;
    if (major == 1 && minor == 0) {
        header_len = (long)prefix[8] | (long)prefix[9] << 8;
        data_start = PREFIX_V1 + header_len;
    } else if ((major == 2 || major == 3) && minor == 0) {
        if (fread(prefix + PREFIX_V1, 1, 2, f) != 2)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: file ends in the prefix",
                             path);
        uint32_t len = get_le32(prefix + 8);
        if (len > MAX_HEADER)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: bad .npy header: header length %" PRIu32
                             " bytes exceeds %d",
                             path, len, MAX_HEADER);
        header_len = (long)len;
        data_start = PREFIX_V2 + header_len;
    } else {
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: unsupported .npy format version %d.%d; "
                         "expected 1.0, 2.0 or 3.0",
                         path, major, minor);
    }
    if (data_start > size)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: truncated: header says it is %ld bytes long, "
                         "file has %ld",
                         path, header_len, size);

    char *dict;
    DIGS_CALLOC(dict, (size_t)header_len + 1);
    if (fread(dict, 1, (size_t)header_len, f) != (size_t)header_len) {
        free(dict);
        return DIGS_FAIL(DIGS_ERR_IO, "%s: read error in the header", path);
    }
    dict[header_len] = '\0';
    if (strlen(dict) != (size_t)header_len) {
        free(dict);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: bad .npy header: NUL byte inside the header",
                         path);
    }
    for (long k = header_len - 1; k >= 0 && isspace((unsigned char)dict[k]); k--)
        dict[k] = '\0';   /* padding and '\n': keep messages on one line */
    int status = parse_header(path, dict, h);
    free(dict);
    if (status != DIGS_OK)
        return status;
    *remaining = (int64_t)(size - data_start);
    return DIGS_OK;
}

/* Convert n little-endian elements of itemsize bytes to doubles. */
static void decode(const unsigned char *in, int itemsize, size_t n,
                   double *out)
{
    if (itemsize == 8) {
        for (size_t k = 0; k < n; k++) {
            uint64_t u = get_le64(in + 8 * k);
            memcpy(&out[k], &u, sizeof u);
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            uint32_t u = get_le32(in + 4 * k);
            float v;
            memcpy(&v, &u, sizeof v);
            out[k] = v;
        }
    }
}

static int read_open(const char *path, FILE *f, double **data, int *ndim,
                     int64_t shape[DIGS_NPY_MAX_DIMS])
{
    npy_header h = {.itemsize = 0};
    int64_t remaining = 0;
    DIGS_CHECK(read_header(path, f, &h, &remaining));
    int64_t need = h.count * h.itemsize;
    if (remaining < need) {
        char what[160];
        describe(&h, what, sizeof what);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: truncated: header says %s = %" PRId64
                         " bytes of data, file has %" PRId64,
                         path, what, need, remaining);
    }
    double *out;
    DIGS_CALLOC(out, h.count);
    unsigned char *stage = malloc((size_t)STAGE_ELEMS * 8);
    if (!stage) {
        free(out);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory reading %s", path);
    }
    for (int64_t done = 0; done < h.count;) {
        size_t n = (size_t)(h.count - done < STAGE_ELEMS ? h.count - done
                                                          : STAGE_ELEMS);
        if (fread(stage, (size_t)h.itemsize, n, f) != n) {
            free(stage);
            free(out);
            return DIGS_FAIL(DIGS_ERR_IO, "%s: read error in the data", path);
        }
        decode(stage, h.itemsize, n, out + done);
        done += (int64_t)n;
    }
    free(stage);
    *data = out;
    *ndim = h.ndim;
    for (int k = 0; k < DIGS_NPY_MAX_DIMS; k++)
        shape[k] = k < h.ndim ? h.shape[k] : 0;
    return DIGS_OK;
}

/* Read a .npy file of '<f4' or '<f8' in C order into a new array of doubles
 * (caller frees *data).  shape[0..ndim) receives the dimensions, the rest
 * is zeroed.  Any caller, any rank; no MPI. */
int digs_npy_read(const char *path, double **data, int *ndim,
                  int64_t shape[DIGS_NPY_MAX_DIMS])
{
    *data = NULL;
    *ndim = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    int status = read_open(path, f, data, ndim, shape);
    fclose(f);
    if (status != DIGS_OK)
        return digs_trace(status, __FILE__, __LINE__);
    return DIGS_OK;
}

/* Build the version-1.0 prefix + header for shape; returns its length
 * (a multiple of ALIGN) or -1 if it does not fit a uint16 length. */
static int build_header(char *buf, size_t size, int ndim,
                        const int64_t *shape, int float32)
{
    char dims[DIGS_NPY_MAX_DIMS * 22 + 4] = "";
    size_t used = 0;
    for (int k = 0; k < ndim; k++)
        used += (size_t)snprintf(dims + used, sizeof dims - used,
                                 "%" PRId64 "%s", shape[k],
                                 ndim == 1 || k + 1 < ndim ? ", " : "");
    if (ndim == 1)
        dims[used - 1] = '\0';   /* "(5,)", numpy's 1-tuple */
    char dict[sizeof dims + 96];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, "
                     "'shape': (%s), }",
                     float32 ? "<f4" : "<f8", dims);
    /* prefix + dict + spaces + '\n' must be a multiple of ALIGN */
    int total = (PREFIX_V1 + n + 1 + ALIGN - 1) / ALIGN * ALIGN;
    int header_len = total - PREFIX_V1;
    if (header_len > 65535 || (size_t)total > size)
        return -1;
    memcpy(buf, MAGIC, MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)(header_len & 0xff);
    buf[9] = (char)(header_len >> 8);
    memcpy(buf + PREFIX_V1, dict, (size_t)n);
    memset(buf + PREFIX_V1 + n, ' ', (size_t)(total - PREFIX_V1 - n - 1));
    buf[total - 1] = '\n';
    return total;
}

static int write_open(const char *path, FILE *f, const double *data,
                      int64_t count, int float32)
{
    int itemsize = float32 ? 4 : 8;
    unsigned char *stage = malloc((size_t)STAGE_ELEMS * 8);
    if (!stage)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory writing %s", path);
    for (int64_t done = 0; done < count;) {
        size_t n = (size_t)(count - done < STAGE_ELEMS ? count - done
                                                        : STAGE_ELEMS);
        for (size_t k = 0; k < n; k++) {
            if (float32) {
                float v = (float)data[done + (int64_t)k];
                uint32_t u;
                memcpy(&u, &v, sizeof u);
                put_le32(stage + 4 * k, u);
            } else {
                uint64_t u;
                memcpy(&u, &data[done + (int64_t)k], sizeof u);
                put_le64(stage + 8 * k, u);
            }
        }
        if (fwrite(stage, (size_t)itemsize, n, f) != n) {
            free(stage);
            return DIGS_FAIL(DIGS_ERR_IO, "%s: write error: %s", path,
                             strerror(errno));
        }
        done += (int64_t)n;
    }
    free(stage);
    return DIGS_OK;
}

/* Write data (C order, shape[0..ndim), 0 <= ndim <= 8) as a version-1.0
 * .npy file of '<f8' (float32 = 0) or '<f4' (float32 = 1, values rounded
 * to float).  The file is created or truncated.  Any caller; no MPI. */
int digs_npy_write(const char *path, const double *data, int ndim,
                   const int64_t *shape, int float32)
{
    if (ndim < 0 || ndim > DIGS_NPY_MAX_DIMS)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "%s: cannot write a .npy array of %d dimensions; "
                         "expected 0 to %d",
                         path, ndim, DIGS_NPY_MAX_DIMS);
    int64_t count = 1;
    for (int k = 0; k < ndim; k++) {
        if (shape[k] < 0 || (shape[k] > 0 && count > INT64_MAX / 8 / shape[k]))
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "%s: bad .npy shape entry %" PRId64, path,
                             shape[k]);
        count *= shape[k];
    }
    char header[1024];
    int header_len = build_header(header, sizeof header, ndim, shape, float32);
    if (header_len < 0)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "%s: .npy header too long", path);

    FILE *f = fopen(path, "wb");
    if (!f)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot create: %s", path,
                         strerror(errno));
    int status = DIGS_OK;
    if (fwrite(header, 1, (size_t)header_len, f) != (size_t)header_len)
        status = DIGS_FAIL(DIGS_ERR_IO, "%s: write error: %s", path,
                           strerror(errno));
    if (status == DIGS_OK)
        status = write_open(path, f, data, count, float32);
    if (fclose(f) != 0 && status == DIGS_OK)
        status = DIGS_FAIL(DIGS_ERR_IO, "%s: write error on close: %s", path,
                           strerror(errno));
    if (status != DIGS_OK)
        return digs_trace(status, __FILE__, __LINE__);
    return DIGS_OK;
}
