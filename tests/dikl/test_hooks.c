/* The trainer's hooks for a host running beside it (src/dikl/hooks.c,
 * trainer.h; issue 7), on any number of ranks (test_hooks.sh runs 1, 2
 * and 3):
 *   - per-level step sizes: the set/get round trip and its errors, each
 *     level's η adapted in the direction of its own acceptance, counts
 *     per level that add up and are the same on every rank;
 *   - pool moves: counted (pool_moves per element), the same on every
 *     rank, off again without a pool;
 *   - the idle callback: called only on ranks >= 1, its time in
 *     time.hosted, and the networks bit-identical with and without it
 *     (the callback changes the rounding mode and burns floating point);
 *     a failing callback fails the iteration on every rank with its
 *     message;
 *   - the noise warm-up (level_warmup): each iteration's posterior work
 *     falls only on levels from dikl_lowest_level up;
 *   - reference selection: NaN and nothing selected without a reference
 *     set, a finite metric (the same everywhere) and a selection once
 *     rank 0 has one.
 * Mode `test_hooks write MODEL ITERATIONS [resume]` trains a DW-4 model
 * with every hook on and writes it, for the rank-count and restart
 * comparisons of test_hooks.sh.
 * Assertions that could differ between ranks are agreed first
 * (all_ranks), so a failure never leaves a rank waiting in a collective. */
#include <check.h>
#include <fenv.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/trainer.h"

static int rank, size;

/* A 2-D Gaussian target and a small MLP trainer (T = 8: levels 1..7). */
static const char GAUSS[] =
    "[system]\npotential = gaussian\ndim = 2\nmean = 2 -1\n"
    "scales = 0.5 1.5\n"
    "[dikl]\nseed = 3\nnetwork = mlp\ngenerator_width = 16\n"
    "generator_layers = 2\nscore_width = 16\nscore_layers = 2\nT = 8\n"
    "beta_start = 1e-4\nbeta_end = 0.3\nweight = inv_a\nbatch = 64\n"
    "score_steps = 20\niterations = 10\nn_is = 4\nais_levels = 1\n"
    "mala_steps = 5\nmala_step = 0.05\nadaptive_step = yes\n";

typedef struct run {
    digs_deck *deck;
    digs_potential *pot;
    dikl_trainer *t;
} run;

/* Deck, potential and trainer (no Check assertions: write mode uses it
 * outside a test). */
static int run_create(run *r, const char *base, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", base, extra);
    memset(r, 0, sizeof *r);
    DIGS_CHECK(digs_deck_parse(&r->deck, text, "hooks.ini"));
    DIGS_CHECK(digs_potential_create(r->deck, &r->pot));
    return dikl_trainer_create(&r->t, r->deck, r->pot, MPI_COMM_WORLD);
}

static void run_open(run *r, const char *base, const char *extra)
{
    int status = run_create(r, base, extra);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
}

static void run_close(run *r)
{
    dikl_trainer_destroy(&r->t);
    digs_potential_destroy(&r->pot);
    digs_deck_destroy(&r->deck);
}

static void iterate(run *r)
{
    int status = dikl_trainer_iteration(r->t, 0.0);
    ck_assert_msg(status == DIGS_OK, "%s", digs_error_message());
}

