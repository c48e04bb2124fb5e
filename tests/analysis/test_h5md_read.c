/* H5MD reader (src/io/h5md_read.h): read back a trajectory written by the
 * parallel writer (src/io/h5md.c) on one rank, value by value; a file
 * with a variable-length string parameter and a 2-D position value, as
 * h5py writes them; and the error paths (missing file, not HDF5, not
 * H5MD, missing dataset, bad frame range).
 *
 * Every value written is an exact binary fraction, so comparisons are
 * exact.  MPI_Init is needed by the writer; Check runs in CK_NOFORK mode
 * so that the process keeps its MPI state. */
#include <check.h>
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

/* 3 chains x 2 particles x 2-D, 4 records. */
enum { N = 3, P = 2, D = 2, R = 4, W = 3 };
static const char DECK[] = "[system]\npotential = dw4 ; a deck\n";

static double pos(int r, int c, int p, int d)
{
    return 100.0 * r + 10.0 * c + 2.0 * p + d + 0.25;
}
static double energy(int r, int c) { return -(10.0 * r + c) - 0.5; }
static double accept(int r, int c) { return (r + c) / 8.0; }
static double extra(int r, int c) { return 0.125 * r - c; }
static double step_size(int r, int j) { return r + j / 4.0; }
static const char *const columns[W] = {"alpha=0.1", "alpha=0.5", "mala"};

static char dir[256];

