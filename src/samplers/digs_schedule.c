#include "samplers/digs_schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"

void digs_schedule_linspace(double lo, double hi, int n, double *alpha)
{
    if (n == 1) {
        alpha[0] = lo;
        return;
    }
    double step = (hi - lo) / (n - 1);
    for (int i = 0; i < n; i++)
        alpha[i] = lo + i * step;
    alpha[n - 1] = hi;
}

int digs_schedule_set(digs_schedule *out, int n, const double *alpha)
{
    out->n = 0;
    if (n < 1 || n > DIGS_SCHEDULE_MAX_LEVELS)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "DiGS schedule: %d levels; expected 1 to %d", n,
                         DIGS_SCHEDULE_MAX_LEVELS);
    for (int i = 0; i < n; i++) {
        if (!(alpha[i] > 0.0 && alpha[i] < 1.0))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "DiGS schedule: alpha = %g; expected a noise "
                             "level strictly between 0 and 1", alpha[i]);
        if (i > 0 && !(alpha[i] > alpha[i - 1]))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "DiGS schedule: alpha %g follows %g; expected "
                             "strictly increasing levels (noisiest first)",
                             alpha[i], alpha[i - 1]);
    }
    free(out->alpha);
    free(out->sigma);
    out->sigma = NULL;
    DIGS_CALLOC(out->alpha, n);
    DIGS_CALLOC(out->sigma, n);
    for (int i = 0; i < n; i++) {
        out->alpha[i] = alpha[i];
        out->sigma[i] = sqrt(1.0 - alpha[i] * alpha[i]); /* §3.1, VP */
    }
    out->n = n;
    return DIGS_OK;
}

/* Turn a digs_schedule_set failure into a deck message naming the key. */
static int reject_levels(digs_deck *deck, const char *section,
                         const char *key)
{
    char reason[256];
    snprintf(reason, sizeof reason, "%s", digs_error_message());
    digs_error_clear();
    return digs_deck_reject(deck, section, key, reason);
}

int digs_schedule_read(digs_deck *deck, const char *section,
                       digs_schedule *out)
{
    out->n = 0;
    out->alpha = out->sigma = NULL;
    if (digs_deck_has_key(deck, section, "alphas")) {
        static const char *const linspace_keys[] = {"levels", "alpha_min",
                                                    "alpha_max", NULL};
        for (int i = 0; linspace_keys[i]; i++)
            if (digs_deck_has_key(deck, section, linspace_keys[i])) {
                char reason[128];
                snprintf(reason, sizeof reason,
                         "give either alphas or levels/alpha_min/alpha_max, "
                         "not both (found %s)", linspace_keys[i]);
                return digs_deck_reject(deck, section, "alphas", reason);
            }
        double *alpha = NULL;
        int n;
        DIGS_CHECK(digs_deck_doubles(deck, section, "alphas", NULL, 0.0, 1.0,
                                     &alpha, &n));
        int status = digs_schedule_set(out, n, alpha);
        free(alpha);
        if (status != DIGS_OK)
            return reject_levels(deck, section, "alphas");
        return DIGS_OK;
    }

    long n;
    double lo, hi;
    DIGS_CHECK(digs_deck_long(deck, section, "levels", "1", 1,
                              DIGS_SCHEDULE_MAX_LEVELS, &n));
    DIGS_CHECK(digs_deck_double(deck, section, "alpha_min", "0.1", 0.0, 1.0,
                                &lo));
    DIGS_CHECK(digs_deck_double(deck, section, "alpha_max", "0.9", 0.0, 1.0,
                                &hi));
    if (n > 1 && !(lo < hi))
        return digs_deck_reject(deck, section, "alpha_max",
                                "expected alpha_max > alpha_min for more "
                                "than one level");
    double *alpha;
    DIGS_CALLOC(alpha, n);
    digs_schedule_linspace(lo, hi, (int)n, alpha);
    int status = digs_schedule_set(out, (int)n, alpha);
    free(alpha);
    if (status != DIGS_OK)
        return reject_levels(deck, section, lo > 0.0 && lo < 1.0 ? "alpha_max"
                                                                 : "alpha_min");
    return DIGS_OK;
}

void digs_schedule_free(digs_schedule *s)
{
    free(s->alpha);
    free(s->sigma);
    s->alpha = s->sigma = NULL;
    s->n = 0;
}
