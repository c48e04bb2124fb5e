src_libdigs_a_SOURCES += \
	src/potentials/potential.h src/potentials/registry.c \
	src/potentials/mog40.c src/potentials/mog40.h \
	src/potentials/v2d.h src/potentials/vexp.h \
	src/potentials/manywell32.c src/potentials/manywell32.h \
	src/potentials/dw4.c src/potentials/lj13.c src/potentials/lj13.h src/potentials/gaussian.c \
	src/potentials/mixture.c
