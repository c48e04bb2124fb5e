/* Exact assignment and W2 (REFERENCE.md §8.4): brute force over all
 * permutations for n <= 7, an independent O(n^3) Hungarian at n = 300,
 * the dual certificate, and closed forms of W2 (permutation, shift, 1-D
 * sorted matching). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/assignment.h"
#include "analysis/w2.h"
#include "core/rng.h"
#include "core/status.h"
#include "../check_run.h"

/* Minimum over all permutations of 0..n-1 (Heap's algorithm). */
static double brute_force(const double *c, int n)
{
    int perm[8], cnt[8] = {0};
    for (int i = 0; i < n; i++)
        perm[i] = i;
    double best = INFINITY;
    for (;;) {
        double s = 0.0;
        for (int i = 0; i < n; i++)
            s += c[i * n + perm[i]];
        best = s < best ? s : best;
        int i = 1;
        while (i < n && cnt[i] >= i)
            cnt[i++] = 0;
        if (i >= n)
            break;
        int j = i % 2 ? cnt[i] : 0;
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        cnt[i]++;
    }
    return best;
}

/* Textbook O(n^3) Hungarian algorithm with row/column potentials (Kuhn-
 * Munkres in the successive-shortest-path form), written independently of
 * analysis/assignment.c as a second opinion. */
