check_PROGRAMS += tests/samplers/test_mala_hmc
tests_samplers_test_mala_hmc_SOURCES = tests/samplers/test_mala_hmc.c
tests_samplers_test_mala_hmc_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_samplers_test_mala_hmc_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/samplers/test_mala_hmc
include $(srcdir)/tests/samplers/pt.mk
include $(srcdir)/tests/samplers/digs.mk
