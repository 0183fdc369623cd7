"""govsim uncertainty: the difference between two arms over the plausible space
(analysis/uncertainty.py)."""
import subprocess

import h5py
import numpy as np
import pytest

from analysis import uncertainty

from conftest import ROOT, govsim_binary

SCENARIO = """; a small service for uncertainty's tests
[simulation]
seed = 7
duration = 60d
replications = 2

[population]
citizens = 400

[workforce]
teams = 2
workers_per_team = 3

[arm.npm]
preset = npm

[arm.hls]
preset = hls
workforce.learning_rate = 0.006

[arm.none]
preset = none

[event.switch]
at = 30d
arms = hls, none
regime.discretion = 0.5
"""


def table():
    return uncertainty.parameter_table(str(govsim_binary()))


def test_the_table_gives_plausible_ranges():
    t = table()
    assert uncertainty.plausible(t["population.wellbeing_time"]) == (7.0, 90.0)
    assert uncertainty.plausible(t["population.citizens"]) is None
    assert t["population.strengths_mean"]["scope"] == "scenario"


def test_choose_leaves_out_what_cannot_be_uncertain():
    t = table()
    a = {"workforce.learning_rate": "0.004", "population.trust_learning": "0.2",
         "workforce.stress_rate": "0.02"}
    b = dict(a, **{"workforce.learning_rate": "0.006"})
    chosen, left = uncertainty.choose(t, {"npm": a, "hls": b}, ("npm", "hls"))
    keys = [c[0] for c in chosen]
    assert "population.trust_learning" in keys and "workforce.stress_rate" in keys
    assert "the arms set it differently" in left["workforce.learning_rate"]
    assert "whole scenario" in left["population.strengths_mean"]
    assert "no plausible range" in left["regime.discretion"]
    assert not any(k.startswith("class.") for k in keys)
    # named: each must qualify
    chosen, _ = uncertainty.choose(t, {"npm": a, "hls": b}, ("npm", "hls"),
                                   ["workforce.stress_rate"])
    assert chosen == [("workforce.stress_rate", 0.005, 0.1, "real")]
    for key, msg in [("workforce.learning_rate", "set it differently"),
                     ("population.strengths_mean", "whole scenario"),
                     ("workforce.stres_rate", "did you mean 'workforce.stress_rate'")]:
        with pytest.raises(uncertainty.UncertaintyError, match=msg):
            uncertainty.choose(t, {"npm": a, "hls": b}, ("npm", "hls"), [key])


def test_design_scenario(tmp_path):
    base = tmp_path / "s.ini"
    base.write_text(SCENARIO)
    params = [("population.wellbeing_time", 7.0, 90.0, "duration"),
              ("workforce.stress_rate", 0.005, 0.1, "real")]
    text = uncertainty.design_scenario(str(base), ("npm", "hls"), params, 4)
    assert "[arm.none]" not in text and "arms = hls\n" in text
    assert text.endswith("[sweep]\ndesign = saltelli\nsamples = 4\n"
                         "population.wellbeing_time = 7d:90d\n"
                         "workforce.stress_rate = 0.005:0.1\n")
    gen = tmp_path / "gen.ini"
    gen.write_text(text)
    out = subprocess.run([str(govsim_binary()), "check", str(gen)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert "2 arms" in out.stdout and "16 sweep points" in out.stdout
    swept = tmp_path / "swept.ini"
    swept.write_text(SCENARIO + "\n[sweep]\nregime.discretion = 0:1:0.5\n")
    with pytest.raises(uncertainty.UncertaintyError, match="without a \\[sweep\\]"):
        uncertainty.design_scenario(str(swept), ("npm", "hls"), params, 4)
    with pytest.raises(uncertainty.UncertaintyError, match="no arm 'nosuch'"):
        uncertainty.design_scenario(str(base), ("npm", "nosuch"), params, 4)


def test_bad_input(tmp_path):
    base = tmp_path / "s.ini"
    base.write_text(SCENARIO)
    govsim = str(govsim_binary())
    for args, msg in [
        (["--arms", "npm"], "name two different arms"),
        (["--arms", "npm,hls", "--samples", "1"], "--samples 1: from 2"),
        (["--arms", "npm,hls", "--params", "workforce.learning_rate"], "set it differently"),
        (["--arms", "npm,nosuch"], "no arm 'nosuch'"),
    ]:
        out = subprocess.run([govsim, "uncertainty", str(base)] + args
                             + ["-o", str(tmp_path / "o.h5")], capture_output=True, text=True)
        assert out.returncode == 2, (args, out.stderr)
        assert msg in out.stderr and out.stderr.count("\n") == 1, out.stderr
        assert not (tmp_path / "o.h5").exists()


def test_uncertainty_end_to_end(tmp_path):
    """Two parameters on a small service: the probability and the distribution are those
    of the paired differences recomputed from the runs, the indices are the Saltelli
    estimates of that difference, and the report draws them."""
    base = tmp_path / "s.ini"
    base.write_text(SCENARIO)
    out = tmp_path / "u.h5"
    govsim = str(govsim_binary())
    params = "workforce.stress_rate,population.trust_learning"
    r = subprocess.run([govsim, "uncertainty", str(base), "--arms", "npm,hls", "--params",
                        params, "--samples", "4", "--metric", "needs_met", "--metric",
                        "cost_per_need_met", "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "needs_met: hls - npm over the plausible space (8 points)" in r.stdout
    assert "P(hls better than npm)" in r.stdout
    got = uncertainty.read(str(out))
    assert got["parameters"] == params.split(",")
    # recompute: the paired difference at each A and B point, mean over replications
    from analysis import data
    with h5py.File(out) as f:
        arm = f["arm"].asstr()[()]
        matrix = f["design_matrix"][()]
        row = f["design_row"][()]
        sweep = f["sweep.workforce.stress_rate"][()]
        assert sweep.min() >= 0.005 and sweep.max() <= 0.1
        # no stock among the metrics: each run is one output interval
        assert f["time"].shape == (1,)
    assert "each run one output interval" in r.stderr
    ds = data.load(str(out))
    for metric, better in (("needs_met", 1), ("cost_per_need_met", -1)):
        whole = data.over(ds, metric).transpose("run").values
        d = []
        for m in (0, 1):
            for i in range(4):
                at = (matrix == m) & (row == i)
                d.append(whole[at & (arm == "hls")].mean() - whole[at & (arm == "npm")].mean())
        d = np.array(d)
        g = got["metrics"][metric]
        assert sorted(g["difference"]) == pytest.approx(sorted(d), rel=1e-12)
        assert g["probability"] == pytest.approx(np.mean(better * d > 0))
        assert g["mean"] == pytest.approx(d.mean(), rel=1e-12)
        assert g["direction"] == "better"
        assert set(g["ST"]) == set(params.split(","))
    r = subprocess.run([govsim, "report", str(out), "-o", str(tmp_path / "r.html")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "r.html").read_text()
    assert "How sure" in page and page.count("<img") == 2
    assert "P(hls better than npm)" in page
    assert not (tmp_path / "u-uncertainty-runs.h5").exists()
    r = subprocess.run([govsim, "uncertainty", str(base), "--arms", "npm,hls", "--params",
                        params, "--samples", "4", "-o", str(out)], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "use --force" in r.stderr
