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
