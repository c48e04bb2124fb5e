/* PDB reader and writer: the alanine-dipeptide reference file (22 atoms),
 * column-exact ATOM records, multi-model round trips and atom-count
 * errors that name file and line. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "io/pdb.h"
#include "../check_run.h"

enum { N_ALA2 = 22 };

/* Labels of shared/data/alanine_dipeptide.pdb (REFERENCE.md §11.3). */
static const char *const ALA2_NAMES[N_ALA2] = {
    "HH31", "CH3", "HH32", "HH33", "C", "O", "N", "H", "CA", "HA", "CB",
    "HB1", "HB2", "HB3", "C", "O", "N", "H", "CH3", "HH31", "HH32", "HH33"};
static const char *const ALA2_RES[N_ALA2] = {
    "ACE", "ACE", "ACE", "ACE", "ACE", "ACE", "ALA", "ALA", "ALA", "ALA", "ALA",
    "ALA", "ALA", "ALA", "ALA", "ALA", "NME", "NME", "NME", "NME", "NME", "NME"};
static const int ALA2_RESID[N_ALA2] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
                                       2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3};
static const char *const ALA2_ELEM[N_ALA2] = {
    "H", "C", "H", "H", "C", "O", "N", "H", "C", "H", "C",
    "H", "H", "H", "C", "O", "N", "H", "C", "H", "H", "H"};

static const digs_pdb_atoms ALA2 = {
    .n_atoms = N_ALA2, .atom_names = ALA2_NAMES, .residue_names = ALA2_RES,
    .residue_ids = ALA2_RESID, .elements = ALA2_ELEM};

static void reference_path(char *path, size_t size)
{
    const char *shared = getenv("DIGS_SHARED_DIR");
    ck_assert_msg(shared && *shared, "DIGS_SHARED_DIR is not set");
    snprintf(path, size, "%s/data/alanine_dipeptide.pdb", shared);
}

static void temp_path(char *path, size_t size, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, size, "%s/digs-pdb-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             tag);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

/* Lines of path starting with prefix, into lines[max][128]. */
static int grep_lines(const char *path, const char *prefix, char lines[][128],
                      int max)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[256];
    int n = 0;
    while (fgets(buf, sizeof buf, f))
        if (strncmp(buf, prefix, strlen(prefix)) == 0 && n < max) {
            buf[strcspn(buf, "\n")] = '\0';
            snprintf(lines[n++], 128, "%.127s", buf);
        }
    fclose(f);
    return n;
}

START_TEST(test_read_reference)
{
    char path[1024];
    reference_path(path, sizeof path);
    for (int given = 0; given <= N_ALA2; given += N_ALA2) {
        double *xyz;
        int models, atoms;
        ck_assert_msg(digs_pdb_read(path, given, &xyz, &models, &atoms) ==
                          DIGS_OK,
                      "%s", digs_error_message());
        ck_assert_int_eq(models, 1);
        ck_assert_int_eq(atoms, N_ALA2);
        /* strtod of "   4.853" and the literal 4.853 are the same double */
        ck_assert(xyz[0] == 2.0 && xyz[1] == 1.0 && xyz[2] == 0.0);
        ck_assert(xyz[3 * 8 + 0] == 4.853 && xyz[3 * 8 + 1] == 4.614);
        ck_assert(xyz[3 * 21 + 0] == 6.360 && xyz[3 * 21 + 1] == 8.648 &&
                  xyz[3 * 21 + 2] == -0.890);
        free(xyz);
    }
}
END_TEST

/* Writing the reference coordinates with the reference labels reproduces
 * every ATOM record of the reference file character for character
 * (atom-name alignment, element column 77-78, %8.3f coordinates). */
START_TEST(test_write_matches_reference_columns)
{
    char ref[1024], out[512];
    reference_path(ref, sizeof ref);
    temp_path(out, sizeof out, "cols");
    double *xyz;
    int models, atoms;
    ck_assert_int_eq(digs_pdb_read(ref, N_ALA2, &xyz, &models, &atoms),
                     DIGS_OK);
    ck_assert_int_eq(digs_pdb_write(out, &ALA2, 1, xyz), DIGS_OK);
    free(xyz);

    char want[N_ALA2 + 1][128], got[N_ALA2 + 1][128];
    ck_assert_int_eq(grep_lines(ref, "ATOM", want, N_ALA2 + 1), N_ALA2);
    ck_assert_int_eq(grep_lines(out, "ATOM", got, N_ALA2 + 1), N_ALA2);
    for (int i = 0; i < N_ALA2; i++)
        ck_assert_str_eq(got[i], want[i]);
    char model[2][128];
    ck_assert_int_eq(grep_lines(out, "MODEL", model, 2), 1);
    ck_assert_str_eq(model[0], "MODEL        1");
    ck_assert_int_eq(grep_lines(out, "ENDMDL", model, 2), 1);
    ck_assert_int_eq(grep_lines(out, "END", model, 2), 2); /* ENDMDL, END */
    unlink(out);
}
END_TEST

/* Three models out and back in: coordinates come back rounded to the
 * file's 3 decimals, i.e. within 5e-4 Å (+1e-12 for binary rounding). */
