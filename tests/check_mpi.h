/* Running a Check suite in an MPI test program, shared by the tests that
 * need MPI_COMM_WORLD (tests/io/test_h5md*.c, tests/analysis/
 * test_h5md_read.c, tests/parallel/test_chain_moves.c).  Call between
 * MPI_Init and MPI_Finalize. */
#ifndef DIGS_TESTS_CHECK_MPI_H
#define DIGS_TESTS_CHECK_MPI_H

#include <check.h>
#include <mpi.h>
#include <stdlib.h>

/* Runs every test of `s` in this process (no fork: an MPI process must not
 * fork) and frees the runner.  Returns EXIT_FAILURE on every rank if any
 * rank failed a check, so that mpirun's exit status reports it. */
static inline int digs_check_run_mpi(Suite *s)
{
    SRunner *runner = srunner_create(s);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner), any;
    srunner_free(runner);
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
