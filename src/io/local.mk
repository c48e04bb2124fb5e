src_libdigs_a_SOURCES += \
	src/io/npy.c src/io/npy.h \
	src/io/pdb.c src/io/pdb.h \
	src/io/h5md.c src/io/h5md.h src/io/h5md_internal.h \
	src/io/h5md_util.c src/io/h5md_group.c \
	src/io/atomic_file.c src/io/atomic_file.h \
	src/io/checkpoint.c src/io/checkpoint.h
src_libdigs_a_SOURCES += src/io/h5_error.c src/io/h5_error.h
