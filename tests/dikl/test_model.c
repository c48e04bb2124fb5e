/* The DiKL model file (src/dikl/model.h): a save/load round trip restores
 * every bit of the parameters, Adam states, curves, scalars, deck and the
 * optional per-level steps (and a file without them still loads); a
 * failed write never replaces an existing file and leaves no PATH.tmp;
 * a mismatched architecture or a file that is no model is refused with a
 * message naming the file and the dataset. */
#include <check.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rng.h"
#include "core/status.h"
#include "dikl/model.h"
#include "nn/adam.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "../check_run.h"

/* Everything a model file holds, built with small MLPs (generator d -> d
 * of width W; conditional score, which has frozen Fourier buffers). */
typedef struct model {
    nn_params gen, score, best;
    nn_mlp gen_net, score_net, best_net;
    nn_adam adam_gen, adam_score;
    dikl_curves curves;
    dikl_model_state s;
} model;

static const char DECK[] =
    "[system]\npotential = gaussian   ; ünïcode comment\n"
    "[dikl]\nnetwork = mlp\niterations = 3\n";

static void model_create(model *m, int width, uint32_t seed)
{
    memset(m, 0, sizeof *m);
    nn_params_init(&m->gen);
    nn_params_init(&m->score);
    nn_params_init(&m->best);
    digs_stream s;
    nn_init_stream(&s, seed, 0);
    nn_mlp_spec g = {.d_in = 3, .d_out = 3, .width = width, .n_hidden = 2,
                     .act = NN_ACT_SILU, .conditional = 0,
                     .fourier_scale = 0, .t_max = -1};
    ck_assert_int_eq(nn_mlp_create(&m->gen_net, &m->gen, "generator", &g,
                                   &s), 0);
    ck_assert_int_eq(nn_mlp_create(&m->best_net, &m->best, "generator", &g,
                                   &s), 0);
    nn_mlp_spec sc = {.d_in = 3, .d_out = 3, .width = 10, .n_hidden = 2,
                      .act = NN_ACT_SILU, .conditional = 1,
                      .fourier_scale = 30, .t_max = 29};
    ck_assert_int_eq(nn_mlp_create(&m->score_net, &m->score, "score", &sc,
                                   &s), 0);
    ck_assert_int_eq(nn_adam_init(&m->adam_gen, &m->gen, 1e-3), 0);
    ck_assert_int_eq(nn_adam_init(&m->adam_score, &m->score, 1e-4), 0);
    m->s = (dikl_model_state){.deck_text = DECK,
                              .best = &m->best,
                              .generator = &m->gen,
                              .score = &m->score,
                              .adam_generator = &m->adam_gen,
                              .adam_score = &m->adam_score,
                              .curves = &m->curves};
}

static void model_free(model *m)
{
    nn_adam_free(&m->adam_gen);
    nn_adam_free(&m->adam_score);
    nn_mlp_destroy(&m->gen_net);
    nn_mlp_destroy(&m->best_net);
    nn_mlp_destroy(&m->score_net);
    nn_params_free(&m->gen);
    nn_params_free(&m->best);
    nn_params_free(&m->score);
    dikl_curves_free(&m->curves);
}

/* Give the Adam states non-trivial moments and fill the curves and
 * scalars with values that are not round numbers (and one NaN). */
static void model_train_a_bit(model *m)
{
    digs_stream s;
    digs_stream_init(&s, 7, 0, 0, DIGS_RNG_TEST, 0);
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < m->gen.n; i++)
            m->gen.grad[i] = (nn_real)digs_stream_normal(&s);
        for (size_t i = 0; i < m->score.n; i++)
            m->score.grad[i] = (nn_real)digs_stream_normal(&s);
        ck_assert_int_eq(nn_adam_step(&m->adam_gen, &m->gen), 0);
        ck_assert_int_eq(nn_adam_step(&m->adam_score, &m->score), 0);
        double row[DIKL_N_CURVES];
        for (int c = 0; c < DIKL_N_CURVES; c++)
            row[c] = digs_stream_normal(&s);
        row[0] = k + 1;
        row[6] = k == 1 ? digs_stream_uniform(&s) : NAN;
        ck_assert_int_eq(dikl_curves_append(&m->curves, row), 0);
    }
    m->s.iteration = 3;
    m->s.best_iteration = 2;
    m->s.best_metric = 0.1 + 1e-17 * 3;
    m->s.eta = 1.0 / 3.0;
    m->s.rng_draws = 0;
}

static void temp_path(char *buf, size_t size, const char *tag)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/test_model_%ld_%s.h5", dir ? dir : "/tmp",
             (long)getpid(), tag);
}

static int same_params(const nn_params *a, const nn_params *b)
{
    return a->n == b->n && a->n_buf == b->n_buf &&
           memcmp(a->value, b->value, a->n * sizeof(nn_real)) == 0 &&
           (a->n_buf == 0 ||
            memcmp(a->buf, b->buf, a->n_buf * sizeof(nn_real)) == 0);
}

