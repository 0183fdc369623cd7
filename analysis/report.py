"""Write a self-contained HTML report of a govsim result file.

    /usr/bin/python3 -m analysis.report OUT.h5 -o REPORT_DIR

REPORT_DIR/index.html holds the comparison table of the key outcomes (the
numbers `govsim run` prints: per arm, mean +- 95% CI over replications), the
paired differences of every arm from the first one (by replication: common
random numbers), the figures (PNG files next to index.html), a sensitivity
section when the file holds a Saltelli design, and the provenance: version,
git revision, seed, creation time, command line, the scenario text and the
parameters that differ between arms. No external CSS or JavaScript.
"""

import argparse
import html
import os
import sys

from . import deps, guard

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


# The figures of every report: (file name, caption, function of (ds, prov) -> Figure).
FIGURES = [
    ("time_to_close.png", "Time to close, recorded and true, with the time target",
     lambda ds, prov: plots.time_to_close(ds, target=data.time_target(prov))),
    ("failure_demand.png", "Failure-demand share of contacts over time",
     lambda ds, prov: plots.failure_demand(ds)),
    ("cost_per_need_met.png", "Cost per need met by the service, whole run",
     lambda ds, prov: plots.cost_per_need_met(ds)),
    ("needs_unmet.png", "Backlog of unmet needs",
     lambda ds, prov: plots.timeseries(ds, "needs_unmet")),
    ("wellbeing_mean.png", "Mean citizen wellbeing",
     lambda ds, prov: plots.timeseries(ds, "wellbeing_mean")),
    ("trust_mean.png", "Mean citizen trust in the service",
     lambda ds, prov: plots.timeseries(ds, "trust_mean")),
]

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
figcaption { font-size: 0.9em; color: #555; }
.note { color: #555; font-size: 0.9em; }
code { background: #f2f2f2; padding: 0 0.2em; }
"""


def _e(x):
    return html.escape(str(x))


def _table(header, rows, num_from=1, classes=None):
    """An HTML table; cells from column num_from on are right-aligned numbers."""
    out = ["<table>", "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>"]
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            cls = []
            if j >= num_from:
                cls.append("num")
            if classes and classes[i][j]:
                cls.append(classes[i][j])
            attr = f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{attr}>{_e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
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
        rows.append([label] + [_cell(fmt, part.loc[a, "mean"], part.loc[a, "ci_half"],
                                     part.loc[a, "n"]) for a in arm_names])
    head = "outcome (mean \u00b1 95% CI)" if reps > 1 else "outcome"
    notes = []
    for name, label, fmt in outcomes:
        metric, _ = data._resolve(ds, name)
        desc = ds[metric].attrs.get("description", "")
        unit = ds[metric].attrs.get("plain_units", "")
        notes.append(f"<dt>{_e(label)}</dt><dd>{_e(desc)}{'. ' if desc else ''}"
                     + (f"In {_e(unit)}. " if unit else "")
                     + f"Whole run: {_e(data.aggregation(ds, name))} (the file's "
                     "<code>aggregation</code> attribute).</dd>")
    return (_table([head] + arm_names, rows)
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
        row, cls = [label], [None]
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
    return (_table([head] + others, rows, classes=classes)
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
    return (_table(keys + [label for _, label, _ in outcomes], rows, num_from=len(keys))
            + '<p class="note">Per arm and sweep point: mean \u00b1 95% CI over its '
              "replications.</p>")


def sensitivity_section(ds, outdir, n_boot, seed, warn):
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
        png = f"sensitivity_{name}.png"
        plots.sensitivity(idx, title=f"Sobol indices of {label}: S1 and ST, 95% bootstrap CI",
                          path=os.path.join(outdir, png))
        rows = []
        for (arm, param), r in idx.iterrows():
            rows.append([arm, param,
                         f"{r['S1']:.3f} [{r['S1_low']:.3f}, {r['S1_high']:.3f}]",
                         f"{r['ST']:.3f} [{r['ST_low']:.3f}, {r['ST_high']:.3f}]"])
        out.append(f'<p class="note">{idx.attrs["N"]} base rows with a value in every run.</p>'
                   + _table(["arm", "parameter", "S1 [95% CI]", "ST [95% CI]"], rows, num_from=2)
                   + f'<figure><img src="{_e(png)}" alt="Sobol indices of {_e(label)}">'
                     "</figure>")
    head = ('<p class="note">First-order (S1, Saltelli 2010) and total (ST, Jansen) Sobol '
            "indices of each outcome from the Saltelli design in the file, per arm, with "
            f"95% bootstrap intervals ({n_boot} resamples of the base rows, seed {seed}). "
            "S1: the share of the outcome's variance due to the parameter alone; ST: with all "
            "its interactions. With few base rows the estimates are rough (they may fall "
            "outside [0, 1]): read the intervals.</p>")
    return head + "\n".join(out)


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


def write_report(path, outdir, n_boot=500, seed=0, max_points=12, warn=None):
    """Write outdir/index.html and its figures for the result file at path; return its path."""
    warn = warn or (lambda msg: print(f"analysis.report: warning: {msg}", file=sys.stderr))
    guard.check_file(path)
    _readers()
    ds = data.load(path)
    prov = data.provenance(path)
    os.makedirs(outdir, exist_ok=True)
    arm_names = data.arms(ds)
    design = sobol.has_design(ds)
    extras = [k for k in data.group_keys(ds) if k != "arm"]

    figs = []
    for png, caption, fn in FIGURES:
        try:
            plots.save(fn(ds, prov), os.path.join(outdir, png))
            figs.append((png, caption))
        except (KeyError, ValueError) as e:
            warn(f"figure {png} skipped: {e}")

    name = prov.get("scenario_name") or ds.attrs.get("scenario_name", "")
    n_runs = ds.sizes["run"]
    reps = len(set(ds["replication"].values.tolist())) if "replication" in ds else 1
    t_end = float(ds["time"].values[-1]) if ds.sizes["time"] else 0.0
    first = prov.get("parameters", {}).get(arm_names[0], {}) if arm_names else {}
    citizens = first.get("population.citizens")
    keys = _point_keys(extras)
    n_points = _n_points(ds, keys)
    desc = (f"{len(arm_names)} arm{'s' if len(arm_names) != 1 else ''} "
            f"({', '.join(arm_names)}) \u00d7 "
            + (f"{n_points} {'design' if design else 'sweep'} point{'s' if n_points != 1 else ''}"
               " \u00d7 " if keys else "")
            + f"{reps} replication{'s' if reps != 1 else ''} ({n_runs} runs), "
            f"{_fmt_days(t_end)} days"
            + (f", {citizens} citizens" if citizens else "")
            + f"; file <code>{_e(os.path.abspath(path))}</code>.")

    body = [f"<h1>govsim report: {_e(name)}</h1>", f"<p>{desc}</p>"]
    body.append("<h2>Comparison of arms</h2>")
    if design or extras:
        body.append('<p class="note">Runs of each arm are pooled over the '
                    + ("sampled design" if design else "sweep points")
                    + f" ({_e(', '.join(extras))}).</p>")
    body.append(comparison_section(ds, arm_names))
    body.append(f"<h2>Differences from {_e(arm_names[0])}</h2>")
    body.append(paired_section(ds, arm_names))
    if extras and not design:
        body.append("<h2>By sweep point</h2>")
        body.append(sweep_section(ds, extras, max_points))
    body.append("<h2>Figures</h2>")
    for png, caption in figs:
        body.append(f'<figure><img src="{_e(png)}" alt="{_e(caption)}">'
                    f"<figcaption>{_e(caption)}</figcaption></figure>")
    if design:
        body.append("<h2>Sensitivity</h2>")
        body.append(sensitivity_section(ds, outdir, n_boot, seed, warn))
    body.append("<h2>Provenance</h2>")
    body.append(provenance_section(prov, arm_names))

    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>govsim report: {_e(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + f'\n<p class="note">govsim {_e(prov.get("govsim_version", ""))}, '
              f'revision {_e(prov.get("git_revision", ""))}.</p>\n</body>\n</html>\n')
    index = os.path.join(outdir, "index.html")
    tmp = index + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, index)
    return index


def main(argv=None):
    prog, argv = deps.take_prog(argv, "/usr/bin/python3 -m analysis.report")
    ap = argparse.ArgumentParser(
        prog=prog,
        description="Write a self-contained HTML report (index.html and PNG figures) of a "
                    "govsim result file: the comparison of arms with 95% confidence "
                    "intervals, paired differences from the first arm, figures, Sobol "
                    "indices when the file holds a Saltelli design, and the provenance.",
        epilog="Exit status: 0 success, 2 bad usage or input (missing file, not an intact "
               "govsim result file: not HDF5, damaged, a dataset missing or of another shape, "
               "the metrics' attributes missing; one line on stderr says which), 1 failure "
               "while writing.")
    ap.add_argument("file", metavar="OUT.h5", help="a result file of `govsim run`")
    ap.add_argument("-o", "--output", metavar="REPORT_DIR",
                    help="directory for index.html and the figures, created if missing "
                         "(default: OUT-report next to the file)")
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
    outdir = args.output or os.path.splitext(args.file)[0] + "-report"
    try:
        guard.check_file(args.file)  # before the slow imports: a bad file is refused at once
    except (OSError, ValueError) as e:
        print(f"analysis.report: {e}", file=sys.stderr)
        return 2
    try:
        index = write_report(args.file, outdir, n_boot=args.n_boot, seed=args.seed,
                             max_points=args.points)
    except guard.GovsimFileError as e:
        print(f"analysis.report: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError) as e:
        print(f"analysis.report: {args.file}: {e}", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
