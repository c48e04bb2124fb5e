check_PROGRAMS += tests/samplers/test_digs tests/samplers/test_digs_mixture
tests_samplers_test_digs_SOURCES = tests/samplers/test_digs.c
tests_samplers_test_digs_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_samplers_test_digs_LDADD = $(CHECK_TEST_LIBS)
tests_samplers_test_digs_mixture_SOURCES = tests/samplers/test_digs_mixture.c
tests_samplers_test_digs_mixture_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_samplers_test_digs_mixture_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/samplers/test_digs tests/samplers/test_digs_mixture