static double hungarian(const double *c, long n)
{
    double *u = calloc(n + 1, sizeof *u), *v = calloc(n + 1, sizeof *v);
    double *minv = calloc(n + 1, sizeof *minv);
    long *match = calloc(n + 1, sizeof *match); /* column -> row, 1-based */
    long *way = calloc(n + 1, sizeof *way);
    char *used = calloc(n + 1, 1);
    for (long i = 1; i <= n; i++) {
        match[0] = i;
        long j0 = 0;
        for (long j = 0; j <= n; j++) {
            minv[j] = INFINITY;
            used[j] = 0;
        }
        do {
            used[j0] = 1;
            long i0 = match[j0], j1 = 0;
            double delta = INFINITY;
            for (long j = 1; j <= n; j++) {
                if (used[j])
                    continue;
                double cur = c[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (long j = 0; j <= n; j++) {
                if (used[j]) {
                    u[match[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (match[j0] != 0);
        do {
            long j1 = way[j0];
            match[j0] = match[j1];
            j0 = j1;
        } while (j0);
    }
    double total = 0.0;
    for (long j = 1; j <= n; j++)
        total += c[(match[j] - 1) * n + (j - 1)];
    free(u);
    free(v);
    free(minv);
    free(match);
    free(way);
    free(used);
    return total;
}

/* The solver's answer is a permutation whose cost it reports, and its
 * duals certify optimality: u_i + v_j <= c_ij and Σu + Σv = total. */
static void check_certificate(const double *c, long n, const long *perm,
                              const double *u, const double *v, double total)
{
    char *seen = calloc(n, 1);
    double sum = 0.0, dual = 0.0, scale = 0.0;
    for (long i = 0; i < n; i++) {
        ck_assert(perm[i] >= 0 && perm[i] < n && !seen[perm[i]]);
        seen[perm[i]] = 1;
        sum += c[i * n + perm[i]];
        dual += u[i] + v[i];
    }
    for (long k = 0; k < n * n; k++)
        scale = fmax(scale, fabs(c[k]));
    /* Rounding: potentials are sums of O(n) cost differences. */
    double tol = 1e-12 * fmax(scale, 1.0) * (1 + n / 100.0);
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++)
            ck_assert_double_le(u[i] + v[j], c[i * n + j] + tol);
    ck_assert_double_eq_tol(sum, total, 1e-12 * fmax(1.0, fabs(total)));
    ck_assert_double_eq_tol(dual, total, tol * n);
    free(seen);
}

START_TEST(test_brute_force_small)
{
    /* 200 random matrices per size, uniform and with many ties (integer
     * costs 0..3), n = 1..7: the optimum equals the enumeration to 1e-12
     * (both sum the same n doubles; only the order can differ). */
    digs_stream s;
    digs_stream_init(&s, 11, 0, 0, DIGS_RNG_TEST, 0);
    double c[49], u[7], v[7], total;
    long perm[7];
    for (int n = 1; n <= 7; n++)
        for (int rep = 0; rep < 200; rep++) {
            int ties = rep % 2;
            for (int k = 0; k < n * n; k++)
                c[k] = ties ? (double)digs_stream_below(&s, 4)
                            : 10.0 * digs_stream_uniform(&s) - 3.0;
            ck_assert_int_eq(
                digs_assignment_solve(c, n, perm, u, v, &total), DIGS_OK);
            ck_assert_double_eq_tol(total, brute_force(c, n), 1e-12);
            check_certificate(c, n, perm, u, v, total);
        }
}
END_TEST

START_TEST(test_hungarian_n300)
{
    /* Uniform costs, integer costs with massive ties, and squared
     * distances of Gaussian points: agree with the Hungarian to 1e-9
     * relative (sums of 300 terms of size <= 100; rounding ~1e-13). */
    const long n = 300;
    double *c = malloc(n * n * sizeof *c), *u = malloc(n * sizeof *u);
    double *v = malloc(n * sizeof *v), *x = malloc(n * 5 * sizeof *x);
    double *y = malloc(n * 5 * sizeof *y);
    long *perm = malloc(n * sizeof *perm);
    digs_stream s;
    digs_stream_init(&s, 12, 0, 0, DIGS_RNG_TEST, 0);
    for (int kind = 0; kind < 3; kind++) {
        if (kind == 2) {
            for (long k = 0; k < n * 5; k++) {
                x[k] = digs_stream_normal(&s);
                y[k] = digs_stream_normal(&s) + 0.5;
            }
            digs_w2_cost_matrix(x, y, n, 5, c);
        } else {
            for (long k = 0; k < n * n; k++)
                c[k] = kind ? (double)digs_stream_below(&s, 10)
                            : 100.0 * digs_stream_uniform(&s);
        }
        double total;
        ck_assert_int_eq(digs_assignment_solve(c, n, perm, u, v, &total),
                         DIGS_OK);
        double ref = hungarian(c, n);
        ck_assert_double_eq_tol(total, ref, 1e-9 * fmax(1.0, fabs(ref)));
        check_certificate(c, n, perm, u, v, total);
    }
    free(c);
    free(u);
    free(v);
    free(x);
    free(y);
    free(perm);
}
END_TEST

START_TEST(test_w2_closed_forms)
{
    const long n = 200;
    const int d = 3;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * d * sizeof *y);
    digs_stream s;
    digs_stream_init(&s, 13, 0, 0, DIGS_RNG_TEST, 0);
    for (long k = 0; k < n * d; k++)
        x[k] = digs_stream_normal(&s);
    /* y = a permutation of x: W2 = 0 exactly. */
    for (long i = 0; i < n; i++)
        for (int c = 0; c < d; c++)
            y[i * d + c] = x[((i * 37 + 11) % n) * d + c];
    double w2;
    ck_assert_int_eq(digs_w2(x, y, n, d, &w2), DIGS_OK);
    ck_assert_double_eq(w2, 0.0);
    /* y = x + δ: Σ_i |x_i - x_σ(i) - δ|^2 = Σ|x_i - x_σ(i)|^2 + n|δ|^2, so
     * the identity is optimal and W2 = |δ| = 1.3 (rounding of the
     * differences ~1e-16 relative; tolerance 1e-12). */
    const double delta[3] = {1.2, -0.5, 0.0};
    for (long i = 0; i < n; i++)
        for (int c = 0; c < d; c++)
            y[i * d + c] = x[i * d + c] + delta[c];
    ck_assert_int_eq(digs_w2(x, y, n, d, &w2), DIGS_OK);
    ck_assert_double_eq_tol(w2, 1.3, 1e-12);
    free(x);
    free(y);
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

START_TEST(test_w2_one_dimension_sorted)
{
    /* In 1-D the optimal plan between equal-size samples matches sorted
     * order: W2^2 = mean (x_(i) - y_(i))^2.  1e-12 relative. */
    const long n = 500;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    digs_stream s;
    digs_stream_init(&s, 14, 0, 0, DIGS_RNG_TEST, 0);
    for (long i = 0; i < n; i++) {
        x[i] = digs_stream_normal(&s);
        y[i] = 2.0 * digs_stream_normal(&s) + 0.7;
    }
    double w2;
    ck_assert_int_eq(digs_w2(x, y, n, 1, &w2), DIGS_OK);
    qsort(x, n, sizeof *x, cmp_double);
    qsort(y, n, sizeof *y, cmp_double);
    double s2 = 0.0;
    for (long i = 0; i < n; i++)
        s2 += (x[i] - y[i]) * (x[i] - y[i]);
    ck_assert_double_eq_tol(w2, sqrt(s2 / n), 1e-12 * sqrt(s2 / n));
    free(x);
    free(y);
}
END_TEST

START_TEST(test_w2_hand_case)
{
    /* x = {(0,0), (2,0)}, y = {(2,1), (0,1)}: crossing pairs cost 5 each,
     * straight pairs 1 each, so W2 = sqrt((1 + 1) / 2) = 1. */
    const double x[4] = {0, 0, 2, 0}, y[4] = {2, 1, 0, 1};
    double w2;
    ck_assert_int_eq(digs_w2(x, y, 2, 2, &w2), DIGS_OK);
    ck_assert_double_eq_tol(w2, 1.0, 1e-15);
}
END_TEST

START_TEST(test_errors)
{
    double x[4] = {0, 1, 2, 3}, y[4] = {0, 1, NAN, 3}, w2;
    long perm[2];
    ck_assert_int_eq(digs_w2(x, y, 2, 2, &w2), DIGS_ERR_NUMERIC);
    ck_assert_int_eq(digs_w2(x, x, 0, 2, &w2), DIGS_ERR_INPUT);
    double c[4] = {1, INFINITY, 0, 2}, total;
    ck_assert_int_eq(digs_assignment_solve(c, 2, perm, NULL, NULL, &total),
                     DIGS_ERR_NUMERIC);
    digs_error_clear();
}
END_TEST

START_TEST(test_centre)
{
    /* Two 2-particle 2-D configurations; means (1, 1) and (-1, 3). */
    double x[8] = {0, 0, 2, 2, -2, 3, 0, 3};
    const double want[8] = {-1, -1, 1, 1, -1, 0, 1, 0};
    digs_remove_centre(x, 2, 2, 2);
    for (int k = 0; k < 8; k++)
        ck_assert_double_eq(x[k], want[k]);
}
END_TEST

/* DW-4 validation split (REFERENCE.md §11.1): float32 '<f4', C order,
 * data at byte 128, 10000 x 8.  Returns NULL (test skipped) only when
 * DIGS_SHARED_DIR is unset; a missing file is a failure. */
static double *read_dw4(long *n)
{
    const char *dir = getenv("DIGS_SHARED_DIR");
    if (!dir || !*dir)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/val_split_DW4.npy", dir);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char head[128];
    float *raw = malloc(10000 * 8 * sizeof *raw);
    size_t got = fread(head, 1, 128, f) == 128
                     ? fread(raw, sizeof *raw, 80000, f) : 0;
    fclose(f);
    ck_assert_msg(got == 80000 && head[0] == (char)0x93,
                  "%s: expected a 10000 x 8 float32 .npy file", path);
    double *x = malloc(80000 * sizeof *x);
    for (long k = 0; k < 80000; k++)
        x[k] = raw[k];
    free(raw);
    *n = 10000;
    return x;
}

START_TEST(test_dw4_split_halves)
{
    /* W2 between two disjoint halves of the centred DW-4 reference
     * (2000 vs 2000): REFERENCE.md §8.10 puts same-source x-W2 at
     * 1.45 ± 0.02 and a symmetric sampler at 1.86, so a correct W2 of
     * two halves of one MCMC set lies in [1.2, 2.0]. */
    long n;
    double *x = read_dw4(&n);
    if (!x)
        return;
    digs_remove_centre(x, n, 4, 2);
    double w2;
    ck_assert_int_eq(digs_w2(x, x + 5000 * 8, 2000, 8, &w2), DIGS_OK);
    ck_assert_msg(w2 > 1.2 && w2 < 2.0, "DW-4 halves W2 = %g", w2);
    free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("w2");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_brute_force_small);
    tcase_add_test(tc, test_hungarian_n300);
    tcase_add_test(tc, test_w2_closed_forms);
    tcase_add_test(tc, test_w2_one_dimension_sorted);
    tcase_add_test(tc, test_w2_hand_case);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_centre);
    tcase_add_test(tc, test_dw4_split_halves);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
