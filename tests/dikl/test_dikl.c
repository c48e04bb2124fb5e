/* DiKL room units: the VP schedule against REFERENCE.md §6.3's table, the
 * [dikl] deck defaults and errors, the generator's centring, the §6.5
 * step-size rule (one η and per level) and the reference-set selection
 * metric (src/dikl/reference.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/status.h"
#include "dikl/config.h"
#include "dikl/nets.h"
#include "dikl/reference.h"
#include "dikl/schedule.h"
#include "dikl/step_size.h"
#include "nn/init.h"
#include "../check_run.h"

/* §6.3 table (3-4 significant digits): a and σ at t = 1, 15, 29. */
START_TEST(test_schedule_table)
{
    struct { double b0, b1, a1, s1, a15, s15, a29, s29; } rows[] = {
        {1e-4, 0.7, 0.988, 0.156, 0.188, 0.982, 0.00066, 1.0},
        {1e-4, 0.15, 0.997, 0.073, 0.726, 0.687, 0.305, 0.952},
        {1e-6, 0.05, 0.9991, 0.042, 0.901, 0.434, 0.683, 0.731},
    };
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        dikl_schedule s;
        ck_assert_int_eq(dikl_schedule_init(&s, 30, rows[r].b0, rows[r].b1),
                         DIGS_OK);
        /* the table rounds to 2-4 significant digits (0.042 stands for
         * 0.0415): 1.5 % relative */
        ck_assert_double_eq_tol(s.a[1], rows[r].a1, 1.5e-2 * rows[r].a1);
        ck_assert_double_eq_tol(s.sigma[1], rows[r].s1, 1.5e-2 * rows[r].s1);
        ck_assert_double_eq_tol(s.a[15], rows[r].a15, 1.5e-2 * rows[r].a15);
        ck_assert_double_eq_tol(s.sigma[15], rows[r].s15,
                                1.5e-2 * rows[r].s15);
        ck_assert_double_eq_tol(s.a[29], rows[r].a29,
                                1.5e-2 * rows[r].a29 + 1e-5);
        ck_assert_double_eq_tol(s.sigma[29], rows[r].s29, 1.5e-2);
        for (int t = 0; t < 30; t++) /* VP: a² + σ² = 1 */
            ck_assert_double_eq_tol(s.a[t] * s.a[t] + s.sigma[t] * s.sigma[t],
                                    1.0, 1e-14);
    }
    dikl_schedule s;
    ck_assert_int_eq(dikl_schedule_init(&s, 30, 0.1, 0.05), DIGS_ERR_INPUT);
    ck_assert_int_eq(dikl_schedule_init(&s, 1, 0.01, 0.05), DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

static int read_config(const char *text, dikl_config *c)
{
    digs_deck *deck = NULL;
    digs_potential *pot = NULL;
    int status = digs_deck_parse(&deck, text, "t.ini");
    if (status == DIGS_OK)
        status = digs_potential_create(deck, &pot);
    if (status == DIGS_OK)
        status = dikl_config_read(deck, pot, c);
    if (status == DIGS_OK)
        status = digs_deck_check_unused(deck);
    digs_potential_destroy(&pot);
    digs_deck_destroy(&deck);
    return status;
}

START_TEST(test_config_defaults)
{
    dikl_config c;
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\n", &c), DIGS_OK);
    /* §6.7 DW-4 column */
    ck_assert_int_eq(c.generator.kind, DIKL_NET_EGNN);
    ck_assert_int_eq(c.generator.width, 144);
    ck_assert_int_eq(c.batch, 1024);
    ck_assert_int_eq(c.score_steps, 100);
    ck_assert_int_eq(c.posterior.n_is, 20);
    ck_assert_int_eq(c.posterior.ais_levels, 10);
    ck_assert_int_eq(c.posterior.ais_kernel, DIKL_AIS_MALA);
    ck_assert_int_eq(c.posterior.mala_steps, 50);
    ck_assert_int_eq(c.weight_inv_a, 0);
    ck_assert(c.adaptive_step);
    ck_assert_double_eq(c.beta_end, 0.05);
    /* MLP column for a target without particles */
    ck_assert_int_eq(read_config("[system]\npotential = manywell32\n[dikl]\n"
                                 "iterations = 5\n", &c),
                     DIGS_OK);
    ck_assert_int_eq(c.generator.kind, DIKL_NET_MLP);
    ck_assert_int_eq(c.generator.width, 400);
    ck_assert_int_eq(c.score_steps, 50);
    ck_assert_int_eq(c.weight_inv_a, 1);
    ck_assert_int_eq(c.posterior.ais_kernel, DIKL_AIS_HMC);
    /* the hooks of issue 7 are off unless asked for */
    ck_assert_int_eq(c.step_per_level, 0);
    ck_assert_int_eq(c.pool_moves, 0);
    ck_assert_int_eq(c.selection, DIKL_SELECT_NONE);
    ck_assert_int_eq(c.level_warmup, 0); /* §6.2: every level from the start */
    ck_assert_int_eq(c.level_cap, 0);
    ck_assert_int_eq(c.score_chunks, 1); /* both passes on rank 0 */
    ck_assert_int_eq(c.generator_chunks, 1);
    ck_assert_int_eq(c.posterior.coordinate_sweeps, 0);
    ck_assert_int_eq(read_config("[system]\npotential = manywell32\n[dikl]\n"
                                 "iterations = 5\ncoordinate_sweeps = 20\n",
                                 &c), DIGS_OK);
    ck_assert_int_eq(c.posterior.coordinate_sweeps, 20);
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nstep_per_level = yes\n"
                                 "pool_moves = 4\nselection = reference\n",
                                 &c), DIGS_OK);
    ck_assert_int_eq(c.step_per_level, 1);
    ck_assert_int_eq(c.pool_moves, 4);
    ck_assert_int_eq(c.selection, DIKL_SELECT_REFERENCE);
}
END_TEST

