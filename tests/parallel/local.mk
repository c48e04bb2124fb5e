# Moving whole chains between ranks (src/parallel/chain_moves.c): the
# program on 1 rank, the script on 2 and 3.
check_PROGRAMS += tests/parallel/test_chain_moves
tests_parallel_test_chain_moves_SOURCES = tests/parallel/test_chain_moves.c
tests_parallel_test_chain_moves_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_parallel_test_chain_moves_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/parallel/test_chain_moves_mpi.sh
TESTS += tests/parallel/test_chain_moves tests/parallel/test_chain_moves_mpi.sh

# Chain layouts and largest-remainder rounding (src/parallel/layout.c)
check_PROGRAMS += tests/parallel/test_layout
tests_parallel_test_layout_SOURCES = tests/parallel/test_layout.c
tests_parallel_test_layout_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_parallel_test_layout_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/parallel/test_layout
