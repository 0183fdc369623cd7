"""Figures of a govsim result file (matplotlib, drawn with the Agg canvas).

    >>> import analysis
    >>> from analysis import plots
    >>> ds = analysis.load("out/default.h5")
    >>> plots.timeseries(ds, "trust_mean", path="trust.png")
    >>> plots.time_to_close(ds, target=analysis.time_target("out/default.h5"), path="ttc.png")
    >>> plots.failure_demand(ds, path="failure.png")
    >>> plots.cost_per_need_met(ds, path="cost.png")
    >>> from analysis.sobol import sobol_from_file
    >>> plots.sensitivity(sobol_from_file("out/design.h5", "needs_met"), path="s.png")

Every function returns the matplotlib Figure and, given ``path``, saves it
as a PNG. Time axes are in days, or in years past two years, with the
scenario's events marked when ``events`` is given; axes of non-negative
metrics start at 0. Titles say what the band is: a 95% CI over
replications, or "1 replication: no interval". They draw on their own Figure (no pyplot state, nothing shown on
screen), or into ``ax`` when one is given. Bands and error bars are 95%
t confidence intervals over replications.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import data
from .stats import t_ppf

__all__ = ["timeseries", "time_to_close", "failure_demand", "cost_per_need_met", "outcome_bars",
           "sensitivity", "outcome_vs_parameter", "uncertainty", "replications", "save",
           "team_values", "teams", "waterfall"]

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]


def _figure(ax=None, nrows=1, ncols=1, size=(7.0, 4.0), **kw):
    if ax is not None:
        return ax.figure, np.array([[ax]])
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def save(fig, path, dpi=100):
    """Save a figure as a PNG (or any format matplotlib knows from the suffix)."""
    fig.savefig(path, dpi=dpi)
    return path


def _done(fig, path):
    if path is not None:
        save(fig, path)
    return fig


def _color(names, name):
    return _COLORS[names.index(name) % len(_COLORS)] if name in names else "#333333"


def _band(values, level=0.95):
    """Mean and CI half-width over the first axis (NaN left out)."""
    v = np.asarray(values, dtype=float)
    n = np.sum(~np.isnan(v), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(v, axis=0) / np.where(n > 0, n, np.nan)
        dev = np.where(np.isnan(v), 0.0, v - mean) ** 2
        sd = np.sqrt(np.sum(dev, axis=0) / np.where(n > 1, n - 1, np.nan))
        q = np.full(n.shape, np.nan)
        for k in np.unique(n[n > 1]):
            q[n == k] = t_ppf(0.5 + level / 2, k - 1)
        half = q * sd / np.sqrt(n)
    return mean, half


def _series(ds, metric, cls, var=None):
    """The (run, time) series of a metric (of one class, for a per-class metric)."""
    var = ds[metric] if var is None else var
    if "class" in var.dims:
        if cls is None:
            raise ValueError(f"{metric} is per class: pass cls= one of "
                             f"{', '.join(map(str, ds['class'].values.tolist()))}")
        var = var.sel({"class": cls})
    return var.transpose("run", "time")


def _points(ds):
    """Each run's sweep or design point as a tuple of its per-run values (() if none)."""
    keys = [k for k in data.group_keys(ds) if k != "arm"]
    cols = [np.asarray(ds[k].values).tolist() for k in keys]
    return keys, [tuple(v) for v in zip(*cols)] if keys else [()] * ds.sizes["run"]


def _plot_bands(ax, ds, series, arm_names, level, label_suffix=""):
    """Per arm, the mean over replications and its band; with sweep points, one line per
    (arm, point) and no band: a band is never drawn over runs of different points."""
    t = _t(ds)
    arm_of_run = np.asarray(ds["arm"].values)
    keys, point = _points(ds)
    points = list(dict.fromkeys(point))
    for arm in arm_names:
        c = _color(arm_names, arm)
        if len(points) > 1:
            for k, p in enumerate(points):
                rows = series[(arm_of_run == arm) & np.array([q == p for q in point])]
                mean, _ = _band(rows, level)
                ax.plot(t, mean, color=c, lw=0.9, alpha=0.35 + 0.6 * (k + 1) / len(points),
                        label=f"{arm}{label_suffix}" if k == 0 else None)
            continue
        rows = series[arm_of_run == arm]
        mean, half = _band(rows, level)
        ax.plot(t, mean, color=c, lw=1.5, label=f"{arm}{label_suffix}")
        if np.isfinite(half).any():
            ax.fill_between(t, mean - half, mean + half, color=c, alpha=0.2, lw=0)


