/* DiKL network speed (tools/bench/dikl-speed; doc/benchmarks.md "DiKL
 * speed"):
 *
 *  1. a plain cblas_sgemm rate for the networks' dominant shapes (EGNN
 *     edge rows 12288×144×144, MLP 1024×400×400), on 1 and on --threads
 *     BLAS threads: the arithmetic ceiling the networks are compared with;
 *  2. drawing 1000 generator samples (dikl_net_generate: the latent normals
 *     and one forward pass, as `digs sample` does) on one core: the best
 *     repeat and the first call, which also grows the network's caches
 *     (first-touch page faults); for EGNNs also with recompute = 1
 *     ("rc": one layer of edge caches, all a forward-only user needs);
 *  3. one score-network step exactly as src/dikl/score_phase.c's
 *     serial_step does it (latent z, generator forward, centring, noisy
 *     batch, score forward, DSM loss, backward, Adam), on 1 and on
 *     --threads BLAS threads, split into its parts.
 *
 * Architectures: the released ones of REFERENCE.md §6.7/§6.8 (DW-4 EGNN
 * H 144, generator 8 layers, score 4, batch 1024; MW-32 MLPs 400 × 4,
 * batch 1024) and the shipped decks' ones, read from the [dikl] keys of
 * the decks given with --dw4 / --mw32 (without a deck: EGNN H 64, 4
 * layers, score 3, batch 256; MLP 256 × 3, batch 512).
 *
 * Flops: 2 per multiply-add of the gemm/gemv calls (nn_egnn_flops, less
 * the generator's layer-0 saving, see net_flops; for the MLPs
 * nn_mlp_forward_macs, backward = weight gradients of every layer plus
 * input gradients of all but the first).  Element-wise work is timed but
 * not counted.
 *
 * Times are wall clock (CLOCK_MONOTONIC), the best of several repeats:
 * the machine is shared, and the best repeat is the one least disturbed;
 * "cpu" is the best process CPU time (all threads), which other jobs
 * inflate less.  GFLOP/s are per wall second.
 *
 * Usage: bench_dikl_sample [--threads N] [--dw4 DECK] [--mw32 DECK]
 *                          [--only CASE] [--quick]
 * (--only dw4-released etc.: one architecture, for profiling.)
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/nets.h"
#include "dikl/schedule.h"
#include "nn/adam.h"
#include "nn/init.h"

typedef struct arch {
    const char *name;
    dikl_net_spec gen, score;
    int n_particles, spatial_dim, dim;
    int batch;
    double beta_start, beta_end;
} arch;

typedef struct options {
    int threads;
    double min_seconds;   /* per measurement */
    const char *dw4_deck, *mw32_deck;
    const char *only;     /* run only this architecture (and no sgemm) */
} options;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* CPU time of the whole process (all BLAS threads). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static arch released_dw4(void)
{
    arch a = {.name = "dw4-released", .n_particles = 4, .spatial_dim = 2,
              .dim = 8, .batch = 1024, .beta_start = 1e-6, .beta_end = 0.05};
    a.gen = (dikl_net_spec){.kind = DIKL_NET_EGNN, .width = 144, .layers = 8,
                            .act = NN_ACT_RELU};
    a.score = a.gen;
    a.score.layers = 4;
    return a;
}

static arch released_mw32(void)
{
    arch a = {.name = "mw32-released", .n_particles = 0, .spatial_dim = 0,
              .dim = 32, .batch = 1024, .beta_start = 1e-4, .beta_end = 0.15};
    a.gen = (dikl_net_spec){.kind = DIKL_NET_MLP, .width = 400, .layers = 4,
                            .act = NN_ACT_SILU, .fourier_scale = 30};
    a.score = a.gen;
    return a;
}

/* Shipped sizes: the deck's [dikl] keys, or the fallback when path is
 * NULL.  Keys the deck leaves out take config.c's defaults. */
static int shipped(arch *a, const char *path, int egnn)
{
    *a = egnn ? released_dw4() : released_mw32();
    a->name = egnn ? "dw4-shipped" : "mw32-shipped";
    if (!path) {
        a->gen.width = a->score.width = egnn ? 64 : 256;
        a->gen.layers = egnn ? 4 : 3;
        a->score.layers = 3;
        a->batch = egnn ? 256 : 512;
        return DIGS_OK;
    }
    char *text = NULL;
    digs_deck *deck = NULL;
    DIGS_CHECK(digs_deck_read_text(path, &text));
    int status = digs_deck_parse(&deck, text, path);
    free(text);
    DIGS_CHECK(status);
    long v[5];
    const char *keys[5] = {"generator_width", "generator_layers",
                           "score_width", "score_layers", "batch"};
    const char *dflt[5] = {egnn ? "144" : "400", egnn ? "8" : "4",
                           egnn ? "144" : "400", egnn ? "8" : "4", "1024"};
    for (int k = 0; k < 5 && status == DIGS_OK; k++)
        status = digs_deck_long(deck, "dikl", keys[k], dflt[k], 1, 1 << 20,
                                &v[k]);
    digs_deck_destroy(&deck);
    DIGS_CHECK(status);
    a->gen.width = (int)v[0];
    a->gen.layers = (int)v[1];
    a->score.width = (int)v[2];
    a->score.layers = (int)v[3];
    a->batch = (int)v[4];
    return DIGS_OK;
}

