/* Parallel H5MD writer: write a small trajectory from known values on any
 * number of ranks, read it back with the plain (serial) HDF5 API and check
 * every value, shape, link and attribute; plus the error paths.
 *
 * Runs under mpirun with any rank count (tests/io/test_h5md_mpi.sh uses 2
 * and 3).  Check runs in CK_NOFORK mode so that all ranks share MPI; the
 * read-back collects mismatches instead of asserting at once, so that a
 * failure on one rank cannot leave the others waiting in a collective.
 *
 * DIGS_TEST_H5MD_OUT=FILE keeps the contiguous-layout file at FILE for
 * tests/io/check_h5md.py (see test_h5md_python.sh). */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <mpi.h>

#include "core/status.h"
#include "io/h5md.h"
#include "../check_mpi.h"

/* 3 chains x 2 particles x 3-D, 5 records buffered 2 at a time. */
enum { N = 3, P = 2, D = 3, R = 5, B = 2, W = 3 };
static const char DECK[] = "[run]\nchains = 3 ; a deck\n\n[output]\nevery = 10\n";

/* Known values; all are exact binary fractions, so comparisons are exact. */
static double pos(int r, int c, int p, int d)
{
    return 1000.0 * r + 100.0 * c + 10.0 * p + d + 0.25;
}
static double energy(int r, int c) { return -(10.0 * r + c) - 0.5; }
static double accept(int r, int c) { return (r + c) / 8.0; }
static double noise(int r, int c) { return 0.125 * r + c; }
static int64_t sweep_of(int r) { return 10 * (r + 1); }
static double time_of(int r) { return 0.5 * (double)sweep_of(r); }
static double step_size(int r, int j) { return r + j / 4.0; }

static int comm_rank(void)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static int comm_size(void)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

/* Chain block of this rank.  even: contiguous blocks over all ranks;
 * otherwise rank 0 holds no chain (when there are other ranks) and the
 * rest split the chains, so the empty-selection path is exercised. */
static void chain_block(int even, long *first, int *count)
{
    int rank = comm_rank(), size = comm_size();
    int r = rank, s = size;
    if (!even && size > 1) {
        if (rank == 0) {
            *first = 0;
            *count = 0;
            return;
        }
        r = rank - 1;
        s = size - 1;
    }
    *first = (long)N * r / s;
    *count = (int)((long)N * (r + 1) / s - *first);
}

/* A path every rank agrees on: $DIGS_TEST_H5MD_OUT (kept) or a fresh
 * temporary directory made by rank 0 (dir non-empty: remove afterwards). */
static void shared_path(int keep_allowed, char *path, char *dir, size_t size)
{
    const char *keep = getenv("DIGS_TEST_H5MD_OUT");
    dir[0] = '\0';
    if (keep_allowed && keep && *keep) {
        snprintf(path, size, "%s", keep);
        return;
    }
    if (comm_rank() == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, size, "%s/digs-h5md-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            dir[0] = '\0';
    }
    MPI_Bcast(dir, (int)size, MPI_CHAR, 0, MPI_COMM_WORLD);
    ck_assert_msg(dir[0], "cannot make a temporary directory");
    snprintf(path, size, "%s/t.h5", dir);
}

static void remove_path(const char *path, const char *dir)
{
    MPI_Barrier(MPI_COMM_WORLD);
    if (comm_rank() == 0 && dir[0]) {
        unlink(path);
        rmdir(dir);
    }
}

/* ---- writing ------------------------------------------------------------ */

