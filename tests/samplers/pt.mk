check_PROGRAMS += tests/samplers/test_pt
tests_samplers_test_pt_SOURCES = tests/samplers/test_pt.c
tests_samplers_test_pt_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_samplers_test_pt_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/samplers/test_pt
