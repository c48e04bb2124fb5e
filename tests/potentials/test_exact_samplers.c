/* Exact samplers of the reference targets (REFERENCE.md §7.1, §7.2) and
 * of the test Gaussian, against closed-form or quadrature moments.
 *
 * Tolerances: each moment must lie within 5 standard errors (estimated
 * from the closed-form or sample variance); with ~40 such checks the
 * chance that a correct sampler fails one is ~40 * 6e-7 = 2e-5 per seed.
 * The seeds are fixed, so the outcome is deterministic; the bound says
 * how robust the check is to changes in the streams. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "potentials/manywell32.h"
#include "potentials/mog40.h"
#include "potentials/potential.h"
#include "../check_run.h"

static const double n_se = 5.0;

static digs_potential *create(const char *name, const char *deck_text)
{
    digs_deck *deck = NULL;
    if (deck_text)
        ck_assert_int_eq(digs_deck_parse(&deck, deck_text, "test.ini"),
                         DIGS_OK);
    digs_potential *pot = NULL;
    int status = digs_potential_create_named(name, deck, &pot);
    ck_assert_msg(status == DIGS_OK, "%s: %s", name, digs_error_message());
    digs_deck_destroy(&deck);
    ck_assert_ptr_nonnull(pot->ops->sample_exact);
    return pot;
}

/* |got - expect| <= n_se * se, with a message. */
static void within(const char *what, double got, double expect, double se)
{
    ck_assert_msg(fabs(got - expect) <= n_se * se,
                  "%s: %.6g vs %.6g (%.1f standard errors of %.3g)", what,
                  got, expect, fabs(got - expect) / se, se);
}

/* ---- MoG-40 -------------------------------------------------------------- */

/* n = 2e5 draws.  Closed forms: E[x] = mean of the means; Cov[x] =
 * sigma^2 I + (1/40) sum_k (mu_k - mbar)(mu_k - mbar)^T.  Standard errors:
 * sqrt(Sigma_aa / n) for the mean; for a covariance entry (and for the
 * mean energy) the sample sd over sqrt(n).  The covariance is dominated
 * by the spread of the means (~530); the mean energy is what pins sigma
 * (s.e. 0.002 against a change of ~0.3 for sigma = 1). */
START_TEST(test_mog40_moments)
{
    digs_potential *pot = create("mog40", NULL);
    double mu[80];
    digs_mog40_means(mu);
    const double sigma = log1p(exp(1.0));
    double mbar[2] = {0, 0}, cov[3] = {0, 0, 0};
    for (int k = 0; k < 40; k++)
        for (int a = 0; a < 2; a++)
            mbar[a] += mu[2 * k + a] / 40.0;
    for (int k = 0; k < 40; k++) {
        double u = mu[2 * k] - mbar[0], v = mu[2 * k + 1] - mbar[1];
        cov[0] += u * u / 40.0;
        cov[1] += u * v / 40.0;
        cov[2] += v * v / 40.0;
    }
    cov[0] += sigma * sigma;
    cov[2] += sigma * sigma;

    const int n = 200000;
    double *x = malloc(sizeof *x * 2 * (size_t)n);
    ck_assert_ptr_nonnull(x);
    digs_stream s;
    digs_stream_init(&s, 1, 0, 0, DIGS_RNG_EXACT, 0);
    double m[2] = {0, 0}, e1 = 0.0, e2 = 0.0;
    for (int i = 0; i < n; i++) {
        pot->ops->sample_exact(pot, &s, x + 2 * i);
        m[0] += x[2 * i] / n;
        m[1] += x[2 * i + 1] / n;
        double e = digs_potential_energy(pot, x + 2 * i, NULL);
        e1 += e;
        e2 += e * e;
    }
    /* E_p[E] is the entropy, 6.8594688 by quadrature (test_conformance);
     * this ties the sampler's sigma to the energy's. */
    e1 /= n;
    within("mog40 E[energy]", e1, 6.8594688, sqrt((e2 / n - e1 * e1) / n));
    within("mog40 E[x]", m[0], mbar[0], sqrt(cov[0] / n));
    within("mog40 E[y]", m[1], mbar[1], sqrt(cov[2] / n));
    const int ab[3][2] = {{0, 0}, {0, 1}, {1, 1}};
    const char *name[3] = {"mog40 Cov[x,x]", "mog40 Cov[x,y]",
                           "mog40 Cov[y,y]"};
    for (int c = 0; c < 3; c++) {
        double s1 = 0.0, s2 = 0.0;
        for (int i = 0; i < n; i++) {
            double p = (x[2 * i + ab[c][0]] - mbar[ab[c][0]]) *
                       (x[2 * i + ab[c][1]] - mbar[ab[c][1]]);
            s1 += p;
            s2 += p * p;
        }
        double mean = s1 / n, sd = sqrt(s2 / n - mean * mean);
        within(name[c], mean, cov[c], sd / sqrt(n));
    }
    free(x);
    digs_potential_destroy(&pot);
}
END_TEST

