# DiKL speed benchmark (include from bench/local.mk; run by
# tools/bench/dikl-speed).
noinst_PROGRAMS += bench/bench_dikl_sample
bench_bench_dikl_sample_SOURCES = bench/bench_dikl_sample.c
bench_bench_dikl_sample_LDADD = $(LDADD)
EXTRA_DIST += bench/dikl-dw4-released.ini bench/dikl-mw32-released.ini