/* Gemm flops of a network: forward, and backward without input gradient
 * (the trainer's backward passes never need dL/dx).  The generator EGNN's
 * layer 0 sees the same h⁰ at every node (t = 1), so src/nn computes its
 * three h products (P, Q and the h half of node_mlp.0) as one row each:
 * 3·B·n·H² multiply-adds fewer than nn_egnn_flops counts. */
static void net_flops(dikl_net *net, int batch, double *fwd, double *bwd)
{
    if (net->kind == DIKL_NET_EGNN) {
        nn_egnn_flops(&net->egnn, batch, fwd, bwd);
        if (!net->conditional) {
            double H = net->egnn.spec.hidden;
            *fwd -= 2 * 3 * (double)batch * net->n_particles * H * H;
        }
        return;
    }
    const nn_mlp *m = &net->mlp;
    double macs = nn_mlp_forward_macs(m, batch);
    double first = (double)m->layers[0].in * m->layers[0].out * batch;
    *fwd = 2 * macs;
    *bwd = 2 * (2 * macs - first);
}

static int create(dikl_net *net, nn_params *p, const arch *a, int score)
{
    digs_stream rng;
    nn_params_init(p);
    nn_init_stream(&rng, 1, (uint64_t)score);
    return dikl_net_create(net, p, score ? "score" : "generator",
                           score ? &a->score : &a->gen, a->dim,
                           a->n_particles, a->spatial_dim, score, 30, &rng);
}

/* Plain sgemm C = A Bᵀ, [M][K]·[N][K]ᵀ (the layers' orientation). */
static int bench_sgemm(int M, int N, int K, int threads, double min_s)
{
    float *A = calloc((size_t)M * K, sizeof *A);
    float *B = calloc((size_t)N * K, sizeof *B);
    float *C = calloc((size_t)M * N, sizeof *C);
    if (!A || !B || !C)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    for (size_t i = 0; i < (size_t)M * K; i++)
        A[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < (size_t)N * K; i++)
        B[i] = (float)(i % 5) * 0.1f;
    openblas_set_num_threads(threads);
    double best = 1e30, total = 0;
    for (int r = 0; total < min_s || r < 5; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f,
                    A, K, B, K, 0.0f, C, N);
        double el = now() - t0;
        total += el;
        if (el < best)
            best = el;
    }
    double flop = 2.0 * M * N * K;
    printf("sgemm %dx%dx%d NT        threads %d  %8.3f ms  %6.1f GFLOP/s\n",
           M, N, K, threads, 1e3 * best, 1e-9 * flop / best);
    free(A);
    free(B);
    free(C);
    return DIGS_OK;
}

/* 1000 generator samples on one BLAS thread.  recompute = 1 builds the
 * EGNN with one layer of edge caches instead of L (what a forward-only
 * user such as `digs sample` needs). */
static int bench_sample(const arch *a, int recompute, double min_s)
{
    enum { N = 1000 };
    nn_params p;
    dikl_net gen;
    arch ar = *a;
    ar.gen.recompute = recompute;
    a = &ar;
    DIGS_CHECK(create(&gen, &p, a, 0));
    nn_real *z = calloc((size_t)N * a->dim, sizeof *z);
    nn_real *x = calloc((size_t)N * a->dim, sizeof *x);
    if (!z || !x)
        return DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    openblas_set_num_threads(1);
    digs_stream rng;
    digs_stream_init(&rng, 1, 0, 0, DIGS_RNG_DIKL, 0);
    double t0 = now();
    DIGS_CHECK(dikl_net_generate(&gen, &p, &rng, N, N, z, x));
    double first = now() - t0, best = first, total = first, best_cpu = 1e30;
    for (int r = 0; total < min_s || r < 5; r++) {
        t0 = now();
        double c0 = cpu_now();
        DIGS_CHECK(dikl_net_generate(&gen, &p, &rng, N, N, z, x));
        double el = now() - t0, cpu = cpu_now() - c0;
        total += el;
        if (el < best)
            best = el;
        if (cpu < best_cpu)
            best_cpu = cpu;
    }
    double fwd, bwd;
    net_flops(&gen, N, &fwd, &bwd);
    printf("sample %-14s %4d x %d%s  threads 1  best %8.2f ms  cpu %8.2f ms"
           "  first %8.2f ms  %6.2f GFLOP  %6.1f GFLOP/s\n",
           a->name, a->gen.width, a->gen.layers, recompute ? " rc" : "   ",
           1e3 * best, 1e3 * best_cpu,
           1e3 * first, 1e-9 * fwd, 1e-9 * fwd / best);
    free(z);
    free(x);
    dikl_net_destroy(&gen);
    nn_params_free(&p);
    return DIGS_OK;
}

