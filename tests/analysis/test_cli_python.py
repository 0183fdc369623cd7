"""govsim report, govsim export and make install: the analysis package as a new user meets it.

The commands run the package with the Python govsim was built with, from
any directory; a Python without the modules gets one line naming the
module and the command that installs it.
"""
import csv
import re
import os
import subprocess
import sys

import numpy as np
import pytest

import analysis
from conftest import ROOT, govsim_binary


def govsim(*args, cwd=None, env=None):
    return subprocess.run([str(govsim_binary()), *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_export_long_is_the_file(small_path, small_ds, tmp_path):
    out = tmp_path / "x.csv"
    run = govsim("export", small_path, "-o", out, cwd=tmp_path)  # not the repository root
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(out)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    ds = small_ds
    assert list(rows[0])[:4] == ["run", "arm", "replication", "seed"]
    assert list(rows[0])[-5:] == ["time", "metric", "class", "value", "units"]
    per_time = [n for n, v in ds.data_vars.items() if v.dims == ("run", "time")]
    per_class = [n for n, v in ds.data_vars.items() if v.dims == ("run", "class", "time")]
    n_run, n_time, n_class = ds.sizes["run"], ds.sizes["time"], ds.sizes["class"]
    assert len(rows) == n_run * n_time * (len(per_time) + n_class * len(per_class))
    got = {(int(r["run"]), float(r["time"])): float(r["value"]) for r in rows
           if r["metric"] == "needs_met" and r["class"] == ""}
    want = ds["needs_met"].values
    for run_i in range(n_run):
        for t_i, t in enumerate(ds["time"].values):
            assert got[(run_i, float(t))] == want[run_i, t_i]
    arms = {int(r["run"]): r["arm"] for r in rows}
    assert [arms[i] for i in range(n_run)] == ds["arm"].values.tolist()
    units = {r["metric"]: r["units"] for r in rows}
    assert units["time_to_close_true_mean"] == "day" and units["needs_met"] == "needs"


def test_export_teams(small_path, small_ds, tmp_path):
    """--teams adds the per-team metrics, a row per team, in a column team after class."""
    out = tmp_path / "t.csv"
    run = govsim("export", small_path, "--teams", "-o", out)
    assert run.returncode == 0, run.stderr
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    ds = small_ds
    assert list(rows[0])[-6:] == ["time", "metric", "class", "team", "value", "units"]
    per_time = [n for n, v in ds.data_vars.items() if v.dims == ("run", "time")]
    per_class = [n for n, v in ds.data_vars.items() if v.dims == ("run", "class", "time")]
    per_team = [n for n, v in ds.data_vars.items() if v.dims == ("run", "team", "time")]
    assert per_team
    n_run, n_time = ds.sizes["run"], ds.sizes["time"]
    n_class, n_team = ds.sizes["class"], ds.sizes["team"]
    assert len(rows) == n_run * n_time * (len(per_time) + n_class * len(per_class)
                                          + n_team * len(per_team))
    got = {(int(r["run"]), int(r["team"]), float(r["time"])): float(r["value"]) for r in rows
           if r["metric"] == "leavers_by_team"}
    want = ds["leavers_by_team"].values
    teams = ds["team"].values.tolist()
    for run_i in range(n_run):
        for k, team in enumerate(teams):
            for t_i, t in enumerate(ds["time"].values):
                assert got[(run_i, int(team), float(t))] == want[run_i, k, t_i]
    assert all(r["team"] == "" for r in rows if not r["metric"].endswith("_by_team"))
    # only the long layout has per-team rows
    run = govsim("export", small_path, "--layout", "runs", "--teams", "-o", "-")
    assert run.returncode == 2 and "--teams goes with --layout long" in run.stderr


def test_export_runs_matches_compare(small_path, small_ds, tmp_path):
    run = govsim("export", small_path, "--layout", "runs", "-o", "-")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(run.stdout.splitlines()))
    assert len(rows) == small_ds.sizes["run"]
    for name in ("needs_met", "failure_demand_share", "trust_end", "leavers"):
        want = analysis.per_run(small_ds, name).values
        got = np.array([float(r[name]) for r in rows])
        np.testing.assert_array_equal(got, want)


def test_export_parquet_or_a_clear_refusal(small_path, tmp_path):
    from analysis.export import parquet_writer
    run = govsim("export", small_path, "--format", "parquet", "-o", tmp_path / "x.parquet")
    if parquet_writer() is None:
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1
        assert "pyarrow or fastparquet" in run.stderr and "HDF5 file directly" in run.stderr
        assert not (tmp_path / "x.parquet").exists()
    else:
        assert run.returncode == 0, run.stderr


def test_export_and_report_errors(tmp_path, small_path):
    for cmd in ("export", "report"):
        run = govsim(cmd, tmp_path / "missing.h5")
        assert run.returncode == 2
        assert run.stderr == f"{govsim_binary()} {cmd}: {tmp_path / 'missing.h5'}: no such file\n"
        run = govsim(cmd)
        assert run.returncode == 2 and f"{cmd} --help" in run.stderr
        run = govsim(cmd, "--help")
        assert run.returncode == 0 and run.stdout.startswith(f"usage: govsim {cmd}")
    run = govsim("export", small_path, "-o", tmp_path / "no" / "dir" / "x.csv")
    assert run.returncode == 1 and run.stderr.count("\n") == 1
    assert "cannot write" in run.stderr and str(tmp_path / "no" / "dir") in run.stderr


def test_a_python_without_the_modules_is_named(tmp_path, small_path):
    # a Python that sees no site packages (as a Python of another origin than Debian's)
    bare = tmp_path / "python3"
    bare.write_text(f"#!/bin/sh\nexec {sys.executable} -S \"$@\"\n")
    bare.chmod(0o755)
    run = govsim("report", small_path, env={"GOVSIM_PYTHON": str(bare)})
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "numpy" in run.stderr and "h5py" in run.stderr
    assert "apt-get install -y python3-numpy python3-h5py" in run.stderr
    run = govsim("export", small_path, env={"GOVSIM_PYTHON": str(tmp_path / "nope")})
    assert run.returncode == 1 and "no Python at" in run.stderr
    # and the package imported under such a Python says the same, not a bare error
    run = subprocess.run([str(bare), "-c", "import analysis; analysis.load('x.h5')"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1
    assert "analysis.deps.MissingModule: the analysis package needs the Python modules" \
        in run.stderr


def test_make_install(tmp_path, small_path):
    prefix, site = tmp_path / "prefix", tmp_path / "site"
    run = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}", f"PYSITE={site}",
                          f"BUILD={govsim_binary().parent}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr + run.stdout
    exe = prefix / "bin" / "govsim"
    assert (prefix / "share" / "govsim" / "python" / "analysis" / "report.py").is_file()
    for f in ("web/index.html", "web/app.js", "web/style.css",
              "node_modules/uplot/dist/uPlot.iife.min.js"):
        assert (prefix / "share" / "govsim" / f).is_file(), f
    assert (site / "govsim.pth").read_text().strip() == str(prefix / "share/govsim/python")
    # the man page holds every command's --help; the completion knows every command
    man = (prefix / "share" / "man" / "man1" / "govsim.1").read_text()
    helps = subprocess.run([str(exe), "--help"], capture_output=True, text=True).stdout
    commands = [ln.split()[0] for ln in helps.split("commands:")[1].split("\n\n")[0].splitlines()
                if ln.strip()]
    assert "report" in commands and "export" in commands
    completion = (prefix / "share" / "bash-completion" / "completions" / "govsim").read_text()
    for c in commands:
        assert f'.SH "govsim {c}"' in man, c
        assert c in completion.split("compgen -W")[1].split("\n")[0].strip(' "').split(), c
    # the installed program uses the installed package, from any directory
    out = tmp_path / "r.html"
    run = subprocess.run([str(exe), "report", str(small_path), "-o", str(out)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PATH": f"{prefix / 'bin'}:/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")
    # the .pth file puts the package on Debian's Python's path, from any directory
    probe = ("import site, sys; site.addsitedir(sys.argv[1]); import analysis; "
             "print(analysis.__file__)")
    run = subprocess.run(["/usr/bin/python3", "-c", probe, str(site)], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(prefix / "share/govsim/python/analysis/__init__.py")
    run = subprocess.run(["make", "-s", "uninstall", f"PREFIX={prefix}", f"PYSITE={site}"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and not exe.exists() and not (site / "govsim.pth").exists()


def test_compare_until_is_the_span_added_up(small_path, small_ds):
    """govsim compare --until DAYS: each metric over the first DAYS by its aggregation."""
    ds = small_ds
    span = ds.isel(time=slice(0, 60))  # daily intervals ending at days 1..60
    for metric, fmt in (("leavers", "{:.4g}"), ("needs_met", "{:.0f}"),
                        ("failure_demand_share", "{:.3f}")):
        run = govsim("compare", small_path, "--metric", metric, "--until", 60)
        assert run.returncode == 0, run.stderr
        assert "values over the first 60 days" in run.stdout
        row = next(ln for ln in run.stdout.splitlines()[2:] if ln.startswith(
            analysis.label(ds, metric)))
        cells = [c.split(" +- ")[0] for c in re.split(r"\s{2,}", row.strip())[1:]]
        per_run = analysis.over(span, metric)
        want = [fmt.format(float(per_run.sel(run=ds.arm == a).mean())) for a in analysis.arms(ds)]
        assert cells == want, metric
    run = govsim("compare", small_path, "--at", 30, "--until", 60)
    assert run.returncode == 2 and "do not go together" in run.stderr
