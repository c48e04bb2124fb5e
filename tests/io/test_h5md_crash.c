/* Crash safety and continuation of the H5MD writer (io/h5md.h).
 *
 * A SIGKILL leaves on disk exactly the bytes the process had handed to
 * the kernel, so copying the file while the writer is between two calls
 * is what a kill at that moment leaves behind.  The test writes and
 * flushes F records (copy 1), appends G more without flushing (200
 * collective writes, each extending every dataset), and copies the file
 * again (copy 2, the kill).  It checks
 *   - byte level: every byte of copy 1 that differs in copy 2 lies inside
 *     a raw-data chunk of copy 1, i.e. no metadata was written between
 *     the flushes.  (This small run does not fill HDF5's default cache,
 *     so it would pass with default settings too; the settings matter
 *     under cache pressure: a run with 10^5 chunk insertions changed 189
 *     metadata bytes between flushes with the defaults and none with the
 *     writer's settings, doc/checkpoint.md.  The check guards the
 *     invariant against regressions such as a forced flush in between.)
 *   - copy 2 opens with plain serial HDF5 and holds exactly the F flushed
 *     records and their per-record rows, bit for bit.
 * It then
 * continues the copy with digs_h5md_open_append from an earlier record
 * (as a restart from a checkpoint does), on a different chain layout, and
 * checks the whole result.  Plus the error paths of open_append.
 *
 * Runs on any rank count (tests/io/test_h5md_mpi.sh: 2 and 3).  Values are
 * exact binary fractions, so every comparison is exact. */
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

/* 5 chains of 1 particle in 2-D; records buffered 3 at a time.  F records
 * flushed, then G more appended without a flush (the kill), then the copy
 * continued from record K < F with M more records. */
enum { N = 5, P = 1, D = 2, B = 3, F = 10, G = 600, K = 7, M = 6, W = 2 };
static const char *const COLUMNS[W] = {"level0", "level1"};

static double pos(int r, int c, int d) { return 1000.0 * r + 10.0 * c + d + 0.25; }
static double energy(int r, int c) { return -(r + c / 8.0); }
static double accept(int r, int c) { return r + c / 16.0; }
static double noise(int r, int c) { return 0.5 * r + c; }
static double rowv(int r, int j) { return r + 0.5 * j + 0.125; }
static int64_t sweep_of(int r) { return 4 * (int64_t)(r + 1); }

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

/* even: contiguous blocks over all ranks; otherwise the last rank holds
 * no chain (when there are others), so the layout differs on restart. */
static void chain_block(int even, long *first, int *count)
{
    int rank = comm_rank(), size = comm_size();
    if (!even && size > 1) {
        if (rank == size - 1) {
            *first = N;
            *count = 0;
            return;
        }
        size--;
    }
    *first = (long)N * rank / size;
    *count = (int)((long)N * (rank + 1) / size - *first);
}

static digs_h5md_spec spec_of(const char *path, int even)
{
    long first;
    int n;
    chain_block(even, &first, &n);
    if (n == 0)
        first = 0;
    return (digs_h5md_spec){.path = path, .group = "chains", .n_chains = N,
                            .first_chain = first, .n_local = n,
                            .n_particles = P, .spatial_dim = D,
                            .length_unit = "nm", .energy_unit = "kJ mol-1",
                            .buffer_records = B};
}

/* Append records r0 .. r1-1 of this rank's chains (with the declared
 * frame observable "noise"), one row of "acc" each. */
static int append_records(digs_h5md *h, const digs_h5md_spec *s, int r0,
                          int r1)
{
    double x[N * P * D], e[N], a[N], z[N], row[W];
    for (int r = r0; r < r1; r++) {
        for (int i = 0; i < s->n_local; i++) {
            int c = (int)s->first_chain + i;
            for (int d = 0; d < D; d++)
                x[i * D + d] = pos(r, c, d);
            e[i] = energy(r, c);
            a[i] = accept(r, c);
            z[i] = noise(r, c);
        }
        DIGS_CHECK(digs_h5md_append(h, sweep_of(r), (double)sweep_of(r), x, e,
                                    a, z));
        for (int j = 0; j < W; j++)
            row[j] = rowv(r, j);
        DIGS_CHECK(digs_h5md_append_record(h, "acc", sweep_of(r), W, row));
    }
    return DIGS_OK;
}