START_TEST(test_config_errors)
{
    dikl_config c;
    /* an EGNN needs particles */
    ck_assert_int_eq(read_config("[system]\npotential = manywell32\n[dikl]\n"
                                 "iterations = 5\nnetwork = egnn\n", &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:5"));
    /* iterations is required */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n", &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "iterations"));
    /* smoothing is an LJ-13 energy */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nposterior_energy = smoothed\n", &c), DIGS_ERR_INPUT);
    /* sample_size cannot exceed the recorded MALA steps */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nmala_steps = 4\n"
                                 "sample_size = 5\n", &c),
                     DIGS_ERR_INPUT);
    /* a typo is caught by the unused-key check */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nscore_step = 3\n", &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "score_step"));
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\npool_moves = -1\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "pool_moves"));
    /* centred particle coordinates do not factorise */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\ncoordinate_sweeps = 2\n",
                                 &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:5"));
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "particle"));
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nselection = refrence\n",
                                 &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "reference"));
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nlevel_warmup = -3\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:5"));
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "level_warmup"));
    /* a level cap above T − 1, or from before the warm-up ends */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nlevel_cap = 30\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:5"));
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nlevel_warmup = 10\n"
                                 "level_cap = 12\nlevel_cap_from = 9\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:7"));
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "level_warmup"));
    /* a soft cap without a cap, or a share above 1 */
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nlevel_cap_keep = 0.5\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "level_cap_keep"));
    ck_assert_int_eq(read_config("[system]\npotential = dw4\n[dikl]\n"
                                 "iterations = 5\nlevel_cap = 3\n"
                                 "level_cap_keep = 1.5\n", &c),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "t.ini:6"));
    digs_error_clear();
}
END_TEST

/* The noise warm-up: the lowest level falls from T−1 at iteration 0 to 1
 * at iteration `warmup`, never below 1 and never above T−1. */
