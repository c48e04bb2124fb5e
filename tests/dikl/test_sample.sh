#!/bin/sh
# digs sample: samples of a model file built by make_tiny_model (MoG-40
# with an MLP generator, LJ-13 with an EGNN) against the generator
# evaluated independently on the documented stream; energies against
# `digs energy`; reproducibility (same seed: identical datasets; other
# seed: different; 2 ranks = 1 rank); the layout `digs analyze`, h5py
# and MDAnalysis read; clean errors.  Also `digs analyze MODEL.h5`.
. "$top_srcdir/tests/driver/common.sh"
tiny="$top_builddir/tests/dikl/make_tiny_model"
cd "$work"
cat > mog.ini <<'EOF'
[system]
potential = mog40
[dikl]
network = mlp
generator_width = 16
generator_layers = 2
score_width = 16
score_layers = 2
iterations = 5
seed = 3
EOF
cat > lj.ini <<'EOF'
[system]
potential = lj13
[dikl]
network = egnn
generator_width = 8
generator_layers = 2
score_width = 8
score_layers = 1
iterations = 5
seed = 4
EOF
N=300
"$tiny" mog.ini mog.h5 --expect $N 5 mog_expect.npy || fail "make_tiny_model mog40"
"$tiny" lj.ini lj.h5 --expect 40 4 lj_expect.npy || fail "make_tiny_model lj13"

# --batch N: one network pass, as make_tiny_model's --expect does, so the
# positions must agree bit for bit (BLAS rounds differently for other
# batch shapes, see the --batch 7 check below).
"$DIGS" sample mog.h5 --n $N -o a.h5 --seed 5 --batch $N > a.out 2> a.err \
  || { cat a.err; fail "digs sample mog40"; }
grep -Eq "^drew $N samples in [0-9.]+ s \([0-9.e+-]+ µs/sample\)$" a.out \
  || { cat a.out; fail "timing line"; }
"$DIGS" sample mog.h5 --n $N -o b.h5 --seed 5 --batch $N > /dev/null
"$DIGS" sample mog.h5 --n $N -o c.h5 --seed 6 --batch $N > /dev/null
"$DIGS" sample mog.h5 --n $N -o d.h5 --seed 5 --batch 7 > /dev/null
mpi 2 "$DIGS" sample mog.h5 --n $N -o m.h5 --seed 5 --batch $N > /dev/null
"$DIGS" sample lj.h5 --n 40 -o lj_s.h5 > /dev/null   # default seed: [dikl] 4

for g in /particles /observables; do
  "$H5DIFF" a.h5 b.h5 $g || fail "same seed: $g differs"
  "$H5DIFF" a.h5 m.h5 $g || fail "2 ranks: $g differs from 1 rank"
done
if "$H5DIFF" -q a.h5 c.h5 /particles; then fail "seeds 5 and 6 gave the same samples"; fi
echo "ok: same seed identical, other seed different, 2 ranks = 1 rank"

# energies as `digs energy` recomputes them from the stored positions
for f in a lj_s; do
  "$PYTHON" - $f <<'EOF_PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1] + '.h5', 'r')
x = f['particles/chains/position/value'][:]
np.save(sys.argv[1] + '_pos.npy', x.reshape(len(x), -1))
open(sys.argv[1] + '_deck.ini', 'w').write(f['parameters/deck'][()].decode())
EOF_PY
  "$DIGS" energy ${f}_deck.ini ${f}_pos.npy > ${f}_energy.txt
done

"$PYTHON" - $N <<'EOF_PY'
import sys, h5py, numpy as np
N = int(sys.argv[1])
ok = True
def check(cond, what):
    global ok
    print(('ok: ' if cond else 'FAIL: ') + what)
    ok &= bool(cond)
