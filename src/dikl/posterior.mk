# DiKL posterior sampler (Stage A/B + MSI).
src_libdigs_a_SOURCES += src/dikl/posterior.c src/dikl/posterior.h
