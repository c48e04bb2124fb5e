/* The amber potential against OpenMM: every energy term and the forces of
 * the reference files (REFERENCE.md §11.5) for model A (ff99SB-ILDN,
 * vacuum and OBC2) and model B (openmmtools ff96, vacuum and OBC1), read
 * from the shared parameter files, the tleap prmtop and the shipped
 * forcefields/ files; gradients against finite differences (incl. the
 * buried-atom GB branches); translation and rotation invariance; the
 * prmtop and digs-topology paths agree.
 *
 * Tolerances: the reference energies and forces are printed with 10
 * decimals (rounding ≤ 5e-11) and came from OpenMM's double-precision
 * Reference platform, which agrees with an independent re-implementation
 * to ≤ 3e-13 kJ/mol per term (§7.5); a correct double-precision evaluation
 * of the same formulas therefore lands within ~1e-10.  We allow
 * ENERGY_TOL = 1e-9 kJ/mol + 1e-12 relative and FORCE_TOL = 1e-9 kJ/mol/nm
 * + 1e-12 relative (|F| ≤ 1.1e4): 20× the print rounding, yet 1e3–1e5×
 * tighter than the spec's 1e-6 relative / 1e-4 kJ/mol/nm and far below any
 * real mistake (the 1.2e-8 relative error of an outdated Coulomb constant
 * already moves Coulomb by 4e-6 kJ/mol). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "core/units.h"
#include "io/digs_top.h"
#include "potentials/amber_model.h"
#include "potentials/amber_simd.h"
#include "potentials/potential.h"
#include "../check_run.h"

extern const digs_potential_ops digs_potential_amber;

#define ENERGY_TOL(ref) (1e-9 + 1e-12 * fabs(ref))
#define FORCE_TOL(ref) (1e-9 + 1e-12 * fabs(ref))

enum { NATOM = 22, DIM = 66, NCONF = 3 };

/* ---------------------------------------------------------------- files */

static void path_in(char *out, size_t size, const char *env, const char *dflt,
                    const char *rel)
{
    const char *root = getenv(env);
    snprintf(out, size, "%s/%s", root && *root ? root : dflt, rel);
}

/* $DIGS_SHARED_DIR/data/rel (the harness exports DIGS_SHARED_DIR). */
static void shared(char *out, size_t size, const char *rel)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "data/%s", rel);
    path_in(out, size, "DIGS_SHARED_DIR", "../shared", tmp);
}

/* $top_srcdir/rel (the shipped forcefields/). */
static void srcdir(char *out, size_t size, const char *rel)
{
    path_in(out, size, "top_srcdir", ".", rel);
}

static const char MODEL_A[] = "alanine_dipeptide_amber99sbildn.txt";
static const char MODEL_B[] = "alanine_dipeptide_amber96_openmmtools.txt";
static const char REF_A[] = "alanine_dipeptide_reference_openmm.txt";
static const char REF_B[] = "alanine_dipeptide_reference_openmm_amber96.txt";
static const char PRMTOP[] =
    "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.prmtop";
static const char CRD[] = "openmmtools_alanine-dipeptide-gbsa/alanine-dipeptide.crd";

/* ------------------------------------------------------ reference files */

/* Scalar keys of a CONFORMATION block, in the potential's term order
 * (8 vacuum terms, 2 GB terms) followed by the totals. */
static const char *const ref_keys[] = {
    "bond", "angle", "torsion_proper", "torsion_improper", "lj", "coulomb",
    "lj14", "coulomb14", "gb_polar", "gb_sa", "total_vacuum", "total_gb"};
enum { NKEYS = 12, KEY_TOTAL_VAC = 10, KEY_TOTAL_GB = 11 };

typedef struct ref_conf {
    char name[32];
    double e[NKEYS];
    double x[DIM], f_vac[DIM], f_gb[DIM];
} ref_conf;

