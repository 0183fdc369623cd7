"""Write a self-contained HTML report of a govsim result file: one file, figures inside.

    govsim report OUT.h5 [-o REPORT.html|DIR]
    /usr/bin/python3 -m analysis.report OUT.h5 [-o REPORT.html|DIR]    (the same)

The page (OUT-report.html next to the file by default; DIR/index.html when
-o names a directory) holds the comparison table of the key outcomes with
their units (the numbers `govsim run` prints: per arm, the mean, and the
95% CI over replications when there are several), the paired differences of
every arm from the first one (by replication: common random numbers), the
figures (PNG images embedded as data: URLs; time axes in years past two
years, the scenario's events marked), how far the teams of each arm differ
(each team's recorded-minus-true gap and leavers: a table and dots), for a sweep a table per point and a
figure of each outcome against each swept parameter (nothing pooled over
points), a sensitivity section when the file holds a Saltelli design, and
the provenance: version, git revision, seed, creation time, command line,
the scenario text and the parameters that differ between arms. No external
file, CSS or JavaScript.
"""

import argparse
import base64
import errno
import html
import io
import os
import re
import sys

from . import deps, files, guard

__all__ = ["write_report", "main"]

# analysis.data, plots and sobol, imported by _readers() once the file has been checked:
# they import xarray, pandas and matplotlib, which take about a second, and a bad file is
# refused before that.
data = plots = sobol = None


def _readers():
    """Import analysis.data, plots and sobol into this module (once)."""
    global data, plots, sobol
    if data is None:
        from . import data as data_module, plots as plots_module, sobol as sobol_module
        data, plots, sobol = data_module, plots_module, sobol_module


# The figures of every report: (name, caption, function of (ds, prov, events) -> Figure).
FIGURES = [
    ("time_to_close", "Time to close, recorded and true, with the time target",
     lambda ds, prov, ev: plots.time_to_close(ds, target=data.time_target(prov))),
    ("failure_demand", "Failure-demand share of contacts over time",
     lambda ds, prov, ev: plots.failure_demand(ds, events=ev)),
    ("cost_per_need_met", "Cost per need met by the service, whole run",
     lambda ds, prov, ev: plots.cost_per_need_met(ds)),
    ("needs_unmet", "Backlog of unmet needs",
     lambda ds, prov, ev: plots.timeseries(ds, "needs_unmet", events=ev)),
    ("wellbeing_mean", "Mean citizen wellbeing",
     lambda ds, prov, ev: plots.timeseries(ds, "wellbeing_mean", events=ev)),
    ("trust_mean", "Mean citizen trust in the service",
     lambda ds, prov, ev: plots.timeseries(ds, "trust_mean", events=ev)),
]


def events(prov):
    """The scenario's events as [(day, name, arms or None)], from its text in the provenance.

    An event is an ``[event.NAME]`` section with ``at = DURATION`` and an
    optional ``arms = a, b`` (every arm when absent); included files are part
    of the text. Events the text does not time (no ``at``) are left out.
    """
    found, name, fields = [], None, {}

    def close():
        if name is not None and "at" in fields:
            try:
                day = data.parse_duration(fields["at"])
            except ValueError:
                return
            arms = [a.strip() for a in fields.get("arms", "").split(",") if a.strip()]
            found.append((day, name, arms or None))

    for raw in str(prov.get("scenario", "")).splitlines():
        line = re.split(r"\s[;#]", raw.strip(), maxsplit=1)[0].strip()
        if not line or line[0] in ";#":
            continue
        m = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", line)
        if m:
            close()
            sec = m.group(1)
            name, fields = (sec[len("event."):], {}) if sec.startswith("event.") else (None, {})
            continue
        if name is not None and "=" in line:
            k, v = line.split("=", 1)
            fields[k.strip()] = v.strip()
    close()
    return sorted(found)


