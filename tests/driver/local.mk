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
