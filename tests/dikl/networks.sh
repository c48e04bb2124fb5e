# Shared by the trainer tests (sourced after tests/driver/common.sh).
# same_networks A.h5 B.h5 LABEL [GROUP...]: both model files hold
# bit-identical /dikl/GROUPs (default: both networks, the moving average,
# the selected generator and both Adam states) and training curves (wall
# time excepted), or the test fails naming LABEL.
same_networks() {
  a=$1; b=$2; label=$3; shift 3
  for g in ${*:-generator score best ema adam_generator adam_score}; do
    "$H5DIFF" "$a" "$b" "/dikl/$g" "/dikl/$g" || fail "$label: /dikl/$g differs"
  done
  for c in loss_score loss_generator acceptance eta metric; do
    "$H5DIFF" "$a" "$b" "/dikl/curves/$c" "/dikl/curves/$c" || fail "$label: curve $c differs"
  done
}

# close_first_step A.h5 B.h5 NET LABEL [RTOL]: after one Adam step from
# the same initial weights, network NET (generator or score) of the two
# files differs only by the rounding of its gradient's sum (bounds
# explained in test_score_chunks.sh); with RTOL, the last generator
# losses also agree within RTOL relative.
close_first_step() {
  "$PYTHON" - "$1" "$2" "$3" "${5:-}" <<'EOF2' || fail "$4: chunked step differs from the whole-batch step"
import sys, h5py, numpy as np
a, b = (h5py.File(f)["dikl"] for f in sys.argv[1:3])
net, rtol = sys.argv[3], sys.argv[4]
worst = gap = scale = 0.0
for name in a[net]:
    worst = max(worst, float(np.max(np.abs(a[net][name][()] - b[net][name][()]))))
m = f"adam_{net}/m"  # m = 0.1 g after one step: the gradient
for name in a[m]:
    x, y = a[m][name][()], b[m][name][()]
    gap = max(gap, float(np.max(np.abs(x - y))))
    scale = max(scale, float(np.max(np.abs(x))))
la, lb = (float(f["curves/loss_generator"][-1]) for f in (a, b))
print(f"ok: {net}: max |chunked - whole| = {worst:.3g} (bound 1e-6); "
      f"gradient: max gap {gap:.3g} of max {scale:.3g} (bound 1e-5 of it); "
      f"L_gen {la:.12g} vs {lb:.12g}")
assert scale > 0, f"the {net} did not step"
assert worst <= 1e-6, worst
assert gap <= 1e-5 * scale, (gap, scale)
if rtol:
    assert np.isfinite(la) and abs(la - lb) <= float(rtol) * abs(la), (la, lb)
EOF2
}

# gaussian_deck SCORE_STEPS [LINE...]: a one-iteration deck on a 3-D
# Gaussian with small MLPs (batch 64, model k1.h5) and the [dikl] LINEs.
gaussian_deck() {
  steps=$1; shift
  printf '%s\n' '[system]' 'potential = gaussian' 'dim = 3' 'mean = 1 -1 0.5' \
    'scales = 0.5 1.5 1' '' '[dikl]' 'seed = 4' 'network = mlp' \
    'generator_width = 16' 'generator_layers = 2' 'score_width = 32' \
    'score_layers = 2' 'beta_start = 1e-4' 'beta_end = 0.3' 'weight = inv_a' \
    'batch = 64' 'lr_score = 1e-3' "score_steps = $steps" 'iterations = 1' \
    'n_is = 4' 'ais_levels = 1' 'mala_steps = 2' 'mala_step = 0.05' \
    'model = k1.h5' "$@"
}

# dw4_deck [LINE...]: 4 iterations on DW-4 with tiny EGNNs (batch 24),
# selection and a moving average on, checkpoints every 2 (model np1.h5),
# and the [dikl] LINEs.
dw4_deck() {
  printf '%s\n' '[system]' 'potential = dw4' '' '[dikl]' 'seed = 5' \
    'generator_width = 8' 'generator_layers = 2' 'score_width = 8' \
    'score_layers = 2' 'batch = 24' 'score_steps = 2' 'iterations = 4' \
    'n_is = 4' 'ais_levels = 3' 'mala_steps = 6' 'sample_size = 3' \
    'selection = energy_tvd' 'check_every = 2' 'check_samples = 40' \
    'check_mala_steps = 3' 'checkpoint_every = 2' 'ema = 0.9' \
    'model = np1.h5' "$@"
}

# ranks_and_restart DECK LABEL: DECK (model np1.h5, 4 iterations) on 1, 2
# and 3 ranks (bit for bit), and 2 iterations on 3 ranks continued with
# --restart to 4 on 2 ranks, equal.
ranks_and_restart() {
  rr_deck=$1; rr_label=$2
  "$MPIRUN" -np 1 "$DIGS" run "$rr_deck" > np1.out
  for np in 2 3; do
    sed "s/np1.h5/np$np.h5/" "$rr_deck" > "np$np.ini"
    "$MPIRUN" --oversubscribe -np $np "$DIGS" run "np$np.ini" > "np$np.out"
    same_networks np1.h5 "np$np.h5" "$rr_label: ranks 1 vs $np"
    echo "ok: $rr_label: rank invariance 1 vs $np"
  done
  sed "s/np1.h5/rs.h5/; s/^iterations = 4/iterations = 2/" "$rr_deck" > rs2.ini
  sed "s/np1.h5/rs.h5/" "$rr_deck" > rs4.ini
  "$MPIRUN" --oversubscribe -np 3 "$DIGS" run rs2.ini > rs2.out
  "$MPIRUN" --oversubscribe -np 2 "$DIGS" run --restart rs4.ini > rs4.out
  grep -q "continuing rs.h5 at iteration 2" rs4.out || { cat rs4.out; fail "$rr_label: restart not continued"; }
  same_networks np1.h5 rs.h5 "$rr_label: restart on 3 then 2 ranks"
  echo "ok: $rr_label: restart 2 (3 ranks) -> 4 (2 ranks) equals 4 straight"
}
