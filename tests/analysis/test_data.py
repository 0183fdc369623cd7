"""analysis.data on small real runs of govsim: load, provenance, summary, paired.

The whole-run numbers must equal the comparison table `govsim run` prints
for the same file, to the table's printed precision.
"""
import math
import shutil

import h5py
import numpy as np
import pytest

import analysis
from analysis import data

from conftest import SMALL, parse_paired, parse_table, parse_tables, run_govsim

ARMS = ["npm", "hls", "none"]


def test_load(small_ds):
    ds = small_ds
    assert ds.sizes["run"] == 9 and ds.sizes["time"] == 120
    assert analysis.arms(ds) == ARMS
    assert ds["needs_met"].dims == ("run", "time")
    assert ds["time"].dtype == np.float64  # days, not timedelta64
    assert float(ds["time"][-1]) == 120.0
    assert analysis.run_coords(ds)[:3] == ["arm", "replication", "seed"]
    assert analysis.group_keys(ds) == ["arm"]  # not replication, seed, done or digest


def test_load_some_metrics(small_path, small_ds):
    """load_metrics() reads those metrics and what their aggregation names, and gives
    the same whole-run values as the whole file; an unknown name loads everything."""
    few = data.load_metrics(small_path, ["needs_met", "failure_demand_share",
                                          "cost_per_need_met"])
    assert "wellbeing_mean" not in few and "needs_met" in few
    assert len(few.data_vars) < len(small_ds.data_vars) / 3
    assert analysis.run_coords(few) == analysis.run_coords(small_ds)
    for m in ("needs_met", "failure_demand_share", "cost_per_need_met"):
        np.testing.assert_array_equal(data.over(few, m).values, data.over(small_ds, m).values)
    everything = data.load_metrics(small_path, ["no_such_metric"])
    assert len(everything.data_vars) == len(small_ds.data_vars)


def test_provenance(small_path):
    prov = analysis.provenance(small_path)
    for key in ("govsim_version", "git_revision", "seed", "created", "command_line",
                "scenario_name", "scenario"):
        assert key in prov, key
    assert prov["seed"] == 20261123 and isinstance(prov["seed"], int)
    assert "[arm.npm]" in prov["scenario"]
    assert "--set population.citizens=2000" in prov["command_line"]
    assert list(prov["parameters"]) == ARMS
    assert prov["parameters"]["hls"]["service.time_target"] == "10d"
    assert prov["parameters"]["npm"]["population.citizens"] == "2000"
    assert analysis.time_target(prov) == {a: 10.0 for a in ARMS}


def test_parse_duration():
    assert analysis.parse_duration("10d") == 10.0
    assert analysis.parse_duration("240min") == pytest.approx(240 / 1440)
    assert analysis.parse_duration("1.5h") == pytest.approx(1.5 / 24)
    assert analysis.parse_duration("2w") == 14.0
    assert analysis.parse_duration("1y") == 365.0
    for bad in ("10", "d", "3 parsecs", ""):
        with pytest.raises(ValueError):
            analysis.parse_duration(bad)


def test_matches_the_c_table(small_run, small_ds):
    _, stdout = small_run
    arms, rows = parse_table(stdout)
    assert arms == ARMS
    table = analysis.comparison_table(small_ds)
    assert list(table.columns) == ARMS
    assert list(table.index) == [label for _, label, _ in analysis.outcomes_of(small_ds)]
    assert list(rows) == list(table.index)
    for label, cells in rows.items():
        assert "+-" in cells[0]
        assert table.loc[label].tolist() == cells, label


def test_matches_the_c_paired_table(small_run, small_ds):
    _, stdout = small_run
    arms, rows = parse_paired(stdout)
    assert arms == ARMS[1:]
    table = analysis.paired_table(small_ds)
    assert list(table.columns) == arms
    for label, cells in rows.items():
        assert table.loc[label].tolist() == cells, label


def test_matches_the_c_table_one_replication(tmp_path):
    path = tmp_path / "one.h5"
    stdout = run_govsim(path, *SMALL, "--set", "simulation.duration=60d", "--seed", "11")
    arms, rows = parse_table(stdout)
    ds = analysis.load(path)
    table = analysis.comparison_table(ds)
    for label, cells in rows.items():
        assert "+-" not in cells[0]
        assert table.loc[label].tolist() == cells, label
    arms, rows = parse_paired(stdout)
    table = analysis.paired_table(ds)
    for label, cells in rows.items():
        assert "+-" not in cells[0]
        assert table.loc[label].tolist() == cells, label


