#!/bin/sh
# Moving chains between ranks (tests/parallel/test_chain_moves.c) on 2
# and 3 ranks.
set -e
if test -z "$MPIRUN" || test "$MPIRUN" = none; then
    echo "MPIRUN is not set: skipping"
    exit 77
fi
for k in 2 3; do
    echo "== tests/parallel/test_chain_moves on $k ranks"
    $MPIRUN -np $k --oversubscribe "$top_builddir/tests/parallel/test_chain_moves"
done
