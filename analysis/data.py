"""Read govsim result files: the data, the provenance and per-arm summaries.

    >>> from analysis import load, provenance, summary, paired
    >>> ds = load("out/default.h5")
    >>> summary(ds, "failure_demand_share")          # per arm: mean, sd, n, 95% CI
    >>> summary(ds, "trust_mean", at=365)            # the value at day 365 instead
    >>> paired(ds, "needs_met", base_arm="npm")      # arm minus npm, paired by replication
    >>> comparison_table(ds)                         # the table `govsim run` prints
    >>> provenance("out/default.h5")["parameters"]["hls"]["service.time_target"]
    '10d'

Whole-run values are those of `govsim run`, `govsim compare` and `govsim info`
(gs_metric_over in sim/core/metrics.c), by the meaning the file declares for
each metric: govsim writes the attributes ``aggregation`` ("flow", "stock",
"weighted" or "ratio"), ``weight`` (weighted) and ``numerator`` and
``denominator`` (ratio) on every metric's dataset, the expressions being
dataset names joined by " + " and " - ". meaning() reads them and evaluates
the expressions; over() adds a metric up by them: a flow is summed over time,
a stock averaged over time, a weighted metric is sum(value x weight) /
sum(weight), a ratio sum(numerator) / sum(denominator); NaN intervals are left
out. ``trust_end`` (and ``<metric>_end`` for any metric) is the value at the
last time. Row labels are the datasets' ``long_name`` ("needs met"; "trust at
end"). A file written by an older govsim, without these attributes, raises
GovsimFileError: re-run it with this version.

Runs are grouped by arm and by any other per-run variable (a variable of
dimension ``run`` only: a sweep coordinate such as
``sweep.regime.learning_time``, ``sweep_point`` or the ``design_*``
variables of a sampled design), except ``replication``, ``seed`` and
``done``: the runs of a group are the replications of one arm at one sweep
point. Paired differences match runs on ``replication`` and those same
variables. Runs whose ``done`` flag is 0 (not yet written, in a partial
file) have no value.
"""

import math
import os
import warnings
from collections import namedtuple

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from . import guard
from .guard import GovsimFileError, check_file
from .stats import t_ppf

__all__ = [
    "load", "provenance", "summary", "paired", "per_run", "comparison", "comparison_table",
    "paired_table", "format_cell", "aggregation", "meaning", "over", "rolling", "label",
    "outcomes_of", "run_coords", "group_keys", "arms", "check_file", "parse_duration",
    "time_target", "GovsimFileError", "Meaning", "OUTCOMES", "AT_END",
]

# The rows of the comparison table `govsim run` prints (GS_SUMMARIES in sim/app/report.h):
# (summary name, printf format of its numbers). A row's label is its metric's long_name in
# the file (outcomes_of() gives them); trust_end is trust_mean at the end ("trust at end").
OUTCOMES = [
    ("needs_met", "%.0f"),
    ("failure_demand_share", "%.3f"),
    ("within_target_recorded", "%.3f"),
    ("within_target_audited", "%.3f"),
    ("within_target_true", "%.3f"),
    ("time_to_close_true_mean", "%.1f"),
    ("wellbeing_mean", "%.3f"),
    ("trust_end", "%.3f"),
    ("hours_idle", "%.0f"),
    ("cost_per_need_met", "%.0f"),
]

# Outcome names that stand for a metric's value at the last time (as <metric>_end does).
AT_END = {"trust_end": "trust_mean"}

# The aggregations a metric's dataset may declare (sim/core/metrics.def).
AGGREGATIONS = ("flow", "stock", "weighted", "ratio")

# Per-run variables that do not tell groups of runs apart: the replication
# and its seed, `done` (1 once a run is written; 0 in a partial file) and
# `digest` (the check of a run's data).
_NOT_GROUPS = ("replication", "seed", "done", "digest")


# --------------------------------------------------------------------------- files

