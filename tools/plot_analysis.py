#!/usr/bin/python3
"""Plots of `digs analyze --plot DIR` (doc/analysis.md).

usage: plot_analysis.py DIR/analysis.json DIR

Reads the numbers `digs analyze` wrote to analysis.json (histograms,
autocorrelation curves, 2-D samples) and writes PNGs into DIR:
  energy_hist.png      energy histogram of the run (and the reference)
  distance_hist.png    interatomic distances (particle systems)
  autocorr.png         autocorrelation of the energy (mean over chains and
                       a few single chains), IAT marked
  mog40_samples.png    MoG-40 samples over the 40 component means
  manywell_wells.png   Many-Well-32 P(x_2i > 0) per well
  rama_hist.png        alanine dipeptide: Ramachandran histogram (log
                       counts) with the run's points and basin boundaries
  rama_free_energy.png free energy -kT ln p (kJ/mol) with basin boundaries
  rama_phi_psi.png     1-D phi and psi densities (run vs reference)
  training_curves.png  DiKL model file (`digs analyze MODEL.h5 --plot DIR`,
                       data in DIR/training.json): losses, gradient norm,
                       Stage-B acceptance and step, selection metric
Needs matplotlib only (no numpy) (Debian's python3-matplotlib); Agg backend.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RUN_COLOR = "tab:blue"
REF_COLOR = "tab:orange"


def energy_label(data):
    unit = data.get("energy_unit", "reduced")
    return "energy (reduced units, kT = 1)" if unit == "reduced" else f"energy ({unit})"


def length_label(data):
    unit = data.get("length_unit", "reduced")
    return "distance (reduced units)" if unit == "reduced" else f"distance ({unit})"


def subtitle(data):
    text = f"{os.path.basename(data['run'])}: {data['potential']}"
    if data.get("method"):
        text += f", {data['method']}"
    text += f", {data['chains']} chains x {data['records']} records"
    return text


def step_hist(ax, edges, density, color, label):
    xs, ys = [edges[0]], [0.0]
    for k, d in enumerate(density):
        xs += [edges[k], edges[k + 1]]
        ys += [d, d]
    xs.append(edges[-1])
    ys.append(0.0)
    ax.plot(xs, ys, color=color, label=label, linewidth=1.4)
    ax.fill_between(xs, ys, color=color, alpha=0.15, linewidth=0)


def histogram(data, key, xlabel, title, path):
    h = data[key]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    outside = h.get("run_outside", 0.0)
    run_label = "run"
    if outside > 0:
        run_label += f" ({100 * outside:.2g} % outside the plot)"
    step_hist(ax, h["edges"], h["run"], RUN_COLOR, run_label)
    if "ref" in h:
        step_hist(ax, h["edges"], h["ref"], REF_COLOR,
                  "reference: " + data.get("reference", ""))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("probability density")
    ax.set_title(f"{title}\n{subtitle(data)}", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def autocorr(data, path):
    a = data["acf"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    lags = list(range(len(a["mean"])))
    for c in a.get("chains", []):
        ys = [v if v is not None else float("nan") for v in c["acf"]]
        ax.plot(lags, ys, linewidth=0.8, alpha=0.6,
                label=f"chain {c['chain']}")
    ax.plot(lags, [v if v is not None else float("nan") for v in a["mean"]],
            color="black", linewidth=2,
            label=f"mean over {a['chains_averaged']} chains")
    ax.axhline(0, color="gray", linewidth=0.8)
    iat = a.get("iat")
    if iat is not None:
        ax.axvline(iat, color="tab:red", linestyle="--", linewidth=1,
                   label=f"IAT = {iat:.3g} records")
    ax.set_xlabel("lag (records)")
    ax.set_ylabel("autocorrelation of the energy")
    ax.set_title(f"Energy autocorrelation\n{subtitle(data)}", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def training(data, path):
    """Training curves of a DiKL model file: six panels against the
    generator iteration; the selected iteration is marked."""
    t = data["training"]
    c = t["curves"]
    it = c["iteration"]

    def series(name):
        return [v if v is not None else float("nan") for v in c[name]]

    panels = [("loss_score", "score loss (DSM)", False),
              ("loss_generator", "generator loss (surrogate)", False),
              ("grad_norm", "generator gradient norm", True),
              ("acceptance", "Stage-B MALA acceptance", False),
              ("eta", "Stage-B step size eta", True),
              ("metric", "selection metric", False)]
    fig, axes = plt.subplots(3, 2, figsize=(10, 8.5), sharex=True)
    best = t.get("best_iteration")
    for ax, (key, label, log) in zip(axes.flat, panels):
        ys = series(key)
        if key == "metric":
            pts = [(x, y) for x, y in zip(it, ys) if y == y]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-",
                        markersize=3, linewidth=1, color=RUN_COLOR)
            else:
                ax.text(0.5, 0.5, "no checks", ha="center", va="center",
                        transform=ax.transAxes, color="gray")
        else:
            ax.plot(it, ys, linewidth=1, color=RUN_COLOR)
        if log and any(y > 0 for y in ys if y == y):
            ax.set_yscale("log")
        if best:
            ax.axvline(best, color="tab:red", linestyle="--", linewidth=0.8)
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("generator iteration")
    title = (f"DiKL training: {os.path.basename(data['run'])}, "
             f"{data['potential']}, {t['iteration']} iterations")
    if best:
        title += f"; selected iteration {best} (dashed)"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pairs(flat):
    return flat[0::2], flat[1::2]


def mog40(data, path):
    m = data["mog40"]
    panels = [("run", RUN_COLOR)] + ([("ref", REF_COLOR)] if "ref" in m else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 5.6),
                             squeeze=False)
    mx, my = pairs(m["means"])
    for ax, (key, color) in zip(axes[0], panels):
        x, y = pairs(m[key])
        ax.scatter(x, y, s=3, alpha=0.35, color=color, linewidths=0,
                   label=f"{'run' if key == 'run' else 'reference'} "
                         f"({len(x)} points shown)")
        ax.scatter(mx, my, marker="x", s=30, color="black",
                   label="component means")
        ax.set_xlim(-50, 50)
        ax.set_ylim(-50, 50)
        ax.set_aspect("equal")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title("run samples" if key == "run"
                     else "reference: " + data.get("reference", ""),
                     fontsize=10)
        ax.legend(fontsize=8, loc="lower left", markerscale=3)
        ax.grid(alpha=0.3)
    fig.suptitle(f"MoG-40 samples\n{subtitle(data)}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def wells(data, path):
    w = data["manywell32"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    idx = list(range(len(w["p_run"])))
    ax.errorbar([i - 0.1 for i in idx], w["p_run"], yerr=w["se_run"], fmt="o",
                color=RUN_COLOR, label="run ± SE")
    if "p_ref" in w:
        ax.errorbar([i + 0.1 for i in idx], w["p_ref"], yerr=w["se_ref"],
                    fmt="s", color=REF_COLOR, label="reference ± SE")
    ax.axhline(w["exact"], color="black", linestyle="--",
               label=f"exact {w['exact']}")
    ax.set_xlabel("double well i")
    ax.set_ylabel("P(x_2i > 0)")
    ax.set_xticks(idx)
    ax.set_title(f"Many-Well-32: weight of the deep well\n{subtitle(data)}",
                 fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def grid(flat, bins):
    """Row-major [phi][psi] list -> rows indexed by psi (pcolormesh C)."""
    return [[(flat[i * bins + j] if flat[i * bins + j] is not None
              else float("nan")) for i in range(bins)] for j in range(bins)]


def basin_lines(ax, b):
    """Basin boundaries of doc/analysis.md on a (phi, psi) axis in deg."""
    plo, phi_hi = b["phi"]
    rlo, rhi = b["psi_left"]
    split = b["psi_right"][0]
    kw = dict(color="black", linewidth=1.0, linestyle="--")
    ax.axvline(plo, **kw)
    ax.axvline(phi_hi, **kw)
    ax.plot([plo, phi_hi], [split, split], **kw)
    for y in (rlo, rhi):
        ax.plot([-180, plo], [y, y], **kw)
        ax.plot([phi_hi, 180], [y, y], **kw)
    for text, x, y in (("C7eq/β", -120, 150), ("αR", -120, -60),
                       ("αL", 60, 90), ("C7ax", 60, -90)):
        ax.text(x, y, text, fontsize=10, ha="center", va="center",
                bbox=dict(facecolor="white", alpha=0.7, linewidth=0))


def rama_axes(ax):
    ax.set_xlim(-180, 180)
    ax.set_ylim(-180, 180)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_yticks(range(-180, 181, 60))
    ax.set_aspect("equal")
    ax.set_xlabel("φ (degrees)")
    ax.set_ylabel("ψ (degrees)")


def rama_hist(data, path):
    import math
    r = data["ramachandran"]
    bins, edges = r["bins"], r["edges"]
    panels = [("hist_run", "points_run",
               f"run ({int(sum(r['hist_run']))} frames)")]
    if "hist_ref" in r:
        panels.append(("hist_ref", "points_ref",
                       "reference: " + data.get("reference", "")))
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 5.8),
                             squeeze=False)
    for ax, (hkey, pkey, title) in zip(axes[0], panels):
        counts = grid(r[hkey], bins)
        logc = [[math.log10(v) if v > 0 else float("nan") for v in row]
                for row in counts]
        mesh = ax.pcolormesh(edges, edges, logc, cmap="viridis",
                             shading="flat")
        fig.colorbar(mesh, ax=ax, shrink=0.8, label="log10 count per 6° bin")
        xs, ys = pairs(r[pkey])
        ax.scatter(xs, ys, s=1.5, color="black", alpha=0.2, linewidths=0,
                   label=f"{len(xs)} frames shown")
        basin_lines(ax, r["boundaries"])
        rama_axes(ax)
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"Ramachandran histogram\n{subtitle(data)}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def rama_free_energy(data, path):
    r = data["ramachandran"]
    bins, edges = r["bins"], r["edges"]
    fe = grid(r["free_energy"], bins)
    fig, ax = plt.subplots(figsize=(6.8, 5.8))
    mesh = ax.pcolormesh(edges, edges, fe, cmap="magma_r", shading="flat")
    unit = data.get("energy_unit", "kJ/mol")
    fig.colorbar(mesh, ax=ax, shrink=0.85,
                 label=f"F = −kT ln p ({unit}, minimum 0)")
    basin_lines(ax, r["boundaries"])
    rama_axes(ax)
    pops = r["populations"]
    names = ["C7eq/β", "αR", "αL", "C7ax"]
    text = ", ".join(f"{n} {p:.3f}" for n, p in zip(names, pops))
    ax.set_title(f"Free energy (kT = {r['kT']:.4g} {unit}); empty bins "
                 f"white\npopulations: {text}\n{subtitle(data)}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def rama_phi_psi(data, path):
    r = data["ramachandran"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3))
    for ax, key, name in ((axes[0], "phi", "φ"), (axes[1], "psi", "ψ")):
        step_hist(ax, r["edges"], r[key + "_run"], RUN_COLOR, "run")
        if key + "_ref" in r:
            step_hist(ax, r["edges"], r[key + "_ref"], REF_COLOR,
                      "reference: " + data.get("reference", ""))
        ax.set_xlim(-180, 180)
        ax.set_xticks(range(-180, 181, 60))
        ax.set_xlabel(f"{name} (degrees)")
        ax.set_ylabel("probability density (1/degree)")
        ax.legend(fontsize=8, loc="best")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Backbone dihedrals, {r['bins']} bins of 6°\n"
                 f"{subtitle(data)}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        data = json.load(f)
    out = argv[2]
    written = []
    if "training" in data:
        written.append(training(data, os.path.join(out,
                                                   "training_curves.png")))
    if "energy" in data:
        written.append(histogram(data, "energy", energy_label(data),
                                 "Energy histogram",
                                 os.path.join(out, "energy_hist.png")))
    if "distances" in data:
        written.append(histogram(data, "distances", length_label(data),
                                 "Interatomic distances (all pairs)",
                                 os.path.join(out, "distance_hist.png")))
    if "acf" in data:
        written.append(autocorr(data, os.path.join(out, "autocorr.png")))
    if "mog40" in data:
        written.append(mog40(data, os.path.join(out, "mog40_samples.png")))
    if "manywell32" in data:
        written.append(wells(data, os.path.join(out, "manywell_wells.png")))
    if "ramachandran" in data:
        written.append(rama_hist(data, os.path.join(out, "rama_hist.png")))
        written.append(rama_free_energy(
            data, os.path.join(out, "rama_free_energy.png")))
        written.append(rama_phi_psi(data,
                                    os.path.join(out, "rama_phi_psi.png")))
    for path in written:
        print(f"plot: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
