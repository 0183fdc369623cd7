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
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


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
    # self-contained: no scripts, no external style sheets or images
    assert "<script" not in page and "<link" not in page and "http" not in page
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 6
    for img in images:
        assert "/" not in img and png_ok(out / img), img
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
                                           re.findall(r"<td[^>]*>([^<]*)</td>", m.group(2))]
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
    assert "<th>sweep.regime.learning_time</th>" in page


def test_report_sensitivity(design_file, tmp_path):
    path, _ = design_file
    run = report(path, "-o", tmp_path / "d", "--n-boot", "20")
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "d" / "index.html").read_text(encoding="utf-8")
    assert "<h2>Sensitivity</h2>" in page
    assert "regime.learning_time" in page
    assert png_ok(tmp_path / "d" / "sensitivity_needs_met.png")


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
    assert e.value.code == 0 and "REPORT_DIR" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2
