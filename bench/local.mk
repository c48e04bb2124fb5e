noinst_PROGRAMS += bench/bench_potentials
bench_bench_potentials_SOURCES = bench/bench_potentials.c
bench_bench_potentials_LDADD = $(LDADD)
include $(srcdir)/bench/amber.mk
include $(srcdir)/bench/nn.mk
include $(srcdir)/bench/dikl.mk