static void path_in_dir(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

static void make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/digs-h5md-read.XXXXXX", tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(const char *const *names, int n)
{
    char path[512];
    for (int k = 0; k < n; k++) {
        path_in_dir(path, sizeof path, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

/* Write the reference trajectory with the engine's writer (1 rank). */
static void write_run(const char *path)
{
    digs_h5md_spec spec = {.path = path, .group = "chains", .n_chains = N,
                           .first_chain = 0, .n_local = N, .n_particles = P,
                           .spatial_dim = D, .buffer_records = 3};
    digs_h5md *h;
    ck_assert_int_eq(digs_h5md_create(&h, MPI_COMM_SELF, &spec), DIGS_OK);
    ck_assert_int_eq(digs_h5md_set_parameter(h, "deck", DECK), DIGS_OK);
    ck_assert_int_eq(digs_h5md_add_frame_observable(h, "noise"), DIGS_OK);
    ck_assert_int_eq(digs_h5md_declare_record(h, "step_size", W, columns),
                     DIGS_OK);
    ck_assert_int_eq(digs_h5md_declare_record(h, "plain", 1, NULL), DIGS_OK);
    for (int r = 0; r < R; r++) {
        double x[N * P * D], e[N], a[N], xt[N], row[W];
        for (int c = 0; c < N; c++) {
            for (int p = 0; p < P; p++)
                for (int d = 0; d < D; d++)
                    x[(c * P + p) * D + d] = pos(r, c, p, d);
            e[c] = energy(r, c);
            a[c] = accept(r, c);
            xt[c] = extra(r, c);
        }
        for (int j = 0; j < W; j++)
            row[j] = step_size(r, j);
        ck_assert_int_eq(digs_h5md_append(h, 5 * (r + 1), 5.0 * (r + 1), x, e,
                                          a, xt),
                         DIGS_OK);
        ck_assert_int_eq(digs_h5md_append_record(h, "step_size", 5 * (r + 1),
                                                 W, row),
                         DIGS_OK);
        ck_assert_int_eq(digs_h5md_append_record(h, "plain", 5 * (r + 1), 1,
                                                 row),
                         DIGS_OK);
    }
    ck_assert_int_eq(digs_h5md_close(&h), DIGS_OK);
}

START_TEST(test_read_writer_file)
{
    make_dir();
    char path[512];
    path_in_dir(path, sizeof path, "run.h5");
    write_run(path);

    digs_h5md_reader *r;
    ck_assert_int_eq(digs_h5md_reader_open(path, &r), DIGS_OK);
    ck_assert_str_eq(digs_h5md_reader_path(r), path);
    ck_assert(digs_h5md_reader_exists(r, "/observables/sweep/value"));
    ck_assert(!digs_h5md_reader_exists(r, "/observables/nothing/value"));
    ck_assert(!digs_h5md_reader_exists(r, "/no/such/deep/path"));

    long frames;
    int np, sd;
    ck_assert_int_eq(digs_h5md_read_position_shape(r, "chains", &frames, &np,
                                                   &sd),
                     DIGS_OK);
    ck_assert_int_eq(frames, N * R);
    ck_assert_int_eq(np, P);
    ck_assert_int_eq(sd, D);

    /* all frames, then a window starting mid-record (frame order r*N+c) */
    double x[N * R * P * D];
    ck_assert_int_eq(digs_h5md_read_positions(r, "chains", 0, N * R, x),
                     DIGS_OK);
    for (int f = 0; f < N * R; f++)
        for (int p = 0; p < P; p++)
            for (int d = 0; d < D; d++)
                ck_assert_double_eq(x[(f * P + p) * D + d],
                                    pos(f / N, f % N, p, d));
    ck_assert_int_eq(digs_h5md_read_positions(r, "chains", 4, 5, x), DIGS_OK);
    for (int k = 0; k < 5; k++)
        ck_assert_double_eq(x[k * P * D + 3], pos((4 + k) / N, (4 + k) % N,
                                                  1, 1));
    ck_assert_int_eq(digs_h5md_read_positions(r, "chains", 10, 3, x),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "frames 10..12"));

    const char *names[] = {"chain_id", "sweep", "potential_energy",
                           "acceptance", "noise"};
    for (int k = 0; k < 5; k++) {
        long n;
        double *v;
        ck_assert_int_eq(digs_h5md_read_observable(r, names[k], &n, &v),
                         DIGS_OK);
        ck_assert_int_eq(n, N * R);
        for (int f = 0; f < N * R; f++) {
            int rr = f / N, c = f % N;
            double want = k == 0   ? c
                          : k == 1 ? 5.0 * (rr + 1)
                          : k == 2 ? energy(rr, c)
                          : k == 3 ? accept(rr, c)
                                   : extra(rr, c);
            ck_assert_double_eq(v[f], want);
        }
        free(v);
    }

    char *text;
    ck_assert_int_eq(digs_h5md_read_parameter(r, "deck", &text), DIGS_OK);
    ck_assert_str_eq(text, DECK);
    free(text);
    ck_assert_int_eq(digs_h5md_read_parameter(r, "absent", &text),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(text);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "/parameters/absent"));

    char **list;
    int n_list;
    ck_assert_int_eq(digs_h5md_list(r, "/record_observables", &list, &n_list),
                     DIGS_OK);
    ck_assert_int_eq(n_list, 2);
    ck_assert_str_eq(list[0], "plain");
    ck_assert_str_eq(list[1], "step_size");
    digs_h5md_free_names(list, n_list);
    ck_assert_int_eq(digs_h5md_read_columns(r, "step_size", &list, &n_list),
                     DIGS_OK);
    ck_assert_int_eq(n_list, W);
    for (int k = 0; k < W; k++)
        ck_assert_str_eq(list[k], columns[k]);
    digs_h5md_free_names(list, n_list);
    ck_assert_int_eq(digs_h5md_read_columns(r, "plain", &list, &n_list),
                     DIGS_OK);
    ck_assert_int_eq(n_list, 0);
    ck_assert_int_eq(digs_h5md_read_columns(r, "absent", &list, &n_list),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(digs_h5md_list(r, "/absent_group", &list, &n_list),
                     DIGS_OK);
    ck_assert_int_eq(n_list, 0);
    ck_assert_int_eq(digs_h5md_list(r, "/observables", &list, &n_list),
                     DIGS_OK);
    ck_assert_int_eq(n_list, 5);   /* name order */
    ck_assert_str_eq(list[0], "acceptance");
    ck_assert_str_eq(list[4], "sweep");
    digs_h5md_free_names(list, n_list);

    long rows;
    int width;
    double *vals;
    int64_t *steps;
    ck_assert_int_eq(digs_h5md_read_record_observable(r, "step_size", &rows,
                                                      &width, &vals, &steps),
                     DIGS_OK);
    ck_assert_int_eq(rows, R);
    ck_assert_int_eq(width, W);
    for (int rr = 0; rr < R; rr++) {
        ck_assert_int_eq(steps[rr], 5 * (rr + 1));
        for (int j = 0; j < W; j++)
            ck_assert_double_eq(vals[rr * W + j], step_size(rr, j));
    }
    free(vals);
    free(steps);

    ck_assert_int_eq(digs_h5md_read_position_shape(r, "other", &frames, &np,
                                                   &sd),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(
        strstr(digs_error_message(), "no dataset /particles/other/position"));
    long n;
    double *v;
    ck_assert_int_eq(digs_h5md_read_observable(r, "missing", &n, &v),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(v);
    digs_h5md_reader_close(&r);
    ck_assert_ptr_null(r);
    digs_h5md_reader_close(&r);   /* safe on NULL */
    const char *files[] = {"run.h5"};
    remove_dir(files, 1);
}
END_TEST

/* A file as h5py writes it: variable-length string parameter, 2-D
 * positions [frames][dim], float32 energies. */
static void write_foreign(const char *path)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    H5Gclose(H5Gcreate2(f, "/h5md", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));

    hsize_t dims[2] = {4, 3};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(f, "/particles/g/position/value", H5T_IEEE_F64LE,
                         space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    double x[12];
    for (int k = 0; k < 12; k++)
        x[k] = k * 0.5;
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
    H5Dclose(d);
    H5Sclose(space);

    hsize_t n = 4;
    space = H5Screate_simple(1, &n, NULL);
    d = H5Dcreate2(f, "/observables/potential_energy/value", H5T_IEEE_F32LE,
                   space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    float e[4] = {-1.5f, 2.25f, 0.125f, 8.0f};
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, e);
    H5Dclose(d);
    H5Sclose(space);

    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    space = H5Screate(H5S_SCALAR);
    d = H5Dcreate2(f, "/parameters/deck", type, space, lcpl, H5P_DEFAULT,
                   H5P_DEFAULT);
    const char *deck = "[system]\npotential = gaussian\n";
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &deck);
    H5Dclose(d);
    d = H5Dcreate2(f, "/observables/label/value", type, space, lcpl,
                   H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &deck);
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
    H5Pclose(lcpl);
    H5Fclose(f);
}

START_TEST(test_read_foreign_file)
{
    make_dir();
    char path[512];
    path_in_dir(path, sizeof path, "foreign.h5");
    write_foreign(path);
    digs_h5md_reader *r;
    ck_assert_int_eq(digs_h5md_reader_open(path, &r), DIGS_OK);
    long frames;
    int np, sd;
    ck_assert_int_eq(digs_h5md_read_position_shape(r, "g", &frames, &np, &sd),
                     DIGS_OK);
    ck_assert_int_eq(frames, 4);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(sd, 3);
    double x[12];
    ck_assert_int_eq(digs_h5md_read_positions(r, "g", 1, 3, x), DIGS_OK);
    for (int k = 0; k < 9; k++)
        ck_assert_double_eq(x[k], (k + 3) * 0.5);
    long n;
    double *e;
    ck_assert_int_eq(digs_h5md_read_observable(r, "potential_energy", &n, &e),
                     DIGS_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_double_eq(e[1], 2.25);
    ck_assert_double_eq(e[3], 8.0);
    free(e);
    char *text;
    ck_assert_int_eq(digs_h5md_read_parameter(r, "deck", &text), DIGS_OK);
    ck_assert_str_eq(text, "[system]\npotential = gaussian\n");
    free(text);
    /* a string where numbers are expected; a missing series */
    ck_assert_int_eq(digs_h5md_read_observable(r, "label", &n, &e),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "/observables/label/value does not hold "
                                 "numbers"));
    int64_t *steps;
    ck_assert_int_eq(digs_h5md_read_record_observable(r, "x", &n, &np, &e,
                                                      &steps),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(e);
    ck_assert_ptr_null(steps);
    digs_h5md_reader_close(&r);
    const char *files[] = {"foreign.h5"};
    remove_dir(files, 1);
}
END_TEST

START_TEST(test_errors)
{
    make_dir();
    char missing[512], text[512], plain[512];
    path_in_dir(missing, sizeof missing, "missing.h5");
    path_in_dir(text, sizeof text, "text.h5");
    path_in_dir(plain, sizeof plain, "plain.h5");
    digs_h5md_reader *r = (digs_h5md_reader *)1;
    ck_assert_int_eq(digs_h5md_reader_open(missing, &r), DIGS_ERR_IO);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "missing.h5"));
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "No such file"));

    FILE *f = fopen(text, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not hdf5\n", f);
    fclose(f);
    ck_assert_int_eq(digs_h5md_reader_open(text, &r), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "not an HDF5 file"));

    hid_t h = H5Fcreate(plain, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(h, 0);
    H5Fclose(h);
    ck_assert_int_eq(digs_h5md_reader_open(plain, &r), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "not an H5MD file (no /h5md group)"));
    ck_assert_int_eq(digs_h5md_reader_open(dir, &r), DIGS_ERR_IO);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "is a directory"));
    const char *files[] = {"text.h5", "plain.h5"};
    remove_dir(files, 2);
}
END_TEST

/* Under -fsanitize=address: full unwinding so that Open MPI's leaks match
 * tests/lsan.supp (as tests/io/test_h5md.c). */
__attribute__((used)) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("h5md_read");
    TCase *tc = tcase_create("h5md_read");
    tcase_add_test(tc, test_read_writer_file);
    tcase_add_test(tc, test_read_foreign_file);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    int status = digs_check_run_mpi(s);
    MPI_Finalize();
    return status;
}
