# Neural-network benchmark (include from bench/local.mk).
noinst_PROGRAMS += bench/bench_nn
bench_bench_nn_SOURCES = bench/bench_nn.c
bench_bench_nn_LDADD = $(LDADD)
