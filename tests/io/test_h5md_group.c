/* A second particles group in the H5MD writer (io/h5md.h
 * digs_h5md_add_group): the DiKL generator's sample sets next to the
 * chains, with their own record count, read back exactly with serial
 * HDF5 and with the reader (io/h5md_read.h); continuing a file with the
 * group cut back to k records (io/h5md.h digs_h5md_open_append); the
 * crash-safety contract for the group (a copy taken between flushes); and
 * the error paths.
 *
 * Runs under mpirun with any rank count (tests/io/test_h5md_group.sh: 1,
 * 2 and 3).  Check runs in CK_NOFORK mode so that all ranks share MPI;
 * read-backs collect mismatches and the ranks agree on the verdict, so a
 * failure on one rank cannot leave the others waiting in a collective.
 * Every value is an exact binary fraction: comparisons are exact.
 *
 * DIGS_TEST_H5MD_GROUP_OUT=FILE keeps the two-group file of the
 * "rank 0 writes the sets" layout at FILE and the same chains without the
 * generator group at FILE.plain.h5 (tests/io/test_h5md_group.sh checks
 * them with MDAnalysis, tests/analysis/test_analyze_group.sh with
 * `digs analyze`). */
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
#include "io/h5md_read.h"
#include "../check_mpi.h"

/* Chains: N chains of 1 particle in 3-D (MDAnalysis needs a 3-D box), R
 * records buffered B at a time.  Generator: sets of S samples, G records
 * buffered GB at a time (so a flush in the middle leaves partial buffers
 * in both groups).  A continued file keeps K chain records and KG sets and
 * appends M more of each. */
enum { N = 3, P = 1, D = 3, R = 5, B = 2, S = 4, G = 7, GB = 3,
       K = 3, KG = 2, M = 3 };
static const char DECK[] = "[system]\npotential = gaussian\ndim = 3\n";

/* Chain values (as tests/io/test_h5md.c), generator values of "version"
 * v: v = 1 marks records written after a restart. */
static double pos(int r, int c, int d)
{
    return 100.0 * r + 10.0 * c + d + 0.25;
}
static double energy(int r, int c) { return -(10.0 * r + c) - 0.5; }
static int64_t sweep_of(int r) { return 10 * (r + 1); }
static double gpos(int g, int i, int d, int v)
{
    return -(100.0 * g + 10.0 * i + d) - 0.5 + 0.125 * v;
}
static double genergy(int g, int i, int v)
{
    return 3.0 * g + 0.25 * i - 7.0 + v;
}
static int64_t iter_of(int g) { return 100 * (int64_t)(g + 1); }
static double gtime_of(int g) { return 0.5 * g + 0.125; }

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

/* Contiguous block k of n rows over all ranks. */
static void block(long n, long *first, int *count)
{
    int rank = comm_rank(), size = comm_size();
    *first = n * rank / size;
    *count = (int)(n * (rank + 1) / size - *first);
}

/* Generator layouts: 0 = every set on rank 0 (as the coupled driver
 * writes them), 1 = contiguous blocks, 2 = every set on the last rank. */
static void set_block(int layout, long *first, int *count)
{
    int rank = comm_rank(), last = comm_size() - 1;
    if (layout == 1) {
        block(S, first, count);
        return;
    }
    int mine = layout == 0 ? rank == 0 : rank == last;
    *first = 0;
    *count = mine ? S : 0;
}

static digs_h5md_spec chain_spec(const char *path)
{
    long first;
    int n;
    block(N, &first, &n);
    return (digs_h5md_spec){.path = path, .group = "chains", .n_chains = N,
                            .first_chain = first, .n_local = n,
                            .n_particles = P, .spatial_dim = D,
                            .length_unit = "nm", .energy_unit = "kJ mol-1",
                            .buffer_records = B};
}

static digs_h5md_group_spec set_spec(int layout)
{
    long first;
    int n;
    set_block(layout, &first, &n);
    return (digs_h5md_group_spec){.name = "generator", .n_frames = S,
                                  .first_frame = first, .n_local = n,
                                  .n_particles = P, .spatial_dim = D,
                                  .length_unit = "nm",
                                  .energy_unit = "kJ mol-1",
                                  .buffer_records = GB};
}

