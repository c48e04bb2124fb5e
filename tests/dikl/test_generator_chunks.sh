#!/bin/sh
# The generator pass split over the ranks (src/dikl/generator_phase.c,
# [dikl] generator_chunks = K > 1):
#  1. it computes the same step: after one iteration with no score steps
#     from the same initial weights, K = 4 and K = 1 (rank 0 alone, the
#     whole batch) give generators that differ only by the rounding of the
#     gradient sum (the bounds of test_score_chunks.sh: Adam's first step
#     moves a parameter by at most lr = 1e-3, two float32 sums of the same
#     terms by ~1e-7·lr, a wrong chunk by O(lr); its first moment 0.1·g
#     within 1e-5 of its largest entry), and the same surrogate loss.
#  2. rank-count invariance: K = 3 on 1, 2 and 3 ranks (3 chunks over 2
#     ranks: uneven, rank 0 keeps two forwards) and K = 2 on 3 ranks (a
#     rank with no chunk) write identical networks, moving average, Adam
#     states and curves (h5diff, bit for bit), with model selection on.
#  3. exact restart across rank counts: 2 iterations on 3 ranks, then
#     --restart to 4 on 2 ranks, equals 4 straight.
#  4. deck errors: K = 0, and K > 1 without score_chunks > 1, name the
#     file and line.
. "$top_srcdir/tests/driver/common.sh"
. "$top_srcdir/tests/dikl/networks.sh"
cd "$work"
export OPENBLAS_NUM_THREADS=1

cat > one.ini <<'EOF2'
[system]
potential = gaussian
dim = 3
mean = 1 -1 0.5
scales = 0.5 1.5 1

[dikl]
seed = 4
network = mlp
generator_width = 16
generator_layers = 2
score_width = 32
score_layers = 2
beta_start = 1e-4
beta_end = 0.3
weight = inv_a
batch = 64
lr_generator = 1e-3
score_steps = 0
score_chunks = 2
iterations = 1
n_is = 4
ais_levels = 1
mala_steps = 2
mala_step = 0.05
model = k1.h5
EOF2
sed "s/k1.h5/k4.h5/; s/^score_chunks = 2/score_chunks = 2\ngenerator_chunks = 4/" one.ini > four.ini
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run one.ini > k1.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run four.ini > k4.out
"$PYTHON" - <<'EOF2' || fail "chunked generator step differs from the whole-batch step"
import h5py, numpy as np
a, b = h5py.File("k1.h5")["dikl"], h5py.File("k4.h5")["dikl"]
worst = gap = scale = 0.0
for name in a["generator"]:
    x, y = a["generator"][name][()], b["generator"][name][()]
    worst = max(worst, float(np.max(np.abs(x - y))))
for name in a["adam_generator/m"]:  # m = 0.1 g after one step
    x, y = a["adam_generator/m"][name][()], b["adam_generator/m"][name][()]
    gap = max(gap, float(np.max(np.abs(x - y))))
    scale = max(scale, float(np.max(np.abs(x))))
la = float(a["curves/loss_generator"][-1]); lb = float(b["curves/loss_generator"][-1])
print(f"ok: max |gen(K=4) - gen(K=1)| = {worst:.3g} (bound 1e-6); "
      f"gradient: max gap {gap:.3g} of max {scale:.3g} (bound 1e-5 of it); "
      f"L_gen {la:.9g} vs {lb:.9g}")
assert scale > 0, "the generator did not step"
assert worst <= 1e-6, worst
assert gap <= 1e-5 * scale, (gap, scale)
assert np.isfinite(la) and abs(la - lb) <= 1e-9 * max(1.0, abs(la)), (la, lb)
EOF2

cat > dw4.ini <<'EOF2'
[system]
potential = dw4

[dikl]
seed = 5
generator_width = 8
generator_layers = 2
score_width = 8
score_layers = 2
batch = 24
score_steps = 2
score_chunks = 2
generator_chunks = 3
iterations = 4
n_is = 4
ais_levels = 3
mala_steps = 6
sample_size = 3
selection = energy_tvd
check_every = 2
check_samples = 40
check_mala_steps = 3
checkpoint_every = 2
ema = 0.9
model = np1.h5
EOF2
"$MPIRUN" -np 1 "$DIGS" run dw4.ini > np1.out
for np in 2 3; do
  sed "s/np1.h5/np$np.h5/" dw4.ini > dw4-$np.ini
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run dw4-$np.ini > np$np.out
  same_networks np1.h5 np$np.h5 "generator_chunks = 3: ranks 1 vs $np"
  echo "ok: generator_chunks = 3: rank invariance 1 vs $np"
done
sed "s/np1.h5/two1.h5/; s/^generator_chunks = 3/generator_chunks = 2/" dw4.ini > two1.ini
sed "s/np1.h5/two3.h5/; s/^generator_chunks = 3/generator_chunks = 2/" dw4.ini > two3.ini
"$MPIRUN" -np 1 "$DIGS" run two1.ini > two1.out
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run two3.ini > two3.out
same_networks two1.h5 two3.h5 "generator_chunks = 2: ranks 1 vs 3"
echo "ok: generator_chunks = 2: rank invariance 1 vs 3 (one rank without a chunk)"
sed "s/np1.h5/rs.h5/; s/iterations = 4/iterations = 2/" dw4.ini > rs2.ini
sed "s/np1.h5/rs.h5/" dw4.ini > rs4.ini
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run rs2.ini > rs2.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run --restart rs4.ini > rs4.out
grep -q "continuing rs.h5 at iteration 2" rs4.out || { cat rs4.out; fail "restart: not continued"; }
same_networks np1.h5 rs.h5 "generator_chunks = 3: restart on 3 then 2 ranks"
echo "ok: generator_chunks = 3: restart 2 (3 ranks) -> 4 (2 ranks) equals 4 straight"

printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\nscore_chunks = 2\ngenerator_chunks = 0\n' > zero.ini
expect_error zero "zero.ini:7" "$DIGS" run zero.ini
printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nbatch = 8\ngenerator_chunks = 2\n' > alone.ini
expect_error alone "alone.ini:6" "$DIGS" run alone.ini
grep -q "score_chunks > 1" alone.err || { cat alone.err; fail "generator_chunks without score_chunks: reason not given"; }
