#!/bin/sh
# The DiKL trainer end to end (`digs run` on a [dikl] deck):
#  1. it learns: a 2-D Gaussian N((2, -1), diag(0.5², 1.5²)) trained from
#     scratch; the generator's moments over 20000 samples must be within
#     0.2 of the mean and 20 % of each standard deviation.  Measured
#     (deck below): mean (2.00, -1.12), sd (0.437, 1.72).  A sign error in
#     the score difference or the MSI makes the generator diverge or
#     collapse (checked by hand: sd -> 0 or > 10).
#  2. rank-count invariance: a DW-4 EGNN run with model selection on 1, 2
#     and 3 ranks writes identical networks (h5diff, bit for bit), also
#     when each iteration's posterior batch goes to one rank
#     (DIKL_SPLIT_TEST; normally the split follows measured speeds).
#  3. exact restart: 2 iterations, then --restart to 4, equals 4 straight
#     (the DW-4 deck keeps a moving average of the generator, ema = 0.9,
#     which is checkpointed and compared too).
#  4. the same two with per-level step sizes (step_per_level = yes): the
#     per-level η (/dikl/eta_level) too; and a model written without them
#     continues with them (every level starting from its η).
#  5. a step with no usable gradient is skipped, not fatal: MoG-40 with
#     its guarded energy (+inf where log p < -1e4) has, at the noisiest
#     levels, posteriors whose every Stage-A particle is beyond the guard
#     (proposal width sigma/a ~ 1500 at t = 29, doc/dikl.md), so every
#     batch of 64 holds such an element: all 3 generator steps are
#     skipped, the generator stays at its initial weights (= a 1-iteration
#     run's), while the score network trains on, and nothing non-finite is
#     written.
#  6. deck errors: one clear line naming the file and the key.
. "$top_srcdir/tests/driver/common.sh"
. "$top_srcdir/tests/dikl/networks.sh"
cd "$work"
export OPENBLAS_NUM_THREADS=1

cat > gauss.ini <<'EOF2'
[system]
potential = gaussian
dim = 2
mean = 2 -1
scales = 0.5 1.5

[dikl]
seed = 3
network = mlp
generator_width = 32
generator_layers = 2
score_width = 64
score_layers = 2
beta_start = 1e-4
beta_end = 0.3
weight = inv_a
batch = 256
lr_generator = 3e-3
lr_score = 3e-3
score_steps = 5
iterations = 800
n_is = 10
ais_levels = 1
mala_steps = 5
mala_step = 0.05
model = gauss.h5
checkpoint_every = 800
progress_every = 400
EOF2
"$MPIRUN" -np 1 "$DIGS" run gauss.ini > gauss.out
grep -q "800 DiKL iterations" gauss.out || { cat gauss.out; fail "gauss: no summary"; }
"$DIGS" sample gauss.h5 --n 20000 -o gauss-samples.h5 > /dev/null
"$PYTHON" - <<'EOF2' || fail "gauss: moments"
import h5py, numpy as np
x = h5py.File("gauss-samples.h5")["particles/chains/position/value"][:].reshape(-1, 2)
m, s = x.mean(0), x.std(0)
print("ok: gauss: mean", m, "sd", s)
assert np.all(np.abs(m - [2, -1]) < 0.2), m
assert np.all(np.abs(s / [0.5, 1.5] - 1) < 0.2), s
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
model = dw4-np1.h5
EOF2
"$MPIRUN" -np 1 "$DIGS" run dw4.ini > dw4-np1.out
for np in 2 3; do
  sed "s/dw4-np1.h5/dw4-np$np.h5/" dw4.ini > dw4-$np.ini
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run dw4-$np.ini > dw4-np$np.out
  grep -q "rank $((np - 1)) time:" dw4-np$np.out || fail "np $np: no time split"
  same_networks dw4-np1.h5 dw4-np$np.h5 "ranks 1 vs $np"
  echo "ok: rank invariance 1 vs $np"
  # the posterior split follows measured speeds; any split must give the
  # same networks: here one rank takes the whole batch, in turn
  sed "s/dw4-np1.h5/dw4-split$np.h5/" dw4.ini > split-$np.ini
  DIKL_SPLIT_TEST=1 "$MPIRUN" -x DIKL_SPLIT_TEST --oversubscribe -np $np "$DIGS" run split-$np.ini > split-np$np.out
  same_networks dw4-np1.h5 dw4-split$np.h5 "ranks 1 vs $np, whole batch on one rank"
  echo "ok: rank invariance 1 vs $np with the batch on one rank at a time"
