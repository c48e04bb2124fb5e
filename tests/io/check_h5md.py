#!/usr/bin/python3
"""Check a digs H5MD trajectory with h5py and with MDAnalysis's H5MD reader.

usage: check_h5md.py FILE [--group chains] [--expect-frames N]
                          [--expect-chains N] [--expect-group NAME=FRAMES]

Exits 0 and prints one summary line if the file is consistent; otherwise
prints "check_h5md: FILE: <what is wrong>" on stderr and exits 1.

h5py part: the /h5md metadata (version [1, 1], creator, author), the box
(dimension, boundary), position value/step/time shapes, the record-major
frame layout (chain_id[f] = f mod N, one sweep per block of N frames,
sweeps increasing), every /observables/<name> time series (value has one
row per frame; step and time equal position's), the per-record series under
/record_observables and the /parameters strings; every added particles
group (io/h5md.h digs_h5md_add_group: attribute frames_per_record, e.g. the
DiKL generator's sample sets): its name sorts after the main group's, its
box, position value/step/time and potential_energy element (value per frame,
step and time equal position's), whole records of frames_per_record frames
with one step each (--expect-group NAME=FRAMES: that group must exist and
hold FRAMES frames).

MDAnalysis part (MDAnalysis 2.4, MDAnalysis.coordinates.H5MD):
  * the reader needs a topology: mda.Universe.empty(n_atoms,
    trajectory=False).load_new(FILE, format="H5MD", ...) works;
  * it only reads 3-D boxes (box/dimension must be 3): for other spatial
    dimensions (DW-4, MoG, many-well) the MDAnalysis part is skipped;
  * with convert_units=True (its default) it demands a time unit on
    position/time and a length unit on position/value.  digs writes no time
    unit (the time axis counts sweeps, not physical time), so the file is
    opened with convert_units=False and positions arrive in the file's unit
    ("nm" for the AMBER targets; MDAnalysis would otherwise multiply by 10
    to get Angstrom).  The length unit must still be one MDAnalysis knows,
    or the reader refuses the file.  If a file does carry both units, it is
    opened with conversion and compared against h5py times the factor;
  * positions come back as float32: they are compared exactly against the
    h5py values rounded to float32 (scaled in float32 when converting);
  * every /observables/<name>/value is read at each frame into ts.data,
    which is why per-record series must not live under /observables;
  * it reads only the first group of /particles in name order, which is
    why an added group's name must sort after the main group's and why its
    energies are an element of its own group rather than
    /observables/<group>/ (a subgroup there without `value` breaks it).
    With an added group present, the positions MDAnalysis returns are still
    compared with the main group's.
"""
import argparse
import sys
import warnings

import h5py
import numpy as np


class Mismatch(Exception):
    pass


def need(cond, message):
    if not cond:
        raise Mismatch(message)


