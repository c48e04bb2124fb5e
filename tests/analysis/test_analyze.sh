#!/bin/sh
# digs analyze end to end: small runs made with the built digs, checked
# through --json against closed forms and the noise floors of REFERENCE.md
# §8.10; a file against itself; the DW-4 val split against itself; plots;
# error messages.  Bootstraps are shortened (--bootstrap 3) to keep the
# test within seconds; every seed is fixed, so the numbers are
# deterministic and the ranges below only guard against real changes.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
check() { "$PYTHON" "$top_srcdir/tests/analysis/test_analyze_check.py" "$@"; }

# ---- a correct sampler vs exact draws, and vs a wrong reference ---------
# 3-D correlated Gaussian (potential gaussian: scales 1 2 0.5, AR(1) rho
# 0.3).  E = 1/2 chi^2_3 + 1/2 log det(2 pi Sigma), so
# E[E] = 3/2 + 1/2 (3 log 2 pi + 2 log(1 * 2 * 0.5) + 2 log(1 - 0.3^2))
#      = 4.1625075.
cat > g.ini <<EOD
[system]
potential = gaussian
dim = 3
scales = 1 2 0.5
correlation = 0.3

[run]
method = mala
chains = 20
sweeps = 200
seed = 3
init = exact

[mala]
step_size = 0.1

[output]
trajectory = g.h5
EOD
"$DIGS" run g.ini --quiet
"$DIGS" analyze g.h5 --ref exact --ref-samples 4000 --bootstrap 3 \
  --subset 1000 --observable sweep --json g.json > g.txt
cat g.txt
grep -q 'Against the reference: exact gaussian sampler (4000 draws, seed 1)' g.txt ||
  fail "gaussian: no reference line"
# --observable sweep: records at sweeps 1..200, mean 100.5 and sd
# sqrt(200 * 201 / 12 * 4000 / 3999) = 57.74.
# The mean energy within 5 standard errors of the exact 4.1625 (SE ~ 0.05:
# 20 chains x 200 records with IAT ~ 10); energy TVD of 1000 vs 1000 exact
# samples sits at its floor (~0.19 with 200 bins); W2 of 1000 vs 1000 at
# 0.3-0.55 (the run's rows are autocorrelated); both far below the wrong
# reference's numbers below.
se=$("$PYTHON" -c "import json; print(json.load(open('g.json'))['statistics']['potential_energy']['se'])")
lo=$("$PYTHON" -c "print(4.1625075 - 5 * $se)")
hi=$("$PYTHON" -c "print(4.1625075 + 5 * $se)")
check g.json run.chains 20 20 run.records 200 200 run.frames 4000 4000 \
  statistics.potential_energy.mean "$lo" "$hi" \
  statistics.potential_energy.se 0.01 0.2 \
  statistics.potential_energy.iat 1 40 \
  statistics.acceptance.mean 0.8 1 \
  statistics.sweep.mean 100.5 100.5 statistics.sweep.sd 57.7 57.8 \
  metrics.bootstrap_subset 1000 1000 metrics.bootstrap_repeats 3 3 \
  metrics.energy_tvd.mean 0.1 0.3 metrics.w2.mean 0.2 1.0
# reference drawn from N(mean + 1.5, Sigma): the run's energies of those
# samples are far larger, so the energy TVD is large; W2 ~ |shift| = 2.6
"$PYTHON" -c "
import numpy as np
s = np.array([1.0, 2.0, 0.5]); rho = 0.3
cov = np.array([[s[i] * s[j] * rho ** abs(i - j) for j in range(3)] for i in range(3)])
x = np.random.default_rng(7).multivariate_normal(np.full(3, 1.5), cov, 4000)
np.save('shifted.npy', x)"
"$DIGS" analyze g.h5 --ref shifted.npy --bootstrap 3 --subset 1000 \
  --json shifted.json > shifted.txt
check shifted.json reference.samples 4000 4000 \
  metrics.energy_tvd.mean 0.5 1 metrics.w2.mean 2.2 3.0

# ---- a file against itself: every row matched, so W2 = TVD = 0 -----------
cat > m.ini <<EOD
[system]
potential = mog40