done

sed "s/dw4-np1.h5/dw4-rs.h5/; s/iterations = 4/iterations = 2/" dw4.ini > rs2.ini
sed "s/dw4-np1.h5/dw4-rs.h5/" dw4.ini > rs4.ini
"$MPIRUN" -np 1 "$DIGS" run rs2.ini > rs2.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run --restart rs4.ini > rs4.out
grep -q "continuing dw4-rs.h5 at iteration 2" rs4.out || { cat rs4.out; fail "restart: not continued"; }
same_networks dw4-np1.h5 dw4-rs.h5 "restart"
echo "ok: restart 2 -> 4 equals 4 straight"

# lr_drop: from iteration 3 on the generator's rate is 0, so its weights
# after 4 iterations are those after 3 (Adam moves θ by lr · m/denom);
# a restart at 2 continues the schedule
sed "s/dw4-np1.h5/drop3.h5/; s/iterations = 4/iterations = 3/" dw4.ini > drop3.ini
sed "s/dw4-np1.h5/drop4.h5/; s/^ema = 0.9/ema = 0.9\nlr_drop_at = 3\nlr_drop = 0/" dw4.ini > drop4.ini
"$MPIRUN" -np 1 "$DIGS" run drop3.ini > drop3.out
"$MPIRUN" -np 1 "$DIGS" run drop4.ini > drop4.out
"$H5DIFF" drop3.h5 drop4.h5 /dikl/generator /dikl/generator || fail "lr_drop: the generator moved"
if "$H5DIFF" -q drop3.h5 drop4.h5 /dikl/score /dikl/score; then fail "lr_drop: the score network stopped too"; fi
sed "s/drop4.h5/droprs.h5/; s/iterations = 4/iterations = 2/" drop4.ini > droprs2.ini
sed "s/drop4.h5/droprs.h5/" drop4.ini > droprs4.ini
"$MPIRUN" -np 1 "$DIGS" run droprs2.ini > droprs2.out
"$MPIRUN" -np 1 "$DIGS" run --restart droprs4.ini > droprs4.out
same_networks drop4.h5 droprs.h5 "lr_drop restart"
echo "ok: lr_drop stops the generator at iteration 3 and survives a restart"

# model selection only watches: with it off, the networks train the same
sed "s/dw4-np1.h5/nosel.h5/; s/^selection = energy_tvd/selection = none/" dw4.ini > nosel.ini
"$MPIRUN" -np 1 "$DIGS" run nosel.ini > nosel.out
for g in generator score ema adam_generator adam_score; do
  "$H5DIFF" dw4-np1.h5 nosel.h5 "/dikl/$g" "/dikl/$g" || fail "selection changed /dikl/$g"
done
echo "ok: selection does not change the training"

