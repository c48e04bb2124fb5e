/* Ramachandran analysis (src/analysis/ramachandran.h): dihedral sign and
 * value on hand-built geometries, φ/ψ of the shared start structure and of
 * the OpenMM reference conformations (REFERENCE.md §11.3, §11.5), basin
 * classification of the §8.8 centres, KL / TVD closed forms, transitions
 * on a hand sequence, and the chirality flag of a mirror image. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/ramachandran.h"
#include "core/status.h"
#include "io/pdb.h"
#include "../check_run.h"

static const double DEG = M_PI / 180.0;

/* a = (1,0,0), b = 0, c = (0,0,1), d = (cos t, sin t, 1): the IUPAC
 * dihedral is t (b1 = -x, b2 = z, n1 = y, n2 = (-sin t, cos t, 0), so
 * atan2(|b2| b1·n2, n1·n2) = atan2(sin t, cos t)). */
static double hand_dihedral(double t, double scale)
{
    double a[3] = {scale, 0, 0}, b[3] = {0, 0, 0}, c[3] = {0, 0, scale};
    double d[3] = {scale * cos(t), scale * sin(t), scale};
    return digs_dihedral(a, b, c, d);
}

START_TEST(test_dihedral_hand)
{
    /* closed form atan2(sin t, cos t) to 1e-12 rad (a few ulps of the
     * cross / dot products) */
    const double ts[] = {60 * DEG, -60 * DEG, 179 * DEG, -179 * DEG,
                         0.3,      -2.9,      1e-3,      M_PI / 2};
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++)
        for (double scale = 0.1; scale < 20; scale *= 7) {
            double got = hand_dihedral(ts[k], scale);
            ck_assert_msg(fabs(got - atan2(sin(ts[k]), cos(ts[k]))) < 1e-12,
                          "t %g scale %g: %.17g", ts[k], scale, got);
        }
    /* 180°: +π, never −π (range (−π, π]) */
    ck_assert(fabs(hand_dihedral(M_PI, 1.0) - M_PI) < 1e-12);
    double a[3] = {1, 0, 0}, b[3] = {0, 0, 0}, c[3] = {0, 0, 1},
           d[3] = {-1, 0, 1};
    ck_assert_double_eq(digs_dihedral(a, b, c, d), M_PI);
    /* collinear: undefined */
    double e[3] = {0, 0, 2};
    ck_assert(isnan(digs_dihedral(b, c, e, (double[]){0, 0, 3})));
}
END_TEST

/* Atom labels of REFERENCE.md §7.5.2. */
static const char *const NAMES[22] = {
    "HH31", "CH3", "HH32", "HH33", "C",   "O",   "N",    "H",
    "CA",   "HA",  "CB",   "HB1",  "HB2", "HB3", "C",    "O",
    "N",    "H",   "CH3",  "HH31", "HH32", "HH33"};
static const char *RES[22];
static int RID[22];

static void labels(void)
{
    for (int i = 0; i < 22; i++) {
        RID[i] = i < 6 ? 1 : i < 16 ? 2 : 3;
        RES[i] = i < 6 ? "ACE" : i < 16 ? "ALA" : "NME";
    }
}

START_TEST(test_find_atoms)
{
    labels();
    digs_rama_atoms a;
    ck_assert_int_eq(digs_rama_find_atoms(22, NAMES, RES, RID, &a), 0);
    ck_assert_int_eq(a.c_prev, 4);
    ck_assert_int_eq(a.n, 6);
    ck_assert_int_eq(a.ca, 8);
    ck_assert_int_eq(a.c, 14);
    ck_assert_int_eq(a.n_next, 16);
    ck_assert_int_eq(a.cb, 10);
    /* reversed atom order: names still find the same atoms */
    const char *rn[22], *rr[22];
    int ri[22];
    for (int i = 0; i < 22; i++) {
        rn[i] = NAMES[21 - i];
        rr[i] = RES[21 - i];
        ri[i] = RID[21 - i];
    }
    ck_assert_int_eq(digs_rama_find_atoms(22, rn, rr, ri, &a), 0);
    ck_assert_int_eq(a.c_prev, 21 - 4);
    ck_assert_int_eq(a.n_next, 21 - 16);
    ck_assert_int_eq(a.cb, 21 - 10);
    /* no names: §7.5.2 indices for 22 atoms only */
    ck_assert_int_eq(digs_rama_find_atoms(22, NULL, NULL, NULL, &a), 0);
    ck_assert_int_eq(a.c, 14);
    ck_assert_int_eq(digs_rama_find_atoms(13, NULL, NULL, NULL, &a), -1);
    /* no ALA CA */
    const char *noca[22];
    memcpy(noca, NAMES, sizeof noca);
    noca[8] = "CX";
    ck_assert_int_eq(digs_rama_find_atoms(22, noca, RES, RID, &a), -1);
}
END_TEST

