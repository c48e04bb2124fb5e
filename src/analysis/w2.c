/* Exact W2 by optimal assignment (REFERENCE.md §8.4). */
#include "analysis/w2.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/assignment.h"
#include "core/status.h"

void digs_w2_cost_matrix(const double *x, const double *y, long n, int d,
                         double *cost)
{
    for (long i = 0; i < n; i++) {
        const double *xi = x + i * d;
        double *row = cost + i * n;
        for (long j = 0; j < n; j++) {
            const double *yj = y + j * d;
            double s = 0.0;
            for (int c = 0; c < d; c++) {
                double u = xi[c] - yj[c];
                s += u * u;
            }
            row[j] = s;
        }
    }
}

int digs_w2(const double *x, const double *y, long n, int d, double *w2)
{
    if (n < 1 || d < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "w2: need n >= 1 samples of d >= 1 coordinates, "
                         "got n = %ld, d = %d", n, d);
    for (long k = 0; k < n * d; k++)
        if (!isfinite(x[k]) || !isfinite(y[k]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "w2: sample %ld coordinate %ld is not finite "
                             "(model %g, reference %g)", k / d, k % d, x[k],
                             y[k]);
    double *cost = NULL;
    long *perm = NULL;
    DIGS_CALLOC(cost, n * n);
    perm = calloc((size_t)n, sizeof *perm);
    if (!perm) {
        free(cost);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld longs)", n);
    }
    digs_w2_cost_matrix(x, y, n, d, cost);
    double total = 0.0;
    int status = digs_assignment_solve(cost, n, perm, NULL, NULL, &total);
    free(cost);
    free(perm);
    DIGS_CHECK(status);
    *w2 = sqrt(total / (double)n);
    return DIGS_OK;
}

void digs_remove_centre(double *x, long n, int n_particles, int dim)
{
    for (long s = 0; s < n; s++) {
        double *xs = x + s * (long)n_particles * dim;
        for (int c = 0; c < dim; c++) {
            double m = 0.0;
            for (int i = 0; i < n_particles; i++)
                m += xs[i * dim + c];
            m /= n_particles;
            for (int i = 0; i < n_particles; i++)
                xs[i * dim + c] -= m;
        }
    }
}