/* ---- temporary files ------------------------------------------------- */

static void temp_dir(char *dir, size_t size)
{
    if (comm_rank() == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, size, "%s/digs-h5md-group-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
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
    char path[700];
    for (int k = 0; k < n; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- writing ------------------------------------------------------------ */

/* Append chain records r0 .. r1-1 of this rank's block. */
static int append_chains(digs_h5md *h, const digs_h5md_spec *s, int r)
{
    double x[N * P * D], e[N], a[N];
    for (int i = 0; i < s->n_local; i++) {
        int c = (int)s->first_chain + i;
        for (int d = 0; d < D; d++)
            x[i * D + d] = pos(r, c, d);
        e[i] = energy(r, c);
        a[i] = 0.5;
    }
    return digs_h5md_append(h, sweep_of(r), (double)sweep_of(r), x, e, a,
                            NULL);
}

/* Append generator record g (version v) of this rank's block. */
static int append_set(digs_h5md_group *grp, const digs_h5md_group_spec *s,
                      int g, int v)
{
    double x[S * P * D], e[S];
    for (int k = 0; k < s->n_local; k++) {
        int i = (int)s->first_frame + k;
        for (int d = 0; d < D; d++)
            x[k * D + d] = gpos(g, i, d, v);
        e[k] = genergy(g, i, v);
    }
    return digs_h5md_group_append(grp, iter_of(g), gtime_of(g),
                                  s->n_local ? x : NULL,
                                  s->n_local ? e : NULL);
}

/* Create path with R chain records and, if with_sets, G generator sets of
 * the given layout, interleaved, with a flush after record 3. */
static int write_file(const char *path, int layout, int with_sets)
{
    digs_h5md_spec s = chain_spec(path);
    digs_h5md_group_spec gs = set_spec(layout);
    digs_h5md *h = NULL;
    digs_h5md_group *grp = NULL;
    DIGS_CHECK(digs_h5md_create(&h, MPI_COMM_WORLD, &s));
    DIGS_CHECK(digs_h5md_set_parameter(h, "deck", DECK));
    if (with_sets)
        DIGS_CHECK(digs_h5md_add_group(h, &gs, &grp));
    for (int t = 0; t < (R > G ? R : G); t++) {
        if (t < R)
            DIGS_CHECK(append_chains(h, &s, t));
        if (with_sets && t < G)
            DIGS_CHECK(append_set(grp, &gs, t, 0));
        if (t == 3)
            DIGS_CHECK(digs_h5md_flush(h));
    }
    if (with_sets && (digs_h5md_group_records(grp) != G ||
                      digs_h5md_n_groups(h) != 1 ||
                      digs_h5md_group_at(h, 0) != grp ||
                      strcmp(digs_h5md_group_name(grp), "generator")))
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "group bookkeeping is off");
    if (digs_h5md_records(h) != R)
        return DIGS_FAIL(DIGS_ERR_INTERNAL, "records() = %" PRId64,
                         digs_h5md_records(h));
    return digs_h5md_close(&h);
}

/* ---- reading back (serial HDF5 and the reader, every rank) -------------- */

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

static void agree_on(const tally *t)
{
    int fails;
    MPI_Allreduce((void *)&t->fails, &fails, 1, MPI_INT, MPI_SUM,
                  MPI_COMM_WORLD);
    ck_assert_msg(fails == 0, "%d mismatches over all ranks; here: %s", fails,
                  t->fails ? t->first : "(none)");
}

/* Read a whole dataset of n elements; 0 on success, its first axis in
 * *rows. */
static int read_all(hid_t file, const char *name, hid_t memtype, void *buf,
                    size_t n, hsize_t *rows)
{
    *rows = 0;
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
         (n == 0 ||
          H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(space);
    H5Dclose(d);
    return ok ? 0 : -1;
}

/* The generator group holds n_sets sets: set g of version g < v_from ? 0
 * : 1. */
static void check_sets(tally *t, hid_t file, int n_sets, int v_from)
{
    enum { F = (G + M) * S };
    double x[F * P * D], v[F];
    int64_t iv[F];
    hsize_t rows;
    int f_n = n_sets * S;
    EXPECT(t, read_all(file, "particles/generator/position/value",
                       H5T_NATIVE_DOUBLE, x, (size_t)f_n * P * D, &rows) == 0,
           "generator position/value is not [%d][%d][%d] (%llu rows)", f_n,
           P, D, (unsigned long long)rows);
    for (int f = 0; f < f_n && !t->fails; f++)
        for (int d = 0; d < D; d++) {
            int g = f / S, i = f % S, ver = g >= v_from;
            EXPECT(t, x[f * D + d] == gpos(g, i, d, ver),
                   "generator position[%d][0][%d] = %g; expected %g", f, d,
                   x[f * D + d], gpos(g, i, d, ver));
        }
    EXPECT(t, read_all(file, "particles/generator/position/step",
                       H5T_NATIVE_INT64, iv, (size_t)f_n, &rows) == 0,
           "generator position/step is not [%d]", f_n);
    for (int f = 0; f < f_n && !t->fails; f++)
        EXPECT(t, iv[f] == iter_of(f / S), "generator step[%d] = %" PRId64,
               f, iv[f]);
    EXPECT(t, read_all(file, "particles/generator/position/time",
                       H5T_NATIVE_DOUBLE, v, (size_t)f_n, &rows) == 0,
           "generator position/time is not [%d]", f_n);
    for (int f = 0; f < f_n && !t->fails; f++)
        EXPECT(t, v[f] == gtime_of(f / S), "generator time[%d] = %g", f,
               v[f]);
    EXPECT(t, read_all(file, "particles/generator/potential_energy/value",
                       H5T_NATIVE_DOUBLE, v, (size_t)f_n, &rows) == 0,
           "generator potential_energy/value is not [%d]", f_n);
    for (int f = 0; f < f_n && !t->fails; f++) {
        int g = f / S;
        EXPECT(t, v[f] == genergy(g, f % S, g >= v_from),
               "generator energy[%d] = %g", f, v[f]);
    }
    /* the energies' step and time are the position's (hard links) */
    const char *shared[] = {"particles/generator/position/step",
                            "particles/generator/position/time"};
    for (int k = 0; k < 2; k++) {
        H5O_info_t info;
        EXPECT(t, H5Oget_info_by_name2(file, shared[k], &info, H5O_INFO_BASIC,
                                       H5P_DEFAULT) >= 0 && info.rc == 2,
               "%s has %u links; expected 2", shared[k], info.rc);
    }
    int64_t per = 0;
    hid_t a = H5Aopen_by_name(file, "particles/generator", "frames_per_record",
                              H5P_DEFAULT, H5P_DEFAULT);
    EXPECT(t, a >= 0 && H5Aread(a, H5T_NATIVE_INT64, &per) >= 0 && per == S,
           "generator@frames_per_record = %" PRId64 "; expected %d", per, S);
    if (a >= 0)
        H5Aclose(a);
    int dim = 0;
    a = H5Aopen_by_name(file, "particles/generator/box", "dimension",
                        H5P_DEFAULT, H5P_DEFAULT);
    EXPECT(t, a >= 0 && H5Aread(a, H5T_NATIVE_INT, &dim) >= 0 && dim == D,
           "generator box@dimension = %d", dim);
    if (a >= 0)
        H5Aclose(a);
}

/* The chains hold n_rec records, as tests/io/test_h5md.c writes them. */
static void check_chains(tally *t, hid_t file, int n_rec)
{
    enum { F = (R + M) * N };
    double x[F * P * D], v[F];
    int64_t iv[F];
    hsize_t rows;
    int f_n = n_rec * N;
    EXPECT(t, read_all(file, "particles/chains/position/value",
                       H5T_NATIVE_DOUBLE, x, (size_t)f_n * P * D, &rows) == 0,
           "chains position/value is not [%d][%d][%d] (%llu rows)", f_n, P,
           D, (unsigned long long)rows);
    for (int f = 0; f < f_n && !t->fails; f++)
        for (int d = 0; d < D; d++)
            EXPECT(t, x[f * D + d] == pos(f / N, f % N, d),
                   "chains position[%d][0][%d] = %g", f, d, x[f * D + d]);
    EXPECT(t, read_all(file, "observables/potential_energy/value",
                       H5T_NATIVE_DOUBLE, v, (size_t)f_n, &rows) == 0,
           "potential_energy is not [%d] (%llu rows)", f_n,
           (unsigned long long)rows);
    for (int f = 0; f < f_n && !t->fails; f++)
        EXPECT(t, v[f] == energy(f / N, f % N), "energy[%d] = %g", f, v[f]);
    EXPECT(t, read_all(file, "observables/chain_id/value", H5T_NATIVE_INT64,
                       iv, (size_t)f_n, &rows) == 0,
           "chain_id is not [%d]", f_n);
    for (int f = 0; f < f_n && !t->fails; f++)
        EXPECT(t, iv[f] == f % N, "chain_id[%d] = %" PRId64, f, iv[f]);
}

/* The same sets through io/h5md_read.h, as `digs analyze` reads them. */
static void check_reader(tally *t, const char *path, int n_sets)
{
    digs_h5md_reader *r = NULL;
    EXPECT(t, digs_h5md_reader_open(path, &r) == DIGS_OK, "reader: %s",
           digs_error_message());
    if (!r)
        return;
    long per = -1, chains_per = -1, frames = 0, n = 0;
    int np = 0, sd = 0;
    EXPECT(t, digs_h5md_read_frames_per_record(r, "generator", &per) ==
                      DIGS_OK && per == S,
           "reader: generator frames_per_record = %ld", per);
    EXPECT(t, digs_h5md_read_frames_per_record(r, "chains", &chains_per) ==
                      DIGS_OK && chains_per == 0,
           "reader: chains frames_per_record = %ld; expected 0", chains_per);
    EXPECT(t, digs_h5md_read_frames_per_record(r, "nope", &per) ==
                  DIGS_ERR_INPUT,
           "reader: a missing group was accepted");
    EXPECT(t, digs_h5md_read_position_shape(r, "generator", &frames, &np,
                                            &sd) == DIGS_OK &&
                  frames == n_sets * S && np == P && sd == D,
           "reader: generator shape %ld x %d x %d", frames, np, sd);
    double *e = NULL, *step = NULL;
    EXPECT(t, digs_h5md_read_element(r, "generator", "potential_energy",
                                     "value", &n, &e) == DIGS_OK &&
                  n == n_sets * S,
           "reader: generator energies: %ld (%s)", n, digs_error_message());
    for (long f = 0; e && f < n; f++)
        EXPECT(t, e[f] == genergy((int)(f / S), (int)(f % S), 0),
               "reader: energy[%ld] = %g", f, e[f]);
    EXPECT(t, digs_h5md_read_element(r, "generator", "position", "step", &n,
                                     &step) == DIGS_OK && n == n_sets * S,
           "reader: generator steps: %ld", n);
    for (long f = 0; step && f < n; f++)
        EXPECT(t, step[f] == (double)iter_of((int)(f / S)),
               "reader: step[%ld] = %g", f, step[f]);
    double x[S * P * D];
    EXPECT(t, digs_h5md_read_positions(r, "generator", S, S, x) == DIGS_OK,
           "reader: positions: %s", digs_error_message());
    for (int i = 0; i < S; i++)
        for (int d = 0; d < D; d++)
            EXPECT(t, x[i * D + d] == gpos(1, i, d, 0),
                   "reader: set 1 sample %d [%d] = %g", i, d, x[i * D + d]);
    free(e);
    free(step);
    digs_h5md_reader_close(&r);
}

/* ---- tests ------------------------------------------------------------ */

static void write_and_check(int layout)
{
    char dir[512], path[600], plain[640];
    const char *keep = getenv("DIGS_TEST_H5MD_GROUP_OUT");
    temp_dir(dir, sizeof dir);
    if (layout == 0 && keep && *keep)
        snprintf(path, sizeof path, "%s", keep);
    else
        snprintf(path, sizeof path, "%s/t.h5", dir);
    int status = write_file(path, layout, 1);
    ck_assert_msg(status == DIGS_OK, "%s [%s]", digs_error_message(),
                  digs_error_trace());
    if (layout == 0 && keep && *keep) {
        snprintf(plain, sizeof plain, "%s.plain.h5", keep);
        status = write_file(plain, layout, 0);
        ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    }
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(&t, file >= 0, "cannot open %s", path);
    if (file >= 0) {
        check_chains(&t, file, R);
        check_sets(&t, file, G, G);
        H5Fclose(file);
    }
    check_reader(&t, path, G);
    agree_on(&t);
    const char *names[] = {"t.h5"};
    remove_dir(dir, names, 1);
}

START_TEST(test_sets_on_rank0) { write_and_check(0); }
END_TEST

START_TEST(test_sets_in_blocks) { write_and_check(1); }
END_TEST

START_TEST(test_sets_on_last_rank) { write_and_check(2); }
END_TEST

#define CHECK_OK(call)                                                        \
    do {                                                                      \
        int st_ = (call);                                                     \
        ck_assert_msg(st_ == DIGS_OK, "%s: %s [%s]", #call,                   \
                      digs_error_message(), digs_error_trace());              \
    } while (0)

static void count_frames(tally *t, const char *path, const char *object,
                         hsize_t want)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = file < 0 ? -1 : H5Dopen2(file, object, H5P_DEFAULT);
    hid_t space = d < 0 ? -1 : H5Dget_space(d);
    hsize_t dims[3] = {0, 0, 0};
    if (space >= 0)
        H5Sget_simple_extent_dims(space, dims, NULL);
    EXPECT(t, space >= 0 && dims[0] == want, "%s holds %llu rows; expected "
           "%llu", object, (unsigned long long)dims[0],
           (unsigned long long)want);
    if (space >= 0)
        H5Sclose(space);
    if (d >= 0)
        H5Dclose(d);
    if (file >= 0)
        H5Fclose(file);
}

/* A restart from a checkpoint taken at K chain records and KG sets: both
 * groups are cut back and continued (the sets on another layout); the
 * continued records carry version 1, so the read-back shows the cut. */
START_TEST(test_continue_after_cut)
{
    char dir[512], path[600];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.h5", dir);
    CHECK_OK(write_file(path, 0, 1));
    MPI_Barrier(MPI_COMM_WORLD);

    digs_h5md_spec s = chain_spec(path);
    const char *groups[] = {"generator"};
    const int64_t group_records[] = {KG};
    digs_h5md_extent keep = {.records = K, .n_groups = 1, .groups = groups,
                             .group_records = group_records};
    digs_h5md *h = NULL;
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep));
    ck_assert_int_eq(digs_h5md_n_groups(h), 1);
    ck_assert_int_eq(digs_h5md_group_records(digs_h5md_group_at(h, 0)), KG);
    digs_h5md_group_spec gs = set_spec(1);
    digs_h5md_group *grp = NULL;
    CHECK_OK(digs_h5md_add_group(h, &gs, &grp));
    ck_assert_ptr_eq(grp, digs_h5md_group_at(h, 0));
    ck_assert_int_eq(digs_h5md_group_records(grp), KG);
    for (int k = 0; k < M; k++) {
        CHECK_OK(append_chains(h, &s, K + k));
        CHECK_OK(append_set(grp, &gs, KG + k, 1));
    }
    ck_assert_int_eq(digs_h5md_group_records(grp), KG + M);
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(&t, file >= 0, "cannot open %s", path);
    if (file >= 0) {
        check_chains(&t, file, K + M);
        check_sets(&t, file, KG + M, KG);
        H5Fclose(file);
    }
    agree_on(&t);

    /* a group not listed in the extent keeps 0 records; one reopened but
     * not taken up again is still cut, and refuses appends */
    MPI_Barrier(MPI_COMM_WORLD);
    digs_h5md_extent plain = {.records = K};
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &plain));
    ck_assert_int_eq(digs_h5md_group_records(digs_h5md_group_at(h, 0)), 0);
    double e[S] = {0}, x[S * P * D] = {0};
    ck_assert_int_eq(digs_h5md_group_append(digs_h5md_group_at(h, 0), 1, 0.0,
                                            x, e),
                     DIGS_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "not added again"));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    count_frames(&t, path, "particles/generator/position/value", 0);
    count_frames(&t, path, "particles/generator/potential_energy/value", 0);
    count_frames(&t, path, "particles/chains/position/value", K * N);
    agree_on(&t);

    /* and then continues from 0 sets */
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &plain));
    gs = set_spec(2);
    CHECK_OK(digs_h5md_add_group(h, &gs, &grp));
    CHECK_OK(append_set(grp, &gs, 0, 0));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
        check_sets(&t, file, 1, 1);
        H5Fclose(file);
    }
    agree_on(&t);
    const char *names[] = {"t.h5"};
    remove_dir(dir, names, 1);
}
END_TEST

