# DiGS sampler helpers (digs.c itself is listed in local.mk).
src_libdigs_a_SOURCES += \
	src/samplers/digs.h \
	src/samplers/digs_schedule.c src/samplers/digs_schedule.h \
	src/samplers/digs_moves.c src/samplers/digs_moves.h