/* Component frequencies.  A draw does not reveal its component, so count
 * softly: the responsibility w_k(x) = p(k | x) has E_p[w_k] = 1/40
 * exactly, whatever the overlap of components.  Pearson's statistic
 * sum_k (C_k - n/40)^2 / (n/40) of the soft counts C_k is at most
 * multinomially dispersed (each w_k in [0, 1], mostly 0 or 1), so it is
 * checked against the chi-square(39) quantile at 1 - 1e-4, 80.646
 * (mpmath); each C_k / n also within 5 s.e. (sample sd of w_k). */
START_TEST(test_mog40_components)
{
    digs_potential *pot = create("mog40", NULL);
    double mu[80];
    digs_mog40_means(mu);
    const double sigma = log1p(exp(1.0));
    const int n = 200000;
    double c[40] = {0}, c2[40] = {0};
    digs_stream s;
    digs_stream_init(&s, 2, 0, 0, DIGS_RNG_EXACT, 0);
    for (int i = 0; i < n; i++) {
        double x[2], a[40], amax = -INFINITY, sum = 0.0;
        pot->ops->sample_exact(pot, &s, x);
        for (int k = 0; k < 40; k++) {
            double dx = x[0] - mu[2 * k], dy = x[1] - mu[2 * k + 1];
            a[k] = -(dx * dx + dy * dy) / (2.0 * sigma * sigma);
            amax = fmax(amax, a[k]);
        }
        for (int k = 0; k < 40; k++)
            sum += (a[k] = exp(a[k] - amax));
        for (int k = 0; k < 40; k++) {
            double w = a[k] / sum;
            c[k] += w;
            c2[k] += w * w;
        }
    }
    double chi2 = 0.0, expect = n / 40.0;
    for (int k = 0; k < 40; k++) {
        chi2 += (c[k] - expect) * (c[k] - expect) / expect;
        double mean = c[k] / n, sd = sqrt(c2[k] / n - mean * mean);
        within("mog40 component frequency", mean, 1.0 / 40, sd / sqrt(n));
    }
    ck_assert_msg(chi2 <= 80.646, "mog40 component chi-square %.2f > 80.646 "
                  "(39 dof, p = 1e-4)", chi2);
    digs_potential_destroy(&pot);
}
END_TEST

/* ---- Many-Well-32 ---------------------------------------------------- */

/* int_a^b x^p exp(-(x^4 - 6x^2 - 0.5x)) dx by composite Simpson with
 * 12000 intervals (h <= 1e-3 on [-6, 6]: error ~1e-12 relative; the
 * integrand is e^-1077 at |x| = 6). */
static double well_moment(int p, double a, double b)
{
    const int n = 12000;
    const double h = (b - a) / n;
    double sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double x = a + h * i, x2 = x * x;
        double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * pow(x, p) * exp(-(x2 * x2 - 6.0 * x2 - 0.5 * x));
    }
    return sum * h / 3.0;
}

