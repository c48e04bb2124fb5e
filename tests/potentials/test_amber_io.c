/* Input errors of the amber potential: corrupted and truncated copies of
 * the tleap prmtop, of a digs topology and of the inpcrd, written to a
 * temporary directory, and bad [system] keys.  Each must fail with one
 * line naming the file (and line) and what was expected. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/deck.h"
#include "core/status.h"
#include "potentials/potential.h"
#include "../check_run.h"

extern const digs_potential_ops digs_potential_amber;

static char tmpdir[256];

static void setup_dir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/digs-amber-io-XXXXXX",
             base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    remove(path);
}

static void teardown_dir(void)
{
    const char *names[] = {"t.prmtop", "t.top", "t.crd"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        remove_file(names[k]);
    rmdir(tmpdir);
}

static void shared(char *out, size_t size, const char *rel)
{
    const char *root = getenv("DIGS_SHARED_DIR");
    snprintf(out, size, "%s/data/%s", root && *root ? root : "../shared", rel);
}

static void srcdir(char *out, size_t size, const char *rel)
{
    const char *root = getenv("top_srcdir");
    snprintf(out, size, "%s/%s", root && *root ? root : ".", rel);
}

/* A text file as an array of lines (without '\n'). */
typedef struct lines {
    char **line;
    int n;
} lines;

static lines load(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    lines l = {calloc(4096, sizeof(char *)), 0};
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        ck_assert_int_lt(l.n, 4096);
        l.line[l.n++] = strdup(buf);
    }
    fclose(f);
    return l;
}

static void release(lines *l)
{
    for (int k = 0; k < l->n; k++)
        free(l->line[k]);
    free(l->line);
}

/* Replace 1-based line k. */
static void set_line(lines *l, int k, const char *text)
{
    free(l->line[k - 1]);
    l->line[k - 1] = strdup(text);
}

/* Overwrite w characters of 1-based line k at column col (0-based). */
static void patch(lines *l, int k, int col, const char *text)
{
    memcpy(l->line[k - 1] + col, text, strlen(text));
}

/* Write lines [0, n) (n < 0: all) into tmpdir/name; return the path. */
static const char *save(const lines *l, int n, const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int k = 0; k < (n < 0 ? l->n : n); k++)
        fprintf(f, "%s\n", l->line[k]);
    fclose(f);
    return path;
}

static int try_create(const char *text, digs_potential **out)
{
    digs_deck *deck;
    *out = NULL;
    digs_error_clear();
    int status = digs_deck_parse(&deck, text, "test.ini");
    if (status != DIGS_OK)
        return status;
    const char *name;
    status = digs_deck_string(deck, "system", "potential", NULL, &name);
    digs_potential *pot = calloc(1, sizeof *pot);
    pot->ops = &digs_potential_amber;
    if (status == DIGS_OK)
        status = pot->ops->setup(pot, deck);
    if (status == DIGS_OK)
        status = digs_deck_check_unused(deck);
    digs_deck_destroy(&deck);
    if (status != DIGS_OK) {
        digs_potential_destroy(&pot);
        return status;
    }
    *out = pot;
    return DIGS_OK;
}

/* Setup with [system] topology = path + extra must fail with an input
 * error whose message contains every given fragment. */
static void expect_failure(const char *path, const char *extra,
                           const char *frag1, const char *frag2)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[system]\npotential = amber\ntopology = %s\n%s", path, extra);
    digs_potential *pot;
    int status = try_create(text, &pot);
    ck_assert_msg(status == DIGS_ERR_INPUT, "expected an input error for "
                  "'%s' (%s), got status %d: %s", frag1, extra, status,
                  digs_error_message());
    const char *msg = digs_error_message();
    ck_assert_msg(strstr(msg, frag1) != NULL, "message '%s' lacks '%s'", msg,
                  frag1);
    ck_assert_msg(!frag2 || strstr(msg, frag2) != NULL,
                  "message '%s' lacks '%s'", msg, frag2);
    ck_assert_msg(strchr(msg, '\n') == NULL, "message is not one line");
}

static lines prmtop_lines(void)
{
    char path[1024];
    shared(path, sizeof path,
           "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.prmtop");
    return load(path);
}