START_TEST(test_lowest_level)
{
    ck_assert_int_eq(dikl_lowest_level(0, 0, 30), 1);      /* off */
    ck_assert_int_eq(dikl_lowest_level(1000, 0, 30), 29);  /* smoothest only */
    ck_assert_int_eq(dikl_lowest_level(1000, 500, 30), 15); /* 1 + 28/2 */
    ck_assert_int_eq(dikl_lowest_level(1000, 964, 30), 2);  /* 1 + ⌊1.008⌋ */
    ck_assert_int_eq(dikl_lowest_level(1000, 965, 30), 1);  /* 1 + ⌊0.98⌋ */
    ck_assert_int_eq(dikl_lowest_level(1000, 1000, 30), 1);
    ck_assert_int_eq(dikl_lowest_level(1000, 5000, 30), 1);
    ck_assert_int_eq(dikl_lowest_level(1, 0, 2), 1);       /* T = 2: level 1 */
    int last = 29;
    for (long it = 0; it < 2000; it++) { /* monotone, in range */
        int lo = dikl_lowest_level(777, it, 30);
        ck_assert(lo >= 1 && lo <= last);
        last = lo;
    }
}
END_TEST

/* §6.5: ×1.5 above 0.6, ÷1.5 below 0.5, unchanged in [0.5, 0.6] and
 * without proposals; per level, each level from its own counts. */
START_TEST(test_highest_level)
{
    ck_assert_int_eq(dikl_highest_level(0, 0, 0, 30), 29);     /* off */
    ck_assert_int_eq(dikl_highest_level(0, 0, 9999, 30), 29);
    ck_assert_int_eq(dikl_highest_level(12, 500, 499, 30), 29); /* not yet */
    ck_assert_int_eq(dikl_highest_level(12, 500, 500, 30), 12);
    ck_assert_int_eq(dikl_highest_level(12, 0, 0, 30), 12);
}
END_TEST

START_TEST(test_step_rule)
{
    ck_assert_double_eq(dikl_step_adapt(0.02, 0.61), 0.02 * 1.5);
    ck_assert_double_eq(dikl_step_adapt(0.02, 0.49), 0.02 / 1.5);
    ck_assert_double_eq(dikl_step_adapt(0.02, 0.6), 0.02);
    ck_assert_double_eq(dikl_step_adapt(0.02, 0.5), 0.02);
    ck_assert_double_eq(dikl_step_adapt(0.02, NAN), 0.02);
    double eta[5] = {1, 1, 1, 1, 1};
    const int64_t acc[5] = {0, 90, 10, 55, 0};
    const int64_t prop[5] = {0, 100, 100, 100, 0};
    dikl_step_adapt_levels(eta, acc, prop, 5);
    ck_assert_double_eq(eta[0], 1);        /* level 0: never drawn */
    ck_assert_double_eq(eta[1], 1.5);      /* accepts too often: larger */
    ck_assert_double_eq(eta[2], 1 / 1.5);  /* too rarely: smaller */
    ck_assert_double_eq(eta[3], 1);        /* in the band */
    ck_assert_double_eq(eta[4], 1);        /* no proposals */
}
END_TEST

/* n DW-4 configurations: a square of side `side` plus N(0, 0.25²) noise
 * per coordinate, centred (a stand-in for generator samples). */
static double *dw4_states(int n, double side, uint64_t stream)
{
    double *x = malloc(sizeof(double) * (size_t)n * 8);
    ck_assert_ptr_nonnull(x);
    const double square[8] = {0, 0, 1, 0, 1, 1, 0, 1};
    digs_stream rng;
    digs_stream_init(&rng, 8, stream, 0, DIGS_RNG_TEST, 0);
    for (int i = 0; i < n; i++) {
        double *c = x + (size_t)i * 8;
        for (int k = 0; k < 8; k++)
            c[k] = side * square[k] + 0.25 * digs_stream_normal(&rng);
        for (int ax = 0; ax < 2; ax++) {
            double m = (c[ax] + c[2 + ax] + c[4 + ax] + c[6 + ax]) / 4;
            for (int p = 0; p < 4; p++)
                c[2 * p + ax] -= m;
        }
    }
    return x;
}

