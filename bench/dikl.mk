# DiKL speed benchmark (include from bench/local.mk; run by
# tools/bench/dikl-speed).
noinst_PROGRAMS += bench/bench_dikl_sample
bench_bench_dikl_sample_SOURCES = bench/bench_dikl_sample.c
bench_bench_dikl_sample_LDADD = $(LDADD)
EXTRA_DIST += bench/dikl-dw4-released.ini bench/dikl-mw32-released.ini
# Accuracy of the target noisy score ŝ per level on MW-32 against its exact
# noisy score (doc/benchmarks.md "DiKL quality").
noinst_PROGRAMS += bench/bench_dikl_posterior
bench_bench_dikl_posterior_SOURCES = bench/bench_dikl_posterior.c
bench_bench_dikl_posterior_LDADD = $(LDADD)
# What a trained MW-32 generator is told at the low levels: score network,
# model and target noisy scores per x_t bin (doc/benchmarks.md).
noinst_PROGRAMS += bench/bench_dikl_mw32_forces
bench_bench_dikl_mw32_forces_SOURCES = bench/bench_dikl_mw32_forces.c
bench_bench_dikl_mw32_forces_LDADD = $(LDADD)
