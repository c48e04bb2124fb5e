/* DiKL's smoothed LJ-13 energy (src/potentials/lj13.c, digs_lj13_smoothed;
 * REFERENCE.md §7.4 "Smoothing"): the per-ordered-pair cubic below
 * r = 0.75 against the check values REFERENCE gives, the unchanged pair
 * function above 0.75, continuity of value and slope at 0.75, and the
 * gradient against central finite differences. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/lj13.h"
#include "potentials/potential.h"
#include "../check_run.h"

enum { N = 13, DIM = 39 };

typedef struct pair_pots {
    digs_potential *damped, *smoothed;
} pair_pots;

static pair_pots create_pots(void)
{
    digs_deck *deck = NULL;
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\nlj_damping = yes\n",
                                     "lj.ini"), DIGS_OK);
    pair_pots p = {NULL, NULL};
    ck_assert_msg(digs_potential_create_named("lj13", deck, &p.damped)
                  == DIGS_OK, "%s", digs_error_message());
    ck_assert_msg(digs_lj13_smoothed(deck, &p.smoothed) == DIGS_OK, "%s",
                  digs_error_message());
    ck_assert_int_eq(p.smoothed->dim, DIM);
    ck_assert_int_eq(p.smoothed->translation_invariant, 1);
    digs_deck_destroy(&deck);
    return p;
}

static void destroy_pots(pair_pots *p)
{
    digs_potential_destroy(&p->damped);
    digs_potential_destroy(&p->smoothed);
}

/* 13 particles on a 3x3x2 grid of spacing 1.5 (every pair >= 1.5 apart),
 * then particle 1 moved to (r, 0, 0), at distance r from particle 0 at the
 * origin and more than 1.5 from all others: only pair (0, 1) is closer
 * than 0.75. */
static void one_close_pair(double r, double *x)
{
    for (int i = 0; i < N; i++) {
        x[3 * i] = 1.5 * (i % 3);
        x[3 * i + 1] = 1.5 * ((i / 3) % 3);
        x[3 * i + 2] = 1.5 * (i / 9);
    }
    x[3] = r;
}

/* DiKL's damped pair function per ordered pair (§7.4). */
static double lj_damped(double r)
{
    double phi = pow(r, -12.0) - 2.0 * pow(r, -6.0);
    return r < pow(2.0, -1.0 / 6.0) ? phi * r : phi;
}

static double cubic(double r)
{
    double d = r - 0.75;
    return ((-1.90154e4 * d + 2.57528e3) * d - 2.91107e2) * d + 15.2490;
}

/* LJ'_s(r) recovered from the energies: both potentials share every other
 * term, and the pair (0,1) enters E twice (ordered pairs, convention A). */
static double smoothed_pair(const pair_pots *p, double r)
{
    double x[DIM];
    one_close_pair(r, x);
    double es = digs_potential_energy(p->smoothed, x, NULL);
    double ed = digs_potential_energy(p->damped, x, NULL);
    return lj_damped(r) + 0.5 * (es - ed);
}

START_TEST(check_values)
{
    pair_pots p = create_pots();
    /* REFERENCE.md §7.4 gives 38.6 at 0.7 and 181 at 0.6, three figures:
     * tolerances are half a unit of the last figure quoted. */
    ck_assert_double_eq_tol(smoothed_pair(&p, 0.7), 38.6, 0.05);
    ck_assert_double_eq_tol(smoothed_pair(&p, 0.6), 181.0, 0.5);
    /* And exactly the cubic: the energy difference carries the rounding
     * of the damped energy, ~1e-16 LJ'(r) (5e5 at r = 0.3). */
    for (double r = 0.3; r < 0.75; r += 0.05)
        ck_assert_double_eq_tol(smoothed_pair(&p, r), cubic(r),
                                1e-9 + 1e-13 * lj_damped(r));
    destroy_pots(&p);
}
END_TEST

START_TEST(unchanged_above)
{
    pair_pots p = create_pots();
    double x[DIM], gs[DIM], gd[DIM];
    const double radii[] = {0.75, 0.76, 0.8, 0.9, 1.0, 1.3};
    for (size_t k = 0; k < sizeof radii / sizeof radii[0]; k++) {
        one_close_pair(radii[k], x);
        double es = digs_potential_energy(p.smoothed, x, gs);
        double ed = digs_potential_energy(p.damped, x, gd);
        /* Same lanes, same operations: bit-identical above 0.75. */
        ck_assert_msg(es == ed, "r = %g: %.17g vs %.17g", radii[k], es, ed);
        for (int i = 0; i < DIM; i++)
            ck_assert(gs[i] == gd[i]);
    }
    /* The icosahedral start cluster (pairs >= 1): E = -79.163. */
    ck_assert_int_eq(p.smoothed->ops->start_position(p.smoothed, x), DIGS_OK);
    ck_assert_double_eq(digs_potential_energy(p.smoothed, x, NULL),
                        digs_potential_energy(p.damped, x, NULL));
    destroy_pots(&p);
}
END_TEST

