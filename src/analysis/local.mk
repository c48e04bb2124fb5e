include $(srcdir)/src/analysis/autocorr.mk
include $(srcdir)/src/analysis/metrics.mk
include $(srcdir)/src/analysis/analyze.mk
