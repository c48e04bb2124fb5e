# Throughput of the amber potential (vacuum, OBC1, OBC2); include from
# Makefile.am next to bench/local.mk.
noinst_PROGRAMS += bench/bench_amber
bench_bench_amber_SOURCES = bench/bench_amber.c
bench_bench_amber_LDADD = $(LDADD)
