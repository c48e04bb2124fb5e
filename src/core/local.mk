src_libdigs_a_SOURCES += \
	src/core/status.c src/core/status.h \
	src/core/rng.c src/core/rng.h src/core/ziggurat_table.h \
	src/core/deck.c src/core/deck.h \
	src/core/units.h
