src_libdigs_a_SOURCES += src/analysis/autocorr.h src/analysis/autocorr.c
