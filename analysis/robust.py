"""Robustness of the published experiments to their calibration and to the seed.

    /usr/bin/python3 -m analysis.robust [--only NAME] [--out DIR] [--govsim build/govsim]
                                        [--write-docs]

For each experiment of analysis.reproduce, each line of its scenario's
calibration block (analysis/calibration.py) is varied on its own to -20%,
-10%, +10% and +20% of its value (every key of a line together; a whole
number stays whole), and the scenario is run again at SEEDS other seeds with
its calibration as it is; each run has the replications of the full
`make reproduce`. For every figure it prints in how many of these variations
the figure's mean stays within its band, and that share; a figure is
*robust* when the share is at least analysis.reproduce.ROBUST_SHARE, and
*robustly reproduced* when it is also within its band in the main run.
A variation is a scenario that includes the published one and sets the varied
value after it, written to DIR (default out/reproduce/robust) with its result
file.

`--write-docs` (`make reproduce-robust`; every experiment, or with --only one
experiment's entry of a current robustness.json) writes
docs/experiments/robustness.json, then the robustness tables of the pages and
the summary of docs/experiments/README.md (analysis/expdocs.py renders them;
`make reproduce-docs-check` checks them). Exit status: 0, 1 when a run
fails, 2 for bad usage.
"""

import argparse
import os
import sys
import time

import numpy as np

from . import calibration, expdocs, guard, reproduce

FACTORS = (0.8, 0.9, 1.1, 1.2)
SEEDS = 5
ROBUST = "robustness.json"


def variations(exp, types, root=expdocs.ROOT):
    """[(group, name, sets, variant scenario text or None, extra --set)] of an experiment:
    each calibrated line at each factor (sets None where the value would leave the
    parameter's allowed range: not run), then the other seeds. ``types``:
    calibration.parameter_types()."""
    path = calibration.scenario_path(exp.scenario, root)
    base_seed = int(calibration.settings(path).get(("simulation", "seed"), ("1", 0))[0])
    out = []
    for c in calibration.read(path):
        for f in FACTORS:
            sets = [(k, calibration.scaled(c.value, f, *calibration.type_of(types, k)))
                    for k in c.keys]
            if any(v is None for _, v in sets):
                out.append((c.name(), f"{f - 1:+.0%}", None, None, []))
                continue
            out.append((c.name(), f"{f - 1:+.0%}", sets,
                        calibration.variant_text(os.path.abspath(path), sets), []))
    for k in range(1, SEEDS + 1):
        out.append(("seed", str(base_seed + k), [], None, [f"simulation.seed={base_seed + k}"]))
    return out


def run(exps, govsim, out, root=expdocs.ROOT):
    """Run every variation; {experiment name: {"variations": [...], "figures": [...]}}
    (a variation beyond the parameter's range is listed, with ``in_band`` None)."""
    record = {}
    types = calibration.parameter_types(govsim)
    for i, exp in enumerate(exps, 1):
        vs = variations(exp, types, root)
        t1 = time.monotonic()
        inside = {f.label: [] for f in exp.figures}
        described = []
        print(f"[{i}/{len(exps)}] {exp.name}: {len(vs)} variations", flush=True)
        for j, (group, name, sets, text, extra) in enumerate(vs):
            stem = f"{exp.name}--{j:02d}"
            if sets is None:
                for fig in exp.figures:
                    inside[fig.label].append(None)
                described.append({"group": group, "name": name,
                                  "what": "beyond the parameter's allowed range: not run"})
                print(f"  {group:58s} {name:>6s}  (beyond the allowed range: not run)",
                      flush=True)
                continue
            scenario = None
            if text is not None:
                scenario = os.path.join(out, stem + ".ini")
                with open(scenario, "w", encoding="utf-8") as fh:
                    fh.write(text)
            variant = reproduce.Variant(name, extra, "", []) if extra else None
            res = reproduce.run_experiment(exp, govsim, False, out, variant=variant,
                                           scenario=scenario, name=stem)
            rows = reproduce.evaluate(exp, res)
            marks = ""
            for fig, mean, half, band, ok in rows:
                inside[fig.label].append(bool(ok))
                marks += "+" if ok else "-"
            what = ", ".join(f"{k} = {v}" for k, v in sets) if sets else f"simulation.seed = {name}"
            described.append({"group": group, "name": name, "what": what})
            print(f"  {group:58s} {name:>6s}  {marks}", flush=True)
        figs = []
        for fig in exp.figures:
            got = inside[fig.label]
            ran = [x for x in got if x is not None]
            share = sum(ran) / len(ran) if ran else float("nan")
            figs.append({"label": fig.label, "kind": fig.label_kind, "in_band": got,
                         "share": share, "robust": bool(share >= reproduce.ROBUST_SHARE)})
        record[exp.name] = {"variations": described, "figures": figs,
                            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "revision": expdocs.git_revision(root),
                            "seconds": round(time.monotonic() - t1, 1),
                            "load": expdocs.load_average()}
        for f in figs:
            ran = [x for x in f["in_band"] if x is not None]
            print(f"  {f['label']:58s} {f['kind']:10s} {sum(ran):3d} of "
                  f"{len(ran)}  {f['share']:.0%}{'  robust' if f['robust'] else ''}")
    return record


