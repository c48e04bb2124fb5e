#!/bin/sh
# The coupled DiGS + DiKL job (`digs run` on a deck with [run] method and
# [dikl]; doc/coupled.md), end to end under mpirun:
#  1. rank-count invariance with every flow switched on: 1, 2 and 3 ranks
#     write the same chains, generator sample sets and networks (h5diff,
#     bit for bit);
#  2. with no flow into the chains, the chains equal a stand-alone DiGS
#     run of the same [run]/[digs]/[output] deck: the trainer may make
#     them wait, never change their numbers;
#  3. exact restart: 2 iterations, then --restart extended to 4, equals 4
#     straight (chains, generator sets, networks);
#  4. the time split names every rank, and deck errors are one clear line.
# Chains move between ranks at meetings (load balancing, on by default,
# driven by timing); runs marked "moving" force a fixed pattern of moves
# at every meeting (DIGS_BALANCE_TEST), and give the trainer's whole
# posterior batch to one rank at a time (DIKL_SPLIT_TEST); they must
# still equal 1 rank's.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
export OPENBLAS_NUM_THREADS=1

# 9 chains (uneven blocks on 2 and 3 ranks), K = 2 sweeps per iteration.
cat > base.ini <<'EOF2'
[system]
potential = dw4

[run]
method = digs
chains = 9
sweeps = 8
seed = 4
init = normal
init_scale = 2
exchange_every = 2

[digs]
levels = 2
alpha_min = 0.6
alpha_max = 0.9
gibbs_sweeps = 2
mala_steps = 2
step_size = auto
step_size_init = 0.01
adapt_until = 6

[output]
trajectory = TRAJ.h5
every = 2
checkpoint = TRAJ.ckpt
checkpoint_every = 4
EOF2
cat > dikl.part <<'EOF2'

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
step_per_level = yes
pool_moves = 2
selection = reference
check_every = 2
check_samples = 40
model = TRAJ-model.h5
progress_every = 1
EOF2
cat > coupled.part <<'EOF2'

[coupled]
rank0_chains = 0.5
step_sizes = yes
feedback = yes
reference = yes
posterior_pool = yes
reference_records = 2
chains_from_generator = 2
sample_every = 2
sample_size = 7
EOF2
deck() { # deck NAME PARTS... : base + parts with TRAJ -> NAME
  name=$1; shift
  cat base.ini "$@" | sed "s/TRAJ/$name/g" > "$name.ini"
}

same_chains() {
  for d in /particles/chains/position/value /observables/potential_energy/value; do
    "$H5DIFF" "$1.h5" "$2.h5" "$d" "$d" || fail "$3: $d differs"
  done
}
moving() { # moving NP NAME : run NAME.ini with forced moves, check they happened
  DIGS_BALANCE_TEST=1 DIKL_SPLIT_TEST=1 "$MPIRUN" -x DIGS_BALANCE_TEST -x DIKL_SPLIT_TEST --oversubscribe -np $1 "$DIGS" run $2.ini > $2.out \
    || { cat $2.out; fail "$2: run with chains moving on $1 ranks"; }
  grep -q "chains per rank at the end: .* (moved at [1-9][0-9]* of" $2.out \
    || { cat $2.out; fail "$2: no chains moved"; }
}
same_generator() {
  for d in /particles/generator/position/value /particles/generator/potential_energy/value; do
    "$H5DIFF" "$1.h5" "$2.h5" "$d" "$d" || fail "$3: $d differs"
  done
  for g in generator score best; do
    "$H5DIFF" "$1-model.h5" "$2-model.h5" "/dikl/$g" "/dikl/$g" \
      || fail "$3: /dikl/$g differs"
  done
}

# 1. rank-count invariance, every flow on
for np in 1 2 3; do
  deck all$np dikl.part coupled.part
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run all$np.ini > all$np.out \
    || { cat all$np.out; fail "coupled run on $np ranks"; }
  grep -q "rank $((np - 1)) time: chains" all$np.out || { cat all$np.out; fail "np $np: no time split"; }
  grep -q "coupling loss" all$np.out || fail "np $np: no coupling loss"
