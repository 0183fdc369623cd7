"""Reproduce published experiments: run each scenario of scenarios/published/
and compare govsim's figures with the published ones.

    /usr/bin/python3 -m analysis.reproduce [--fast] [--only NAME] [--out DIR]
                                           [--govsim build/govsim] [--write-docs]
    /usr/bin/python3 -m analysis.reproduce --check-docs

Each experiment's result file is kept in DIR (default out/reproduce, or
out/reproduce/fast with --fast), one file per experiment, NAME.h5; a line
says which experiment runs (and govsim's progress line follows on a
terminal). For every figure it prints its label, its unit once, what was
published as it was published (a value, a range "40-75", a claim "about
half", a one-sided claim "< 0.5"), govsim's mean with its 95% confidence
interval across replications, the band and PASS (the mean lies in the band)
or FAIL.

Figures are labelled *calibrated* (the scenario's calibration block,
analysis/calibration.py, says it was fitted to them: never counted),
*emerged* (a published value, not fitted: a two-sided band) or *threshold* (a
one-sided qualitative claim); the last line counts them apart: "N of M
emerged figures reproduced; K of L qualitative claims hold". Bands come from
the source (its own range, or its one-sided claim) or, for a published value
without one, from one stated tolerance, the same for every figure
(TOLERANCE). A full run also runs each experiment's variants (a figure with
and without a mechanism or a calibrated value). `--fast` runs fewer
replications with the same bands (the subset `make check` runs): a figure
flagged as reproduced fails it only when its whole interval lies outside its
band. Figures the model does not reproduce are reported as such, never
forced. Exit status: 0 when every figure flagged as reproduced (on its page)
lies within its band, 1 when one does not, 2 for bad usage. A metric's value
over a run (or a span of it) is the one analysis.data.over() gives, by the
aggregation the result file declares for the metric, as `govsim run` and
`govsim compare` add it up.

`--write-docs` (`make reproduce-docs`; the full run of every experiment)
then writes docs/experiments/results.json and, from it, the tables between
marker comments in docs/experiments/*.md; `--check-docs` (`make check`) runs
nothing and fails when a page's table is not what results.json renders to or
results.json is from an older model (analysis/expdocs.py says how).
Robustness to the calibration and the seed: analysis/robust.py
(`make reproduce-robust`).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

from . import calibration, data, expdocs, guard

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


# Bands: where the source gives a range of its own, that range; otherwise one stated
# relative tolerance, the same for every figure (a convention, not a measured
# uncertainty: the sources report single values without intervals). A share in
# per cent takes it on the rarer outcome, min(p, 100 - p), so that 96% within a
# target is 96 +- 0.2 x 4, not 96 +- 19.
TOLERANCE = 0.2
# a figure is robustly reproduced when it stays in its band in at least this
# share of the robustness variations (each calibrated parameter at -20%, -10%,
# +10% and +20%, and other seeds: analysis/robust.py)
ROBUST_SHARE = 0.8

OPS = {">": lambda v, x: v > x, ">=": lambda v, x: v >= x,
       "<": lambda v, x: v < x, "<=": lambda v, x: v <= x}
OP_TEXT = {">": ">", ">=": "\u2265", "<": "<", "<=": "\u2264"}


@dataclass
class Figure:
    """A figure of a published experiment.

    Two kinds: a *value* (a number the source published: ``published``, with a
    two-sided band, the source's own ``source_band`` when it gives one, else the
    TOLERANCE rule) and a *threshold* (a one-sided qualitative claim:
    ``threshold`` = (op, x)). Its label on the pages: *calibrated* when the
    scenario's calibration block says it was fitted to it (never counted as
    reproduced), else *threshold* or *emerged*. ``null``: what the opposite
    pattern would give (no effect, the other arm's published value); a band must
    exclude it (tests/analysis/test_reproduce.py). ``counted`` False: an earlier
    definition of a figure, shown beside the current one and not counted.
    """
    label: str
    unit: str
    compute: Callable[["Result"], np.ndarray]   # one value per replication
    source: str
    published: Optional[float] = None  # None: no published value (a qualitative claim)
    claim: str = ""  # what was published, when not a point value: "40-75", "about 10"
    source_band: Optional[Tuple[float, float]] = None  # the source's own range
    threshold: Optional[Tuple[str, float]] = None  # a one-sided claim: (">", 1.0)
    null: Optional[float] = None
    null_is: str = ""  # what the null value is
    reproduced: bool = False  # within its band in the last full `make reproduce` (docs page)
    counted: bool = True
    note: str = ""  # a caveat shown with the band's derivation
    calibrated: bool = False  # set from the scenario's calibration block (label_experiments)

    @property
    def kind(self):
        return "threshold" if self.threshold else "value"

    @property
    def band(self):
        """(lo, hi); None for an open side."""
        if self.threshold:
            op, x = self.threshold
            return (x, None) if op.startswith(">") else (None, x)
        if self.source_band:
            return tuple(float(b) for b in self.source_band)
        v = self.published
        half = TOLERANCE * (min(v, 100.0 - v) if self.unit == "%" else abs(v))
        return (round(v - half, 6), round(v + half, 6))

    def inside(self, v):
        if v is None or v != v:
            return False
        if self.threshold:
            op, x = self.threshold
            return OPS[op](v, x)
        lo, hi = self.band
        return lo <= v <= hi

    @property
    def label_kind(self):
        if not self.counted:
            return "earlier definition"
        if self.calibrated:
            return "calibrated"
        return "threshold" if self.threshold else "emerged"

    def band_basis(self):
        """How the band was derived, in words."""
        if self.threshold:
            return "the source's one-sided claim"
        if self.source_band:
            return "the source's own range"
        if self.unit == "%":
            return (f"\u00b1{TOLERANCE:.0%} of the rarer outcome, "
                    f"{min(self.published, 100 - self.published):g}%")
        return f"\u00b1{TOLERANCE:.0%} of the published value"

    def published_text(self):
        """What was published, as published: the claim, else the value."""
        if self.claim and self.threshold and not any(c in self.claim for c in "<>\u2264\u2265"):
            op, x = self.threshold
            return f"{self.claim} ({OP_TEXT[op]} {x:g})"
        if self.claim:
            return self.claim
        if self.published is None and self.threshold:
            op, x = self.threshold
            return f"{OP_TEXT[op]} {x:g}"
        return f"{self.published:g}"


@dataclass
class Variant:
    """The experiment run again with some settings changed, to show figures with and
    without a mechanism or a calibrated value (on its page, beside the main run)."""
    name: str
    sets: List[str]            # --set overrides, after the experiment's full ones
    why: str                   # what it shows, for the page
    figures: List[str]         # labels of the figures shown


@dataclass
class Experiment:
    name: str
    scenario: str
    figures: List[Figure]
    full: List[str] = field(default_factory=list)   # --set overrides for `make reproduce`
    fast: List[str] = field(default_factory=list)   # ... for --fast
    pattern: str = ""  # what it shows, for docs/experiments/README.md
    variants: List[Variant] = field(default_factory=list)


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


_AE_TARGET = ["leaving in the last 20 min before 4 h, target", "within 4 h, target"]
_AMB_PRESSURE = ["recorded compliance with 8 min, under pressure",
                 "true compliance (urgent calls), under pressure",
                 "calls in the measured category, under pressure"]

EXPERIMENTS = [
    Experiment(
        name="ae_four_hours",
        pattern="P1, the four-hour spike",
        scenario="scenarios/published/ae_four_hours.ini",
        full=["simulation.replications=30"],
        # the full 120 days (the rise in admitted patients' stay builds up with
        # congestion: over the first 60 days it is negative), 8 replications
        fast=["simulation.replications=8"],
        figures=[
            Figure("leaving in the last 20 min before 4 h, no target", "%",
                   lambda r: share_before(r, "no_target"), "Locker & Mason 2005", 4.7,
                   reproduced=True),
            Figure("leaving in the last 20 min before 4 h, target", "%",
                   lambda r: share_before(r, "target"), "Locker & Mason 2005", 8.4,
                   null=4.7, null_is="the share without the target (no spike)"),
            Figure("within 4 h, no target", "%",
                   lambda r: share_within(r, "no_target"), "Locker & Mason 2005", 83.9,
                   reproduced=True),
            Figure("within 4 h, target", "%",
                   lambda r: share_within(r, "target"), "Locker & Mason 2005", 96.3,
                   null=83.9, null_is="the share without the target"),
            Figure("admitted: last 20 min before 4 h, target", "%",
                   lambda r: share_before(r, "target", "admitted"), "Mason et al. 2012", 12.3,
                   null=4.7, null_is="the share without the target (no spike)",
                   reproduced=True),
            Figure("discharged: last 20 min before 4 h, target", "%",
                   lambda r: share_before(r, "target", "discharged"), "Mason et al. 2012", 3.6,
                   null=12.3, null_is="admitted patients' share (no difference between them)"),
            Figure("admitted: rise in mean stay with the target", "min",
                   lambda r: mean_minutes(r, "target", "admitted")
                   - mean_minutes(r, "no_target", "admitted"), "Mason et al. 2012", 30.0,
                   claim="+30", null=0.0, null_is="no rise"),
        ],
        variants=[
            Variant("effort off", ["workforce.effort_gain=0"],
                    "targets focus effort (workforce.effort_gain, 0.05 by default since every "
                    "lever was made two-sided): the target arm without it",
                    ["leaving in the last 20 min before 4 h, target", "within 4 h, target",
                     "admitted: rise in mean stay with the target"]),
            Variant("record correction off", ["mechanism.recording=off"],
                    "records corrected just under the target", _AE_TARGET),
            Variant("breach-chasing off", ["regime.weight_breach=0"],
                    "patients and beds first to those about to breach", _AE_TARGET),
            Variant("premature closure off", ["mechanism.premature_closure=off"],
                    "cases closed early under pressure", _AE_TARGET),
            Variant("stress off", ["mechanism.stress=off"],
                    "pressure's stress and the sick leave it brings", _AE_TARGET),
            Variant("work alike", ["service.work_cv=0"],
                    "cases differ in the work they need (service.work_cv, calibrated at 0.45, "
                    "added for this experiment's baseline): every case alike",
                    ["leaving in the last 20 min before 4 h, no target", "within 4 h, no target",
                     "leaving in the last 20 min before 4 h, target", "within 4 h, target"]),
        ],
    ),
    Experiment(
        name="ambulance_8min",
        pattern="P2, recorded vs true compliance",
        scenario="scenarios/published/ambulance_8min.ini",
        full=["simulation.replications=24"],
        fast=["simulation.replications=8"],
        figures=[
            Figure("recorded compliance with 8 min, before pressure", "%",
                   lambda r: recorded_share(r, "no_pressure"), "Bevan & Hamblin 2009", 59.0,
                   reproduced=True),
            Figure("recorded compliance with 8 min, under pressure", "%",
                   lambda r: recorded_share(r, "pressure"), "Bevan & Hamblin 2009", 77.0,
                   null=59.0, null_is="the share before pressure"),
            Figure("true compliance (urgent calls), under pressure", "%",
                   lambda r: true_share_class(r, "pressure", "cat_a", 8.0), "Bevan & Hood 2006",
                   60.0, null=77.0, null_is="the recorded share (records as true as the clock)",
                   reproduced=True),
            Figure("recorded minus true compliance, under pressure", "pp",
                   lambda r: recorded_share(r, "pressure")
                   - true_share_class(r, "pressure", "cat_a", 8.0), "Bevan & Hood 2006", 17.0,
                   null=0.0, null_is="no gap"),
            Figure("calls in the measured category, under pressure", "%",
                   lambda r: measured_share(r, "pressure"), "Bevan & Hamblin 2009", 25.0,
                   null=50.0, null_is="the urgent share of calls as they arise (none moved out)"),
        ],
        variants=[
            Variant("record correction off", ["mechanism.recording=off"],
                    "records that just missed corrected", _AMB_PRESSURE),
            Variant("reclassification off", ["mechanism.triage=off"],
                    "urgent calls about to breach, and breached ones, moved out of the measured "
                    "category (added for the measured-category figure)", _AMB_PRESSURE),
            Variant("breach-chasing off", ["regime.weight_breach=0"],
                    "calls about to breach answered first", _AMB_PRESSURE),
            Variant("stress off", ["mechanism.stress=off"],
                    "pressure's stress and the sick leave it brings", _AMB_PRESSURE),
            Variant("gaming at its defaults",
                    ["workforce.manipulation_base=0.8", "workforce.reclassify_base=0.3"],
                    "the two calibrated gaming propensities at their defaults (0.8 and 0.3) "
                    "instead of 1",
                    ["recorded compliance with 8 min, under pressure",
                     "recorded minus true compliance, under pressure",
                     "calls in the measured category, under pressure"]),
        ],
    ),
    Experiment(
        name="work_programme",
        pattern="P5, creaming and parking",
        scenario="scenarios/published/work_programme.ini",
        full=["simulation.replications=12"],
        fast=["simulation.replications=3"],
        figures=[
            Figure("hours per hard client, paid by results / needs-based", "",
                   lambda r: hours_per_case_class(r, "payment_by_results", "hard")
                   / hours_per_case_class(r, "needs_based", "hard"),
                   "Rees, Whitworth & Carter 2014", threshold=("<", 0.5),
                   null=1.0, null_is="the same hours (no parking)", reproduced=True),
            Figure("hard clients helped into work, paid by results", "%",
                   lambda r: met_share_class(r, "payment_by_results", "hard"), "NAO 2014", 10.0,
                   claim="about 10", reproduced=True,
                   null_is="none: the source gives no share for a service without parking"),
            Figure("needs-based: hours per hard client / per easy client", "",
                   lambda r: hours_per_case_class(r, "needs_based", "hard")
                   / hours_per_case_class(r, "needs_based", "easy"),
                   "Rees, Whitworth & Carter 2014", threshold=(">=", 1.0),
                   null=0.5, null_is="hard clients given less", reproduced=True,
                   note="follows from the inputs (hard clients' needs have more components): "
                        "a check of the setting, not evidence"),
        ],
    ),
    Experiment(
        name="portsmouth_repairs",
        pattern="P3, failure demand before and after redesign",
        scenario="scenarios/published/portsmouth_repairs.ini",
        full=["simulation.replications=12"],
        fast=["simulation.replications=3"],
        figures=[
            Figure("failure demand, before redesign", "%",
                   lambda r: failure_share(r, "before"), "Seddon 2008", 57.5, claim="40\u201375",
                   source_band=(40.0, 75.0), null=0.0, null_is="no failure demand",
                   reproduced=True),
            Figure("days end to end, before redesign", "d",
                   lambda r: true_days(r, "before"), "Seddon 2008", 24.0, reproduced=True),
            Figure("repairs done within 48 h, after redesign", "%",
                   lambda r: true_share_class(r, "after", "repair", 2 * 1440.0), "Seddon 2008",
                   75.0, null_is="none: the source gives no share before the redesign"),
            Figure("cost per repair, after / before", "",
                   lambda r: cost_per_need(r, "after") / cost_per_need(r, "before"),
                   "Seddon 2008", 0.5, claim="about half", null=1.0, null_is="the same cost"),
            Figure("failure demand, after / before (at most half)", "",
                   lambda r: failure_share(r, "after") / failure_share(r, "before"),
                   "Seddon 2008", claim="\u2264 0.5", threshold=("<=", 0.5), null=1.0,
                   null_is="the same failure demand", reproduced=True),
        ],
    ),
    Experiment(
        name="capability_trap",
        pattern="P6, the capability trap, burnout, the J-curve",
        scenario="scenarios/published/capability_trap.ini",
        full=["simulation.replications=8"],
        fast=["simulation.replications=4"],
        figures=[
            Figure("leavers, stretch targets / learning", "",
                   lambda r: ratio(r, "stretch", "learning", "leavers"),
                   "Repenning & Sterman 2002", threshold=(">", 1.0), claim="more",
                   null=1.0, null_is="as many leavers", reproduced=True),
            Figure("the dip: recorded in-target after the switch / stretch", "",
                   lambda r: window(r, "transition", "within_target_recorded", 730, 913)
                   / window(r, "stretch", "within_target_recorded", 730, 913),
                   "Repenning & Sterman 2002", threshold=("<", 1.0), claim="lower",
                   null=1.0, null_is="no dip", reproduced=True),
            Figure("the long run: needs met by the service in year 4, transition / stretch", "",
                   lambda r: met_by_service(r, "transition", 1095, 1460)
                   / met_by_service(r, "stretch", 1095, 1460),
                   "Repenning & Sterman 2002", threshold=(">", 1.0), claim="higher",
                   null=1.0, null_is="no gain", reproduced=True),
            Figure("the long run as first defined: needs met (with those resolved on their own), "
                   "year 4, transition / stretch", "",
                   lambda r: window(r, "transition", "needs_met", 1095, 1460)
                   / window(r, "stretch", "needs_met", 1095, 1460),
                   "Repenning & Sterman 2002", threshold=(">", 1.0), claim="higher",
                   null=1.0, null_is="no gain", counted=False),
            Figure("the trap: stretch net throughput (needs met), year 4 / 1", "",
                   lambda r: met_by_service(r, "stretch", 1095, 1460)
                   / met_by_service(r, "stretch", 0, 365), "Repenning & Sterman 2002",
                   threshold=("<", 1.0), claim="lower", null=1.0, null_is="no decline",
                   reproduced=True),
            Figure("the trap as first defined: stretch cases closed, year 4 / 1", "",
                   lambda r: window(r, "stretch", "cases_closed", 1095, 1460)
                   / window(r, "stretch", "cases_closed", 0, 365), "Repenning & Sterman 2002",
                   threshold=("<", 1.0), claim="lower", null=1.0, null_is="no decline",
                   counted=False),
        ],
        variants=[
            Variant("no erosion", ["service.barrier_growth=0"],
                    "the erosion of the process (service.barrier_growth) was added while the "
                    "trap figure failed: the experiment without it",
                    ["the trap: stretch net throughput (needs met), year 4 / 1",
                     "the trap as first defined: stretch cases closed, year 4 / 1",
                     "the long run: needs met by the service in year 4, transition / stretch"]),
        ],
    ),
    Experiment(
        name="buurtzorg",
        pattern="P4, Buurtzorg vs task-based home care, cost shifted to families",
        scenario="scenarios/published/buurtzorg.ini",
        full=["simulation.replications=30"],
        fast=["simulation.replications=6"],
        figures=[
            Figure("hours of care per need met, buurtzorg / task-based", "",
                   lambda r: hours_per_need(r, "buurtzorg") / hours_per_need(r, "task_based"),
                   "KPMG 2015", 0.64, null=1.0, null_is="the same hours"),
            Figure("workers on sick leave, buurtzorg / task-based", "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "workers_sick"), "KPMG 2015",
                   0.5, claim="about half", null=1.0, null_is="as many on sick leave"),
            Figure("leavers, buurtzorg / task-based", "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "leavers"), "KPMG 2015",
                   0.5, claim="about half", null=1.0, null_is="as many leavers",
                   reproduced=True),
            Figure("time to recovery (need met), buurtzorg / task-based", "",
                   lambda r: ratio(r, "buurtzorg", "task_based", "time_to_close_true_mean"),
                   "KPMG 2015", 0.5, claim="about half", null=1.0, null_is="as long",
                   reproduced=True),
            Figure("self-reliance: families' unpaid hours / buurtzorg's", "",
                   lambda r: ratio(r, "self_reliance", "buurtzorg", "hours_coproduced"),
                   "the pattern P4 (docs/ODD.md): no published value", threshold=(">", 1.0),
                   claim="more (shifted)", null=1.0, null_is="the same unpaid hours",
                   reproduced=True),
            Figure("self-reliance: paid hours / buurtzorg's", "",
                   lambda r: ratio(r, "self_reliance", "buurtzorg", "hours_casework"),
                   "the pattern P4 (docs/ODD.md): no published value", threshold=("<", 1.0),
                   claim="fewer (saved)", null=1.0, null_is="the same paid hours",
                   reproduced=True),
        ],
        variants=[
            Variant("visits not time-slotted", ["service.visit_hours=0"],
                    "time-slotted visits (service.visit_hours) were added while the recovery "
                    "figure failed: the experiment without them",
                    ["time to recovery (need met), buurtzorg / task-based",
                     "hours of care per need met, buurtzorg / task-based"]),
            Variant("sickness from stress alone", ["workforce.sick_motivation=0"],
                    "workforce.sick_motivation was set to 3 for the sick-leave figure: the "
                    "experiment at its default, 0",
                    ["workers on sick leave, buurtzorg / task-based",
                     "leavers, buurtzorg / task-based"]),
        ],
    ),
]


# In the order of docs/ODD.md, 1. Purpose and patterns: P1 to P6.
_ORDER = ["ae_four_hours", "ambulance_8min", "portsmouth_repairs", "buurtzorg", "work_programme",
          "capability_trap"]
EXPERIMENTS.sort(key=lambda e: _ORDER.index(e.name) if e.name in _ORDER else len(_ORDER))


def label_experiments(experiments, root=expdocs.ROOT):
    """Mark the figures each scenario's calibration block says were fitted to them."""
    for exp in experiments:
        fitted = {label for c in calibration.of_experiment(exp, root) for label in c.figures}
        for fig in exp.figures:
            fig.calibrated = fig.label in fitted


label_experiments(EXPERIMENTS)


def run_experiment(exp, govsim, fast, workdir, progress=False, variant=None, scenario=None,
                   name=None):
    """Run an experiment's scenario into workdir/NAME.h5 (kept); its Result.

    With ``progress``, govsim draws its progress line on this process's
    standard error (when that is a terminal); its table is not printed.
    ``variant``: a Variant whose settings follow the experiment's;
    ``scenario``: another scenario file to run (a robustness variation);
    ``name``: the result file's name (without .h5).
    """
    stem = name or (exp.name + (f"--{variant.name.replace(' ', '-')}" if variant else ""))
    out = os.path.join(workdir, stem + ".h5")
    cmd = [govsim, "run", scenario or exp.scenario, "-o", out, "--force"]
    if not progress:
        cmd.append("--quiet")
    for s in (exp.fast if fast else exp.full) + (variant.sets if variant else []):
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if progress else None)
    return Result(out)