def main(argv=None):
    ap = argparse.ArgumentParser(prog="/usr/bin/python3 -m analysis.robust",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="one experiment by name")
    ap.add_argument("--out", metavar="DIR", default=os.path.join("out", "reproduce", "robust"),
                    help="where the variations and their result files go "
                         "(default out/reproduce/robust)")
    ap.add_argument("--govsim", default=os.environ.get("GOVSIM", "build/govsim"))
    ap.add_argument("--write-docs", action="store_true",
                    help="then write docs/experiments/robustness.json and the pages' robustness "
                         "tables (make reproduce-robust); with --only, that experiment's entry "
                         "of a current robustness.json")
    ap.add_argument("--docs", metavar="DIR", default=expdocs.DOCS_DIR,
                    help="the experiments' pages (default docs/experiments of the repository)")
    args = ap.parse_args(argv)
    if args.write_docs and args.only:
        try:
            old = expdocs.read_robust(args.docs)
        except expdocs.DocsError as e:
            print(f"robust: {e}", file=sys.stderr)
            return 1
        if old is None or old.get("fingerprint") != expdocs.fingerprint(reproduce.EXPERIMENTS):
            print("robust: --write-docs --only NAME replaces one experiment of a current "
                  "robustness.json: run every experiment (make reproduce-robust)",
                  file=sys.stderr)
            return 2
    exps = [e for e in reproduce.EXPERIMENTS if not args.only or e.name == args.only]
    if not exps:
        print(f"robust: no experiment {args.only!r}; {reproduce.suggest(args.only)}",
              file=sys.stderr)
        return 2
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        print(f"robust: cannot create {args.out}: {e.strerror}", file=sys.stderr)
        return 1
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load0 = expdocs.load_average()
    t0 = time.monotonic()
    got = guard.run_command("robust", run, exps, args.govsim, args.out)
    if isinstance(got, int):
        return got
    seconds = time.monotonic() - t0
    print(f"\nrobust: {sum(len(v['variations']) for v in got.values())} variations of "
          f"{len(exps)} experiment{'s' if len(exps) != 1 else ''} in "
          f"{reproduce._duration(seconds)}; files in {args.out}/")
    if args.write_docs:
        doc = {"format": expdocs.FORMAT,
               "written_by": "make reproduce-robust (/usr/bin/python3 -m analysis.robust "
                             "--write-docs)",
               "date": started, "revision": expdocs.git_revision(),
               "cpu": {"model": expdocs.cpu_model(), "cores": os.cpu_count()},
               "load": [load0, expdocs.load_average()], "seconds": round(seconds, 1),
               "factors": list(FACTORS), "seeds": SEEDS,
               "robust_share": reproduce.ROBUST_SHARE,
               "fingerprint": expdocs.fingerprint(reproduce.EXPERIMENTS),
               "experiments": [dict(name=e.name, **got[e.name]) for e in exps]}
        if args.only:  # this experiment's entry replaced, the others kept
            doc["experiments"] = [dict(name=e["name"], **{k: v for k, v in e.items()
                                                          if k != "name"})
                                  if e["name"] != args.only else doc["experiments"][0]
                                  for e in old["experiments"]]
            for e in doc["experiments"]:
                e.setdefault("date", old["date"])
                e.setdefault("revision", old["revision"])
        try:
            for path in expdocs.write_robust(doc, args.docs):
                print(f"robust: wrote {path}")
        except (expdocs.DocsError, OSError) as e:
            print(f"robust: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
