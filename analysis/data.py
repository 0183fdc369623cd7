"""Read govsim result files: the data, the provenance and per-arm summaries.

    >>> from analysis import load, provenance, summary, paired
    >>> ds = load("out/default.h5")
    >>> summary(ds, "failure_demand_share")          # per arm: mean, sd, n, 95% CI
    >>> summary(ds, "trust_mean", at=365)            # the value at day 365 instead
    >>> paired(ds, "needs_met", base_arm="npm")      # arm minus npm, paired by replication
    >>> comparison_table(ds)                         # the table `govsim run` prints
    >>> provenance("out/default.h5")["parameters"]["hls"]["service.time_target"]
    '10d'

Whole-run values follow the comparison table of `govsim run` (sim/app/report.c):
flows are summed over time; shares and means are weighted by their
denominators (``within_target_recorded`` by ``cases_measured``,
``within_target_true`` by the needs that ended after reaching the service,
``needs_met - needs_met_self + needs_abandoned``, the mean times to close by
the needs met by the service or the cases closed); ratios are ratios of sums
(``failure_demand_share`` = sum(failure) / sum(value + failure),
``cost_per_need_met`` = sum(cost_total) / sum(needs_met - needs_met_self));
stocks are averaged over time; ``trust_end`` (and ``<metric>_end`` for any
metric) is the value at the last time.

Runs are grouped by arm and by any other per-run variable (a variable of
dimension ``run`` only, such as a sweep coordinate
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

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .stats import t_ppf

__all__ = [
    "load", "provenance", "summary", "paired", "per_run", "comparison", "comparison_table",
    "paired_table", "format_cell", "aggregation", "run_coords", "group_keys", "arms", "check_file",
    "parse_duration", "time_target", "GovsimFileError", "OUTCOMES",
]

# The rows of the comparison table `govsim run` prints (GS_SUMMARIES in sim/app/report.h):
# (summary name, label, printf format of its numbers).
OUTCOMES = [
    ("needs_met", "needs met", "%.0f"),
    ("failure_demand_share", "failure demand share", "%.3f"),
    ("within_target_recorded", "in target (recorded)", "%.3f"),
    ("within_target_true", "in target (true)", "%.3f"),
    ("time_to_close_true_mean", "true days to close", "%.1f"),
    ("wellbeing_mean", "wellbeing", "%.3f"),
    ("trust_end", "trust at end", "%.3f"),
    ("cost_per_need_met", "cost per need met", "%.0f"),
]

# Metrics summed over time in a whole-run value.
FLOWS = {
    "needs_arising", "needs_met", "needs_met_self", "needs_abandoned", "contacts_value",
    "contacts_failure", "contacts_chasing", "contacts_repeat", "contacts_handoff",
    "cases_opened", "cases_closed", "hours_casework", "hours_contact", "hours_reporting",
    "hours_learning", "hours_idle", "leavers", "premature_closures", "cases_parked",
    "records_manipulated", "reclassifications", "audit_catches", "cases_measured", "payments",
    "cost_total",
    "needs_arising_by_class", "needs_met_by_class", "needs_met_service_by_class",
    "contacts_value_by_class", "contacts_failure_by_class", "cases_closed_by_class",
    "hours_casework_by_class", "premature_closures_by_class",
}

# Metrics sampled at the end of each interval: averaged over time.
STOCKS = {
    "needs_pending", "needs_in_service", "needs_unmet", "queue_length", "wellbeing_mean",
    "wellbeing_p10", "trust_mean", "worker_skill_mean", "worker_motivation_mean",
    "worker_trust_mean", "worker_stress_mean", "workers_sick", "workers_vacant",
    "knowhow_mean", "barrier_mean", "resource_waiting", "target_value",
}


def _needs_served(ds):
    return ds["needs_met"] - ds["needs_met_self"]


# Shares and means over an interval's events: weighted by the number of events.
WEIGHTED = {
    "within_target_recorded": ("cases_measured", lambda ds: ds["cases_measured"]),
    "within_target_true": ("needs_met - needs_met_self + needs_abandoned",
                           lambda ds: _needs_served(ds) + ds["needs_abandoned"]),
    "time_to_close_true_mean": ("needs_met - needs_met_self", _needs_served),
    "time_to_close_recorded_mean": ("cases_closed", lambda ds: ds["cases_closed"]),
    "time_to_close_true_mean_by_class": ("needs_met_service_by_class",
                                         lambda ds: ds["needs_met_service_by_class"]),
}

# Ratios of flows: ratio of the sums.
RATIOS = {
    "failure_demand_share": ("contacts_failure", "contacts_value + contacts_failure",
                             lambda ds: ds["contacts_failure"],
                             lambda ds: ds["contacts_value"] + ds["contacts_failure"]),
    "cost_per_need_met": ("cost_total", "needs_met - needs_met_self",
                          lambda ds: ds["cost_total"], _needs_served),
    "cost_per_closure": ("cost_total", "cases_closed",
                         lambda ds: ds["cost_total"], lambda ds: ds["cases_closed"]),
}

# Per-run variables that do not tell groups of runs apart: the replication
# and its seed, and `done` (1 once a run is written; 0 in a partial file).
_NOT_GROUPS = ("replication", "seed", "done")

# Names of the comparison table that are not metric names.
ALIASES = {"trust_end": "trust_mean_end"}


class GovsimFileError(ValueError):
    """The file is not a govsim result file (or lacks what an analysis needs)."""


# --------------------------------------------------------------------------- files

def load(path):
    """Open a govsim result file as an xarray Dataset.

    Dimensions are ``run`` and ``time`` (and ``bin``/``bin_edge`` for the
    histograms); ``arm``, ``replication`` and ``seed`` are coordinates
    along ``run``. Durations (``time``, ``bin``, the time-to-close metrics)
    stay floats in days rather than being decoded to timedelta64. The data
    are loaded into memory and the file closed.
    """
    # phony_dims: a dataset without a dimension scale gets a made-up dimension
    # rather than making the whole file unreadable
    with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False,
                         phony_dims="sort") as ds:
        return ds.load()


def check_file(path):
    """Raise FileNotFoundError or GovsimFileError unless path is a govsim result file."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise GovsimFileError(f"{path}: is a directory, not a result file")
    try:
        ok = h5py.is_hdf5(path)
    except OSError as e:
        raise GovsimFileError(f"{path}: cannot read: {e}") from None
    if not ok:
        raise GovsimFileError(f"{path}: not an HDF5 file, so not a govsim result file")
    with h5py.File(path, "r") as f:
        missing = [n for n in ("run", "time", "arm") if n not in f]
        if missing or "govsim_version" not in f.attrs:
            what = ", ".join("/" + n for n in missing) or "the govsim_version attribute"
            raise GovsimFileError(f"{path}: not a govsim result file (no {what})")


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
    arms in file order. A file without ``/provenance`` gives the root
    attributes and empty ``scenario`` and ``parameters``.
    """
    with h5py.File(path, "r") as f:
        g = f.get("provenance")
        out = {k: _py(v) for k, v in (g if g is not None else f).attrs.items()}
        out["scenario"] = ""
        out["parameters"] = {}
        if g is None:
            return out
        if "scenario" in g:
            out["scenario"] = g["scenario"].asstr()[()] if g["scenario"].dtype.kind in "OSU" \
                else str(g["scenario"][()])
        if "parameters" in g:
            pg = g["parameters"]
            order = list(dict.fromkeys(f["arm"].asstr()[()])) if "arm" in f else []
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

def _sum(da):
    return da.sum("time", skipna=True)


def _ratio(num, den):
    return num / den.where(den > 0)


def _wmean(v, w):
    ok = v.notnull() & w.notnull() & (w > 0)
    return _ratio((v * w).where(ok).sum("time"), w.where(ok).sum("time"))


def aggregation(ds, metric):
    """How per_run() turns a metric's series into one value per run, in words."""
    if metric in RATIOS:
        return f"sum({RATIOS[metric][0]}) / sum({RATIOS[metric][1]})"
    if metric in WEIGHTED:
        return f"mean over time weighted by {WEIGHTED[metric][0]}"
    if metric in FLOWS:
        return "sum over time"
    if metric in STOCKS:
        return "mean over time"
    name = ALIASES.get(metric, metric) if metric not in ds else metric
    if name not in ds and name.endswith("_end") and name[:-4] in ds:
        return f"{name[:-4]} at the last time"
    if metric not in ds:
        raise KeyError(_unknown(ds, metric))
    # a metric this module does not know: guess from its description and units
    attrs = ds[metric].attrs
    desc, units = str(attrs.get("description", "")), str(attrs.get("units", ""))
    if "at the end of" in desc or units in ("1", "days") or "mean" in metric or "share" in metric:
        return "mean over time"
    return "sum over time"


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

    Without ``at``, the whole-run value (see the module docstring and
    aggregation()); with ``at`` a time in days, the metric's value in the
    output interval that contains that day (the first whose end is >= at).
    ``trust_end`` (any ``<metric>_end``) is the metric's value at the last
    time, or at ``at``. The result keeps the per-run coordinates.
    """
    ds = _as_dataset(ds)
    name = ALIASES.get(metric, metric) if metric not in ds else metric
    end = name not in ds and name.endswith("_end") and name[:-4] in ds
    base = name[:-4] if end else name
    if base not in ds:
        raise KeyError(_unknown(ds, metric))
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
            rule = aggregation(ds, metric)
            if metric in RATIOS:
                out = _ratio(_sum(RATIOS[metric][2](ds)), _sum(RATIOS[metric][3](ds)))
            elif metric in WEIGHTED:
                out = _wmean(var, WEIGHTED[metric][1](ds))
            elif rule == "sum over time":
                out = _sum(var)
            else:
                out = var.mean("time", skipna=True)
    out = out.drop_vars("time", errors="ignore")
    if "done" in ds.variables and ds["done"].dims == ("run",):
        out = out.where(ds["done"] != 0)  # a run not written yet has no value
    for c in run_coords(ds):
        if c not in out.coords:
            out = out.assign_coords({c: ds[c]})
    out.name = metric
    out.attrs = {"units": var.attrs.get("units", ""),
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
                     aggregation=values.attrs["aggregation"])
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

    Columns: label, fmt, mean, sd, n, ci_low, ci_high, ci_half. By default
    the outcomes of the table `govsim run` prints, grouped by arm only
    (``by=None`` groups by sweep and design variables too).
    """
    ds = _as_dataset(ds)
    parts = []
    for name, label, fmt in outcomes:
        s = summary(ds, name, at=at, by=by, level=level)
        s.insert(0, "fmt", fmt)
        s.insert(0, "label", label)
        s.insert(0, "outcome", name)
        parts.append(s.reset_index())
    out = pd.concat(parts, ignore_index=True)
    return out


