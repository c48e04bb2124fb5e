# Shared set-up for the driver tests (sourced).  The test harness exports
# DIGS, MPIRUN, PYTHON, H5DIFF, DIGS_SHARED_DIR, top_srcdir, top_builddir.
set -eu
: "${DIGS:?run through make check}"
work=$(mktemp -d "${TMPDIR:-/tmp}/digs-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error NAME EXPECTED_SUBSTRING CMD...: the command must exit with
# status 1 (not a signal), print exactly one "digs:" line on stderr that
# contains EXPECTED_SUBSTRING, and print nothing else to stderr.
expect_error() {
  name=$1; expected=$2; shift 2
  set +e
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  code=$?
  set -e
  [ "$code" -eq 1 ] || { cat "$work/$name.err"; fail "$name: exit code $code, expected 1"; }
  lines=$(grep -c . "$work/$name.err" || true)
  [ "$lines" -eq 1 ] || { cat "$work/$name.err"; fail "$name: $lines stderr lines, expected 1"; }
  grep -q '^digs: ' "$work/$name.err" || fail "$name: no 'digs:' prefix"
  grep -qF -- "$expected" "$work/$name.err" || { cat "$work/$name.err"; fail "$name: message lacks '$expected'"; }
  echo "ok: $name: $(cat "$work/$name.err")"
}

# expect_error_mpi NAME EXPECTED K CMD...: as expect_error on K ranks, but
# mpirun adds its own banner and exit code, so only the "digs:" lines are
# counted (exactly one: the error is reported once, not once per rank).
expect_error_mpi() {
  name=$1; expected=$2; k=$3; shift 3
  set +e
  "$MPIRUN" --oversubscribe -np "$k" "$@" >"$work/$name.out" 2>"$work/$name.err"
  code=$?
  set -e
  [ "$code" -ne 0 ] || fail "$name: exit code 0"
  lines=$(grep -c '^digs: ' "$work/$name.err" || true)
  [ "$lines" -eq 1 ] || { cat "$work/$name.err"; fail "$name: $lines 'digs:' lines, expected 1"; }
  grep -qF -- "$expected" "$work/$name.err" || { cat "$work/$name.err"; fail "$name: message lacks '$expected'"; }
  echo "ok: $name ($k ranks): $(grep '^digs: ' "$work/$name.err")"
}

# mpi K CMD...: run CMD on K ranks.
mpi() { k=$1; shift; "$MPIRUN" --oversubscribe -np "$k" "$@"; }