# Files are opened here only once analysis/guard.py has had them read whole and checked in
# a child process (a damaged HDF5 file can crash the HDF5 library, and with it the process
# reading it): see guard.py for how and why.

def load(path):
    """Open a govsim result file as an xarray Dataset.

    Dimensions are ``run`` and ``time`` (and ``bin``/``bin_edge`` for the
    histograms); ``arm``, ``replication`` and ``seed`` are coordinates
    along ``run``. Durations (``time``, ``bin``, the time-to-close metrics)
    stay floats in days rather than being decoded to timedelta64. The data
    are loaded into memory and the file closed.

    The file is checked first, in a child process (see check_file()): a
    missing file raises FileNotFoundError, and a file that is not an intact
    govsim result file (not HDF5, damaged, a dataset missing or of another
    shape or type) raises GovsimFileError naming the file and the problem.
    Metrics without the attributes that say how they add up (a file of an
    older govsim) still load; the functions that need the attributes raise
    GovsimFileError.
    """
    path = os.fspath(path)
    verdict = guard.readable(path)
    # phony_dims: a dataset without a dimension scale gets a made-up dimension rather than
    # making the whole file unreadable (the check below then names it)
    try:
        with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False,
                             phony_dims="sort") as ds:
            ds = ds.load()
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the reader raises, the file is at fault
        raise GovsimFileError(f"{path}: cannot read it: {_one_line(e)}") from None
    # the layout as xarray sees it: every dataset with the dimensions the guard found
    for name, dims in verdict["dims"].items():
        if name not in ds.variables or ds[name].dims != tuple(dims):
            got = ds[name].dims if name in ds.variables else "no such variable"
            raise GovsimFileError(f"{path}: not an intact govsim result file: /{name} reads "
                                  f"as {got}, not {tuple(dims)}")
    return ds


def _needed(ds, metrics):
    """The variables of a lazily opened ``ds`` that ``metrics`` need: each metric, the
    datasets its weight, numerator or denominator names, and every per-run variable and
    scale, in the file's order; None (everything) when a name is not a dataset of it."""
    keep = set()
    for name in metrics:
        if name not in ds.variables:
            return None
        keep.add(name)
        for key in ("weight", "numerator", "denominator"):
            for term in str(ds[name].attrs.get(key, "")).split():
                if term not in ("+", "-"):
                    if term not in ds.variables:
                        return None
                    keep.add(term)
    keep.update(v for v in ds.variables if ds[v].dims in (("run",), ("time",), ("class",),
                                                          ("team",)))
    return [v for v in ds.variables if v in keep]


def load_metrics(path, metrics):
    """load() of only what ``metrics`` (dataset names) need: those metrics, the datasets
    their aggregation names, and the per-run variables and scales; what over() and
    per_run() need for them, at a fraction of the memory of a large file. A name that
    is not a dataset of the file loads everything (and later fails as load()'s would)."""
    path = os.fspath(path)
    verdict = guard.readable(path)
    try:
        with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False,
                             phony_dims="sort") as ds:
            keep = _needed(ds, metrics)
            ds = (ds[keep] if keep is not None else ds).load()
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the reader raises, the file is at fault
        raise GovsimFileError(f"{path}: cannot read it: {_one_line(e)}") from None
    for name, dims in verdict["dims"].items():
        if keep is not None and name not in keep:
            continue
        if name not in ds.variables or ds[name].dims != tuple(dims):
            got = ds[name].dims if name in ds.variables else "no such variable"
            raise GovsimFileError(f"{path}: not an intact govsim result file: /{name} reads "
                                  f"as {got}, not {tuple(dims)}")
    return ds


def _one_line(e):
    """An exception as one line of text."""
    return " ".join(str(e).split()) or type(e).__name__