def paired_table(ds, outcomes=OUTCOMES, base_arm=None, at=None, level=0.95):
    """The paired block of `govsim run` as strings: rows outcomes, columns the other arms.

    Each cell is the mean difference (arm - base_arm, default the first arm)
    over pairs of runs of the same replication and sweep point, with a sign,
    and the half-width of its 95% CI: "+14 +- 3".
    """
    ds = _as_dataset(ds)
    names = arms(ds)
    base_arm = names[0] if base_arm is None else base_arm
    table, npairs = {}, 0
    for name, label, fmt in outcomes:
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
        table[label] = row
    out = pd.DataFrame.from_dict(table, orient="index")
    out.index.name = f"paired: arm - {base_arm}" if npairs > 1 else f"arm - {base_arm}"
    return out[[a for a in names if a != base_arm]]


def comparison_table(ds, outcomes=OUTCOMES, at=None, level=0.95):
    """The comparison table of `govsim run` as strings: rows outcomes, columns arms."""
    ds = _as_dataset(ds)
    c = comparison(ds, outcomes, at=at, by="arm", level=level)
    table = {}
    for _, r in c.iterrows():
        table.setdefault(r["label"], {})[r["arm"]] = format_cell(r["fmt"], r["mean"],
                                                                 r["ci_half"], r["n"])
    out = pd.DataFrame.from_dict(table, orient="index")
    out.index.name = "outcome (mean +- 95% CI)" if (c["n"] > 1).any() else "outcome"
    return out[arms(ds)]