def test_summary(small_ds):
    ds = small_ds
    s = analysis.summary(ds, "needs_met")
    assert list(s.index) == ARMS and s.index.name == "arm"
    assert list(s.columns) == ["mean", "sd", "n", "ci_low", "ci_high", "ci_half"]
    per_run = ds["needs_met"].sum("time").values
    hls = per_run[ds["arm"].values == "hls"]
    assert s.loc["hls", "mean"] == pytest.approx(hls.mean())
    assert s.loc["hls", "sd"] == pytest.approx(hls.std(ddof=1))
    assert s.loc["hls", "n"] == 3
    half = 4.30265273 * hls.std(ddof=1) / math.sqrt(3)
    assert s.loc["hls", "ci_low"] == pytest.approx(hls.mean() - half, rel=1e-8)
    assert s.loc["hls", "ci_high"] == pytest.approx(hls.mean() + half, rel=1e-8)

    # the whole-run rules, run by run
    r = data.per_run(ds, "failure_demand_share").values
    f, v = ds["contacts_failure"].sum("time").values, ds["contacts_value"].sum("time").values
    assert np.allclose(r, f / (f + v))
    r = data.per_run(ds, "within_target_recorded").values
    w, x = ds["cases_measured"].values, ds["within_target_recorded"].values
    assert np.allclose(r, np.nansum(np.where(w > 0, x * w, 0), 1) / w.sum(1))
    r = data.per_run(ds, "cost_per_need_met").values
    met = (ds["needs_met"] - ds["needs_met_self"]).sum("time").values
    assert np.allclose(r, ds["cost_total"].sum("time").values / met)
    assert np.allclose(data.per_run(ds, "wellbeing_mean").values,
                       ds["wellbeing_mean"].mean("time").values)
    assert np.allclose(data.per_run(ds, "trust_end").values, ds["trust_mean"][:, -1].values)
    assert np.allclose(data.per_run(ds, "queue_length_end").values,
                       ds["queue_length"][:, -1].values)


def test_summary_at_a_time(small_ds):
    ds = small_ds
    s = analysis.summary(ds, "trust_mean", at=30)
    want = ds["trust_mean"].sel(time=30.0).values[ds["arm"].values == "npm"]
    assert s.loc["npm", "mean"] == pytest.approx(want.mean())
    # a time inside an interval takes the interval that contains it
    s2 = analysis.summary(ds, "trust_mean", at=29.5)
    assert s2.loc["npm", "mean"] == s.loc["npm", "mean"]
    for bad in (0, -1, 121):
        with pytest.raises(ValueError):
            analysis.summary(ds, "trust_mean", at=bad)
    with pytest.raises(KeyError):
        analysis.summary(ds, "no_such_metric")


def test_summary_by_class(small_ds):
    s = analysis.summary(small_ds, "needs_met_by_class")
    assert s.index.names == ["arm", "class"]
    assert s.loc[("hls", "casework"), "mean"] == pytest.approx(
        analysis.summary(small_ds, "needs_met").loc["hls", "mean"])


def test_paired(small_ds):
    ds = small_ds
    p = analysis.paired(ds, "needs_met", base_arm="npm")
    assert list(p.index) == ["hls", "none"]
    per_run = ds["needs_met"].sum("time").values
    arm, rep = ds["arm"].values, ds["replication"].values
    base = {r: v for a, r, v in zip(arm, rep, per_run) if a == "npm"}
    d = np.array([v - base[r] for a, r, v in zip(arm, rep, per_run) if a == "hls"])
    assert p.loc["hls", "n"] == 3
    assert p.loc["hls", "mean"] == pytest.approx(d.mean())
    half = 4.30265273 * d.std(ddof=1) / math.sqrt(3)
    assert p.loc["hls", "ci_low"] == pytest.approx(d.mean() - half, rel=1e-8)
    # the default base is the first arm
    assert analysis.paired(ds, "needs_met").equals(p)
    q = analysis.paired(ds, "needs_met", "hls")
    assert list(q.index) == ["npm", "none"]
    assert q.loc["npm", "mean"] == pytest.approx(-d.mean())
    with pytest.raises(ValueError, match="no arm 'xyz'"):
        analysis.paired(ds, "needs_met", "xyz")