def _py(v):
    """An HDF5 attribute value as a plain Python value."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return [_py(x) for x in v.tolist()] if v.ndim else _py(v[()])
    if isinstance(v, np.generic):
        return v.item()
    return v


def provenance(path):
    """The provenance of a result file as a dict.

    Keys: every attribute of ``/provenance`` (``govsim_version``,
    ``git_revision``, ``compiler``, ``cflags``, ``gsl_version``,
    ``hdf5_version``, ``generator``, ``seed``, ``threads``, ``created``,
    ``command_line``, ``scenario_name``, ``scenario_path``), ``scenario``
    (the full scenario text) and ``parameters``: {arm: {key: value}}, every
    resolved parameter of every arm as text (``"service.time_target": "10d"``),
    arms in file order. The file is checked first as by load(): a file that
    is not an intact govsim result file raises GovsimFileError.
    """
    path = os.fspath(path)
    guard.readable(path)
    try:
        return _provenance(path)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the reader raises, the file is at fault
        raise GovsimFileError(f"{path}: cannot read its provenance: {_one_line(e)}") from None


def _provenance(path):
    """provenance() of a file the guard has passed (it has a /provenance group)."""
    with h5py.File(path, "r") as f:
        g = f["provenance"]
        out = {k: _py(v) for k, v in g.attrs.items()}
        out["scenario"] = ""
        out["parameters"] = {}
        text = g.get("scenario")
        if isinstance(text, h5py.Dataset):
            out["scenario"] = (text.asstr()[()] if h5py.check_string_dtype(text.dtype)
                               else str(text[()]))
        pg = g.get("parameters")
        if isinstance(pg, h5py.Group):
            order = [a for a in dict.fromkeys(f["arm"].asstr()[()]) if a]
            order += [a for a in pg if a not in order]
            out["parameters"] = {a: {k: _py(v) for k, v in pg[a].attrs.items()}
                                 for a in order if a in pg}
    return out


_UNITS_DAYS = {"min": 1.0 / 1440.0, "h": 1.0 / 24.0, "d": 1.0, "w": 7.0, "y": 365.0}


def parse_duration(text):
    """A govsim duration ("10d", "240min", "1.5h", "2w", "1y" = 365 d) in days."""
    s = str(text).strip()
    for unit in ("min", "h", "d", "w", "y"):
        if s.endswith(unit):
            num = s[: -len(unit)].strip()
            try:
                return float(num) * _UNITS_DAYS[unit]
            except ValueError:
                break
    raise ValueError(f"{text!r} is not a duration (a number and a unit: min, h, d, w, y)")


def time_target(source):
    """{arm: service.time_target in days} from a file path or a provenance() dict.

    An arm without the parameter maps to None.
    """
    prov = source if isinstance(source, dict) else provenance(source)
    out = {}
    for arm, params in prov.get("parameters", {}).items():
        v = params.get("service.time_target")
        out[arm] = parse_duration(v) if v is not None else None
    return out


# ------------------------------------------------------------------ run coordinates

def _as_dataset(ds):
    return load(ds) if isinstance(ds, (str, os.PathLike)) else ds


def run_coords(ds):
    """Names of the per-run variables: every 1-D variable of dimension ``run``.

    ``arm``, ``replication`` and ``seed`` come first, then any other
    (a sweep coordinate, the ``design_*`` variables) in file order.
    """
    names = [n for n, v in ds.variables.items() if v.dims == ("run",) and n != "run"]
    first = [n for n in ("arm", "replication", "seed") if n in names]
    return first + [n for n in names if n not in first]


def group_keys(ds):
    """The per-run variables that tell groups of replications apart: arm and any sweep.

    Every per-run variable but ``replication``, ``seed`` and ``done``.
    """
    return [n for n in run_coords(ds) if n not in _NOT_GROUPS]


def arms(ds):
    """Arm names in file order."""
    return list(dict.fromkeys(ds["arm"].values.tolist()))


# --------------------------------------------------------------- whole-run values

Meaning = namedtuple("Meaning", ["aggregation", "weight", "numerator", "denominator"])
Meaning.__doc__ = """How a metric adds up over intervals (meaning() reads it from the file).

