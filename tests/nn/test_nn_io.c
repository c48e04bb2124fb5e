/* Parameters and Adam moments through HDF5: the round trip restores every
 * bit, and a mismatched architecture is refused with a clear message
 * before anything is overwritten. */
#include <check.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rng.h"
#include "core/status.h"
#include "nn/adam.h"
#include "nn/egnn.h"
#include "nn/init.h"
#include "nn/mlp.h"
#include "nn/params.h"
#include "nn/params_io.h"
#include "../check_run.h"

typedef struct model {
    nn_params p;
    nn_egnn g;
    nn_mlp m;
    nn_adam a;
} model;

/* An EGNN (hidden H) and a conditional MLP in one registry, Adam on it. */
static void model_create(model *md, int H, uint32_t seed)
{
    nn_params_init(&md->p);
    digs_stream s;
    nn_init_stream(&s, seed, 0);
    nn_egnn_spec es = {4, 2, H, 2, 0};
    ck_assert_int_eq(nn_egnn_create(&md->g, &md->p, "gen", &es, &s), 0);
    nn_mlp_spec ms = {.d_in = 3, .d_out = 3, .width = 8, .n_hidden = 2,
                      .act = NN_ACT_SILU, .conditional = 1,
                      .fourier_scale = 30, .t_max = 4};
    ck_assert_int_eq(nn_mlp_create(&md->m, &md->p, "score", &ms, &s), 0);
    ck_assert_int_eq(nn_adam_init(&md->a, &md->p, 1e-3), 0);
}

static void model_free(model *md)
{
    nn_adam_free(&md->a);
    nn_mlp_destroy(&md->m);
    nn_egnn_destroy(&md->g);
    nn_params_free(&md->p);
}

static void temp_path(char *buf, size_t size)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/test_nn_io_%ld.h5", dir ? dir : "/tmp",
             (long)getpid());
}

START_TEST(test_round_trip_bits)
{
    model a, b;
    model_create(&a, 8, 1);
    model_create(&b, 8, 2);  /* same architecture, other values */
    /* give Adam non-trivial moments */
    digs_stream s;
    digs_stream_init(&s, 1, 0, 0, DIGS_RNG_TEST, 0);
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < a.p.n; i++)
            a.p.grad[i] = (nn_real)digs_stream_normal(&s);
        ck_assert_int_eq(nn_adam_step(&a.a, &a.p), 0);
    }
    char path[512];
    temp_path(path, sizeof path);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(f >= 0);
    ck_assert_int_eq(nn_params_write(&a.p, f, "dikl/generator"), 0);
    ck_assert_int_eq(nn_adam_write(&a.a, &a.p, f, "dikl/generator_adam"), 0);
    /* the group exists now: a second write is refused */
    ck_assert_int_eq(nn_params_write(&a.p, f, "dikl/generator"), DIGS_ERR_IO);
    ck_assert(strstr(digs_error_message(), "already exists"));
    digs_error_clear();
    H5Fclose(f);

    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert(f >= 0);
    ck_assert_int_eq(nn_params_read(&b.p, f, "dikl/generator"), 0);
    ck_assert_int_eq(nn_adam_read(&b.a, &b.p, f, "dikl/generator_adam"), 0);
    H5Fclose(f);
    ck_assert(memcmp(a.p.value, b.p.value, a.p.n * sizeof *a.p.value) == 0);
    ck_assert(memcmp(a.p.buf, b.p.buf, a.p.n_buf * sizeof *a.p.buf) == 0);
    ck_assert(memcmp(a.a.m, b.a.m, a.a.n * sizeof *a.a.m) == 0);
    ck_assert(memcmp(a.a.v, b.a.v, a.a.n * sizeof *a.a.v) == 0);
    ck_assert_int_eq(b.a.step, 3);
    ck_assert(b.a.lr == a.a.lr && b.a.beta2 == a.a.beta2);
    /* and the restored Adam continues identically */
    for (size_t i = 0; i < a.p.n; i++)
        a.p.grad[i] = b.p.grad[i] = (nn_real)digs_stream_normal(&s);
    ck_assert_int_eq(nn_adam_step(&a.a, &a.p), 0);
    ck_assert_int_eq(nn_adam_step(&b.a, &b.p), 0);
    ck_assert(memcmp(a.p.value, b.p.value, a.p.n * sizeof *a.p.value) == 0);
    remove(path);
    model_free(&a);
    model_free(&b);
}
END_TEST

START_TEST(test_mismatch_refused)
{
    model a, c;
    model_create(&a, 8, 1);
    model_create(&c, 6, 3);  /* hidden 6 instead of 8 */
    char path[512];
    temp_path(path, sizeof path);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert(f >= 0);
    ck_assert_int_eq(nn_params_write(&a.p, f, "net"), 0);
    ck_assert_int_eq(nn_adam_write(&a.a, &a.p, f, "adam"), 0);
    H5Fclose(f);

    nn_real *before = malloc(c.p.n * sizeof *before);
    memcpy(before, c.p.value, c.p.n * sizeof *before);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_eq(nn_params_read(&c.p, f, "net"), DIGS_ERR_INPUT);
    const char *msg = digs_error_message();
    ck_assert_msg(strstr(msg, path) && strstr(msg, "gen.embedding.weight")
                      && strstr(msg, "[8][1]") && strstr(msg, "[6][1]"),
                  "unclear message: %s", msg);
    digs_error_clear();
    ck_assert(memcmp(before, c.p.value, c.p.n * sizeof *before) == 0);
    ck_assert_int_eq(nn_adam_read(&c.a, &c.p, f, "adam"), DIGS_ERR_INPUT);
    ck_assert(strstr(digs_error_message(), "moments of"));
    digs_error_clear();
    ck_assert_int_eq(nn_params_read(&a.p, f, "no/such/group"), DIGS_ERR_INPUT);
    ck_assert(strstr(digs_error_message(), "no group 'no/such/group'"));
    digs_error_clear();
    H5Fclose(f);
    free(before);
    remove(path);
    model_free(&a);
    model_free(&c);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("nn_io");
    TCase *tc = tcase_create("hdf5");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_round_trip_bits);
    tcase_add_test(tc, test_mismatch_refused);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
