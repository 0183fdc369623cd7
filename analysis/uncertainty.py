"""govsim uncertainty: how sure is a verdict between two arms, across every plausible value
of the parameters nobody has measured.

    govsim uncertainty SCENARIO --arms A,B [--params KEY,...] [--metric NAME]...
                       [--samples N] [--replications N] [--set KEY=VALUE]...
                       [--threads N] [-o OUT.h5] [--force] [--resume]

The *uncertain parameters* are the behavioural parameters with a plausible range
(`govsim params`: a source's range or an assumption's) that the two arms share: a
parameter the arms set differently is part of what is compared, not of what is
uncertain, and a parameter with one value for the whole scenario (scope *scenario*)
cannot vary between runs. `--params` names them instead.

The parameters are drawn over their plausible ranges by Saltelli's design on a Sobol
sequence (`[sweep] design = saltelli`, docs/scenarios.md): N x (k + 2) points for k
parameters (`--samples N`, default 16). At every point both arms run with the same
seeds (common random numbers), so the difference B - A at a point is a paired
difference, averaged over its replications. For each metric it reports:

- the distribution of the difference over the 2N independent points (matrices A and B
  of the design): its mean, median and 5-95% range;
- the probability that B beats A across the plausible space: the share of those points
  at which B is better (for metrics with a better direction: more needs met, fewer
  leavers...; for others, the share at which B is higher);
- the first-order and total Sobol indices of the difference (analysis/sobol.py): which
  parameters the verdict hangs on.

Each parameter is drawn uniformly over its range: the ranges say what is plausible, not
how likely each value is. The runs go to OUT.h5 (default out/<scenario>-uncertainty.h5)
with the analysis in its group /uncertainty (docs/output.md); the scenario of the
design is kept next to it as OUT-uncertainty.ini. Exit status: 0, 1 when a run fails,
2 for bad usage or input.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from .explain import (WHOLE_RUN_INTERVAL, ExplainError, _key, _value, arms_of, command,
                      read_lines, sections, whole_run_only)

DEFAULT_METRICS = ("needs_met", "within_target_true", "cost_per_need_met", "leavers")

# The better direction of the metrics where it is not a matter of view: +1 more is
# better, -1 less is better. Metrics not listed are reported as "B higher".
BETTER = {
    "needs_met": 1, "needs_met_self": 1, "needs_unmet": -1, "needs_abandoned": -1,
    "failure_demand_share": -1, "contacts_failure": -1, "within_target_true": 1,
    "time_to_close_true_mean": -1, "wellbeing_mean": 1, "wellbeing_p10": 1,
    "trust_mean": 1, "trust_end": 1, "cost_per_need_met": -1, "cost_total": -1,
    "leavers": -1, "workers_sick": -1, "worker_stress_mean": -1,
}


class UncertaintyError(ExplainError):
    """Bad input: a message for the user, exit status 2."""


# ---------------------------------------------------------------------------
# The parameters

def parameter_table(govsim):
    """{key: row} from `govsim params --tsv` (row: the header's fields)."""
    out = subprocess.run([govsim, "params", "--tsv"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    head = out[0].split("\t")
    return {f[0]: dict(zip(head, f)) for f in (line.split("\t") for line in out[1:]) if f}


def plausible(row):
    """(low, high) of a table row, or None."""
    if not row.get("plausible_low"):
        return None
    return float(row["plausible_low"]), float(row["plausible_high"])


def arm_values(govsim, text, arms, sets=()):
    """{arm: {key: value as written}} for the arms of a flattened scenario (without its
    events), read from the provenance of a one-day run of a small population (every value
    resolved: presets, includes, the arm's own keys)."""
    import h5py
    with tempfile.TemporaryDirectory(prefix="govsim-uncertainty-") as d:
        scen, out = os.path.join(d, "s.ini"), os.path.join(d, "s.h5")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(text)
        cmd = [govsim, "run", scen, "-o", out, "--quiet", "--threads", "1"]
        for kv in sets:
            cmd += ["--set", kv]
        cmd += ["--set", "simulation.replications=1", "--set", "population.citizens=20",
               "--set", "simulation.duration=1d", "--set", "output.interval=1d"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            msg = (r.stderr.strip().splitlines() or ["(no message)"])[0]
            raise UncertaintyError(f"the scenario does not run: {msg}")
        with h5py.File(out, "r") as f:
            return {a: {k: (v.decode() if isinstance(v, bytes) else str(v))
                        for k, v in f[f"provenance/parameters/{a}"].attrs.items()}
                    for a in arms}


def choose(table, values, arms, named=None):
    """The uncertain parameters [(key, low, high, type)] and the ones left out
    {key: why}: every behavioural parameter with a plausible range that the arms
    share (values: {arm: {key: value}}; None for one arm, nothing to share), or those
    named (each of which must qualify)."""
    a, b = arms if values is not None else (None, None)
    chosen, left = [], {}
    keys = named if named is not None else [k for k in table if not k.startswith("class.")]
    for key in keys:
        row = table.get(key)
        if row is None:
            import difflib
            close = difflib.get_close_matches(key, list(table), n=1)
            raise UncertaintyError(f"--params: no parameter {key!r}"
                                   + (f"; did you mean {close[0]!r}?" if close else ""))
        rng = plausible(row)
        why = None
        if key.startswith("class."):
            why = "a class's parameter (a setting of the service)"
        elif rng is None:
            why = "no plausible range (a setting or a lever)"
        elif row["scope"] == "scenario":
            why = "one value for the whole scenario: it cannot vary between runs"
        elif values is not None and values[a].get(key) != values[b].get(key):
            why = (f"the arms set it differently ({a}: {values[a].get(key)}, "
                   f"{b}: {values[b].get(key)}): part of the comparison")
        if why is None:
            chosen.append((key, rng[0], rng[1], row["type"]))
        elif named is not None:
            raise UncertaintyError(f"--params: {key}: {why}")
        else:
            left[key] = why
    if not chosen:
        raise UncertaintyError("no uncertain parameter is left to vary")
    return chosen, left


def scenario_value(value, kind, digits=10):
    """A number as a scenario file writes it for a parameter of type kind: durations in
    days, ints rounded, reals to `digits` significant digits."""
    if kind == "duration":
        return f"{value:.{digits}g}d"
    if kind == "int":
        return str(int(round(value)))
    return f"{value:.{digits}g}"


def design_scenario(path, arms, params, samples, events=True):
    """The text of a scenario that runs arms A and B (and no other) over a Saltelli
    design of the parameters (with params None: without a [sweep]; without its events
    if not events)."""
    secs = sections(read_lines(path))
    names = arms_of(secs)
    for a in arms:
        if a not in names:
            raise UncertaintyError(f"{path}: no arm {a!r} (its arms: {', '.join(names) or 'none'})")
    if any(h == "sweep" for h, _ in secs):
        raise UncertaintyError(f"{path}: uncertainty takes a scenario without a [sweep]: it "
                               f"makes its own")
    out = []
    for h, lines in secs:
        if h is not None and h.startswith("arm.") and h[4:] not in arms:
            continue
        if h is not None and h.startswith("event.") and not events:
            continue
        if h is not None and h.startswith("event."):
            kept, listed = [], None
            for ln in lines:
                if "=" in ln and _key(ln) == "arms":
                    listed = [x.strip() for x in _value(ln).split(",") if x.strip()]
                else:
                    kept.append(ln)
            if listed is not None:
                listed = [a for a in listed if a in arms]
                if not listed:
                    continue  # an event of other arms only
                kept.append("arms = " + ", ".join(listed))
            lines = kept
        if h is not None:
            out.append(f"[{h}]")
        out += lines
    if params is not None:
        out += ["[sweep]", "design = saltelli", f"samples = {samples}"]
        out += [f"{k} = {scenario_value(lo, t)}:{scenario_value(hi, t)}" for k, lo, hi, t in params]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# The analysis

def differences(ds, metric, arms):
    """(yA, yB, yAB, names) of the paired difference B - A at each design point."""
    from . import sobol
    per_arm = sobol.design_outputs(ds, metric)
    a, b = arms
    ya, yb = per_arm[a], per_arm[b]
    if ya[3] != yb[3]:
        raise UncertaintyError("the arms' designs differ")
    return yb[0] - ya[0], yb[1] - ya[1], yb[2] - ya[2], ya[3]


def analyse(ds, metric, arms, n_boot=1000):
    from . import sobol
    dA, dB, dAB, names = differences(ds, metric, arms)
    d = np.concatenate([dA, dB])
    d = d[np.isfinite(d)]
    if d.size == 0:
        raise UncertaintyError(f"{metric}: no design point has a value")
    sign = BETTER.get(metric, 1)
    idx = sobol.sobol_indices(dA, dB, dAB, n_boot=n_boot, seed=0, names=names)
    p = float(np.mean(sign * d > 0))
    return {
        "difference": d.tolist(),
        "mean": float(d.mean()), "median": float(np.median(d)),
        "p05": float(np.percentile(d, 5)), "p95": float(np.percentile(d, 95)),
        "direction": "better" if metric in BETTER else "higher",
        "better_sign": sign,
        "probability": p, "points": int(d.size),
        "indices": {n: {c: float(idx.loc[n, c]) for c in idx.columns} for n in names},
    }


def print_result(metric, arms, r, top=5):
    a, b = arms
    what = "better" if r["direction"] == "better" else "higher"
    print(f"\n{metric}: {b} - {a} over the plausible space ({r['points']} points)")
    print(f"  mean {r['mean']:+.4g}, median {r['median']:+.4g}, 5-95% "
          f"{r['p05']:+.4g} to {r['p95']:+.4g}")
    print(f"  P({b} {what} than {a}) = {r['probability']:.2f}")
    rows = sorted(r["indices"].items(), key=lambda kv: -(kv[1]["ST"]
                                                         if math.isfinite(kv[1]["ST"]) else -1))
    print(f"  {'parameter':34s} {'first-order':>18s} {'total':>18s}")
    for name, v in rows[:top]:
        print(f"  {name:34s} {v['S1']:6.2f} [{v['S1_low']:5.2f},{v['S1_high']:5.2f}] "
              f"{v['ST']:6.2f} [{v['ST_low']:5.2f},{v['ST_high']:5.2f}]")


def write_output(runs, out, result, arms, params, left, samples):
    """OUT.h5: the runs' file with the analysis in /uncertainty, written whole then renamed."""
    import h5py
    tmp = out + ".partial"
    shutil.copyfile(runs, tmp)
    with h5py.File(tmp, "r+") as f:
        g = f.create_group("uncertainty")
        g.attrs["arm_a"], g.attrs["arm_b"] = arms
        g.attrs["samples"] = samples
        g.attrs["left_out"] = json.dumps(left)
        g.create_dataset("parameter", data=np.array([p[0] for p in params], dtype="S"))
        g.create_dataset("low", data=[p[1] for p in params])
        g.create_dataset("high", data=[p[2] for p in params])
        names = [p[0] for p in params]
        for m, r in result.items():
            h = g.create_group(m)
            for k in ("mean", "median", "p05", "p95", "probability"):
                h.attrs[k] = r[k]
            h.attrs["direction"] = r["direction"]
            h.create_dataset("difference", data=np.asarray(r["difference"]))
            for c in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"):
                h.create_dataset(c, data=[r["indices"][n][c] for n in names])
    os.replace(tmp, out)
    os.remove(runs)


def read(path):
    """The analysis a `govsim uncertainty` file holds, or None for a file without one:
    {"arm_a", "arm_b", "parameters": [names], "low", "high", "metrics": {metric:
    {"mean", "median", "p05", "p95", "probability", "direction", "difference": array,
    "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high": {parameter: value}}}}."""
    import h5py
    with h5py.File(path, "r") as f:
        if "uncertainty" not in f:
            return None
        g = f["uncertainty"]
        names = [p.decode() for p in g["parameter"][()]]
        out = {"arm_a": str(g.attrs["arm_a"]), "arm_b": str(g.attrs["arm_b"]),
               "parameters": names, "low": g["low"][()].tolist(),
               "high": g["high"][()].tolist(), "metrics": {}}
        for m in g:
            if not isinstance(g[m], h5py.Group):
                continue
            h = g[m]
            r = {k: float(h.attrs[k]) for k in ("mean", "median", "p05", "p95", "probability")}
            r["direction"] = str(h.attrs["direction"])
            r["difference"] = h["difference"][()]
            for c in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"):
                r[c] = dict(zip(names, map(float, h[c][()])))
            out["metrics"][m] = r
    return out


# ---------------------------------------------------------------------------
# The command

def build_parser(prog="govsim uncertainty"):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--arms", required=True, metavar="A,B", help="the two arms: B - A")
    ap.add_argument("--params", metavar="KEY,...",
                    help="the uncertain parameters (default: every one with a plausible "
                         "range that the arms share)")
    ap.add_argument("--metric", action="append", metavar="NAME",
                    help="a whole-run metric (repeatable; default: "
                         + ", ".join(DEFAULT_METRICS) + ")")
    ap.add_argument("--samples", type=int, default=16, metavar="N",
                    help="rows of the Saltelli design: N x (k + 2) points (default 16)")
    ap.add_argument("--replications", type=int, metavar="N",
                    help="replications at each point (default: the scenario's)")
    ap.add_argument("--series", action="store_true",
                    help="keep the scenario's output interval in the runs' file (by default "
                         "each run is one interval when no metric is a stock: the same "
                         "result, the runs cost less)")
    ap.add_argument("--threads", type=int, metavar="N", help="passed to govsim run")
    ap.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="passed to govsim run (every arm)")
    ap.add_argument("-o", "--output", metavar="OUT.h5")
    ap.add_argument("--force", action="store_true", help="overwrite OUT.h5")
    ap.add_argument("--resume", action="store_true",
                    help="complete the runs an interrupted uncertainty left")
    ap.add_argument("--govsim", default=os.environ.get("GOVSIM_BINARY")
                    or shutil.which("govsim") or "govsim", help=argparse.SUPPRESS)
    return ap


def main(argv=None):
    return command(argv, "govsim uncertainty", build_parser, uncertainty)


def uncertainty(args):
    from . import data
    arms = [a.strip() for a in args.arms.split(",")]
    if len(arms) != 2 or not all(arms) or arms[0] == arms[1]:
        raise UncertaintyError(f"--arms {args.arms!r}: name two different arms, A,B")
    if not 2 <= args.samples <= 100000:
        raise UncertaintyError(f"--samples {args.samples}: from 2 to 100000")
    if args.replications is not None and not 1 <= args.replications <= 10000:
        raise UncertaintyError(f"--replications {args.replications}: from 1 to 10000")
    if not os.path.isfile(args.scenario):
        raise UncertaintyError(f"{args.scenario}: no such file")
    metrics = args.metric or list(DEFAULT_METRICS)
    one_interval = whole_run_only(args.govsim, metrics, args.set, args.series)
    table = parameter_table(args.govsim)
    # the arms' values, with the user's overrides, decide which parameters they share
    probe = design_scenario(args.scenario, arms, None, 0, events=False)
    values = arm_values(args.govsim, probe, arms, args.set or [])
    named = [p.strip() for p in args.params.split(",") if p.strip()] if args.params else None
    params, left = choose(table, values, arms, named)
    text = design_scenario(args.scenario, arms, params, args.samples)
    stem = os.path.splitext(os.path.basename(args.scenario))[0]
    out = args.output or os.path.join("out", f"{stem}-uncertainty.h5")
    if os.path.isdir(out):
        raise UncertaintyError(f"-o {out} is a directory; name a file in it")
    if os.path.exists(out) and not args.force:
        raise UncertaintyError(f"{out} exists: use --force to replace it")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    base = out[:-3] if out.endswith(".h5") else out
    scen = base + "-uncertainty.ini"
    runs = base + "-uncertainty-runs.h5"
    k = len(params)
    with open(scen + ".tmp", "w", encoding="utf-8") as f:
        f.write(f"; the design of `govsim uncertainty {args.scenario} --arms {args.arms}`: "
                f"{k} parameters over their plausible ranges, {args.samples} x {k + 2} "
                f"points x 2 arms\n" + text)
    os.replace(scen + ".tmp", scen)
    cmd = [args.govsim, "run", scen, "-o", runs, "--resume" if args.resume else "--force"]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    for kv in args.set or []:
        cmd += ["--set", kv]
    if args.replications:
        cmd += ["--set", f"simulation.replications={args.replications}"]
    if one_interval:
        cmd += ["--set", f"output.interval={WHOLE_RUN_INTERVAL}"]
    cmd.append("--quiet")
    print(f"govsim uncertainty: {k} parameters, {args.samples * (k + 2)} points x 2 arms "
          f"({len(left)} left out: the arms set them differently, or they cannot vary): "
          f"{scen}" + (" (each run one output interval: no metric is a stock)"
                       if one_interval else ""), file=sys.stderr, flush=True)
    rc = subprocess.run(cmd).returncode
    if rc != 0:
        return rc
    ds = data.load_metrics(runs, metrics)
    for m in metrics:
        if m not in ds:
            import difflib
            close = difflib.get_close_matches(m, [str(v) for v in ds.data_vars], n=1)
            raise UncertaintyError(f"--metric {m!r}: not a metric of the result"
                                   + (f"; did you mean {close[0]!r}?" if close else ""))
    result = {}
    for m in metrics:
        result[m] = analyse(ds, m, arms)
        print_result(m, arms, result[m])
    write_output(runs, out, result, arms, params, left, args.samples)
    print(f"govsim uncertainty: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