START_TEST(test_prmtop_truncated)
{
    lines l = prmtop_lines();
    const char *path = save(&l, 20, "t.prmtop"); /* CHARGE cut after 20 */
    char want[512];
    snprintf(want, sizeof want, "%s:15: %%FLAG CHARGE: expected 22 values of "
             "format 5E16.8, found 20", path);
    expect_failure(path, "", want, NULL);
    path = save(&l, 150, "t.prmtop"); /* cut in DIHEDRALS_INC_HYDROGEN */
    expect_failure(path, "", "%FLAG DIHEDRALS_INC_HYDROGEN: expected 175 "
                   "values of format 10I8, found", NULL);
    release(&l);
}
END_TEST

START_TEST(test_prmtop_corrupted_values)
{
    lines l = prmtop_lines();
    patch(&l, 24, 2, "1.0080000XE+00");
    const char *path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", ":24: %FLAG MASS: value 1 '1.0080000XE+00' is "
                   "not a finite real of format 5E16.8", NULL);
    release(&l);

    l = prmtop_lines();
    patch(&l, 31, 0, "     abc");
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", ":31: %FLAG ATOM_TYPE_INDEX: value 1 'abc' is "
                   "not an integer of format 10I8", NULL);
    release(&l);

    l = prmtop_lines();
    set_line(&l, 30, "%FORMAT(10X8)");
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", ":30: %FLAG ATOM_TYPE_INDEX: unsupported "
                   "%FORMAT(10X8)", NULL);
    release(&l);

    l = prmtop_lines();
    set_line(&l, 51, "       1       7      17      20");
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", ":49: %FLAG RESIDUE_POINTER: expected 3 values "
                   "of format 10I8, found 4", NULL);
    release(&l);

    l = prmtop_lines();
    patch(&l, 109, 0, "       4");
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", "%FLAG BONDS_INC_HYDROGEN: entry 1: atom "
                   "pointer 4 is not 3", NULL);
    release(&l);
}
END_TEST

START_TEST(test_prmtop_missing_and_unsupported)
{
    lines l = prmtop_lines();
    for (int k = 52; k <= 55; k++) /* drop BOND_FORCE_CONSTANT */
        set_line(&l, k, "");
    const char *path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", "missing %FLAG BOND_FORCE_CONSTANT", NULL);
    release(&l);

    l = prmtop_lines();
    patch(&l, 9, 56, "       1"); /* POINTERS value 28 = IFBOX */
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", "periodic box (IFBOX = 1) is not supported",
                   NULL);
    release(&l);

    l = prmtop_lines();
    patch(&l, 93, 18, "1.07170812E+05"); /* A of the type pair (1, 2) */
    path = save(&l, -1, "t.prmtop");
    expect_failure(path, "", "NBFIX", "not supported");
    release(&l);

    expect_failure("/nonexistent/ala2.prmtop", "", "topology",
                   "cannot read the file");
}
END_TEST

static void write_crd(const lines *crd, int n, const char *count_line)
{
    lines c = *crd;
    char *saved = c.line[1];
    c.line[1] = (char *)count_line;
    save(&c, n, "t.crd");
    c.line[1] = saved;
}

START_TEST(test_inpcrd_errors)
{
    char prmtop[1024], crdpath[1024], extra[512];
    shared(prmtop, sizeof prmtop,
           "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.prmtop");
    shared(crdpath, sizeof crdpath,
           "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.crd");
    lines crd = load(crdpath);
    snprintf(extra, sizeof extra, "coordinates = %s/t.crd\n", tmpdir);
    write_crd(&crd, -1, "    21");
    expect_failure(prmtop, extra, "t.crd:2: expected the atom count 22 of "
                   "the topology", NULL);
    write_crd(&crd, 5, "    22");
    expect_failure(prmtop, extra, "t.crd:5: expected 66 coordinates of "
                   "format 6F12.7, found 18", NULL);
    release(&crd);

    /* a prmtop alone has no start coordinates: setup works, the start
     * position says what is missing */
    char text[2048];
    snprintf(text, sizeof text, "[system]\npotential = amber\ntopology = %s\n",
             prmtop);
    digs_potential *pot;
    ck_assert_int_eq(try_create(text, &pot), DIGS_OK);
    double x[66];
    ck_assert_int_eq(pot->ops->start_position(pot, x), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "coordinates"));
    digs_potential_destroy(&pot);
}
END_TEST

