"""Where each regime wins: the paired difference between two arms over a grid of kinds of
service and over horizons, as maps (docs/experiments/where_each_regime_wins.md).

    /usr/bin/python3 -m analysis.regimes FILE.h5 [--arms A,B] [--figures DIR] [--json OUT]

FILE.h5 is the result of a grid sweep (scenarios/where_each_regime_wins.ini). At every
sweep point and horizon (the first 1, 2, ... years of the runs) the whole-window value of
each outcome is taken per run; the paired difference B - A per replication (the arms
share seeds) gives a mean and a 95% t interval. A regime *wins* a point when the interval
excludes zero on its side of the outcome's better direction; otherwise neither does.
"""

import argparse
import json
import math
import os
import sys

import numpy as np

OUTCOMES = (("needs_met", 1, "needs met"),
            ("within_target_true", 1, "true share within target"),
            ("cost_per_need_met", -1, "cost per need met"),
            ("leavers", -1, "workers who left"))


def grid(path, arms=("npm", "hls"), horizons=None):
    """{"keys": [swept keys], "points": [coordinates], "horizons": [years], "outcomes":
    {metric: {"better": +1|-1, "label", "mean": [point][horizon], "half": [...],
    "winner": [...] ("A"|"B"|"")}}} from a sweep's result file."""
    from . import data, stats
    ds = data.load_metrics(path, [m for m, _, _ in OUTCOMES])
    keys = [c for c in data.run_coords(ds) if c.startswith("sweep.")]
    if not keys or "sweep_point" not in ds:
        raise ValueError(f"{path}: not a sweep's result file")
    a, b = arms
    arm = np.asarray(ds["arm"].values).astype(str)
    for x in arms:
        if x not in arm:
            raise ValueError(f"{path}: no arm {x!r}")
    point = np.asarray(ds["sweep_point"].values).astype(int)
    rep = np.asarray(ds["replication"].values).astype(int)
    time = np.asarray(ds["time"].values, dtype=float)
    years = int(time[-1] // 365 + 1e-9)
    horizons = horizons or list(range(1, years + 1))
    n_points = int(point.max()) + 1
    coords = []
    for p in range(n_points):
        first = np.flatnonzero(point == p)[0]
        coords.append({k[len("sweep."):]: float(ds[k].values[first]) for k in keys})
    out = {"keys": [k[len("sweep."):] for k in keys], "points": coords, "horizons": horizons,
           "arms": [a, b], "replications": int(rep.max()) + 1, "outcomes": {}}
    for metric, better, label in OUTCOMES:
        means, halves, winners = [], [], []
        per_h = []
        for h in horizons:
            n = int(np.searchsorted(time, h * 365.0, side="right"))
            per_h.append(data.over(ds.isel(time=slice(0, n)), metric)
                         .transpose("run").values)
        for p in range(n_points):
            row_m, row_h, row_w = [], [], []
            for whole in per_h:
                sa = (point == p) & (arm == a)
                sb = (point == p) & (arm == b)
                va = whole[sa][np.argsort(rep[sa])]
                vb = whole[sb][np.argsort(rep[sb])]
                d = vb - va
                d = d[np.isfinite(d)]
                if d.size == 0:
                    row_m.append(math.nan), row_h.append(math.nan), row_w.append("")
                    continue
                m = float(d.mean())
                half = (stats.t_ppf(0.975, d.size - 1) * float(d.std(ddof=1)) / math.sqrt(d.size)
                        if d.size > 1 else math.inf)
                if m - half > 0:
                    w = b if better > 0 else a
                elif m + half < 0:
                    w = a if better > 0 else b
                else:
                    w = ""
                row_m.append(m), row_h.append(half), row_w.append(w)
            means.append(row_m), halves.append(row_h), winners.append(row_w)
        out["outcomes"][metric] = {"better": better, "label": label, "mean": means,
                                   "half": halves, "winner": winners}
    return out


def shares(g, metric, h_index):
    """{winner: share of points} at horizon h_index for one outcome."""
    w = [row[h_index] for row in g["outcomes"][metric]["winner"]]
    a, b = g["arms"]
    return {x: sum(1 for v in w if v == x) / len(w) for x in (a, b, "")}


def map_figure(g, metric, h_index, path=None):
    """One outcome at one horizon: a panel per (routine share, variability, target) and in
    it the complexity x load grid, each cell coloured by its winner and labelled with the
    difference B - A."""
    from matplotlib.colors import ListedColormap
    from . import plots
    o = g["outcomes"][metric]
    a, b = g["arms"]
    keys = g["keys"]
    cx, cy = "class.casework.complexity_mean", "class.casework.need_rate"
    rest = [k for k in keys if k not in (cx, cy)]
    panels = sorted({tuple(p[k] for k in rest) for p in g["points"]})
    xs = sorted({p[cx] for p in g["points"]})
    ys = sorted({p[cy] for p in g["points"]})
    ncols = 4 if len(panels) >= 4 else len(panels)
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plots._figure(None, nrows=nrows, ncols=ncols,
                              size=(3.1 * ncols + 0.6, 2.7 * nrows + 0.8))
    cmap = ListedColormap(["#d62728", "#dddddd", "#1f77b4"])  # A wins, neither, B wins
    for i, pan in enumerate(panels):
        ax = axes[i // ncols, i % ncols]
        z = np.full((len(ys), len(xs)), np.nan)
        for j, p in enumerate(g["points"]):
            if tuple(p[k] for k in rest) != pan:
                continue
            w = o["winner"][j][h_index]
            z[ys.index(p[cy]), xs.index(p[cx])] = 0 if w == a else 2 if w == b else 1
            ax.text(xs.index(p[cx]), ys.index(p[cy]), f"{o['mean'][j][h_index]:+.3g}",
                    ha="center", va="center", fontsize=7)
        ax.imshow(z, cmap=cmap, vmin=0, vmax=2, origin="lower", aspect="auto")
        ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs], fontsize=7)
        ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys], fontsize=7)
        ax.set_title(", ".join(f"{_short(k)} {v:g}" for k, v in zip(rest, pan)), fontsize=7)
        if i % ncols == 0:
            ax.set_ylabel("needs a citizen-year", fontsize=7)
        if i // ncols == nrows - 1:
            ax.set_xlabel("parts of a need", fontsize=7)
    for i in range(len(panels), nrows * ncols):
        axes[i // ncols, i % ncols].set_visible(False)
    h = g["horizons"][h_index]
    fig.suptitle(f"{o['label']} over {h} year{'s' if h != 1 else ''}: {b} \u2212 {a} "
                 f"(blue: {b} better, red: {a} better, grey: neither, 95% intervals)",
                 fontsize=9)
    return plots._done(fig, path)


def _short(key):
    return {"class.casework.routine_share": "routine", "service.work_cv": "work cv",
            "service.time_target": "target d"}.get(key, key.rsplit(".", 1)[-1])


def uncertainty_summary(path, top=3):
    """{metric: {"probability", "direction", "drivers": [(parameter, ST, ST_low, ST_high)]}}
    of a `govsim uncertainty` file, with the date and the size of its design."""
    from . import uncertainty
    u = uncertainty.read(path)
    if u is None:
        raise ValueError(f"{path}: not a `govsim uncertainty` file")
    out = {"arms": [u["arm_a"], u["arm_b"]], "parameters": len(u["parameters"]),
           "metrics": {}}
    for m, r in u["metrics"].items():
        order = sorted(u["parameters"], key=lambda p: -(r["ST"][p] if math.isfinite(r["ST"][p])
                                                        else -1))
        out["metrics"][m] = {
            "probability": r["probability"], "direction": r["direction"],
            "points": int(np.isfinite(np.asarray(r["difference"], dtype=float)).sum()),
            "mean": r["mean"], "p05": r["p05"], "p95": r["p95"],
            "drivers": [(p, r["ST"][p], r["ST_low"][p], r["ST_high"][p]) for p in order[:top]]}
    return out


def _table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def blocks(res):
    """The generated blocks of the page, from the results (grid() plus "kinds" and
    "uncertainty"): {name: markdown}."""
    g = res["grid"]
    a, b = g["arms"]
    rows = []
    for metric, _, label in OUTCOMES:
        for hi, h in enumerate(g["horizons"]):
            s = shares(g, metric, hi)
            rows.append([label if hi == 0 else "", f"{h} y", f"{s[a]:.0%}", f"{s[b]:.0%}",
                         f"{s['']:.0%}"])
    out = {"shares": _table(["outcome", "horizon", f"{a} better", f"{b} better",
                             "neither (95% interval spans 0)"], rows)}
    rows = []
    for name, kind in res["kinds"].items():
        j = next(i for i, p in enumerate(g["points"])
                 if all(abs(p[k] - v) < 1e-9 for k, v in kind["point"].items()))
        hi = g["horizons"].index(kind["horizon"])
        for metric, _, label in OUTCOMES:
            o = g["outcomes"][metric]
            w = o["winner"][j][hi] or "neither"
            rows.append([kind["label"] if metric == OUTCOMES[0][0] else "", label,
                         f"{o['mean'][j][hi]:+.4g} \u00b1 {o['half'][j][hi]:.2g}", w])
    out["kinds"] = _table(["kind of service", "outcome",
                           f"{b} \u2212 {a} (2 years, 95% interval)", "better"], rows)
    rows, counts = [], {}
    for name, u in res["uncertainty"].items():
        for metric, _, label in OUTCOMES:
            if metric not in u["metrics"]:
                continue
            r = u["metrics"][metric]
            what = "better" if r["direction"] == "better" else "higher"
            drivers = "; ".join(f"`{p}` {st:.2f} [{lo:.2f}, {hi:.2f}]"
                                for p, st, lo, hi in r["drivers"])
            for p, *_ in r["drivers"]:
                counts[p] = counts.get(p, 0) + 1
            rows.append([res["kinds"][name]["label"] if metric == OUTCOMES[0][0] else "",
                         label, f"{r['probability']:.2f}", f"{r['p05']:+.4g} to {r['p95']:+.4g}",
                         drivers])
    out["uncertainty"] = _table(
        ["kind of service", "outcome", f"P({b} {'better'})", "5% to 95% of the difference",
         "largest total Sobol indices [95% interval]"], rows)
    # those among the three largest more than once: once is within the indices' noise
    ranked = sorted(((p, n) for p, n in counts.items() if n > 1), key=lambda kv: (-kv[1], kv[0]))
    out["measure"] = "\n".join(f"- `{p}`: among the three largest total indices of {n} of "
                               f"the {sum(len(u['metrics']) for u in res['uncertainty'].values())}"
                               f" outcome-and-kind pairs" for p, n in ranked)
    return out


def write_page(path, res, check=False):
    """Replace each <!-- regimes:NAME --> ... <!-- /regimes:NAME --> block of the page with
    the generated one; with check, return the names of the blocks that differ instead."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    stale = []
    for name, body in blocks(res).items():
        start, end = f"<!-- regimes:{name} -->", f"<!-- /regimes:{name} -->"
        if start not in text or end not in text:
            raise ValueError(f"{path}: no block {start}")
        i = text.index(start) + len(start)
        j = text.index(end)
        new = "\n" + body + "\n"
        if text[i:j] != new:
            stale.append(name)
            text = text[:i] + new + text[j:]
    if not check:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    return stale


# The kinds of service of scenarios/where/NAME.ini: their point of the grid.
KINDS = {
    "routine_tight": {"label": "routine, tight target", "point": {"class.casework.complexity_mean": 1,
                                        "class.casework.routine_share": 0.9,
                                        "service.work_cv": 0, "class.casework.need_rate": 1.2,
                                        "service.time_target": 3}, "horizon": 2},
    "complex_loose": {"label": "complex, loose target", "point": {"class.casework.complexity_mean": 5,
                                        "class.casework.routine_share": 0.2,
                                        "service.work_cv": 1, "class.casework.need_rate": 1.2,
                                        "service.time_target": 20}, "horizon": 2},
}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="analysis.regimes", description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--arms", default="npm,hls", metavar="A,B")
    ap.add_argument("--figures", metavar="DIR", help="write a map per outcome (last horizon)")
    ap.add_argument("--json", metavar="OUT", help="write the results as JSON")
    ap.add_argument("--uncertainty", action="append", metavar="KIND=FILE",
                    help="a `govsim uncertainty` file of one kind of service (repeatable)")
    ap.add_argument("--page", metavar="PAGE.md", help="rewrite the page's generated blocks")
    args = ap.parse_args(argv)
    try:
        g = grid(args.file, tuple(args.arms.split(",")))
        unc = {}
        for kv in args.uncertainty or []:
            name, _, path = kv.partition("=")
            if name not in KINDS:
                raise ValueError(f"--uncertainty {kv}: the kinds are {', '.join(KINDS)}")
            unc[name] = uncertainty_summary(path)
    except (OSError, ValueError) as e:
        print(f"analysis.regimes: {e}", file=sys.stderr)
        return 2
    res = {"grid": g, "kinds": KINDS, "uncertainty": unc, "fingerprint": fingerprint()}
    a, b = g["arms"]
    print(f"{len(g['points'])} kinds of service x {len(g['horizons'])} horizons, "
          f"{g['replications']} replications; share of kinds each regime wins")
    print(f"{'outcome':28s} {'horizon':>8s} {a + ' wins':>10s} {b + ' wins':>10s} "
          f"{'neither':>10s}")
    for metric, _, label in OUTCOMES:
        for hi, h in enumerate(g["horizons"]):
            s = shares(g, metric, hi)
            print(f"{label:28s} {h:>6d} y {s[a]:10.0%} {s[b]:10.0%} {s['']:10.0%}")
    if args.figures:
        os.makedirs(args.figures, exist_ok=True)
        for metric, _, _ in OUTCOMES:
            p = os.path.join(args.figures, f"where_each_regime_wins_{metric}.png")
            map_figure(g, metric, len(g["horizons"]) - 1, path=p)
            print(p)
    if args.json:
        with open(args.json + ".tmp", "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, allow_nan=True)
            f.write("\n")
        os.replace(args.json + ".tmp", args.json)
    if args.page:
        write_page(args.page, res)
        print(args.page)
    return 0


# What the results come from: when any of these changes (a model change moves the
# golden references of the scenarios), the results are stale: `make regimes`.
SOURCES = ("scenarios/where_each_regime_wins.ini", "scenarios/where/routine_tight.ini",
           "scenarios/where/complex_loose.ini", "scenarios/casework.ini",
           "tests/golden/reference/where_each_regime_wins.txt",
           "tests/golden/reference/where__routine_tight.txt",
           "tests/golden/reference/where__complex_loose.txt",
           "analysis/regimes.py", "analysis/uncertainty.py", "analysis/sobol.py")


def fingerprint(root=None):
    """{path: sha256} of SOURCES."""
    import hashlib
    root = root or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = {}
    for rel in SOURCES:
        with open(os.path.join(root, rel), "rb") as f:
            out[rel] = hashlib.sha256(f.read()).hexdigest()
    return out


def check_page(page, results):
    """The results file is of the current sources, and the page's generated blocks are
    its: [] or what is stale."""
    with open(results, encoding="utf-8") as f:
        res = json.load(f)
    now = fingerprint()
    stale = [f"{p} changed since `make regimes`" for p in SOURCES
             if res.get("fingerprint", {}).get(p) != now[p]]
    return stale + write_page(page, res, check=True)


if __name__ == "__main__":
    sys.exit(main())