aggregation: "flow", "stock", "weighted" or "ratio"; weight (weighted), numerator and
denominator (ratio): the series of the file's expressions, each a DataArray over the
metric's dimensions, None where the aggregation has none."""


def _source(ds):
    src = ds.encoding.get("source") if hasattr(ds, "encoding") else None
    return f"{src}: " if src else ""


def _declared(ds, name):
    """The aggregation attribute of dataset ``name`` and its expressions as text.

    Returns (aggregation, {"weight": text} or {"numerator": text, "denominator": text}).
    """
    attrs = ds[name].attrs
    agg = attrs.get("aggregation")
    if agg is None:
        raise GovsimFileError(
            f"{_source(ds)}the file has no aggregation attribute for metric {name!r}: it was "
            "written by an older govsim, which did not say how its metrics add up; re-run it "
            "with this version of govsim to summarise it")
    agg = str(agg)
    if agg not in AGGREGATIONS:
        raise GovsimFileError(f"{_source(ds)}metric {name!r} has aggregation {agg!r}, not one "
                              f"of {', '.join(AGGREGATIONS)}")
    need = {"weighted": ("weight",), "ratio": ("numerator", "denominator")}.get(agg, ())
    exprs = {}
    for key in need:
        if not str(attrs.get(key, "")).strip():
            raise GovsimFileError(f"{_source(ds)}metric {name!r} is {agg} but has no {key} "
                                  "attribute")
        exprs[key] = str(attrs[key])
    return agg, exprs


def _evaluate(ds, expr, name, key):
    """The series of an expression of the file: dataset names joined by " + " and " - "."""
    tokens = expr.split()
    bad = not tokens or len(tokens) % 2 == 0 or any(
        (t not in ("+", "-")) if i % 2 else (t in ("+", "-")) for i, t in enumerate(tokens))
    if bad:
        raise GovsimFileError(f"{_source(ds)}metric {name!r}: {key} {expr!r} is not dataset "
                              "names joined by ' + ' and ' - '")
    total = None
    for i in range(0, len(tokens), 2):
        term = tokens[i]
        if term not in ds.data_vars or "time" not in ds[term].dims:
            raise GovsimFileError(f"{_source(ds)}metric {name!r}: its {key} names {term!r}, "
                                  "which is not a metric of this file")
        if total is None:
            total = ds[term].copy(deep=False)
            total.attrs = {}
        elif tokens[i - 1] == "+":
            total = total + ds[term]
        else:
            total = total - ds[term]
    return total.rename(expr)


def meaning(ds, metric):
    """How a metric adds up over intervals, as its dataset's attributes declare it.

    ``metric`` is a dataset name of ``ds`` (``"failure_demand_share"``,
    ``"time_to_close_true_mean_by_class"``) or one of its variables. govsim
    writes each metric's meaning as attributes of its dataset
    (sim/core/metrics.def): ``aggregation`` is "flow", "stock", "weighted" or
    "ratio"; a weighted metric has ``weight`` and a ratio ``numerator`` and
    ``denominator``, each a sum of dataset names joined by " + " and " - "
    (``"needs_met - needs_met_self + needs_abandoned"``). Returns a Meaning
    whose weight, numerator and denominator are those expressions evaluated
    on ``ds`` (DataArrays over the metric's dimensions; None where the
    aggregation has none).

    Raises GovsimFileError when the dataset has no ``aggregation`` attribute
    (a file written by an older govsim: re-run it with this version) or its
    attributes name datasets the file does not have.
    """
    ds = _as_dataset(ds)
    name = metric.name if isinstance(metric, xr.DataArray) else metric
    if name not in ds.data_vars:
        raise KeyError(_unknown(ds, name))
    agg, exprs = _declared(ds, name)
    values = {key: _evaluate(ds, text, name, key) for key, text in exprs.items()}
    return Meaning(agg, values.get("weight"), values.get("numerator"), values.get("denominator"))


