"""Reproduce published experiments: run each scenario of scenarios/published/
and compare govsim's figures with the published ones.

    /usr/bin/python3 -m analysis.reproduce [--fast] [--only NAME] [--out DIR]
                                           [--govsim build/govsim] [--write-docs]
    /usr/bin/python3 -m analysis.reproduce --check-docs

Each experiment's result file is kept in DIR (default out/reproduce, or
out/reproduce/fast with --fast), one file per experiment, NAME.h5; a line
says which experiment runs (and govsim's progress line follows on a
terminal). For every published figure it prints its unit once, what was
published as it was published (a value, a range "40–75", a threshold
"≥ 1.5" or a claim "~0.5"), govsim's mean with its 95% confidence interval
across replications, the tolerance band stated in docs/experiments/<name>.md,
and PASS (the mean lies in the band) or FAIL. `--fast` runs small
populations and fewer replications with wider bands (the subset `make check`
runs). Figures the model does not reproduce are reported as such, never
forced. Exit status: 0 when every figure flagged as reproduced (on its page)
lies within its band, 1 when one does not, 2 for bad usage. A metric's value over a run (or a span of it) is the
one analysis.data.over() gives, by the aggregation the result file declares
for the metric, as `govsim run` and `govsim compare` add it up.

`--write-docs` (`make reproduce-docs`; the full run of every experiment)
then writes docs/experiments/results.json and, from it, the tables between
marker comments in docs/experiments/*.md; `--check-docs` (`make check`) runs
nothing and fails when a page's table is not what results.json renders to or
results.json is from an older model (analysis/expdocs.py says how).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

from . import data, expdocs, guard

T975 = {1: 12.7062047, 2: 4.30265273, 3: 3.18244631, 4: 2.77644511, 5: 2.57058184,
        6: 2.44691185, 7: 2.36462425, 8: 2.30600414, 9: 2.26215716, 10: 2.22813885,
        11: 2.20098516, 12: 2.17881283, 14: 2.14478669, 19: 2.09302405, 29: 2.04522964}


def t975(df):
    """The 0.975 quantile of Student's t with df degrees of freedom."""
    if df in T975:
        return T975[df]
    keys = sorted(T975)
    if df > keys[-1]:
        return 1.959964 + 2.4 / df  # within 1e-3 of the quantile beyond 29
    below = max(k for k in keys if k < df)
    above = min(k for k in keys if k > df)
    return T975[below] + (T975[above] - T975[below]) * (df - below) / (above - below)


@dataclass
class Figure:
    label: str
    published: float
    band: Tuple[float, float]
    unit: str
    compute: Callable[["Result"], np.ndarray]   # one value per replication
    source: str = ""
    reproduced: bool = False  # within its band in the last full `make reproduce` (docs page)
    claim: str = ""  # what was published, when not a point value: "40–75", "≥ 1.5", "~0.5"
    calibrated: bool = False  # the scenario was calibrated to it (its page says how)

    def published_text(self):
        """What was published, as published: the claim, else the value."""
        if self.claim:
            return self.claim
        return f"{self.published:g}"


@dataclass
class Experiment:
    name: str
    scenario: str
    figures: List[Figure]
    full: List[str] = field(default_factory=list)   # --set overrides for `make reproduce`
    fast: List[str] = field(default_factory=list)   # ... for --fast
    pattern: str = ""  # what it shows, for docs/experiments/README.md


class Result:
    """A result file: helpers to pick an arm's replications."""

    def __init__(self, path):
        self.ds = data.load(path)
        self.arm = np.asarray(self.ds["arm"].values)
        self.classes = [str(c) for c in self.ds["class"].values.tolist()]
        self.bin_minutes = np.asarray(self.ds["bin"].values, dtype=float) * 1440.0

    def runs(self, arm):
        rows = np.where(self.arm == arm)[0]
        if not len(rows):
            raise KeyError(f"no arm {arm!r} in the result file")
        return rows

    def hist_by_class(self, arm, kind="recorded"):
        """[replication, class, bin] counts of the recorded or true time to close."""
        h = self.ds[f"time_to_close_{kind}_hist_by_class"].transpose("run", "class", "bin")
        return h.values[self.runs(arm)]

    def series(self, arm, metric):
        return self.ds[metric].values[self.runs(arm)]

    def over(self, arm, metric, d0=None, d1=None, cls=None):
        """Per replication, a metric's value over the whole run, by its aggregation.

        The value analysis.data.over() gives (the sum of a flow, the mean of
        a stock, a weighted mean, a ratio of sums: as the file declares it,
        and as `govsim run` adds it up), over the intervals ending in (d0, d1]
        days when they are given. ``cls``: a per-class metric's value for
        that class (``metric`` without ``_by_class``).
        """
        ds = self.ds.isel(run=self.runs(arm))
        if d0 is not None or d1 is not None:
            t = np.asarray(ds["time"].values, dtype=float)
            lo = -np.inf if d0 is None else d0
            hi = np.inf if d1 is None else d1
            ds = ds.isel(time=np.flatnonzero((t > lo) & (t <= hi)))
        if cls is None:
            return data.over(ds, metric).transpose("run").values
        v = data.over(ds, f"{metric}_by_class").transpose("run", "class")
        return v.values[:, self.classes.index(cls)]


