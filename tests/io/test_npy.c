/* .npy reader and writer: exact round trips, numpy's header layout, the
 * DW-4 reference file (values checked with Debian's python3 + numpy), and
 * one-line errors for truncated, foreign and unsupported files. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "io/npy.h"
#include "../check_run.h"

/* A fresh directory for one test's files (removed by cleanup_dir). */
static void make_dir(char *dir, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/digs-npy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void cleanup_dir(const char *dir, const char *const *names, int n)
{
    char path[512];
    for (int k = 0; k < n; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* A .npy file with the given version and header dict, followed by data. */
static void write_npy_raw(const char *path, int major, const char *dict,
                          const void *data, size_t data_bytes)
{
    unsigned char buf[4096];
    size_t prefix = major == 1 ? 10 : 12;
    size_t len = strlen(dict);
    size_t total = (prefix + len + 1 + 63) / 64 * 64;
    size_t header_len = total - prefix;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t k = 0; k < prefix - 8; k++)
        buf[8 + k] = (unsigned char)(header_len >> (8 * k));
    memcpy(buf + prefix, dict, len);
    memset(buf + prefix + len, ' ', total - prefix - len - 1);
    buf[total - 1] = '\n';
    memcpy(buf + total, data, data_bytes);
    write_bytes(path, buf, total + data_bytes);
}

START_TEST(test_round_trip_f8)
{
    char dir[256], path[300];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a.npy", dir);
    int64_t shape[3] = {3, 4, 2};
    double x[24];
    for (int k = 0; k < 24; k++)
        x[k] = (k - 11.5) * M_PI * pow(10.0, k % 7 - 3);
    x[0] = -0.0;
    x[1] = 1e-310;   /* subnormal */
    x[2] = -1.7976931348623157e308;
    ck_assert_int_eq(digs_npy_write(path, x, 3, shape, 0), DIGS_OK);

    double *y;
    int ndim;
    int64_t got[DIGS_NPY_MAX_DIMS];
    ck_assert_int_eq(digs_npy_read(path, &y, &ndim, got), DIGS_OK);
    ck_assert_int_eq(ndim, 3);
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(got[k], shape[k]);
    ck_assert_int_eq(got[3], 0);
    /* bitwise: float64 is stored without conversion */
    ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
    free(y);
    cleanup_dir(dir, (const char *[]){"a.npy"}, 1);
}
END_TEST

START_TEST(test_round_trip_f4)
{
    char dir[256], path[300];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/b.npy", dir);
    int64_t shape[1] = {5};
    double x[5] = {0.1, -2.5, 1e30, 3.0000001, -7e-20};
    ck_assert_int_eq(digs_npy_write(path, x, 1, shape, 1), DIGS_OK);
    double *y;
    int ndim;
    int64_t got[DIGS_NPY_MAX_DIMS];
    ck_assert_int_eq(digs_npy_read(path, &y, &ndim, got), DIGS_OK);
    ck_assert_int_eq(ndim, 1);
    ck_assert_int_eq(got[0], 5);
    /* float32 storage: exactly the value rounded to float */
    for (int k = 0; k < 5; k++)
        ck_assert(y[k] == (double)(float)x[k]);
    free(y);
    cleanup_dir(dir, (const char *[]){"b.npy"}, 1);
}
END_TEST

/* The header must be byte-identical to numpy's (numpy 1.24:
 * np.save("a.npy", np.zeros((3, 4, 2))) writes this dict, padded with
 * spaces to 118 bytes and '\n', so the data start at byte 128). */
START_TEST(test_header_layout)
{
    char dir[256], path[300];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/c.npy", dir);
    int64_t shape[3] = {3, 4, 2};
    double x[24] = {0};
    ck_assert_int_eq(digs_npy_write(path, x, 3, shape, 0), DIGS_OK);
    unsigned char buf[128 + 24 * 8 + 1];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert_uint_eq(n, 128 + 24 * 8);
    ck_assert_int_eq(memcmp(buf, "\x93NUMPY\x01\x00", 8), 0);
    ck_assert_int_eq(buf[8] | buf[9] << 8, 118);
    const char *dict =
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4, 2), }";
    ck_assert_int_eq(memcmp(buf + 10, dict, strlen(dict)), 0);
    for (size_t k = 10 + strlen(dict); k < 127; k++)
        ck_assert_int_eq(buf[k], ' ');
    ck_assert_int_eq(buf[127], '\n');

    /* 1-D shapes are written as numpy's 1-tuple "(5,)", 0-D as "()" */
    int64_t one[1] = {5};
    ck_assert_int_eq(digs_npy_write(path, x, 1, one, 1), DIGS_OK);
    f = fopen(path, "rb");
    n = fread(buf, 1, 128, f);
    fclose(f);
    ck_assert(strstr((char *)buf + 10,
                     "{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (5,), }") == (char *)buf + 10);
    ck_assert_int_eq(digs_npy_write(path, x, 0, one, 0), DIGS_OK);
    double *y;
    int ndim;
    int64_t got[DIGS_NPY_MAX_DIMS];
    ck_assert_int_eq(digs_npy_read(path, &y, &ndim, got), DIGS_OK);
    ck_assert_int_eq(ndim, 0);
    ck_assert(y[0] == 0.0);
    free(y);
    cleanup_dir(dir, (const char *[]){"c.npy"}, 1);
}
END_TEST

