# Posterior sampler tests (src/dikl/posterior.c) and the smoothed LJ-13
# energy it refines on (src/potentials/lj13.c, digs_lj13_smoothed).
check_PROGRAMS += tests/dikl/test_posterior tests/potentials/test_lj13_smooth
tests_dikl_test_posterior_SOURCES = tests/dikl/test_posterior.c
tests_dikl_test_posterior_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_dikl_test_posterior_LDADD = $(CHECK_TEST_LIBS)
tests_potentials_test_lj13_smooth_SOURCES = tests/potentials/test_lj13_smooth.c
tests_potentials_test_lj13_smooth_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_potentials_test_lj13_smooth_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/dikl/test_posterior tests/potentials/test_lj13_smooth
