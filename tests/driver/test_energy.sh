#!/bin/sh
# digs energy: energies of .npy (float32 and float64, both shapes) and PDB
# input against an independent numpy implementation; --forces against
# numpy central differences.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
printf '[system]\npotential = lj13\n[run]\nignored = yes\n' > lj13.ini
printf '[system]\npotential = dw4\n' > dw4.ini
"$PYTHON" - "$DIGS_SHARED_DIR" <<'EOF_PY'
import sys, numpy as np
shared = sys.argv[1]
lj = np.load(shared + '/data/val_split_LJ13-1000.npy')[:20]          # float32 [20, 39]
np.save('lj_f32.npy', lj)
np.save('lj_f64_3d.npy', lj.astype(np.float64).reshape(20, 13, 3))
dw = np.load(shared + '/data/val_split_DW4.npy')[:20]
np.save('dw.npy', dw)
# a 13-atom two-model PDB (reduced units: no conversion for lj13)
with open('lj.pdb', 'w') as f:
    for m in range(2):
        f.write('MODEL     %4d\n' % (m + 1))
        for i, (x, y, z) in enumerate(lj[m].reshape(13, 3)):
            f.write('ATOM  %5d  AR  LJ  A   1    %8.3f%8.3f%8.3f  1.00  0.00          AR\n'
                    % (i + 1, x, y, z))
        f.write('ENDMDL\n')
    f.write('END\n')
EOF_PY
# [run] keys are ignored by `digs energy` (only [system] is read).
"$DIGS" energy lj13.ini lj_f32.npy > lj_f32.txt 2>err.txt || { cat err.txt; fail "energy on lj_f32.npy"; }
"$DIGS" energy lj13.ini lj_f64_3d.npy --forces lj_forces.npy > lj_f64.txt
"$DIGS" energy lj13.ini lj.pdb > lj_pdb.txt
"$DIGS" energy dw4.ini dw.npy --forces dw_forces.npy > dw.txt
mpi 2 "$DIGS" energy dw4.ini dw.npy > dw_mpi.txt
cmp dw.txt dw_mpi.txt || fail "energy under mpirun differs"
"$PYTHON" - <<'EOF_PY'
import numpy as np, sys
def lj13(x):
    x = x.reshape(13, 3).astype(np.float64)
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)[np.triu_indices(13, 1)]
    return 2 * np.sum(d**-12 - 2 * d**-6) + 0.5 * np.sum((x - x.mean(0))**2)
def dw4(x):
    x = x.reshape(4, 2).astype(np.float64)
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)[np.triu_indices(4, 1)]
    return np.sum(0.9 * (d - 4)**4 - 4 * (d - 4)**2)
def table(path):
    lines = open(path).read().split('\n')
    assert lines[0].split() == ['frame', 'total'], lines[0]
    return np.array([[float(v) for v in l.split()] for l in lines[1:] if l])
def grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x); e.flat[k] = h
        g.flat[k] = (f(x + e) - f(x - e)) / (2 * h)
    return g
lj = np.load('lj_f32.npy').astype(np.float64); dw = np.load('dw.npy').astype(np.float64)
ok = True
for name, f, x in (('lj_f32', lj13, lj), ('lj_f64', lj13, lj), ('dw', dw4, dw)):
    t = table(name + '.txt')
    ref = np.array([f(r) for r in x])
    err = np.max(np.abs(t[:, 1] - ref) / np.maximum(1, np.abs(ref)))
    print(name, 'max rel energy error', err)
    ok &= err < 1e-12 and np.array_equal(t[:, 0], np.arange(len(x)))
t = table('lj_pdb.txt')
pdb_ref = np.array([lj13(np.round(r, 3)) for r in lj[:2]])   # PDB keeps 3 decimals
ok &= np.allclose(t[:, 1], pdb_ref, rtol=1e-9) and len(t) == 2
for name, f, x, shape in (('lj_forces', lj13, lj, (20, 13, 3)), ('dw_forces', dw4, dw, (20, 8))):
    F = np.load(name + '.npy')
    ok &= F.shape == shape and F.dtype == np.float64
    for i in range(3):   # central differences: error ~ h^2 f''' ~ 1e-8 relative
        g = grad(f, x[i])
        err = np.max(np.abs(F[i].ravel() + g.ravel())) / max(1, np.max(np.abs(g)))
        print(name, i, 'force error', err)
        ok &= err < 1e-6
sys.exit(0 if ok else 1)
EOF_PY
echo "energy: all ok"
