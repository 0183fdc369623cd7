"""The fast subset of `make reproduce` (the published scenarios with fewer
replications, the same bands: a figure the full runs reproduce fails only when
its whole 95% interval lies outside its band), and the method behind the
figures: labels from the scenarios' calibration blocks, bands that exclude the
opposite pattern, the robustness variations.
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
    for fig, mean, half, band, ok in rows:
        if fig.reproduced:
            assert not reproduce.distinguishably_out(fig, mean, half), \
                f"{exp.name}: {fig.label}: {mean:.3f} \u00b1 {half:.3f} outside {band}"


def test_distinguishably_out():
    fig = reproduce.Figure("x", "", None, "s", 1.0)  # band 0.8..1.2
    assert not reproduce.distinguishably_out(fig, 1.0, 0.1)
    assert not reproduce.distinguishably_out(fig, 1.25, 0.1)  # across the edge: says nothing
    assert reproduce.distinguishably_out(fig, 1.35, 0.1)
    assert reproduce.distinguishably_out(fig, 0.6, 0.1)
    assert reproduce.distinguishably_out(fig, float("nan"), 0.1)
    fig = reproduce.Figure("y", "", None, "s", threshold=("<", 1.0))
    assert not reproduce.distinguishably_out(fig, 0.5, 0.6)
    assert reproduce.distinguishably_out(fig, 1.2, 0.1)
    assert reproduce.distinguishably_out(fig, 1.2, float("nan"))


def test_bands_from_one_rule():
    """A published value's band: the TOLERANCE on the value, or on the rarer outcome of a
    share; the source's own range; a threshold's one side."""
    f = reproduce.Figure("a", "%", None, "s", 96.3)
    assert f.band == pytest.approx((96.3 - 0.2 * 3.7, 96.3 + 0.2 * 3.7))
    f = reproduce.Figure("b", "%", None, "s", 25.0)
    assert f.band == pytest.approx((20.0, 30.0))
    f = reproduce.Figure("c", "min", None, "s", 30.0)
    assert f.band == pytest.approx((24.0, 36.0))
    f = reproduce.Figure("d", "%", None, "s", 57.5, source_band=(40, 75))
    assert f.band == (40.0, 75.0) and f.band_basis() == "the source's own range"
    f = reproduce.Figure("e", "", None, "s", threshold=("<=", 0.5))
    assert f.band == (None, 0.5) and f.inside(0.5) and not f.inside(0.51)
    f = reproduce.Figure("e", "", None, "s", threshold=(">", 1.0))
    assert f.band == (1.0, None) and not f.inside(1.0) and f.inside(1.01)


def test_bands_exclude_the_opposite_pattern():
    """Every counted figure's band excludes what the opposite pattern would give (no
    effect, the other arm's published value), or says why there is none."""
    for exp in reproduce.EXPERIMENTS:
        for fig in exp.figures:
            if not fig.counted:
                continue
            if fig.null is None:
                assert fig.calibrated or fig.null_is.startswith("none: "), (exp.name, fig.label)
                continue
            assert not fig.inside(fig.null), (exp.name, fig.label, fig.band, fig.null)


def test_labels_come_from_the_calibration_blocks():
    """A figure is calibrated exactly when its scenario's block names it."""
    from analysis import calibration
    n = 0
    for exp in reproduce.EXPERIMENTS:
        path = os.path.join(ROOT, exp.scenario)
        assert calibration.problems(path, [f.label for f in exp.figures]) == [], exp.name
        named = {label for c in calibration.read(path) for label in c.figures}
        for fig in exp.figures:
            assert fig.calibrated == (fig.label in named)
            assert fig.label_kind == ("earlier definition" if not fig.counted else
                                      "calibrated" if fig.label in named else
                                      "threshold" if fig.threshold else "emerged")
            n += fig.calibrated
    assert n > 0


def _scenario(tmp_path, text):
    p = tmp_path / "s.ini"
    p.write_text(text)
    return str(p)


