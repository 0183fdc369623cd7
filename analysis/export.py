"""Export a govsim result file as a table: CSV (always), Parquet (where a writer exists).

    govsim export OUT.h5 [--format csv|parquet] [--layout long|runs] [-o PATH|-]
    /usr/bin/python3 -m analysis.export OUT.h5 ...       (the same)

Two layouts, both tidy (one observation per row, one variable per column):

``long`` (the default): one row per (run, time, metric[, class]), columns
``run, arm, replication, seed`` and the run's other per-run variables (the
``sweep.<key>`` values, ``sweep_point``, ``design_*``), then ``time`` (end
of the output interval, in days), ``metric``, ``class`` (empty unless a
per-class metric), ``value``, ``units``. Every metric of the file, every
per-class metric; the histograms stay in the HDF5 file. With ``teams``
(``--teams``) the per-team metrics too, one row per (run, time, metric,
team), in a column ``team`` after ``class`` (the team's number; empty for
the other rows); without it the per-team datasets stay in the HDF5 file
(a file of many teams would give a very long table).

``runs``: one row per run, the per-run columns as above and, for every
metric, its whole-run value by the aggregation the file declares (the
numbers of `govsim compare`), plus ``trust_end``; the second header line is
not written: units are in docs/metrics.md and the file's attributes.

Runs not yet written (``done`` 0, in a partial file) are left out. Parquet
needs pyarrow or fastparquet; Debian 12 packages neither, and then
``--format parquet`` says so and exits 2: read the HDF5 file directly (it
is netCDF-4: xarray, R's ncdf4 or hdf5r, Julia's NCDatasets or HDF5.jl).
"""

import argparse
import importlib.util
import os
import sys

from . import deps, files, guard

__all__ = ["long_frame", "runs_frame", "export", "main", "PARQUET_WRITERS"]

PARQUET_WRITERS = ("pyarrow", "fastparquet")
LAYOUTS = ("long", "runs")


def _per_run(ds, data):
    """The per-run columns (run first) of the runs whose done flag is set, as a DataFrame."""
    import pandas as pd
    cols = {"run": ds["run"].values}
    for c in data.run_coords(ds):
        if c not in ("done", "digest"):
            cols[c] = ds[c].values
    frame = pd.DataFrame(cols)
    done = ds["done"].values != 0 if "done" in ds.variables else [True] * len(frame)
    return frame, done


def long_frame(ds, teams=False):
    """One row per (run, time, metric[, class | team]) of the runs written (see the module doc)."""
    import numpy as np
    import pandas as pd
    from . import data
    runs, done = _per_run(ds, data)
    runs = runs[done].reset_index(drop=True)
    idx = np.flatnonzero(done)
    time = ds["time"].values
    parts = []
    for name in ds.data_vars:
        var = ds[name]
        if var.dims == ("run", "time"):
            values = var.values[idx]                    # (run, time)
            part = runs.loc[runs.index.repeat(len(time))].reset_index(drop=True)
            part["time"] = np.tile(time, len(idx))
            part["metric"] = name
            part["class"] = ""
            part["value"] = values.reshape(-1)
        elif var.dims == ("run", "class", "time"):
            values = var.values[idx]                    # (run, class, time)
            classes = [str(c) for c in ds["class"].values.tolist()]
            part = runs.loc[runs.index.repeat(len(classes) * len(time))].reset_index(drop=True)
            part["time"] = np.tile(time, len(idx) * len(classes))
            part["metric"] = name
            part["class"] = np.tile(np.repeat(classes, len(time)), len(idx))
            part["value"] = values.reshape(-1)
        elif teams and var.dims == ("run", "team", "time"):
            values = var.values[idx]                    # (run, team, time)
            numbers = [str(t) for t in ds["team"].values.tolist()]
            part = runs.loc[runs.index.repeat(len(numbers) * len(time))].reset_index(drop=True)
            part["time"] = np.tile(time, len(idx) * len(numbers))
            part["metric"] = name
            part["class"] = ""
            part["team"] = np.tile(np.repeat(numbers, len(time)), len(idx))
            part["value"] = values.reshape(-1)
        else:
            continue
        part["units"] = var.attrs.get("units", "")
        parts.append(part)
    if not parts:
        return runs
    frame = pd.concat(parts, ignore_index=True)
    if teams:
        frame["team"] = frame["team"].fillna("") if "team" in frame else ""
        cols = [c for c in frame.columns if c not in ("team", "value", "units")]
        frame = frame[cols + ["team", "value", "units"]]
    return frame


