check_PROGRAMS += tests/core/test_rng tests/core/test_deck
tests_core_test_rng_SOURCES = tests/core/test_rng.c
tests_core_test_rng_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_core_test_rng_LDADD = $(CHECK_TEST_LIBS)
tests_core_test_deck_SOURCES = tests/core/test_deck.c
tests_core_test_deck_CFLAGS = $(AM_CFLAGS) $(CHECK_TEST_CFLAGS)
tests_core_test_deck_LDADD = $(CHECK_TEST_LIBS)
TESTS += tests/core/test_rng tests/core/test_deck