[run]
method = mala
chains = 300
sweeps = 3
seed = 9
init = exact

[mala]
step_size = 0.5

[output]
trajectory = m.h5
EOD
"$DIGS" run m.ini --quiet
"$DIGS" analyze m.h5 --ref m.h5 --subset 100000 --bootstrap 2 \
  --json self.json > self.txt
check self.json metrics.bootstrap_subset 900 900 \
  metrics.energy_tvd.mean 0 0 metrics.w2.mean 0 0 \
  metrics.mmd.value -1e-12 1e-12 metrics.stored_energy_mismatch 0 1e-9
grep -q 'fewer rows than --subset 100000' self.txt || fail "self: no subset note"

# ---- mog40 from exact starts vs exact draws; plots ---------------------------
# 300 chains of 3 records started from exact draws (MALA barely moves
# between modes).  The MMD of their first record (300 independent draws)
# against 300 exact samples measured 0.004-0.028 over 8 run seeds, against
# 0.77 for a sampler stuck in few modes (MALA from 0, §9.1); RMAE of 1000
# exact draws has sd 1719/sqrt(1000)/1777 = 0.03 (§7.1).
"$DIGS" analyze m.h5 --ref exact --ref-samples 1000 --bootstrap 2 \
  --subset 300 --mmd-samples 300 --modes --json mog.json --plot plots > mog.txt
cat mog.txt
check mog.json metrics.mmd.n 300 300 metrics.mmd.value 0 0.06 \
  mog40.e_true_analytic 1776.8 1776.9 mog40.e_true_notebook 1821.1072 1821.1072 \
  mog40.reference.rmae_analytic 0 0.12 mog40.run.modes_covered 38 40
grep -q 'MMD on the first 300 rows of each set (run 900, reference 1000; cap' mog.txt ||
  fail "mog40: no MMD size note"
[ "$(grep -c '^ *[0-9][0-9]* *-*[0-9.]* *-*[0-9.]* *[0-9.]* ± ' mog.txt)" -eq 40 ] ||
  fail "mog40: --modes did not print 40 rows"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  for png in energy_hist autocorr mog40_samples; do
    [ -s plots/$png.png ] || fail "plot $png.png missing"
  done
  check plots/analysis.json chains 300 300 records 3 3
else
  echo "skip: no matplotlib for /usr/bin/python3"
fi

# ---- manywell32: well occupations near 0.8443 ------------------------------
cat > w.ini <<EOD
[system]
potential = manywell32

[run]
method = mala
chains = 20
sweeps = 30
seed = 2
init = exact

[mala]
step_size = 0.01

[output]
trajectory = w.h5
EOD
"$DIGS" run w.ini --quiet
"$DIGS" analyze w.h5 --burn-in 10 --json w.json > w.txt
# 20 chains started from exact draws: the mean over 16 wells of 20 draws
# each has sd sqrt(0.13/320) = 0.02 around 0.8443
check w.json run.burn_in 10 10 run.records 20 20 manywell32.exact 0.8443 0.8443 \
  manywell32.run.mean 0.76 0.93
grep -q 'Many-Well-32: P(x_2i > 0) per double well' w.txt || fail "manywell: no table"

# ---- DW-4 val split: first half (as an H5MD run) vs second half (.npy) -----
# Both halves come from the same MCMC source, like §8.10's val vs test:
# x-W2 1.453, energy TVD 0.150, distance TVD 0.059 (2000 vs 2000); this
# comparison measures 1.47 / 0.14 / 0.061.  The data are not centred
# (§11.1): without centring W2 would be ~8.
"$PYTHON" - "$DIGS_SHARED_DIR/data/val_split_DW4.npy" <<'EOD'
import sys
import h5py
import numpy as np
x = np.load(sys.argv[1]).astype(np.float64).reshape(-1, 4, 2)
run, ref = x[:5000], x[5000:]
d = np.linalg.norm(run[:, :, None, :] - run[:, None, :, :], axis=-1)
iu = np.triu_indices(4, 1)
e = (0.9 * (d[:, iu[0], iu[1]] - 4) ** 4 - 4 * (d[:, iu[0], iu[1]] - 4) ** 2).sum(1)
chains = 50
with h5py.File("dw4.h5", "w") as f:
    f.create_group("h5md").attrs["version"] = [1, 1]
    f["particles/chains/position/value"] = run
    f["observables/chain_id/value"] = np.arange(5000) % chains
    f["observables/sweep/value"] = np.arange(5000) // chains + 1
    f["observables/potential_energy/value"] = e
    f["parameters/deck"] = "[system]\npotential = dw4\n"
    f["parameters/potential"] = "dw4"