done
"$H5DIFF" all1.h5 all1.h5 /particles/generator/position/value > /dev/null \
  || fail "no generator group"
for np in 2 3; do
  sed "s/all1/move$np/g" all1.ini > move$np.ini
  moving $np move$np
  same_chains all1 move$np "chains moving, ranks 1 vs $np"
  same_generator all1 move$np "chains moving, ranks 1 vs $np"
  "$H5DIFF" all1.h5 move$np.h5 /observables/acceptance/value /observables/acceptance/value \
    || fail "chains moving: per-frame acceptance differs"
done
echo "ok: chains moving between ranks at meetings change nothing (2 and 3 ranks)"
for np in 2 3; do
  same_chains all1 all$np "ranks 1 vs $np"
  same_generator all1 all$np "ranks 1 vs $np"
  echo "ok: coupled rank invariance 1 vs $np"
done
# chain points every 2 iterations: ranks other than 0 may run ahead
for np in 1 3; do
  sed -e 's/^exchange_every = 2/exchange_every = 4/' -e 's/^every = 2/every = 4/' \
      -e 's/^checkpoint_every = 4/checkpoint_every = 8/' -e "s/all1/drift$np/g" all1.ini > drift$np.ini
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run drift$np.ini > drift$np.out
done
same_chains drift1 drift3 "chain points every 2 iterations, ranks 1 vs 3"
same_generator drift1 drift3 "chain points every 2 iterations, ranks 1 vs 3"
echo "ok: rank invariance with ranks running ahead between chain points"
# meetings 8 sweeps apart once the step sizes are fixed (after sweep 4):
# the records and pooling points at sweeps 6, 10, 12 and 14 are taken by
# each rank alone and finished at the next meeting
apart() { # apart NAME PARTS... : 16 sweeps, 8 iterations, meet_every 8
  deck "$@"
  sed -i -e 's/^sweeps = 8/sweeps = 16/' -e 's/^iterations = 4/iterations = 8/' \
      -e 's/^adapt_until = 6/adapt_until = 4/' -e 's/^checkpoint_every = 4/checkpoint_every = 8/' "$1.ini"
  if grep -q '^\[coupled\]' "$1.ini"; then
    sed -i 's/^\[coupled\]/[coupled]\nmeet_every = 8/' "$1.ini"
  fi
}
same_pooling() { # per-frame and pooled per-level acceptance, step sizes
  for d in /observables/acceptance/value /record_observables/acceptance/value \
           /record_observables/acceptance/step /record_observables/step_size/value; do
    "$H5DIFF" "$1.h5" "$2.h5" "$d" "$d" || fail "$3: $d differs"
  done
}
for np in 1 3; do
  apart apart$np dikl.part coupled.part
  "$MPIRUN" --oversubscribe -np $np "$DIGS" run apart$np.ini > apart$np.out \
    || { cat apart$np.out; fail "meetings apart on $np ranks"; }
done
same_chains apart1 apart3 "meetings apart, ranks 1 vs 3"
same_generator apart1 apart3 "meetings apart, ranks 1 vs 3"
same_pooling apart1 apart3 "meetings apart, ranks 1 vs 3"
sed "s/apart1/moveapart/g" apart1.ini > moveapart.ini
moving 3 moveapart
same_chains apart1 moveapart "meetings apart, chains moving"
same_generator apart1 moveapart "meetings apart, chains moving"
same_pooling apart1 moveapart "meetings apart, chains moving"
echo "ok: rank invariance with records and pooling between meetings (and chains moving)"
"$PYTHON" - <<'EOF2' || fail "generator sets"
import h5py, numpy as np
f = h5py.File("all1.h5")
g = f["particles/generator/position/value"]
assert g.shape == (2 * 7, 4, 2), g.shape          # iterations 2 and 4
s = f["particles/generator/position/step"][:]
assert list(s) == [2] * 7 + [4] * 7, s              # one step per frame
e = f["particles/generator/potential_energy/value"][:]
assert e.shape == (14,) and np.all(np.isfinite(e)), e
print("ok: generator sets", g.shape, "steps", sorted(set(s)))
EOF2

