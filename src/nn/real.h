/* The scalar type of the neural-network room and the BLAS calls that go
 * with it.
 *
 * nn_real is float (production: REFERENCE.md §6 trains everything in
 * float32).  Compiling the same sources with -DNN_REAL_DOUBLE makes it
 * double and routes products through cblas_dgemm; the tests build a second
 * program that way so finite-difference checks are not swamped by float
 * round-off.  The two builds never share an executable.
 *
 * Matrices are row-major and batch-major (row = sample, edge or node).
 * The BLAS thread count is the caller's business (openblas_set_num_threads);
 * nothing here changes it. */
#ifndef DIGS_NN_REAL_H
#define DIGS_NN_REAL_H

#include <cblas.h>

#include <math.h>

#ifdef NN_REAL_DOUBLE
typedef double nn_real;
#define NN_GEMM cblas_dgemm
#define NN_GEMV cblas_dgemv
#define NN_EXP exp
#define NN_TANH tanh
#define NN_SQRT sqrt
#define NN_REAL_NAME "double"
#else
typedef float nn_real;
#define NN_GEMM cblas_sgemm
#define NN_GEMV cblas_sgemv
#define NN_EXP expf
#define NN_TANH tanhf
#define NN_SQRT sqrtf
#define NN_REAL_NAME "float"
#endif

/* C[M][N] = alpha * op(A) op(B) + beta * C, all row-major; op(A) is
 * A[M][K] (ta = 0) or A[K][M]ᵀ (ta = 1), likewise op(B) is B[K][N] or
 * B[N][K]ᵀ.  lda/ldb/ldc are row strides, so column blocks of a wider
 * matrix can be passed by pointer offset. */
static inline void nn_gemm(int ta, int tb, int M, int N, int K, nn_real alpha,
                           const nn_real *A, int lda, const nn_real *B,
                           int ldb, nn_real beta, nn_real *C, int ldc)
{
    NN_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
            tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb,
            beta, C, ldc);
}

/* y[M] = alpha * A[M][N] x + beta * y (ta = 0), or y[N] = alpha Aᵀ x + beta y
 * (ta = 1); A row-major with row stride lda, x and y contiguous. */
static inline void nn_gemv(int ta, int M, int N, nn_real alpha,
                           const nn_real *A, int lda, const nn_real *x,
                           nn_real beta, nn_real *y)
{
    NN_GEMV(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, M, N, alpha, A,
            lda, x, 1, beta, y, 1);
}

#endif
