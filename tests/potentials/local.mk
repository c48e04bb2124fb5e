check_PROGRAMS += tests/potentials/test_conformance \
	tests/potentials/test_exact_samplers
tests_potentials_test_conformance_SOURCES = tests/potentials/test_conformance.c
tests_potentials_test_conformance_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_potentials_test_conformance_LDADD = $(CHECK_TEST_LIBS)
tests_potentials_test_exact_samplers_SOURCES = \
	tests/potentials/test_exact_samplers.c
tests_potentials_test_exact_samplers_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_potentials_test_exact_samplers_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/potentials/test_conformance tests/potentials/test_exact_samplers