def _bin_index(res, minutes):
    """Bins are (lower, upper]: the index of the first bin above `minutes`."""
    return int(np.searchsorted(res.bin_minutes, minutes - 1e-9))


def share_before(res, arm, cls=None, lo=220.0, hi=240.0):
    """Per replication, the % of closures with a recorded time in (lo, hi] minutes."""
    h = res.hist_by_class(arm)
    if cls is not None:
        h = h[:, [res.classes.index(cls)], :]
    h = h.sum(axis=1)
    i, j = _bin_index(res, lo), _bin_index(res, hi)
    return 100.0 * h[:, i:j].sum(axis=1) / h.sum(axis=1)


def share_within(res, arm, minutes=240.0, cls=None):
    """Per replication, the % of closures with a recorded time of at most `minutes`."""
    h = res.hist_by_class(arm)
    if cls is not None:
        h = h[:, [res.classes.index(cls)], :]
    h = h.sum(axis=1)
    j = _bin_index(res, minutes)
    return 100.0 * h[:, :j].sum(axis=1) / h.sum(axis=1)


def mean_minutes(res, arm, cls):
    """Per replication, the mean recorded time to close of a class (bin midpoints) [min]."""
    h = res.hist_by_class(arm)[:, res.classes.index(cls), :]
    width = res.bin_minutes[1] - res.bin_minutes[0]
    mid = res.bin_minutes + width / 2
    return (h * mid).sum(axis=1) / h.sum(axis=1)


def ratio(res, arm, base, metric):
    """Per replication (paired: the same seed), arm's whole-run value of a metric over base's."""
    return res.over(arm, metric) / res.over(base, metric)


def met_by_service(res, arm, d0=None, d1=None):
    """Per replication, needs met by the service (needs met less those resolved on their own)."""
    return res.over(arm, "needs_met", d0, d1) - res.over(arm, "needs_met_self", d0, d1)


def hours_per_need(res, arm):
    """Per replication, casework hours per need met by the service."""
    return res.over(arm, "hours_casework") / met_by_service(res, arm)


def recorded_share(res, arm):
    """Per replication, % of measured cases recorded within the target."""
    return 100.0 * res.over(arm, "within_target_recorded")


def true_share_class(res, arm, cls, minutes):
    """Per replication, % of a class's needs met within `minutes` of the first contact."""
    h = res.hist_by_class(arm, "true")[:, res.classes.index(cls), :]
    j = _bin_index(res, minutes)
    return 100.0 * h[:, :j].sum(axis=1) / h.sum(axis=1)


def measured_share(res, arm):
    """Per replication, % of closed cases in the measured category."""
    return 100.0 * res.over(arm, "cases_measured") / res.over(arm, "cases_closed")


def failure_share(res, arm):
    """Per replication, % of contacts that are failure demand."""
    return 100.0 * res.over(arm, "failure_demand_share")


def true_days(res, arm):
    """Per replication, mean true days to close of needs met by the service."""
    return res.over(arm, "time_to_close_true_mean")


def cost_per_need(res, arm):
    """Per replication, cost per need met by the service."""
    return res.over(arm, "cost_per_need_met")


def window(res, arm, metric, d0, d1):
    """Per replication, a metric's value over the intervals ending in (d0, d1] days."""
    return res.over(arm, metric, d0, d1)


def hours_per_case_class(res, arm, cls):
    return (res.over(arm, "hours_casework", cls=cls)
            / res.over(arm, "cases_closed", cls=cls))


