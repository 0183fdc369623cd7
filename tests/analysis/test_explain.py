"""govsim explain: Shapley attribution of a difference between arms to mechanisms
(analysis/explain.py)."""
import itertools
import subprocess

import h5py
import numpy as np
import pytest

from analysis import explain

from conftest import ROOT, govsim_binary


def toy(s):
    """An additive toy with one interaction: players 0, 1, 2; 0 and 1 interact."""
    return np.array([1.0 * (0 in s) + 2.0 * (1 in s) + 4.0 * (2 in s)
                     + 3.0 * (0 in s and 1 in s) + 0.5])


def test_exact_shapley_matches_the_closed_form():
    v = {s: toy(s) for s in explain.exact_configs(3)}
    phi = explain.shapley_exact(v, 3)[:, 0]
    # each player's own effect, and half the interaction to each of the two that share it
    assert phi == pytest.approx([1.0 + 1.5, 2.0 + 1.5, 4.0])
    # efficiency: the values add up to v(all) - v(none)
    assert phi.sum() == pytest.approx(toy({0, 1, 2})[0] - toy(set())[0])


def test_every_order_sampled_gives_the_exact_values():
    orders = [list(o) for o in itertools.permutations(range(3))]
    configs = explain.order_configs(orders)
    assert len(configs) == 8 and configs[0] == frozenset()
    v = {s: toy(s) for s in configs}
    per_order = explain.shapley_sampled(v, orders, 3)
    assert per_order.mean(axis=(0, 2)) == pytest.approx([2.5, 3.5, 4.0])
    # each order's contributions add up to the same total
    assert per_order.sum(axis=1)[:, 0] == pytest.approx([10.0] * 6)


def test_sampled_orders_converge():
    k = 12
    w = np.arange(1, k + 1, dtype=float)

    def val(s):
        return np.array([sum(w[i] for i in s) + (5.0 if {0, 1} <= set(s) else 0.0)])

    orders = explain.sampled_orders(k, 400, seed=1)
    v = {s: val(s) for s in explain.order_configs(orders)}
    phi = explain.shapley_sampled(v, orders, k).mean(axis=(0, 2))
    want = w.copy()
    want[:2] += 2.5
    assert phi == pytest.approx(want, abs=0.35)
    assert phi.sum() == pytest.approx(want.sum())


SCENARIO = """; a small service for explain's tests
[simulation]
seed = 5
duration = 60d
replications = 2

[population]
citizens = 600

[workforce]
teams = 2
workers_per_team = 3

[arm.npm]
preset = npm

[arm.hls]
preset = hls
regime.learning_time = 0.2

[arm.none]
preset = none

[event.switch]
at = 30d
arms = hls, none
regime.discretion = 0.5
"""


