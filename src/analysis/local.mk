include $(srcdir)/src/analysis/autocorr.mk
include $(srcdir)/src/analysis/metrics.mk
include $(srcdir)/src/analysis/analyze.mk

# `digs analyze MODEL.h5`: training curves of a DiKL model file.
src_libdigs_a_SOURCES += \
	src/analysis/analyze_model.c src/analysis/analyze_model.h
