dist_check_SCRIPTS += tests/driver/test_cli.sh tests/driver/test_bad_input.sh \
	tests/driver/test_energy.sh tests/driver/test_run_output.sh \
	tests/driver/test_mpi_invariance.sh tests/driver/test_restart.sh \
	tests/driver/test_kill.sh tests/driver/test_decks.sh \
	tests/driver/test_coupled.sh
EXTRA_DIST += tests/driver/common.sh tests/driver/check_trace.py
TESTS += tests/driver/test_cli.sh tests/driver/test_bad_input.sh \
	tests/driver/test_energy.sh tests/driver/test_run_output.sh \
	tests/driver/test_mpi_invariance.sh tests/driver/test_restart.sh \
	tests/driver/test_kill.sh tests/driver/test_decks.sh \
	tests/driver/test_coupled.sh
# the coupled job's level map (src/driver/coupled_flow.c)
check_PROGRAMS += tests/driver/test_coupled_flow
tests_driver_test_coupled_flow_SOURCES = tests/driver/test_coupled_flow.c
tests_driver_test_coupled_flow_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_driver_test_coupled_flow_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/driver/test_coupled_flow
# the coupled job's load balance (src/driver/coupled_balance.c)
check_PROGRAMS += tests/driver/test_coupled_balance
tests_driver_test_coupled_balance_SOURCES = tests/driver/test_coupled_balance.c
tests_driver_test_coupled_balance_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_driver_test_coupled_balance_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/driver/test_coupled_balance