def test_sweep_coordinates_are_run_coordinates(small_path, tmp_path):
    """Any 1-D variable on run (here a sweep value) groups runs and pairs them."""
    path = tmp_path / "sweep.h5"
    shutil.copy(small_path, path)
    with h5py.File(path, "r+") as f:
        # per arm: replication 0 at learning_time 0; replications 1, 2 become 0, 1 at 0.1
        sweep = np.tile([0.0, 0.1, 0.1], 3)
        d = f.create_dataset("sweep.regime.learning_time", data=sweep)
        d.dims[0].attach_scale(f["run"])
        f["replication"][...] = np.tile([0, 0, 1], 3).astype(np.int32)
    ds = analysis.load(path)
    assert analysis.run_coords(ds)[-1] == "sweep.regime.learning_time"
    s = analysis.summary(ds, "needs_met")
    assert s.index.names == ["arm", "sweep.regime.learning_time"]
    assert s["n"].tolist() == [1, 2] * 3
    assert analysis.summary(ds, "needs_met", by="arm")["n"].tolist() == [3, 3, 3]
    p = analysis.paired(ds, "needs_met")
    assert list(p.index) == [("hls", 0.0), ("hls", 0.1), ("none", 0.0), ("none", 0.1)]
    assert p["n"].tolist() == [1, 2, 1, 2]
    assert analysis.paired(ds, "needs_met", by="arm")["n"].tolist() == [3, 3]


GRID = """include = {root}/scenarios/default.ini

[sweep]
regime.learning_time = 0, 0.1
"""


def test_a_real_sweep_matches_govsim_compare(tmp_path):
    """Per sweep point, summary() and paired() give the numbers of `govsim compare`."""
    from conftest import ROOT, govsim_binary
    import subprocess
    ini = tmp_path / "grid.ini"
    ini.write_text(GRID.format(root=ROOT))
    path = tmp_path / "grid.h5"
    stdout = run_govsim(path, "--set", "population.citizens=500", "--set",
                        "simulation.duration=60d", "--set", "simulation.replications=3",
                        scenario=str(ini))
    ds = analysis.load(path)
    assert "sweep.regime.learning_time" in analysis.run_coords(ds)
    keys = analysis.group_keys(ds)
    assert keys[0] == "arm" and "sweep.regime.learning_time" in keys
    # the table of `govsim run` pools every point
    arms, rows = parse_table(stdout)
    table = analysis.comparison_table(ds)
    for label, cells in rows.items():
        assert table.loc[label].tolist() == cells, label
    # `govsim compare` gives a table per point
    out = subprocess.run([str(govsim_binary()), "compare", str(path)], capture_output=True,
                         text=True, check=True).stdout
    tables = parse_tables(out)
    assert len(tables) == 4  # two points: outcomes and paired differences each
    for point, value in enumerate([0.0, 0.1]):
        runs = ds.sel(run=ds["sweep.regime.learning_time"] == value)
        _, arms, rows = tables[2 * point]
        table = analysis.comparison_table(runs)
        for label, cells in rows.items():
            assert table.loc[label].tolist() == cells, (point, label)
        _, arms, rows = tables[2 * point + 1]
        table = analysis.paired_table(runs)
        for label, cells in rows.items():
            assert table.loc[label].tolist() == cells, (point, label)
        s = analysis.summary(ds, "needs_met")
        assert s.xs(value, level="sweep.regime.learning_time")["n"].tolist() == [3, 3, 3]


def test_runs_not_done_have_no_value(small_path, tmp_path):
    path = tmp_path / "partial.h5"
    shutil.copy(small_path, path)
    with h5py.File(path, "r+") as f:
        assert "done" in f, "govsim writes a done flag for every run"
        f["done"][4] = 0  # hls, replication 1
    ds = analysis.load(path)
    assert np.isnan(data.per_run(ds, "needs_met").values[4])
    s = analysis.summary(ds, "needs_met")
    assert s["n"].tolist() == [3, 2, 3]
    assert analysis.paired(ds, "needs_met")["n"].tolist() == [2, 3]


def test_check_file(small_path, tmp_path):
    analysis.check_file(small_path)
    with pytest.raises(FileNotFoundError):
        analysis.check_file(tmp_path / "missing.h5")
    text = tmp_path / "x.h5"
    text.write_text("not hdf5")
    with pytest.raises(analysis.GovsimFileError, match="not an HDF5 file"):
        analysis.check_file(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(analysis.GovsimFileError, match="not a govsim result file"):
        analysis.check_file(other)