def test_calibration_block_held_to_the_file(tmp_path):
    from analysis import calibration
    good = ("; calibrated: service.barrier = 0.3 \u2014 fitted to: fig one; fact: a fact\n"
            "; calibrated: arm.b.service.barrier = 0.05 -- fitted to: fact: another\n"
            "\n[service]\nbarrier = 0.3\n\n[arm.b]\nservice.barrier = 0.05\n")
    assert calibration.problems(_scenario(tmp_path, good), ["fig one"]) == []
    cals = calibration.read(_scenario(tmp_path, good))
    assert cals[0].figures == ("fig one",) and cals[0].facts == ("a fact",)
    assert cals[1].keys == ("arm.b.service.barrier",) and cals[1].value == "0.05"
    # a value other than the file's
    p = _scenario(tmp_path, good.replace("barrier = 0.3\n", "barrier = 0.4\n"))
    assert any("calibrated at 0.3 but the scenario sets 0.4" in x
               for x in calibration.problems(p, ["fig one"]))
    # a figure the experiment does not have
    assert any("not a figure of the experiment" in x
               for x in calibration.problems(_scenario(tmp_path, good), ["another"]))
    # a key the file does not set
    p = _scenario(tmp_path, good.replace("[arm.b]\nservice.barrier = 0.05\n", ""))
    assert any("arm.b.service.barrier is calibrated but the scenario does not set it" in x
               for x in calibration.problems(p, ["fig one"]))
    # a parameter a comment calls calibrated, missing from the block
    p = _scenario(tmp_path, good + "\n[workforce]\n; calibrated to the baseline\nteams = 3\n")
    assert any("[workforce] teams: its comment (line" in x
               for x in calibration.problems(p, ["fig one"]))
    # the block is one block
    p = _scenario(tmp_path, good.replace("\n[service]", "\n; calibrated: x.y = 1 \u2014 "
                                          "fitted to: fact: z\n[service]"))
    assert any("are one block" in x for x in calibration.problems(p, ["fig one"]))
    # a line that cannot be read
    p = _scenario(tmp_path, "; calibrated: service.barrier 0.3\n")
    assert "a calibration line reads" in calibration.problems(p, [])[0]


def test_scaled_values():
    from analysis import calibration
    assert calibration.scaled("14d", 1.1) == "15.4d"
    assert calibration.scaled("19", 0.9, "int", (1, 100000)) == "17"  # an int stays whole
    assert calibration.scaled("0.13", 1.2) == "0.156"
    # a real written as a whole number is varied as a real
    assert calibration.scaled("1", 0.8, "real", (0.0, 1.0)) == "0.8"
    assert calibration.scaled("3", 0.9, "real", (0.0, 10.0)) == "2.7"
    # beyond the parameter's range: not a variation
    assert calibration.scaled("1", 1.1, "real", (0.0, 1.0)) is None
    assert calibration.scaled("1", 0.8, "int", (1, 100)) == "1"


