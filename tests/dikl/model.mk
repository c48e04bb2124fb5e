# Model file and `digs sample` tests.
check_PROGRAMS += tests/dikl/test_model
tests_dikl_test_model_SOURCES = tests/dikl/test_model.c
tests_dikl_test_model_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_dikl_test_model_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/dikl/test_model
# make_tiny_model: builds model files for test_sample.sh (not a test).
check_PROGRAMS += tests/dikl/make_tiny_model
tests_dikl_make_tiny_model_SOURCES = tests/dikl/make_tiny_model.c
tests_dikl_make_tiny_model_LDADD = $(LDADD)
dist_check_SCRIPTS += tests/dikl/test_sample.sh
TESTS += tests/dikl/test_sample.sh