typedef struct step_buffers {
    nn_real *z, *x, *xt, *eps, *tt, *s, *dy;
    int *level;
} step_buffers;

/* One score step (score_phase.c serial_step); the four parts' times are
 * added to part[0..3] (generator forward, score forward, score backward,
 * Adam) and the rest (random numbers, noising, loss) to part[4]. */
static int score_step(const arch *a, const dikl_schedule *sc, dikl_net *gen,
                      nn_params *gp, dikl_net *score, nn_params *sp,
                      nn_adam *adam, step_buffers *b, int step, double *part)
{
    const int B = a->batch, d = a->dim;
    const size_t n = (size_t)B * d;
    double t0 = now();
    digs_stream rng;
    digs_stream_init(&rng, 1, 1, 0, DIGS_RNG_DIKL, 16 + (uint32_t)step);
    for (size_t i = 0; i < n; i++)
        b->z[i] = (nn_real)digs_stream_normal(&rng);
    dikl_centre_rows(b->z, B, a->n_particles, a->spatial_dim);
    double t1 = now();
    DIGS_CHECK(dikl_net_forward(gen, gp, b->z, NULL, b->x, B));
    double t2 = now();
    dikl_centre_rows(b->x, B, a->n_particles, a->spatial_dim);
    for (int i = 0; i < B; i++) {
        b->level[i] = 1 + (int)digs_stream_below(&rng, (uint32_t)(sc->T - 1));
        b->tt[i] = (nn_real)b->level[i];
    }
    for (size_t i = 0; i < n; i++)
        b->eps[i] = (nn_real)digs_stream_normal(&rng);
    dikl_centre_rows(b->eps, B, a->n_particles, a->spatial_dim);
    for (int i = 0; i < B; i++) {
        nn_real al = (nn_real)sc->a[b->level[i]];
        nn_real sg = (nn_real)sc->sigma[b->level[i]];
        for (int k = 0; k < d; k++) {
            size_t j = (size_t)i * d + k;
            b->xt[j] = al * b->x[j] + sg * b->eps[j];
        }
    }
    double t3 = now();
    DIGS_CHECK(dikl_net_forward(score, sp, b->xt, b->tt, b->s, B));
    double t4 = now();
    for (int i = 0; i < B; i++) {
        nn_real sg = (nn_real)sc->sigma[b->level[i]];
        for (int k = 0; k < d; k++) {
            size_t j = (size_t)i * d + k;
            b->dy[j] = 2 * sg * (b->eps[j] + sg * b->s[j]) / (nn_real)B;
        }
    }
    nn_params_zero_grad(sp);
    double t5 = now();
    dikl_net_backward(score, sp, b->dy);
    double t6 = now();
    DIGS_CHECK(nn_adam_step(adam, sp));
    double t7 = now();
    part[0] += t2 - t1;
    part[1] += t4 - t3;
    part[2] += t6 - t5;
    part[3] += t7 - t6;
    part[4] += (t1 - t0) + (t3 - t2) + (t5 - t4);
    return DIGS_OK;
}