# 2. no flow into the chains: the chains equal stand-alone DiGS
sed 's/^feedback = yes/feedback = no/; s/^chains_from_generator = 2/chains_from_generator = 0/' \
  coupled.part > quiet.part
deck quiet dikl.part quiet.part
deck alone
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run quiet.ini > quiet.out
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run alone.ini > alone.out
same_chains quiet alone "coupled (no flow into the chains) vs stand-alone DiGS"
echo "ok: the trainer does not change the chains"
apart quietapart dikl.part quiet.part
apart aloneapart
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run quietapart.ini > quietapart.out
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run aloneapart.ini > aloneapart.out
same_chains quietapart aloneapart "meetings apart vs stand-alone DiGS"
same_pooling quietapart aloneapart "meetings apart vs stand-alone DiGS"
echo "ok: records and pooling between meetings equal stand-alone DiGS's"
deck alone1
"$MPIRUN" -np 1 "$DIGS" run alone1.ini > alone1.out
if "$H5DIFF" -q all1.h5 alone1.h5 /particles/chains/position/value \
     /particles/chains/position/value; then
  fail "feedback and chains_from_generator did not change the chains"
fi
echo "ok: the flows into the chains change them"

# 3. restart: 2 iterations (4 sweeps), then extended to 4 on 2 ranks
deck rs dikl.part coupled.part
sed 's/^sweeps = 8/sweeps = 4/; s/^iterations = 4/iterations = 2/' rs.ini > rs2.ini
"$MPIRUN" -np 1 "$DIGS" run rs2.ini > rs2.out
"$MPIRUN" --oversubscribe -np 2 "$DIGS" run --restart rs.ini > rs4.out \
  || { cat rs4.out; fail "restart"; }
same_chains all1 rs "restart"
same_generator all1 rs "restart"
echo "ok: coupled restart 2 -> 4 equals 4 straight"
apart rsapart dikl.part coupled.part
sed 's/^sweeps = 16/sweeps = 8/; s/^iterations = 8/iterations = 4/' rsapart.ini > rsapart4.ini
"$MPIRUN" --oversubscribe -np 3 "$DIGS" run rsapart4.ini > rsapart4.out
DIGS_BALANCE_TEST=1 DIKL_SPLIT_TEST=1 "$MPIRUN" -x DIGS_BALANCE_TEST -x DIKL_SPLIT_TEST --oversubscribe -np 2 "$DIGS" run --restart rsapart.ini > rsapart8.out \
  || { cat rsapart8.out; fail "restart, meetings apart"; }
same_chains apart1 rsapart "restart, meetings apart"
same_generator apart1 rsapart "restart, meetings apart"
same_pooling apart1 rsapart "restart, meetings apart"
echo "ok: coupled restart 4 -> 8 (meetings apart, chains moving) equals 8 straight"

# 4. deck errors
sed 's/^sweeps = 8/sweeps = 9/' all1.ini > odd.ini
expect_error odd "odd.ini:7" "$DIGS" run odd.ini
sed "s/^exchange_every = 2/exchange_every = 1/" all1.ini > exch.ini
expect_error exch "exch.ini:11" "$DIGS" run exch.ini
sed 's/^step_per_level = yes/step_per_level = no/' all1.ini > steps.ini
expect_error steps "step_per_level" "$DIGS" run steps.ini
sed 's/^\[coupled\]/[coupled]\nmeet_every = 3/' all1.ini > meet.ini
expect_error meet "meet.ini:50: meet_every = 3 must be a multiple" "$DIGS" run meet.ini
