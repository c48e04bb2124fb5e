#!/bin/sh
# A file written by the parallel H5MD writer (2 ranks) must open in h5py and
# in MDAnalysis's H5MD reader with identical positions
# (tests/io/check_h5md.py); the checker must also reject a wrong frame count
# and a file whose frame layout is broken.
set -e
if test -z "$PYTHON" || test "$PYTHON" = none; then
    echo "PYTHON is not set: skipping"
    exit 77
fi
out="$top_builddir/tests/io/test_h5md_python.h5"
bad="$top_builddir/tests/io/test_h5md_python_bad.h5"
check="$top_srcdir/tests/io/check_h5md.py"
rm -f "$out" "$bad"
if test -n "$MPIRUN" && test "$MPIRUN" != none; then
    DIGS_TEST_H5MD_OUT="$out" $MPIRUN -np 2 --oversubscribe \
        -x DIGS_TEST_H5MD_OUT "$top_builddir/tests/io/test_h5md"
else
    DIGS_TEST_H5MD_OUT="$out" "$top_builddir/tests/io/test_h5md"
fi
"$PYTHON" "$check" "$out" --group chains --expect-frames 15

if "$PYTHON" "$check" "$out" --group chains --expect-frames 16; then
    echo "check_h5md.py accepted a wrong frame count"
    exit 1
fi
cp "$out" "$bad"
"$PYTHON" -c "
import sys, h5py
with h5py.File(sys.argv[1], 'r+') as f:
    f['observables/chain_id/value'][4] = 0
" "$bad"
if "$PYTHON" "$check" "$bad" --group chains --expect-frames 15; then
    echo "check_h5md.py accepted a broken chain_id layout"
    exit 1
fi
rm -f "$bad"