# per-level step sizes: rank-count invariance and exact restart
same_levels() {
  same_networks "$1" "$2" "$3"
  "$H5DIFF" "$1" "$2" /dikl/eta_level /dikl/eta_level || fail "$3: /dikl/eta_level differs"
}
for np in 1 2 3; do
  sed "s/dw4-np1.h5/lv-np$np.h5/; s/^seed = 5/seed = 5\nstep_per_level = yes/" dw4.ini > lv-$np.ini
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run lv-$np.ini > lv-np$np.out
done
same_levels lv-np1.h5 lv-np2.h5 "levels: ranks 1 vs 2"
same_levels lv-np1.h5 lv-np3.h5 "levels: ranks 1 vs 3"
echo "ok: step_per_level: rank invariance 1 vs 2, 3"
sed "s/lv-np1.h5/lv-rs.h5/; s/iterations = 4/iterations = 2/" lv-1.ini > lvrs2.ini
sed "s/lv-np1.h5/lv-rs.h5/" lv-1.ini > lvrs4.ini
"$MPIRUN" -np 1 "$DIGS" run lvrs2.ini > lvrs2.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run --restart lvrs4.ini > lvrs4.out
grep -q "continuing lv-rs.h5 at iteration 2" lvrs4.out || { cat lvrs4.out; fail "levels restart: not continued"; }
same_levels lv-np1.h5 lv-rs.h5 "levels: restart"
echo "ok: step_per_level: restart 2 -> 4 equals 4 straight"
"$PYTHON" - <<'EOF2' || fail "levels: eta_level"
import h5py, numpy as np
lv = h5py.File("lv-np1.h5")["dikl"]
eta = lv["eta_level"][:]
print("ok: eta_level", eta)
assert len(eta) == 30 and eta[0] == 0.01, eta
assert np.all(eta > 0) and len(set(eta[1:])) > 1, eta  # adapted per level
assert "eta_level" not in h5py.File("dw4-np1.h5")["dikl"]
EOF2
# a model without per-level steps continues with them
sed "s/dw4-np1.h5/lv-old.h5/; s/iterations = 4/iterations = 2/" dw4.ini > old2.ini
sed "s/lv-np1.h5/lv-old.h5/" lv-1.ini > old4.ini
"$MPIRUN" -np 1 "$DIGS" run old2.ini > old2.out
"$MPIRUN" -np 1 "$DIGS" run --restart old4.ini > old4.out
grep -q "continuing lv-old.h5 at iteration 2" old4.out || { cat old4.out; fail "old model: not continued"; }
"$H5DIFF" lv-old.h5 lv-old.h5 /dikl/eta_level /dikl/eta_level || fail "old model: no eta_level written"
echo "ok: a model without per-level steps continues with them"

cat > skip.ini <<'EOF2'
[system]
potential = mog40

[dikl]
seed = 2
network = mlp
generator_width = 16
generator_layers = 2
score_width = 16
score_layers = 2
beta_start = 1e-4
beta_end = 0.7
weight = inv_a
batch = 64
score_steps = 2
iterations = 3
n_is = 4
ais_levels = 2
ais_kernel = hmc
ais_step = 1.0
mala_steps = 2
mala_step = 0.01
adaptive_step = no
model = skip3.h5
EOF2
sed "s/skip3.h5/skip1.h5/; s/iterations = 3/iterations = 1/" skip.ini > skip1.ini
"$MPIRUN" -np 1 "$DIGS" run skip.ini > skip3.out || { cat skip3.out; fail "skip: the run failed"; }
"$MPIRUN" -np 1 "$DIGS" run skip1.ini > skip1.out || { cat skip1.out; fail "skip: the run failed"; }
grep -q "3 steps skipped" skip3.out || { cat skip3.out; fail "skip: not every step was skipped"; }
"$H5DIFF" skip1.h5 skip3.h5 /dikl/generator /dikl/generator || fail "skip: the generator moved"
if "$H5DIFF" -q skip1.h5 skip3.h5 /dikl/score /dikl/score; then fail "skip: the score network did not train"; fi
"$PYTHON" - <<'EOF2' || fail "skip: non-finite values written"
import h5py, numpy as np
f = h5py.File("skip3.h5")["dikl"]
def finite(name, obj):
    if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and not name.startswith("curves"):
        assert np.all(np.isfinite(obj[()])), name
f.visititems(finite)
print("ok: skip: networks finite")
EOF2
echo "ok: 3 generator steps without a usable gradient skipped"

printf '[system]\npotential = dw4\n[dikl]\niterations = 2\nscore_stepz = 3\n' > typo.ini
expect_error typo "typo.ini:5" "$DIGS" run typo.ini
printf '[system]\npotential = manywell32\n[dikl]\niterations = 2\nnetwork = egnn\n' > egnn.ini
expect_error egnn "egnn.ini:5" "$DIGS" run egnn.ini
printf '[system]\npotential = dw4\n[dikl]\nbatch = 8\n' > noit.ini
expect_error noit "iterations" "$DIGS" run noit.ini
