src_libdigs_a_SOURCES += \
	src/samplers/sampler.h src/samplers/registry.c \
	src/samplers/chains.h src/samplers/chains.c \
	src/samplers/kernels.c src/samplers/kernels.h \
	src/samplers/mala.c src/samplers/hmc.c \
	src/samplers/pt.c src/samplers/digs.c
include $(srcdir)/src/samplers/pt.mk
include $(srcdir)/src/samplers/digs.mk