np.save("dw4-ref.npy", ref.astype(np.float32))
EOD
"$DIGS" analyze dw4.h5 --ref dw4-ref.npy --bootstrap 3 --json dw4.json > dw4.txt
cat dw4.txt
check dw4.json metrics.bootstrap_subset 2000 2000 \
  metrics.w2.mean 1.35 1.6 metrics.energy_tvd.mean 0.11 0.19 \
  metrics.distance_tvd.mean 0.045 0.075 metrics.stored_energy_mismatch 0 1e-9 \
  metrics.w2.floor 1.453 1.453

# ---- errors: one "digs:" line, exit 1 ----------------------------------------
printf 'not hdf5\n' > text.h5
"$PYTHON" -c "
import h5py, numpy as np
h5py.File('plain.h5', 'w').create_dataset('x', data=[1.0])
with h5py.File('nochain.h5', 'w') as f:
    f.create_group('h5md')
    f['particles/chains/position/value'] = np.zeros((4, 1, 3))
np.save('wrongdim.npy', np.zeros((10, 5)))"
expect_error missing 'nothere.h5: cannot open (No such file or directory)' \
  "$DIGS" analyze nothere.h5
expect_error not-hdf5 'text.h5: not an HDF5 file' "$DIGS" analyze text.h5
expect_error not-h5md 'plain.h5: not an H5MD file (no /h5md group)' \
  "$DIGS" analyze plain.h5
expect_error no-chain-id 'nochain.h5: no dataset /observables/chain_id/value' \
  "$DIGS" analyze nochain.h5
expect_error no-group 'g.h5: no dataset /particles/other/position/value' \
  "$DIGS" analyze g.h5 --group other
expect_error wrong-dim 'wrongdim.npy: reference of shape [10, 5] does not fit potential gaussian; expected [n, 3]' \
  "$DIGS" analyze g.h5 --ref wrongdim.npy
expect_error no-exact '--ref exact: potential dw4 has no exact sampler' \
  "$DIGS" analyze dw4.h5 --ref exact
expect_error ref-missing 'absent.npy: cannot open' \
  "$DIGS" analyze g.h5 --ref absent.npy
expect_error burn-in '--burn-in 200 leaves no records (the file has 200)' \
  "$DIGS" analyze g.h5 --burn-in 200
expect_error no-observable 'no dataset /observables/nothing/value' \
  "$DIGS" analyze g.h5 --observable nothing
"$PYTHON" -c "
import h5py, shutil
shutil.copy('g.h5', 'baddeck.h5')
with h5py.File('baddeck.h5', 'r+') as f:
    del f['parameters/deck']
    f['parameters/deck'] = '[system]\\npotential = gaussian\\nbogus = 1\\n'"
expect_error bad-deck 'bogus' "$DIGS" analyze baddeck.h5
expect_error_mpi mpi-missing 'nothere.h5: cannot open' 2 "$DIGS" analyze nothere.h5
set +e
"$DIGS" analyze g.h5 --bootstrap x > usage.out 2> usage.err
code=$?
set -e
[ "$code" -eq 2 ] || fail "usage error: exit code $code, expected 2"
grep -q -- '--bootstrap needs an integer' usage.err || fail "usage: no reason"

# ---- two ranks: rank 0 prints the table once --------------------------------
mpi 2 "$DIGS" analyze g.h5 > mpi.txt
[ "$(grep -c '^digs analyze: g.h5' mpi.txt)" -eq 1 ] || fail "2 ranks: table not printed once"
echo "analyze: all ok"
