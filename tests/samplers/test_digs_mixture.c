/* The `mixture` potential (src/potentials/mixture.c): energy against the
 * direct formula, gradient against finite differences, normalisation by
 * quadrature, far-field stability, the exact sampler's weights and
 * moments, and deck errors. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/potential.h"
#include "../check_run.h"

extern const digs_potential_ops digs_potential_mixture;

static const char *const total_term[] = {"total"};

/* Create `mixture` from deck text; *out = NULL on failure.  Until the
 * potential registry lists `mixture`, the registry's steps are done here. */
static int mixture_status(const char *text, digs_potential **out)
{
    digs_deck *deck;
    ck_assert_int_eq(digs_deck_parse(&deck, text, "mix.ini"), DIGS_OK);
    int status = digs_potential_create_named("mixture", deck, out);
    if (status != DIGS_OK &&
        strstr(digs_error_message(), "unknown potential")) {
        digs_error_clear();
        digs_potential *pot = calloc(1, sizeof *pot);
        ck_assert_ptr_nonnull(pot);
        pot->ops = &digs_potential_mixture;
        pot->kT = 1.0;
        pot->angstrom = 1.0;
        pot->length_unit = "reduced";
        pot->energy_unit = "reduced";
        pot->n_terms = 1;
        pot->term_names = total_term;
        status = pot->ops->setup(pot, deck);
        if (status != DIGS_OK)
            digs_potential_destroy(&pot);
        *out = pot;
    }
    if (status == DIGS_OK)
        status = digs_deck_check_unused(deck);
    digs_deck_destroy(&deck);
    return status;
}

static digs_potential *mixture(const char *text)
{
    digs_potential *pot = NULL;
    int status = mixture_status(text, &pot);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
    return pot;
}

/* Three components in 3-D with unequal weights and scales. */
enum { K3 = 3, D3 = 3 };
static const double w3[K3] = {0.5, 0.3, 0.2}; /* deck gives 5 3 2 */
static const double mu3[K3][D3] = {{0, 0, 0}, {2, -1, 0.5}, {-1.5, 1, 2}};
static const double s3[K3] = {1.0, 0.5, 2.0};
static const char deck3[] =
    "[system]\ndim = 3\nweights = 5 3 2\n"
    "means = 0 0 0, 2 -1 0.5, -1.5 1 2\nscales = 1 0.5 2\n";

/* -log sum_k w_k N(x; mu_k, s_k^2 I), summed directly (moderate x). */
static double direct_energy(const double *x)
{
    double p = 0.0;
    for (int k = 0; k < K3; k++) {
        double r2 = 0.0;
        for (int i = 0; i < D3; i++)
            r2 += (x[i] - mu3[k][i]) * (x[i] - mu3[k][i]);
        p += w3[k] * exp(-0.5 * r2 / (s3[k] * s3[k])) /
             pow(2.0 * M_PI * s3[k] * s3[k], 0.5 * D3);
    }
    return -log(p);
}

START_TEST(test_energy_and_gradient)
{
    digs_potential *pot = mixture(deck3);
    ck_assert_int_eq(pot->dim, D3);
    digs_stream rng;
    digs_stream_init(&rng, 3, 0, 0, DIGS_RNG_TEST, 0);
    double max_rel = 0.0, max_fd = 0.0;
    for (int n = 0; n < 200; n++) {
        double x[D3], g[D3], g2[D3];
        for (int i = 0; i < D3; i++)
            x[i] = 3.0 * digs_stream_normal(&rng);
        double e = pot->ops->energy(pot, x, g);
        /* energy-only gives the same number bit for bit */
        ck_assert(pot->ops->energy(pot, x, NULL) == e);
        max_rel = fmax(max_rel, fabs(e - direct_energy(x)) / fabs(e));
        /* Central differences, step 1e-5: truncation ~ h^2 |E'''| ~ 1e-10,
         * rounding ~ 1e-16 |E| / h ~ 1e-10; 1e-6 leaves room for both. */
        const double h = 1e-5;
        for (int i = 0; i < D3; i++) {
            double xp[D3], xm[D3];
            memcpy(xp, x, sizeof x);
            memcpy(xm, x, sizeof x);
            xp[i] += h;
            xm[i] -= h;
            g2[i] = (pot->ops->energy(pot, xp, NULL) -
                     pot->ops->energy(pot, xm, NULL)) / (2 * h);
            max_fd = fmax(max_fd, fabs(g2[i] - g[i]) / (1.0 + fabs(g[i])));
        }
    }
    printf("mixture: max rel energy error %.2e, max FD gradient error %.2e\n",
           max_rel, max_fd);
    /* Same formula in two orders of summation: rounding only. */
    ck_assert_double_le(max_rel, 1e-12);
    ck_assert_double_le(max_fd, 1e-6);
    digs_potential_destroy(&pot);
}
END_TEST