static int same_adam(const nn_adam *a, const nn_adam *b)
{
    return a->n == b->n && a->step == b->step && a->lr == b->lr &&
           a->beta1 == b->beta1 && a->beta2 == b->beta2 && a->eps == b->eps &&
           memcmp(a->m, b->m, a->n * sizeof(nn_real)) == 0 &&
           memcmp(a->v, b->v, a->n * sizeof(nn_real)) == 0;
}

/* Bitwise, so NaN entries compare equal to themselves. */
static int same_curves(const dikl_curves *a, const dikl_curves *b)
{
    if (a->n != b->n)
        return 0;
    for (int k = 0; k < DIKL_N_CURVES; k++)
        if (a->n && memcmp(a->col[k], b->col[k], sizeof(double) * a->n))
            return 0;
    return 1;
}

/* Whole file into memory (for the unchanged-file checks). */
static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)*len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return buf;
}

START_TEST(test_round_trip_bits)
{
    model a, b;
    model_create(&a, 8, 1);
    model_create(&b, 8, 2);   /* same architecture, other values */
    model_train_a_bit(&a);
    ck_assert(!same_params(&a.gen, &b.gen));
    char path[512];
    temp_path(path, sizeof path, "rt");
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_OK);
    ck_assert(same_params(&a.gen, &b.gen));
    ck_assert(same_params(&a.best, &b.best));
    ck_assert(same_params(&a.score, &b.score));
    ck_assert(a.score.n_buf > 0);   /* the frozen buffers were compared */
    ck_assert(same_adam(&a.adam_gen, &b.adam_gen));
    ck_assert(same_adam(&a.adam_score, &b.adam_score));
    ck_assert_int_eq(b.adam_gen.step, 3);
    ck_assert(same_curves(&a.curves, &b.curves));
    ck_assert_int_eq(b.s.iteration, 3);
    ck_assert_int_eq(b.s.best_iteration, 2);
    ck_assert(memcmp(&b.s.best_metric, &a.s.best_metric, sizeof(double)) == 0);
    ck_assert(memcmp(&b.s.eta, &a.s.eta, sizeof(double)) == 0);
    ck_assert_int_eq(b.s.rng_draws, 0);

    char *deck = NULL;
    ck_assert_msg(dikl_model_read_deck(path, &deck) == DIGS_OK, "%s",
                  digs_error_message());
    ck_assert_str_eq(deck, DECK);
    free(deck);

    model c;
    model_create(&c, 8, 3);
    ck_assert_int_eq(dikl_model_read_best(path, &c.best), DIGS_OK);
    ck_assert(same_params(&a.best, &c.best));
    dikl_curves curves = {0};
    ck_assert_int_eq(dikl_model_read_curves(path, &curves), DIGS_OK);
    ck_assert(same_curves(&a.curves, &curves));
    ck_assert(isnan(curves.col[6][0]) && !isnan(curves.col[6][1]));
    dikl_curves_free(&curves);
    /* a second save over the existing file replaces it */
    a.s.iteration = 4;
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    ck_assert_int_eq(dikl_model_load(path, &c.s), DIGS_OK);
    ck_assert_int_eq(c.s.iteration, 4);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_ne(access(tmp, F_OK), 0);
    unlink(path);
    model_free(&a);
    model_free(&b);
    model_free(&c);
}
END_TEST

START_TEST(test_empty_curves)
{
    model a, b;
    model_create(&a, 8, 1);
    model_create(&b, 8, 2);
    model_train_a_bit(&b);   /* b's curves must be replaced by none */
    char path[512];
    temp_path(path, sizeof path, "empty");
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_OK);
    ck_assert_int_eq(b.curves.n, 0);
    ck_assert(same_params(&a.gen, &b.gen));
    unlink(path);
    model_free(&a);
    model_free(&b);
}
END_TEST

/* /dikl/eta_level: written only when given, restored bit for bit, absent
 * in a file saved without it (has_eta_level = 0, array untouched), and a
 * length other than the reader's n_levels is refused naming the dataset. */
START_TEST(test_eta_level)
{
    enum { T = 6 };
    double eta[T], back[T], untouched[T];
    for (int l = 0; l < T; l++) {
        eta[l] = 0.01 / (l + 1) + 1e-19 * l; /* not round numbers */
        untouched[l] = back[l] = -1.0;
    }
    model a, b;
    model_create(&a, 8, 1);
    model_create(&b, 8, 2);
    model_train_a_bit(&a);
    char path[512];
    temp_path(path, sizeof path, "eta");
    a.s.n_levels = T;
    a.s.eta_level = eta;
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    b.s.n_levels = T;
    b.s.eta_level = back;
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_OK);
    ck_assert_int_eq(b.s.has_eta_level, 1);
    ck_assert(memcmp(back, eta, sizeof eta) == 0);
    /* a reader that does not ask for them ignores them */
    model c;
    model_create(&c, 8, 3);
    ck_assert_int_eq(dikl_model_load(path, &c.s), DIGS_OK);
    ck_assert_int_eq(c.s.has_eta_level, 0);
    /* wrong length */
    b.s.n_levels = T - 1;
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "/dikl/eta_level"));
    digs_error_clear();
    /* a file written without them (an older run) */
    a.s.eta_level = NULL;
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    memcpy(back, untouched, sizeof back);
    b.s.n_levels = T;
    b.s.has_eta_level = 1;
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_OK);
    ck_assert_int_eq(b.s.has_eta_level, 0);
    ck_assert(memcmp(back, untouched, sizeof back) == 0);
    unlink(path);
    model_free(&a);
    model_free(&b);
    model_free(&c);
}
END_TEST