/* Rank 0 copies src to dst byte for byte: what a kill now leaves. */
static void snapshot(const char *src, const char *dst)
{
    int ok = 1;
    if (comm_rank() == 0) {
        FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
        char buf[65536];
        size_t n;
        ok = in && out;
        while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
            ok = fwrite(buf, 1, n, out) == n;
        if (in)
            fclose(in);
        if (out && fclose(out) != 0)
            ok = 0;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    ck_assert_msg(ok, "cannot copy %s to %s", src, dst);
}

/* ---- reading back (serial HDF5, every rank) ----------------------------- */

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

/* Read a whole dataset (n elements expected) into buf; 0 on success. */
static int read_all(hid_t file, const char *name, hid_t memtype, void *buf,
                    size_t n, hsize_t *rows)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t space = H5Dget_space(d);
    hsize_t dims[3] = {0, 0, 0};
    int ndim = H5Sget_simple_extent_ndims(space);
    int ok = ndim >= 1 && ndim <= 3;
    hsize_t total = 1;
    if (ok) {
        H5Sget_simple_extent_dims(space, dims, NULL);
        for (int k = 0; k < ndim; k++)
            total *= dims[k];
    }
    *rows = dims[0];
    ok = ok && total == n &&
         (n == 0 || H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(space);
    H5Dclose(d);
    return ok ? 0 : -1;
}

/* The file holds records 0 .. R-1 and R rows of "acc", exactly. */
static void check_file(tally *t, const char *path, int R)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(t, file >= 0, "cannot open %s with serial HDF5", path);
    if (file < 0)
        return;
    size_t frames = (size_t)R * N;
    double *x = calloc(frames * P * D + 1, sizeof *x);
    double *v = calloc(frames + 1, sizeof *v);
    int64_t *iv = calloc(frames + 1, sizeof *iv);
    hsize_t rows = 0;
    EXPECT(t, read_all(file, "particles/chains/position/value",
                       H5T_NATIVE_DOUBLE, x, frames * P * D, &rows) == 0,
           "%s: position/value has %llu frames; expected %zu", path,
           (unsigned long long)rows, frames);
    for (size_t f = 0; f < frames && !t->fails; f++)
        for (int d = 0; d < D; d++)
            EXPECT(t, x[f * D + d] == pos((int)(f / N), (int)(f % N), d),
                   "%s: position[%zu][%d] = %g", path, f, d, x[f * D + d]);
    const char *steps[] = {"particles/chains/position/step",
                           "observables/sweep/value"};
    for (int k = 0; k < 2; k++) {
        EXPECT(t, read_all(file, steps[k], H5T_NATIVE_INT64, iv, frames,
                           &rows) == 0,
               "%s: %s has %llu rows", path, steps[k],
               (unsigned long long)rows);
        for (size_t f = 0; f < frames && !t->fails; f++)
            EXPECT(t, iv[f] == sweep_of((int)(f / N)), "%s: %s[%zu] = %" PRId64,
                   path, steps[k], f, iv[f]);
    }
    EXPECT(t, read_all(file, "observables/chain_id/value", H5T_NATIVE_INT64,
                       iv, frames, &rows) == 0,
           "%s: chain_id has %llu rows", path, (unsigned long long)rows);
    for (size_t f = 0; f < frames && !t->fails; f++)
        EXPECT(t, iv[f] == (int64_t)(f % N), "%s: chain_id[%zu]", path, f);
    const char *obs[] = {"observables/potential_energy/value",
                         "observables/acceptance/value",
                         "observables/noise/value"};
    double (*const fn[])(int, int) = {energy, accept, noise};
    for (int k = 0; k < 3; k++) {
        EXPECT(t, read_all(file, obs[k], H5T_NATIVE_DOUBLE, v, frames,
                           &rows) == 0,
               "%s: %s has %llu rows", path, obs[k], (unsigned long long)rows);
        for (size_t f = 0; f < frames && !t->fails; f++)
            EXPECT(t, v[f] == fn[k]((int)(f / N), (int)(f % N)),
                   "%s: %s[%zu] = %g", path, obs[k], f, v[f]);
    }
    double *rv = calloc((size_t)R * W + 1, sizeof *rv);
    EXPECT(t, read_all(file, "record_observables/acc/value", H5T_NATIVE_DOUBLE,
                       rv, (size_t)R * W, &rows) == 0,
           "%s: acc/value has %llu rows; expected %d", path,
           (unsigned long long)rows, R);
    for (int r = 0; r < R && !t->fails; r++)
        for (int j = 0; j < W; j++)
            EXPECT(t, rv[r * W + j] == rowv(r, j), "%s: acc[%d][%d] = %g", path,
                   r, j, rv[r * W + j]);
    EXPECT(t, read_all(file, "record_observables/acc/step", H5T_NATIVE_INT64,
                       iv, (size_t)R, &rows) == 0,
           "%s: acc/step has %llu rows", path, (unsigned long long)rows);
    for (int r = 0; r < R && !t->fails; r++)
        EXPECT(t, iv[r] == sweep_of(r), "%s: acc/step[%d]", path, r);
    /* the column names survive (declared once, at creation) */
    hid_t a = H5Aopen_by_name(file, "record_observables/acc/value", "columns",
                              H5P_DEFAULT, H5P_DEFAULT);
    char *names[W] = {NULL, NULL};
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    EXPECT(t, a >= 0 && H5Aread(a, type, names) >= 0 && names[0] && names[1] &&
                  !strcmp(names[0], COLUMNS[0]) && !strcmp(names[1], COLUMNS[1]),
           "%s: acc/value@columns is not [level0, level1]", path);
    for (int j = 0; j < W; j++)
        if (names[j])
            H5free_memory(names[j]);
    H5Tclose(type);
    if (a >= 0)
        H5Aclose(a);
    free(rv);
    free(iv);
    free(v);
    free(x);
    H5Fclose(file);
}