START_TEST(continuity)
{
    pair_pots p = create_pots();
    double xl[DIM], xr[DIM], gl[DIM], gr[DIM];
    const double h = 1e-9;
    one_close_pair(0.75 - h, xl);
    one_close_pair(0.75 + h, xr);
    double el = digs_potential_energy(p.smoothed, xl, gl);
    double er = digs_potential_energy(p.smoothed, xr, gr);
    /* Value: c3 = 15.2490 vs LJ'(0.75) = 15.248986 (c given to 6 figures)
     * is a jump of 1.4e-5 per ordered pair, 2.8e-5 in E; the slope adds
     * 2 * 291 * 2e-9.  A wrong segment jumps by >= 1. */
    ck_assert_double_eq_tol(el, er, 1e-4);
    /* Slope: c2 = -291.107 vs (phi r)'(0.75) = -291.08, a kink of 0.027 per
     * ordered pair, 0.054 in dE/dx of particle 1 (the pair lies along
     * x); the curvature adds ~1e-5 over 2h.  A missing 1/r factor would
     * be ~190 off. */
    ck_assert_double_eq_tol(gl[3], gr[3], 0.1);
    ck_assert_double_eq_tol(gl[0], gr[0], 0.1);
    destroy_pots(&p);
}
END_TEST

/* Central differences on a compressed, jittered icosahedral cluster (many
 * pairs below 0.75, some above). */
START_TEST(gradient_fd)
{
    pair_pots p = create_pots();
    digs_potential *pots[2] = {p.smoothed, NULL};
    digs_deck *deck = NULL;
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\nlj_damping = no\n",
                                     "lj.ini"), DIGS_OK);
    ck_assert_int_eq(digs_lj13_smoothed(deck, &pots[1]), DIGS_OK);
    digs_deck_destroy(&deck);

    digs_stream rng;
    digs_stream_init(&rng, 7, 0, 0, DIGS_RNG_TEST, 0);
    double x[DIM], g[DIM], jitter[DIM];
    for (int trial = 0; trial < 6; trial++) {
        digs_potential *pot = pots[trial % 2];
        ck_assert_int_eq(pot->ops->start_position(pot, x), DIGS_OK);
        digs_stream_normals(&rng, DIM, jitter);
        int close = 0;
        for (int i = 0; i < DIM; i++)
            x[i] = (0.6 + 0.05 * trial) * x[i] + 0.05 * jitter[i];
        for (int i = 0; i < N; i++)
            for (int j = i + 1; j < N; j++) {
                double r2 = 0.0;
                for (int a = 0; a < 3; a++)
                    r2 += pow(x[3 * i + a] - x[3 * j + a], 2);
                close += r2 < 0.5625;
            }
        ck_assert_int_gt(close, 0);
        double e = digs_potential_energy(pot, x, g);
        ck_assert(isfinite(e));
        ck_assert_double_eq(e, digs_potential_energy(pot, x, NULL));
        /* h = 1e-6: truncation h^2 |E'''| ~ 1e-12 * 1e5 and rounding
         * 1e-16 |E| / h ~ 1e-7 (|E| <= 1e3), against |g| up to ~1e3. */
        const double h = 1e-6;
        for (int i = 0; i < DIM; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double ep = digs_potential_energy(pot, x, NULL);
            x[i] = keep - h;
            double em = digs_potential_energy(pot, x, NULL);
            x[i] = keep;
            double fd = (ep - em) / (2.0 * h);
            ck_assert_msg(fabs(fd - g[i]) <= 1e-5 * (1.0 + fabs(g[i])),
                          "trial %d coord %d: grad %.10g fd %.10g", trial, i,
                          g[i], fd);
        }
    }
    digs_potential_destroy(&pots[1]);
    destroy_pots(&p);
}
END_TEST

/* Coincident particles: the smoothed energy stays finite (the cubic at
 * r = 0), with a zero pair gradient there rather than NaN; the damped
 * energy is +inf. */
START_TEST(coincident)
{
    pair_pots p = create_pots();
    double x[DIM], g[DIM];
    one_close_pair(0.0, x);
    double e = digs_potential_energy(p.smoothed, x, g);
    ck_assert(isfinite(e));
    for (int i = 0; i < DIM; i++)
        ck_assert(isfinite(g[i]));
    ck_assert(isinf(digs_potential_energy(p.damped, x, NULL)));
    destroy_pots(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lj13_smooth");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, check_values);
    tcase_add_test(tc, unchanged_above);
    tcase_add_test(tc, continuity);
    tcase_add_test(tc, gradient_fd);
    tcase_add_test(tc, coincident);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