/* A group created in a continued file that had none. */
START_TEST(test_group_added_on_restart)
{
    char dir[512], path[600];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.h5", dir);
    CHECK_OK(write_file(path, 0, 0));
    MPI_Barrier(MPI_COMM_WORLD);
    digs_h5md_spec s = chain_spec(path);
    digs_h5md_extent keep = {.records = R};
    digs_h5md *h = NULL;
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep));
    ck_assert_int_eq(digs_h5md_n_groups(h), 0);
    digs_h5md_group_spec gs = set_spec(1);
    digs_h5md_group *grp = NULL;
    CHECK_OK(digs_h5md_add_group(h, &gs, &grp));
    for (int g = 0; g < G; g++)
        CHECK_OK(append_set(grp, &gs, g, 0));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
        check_chains(&t, file, R);
        check_sets(&t, file, G, G);
        H5Fclose(file);
    }
    agree_on(&t);
    const char *names[] = {"t.h5"};
    remove_dir(dir, names, 1);
}
END_TEST

START_TEST(test_errors)
{
    char dir[512], path[600];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.h5", dir);
    digs_h5md_spec s = chain_spec(path);
    digs_h5md *h = NULL;
    digs_h5md_group *grp = (digs_h5md_group *)&s;   /* must become NULL */
    CHECK_OK(digs_h5md_create(&h, MPI_COMM_WORLD, &s));
    /* a name sorting before the main group's would hide the chains from
     * MDAnalysis */
    digs_h5md_group_spec gs = set_spec(0);
    gs.name = "alpha";
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INTERNAL);
    ck_assert_ptr_null(grp);
    ck_assert_msg(strstr(digs_error_message(), "'alpha' must sort after the "
                                               "main group 'chains'"),
                  "%s", digs_error_message());
    gs.name = "chains";
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INTERNAL);
    gs.name = "a/b";
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INTERNAL);
    /* blocks that do not tile the set */
    gs = set_spec(0);
    gs.n_frames = S + 1;
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INTERNAL);
    ck_assert_msg(strstr(digs_error_message(), "the ranks' frame blocks hold "
                                               "4 frames; expected 5"),
                  "%s", digs_error_message());
    gs = set_spec(0);
    gs.buffer_records = 0;
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INTERNAL);
    /* the handle is still usable; a second add of one name is refused */
    gs = set_spec(0);
    CHECK_OK(digs_h5md_add_group(h, &gs, &grp));
    digs_h5md_group *again = NULL;
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &again), DIGS_ERR_INTERNAL);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "added twice"));
    for (int g = 0; g < 4; g++)
        CHECK_OK(append_set(grp, &gs, g, 0));
    CHECK_OK(append_chains(h, &s, 0));
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);

    /* continuing: more sets than the file holds; a missing group; another
     * set size.  Each refusal leaves the file as it was. */
    const char *groups[] = {"generator"};
    int64_t group_records[] = {5};
    digs_h5md_extent keep = {.records = 1, .n_groups = 1, .groups = groups,
                             .group_records = group_records};
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(digs_error_message(),
                         "/particles/generator/position/value holds 16 rows; "
                         "expected at least 20"),
                  "%s", digs_error_message());
    const char *missing[] = {"nope"};
    group_records[0] = 1;
    digs_h5md_extent bad = {.records = 1, .n_groups = 1, .groups = missing,
                            .group_records = group_records};
    ck_assert_int_eq(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &bad),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "no particles group /particles/nope"));
    group_records[0] = 4;
    CHECK_OK(digs_h5md_open_append(&h, MPI_COMM_WORLD, &s, &keep));
    gs = set_spec(0);
    gs.n_frames = 2 * S;
    gs.n_local = comm_rank() == 0 ? 2 * S : 0;
    ck_assert_int_eq(digs_h5md_add_group(h, &gs, &grp), DIGS_ERR_INPUT);
    ck_assert_msg(strstr(digs_error_message(), "/particles/generator holds "
                                               "records of 4 frames"),
                  "%s", digs_error_message());
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
        check_sets(&t, file, 4, 4);
        H5Fclose(file);
    }
    agree_on(&t);
    const char *names[] = {"t.h5"};
    remove_dir(dir, names, 1);
}
END_TEST

