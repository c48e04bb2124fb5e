/* Dense linear assignment by shortest augmenting paths with column
 * potentials, after Jonker & Volgenant (Computing 38, 1987): column
 * reduction, reduction transfer and two passes of augmenting row reduction
 * assign most rows cheaply; every row still free is then assigned by one
 * Dijkstra search over reduced costs.
 *
 * Invariant kept by every phase (JV §3): with u_i = min_j (c_ij - v_j),
 * each assigned row i attains its minimum at its column x[i], so (u, v) is
 * dual feasible and complementary on the partial assignment; a complete
 * assignment with this property is optimal. */
#include "analysis/assignment.h"

#include <math.h>
#include <stdlib.h>

#include "core/status.h"

typedef struct lap {
    const double *c; /* n x n costs, row-major */
    long n;
    long *x;         /* row -> column, -1 if free */
    long *y;         /* column -> row, -1 if free */
    double *v;       /* column potentials */
    long *free_rows; /* rows still to assign */
    long n_free;
    double *d;       /* Dijkstra: tentative reduced path lengths */
    long *pred;      /* Dijkstra: row preceding each column on its path */
    long *cols;      /* Dijkstra: [0,low) done, [low,up) at minimum, rest */
} lap;

/* JV column reduction: v_j = min_i c_ij; the row attaining it takes column
 * j unless it already holds a column of lower v.  Scanned by rows so the
 * matrix is read contiguously; ties go to the lowest row index. */
static void column_reduction(lap *p, long *argmin, long *matches)
{
    const long n = p->n;
    for (long j = 0; j < n; j++) {
        p->v[j] = p->c[j];
        argmin[j] = 0;
    }
    for (long i = 1; i < n; i++) {
        const double *row = p->c + i * n;
        for (long j = 0; j < n; j++)
            if (row[j] < p->v[j]) {
                p->v[j] = row[j];
                argmin[j] = i;
            }
    }
    for (long j = n - 1; j >= 0; j--) {
        long i = argmin[j];
        if (matches[i]++ == 0) {
            p->x[i] = j;
            p->y[j] = i;
        } else if (p->v[j] < p->v[p->x[i]]) {
            p->y[p->x[i]] = -1;
            p->x[i] = j;
            p->y[j] = i;
        }
    }
}

/* JV reduction transfer: a row matched by exactly one column passes the
 * slack to its second-best column onto that column's potential; rows no
 * column chose become the free list. */
static void reduction_transfer(lap *p, const long *matches)
{
    const long n = p->n;
    p->n_free = 0;
    for (long i = 0; i < n; i++) {
        if (matches[i] == 0) {
            p->free_rows[p->n_free++] = i;
        } else if (matches[i] == 1 && n > 1) {
            const double *row = p->c + i * n;
            long j1 = p->x[i];
            double mu = INFINITY;
            for (long j = 0; j < n; j++)
                if (j != j1 && row[j] - p->v[j] < mu)
                    mu = row[j] - p->v[j];
            p->v[j1] -= mu - (row[j1] - p->v[j1]);
        }
    }
}

/* Lowest and second-lowest reduced cost c_ij - v_j of row i (u1 <= u2);
 * j1 is the first column attaining u1. */
static void two_lowest(const lap *p, long i, double *u1, long *j1,
                       double *u2, long *j2)
{
    const double *row = p->c + i * p->n;
    double a = row[0] - p->v[0], b = INFINITY;
    long ja = 0, jb = -1;
    for (long j = 1; j < p->n; j++) {
        double h = row[j] - p->v[j];
        if (h < b) {
            if (h >= a) {
                b = h;
                jb = j;
            } else {
                b = a;
                jb = ja;
                a = h;
                ja = j;
            }
        }
    }
    *u1 = a;
    *j1 = ja;
    *u2 = b;
    *j2 = jb;
}

/* JV augmenting row reduction, one pass over the free list.  A free row
 * takes its cheapest column, lowering that column's potential so the row
 * is indifferent between its two best columns; the displaced owner is
 * retried at once when the potential strictly dropped, else deferred.
 * Immediate retries are capped at n per pass so rounding cannot make the
 * pass cycle; deferred rows are left to the exact augmentation phase. */
static void augmenting_row_reduction(lap *p)
{
    long k = 0, prev_free = p->n_free, retries = 0;
    p->n_free = 0;
    while (k < prev_free) {
        long i = p->free_rows[k++];
        double u1, u2;
        long j1, j2;
        two_lowest(p, i, &u1, &j1, &u2, &j2);
        long i0 = p->y[j1];
        int dropped = 0;
        if (u1 < u2 && j2 >= 0) {
            double v_new = p->v[j1] - (u2 - u1);
            dropped = v_new < p->v[j1];
            p->v[j1] = v_new;
        } else if (i0 >= 0 && j2 >= 0) {
            j1 = j2;
            i0 = p->y[j2];
        }
        if (i0 >= 0)
            p->x[i0] = -1;
        p->x[i] = j1;
        p->y[j1] = i;
        if (i0 >= 0) {
            if (dropped && retries < p->n) {
                retries++;
                p->free_rows[--k] = i0;
            } else {
                p->free_rows[p->n_free++] = i0;
            }
        }
    }
}

