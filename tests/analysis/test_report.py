"""Figures and the HTML report of a small real run (python3 -m analysis.report)."""
import html
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from matplotlib.figure import Figure

import analysis
from analysis import plots, sobol
from analysis.report import main as report_main

from conftest import ROOT, parse_paired, parse_table


def report(*args):
    return subprocess.run([sys.executable, "-m", "analysis.report", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def png_ok(path):
    return png_bytes_ok(path.read_bytes())


def png_bytes_ok(data):
    return len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def embedded(page):
    """The PNG images inside the page (data: URLs), decoded."""
    import base64
    return [base64.b64decode(b) for b in re.findall(r'<img src="data:image/png;base64,([^"]+)"',
                                                    page)]


def test_figures(small_ds, small_path, tmp_path):
    ds = small_ds
    cases = {
        "ts.png": lambda p: plots.timeseries(ds, "trust_mean", path=p),
        "cls.png": lambda p: plots.timeseries(ds, "needs_met_by_class", cls="casework",
                                              window=7, path=p),
        "ttc.png": lambda p: plots.time_to_close(ds, target=analysis.time_target(small_path),
                                                 path=p),
        "fd.png": lambda p: plots.failure_demand(ds, path=p),
        "cost.png": lambda p: plots.cost_per_need_met(ds, path=p),
    }
    if "time_to_close_true_hist_by_class" in ds:
        cases["ttc_cls.png"] = lambda p: plots.time_to_close(ds, target=10.0, cls="casework",
                                                             path=p)
    for name, fn in cases.items():
        fig = fn(tmp_path / name)
        assert isinstance(fig, Figure), name
        assert png_ok(tmp_path / name), name
    # the target line is drawn where the provenance puts it
    fig = plots.time_to_close(ds, target={"npm": 10.0, "hls": 10.0, "none": 10.0})
    lines = [ln for ax in fig.axes for ln in ax.get_lines()]
    assert len(lines) == 3 and all(ln.get_xdata()[0] == 10.0 for ln in lines)
    with pytest.raises(ValueError, match="per class"):
        plots.timeseries(ds, "needs_met_by_class")


def test_sensitivity_figure(tmp_path):
    idx = sobol.sobol_indices(np.arange(10.0), np.arange(10.0)[::-1],
                              np.random.default_rng(0).normal(size=(10, 2)), n_boot=20)
    assert isinstance(plots.sensitivity(idx, path=tmp_path / "s.png"), Figure)
    assert png_ok(tmp_path / "s.png")


@pytest.fixture(scope="module")
def rendered(small_run, tmp_path_factory):
    path, stdout = small_run
    out = tmp_path_factory.mktemp("report") / "r"
    run = report(path, "-o", out)
    assert run.returncode == 0, run.stderr
    return out, run, stdout


def test_report_renders(rendered, small_path):
    out, run, _ = rendered
    index = out / "index.html"
    assert run.stdout.strip().splitlines()[-1] == str(index)
    page = index.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # self-contained: one file, no scripts, no external style sheets or images
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    assert "<script" not in page and "<link" not in page and "http" not in page
    assert len(re.findall(r"<img ", page)) == len(embedded(page)) >= 6
    assert all(png_bytes_ok(img) for img in embedded(page))
    prov = analysis.provenance(small_path)
    assert f"<pre>{html.escape(prov['scenario'])}</pre>" in page
    for key in ("govsim_version", "git_revision", "created", "command_line"):
        assert html.escape(str(prov[key])) in page, key
    assert str(prov["seed"]) in page
    assert "Sensitivity" not in page  # no design in this file


def _rows(page, section):
    """{label: [cell, ...]} of the first table after the heading `section`."""
    part = page[page.index(section):]
    part = part[:part.index("</table>")]
    rows = {}
    for m in re.finditer(r"<tr><td>([^<]*)</td>(.*?)</tr>", part):
        rows[html.unescape(m.group(1))] = [html.unescape(c) for c in
                                           re.findall(r'<td class="num[^"]*">([^<]*)</td>',
                                                      m.group(2))]
    return rows


def test_report_has_the_c_tables(rendered):
    out, _, stdout = rendered
    page = (out / "index.html").read_text(encoding="utf-8")
    arms, rows = parse_table(stdout)
    for arm in arms:
        assert f"<th>{arm}</th>" in page
    got = _rows(page, "<h2>Comparison of arms</h2>")
    assert list(got) == list(rows)
    for label, cells in rows.items():
        assert got[label] == [c.replace(" +- ", " \u00b1 ") for c in cells], label
    arms, rows = parse_paired(stdout)
    got = _rows(page, "<h2>Differences from npm</h2>")
    assert list(got) == list(rows)
    for label, cells in rows.items():
        assert got[label] == [c.replace(" +- ", " \u00b1 ") for c in cells], label


def test_report_sweep(small_path, tmp_path):
    """Per-run variables beyond arm and replication get a table per sweep point."""
    import shutil
    from analysis.report import write_report
    path = tmp_path / "sweep.h5"
    shutil.copy(small_path, path)
    with h5py.File(path, "r+") as f:
        d = f.create_dataset("sweep.regime.learning_time", data=np.tile([0.0, 0.1, 0.1], 3))
        d.dims[0].attach_scale(f["run"])
        f["replication"][...] = np.tile([0, 0, 1], 3).astype(np.int32)
    index = write_report(path, tmp_path / "r", warn=pytest.fail)
    page = Path(index).read_text(encoding="utf-8")
    assert "<h2>By sweep point</h2>" in page
    assert "<th>regime.learning_time</th>" in page
    # nothing pooled over points: no pooled table, a figure against the parameter
    assert "<h2>Comparison of arms</h2>" not in page
    assert "<h2>Outcomes against each swept parameter</h2>" in page
    assert 'alt="outcomes against regime.learning_time"' in page
    # a row per (arm, point) with its value, each over its own runs
    ds = analysis.load(path)
    got = _rows(page, "<h2>By sweep point</h2>")
    assert set(got) == {"npm", "hls", "none"}  # first cell: the arm
    cells = re.findall(r"<tr><td>([^<]*)</td><td[^>]*>([^<]*)</td>", page[page.index(
        "<h2>By sweep point</h2>"):page.index("<h2>Outcomes against")])
    assert sorted(cells) == sorted((a, v) for a in ("npm", "hls", "none") for v in ("0", "0.1"))
    s = analysis.summary(ds, "needs_met")
    assert s.loc[("hls", 0.1), "n"] == 2 and s.loc[("hls", 0.0), "n"] == 1


def test_report_sensitivity(design_file, tmp_path):
    path, _ = design_file
    run = report(path, "-o", tmp_path / "d", "--n-boot", "20")
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "d" / "index.html").read_text(encoding="utf-8")
    assert "<h2>Sensitivity</h2>" in page
    assert "regime.learning_time" in page
    assert 'alt="Sobol indices of needs met"' in page


def test_report_errors(tmp_path, small_path, capsys):
    run = report(tmp_path / "missing.h5")  # the command line itself
    assert run.returncode == 2 and "no such file" in run.stderr

    def main(*args):
        rc = report_main([str(a) for a in args])
        return rc, capsys.readouterr()

    text = tmp_path / "notes.h5"
    text.write_text("hello")
    rc, io = main(text)
    assert rc == 2 and "not an HDF5 file" in io.err
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    rc, io = main(other)
    assert rc == 2 and "not a govsim result file" in io.err
    blocker = tmp_path / "file"
    blocker.write_text("")
    rc, io = main(small_path, "-o", blocker)
    assert rc == 1 and io.err
    with pytest.raises(SystemExit) as e:
        main("--help")
    assert e.value.code == 0 and "REPORT.html" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2


def test_report_default_is_one_html_file_next_to_the_result(small_path, tmp_path):
    import shutil
    path = tmp_path / "x.h5"
    shutil.copy(small_path, path)
    run = report(path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "x-report.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-report.html", "x.h5"]
    run = report(path, "-o", tmp_path / "named.html")
    assert run.returncode == 0 and (tmp_path / "named.html").is_file()
    run = report(path, "-o", tmp_path / "no" / "such" / "r.html")
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "cannot write" in run.stderr


def test_report_units_and_intervals(rendered):
    out, _, stdout = rendered
    page = (out / "index.html").read_text(encoding="utf-8")
    part = page[page.index("<h2>Comparison of arms</h2>"):]
    part = part[:part.index("</table>")]
    units = re.findall(r'<td class="unit">([^<]*)</td>', part)
    assert len(units) == len(analysis.OUTCOMES) and all(units) and "share of contacts" in units
    assert "outcome (mean \u00b1 95% CI)" in part  # 3 replications


def test_one_replication_says_no_interval(tmp_path):
    from conftest import run_govsim, SMALL
    path = tmp_path / "one.h5"
    run_govsim(path, *SMALL)
    run = report(path)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "one-report.html").read_text(encoding="utf-8")
    assert "outcome (1 replication: no interval)" in page
    assert "95% CI" not in page.replace("for 95% confidence", "")
    ds = analysis.load(path)
    fig = plots.timeseries(ds, "wellbeing_mean")
    assert "1 replication: no interval" in fig.axes[0].get_title()
    assert not fig.axes[0].collections  # no band drawn
    assert fig.axes[0].get_ylim()[0] == 0  # a share's axis starts at 0


