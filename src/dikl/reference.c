/* Reference-set model selection of DiKL (contract in reference.h). */
#include "dikl/reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bootstrap.h"
#include "analysis/tvd.h"
#include "core/status.h"

static long n_pairs(int n_particles)
{
    return n_particles > 1 ? (long)n_particles * (n_particles - 1) / 2 : 0;
}

int dikl_reference_set(dikl_reference *r, const digs_potential *pot, int n,
                       const double *x, const double *energy)
{
    if (n < 1 || !x)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "dikl reference set: %d states, expected >= 1", n);
    const size_t d = (size_t)pot->dim;
    for (size_t i = 0; i < (size_t)n * d; i++)
        if (!isfinite(x[i]))
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "dikl reference set: state %zu, coordinate "
                             "%zu is %g, expected finite coordinates",
                             i / d, i % d, x[i]);
    dikl_reference new = {.n = n, .n_particles = pot->n_particles,
                          .spatial_dim = pot->spatial_dim};
    DIGS_CALLOC(new.energy, n);
    for (int i = 0; i < n; i++) {
        double e = energy ? energy[i]
                          : digs_potential_energy(pot, x + i * d, NULL);
        if (isfinite(e))
            new.energy[new.n_energy++] = e;
    }
    long pairs = n_pairs(pot->n_particles);
    new.n_dist = pairs * n;
    new.dist = new.n_dist ? malloc(sizeof(double) * (size_t)new.n_dist)
                          : NULL;
    if (new.n_energy == 0 || (new.n_dist && !new.dist)) {
        int none = new.n_energy == 0;
        dikl_reference_free(&new);
        if (none)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "dikl reference set: none of the %d energies "
                             "is finite", n);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld distances)",
                         n_pairs(pot->n_particles) * n);
    }
    if (new.n_dist)
        digs_pair_distances(x, n, pot->n_particles, pot->spatial_dim,
                            new.dist);
    dikl_reference_free(r);
    *r = new;
    return DIGS_OK;
}

void dikl_reference_free(dikl_reference *r)
{
    free(r->energy);
    free(r->dist);
    memset(r, 0, sizeof *r);
}

/* TVD of the model values v[0..n) (the finite ones of `total` samples)
 * against ref, with every sample that is non-finite or outside the
 * reference range counted as wholly mismatched: (1 − f) TVD_in + f for
 * the fraction f of such samples, an upper bound of the TVD with an
 * overflow bin.  The toolkit's TVD drops such samples (§8, §9.4), which
 * would let a generator with a heavy high-energy tail (LJ-13's E > 0
 * samples) win the selection. */
static int tvd(const double *ref, long n_ref, const double *v, long n,
               long total, double *out)
{
    if (n == 0) {
        *out = 1.0;
        return DIGS_OK;
    }
    double in_range = 0;
    long kept = 0;
    DIGS_CHECK(digs_tvd_histogram_counted(ref, n_ref, v, n, DIGS_TVD_BINS,
                                          &in_range, &kept));
    double f = 1.0 - (double)kept / (double)total;
    *out = kept > 0 ? (1 - f) * in_range + f : 1.0;
    return DIGS_OK;
}

int dikl_reference_metric(const dikl_reference *r, int n, const double *x,
                          const double *energy, double *metric,
                          double *energy_tvd, double *dist_tvd)
{
    *metric = NAN;
    if (r->n < 1 || n < 1)
        return DIGS_FAIL(DIGS_ERR_INTERNAL,
                         "dikl reference metric: %ld reference states and "
                         "%d samples, expected >= 1 each", r->n, n);
    long pairs = n_pairs(r->n_particles);
    size_t scratch = (size_t)n * (size_t)(pairs > 1 ? pairs : 1);
    double *buf;
    DIGS_CALLOC(buf, scratch);
    long kept = 0;
    for (int i = 0; i < n; i++)  /* the toolkit keeps finite energies */
        if (isfinite(energy[i]))
            buf[kept++] = energy[i];
    double e_tvd = 0.0, d_tvd = 0.0;
    int status = tvd(r->energy, r->n_energy, buf, kept, n, &e_tvd);
    if (status == DIGS_OK && pairs > 0) {
        digs_pair_distances(x, n, r->n_particles, r->spatial_dim, buf);
        status = tvd(r->dist, r->n_dist, buf, (long)n * pairs,
                     (long)n * pairs, &d_tvd);
    }
    free(buf);
    DIGS_CHECK(status);
    *metric = e_tvd + d_tvd;
    if (energy_tvd)
        *energy_tvd = e_tvd;
    if (dist_tvd)
        *dist_tvd = d_tvd;
    return DIGS_OK;
}
