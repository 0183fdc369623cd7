"""Where each regime wins: the grid's paired differences, winners and page
(analysis/regimes.py)."""
import json
import math
import os
import subprocess

import numpy as np
import pytest

from analysis import regimes

from conftest import ROOT, govsim_binary

SCENARIO = """; a small grid for the regimes tests
[simulation]
seed = 3
duration = 2y
replications = 3

[population]
citizens = 300

[workforce]
teams = 1
workers_per_team = 2

[output]
interval = 30d

[class.casework]
need_rate = 1.2

[arm.npm]
preset = npm

[arm.hls]
preset = hls

[sweep]
class.casework.complexity_mean = 1, 4
service.time_target = 3d, 20d
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("regimes")
    (d / "s.ini").write_text(SCENARIO)
    out = d / "s.h5"
    subprocess.run([str(govsim_binary()), "run", str(d / "s.ini"), "-o", str(out), "-q"],
                   check=True)
    return str(out)


def test_grid_is_the_paired_difference(result):
    from analysis import data, stats
    g = regimes.grid(result)
    assert g["horizons"] == [1, 2] and len(g["points"]) == 4 and g["replications"] == 3
    ds = data.load(result)
    arm = ds["arm"].values.astype(str)
    point = ds["sweep_point"].values
    rep = ds["replication"].values
    time = ds["time"].values
    for metric, better, _ in regimes.OUTCOMES:
        o = g["outcomes"][metric]
        for hi, h in enumerate(g["horizons"]):
            n = int(np.searchsorted(time, h * 365.0, side="right"))
            whole = data.over(ds.isel(time=slice(0, n)), metric).values
            for p in range(4):
                a = {r: v for r, v, x, q in zip(rep, whole, arm, point) if x == "npm" and q == p}
                b = {r: v for r, v, x, q in zip(rep, whole, arm, point) if x == "hls" and q == p}
                d = np.array([b[r] - a[r] for r in sorted(a)])
                d = d[np.isfinite(d)]
                assert o["mean"][p][hi] == pytest.approx(d.mean(), rel=1e-12, abs=1e-12)
                half = stats.t_ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
                assert o["half"][p][hi] == pytest.approx(half, rel=1e-9, abs=1e-12)
                m = d.mean()
                want = ("hls" if better > 0 else "npm") if m - half > 0 else \
                    ("npm" if better > 0 else "hls") if m + half < 0 else ""
                assert o["winner"][p][hi] == want
    s = regimes.shares(g, "needs_met", 1)
    assert sum(s.values()) == pytest.approx(1.0)


def test_page_blocks_and_their_check(result, tmp_path, monkeypatch):
    g = regimes.grid(result)
    kinds = {"one": {"label": "one kind", "horizon": 1,
                     "point": {"class.casework.complexity_mean": 4,
                               "service.time_target": 20}}}
    res = {"grid": g, "kinds": kinds, "uncertainty": {}, "fingerprint": regimes.fingerprint()}
    page = tmp_path / "p.md"
    page.write_text("# t\n" + "".join(f"<!-- regimes:{n} -->\nold\n<!-- /regimes:{n} -->\n"
                                      for n in ("shares", "kinds", "uncertainty", "measure")))
    assert set(regimes.write_page(str(page), res)) == {"shares", "kinds", "uncertainty",
                                                       "measure"}
    text = page.read_text()
    assert "| needs met | 1 y |" in text and "| one kind | needs met |" in text
    js = tmp_path / "r.json"
    js.write_text(json.dumps(res))
    assert regimes.check_page(str(page), str(js)) == []
    page.write_text(text.replace("| needs met | 1 y |", "| needs met | 9 y |"))
    assert regimes.check_page(str(page), str(js)) == ["shares"]
    res["fingerprint"]["analysis/regimes.py"] = "0" * 64
    js.write_text(json.dumps(res))
    assert "analysis/regimes.py changed since `make regimes`" in \
        regimes.check_page(str(page), str(js))


def test_the_shipped_page_is_its_results():
    page = os.path.join(ROOT, "docs", "experiments", "where_each_regime_wins.md")
    js = os.path.join(ROOT, "docs", "experiments", "where_each_regime_wins.json")
    assert regimes.check_page(page, js) == []