def met_share_class(res, arm, cls):
    """Per replication, % of a class's needs (each arrival) that the service met."""
    return 100.0 * res.over(arm, "needs_met_service", cls=cls) / res.over(
        arm, "needs_arising", cls=cls)


EXPERIMENTS = [
    Experiment(
        name="ae_four_hours",
        pattern="P1, the four-hour spike",
        scenario="scenarios/published/ae_four_hours.ini",
        full=["simulation.replications=30"],
        # the full 120 days (the rise in admitted patients' stay builds up
        # with congestion: over the first 60 days it is negative) and 8
        # replications: the rise varies between replications by ~43 min (sd),
        # so that its fast band (+-40 min) is 2.5 standard errors wide
        fast=["simulation.replications=8"],
        figures=[
            Figure("leaving in the last 20 min before 4 h, no target", 4.7, (3.5, 6.0), "%",
                   lambda r: share_before(r, "no_target"), "Locker & Mason 2005", True,
                   calibrated=True),
            Figure("leaving in the last 20 min before 4 h, target", 8.4, (6.5, 10.5), "%",
                   lambda r: share_before(r, "target"), "Locker & Mason 2005"),
            Figure("within 4 h, no target", 83.9, (80.0, 88.0), "%",
                   lambda r: share_within(r, "no_target"), "Locker & Mason 2005", True,
                   calibrated=True),
            Figure("within 4 h, target", 96.3, (93.0, 99.0), "%",
                   lambda r: share_within(r, "target"), "Locker & Mason 2005"),
            Figure("admitted: last 20 min before 4 h, target", 12.3, (9.0, 16.0), "%",
                   lambda r: share_before(r, "target", "admitted"), "Mason et al. 2012", True),
            Figure("discharged: last 20 min before 4 h, target", 3.6, (2.0, 6.0), "%",
                   lambda r: share_before(r, "target", "discharged"), "Mason et al. 2012", True),
            Figure("admitted: rise in mean stay with the target", 30.0, (10.0, 50.0), "min",
                   lambda r: mean_minutes(r, "target", "admitted")
                   - mean_minutes(r, "no_target", "admitted"), "Mason et al. 2012", True, claim="+30"),
        ],
    ),
    Experiment(
        name="ambulance_8min",
        pattern="P2, recorded vs true compliance",
        scenario="scenarios/published/ambulance_8min.ini",
        full=["simulation.replications=24"],
        fast=["simulation.replications=8", "simulation.duration=20d"],
        figures=[
            Figure("recorded compliance with 8 min, before pressure", 59.0, (54.0, 64.0), "%",
                   lambda r: recorded_share(r, "no_pressure"), "Bevan & Hamblin 2009", True,
                   calibrated=True),
            Figure("recorded compliance with 8 min, under pressure", 77.0, (72.0, 82.0), "%",
                   lambda r: recorded_share(r, "pressure"), "Bevan & Hamblin 2009"),
            Figure("true compliance (urgent calls), under pressure", 60.0, (55.0, 65.0), "%",
                   lambda r: true_share_class(r, "pressure", "cat_a", 8.0), "Bevan & Hood 2006", True),
            Figure("recorded minus true compliance, under pressure", 17.0, (12.0, 22.0), "pp",
                   lambda r: recorded_share(r, "pressure") - true_share_class(r, "pressure", "cat_a", 8.0),
                   "Bevan & Hood 2006"),
            Figure("calls in the measured category, under pressure", 25.0, (20.0, 30.0), "%",
                   lambda r: measured_share(r, "pressure"), "Bevan & Hamblin 2009"),
        ],
    ),
    Experiment(
        name="work_programme",
        pattern="P5, creaming and parking",
        scenario="scenarios/published/work_programme.ini",
        full=["simulation.replications=12"],
        fast=["simulation.replications=2", "population.citizens=4000", "workforce.teams=2",
              "simulation.duration=1y"],
        figures=[
            Figure("hours per hard client, paid by results / needs-based", 0.5, (0.0, 0.5), "",
                   lambda r: hours_per_case_class(r, "payment_by_results", "hard")
                   / hours_per_case_class(r, "needs_based", "hard"),
                   "Rees, Whitworth & Carter 2014", True, claim="< 0.5"),
            Figure("hard clients helped into work, paid by results", 10.0, (5.0, 20.0), "%",
                   lambda r: met_share_class(r, "payment_by_results", "hard"), "NAO 2014", True, claim="about 10"),
            Figure("needs-based: hours per hard client / per easy client", 1.0, (1.0, 10.0), "",
                   lambda r: hours_per_case_class(r, "needs_based", "hard")
                   / hours_per_case_class(r, "needs_based", "easy"),
                   "Rees, Whitworth & Carter 2014", True, claim="≥ 1"),
        ],
    ),
    Experiment(
        name="portsmouth_repairs",
        pattern="P3, failure demand before and after redesign",
        scenario="scenarios/published/portsmouth_repairs.ini",
        full=["simulation.replications=12"],
        fast=["simulation.replications=2", "population.citizens=5000", "workforce.teams=2"],
        figures=[
            Figure("failure demand, before redesign", 57.5, (40.0, 75.0), "%",
                   lambda r: failure_share(r, "before"), "Seddon 2008", True, claim="40–75"),
            Figure("days end to end, before redesign", 24.0, (18.0, 30.0), "d",
                   lambda r: true_days(r, "before"), "Seddon 2008", True, calibrated=True),
            Figure("repairs done within 48 h, after redesign", 75.0, (65.0, 85.0), "%",
                   lambda r: true_share_class(r, "after", "repair", 2 * 1440.0), "Seddon 2008",
                   True),
            Figure("cost per repair, after / before", 0.5, (0.4, 0.6), "",
                   lambda r: cost_per_need(r, "after") / cost_per_need(r, "before"), "Seddon 2008"),
            Figure("failure demand, after / before (at most half)", 0.5, (0.0, 0.5), "",
                   lambda r: failure_share(r, "after") / failure_share(r, "before"),
                   "Seddon 2008", True, claim="≤ 0.5"),
        ],
    ),
    Experiment(
        name="capability_trap",
        pattern="P6, the capability trap, burnout, the J-curve",
        scenario="scenarios/published/capability_trap.ini",
        full=["simulation.replications=8"],
        fast=["simulation.replications=2", "population.citizens=4000", "workforce.teams=2",
              "downstream.capacity=16"],
        figures=[
            Figure("leavers, stretch targets / learning", 1.5, (1.5, 4.0), "",
                   lambda r: ratio(r, "stretch", "learning", "leavers"),
                   "Repenning & Sterman 2002; KPMG 2015", True, claim="≥ 1.5"),
            Figure("the dip: recorded in-target after the switch / stretch", 0.9,
                   (0.0, 0.95), "",
                   lambda r: window(r, "transition", "within_target_recorded", 730, 913)
                   / window(r, "stretch", "within_target_recorded", 730, 913), "Repenning & Sterman 2002", True, claim="< 0.95"),
            Figure("the long run: needs met in year 4, transition / stretch", 1.2, (1.05, 3.0), "",
                   lambda r: window(r, "transition", "needs_met", 1095, 1460)
                   / window(r, "stretch", "needs_met", 1095, 1460),
                   "Repenning & Sterman 2002", True, claim="> 1.05"),
            Figure("the trap: stretch net throughput (needs met), year 4 / 1", 0.9, (0.5, 0.97),
                   "", lambda r: met_by_service(r, "stretch", 1095, 1460)
                   / met_by_service(r, "stretch", 0, 365), "Repenning & Sterman 2002", True, claim="< 0.97"),
        ],
    ),
    Experiment(
        name="buurtzorg",
        pattern="P4, Buurtzorg vs task-based home care, cost shifted to families",
        scenario="scenarios/published/buurtzorg.ini",
        full=["simulation.replications=30"],
        fast=["simulation.replications=2", "simulation.duration=2y"],
        figures=[
            Figure("hours of care per need met, buurtzorg / task-based", 0.64, (0.55, 0.75), "",
                   lambda r: hours_per_need(r, "buurtzorg") / hours_per_need(r, "task_based"),
                   "KPMG 2015"),
            Figure("workers on sick leave, buurtzorg / task-based", 0.5, (0.35, 0.7), "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "workers_sick"), "KPMG 2015",
                   True, claim="~0.5"),
            Figure("leavers, buurtzorg / task-based", 0.5, (0.35, 0.7), "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "leavers"), "KPMG 2015",
                   True, claim="~0.5"),
            Figure("time to recovery (need met), buurtzorg / task-based", 0.5, (0.35, 0.7), "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "time_to_close_true_mean"),
                   "KPMG 2015", True, claim="~0.5"),
            Figure("self-reliance: families' unpaid hours / buurtzorg's", 2.0,
                   (1.5, 10.0), "",
                   lambda r: ratio(r, "self_reliance", "buurtzorg", "hours_coproduced"),
                   "docs/ODD.md, 1. Purpose and patterns (P4)", True, claim="> 1.5 (shifted)"),
            Figure("self-reliance: paid hours / buurtzorg's", 0.8, (0.0, 0.95), "",
                   lambda r: ratio(r, "self_reliance", "buurtzorg", "hours_casework"),
                   "docs/ODD.md, 1. Purpose and patterns (P4)", True, claim="< 0.95 (saved)"),
        ],
    ),
]


