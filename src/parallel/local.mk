src_libdigs_a_SOURCES += \
	src/parallel/layout.c src/parallel/layout.h \
	src/parallel/comm.c src/parallel/comm.h \
	src/parallel/chain_moves.c src/parallel/chain_moves.h
