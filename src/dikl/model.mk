# DiKL model file and `digs sample`.
src_libdigs_a_SOURCES += src/dikl/model.c src/dikl/model.h