/* n = 3e4 draws, 16 wells each (independent): 4.8e5 values of d and v.
 * Quadrature: P(d > 0) = 0.84430709621 (REFERENCE.md 0.8443), E[d] =
 * 1.18796098338, E[d^2] = 2.95980609049 (mpmath); s.e. from the
 * quadrature variances.  v: mean 0, variance 1 (s.e. sqrt(2/N)).  The
 * mean energy per configuration against its quadrature value (s.e. from
 * the sample sd). */
START_TEST(test_manywell_moments)
{
    digs_potential *pot = create("manywell32", NULL);
    double z = well_moment(0, -6.0, 6.0);
    double p_pos = well_moment(0, 0.0, 6.0) / z;
    double m1 = well_moment(1, -6.0, 6.0) / z;
    double m2 = well_moment(2, -6.0, 6.0) / z;
    double m4 = well_moment(4, -6.0, 6.0) / z;
    ck_assert_double_le(fabs(p_pos - 0.84430709621), 1e-9);
    ck_assert_double_le(fabs(m1 - 1.18796098338), 1e-9);
    ck_assert_double_le(fabs(m2 - 2.95980609049), 1e-9);

    /* E_p[E] = 16 (E[u(d)] + 1/2), u(d) = d^4 - 6 d^2 - 0.5 d */
    double mean_e = 16.0 * (well_moment(4, -6.0, 6.0) / z - 6.0 * m2 -
                            0.5 * m1 + 0.5);

    const int n = 30000;
    const double count = 16.0 * n;
    double pos = 0, s1 = 0, s2 = 0, v1 = 0, v2 = 0, x[32], e1 = 0, e2 = 0;
    digs_stream s;
    digs_stream_init(&s, 3, 0, 0, DIGS_RNG_EXACT, 0);
    for (int i = 0; i < n; i++) {
        pot->ops->sample_exact(pot, &s, x);
        double e = digs_potential_energy(pot, x, NULL);
        e1 += e;
        e2 += e * e;
        for (int k = 0; k < 16; k++) {
            double d = x[2 * k], v = x[2 * k + 1];
            pos += d > 0.0;
            s1 += d;
            s2 += d * d;
            v1 += v;
            v2 += v * v;
        }
    }
    within("manywell P(d > 0)", pos / count, p_pos,
           sqrt(p_pos * (1 - p_pos) / count));
    within("manywell E[d]", s1 / count, m1, sqrt((m2 - m1 * m1) / count));
    within("manywell E[d^2]", s2 / count, m2, sqrt((m4 - m2 * m2) / count));
    within("manywell E[v]", v1 / count, 0.0, sqrt(1.0 / count));
    within("manywell E[v^2]", v2 / count, 1.0, sqrt(2.0 / count));
    e1 /= n;
    within("manywell E[energy]", e1, mean_e, sqrt((e2 / n - e1 * e1) / n));
    /* REFERENCE.md §7.2 quotes E[U] = -137.20 (2e5 draws) */
    ck_assert_double_le(fabs(mean_e - (-137.20)), 0.05);
    digs_potential_destroy(&pot);
}
END_TEST

/* The exact noisy score of one well (potentials/manywell32.h) in its two
 * closed-form limits.  σ → 0: p_t(y) → p(y/a)/a, so the score tends to
 * −E′(y/a)/a; at σ = 1e-3 the measured relative difference (O(σ²) terms
 * and quadrature) is at most 7e-5, and the bound 1e-3 still catches a
 * wrong polynomial (a dropped 0.5 d term moves the score by 0.56).
 * σ → ∞: the posterior is the prior, so σ² · score + y → a E[d] =
 * a · 1.18796 with error O(a² Var(d) y/σ²),
 * zero at y = 0 and below 1e-3 at σ = 100.  The draws are the posterior's
 * quantiles: at σ = 100 the prior's, with P(d > 0) = 0.84431, so the
 * 0.150-quantile is negative and the 0.160-quantile positive. */