static void read_reference(const char *rel, ref_conf *c)
{
    char path[1024], line[512];
    shared(path, sizeof path, rel);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (DIGS_SHARED_DIR?)", path);
    int n = -1, left = 0, seen = 0;
    double *block = NULL;
    memset(c, 0, sizeof *c * NCONF);
    while (fgets(line, sizeof line, f)) {
        char key[64];
        int idx;
        double a, b, d;
        if (left > 0) {
            ck_assert_int_eq(sscanf(line, "%d %lf %lf %lf", &idx, &a, &b, &d),
                             4);
            ck_assert(idx >= 0 && idx < NATOM);
            block[3 * idx] = a, block[3 * idx + 1] = b, block[3 * idx + 2] = d;
            left--;
            continue;
        }
        if (sscanf(line, "CONFORMATION %31s", c[n + 1 < NCONF ? n + 1 : n].name)
            == 1) {
            ck_assert_int_lt(++n, NCONF);
            continue;
        }
        if (n < 0 || sscanf(line, "%63s %lf", key, &a) != 2)
            continue;
        if (strcmp(key, "COORDINATES") == 0)
            block = c[n].x, left = NATOM;
        else if (strcmp(key, "FORCES_VACUUM") == 0)
            block = c[n].f_vac, left = NATOM;
        else if (strcmp(key, "FORCES_GB") == 0)
            block = c[n].f_gb, left = NATOM;
        for (int k = 0; k < NKEYS; k++)
            if (strcmp(key, ref_keys[k]) == 0) {
                c[n].e[k] = a;
                seen++;
            }
    }
    fclose(f);
    ck_assert_int_eq(n, NCONF - 1);
    ck_assert_int_eq(seen, NCONF * NKEYS);
}

/* ------------------------------------------------------------ potential */

/* Set up the amber potential from deck text, as digs_potential_create
 * would (the registry line is the lead's). */
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
    pot->kT = 1.0;
    pot->angstrom = 1.0;
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

static digs_potential *create(const char *topology_path, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[system]\npotential = amber\ntopology = %s\n%s", topology_path,
             extra);
    digs_potential *pot;
    int status = try_create(text, &pot);
    ck_assert_msg(status == DIGS_OK, "setup failed: %s", digs_error_message());
    return pot;
}

static digs_potential *create_shared(const char *rel, const char *extra)
{
    char path[1024];
    shared(path, sizeof path, rel);
    return create(path, extra);
}

static digs_potential *create_src(const char *rel, const char *extra)
{
    char path[1024];
    srcdir(path, sizeof path, rel);
    return create(path, extra);
}

static digs_potential *create_prmtop(const char *extra)
{
    char crd[1024], text[2048];
    shared(crd, sizeof crd, CRD);
    snprintf(text, sizeof text, "coordinates = %s\n%s", crd, extra);
    return create_shared(PRMTOP, text);
}

/* Every term, the total and −∇E against one reference file. */
static void check_against(digs_potential *pot, const ref_conf *ref, int gb,
                          const char *label)
{
    ck_assert_int_eq(pot->dim, DIM);
    ck_assert_int_eq(pot->n_terms, gb ? 10 : 8);
    for (int c = 0; c < NCONF; c++) {
        const ref_conf *r = &ref[c];
        double terms[10], grad[DIM];
        digs_potential_terms(pot, r->x, terms);
        for (int t = 0; t < pot->n_terms; t++) {
            ck_assert_str_eq(pot->term_names[t], ref_keys[t]);
            ck_assert_msg(fabs(terms[t] - r->e[t]) <= ENERGY_TOL(r->e[t]),
                          "%s %s %s: %.12f, OpenMM %.10f", label, r->name,
                          ref_keys[t], terms[t], r->e[t]);
        }
        double e = digs_potential_energy(pot, r->x, grad);
        double want = r->e[gb ? KEY_TOTAL_GB : KEY_TOTAL_VAC];
        ck_assert_msg(fabs(e - want) <= ENERGY_TOL(want),
                      "%s %s total: %.12f, OpenMM %.10f", label, r->name, e,
                      want);
        ck_assert_double_eq(e, digs_potential_energy(pot, r->x, NULL));
        const double *f = gb ? r->f_gb : r->f_vac;
        for (int k = 0; k < DIM; k++)
            ck_assert_msg(fabs(-grad[k] - f[k]) <= FORCE_TOL(f[k]),
                          "%s %s force[%d][%d]: %.12f, OpenMM %.10f", label,
                          r->name, k / 3, k % 3, -grad[k], f[k]);
    }
}

