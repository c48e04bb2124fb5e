/* A branch-free exp() on 2-wide GCC vectors, for the mixture log-sum-exp
 * of mog40 (private to src/potentials; tests include it to check its
 * accuracy against libm).
 *
 * Method (Cody & Waite range reduction, e.g. Muller, "Elementary
 * Functions", ch. 11): x = n ln2 + r with n = round(x / ln2), |r| <= ln2/2,
 * ln2 split in a high part with trailing zeros (n ln2_hi is exact) and a
 * low part; exp(r) by its Taylor polynomial of degree 13 (remainder
 * <= 0.347^14/14! = 4e-18 relative); 2^n built in the exponent bits.
 *
 * Domain: arguments are clamped to [-700, 0] (what a log-sum-exp after
 * subtracting the maximum needs; exp(-700) = 1e-304 is negligible against
 * the maximal term 1 and keeps 2^n a normal number).  Relative error
 * within a few ulp of libm's exp on that interval.
 *
 * GCC vector extensions of 2 doubles (one SSE2 register, native on
 * x86-64-v2); the code has no branches, tables or libm calls. */
#ifndef DIGS_POTENTIALS_VEXP_H
#define DIGS_POTENTIALS_VEXP_H

#include "potentials/v2d.h"

/* exp(x) elementwise for x in [-700, 0] (x outside is clamped). */
static inline digs_v2d digs_vexp(digs_v2d x)
{
    const digs_v2d lo = digs_v2d_splat(-700.0), hi = digs_v2d_splat(0.0);
    x = digs_v2d_select(x < lo, lo, x);
    x = digs_v2d_select(x > hi, hi, x);
    /* Round x/ln2 to an integer with the 1.5*2^52 shifter: the integer
     * n then sits in the low mantissa bits of t. */
    const digs_v2d shifter = digs_v2d_splat(0x1.8p52);
    digs_v2d t = x * digs_v2d_splat(1.4426950408889634074) + shifter;
    digs_v2d n = t - shifter;
    digs_v2d r = x - n * digs_v2d_splat(6.93147180369123816490e-01);
    r = r - n * digs_v2d_splat(1.90821492927058770002e-10);
    /* Taylor series of exp(r) to degree 13, Horner form. */
    digs_v2d p = digs_v2d_splat(1.0 / 6227020800.0);
    p = p * r + digs_v2d_splat(1.0 / 479001600.0);
    p = p * r + digs_v2d_splat(1.0 / 39916800.0);
    p = p * r + digs_v2d_splat(1.0 / 3628800.0);
    p = p * r + digs_v2d_splat(1.0 / 362880.0);
    p = p * r + digs_v2d_splat(1.0 / 40320.0);
    p = p * r + digs_v2d_splat(1.0 / 5040.0);
    p = p * r + digs_v2d_splat(1.0 / 720.0);
    p = p * r + digs_v2d_splat(1.0 / 120.0);
    p = p * r + digs_v2d_splat(1.0 / 24.0);
    p = p * r + digs_v2d_splat(1.0 / 6.0);
    p = p * r + digs_v2d_splat(0.5);
    p = p * r + digs_v2d_splat(1.0);
    p = p * r + digs_v2d_splat(1.0);
    /* 2^n: the low 12 bits of t's mantissa hold n mod 2^12; shifted into
     * the exponent field and biased they give the double 2^n. */
    digs_v2u bits = ((digs_v2u)t << 52) +
                    (digs_v2u){1023ull << 52, 1023ull << 52};
    return p * (digs_v2d)bits;
}

#endif
