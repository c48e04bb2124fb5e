# The amber potential against OpenMM references (test_amber) and its input
# errors (test_amber_io); both read $(DIGS_SHARED_DIR)/data and forcefields/.
check_PROGRAMS += tests/potentials/test_amber tests/potentials/test_amber_io
tests_potentials_test_amber_SOURCES = tests/potentials/test_amber.c
tests_potentials_test_amber_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_potentials_test_amber_LDADD = $(CHECK_TEST_LIBS)
tests_potentials_test_amber_io_SOURCES = tests/potentials/test_amber_io.c
tests_potentials_test_amber_io_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_potentials_test_amber_io_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/potentials/test_amber tests/potentials/test_amber_io
