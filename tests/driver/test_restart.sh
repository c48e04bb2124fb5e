#!/bin/sh
# Checkpoint and restart: a run stopped and continued with --restart
# writes the same trajectory and final checkpoint as an uninterrupted run,
# bit for bit (h5diff of every dataset and attribute, /record_observables
# and /parameters included), on the same or another rank count.
#   - digs with step_size = auto: the adapted step sizes are restored;
#   - pt: the per-chain sampler state (the other replicas) is restored.
# Each method: an uninterrupted 40-sweep run on 1 rank, against
#   A  33 sweeps on 1 rank (last checkpoint at 20: frames 25, 30 and the
#      pooled rows of 25, 30, 33 must be dropped), then 40 on 1 rank;
#   B  20 sweeps on 2 ranks (checkpoint at the end), then 40 on 2 ranks;
#   C  33 sweeps on 2 ranks, then 40 on 3 ranks
# (pt: C only, to keep the test short).
# Then the failures: a deck that does not match the checkpoint, a
# checkpoint beyond the deck's sweeps, --restart without a checkpoint key,
# a missing trajectory, the deck checks of the checkpoint keys, and a
# write failure during the run.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"

# deck METHOD SWEEPS [CHAINS]
deck() {
  cat <<EOD
[system]
potential = lj13

[run]
method = $1
chains = ${3:-7}
sweeps = $2
seed = 9
init = normal
exchange_every = 5

[output]
trajectory = traj.h5
every = 5
buffer = 2
checkpoint = ckpt.h5
checkpoint_every = 20
EOD
  case $1 in
  mala) printf '[mala]\nstep_size = 0.0005\n' ;;
  hmc) printf '[hmc]\nstep_size = 0.004\nleapfrog = 5\n' ;;
  pt) printf '[pt]\nreplicas = 3\nbeta_min = 0.5\ninner = mala\nstep_size = 0.0005\n' ;;
  digs) printf '[digs]\nalphas = 0.5 0.9\ngibbs_sweeps = 2\nmala_steps = 2\n'
        printf 'step_size = auto\nstep_size_init = 0.0005\nadapt_until = 35\n' ;;
  esac
}

# on K ranks (1: without mpirun, which is faster to start)
on() { k=$1; shift; if [ "$k" -eq 1 ]; then "$@"; else mpi "$k" "$@"; fi; }

# stop_and_go NAME METHOD FIRST_SWEEPS RANKS1 RANKS2
stop_and_go() {
  mkdir "$1"
  deck "$2" "$3" > "$1/deck.ini"
  (cd "$1" && on "$4" "$DIGS" run deck.ini --quiet)
  deck "$2" 40 > "$1/deck.ini"
  (cd "$1" && on "$5" "$DIGS" run deck.ini --restart > restart.out)
  grep -q "continuing from ckpt.h5 at sweep 20" "$1/restart.out" ||
    { cat "$1/restart.out"; fail "$1: did not continue from sweep 20"; }
  for f in traj.h5 ckpt.h5; do
    "$H5DIFF" "$2-full/$f" "$1/$f" || fail "$1: $f differs from $2-full"
  done
  echo "ok: $1: $3 sweeps on $4 rank(s) + restart on $5 = 40 uninterrupted"
}

for method in digs pt; do
  set +e
  mkdir "$method-full"
  deck $method 40 > "$method-full/deck.ini"
  (cd "$method-full" && "$DIGS" run deck.ini --quiet) 2> "$method.err"
  code=$?
  set -e
  if grep -q "not available yet" "$method.err"; then
    echo "skip: $method is not available yet"
    continue
  fi
  [ "$code" -eq 0 ] || { cat "$method.err"; fail "$method: the full run failed"; }
  if [ $method = digs ]; then
    stop_and_go "$method-A" $method 33 1 1
    stop_and_go "$method-B" $method 20 2 2
  fi
  stop_and_go "$method-C" $method 33 2 3
  # h5py and MDAnalysis read the continued file (8 records of 7 chains)
  "$PYTHON" "$top_srcdir/tests/io/check_h5md.py" "$method-C/traj.h5" \
    --group chains --expect-frames 56
done

# --restart with no checkpoint yet: a fresh start, announced, same result
mkdir fresh
deck mala 40 > fresh/deck.ini
(cd fresh && "$DIGS" run deck.ini --restart > run.out)
grep -q "no checkpoint ckpt.h5 yet; starting from sweep 0" fresh/run.out ||
  { cat fresh/run.out; fail "fresh: no notice"; }
mkdir plain
deck mala 40 > plain/deck.ini
(cd plain && "$DIGS" run deck.ini --quiet)
"$H5DIFF" fresh/traj.h5 plain/traj.h5 || fail "fresh: differs from a plain run"
# [run] restart = yes does the same as --restart: the run is complete, so
# it only reopens the file
sed -i 's/^seed = 9/seed = 9\nrestart = yes/' fresh/deck.ini
(cd fresh && "$DIGS" run deck.ini > again.out)
grep -q "continuing from ckpt.h5 at sweep 40" fresh/again.out ||
  { cat fresh/again.out; fail "restart = yes: did not continue"; }
