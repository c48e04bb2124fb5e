#!/bin/sh
# Crash safety: a 2-rank run started with --restart is killed with SIGKILL
# (every process of the job) at three moments, restarted with --restart
# until it completes, and must then hold the same trajectory and final
# checkpoint as an uninterrupted run, bit for bit.  Each kill comes a
# delay after the job's first new checkpoint appears; the delays are fixed
# fractions of the uninterrupted run's sweep-loop time, drawn once from a
# seeded generator, so they land at unrelated points of the sweep /
# record / flush / checkpoint cycle.  At least one kill must land before
# the run finished (checked, else the test is void).
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
# leftovers of killed ranks (shared-memory segments, session files) stay
# in the test's directory, which is removed at exit
export TMPDIR="$work" OMPI_MCA_btl_vader_backing_directory="$work"

command -v setsid > /dev/null || { echo "no setsid: skipping"; exit 77; }
H5DUMP=${H5DIFF%h5diff}h5dump

# 64 lj13 chains, a checkpoint every 100 sweeps: a few seconds on 2 ranks
cat > deck.ini <<EOD
[system]
potential = lj13

[run]
method = mala
chains = 64
sweeps = 5000
seed = 21
exchange_every = 10

[mala]
step_size = 0.0005

[output]
trajectory = traj.h5
every = 10
buffer = 4
checkpoint = ckpt.h5
checkpoint_every = 100
EOD
mkdir ref run
cp deck.ini ref/deck.ini
cp deck.ini run/deck.ini

(cd ref && mpi 2 "$DIGS" run deck.ini > run.out)
seconds=$(sed -n 's/.* in \([0-9.]*\) s on 2 ranks$/\1/p' ref/run.out)
[ -n "$seconds" ] || { cat ref/run.out; fail "no run time in the summary"; }
echo "uninterrupted run: sweep loop $seconds s"

# kill delays after the first new checkpoint: fractions in [0.05, 0.45)
# of the loop time (seeded)
delays=$(awk -v t="$seconds" 'BEGIN { srand(20250611);
  for (i = 0; i < 3; i++) printf "%.3f ", t * (0.05 + 0.4 * rand()) }')
# the checkpoint's inode: each checkpoint is a new file renamed over it
inode() { stat -c %i ckpt.h5 2> /dev/null || echo none; }

cd run
mid_run=0
i=0
for delay in $delays; do
  i=$((i + 1))
  before=$(inode)
  setsid "$MPIRUN" --oversubscribe -np 2 "$DIGS" run deck.ini --restart --quiet \
    > "kill$i.out" 2>&1 &
  job=$!
  while [ "$(inode)" = "$before" ] && kill -0 "$job" 2> /dev/null; do
    sleep 0.02
  done
  sleep "$delay"
  # mpirun starts each rank in its own process group: kill the session
  pids=$(ps -o pid= -s "$job" || true)
  [ -n "$pids" ] && kill -KILL $pids 2> /dev/null || true
  set +e
  wait "$job"
  code=$?
  set -e
  if [ -z "$pids" ] || [ "$code" -eq 0 ]; then
    echo "kill $i ($delay s after a checkpoint): the run had already finished"
    break
  fi
  if [ -e ckpt.h5 ]; then
    at=$("$H5DUMP" -a /sweep ckpt.h5 | awk '/\(0\)/ {print $2}')
    echo "kill $i ($delay s after a checkpoint): killed; checkpoint at sweep $at"
    [ "$at" -ge 5000 ] || mid_run=$((mid_run + 1))
  else
    echo "kill $i ($delay s after a checkpoint): killed, no checkpoint (?)"
  fi
done
[ "$mid_run" -ge 1 ] || fail "no kill landed after a checkpoint and before the end"

tries=0
until "$MPIRUN" --oversubscribe -np 2 "$DIGS" run deck.ini --restart --quiet; do
  tries=$((tries + 1))
  [ "$tries" -lt 3 ] || fail "the restart does not complete"
done
cd ..
for f in traj.h5 ckpt.h5; do
  "$H5DIFF" ref/$f run/$f || fail "$f after $mid_run mid-run kills differs"
done
echo "kill: all ok ($mid_run mid-run kills)"