# In the order of docs/ODD.md, 1. Purpose and patterns: P1 to P6.
_ORDER = ["ae_four_hours", "ambulance_8min", "portsmouth_repairs", "buurtzorg", "work_programme",
          "capability_trap"]
EXPERIMENTS.sort(key=lambda e: _ORDER.index(e.name) if e.name in _ORDER else len(_ORDER))


def run_experiment(exp, govsim, fast, workdir, progress=False):
    """Run an experiment's scenario into workdir/NAME.h5 (kept); its Result.

    With ``progress``, govsim draws its progress line on this process's
    standard error (when that is a terminal); its table is not printed.
    """
    out = os.path.join(workdir, exp.name + ".h5")
    cmd = [govsim, "run", exp.scenario, "-o", out, "--force"]
    if not progress:
        cmd.append("--quiet")
    for s in (exp.fast if fast else exp.full):
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if progress else None)
    return Result(out)


def evaluate(exp, res, fast):
    """Rows: (figure, published, mean, half-width, band, passed)."""
    rows = []
    for fig in exp.figures:
        v = np.asarray(fig.compute(res), dtype=float)
        v = v[~np.isnan(v)]
        mean = float(v.mean()) if len(v) else float("nan")
        half = float(t975(len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
        lo, hi = fig.band
        if fast:
            width = hi - lo
            lo, hi = lo - width / 2, hi + width / 2
        rows.append((fig, mean, half, (lo, hi), lo <= mean <= hi))
    return rows


def _duration(seconds):
    m, sec = divmod(int(round(seconds)), 60)
    return f"{m}m{sec:02d}s" if m else f"{sec}s"


def unit_name(fig):
    return fig.unit or "ratio"


def _number(x, d):
    return "nan" if np.isnan(x) else f"{x:.{d}f}"


def verdict(fig, ok, calibrated=True):
    """PASS or FAIL, with what the figure's flags say of it (and, with ``calibrated``,
    that the scenario was calibrated to it)."""
    if not fig.reproduced:
        return ("PASS" if ok else "FAIL") + " (not reproduced: see the page)"
    if not ok:
        return "FAIL (reproduced before: out of its band now)"
    return "PASS (calibrated)" if calibrated and fig.calibrated else "PASS"


def replications(res):
    """The replications of each arm of a result file."""
    return int(np.sum(res.arm == res.arm[0])) if len(res.arm) else 0


def format_row(fig, mean, half, band, ok):
    """One printed row: figure, unit, published (as published), govsim, band, result."""
    lo, hi = band
    d = 2 if max(abs(lo), abs(hi)) < 10 else 1
    gov = _number(mean, d) + ("" if np.isnan(half) else f" \u00b1 {_number(half, d)}")
    result = verdict(fig, ok, calibrated=False)
    band_text = f"{lo:g}\u2013{hi:g}"
    return (f"  {fig.label:56s} {unit_name(fig):>5s} {fig.published_text():>15s} "
            f"{gov:>16s} {band_text:>12s}  {result}")


def suggest(name):
    """The experiments' names, with the closest first when one is close."""
    import difflib
    names = [e.name for e in EXPERIMENTS]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.4)
    return (f"did you mean {close[0]!r}? " if close else "") + "experiments: " + ", ".join(names)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="/usr/bin/python3 -m analysis.reproduce",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="small runs, wider bands (make check)")
    ap.add_argument("--only", help="run one experiment by name")
    ap.add_argument("--out", metavar="DIR",
                    help="where the result files are kept, one per experiment (default "
                         "out/reproduce; out/reproduce/fast with --fast)")
    ap.add_argument("--govsim", default=os.environ.get("GOVSIM", "build/govsim"))
    ap.add_argument("--write-docs", action="store_true",
                    help="after the full run of every experiment, write results.json and the "
                         "tables of the experiments' pages (make reproduce-docs)")
    ap.add_argument("--check-docs", action="store_true",
                    help="run nothing: fail if the pages' tables are not what results.json "
                         "renders to, or results.json is from an older model")
    ap.add_argument("--docs", metavar="DIR", default=expdocs.DOCS_DIR,
                    help="the experiments' pages (default docs/experiments of the repository)")
    args = ap.parse_args(argv)
    if args.check_docs:
        problems = expdocs.check(EXPERIMENTS, args.docs)
        for p in problems:
            print(f"reproduce: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"reproduce: {os.path.join(args.docs, expdocs.RESULTS)} and the tables of "
              f"{len(EXPERIMENTS) + 1} pages are current")
        return 0
    if args.write_docs and (args.fast or args.only):
        print("reproduce: --write-docs writes the full run of every experiment: "
              "not with --fast or --only", file=sys.stderr)
        return 2
    exps = [e for e in EXPERIMENTS if not args.only or e.name == args.only]
    if not exps:
        print(f"reproduce: no experiment {args.only!r}; {suggest(args.only)}", file=sys.stderr)
        return 2
    out = args.out or os.path.join("out", "reproduce", *(["fast"] if args.fast else []))
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        print(f"reproduce: cannot create {out}: {e.strerror}", file=sys.stderr)
        return 1
    got = guard.run_command("reproduce", _run_all, exps, args.govsim, args.fast, out)
    if isinstance(got, int):
        return got
    passed, total, lost, seconds, runs = got
    print(f"\n{passed} of {total} published figures within their bands"
          f"{' (fast: wider bands)' if args.fast else ''}; {len(exps)} experiment"
          f"{'s' if len(exps) != 1 else ''} in {_duration(seconds)}; result files in {out}/")
    if args.write_docs:
        try:
            results = expdocs.record(exps, runs["experiments"], runs["date"], seconds,
                                     runs["load"], _govsim_version(args.govsim))
            for path in expdocs.write(results, args.docs):
                print(f"reproduce: wrote {path}")
        except (expdocs.DocsError, OSError) as e:
            print(f"reproduce: {e}", file=sys.stderr)
            return 1
    if lost:
        print(f"reproduce: {len(lost)} figure{'s' if len(lost) != 1 else ''} flagged as "
              f"reproduced fell out of {'their bands' if len(lost) != 1 else 'its band'}: "
              + "; ".join(lost), file=sys.stderr)
        return 1
    return 0