def test_events_years_and_histograms(small_ds):
    from analysis.report import events
    prov = {"scenario": "; x\n[simulation]\nduration = 4y\n[event.to-hls] ; switch\n"
                        "at = 2y\narms = a, b\npreset = hls\n[event.surge]\nat = 30d\n"
                        "[event.untimed]\nx = 1\n"}
    assert events(prov) == [(30.0, "surge", None), (730.0, "to-hls", ["a", "b"])]
    fig = plots.timeseries(small_ds, "trust_mean", events=[(30.0, "surge", None)])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "day"  # 120 days: in days
    assert [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == ":"] == [30.0]
    assert any(t.get_text().strip() == "surge" for t in ax.texts)
    long = small_ds.assign_coords(time=small_ds["time"] * 10)  # 1200 days: in years
    fig = plots.timeseries(long, "trust_mean", events=[(730.0, "to-hls", ["hls"])])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "year"
    assert [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == ":"] == [2.0]
    # histograms: one legend, step lines (no fill), recorded and true in each arm's panel
    fig = plots.time_to_close(small_ds, target=10.0)
    assert sum(1 for a in fig.axes if a.get_legend() is not None) == 1
    for a in fig.axes:
        steps = [p for p in a.patches if not p.get_fill()]
        assert len(steps) == 2 and len(a.patches) == 2