def _parts(ds, name):
    """(top, bottom, aggregation): per interval, the two series whose sums give the value.

    flow: the values and 1 for each interval with a value (the value is the
    sum of top, NaN with no interval); stock: the same, the value is their
    ratio (the mean); weighted: value times weight and weight where the
    value is a number and the weight > 0; ratio: numerator and denominator
    where both are numbers. NaN intervals count 0 in both.
    """
    m = meaning(ds, name)
    v = ds[name]
    if m.aggregation in ("flow", "stock"):
        ok = v.notnull()
        return v.where(ok, 0.0), ok.astype(float), m.aggregation
    if m.aggregation == "weighted":
        ok = v.notnull() & (m.weight > 0)
        return (v * m.weight).where(ok, 0.0), m.weight.where(ok, 0.0), m.aggregation
    ok = m.numerator.notnull() & m.denominator.notnull()
    return m.numerator.where(ok, 0.0), m.denominator.where(ok, 0.0), m.aggregation


def _value(top, bottom, agg):
    """The value from the sums of _parts(): NaN with nothing to sum, weigh or divide by."""
    if agg == "flow":
        return top.where(bottom > 0)
    return top / bottom.where(bottom > 0)


def over(ds, metric):
    """A metric's value over all the time points of ``ds``, by its aggregation.

    The rule of gs_metric_over (sim/core/metrics.c), which `govsim run`,
    `compare` and `info` use: a flow is summed; a stock is averaged over
    time; a weighted metric is sum(value x weight) / sum(weight) over the
    intervals where the value is a number and the weight > 0; a ratio is
    sum(numerator) / sum(denominator) over the intervals where both are
    numbers. NaN intervals are left out; a value with no interval to add,
    nothing to weigh or a denominator sum that is not > 0 is NaN. Which rule
    and which weight or terms come from the file (meaning()).

    For a span of intervals, select it first:
    ``over(ds.isel(time=slice(0, 365)), "needs_met")``. The result keeps the
    metric's other dimensions (``run``, and ``class`` for a per-class
    metric) and coordinates.
    """
    top, bottom, agg = _parts(_as_dataset(ds), metric)
    return _value(top.sum("time"), bottom.sum("time"), agg)


def rolling(ds, metric, window):
    """A metric's value over the last ``window`` intervals ending at each time.

    The same rule as over(), on a moving window of output intervals (fewer
    at the start of the run): a flow is the window's total, a ratio the
    ratio of the window's sums, and so on. ``window`` 1 gives the series
    itself (with NaN where over() would have nothing to add up).
    """
    window = max(1, int(window))
    top, bottom, agg = _parts(_as_dataset(ds), metric)
    top = top.rolling(time=window, min_periods=1).sum()
    bottom = bottom.rolling(time=window, min_periods=1).sum()
    return _value(top, bottom, agg)


def _resolve(ds, metric):
    """(dataset name, at the end?) for a metric or outcome name; KeyError if unknown."""
    if metric in ds.data_vars:
        return metric, False
    if metric in AT_END and AT_END[metric] in ds.data_vars:
        return AT_END[metric], True
    if metric.endswith("_end") and metric[:-4] in ds.data_vars:
        return metric[:-4], True
    raise KeyError(_unknown(ds, metric))


def label(ds, metric):
    """What people read for a metric or outcome: its dataset's ``long_name``.

    ``"needs met"`` for ``needs_met``; an outcome at the end (``trust_end``,
    any ``<metric>_end``) adds " at end": ``"trust at end"``, as `govsim
    run` labels its rows. Raises GovsimFileError when the dataset has no
    long_name (a file written by an older govsim).
    """
    ds = _as_dataset(ds)
    name, end = _resolve(ds, metric)
    text = ds[name].attrs.get("long_name")
    if not text:
        _declared(ds, name)  # a file of an older govsim: say so by the missing aggregation
        raise GovsimFileError(
            f"{_source(ds)}the file has no long_name attribute for metric {name!r}: it was "
            "written by an older govsim; re-run it with this version of govsim")
    return f"{text} at end" if end else str(text)