START_TEST(test_model_a_parameter_file)
{
    ref_conf ref[NCONF];
    read_reference(REF_A, ref);
    digs_potential *pot = create_shared(MODEL_A, "");
    check_against(pot, ref, 0, "model A vacuum");
    digs_potential_destroy(&pot);
    pot = create_shared(MODEL_A, "solvent = obc2\n");
    check_against(pot, ref, 1, "model A OBC2");
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(test_model_b_parameter_file)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    digs_potential *pot = create_shared(MODEL_B, "");
    check_against(pot, ref, 0, "model B vacuum");
    digs_potential_destroy(&pot);
    pot = create_shared(MODEL_B, "solvent = obc1\n");
    check_against(pot, ref, 1, "model B OBC1");
    digs_potential_destroy(&pot);
}
END_TEST

/* The real tleap prmtop (+ crd) must give model B: this is the path a user
 * with their own prmtop takes. */
START_TEST(test_prmtop_model_b)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    digs_potential *pot = create_prmtop("temperature = 300\n");
    check_against(pot, ref, 0, "prmtop vacuum");
    double x[DIM];
    ck_assert_int_eq(pot->ops->start_position(pot, x), DIGS_OK);
    for (int k = 0; k < DIM; k++) /* crd Å × 0.1 as OpenMM's reader */
        ck_assert_double_eq_tol(x[k], ref[0].x[k], 1e-15);
    digs_potential_destroy(&pot);
    pot = create_prmtop("solvent = obc1\n");
    check_against(pot, ref, 1, "prmtop OBC1");
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(test_shipped_forcefields)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    const char *extra[2] = {"", "solvent = obc1\n"};
    for (int gb = 0; gb < 2; gb++) {
        digs_potential *pot = create_src("forcefields/ala2-ff96.top", extra[gb]);
        check_against(pot, ref, gb, "ala2-ff96.top");
        double x[DIM];
        ck_assert_int_eq(pot->ops->start_position(pot, x), DIGS_OK);
        for (int k = 0; k < DIM; k++)
            ck_assert_double_eq_tol(x[k], ref[0].x[k], 1e-15);
        digs_potential_destroy(&pot);
    }
    read_reference(REF_A, ref);
    extra[1] = "solvent = obc2\n";
    for (int gb = 0; gb < 2; gb++) {
        digs_potential *pot =
            create_src("forcefields/ala2-ff99sbildn.top", extra[gb]);
        check_against(pot, ref, gb, "ala2-ff99sbildn.top");
        digs_potential_destroy(&pot);
    }
}
END_TEST

/* Perturbed copy of x: x + sigma N(0, 1) from a named test stream. */
static void perturb(const double *x, double sigma, uint64_t id, double *y)
{
    digs_stream s;
    digs_stream_init(&s, 2024, id, 0, DIGS_RNG_TEST, 0);
    for (int k = 0; k < DIM; k++)
        y[k] = x[k] + sigma * digs_stream_normal(&s);
}

/* ff96 through the tleap prmtop and through forcefields/ala2-ff96.top
 * (written by tools/make-forcefields from OpenMM's reading of the same
 * prmtop): the same doubles in the same order, so the sums are identical;
 * 1e-13 relative leaves room for an ulp if either side is regenerated. */
