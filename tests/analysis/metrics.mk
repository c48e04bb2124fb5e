# Tests of the metrics library (src/analysis/metrics.mk).
metrics_tests = tests/analysis/test_mmd tests/analysis/test_tvd \
	tests/analysis/test_w2 tests/analysis/test_bootstrap \
	tests/analysis/test_mog_metrics
check_PROGRAMS += $(metrics_tests)
TESTS += $(metrics_tests)
tests_analysis_test_mmd_SOURCES = tests/analysis/test_mmd.c
tests_analysis_test_mmd_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_mmd_LDADD = $(CHECK_TEST_LIBS)
tests_analysis_test_tvd_SOURCES = tests/analysis/test_tvd.c
tests_analysis_test_tvd_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_tvd_LDADD = $(CHECK_TEST_LIBS)
tests_analysis_test_w2_SOURCES = tests/analysis/test_w2.c
tests_analysis_test_w2_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_w2_LDADD = $(CHECK_TEST_LIBS)
tests_analysis_test_bootstrap_SOURCES = tests/analysis/test_bootstrap.c
tests_analysis_test_bootstrap_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_bootstrap_LDADD = $(CHECK_TEST_LIBS)
tests_analysis_test_mog_metrics_SOURCES = tests/analysis/test_mog_metrics.c
tests_analysis_test_mog_metrics_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_mog_metrics_LDADD = $(CHECK_TEST_LIBS)