def test_team_values_add_up(small_ds, small_path):
    """One row per team of every run; each team's flows add up to the run's."""
    df = plots.team_values(small_ds)
    n_teams = small_ds.sizes["team"]
    assert len(df) == small_ds.sizes["run"] * n_teams
    assert set(df["arm"]) == set(analysis.arms(small_ds))
    with h5py.File(small_path, "r") as f:
        for name in ("leavers", "records_manipulated", "premature_closures",
                     "reclassifications", "cases_measured"):
            by_team = np.nansum(f[f"{name}_by_team"][()], axis=(1, 2))
            assert np.array_equal(by_team, np.nansum(f[name][()], axis=1)), name
        met = np.nansum(f["needs_met_service_by_team"][()], axis=(1, 2))
        assert np.array_equal(met, np.nansum(f["needs_met"][()] - f["needs_met_self"][()],
                                             axis=1))
    leavers = df.groupby("run")["leavers"].sum().to_numpy()
    assert np.array_equal(leavers, analysis.over(small_ds, "leavers").values)
    assert df["gap"].between(-100, 100).all()
    assert df["pressure"].between(0, 1).all()


def test_report_teams_section(rendered, small_ds):
    """The report shows, per arm, how far its teams differ, and a figure of dots."""
    out, _, _ = rendered
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<h2>Teams</h2>" in page
    rows = _rows(page, "<h2>Teams</h2>")
    df = plots.team_values(small_ds)
    assert set(rows) == set(analysis.arms(small_ds))
    for arm, cells in rows.items():
        d = df[df["arm"] == arm]
        assert cells[0] == str(len(d))
        assert cells[1] == f"{d['gap'].median():+.1f}"
        assert cells[2] == f"{d['gap'].min():+.1f} to {d['gap'].max():+.1f}"
        assert cells[3] == f"{d['leavers'].median():.0f}"
    part = page[page.index("<h2>Teams</h2>"):page.index("<h2>Provenance</h2>")]
    imgs = embedded(part)
    assert len(imgs) == 1 and png_bytes_ok(imgs[0])
    fig = plots.teams(small_ds)
    # one dot per team and run in each panel (a line of markers per arm), plus the medians
    dots = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "o"]
    assert sum(len(ln.get_xdata()) for ln in dots) == df["gap"].notna().sum()


def test_report_without_teams(small_path, tmp_path):
    """A file without per-team datasets (an older govsim's) is read and reported without them."""
    import shutil
    old = tmp_path / "old.h5"
    shutil.copy(small_path, old)
    with h5py.File(old, "r+") as f:
        for name in [n for n in f if n.endswith("_by_team")]:
            d = f[name]
            for axis, scale in enumerate(("run", "team", "time")):
                d.dims[axis].detach_scale(f[scale])
            del f[name]
        del f["team"]
    ds = analysis.load(old)
    assert "team" not in ds.dims
    with pytest.raises(KeyError, match="per-team"):
        plots.team_values(ds)
    run = report(old, "-o", tmp_path / "old.html")
    assert run.returncode == 0, run.stderr
    assert "<h2>Teams</h2>" not in (tmp_path / "old.html").read_text(encoding="utf-8")