START_TEST(test_failed_write_keeps_file)
{
    model a;
    model_create(&a, 8, 1);
    model_train_a_bit(&a);
    /* a directory that does not exist: a clean I/O error naming the path */
    const char *nodir = "/nonexistent-digs-dir/model.h5";
    ck_assert_int_eq(dikl_model_save(nodir, &a.s), DIGS_ERR_IO);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), nodir));
    digs_error_clear();

    char path[512], tmp[600];
    temp_path(path, sizeof path, "atomic");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    long len0;
    char *before = slurp(path, &len0);

    /* failure half-way through (the score's Adam state does not fit its
     * registry, after the parameter groups were written) */
    nn_adam wrong;
    ck_assert_int_eq(nn_adam_init(&wrong, &a.gen, 1e-3), 0);
    a.s.adam_score = &wrong;
    a.s.iteration = 99;
    ck_assert_int_ne(dikl_model_save(path, &a.s), DIGS_OK);
    digs_error_clear();
    ck_assert_int_ne(access(tmp, F_OK), 0);   /* the .tmp was removed */
    long len1;
    char *after = slurp(path, &len1);
    ck_assert_int_eq(len0, len1);
    ck_assert(memcmp(before, after, (size_t)len0) == 0);
    free(after);

    /* PATH.tmp cannot be created (a directory is in the way) */
    a.s.adam_score = &a.adam_score;
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_ERR_IO);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), tmp));
    digs_error_clear();
    rmdir(tmp);
    after = slurp(path, &len1);
    ck_assert(len0 == len1 && memcmp(before, after, (size_t)len0) == 0);
    free(after);
    free(before);

    /* the surviving file still loads with its old contents */
    model b;
    model_create(&b, 8, 2);
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_OK);
    ck_assert_int_eq(b.s.iteration, 3);
    ck_assert(same_params(&a.gen, &b.gen));
    nn_adam_free(&wrong);
    unlink(path);
    model_free(&a);
    model_free(&b);
}
END_TEST

START_TEST(test_mismatched_architecture)
{
    model a, b;
    model_create(&a, 8, 1);
    model_create(&b, 9, 2);   /* generator width 9 instead of 8 */
    char path[512];
    temp_path(path, sizeof path, "arch");
    ck_assert_int_eq(dikl_model_save(path, &a.s), DIGS_OK);
    nn_real first = b.gen.value[0];
    ck_assert_int_eq(dikl_model_load(path, &b.s), DIGS_ERR_INPUT);
    const char *msg = digs_error_message();
    /* e.g. "PATH: group 'dikl/best': dataset 'generator.layers.0.weight'
     * has shape [8][3], the network expects [9][3]" */
    ck_assert_ptr_nonnull(strstr(msg, path));
    ck_assert_ptr_nonnull(strstr(msg, "dikl/best"));
    ck_assert_ptr_nonnull(strstr(msg, "generator.layers.0.weight"));
    digs_error_clear();
    ck_assert(b.gen.value[0] == first);   /* nothing was overwritten */
    ck_assert_int_eq(dikl_model_read_best(path, &b.best), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "[9][3]"));
    digs_error_clear();
    unlink(path);
    model_free(&a);
    model_free(&b);
}
END_TEST

START_TEST(test_not_a_model)
{
    char *deck = NULL;
    ck_assert_int_eq(dikl_model_read_deck("/nonexistent-digs-model.h5", &deck),
                     DIGS_ERR_IO);
    ck_assert_ptr_nonnull(strstr(digs_error_message(),
                                 "/nonexistent-digs-model.h5: cannot open "
                                 "the model file"));
    digs_error_clear();
    char path[512];
    temp_path(path, sizeof path, "notmodel");
    /* HDF5 but no /dikl */
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(f >= 0);
    H5Fclose(f);
    ck_assert_int_eq(dikl_model_read_deck(path, &deck), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "not a DiKL model"));
    digs_error_clear();
    /* not HDF5 at all */
    FILE *t = fopen(path, "w");
    fputs("[system]\npotential = gaussian\n", t);
    fclose(t);
    dikl_curves c = {0};
    ck_assert_int_eq(dikl_model_read_curves(path, &c), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "not an HDF5 file"));
    digs_error_clear();
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("dikl_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, test_round_trip_bits);
    tcase_add_test(tc, test_empty_curves);
    tcase_add_test(tc, test_eta_level);
    tcase_add_test(tc, test_failed_write_keeps_file);
    tcase_add_test(tc, test_mismatched_architecture);
    tcase_add_test(tc, test_not_a_model);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