START_TEST(test_prmtop_equals_project_format)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    const char *extra[3] = {"", "solvent = obc1\n", "solvent = obc2\n"};
    for (int s = 0; s < 3; s++) {
        digs_potential *a = create_prmtop(extra[s]);
        digs_potential *b = create_src("forcefields/ala2-ff96.top", extra[s]);
        ck_assert_int_eq(a->n_terms, b->n_terms);
        for (int c = 0; c < 3 * NCONF; c++) {
            double x[DIM], ga[DIM], gb[DIM], ta[10], tb[10];
            perturb(ref[c % NCONF].x, c < NCONF ? 0.0 : 0.01, (uint64_t)c, x);
            double ea = digs_potential_energy(a, x, ga);
            double eb = digs_potential_energy(b, x, gb);
            ck_assert_msg(fabs(ea - eb) <= 1e-13 * fabs(ea), "%g vs %g", ea,
                          eb);
            digs_potential_terms(a, x, ta);
            digs_potential_terms(b, x, tb);
            for (int t = 0; t < a->n_terms; t++)
                ck_assert_msg(fabs(ta[t] - tb[t]) <= 1e-13 * fabs(ta[t]) + 1e-13,
                              "%s: %.17g vs %.17g", a->term_names[t], ta[t],
                              tb[t]);
            for (int k = 0; k < DIM; k++)
                ck_assert(fabs(ga[k] - gb[k]) <= 1e-13 * fabs(ga[k]) + 1e-12);
        }
        digs_potential_destroy(&a);
        digs_potential_destroy(&b);
    }
}
END_TEST

/* The gradient must integrate to the energy: along each coordinate k,
 * E(x + h e_k) − E(x − h e_k) = ∫_{−h}^{h} ∂_k E(x + t e_k) dt, the
 * integral by composite Simpson over 16 intervals.  Both sides divided by
 * 2h are compared as mean derivatives.  A path integral instead of a
 * finite-difference stencil because E is only C¹: the OBC descreening
 * integral switches branch (L = max(or_i, |r − sr_j|), and the or_i < r +
 * sr_j cut), and a stencil straddling a switch has an O(h) error (seen:
 * 3e-5 kJ/mol/nm at h = 1e-5 with a switch 8e-7 nm away), while Simpson
 * on the continuous ∂E only loses O((h/8)² ΔE'') ≲ 1e-9.  With h = 1e-4 nm
 * the round-off of the energy difference is ≈ ε_mach Σ|E_terms| / 2h ≈
 * 1e-9 kJ/mol/nm (Σ|E| ≲ 1e3) and Simpson's truncation error is below
 * 1e-12; the tolerance 1e-6 + 1e-9 |∂E| is still ~1e4× below the effect
 * of a wrong factor in any term. */
static void check_gradient_path(digs_potential *pot, const double *x0,
                                double h, const char *label)
{
    enum { N_INTERVALS = 16 };
    int dim = pot->dim;
    double x[DIM], g[DIM];
    memcpy(x, x0, sizeof *x * (size_t)dim);
    for (int k = 0; k < dim; k++) {
        double integral = 0.0, g0 = 0.0;
        for (int s = 0; s <= N_INTERVALS; s++) {
            double w = (s == 0 || s == N_INTERVALS) ? 1.0 : (s % 2 ? 4.0 : 2.0);
            x[k] = x0[k] - h + 2.0 * h * s / N_INTERVALS;
            digs_potential_energy(pot, x, g);
            integral += w * g[k];
            if (2 * s == N_INTERVALS)
                g0 = g[k];
        }
        integral *= 2.0 * h / N_INTERVALS / 3.0;
        x[k] = x0[k] + h;
        double ep = digs_potential_energy(pot, x, NULL);
        x[k] = x0[k] - h;
        double em = digs_potential_energy(pot, x, NULL);
        x[k] = x0[k];
        double fd = (ep - em) / (2.0 * h), mean = integral / (2.0 * h);
        ck_assert_msg(fabs(fd - mean) <= 1e-6 + 1e-9 * fabs(g0),
                      "%s: coordinate %d: (E(x+h) - E(x-h))/2h = %.10g, mean "
                      "analytic derivative %.10g (at x: %.10g)", label, k, fd,
                      mean, g0);
    }
}

