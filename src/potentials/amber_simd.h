/* Internal to the amber kernels: two-lane double vectors (GCC vector
 * extension; SSE2 on x86-64, plain scalar code elsewhere), so that two
 * pairs or two angles are evaluated together.  All lane operations are
 * IEEE-exact as their scalar counterparts (+ − × ÷ √ are correctly
 * rounded); amber_angle2 is a polynomial arctangent (≤ 2 ulp). */
#ifndef DIGS_POTENTIALS_AMBER_SIMD_H
#define DIGS_POTENTIALS_AMBER_SIMD_H

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));

static inline v2d v2_sqrt(v2d a)
{
#ifdef __SSE2__
    return (v2d)_mm_sqrt_pd((__m128d)a);
#else
    return (v2d){sqrt(a[0]), sqrt(a[1])};
#endif
}

/* Two consecutive doubles (no alignment needed). */
static inline v2d v2_load(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Lane-wise mask ? a : b (mask lanes all ones or all zeros). */
static inline v2d v2_select(v2i mask, v2d a, v2d b)
{
    return (v2d)((mask & (v2i)a) | (~mask & (v2i)b));
}

/* The angle atan2(y, x) ∈ [0, π] for y ≥ 0, per lane, without a library
 * call (the libm atan2 was half the cost of the angle term).  Reduction:
 * t = min(y, |x|)/max(y, |x|) ∈ [0, 1]; for t > tan(π/12),
 * atan t = π/6 + atan z, z = (√3 t − 1)/(t + √3) ∈ [−tan(π/12), tan(π/12)];
 * then atan z = z P(z²) with P of degree 9, a least-squares fit on
 * Chebyshev nodes in 50-digit arithmetic (max error 0.74 ulp on the
 * interval); the result is then reflected into [0, π].  Overall error
 * ≤ 2 ulp of π; y = x = 0 gives 0. */
static inline v2d amber_angle2(v2d y, v2d x)
{
    static const double p[10] = {
        1.0, -0.33333333333333265, 0.19999999999969503,
        -0.1428571428024897, 0.11111110612993444, -0.09090882956211528,
        0.07691469900726342, -0.06649938336827178, 0.05677912084869824,
        -0.038356423529657395};
    const v2d sqrt3 = {1.7320508075688772, 1.7320508075688772};
    const v2d zero = {0.0, 0.0}, one = {1.0, 1.0};
    v2d ax = v2_select(x < zero, -x, x);
    v2i swap = y > ax;
    v2d num = v2_select(swap, ax, y), den = v2_select(swap, y, ax);
    den = v2_select(den > zero, den, one);
    v2d t = num / den;
    v2i big = t > (v2d){0.2679491924311227, 0.2679491924311227};
    v2d z = v2_select(big, (sqrt3 * t - 1.0) / (t + sqrt3), t);
    v2d s = z * z;
    v2d poly = ((((((((p[9] * s + p[8]) * s + p[7]) * s + p[6]) * s + p[5]) *
                       s + p[4]) * s + p[3]) * s + p[2]) * s + p[1]) * s + p[0];
    v2d a = v2_select(big, 0.5235987755982988 + z * poly, z * poly);
    a = v2_select(swap, 1.5707963267948966 - a, a);
    return v2_select(x < zero, 3.141592653589793 - a, a);
}

#endif