START_TEST(test_multi_model_round_trip)
{
    char out[512];
    temp_path(out, sizeof out, "multi");
    const int M = 3;
    double x[3 * N_ALA2 * 3];
    for (int k = 0; k < M * N_ALA2 * 3; k++)
        x[k] = 37.123456 * sin(0.37 * k) - (k % 5) * 100.0;
    digs_pdb_atoms plain = {.n_atoms = N_ALA2};   /* default labels */
    ck_assert_int_eq(digs_pdb_write(out, &plain, M, x), DIGS_OK);
    double *y;
    int models, atoms;
    ck_assert_int_eq(digs_pdb_read(out, N_ALA2, &y, &models, &atoms), DIGS_OK);
    ck_assert_int_eq(models, M);
    ck_assert_int_eq(atoms, N_ALA2);
    for (int k = 0; k < M * N_ALA2 * 3; k++) {
        ck_assert_double_le(fabs(y[k] - x[k]), 5e-4 + 1e-12);
        ck_assert_double_eq_tol(y[k], round(x[k] * 1000) / 1000, 1e-9);
    }
    free(y);

    /* coordinates outside the %8.3f field are refused */
    x[4] = 12345.0;
    ck_assert_int_eq(digs_pdb_write(out, &plain, 1, x), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "does not fit"));
    unlink(out);
}
END_TEST

/* Copy src to dst dropping its line number `drop` (1-based; 0: none). */
static void copy_without_line(const char *src, const char *dst, int drop)
{
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    ck_assert(in && out);
    char buf[256];
    for (int line = 1; fgets(buf, sizeof buf, in); line++)
        if (line != drop)
            fputs(buf, out);
    fclose(in);
    fclose(out);
}

START_TEST(test_wrong_atom_count)
{
    char two[512], bad[512], ref[1024], want[1200];
    temp_path(two, sizeof two, "two");
    temp_path(bad, sizeof bad, "bad");
    double x[2 * N_ALA2 * 3];
    for (int k = 0; k < 2 * N_ALA2 * 3; k++)
        x[k] = 0.5 * k;
    ck_assert_int_eq(digs_pdb_write(two, &ALA2, 2, x), DIGS_OK);
    /* lines: 1 MODEL, 2-23 ATOM, 24 ENDMDL, 25 MODEL, 26-47 ATOM, 48 ENDMDL;
     * dropping line 30 leaves model 2 with 21 atoms, its ENDMDL on 47 */
    copy_without_line(two, bad, 30);
    double *y = (double *)1;
    int models, atoms;
    ck_assert_int_eq(digs_pdb_read(bad, N_ALA2, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_null(y);
    snprintf(want, sizeof want,
             "%s:47: model 2 has 21 atoms; expected 22 (the potential's atom "
             "count)",
             bad);
    ck_assert_str_eq(digs_error_message(), want);
    ck_assert_int_eq(digs_pdb_read(bad, 0, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    snprintf(want, sizeof want,
             "%s:47: model 2 has 21 atoms; expected 22 (the first model's "
             "count)",
             bad);
    ck_assert_str_eq(digs_error_message(), want);

    /* the single-model reference against a 21-atom potential: the implicit
     * model ends at END, line 26 */
    reference_path(ref, sizeof ref);
    ck_assert_int_eq(digs_pdb_read(ref, 21, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    snprintf(want, sizeof want,
             "%s:26: model 1 has 22 atoms; expected 21 (the potential's atom "
             "count)",
             ref);
    ck_assert_str_eq(digs_error_message(), want);
    unlink(two);
    unlink(bad);
}
END_TEST

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_records_and_errors)
{
    char path[512];
    temp_path(path, sizeof path, "rec");
    double *y;
    int models, atoms;
    /* HETATM counts; CRLF line ends and other records are ignored */
    write_text(path,
               "CRYST1    1.000    1.000    1.000  90.00  90.00  90.00 P 1\r\n"
               "ATOM      1  O   HOH A   1       1.000   2.000   3.000\r\n"
               "HETATM    2  H1  HOH A   1      -1.500   0.250  10.125  1.00"
               "  0.00           H\r\n"
               "CONECT    1    2\r\n"
               "END\r\n"
               "ATOM      3  H2  HOH A   1       9.000   9.000   9.000\r\n");
    ck_assert_int_eq(digs_pdb_read(path, 0, &y, &models, &atoms), DIGS_OK);
    ck_assert_int_eq(models, 1);
    ck_assert_int_eq(atoms, 2);
    ck_assert(y[3] == -1.5 && y[4] == 0.25 && y[5] == 10.125);
    free(y);

    write_text(path, "ATOM      1  O   HOH A   1       1.000   2.0x0   3.000\n");
    ck_assert_int_eq(digs_pdb_read(path, 0, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), ":1: bad y coordinate"));

    write_text(path, "ATOM      1  O   HOH A   1       1.000   2.000\n");
    ck_assert_int_eq(digs_pdb_read(path, 0, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), ":1: record too short"));

    write_text(path, "REMARK nothing here\nEND\n");
    ck_assert_int_eq(digs_pdb_read(path, 0, &y, &models, &atoms),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "no ATOM or HETATM"));
    unlink(path);

    ck_assert_int_eq(digs_pdb_read(path, 0, &y, &models, &atoms), DIGS_ERR_IO);
    ck_assert(strncmp(digs_error_message(), path, strlen(path)) == 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdb");
    TCase *tc = tcase_create("pdb");
    tcase_add_test(tc, test_read_reference);
    tcase_add_test(tc, test_write_matches_reference_columns);
    tcase_add_test(tc, test_multi_model_round_trip);
    tcase_add_test(tc, test_wrong_atom_count);
    tcase_add_test(tc, test_records_and_errors);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