static lines top_lines(void)
{
    char path[1024];
    srcdir(path, sizeof path, "forcefields/ala2-ff96.top");
    return load(path);
}

static int find_line(const lines *l, const char *prefix)
{
    for (int k = 0; k < l->n; k++)
        if (strncmp(l->line[k], prefix, strlen(prefix)) == 0)
            return k + 1;
    ck_abort_msg("no line starting '%s'", prefix);
    return 0;
}

START_TEST(test_digs_top_errors)
{
    lines l = top_lines();
    int atoms = find_line(&l, "ATOMS 22");
    const char *path = save(&l, atoms + 11, "t.top"); /* header + 10 atoms */
    expect_failure(path, "", "ATOMS: expected 22 data lines, found 10 before "
                   "the end of the file", NULL);
    path = save(&l, find_line(&l, "END") - 1, "t.top");
    expect_failure(path, "", "missing END (is the file truncated?)", NULL);

    int bonds = find_line(&l, "BONDS 21");
    char bad[256];
    set_line(&l, bonds + 2, "1 99 0.109 284512.0");
    path = save(&l, -1, "t.top");
    snprintf(bad, sizeof bad, "t.top:%d: BONDS: column 2 (atom index): "
             "expected an integer in 0..21, found '99'", bonds + 2);
    expect_failure(path, "", bad, NULL);
    release(&l);

    l = top_lines();
    int tors = find_line(&l, "TORSIONS 52");
    set_line(&l, tors + 2, "5 4 6 7 1 0.0 8.368");
    path = save(&l, -1, "t.top");
    expect_failure(path, "", "TORSIONS: line 1 of 52: expected 8 columns",
                   NULL);
    release(&l);

    l = top_lines();
    int excl = find_line(&l, "EXCLUSIONS 57");
    set_line(&l, excl + 2, "0 5"); /* 0-5 is a 1-4 pair */
    path = save(&l, -1, "t.top");
    expect_failure(path, "", "atom pair 0-5 is listed twice", NULL);
    release(&l);

    l = top_lines();
    set_line(&l, atoms + 2, "0 HH31 ACE 1 H HC HC 1.008 x 0.26 0.065 0.12 "
             "0.85");
    path = save(&l, -1, "t.top");
    expect_failure(path, "", "ATOMS: column 9 (charge): expected a finite "
                   "number, found 'x'", NULL);
    set_line(&l, atoms + 2, "FOO 3");
    path = save(&l, -1, "t.top");
    expect_failure(path, "", "ATOMS: line 1 of 22: expected 13 columns", NULL);
    release(&l);

    l = top_lines();
    set_line(&l, atoms, "FOO 1");
    path = save(&l, -1, "t.top");
    expect_failure(path, "", "unknown key 'FOO'", NULL);
    release(&l);
}
END_TEST

START_TEST(test_deck_errors)
{
    char top[1024];
    srcdir(top, sizeof top, "forcefields/ala2-ff96.top");
    expect_failure(top, "solvent_dielectric = 80\n",
                   "[system] solvent_dielectric = 80: only used with solvent "
                   "= obc1 or obc2", NULL);
    expect_failure(top, "solvent = gbsa\n", "vacuum | obc1 | obc2", NULL);
    expect_failure(top, "solvent = obc1\nsolvent_dielectric = 0.5\n",
                   "solvent_dielectric", NULL);
    expect_failure(top, "temperature = -1\n", "temperature", NULL);
    expect_failure(top, "cutoff = 1.0\n", "cutoff", NULL);

    digs_potential *pot;
    ck_assert_int_eq(try_create("[system]\npotential = amber\n", &pot),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "topology"));

    /* GB without radii */
    lines l = top_lines();
    int atoms = find_line(&l, "ATOMS 22");
    for (int a = 0; a < 22; a++) {
        char *line = l.line[atoms + 1 + a]; /* data line a (after the comment) */
        char *last = strrchr(line, ' ');
        *last = '\0';
        char *radius = strrchr(line, ' ');
        strcpy(radius, " 0 0.85");
    }
    const char *path = save(&l, -1, "t.top");
    expect_failure(path, "solvent = obc1\n", "implicit solvent needs GB "
                   "radii", NULL);
    release(&l);
}
END_TEST