def estimate(fig, res):
    """(mean, half-width of its 95% confidence interval) of a figure across replications."""
    v = np.asarray(fig.compute(res), dtype=float)
    v = v[~np.isnan(v)]
    mean = float(v.mean()) if len(v) else float("nan")
    half = float(t975(len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
    return mean, half


def evaluate(exp, res, fast=False):
    """Rows: (figure, mean, half-width, band, within it). The fast subset uses the same
    bands as the full run (``fast`` is kept for the callers)."""
    rows = []
    for fig in exp.figures:
        mean, half = estimate(fig, res)
        rows.append((fig, mean, half, fig.band, fig.inside(mean)))
    return rows


def distinguishably_out(fig, mean, half):
    """The whole 95% interval lies outside the band: what the fast subset asserts
    against (an interval across the band's edge says nothing at so few replications)."""
    if np.isnan(mean):
        return True
    if np.isnan(half):
        half = 0.0
    lo, hi = fig.band
    return (lo is not None and mean + half < lo) or (hi is not None and mean - half > hi)


def _duration(seconds):
    m, sec = divmod(int(round(seconds)), 60)
    return f"{m}m{sec:02d}s" if m else f"{sec}s"


def unit_name(fig):
    return fig.unit or "ratio"


def _number(x, d):
    return "nan" if np.isnan(x) else f"{x:.{d}f}"


def verdict(fig, ok, calibrated=True):
    """PASS or FAIL, with what the figure's label and flag say of it. ``calibrated``:
    say so of a calibrated figure (the page does; the printed table has a label column)."""
    word = "PASS" if ok else "FAIL"
    if not fig.counted:
        return word + " (earlier definition: not counted)"
    if fig.calibrated:
        return word + (" (calibrated: not counted)" if calibrated else "")
    if not fig.reproduced:
        return word + " (not reproduced: see the page)"
    if not ok:
        return "FAIL (reproduced before: out of its band now)"
    return "PASS"


def band_text(fig, unit=True):
    """A band as text: "6.72-10.08", or a threshold "> 1"."""
    if fig.threshold:
        op, x = fig.threshold
        return f"{OP_TEXT[op]} {x:g}"
    lo, hi = fig.band
    return f"{lo:g}\u2013{hi:g}"


def counts(rows_by_exp):
    """Headline counts over [(experiment, rows)]: {"emerged": (within, of), "threshold":
    (holding, of), "calibrated": n}."""
    em = th = em_ok = th_ok = cal = 0
    for exp, rows in rows_by_exp:
        for fig, mean, half, band, ok in rows:
            if not fig.counted:
                continue
            if fig.calibrated:
                cal += 1
            elif fig.threshold:
                th += 1
                th_ok += ok
            else:
                em += 1
                em_ok += ok
    return {"emerged": (em_ok, em), "threshold": (th_ok, th), "calibrated": cal}


def headline(c):
    return (f"{c['emerged'][0]} of {c['emerged'][1]} emerged figures reproduced; "
            f"{c['threshold'][0]} of {c['threshold'][1]} qualitative claims hold; "
            f"{c['calibrated']} figures calibrated (not counted)")


def replications(res):
    """The replications of each arm of a result file."""
    return int(np.sum(res.arm == res.arm[0])) if len(res.arm) else 0


def format_row(fig, mean, half, band, ok):
    """One printed row: figure, label, unit, published (as published), govsim, band, result."""
    lo, hi = band
    edge = max(abs(x) for x in band if x is not None)
    d = 2 if edge < 10 else 1
    gov = _number(mean, d) + ("" if np.isnan(half) else f" \u00b1 {_number(half, d)}")
    result = verdict(fig, ok, calibrated=False)
    return (f"  {fig.label:58s} {fig.label_kind:10s} {unit_name(fig):>5s} "
            f"{fig.published_text():>15s} {gov:>16s} {band_text(fig):>13s}  {result}")


def suggest(name):
    """The experiments' names, with the closest first when one is close."""
    import difflib
    names = [e.name for e in EXPERIMENTS]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.4)
    return (f"did you mean {close[0]!r}? " if close else "") + "experiments: " + ", ".join(names)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="/usr/bin/python3 -m analysis.reproduce",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="fewer replications, the same bands (make check)")
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
    tally, lost, seconds, runs = got
    print(f"\n{headline(tally)}{' (fast: few replications)' if args.fast else ''}; "
          f"{len(exps)} experiment{'s' if len(exps) != 1 else ''} in {_duration(seconds)}; "
          f"result files in {out}/")
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
    """Run and print every experiment (and, in a full run, its variants); (headline
    counts, flagged figures lost, seconds, the run's record: its date, load average and,
    per experiment, replications, seconds, load average, rows and variants' rows)."""
    import time
    lost = []
    by_exp = []
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
        by_exp.append((exp, rows))
        print(f"  {'figure':58s} {'label':10s} {'unit':>5s} {'published':>15s} "
              f"{'govsim (95% CI)':>16s} {'band':>13s}  result   "
              f"({_duration(time.monotonic() - t1)})")
        for fig, mean, half, band, ok in rows:
            if fig.reproduced and not ok and (not fast or distinguishably_out(fig, mean, half)):
                lost.append(f"{exp.name}: {fig.label}")
            print(format_row(fig, mean, half, band, ok))
        variants = []
        for v in ([] if fast else exp.variants):
            print(f"  with {v.name}: {' '.join(v.sets)}", flush=True)
            vres = run_experiment(exp, govsim, fast, out, progress=True, variant=v)
            vrows = [r for r in evaluate(exp, vres) if r[0].label in v.figures]
            for fig, mean, half, band, ok in vrows:
                print(format_row(fig, mean, half, band, ok))
            variants.append({"variant": v, "rows": vrows})
        sys.stdout.flush()
        record["experiments"].append({
            "replications": replications(res), "seconds": time.monotonic() - t1,
            "load": [l1, expdocs.load_average()], "rows": rows, "variants": variants})
    record["load"] = [load0, expdocs.load_average()]
    return counts(by_exp), lost, time.monotonic() - t0, record


if __name__ == "__main__":
    # run as the module analysis.reproduce, not as __main__: the figures' code is then
    # the package's (its fingerprint, analysis/expdocs.py, is the same however it runs)
    from analysis import reproduce as _module
    sys.exit(_module.main())
