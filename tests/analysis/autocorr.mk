check_PROGRAMS += tests/analysis/test_autocorr
tests_analysis_test_autocorr_SOURCES = tests/analysis/test_autocorr.c
tests_analysis_test_autocorr_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_autocorr_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/analysis/test_autocorr
