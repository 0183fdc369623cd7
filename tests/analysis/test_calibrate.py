"""govsim calibrate: ABC-SMC of one arm's parameters to observed figures
(analysis/calibrate.py), and its coverage on figures the model itself produced
(tests/calibrate/coverage.py: a few repeats here, `make calibrate-check` runs 20)."""
import csv
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from analysis import calibrate

from conftest import ROOT, govsim_binary

SCENARIO = """; a small service for calibrate's tests
[simulation]
seed = 7
duration = 60d

[population]
citizens = 300

[workforce]
teams = 1
workers_per_team = 3

[arm.npm]
preset = npm

[arm.hls]
preset = hls
"""

OBSERVED = """# metric, value, uncertainty, window
metric, value, uncertainty, window
needs_met, 40, 8
failure_demand_share, 0.5, 0.05, 0d-60d
"""

PARAMS = "population.abandon_probability,service.resolve_base"


def run(*args, cwd=None):
    return subprocess.run([str(govsim_binary()), "calibrate", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def files(tmp_path):
    scen = tmp_path / "s.ini"
    scen.write_text(SCENARIO)
    obs = tmp_path / "obs.csv"
    obs.write_text(OBSERVED)
    return scen, obs


def test_bad_observed_file(tmp_path):
    """Every problem of a figures file named by file and line (in process: the command
    says the same in one line, test_bad_input)."""
    metrics = ["needs_met", "failure_demand_share"]
    times = np.arange(1, 61, dtype=float)
    cases = [
        ("needs_met, 40\n", "bad.csv:1: 2 fields: a figure is metric, value, "
                             "uncertainty[, window]"),
        ("# c\nneeds_mett, 40, 8\n", "bad.csv:2: 'needs_mett' is not a metric "
                                      "(govsim metrics); did you mean 'needs_met'?"),
        ("needs_met, lots, 8\n", "bad.csv:1: value 'lots' is not a number"),
        ("needs_met, 40, 0\n", "bad.csv:1: uncertainty 0: it must be above 0"),
        ("needs_met, 40, -3\n", "bad.csv:1: uncertainty -3: it must be above 0"),
        ("needs_met, 40, nan\n", "bad.csv:1: uncertainty 'nan' is not a finite number"),
        ("needs_met, 40, 8, 10d\n", "bad.csv:1: window '10d' is not FROM-TO"),
        ("needs_met, 40, 8, 10-20d\n", "bad.csv:1: window '10-20d': '10' is not a duration"),
        ("needs_met, 40, 8, 20d-10d\n", "bad.csv:1: window '20d-10d': it must start"),
        ("\nneeds_met, 40, 8, 0d-90d\n", "bad.csv:2: window 0d-90d: the runs end at day 60"),
        ("needs_met, 40, 8, 0.5d-30d\n", "bad.csv:1: window 0.5d-30d: its ends must fall on "
                                         "the ends of output intervals (every 1 days"),
        ("needs_met, 40, 8\nneeds_met, 41, 8, \n", "bad.csv:2: needs_met over that window "
                                                    "is already given, line 1"),
        ("metric, value, uncertainty\n# nothing\n", "bad.csv: no figure"),
        ("needs_met, 40, 8\nmetric, value, uncertainty\n", "bad.csv:2: 'metric' is not a "
                                                            "metric"),
    ]
    p = tmp_path / "bad.csv"
    for text, msg in cases:
        p.write_text(text)
        with pytest.raises(calibrate.CalibrateError) as e:
            calibrate.check_windows(calibrate.read_observed(str(p), metrics), times)
        assert msg in str(e.value), (text, str(e.value))
    p.write_bytes(b"needs_met, 40, 8\r\nfailure_demand_share, 0.5, 0.1, 1w-8w\r\n")
    figs = calibrate.read_observed(str(p), metrics)
    calibrate.check_windows(figs, times)
    assert [f.label() for f in figs] == ["needs_met", "failure_demand_share 1w-8w"]
    assert figs[0].mask.sum() == 60 and figs[1].mask.sum() == 49


def test_bad_input(tmp_path):
    """Bad arguments and scenarios are refused before anything runs (in process; the
    command says the same in one line with status 2, below)."""
    scen, obs = files(tmp_path)
    swept = tmp_path / "swept.ini"
    swept.write_text(SCENARIO + "[sweep]\nregime.discretion = 0.1, 0.2\n")
    out = tmp_path / "c.csv"
    for args, msg in [
        ([scen, "--observed", obs, "--arm", "nope"], "no arm 'nope'"),
        ([swept, "--observed", obs, "--arm", "npm"], "calibrate takes a scenario without a "
                                                     "[sweep]"),
        ([scen, "--observed", obs, "--arm", "npm", "--params", "population.strengths_mean"],
         "one value for the whole scenario"),
        ([scen, "--observed", obs, "--arm", "npm", "--params",
          "service.resolve_base,service.resolve_base"], "named twice"),
        ([scen, "--observed", obs, "--arm", "npm", "--particles", "2"], "--particles 2: from 4"),
        ([scen, "--observed", obs, "--arm", "npm", "--quantile", "1"], "--quantile 1.0: above"),
        ([scen, "--observed", tmp_path / "none.csv", "--arm", "npm"], "none.csv: no such file"),
        ([scen, "--observed", obs, "--arm", "npm", "--set", "regime.discretion=7"],
         "the scenario does not run"),
    ]:
        a = calibrate.build_parser().parse_args([*map(str, args), "-o", str(out), "--govsim",
                                                 str(govsim_binary())])
        with pytest.raises(calibrate.CalibrateError, match=re.escape(msg)):
            calibrate.calibrate(a)
        assert not out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("# figures\nneeds_met, 40, 0\n")
    for args, msg in [
        ([scen, "--observed", obs], "2 arms (npm, hls): name the one the figures are of "
                                    "with --arm"),
        ([scen, "--observed", bad, "--arm", "npm"], "bad.csv:2: uncertainty 0: it must be "
                                                    "above 0"),
    ]:
        r = run(*args, "-o", out)
        assert r.returncode == 2, (args, r.stderr)
        assert msg in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert not out.exists()


def test_choose():
    t = calibrate.parameter_table(str(govsim_binary()))
    chosen, left = calibrate.choose(t)
    keys = [c[0] for c in chosen]
    assert "population.abandon_probability" in keys and "workforce.stress_rate" in keys
    assert not any(k.startswith("class.") for k in keys)
    assert "whole scenario" in left["population.strengths_mean"]
    assert "no plausible range" in left["regime.discretion"]
    for key, msg in [("population.citizens", "no plausible range"),
                     ("population.abandon_probabilty",
                      "did you mean 'population.abandon_probability'"),
                     ("class.NAME.routine_share", "a class's parameter")]:
        with pytest.raises(calibrate.CalibrateError, match=msg):
            calibrate.choose(t, [key])


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_calibrate_end_to_end(tmp_path):
    """A tiny calibration: the same seed gives the same file whatever the threads; the
    posterior scenarios run; an existing output needs --force."""
    scen, obs = files(tmp_path)
    outs = []
    for threads in (1, 2):
        out = tmp_path / f"c{threads}.csv"
        r = run(scen, "--observed", obs, "--arm", "npm", "--params", PARAMS,
                "--particles", 8, "--generations", 3, "--seed", 5, "--threads", threads,
                "-o", out)
        assert r.returncode == 0, r.stderr
        assert "generation 2: tolerance" in r.stderr
        assert "population.abandon_probability" in r.stdout
        outs.append(out)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    rows = read_csv(outs[0])
    assert [k for k in rows[0]][:7] == ["generation", "particle", "tolerance", "weight",
                                        "distance", "population.abandon_probability",
                                        "service.resolve_base"]
    assert "sim:failure_demand_share 0d-60d" in rows[0] and "sim:needs_met" in rows[0]
    for g in range(3):
        gen = [r for r in rows if int(r["generation"]) == g]
        assert len(gen) == 8
        w = np.array([float(r["weight"]) for r in gen])
        assert abs(w.sum() - 1) < 1e-6 and (w > 0).all()
        d = np.array([float(r["distance"]) for r in gen])
        if g:
            # every particle kept is within its generation's tolerance, tighter each time
            tol = float(gen[0]["tolerance"])
            assert (d <= tol).all()
            assert tol <= float([r for r in rows if int(r["generation"]) == g - 1][0]
                                ["tolerance"])
        for r in gen:
            assert 0.1 <= float(r["population.abandon_probability"]) <= 0.5
            assert 0.2 <= float(r["service.resolve_base"]) <= 0.6
            # the distance is the figures' discrepancy in units of their uncertainty
            want = np.hypot((float(r["sim:needs_met"]) - 40) / 8,
                            (float(r["sim:failure_demand_share 0d-60d"]) - 0.5) / 0.05)
            assert abs(float(r["distance"]) - want) < 1e-6 * max(1, want)
    # the posterior scenarios: every arm at the means; the sample as sweep points
    post, parts = tmp_path / "c1-posterior.ini", tmp_path / "c1-particles.ini"
    text = post.read_text()
    assert "[arm.npm]" in text and "[arm.hls]" in text and "include = s.ini" in text
    chk = subprocess.run([str(govsim_binary()), "check", str(parts)], capture_output=True,
                         text=True)
    assert chk.returncode == 0 and "2 arms" in chk.stdout and "8 sweep points" in chk.stdout, \
        chk.stdout + chk.stderr
    chk = subprocess.run([str(govsim_binary()), "check", str(post)], capture_output=True,
                         text=True)
    assert chk.returncode == 0 and "2 arms" in chk.stdout, chk.stdout + chk.stderr
    r = run(scen, "--observed", obs, "--arm", "npm", "--params", PARAMS, "--particles", 8,
            "--generations", 2, "-o", outs[0])
    assert r.returncode == 2 and "use --force" in r.stderr


def test_weighted_quantile_and_weights():
    x = np.array([3.0, 1.0, 2.0, 4.0])
    assert calibrate.weighted_quantile(x, np.ones(4) / 4, 0.5) == pytest.approx(2.5)
    # all the weight on one value
    assert calibrate.weighted_quantile(x, np.array([0, 0, 1.0, 0]), 0.05) == 2.0
    # a proposal far from the old particles weighs more than one among them (1 / density)
    old = np.array([[0.0], [0.1]])
    w = calibrate.kernel_weights(np.array([[0.05], [0.6]]), old, np.array([0.5, 0.5]),
                                 np.array([[0.04]]))
    assert w.sum() == pytest.approx(1) and w[1] > w[0]
    theta = np.linspace(0, 1, 300)[:, None] * np.array([[1.0, 10.0]])
    lines = calibrate.points_lines([("a.b", 0, 1, "real"), ("c.d", 0, 10, "duration")], theta)
    assert max(map(len, lines)) <= calibrate.LINE_MAX
    assert sum(ln.count(",") + 1 for ln in lines if ln.startswith("c.d")) == 300


def test_coverage_of_known_parameters():
    """Two parameters recovered from figures the model produced at known values: the true
    value inside the 90% credible interval in at least 80% of the repeats, for each."""
    sys.path.insert(0, str(ROOT / "tests" / "calibrate"))
    import coverage
    repeats = int(os.environ.get("GOVSIM_COVERAGE_REPEATS", "3"))
    res = coverage.coverage(str(govsim_binary()), repeats, particles=30, generations=3,
                            say=lambda s: None)
    for j, (key, _, _) in enumerate(coverage.PARAMS):
        inside = sum(r[j][4] for r in res)
        assert inside >= 0.8 * repeats, (key, [r[j] for r in res])


class ToyRunner:
    """A model whose figure is the parameter plus Gaussian noise of sd 0.05."""

    def __init__(self, seed, noise=0.05, ignore=False):
        self.rng = np.random.default_rng(seed)
        self.noise, self.ignore, self.runs = noise, ignore, 0

    def simulate(self, params, theta):
        self.runs += len(theta)
        x = np.zeros(len(theta)) if self.ignore else theta[:, 0]
        return (x + self.noise * self.rng.standard_normal(len(theta)))[:, None]


def test_abc_smc_known_posterior():
    """With a uniform prior on [0, 1] and a figure 0.3 +- 0.05 of a model x = a + N(0, 0.05),
    the exact posterior of a is about N(0.3, 0.05) (its likelihood's width: the stated
    uncertainty only scales the distance); ABC-SMC's approaches it as the tolerance
    shrinks."""
    figs = [calibrate.Figure("x", 0.3, 0.05, 0.0, None, "toy:1", "")]
    params = [("a", 0.0, 1.0, "real")]
    gens = calibrate.abc_smc(ToyRunner(1), params, figs, 400, 7, 0.5,
                             np.random.default_rng(2), lambda *a, **k: None)
    assert len(gens) == 7
    tol = [g["tolerance"] for g in gens]
    assert all(b < a for a, b in zip(tol, tol[1:]))
    post = calibrate.summary(gens[-1], params)["a"]
    assert abs(post["mean"] - 0.3) < 0.02, post
    assert 0.04 < post["sd"] < 0.065, post
    assert post["q05"] < 0.3 < post["q95"]
    # the prior generation is as wide as the prior
    assert calibrate.summary(gens[0], params)["a"]["sd"] > 0.2


def test_abc_smc_stops_when_the_tolerance_is_out_of_reach():
    """A model that ignores its parameter: a tolerance at the 1% quantile keeps fewer than
    1 in 40 runs, so the generation stops at its budget and the last whole one is kept."""
    figs = [calibrate.Figure("x", 0.0, 0.05, 0.0, None, "toy:1", "")]
    said = []
    runner = ToyRunner(3, ignore=True)
    gens = calibrate.abc_smc(runner, [("a", 0.0, 1.0, "real")], figs, 50, 4, 0.01,
                             np.random.default_rng(4), lambda g, i, **k: said.append((i, k)))
    assert len(gens) < 4
    assert said[-1][1]["runs"] == calibrate.RUNS_PER_PARTICLE * 50
