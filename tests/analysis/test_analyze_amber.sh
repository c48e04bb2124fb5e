#!/bin/sh
# digs analyze on alanine dipeptide (doc/analysis.md "Alanine dipeptide"):
# a short MALA run of the amber target, analysed with --json, --plot and
# --pdb; the JSON's "ramachandran" keys and ranges, the run against itself
# (KL = TVD = 0), the PDB's model and atom counts and coordinates (Å = 10
# x the stored nm, to the PDB's 3 decimals) against h5py, and our φ/ψ
# against MDAnalysis's Ramachandran (Debian python3-mdanalysis 2.4).
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
top=$(cd "$top_srcdir" && pwd)

cat > ala.ini <<EOD
[system]
potential   = amber
topology    = $top/forcefields/ala2-ff96.top
solvent     = obc1
temperature = 300

[run]
method = mala
chains = 4
sweeps = 200
seed   = 1
init   = start

[mala]
step_size = 0.000001

[output]
trajectory = ala.h5
every      = 10
EOD
"$DIGS" run ala.ini --quiet
"$DIGS" analyze ala.h5 --ref ala.h5 --bootstrap 2 --subset 80 \
  --json ala.json --plot plots --pdb all.pdb > ala.txt
cat ala.txt
grep -q 'Alanine dipeptide: Ramachandran' ala.txt || fail "no Ramachandran section"
grep -q 'backbone atoms (by name): phi 4-6-8-14, psi 6-8-14-16, CB 10' ala.txt ||
  fail "backbone atoms not found by name"
if grep -q 'opposite CA chirality' ala.txt; then fail "chirality flagged"; fi
for png in rama_hist rama_free_energy rama_phi_psi; do
  test -s "plots/$png.png" || fail "no plots/$png.png"
done
"$DIGS" analyze ala.h5 --pdb c1.pdb --chain 1 --frames 2:10:3 > /dev/null

"$PYTHON" - <<'EOD'
import json, math, sys
import h5py
import numpy as np

def fail(msg):
    sys.exit("FAIL: " + msg)

res = json.load(open("ala.json"))
r = res["ramachandran"]
C, R = res["run"]["chains"], res["run"]["records"]
if (C, R) != (4, 20):
    fail(f"run shape {C} x {R}")
if r["bins"] != 60 or r["atoms"]["ca"] != 8 or not r["atoms"]["by_name"]:
    fail(f"bins / atoms {r['bins']} {r['atoms']}")
pops = r["populations"]
if set(pops) != {"C7eq/beta", "alphaR", "alphaL", "C7ax"}:
    fail(f"basins {sorted(pops)}")
# the four rectangles cover the torus: populations sum to 1 (1e-12: sum
# of 80 indicator means); a MALA chain started extended stays in C7eq/beta
# over 200 sweeps of h = 1e-6 nm^2 (RMS move ~1e-3 nm per step)
if abs(sum(pops.values()) - 1) > 1e-12 or pops["C7eq/beta"] != 1.0:
    fail(f"populations {pops}")
# run vs itself: identical histograms, KL = 0 and TVD = 0 up to rounding
v = r["vs_reference"]
if max(abs(v[k]) for k in ("kl_2d", "kl_phi", "kl_psi", "tvd_2d")) > 1e-12:
    fail(f"run vs itself {v}")
h = r["halves"]
if r["half_records"] != 10 or not (0 <= h["tvd_2d"] <= 1 and h["kl_2d"] >= 0):
    fail(f"halves {h}")
t = r["transitions"]
if len(t["per_chain"]) != 4 or t["total"] != sum(t["per_chain"]):
    fail(f"transitions {t}")
if t["chains_all_visited"] != 0 or t["records_to_visit"] is not None:
    fail(f"visits {t}")
if r["chirality"]["flipped_frames"] != 0 or r["chirality"]["reference"] != "start_structure":
    fail(f"chirality {r['chirality']}")

# our phi/psi per frame: the plot data keeps all 80 frames (< 4000)
pts = json.load(open("plots/analysis.json"))["ramachandran"]["points_run"]
ours = np.array(pts).reshape(-1, 2)
if ours.shape != (80, 2):
    fail(f"points {ours.shape}")

with h5py.File("ala.h5", "r") as f:
    pos = f["particles/chains/position/value"][...]       # nm
if pos.shape != (80, 22, 3):
    fail(f"positions {pos.shape}")

def pdb_models(path):
    models, cur = [], None
    for line in open(path):
        if line.startswith("MODEL"):
            cur = []
        elif line.startswith("ATOM"):
            cur.append([float(line[30:38]), float(line[38:46]), float(line[46:54])])
        elif line.startswith("ENDMDL"):
            models.append(cur)
    return np.array(models)

allm = pdb_models("all.pdb")
if allm.shape != (80, 22, 3):
    fail(f"all.pdb models {allm.shape}")
# 3 decimals: |diff| <= 5e-4 Å plus float noise
if np.abs(allm - 10 * pos).max() > 5.01e-4:
    fail(f"all.pdb coordinates differ by {np.abs(allm - 10 * pos).max()}")
c1 = pdb_models("c1.pdb")
want = 10 * pos[[2 * 4 + 1, 5 * 4 + 1, 8 * 4 + 1]]   # chain 1, records 2 5 8
if c1.shape != (3, 22, 3) or np.abs(c1 - want).max() > 5.01e-4:
    fail(f"c1.pdb {c1.shape}")

import warnings
warnings.filterwarnings("ignore")
import MDAnalysis as mda
from MDAnalysis.analysis.dihedrals import Ramachandran
from MDAnalysis.coordinates.memory import MemoryReader
u = mda.Universe("all.pdb")
if u.trajectory.n_frames != 80 or u.atoms.n_atoms != 22:
    fail(f"MDAnalysis reads {u.trajectory.n_frames} x {u.atoms.n_atoms}")
ala = u.select_atoms("resname ALA")
md_pdb = Ramachandran(ala).run().results.angles[:, 0, :]
# the PDB's 1e-3 Å rounding moves the angles by up to ~0.05 deg
d = np.abs((md_pdb - ours + 180) % 360 - 180).max()
if d > 0.1:
    fail(f"MDAnalysis on the PDB vs ours: {d} deg")
# the exact coordinates (Å) on the PDB's topology: 0.01 deg
u.load_new(10 * pos, format=MemoryReader)
md = Ramachandran(u.select_atoms("resname ALA")).run().results.angles[:, 0, :]
d = np.abs((md - ours + 180) % 360 - 180).max()
if d > 0.01:
    fail(f"MDAnalysis on the exact coordinates vs ours: {d} deg")
print(f"ok: MDAnalysis phi/psi agree to {d:.2e} deg; PDB coordinates to 3 decimals")
EOD

expect_error pdb_no_particles "no particles" \
  sh -c 'printf "[system]\npotential = mog40\n[run]\nmethod = mala\nchains = 2\nsweeps = 5\nseed = 1\n[mala]\nstep_size = 0.1\n[output]\ntrajectory = m.h5\n" > m.ini && "$0" run m.ini --quiet && "$0" analyze m.h5 --pdb m.pdb' "$DIGS"
expect_error pdb_chain "--chain 9" "$DIGS" analyze ala.h5 --pdb x.pdb --chain 9
expect_error pdb_frames "--frames 'a:b'" "$DIGS" analyze ala.h5 --pdb x.pdb --frames a:b
echo "ok: analyze amber"
