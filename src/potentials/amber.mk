# potential = amber: AMBER force field (vacuum, OBC1, OBC2) with its
# prmtop and digs-topology readers (doc/forcefield-formats.md).
src_libdigs_a_SOURCES += \
	src/potentials/amber.c \
	src/potentials/amber_topology.c src/potentials/amber_topology.h \
	src/potentials/amber_model.c src/potentials/amber_model.h \
	src/potentials/amber_simd.h \
	src/potentials/amber_bonded.c src/potentials/amber_nonbonded.c \
	src/potentials/amber_gb.c \
	src/io/prmtop.c src/io/prmtop.h \
	src/io/digs_top.c src/io/digs_top.h
