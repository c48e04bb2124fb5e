# Sample-quality metrics (REFERENCE.md §8): MMD, histogram TVD, exact W2,
# bootstraps, MoG-40 metrics.  Used by `digs analyze`.
src_libdigs_a_SOURCES += \
	src/analysis/mmd.c src/analysis/mmd.h \
	src/analysis/tvd.c src/analysis/tvd.h \
	src/analysis/assignment.c src/analysis/assignment.h \
	src/analysis/w2.c src/analysis/w2.h \
	src/analysis/bootstrap.c src/analysis/bootstrap.h \
	src/analysis/mog_metrics.c src/analysis/mog_metrics.h