START_TEST(test_versions_2_and_3)
{
    char dir[256], path[300];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/v.npy", dir);
    const float data[3] = {1.5f, -2.25f, 1e-3f};
    for (int major = 2; major <= 3; major++) {
        write_npy_raw(path, major,
                      "{\"descr\": \"<f4\", \"fortran_order\": False, "
                      "\"shape\": (3,)}",
                      data, sizeof data);
        double *y;
        int ndim;
        int64_t got[DIGS_NPY_MAX_DIMS];
        ck_assert_int_eq(digs_npy_read(path, &y, &ndim, got), DIGS_OK);
        ck_assert_int_eq(ndim, 1);
        ck_assert_int_eq(got[0], 3);
        for (int k = 0; k < 3; k++)
            ck_assert(y[k] == (double)data[k]);
        free(y);
    }
    cleanup_dir(dir, (const char *[]){"v.npy"}, 1);
}
END_TEST

/* shared/data/val_split_DW4.npy: REFERENCE.md §11.1 gives the layout
 * ('<f4', 10000 x 8, data at byte 128); the values below were printed with
 * numpy 1.24 (float32 values are exact as doubles, so the comparisons are
 * exact).  The sum over all 80 000 values (numpy, float64 pairwise) is
 * -30195.745214110706; a sequential double sum of the same values differs
 * only by rounding, far below the 1e-9 relative tolerance. */
START_TEST(test_dw4_reference)
{
    const char *shared = getenv("DIGS_SHARED_DIR");
    ck_assert_msg(shared && *shared, "DIGS_SHARED_DIR is not set");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/val_split_DW4.npy", shared);
    double *x;
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    ck_assert_msg(digs_npy_read(path, &x, &ndim, shape) == DIGS_OK, "%s",
                  digs_error_message());
    ck_assert_int_eq(ndim, 2);
    ck_assert_int_eq(shape[0], 10000);
    ck_assert_int_eq(shape[1], 8);
    ck_assert(x[0 * 8 + 0] == -8.9458866119384766);
    ck_assert(x[0 * 8 + 7] == -5.9555082321166992);
    ck_assert(x[1234 * 8 + 5] == -11.902336120605469);
    ck_assert(x[9999 * 8 + 7] == -10.43060302734375);
    double sum = 0;
    for (int k = 0; k < 80000; k++)
        sum += x[k];
    ck_assert_double_eq_tol(sum, -30195.745214110706, 30195.75 * 1e-9);
    free(x);
}
END_TEST

START_TEST(test_truncated_file)
{
    const char *shared = getenv("DIGS_SHARED_DIR");
    ck_assert_msg(shared && *shared, "DIGS_SHARED_DIR is not set");
    char src[1024], dir[256], path[300];
    snprintf(src, sizeof src, "%s/data/val_split_DW4.npy", shared);
    FILE *f = fopen(src, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char buf[128 + 1234];
    ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), sizeof buf);
    fclose(f);
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/short.npy", dir);
    write_bytes(path, buf, sizeof buf);

    double *x = (double *)1;
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    ck_assert_int_eq(digs_npy_read(path, &x, &ndim, shape), DIGS_ERR_INPUT);
    ck_assert_ptr_null(x);
    char want[512];
    snprintf(want, sizeof want,
             "%s: truncated: header says 10000\u00d78 float32 = 320000 bytes "
             "of data, file has 1234",
             path);
    ck_assert_str_eq(digs_error_message(), want);

    /* cut inside the header: still one line naming the file */
    write_bytes(path, buf, 60);
    ck_assert_int_eq(digs_npy_read(path, &x, &ndim, shape), DIGS_ERR_INPUT);
    ck_assert(strstr(digs_error_message(), path) == digs_error_message());
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "truncated"));
    cleanup_dir(dir, (const char *[]){"short.npy"}, 1);
}
END_TEST

/* Each bad file gives one line starting with the path and naming the
 * problem (substring checks keep the test independent of wording). */
static void expect_error(const char *path, int code, const char *needle)
{
    double *x;
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    digs_error_clear();
    ck_assert_int_eq(digs_npy_read(path, &x, &ndim, shape), code);
    const char *msg = digs_error_message();
    ck_assert_msg(strncmp(msg, path, strlen(path)) == 0, "%s", msg);
    ck_assert_msg(strstr(msg, needle) != NULL, "'%s' lacks '%s'", msg, needle);
    ck_assert_ptr_null(strchr(msg, '\n'));
}

START_TEST(test_bad_files)
{
    char dir[256], path[300];
    make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.npy", dir);
    const double d[2] = {1, 2};

    write_bytes(path, "hello, world", 12);
    expect_error(path, DIGS_ERR_INPUT, "bad magic");

    write_npy_raw(path, 1,
                  "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                  d, sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "dtype '>f8'");
    expect_error(path, DIGS_ERR_INPUT, "expected little-endian float");

    write_npy_raw(path, 1,
                  "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                  d, sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "dtype '<i8'");

    write_npy_raw(path, 1,
                  "{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }",
                  d, sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "Fortran order");

    write_npy_raw(path, 1,
                  "{'descr': '<f8', 'fortran_order': False, "
                  "'shape': (1, 1, 1, 1, 1, 1, 1, 1, 2), }",
                  d, sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "more than 8 dimensions");

    write_npy_raw(path, 1, "{'descr': '<f8', 'fortran_order': False, }", d,
                  sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "no 'shape'");

    write_npy_raw(path, 4,
                  "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                  d, sizeof d);
    expect_error(path, DIGS_ERR_INPUT, "version 4.0");

    cleanup_dir(dir, (const char *[]){"bad.npy"}, 1);
    expect_error(path, DIGS_ERR_IO, "cannot open");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npy");
    TCase *tc = tcase_create("npy");
    tcase_add_test(tc, test_round_trip_f8);
    tcase_add_test(tc, test_round_trip_f4);
    tcase_add_test(tc, test_header_layout);
    tcase_add_test(tc, test_versions_2_and_3);
    tcase_add_test(tc, test_dw4_reference);
    tcase_add_test(tc, test_truncated_file);
    tcase_add_test(tc, test_bad_files);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
