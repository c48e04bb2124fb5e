bin_PROGRAMS += src/digs
src_digs_SOURCES = src/main.c
src_libdigs_a_SOURCES += \
	src/driver/commands.h \
	src/driver/report.c src/driver/report.h \
	src/driver/deck_load.c src/driver/deck_load.h \
	src/driver/run_config.c src/driver/run_config.h \
	src/driver/init_positions.c src/driver/init_positions.h \
	src/driver/progress.c src/driver/progress.h \
	src/driver/coords.c src/driver/coords.h \
	src/driver/run_dikl.c src/driver/run_dikl.h \
	src/driver/run_digs.c src/driver/run_digs.h \
	src/driver/run_coupled.c src/driver/run_coupled.h \
	src/driver/coupled_config.c src/driver/coupled_config.h \
	src/driver/coupled_flow.c src/driver/coupled_flow.h \
	src/driver/coupled_balance.c src/driver/coupled_balance.h \
	src/driver/coupled_samples.c src/driver/coupled_samples.h \
	src/driver/cmd_run.c src/driver/cmd_energy.c \
	src/driver/cmd_sample.c