/* Dijkstra on reduced costs from free row f to the nearest free column,
 * then potential update and augmentation along the path (JV §4). */
static void augment(lap *p, long f)
{
    const long n = p->n;
    const double *cf = p->c + f * n;
    for (long j = 0; j < n; j++) {
        p->d[j] = cf[j] - p->v[j];
        p->pred[j] = f;
        p->cols[j] = j;
    }
    long low = 0, up = 0, ready = 0, end = -1;
    double mu = 0.0;
    while (end < 0) {
        if (low == up) {
            /* Next distance level: gather all unvisited columns at the
             * minimum into [low, up). */
            ready = low;
            mu = p->d[p->cols[up++]];
            for (long k = up; k < n; k++) {
                long j = p->cols[k];
                double h = p->d[j];
                if (h <= mu) {
                    if (h < mu) {
                        up = low;
                        mu = h;
                    }
                    p->cols[k] = p->cols[up];
                    p->cols[up++] = j;
                }
            }
            for (long k = low; k < up; k++)
                if (p->y[p->cols[k]] < 0) {
                    end = p->cols[k];
                    break;
                }
            if (end >= 0)
                break;
        }
        /* Scan one column at the current level through its row. */
        long j1 = p->cols[low++];
        long i = p->y[j1];
        const double *ci = p->c + i * n;
        double h = ci[j1] - p->v[j1] - mu;
        for (long k = up; k < n; k++) {
            long j = p->cols[k];
            double dj = ci[j] - p->v[j] - h;
            if (dj < p->d[j]) {
                p->d[j] = dj;
                p->pred[j] = i;
                if (dj <= mu) {
                    if (p->y[j] < 0) {
                        end = j;
                        break;
                    }
                    p->cols[k] = p->cols[up];
                    p->cols[up++] = j;
                }
            }
        }
    }
    for (long k = 0; k < ready; k++) {
        long j = p->cols[k];
        p->v[j] += p->d[j] - mu;
    }
    long i;
    do {
        i = p->pred[end];
        p->y[end] = i;
        long next = p->x[i];
        p->x[i] = end;
        end = next;
    } while (i != f);
}

static int solve(lap *p, long *argmin, long *matches)
{
    column_reduction(p, argmin, matches);
    reduction_transfer(p, matches);
    for (int pass = 0; pass < 2 && p->n_free > 0; pass++)
        augmenting_row_reduction(p);
    for (long k = 0; k < p->n_free; k++)
        augment(p, p->free_rows[k]);
    for (long i = 0; i < p->n; i++)
        if (p->x[i] < 0)
            return DIGS_FAIL(DIGS_ERR_INTERNAL,
                             "assignment: row %ld left unassigned", i);
    return DIGS_OK;
}

int digs_assignment_solve(const double *cost, long n, long *row_to_col,
                          double *u, double *v, double *total)
{
    if (n < 1)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "assignment: need n >= 1 rows, got %ld", n);
    for (long k = 0; k < n * n; k++)
        if (!isfinite(cost[k]))
            return DIGS_FAIL(DIGS_ERR_NUMERIC,
                             "assignment: cost[%ld][%ld] = %g, expected a "
                             "finite number", k / n, k % n, cost[k]);
    lap p = {.c = cost, .n = n};
    long *work = NULL;
    double *dwork = NULL;
    DIGS_CALLOC(work, 7 * n);
    dwork = calloc((size_t)(2 * n), sizeof *dwork);
    if (!dwork) {
        free(work);
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory (%ld doubles)",
                         2 * n);
    }
    p.x = work;
    p.y = work + n;
    p.free_rows = work + 2 * n;
    p.pred = work + 3 * n;
    p.cols = work + 4 * n;
    long *argmin = work + 5 * n, *matches = work + 6 * n;
    p.v = dwork;
    p.d = dwork + n;
    for (long k = 0; k < n; k++)
        p.x[k] = p.y[k] = -1;

    int status = solve(&p, argmin, matches);
    if (status == DIGS_OK) {
        double sum = 0.0;
        for (long i = 0; i < n; i++) {
            long j = p.x[i];
            row_to_col[i] = j;
            sum += cost[i * n + j];
            if (u)
                u[i] = cost[i * n + j] - p.v[j];
        }
        if (v)
            for (long j = 0; j < n; j++)
                v[j] = p.v[j];
        *total = sum;
    }
    free(work);
    free(dwork);
    return status == DIGS_OK ? DIGS_OK
                             : digs_trace(status, __FILE__, __LINE__);
}
