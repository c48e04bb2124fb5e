/* Element-wise activations (src/nn/activation.h).
 *
 * The float build evaluates SiLU and the sigmoid with a branch-free exp on
 * GCC vectors instead of libm's expf per element, and SiLU's backward
 * takes the sigmoid back from the forward pair as s = y/x instead of
 * recomputing it.  The double build (finite-difference tests) keeps the
 * scalar libm code. */
#include "nn/activation.h"

#include <stdint.h>
#include <string.h>

/* 8-float vectors: one AVX register in the x86-64-v3 clones of the array
 * loops (target_clones, chosen at load time), two SSE registers in the
 * default x86-64-v2 clones.  The kernels take and return vectors through
 * pointers (a 32-byte vector passed by value would change the function
 * ABI between the clones; GCC warns about it). */
typedef float vf __attribute__((vector_size(32)));
typedef int32_t vi __attribute__((vector_size(32)));
typedef uint32_t vu __attribute__((vector_size(32)));
enum { VW = 8 };

#define NN_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))

/* Lanewise mask ? a : b, mask lanes all-ones or zero (a comparison). */
#define VF_SELECT(mask, a, b) ((vf)(((vi)(a) & (mask)) | ((vi)(b) & ~(mask))))

/* *v = e^*v lanewise.  Cody & Waite reduction (Muller, "Elementary
 * Functions", ch. 11): x = n ln2 + r, n = round(x/ln2), |r| <= ln2/2
 * (+ rounding), ln2 = ln2_hi + ln2_lo with ln2_hi = 355/512 (9 bits, so
 * n ln2_hi is exact for |n| <= 2^15).  e^r = 1 + r + r² P(r), P the
 * Taylor series of degree 5 (truncation r⁸/8! <= 0.347⁸/40320 = 5.2e-9
 * relative, 0.04 ulp).  2^n is applied as 2^(n - n/2) · 2^(n/2), both
 * factors normal for n in [-150, 129], so results down into the subnormal
 * range round once and results above FLT_MAX overflow to +inf.  x is
 * clamped to [-104, 89] first (e^-104 < FLT_TRUE_MIN/2 rounds to 0; e^89
 * overflows); NaN passes the clamp and propagates. */
static inline void vexp(vf *v)
{
    vf x = *v;
    x = VF_SELECT(x < -104.0f, (vf){0} - 104.0f, x);
    x = VF_SELECT(x > 89.0f, (vf){0} + 89.0f, x);
    /* 1.5·2^23 shifter: t holds round(x/ln2) in its low mantissa bits */
    const vf shifter = (vf){0} + 0x1.8p23f;
    vf t = x * 1.44269504088896341f + shifter;
    vf n = t - shifter;
    vf r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    vf p = r * (1.0f / 5040) + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = (r * r) * p + r + 1.0f;
    vi ni = (vi)t - (vi)shifter;
    vi n1 = ni >> 1, n2 = ni - n1;
    vf s1 = (vf)((vu)(n1 + 127) << 23);
    vf s2 = (vf)((vu)(n2 + 127) << 23);
    *v = p * s1 * s2;
}

/* *v = 1/(1 + e^-*v) lanewise: with e = e^-|x| in (0, 1], s = 1/(1 + e)
 * for x >= 0 and e/(1 + e) for x < 0 (no overflow anywhere). */
static inline void vsigmoid(vf *v)
{
    const vi sign = (vi){0} + INT32_MIN;
    vi xi = (vi)*v;
    vf e = (vf)(xi | sign);
    vexp(&e);
    vf num = VF_SELECT((xi & sign) != 0, e, (vf){0} + 1.0f);
    *v = num / (e + 1.0f);
}

/* Load / store the m <= VW floats at p; lanes above m load as zeros (the
 * tail of an array whose length is not a multiple of VW).  The main loops
 * call them with m = VW, a constant, so they become single moves. */
static inline void vload(vf *v, const float *p, size_t m)
{
    *v = (vf){0};
    memcpy(v, p, m * sizeof *p);
}

static inline void vstore(float *p, const vf *v, size_t m)
{
    memcpy(p, v, m * sizeof *p);
}

/* Apply the in-place kernel OP to x[0..n) into y (full blocks, then the
 * zero-padded tail). */