START_TEST(test_manywell_noisy_score)
{
    const double a = 0.9, sigma = 1e-3;
    const double ys[] = {-2.2, -1.5, -1.0, -0.3, 0.4, 1.2, 1.7, 2.25};
    for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++) {
        double d = ys[i] / a, grad = 4 * d * d * d - 12 * d - 0.5;
        double want = -grad / a;
        double got = digs_manywell_noisy_score(ys[i], a, sigma, 0.0, NULL);
        ck_assert_msg(fabs(got - want) <= 1e-3 * fmax(1.0, fabs(want)),
                      "y = %g: score %.6f, limit %.6f", ys[i], got, want);
    }
    double q15, q16;
    double far = digs_manywell_noisy_score(0.0, 1.0, 100.0, 0.150, &q15);
    ck_assert_double_le(fabs(far * 1e4 - 1.18796098338), 1e-3);
    digs_manywell_noisy_score(0.0, 1.0, 100.0, 0.160, &q16);
    ck_assert_msg(q15 < 0.0 && q16 > 0.0, "quantiles %g, %g", q15, q16);
}
END_TEST

/* ---- Gaussian ------------------------------------------------------------ */

/* dim 4, mean (1, -2, 0, 5), scales (1, 2, 0.5, 3), rho = 0.7: n = 1e5
 * draws; means within 5 sqrt(Sigma_aa / n); every covariance entry within
 * 5 sqrt((Sigma_aa Sigma_bb + Sigma_ab^2) / n) (Gaussian fourth moments;
 * the sample mean's own error is O(1/n)); the mean energy within
 * 5 sqrt(1/n). */
START_TEST(test_gaussian_moments)
{
    digs_potential *pot = create(
        "gaussian", "[system]\ndim = 4\nmean = 1 -2 0 5\n"
                    "scales = 1 2 0.5 3\ncorrelation = 0.7\n");
    const double m[4] = {1, -2, 0, 5}, sc[4] = {1, 2, 0.5, 3};
    double sigma[4][4];
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            sigma[a][b] = sc[a] * sc[b] * pow(0.7, abs(a - b));
    const int n = 100000;
    double sum[4] = {0}, prod[4][4] = {{0}}, x[4], e1 = 0.0;
    digs_stream s;
    digs_stream_init(&s, 4, 0, 0, DIGS_RNG_EXACT, 0);
    for (int i = 0; i < n; i++) {
        pot->ops->sample_exact(pot, &s, x);
        e1 += digs_potential_energy(pot, x, NULL);
        for (int a = 0; a < 4; a++) {
            sum[a] += x[a];
            for (int b = 0; b < 4; b++)
                prod[a][b] += (x[a] - m[a]) * (x[b] - m[b]);
        }
    }
    for (int a = 0; a < 4; a++) {
        within("gaussian mean", sum[a] / n, m[a], sqrt(sigma[a][a] / n));
        for (int b = 0; b <= a; b++)
            within("gaussian covariance", prod[a][b] / n, sigma[a][b],
                   sqrt((sigma[a][a] * sigma[b][b] +
                         sigma[a][b] * sigma[a][b]) / n));
    }
    /* E = chi^2_4 / 2 + 1/2 log det(2 pi Sigma): mean 2 + log_norm, sd 1
     * (det Sigma = prod s_i^2 (1 - rho^2)^3 for AR(1)) */
    double log_norm = 0.5 * (4.0 * log(2.0 * M_PI) + 3.0 * log(1.0 - 0.49));
    for (int a = 0; a < 4; a++)
        log_norm += log(sc[a]);
    within("gaussian E[energy]", e1 / n, 2.0 + log_norm, sqrt(1.0 / n));
    digs_potential_destroy(&pot);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("exact samplers");
    TCase *tc = tcase_create("moments");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_mog40_moments);
    tcase_add_test(tc, test_mog40_components);
    tcase_add_test(tc, test_manywell_moments);
    tcase_add_test(tc, test_manywell_noisy_score);
    tcase_add_test(tc, test_gaussian_moments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return digs_check_run(suite());
}