/* /parameters/<name> equals want. */
static void check_parameter(tally *t, const char *path, const char *name,
                            const char *want)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char object[64];
    snprintf(object, sizeof object, "parameters/%s", name);
    hid_t d = file >= 0 ? H5Dopen2(file, object, H5P_DEFAULT) : -1;
    EXPECT(t, d >= 0, "%s: no %s", path, object);
    if (d >= 0) {
        hid_t type = H5Dget_type(d);
        char buf[256] = "";
        if (H5Tget_size(type) < sizeof buf)
            H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        EXPECT(t, !strcmp(buf, want), "%s: %s = '%s'; expected '%s'", path,
               object, buf, want);
        H5Tclose(type);
        H5Dclose(d);
    }
    if (file >= 0)
        H5Fclose(file);
}

static void agree_on(const tally *t)
{
    int fails;
    MPI_Allreduce((void *)&t->fails, &fails, 1, MPI_INT, MPI_SUM,
                  MPI_COMM_WORLD);
    ck_assert_msg(fails == 0, "%d mismatches over all ranks; here: %s", fails,
                  t->first);
}

/* ---- byte-level check -------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* Mark the bytes of every allocated chunk of dataset `name` in `raw`. */
static int mark_chunks(hid_t file, const char *name, char *raw, size_t n)
{
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t space = H5Dget_space(d);
    hsize_t count = 0;
    int ok = H5Dget_num_chunks(d, space, &count) >= 0;
    for (hsize_t k = 0; ok && k < count; k++) {
        hsize_t offset[3], size = 0;
        unsigned mask;
        haddr_t addr;
        ok = H5Dget_chunk_info(d, space, k, offset, &mask, &addr, &size) >= 0;
        for (hsize_t b = 0; ok && b < size && addr + b < n; b++)
            raw[addr + b] = 1;
    }
    H5Sclose(space);
    H5Dclose(d);
    return ok ? 0 : -1;
}

/* Bytes of `before` that differ in `after` and lie outside every chunk of
 * `before` (metadata written between the two copies).  Rank 0 only. */
