#!/bin/sh
# digs run: the H5MD file holds exactly what the engine computed (bit for
# bit against its --trace), h5py and MDAnalysis read it, and 1, 2 and 3
# ranks write identical files.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
for method in mala hmc; do
  cat > $method.ini <<EOD
[system]
potential = lj13

[run]
method = $method
chains = 7
sweeps = 40
seed = 5

[mala]
step_size = 0.0005
steps = 2

[hmc]
step_size = 0.004
leapfrog = 5

[output]
trajectory = $method.h5
every = 4
buffer = 3
EOD
  # the section of the other method is unread: remove it
  other=$([ $method = mala ] && echo hmc || echo mala)
  "$PYTHON" -c "
import re, sys
t = open('$method.ini').read()
t = re.sub(r'\[$other\][^\[]*', '', t)
open('$method.ini', 'w').write(t)"
  for k in 1 2 3; do
    mpi $k "$DIGS" run $method.ini --quiet --trace trace-$k
    mv $method.h5 $method-$k.h5
    cat trace-$k.* > trace-$method-$k.txt; rm -f trace-$k.*
    "$PYTHON" "$top_srcdir/tests/driver/check_trace.py" $method-$k.h5 trace-$method-$k.txt \
      --chains 7 --records 10 --particles 13 --dim 3
  done
  "$H5DIFF" $method-1.h5 $method-2.h5 || fail "$method: 1 vs 2 ranks differ"
  "$H5DIFF" $method-1.h5 $method-3.h5 || fail "$method: 1 vs 3 ranks differ"
  if [ -f "$top_srcdir/tests/io/check_h5md.py" ]; then
    "$PYTHON" "$top_srcdir/tests/io/check_h5md.py" $method-2.h5 --group chains --expect-frames 70
  fi
done
echo "run output: all ok"
