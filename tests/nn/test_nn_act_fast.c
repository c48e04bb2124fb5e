/* The float build's fast exp / sigmoid / SiLU (src/nn/activation.c)
 * against libm in double precision.
 *
 * Inputs: every 127th float bit pattern over each interval (about 2·10⁷
 * values in all; 127 is odd, so mantissa patterns of every parity are
 * visited), plus edge cases.  Errors are measured in ulps of the float
 * result (ulp(v) = 2^(⌊log₂|v|⌋ − 23)) against the double reference.
 * Failures are reported with ck_abort_msg (a ck_assert per value would
 * cost a system call each).  This machine runs the x86-64-v3 clones of
 * the kernels; the default clones were checked with the same program
 * built without target_clones (maxima below).
 *
 * Bounds (the analysis is in activation.c; observed maxima in brackets):
 *  - exp on [-87.33, 88.72] (normal results): the Taylor truncation is
 *    0.04 ulp, the reduced argument r is exact to ~1e-3 ulp, the
 *    polynomial's float roundings add up to ~1 ulp and the final rounding
 *    0.5: bound 2 ulp [observed over every 7th float: 1.01 in the default
 *    x86-64-v2 clone, 1.04 in the x86-64-v3 (FMA) clone this machine runs].
 *  - exp on [-103.97, -87.34] (subnormal results): the unrounded value
 *    p·2^n carries the polynomial's ~1 ulp relative error (about 2^-149
 *    absolute at most, as the value is below 2^-126) and is rounded once
 *    onto the subnormal grid (half a step, 2^-150): bound one grid step,
 *    2^-149, in absolute error.
 *  - sigmoid where the result is normal: e = e^-|x| within 2 ulp, 1 + e
 *    and the quotient round once each: bound 3 ulp [observed 2.36 in
 *    both clones].
 *  - SiLU forward y = x·s: s within 3 ulp, one more rounding: 4 ulp.
 *  - SiLU backward dx = dy (s + y(1 − s)) with s = y/x: a sum of two terms
 *    of either sign (the derivative vanishes near x = −1.28), so the bound
 *    is absolute.  s = y/x is within ~2 ulp, and 1 − s inherits that as
 *    an absolute error 2^-23 which y multiplies (the libm version, which
 *    forms 1 − s from a rounded s, has the same term): bound
 *    8·2^-24·(|s| + |y|)·|dy|.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/activation.h"
#include "../check_run.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t to_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Floats in [lo, hi] (same sign) at a stride of `step` bit patterns, into
 * a new array; *n receives the count. */
static float *sweep(float lo, float hi, uint32_t step, size_t *n)
{
    uint32_t a = to_bits(lo), b = to_bits(hi);
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    size_t m = (size_t)(b - a) / step + 1;
    float *x = malloc(m * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < m; i++)
        x[i] = from_bits(a + (uint32_t)(i * step));
    *n = m;
    return x;
}

/* |v − ref| in ulps of the float nearest ref (ref normal). */
static double ulps(float v, double ref)
{
    int e;
    frexp(ref, &e);  /* |ref| in [2^(e−1), 2^e) */
    return fabs((double)v - ref) / ldexp(1.0, e - 1 - 23);
}