static void check_no_metadata_writes(tally *t, const char *before,
                                     const char *after)
{
    static const char *const sets[] = {
        "particles/chains/position/value", "particles/chains/position/step",
        "particles/chains/position/time", "observables/chain_id/value",
        "observables/sweep/value", "observables/potential_energy/value",
        "observables/acceptance/value", "observables/noise/value",
        "record_observables/acc/value",
        "record_observables/acc/step"};
    size_t na = 0, nb = 0;
    char *a = slurp(before, &na), *b = slurp(after, &nb);
    char *raw = calloc(na + 1, 1);
    EXPECT(t, a && b && raw, "cannot read %s and %s", before, after);
    hid_t file = a && b && raw ? H5Fopen(before, H5F_ACC_RDONLY, H5P_DEFAULT)
                               : H5I_INVALID_HID;
    EXPECT(t, file >= 0, "cannot open %s", before);
    for (size_t k = 0; file >= 0 && k < sizeof sets / sizeof sets[0]; k++)
        EXPECT(t, mark_chunks(file, sets[k], raw, na) == 0,
               "%s: cannot list the chunks of %s", before, sets[k]);

    if (file >= 0) {
        H5Fclose(file);
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < na && i < nb; i++)
            if (a[i] != b[i] && !raw[i] && bad++ == 0)
                first = i;
        EXPECT(t, bad == 0,
               "%zu bytes of metadata (first at offset %zu of %zu) changed "
               "between two flushes",
               bad, first, na);
    }
    free(raw);
    free(b);
    free(a);
}

/* ---- the tests ------------------------------------------------------------ */

static void temp_dir(char *dir, size_t size)
{
    if (comm_rank() == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, size, "%s/digs-crash-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            dir[0] = '\0';
    }
    MPI_Bcast(dir, (int)size, MPI_CHAR, 0, MPI_COMM_WORLD);
    ck_assert_msg(dir[0], "cannot make a temporary directory");
}

static void remove_dir(const char *dir, const char *const *names, int n)
{
    MPI_Barrier(MPI_COMM_WORLD);
    if (comm_rank() != 0)
        return;
    for (int k = 0; k < n; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

#define CHECK_OK(call)                                                        \
    do {                                                                      \
        int s_ = (call);                                                      \
        ck_assert_msg(s_ == DIGS_OK, "%s [%s]", digs_error_message(),         \
                      digs_error_trace());                                    \
    } while (0)

START_TEST(test_kill_between_flushes)
{
    char dir[512], live[600], dead[600], flushed[600];
    temp_dir(dir, sizeof dir);
    snprintf(live, sizeof live, "%s/live.h5", dir);
    snprintf(dead, sizeof dead, "%s/dead.h5", dir);
    snprintf(flushed, sizeof flushed, "%s/flushed.h5", dir);
    digs_h5md_spec s = spec_of(live, 1);
    digs_h5md *h = NULL;
    CHECK_OK(digs_h5md_create(&h, MPI_COMM_WORLD, &s));
    CHECK_OK(digs_h5md_set_parameter(h, "deck", "first"));
    CHECK_OK(digs_h5md_add_frame_observable(h, "noise"));
    CHECK_OK(digs_h5md_declare_record(h, "acc", W, COLUMNS));
    CHECK_OK(append_records(h, &s, 0, F));
    CHECK_OK(digs_h5md_flush(h));
    MPI_Barrier(MPI_COMM_WORLD);
    snapshot(live, flushed);
    CHECK_OK(append_records(h, &s, F, F + G));
    MPI_Barrier(MPI_COMM_WORLD);
    snapshot(live, dead);
    CHECK_OK(digs_h5md_close(&h));

    tally t = {0, ""};
    if (comm_rank() == 0)
        check_no_metadata_writes(&t, flushed, dead);
    check_file(&t, live, F + G);     /* the normal end: everything */
    check_file(&t, dead, F);         /* the kill: the last flush, exactly */
    check_parameter(&t, dead, "deck", "first");
    agree_on(&t);

    /* continue the killed file from record K on another chain layout;
     * the deck parameter is replaced */
    MPI_Barrier(MPI_COMM_WORLD);
    digs_h5md_spec s2 = spec_of(dead, 0);
    const char *series[] = {"acc"};
    const int64_t rows[] = {K};
    digs_h5md_extent keep = {.records = K, .n_series = 1, .series = series,
                             .rows = rows};
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s2, &keep));
    ck_assert_int_eq(digs_h5md_records(h), K);
    ck_assert_int_eq(digs_h5md_n_series(h), 1);
    ck_assert_str_eq(digs_h5md_series_name(h, 0), "acc");
    ck_assert_int_eq(digs_h5md_series_rows(h, 0), K);
    CHECK_OK(digs_h5md_set_parameter(h, "deck", "second"));
    CHECK_OK(digs_h5md_add_frame_observable(h, "noise"));
    CHECK_OK(digs_h5md_declare_record(h, "acc", W, COLUMNS));
    CHECK_OK(append_records(h, &s2, K, K + M));
    ck_assert_int_eq(digs_h5md_series_rows(h, 0), K + M);
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    check_file(&t, dead, K + M);
    check_parameter(&t, dead, "deck", "second");
    agree_on(&t);
    const char *names[] = {"live.h5", "dead.h5", "flushed.h5"};
    remove_dir(dir, names, 3);
}
END_TEST

