/* Speed of the DiKL networks on one core (openblas_set_num_threads(1)):
 * forward + backward CPU time per batch and the achieved GFLOP/s of their
 * gemm/gemv work, next to a plain cblas_sgemm of the EGNN's dominant
 * shapes measured on the same machine.
 *
 * Usage: bench_nn [lj13]    (LJ-13 sizes take ~10 s; off by default)
 *
 * Output, one line per case:
 *   case batch forward_ms backward_ms total_ms gflop_per_batch gflops
 * gflop counts 2 flops per multiply-add of every gemm/gemv the pass calls
 * (nn_egnn_flops; for the MLPs 3× the forward gemms); element-wise work
 * (ReLU, gating, scatter sums, geometry) is timed but not counted.
 * Sizes: REFERENCE.md §6.7/§6.8 (DW-4: 4 particles in 2-D, H 144, L 8
 * generator and L 4 score, batch 1024; LJ-13: 13×3, H 192, L 8, batch
 * 256). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "core/status.h"
#include "nn/egnn.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"

static const double min_seconds = 1.0;

/* CPU time of this thread: with one OpenBLAS thread all work runs here,
 * and other jobs on the shared machine do not inflate it. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void report(const char *name, int batch, double fwd, double bwd,
                   double flop)
{
    printf("%-24s %6d %10.2f %10.2f %10.2f %10.3f %8.1f\n", name, batch,
           1e3 * fwd, 1e3 * bwd, 1e3 * (fwd + bwd), 1e-9 * flop,
           1e-9 * flop / (fwd + bwd));
}

static int fail(void)
{
    fprintf(stderr, "bench_nn: %s (%s)\n", digs_error_message(),
            digs_error_trace());
    return EXIT_FAILURE;
}

static int bench_egnn(const char *name, nn_egnn_spec spec, int batch,
                      const nn_real *t)
{
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 1, 0);
    nn_egnn g;
    DIGS_CHECK(nn_egnn_create(&g, &p, name, &spec, &s));
    size_t nx = (size_t)batch * spec.n_particles * spec.spatial_dim;
    nn_real *x = malloc(nx * sizeof *x), *y = malloc(nx * sizeof *y);
    nn_real *dy = malloc(nx * sizeof *dy), *dx = malloc(nx * sizeof *dx);
    if (!x || !y || !dy || !dx)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < nx; i++) {
        x[i] = (nn_real)digs_stream_normal(&s);
        dy[i] = (nn_real)digs_stream_normal(&s);
    }
    DIGS_CHECK(nn_egnn_forward(&g, &p, x, t, y, batch));  /* warm-up */
    nn_egnn_backward(&g, &p, dy, dx);
    double tf = 0, tb = 0;
    int reps = 0;
    while (tf + tb < min_seconds || reps < 3) {
        double t0 = now();
        DIGS_CHECK(nn_egnn_forward(&g, &p, x, t, y, batch));
        double t1 = now();
        nn_egnn_backward(&g, &p, dy, dx);
        tb += now() - t1;
        tf += t1 - t0;
        reps++;
    }
    double ff, fb;
    nn_egnn_flops(&g, batch, &ff, &fb);
    report(name, batch, tf / reps, tb / reps, ff + fb);
    free(x);
    free(y);
    free(dy);
    free(dx);
    nn_egnn_destroy(&g);
    nn_params_free(&p);
    return DIGS_OK;
}