static const char *shared(const char *file, char *buf, size_t len)
{
    const char *dir = getenv("DIGS_SHARED_DIR");
    if (!dir || !*dir)
        return NULL;
    snprintf(buf, len, "%s/data/%s", dir, file);
    return buf;
}

START_TEST(test_start_pdb)
{
    char path[4096];
    if (!shared("alanine_dipeptide.pdb", path, sizeof path))
        return;
    double *xyz;
    int models, atoms;
    ck_assert_int_eq(digs_pdb_read(path, 22, &xyz, &models, &atoms),
                     DIGS_OK);
    ck_assert_int_eq(models, 1);
    digs_rama_atoms at;
    digs_rama_find_atoms(22, NULL, NULL, NULL, &at);
    double phi, psi;
    digs_rama_phi_psi(xyz, &at, &phi, &psi);
    /* REFERENCE §11.5: −179.9998°, 179.9999° from the exact nm
     * coordinates; the PDB's 1e-3 Å rounding moves the angles by at most
     * ~0.05° (1e-3 Å over ~1.5 Å bonds), so allow 0.1° on the circle. */
    double dphi = remainder(phi / DEG - (-179.9997761728), 360.0);
    double dpsi = remainder(psi / DEG - 179.9999209953, 360.0);
    ck_assert_msg(fabs(dphi) < 0.1 && fabs(dpsi) < 0.1, "phi %.6f psi %.6f",
                  phi / DEG, psi / DEG);
    ck_assert_int_eq(digs_rama_classify(phi, psi), DIGS_BASIN_BETA);
    /* L-alanine: positive signed volume (hand value 2.533 Å³) */
    double v = digs_rama_chirality(xyz, &at);
    ck_assert_msg(fabs(v - 2.533) < 0.01, "volume %g", v);
    ck_assert_int_eq(v > 0 ? 1 : -1, DIGS_RAMA_L_SIGN);
    /* the mirror image x -> -x flips the sign, and φ, ψ change sign */
    for (int i = 0; i < 22; i++)
        xyz[3 * i] = -xyz[3 * i];
    ck_assert_msg(fabs(digs_rama_chirality(xyz, &at) + v) < 1e-12,
                  "mirror volume %g", digs_rama_chirality(xyz, &at));
    free(xyz);
}
END_TEST

START_TEST(test_reference_conformations)
{
    char path[4096];
    if (!shared("alanine_dipeptide_reference_openmm_amber96.txt", path,
                sizeof path))
        return;
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    digs_rama_atoms at;
    digs_rama_find_atoms(22, NULL, NULL, NULL, &at);
    char line[512], name[64] = "";
    double phi_ref = NAN, psi_ref = NAN, x[66];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        int n;
        if (sscanf(line, "CONFORMATION %63s", name) == 1)
            phi_ref = psi_ref = NAN;
        sscanf(line, "phi_deg %lf", &phi_ref);
        sscanf(line, "psi_deg %lf", &psi_ref);
        if (sscanf(line, "COORDINATES %d", &n) != 1)
            continue;
        ck_assert_int_eq(n, 22);
        for (int i = 0; i < 22; i++) {
            int idx;
            ck_assert(fgets(line, sizeof line, f) != NULL);
            ck_assert_int_eq(sscanf(line, "%d %lf %lf %lf", &idx, &x[3 * i],
                                    &x[3 * i + 1], &x[3 * i + 2]), 4);
            ck_assert_int_eq(idx, i);
        }
        double phi, psi;
        digs_rama_phi_psi(x, &at, &phi, &psi);
        /* the file prints 10 decimals of OpenMM's values: 1e-6° */
        ck_assert_msg(fabs(phi / DEG - phi_ref) < 1e-6 &&
                          fabs(psi / DEG - psi_ref) < 1e-6,
                      "%s: phi %.10f (file %.10f) psi %.10f (file %.10f)",
                      name, phi / DEG, phi_ref, psi / DEG, psi_ref);
        if (!strcmp(name, "c7eq"))
            ck_assert_int_eq(digs_rama_classify(phi, psi), DIGS_BASIN_BETA);
        ck_assert(digs_rama_chirality(x, &at) > 0);
        checked++;
    }
    fclose(f);
    ck_assert_int_eq(checked, 3);
}
END_TEST

