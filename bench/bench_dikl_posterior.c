/* Accuracy of DiKL's target noisy score ŝ (REFERENCE.md §6.4–§6.6) on
 * Many-Well-32, per noise level, for the posterior sampler of a deck
 * (doc/benchmarks.md "DiKL quality", MW-32; doc/dikl.md).
 *
 * MW-32 factorises into 16 double wells d and 16 standard normals v
 * (§7.2), so its noisy score is exact per coordinate: for a double-well
 * coordinate y = a d + σ ε, ∇log p_t(y) = (a E[d | y] − y)/σ², a 1-D
 * quadrature (digs_manywell_noisy_score, potentials/manywell32.h); for a
 * normal coordinate it is −y (a² + σ² = 1).  At each level,
 * N noisy points x_t = a x + σ ε with x from the exact sampler get one
 * estimate each (the deck's Stage A, Stage B and MSI, its initial Stage-B
 * step), and the estimates are compared with the exact score over the 16N
 * double-well coordinates:
 *   slope   least-squares factor of ŝ on s (1: no scale bias; the MSI is
 *           exact for the normal coordinates whatever the samples, so
 *           only the double wells tell);
 *   bias−, bias+   mean ŝ − s over the coordinates with y < 0 and y > 0
 *           (negative: the estimate leans to the shallow well at −1.7);
 *   rel.rmse       root mean square of ŝ − s over the mean |s|.
 * The last three columns are the same for the one-sample MSI from an exact
 * posterior draw of each double-well coordinate (inverse CDF on the
 * quadrature nodes): what a perfect sampler gives, slope 1 and zero biases
 * up to sampling error.
 *
 * Usage: bench_dikl_posterior DECK [N]   (DECK: [system] potential =
 * manywell32 and a [dikl] section, e.g. inputs/dikl-mw32.ini; N default
 * 1000.)  One core, a few seconds per level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/config.h"
#include "dikl/posterior.h"
#include "dikl/schedule.h"
#include "potentials/manywell32.h"
#include "potentials/potential.h"

/* Least-squares slope of est on s, mean est − s below and above y = 0. */
typedef struct fit { double sxy, sxx, sq, mag, bias[2], cnt[2]; } fit;

static void fit_add(fit *f, double y, double s, double est)
{
    double e = est - s;
    f->sxy += est * s;
    f->sxx += s * s;
    f->sq += e * e;
    f->mag += fabs(s);
    f->bias[y > 0] += e;
    f->cnt[y > 0] += 1;
}

static int run(const char *path, int n)
{
    char *text = NULL;
    digs_deck *deck = NULL;
    digs_potential *pot = NULL;
    dikl_config cfg;
    DIGS_CHECK(digs_deck_read_text(path, &text));
    int status = digs_deck_parse(&deck, text, path);
    free(text);
    if (status == DIGS_OK)
        status = digs_potential_create(deck, &pot);
    if (status == DIGS_OK && strcmp(pot->ops->name, "manywell32") != 0)
        status = DIGS_FAIL(DIGS_ERR_INPUT, "%s: potential %s, expected "
                           "manywell32", path, pot->ops->name);
    if (status == DIGS_OK)
        status = dikl_config_read(deck, pot, &cfg);
    digs_deck_destroy(&deck);
    dikl_schedule sched;
    if (status == DIGS_OK)
        status = dikl_schedule_init(&sched, cfg.T, cfg.beta_start,
                                    cfg.beta_end);
    dikl_posterior *post = NULL;
    if (status == DIGS_OK)
        status = dikl_posterior_create(&post, &cfg.posterior, pot, pot);
    if (status != DIGS_OK) {
        digs_potential_destroy(&pot);
        return status;
    }
    const int d = pot->dim;
    double *xt, *est, *a, *sigma; /* a bench: freed by exit on failure */
    DIGS_CALLOC(xt, (size_t)n * d);
    DIGS_CALLOC(est, (size_t)n * d);
    DIGS_CALLOC(a, n);
    DIGS_CALLOC(sigma, n);
    printf("# %s: n_is %d, AIS levels %d (step %g), Stage B %d MALA steps "
           "of %g averaging %d; %d noisy points per level\n",
           path, cfg.posterior.n_is, cfg.posterior.ais_levels,
           cfg.posterior.ais_step, cfg.posterior.mala_steps, cfg.eta,
           cfg.posterior.sample_size, n);
    printf("# level      a  sigma  accept   slope   bias-   bias+  rel.rmse"
           "   exact posterior: slope bias- bias+\n");
    for (int t = 1; t < cfg.T; t++) {
        digs_stream rng;
        digs_stream_init(&rng, 1, (uint64_t)t, 0, DIGS_RNG_TEST, 0);
        for (int b = 0; b < n; b++) {
            double *x = xt + (size_t)b * d;
            pot->ops->sample_exact(pot, &rng, x);
            for (int k = 0; k < d; k++)
                x[k] = sched.a[t] * x[k]
                       + sched.sigma[t] * digs_stream_normal(&rng);
            a[b] = sched.a[t];
            sigma[b] = sched.sigma[t];
        }
        dikl_posterior_stats st = {0};
        DIGS_CHECK(dikl_posterior_score(post, n, xt, a, sigma, 2,
                                        (uint64_t)t, 0, cfg.eta, est, &st));
        fit got = {0}, floor = {0};
        const double m = (double)n * d / 2; /* double-well coordinates */
        for (size_t i = 0; i < (size_t)n * d; i += 2) { /* even: wells */
            /* the oracle: one-sample MSI a (d − E'(d)) − y with d drawn
             * exactly from p(d | y), the floor of a perfect sampler */
            double d, u = digs_stream_uniform(&rng);
            double s = digs_manywell_noisy_score(xt[i], a[0], sigma[0], u,
                                                 &d);
            double oracle = a[0] * (d - (4 * d * d * d - 12 * d - 0.5))
                            - xt[i];
            fit_add(&got, xt[i], s, est[i]);
            fit_add(&floor, xt[i], s, oracle);
        }
        printf("%7d %6.3f %6.3f %7.3f %7.3f %+7.3f %+7.3f %9.3f   "
               "%7.3f %+7.3f %+7.3f\n", t, sched.a[t], sched.sigma[t],
               st.proposed ? (double)st.accepted / st.proposed : NAN,
               got.sxy / got.sxx, got.bias[0] / got.cnt[0],
               got.bias[1] / got.cnt[1], sqrt(got.sq / m) / (got.mag / m),
               floor.sxy / floor.sxx, floor.bias[0] / floor.cnt[0],
               floor.bias[1] / floor.cnt[1]);
        fflush(stdout);
    }
    free(xt);
    free(est);
    free(a);
    free(sigma);
    dikl_posterior_destroy(&post);
    digs_potential_destroy(&pot);
    return DIGS_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_dikl_posterior DECK [N]\n");
        return 2;
    }
    int n = argc == 3 ? atoi(argv[2]) : 1000;
    if (n < 1) {
        fprintf(stderr, "bench_dikl_posterior: N = '%s', expected an "
                        "integer >= 1\n", argv[2]);
        return 2;
    }
    if (run(argv[1], n) != DIGS_OK) {
        fprintf(stderr, "bench_dikl_posterior: %s\n", digs_error_message());
        return 1;
    }
    return 0;
}
