"""Ablation of a scenario: every mechanism switched off in turn.

    /usr/bin/python3 -m analysis.ablation scenarios/default.ini \
        [--govsim build/govsim] [--replications 3] [--markdown docs/mechanisms.md]

Runs the scenario once with every mechanism on, then once per
``mechanism.<name>`` switched off (same seeds: common random numbers), and
prints, per arm, how the key whole-run outcomes change. Whole-run values are
those of analysis.data (each metric added up by the aggregation its result
file declares, as `govsim run` adds it up), averaged over the replications.
With --markdown the table is written as a Markdown page.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

from . import data, files, guard

# The whole-run outcomes of the table: (metric, column heading). Each run's value is
# analysis.data.per_run(): the metric added up by the aggregation the file declares.
OUTCOMES = [
    ("needs_met", "needs met"),
    ("failure_demand_share", "failure demand"),
    ("within_target_recorded", "in target (rec.)"),
    ("within_target_true", "in target (true)"),
    ("leavers", "leavers"),
    ("cost_per_need_met", "cost/need met"),
]


def mechanisms(govsim):
    out = subprocess.run([govsim, "params"], check=True, capture_output=True, text=True).stdout
    names, inside = [], False
    for line in out.splitlines():
        if line.startswith("["):
            inside = line.strip() == "[mechanism]"
            continue
        if inside and line.strip():
            names.append(line.split()[0])
    return names


def run(govsim, scenario, out, sets):
    """Run the scenario; {arm: [mean over replications of each outcome's whole-run value]}."""
    cmd = [govsim, "run", scenario, "-o", out, "--force", "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    return summarise(data.load(out))


def summarise(ds):
    """{arm: array of the OUTCOMES' whole-run values, each the mean over the arm's runs}.

    A run without a value (NaN) is left out of its arm's mean, as in
    analysis.summary().
    """
    means = [data.summary(ds, name, by="arm")["mean"] for name, _ in OUTCOMES]
    return {a: np.array([float(m.loc[a]) for m in means]) for a in data.arms(ds)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--govsim", default="build/govsim")
    ap.add_argument("--replications", type=int, default=3)
    ap.add_argument("--markdown", help="write the table as a Markdown page to this file")
    args = ap.parse_args(argv)

    reps = [f"simulation.replications={args.replications}"]
    got = guard.run_command("ablation", _run_all, args.govsim, args.scenario, reps)
    if isinstance(got, int):
        return got
    base, rows = got

    arms = list(base)
    lines = []
    header = "| switched off | arm | " + " | ".join(h for _, h in OUTCOMES) + " |"
    lines.append(header)
    lines.append("|" + "---|" * (2 + len(OUTCOMES)))
    lines.append("| (none: all on) | " + " / ".join(arms) + " | " + " | ".join(
        " / ".join(_fmt(base[a][k]) for a in arms) for k in range(len(OUTCOMES))) + " |")
    for m, res in rows:
        cells = []
        for k in range(len(OUTCOMES)):
            cells.append(" / ".join(_delta(res[a][k], base[a][k]) for a in arms))
        lines.append(f"| `{m}` | " + " / ".join(arms) + " | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    if args.markdown:
        _write_section(args.markdown, _section(args.scenario, args.replications, arms, table))
    print(table)
    return 0


def _run_all(govsim, scenario, reps):
    """The base run and [(mechanism, run with it off)], each as run() gives it."""
    with tempfile.TemporaryDirectory() as tmp:
        base = run(govsim, scenario, os.path.join(tmp, "base.h5"), reps)
        rows = []
        for m in mechanisms(govsim):
            res = run(govsim, scenario, os.path.join(tmp, m + ".h5"),
                      reps + [f"mechanism.{m}=off"])
            rows.append((m, res))
    return base, rows


def _fmt(v):
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.3f}"


def _delta(v, base):
    if np.isnan(v) or np.isnan(base):
        return "n/a"
    d = v - base
    if abs(base) >= 100:
        return f"{d:+.0f}"
    return f"{d:+.3f}"


BEGIN = "<!-- ablation: begin (written by make ablation; do not edit by hand) -->"
END = "<!-- ablation: end -->"


def _write_section(path, section):
    """Put section between the markers of the page at path (the rest is kept)."""
    with open(path) as f:
        page = f.read()
    a, b = page.find(BEGIN), page.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"ablation: {path}: no '{BEGIN}' ... '{END}' markers to write between")
    page = page[:a] + BEGIN + "\n" + section + page[b:]

    def write(tmp):
        with open(tmp, "w") as f:
            f.write(page)

    files.write_atomically(path, write)


def _section(scenario, reps, arms, table):
    return f"""Generated by `/usr/bin/python3 -m analysis.ablation {scenario} --replications {reps}
--markdown docs/mechanisms.md` (`make ablation`).

Each row switches one mechanism off (`mechanism.<name> = off`) in every arm
and reruns the scenario on the same seeds (common random numbers). The first
row gives the whole-run outcomes with every mechanism on, per arm
({" / ".join(arms)}); the other rows give the change from it. Outcomes:
needs met (all routes), failure demand (share of contacts), the share within
the time target as recorded (measured cases) and as lived (needs that reached
the service), leavers, and cost per need met by the service. Means over
{reps} replications.

{table}

How to read it: a mechanism that drives a difference between regimes moves
the arms apart when it is on; switching it off in one arm's favour (for
example `learning` or `continuity` for hls, `premature_closure` or
`recording` for npm) shows how much of that arm's result it explains.
"""


if __name__ == "__main__":
    sys.exit(main())