/* Rank 0 copies src to dst byte for byte: what a SIGKILL now leaves
 * (tests/io/test_h5md_crash.c). */
static void snapshot(const char *src, const char *dst)
{
    int ok = 1;
    MPI_Barrier(MPI_COMM_WORLD);
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

/* The crash-safety contract of io/h5md.h holds for the added group: a
 * kill after sets were written (a full buffer) but before the next flush
 * leaves the file of the last flush, exactly.  First with the group added
 * after the flush (the copy has no generator group), then with 2 flushed
 * sets and 3 more written. */
START_TEST(test_kill_between_flushes)
{
    char dir[512], path[600], early[640], late[640];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/t.h5", dir);
    snprintf(early, sizeof early, "%s/early.h5", dir);
    snprintf(late, sizeof late, "%s/late.h5", dir);
    digs_h5md_spec s = chain_spec(path);
    digs_h5md_group_spec gs = set_spec(1);
    digs_h5md *h = NULL;
    digs_h5md_group *grp = NULL;
    CHECK_OK(digs_h5md_create(&h, MPI_COMM_WORLD, &s));
    CHECK_OK(append_chains(h, &s, 0));
    CHECK_OK(digs_h5md_flush(h));
    CHECK_OK(digs_h5md_add_group(h, &gs, &grp));
    for (int g = 0; g < GB; g++)      /* a full buffer: written */
        CHECK_OK(append_set(grp, &gs, g, 0));
    snapshot(path, early);
    CHECK_OK(digs_h5md_flush(h));     /* sets 0..GB-1 on disk */
    for (int g = GB; g < 2 * GB; g++)
        CHECK_OK(append_set(grp, &gs, g, 0));
    for (int r = 1; r < 1 + B; r++)   /* a full chain buffer: written */
        CHECK_OK(append_chains(h, &s, r));
    snapshot(path, late);
    CHECK_OK(digs_h5md_close(&h));
    MPI_Barrier(MPI_COMM_WORLD);
    tally t = {0, ""};
    hid_t file = H5Fopen(early, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(&t, file >= 0, "the early copy does not open");
    if (file >= 0) {
        check_chains(&t, file, 1);
        EXPECT(&t, H5Lexists(file, "particles/generator", H5P_DEFAULT) == 0,
               "the early copy has a generator group");
        H5Fclose(file);
    }
    file = H5Fopen(late, H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT(&t, file >= 0, "the late copy does not open");
    if (file >= 0) {
        check_chains(&t, file, 1);
        check_sets(&t, file, GB, GB);
        H5Fclose(file);
    }
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
        check_chains(&t, file, 1 + B);
        check_sets(&t, file, 2 * GB, 2 * GB);
        H5Fclose(file);
    }
    agree_on(&t);
    const char *names[] = {"t.h5", "early.h5", "late.h5"};
    remove_dir(dir, names, 3);
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
    Suite *s = suite_create("h5md_group");
    TCase *tc = tcase_create("h5md_group");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sets_on_rank0);
    tcase_add_test(tc, test_sets_in_blocks);
    tcase_add_test(tc, test_sets_on_last_rank);
    tcase_add_test(tc, test_continue_after_cut);
    tcase_add_test(tc, test_group_added_on_restart);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_kill_between_flushes);
    suite_add_tcase(s, tc);
    int status = digs_check_run_mpi(s);
    MPI_Finalize();
    return status;
}