for name, model, n, shape, seed in (('a', 'mog', N, (1, 2), b'5'),
                                    ('lj_s', 'lj', 40, (13, 3), b'4')):
    f = h5py.File(name + '.h5', 'r')
    x = f['particles/chains/position/value'][:]
    check(x.shape == (n,) + shape, f'{name}: positions {x.shape}')
    # float32 generator output widened to float64: exact
    check(np.array_equal(x.reshape(n, -1), np.load(model + '_expect.npy')),
          f'{name}: samples = /dikl/best on the documented stream')
    obs = f['observables']
    check(np.array_equal(obs['chain_id/value'][:], np.zeros(n)), f'{name}: one chain')
    check(np.array_equal(obs['sweep/value'][:], np.arange(n)), f'{name}: sweep = sample index')
    check(np.array_equal(f['particles/chains/position/step'][:], np.arange(n)), f'{name}: step = index')
    check(np.all(obs['acceptance/value'][:] == 1), f'{name}: acceptance 1')
    e = obs['potential_energy/value'][:]
    t = np.loadtxt(name + '_energy.txt', skiprows=1)
    # same potential code, batched vs single calls: agree to rounding
    err = np.max(np.abs(e - t[:, 1]) / np.maximum(1, np.abs(t[:, 1])))
    check(len(t) == n and err < 1e-12, f'{name}: energies = digs energy (max rel err {err:.2g})')
    p = f['parameters']
    check(p['seed'][()] == seed and p['method'][()] == b'dikl', f'{name}: seed and method')
    check(p['model'][()] == model.encode() + b'.h5', f'{name}: model path')
# --batch only changes BLAS rounding: float32 generator, |x| ~ 10,
# eps_f32 * |x| * (depth 3 layers) ~ 1e-5
a = h5py.File('a.h5', 'r')['particles/chains/position/value'][:]
d = h5py.File('d.h5', 'r')['particles/chains/position/value'][:]
err = np.max(np.abs(a - d) / np.maximum(1, np.abs(a)))
check(err < 1e-5, f'--batch 7 vs {N}: max rel diff {err:.2g}')
sys.exit(0 if ok else 1)
EOF_PY

# layout checks of h5py and MDAnalysis (LJ-13 is 3-D: MDAnalysis reads it)
"$PYTHON" "$top_srcdir/tests/io/check_h5md.py" lj_s.h5 --group chains \
  --expect-frames 40 --expect-chains 1 || fail "check_h5md lj13"
"$PYTHON" "$top_srcdir/tests/io/check_h5md.py" a.h5 --group chains \
  --expect-frames $N --expect-chains 1 || fail "check_h5md mog40"

# digs analyze reads the output as it is (burn-in 0)
"$DIGS" analyze a.h5 --ref exact --ref-samples 2000 --bootstrap 2 > an.out \
  || fail "digs analyze on sample output"
grep -q "1 chains x $N records = $N frames" an.out || { cat an.out; fail "analyze frames"; }
grep -q "method dikl" an.out || fail "analyze method"
echo "ok: digs analyze on the samples"

# errors: one line, exit 1, no output file left
expect_error missing "nope.h5: cannot open the model file" \
  "$DIGS" sample nope.h5 --n 5 -o e.h5
[ ! -e e.h5 ] || fail "an output file was left after a failure"
expect_error notmodel "a.h5: not a DiKL model file" "$DIGS" sample a.h5 --n 5 -o e.h5
expect_error_mpi missing_mpi "nope.h5: cannot open the model file" 2 \
  "$DIGS" sample nope.h5 --n 5 -o e.h5
expect_error nodir "/nonexistent-digs-dir/out.h5" \
  "$DIGS" sample mog.h5 --n 5 -o /nonexistent-digs-dir/out.h5
set +e
"$DIGS" sample mog.h5 -o e.h5 > usage.out 2>&1; code=$?
set -e
[ "$code" -eq 2 ] || fail "missing --n: exit $code, expected 2"

# digs analyze MODEL.h5: the curves summary and the training plot
"$DIGS" analyze mog.h5 --plot plots --json curves.json > model.out \
  || fail "digs analyze on a model file"
grep -q "(DiKL model file)" model.out || { cat model.out; fail "model detection"; }
grep -q "selected  iteration 3, metric 0.25" model.out || { cat model.out; fail "model best"; }
grep -Eq "^  loss_score +2 +2$" model.out || { cat model.out; fail "model last loss"; }
[ -s plots/training_curves.png ] || fail "no training_curves.png"
"$PYTHON" - <<'EOF_PY' || fail "curves json"
import json
c = json.load(open('curves.json'))['training']['curves']
assert c['iteration'] == [1, 2, 3, 4, 5], c['iteration']
assert c['metric'][2] == 0.25 and c['metric'][0] is None, c['metric']
EOF_PY
expect_error model_ref "mog.h5: --ref needs samples" \
  "$DIGS" analyze mog.h5 --ref exact
echo "sample: all ok"
