src_libdigs_a_SOURCES += src/samplers/pt_config.h src/samplers/pt_config.c
