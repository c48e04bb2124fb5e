#!/usr/bin/python3
"""Peer benchmark: OpenMM 7.7 energy+force evaluations per second for
alanine dipeptide (openmmtools prmtop: AMBER ff96, NoCutoff, no
constraints), vacuum and OBC1, on the Reference and CPU platforms (1
thread), measured the same way as bench/bench_amber measures digs: set
positions, get energy and forces, repeatedly, for >= SECONDS per case.

usage: tools/bench/openmm-ala2.py PRMTOP [SECONDS]
Needs Debian's python3-simtk and libopenmm-plugins (install-deps --bench)."""
import sys
import time

import numpy as np
import openmm
from openmm import app, unit


def rate(system, positions, platform_name, seconds):
    props = {"Threads": "1"} if platform_name == "CPU" else {}
    platform = openmm.Platform.getPlatformByName(platform_name)
    ctx = openmm.Context(system, openmm.VerletIntegrator(0.001), platform, props)
    rng = np.random.default_rng(1)
    frames = [positions + 0.002 * rng.standard_normal(positions.shape) for _ in range(64)]
    n, start = 0, time.perf_counter()
    while True:
        for x in frames:
            ctx.setPositions(x)
            state = ctx.getState(getEnergy=True, getForces=True)
            state.getPotentialEnergy(), state.getForces(asNumpy=True)
        n += len(frames)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    prmtop = app.AmberPrmtopFile(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    crd = sys.argv[1].rsplit(".", 1)[0] + ".crd"
    positions = np.array(app.AmberInpcrdFile(crd).getPositions().value_in_unit(unit.nanometer))
    for solvent, implicit in (("vacuum", None), ("obc1", app.OBC1)):
        system = prmtop.createSystem(nonbondedMethod=app.NoCutoff, constraints=None,
                                     implicitSolvent=implicit, removeCMMotion=False)
        for platform in ("Reference", "CPU"):
            print("openmm %-9s %-6s %.4g evals/s" % (platform, solvent,
                                                   rate(system, positions, platform, seconds)))


if __name__ == "__main__":
    main()