#define VF_MAP(OP, x, y, n)                                                  \
    do {                                                                     \
        size_t i_ = 0;                                                       \
        vf v_;                                                               \
        for (; i_ + VW <= (n); i_ += VW) {                                   \
            vload(&v_, (x) + i_, VW);                                        \
            OP(&v_);                                                         \
            vstore((y) + i_, &v_, VW);                                       \
        }                                                                    \
        if (i_ < (n)) {                                                      \
            vload(&v_, (x) + i_, (n) - i_);                                  \
            OP(&v_);                                                         \
            vstore((y) + i_, &v_, (n) - i_);                                 \
        }                                                                    \
    } while (0)

NN_CLONES void nn_vexpf(const float *x, float *y, size_t n)
{
    VF_MAP(vexp, x, y, n);
}

NN_CLONES void nn_vsigmoidf(const float *x, float *y, size_t n)
{
    VF_MAP(vsigmoid, x, y, n);
}

const char *nn_act_name(enum nn_act a)
{
    switch (a) {
    case NN_ACT_NONE: return "none";
    case NN_ACT_RELU: return "relu";
    case NN_ACT_SILU: return "silu";
    case NN_ACT_TANH: return "tanh";
    case NN_ACT_SIGMOID: return "sigmoid";
    }
    return "?";
}

#ifdef NN_REAL_DOUBLE
static void silu_forward(const nn_real *x, nn_real *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * nn_sigmoid(x[i]);
}

/* d/dx x·s(x) = s(x) (1 + x (1 − s(x))) */
static void silu_backward(const nn_real *x, const nn_real *y,
                          const nn_real *dy, nn_real *dx, size_t n)
{
    (void)y;
    for (size_t i = 0; i < n; i++) {
        nn_real s = nn_sigmoid(x[i]);
        dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
    }
}

static void sigmoid_forward(const nn_real *x, nn_real *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = nn_sigmoid(x[i]);
}
#else
/* *v = x·sigmoid(x) */
static inline void vsilu(vf *v)
{
    vf x = *v;
    vsigmoid(v);
    *v *= x;
}

/* *dy ← dy · d/dx x·s(x) = dy (s + x s (1 − s)) = dy (s + y (1 − s)),
 * with s = y/x recovered from the forward pair (y = fl(x·s), so y/x is s
 * to 1 ulp while x·s is a normal float; for |x| < 2^-100, s = 1/2 to
 * float precision). */
static inline void vsilu_grad(const vf *x, const vf *y, vf *dy)
{
    vi tiny = (vf)((vi)*x & INT32_MAX) < 0x1p-100f;
    vf s = VF_SELECT(tiny, (vf){0} + 0.5f,
                     *y / VF_SELECT(tiny, (vf){0} + 1.0f, *x));
    *dy *= s + *y * (1.0f - s);
}

NN_CLONES static void silu_forward(const float *x, float *y, size_t n)
{
    VF_MAP(vsilu, x, y, n);
}

NN_CLONES static void silu_backward(const float *x, const float *y,
                                    const float *dy, float *dx, size_t n)
{
    size_t i = 0;
    vf xv, yv, d;
    for (; i + VW <= n; i += VW) {
        vload(&xv, x + i, VW);
        vload(&yv, y + i, VW);
        vload(&d, dy + i, VW);
        vsilu_grad(&xv, &yv, &d);
        vstore(dx + i, &d, VW);
    }
    if (i < n) {
        vload(&xv, x + i, n - i);
        vload(&yv, y + i, n - i);
        vload(&d, dy + i, n - i);
        vsilu_grad(&xv, &yv, &d);
        vstore(dx + i, &d, n - i);
    }
}

static void sigmoid_forward(const float *x, float *y, size_t n)
{
    nn_vsigmoidf(x, y, n);
}
#endif

void nn_act_forward(enum nn_act a, const nn_real *x, nn_real *y, size_t n)
{
    switch (a) {
    case NN_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i];
        break;
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : 0;
        break;
    case NN_ACT_SILU:
        silu_forward(x, y, n);
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            y[i] = NN_TANH(x[i]);
        break;
    case NN_ACT_SIGMOID:
        sigmoid_forward(x, y, n);
        break;
    }
}

void nn_act_backward(enum nn_act a, const nn_real *x, const nn_real *y,
                     const nn_real *dy, nn_real *dx, size_t n)
{
    switch (a) {
    case NN_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i];
        break;
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : 0;
        break;
    case NN_ACT_SILU:
        silu_backward(x, y, dy, dx, n);
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1 - y[i] * y[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * y[i] * (1 - y[i]);
        break;
    }
}