def runs_frame(ds):
    """One row per run written: per-run columns and every metric's whole-run value."""
    from . import data
    frame, done = _per_run(ds, data)
    for name in ds.data_vars:
        if ds[name].dims == ("run", "time") and "aggregation" in ds[name].attrs:
            frame[name] = data.per_run(ds, name).transpose("run").values
    frame["trust_end"] = data.per_run(ds, "trust_end").transpose("run").values
    return frame[done].reset_index(drop=True)


def parquet_writer():
    """The name of an installed Parquet writer for pandas, or None."""
    for m in PARQUET_WRITERS:
        if importlib.util.find_spec(m) is not None:
            return m
    return None


def default_output(path, fmt, layout):
    stem = os.path.splitext(path)[0]
    return f"{stem}{'-runs' if layout == 'runs' else ''}.{fmt}"


def export(path, fmt="csv", layout="long", output=None, teams=False):
    """Write the table of the result file at path; return where it went ('-': stdout)."""
    if fmt == "parquet" and parquet_writer() is None:
        raise ValueError("--format parquet needs pyarrow or fastparquet, and this Python has "
                         "neither (Debian 12 packages neither): export CSV, or read the HDF5 "
                         "file directly (it is netCDF-4: docs/analysis.md)")
    guard.check_file(path)
    from . import data
    ds = data.load(path)
    if teams and layout != "long":
        raise ValueError("--teams goes with --layout long (the per-team rows of each metric)")
    frame = long_frame(ds, teams) if layout == "long" else runs_frame(ds)
    output = output or default_output(path, fmt, layout)
    if output == "-":
        frame.to_csv(sys.stdout, index=False)
        return output
    if fmt == "csv":
        return files.write_atomically(output, lambda tmp: frame.to_csv(tmp, index=False))
    return files.write_atomically(output, lambda tmp: frame.to_parquet(tmp, index=False))


def main(argv=None):
    given, argv = deps.take_prog(argv, None)
    prog = given or "analysis.export"  # what messages start with
    ap = argparse.ArgumentParser(
        prog=given or "/usr/bin/python3 -m analysis.export",
        description="Export a govsim result file as a table: CSV, or Parquet where a writer "
                    "(pyarrow, fastparquet) is installed. Layout long: one row per run, time, "
                    "metric (and class); layout runs: one row per run with every metric's "
                    "whole-run value.",
        epilog="Exit status: 0 success, 2 bad usage or input (missing file, not a govsim "
               "result file, no Parquet writer), 1 failure while writing.")
    ap.add_argument("file", metavar="OUT.h5", help="a result file of `govsim run`")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv",
                    help="csv (default) or parquet")
    ap.add_argument("--layout", choices=LAYOUTS, default="long",
                    help="long (default): run, time, metric, value rows; runs: one row per run")
    ap.add_argument("--teams", action="store_true",
                    help="with --layout long, the per-team metrics too: a column team")
    ap.add_argument("-o", "--output", metavar="PATH",
                    help="the table's file, '-' for standard output (default: OUT.csv, or "
                         "OUT-runs.csv with --layout runs, next to OUT.h5)")
    args = ap.parse_args(argv)
    try:
        deps.require(deps.READ)
    except deps.MissingModule as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 1
    try:
        out = export(args.file, args.format, args.layout, args.output, args.teams)
    except BrokenPipeError:  # the reader of standard output stopped (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (FileNotFoundError, guard.GovsimFileError, ValueError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        where = e.filename or args.output or args.file
        print(f"{prog}: cannot write {where}: {e.strerror or e}", file=sys.stderr)
        return 1
    if out != "-":
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