def outcomes_of(ds, names=OUTCOMES):
    """The rows of the comparison table for this file: [(name, label, fmt)].

    ``names`` lists (name, fmt) pairs (default OUTCOMES, the rows `govsim
    run` prints); each label is label(ds, name), the metric's long_name.
    (name, label, fmt) triples are kept as they are.
    """
    ds = _as_dataset(ds)
    return [tuple(o) if len(o) == 3 else (o[0], label(ds, o[0]), o[1]) for o in names]


def aggregation(ds, metric):
    """How per_run() turns a metric's series into one value per run, in words.

    From the file's attributes (meaning()): "sum over time", "mean over
    time", "mean over time weighted by <weight>", "sum(<numerator>) /
    sum(<denominator>)", or "<metric> at the last time" for trust_end and
    any <metric>_end.
    """
    ds = _as_dataset(ds)
    name, end = _resolve(ds, metric)
    if end:
        return f"{name} at the last time"
    agg, exprs = _declared(ds, name)
    if agg == "ratio":
        return f"sum({exprs['numerator']}) / sum({exprs['denominator']})"
    if agg == "weighted":
        return f"mean over time weighted by {exprs['weight']}"
    return "sum over time" if agg == "flow" else "mean over time"


def _unknown(ds, metric):
    names = [n for n, v in ds.data_vars.items() if "time" in v.dims]
    return (f"{metric!r} is not a metric of this file (metrics: {', '.join(names[:6])}, ...; "
            "<metric>_end for the value at the last time; trust_end)")


def _time_index(ds, at):
    t = np.asarray(ds["time"].values, dtype=float)
    at = float(at)
    if not t.size or at <= 0 or at > t[-1] + 1e-9:
        raise ValueError(f"at={at:g} is outside the run: times are {t[0]:g}..{t[-1]:g} days"
                         if t.size else "the file has no time points")
    return int(np.searchsorted(t, at - 1e-9, side="left"))


