#!/bin/sh
# The H5MD writer tests on 2 and 3 ranks: chains are split in contiguous
# blocks (and, in one test, rank 0 holds none), every rank writes its own
# hyperslab collectively, and every rank reads the file back; a file
# "killed" between flushes is continued on another chain layout.
set -e
if test -z "$MPIRUN" || test "$MPIRUN" = none; then
    echo "MPIRUN is not set: skipping"
    exit 77
fi
for k in 2 3; do
    echo "== tests/io/test_h5md on $k ranks"
    $MPIRUN -np $k --oversubscribe "$top_builddir/tests/io/test_h5md"
    echo "== tests/io/test_h5md_crash on $k ranks"
    $MPIRUN -np $k --oversubscribe "$top_builddir/tests/io/test_h5md_crash"
done