START_TEST(test_gradient_finite_differences)
{
    ref_conf ref[NCONF];
    read_reference(REF_A, ref);
    struct { int src; const char *file, *extra; } cases[] = {
        {0, MODEL_A, ""}, {0, MODEL_A, "solvent = obc2\n"},
        {0, MODEL_A, "solvent = obc1\nsurface_area = none\n"},
        {1, "forcefields/ala2-ff96.top", "solvent = obc1\n"},
        {1, "forcefields/ala2-ff96.top", "solvent = obc2\n"
                                         "solute_dielectric = 2\n"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        digs_potential *pot = cases[c].src ? create_src(cases[c].file,
                                                        cases[c].extra)
                                           : create_shared(cases[c].file,
                                                           cases[c].extra);
        for (int r = 0; r < NCONF; r++) {
            double x[DIM];
            char label[512];
            perturb(ref[r].x, 0.005, 100 + (uint64_t)(c * NCONF + r), x);
            snprintf(label, sizeof label, "%.200s [%.200s] near %.31s",
                     cases[c].file, cases[c].extra, ref[r].name);
            check_gradient_path(pot, x, 1e-4, label);
        }
        digs_potential_destroy(&pot);
    }
}
END_TEST

/* Three atoms with radii chosen so that atom 0 lies inside atom 1's
 * scaled sphere (or_0 < sr_1 − r): the buried branch of the descreening
 * integral, with the GBSAOBCForce correction (buried_correction 1) and
 * without it (CustomGB), must still give exact forces. */
static const char buried_top[] =
    "# three charged atoms, no bonded terms\n"
    "ATOMS 3\n"
    "0 A0 RES 1 C C C 12.0 0.4 0.3 0.0 0.1 0.8\n"
    "1 A1 RES 1 C C C 12.0 -0.7 0.3 0.0 0.3 1.0\n"
    "2 A2 RES 1 C C C 12.0 0.3 0.3 0.0 0.15 0.9\n"
    "GBSA_OBC 2\nmodel %s\nburied_correction %d\nEND\n";

START_TEST(test_gb_buried_branch)
{
    char dir[256], path[512], text[1024];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/digs-amber-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/buried.top", dir);
    const double x[9] = {0.0, 0.0, 0.0, 0.08, 0.01, 0.0, 0.4, 0.2, 0.1};
    for (int v = 0; v < 2; v++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f, buried_top, v ? "OBC2" : "OBC1", v);
        fclose(f);
        snprintf(text, sizeof text, "solvent = %s\n", v ? "obc2" : "obc1");
        digs_potential *pot = create(path, text);
        check_gradient_path(pot, x, 1e-5, v ? "buried, OBC2" : "buried, OBC1");
        digs_potential_destroy(&pot);
    }
    remove(path);
    rmdir(dir);
}
END_TEST