START_TEST(test_append_errors)
{
    char dir[512], path[600], missing[600];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.h5", dir);
    snprintf(missing, sizeof missing, "%s/none.h5", dir);
    digs_h5md_spec s = spec_of(path, 1);
    digs_h5md *h = NULL;
    CHECK_OK(digs_h5md_create(&h, MPI_COMM_WORLD, &s));
    CHECK_OK(digs_h5md_add_frame_observable(h, "noise"));
    CHECK_OK(append_records(h, &s, 0, 4));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);

    const char *series[] = {"acc"};
    int64_t rows[] = {4};
    digs_h5md_extent keep = {.records = 4, .n_series = 1, .series = series,
                             .rows = rows};
    /* a missing file */
    digs_h5md_spec sm = spec_of(missing, 1);
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &sm, &keep),
                     DIGS_ERR_IO);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "does not exist"));
    /* more records than the file holds */
    keep.records = 5;
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(digs_error_message(),
                         "/particles/chains/position/value holds 20 rows; "
                         "expected at least 25"),
                  "%s", digs_error_message());
    /* more rows of a series than it holds */
    keep.records = 4;
    rows[0] = 9;
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "/record_observables/acc/value holds 4 rows"));
    /* another frame shape */
    rows[0] = 4;
    digs_h5md_spec s3 = s;
    s3.spatial_dim = 3;
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s3, &keep),
                     DIGS_ERR_INPUT);
    ck_assert_msg(strstr(digs_error_message(), "expected 3 axes [rows, 1, 3]"),
                  "%s", digs_error_message());
    /* a series the file lacks */
    const char *other[] = {"nope"};
    digs_h5md_extent bad = {.records = 4, .n_series = 1, .series = other,
                            .rows = rows};
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &bad),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "no series"));
    /* the failures left the file intact: continue it for real; an
     * observable the file lacks cannot be continued */
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep));
    ck_assert_int_eq(digs_h5md_add_frame_observable(h, "other"),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "no observable /observables/other"));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep));
    CHECK_OK(digs_h5md_add_frame_observable(h, "noise"));
    CHECK_OK(append_records(h, &s, 4, 6));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "particles/chains/position/value", H5P_DEFAULT);
    hid_t space = H5Dget_space(d);
    hsize_t dims[3];
    H5Sget_simple_extent_dims(space, dims, NULL);
    EXPECT(&t, dims[0] == 6 * N, "continued file has %llu frames",
           (unsigned long long)dims[0]);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(file);
    agree_on(&t);
    const char *names[] = {"t.h5"};
    remove_dir(dir, names, 1);
}
END_TEST

/* See tests/io/test_h5md.c: full unwinding for the LSan suppressions. */
__attribute__((used)) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("h5md_crash");
    TCase *tc = tcase_create("h5md_crash");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_kill_between_flushes);
    tcase_add_test(tc, test_append_errors);
    suite_add_tcase(s, tc);
    int status = digs_check_run_mpi(s);
    MPI_Finalize();
    return status;
}
