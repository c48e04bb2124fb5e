# Tests of `digs analyze` (src/analysis/analyze.mk): the H5MD reader (Check)
# and the command end to end on small runs (shell).
check_PROGRAMS += tests/analysis/test_h5md_read
tests_analysis_test_h5md_read_SOURCES = tests/analysis/test_h5md_read.c
tests_analysis_test_h5md_read_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_h5md_read_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/analysis/test_analyze.sh
EXTRA_DIST += tests/analysis/test_analyze_check.py
TESTS += tests/analysis/test_h5md_read tests/analysis/test_analyze.sh
# Alanine-dipeptide analysis (src/analysis/ramachandran.h, analyze_amber.h,
# analyze_pdb.h): pure functions (Check) and `digs analyze` on a short
# amber run (shell + h5py + MDAnalysis).
check_PROGRAMS += tests/analysis/test_ramachandran
tests_analysis_test_ramachandran_SOURCES = tests/analysis/test_ramachandran.c
tests_analysis_test_ramachandran_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_analysis_test_ramachandran_LDADD = $(CHECK_TEST_LIBS)
dist_check_SCRIPTS += tests/analysis/test_analyze_amber.sh
TESTS += tests/analysis/test_ramachandran tests/analysis/test_analyze_amber.sh
# `digs analyze --group generator`: sample sets of an added particles group
# (io/h5md.h digs_h5md_add_group), written by tests/io/test_h5md_group.
dist_check_SCRIPTS += tests/analysis/test_analyze_group.sh
TESTS += tests/analysis/test_analyze_group.sh
