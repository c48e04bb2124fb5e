/* Running a Check suite in a plain (non-MPI) test program: each test in
 * its own forked process (Check's default), so a crash fails one test.
 * MPI test programs use tests/check_mpi.h instead. */
#ifndef DIGS_TESTS_CHECK_RUN_H
#define DIGS_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Runs every test of `s`, frees the runner; EXIT_FAILURE if any failed. */
static inline int digs_check_run(Suite *s)
{
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
