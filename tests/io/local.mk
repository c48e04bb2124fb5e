check_PROGRAMS += tests/io/test_npy tests/io/test_pdb tests/io/test_h5md \
	tests/io/test_h5md_crash
tests_io_test_npy_SOURCES = tests/io/test_npy.c
tests_io_test_npy_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_io_test_npy_LDADD = $(CHECK_TEST_LIBS)
tests_io_test_pdb_SOURCES = tests/io/test_pdb.c
tests_io_test_pdb_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_io_test_pdb_LDADD = $(CHECK_TEST_LIBS)
tests_io_test_h5md_SOURCES = tests/io/test_h5md.c
tests_io_test_h5md_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_io_test_h5md_LDADD = $(CHECK_TEST_LIBS)
tests_io_test_h5md_crash_SOURCES = tests/io/test_h5md_crash.c
tests_io_test_h5md_crash_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_io_test_h5md_crash_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/io/test_h5md_mpi.sh tests/io/test_h5md_python.sh
EXTRA_DIST += tests/io/check_h5md.py
TESTS += tests/io/test_npy tests/io/test_pdb tests/io/test_h5md \
	tests/io/test_h5md_crash \
	tests/io/test_h5md_mpi.sh tests/io/test_h5md_python.sh
CLEANFILES += tests/io/test_h5md_python.h5 tests/io/test_h5md_python_bad.h5
# A second particles group (io/h5md.h digs_h5md_add_group): the program on
# 1 rank, the script on 2 and 3 ranks plus the MDAnalysis check.
check_PROGRAMS += tests/io/test_h5md_group
tests_io_test_h5md_group_SOURCES = tests/io/test_h5md_group.c
tests_io_test_h5md_group_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_io_test_h5md_group_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/io/test_h5md_group.sh
TESTS += tests/io/test_h5md_group tests/io/test_h5md_group.sh
