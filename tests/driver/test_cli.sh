#!/bin/sh
# digs --help / --version / run --help / unknown commands.
. "$top_srcdir/tests/driver/common.sh"
"$DIGS" --version | grep -q '^digs 0\.' || fail "--version"
"$DIGS" --help | grep -q 'run DECK' || fail "--help lists run"
"$DIGS" --help | grep -q 'lj13' || fail "--help lists potentials"
"$DIGS" run --help | grep -q 'usage: digs run DECK' || fail "run --help"
"$DIGS" energy --help | grep -q 'usage: digs energy' || fail "energy --help"
"$DIGS" help run | grep -q 'usage: digs run' || fail "help run"
set +e
"$DIGS" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command exit code"
"$DIGS" run >/dev/null 2>&1; [ $? -eq 2 ] || fail "run without deck exit code"
set -e
echo "cli: all ok"