/* The reference metric: two sets from one distribution score near 0, a
 * stretched set near the maximum 2; computed energies equal given ones;
 * non-finite model energies are dropped; a target without particles has
 * no distance part.  Bounds: with 200 bins the expected TVD of two
 * samples of sizes n, m from one law is at most ½ sqrt(2 bins/π (1/n +
 * 1/m)) = 0.089 for n = 5000, m = 20000 (E|p̂_k − q̂_k| and Cauchy–Schwarz
 * over the bins), less for the 6 distances per sample, so the sum of the
 * two parts stays below 0.2; measured 0.061 + 0.031.  Stretched (side
 * 3.4): measured 0.89 + 0.50. */
START_TEST(test_reference_metric)
{
    enum { NREF = 20000, NMODEL = 5000 };
    digs_potential *pot = NULL;
    digs_deck *deck = NULL;
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\npotential = dw4\n",
                                     "r.ini"), DIGS_OK);
    ck_assert_int_eq(digs_potential_create(deck, &pot), DIGS_OK);
    double *ref = dw4_states(NREF, 2.6, 1);
    double *same = dw4_states(NMODEL, 2.6, 2);
    double *wide = dw4_states(NMODEL, 3.4, 3);
    double *e = malloc(sizeof(double) * NREF);
    double *em = malloc(sizeof(double) * NMODEL);
    ck_assert(e && em);
    for (int i = 0; i < NREF; i++)
        e[i] = digs_potential_energy(pot, ref + (size_t)i * 8, NULL);
    dikl_reference r = {0}, r2 = {0};
    ck_assert_int_eq(dikl_reference_set(&r, pot, NREF, ref, e), DIGS_OK);
    ck_assert_int_eq(dikl_reference_set(&r2, pot, NREF, ref, NULL), DIGS_OK);
    ck_assert_int_eq(r.n_dist, (long)NREF * 6);

    double m, et, dt, m2;
    for (int i = 0; i < NMODEL; i++)
        em[i] = digs_potential_energy(pot, same + (size_t)i * 8, NULL);
    ck_assert_int_eq(dikl_reference_metric(&r, NMODEL, same, em, &m, &et,
                                           &dt), DIGS_OK);
    ck_assert_msg(m < 0.2 && et > 0 && dt > 0, "same law: %g (%g + %g)", m,
                  et, dt);
    ck_assert_double_eq(m, et + dt);
    ck_assert_int_eq(dikl_reference_metric(&r2, NMODEL, same, em, &m2, NULL,
                                           NULL), DIGS_OK);
    ck_assert(m2 == m);
    /* a NaN energy counts as one wholly mismatched sample (1/NMODEL) */
    em[0] = NAN;
    ck_assert_int_eq(dikl_reference_metric(&r, NMODEL, same, em, &m2, NULL,
                                           NULL), DIGS_OK);
    ck_assert(isfinite(m2) && fabs(m2 - m) < 0.01);
    /* half the energies beyond the reference range: (1 − ½) TVD_in + ½,
     * where the toolkit's TVD (dropping them) would stay near et */
    double et_same = et, et_half;
    for (int i = 0; i < NMODEL; i += 2)
        em[i] = 1e6;
    ck_assert_int_eq(dikl_reference_metric(&r, NMODEL, same, em, &m2, &et_half,
                                           NULL), DIGS_OK);
    ck_assert_msg(et_half >= 0.5 && et_half <= 0.5 + 0.5 * et_same + 0.02,
                  "half out of range: %g (in-range part ~%g)", et_half,
                  et_same);

    for (int i = 0; i < NMODEL; i++)
        em[i] = digs_potential_energy(pot, wide + (size_t)i * 8, NULL);
    ck_assert_int_eq(dikl_reference_metric(&r, NMODEL, wide, em, &m, &et,
                                           &dt), DIGS_OK);
    /* side 3.4 against 2.6: pair distances move by ~3 noise widths */
    ck_assert_msg(m > 1.0 && et > 0.4 && dt > 0.4, "stretched: %g (%g + %g)",
                  m, et, dt);
    /* every energy out of range: that part is 1 */
    for (int i = 0; i < NMODEL; i++)
        em[i] = 1e6;
    ck_assert_int_eq(dikl_reference_metric(&r, NMODEL, wide, em, &m, &et,
                                           &dt), DIGS_OK);
    ck_assert_double_eq(et, 1.0);
    /* no finite reference energy */
    for (int i = 0; i < NREF; i++)
        e[i] = INFINITY;
    ck_assert_int_eq(dikl_reference_set(&r2, pot, NREF, ref, e),
                     DIGS_ERR_INPUT);
    ck_assert_int_eq(r2.n, NREF); /* unchanged on failure */
    digs_error_clear();
    dikl_reference_free(&r);
    dikl_reference_free(&r2);
    digs_potential_destroy(&pot);
    digs_deck_destroy(&deck);

    /* a Gaussian: energy TVD only */
    ck_assert_int_eq(digs_deck_parse(&deck, "[system]\npotential = gaussian\n"
                                     "dim = 2\n", "g.ini"), DIGS_OK);
    ck_assert_int_eq(digs_potential_create(deck, &pot), DIGS_OK);
    ck_assert_int_eq(dikl_reference_set(&r, pot, 100, ref, NULL), DIGS_OK);
    ck_assert_int_eq(r.n_dist, 0);
    ck_assert_int_eq(dikl_reference_metric(&r, 100, same, em, &m, &et, &dt),
                     DIGS_OK);
    ck_assert_double_eq(dt, 0.0);
    dikl_reference_free(&r);
    digs_potential_destroy(&pot);
    digs_deck_destroy(&deck);
    free(ref);
    free(same);
    free(wide);
    free(e);
    free(em);
}
END_TEST