def test_robustness_variations_are_valid_scenarios(tmp_path, monkeypatch):
    """Each calibrated line at each factor and the other seeds; every variation file
    `govsim check` accepts, and it sets the varied value."""
    from analysis import calibration, robust
    govsim = str(govsim_binary())
    monkeypatch.chdir(ROOT)
    types = calibration.parameter_types(govsim)
    assert types[("class.NAME", "hours_per_component")][0] == "real"
    assert types[("workforce", "workers_per_team")] == ("int", (1.0, 100000.0))
    skipped = 0
    for exp in reproduce.EXPERIMENTS:
        vs = robust.variations(exp, types)
        cals = calibration.of_experiment(exp, str(ROOT))
        assert len(vs) == len(cals) * len(robust.FACTORS) + robust.SEEDS
        for k, (group, name, sets, text, extra) in enumerate(vs):
            if sets is None:  # the gaming propensities at 1, the top of their range
                assert name in ("+10%", "+20%") and group.endswith("_base")
                skipped += 1
                continue
            if text is None:
                assert group == "seed" and extra[0].startswith("simulation.seed=")
                continue
            p = tmp_path / f"{exp.name}-{k}.ini"
            p.write_text(text)
            out = subprocess.run([govsim, "check", str(p)], capture_output=True, text=True)
            assert out.returncode == 0, (exp.name, text, out.stderr)
            section, key = calibration.split_key(sets[0][0])
            assert f"[{section}]\n{key} = {sets[0][1]}\n" in text
            assert sets[0][1] != calibration.read(calibration.scenario_path(
                exp.scenario, str(ROOT)))[[c.name() for c in cals].index(group)].value \
                or group.startswith("workforce.workers_per_team")
    assert skipped == 4


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
                         capture_output=True, text=True, cwd=ROOT)
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
    assert " emerged " in row
    fig = figs["leavers, stretch targets / learning"]
    row = reproduce.format_row(fig, 1.78, 0.17, fig.band, True)
    assert "more (> 1)" in row and " ratio " in row and " threshold " in row
    fig = figs["cost per repair, after / before"]  # not reproduced: said so, PASS or FAIL
    row = reproduce.format_row(fig, 0.61, 0.01, fig.band, False)
    assert row.endswith("FAIL (not reproduced: see the page)") and " about half " in row
    assert "0.4\u20130.6" in row
    fig = figs["admitted: last 20 min before 4 h, target"]  # reproduced before, out now
    row = reproduce.format_row(fig, 70.0, 1.0, fig.band, False)
    assert row.endswith("FAIL (reproduced before: out of its band now)")
    fig = figs["within 4 h, no target"]  # calibrated: the label says so
    row = reproduce.format_row(fig, 83.0, 1.0, fig.band, True)
    assert " calibrated " in row and row.endswith("PASS")
    # with one replication there is no interval
    assert "70.0 \u00b1" not in reproduce.format_row(fig, 70.0, float("nan"), fig.band, False)


def _fake_run(monkeypatch, tmp_path, ok):
    """main() on one experiment whose runs are faked: the flagged figure in or out of band."""
    exp = reproduce.EXPERIMENTS[0]
    monkeypatch.setattr(reproduce, "run_experiment", lambda *a, **k: None)
    monkeypatch.setattr(reproduce, "replications", lambda res: 3)
    monkeypatch.setattr(reproduce, "evaluate", lambda e, r, f=False: [
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
    """{experiment: (emerged within, emerged, claims holding, claims)} from the `N of M`
    columns of a markdown table."""
    import re
    counts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\| `(\w+)` \|.*?\| (\d+) of (\d+) \| (\d+) \| (\d+) of (\d+) \|", line)
            if m:
                counts[m.group(1)] = tuple(int(m.group(k)) for k in range(2, 7))
    return counts


@pytest.mark.parametrize("doc", ["README.md", "docs/experiments/README.md"])
def test_docs_count_the_reproduced_figures(doc):
    """The tables of the docs say how many emerged figures each experiment reproduces (and
    how many of those robustly, as robustness.json says) and how many of its qualitative
    claims hold, as flagged."""
    import json
    counts = _counts_in(os.path.join(ROOT, doc))
    assert sorted(counts) == sorted(e.name for e in reproduce.EXPERIMENTS)
    with open(os.path.join(ROOT, "docs", "experiments", "robustness.json")) as f:
        robust = {(e["name"], g["label"]): g["robust"] for e in json.load(f)["experiments"]
                  for g in e["figures"]}
    for exp in reproduce.EXPERIMENTS:
        em = [f for f in exp.figures if f.label_kind == "emerged"]
        th = [f for f in exp.figures if f.label_kind == "threshold"]
        want = (sum(f.reproduced for f in em), len(em),
                sum(f.reproduced and robust[(exp.name, f.label)] for f in em),
                sum(f.reproduced for f in th), len(th))
        assert counts[exp.name] == want, exp.name
