"""Compare a digs H5MD trajectory with the --trace text the engine wrote.

Every frame's position, potential energy, acceptance, chain id and sweep
must match the trace exactly (the trace prints %.17g, which round-trips
doubles).  Exit status 1 with a message on the first mismatch."""
import argparse
import sys

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("h5")
    ap.add_argument("trace")
    ap.add_argument("--group", default="chains")
    ap.add_argument("--chains", type=int, required=True)
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--particles", type=int, required=True)
    ap.add_argument("--dim", type=int, required=True)
    a = ap.parse_args()
    rows = np.loadtxt(a.trace, ndmin=2)
    # trace columns: sweep chain energy acceptance x...
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    rows = rows[order]
    n = a.chains * a.records
    if rows.shape[0] != n:
        sys.exit("trace has %d frames, expected %d" % (rows.shape[0], n))
    with h5py.File(a.h5, "r") as f:
        if list(f["h5md"].attrs["version"]) != [1, 1]:
            sys.exit("/h5md version is not [1, 1]")
        pos = f["particles/%s/position/value" % a.group][()]
        step = f["particles/%s/position/step" % a.group][()]
        energy = f["observables/potential_energy/value"][()]
        acc = f["observables/acceptance/value"][()]
        chain = f["observables/chain_id/value"][()]
        sweep = f["observables/sweep/value"][()]
        deck = f["parameters/deck"][()]
    if pos.shape != (n, a.particles, a.dim):
        sys.exit("position shape %s, expected %s" % (pos.shape, (n, a.particles, a.dim)))
    checks = {
        "sweep": (sweep, rows[:, 0]),
        "step": (step, rows[:, 0]),
        "chain_id": (chain, rows[:, 1]),
        "potential_energy": (energy, rows[:, 2]),
        "acceptance": (acc, rows[:, 3]),
        "position": (pos.reshape(n, -1), rows[:, 4:]),
    }
    for name, (got, want) in checks.items():
        if not np.array_equal(np.asarray(got, dtype=np.float64), want):
            bad = np.argwhere(np.asarray(got, dtype=np.float64).reshape(want.shape) != want)[0]
            sys.exit("%s differs from the trace first at %s" % (name, tuple(bad)))
    if not deck:
        sys.exit("/parameters/deck is empty")
    print("%s: %d frames equal to the trace" % (a.h5, n))


if __name__ == "__main__":
    main()