static int write_file(const char *path, int even)
{
    long first;
    int n;
    chain_block(even, &first, &n);
    digs_h5md_spec spec = {
        .path = path, .group = "chains", .n_chains = N, .first_chain = first,
        .n_local = n, .n_particles = P, .spatial_dim = D,
        .length_unit = "nm", .energy_unit = "kJ mol-1", .buffer_records = B};
    digs_h5md *h = NULL;
    DIGS_CHECK(digs_h5md_create(&h, MPI_COMM_WORLD, &spec));
    DIGS_CHECK(digs_h5md_set_parameter(h, "deck", DECK));
    DIGS_CHECK(digs_h5md_set_parameter(h, "empty", ""));
    DIGS_CHECK(digs_h5md_add_frame_observable(h, "noise_level"));
    double x[N * P * D], e[N], a[N], extra[N], row[W];
    for (int r = 0; r < R; r++) {
        for (int i = 0; i < n; i++) {
            int c = (int)first + i;
            for (int p = 0; p < P; p++)
                for (int d = 0; d < D; d++)
                    x[(i * P + p) * D + d] = pos(r, c, p, d);
            e[i] = energy(r, c);
            a[i] = accept(r, c);
            extra[i] = noise(r, c);
        }
        DIGS_CHECK(digs_h5md_append(h, sweep_of(r), time_of(r), x, e, a,
                                    extra));
        for (int j = 0; j < W; j++)
            row[j] = step_size(r, j);
        DIGS_CHECK(digs_h5md_append_record(h, "step_size", sweep_of(r), W,
                                           row));
        if (r == 2)   /* a partial buffer: one record written by flush */
            DIGS_CHECK(digs_h5md_flush(h));
        if (digs_h5md_records(h) != r + 1)
            return DIGS_FAIL(DIGS_ERR_INTERNAL, "records() = %" PRId64
                             " after %d appends", digs_h5md_records(h), r + 1);
    }
    DIGS_CHECK(digs_h5md_close(&h));
    if (h)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "close left the handle set");
    return DIGS_OK;
}

/* ---- reading back --------------------------------------------------------- */

typedef struct tally {
    int fails;
    char first[512];
} tally;

