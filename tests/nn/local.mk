# Neural-network room tests.  test_nn_grad_double compiles the nn sources a
# second time in double precision (NN_SOURCES from src/nn/local.mk); its
# own objects define every nn symbol, so libdigs.a's float copies are not
# linked.
check_PROGRAMS += tests/nn/test_nn_grad tests/nn/test_nn_grad_double \
	tests/nn/test_nn_egnn tests/nn/test_nn_train tests/nn/test_nn_io
tests_nn_test_nn_grad_SOURCES = tests/nn/test_nn_grad.c
tests_nn_test_nn_grad_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_grad_LDADD = $(CHECK_TEST_LIBS)
tests_nn_test_nn_grad_double_SOURCES = tests/nn/test_nn_grad.c $(NN_SOURCES)
tests_nn_test_nn_grad_double_CPPFLAGS = $(AM_CPPFLAGS) -DNN_REAL_DOUBLE
tests_nn_test_nn_grad_double_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_grad_double_LDADD = $(CHECK_TEST_LIBS)
tests_nn_test_nn_egnn_SOURCES = tests/nn/test_nn_egnn.c
tests_nn_test_nn_egnn_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_egnn_LDADD = $(CHECK_TEST_LIBS)
tests_nn_test_nn_train_SOURCES = tests/nn/test_nn_train.c
tests_nn_test_nn_train_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_train_LDADD = $(CHECK_TEST_LIBS)
tests_nn_test_nn_io_SOURCES = tests/nn/test_nn_io.c
tests_nn_test_nn_io_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_io_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/nn/test_nn_grad tests/nn/test_nn_grad_double \
	tests/nn/test_nn_egnn tests/nn/test_nn_train tests/nn/test_nn_io
check_PROGRAMS += tests/nn/test_nn_act_fast
tests_nn_test_nn_act_fast_SOURCES = tests/nn/test_nn_act_fast.c
tests_nn_test_nn_act_fast_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_act_fast_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/nn/test_nn_act_fast
check_PROGRAMS += tests/nn/test_nn_egnn_blocks
tests_nn_test_nn_egnn_blocks_SOURCES = tests/nn/test_nn_egnn_blocks.c
tests_nn_test_nn_egnn_blocks_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_nn_test_nn_egnn_blocks_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/nn/test_nn_egnn_blocks
