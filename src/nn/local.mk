# Neural-network room: dense/EGNN layers with backward, Adam, clipping,
# HDF5 (de)serialisation.  NN_SOURCES is reused by tests/nn/local.mk to
# build the same code a second time in double precision (-DNN_REAL_DOUBLE).
NN_SOURCES = \
	src/nn/real.h \
	src/nn/params.c src/nn/params.h \
	src/nn/init.c src/nn/init.h \
	src/nn/activation.c src/nn/activation.h \
	src/nn/dense.c src/nn/dense.h \
	src/nn/time_embedding.c src/nn/time_embedding.h \
	src/nn/mlp.c src/nn/mlp.h \
	src/nn/egnn.c src/nn/egnn.h \
	src/nn/egnn_layer.c src/nn/egnn_layer.h \
	src/nn/adam.c src/nn/adam.h \
	src/nn/clip.c src/nn/clip.h \
	src/nn/params_io.c src/nn/params_io.h
src_libdigs_a_SOURCES += $(NN_SOURCES)
