"""The fast subset of `make reproduce`: small runs of the published scenarios,
wider bands. The figures the full runs reproduce must stay within their
(widened) bands; the others are reported by `make reproduce`, not asserted.
"""

import os
import subprocess
import tempfile

import pytest

from analysis import reproduce

from conftest import ROOT, govsim_binary


@pytest.mark.parametrize("exp", reproduce.EXPERIMENTS, ids=lambda e: e.name)
def test_fast_subset(exp, monkeypatch):
    govsim = str(govsim_binary())  # fails if $GOVSIM is set but missing; skips without it
    monkeypatch.chdir(ROOT)  # the experiments name their scenarios from the repository root
    with tempfile.TemporaryDirectory() as tmp:
        res = reproduce.run_experiment(exp, govsim, True, tmp)
        rows = reproduce.evaluate(exp, res, True)
    assert len(rows) == len(exp.figures)
    for fig, mean, half, (lo, hi), ok in rows:
        if fig.reproduced:
            assert ok, f"{exp.name}: {fig.label}: {mean:.2f} outside {lo:.2f}..{hi:.2f}"


def test_t_quantile():
    assert reproduce.t975(1) == pytest.approx(12.7062047)
    assert reproduce.t975(9) == pytest.approx(2.26215716)
    assert reproduce.t975(13) == pytest.approx(2.16036866, abs=2e-3)
    assert reproduce.t975(100) == pytest.approx(1.98397152, abs=2e-3)


def test_bins_closed_on_the_right():
    class Fake:
        bin_minutes = [0.0, 10.0, 20.0, 30.0]
    # (0,10], (10,20], (20,30]: 20 minutes falls in the second bin, so a range up to 20
    # ends before the third
    import numpy as np
    f = Fake()
    f.bin_minutes = np.array(f.bin_minutes)
    assert reproduce._bin_index(f, 20.0) == 2
    assert reproduce._bin_index(f, 10.0) == 1


def test_command_line():
    out = subprocess.run(["/usr/bin/python3", "-m", "analysis.reproduce", "--only", "nosuch"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "no experiment 'nosuch'" in out.stderr
    # a typo: the closest name, and every valid one
    out = subprocess.run(["/usr/bin/python3", "-m", "analysis.reproduce", "--only", "ae_4h"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "did you mean 'ae_four_hours'?" in out.stderr
    for e in reproduce.EXPERIMENTS:
        assert e.name in out.stderr


def test_rows_print_what_was_published_and_one_unit():
    figs = {f.label: f for e in reproduce.EXPERIMENTS for f in e.figures}
    fig = figs["failure demand, before redesign"]
    row = reproduce.format_row(fig, 70.1, 0.4, fig.band, True)
    assert " 40\u201375 " in row and "57.5" not in row  # the range, not its midpoint
    assert "70.1 \u00b1 0.4" in row and row.count("%") == 1 and row.endswith("PASS")
    fig = figs["leavers, stretch targets / learning"]
    row = reproduce.format_row(fig, 1.78, 0.17, fig.band, True)
    assert "\u2265 1.5" in row and " 1.50 " not in row and " ratio " in row
    assert "1.5\u20134" in row
    fig = figs["cost per repair, after / before"]  # not reproduced: said so, PASS or FAIL
    row = reproduce.format_row(fig, 0.61, 0.01, fig.band, False)
    assert row.endswith("FAIL (not reproduced: see the page)") and " 0.5 " in row
    fig = figs["within 4 h, no target"]  # reproduced before, out of its band now
    row = reproduce.format_row(fig, 70.0, 1.0, fig.band, False)
    assert row.endswith("FAIL (reproduced before: out of its band now)")
    # with one replication there is no interval
    assert "70.0 \u00b1" not in reproduce.format_row(fig, 70.0, float("nan"), fig.band, False)


def _fake_run(monkeypatch, tmp_path, ok):
    """main() on one experiment whose runs are faked: the flagged figure in or out of band."""
    exp = reproduce.EXPERIMENTS[0]
    monkeypatch.setattr(reproduce, "run_experiment", lambda *a, **k: None)
    monkeypatch.setattr(reproduce, "replications", lambda res: 3)
    monkeypatch.setattr(reproduce, "evaluate", lambda e, r, f: [
        (fig, 1.0, 0.1, fig.band, ok or not fig.reproduced) for fig in e.figures])
    return reproduce.main(["--only", exp.name, "--out", str(tmp_path / "r")])


def test_exit_status_says_a_reproduced_figure_failed(monkeypatch, tmp_path, capsys):
    assert _fake_run(monkeypatch, tmp_path, True) == 0
    assert (tmp_path / "r").is_dir()  # the result files are kept there
    out = capsys.readouterr()
    assert "[1/1] ae_four_hours: " in out.out and f"result files in {tmp_path / 'r'}/" in out.out
    assert _fake_run(monkeypatch, tmp_path, False) == 1
    err = capsys.readouterr().err
    assert "flagged as reproduced fell out of their bands" in err


def _counts_in(path):
    """{experiment: (within, total)} from the `N of M` column of a markdown table."""
    import re
    counts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\| `(\w+)` \|.*\| (\d+) of (\d+) \|\s*$", line)
            if m:
                counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts


@pytest.mark.parametrize("doc", ["README.md", "docs/experiments/README.md"])
def test_docs_count_the_reproduced_figures(doc):
    """The tables of the docs say how many figures each experiment reproduces, as flagged."""
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    counts = _counts_in(os.path.join(root, doc))
    assert sorted(counts) == sorted(e.name for e in reproduce.EXPERIMENTS)
    for exp in reproduce.EXPERIMENTS:
        flagged = sum(f.reproduced for f in exp.figures)
        assert counts[exp.name] == (flagged, len(exp.figures)), exp.name