START_TEST(test_classify)
{
    /* §8.8 basin centres, the αR / αL textbook centres, and the wrap */
    ck_assert_int_eq(digs_rama_classify(-78 * DEG, 54 * DEG), DIGS_BASIN_BETA);
    ck_assert_int_eq(digs_rama_classify(-147 * DEG, 159 * DEG),
                     DIGS_BASIN_BETA);
    ck_assert_int_eq(digs_rama_classify(60 * DEG, -41 * DEG), DIGS_BASIN_C7AX);
    ck_assert_int_eq(digs_rama_classify(-70 * DEG, -40 * DEG),
                     DIGS_BASIN_ALPHA_R);
    ck_assert_int_eq(digs_rama_classify(60 * DEG, 45 * DEG),
                     DIGS_BASIN_ALPHA_L);
    ck_assert_int_eq(digs_rama_classify(179 * DEG, 179 * DEG),
                     DIGS_BASIN_BETA);
    ck_assert_int_eq(digs_rama_classify(M_PI, -M_PI + 1e-3),
                     DIGS_BASIN_BETA);
    /* a sign error maps C7eq next to C7ax (§8.8) */
    ck_assert_int_eq(digs_rama_classify(78 * DEG, -54 * DEG), DIGS_BASIN_C7AX);
    ck_assert_int_eq(digs_rama_classify(NAN, 0), DIGS_BASIN_OTHER);
    ck_assert_str_eq(digs_rama_basin_name(DIGS_BASIN_ALPHA_R), "alphaR");
}
END_TEST

START_TEST(test_histograms_kl_tvd)
{
    ck_assert_int_eq(digs_rama_bin(-M_PI, 60), 0);
    ck_assert_int_eq(digs_rama_bin(M_PI, 60), 59);
    ck_assert_int_eq(digs_rama_bin(0.0, 60), 30);
    ck_assert_int_eq(digs_rama_bin(NAN, 60), -1);
    double phi[4] = {-M_PI, 0.1, 0.1, NAN}, psi[4] = {0.1, M_PI, M_PI, 0};
    double h[4];
    ck_assert_int_eq(digs_rama_hist2d(phi, psi, 4, 2, h), 3);
    ck_assert_double_eq(h[0 * 2 + 1], 1.0);   /* (−π, 0.1) */
    ck_assert_double_eq(h[1 * 2 + 1], 2.0);   /* (0.1, π) */
    ck_assert_double_eq(h[0] + h[2], 0.0);
    /* p = (½, ½), q = (¼, ¾): KL = ½ ln 2 + ½ ln ⅔ = ½ ln(4/3); the ε
     * regularisation shifts it by O(1e-10), so 1e-8. TVD = ¼ exactly. */
    double p[2] = {1, 1}, q[2] = {1, 3};
    ck_assert(fabs(digs_rama_kl(p, q, 2) - 0.5 * log(4.0 / 3.0)) < 1e-8);
    ck_assert(fabs(digs_rama_tvd(p, q, 2) - 0.25) < 1e-15);
    ck_assert(fabs(digs_rama_kl(p, p, 2)) < 1e-15);
    /* empty q bin: KL = ½ ln(½ / ε) + O(ε) with ε = 1e-10 (1e-6 rel) */
    double r[2] = {1, 0};
    double kl = digs_rama_kl(p, r, 2);
    double want = 0.5 * log(0.5 / DIGS_RAMA_KL_EPS) + 0.5 * log(0.5);
    ck_assert_msg(fabs(kl - want) < 1e-6 * want, "KL %g vs %g", kl, want);
    ck_assert(fabs(digs_rama_tvd(p, r, 2) - 0.5) < 1e-15);
    double z[2] = {0, 0};
    ck_assert(isnan(digs_rama_kl(p, z, 2)) && isnan(digs_rama_tvd(z, p, 2)));
}
END_TEST

START_TEST(test_transitions)
{
    enum { B = DIGS_BASIN_BETA, R = DIGS_BASIN_ALPHA_R,
           L = DIGS_BASIN_ALPHA_L, C = DIGS_BASIN_C7AX, O = DIGS_BASIN_OTHER };
    /* record-major, 2 chains x 6 records:
     * chain 0: B B R O R L -> 2 changes (other skipped), never C7ax
     * chain 1: B R L C B B -> 4 changes, all four basins at record 3 */
    const int basin[12] = {B, B, B, R, R, L, O, C, R, B, L, B};
    long per[2], first[2];
    ck_assert_int_eq(digs_rama_transitions(basin, 2, 6, per), 6);
    ck_assert_int_eq(per[0], 2);
    ck_assert_int_eq(per[1], 4);
    digs_rama_first_all_visited(basin, 2, 6, first);
    ck_assert_int_eq(first[0], -1);
    ck_assert_int_eq(first[1], 3);
    ck_assert_int_eq(digs_rama_records_to_visit(first, 2, 0.5), 4);
    ck_assert_int_eq(digs_rama_records_to_visit(first, 2, 0.9), -1);
    const long f4[4] = {5, 0, 9, 2};
    ck_assert_int_eq(digs_rama_records_to_visit(f4, 4, 0.75), 6);
    ck_assert_int_eq(digs_rama_records_to_visit(f4, 4, 0.9), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ramachandran");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_dihedral_hand);
    tcase_add_test(tc, test_find_atoms);
    tcase_add_test(tc, test_start_pdb);
    tcase_add_test(tc, test_reference_conformations);
    tcase_add_test(tc, test_classify);
    tcase_add_test(tc, test_histograms_kl_tvd);
    tcase_add_test(tc, test_transitions);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
