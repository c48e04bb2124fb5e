# DiKL room tests: units (schedule, deck section, generator) and the
# trainer end to end (test_train.sh: learns a Gaussian, rank-count
# invariance, exact restart, deck errors).
check_PROGRAMS += tests/dikl/test_dikl
tests_dikl_test_dikl_SOURCES = tests/dikl/test_dikl.c
tests_dikl_test_dikl_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_dikl_test_dikl_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/dikl/test_train.sh
TESTS += tests/dikl/test_dikl tests/dikl/test_train.sh
