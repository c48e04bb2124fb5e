# Test programs and scripts; each room has its own fragment.
include $(srcdir)/tests/core/local.mk
include $(srcdir)/tests/potentials/local.mk
include $(srcdir)/tests/samplers/local.mk
include $(srcdir)/tests/io/local.mk
include $(srcdir)/tests/driver/local.mk