/* E(Rx + t) = E(x), ∇E(Rx + t) = R ∇E(x), Σ_i ∇_i E = 0. */
START_TEST(test_invariance)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    digs_potential *pot = create_prmtop("solvent = obc1\n");
    ck_assert_int_eq(pot->translation_invariant, 1);
    double x[DIM], y[DIM], gx[DIM], gy[DIM];
    perturb(ref[2].x, 0.01, 7, x);
    double ex = digs_potential_energy(pot, x, gx);
    /* Rodrigues: R = c I + (1 − c) u uᵀ + s [u]×, rotation 0.7 rad about
     * the unit axis u = (1, 2, 2)/3 */
    const double u[3] = {1 / 3.0, 2 / 3.0, 2 / 3.0}, c = cos(0.7),
                 s = sin(0.7);
    const double ux[3][3] = {{0, -u[2], u[1]}, {u[2], 0, -u[0]},
                             {-u[1], u[0], 0}};
    double R[3][3];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            R[a][b] = (a == b ? c : 0.0) + (1 - c) * u[a] * u[b] +
                      s * ux[a][b];
    const double t[3] = {1.5, -2.25, 0.75};
    for (int i = 0; i < NATOM; i++)
        for (int a = 0; a < 3; a++) {
            y[3 * i + a] = t[a];
            for (int b = 0; b < 3; b++)
                y[3 * i + a] += R[a][b] * x[3 * i + b];
        }
    double ey = digs_potential_energy(pot, y, gy);
    ck_assert_msg(fabs(ex - ey) <= 1e-11 * fabs(ex) + 1e-11, "%.15g vs %.15g",
                  ex, ey);
    double gmax = 0, sum[3] = {0, 0, 0};
    for (int k = 0; k < DIM; k++)
        gmax = fmax(gmax, fabs(gx[k]));
    for (int i = 0; i < NATOM; i++)
        for (int a = 0; a < 3; a++) {
            double rg = 0;
            for (int b = 0; b < 3; b++)
                rg += R[a][b] * gx[3 * i + b];
            ck_assert(fabs(rg - gy[3 * i + a]) <= 1e-11 * gmax);
            sum[a] += gx[3 * i + a];
        }
    for (int a = 0; a < 3; a++)
        ck_assert_msg(fabs(sum[a]) <= 1e-11 * gmax, "net force %g", sum[a]);
    digs_potential_destroy(&pot);
}
END_TEST

START_TEST(test_descriptor)
{
    digs_potential *pot = create_prmtop("temperature = 350\n");
    ck_assert_int_eq(pot->n_particles, NATOM);
    ck_assert_int_eq(pot->spatial_dim, 3);
    ck_assert_str_eq(pot->length_unit, "nm");
    ck_assert_str_eq(pot->energy_unit, "kJ/mol");
    ck_assert_double_eq(pot->angstrom, 0.1);
    ck_assert_double_eq_tol(pot->kT, 350 * DIGS_KB_KJ_PER_MOL_K, 1e-15);
    ck_assert_str_eq(pot->atom_names[8], "CA");
    ck_assert_str_eq(pot->atom_names[0], "HH31");
    ck_assert_str_eq(pot->residue_names[8], "ALA");
    ck_assert_str_eq(pot->residue_names[21], "NME");
    ck_assert_int_eq(pot->residue_ids[0], 1);
    ck_assert_int_eq(pot->residue_ids[21], 3);
    ck_assert_str_eq(pot->elements[5], "O");
    ck_assert_str_eq(pot->elements[9], "H");
    ck_assert_str_eq(pot->elements[16], "N");
    digs_potential_destroy(&pot);
    pot = create_src("forcefields/ala2-ff99sbildn.top", "");
    ck_assert_double_eq_tol(pot->kT, 2.494338785445972, 1e-12);
    ck_assert_str_eq(pot->elements[1], "C");
    digs_potential_destroy(&pot);
}
END_TEST

/* Deck dielectrics and the ACE switch act as OBC's formula says:
 * E_pol ∝ (1/ε_in − 1/ε_out), E_SA independent of them. */
START_TEST(test_dielectrics_and_surface_area)
{
    ref_conf ref[NCONF];
    read_reference(REF_B, ref);
    digs_potential *a = create_src("forcefields/ala2-ff96.top",
                                   "solvent = obc1\n");
    digs_potential *b = create_src("forcefields/ala2-ff96.top",
                                   "solvent = obc1\nsolvent_dielectric = 4\n"
                                   "solute_dielectric = 2\n"
                                   "surface_area = none\n");
    double ta[10], tb[10];
    digs_potential_terms(a, ref[2].x, ta);
    digs_potential_terms(b, ref[2].x, tb);
    double ratio = (1 / 2.0 - 1 / 4.0) / (1 / 1.0 - 1 / 78.5);
    ck_assert_double_eq_tol(tb[8], ratio * ta[8], 1e-12 * fabs(ta[8]));
    ck_assert_double_eq(tb[9], 0.0);
    for (int t = 0; t < 8; t++)
        ck_assert_double_eq(ta[t], tb[t]);
    digs_potential_destroy(&a);
    digs_potential_destroy(&b);
}
END_TEST