/* Far from all means the widest component dominates: E and grad finite,
 * grad = (x - mu_k)/s_k^2 of that component (the others are exp(-1e7)
 * smaller), where a naive sum of exponentials underflows to log 0. */
START_TEST(test_far_field)
{
    digs_potential *pot = mixture(deck3);
    double x[D3] = {1e4, -2e4, 5e3}, g[D3];
    double e = pot->ops->energy(pot, x, g);
    ck_assert(isfinite(e));
    ck_assert(isinf(direct_energy(x)));
    double r2 = 0.0;
    for (int i = 0; i < D3; i++) {
        double t = x[i] - mu3[2][i];
        r2 += t * t;
        ck_assert_double_eq_tol(g[i], t / (s3[2] * s3[2]),
                                1e-12 * fabs(t / (s3[2] * s3[2])));
    }
    double expect = -log(w3[2]) + 0.5 * D3 * log(2 * M_PI * s3[2] * s3[2]) +
                    0.5 * r2 / (s3[2] * s3[2]);
    ck_assert_double_eq_tol(e, expect, 1e-12 * expect);
    digs_potential_destroy(&pot);
}
END_TEST

/* 1-D: int exp(-E) dx = 1 (the weights are normalised).  Trapezoid with
 * step 1e-3 on [-40, 40]: for these smooth integrands the error is far
 * below 1e-9 (Euler-Maclaurin with negligible end terms). */
START_TEST(test_normalised)
{
    digs_potential *pot = mixture("[system]\ndim = 1\nweights = 1 3\n"
                                  "means = -4 2.5\nscales = 0.5 1.5\n");
    const double h = 1e-3;
    double sum = 0.0;
    for (long i = -40000; i <= 40000; i++) {
        double x = i * h;
        sum += exp(-pot->ops->energy(pot, &x, NULL)) * h;
    }
    ck_assert_double_eq_tol(sum, 1.0, 1e-9);
    digs_potential_destroy(&pot);
}
END_TEST

/* 2e5 independent exact draws: component frequencies (by nearest mean)
 * and the mean, each within 4.5 exact binomial / normal standard errors
 * (5 statistics: false alarm ~3e-5). */
START_TEST(test_sample_exact)
{
    digs_potential *pot = mixture(
        "[system]\ndim = 2\nweights = 0.8 0.15 0.05\n"
        "means = -10 0, 10 0, 0 15\nscales = 1 0.8 0.6\n");
    static const double w[3] = {0.8, 0.15, 0.05};
    static const double mu[3][2] = {{-10, 0}, {10, 0}, {0, 15}};
    static const double s[3] = {1, 0.8, 0.6};
    const long n = 200000;
    long count[3] = {0};
    double sum[2] = {0}, sum2[2] = {0};
    for (long t = 0; t < n; t++) {
        digs_stream rng;
        digs_stream_init(&rng, 8, (uint64_t)t, 0, DIGS_RNG_EXACT, 0);
        double x[2];
        pot->ops->sample_exact(pot, &rng, x);
        /* modes 10+ standard deviations apart: the nearest mean is the
         * component the draw came from (misassignment < 1e-20) */
        int best = 0;
        double bd = INFINITY;
        for (int k = 0; k < 3; k++) {
            double d = hypot(x[0] - mu[k][0], x[1] - mu[k][1]);
            if (d < bd) {
                bd = d;
                best = k;
            }
        }
        count[best]++;
        for (int i = 0; i < 2; i++) {
            sum[i] += x[i];
            sum2[i] += x[i] * x[i];
        }
    }
    for (int k = 0; k < 3; k++) {
        double p = (double)count[k] / n;
        double se = sqrt(w[k] * (1 - w[k]) / n);
        ck_assert_double_le(fabs(p - w[k]), 4.5 * se);
    }
    for (int i = 0; i < 2; i++) {
        double m = 0.0, m2 = 0.0;
        for (int k = 0; k < 3; k++) {
            m += w[k] * mu[k][i];
            m2 += w[k] * (mu[k][i] * mu[k][i] + s[k] * s[k]);
        }
        double se = sqrt((m2 - m * m) / n);
        ck_assert_double_le(fabs(sum[i] / n - m), 4.5 * se);
    }
    digs_potential_destroy(&pot);
}
END_TEST