/* The EGNN generator's samples are centred configurations (§6.11 item 3),
 * and generation in chunks equals one pass. */
START_TEST(test_generator_centred)
{
    nn_params p;
    nn_params_init(&p);
    digs_stream rng;
    nn_init_stream(&rng, 1, 0);
    dikl_net_spec spec = {.kind = DIKL_NET_EGNN, .width = 16, .layers = 2};
    dikl_net g;
    ck_assert_int_eq(dikl_net_create(&g, &p, "generator", &spec, 8, 4, 2, 0,
                                     0, &rng), DIGS_OK);
    enum { N = 37 };
    nn_real z[N * 8], x[N * 8], z2[N * 8], x2[N * 8];
    digs_stream a, b;
    digs_stream_init(&a, 5, 0, 0, DIGS_RNG_TEST, 0);
    digs_stream_init(&b, 5, 0, 0, DIGS_RNG_TEST, 0);
    ck_assert_int_eq(dikl_net_generate(&g, &p, &a, N, N, z, x), DIGS_OK);
    ck_assert_int_eq(dikl_net_generate(&g, &p, &b, N, 8, z2, x2), DIGS_OK);
    for (int n = 0; n < N; n++)
        for (int k = 0; k < 2; k++) {
            double cz = 0, cx = 0;
            for (int i = 0; i < 4; i++) {
                cz += z[n * 8 + 2 * i + k];
                cx += x[n * 8 + 2 * i + k];
            }
            /* float round-off of 4 numbers of order 1 */
            ck_assert_double_eq_tol(cz, 0, 1e-5);
            ck_assert_double_eq_tol(cx, 0, 1e-5);
        }
    for (int i = 0; i < N * 8; i++) /* same rows, any chunking */
        ck_assert_float_eq_tol(x[i], x2[i], 1e-5f * (1 + fabsf(x[i])));
    dikl_net_destroy(&g);
    nn_params_free(&p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dikl");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_schedule_table);
    tcase_add_test(tc, test_lowest_level);
    tcase_add_test(tc, test_highest_level);
    tcase_add_test(tc, test_config_defaults);
    tcase_add_test(tc, test_config_errors);
    tcase_add_test(tc, test_generator_centred);
    tcase_add_test(tc, test_step_rule);
    tcase_add_test(tc, test_reference_metric);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