/* The polynomial arctangent of the angle term against libm's atan2 over
 * [0, π] at three length scales: within 2 ulp of π (8.9e-16 rad), i.e. an
 * angle-energy error ≤ k |θ − θ0| · 9e-16 ≈ 1e-13 kJ/mol. */
START_TEST(test_angle_arctangent)
{
    const double scale[3] = {1e-3, 0.137, 7.3};
    double worst = 0.0;
    for (int s = 0; s < 3; s++)
        for (int k = 0; k <= 200000; k += 2) {
            double t0 = M_PI * k / 200000.0, t1 = M_PI * (k + 1) / 200000.0;
            v2d y = {fabs(scale[s] * sin(t0)), fabs(scale[s] * sin(t1))};
            v2d x = {scale[s] * cos(t0), scale[s] * cos(t1)};
            v2d a = amber_angle2(y, x);
            for (int lane = 0; lane < 2; lane++)
                worst = fmax(worst, fabs(a[lane] - atan2(y[lane], x[lane])));
        }
    ck_assert_msg(worst <= 2 * 4.440892098500626e-16, "max error %g", worst);
    v2d a = amber_angle2((v2d){0.0, 0.0}, (v2d){2.0, -2.0});
    ck_assert_double_eq(a[0], 0.0);
    ck_assert_double_eq(a[1], M_PI);
    a = amber_angle2((v2d){3.0, 0.0}, (v2d){0.0, 0.0});
    ck_assert_double_eq_tol(a[0], M_PI / 2, 4.5e-16);
    ck_assert_double_eq(a[1], 0.0);
}
END_TEST

/* GB forces from the pass-1 derivatives kept for small molecules and from
 * the recomputation used above AMBER_GB_CACHE_ATOMS: the same formulas,
 * so the same numbers to rounding (observed: identical). */
START_TEST(test_gb_cache_paths)
{
    char path[1024];
    srcdir(path, sizeof path, "forcefields/ala2-ff96.top");
    digs_amber_topology top;
    ck_assert_int_eq(digs_top_read(path, &top), DIGS_OK);
    amber_model m;
    ck_assert_int_eq(amber_model_build(&m, &top, &top.gb, 1), DIGS_OK);
    ck_assert_int_eq(m.gb_cache, 1);
    double x[DIM], g1[DIM], g0[DIM], e1[AMBER_N_TERMS], e0[AMBER_N_TERMS];
    perturb(top.coordinates, 0.01, 555, x);
    double a = amber_model_evaluate(&m, x, g1, e1);
    m.gb_cache = 0;
    double b = amber_model_evaluate(&m, x, g0, e0);
    ck_assert_double_eq_tol(a, b, 1e-12 * fabs(a));
    for (int k = 0; k < DIM; k++)
        ck_assert_double_eq_tol(g1[k], g0[k], 1e-11 * (1 + fabs(g1[k])));
    amber_model_free(&m);
    digs_amber_topology_free(&top);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("amber");
    TCase *tc = tcase_create("openmm");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_model_a_parameter_file);
    tcase_add_test(tc, test_model_b_parameter_file);
    tcase_add_test(tc, test_prmtop_model_b);
    tcase_add_test(tc, test_shipped_forcefields);
    tcase_add_test(tc, test_prmtop_equals_project_format);
    tcase_add_test(tc, test_gradient_finite_differences);
    tcase_add_test(tc, test_gb_buried_branch);
    tcase_add_test(tc, test_invariance);
    tcase_add_test(tc, test_descriptor);
    tcase_add_test(tc, test_dielectrics_and_surface_area);
    tcase_add_test(tc, test_angle_arctangent);
    tcase_add_test(tc, test_gb_cache_paths);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