static double ref_sigmoid(double x)
{
    return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

enum { STEP = 127 };

START_TEST(test_exp_normal_range)
{
    /* both signs: [-87.33, -0] and [0, 88.72] */
    const float ends[2][2] = {{-87.33f, -0.0f}, {0.0f, 88.72f}};
    double worst = 0;
    for (int s = 0; s < 2; s++) {
        size_t n;
        float *x = sweep(ends[s][0], ends[s][1], STEP, &n);
        float *y = malloc(n * sizeof *y);
        ck_assert_ptr_nonnull(y);
        nn_vexpf(x, y, n);
        for (size_t i = 0; i < n; i++) {
            double u = ulps(y[i], exp((double)x[i]));
            if (u > worst)
                worst = u;
            if (!(u <= 2.0))
                ck_abort_msg("exp(%a) = %a: %.2f ulp", (double)x[i],
                             (double)y[i], u);
        }
        free(x);
        free(y);
    }
    ck_assert(worst > 0);  /* the sweep did compare something */
    float one, zero = 0;
    nn_vexpf(&zero, &one, 1);
    ck_assert(one == 1.0f);
}
END_TEST

START_TEST(test_exp_extremes)
{
    size_t n;
    float *x = sweep(-103.97f, -87.34f, STEP, &n);
    float *y = malloc(n * sizeof *y);
    ck_assert_ptr_nonnull(y);
    nn_vexpf(x, y, n);
    for (size_t i = 0; i < n; i++) {
        double ref = exp((double)x[i]);
        if (!(fabs((double)y[i] - ref) <= 0x1p-149))
            ck_abort_msg("exp(%a) = %a, want %a", (double)x[i],
                         (double)y[i], ref);
    }
    free(x);
    free(y);
    const float in[8] = {-104.0f, -1000.0f, -FLT_MAX, 88.73f,
                         1000.0f, FLT_MAX, INFINITY, NAN};
    float out[8];
    nn_vexpf(in, out, 8);
    ck_assert(out[0] == 0 && out[1] == 0 && out[2] == 0);
    ck_assert(isinf(out[3]) && out[3] > 0 && isinf(out[4]) && isinf(out[5])
              && isinf(out[6]));
    ck_assert(isnan(out[7]));
}
END_TEST

START_TEST(test_sigmoid)
{
    /* normal results: x from -87 (σ ≈ 1.6e-38) up to +88 */
    const float ends[2][2] = {{-87.0f, -0.0f}, {0.0f, 88.0f}};
    for (int s = 0; s < 2; s++) {
        size_t n;
        float *x = sweep(ends[s][0], ends[s][1], STEP, &n);
        float *y = malloc(n * sizeof *y);
        ck_assert_ptr_nonnull(y);
        nn_vsigmoidf(x, y, n);
        for (size_t i = 0; i < n; i++) {
            double u = ulps(y[i], ref_sigmoid((double)x[i]));
            if (!(u <= 3.0))
                ck_abort_msg("sigmoid(%a) = %a: %.2f ulp", (double)x[i],
                             (double)y[i], u);
        }
        free(x);
        free(y);
    }
    /* saturation, and finite for every finite input */
    const float in[8] = {17.0f, 1000.0f, FLT_MAX, -104.0f,
                         -1000.0f, -FLT_MAX, 0.0f, -0.0f};
    float out[8];
    nn_vsigmoidf(in, out, 8);
    ck_assert(out[0] == 1 && out[1] == 1 && out[2] == 1);
    ck_assert(out[3] == 0 && out[4] == 0 && out[5] == 0);
    ck_assert(out[6] == 0.5f && out[7] == 0.5f);
}
END_TEST

/* A length that is not a multiple of the vector width gives the same
 * values as element-by-element calls (the padded tail). */
START_TEST(test_tail)
{
    float x[7] = {-3.5f, -1, -0.25f, 0, 0.5f, 2, 40};
    float y[7], z[7];
    nn_vexpf(x, y, 7);
    nn_vsigmoidf(x, z, 7);
    for (int i = 0; i < 7; i++) {
        float a, b;
        nn_vexpf(x + i, &a, 1);
        nn_vsigmoidf(x + i, &b, 1);
        ck_assert(a == y[i] && b == z[i]);
    }
    /* in place */
    nn_vsigmoidf(x, x, 7);
    ck_assert(memcmp(x, z, sizeof z) == 0);
}
END_TEST

START_TEST(test_silu)
{
    enum { N = 4099 };  /* not a multiple of 4 */
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    float *dy = malloc(N * sizeof *dy), *dx = malloc(N * sizeof *dx);
    ck_assert(x && y && dy && dx);
    for (int i = 0; i < N; i++) {
        /* -100..100 densely near 0, plus exact zero and tiny values */
        double u = (i - N / 2) / (double)(N / 2);
        x[i] = (float)(100 * u * u * u);
        dy[i] = (float)(1 + 0.5 * sin(i));
    }
    x[0] = 0;
    x[1] = 1e-30f;
    x[2] = -1e-38f;
    nn_act_forward(NN_ACT_SILU, x, y, N);
    nn_act_backward(NN_ACT_SILU, x, y, dy, dx, N);
    for (int i = 0; i < N; i++) {
        double xd = x[i], s = ref_sigmoid(xd), yr = xd * s;
        /* where s is subnormal (x < -87.3) it carries an absolute error
         * of up to one subnormal step, which x multiplies */
        int ok = s >= FLT_MIN ? ulps(y[i], yr) <= 4.0
                              : fabs((double)y[i] - yr)
                                    <= fabs(xd) * 0x1p-148 + 0x1p-149;
        double dr = dy[i] * (s + yr * (1 - s));
        double tol = 8 * 0x1p-24 * (fabs(s) + fabs(yr)) * fabs((double)dy[i])
                     + 0x1p-126;
        if (!ok)
            ck_abort_msg("silu(%a) = %a, want %a", xd, (double)y[i], yr);
        if (!(fabs((double)dx[i] - dr) <= tol))
            ck_abort_msg("silu'(%a): %a, want %a", xd, (double)dx[i], dr);
    }
    /* backward in place (dx aliases dy) */
    nn_act_backward(NN_ACT_SILU, x, y, dy, dy, N);
    ck_assert(memcmp(dx, dy, N * sizeof *dx) == 0);
    free(x);
    free(y);
    free(dy);
    free(dx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nn_act_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_exp_normal_range);
    tcase_add_test(tc, test_exp_extremes);
    tcase_add_test(tc, test_sigmoid);
    tcase_add_test(tc, test_tail);
    tcase_add_test(tc, test_silu);
    suite_add_tcase(s, tc);
    return digs_check_run(s);
}
