#!/bin/sh
# A second particles group in the H5MD writer (tests/io/test_h5md_group.c)
# on 2 and 3 ranks (1 rank: the program itself in TESTS), then the file
# with both groups, written on 2 ranks, through tests/io/check_h5md.py:
# h5py layout checks of both groups and MDAnalysis still reading the
# chains.  The checker must reject an added group whose name sorts before
# the chains (MDAnalysis would read it instead), and MDAnalysis itself must
# fail on energies stored as /observables/<group>/potential_energy, the
# layout the writer avoids (doc/file-formats.md; a newer MDAnalysis that
# copes is reported, not failed).
set -e
prog="$top_builddir/tests/io/test_h5md_group"
if test -n "$MPIRUN" && test "$MPIRUN" != none; then
    for k in 2 3; do
        echo "== tests/io/test_h5md_group on $k ranks"
        $MPIRUN -np $k --oversubscribe "$prog"
    done
    run2() { $MPIRUN -np 2 --oversubscribe -x DIGS_TEST_H5MD_GROUP_OUT "$@"; }
else
    echo "MPIRUN is not set: 1 rank only"
    run2() { "$@"; }
fi
if test -z "$PYTHON" || test "$PYTHON" = none; then
    echo "PYTHON is not set: skipping the MDAnalysis check"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/digs-h5md-group.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$work/two.h5"
DIGS_TEST_H5MD_GROUP_OUT="$out" run2 "$prog" > "$work/log" ||
    { cat "$work/log"; exit 1; }
check="$top_srcdir/tests/io/check_h5md.py"
# 5 records x 3 chains; 7 sets x 4 samples
"$PYTHON" "$check" "$out" --group chains --expect-frames 15 \
    --expect-group generator=28
"$PYTHON" "$check" "$out.plain.h5" --group chains --expect-frames 15
if "$PYTHON" "$check" "$out" --group chains --expect-frames 15 \
    --expect-group generator=24; then
    echo "check_h5md.py accepted a wrong set count"
    exit 1
fi
cp "$out" "$work/alpha.h5"
"$PYTHON" -c "
import sys, h5py
with h5py.File(sys.argv[1], 'r+') as f:
    f.move('particles/generator', 'particles/alpha')
" "$work/alpha.h5"
if "$PYTHON" "$check" "$work/alpha.h5" --group chains --expect-frames 15 \
    2> "$work/alpha.err"; then
    echo "check_h5md.py accepted an added group sorting before the chains"
    exit 1
fi
grep -q "sorts before the main group" "$work/alpha.err" ||
    { cat "$work/alpha.err"; exit 1; }
# why the energies are not /observables/generator/...: MDAnalysis reads
# /observables/<key>/value for every key at every frame
cp "$out" "$work/obs.h5"
"$PYTHON" - "$work/obs.h5" <<'PY'
import sys, warnings
import h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.create_group("observables/generator/potential_energy")
    f["observables/generator/potential_energy/value"] = \
        f["particles/generator/potential_energy/value"][()]
with warnings.catch_warnings():
    warnings.showwarning = lambda *args, **kwargs: None
    import MDAnalysis as mda
u = mda.Universe.empty(1, trajectory=False)
try:
    u.load_new(sys.argv[1], format="H5MD", convert_units=False)
    for ts in u.trajectory:
        pass
except Exception as e:
    print(f"as expected, MDAnalysis fails on /observables/generator/: "
          f"{type(e).__name__}: {e}")
    sys.exit(0)
print("note: this MDAnalysis reads /observables/generator/ without error; "
      "the layout note in doc/file-formats.md may be relaxed")
PY
