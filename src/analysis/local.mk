src_libdigs_a_SOURCES +=
