/* The deck: typed getters, defaults, and one clear error line per mistake. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/status.h"
#include "../check_run.h"

static const char *good =
    "; comment\n"
    "[system]\n"
    "potential = lj13\n"
    "temperature = 300   ; K\n"
    "\n"
    "[run]\n"
    "chains = 64\n"
    "alphas = 0.1 0.5, 0.9\n"
    "quiet = yes\n";

START_TEST(test_typed_getters)
{
    digs_deck *d;
    ck_assert_int_eq(digs_deck_parse(&d, good, "good.ini"), DIGS_OK);
    const char *pot;
    ck_assert_int_eq(digs_deck_string(d, "system", "potential", NULL, &pot), 0);
    ck_assert_str_eq(pot, "lj13");
    double t;
    ck_assert_int_eq(digs_deck_double(d, "system", "temperature", NULL, 0, 1e4, &t), 0);
    ck_assert_double_eq(t, 300.0);
    long chains, sweeps;
    ck_assert_int_eq(digs_deck_long(d, "run", "chains", NULL, 1, 1000000, &chains), 0);
    ck_assert_int_eq(chains, 64);
    ck_assert_int_eq(digs_deck_long(d, "run", "sweeps", "100", 1, 1000000, &sweeps), 0);
    ck_assert_int_eq(sweeps, 100);
    double *a;
    int n;
    ck_assert_int_eq(digs_deck_doubles(d, "run", "alphas", NULL, 0, 1, &a, &n), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_double_eq(a[1], 0.5);
    free(a);
    int q;
    ck_assert_int_eq(digs_deck_bool(d, "run", "quiet", "no", &q), 0);
    ck_assert_int_eq(q, 1);
    ck_assert_int_eq(digs_deck_check_unused(d), DIGS_OK);
    ck_assert_int_eq(digs_deck_line(d, "run", "chains"), 7);
    digs_deck_destroy(&d);
    ck_assert_ptr_null(d);
}
END_TEST

/* Parse `text`, read [run] chains as a positive integer, then check for
 * unused keys; return the first status and leave the message. */
static int read_chains(const char *text)
{
    digs_error_clear();
    digs_deck *d;
    int status = digs_deck_parse(&d, text, "deck.ini");
    if (status)
        return status;
    long chains;
    status = digs_deck_long(d, "run", "chains", NULL, 1, 1000000, &chains);
    if (!status)
        status = digs_deck_check_unused(d);
    digs_deck_destroy(&d);
    return status;
}

START_TEST(test_typo_key_names_line_and_known_keys)
{
    ck_assert_int_eq(read_chains("[run]\nchains = 4\nsweps = 10\n"),
                     DIGS_ERR_INPUT);
    const char *m = digs_error_message();
    ck_assert_msg(strstr(m, "deck.ini:3:") && strstr(m, "'sweps'") &&
                      strstr(m, "chains"),
                  "message was: %s", m);
}
END_TEST

START_TEST(test_typo_of_required_key)
{
    ck_assert_int_eq(read_chains("[run]\nchians = 4\n"), DIGS_ERR_INPUT);
    ck_assert_msg(strstr(digs_error_message(),
                         "deck.ini:2: unknown key 'chians' in [run]; did you "
                         "mean 'chains'"),
                  "message was: %s", digs_error_message());
}
END_TEST

START_TEST(test_negative_count)
{
    ck_assert_int_eq(read_chains("[run]\nchains = -4\n"), DIGS_ERR_INPUT);
    ck_assert_msg(strstr(digs_error_message(), "deck.ini:2: [run] chains = '-4': "
                                               "expected an integer in [1, 1000000]"),
                  "message was: %s", digs_error_message());
}
END_TEST

START_TEST(test_not_a_number)
{
    ck_assert_int_eq(read_chains("[run]\nchains = 4x\n"), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:2:"));
}
END_TEST

START_TEST(test_missing_required)
{
    ck_assert_int_eq(read_chains("[run]\n\n"), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "missing required key 'chains'"));
    /* an empty section (which inih never reports) is found by its header */
    ck_assert_int_eq(read_chains("[system]\nx = 1\n\n  [ run ]\n"),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:4: missing"));
    /* no section at all: no line to name */
    ck_assert_int_eq(read_chains("[system]\nx = 1\n"), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "(no such section)"));
}
END_TEST

START_TEST(test_unknown_section)
{
    ck_assert_int_eq(read_chains("[run]\nchains = 2\n[sytem]\npotential = x\n"),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:3: unknown section [sytem]"));
}
END_TEST

START_TEST(test_duplicate_key)
{
    ck_assert_int_eq(read_chains("[run]\nchains = 2\nchains = 3\n"), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:3:"));
}
END_TEST

START_TEST(test_syntax_error)
{
    ck_assert_int_eq(read_chains("[run]\nchains = 2\nthis line has no equals\n"),
                     DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:3: cannot parse"));
}
END_TEST

START_TEST(test_key_outside_section)
{
    ck_assert_int_eq(read_chains("chains = 2\n"), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "deck.ini:1:"));
}
END_TEST

START_TEST(test_missing_file)
{
    char *text;
    ck_assert_int_eq(digs_deck_read_text("/nonexistent/deck.ini", &text), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "/nonexistent/deck.ini"));
}
END_TEST

START_TEST(test_choice)
{
    digs_deck *d;
    ck_assert_int_eq(digs_deck_parse(&d, "[run]\nmethod = hcm\n", "deck.ini"), 0);
    static const char *const m[] = {"mala", "hmc", NULL};
    int i;
    ck_assert_int_eq(digs_deck_choice(d, "run", "method", NULL, m, &i), DIGS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(digs_error_message(), "expected one of mala | hmc"));
    digs_deck_destroy(&d);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("deck");
    TCase *tc = tcase_create("deck");
    tcase_add_test(tc, test_typed_getters);
    tcase_add_test(tc, test_typo_key_names_line_and_known_keys);
    tcase_add_test(tc, test_typo_of_required_key);
    tcase_add_test(tc, test_negative_count);
    tcase_add_test(tc, test_not_a_number);
    tcase_add_test(tc, test_missing_required);
    tcase_add_test(tc, test_unknown_section);
    tcase_add_test(tc, test_duplicate_key);
    tcase_add_test(tc, test_syntax_error);
    tcase_add_test(tc, test_key_outside_section);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_choice);
    suite_add_tcase(suite, tc);
    return digs_check_run(suite);
}