static int bench_mlp(const char *name, nn_mlp_spec spec, int batch)
{
    nn_params p;
    nn_params_init(&p);
    digs_stream s;
    nn_init_stream(&s, 1, 1);
    nn_mlp m;
    DIGS_CHECK(nn_mlp_create(&m, &p, name, &spec, &s));
    size_t nx = (size_t)batch * spec.d_in;
    nn_real *x = malloc(nx * sizeof *x), *y = malloc(nx * sizeof *y);
    nn_real *dy = malloc(nx * sizeof *dy), *t = malloc(batch * sizeof *t);
    if (!x || !y || !dy || !t)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < nx; i++) {
        x[i] = (nn_real)digs_stream_normal(&s);
        dy[i] = (nn_real)digs_stream_normal(&s);
    }
    for (int b = 0; b < batch; b++)
        t[b] = (nn_real)(1 + b % 29);
    double tf = 0, tb = 0;
    int reps = 0;
    while (tf + tb < min_seconds || reps < 3) {
        double t0 = now();
        DIGS_CHECK(nn_mlp_forward(&m, &p, x, t, y, batch));
        double t1 = now();
        nn_mlp_backward(&m, &p, dy, NULL);
        tb += now() - t1;
        tf += t1 - t0;
        reps++;
    }
    report(name, batch, tf / reps, tb / reps, 3 * 2 * nn_mlp_forward_macs(&m, batch));
    free(x);
    free(y);
    free(dy);
    free(t);
    nn_mlp_destroy(&m);
    nn_params_free(&p);
    return DIGS_OK;
}

/* Plain sgemm C[M][N] = op(A) op(B): the EGNN's shapes. */
static int bench_sgemm(const char *name, int ta, int tb, int M, int N, int K)
{
    float *A = calloc((size_t)M * K, sizeof *A);
    float *B = calloc((size_t)K * N, sizeof *B);
    float *C = calloc((size_t)M * N, sizeof *C);
    if (!A || !B || !C)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < (size_t)M * K; i++)
        A[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < (size_t)K * N; i++)
        B[i] = (float)(i % 5) * 0.1f;
    int lda = ta ? M : K, ldb = tb ? K : N;
    double el = 0;
    int reps = 0;
    while (el < min_seconds / 2 || reps < 3) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                    tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, lda, B,
                    ldb, 0.0f, C, N);
        el += now() - t0;
        reps++;
    }
    double flop = 2.0 * M * N * K;
    printf("%-24s %6d %10s %10s %10.3f %10.3f %8.1f\n", name, M, "-", "-",
           1e3 * el / reps, 1e-9 * flop, 1e-9 * flop * reps / el);
    free(A);
    free(B);
    free(C);
    return DIGS_OK;
}

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    int lj = argc > 1 && strcmp(argv[1], "lj13") == 0;
    printf("%-24s %6s %10s %10s %10s %10s %8s\n", "# case", "batch",
           "forward_ms", "backward_ms", "total_ms", "gflop", "gflops");
    enum { B = 1024 };
    nn_real *t = malloc(B * sizeof *t);
    if (!t)
        return EXIT_FAILURE;
    for (int b = 0; b < B; b++)
        t[b] = (nn_real)(1 + b % 29);
    /* the EGNN's edge products: rows B·E = 1024·12, H = 144 */
    if (bench_sgemm("sgemm_NT_12288x144x144", 0, 1, B * 12, 144, 144)
        || bench_sgemm("sgemm_NN_12288x144x144", 0, 0, B * 12, 144, 144)
        || bench_sgemm("sgemm_TN_144x144x12288", 1, 0, 144, 144, B * 12)
        || bench_sgemm("sgemm_NT_4096x144x144", 0, 1, B * 4, 144, 144))
        return fail();
    if (bench_egnn("egnn_dw4_generator_L8", nn_egnn_spec_dw4(8), B, NULL)
        || bench_egnn("egnn_dw4_score_L4", nn_egnn_spec_dw4(4), B, t))
        return fail();
    nn_egnn_spec re = nn_egnn_spec_dw4(8);
    re.recompute = 1;
    if (bench_egnn("egnn_dw4_gen_recompute", re, B, NULL))
        return fail();
    if (bench_mlp("mlp_generator_d32", nn_mlp_spec_generator(32), B)
        || bench_mlp("mlp_score_d32", nn_mlp_spec_score(32), B))
        return fail();
    if (lj) {
        if (bench_sgemm("sgemm_NT_39936x192x192", 0, 1, 256 * 156, 192, 192)
            || bench_egnn("egnn_lj13_L8", nn_egnn_spec_lj13(), 256, t))
            return fail();
    }
    free(t);
    return EXIT_SUCCESS;
}