def _govsim_version(govsim):
    """`govsim --version`'s first line (the version and revision of the binary)."""
    try:
        out = subprocess.run([govsim, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip().split("\n")[0]
    except (OSError, subprocess.SubprocessError):
        return ""


def _run_all(exps, govsim, fast, out):
    """Run and print every experiment; (within bands, figures, flagged ones lost, seconds,
    the run's record: its date, load average and, per experiment, replications, seconds,
    load average and rows)."""
    import time
    total = passed = 0
    lost = []
    t0 = time.monotonic()
    record = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "experiments": []}
    load0 = expdocs.load_average()
    for i, exp in enumerate(exps, 1):
        sets = exp.fast if fast else exp.full
        print(f"[{i}/{len(exps)}] {exp.name}: {exp.scenario} {' '.join(sets)} -> "
              f"{os.path.join(out, exp.name + '.h5')}", flush=True)
        t1 = time.monotonic()
        l1 = expdocs.load_average()
        res = run_experiment(exp, govsim, fast, out, progress=True)
        rows = evaluate(exp, res, fast)
        print(f"  {'figure':56s} {'unit':>5s} {'published':>15s} {'govsim (95% CI)':>16s} "
              f"{'band':>12s}  result   ({_duration(time.monotonic() - t1)})")
        for fig, mean, half, band, ok in rows:
            total += 1
            passed += ok
            if fig.reproduced and not ok:
                lost.append(f"{exp.name}: {fig.label}")
            print(format_row(fig, mean, half, band, ok))
        sys.stdout.flush()
        record["experiments"].append({
            "replications": replications(res), "seconds": time.monotonic() - t1,
            "load": [l1, expdocs.load_average()], "rows": rows})
    record["load"] = [load0, expdocs.load_average()]
    return passed, total, lost, time.monotonic() - t0, record


if __name__ == "__main__":
    sys.exit(main())
