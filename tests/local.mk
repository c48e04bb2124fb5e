# Test programs and scripts; each room has its own fragment.
include $(srcdir)/tests/core/local.mk
include $(srcdir)/tests/potentials/local.mk
include $(srcdir)/tests/potentials/amber.mk
include $(srcdir)/tests/samplers/local.mk
include $(srcdir)/tests/io/local.mk
include $(srcdir)/tests/parallel/local.mk
include $(srcdir)/tests/analysis/autocorr.mk
include $(srcdir)/tests/analysis/metrics.mk
include $(srcdir)/tests/analysis/analyze.mk
include $(srcdir)/tests/nn/local.mk
include $(srcdir)/tests/dikl/local.mk
include $(srcdir)/tests/dikl/posterior.mk
include $(srcdir)/tests/dikl/model.mk
include $(srcdir)/tests/driver/local.mk

# shared by the MPI test programs
EXTRA_DIST += tests/check_mpi.h tests/check_run.h
