src_libdigs_a_SOURCES += src/analysis/cmd_analyze.c
