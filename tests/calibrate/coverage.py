"""Does `govsim calibrate` recover parameters it knows? Coverage of its credible intervals.

For each repeat r: draw two true values (population.abandon_probability and
service.resolve_base, inside their plausible ranges), run a small service at
them with a seed of its own (the "real" service), take its figures as the
observed ones, calibrate the two parameters to them from their uniform priors,
and see whether each true value lies inside the 90% credible interval (the
weighted 5% and 95% quantiles of the last generation's particles).

    /usr/bin/python3 tests/calibrate/coverage.py --govsim build/govsim --repeats 20

prints one line a repeat and the coverage, and exits 1 when a parameter's true
value is inside its interval in fewer than --at-least (default 0.8) of the repeats.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from analysis import data  # noqa: E402
from analysis.calibrate import weighted_quantile  # noqa: E402

SERVICE = """; a small, fast service: the coverage check of govsim calibrate
[simulation]
seed = 11
duration = 180d
[population]
citizens = 1000
[workforce]
teams = 1
workers_per_team = 3
[arm.npm]
preset = npm
"""
PARAMS = [("population.abandon_probability", 0.1, 0.5), ("service.resolve_base", 0.2, 0.6)]
# the figures and their stated uncertainty (about the run-to-run sd of each on this service)
FIGURES = [("needs_met", 20.0), ("failure_demand_share", 0.025), ("needs_abandoned", 12.0),
           ("contacts_repeat", 40.0)]


def repeat(govsim, d, r, truth, particles, generations, threads):
    scen = os.path.join(d, "service.ini")
    with open(scen, "w", encoding="utf-8") as f:
        f.write(SERVICE)
    real = os.path.join(d, f"real{r}.h5")
    cmd = [govsim, "run", scen, "-o", real, "--force", "--quiet", "--seed", str(1000 + r),
           "--threads", str(threads)]
    for (key, _, _), v in zip(PARAMS, truth):
        cmd += ["--set", f"{key}={v:.6g}"]
    subprocess.run(cmd, check=True)
    ds = data.load(real)
    obs = os.path.join(d, f"observed{r}.csv")
    with open(obs, "w", encoding="utf-8") as f:
        f.write("metric, value, uncertainty, window\n")
        for m, u in FIGURES:
            f.write(f"{m}, {float(data.over(ds, m).values[0]):.6g}, {u:g}, 0d-180d\n")
    out = os.path.join(d, f"cal{r}.csv")
    run = subprocess.run([govsim, "calibrate", scen, "--observed", obs, "--params",
                          ",".join(p[0] for p in PARAMS), "--particles", str(particles),
                          "--generations", str(generations), "--seed", str(r + 1),
                          "--threads", str(threads), "-o", out, "--force"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    last = max(int(x["generation"]) for x in rows)
    rows = [x for x in rows if int(x["generation"]) == last]
    w = np.array([float(x["weight"]) for x in rows])
    result = []
    for (key, _, _), t in zip(PARAMS, truth):
        x = np.array([float(row[key]) for row in rows])
        lo, hi = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
        result.append((key, t, lo, hi, lo <= t <= hi))
    return result


def coverage(govsim, repeats, particles=40, generations=4, threads=2, seed=0, say=print):
    """[per repeat: [(key, true, low, high, covered)]]."""
    rng = np.random.default_rng(seed)
    out = []
    with tempfile.TemporaryDirectory(prefix="govsim-coverage-") as d:
        for r in range(repeats):
            # true values in the middle 80% of each range
            truth = [lo + (0.1 + 0.8 * rng.random()) * (hi - lo) for _, lo, hi in PARAMS]
            res = repeat(govsim, d, r, truth, particles, generations, threads)
            say("  ".join(f"{k}: {t:.3f} in [{lo:.3f}, {hi:.3f}] {'yes' if c else 'NO'}"
                          for k, t, lo, hi, c in res))
            out.append(res)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--govsim", default=os.path.join(ROOT, "build", "govsim"))
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--particles", type=int, default=40)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--at-least", type=float, default=0.8)
    a = ap.parse_args()
    res = coverage(a.govsim, a.repeats, a.particles, a.generations, a.threads)
    ok = True
    for j, (key, _, _) in enumerate(PARAMS):
        n = sum(r[j][4] for r in res)
        print(f"{key}: true value inside the 90% interval in {n} of {len(res)} repeats "
              f"({n / len(res):.0%})")
        ok &= n >= a.at_least * len(res)
    both = sum(all(p[4] for p in r) for r in res)
    print(f"both inside: {both} of {len(res)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
