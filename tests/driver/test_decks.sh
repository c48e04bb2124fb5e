#!/bin/sh
# Every shipped deck (inputs/*.ini) reads and validates (`digs run
# --check`: every key known, in range and consistent), from the source
# directory as the README runs them; and --check writes nothing.
. "$top_srcdir/tests/driver/common.sh"
n=0
for deck in "$top_srcdir"/inputs/*.ini; do
  (cd "$top_srcdir" && "$DIGS" run --check "inputs/$(basename "$deck")") > "$work/check.out" \
    || { cat "$work/check.out"; fail "$deck does not validate"; }
  grep -q ": ok$" "$work/check.out" || fail "$deck: no ok line"
  n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n decks found"
echo "ok: $n decks validate"
cd "$work"
printf '[system]\npotential = dw4\n[dikl]\niterations = 3\nmodel = m.h5\n' > d.ini
"$DIGS" run --check d.ini > /dev/null
[ ! -e m.h5 ] || fail "--check wrote the model file"
printf '[system]\npotential = dw4\n[run]\nmethod = mala\nchains = 2\nsweeps = 3\n[mala]\nstep_size = 0.1\n[output]\ntrajectory = t.h5\n' > r.ini
"$DIGS" run --check r.ini > /dev/null
[ ! -e t.h5 ] || fail "--check wrote the trajectory"
expect_error badcheck "bad.ini:4" sh -c "printf '[system]\npotential = dw4\n[dikl]\nbatch = 0\niterations = 2\n' > bad.ini && \"$DIGS\" run --check bad.ini"
echo "ok: --check writes nothing and reports errors"