/* 1 on every rank iff ok on every rank. */
static int all_ranks(int ok)
{
    int all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

/* 1 iff the n int64 values are the same on every rank. */
static int same_everywhere_i64(const int64_t *v, int n)
{
    int64_t lo[64], hi[64];
    ck_assert_int_le(n, 64);
    MPI_Allreduce(v, lo, n, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(v, hi, n, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    return all_ranks(memcmp(lo, hi, sizeof(int64_t) * (size_t)n) == 0);
}

/* 1 iff the double is bit-identical on every rank (NaN included). */
static int same_everywhere_f64(double v)
{
    double first = v;
    MPI_Bcast(&first, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return all_ranks(memcmp(&first, &v, sizeof v) == 0);
}

/* n samples of the deck's Gaussian N((2, −1), diag(0.5², 1.5²)). */
static double *gauss_samples(int n, uint64_t stream)
{
    double *x = malloc(sizeof(double) * 2 * (size_t)n);
    ck_assert_ptr_nonnull(x);
    digs_stream rng;
    digs_stream_init(&rng, 17, stream, 0, DIGS_RNG_TEST, 0);
    for (int i = 0; i < n; i++) {
        x[2 * i] = 2 + 0.5 * digs_stream_normal(&rng);
        x[2 * i + 1] = -1 + 1.5 * digs_stream_normal(&rng);
    }
    return x;
}

START_TEST(level_steps_api)
{
    run r;
    run_open(&r, GAUSS, "step_per_level = yes\n");
    int T = r.t->sched.T;
    const double *eta = dikl_trainer_level_steps(r.t);
    for (int l = 0; l < T; l++)
        ck_assert(eta[l] == 0.05);
    const int64_t *acc, *prop;
    dikl_trainer_level_counts(r.t, &acc, &prop);
    for (int l = 0; l < T; l++)
        ck_assert(acc[l] == 0 && prop[l] == 0);
    double set[8] = {123.0};
    for (int l = 1; l < T; l++)
        set[l] = 0.01 * l + 1e-18;
    ck_assert_int_eq(dikl_trainer_set_level_steps(r.t, set), DIGS_OK);
    eta = dikl_trainer_level_steps(r.t);
    ck_assert(eta[0] == 0.05); /* entry 0 unused and untouched */
    for (int l = 1; l < T; l++)
        ck_assert(eta[l] == set[l]);
    double bad[8];
    memcpy(bad, set, sizeof bad);
    bad[3] = 0.0;
    ck_assert_int_eq(dikl_trainer_set_level_steps(r.t, bad), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "level 3"));
    bad[3] = NAN;
    ck_assert_int_eq(dikl_trainer_set_level_steps(r.t, bad), DIGS_ERR_INPUT);
    for (int l = 1; l < T; l++) /* a refused set changes nothing */
        ck_assert(eta[l] == set[l]);
    digs_error_clear();
    run_close(&r);

    /* one step for all levels: no setter, the getter mirrors eta */
    run_open(&r, GAUSS, "");
    ck_assert_int_eq(dikl_trainer_set_level_steps(r.t, set), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "step_per_level"));
    digs_error_clear();
    iterate(&r);
    eta = dikl_trainer_level_steps(r.t);
    for (int l = 0; l < T; l++)
        ck_assert(eta[l] == r.t->eta);
    run_close(&r);
}
END_TEST

/* Levels with a tiny η accept nearly always (η ×1.5), levels with a huge
 * η nearly never (η ÷1.5): each level adapts from its own counts, so the
 * per-level steps really reach the posterior and its counts come back to
 * the right level. */
START_TEST(level_adaptation)
{
    run r;
    run_open(&r, GAUSS, "step_per_level = yes\n");
    int T = r.t->sched.T, B = r.t->cfg.batch;
    double set[8] = {0};
    for (int l = 1; l < T; l++)
        set[l] = l % 2 ? 1e-6 : 50.0;
    ck_assert_int_eq(dikl_trainer_set_level_steps(r.t, set), DIGS_OK);
    iterate(&r);
    const int64_t *acc, *prop;
    dikl_trainer_level_counts(r.t, &acc, &prop);
    const double *eta = dikl_trainer_level_steps(r.t);
    int64_t total = 0;
    int ok = prop[0] == 0;
    for (int l = 1; l < T; l++) {
        total += prop[l];
        if (prop[l] == 0) {
            ok &= eta[l] == set[l];
            continue;
        }
        double rate = (double)acc[l] / (double)prop[l];
        if (l % 2)
            ok &= rate > 0.6 && eta[l] == set[l] * 1.5;
        else
            ok &= rate < 0.5 && eta[l] == set[l] / 1.5;
    }
    ok &= total == (int64_t)B * r.t->cfg.posterior.mala_steps;
    ck_assert(all_ranks(ok));
    ck_assert(same_everywhere_i64(acc, T));
    ck_assert(same_everywhere_i64(prop, T));
    ck_assert(same_everywhere_f64(eta[1]) && same_everywhere_f64(eta[2]));
    run_close(&r);
}
END_TEST

/* level_warmup = 4 with T = 8: iteration 0 draws level 7 only, iteration
 * 1 levels 5..7 (1 + ⌊6·3/4⌋ = 5), iteration 4 on every level.  The
 * per-level Stage-B counts show which levels the generator batch drew. */
START_TEST(level_warmup_counts)
{
    run r;
    run_open(&r, GAUSS, "level_warmup = 4\n");
    int T = r.t->sched.T, B = r.t->cfg.batch;
    int64_t want = (int64_t)B * r.t->cfg.posterior.mala_steps;
    const int lowest[] = {7, 5, 4, 2, 1};
    int ok = 1;
    for (int it = 0; it < 5; it++) {
        iterate(&r);
        const int64_t *acc, *prop;
        dikl_trainer_level_counts(r.t, &acc, &prop);
        int64_t total = 0;
        for (int l = 0; l < T; l++) {
            total += prop[l];
            if (l < lowest[it])
                ok &= prop[l] == 0;
        }
        ok &= prop[lowest[it]] > 0 && total == want;
    }
    ck_assert(all_ranks(ok));
    run_close(&r);
}
END_TEST

/* level_cap = 3 from iteration 2 (T = 8): iterations 0 and 1 draw every
 * level (the batch of 64 reaches above 3), iterations 2..4 none above 3;
 * the per-level Stage-B counts show the levels drawn. */
START_TEST(level_cap_counts)
{
    run r;
    run_open(&r, GAUSS, "level_cap = 3\nlevel_cap_from = 2\n");
    int T = r.t->sched.T, B = r.t->cfg.batch;
    int64_t want = (int64_t)B * r.t->cfg.posterior.mala_steps;
    int ok = 1;
    for (int it = 0; it < 5; it++) {
        iterate(&r);
        const int64_t *acc, *prop;
        dikl_trainer_level_counts(r.t, &acc, &prop);
        int64_t total = 0, above = 0;
        for (int l = 0; l < T; l++) {
            total += prop[l];
            if (l > 3)
                above += prop[l];
        }
        ok &= total == want && prop[1] > 0 && prop[3] > 0;
        ok &= it < 2 ? above > 0 : above == 0;
    }
    ck_assert(all_ranks(ok));
    run_close(&r);
}
END_TEST

/* A soft cap (level_cap = 3 from 0, level_cap_keep = 0.5, T = 8): a row
 * draws from 1..7 with probability 0.5, else from 1..3, so a share
 * 0.5 · 4/7 = 0.286 of the rows is above 3.  Over 5 iterations of 64 rows
 * its sd is 0.025; the bounds are 4 sd. */
START_TEST(level_cap_keep_share)
{
    run r;
    run_open(&r, GAUSS, "level_cap = 3\nlevel_cap_from = 0\n"
                        "level_cap_keep = 0.5\n");
    int T = r.t->sched.T;
    int64_t total = 0, above = 0;
    for (int it = 0; it < 5; it++) {
        iterate(&r);
        const int64_t *acc, *prop;
        dikl_trainer_level_counts(r.t, &acc, &prop);
        for (int l = 0; l < T; l++) {
            total += prop[l];
            if (l > 3)
                above += prop[l];
        }
    }
    double share = (double)above / (double)total;
    ck_assert(all_ranks(share > 0.286 - 0.1 && share < 0.286 + 0.1));
    run_close(&r);
}
END_TEST

START_TEST(pool_counts)
{
    run r;
    run_open(&r, GAUSS, "pool_moves = 3\n");
    double *pool = gauss_samples(500, 1);
    ck_assert_int_eq(dikl_trainer_set_pool(r.t, 500, pool), DIGS_OK);
    iterate(&r);
    int64_t c[2];
    dikl_trainer_pool_counts(r.t, &c[0], &c[1]);
    ck_assert(all_ranks(c[1] == 3 * (int64_t)r.t->cfg.batch && c[0] > 0
                        && c[0] < c[1]));
    ck_assert(same_everywhere_i64(c, 2));
    /* no pool: no moves */
    ck_assert_int_eq(dikl_trainer_set_pool(r.t, 0, NULL), DIGS_OK);
    iterate(&r);
    dikl_trainer_pool_counts(r.t, &c[0], &c[1]);
    ck_assert(all_ranks(c[0] == 0 && c[1] == 0));
    /* non-finite states are refused */
    pool[5] = NAN;
    ck_assert_int_eq(dikl_trainer_set_pool(r.t, 500, pool), DIGS_ERR_INPUT);
    digs_error_clear();
    free(pool);
    run_close(&r);
}
END_TEST

/* ---- idle callback -------------------------------------------------- */

typedef struct idle_ctx {
    long calls;
    long fail_at;   /* fail on this call (0: never) */
    double junk;
} idle_ctx;

/* Host work that tries to disturb the trainer: it switches the rounding
 * mode (restored by the waiter) and does floating point of its own. */
static int idle_work(void *p)
{
    idle_ctx *c = p;
    c->calls++;
    fesetround(FE_UPWARD);
    for (int i = 1; i < 200; i++)
        c->junk += sqrt((double)i) / 3.0;
    if (c->fail_at && c->calls >= c->fail_at)
        return -DIGS_FAIL(DIGS_ERR_NUMERIC, "test idle failure");
    return c->calls % 50 ? 1 : 0;
}

/* Networks, curves (without wall time) and steps of rank 0 as one flag. */
static int same_model(const dikl_trainer *a, const dikl_trainer *b)
{
    int ok = 1;
    if (rank == 0) {
        ok &= memcmp(a->gen_p.value, b->gen_p.value,
                     a->gen_p.n * sizeof(nn_real)) == 0;
        ok &= memcmp(a->score_p.value, b->score_p.value,
                     a->score_p.n * sizeof(nn_real)) == 0;
        ok &= memcmp(a->best_p.value, b->best_p.value,
                     a->best_p.n * sizeof(nn_real)) == 0;
        ok &= a->curves.n == b->curves.n;
        for (int k = 0; k < DIKL_N_CURVES - 1 && ok; k++)
            ok &= memcmp(a->curves.col[k], b->curves.col[k],
                         sizeof(double) * (size_t)a->curves.n) == 0;
    }
    ok &= memcmp(a->eta_level, b->eta_level,
                 sizeof(double) * (size_t)a->sched.T) == 0;
    return all_ranks(ok);
}

START_TEST(idle_bit_identical)
{
    const char *extra = "step_per_level = yes\npool_moves = 2\n"
                        "selection = mean_energy\ncheck_every = 1\n"
                        "check_samples = 50\n";
    double *pool = gauss_samples(300, 2);
    run plain, hosted;
    run_open(&plain, GAUSS, extra);
    run_open(&hosted, GAUSS, extra);
    idle_ctx ctx = {0};
    dikl_trainer_set_idle(hosted.t, idle_work, &ctx);
    ck_assert_int_eq(dikl_trainer_set_pool(plain.t, 300, pool), DIGS_OK);
    ck_assert_int_eq(dikl_trainer_set_pool(hosted.t, 300, pool), DIGS_OK);
    for (int i = 0; i < 3; i++) {
        iterate(&plain);
        iterate(&hosted);
    }
    ck_assert(all_ranks(fegetround() == FE_TONEAREST));
    ck_assert(same_model(plain.t, hosted.t));
    /* rank 0 never calls it; every other rank waits and works */
    int ok = rank == 0 ? ctx.calls == 0 && hosted.t->time.hosted == 0
                       : ctx.calls > 0 && hosted.t->time.hosted > 0;
    ck_assert_msg(all_ranks(ok), "rank %d: %ld calls", rank, ctx.calls);
    ck_assert(plain.t->time.hosted == 0);
    long calls = ctx.calls, total = 0;
    MPI_Reduce(&calls, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0 && size > 1)
        printf("ok: idle callback: %ld calls on %d waiting rank(s)\n",
               total, size - 1);
    run_close(&plain);
    run_close(&hosted);
    free(pool);
}
END_TEST

/* A failing callback on rank 1 fails the iteration on every rank, at the
 * same iteration, with its message. */
START_TEST(idle_failure)
{
    if (size < 2)
        return;
    run r;
    run_open(&r, GAUSS, "");
    idle_ctx ctx = {.fail_at = 1};
    if (rank == 1)
        dikl_trainer_set_idle(r.t, idle_work, &ctx);
    int status = DIGS_OK, it = 0;
    while (status == DIGS_OK && it < 5) {
        status = dikl_trainer_iteration(r.t, 0.0);
        it++;
    }
    int ok = status == DIGS_ERR_NUMERIC
             && strstr(digs_error_message(), "test idle failure")
             && strstr(digs_error_message(), "rank 1");
    ck_assert_msg(all_ranks(ok), "rank %d: status %d, '%s'", rank, status,
                  digs_error_message());
    int64_t at = it;
    ck_assert(same_everywhere_i64(&at, 1));
    digs_error_clear();
    run_close(&r);
}
END_TEST

/* ---- reference selection ---------------------------------------------- */

START_TEST(reference_selection)
{
    run r;
    run_open(&r, GAUSS, "selection = reference\ncheck_every = 1\n"
                        "check_samples = 200\n");
    iterate(&r);
    ck_assert(isnan(r.t->metric) && r.t->best_iteration == 0);
    ck_assert(isinf(r.t->best_metric));
    /* rank 0 only: the other ranks need not call it */
    double *ref = gauss_samples(2000, 3);
    if (rank == 0)
        ck_assert_int_eq(dikl_trainer_set_reference(r.t, 2000, ref, NULL),
                         DIGS_OK);
    iterate(&r);
    double m = r.t->metric;
    ck_assert(all_ranks(isfinite(m) && m > 0 && m <= 1));
    ck_assert(same_everywhere_f64(m));
    ck_assert(all_ranks(r.t->best_iteration == 2 && r.t->best_metric == m));
    /* removed again: NaN, the selection stays */
    ck_assert_int_eq(dikl_trainer_set_reference(r.t, 0, NULL, NULL), DIGS_OK);
    iterate(&r);
    ck_assert(all_ranks(isnan(r.t->metric) && r.t->best_iteration == 2));
    run_close(&r);

    run_open(&r, GAUSS, "selection = mean_energy\n");
    ck_assert_int_eq(dikl_trainer_set_reference(r.t, 2000, ref, NULL),
                     DIGS_ERR_INPUT);
    digs_error_clear();
    run_close(&r);
    free(ref);
}
END_TEST

/* ---- write mode --------------------------------------------------------- */

static const char DW4[] =
    "[system]\npotential = dw4\n"
    "[dikl]\nseed = 5\ngenerator_width = 8\ngenerator_layers = 2\n"
    "score_width = 8\nscore_layers = 2\nbatch = 24\nscore_steps = 2\n"
    "n_is = 4\nais_levels = 3\nmala_steps = 6\nsample_size = 3\n"
    "step_per_level = yes\npool_moves = 2\nselection = reference\n"
    "check_every = 2\ncheck_samples = 40\ncheck_mala_steps = 3\n";

/* n centred DW-4 states near a square of side 2.6, stream chosen by key. */
static double *dw4_states(int n, uint64_t key)
{
    static const double square[8] = {0, 0, 2.6, 0, 2.6, 2.6, 0, 2.6};
    double *x = malloc(sizeof(double) * 8 * (size_t)n);
    if (!x)
        return NULL;
    digs_stream rng;
    digs_stream_init(&rng, 23, key, 0, DIGS_RNG_TEST, 1);
    for (int i = 0; i < 8 * n; i++)
        x[i] = square[i % 8] + 0.3 * digs_stream_normal(&rng);
    return x;
}

/* The hooks as a host would set them, as a function of the completed
 * iterations only (so a resumed run sets the same ones). */
static int set_hooks(dikl_trainer *t)
{
    long it = t->iteration;
    double *pool = dw4_states(60, 100 + (uint64_t)(it / 2));
    double *ref = dw4_states(300, 7);
    int status = pool && ref ? dikl_trainer_set_pool(t, 60, pool)
                             : DIGS_FAIL(DIGS_ERR_MEMORY, "out of memory");
    if (status == DIGS_OK && it >= 1)
        status = dikl_trainer_set_reference(t, 300, ref, NULL);
    free(pool);
    free(ref);
    if (status == DIGS_OK && it == 1) {
        double eta[64];
        const double *now = dikl_trainer_level_steps(t);
        for (int l = 0; l < t->sched.T; l++)
            eta[l] = now[l] * (1 + 0.1 * (l % 3));
        status = dikl_trainer_set_level_steps(t, eta);
    }
    return status;
}

static int write_model(const char *path, long iterations, int resume)
{
    char extra[1024];
    snprintf(extra, sizeof extra, "iterations = %ld\nmodel = %s\n",
             iterations, path);
    run r;
    int status = run_create(&r, DW4, extra);
    idle_ctx ctx = {0};
    if (status == DIGS_OK)
        dikl_trainer_set_idle(r.t, idle_work, &ctx);
    if (status == DIGS_OK && resume)
        status = dikl_trainer_resume(r.t);
    while (status == DIGS_OK && r.t->iteration < iterations) {
        status = set_hooks(r.t);
        if (status == DIGS_OK)
            status = dikl_trainer_iteration(r.t, 0.0);
    }
    if (status == DIGS_OK)
        status = dikl_trainer_save(r.t, digs_deck_text(r.deck));
    if (status != DIGS_OK)
        fprintf(stderr, "rank %d: %s\n", rank, digs_error_message());
    run_close(&r);
    return status;
}

/* Under -fsanitize=address: full unwinding so that Open MPI's leaks match
 * tests/lsan.supp (as tests/io/test_h5md.c). */
__attribute__((used)) const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc >= 4 && strcmp(argv[1], "write") == 0) {
        int status = write_model(argv[2], atol(argv[3]),
                                 argc > 4 && strcmp(argv[4], "resume") == 0);
        status = all_ranks(status == DIGS_OK);
        MPI_Finalize();
        return status ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    Suite *s = suite_create("dikl_hooks");
    TCase *tc = tcase_create("hooks");
    tcase_add_test(tc, level_steps_api);
    tcase_add_test(tc, level_adaptation);
    tcase_add_test(tc, level_warmup_counts);
    tcase_add_test(tc, level_cap_counts);
    tcase_add_test(tc, level_cap_keep_share);
    tcase_add_test(tc, pool_counts);
    tcase_add_test(tc, idle_bit_identical);
    tcase_add_test(tc, idle_failure);
    tcase_add_test(tc, reference_selection);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, rank == 0 ? CK_NORMAL : CK_SILENT);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    int ok = all_ranks(failed == 0);
    MPI_Finalize();
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
