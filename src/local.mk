bin_PROGRAMS += src/digs
src_digs_SOURCES = src/main.c
