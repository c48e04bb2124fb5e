# DiKL room tests: units (schedule, deck section, generator) and the
# trainer end to end (test_train.sh: learns a Gaussian, rank-count
# invariance, exact restart, deck errors).
check_PROGRAMS += tests/dikl/test_dikl
tests_dikl_test_dikl_SOURCES = tests/dikl/test_dikl.c
tests_dikl_test_dikl_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_dikl_test_dikl_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/dikl/test_train.sh tests/dikl/test_score_chunks.sh \
	tests/dikl/test_generator_chunks.sh
EXTRA_DIST += tests/dikl/networks.sh
TESTS += tests/dikl/test_dikl tests/dikl/test_train.sh tests/dikl/test_score_chunks.sh \
	tests/dikl/test_generator_chunks.sh
# The trainer's hooks for a host (idle work, per-level steps, pool moves,
# reference selection) on 1, 2 and 3 ranks, and rank-count / restart
# invariance with every hook on (test_hooks.sh runs test_hooks).
check_PROGRAMS += tests/dikl/test_hooks
tests_dikl_test_hooks_SOURCES = tests/dikl/test_hooks.c
tests_dikl_test_hooks_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_dikl_test_hooks_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/dikl/test_hooks.sh
TESTS += tests/dikl/test_hooks.sh