sed -i '/^restart = yes/d' fresh/deck.ini

# a deck that does not match the checkpoint: one line, nothing changed
cp fresh/traj.h5 before.h5
deck mala 40 8 > fresh/deck.ini
(cd fresh && expect_error chains "ckpt.h5: the checkpoint has [run] chains = 7; the deck has 8" \
  "$DIGS" run deck.ini --restart)
deck hmc 40 > fresh/deck.ini
(cd fresh && expect_error method "the checkpoint has [run] method = mala; the deck has hmc" \
  "$DIGS" run deck.ini --restart)
deck mala 35 > fresh/deck.ini
(cd fresh && expect_error beyond "ckpt.h5: the checkpoint is at sweep 40, beyond [run] sweeps = 35" \
  "$DIGS" run deck.ini --restart)
"$H5DIFF" before.h5 fresh/traj.h5 || fail "a refused restart changed the trajectory"
deck mala 40 > fresh/deck.ini
mv fresh/traj.h5 fresh/moved.h5
# a checkpoint without its trajectory: the restart runs again from sweep 0
# (the trajectory is a function of the deck) and says so
(cd fresh && "$DIGS" run deck.ini --restart --quiet 2> notraj.err) ||
  { cat fresh/notraj.err; fail "notraj: the restart failed"; }
grep -q "traj.h5: the trajectory to continue does not exist" fresh/notraj.err &&
  grep -q "running again from sweep 0" fresh/notraj.err ||
  { cat fresh/notraj.err; fail "notraj: expected the reason and the note"; }

# deck checks of the checkpoint keys (before anything is written)
mkdir keys
deck mala 40 | sed '/^checkpoint/d' > keys/nockpt.ini
(cd keys && expect_error nockpt "--restart needs [output] checkpoint = PATH" \
  "$DIGS" run nockpt.ini --restart)
deck mala 40 | sed 's/^checkpoint_every = 20/checkpoint_every = 12/' > keys/every.ini
(cd keys && expect_error every \
  "[output] checkpoint_every = 12: expected a multiple of both [run] exchange_every = 5 and [output] every = 5" \
  "$DIGS" run every.ini)
deck mala 40 | sed 's#^checkpoint = ckpt.h5#checkpoint = nodir/ckpt.h5#' > keys/nodir.ini
(cd keys && expect_error nodir "[output] checkpoint = nodir/ckpt.h5: directory 'nodir' does not exist" \
  "$DIGS" run nodir.ini)
(cd keys && expect_error_mpi nodir_mpi "directory 'nodir' does not exist" 2 \
  "$DIGS" run nodir.ini)
[ ! -e keys/traj.h5 ] || fail "a deck error created the trajectory"
deck mala 40 | sed '/^checkpoint = /d' > keys/orphan.ini
(cd keys && expect_error orphan "checkpoint_every = 20: expected [output] checkpoint = PATH with it" \
  "$DIGS" run orphan.ini)
# a write failure inside the run that only rank 0 sees (the rename of the
# checkpoint over a directory of that name) names the rank and aborts the
# job without hanging the other rank; the trajectory flushed just before
# the failed checkpoint stays readable
mkdir abort abort/ckpt.h5
deck mala 40 > abort/deck.ini
(cd abort && expect_error_mpi abort "rank 0: ckpt.h5: cannot rename ckpt.h5.tmp over it" 2 \
  "$DIGS" run deck.ini --quiet)
"${H5DIFF%h5diff}h5ls" abort/traj.h5/particles/chains/position/value | grep -q '{28/Inf, 13, 3}' ||
  fail "abort: the trajectory does not hold the 4 records flushed before the failure"
# a trajectory torn by a kill inside its flush (here: its superblock
# zeroed) cannot be continued; --restart then runs again from sweep 0 and,
# every number being a function of the deck, ends with the same file
mkdir torn
deck digs 20 > torn/deck.ini
(cd torn && mpi 2 "$DIGS" run deck.ini --quiet)
"$PYTHON" -c "
f = open('torn/traj.h5', 'r+b'); f.write(bytes(512)); f.close()"
deck digs 40 > torn/deck.ini
(cd torn && mpi 2 "$DIGS" run deck.ini --restart --quiet 2> torn.err) ||
  { cat torn/torn.err; fail "torn: the restart failed"; }
grep -q "running again from sweep 0" torn/torn.err || fail "torn: no note on stderr"
"$H5DIFF" digs-full/traj.h5 torn/traj.h5 || fail "torn: traj.h5 differs from digs-full"
echo "ok: torn trajectory rebuilt from sweep 0, equal to the uninterrupted run"
echo "restart: all ok"