/* One scale for all components; zero weights are allowed and never
 * drawn or counted. */
START_TEST(test_shared_scale_and_zero_weight)
{
    digs_potential *a = mixture("[system]\ndim = 2\nweights = 1 0 1\n"
                                "means = 0 0 5 5 -3 1\nscales = 0.7\n");
    digs_potential *b = mixture("[system]\ndim = 2\nweights = 1 1\n"
                                "means = 0 0 -3 1\nscales = 0.7 0.7\n");
    double x[2] = {0.3, -0.4}, ga[2], gb[2];
    ck_assert_double_eq_tol(a->ops->energy(a, x, ga),
                            b->ops->energy(b, x, gb), 1e-14);
    for (int i = 0; i < 2; i++)
        ck_assert_double_eq_tol(ga[i], gb[i], 1e-14);
    for (int t = 0; t < 2000; t++) {
        digs_stream rng;
        digs_stream_init(&rng, 1, (uint64_t)t, 0, DIGS_RNG_EXACT, 0);
        a->ops->sample_exact(a, &rng, x);
        ck_assert_double_ge(hypot(x[0] - 5, x[1] - 5), 3.0);
    }
    digs_potential_destroy(&a);
    digs_potential_destroy(&b);
}
END_TEST

START_TEST(test_deck_errors)
{
    static const char *const bad[] = {
        "[system]\nmeans = 0 0\nscales = 1\n",                 /* no weights */
        "[system]\nweights = 1\nscales = 1\n",                 /* no means */
        "[system]\nweights = 1 1\nmeans = 0 0 1\nscales = 1\n", /* count */
        "[system]\nweights = 1 -1\nmeans = 0 0 1 1\nscales = 1\n",
        "[system]\nweights = 0 0\nmeans = 0 0 1 1\nscales = 1\n",
        "[system]\nweights = 1 1\nmeans = 0 0 1 1\nscales = 1 0\n",
        "[system]\nweights = 1 1\nmeans = 0 0 1 1\nscales = 1 1 1\n",
        "[system]\ndim = 0\nweights = 1\nmeans = 0\nscales = 1\n",
        "[system]\nweights = 1\nmeans = 0 0\nscales = 1\nsigma = 2\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        digs_potential *pot = NULL;
        int status = mixture_status(bad[i], &pot);
        ck_assert_msg(status == DIGS_ERR_INPUT, "deck %zu accepted", i);
        ck_assert_msg(strstr(digs_error_message(), "mix.ini:"),
                      "message without file: %s", digs_error_message());
        digs_potential_destroy(&pot);
        digs_error_clear();
    }
    /* no deck at all (the conformance driver's probe) */
    digs_potential pot = {.ops = &digs_potential_mixture};
    ck_assert_int_eq(digs_potential_mixture.setup(&pot, NULL),
                     DIGS_ERR_INPUT);
    digs_error_clear();
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("mixture");
    TCase *tc = tcase_create("mixture");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_energy_and_gradient);
    tcase_add_test(tc, test_far_field);
    tcase_add_test(tc, test_normalised);
    tcase_add_test(tc, test_sample_exact);
    tcase_add_test(tc, test_shared_scale_and_zero_weight);
    tcase_add_test(tc, test_deck_errors);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