def _years(ds):
    """Whether time axes are in years: runs longer than two years."""
    t = np.asarray(ds["time"].values, dtype=float)
    return bool(t.size) and t[-1] > 730 + 1e-9


def _time_axis(ax, ds, events=None):
    """The x axis of a time series: days, or years past two years; events marked.

    ``events``: [(day, name, arms or None)] as analysis.report.events() reads
    them from the scenario: a dotted vertical line and the event's name.
    """
    years = _years(ds)
    ax.set_xlabel("year" if years else "day")
    for day, name, arms in events or []:
        x = day / 365.0 if years else day
        ax.axvline(x, color="#555555", ls=":", lw=1)
        who = f" ({', '.join(arms)})" if arms else ""
        ax.text(x, 0.99, f" {name}{who}", transform=ax.get_xaxis_transform(), va="top",
                ha="left", fontsize=7, color="#333333")


def _t(ds):
    t = np.asarray(ds["time"].values, dtype=float)
    return t / 365.0 if _years(ds) else t


def replications(ds):
    """The fewest runs with a value of any arm (and sweep point): what an interval rests on."""
    keys = [k for k in data.group_keys(ds)]
    cols = [np.asarray(ds[k].values).astype(str) for k in keys]
    groups = {}
    done = np.asarray(ds["done"].values) != 0 if "done" in ds.variables else None
    for i, key in enumerate(zip(*cols)):
        if done is None or done[i]:
            groups[key] = groups.get(key, 0) + 1
    return min(groups.values()) if groups else 0


def uncertainty(ds, level=0.95):
    """What a figure's bands are, in words: "mean and 95% CI over 5 replications", or
    "1 replication: no interval"."""
    n = replications(ds)
    if n <= 1:
        return f"{n} replication: no interval"
    return f"mean and {level:.0%} CI over {n} replications"


def _from_zero(ax, ds, metric, values):
    """Axes of non-negative metrics start at 0, and shares ([0..1]) end at 1 or above."""
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any() or np.nanmin(v) < 0:
        return
    unit = str(ds[metric].attrs.get("units", ""))
    top = ax.get_ylim()[1]
    ax.set_ylim(0, max(top, 1.0) if unit == "1" and np.nanmax(v) <= 1 else top)


def _axis_label(ds, metric):
    """"needs met [needs]": the dataset's long_name and plain_units (name and units if absent)."""
    attrs = ds[metric].attrs
    name = attrs.get("long_name") or metric
    units = attrs.get("plain_units") or attrs.get("units", "")
    return f"{name} [{units}]" if units and units != name else name


def timeseries(ds, metric, cls=None, window=1, level=0.95, ax=None, path=None, title=None,
               events=None):
    """A metric over time: per arm, the mean over replications and its 95% band.

    ``window`` > 1 smooths each run first over that many output intervals,
    by the metric's aggregation in the file (analysis.rolling()): a share
    or ratio over the window, a stock's mean; a flow shows its mean per
    interval over the window. ``cls`` picks the class of a per-class metric.
    The axis and title name the metric by its long_name and plain_units.
    """
    ds = data._as_dataset(ds)
    fig, axes = _figure(ax)
    a = axes[0, 0]
    window = max(1, int(window))
    var = None
    if window > 1:
        var = data.rolling(ds, metric, window)
        if data.meaning(ds, metric).aggregation == "flow":
            count = ds[metric].notnull().rolling(time=window, min_periods=1).sum()
            var = var / count.where(count > 0)
    var = _series(ds, metric, cls, var)
    _plot_bands(a, ds, var.values, data.arms(ds), level)
    _from_zero(a, ds, metric, var.values)
    _time_axis(a, ds, events)
    a.set_ylabel(_axis_label(ds, metric))
    name = str(ds[metric].attrs.get("long_name") or metric)
    name = name[:1].upper() + name[1:]
    extra = f", over {window} intervals" if window > 1 else ""
    a.set_title(title or f"{name}{' (' + str(cls) + ')' if cls is not None else ''}"
                f": {_what(ds, level)}{extra}", fontsize=10)
    a.legend(frameon=False)
    a.grid(alpha=0.3)
    return _done(fig, path)