def as_str(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return as_str(value[()])
    return str(value)


def check_metadata(f):
    need("h5md" in f, "no /h5md group")
    version = np.asarray(f["h5md"].attrs.get("version", []))
    need(version.tolist() == [1, 1], f"/h5md version is {version.tolist()}; expected [1, 1]")
    creator = f["h5md"].get("creator")
    need(creator is not None and "name" in creator.attrs and "version" in creator.attrs,
         "/h5md/creator lacks name or version")
    author = f["h5md"].get("author")
    need(author is not None and "name" in author.attrs, "/h5md/author lacks a name")


def check_particles(f, group):
    need("particles" in f and group in f["particles"], f"no /particles/{group} group")
    g = f["particles"][group]
    need("box" in g and "dimension" in g["box"].attrs, "no box dimension")
    dim = int(g["box"].attrs["dimension"])
    boundary = [as_str(b) for b in np.atleast_1d(g["box"].attrs.get("boundary", []))]
    need(boundary == ["none"] * dim, f"box boundary is {boundary}; expected {dim} x 'none'")
    pos = g.get("position")
    need(pos is not None and all(k in pos for k in ("value", "step", "time")),
         "position lacks value, step or time")
    value = pos["value"]
    need(value.ndim == 3 and value.shape[2] == dim,
         f"position/value has shape {value.shape}; expected [frames][particles][{dim}]")
    frames = value.shape[0]
    for name in ("step", "time"):
        need(pos[name].shape == (frames,),
             f"position/{name} has shape {pos[name].shape}; expected ({frames},)")
    return g, dim


def check_layout(f, g, expect_frames, expect_chains):
    frames = g["position/value"].shape[0]
    if expect_frames is not None:
        need(frames == expect_frames, f"{frames} frames; expected {expect_frames}")
    need("observables" in f, "no /observables group")
    obs = f["observables"]
    for name in ("chain_id", "sweep", "potential_energy", "acceptance"):
        need(name in obs, f"no /observables/{name}")
    step = g["position/step"][()]
    time = g["position/time"][()]
    for name, item in obs.items():
        need(isinstance(item, h5py.Group) and "value" in item,
             f"/observables/{name} is not a time series with a value dataset")
        need(item["value"].shape[:1] == (frames,),
             f"/observables/{name}/value has {item['value'].shape[:1]} rows; expected {frames}")
        for axis, want in (("step", step), ("time", time)):
            need(axis in item and np.array_equal(item[axis][()], want),
                 f"/observables/{name}/{axis} differs from position/{axis}")
    chain_id = obs["chain_id/value"][()]
    sweep = obs["sweep/value"][()]
    need(np.array_equal(sweep, step), "observables/sweep differs from position/step")
    if frames == 0:
        return 0, 0
    n_chains = int(chain_id.max()) + 1
    if expect_chains is not None:
        need(n_chains == expect_chains, f"{n_chains} chains; expected {expect_chains}")
    need(frames % n_chains == 0, f"{frames} frames is not a multiple of {n_chains} chains")
    need(np.array_equal(chain_id, np.arange(frames) % n_chains),
         "chain_id is not record-major (frame f must hold chain f mod N)")
    blocks = sweep.reshape(-1, n_chains)
    need((blocks == blocks[:, :1]).all(), "frames of one record have different sweeps")
    need((np.diff(blocks[:, 0]) > 0).all(), "sweeps do not increase from record to record")
    return frames // n_chains, n_chains


def check_extras(f):
    if "record_observables" in f:
        for name, item in f["record_observables"].items():
            need("value" in item and "step" in item,
                 f"/record_observables/{name} lacks value or step")
            need(item["value"].shape[:1] == item["step"].shape,
                 f"/record_observables/{name}: value and step differ in length")
    if "parameters" in f:
        for name, item in f["parameters"].items():
            need(isinstance(item, h5py.Dataset) and item.dtype.kind in "SOU",
                 f"/parameters/{name} is not a string")


def check_added_groups(f, main, expect):
    """Check every particles group written by digs_h5md_add_group."""
    found = {}
    for name, g in f["particles"].items():
        if name == main or "frames_per_record" not in g.attrs:
            continue
        per = int(g.attrs["frames_per_record"])
        need(per >= 1, f"/particles/{name}: frames_per_record is {per}")
        need(name > main, f"/particles/{name} sorts before the main group {main!r}: "
             "MDAnalysis would read it instead")
        need("box" in g and int(g["box"].attrs.get("dimension", 0)) >= 1,
             f"/particles/{name} has no box dimension")
        dim = int(g["box"].attrs["dimension"])
        pos = g.get("position")
        need(pos is not None and all(k in pos for k in ("value", "step", "time")),
             f"/particles/{name}/position lacks value, step or time")
        value = pos["value"]
        need(value.ndim == 3 and value.shape[2] == dim,
             f"/particles/{name}/position/value has shape {value.shape}")
        frames = value.shape[0]
        need(frames % per == 0,
             f"/particles/{name}: {frames} frames are not whole records of {per}")
        step = pos["step"][()]
        time = pos["time"][()]
        need(step.shape == (frames,) and time.shape == (frames,),
             f"/particles/{name}/position step or time has the wrong length")
        if frames:
            blocks = step.reshape(-1, per)
            need((blocks == blocks[:, :1]).all(),
                 f"/particles/{name}: frames of one record have different steps")
        e = g.get("potential_energy")
        need(e is not None and all(k in e for k in ("value", "step", "time")),
             f"/particles/{name}/potential_energy lacks value, step or time")
        need(e["value"].shape == (frames,),
             f"/particles/{name}/potential_energy/value has shape {e['value'].shape}")
        for axis, want in (("step", step), ("time", time)):
            need(np.array_equal(e[axis][()], want),
                 f"/particles/{name}/potential_energy/{axis} differs from position's")
        found[name] = frames
    for item in expect:
        name, _, frames = item.partition("=")
        need(name in found, f"no added particles group /particles/{name}")
        need(found[name] == int(frames),
             f"/particles/{name} has {found[name]} frames; expected {frames}")
    return found


def check_mdanalysis(path, g, dim):
    if dim != 3:
        return f"MDAnalysis skipped ({dim}-D box; its H5MD reader needs 3-D)"
    with warnings.catch_warnings():
        # MDAnalysis resets warning filters while importing; silence the
        # display instead (catch_warnings restores it)
        warnings.showwarning = lambda *args, **kwargs: None
        import MDAnalysis as mda
        from MDAnalysis import units
    value = g["position/value"]
    length_unit = value.attrs.get("unit")
    time_unit = g["position/time"].attrs.get("unit")
    convert = length_unit is not None and time_unit is not None
    u = mda.Universe.empty(value.shape[1], trajectory=False)
    try:
        u.load_new(path, format="H5MD", convert_units=convert)
    except Exception as e:  # unknown unit, missing group, ...
        raise Mismatch(f"MDAnalysis cannot open the file: {type(e).__name__}: {e}")
    traj = u.trajectory
    need(traj.n_frames == value.shape[0],
         f"MDAnalysis sees {traj.n_frames} frames; h5py {value.shape[0]}")
    factor = 1.0
    if convert:
        factor = units.get_conversion_factor("length", traj.units["length"], "Angstrom")
    elif length_unit is not None:
        need(traj.units["length"] is not None,
             f"MDAnalysis does not know the length unit {length_unit!r}")
    step = g["position/step"][()]
    for ts in traj:
        want = value[ts.frame].astype(np.float32)
        if convert:
            want *= factor   # in float32, as MDAnalysis converts in place
        need(np.array_equal(ts.positions, want),
             f"frame {ts.frame}: MDAnalysis positions differ from h5py")
        need(ts.data.get("step") == step[ts.frame],
             f"frame {ts.frame}: MDAnalysis step {ts.data.get('step')} != {step[ts.frame]}")
    how = f"units converted x{factor:g}" if convert else "convert_units=False"
    return f"MDAnalysis read {traj.n_frames} frames identically ({how})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--group", default="chains")
    parser.add_argument("--expect-frames", type=int)
    parser.add_argument("--expect-chains", type=int)
    parser.add_argument("--expect-group", action="append", default=[],
                        metavar="NAME=FRAMES")
    args = parser.parse_args()
    try:
        with h5py.File(args.file, "r") as f:
            check_metadata(f)
            g, dim = check_particles(f, args.group)
            records, chains = check_layout(f, g, args.expect_frames, args.expect_chains)
            check_extras(f)
            added = check_added_groups(f, args.group, args.expect_group)
            md = check_mdanalysis(args.file, g, dim)
            shape = g["position/value"].shape
    except (Mismatch, OSError, KeyError) as e:
        print(f"check_h5md: {args.file}: {e}", file=sys.stderr)
        return 1
    print(f"check_h5md: {args.file}: OK: {shape[0]} frames ({records} records x "
          f"{chains} chains) of {shape[1]} x {shape[2]}; "
          + "".join(f"group {k}: {v} frames; " for k, v in added.items()) + md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