static void fail_at(tally *t, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(tally *t, int line, const char *fmt, ...)
{
    if (t->fails++ == 0) {
        int n = snprintf(t->first, sizeof t->first, "line %d: ", line);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->first + n, sizeof t->first - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

#define EXPECT(t, cond, ...)                                                  \
    do {                                                                      \
        if (!(cond))                                                          \
            fail_at((t), __LINE__, __VA_ARGS__);                              \
    } while (0)

/* Read a whole dataset of n elements of memtype; returns 0 on success and
 * fills dims (up to 3). */
static int read_all(hid_t file, const char *name, hid_t memtype, void *buf,
                    size_t n, int *ndim, hsize_t dims[3])
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t space = H5Dget_space(d);
    *ndim = H5Sget_simple_extent_ndims(space);
    int ok = *ndim >= 1 && *ndim <= 3;
    if (ok) {
        H5Sget_simple_extent_dims(space, dims, NULL);
        hsize_t total = 1;
        for (int k = 0; k < *ndim; k++)
            total *= dims[k];
        ok = total == n &&
             H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    }
    H5Sclose(space);
    H5Dclose(d);
    return ok ? 0 : -1;
}

/* A variable-length string attribute; caller frees with H5free_memory. */
static char *read_string_attr(hid_t file, const char *obj, const char *name)
{
    if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
        return NULL;
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char *value = NULL;
    if (H5Aread(a, type, &value) < 0)
        value = NULL;
    H5Tclose(type);
    H5Aclose(a);
    return value;
}

static void expect_string_attr(tally *t, hid_t file, const char *obj,
                               const char *name, const char *want)
{
    char *got = read_string_attr(file, obj, name);
    EXPECT(t, got && !strcmp(got, want), "%s@%s = '%s'; expected '%s'", obj,
           name, got ? got : "(missing)", want);
    if (got)
        H5free_memory(got);
}

static void check_metadata(tally *t, hid_t file)
{
    int version[2] = {0, 0};
    hid_t a = H5Aopen_by_name(file, "h5md", "version", H5P_DEFAULT,
                              H5P_DEFAULT);
    EXPECT(t, a >= 0 && H5Aread(a, H5T_NATIVE_INT, version) >= 0 &&
                  version[0] == 1 && version[1] == 1,
           "h5md@version = [%d, %d]; expected [1, 1]", version[0], version[1]);
    if (a >= 0)
        H5Aclose(a);
    expect_string_attr(t, file, "h5md/creator", "name", "digs");
    expect_string_attr(t, file, "h5md/creator", "version", PACKAGE_VERSION);
    const char *user = getenv("USER");
    expect_string_attr(t, file, "h5md/author", "name",
                       user && *user ? user : "digs user");

    int dim = 0;
    a = H5Aopen_by_name(file, "particles/chains/box", "dimension",
                        H5P_DEFAULT, H5P_DEFAULT);
    EXPECT(t, a >= 0 && H5Aread(a, H5T_NATIVE_INT, &dim) >= 0 && dim == D,
           "box@dimension = %d; expected %d", dim, D);
    if (a >= 0)
        H5Aclose(a);
    a = H5Aopen_by_name(file, "particles/chains/box", "boundary", H5P_DEFAULT,
                        H5P_DEFAULT);
    char *boundary[D] = {NULL};
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    EXPECT(t, space >= 0 && H5Sget_simple_extent_npoints(space) == D &&
                  H5Aread(a, type, boundary) >= 0,
           "box@boundary is not a string array of %d", D);
    for (int k = 0; k < D; k++) {
        EXPECT(t, boundary[k] && !strcmp(boundary[k], "none"),
               "box@boundary[%d] = '%s'", k, boundary[k] ? boundary[k] : "");
        if (boundary[k])
            H5free_memory(boundary[k]);
    }
    if (space >= 0)
        H5Sclose(space);
    H5Tclose(type);
    if (a >= 0)
        H5Aclose(a);

    expect_string_attr(t, file, "particles/chains/position/value", "unit",
                       "nm");
    expect_string_attr(t, file, "observables/potential_energy/value", "unit",
                       "kJ mol-1");
    EXPECT(t, H5Aexists_by_name(file, "observables/acceptance/value", "unit",
                                H5P_DEFAULT) == 0,
           "acceptance has a unit");
}

static void check_parameter(tally *t, hid_t file, const char *name,
                            const char *want)
{
    char path[64];
    snprintf(path, sizeof path, "parameters/%s", name);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    EXPECT(t, d >= 0, "no dataset %s", path);
    if (d < 0)
        return;
    hid_t type = H5Dget_type(d);
    size_t size = H5Tget_size(type);
    char *buf = calloc(size + 1, 1);
    EXPECT(t, H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type) &&
                  H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0,
           "%s is not a fixed-length string", path);
    EXPECT(t, !strcmp(buf, want), "%s = '%s'; expected '%s'", path, buf, want);
    free(buf);
    H5Tclose(type);
    H5Dclose(d);
}

static void check_frames(tally *t, hid_t file)
{
    enum { F = R * N };
    double x[F * P * D], v[F];
    int64_t iv[F];
    int ndim;
    hsize_t dims[3];
    EXPECT(t, read_all(file, "particles/chains/position/value",
                       H5T_NATIVE_DOUBLE, x, F * P * D, &ndim, dims) == 0 &&
                  ndim == 3 && dims[0] == F && dims[1] == P && dims[2] == D,
           "position/value is not [%d][%d][%d]", F, P, D);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < N; c++)
            for (int p = 0; p < P; p++)
                for (int d = 0; d < D; d++) {
                    double got = x[((r * N + c) * P + p) * D + d];
                    EXPECT(t, got == pos(r, c, p, d),
                           "position[%d][%d][%d] = %g; expected %g", r * N + c,
                           p, d, got, pos(r, c, p, d));
                }
    const char *steps[] = {"particles/chains/position/step",
                           "observables/sweep/value"};
    for (int k = 0; k < 2; k++) {
        EXPECT(t, read_all(file, steps[k], H5T_NATIVE_INT64, iv, F, &ndim,
                           dims) == 0 && ndim == 1,
               "%s is not [%d]", steps[k], F);
        for (int f = 0; f < F; f++)
            EXPECT(t, iv[f] == sweep_of(f / N), "%s[%d] = %" PRId64, steps[k],
                   f, iv[f]);
    }
    EXPECT(t, read_all(file, "particles/chains/position/time",
                       H5T_NATIVE_DOUBLE, v, F, &ndim, dims) == 0,
           "position/time is not [%d]", F);
    for (int f = 0; f < F; f++)
        EXPECT(t, v[f] == time_of(f / N), "time[%d] = %g", f, v[f]);
    EXPECT(t, read_all(file, "observables/chain_id/value", H5T_NATIVE_INT64,
                       iv, F, &ndim, dims) == 0,
           "chain_id/value is not [%d]", F);
    for (int f = 0; f < F; f++)
        EXPECT(t, iv[f] == f % N, "chain_id[%d] = %" PRId64, f, iv[f]);

    const char *names[] = {"potential_energy", "acceptance", "noise_level"};
    double (*const fn[])(int, int) = {energy, accept, noise};
    for (int k = 0; k < 3; k++) {
        char path[128];
        snprintf(path, sizeof path, "observables/%s/value", names[k]);
        EXPECT(t, read_all(file, path, H5T_NATIVE_DOUBLE, v, F, &ndim,
                           dims) == 0 && ndim == 1,
               "%s is not [%d]", path, F);
        for (int f = 0; f < F; f++)
            EXPECT(t, v[f] == fn[k](f / N, f % N), "%s[%d] = %g", path, f,
                   v[f]);
    }
    /* every observable's step and time are hard links to position's: the
     * datasets have 1 + 5 links (chain_id, sweep, 3 doubles) */
    const char *shared[] = {"particles/chains/position/step",
                            "particles/chains/position/time"};
    for (int k = 0; k < 2; k++) {
        H5O_info_t info;
        EXPECT(t, H5Oget_info_by_name2(file, shared[k], &info, H5O_INFO_BASIC,
                                       H5P_DEFAULT) >= 0 && info.rc == 6,
               "%s has %u links; expected 6", shared[k], info.rc);
    }
}