def embed(fig, alt, caption=None):
    """A figure as an <img> whose PNG is inside the page (a data: URL)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return (f'<figure><img src="data:image/png;base64,{b64}" alt="{_e(alt)}">{cap}'
            "</figure>")

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 75em; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.sig { font-weight: bold; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto;
      font-size: 0.85em; }
figure { display: inline-block; margin: 0.5em 1em 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
.wide { overflow-x: auto; max-width: 100%; }
td.unit { color: #555; white-space: nowrap; }
figcaption { font-size: 0.9em; color: #555; }
.note { color: #555; font-size: 0.9em; }
code { background: #f2f2f2; padding: 0 0.2em; }
"""


def _e(x):
    return html.escape(str(x))


def _unit(ds, name):
    """An outcome's unit in words (the file's plain_units), "" if none."""
    base, _ = data._resolve(ds, name)
    return str(ds[base].attrs.get("plain_units") or ds[base].attrs.get("units", ""))


def _table(header, rows, num_from=1, classes=None, unit_col=None):
    """An HTML table that scrolls sideways when wide; cells from column num_from on are
    right-aligned numbers, column unit_col a unit."""
    out = ['<div class="wide"><table>',
           "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>"]
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            cls = []
            if j == unit_col:
                cls.append("unit")
            elif j >= num_from:
                cls.append("num")
            if classes and classes[i][j]:
                cls.append(classes[i][j])
            attr = f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{attr}>{_e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></div>")
    return "\n".join(out)


def _cell(fmt, mean, half, n):
    return data.format_cell(fmt, mean, half, n).replace(" +- ", " \u00b1 ")


def _signed(fmt):
    return fmt.replace("%", "%+", 1)


def comparison_section(ds, arm_names):
    _readers()
    comp = data.comparison(ds, by="arm")
    reps = int(comp["n"].max()) if len(comp) else 0
    rows = []
    outcomes = data.outcomes_of(ds)
    for name, label, fmt in outcomes:
        part = comp[comp["outcome"] == name].set_index("arm")
        rows.append([label, _unit(ds, name)]
                    + [_cell(fmt, part.loc[a, "mean"], part.loc[a, "ci_half"], part.loc[a, "n"])
                       for a in arm_names])
    head = "outcome (mean \u00b1 95% CI)" if reps > 1 else "outcome (1 replication: no interval)"
    notes = []
    for name, label, fmt in outcomes:
        metric, _ = data._resolve(ds, name)
        desc = ds[metric].attrs.get("description", "")
        unit = ds[metric].attrs.get("plain_units", "")
        notes.append(f"<dt>{_e(label)}</dt><dd>{_e(desc)}{'. ' if desc else ''}"
                     + (f"In {_e(unit)}. " if unit else "")
                     + f"Whole run: {_e(data.aggregation(ds, name))} (the file's "
                     "<code>aggregation</code> attribute).</dd>")
    return (_table([head, "unit"] + arm_names, rows, num_from=2, unit_col=1)
            + f'\n<p class="note">Per arm, the mean over {reps} replication'
              f'{"s" if reps != 1 else ""} of each run\'s whole-run value'
            + (", with the half-width of its 95% t confidence interval" if reps > 1 else "")
            + ". The same table as <code>govsim run</code> prints.</p>\n"
            + '<details><summary>What the outcomes are</summary><dl class="note">'
            + "".join(notes) + "</dl></details>")


def paired_section(ds, arm_names):
    _readers()
    base = arm_names[0]
    others = arm_names[1:]
    if not others:
        return "<p>Only one arm: no differences to show.</p>"
    rows, classes, npairs = [], [], set()
    for name, label, fmt in data.outcomes_of(ds):
        p = data.paired(ds, name, base_arm=base, by="arm")
        row, cls = [label, _unit(ds, name)], [None, None]
        for a in others:
            if a not in p.index or p.loc[a, "n"] == 0:
                row.append("nan")
                cls.append(None)
                continue
            r = p.loc[a]
            npairs.add(int(r["n"]))
            row.append(data.format_cell(_signed(fmt), r["mean"], r["ci_half"], r["n"],
                                        half_fmt=fmt).replace(" +- ", " \u00b1 "))
            sig = r["n"] > 1 and (r["ci_low"] > 0 or r["ci_high"] < 0)
            cls.append("sig" if sig else None)
        rows.append(row)
        classes.append(cls)
    n = ", ".join(str(k) for k in sorted(npairs)) or "0"
    head = "paired: arm \u2212 " + base if max(npairs, default=0) > 1 else "arm \u2212 " + base
    return (_table([head, "unit"] + others, rows, num_from=2, classes=classes, unit_col=1)
            + f'\n<p class="note">Mean difference of each arm from <b>{_e(base)}</b> over {n} '
              f'pair{"" if npairs == {1} else "s"} of runs that share a replication (and sweep '
              "point): the same seed, so the same citizens with the same lives"
            + (", with the half-width of its 95% t confidence interval; <b>bold</b>: the "
               "interval excludes 0" if max(npairs, default=0) > 1 else "")
            + ". The same numbers as the paired table of <code>govsim run</code>.</p>")


def _point_keys(extras):
    """The variables that name a sweep point in a table: its number and swept values."""
    swept = [k for k in extras if k.startswith("sweep.")]
    if not swept:
        return extras
    return (["sweep_point"] if "sweep_point" in extras else []) + swept


def _n_points(ds, keys):
    return len({tuple(v) for v in zip(*(ds[k].values.tolist() for k in keys))}) if keys else 1


def sweep_section(ds, extras, max_points):
    """Outcomes per sweep point and arm, or a note when there are too many points."""
    _readers()
    keys = _point_keys(extras)
    n_points = _n_points(ds, keys)
    if n_points > max_points:
        return (f'<p class="note">{n_points} sweep points: more than {max_points}, so no table '
                "per point (<code>--points</code> raises the limit; "
                "<code>analysis.summary(ds, metric)</code> gives every point).</p>")
    keys = ["arm"] + keys
    outcomes = data.outcomes_of(ds)
    parts = {name: data.summary(ds, name, by=keys) for name, _, _ in outcomes}
    index = list(parts[outcomes[0][0]].index)
    rows = []
    for key in index:
        row = [f"{k:g}" if isinstance(k, float) else str(k)
               for k in (key if isinstance(key, tuple) else (key,))]
        for name, _, fmt in outcomes:
            r = parts[name].loc[key]
            row.append(_cell(fmt, r["mean"], r["ci_half"], r["n"]))
        rows.append(row)
    reps = plots.replications(ds)
    head = [k.removeprefix("sweep.") for k in keys] + [
        f"{label} [{_unit(ds, name)}]" if _unit(ds, name) else label
        for name, label, _ in outcomes]
    return (_table(head, rows, num_from=len(keys))
            + '<p class="note">Per arm and sweep point: '
            + (f"mean \u00b1 95% CI over its {reps} replications"
               if reps > 1 else "1 replication: no interval")
            + "; every row is one point, never several pooled.</p>")


def parameter_section(ds):
    """For each swept parameter, the outcomes against it (mean and band per arm)."""
    _readers()
    out = []
    for key in [k for k in data.group_keys(ds) if k.startswith("sweep.")]:
        name = key.removeprefix("sweep.")
        out.append(f"<h3>{_e(name)}</h3>")
        fig = plots.outcome_vs_parameter(ds, key)
        out.append(embed(fig, f"outcomes against {name}",
                         f"Whole-run outcomes against {name}, per arm"))
    return "\n".join(out)


def sensitivity_section(ds, n_boot, seed, warn):
    _readers()
    out = []
    for name, label, fmt in data.outcomes_of(ds):
        try:
            idx = sobol.sobol_from_file(ds, name, n_boot=n_boot, seed=seed)
        except (ValueError, KeyError) as e:
            warn(f"sensitivity of {name}: {e}")
            out.append(f"<h3>{_e(label)}</h3><p>Not computed: {_e(e)}</p>")
            continue
        out.append(f"<h3>{_e(label)}</h3>")
        if idx[["S1", "ST"]].isna().all().all():
            out.append("<p>The same value in every run of the design: no variance to "
                       "apportion.</p>")
            continue
        fig = plots.sensitivity(idx, title=f"Sobol indices of {label}: S1 and ST, 95% "
                                "bootstrap CI")
        rows = []
        for (arm, param), r in idx.iterrows():
            rows.append([arm, param,
                         f"{r['S1']:.3f} [{r['S1_low']:.3f}, {r['S1_high']:.3f}]",
                         f"{r['ST']:.3f} [{r['ST_low']:.3f}, {r['ST_high']:.3f}]"])
        out.append(f'<p class="note">{idx.attrs["N"]} base rows with a value in every run.</p>'
                   + _table(["arm", "parameter", "S1 [95% CI]", "ST [95% CI]"], rows, num_from=2)
                   + embed(fig, f"Sobol indices of {label}"))
    head = ('<p class="note">First-order (S1, Saltelli 2010) and total (ST, Jansen) Sobol '
            "indices of each outcome from the Saltelli design in the file, per arm, with "
            f"95% bootstrap intervals ({n_boot} resamples of the base rows, seed {seed}). "
            "S1: the share of the outcome's variance due to the parameter alone; ST: with all "
            "its interactions. With few base rows the estimates are rough (they may fall "
            "outside [0, 1]): read the intervals.</p>")
    return head + "\n".join(out)


def teams_section(ds, arm_names):
    """Per arm, how far its teams differ: the spread of each team's whole-run
    recorded-minus-true gap and leavers (the per-team datasets), and the figure."""
    _readers()
    df = plots.team_values(ds)
    rows = []
    for arm in arm_names:
        d = df[df["arm"] == arm]
        if not len(d):
            continue
        gap, lv = d["gap"].dropna(), d["leavers"].dropna()
        rows.append([arm, str(len(d)),
                     f"{gap.median():+.1f}" if len(gap) else "",
                     f"{gap.min():+.1f} to {gap.max():+.1f}" if len(gap) else "",
                     f"{lv.median():.0f}" if len(lv) else "",
                     f"{lv.min():.0f} to {lv.max():.0f}" if len(lv) else "",
                     f"{d['gaming'].sum() / max(len(d), 1):.0f}"])
    head = ('<p class="note">Each team has its own manager and workers, whose traits differ '
            "by the spreads <code>workforce.manager_pressure_sd</code>, "
            "<code>manager_integrity_sd</code>, <code>manager_stewardship_sd</code>, "
            "<code>worker_motivation_sd</code> and <code>worker_integrity_sd</code> (0: "
            "alike). Whole-run values per team and run (the <code>*_by_team</code> datasets), "
            "replications pooled: the gap is the recorded share in target minus the true "
            "share, in percentage points; gamed cases are records manipulated, "
            "reclassifications and premature closures.</p>")
    table = _table(["arm", "teams × runs", "gap: median", "gap: range",
                    "leavers: median", "leavers: range", "gamed cases per team"], rows)
    return head + table + embed(plots.teams(ds), "Teams: recorded minus true gap and leavers",
                                "Each team's recorded − true gap and leavers, per arm")


def provenance_section(prov, arm_names):
    keys = [("govsim_version", "govsim version"), ("git_revision", "git revision"),
            ("seed", "seed"), ("created", "created"), ("command_line", "command line"),
            ("scenario_name", "scenario"), ("scenario_path", "scenario file"),
            ("generator", "random generator"), ("threads", "threads"),
            ("compiler", "compiler"), ("cflags", "compiler flags"),
            ("gsl_version", "GSL"), ("hdf5_version", "HDF5")]
    rows = [[label, prov[k]] for k, label in keys if k in prov]
    seen = {k for k, _ in keys} | {"scenario", "parameters"}
    rows += [[k, v] for k, v in prov.items() if k not in seen]
    out = [_table(["item", "value"], rows, num_from=99)]
    params = prov.get("parameters", {})
    arms_here = [a for a in arm_names if a in params] or list(params)
    if params:
        allkeys = list(dict.fromkeys(k for a in arms_here for k in params[a]))
        differ = [k for k in allkeys
                  if len({params[a].get(k) for a in arms_here}) > 1]
        if differ and len(arms_here) > 1:
            out.append("<h3>Parameters that differ between arms</h3>")
            out.append(_table(["parameter"] + arms_here,
                              [[k] + [params[a].get(k, "") for a in arms_here] for k in differ],
                              num_from=99))
        out.append(f"<details><summary>Every resolved parameter ({len(allkeys)})</summary>"
                   + _table(["parameter"] + arms_here,
                            [[k] + [params[a].get(k, "") for a in arms_here] for k in allkeys],
                            num_from=99)
                   + "</details>")
    out.append("<h3>Scenario</h3>")
    out.append(f"<pre>{_e(prov.get('scenario', ''))}</pre>")
    return "\n".join(out)


def _fmt_days(t):
    return f"{t:g}"


def output_path(path, output=None):
    """Where the report of the result file at path goes: output if it ends in .html (its
    folder must exist), else output/index.html (the folder created), by default
    OUT-report.html next to the file."""
    if output is None:
        return os.path.splitext(os.fspath(path))[0] + "-report.html"
    output = os.fspath(output)
    if output.lower().endswith((".html", ".htm")):
        folder = os.path.dirname(output) or "."
        if not os.path.isdir(folder):  # said before the report is drawn, not after
            raise FileNotFoundError(errno.ENOENT, "No such directory", folder)
        return output
    os.makedirs(output, exist_ok=True)
    return os.path.join(output, "index.html")


def write_report(path, output=None, n_boot=500, seed=0, max_points=12, warn=None):
    """Write the report of the result file at path (see output_path()); return its path."""
    warn = warn or (lambda msg: print(f"analysis.report: warning: {msg}", file=sys.stderr))
    guard.check_file(path)
    index = output_path(path, output)
    _readers()
    ds = data.load(path)
    prov = data.provenance(path)
    arm_names = data.arms(ds)
    design = sobol.has_design(ds)
    extras = [k for k in data.group_keys(ds) if k != "arm"]
    sweep = bool(extras) and not design
    ev = events(prov)

    name = prov.get("scenario_name") or ds.attrs.get("scenario_name", "")
    n_runs = ds.sizes["run"]
    reps = len(set(ds["replication"].values.tolist())) if "replication" in ds else 1
    t_end = float(ds["time"].values[-1]) if ds.sizes["time"] else 0.0
    first = prov.get("parameters", {}).get(arm_names[0], {}) if arm_names else {}
    citizens = first.get("population.citizens")
    keys = _point_keys(extras)
    n_points = _n_points(ds, keys)
    span = f"{t_end / 365:g} years" if t_end > 730 else f"{_fmt_days(t_end)} days"
    desc = (f"{len(arm_names)} arm{'s' if len(arm_names) != 1 else ''} "
            f"({', '.join(arm_names)}) \u00d7 "
            + (f"{n_points} {'design' if design else 'sweep'} point{'s' if n_points != 1 else ''}"
               " \u00d7 " if keys else "")
            + f"{reps} replication{'s' if reps != 1 else ''} ({n_runs} runs), {span}"
            + (f", {citizens} citizens" if citizens else "")
            + f"; file <code>{_e(os.path.abspath(path))}</code>."
            + ("" if reps > 1 else " With 1 replication there is no interval: run the "
               "scenario with <code>replications = N</code> for 95% confidence intervals."))

    body = [f"<h1>govsim report: {_e(name)}</h1>", f"<p>{desc}</p>"]
    from . import explain
    expl = explain.read(path)
    if expl is not None:  # a `govsim explain` file: the attribution, not its many arms
        body.append("<h2>Why the arms differ</h2>")
        body.append(explanation_section(expl))
        body.append("<h2>Provenance</h2>")
        body.append(provenance_section(prov, arm_names))
        return _write_page(index, name, prov, body)
    from . import uncertainty
    unc = uncertainty.read(path)
    if unc is not None:  # a `govsim uncertainty` file: the verdict over the plausible space
        body.append("<h2>How sure: the difference over the plausible space</h2>")
        body.append(uncertainty_section(unc))
        body.append("<h2>Provenance</h2>")
        body.append(provenance_section(prov, arm_names))
        return _write_page(index, name, prov, body)
    figs = []
    for fname, caption, fn in FIGURES:
        try:
            figs.append(embed(fn(ds, prov, ev), caption, caption))
        except (KeyError, ValueError) as e:
            warn(f"figure {fname} skipped: {e}")
    if ev:
        body.append('<p class="note">Events (marked on every time axis): '
                    + "; ".join(f"<b>{_e(n)}</b> at day {d:g}"
                                + (f" in {_e(', '.join(a))}" if a else " in every arm")
                                for d, n, a in ev) + ".</p>")
    if sweep:
        body.append("<h2>By sweep point</h2>")
        body.append(sweep_section(ds, extras, max_points))
        body.append("<h2>Outcomes against each swept parameter</h2>")
        body.append(parameter_section(ds))
    else:
        body.append("<h2>Comparison of arms</h2>")
        if design:
            body.append('<p class="note">Runs of each arm are pooled over the sampled design '
                        f"({_e(', '.join(extras))}).</p>")
        body.append(comparison_section(ds, arm_names))
        body.append(f"<h2>Differences from {_e(arm_names[0])}</h2>")
        body.append(paired_section(ds, arm_names))
    body.append("<h2>Figures</h2>")
    if sweep:
        body.append('<p class="note">Over time: one line per arm and sweep point, no band '
                    "(a band over runs of different points would mix parameter values).</p>")
    body.extend(figs)
    if not sweep and "within_target_recorded_by_team" in ds:
        try:
            section = teams_section(ds, arm_names)
            body.append("<h2>Teams</h2>")
            body.append(section)
        except (KeyError, ValueError) as e:
            warn(f"teams section skipped: {e}")
    if design:
        body.append("<h2>Sensitivity</h2>")
        body.append(sensitivity_section(ds, n_boot, seed, warn))
    body.append("<h2>Provenance</h2>")
    body.append(provenance_section(prov, arm_names))
    return _write_page(index, name, prov, body)


def explanation_section(expl):
    """Per metric, the Shapley attribution of `govsim explain` as a table and a waterfall."""
    from . import plots
    a, b = expl["arm_a"], expl["arm_b"]
    out = [f'<p class="note">The paired difference {_e(b)} \u2212 {_e(a)} attributed to '
           f"{len(expl['players'])} players by Shapley values ({_e(expl['mode'])}): each "
           f"player's marginal contribution averaged over the orders of switching the "
           f"players on; the contributions add up to the total less the base (the "
           f"difference with every player off). docs/explain.md says how to read it.</p>"]
    for metric, m in expl["metrics"].items():
        rows = [["base (every player off)", f"{m['base']:+.4g}",
                 f"\u00b1 {m['base_half_width']:.2g}", ""]]
        for p in sorted(expl["players"], key=lambda p: -abs(m["contribution"][p])):
            c = m["contribution"][p]
            share = f"{c / m['total']:.0%}" if m["total"] else ""
            rows.append([p + (f" ({', '.join(expl['groups'][p])})"
                              if expl["groups"].get(p, [p]) != [p] else ""),
                         f"{c:+.4g}", f"\u00b1 {m['half_width'][p]:.2g}", share])
        rows.append([f"total ({b} \u2212 {a})", f"{m['total']:+.4g}",
                     f"\u00b1 {m['total_half_width']:.2g}", "100%"])
        out.append(f"<h3>{_e(metric)}</h3>")
        out.append(_table(["", "contribution", "95% interval", "share of the total"], rows))
        out.append(embed(plots.waterfall(expl, metric), f"{metric}: waterfall",
                         f"{metric}: from the base to the total difference"))
    return "\n".join(out)


def uncertainty_section(unc):
    """Per metric, the distribution of B - A over the plausible space, the probability
    that B beats A, and the Sobol indices of the difference (`govsim uncertainty`)."""
    from . import plots
    a, b = unc["arm_a"], unc["arm_b"]
    out = [f'<p class="note">{len(unc["parameters"])} parameters drawn over their plausible '
           f"ranges (Saltelli's design); at every point both arms ran with the same seeds, "
           f"and the difference {_e(b)} \u2212 {_e(a)} is their paired difference. "
           f"docs/robustness.md says how to read it.</p>"]
    rows = [[p, f"{lo:g}", f"{hi:g}"] for p, lo, hi in zip(unc["parameters"], unc["low"],
                                                             unc["high"])]
    for metric, m in unc["metrics"].items():
        what = "better" if m["direction"] == "better" else "higher"
        out.append(f"<h3>{_e(metric)}</h3>")
        out.append(_table(["mean", "median", "5% to 95%", f"P({b} {what} than {a})"],
                          [[f"{m['mean']:+.4g}", f"{m['median']:+.4g}",
                            f"{m['p05']:+.4g} to {m['p95']:+.4g}",
                            f"{m['probability']:.2f}"]]))
        top = sorted(unc["parameters"], key=lambda p: -(m["ST"][p] if m["ST"][p] == m["ST"][p]
                                                         else -1))[:10]
        out.append(_table(["parameter", "first-order", "95% interval", "total",
                           "95% interval"],
                          [[p, f"{m['S1'][p]:.2f}",
                            f"{m['S1_low'][p]:.2f} to {m['S1_high'][p]:.2f}",
                            f"{m['ST'][p]:.2f}",
                            f"{m['ST_low'][p]:.2f} to {m['ST_high'][p]:.2f}"] for p in top]))
        out.append(embed(plots.uncertainty_figure(unc, metric), f"{metric}: uncertainty",
                         f"{metric}: the difference over the plausible space, and what it "
                         f"hangs on"))
    out.append("<h3>The plausible ranges drawn from</h3>")
    out.append(_table(["parameter", "low", "high"], rows))
    return "\n".join(out)


def _write_page(index, name, prov, body):
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>govsim report: {_e(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + f'\n<p class="note">govsim {_e(prov.get("govsim_version", ""))}, '
              f'revision {_e(prov.get("git_revision", ""))}.</p>\n</body>\n</html>\n')

    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(page)
    return files.write_atomically(index, write)


def main(argv=None):
    given, argv = deps.take_prog(argv, None)
    prog = given or "analysis.report"  # what messages start with
    ap = argparse.ArgumentParser(
        prog=given or "/usr/bin/python3 -m analysis.report",
        description="Write a self-contained HTML report (one file, figures embedded) of a "
                    "govsim result file: the comparison of arms with 95% confidence "
                    "intervals, paired differences from the first arm, figures, per-point "
                    "tables and outcomes against each parameter for a sweep, Sobol "
                    "indices when the file holds a Saltelli design, and the provenance.",
        epilog="Exit status: 0 success, 2 bad usage or input (missing file, not an intact "
               "govsim result file: not HDF5, damaged, a dataset missing or of another shape, "
               "the metrics' attributes missing; one line on stderr says which), 1 failure "
               "while writing.")
    ap.add_argument("file", metavar="OUT.h5", help="a result file of `govsim run`")
    ap.add_argument("-o", "--output", metavar="REPORT.html|DIR",
                    help="the page, or a directory for DIR/index.html, created if missing "
                         "(default: OUT-report.html next to the file)")
    ap.add_argument("--n-boot", type=int, default=500, metavar="N",
                    help="bootstrap resamples for the Sobol intervals (default 500)")
    ap.add_argument("--seed", type=int, default=0,
                    help="seed of the bootstrap (default 0)")
    ap.add_argument("--points", type=int, default=12, metavar="N",
                    help="with a sweep, a table per sweep point if there are at most N "
                         "(default 12)")
    args = ap.parse_args(argv)
    if args.n_boot < 0:
        ap.error("--n-boot must be >= 0")
    try:
        deps.require(deps.REPORT)
    except deps.MissingModule as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 1
    try:
        guard.check_file(args.file)  # before the slow imports: a bad file is refused at once
    except (OSError, ValueError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    try:
        index = write_report(args.file, args.output, n_boot=args.n_boot, seed=args.seed,
                             max_points=args.points)
    except guard.GovsimFileError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        where = e.filename or args.output
        print(f"{prog}: cannot write {where}: {e.strerror or e}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as e:
        print(f"{prog}: {args.file}: {e}", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