/* Optional prmtop sections: SCEE/SCNB_SCALE_FACTOR change exactly the 1-4
 * terms (qq ∝ 1/SCEE, ε ∝ 1/SCNB); ATOMIC_NUMBER gives the elements;
 * without EXCLUDED_ATOMS_LIST the exclusions come from the bond graph and
 * the energy is unchanged; %COMMENT lines are skipped. */
static double terms_of(const char *prmtop, double *t)
{
    char text[2048], crd[1024];
    shared(crd, sizeof crd,
           "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.crd");
    snprintf(text, sizeof text, "[system]\npotential = amber\ntopology = "
             "%s\ncoordinates = %s\n", prmtop, crd);
    digs_potential *pot;
    int status = try_create(text, &pot);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    double x[66];
    ck_assert_int_eq(pot->ops->start_position(pot, x), DIGS_OK);
    for (int k = 0; k < 66; k++) /* away from the symmetric start */
        x[k] += 0.01 * sin(1.7 * k);
    digs_potential_terms(pot, x, t);
    double e = digs_potential_energy(pot, x, NULL);
    ck_assert_str_eq(pot->elements[5], "O");
    digs_potential_destroy(&pot);
    return e;
}

START_TEST(test_prmtop_optional_sections)
{
    char path[1024];
    shared(path, sizeof path,
           "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.prmtop");
    double ref[8], t[8];
    terms_of(path, ref);

    lines l = prmtop_lines();
    FILE *f;
    char name[256];
    snprintf(name, sizeof name, "%s/t.prmtop", tmpdir);
    f = fopen(name, "w");
    ck_assert_ptr_nonnull(f);
    for (int k = 0; k < l.n; k++) {
        fprintf(f, "%s\n", l.line[k]);
        if (k + 1 == 30) /* after ATOM_TYPE_INDEX's %FORMAT */
            fprintf(f, "%%COMMENT a comment line\n");
    }
    const char *scale[2] = {"SCEE_SCALE_FACTOR", "SCNB_SCALE_FACTOR"};
    for (int s = 0; s < 2; s++) { /* NPTRA = 13 */
        fprintf(f, "%%FLAG %-74s\n%%FORMAT(5E16.8)\n", scale[s]);
        for (int k = 0; k < 13; k++)
            fprintf(f, "%16.8E%s", s ? 4.0 : 2.0, k % 5 == 4 || k == 12 ? "\n"
                                                                     : "");
    }
    static const int z[22] = {1, 6, 1, 1, 6, 8, 7, 1, 6, 1, 6,
                              1, 1, 1, 6, 8, 7, 1, 6, 1, 1, 1};
    fprintf(f, "%%FLAG ATOMIC_NUMBER\n%%FORMAT(10I8)\n");
    for (int k = 0; k < 22; k++)
        fprintf(f, "%8d%s", z[k], k % 10 == 9 || k == 21 ? "\n" : "");
    fclose(f);
    terms_of(name, t);
    for (int k = 0; k < 8; k++) {
        double want = k == 6 ? 0.5 * ref[k] : k == 7 ? ref[k] * 1.2 / 2.0
                                                     : ref[k];
        ck_assert_msg(fabs(t[k] - want) <= 1e-12 * fabs(want) + 1e-12,
                      "term %d: %.15g, expected %.15g", k, t[k], want);
    }

    /* drop NUMBER_EXCLUDED_ATOMS (lines 34-38) and EXCLUDED_ATOMS_LIST
     * (lines 168-179): exclusions from the bonds */
    for (int k = 34; k <= 38; k++)
        set_line(&l, k, "");
    for (int k = 168; k <= 179; k++)
        set_line(&l, k, "");
    const char *p = save(&l, -1, "t.prmtop");
    terms_of(p, t);
    for (int k = 0; k < 8; k++)
        ck_assert_msg(t[k] == ref[k], "term %d: %.17g vs %.17g", k, t[k],
                      ref[k]);
    release(&l);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("amber_io");
    TCase *tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, test_prmtop_truncated);
    tcase_add_test(tc, test_prmtop_corrupted_values);
    tcase_add_test(tc, test_prmtop_missing_and_unsupported);
    tcase_add_test(tc, test_inpcrd_errors);
    tcase_add_test(tc, test_digs_top_errors);
    tcase_add_test(tc, test_deck_errors);
    tcase_add_test(tc, test_prmtop_optional_sections);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