static void check_records(tally *t, hid_t file)
{
    double v[R * W];
    int64_t iv[R];
    int ndim;
    hsize_t dims[3];
    EXPECT(t, read_all(file, "record_observables/step_size/value",
                       H5T_NATIVE_DOUBLE, v, R * W, &ndim, dims) == 0 &&
                  ndim == 2 && dims[0] == R && dims[1] == W,
           "step_size/value is not [%d][%d]", R, W);
    for (int r = 0; r < R; r++)
        for (int j = 0; j < W; j++)
            EXPECT(t, v[r * W + j] == step_size(r, j), "step_size[%d][%d] = %g",
                   r, j, v[r * W + j]);
    EXPECT(t, read_all(file, "record_observables/step_size/step",
                       H5T_NATIVE_INT64, iv, R, &ndim, dims) == 0,
           "step_size/step is not [%d]", R);
    for (int r = 0; r < R; r++)
        EXPECT(t, iv[r] == sweep_of(r), "step_size/step[%d] = %" PRId64, r,
               iv[r]);
}

/* Read the file on every rank (serial driver) and agree on the verdict. */
static void read_back(const char *path)
{
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(&t, file >= 0, "cannot open %s", path);
    if (file >= 0) {
        check_metadata(&t, file);
        check_frames(&t, file);
        check_records(&t, file);
        check_parameter(&t, file, "deck", DECK);
        check_parameter(&t, file, "empty", "");
        H5Fclose(file);
    }
    int fails;
    MPI_Allreduce(&t.fails, &fails, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    ck_assert_msg(fails == 0, "%d mismatches over all ranks; here: %s", fails,
                  t.first);
}

static void write_and_check(int even)
{
    char path[512], dir[512];
    shared_path(even, path, dir, sizeof path);
    int status = write_file(path, even);
    ck_assert_msg(status == DIGS_OK, "%s [%s]", digs_error_message(),
                  digs_error_trace());
    MPI_Barrier(MPI_COMM_WORLD);
    read_back(path);
    remove_path(path, dir);
}

START_TEST(test_contiguous_blocks) { write_and_check(1); }
END_TEST

START_TEST(test_rank_without_chains) { write_and_check(0); }
END_TEST

/* ---- errors ----------------------------------------------------------------- */

static digs_h5md_spec small_spec(const char *path)
{
    long first;
    int n;
    chain_block(1, &first, &n);
    return (digs_h5md_spec){.path = path, .group = "chains", .n_chains = N,
                            .first_chain = first, .n_local = n,
                            .n_particles = P, .spatial_dim = D,
                            .buffer_records = B};
}

START_TEST(test_missing_directory)
{
    const char *path = "/nonexistent-digs-dir/sub/t.h5";
    digs_h5md_spec spec = small_spec(path);
    digs_h5md *h = (digs_h5md *)&spec;   /* must be reset to NULL */
    digs_error_clear();
    ck_assert_int_eq(digs_h5md_create(&h, MPI_COMM_WORLD, &spec), DIGS_ERR_IO);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(digs_error_message(),
                     "/nonexistent-digs-dir/sub/t.h5: cannot create trajectory "
                     "file (directory '/nonexistent-digs-dir/sub' does not "
                     "exist)");
    ck_assert_int_eq(digs_h5md_close(&h), DIGS_OK);   /* safe on NULL */
}
END_TEST

/* An existing directory as the file name: HDF5 (MPI-IO) fails, the failure
 * becomes one DIGS_ERR_IO line naming the path, on every rank. */
START_TEST(test_hdf5_failure)
{
    char path[512], dir[512];
    shared_path(0, path, dir, sizeof path);
    digs_h5md_spec spec = small_spec(dir);
    digs_h5md *h = NULL;
    digs_error_clear();
    ck_assert_int_eq(digs_h5md_create(&h, MPI_COMM_WORLD, &spec), DIGS_ERR_IO);
    ck_assert_ptr_null(h);
    char want[600];
    snprintf(want, sizeof want, "%s: cannot create trajectory file (HDF5: ",
             dir);
    ck_assert_msg(strncmp(digs_error_message(), want, strlen(want)) == 0,
                  "%s", digs_error_message());
    ck_assert_ptr_null(strchr(digs_error_message(), '\n'));
    remove_path(path, dir);
}
END_TEST

/* Chain blocks that do not cover n_chains are refused on every rank. */
START_TEST(test_bad_layout)
{
    char path[512], dir[512];
    shared_path(0, path, dir, sizeof path);
    digs_h5md_spec spec = small_spec(path);
    spec.n_chains = N + 1;
    digs_h5md *h = NULL;
    ck_assert_int_eq(digs_h5md_create(&h, MPI_COMM_WORLD, &spec),
                     DIGS_ERR_INTERNAL);
    ck_assert_ptr_null(h);
    char want[600];
    snprintf(want, sizeof want,
             "%s: the ranks' chain blocks hold 3 chains; expected 4", path);
    ck_assert_str_eq(digs_error_message(), want);
    ck_assert_int_eq(access(path, F_OK), -1);   /* nothing was created */
    remove_path(path, dir);
}
END_TEST

/* Misuse is refused with a message and leaves the handle usable. */
START_TEST(test_misuse)
{
    char path[512], dir[512];
    shared_path(0, path, dir, sizeof path);
    digs_h5md_spec spec = small_spec(path);
    digs_h5md *h = NULL;
    ck_assert_int_eq(digs_h5md_create(&h, MPI_COMM_WORLD, &spec), DIGS_OK);
    ck_assert_int_eq(digs_h5md_set_parameter(h, "seed", "1"), DIGS_OK);
    ck_assert_int_eq(digs_h5md_set_parameter(h, "seed", "2"),
                     DIGS_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "already set"));
    ck_assert_int_eq(digs_h5md_set_parameter(h, "a/b", "2"),
                     DIGS_ERR_INTERNAL);
    ck_assert_int_eq(digs_h5md_add_frame_observable(h, "sweep"),
                     DIGS_ERR_INTERNAL);
    double x[N * P * D] = {0}, e[N] = {0}, a[N] = {0}, row[2] = {1, 2};
    ck_assert_int_eq(digs_h5md_append(h, 1, 1.0, x, e, a, NULL), DIGS_OK);
    ck_assert_int_eq(digs_h5md_add_frame_observable(h, "late"),
                     DIGS_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "after the first"));
    ck_assert_int_eq(digs_h5md_append_record(h, "r", 1, 2, row), DIGS_OK);
    ck_assert_int_eq(digs_h5md_append_record(h, "r", 2, 1, row),
                     DIGS_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "width 2; got 1"));
    ck_assert_int_eq(digs_h5md_records(h), 1);
    ck_assert_int_eq(digs_h5md_close(&h), DIGS_OK);
    ck_assert_ptr_null(h);
    remove_path(path, dir);
}
END_TEST

/* Under -fsanitize=address: unwind allocation stacks fully, so that
 * leaks inside Open MPI's dlopen'ed components are traced back to libmpi
 * and suppressed by tests/lsan.supp (with the default fast unwinder their
 * stacks end in "<unknown module>" and cannot be matched).  ASan reads this
 * hook at start-up; ASAN_OPTIONS from the environment still take
 * precedence.  Without ASan the function is unused. */
__attribute__((used)) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("h5md");
    TCase *tc = tcase_create("h5md");
    tcase_add_test(tc, test_contiguous_blocks);
    tcase_add_test(tc, test_rank_without_chains);
    tcase_add_test(tc, test_missing_directory);
    tcase_add_test(tc, test_hdf5_failure);
    tcase_add_test(tc, test_bad_layout);
    tcase_add_test(tc, test_misuse);
    suite_add_tcase(s, tc);
    int status = digs_check_run_mpi(s);
    MPI_Finalize();
    return status;
}