def per_run(ds, metric, at=None):
    """One value per run (dims ``run``, plus ``class`` for a per-class metric).

    Without ``at``, the whole-run value: over() of the metric, by the
    aggregation the file declares for it (see aggregation()); with ``at`` a
    time in days, the metric's value in the output interval that contains
    that day (the first whose end is >= at). ``trust_end`` (any
    ``<metric>_end``) is the metric's value at the last time, or at ``at``.
    The result keeps the per-run coordinates; its attrs hold the metric's
    units, long_name, description and the rule in words (``aggregation``).
    """
    ds = _as_dataset(ds)
    base, end = _resolve(ds, metric)
    var = ds[base]
    if "run" not in var.dims or "time" not in var.dims:
        raise ValueError(f"{metric!r} is not a series over (run, time): its dims are {var.dims}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if at is not None:
            out = var.isel(time=_time_index(ds, at))
        elif end:
            out = var.isel(time=-1)
        else:
            out = over(ds, base)
    out = out.drop_vars("time", errors="ignore")
    if "done" in ds.variables and ds["done"].dims == ("run",):
        out = out.where(ds["done"] != 0)  # a run not written yet has no value
    for c in run_coords(ds):
        if c not in out.coords:
            out = out.assign_coords({c: ds[c]})
    out.name = metric
    out.attrs = {"units": var.attrs.get("units", ""),
                 "long_name": label(ds, metric) if var.attrs.get("long_name") else "",
                 "description": var.attrs.get("description", ""),
                 "aggregation": (f"value at day {float(ds['time'][_time_index(ds, at)]):g}"
                                 if at is not None else
                                 "value at the last time" if end else aggregation(ds, metric))}
    return out


def _frame(values, ds):
    """A long DataFrame of per-run values: run coordinates, class if any, and 'value'."""
    cols = {c: values[c].values for c in run_coords(ds)}
    base = pd.DataFrame(cols)
    if "class" in values.dims:
        parts = []
        for k, cls in enumerate(values["class"].values.tolist()):
            part = base.copy()
            part["class"] = cls
            part["value"] = values.isel({"class": k}).transpose("run").values
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    base["value"] = values.transpose("run").values
    return base


def _stats(v, level):
    v = np.asarray(v, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    mean = float(v.mean()) if n else math.nan
    sd = float(v.std(ddof=1)) if n > 1 else math.nan
    half = float(t_ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n)) if n > 1 else math.nan
    return {"mean": mean, "sd": sd, "n": n, "ci_low": mean - half, "ci_high": mean + half,
            "ci_half": half}


def _grouped(frame, keys, level):
    rows, index = [], []
    for key, g in frame.groupby(keys[0] if len(keys) == 1 else keys, sort=False, dropna=False):
        rows.append(_stats(g["value"], level))
        index.append(key)
    cols = ["mean", "sd", "n", "ci_low", "ci_high", "ci_half"]
    if len(keys) == 1:
        idx = pd.Index([k[0] if isinstance(k, tuple) else k for k in index], name=keys[0])
    else:
        idx = pd.MultiIndex.from_tuples(index, names=keys)
    out = pd.DataFrame(rows, index=idx, columns=cols)
    out["n"] = out["n"].astype(int)
    return out


def _keys(ds, values, by):
    keys = list(group_keys(ds) if by is None else ([by] if isinstance(by, str) else by))
    if "class" in values.dims and "class" not in keys:
        keys.append("class")
    return keys


def summary(ds, metric, at=None, by=None, level=0.95):
    """Per arm (and design point): mean, sd, n and the 95% t confidence interval.

    ``ds`` is a Dataset from load() or a file path. The statistic is over the
    replications of the whole-run value of ``metric`` (per_run()), or its
    value at day ``at``. ``by`` overrides the grouping (default: arm and any
    sweep or design variable; ``by="arm"`` pools a sweep by arm). Columns:
    mean, sd, n (runs with a value), ci_low, ci_high, ci_half (half-width).
    Runs whose value is NaN are left out, as in the table of `govsim run`.
    """
    ds = _as_dataset(ds)
    values = per_run(ds, metric, at=at)
    out = _grouped(_frame(values, ds), _keys(ds, values, by), level)
    out.attrs.update(metric=metric, at=at, units=values.attrs["units"],
                     long_name=values.attrs["long_name"], aggregation=values.attrs["aggregation"])
    return out


def paired(ds, metric, base_arm=None, at=None, by=None, level=0.95):
    """Paired differences of every arm from ``base_arm`` (default: the first arm).

    Runs are paired by replication (and by any sweep or design variable):
    the arms of one replication share their seed, so each difference is
    between the same citizens with the same lives. Rows: every arm but the
    base (and design point); columns: mean, sd, n (pairs), ci_low, ci_high,
    ci_half of (arm - base). ``by="arm"`` pools the pairs of every sweep or
    design point of an arm into one row.
    """
    ds = _as_dataset(ds)
    names = arms(ds)
    base_arm = names[0] if base_arm is None else base_arm
    if base_arm not in names:
        raise ValueError(f"no arm {base_arm!r} in this file (arms: {', '.join(names)})")
    values = per_run(ds, metric, at=at)
    frame = _frame(values, ds)
    keys = _keys(ds, values, None)
    match = [k for k in keys if k != "arm"] + ["replication"]
    base = frame.loc[frame["arm"] == base_arm, match + ["value"]]
    if base.duplicated(match).any():
        raise ValueError(f"arm {base_arm!r} has several runs for one replication: "
                         "cannot pair them")
    other = frame[frame["arm"] != base_arm].assign(_order=lambda f: np.arange(len(f)))
    merged = other.merge(base, on=match, how="inner", suffixes=("", "_base"))
    merged = merged.sort_values("_order", kind="stable")  # file order of the runs
    merged["value"] = merged["value"] - merged["value_base"]
    if merged.empty:
        cols = ["mean", "sd", "n", "ci_low", "ci_high", "ci_half"]
        out = pd.DataFrame(columns=cols, index=pd.Index([], name="arm"))
    else:
        out = _grouped(merged, keys if by is None else _keys(ds, values, by), level)
    out.attrs.update(metric=metric, at=at, base_arm=base_arm, units=values.attrs["units"])
    return out


# ---------------------------------------------------------- the comparison table

def format_cell(fmt, mean, half=math.nan, n=1, half_fmt=None):
    """A cell as `govsim run` prints it: "mean +- half" with the row's format.

    With n < 2 (no interval) only the mean. ``half_fmt`` formats the
    half-width when it differs (a signed mean, an unsigned half-width).
    """
    m = fmt % mean
    if n > 1:
        return f"{m} +- {(half_fmt or fmt) % half}"
    return m


def comparison(ds, outcomes=OUTCOMES, at=None, by="arm", level=0.95):
    """The key outcomes per arm: a DataFrame with one row per (outcome, group).

    Columns: outcome, label, fmt, then mean, sd, n, ci_low, ci_high,
    ci_half. By default the outcomes of the table `govsim run` prints
    (OUTCOMES, labelled by the metrics' long_name: see outcomes()), grouped
    by arm only (``by=None`` groups by sweep and design variables too).
    """
    ds = _as_dataset(ds)
    parts = []
    for name, text, fmt in outcomes_of(ds, outcomes):
        s = summary(ds, name, at=at, by=by, level=level)
        s.insert(0, "fmt", fmt)
        s.insert(0, "label", text)
        s.insert(0, "outcome", name)
        parts.append(s.reset_index())
    out = pd.concat(parts, ignore_index=True)
    return out


def paired_table(ds, outcomes=OUTCOMES, base_arm=None, at=None, level=0.95):
    """The paired block of `govsim run` as strings: rows outcomes, columns the other arms.

    Each cell is the mean difference (arm - base_arm, default the first arm)
    over pairs of runs of the same replication and sweep point, with a sign,
    and the half-width of its 95% CI: "+14 +- 3". Rows are labelled as in
    comparison_table().
    """
    ds = _as_dataset(ds)
    names = arms(ds)
    base_arm = names[0] if base_arm is None else base_arm
    table, npairs = {}, 0
    for name, text, fmt in outcomes_of(ds, outcomes):
        p = paired(ds, name, base_arm=base_arm, at=at, by="arm", level=level)
        row = {}
        for a in names:
            if a == base_arm:
                continue
            if a in p.index:
                r = p.loc[a]
                npairs = max(npairs, int(r["n"]))
                row[a] = format_cell(fmt.replace("%", "%+", 1), r["mean"], r["ci_half"], r["n"],
                                     half_fmt=fmt)
            else:
                row[a] = "nan"
        table[text] = row
    out = pd.DataFrame.from_dict(table, orient="index")
    out.index.name = f"paired: arm - {base_arm}" if npairs > 1 else f"arm - {base_arm}"
    return out[[a for a in names if a != base_arm]]


def comparison_table(ds, outcomes=OUTCOMES, at=None, level=0.95):
    """The comparison table of `govsim run` as strings: rows outcomes, columns arms.

    The same numbers, formats and row labels (the metrics' long_name, "trust
    at end") as `govsim run` and `govsim compare FILE` print for the file.
    """
    ds = _as_dataset(ds)
    c = comparison(ds, outcomes, at=at, by="arm", level=level)
    table = {}
    for _, r in c.iterrows():
        table.setdefault(r["label"], {})[r["arm"]] = format_cell(r["fmt"], r["mean"],
                                                                 r["ci_half"], r["n"])
    out = pd.DataFrame.from_dict(table, orient="index")
    out.index.name = "outcome (mean +- 95% CI)" if (c["n"] > 1).any() else "outcome"
    return out[arms(ds)]