def _what(ds, level):
    """The title's account of the lines: bands, no interval, or one line per point."""
    keys, point = _points(ds)
    if len(set(point)) > 1:
        return f"mean per arm and {'design' if any(k.startswith('design') for k in keys) else 'sweep'} point (one line each, no band)"
    return uncertainty(ds, level)


def failure_demand(ds, window=None, level=0.95, ax=None, path=None, events=None):
    """Failure-demand share of contacts over time, per arm with its 95% band.

    Each run's share over a rolling window of ``window`` output intervals
    (default: about a fiftieth of the run, at least one interval), by the
    metric's aggregation in the file (analysis.rolling(): the sum of its
    numerator over the sum of its denominator), which steadies daily noise.
    """
    ds = data._as_dataset(ds)
    metric = "failure_demand_share"
    n_time = ds.sizes["time"]
    window = max(1, n_time // 50) if window is None else max(1, int(window))
    share = data.rolling(ds, metric, window).transpose("run", "time").values
    fig, axes = _figure(ax)
    a = axes[0, 0]
    _plot_bands(a, ds, share, data.arms(ds), level)
    _time_axis(a, ds, events)
    a.set_ylabel(_axis_label(ds, metric))
    span = float(ds["time"].values[min(window, n_time) - 1]) if window > 1 else None
    name = str(ds[metric].attrs.get("long_name") or metric)
    a.set_title(name[:1].upper() + name[1:] +
                (f" (rolling {span:g} days)" if span else "") + f": {_what(ds, level)}",
                fontsize=10)
    a.set_ylim(0, 1)
    a.legend(frameon=False)
    a.grid(alpha=0.3)
    return _done(fig, path)


def _series_hist(ds, var, cls):
    name = f"{var}_by_class"
    if name not in ds:
        raise ValueError(f"this file has no {name}: no histograms by class")
    return ds[name].sel({"class": cls})


def _target_of(target, arm):
    if isinstance(target, dict):
        return target.get(arm)
    return target


def time_to_close(ds, target=None, cls=None, ax=None, path=None):
    """Recorded and true time to close, per arm: the share of cases (needs) in each bin.

    Recorded: the cases closed, from the recorded start to closure (what
    managers see); true: the needs the service met, from the first contact
    to the need met (what citizens live). Means over replications of each
    run's share per bin. ``target``: the time target in days (a number, or
    {arm: days} as analysis.time_target() gives), drawn as a dashed line.
    ``cls`` draws one demand class (from the ``*_hist_by_class`` datasets).
    The last bin also counts longer times.
    """
    ds = data._as_dataset(ds)
    names = data.arms(ds)
    edges = np.asarray(ds["bin_edges"].values, dtype=float)
    if ax is not None:
        fig, axes = _figure(ax)
        axes = np.array([[ax] * len(names)])
    else:
        fig, axes = _figure(None, 1, len(names), size=(3.6 * len(names) + 0.8, 3.6),
                            sharey=True)
    arm_of_run = np.asarray(ds["arm"].values)
    # recorded and true overlaid in each arm's panel, as step lines: dashed grey what
    # managers see, solid in the arm's colour what citizens live; one legend for all
    for j, arm in enumerate(names):
        a = axes[0, j]
        for var, label in (("time_to_close_recorded_hist", "recorded (what managers see)"),
                           ("time_to_close_true_hist", "true (what citizens live)")):
            h = (ds[var] if cls is None else _series_hist(ds, var, cls))
            h = h.transpose("run", "bin").values[arm_of_run == arm]
            tot = h.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(tot > 0, h / tot, np.nan)
            mean = np.nanmean(share, axis=0) if np.isfinite(share).any() else share[0]
            recorded = var.startswith("time_to_close_recorded")
            a.stairs(np.nan_to_num(mean), edges, color="#555555" if recorded else
                     _color(names, arm), lw=1.4 if recorded else 1.8, ls="--" if recorded else "-",
                     label=label if j == 0 else None)
        tgt = _target_of(target, arm)
        if tgt is not None and np.isfinite(tgt):
            a.axvline(tgt, color="black", ls=":", lw=1)
            a.text(tgt, 0.97, f" target {tgt:g} d", transform=a.get_xaxis_transform(),
                   va="top", ha="left", fontsize=8)
        a.set_title(arm, fontsize=10)
        a.set_xlabel(f"days to close (last bin: {edges[-2]:g} d and over)", fontsize=8)
        a.set_xlim(edges[0], edges[-1])
        a.set_ylim(bottom=0)
        a.grid(alpha=0.3)
        if j == 0:
            a.set_ylabel("share of closures per bin")
    if ax is None:
        fig.suptitle("Time to close" + (f" ({cls})" if cls is not None else "")
                     + f": recorded against true, per arm; {_hist_what(ds)}", fontsize=10)
    axes[0, -1].legend(*axes[0, 0].get_legend_handles_labels(), frameon=False, fontsize=8,
                       loc="upper right")
    return _done(fig, path)


def _hist_what(ds):
    n = replications(ds)
    return "the mean over replications of each run's shares" if n > 1 else \
        "1 replication: no interval"


def outcome_bars(ds, metric, label=None, level=0.95, ax=None, path=None):
    """A whole-run outcome per arm as bars with 95% CI error bars (see analysis.summary).

    ``label`` defaults to the outcome's label in the file (analysis.label():
    the metric's long_name), the axis unit to its plain_units.
    """
    ds = data._as_dataset(ds)
    s = data.summary(ds, metric, by="arm", level=level)
    base, _ = data._resolve(ds, metric)
    label = label or data.label(ds, metric)
    names = list(s.index)
    fig, axes = _figure(ax, size=(1.3 * len(names) + 2.5, 3.6))
    a = axes[0, 0]
    err = np.nan_to_num(s["ci_half"].to_numpy(dtype=float))
    x = np.arange(len(names))
    a.bar(x, s["mean"], yerr=err, capsize=5, color=[_color(names, n) for n in names],
          alpha=0.85)
    a.set_xticks(x, names)
    units = ds[base].attrs.get("plain_units") or s.attrs.get("units", "")
    a.set_ylabel(f"{label}" + (f" [{units}]" if units and units != label else ""))
    n = s["n"].min()
    a.set_title(f"{label}: mean" + (f" and 95% CI over {n} replications" if n > 1 else
                                    f" ({n} replication: no interval)"), fontsize=10)
    a.set_ylim(bottom=min(0, a.get_ylim()[0]))
    a.grid(axis="y", alpha=0.3)
    return _done(fig, path)


def team_values(ds):
    """Whole-run values of every team of every run: a pandas DataFrame.

    One row per (run, team) that the run has (a run with fewer teams than the
    file has NaN for the rest, left out), with the columns run, arm, team,
    gap (recorded minus true share within target, in percentage points),
    leavers, gaming (records manipulated + reclassifications + premature
    closures), stress (mean over time) and pressure (felt, mean over time).
    KeyError if the file has no per-team datasets (written before govsim had
    them).
    """
    import pandas as pd

    ds = data._as_dataset(ds)
    if "within_target_recorded_by_team" not in ds:
        raise KeyError("no per-team datasets in the file (written by an older govsim)")

    def over(name):
        return data.over(ds, f"{name}_by_team").transpose("run", "team").values

    rec, true = over("within_target_recorded"), over("within_target_true")
    leavers, stress, pressure = over("leavers"), over("worker_stress_mean"), over("pressure_felt")
    gaming = (over("records_manipulated") + over("reclassifications")
              + over("premature_closures"))
    sick = ds["workers_sick_by_team"].transpose("run", "team", "time").values
    present = ~np.all(np.isnan(sick), axis=2)  # the run has this team
    arms = [str(a) for a in ds["arm"].values.tolist()]
    runs = ds["run"].values
    rows = [{"run": int(runs[r]), "arm": arms[r], "team": int(k),
             "gap": 100 * (rec[r, k] - true[r, k]), "leavers": leavers[r, k],
             "gaming": gaming[r, k], "stress": stress[r, k], "pressure": pressure[r, k]}
            for r, k in zip(*np.nonzero(present))]
    return pd.DataFrame(rows, columns=["run", "arm", "team", "gap", "leavers", "gaming",
                                       "stress", "pressure"])


def teams(ds, path=None):
    """Each team's whole-run recorded-minus-true gap and leavers, per arm, as dots.

    Two panels side by side, one column of dots per arm, one dot per team of
    each run (jittered sideways; replications pooled), the arm's median as a
    bar: differences between the teams of one arm are the managers' and
    workers' traits at work (workforce.manager_*_sd, worker_*_sd).
    """
    df = team_values(ds)
    ds = data._as_dataset(ds)
    names = data.arms(ds)
    fig, axes = _figure(nrows=1, ncols=2, size=(max(7.0, 1.6 * len(names) * 2 + 2), 3.8))
    rng = np.random.default_rng(0)
    for a, (col, label) in zip(axes[0], [("gap", "recorded − true in target [points]"),
                                         ("leavers", "leavers per team [workers]")]):
        for i, arm in enumerate(names):
            v = df.loc[df["arm"] == arm, col].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            if not v.size:
                continue
            x = i + rng.uniform(-0.18, 0.18, v.size)
            a.plot(x, v, "o", ms=4, alpha=0.6, color=_color(names, arm))
            a.plot([i - 0.28, i + 0.28], [np.median(v)] * 2, "-", color="#222", lw=1.5)
        a.set_xticks(np.arange(len(names)), names)
        a.set_xlim(-0.6, len(names) - 0.4)
        a.set_ylabel(label)
        a.grid(axis="y", alpha=0.3)
        if col == "leavers":
            a.set_ylim(bottom=0)
    n_teams = int(df.groupby("run")["team"].count().max()) if len(df) else 0
    fig.suptitle(f"Teams: one dot per team and run ({n_teams} teams a run), bar the median",
                 fontsize=10)
    return _done(fig, path)


def cost_per_need_met(ds, level=0.95, ax=None, path=None):
    """Cost per need met by the service, whole run, per arm: bars with 95% CI."""
    return outcome_bars(ds, "cost_per_need_met", level=level, ax=ax, path=path)


def sensitivity(indices, title=None, ax=None, path=None):
    """Sobol indices as bars: first-order S1 and total ST per parameter, with their CIs.

    ``indices`` is the DataFrame of analysis.sobol.sobol_indices() (indexed
    by parameter) or of sobol_from_file() (indexed by arm and parameter: one
    panel per arm).
    """
    if indices.index.nlevels > 1:
        groups = list(dict.fromkeys(indices.index.get_level_values(0)))
        panels = [(g, indices.xs(g, level=0)) for g in groups]
    else:
        panels = [(None, indices)]
    if ax is not None:
        fig, _ = _figure(ax)
        axes = np.array([[ax] * len(panels)])
    else:
        k = len(panels[0][1])
        fig, axes = _figure(None, 1, len(panels),
                            size=(max(4.0, 0.9 * k + 2.5) * len(panels), 3.8), sharey=True)
    for j, (group, df) in enumerate(panels):
        a = axes[0, j]
        x = np.arange(len(df))
        w = 0.38
        for off, col, color in ((-w / 2, "S1", "#1f77b4"), (w / 2, "ST", "#ff7f0e")):
            v = df[col].to_numpy(dtype=float)
            lo = df.get(f"{col}_low", df[col]).to_numpy(dtype=float)
            hi = df.get(f"{col}_high", df[col]).to_numpy(dtype=float)
            err = np.clip(np.nan_to_num(np.vstack([v - lo, hi - v])), 0, None)
            a.bar(x + off, v, w, yerr=err, capsize=3, color=color, label=col)
        a.set_xticks(x, [str(p) for p in df.index], rotation=30 if len(df) > 3 else 0,
                     ha="right" if len(df) > 3 else "center", fontsize=8)
        a.axhline(0, color="black", lw=0.8)
        a.grid(axis="y", alpha=0.3)
        if group is not None:
            a.set_title(str(group), fontsize=10)
        if j == 0:
            a.set_ylabel("Sobol index")
            a.legend(frameon=False, fontsize=8)
    metric = indices.attrs.get("metric")
    head = title or ("Sobol indices" + (f" of {metric}" if metric else "")
                     + ": first order (S1) and total (ST), 95% bootstrap CI")
    if ax is None:
        fig.suptitle(head, fontsize=10)
    else:
        ax.set_title(head, fontsize=10)
    return _done(fig, path)


def outcome_vs_parameter(ds, key, outcomes=None, level=0.95, path=None):
    """Whole-run outcomes against one swept parameter (``sweep.<key>``), one panel each.

    Per arm, the mean over replications at each value of the parameter and
    its 95% band (none with one replication). With other swept parameters,
    one line per combination of their values: runs of different sweep
    points are never pooled into one mean or band. ``outcomes`` defaults to
    the rows of the comparison table (analysis.outcomes_of()).
    """
    ds = data._as_dataset(ds)
    outcomes = data.outcomes_of(ds) if outcomes is None else data.outcomes_of(ds, outcomes)
    swept = [k for k in data.group_keys(ds) if k.startswith("sweep.")]
    if key not in swept:
        raise ValueError(f"{key!r} is not a swept parameter of this file "
                         f"(swept: {', '.join(swept) or 'none'})")
    others = [k for k in swept if k != key]
    names = data.arms(ds)
    ncols = min(4, len(outcomes))
    nrows = -(-len(outcomes) // ncols)
    fig, axes = _figure(None, nrows, ncols, size=(3.4 * ncols + 0.4, 2.9 * nrows + 0.5))
    reps = replications(ds)
    for i, (name, label, _fmt) in enumerate(outcomes):
        a = axes.flat[i]
        frame = data.summary(ds, name, by=["arm", key] + others, level=level).reset_index()
        for arm in names:
            sub = frame[frame["arm"] == arm]
            groups = (sub.groupby(others[0] if len(others) == 1 else others, sort=True)
                      if others else [((), sub)])
            for k, (combo, g) in enumerate(groups):
                combo = combo if isinstance(combo, tuple) else (combo,)
                g = g.sort_values(key)
                x = g[key].to_numpy(dtype=float)
                m = g["mean"].to_numpy(dtype=float)
                h = g["ci_half"].to_numpy(dtype=float)
                c = _color(names, arm)
                tag = ", ".join(f"{o.removeprefix('sweep.')}={v:g}" if isinstance(v, float)
                                else f"{o.removeprefix('sweep.')}={v}"
                                for o, v in zip(others, combo))
                a.plot(x, m, color=c, marker="o", ms=3, lw=1.4,
                       ls=["-", "--", ":", "-."][k % 4],
                       label=f"{arm}{' (' + tag + ')' if tag else ''}" if i == 0 else None)
                if np.isfinite(h).any():
                    a.fill_between(x, m - h, m + h, color=c, alpha=0.15, lw=0)
        base, _ = data._resolve(ds, name)
        unit = ds[base].attrs.get("plain_units") or ds[base].attrs.get("units", "")
        a.set_title(label, fontsize=9)
        a.set_xlabel(key.removeprefix("sweep."), fontsize=8)
        a.set_ylabel(unit, fontsize=8)
        lo, hi = a.get_ylim()
        if lo >= 0 or np.nanmin(frame["mean"].to_numpy(dtype=float)) >= 0:
            a.set_ylim(0, hi)
        a.grid(alpha=0.3)
        a.tick_params(labelsize=7)
    for a in axes.flat[len(outcomes):]:
        a.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"Whole-run outcomes against {key.removeprefix('sweep.')}: "
                 + (f"mean and {level:.0%} CI over {reps} replications per point"
                    if reps > 1 else "1 replication per point: no interval"), fontsize=10)
    return _done(fig, path)


def waterfall(expl, metric, ax=None, path=None):
    """The attribution of `govsim explain` for one metric (analysis.explain.read()):
    from the difference with every player off (the base), each player's Shapley
    contribution with its 95% interval, to the total difference B - A."""
    m = expl["metrics"][metric]
    names = ["base"] + list(expl["players"]) + ["total"]
    contrib = [m["contribution"][p] for p in expl["players"]]
    halves = [m["half_width"][p] for p in expl["players"]]
    fig, axes = _figure(ax, size=(1.0 * len(names) + 3.0, 3.8))
    a = axes[0, 0]
    x = np.arange(len(names))
    level = m["base"]
    a.bar(0, m["base"], color="#7f7f7f", alpha=0.85)
    for i, (c, h) in enumerate(zip(contrib, halves), start=1):
        a.bar(i, c, bottom=level, color="#2ca02c" if c >= 0 else "#d62728", alpha=0.85,
              yerr=None if not np.isfinite(h) else h, capsize=4)
        a.plot([i - 0.6, i + 0.4], [level, level], color="#333333", lw=0.6)
        level += c
    a.bar(len(names) - 1, m["total"], color="#1f77b4", alpha=0.85,
          yerr=None if not np.isfinite(m["total_half_width"]) else m["total_half_width"],
          capsize=4)
    a.axhline(0, color="#333333", lw=0.8)
    a.set_xticks(x, names, rotation=30, ha="right")
    a.set_ylabel(f"{metric}: {expl['arm_b']} \u2212 {expl['arm_a']}")
    a.set_title(f"{metric}: from every player off to {expl['arm_b']} \u2212 "
                f"{expl['arm_a']} (Shapley, 95% intervals)", fontsize=10)
    a.grid(axis="y", alpha=0.3)
    return _done(fig, path)


def uncertainty_figure(unc, metric, ax=None, path=None, top=10):
    """The analysis of `govsim uncertainty` for one metric (analysis.uncertainty.read()):
    the distribution of the difference B - A over the design's points (a histogram, with
    zero marked), and the first-order and total Sobol indices of the difference for the
    parameters with the largest total indices, with their bootstrap intervals."""
    m = unc["metrics"][metric]
    names = sorted(unc["parameters"], key=lambda p: -(m["ST"][p] if np.isfinite(m["ST"][p])
                                                     else -1))[:top]
    fig, axes = _figure(ax, ncols=2, size=(11.0, 3.8))
    a, b = axes[0, 0], axes[0, 1]
    d = np.asarray(m["difference"], dtype=float)
    d = d[np.isfinite(d)]
    a.hist(d, bins=max(5, min(30, d.size // 4)), color="#1f77b4", alpha=0.8)
    a.axvline(0, color="#333333", lw=1)
    what = "better" if m["direction"] == "better" else "higher"
    a.set_xlabel(f"{metric}: {unc['arm_b']} − {unc['arm_a']}")
    a.set_ylabel("design points")
    a.set_title(f"P({unc['arm_b']} {what}) = {m['probability']:.2f} over "
                f"{d.size} points", fontsize=10)
    y = np.arange(len(names))
    for off, key, color, label in ((-0.2, "S1", "#2ca02c", "first-order"),
                                   (0.2, "ST", "#d62728", "total")):
        v = np.array([m[key][p] for p in names])
        lo = np.array([m[key + "_low"][p] for p in names])
        hi = np.array([m[key + "_high"][p] for p in names])
        err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
        err = np.where(np.isfinite(err), err, 0)
        b.barh(y + off, v, height=0.4, color=color, alpha=0.85, label=label, xerr=err,
               capsize=3)
    b.set_yticks(y, names)
    b.invert_yaxis()
    b.axvline(0, color="#333333", lw=0.8)
    b.set_xlabel("Sobol index of the difference")
    b.legend(fontsize=8)
    b.grid(axis="x", alpha=0.3)
    return _done(fig, path)