static int bench_step(const arch *a, int threads, double min_s)
{
    nn_params gp, sp;
    dikl_net gen, score;
    DIGS_CHECK(create(&gen, &gp, a, 0));
    DIGS_CHECK(create(&score, &sp, a, 1));
    nn_adam adam;
    DIGS_CHECK(nn_adam_init(&adam, &sp, 1e-4));
    dikl_schedule sc;
    DIGS_CHECK(dikl_schedule_init(&sc, 30, a->beta_start, a->beta_end));
    size_t n = (size_t)a->batch * a->dim;
    step_buffers b;
    DIGS_CALLOC(b.z, n);
    DIGS_CALLOC(b.x, n);
    DIGS_CALLOC(b.xt, n);
    DIGS_CALLOC(b.eps, n);
    DIGS_CALLOC(b.s, n);
    DIGS_CALLOC(b.dy, n);
    DIGS_CALLOC(b.tt, a->batch);
    DIGS_CALLOC(b.level, a->batch);
    openblas_set_num_threads(threads);
    double part[5] = {0}, best_part[5] = {0}, best = 1e30, total = 0;
    double best_cpu = 1e30;
    DIGS_CHECK(score_step(a, &sc, &gen, &gp, &score, &sp, &adam, &b, 0,
                          part)); /* warm-up: caches grow */
    for (int r = 1; total < min_s || r < 4; r++) {
        memset(part, 0, sizeof part);
        double t0 = now(), c0 = cpu_now();
        DIGS_CHECK(score_step(a, &sc, &gen, &gp, &score, &sp, &adam, &b, r,
                              part));
        double el = now() - t0, cpu = cpu_now() - c0;
        total += el;
        if (cpu < best_cpu)
            best_cpu = cpu;
        if (el < best) {
            best = el;
            memcpy(best_part, part, sizeof part);
        }
    }
    double gf, gb, sf, sb;
    net_flops(&gen, a->batch, &gf, &gb);
    net_flops(&score, a->batch, &sf, &sb);
    double flop = gf + sf + sb;
    printf("step   %-14s batch %4d  threads %d  best %8.2f ms  cpu %8.2f ms"
           "  (gen fwd %.1f, score fwd %.1f, bwd %.1f, adam %.1f, other %.1f)"
           "  %6.2f GFLOP  %6.1f GFLOP/s\n",
           a->name, a->batch, threads, 1e3 * best, 1e3 * best_cpu,
           1e3 * best_part[0],
           1e3 * best_part[1], 1e3 * best_part[2], 1e3 * best_part[3],
           1e3 * best_part[4], 1e-9 * flop, 1e-9 * flop / best);
    free(b.z);
    free(b.x);
    free(b.xt);
    free(b.eps);
    free(b.s);
    free(b.dy);
    free(b.tt);
    free(b.level);
    nn_adam_free(&adam);
    dikl_net_destroy(&gen);
    dikl_net_destroy(&score);
    nn_params_free(&gp);
    nn_params_free(&sp);
    return DIGS_OK;
}

static int parse(int argc, char **argv, options *o)
{
    *o = (options){.threads = 1, .min_seconds = 2.0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            o->threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dw4") && i + 1 < argc)
            o->dw4_deck = argv[++i];
        else if (!strcmp(argv[i], "--mw32") && i + 1 < argc)
            o->mw32_deck = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            o->only = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            o->min_seconds = 0.3;
        else
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "usage: bench_dikl_sample [--threads N] "
                             "[--dw4 DECK] [--mw32 DECK] [--only CASE] [--quick] "
                             "(got '%s')", argv[i]);
    }
    if (o->threads < 1 || o->threads > 256)
        return DIGS_FAIL(DIGS_ERR_INPUT, "--threads: expected 1..256");
    return DIGS_OK;
}

static int run(int argc, char **argv)
{
    options o;
    DIGS_CHECK(parse(argc, argv, &o));
    arch all[4] = {released_dw4(), released_mw32()};
    DIGS_CHECK(shipped(&all[2], o.dw4_deck, 1));
    DIGS_CHECK(shipped(&all[3], o.mw32_deck, 0));
    for (int t = 1; !o.only && t <= o.threads;
         t += o.threads > 1 ? o.threads - 1 : 1) {
        DIGS_CHECK(bench_sgemm(12288, 144, 144, t, o.min_seconds / 4));
        DIGS_CHECK(bench_sgemm(1024, 400, 400, t, o.min_seconds / 4));
    }
    for (int k = 0; k < 4; k++)
        if (!o.only || !strcmp(o.only, all[k].name)) {
            DIGS_CHECK(bench_sample(&all[k], 0, o.min_seconds));
            if (all[k].gen.kind == DIKL_NET_EGNN)
                DIGS_CHECK(bench_sample(&all[k], 1, o.min_seconds));
        }
    for (int t = 1; t <= o.threads; t += o.threads > 1 ? o.threads - 1 : 1)
        for (int k = 0; k < 4; k++)
            if (!o.only || !strcmp(o.only, all[k].name))
                DIGS_CHECK(bench_step(&all[k], t, o.min_seconds));
    return DIGS_OK;
}

int main(int argc, char **argv)
{
    if (run(argc, argv) != DIGS_OK) {
        fprintf(stderr, "bench_dikl_sample: %s (%s)\n", digs_error_message(),
                digs_error_trace());
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