def test_configurations_scenario(tmp_path):
    base = tmp_path / "base.ini"
    base.write_text(SCENARIO)
    top = tmp_path / "top.ini"
    top.write_text("include = base.ini\n[population]\ncitizens = 500\n")
    players = [("learning", ["learning", "forgetting"]), ("effort", ["effort"])]
    configs = [frozenset(), frozenset({"learning"})]
    text, names = explain.configurations_scenario(str(top), "npm", "hls", players, configs)
    assert "[arm.npm]" not in text and "[arm.none]" not in text and "include" not in text
    assert names[(1, "b")] == "x00001b"
    block = text.split("[arm.x00000b]\n")[1].split("[arm.")[0]
    assert "preset = hls\nregime.learning_time = 0.2\n" in block
    assert all(f"mechanism.{m} = off" in block for m in ("learning", "forgetting", "effort"))
    block = text.split("[arm.x00001a]\n")[1].split("[arm.")[0]
    assert "mechanism.learning = off" not in block and "mechanism.effort = off" in block
    # the event goes to the hls arms only, and the included value is overridden after it
    assert "arms = x00000b, x00001b" in text
    assert text.index("citizens = 600") < text.index("citizens = 500")
    gen = tmp_path / "gen.ini"
    gen.write_text(text)
    out = subprocess.run([str(govsim_binary()), "check", str(gen)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert "4 arms" in out.stdout


def test_bad_input(tmp_path):
    base = tmp_path / "base.ini"
    base.write_text(SCENARIO)
    with pytest.raises(explain.ExplainError, match="no arm 'nosuch'"):
        explain.configurations_scenario(str(base), "npm", "nosuch", [("effort", ["effort"])],
                                        [frozenset()])
    swept = tmp_path / "swept.ini"
    swept.write_text(SCENARIO + "\n[sweep]\nregime.discretion = 0:1:0.5\n")
    with pytest.raises(explain.ExplainError, match="without a \\[sweep\\]"):
        explain.configurations_scenario(str(swept), "npm", "hls", [("effort", ["effort"])],
                                        [frozenset()])
    govsim = str(govsim_binary())
    for args, msg in [
        (["--arms", "npm"], "name two different arms"),
        (["--arms", "npm,hls", "--players", "learnin"], "did you mean 'learning'?"),
        (["--arms", "npm,hls", "--group", "x=effort", "--players", "effort,x"],
         "belongs to two players"),
    ]:
        out = subprocess.run([govsim, "explain", str(base)] + args + ["-o",
                             str(tmp_path / "o.h5")], capture_output=True, text=True)
        assert out.returncode == 2, (args, out.stderr)
        assert msg in out.stderr and out.stderr.count("\n") == 1
        assert not (tmp_path / "o.h5").exists()


def test_explain_end_to_end(tmp_path):
    """Two players on a small service: the contributions add up to the total difference
    less the base, the file holds the runs and the attribution, and an existing file
    is kept without --force."""
    base = tmp_path / "s.ini"
    base.write_text(SCENARIO)
    out = tmp_path / "e.h5"
    govsim = str(govsim_binary())
    r = subprocess.run([govsim, "explain", str(base), "--arms", "npm,hls", "--players",
                        "learning,effort", "--metric", "needs_met", "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "needs_met: hls - npm = " in r.stdout and "learning" in r.stdout
    with h5py.File(out) as f:
        g = f["explain"]
        assert [p.decode() for p in g["player"][()]] == ["learning", "effort"]
        assert g["configuration"].shape == (4, 2)
        h = g["needs_met"]
        total, base_ = h.attrs["total"], h.attrs["base"]
        assert h["contribution"][()].sum() == pytest.approx(total - base_, rel=1e-12, abs=1e-9)
        arms = f["arm"][()].astype(str)
        assert len(arms) == 4 * 2 * 2
    # v(all) is the arms' difference as the scenario runs them (the same seeds)
    from analysis import data
    plain = tmp_path / "plain.h5"
    subprocess.run([govsim, "run", str(base), "-o", str(plain), "--quiet"], check=True)
    ds = data.load(str(plain))
    whole = data.over(ds, "needs_met").transpose("run").values
    arm = np.asarray(ds["arm"].values).astype(str)
    assert (whole[arm == "hls"] - whole[arm == "npm"]).mean() == pytest.approx(total, rel=1e-12)
    # the report of the file is the attribution: a table and a waterfall per metric
    r = subprocess.run([govsim, "report", str(out), "-o", str(tmp_path / "r.html")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "r.html").read_text()
    assert "Why the arms differ" in page and "total (hls \u2212 npm)" in page
    assert page.count("<img") == 1 and "Comparison of arms" not in page
    assert not (tmp_path / "e-explain-runs.h5").exists()
    assert (tmp_path / "e-explain.ini").exists()
    r = subprocess.run([govsim, "explain", str(base), "--arms", "npm,hls", "--players",
                        "effort", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "use --force" in r.stderr


def test_one_interval_unless_a_stock(tmp_path):
    """Without a stock among the metrics each run is one output interval, and the
    attribution equals that of the scenario's own interval (--series); a stock keeps
    the scenario's interval; a metric govsim does not write is refused before any run."""
    base = tmp_path / "s.ini"
    base.write_text(SCENARIO)
    govsim = str(govsim_binary())
    metrics = ["--metric", "within_target_true", "--metric", "cost_per_need_met"]
    files = {}
    for name, extra in [("one", []), ("series", ["--series"]),
                        ("stock", ["--metric", "wellbeing_mean"])]:
        out = tmp_path / f"{name}.h5"
        r = subprocess.run([govsim, "explain", str(base), "--arms", "npm,hls", "--players",
                            "learning,effort", "-o", str(out)] + metrics + extra,
                           capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
        assert ("each run one output interval" in r.stderr) == (name == "one")
        files[name] = out
    with h5py.File(files["one"]) as f:
        assert f["time"].shape == (1,)
    with h5py.File(files["series"]) as f:
        assert f["time"].shape[0] > 1
        n_time = f["time"].shape[0]
    with h5py.File(files["stock"]) as f:
        assert f["time"].shape == (n_time,)
    with h5py.File(files["one"]) as a, h5py.File(files["series"]) as b:
        for m in ("within_target_true", "cost_per_need_met"):
            x, y = a["explain"][m], b["explain"][m]
            assert x.attrs["total"] == pytest.approx(y.attrs["total"], rel=1e-9)
            np.testing.assert_allclose(x["contribution"][()], y["contribution"][()],
                                       rtol=1e-9, atol=1e-12)
    out = tmp_path / "bad.h5"
    r = subprocess.run([govsim, "explain", str(base), "--arms", "npm,hls", "--metric",
                        "needs_mett", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "did you mean 'needs_met'?" in r.stderr
    assert not out.exists() and not (tmp_path / "bad-explain.ini").exists()
