"""The HDF5 result file as xarray (h5netcdf), h5py and netCDF-C see it.

The file is the small ensemble of tests/sim/io/test_output.c, written by
`test_output --write PATH` (binary from $GOVSIM_TEST_OUTPUT, which `make
test-py` sets and builds: the tests fail if it is missing; run by hand
without the variable, build/tests/sim/io/test_output, skipped if missing):
arms "baseline" and "systems-thinking", two replications each, 5 output
intervals ending at days 1..5, bin edges 0, 10, 20, 30 days, demand classes
"easy" and "hard"; metric m of run r at time index t is r*1000 + m*10 + t +
0.25, except failure_demand_share, which is NaN at t = 0; class metric m of
run r, class c at time index t is r*10000 + c*1000 + m*10 + t + 0.5, except
time_to_close_true_mean, which is NaN for class "hard" at t = 0.
"""
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

from conftest import required_binary

ROOT = Path(__file__).resolve().parents[2]
ARMS = ["baseline", "baseline", "systems-thinking", "systems-thinking"]
CLASSES = ["easy", "hard"]
SEED_BASE = 0xF000000000000001
PROVENANCE_ATTRS = [
    "govsim_version", "git_revision", "compiler", "cflags", "gsl_version", "hdf5_version",
    "generator", "seed", "threads", "created", "command_line", "scenario_name",
    "scenario_path",
]


def metric_table():
    """(name, units) of every metric, in the order of sim/core/metrics.def."""
    text = (ROOT / "sim" / "core" / "metrics.def").read_text()
    return re.findall(r'^GS_METRIC\((\w+), "([^"]*)"', text, re.M)


def class_metric_table():
    """(name, units) of every per-class metric, in the order of sim/core/metrics.def."""
    text = (ROOT / "sim" / "core" / "metrics.def").read_text()
    return re.findall(r'^GS_CLASS_METRIC\((\w+), "([^"]*)"', text, re.M)


def expected(run, m, t):
    return run * 1000 + m * 10 + t + 0.25


def expected_by_class(run, m, c, t):
    return run * 10000 + c * 1000 + m * 10 + t + 0.5


@pytest.fixture(scope="module")
def result_file(tmp_path_factory):
    binary = required_binary("GOVSIM_TEST_OUTPUT", "build/tests/sim/io/test_output",
                             "make build/tests/sim/io/test_output")
    path = tmp_path_factory.mktemp("output") / "x.h5"
    run = subprocess.run([str(binary), "--write", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return path


@pytest.fixture(scope="module")
def ds(result_file):
    with xr.open_dataset(result_file, engine="h5netcdf") as d:
        yield d.load()


def days(values):
    """Values in days: floats, never timedelta64 (the file says "day", not "days")."""
    values = np.asarray(values)
    assert values.dtype == np.float64, values.dtype
    return values


def file_units(units):
    """The `units` attribute govsim writes for a unit of metrics.def: "days" as "day"."""
    return "day" if units == "days" else units


def test_plain_open_dataset_no_warning_no_timedelta(result_file):
    """README's one-liner: no warning at all, every variable floats (NaN stays NaN)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with xr.open_dataset(result_file, engine="h5netcdf") as d:
            d = d.load()
    decoded = [n for n in d.variables if np.issubdtype(d[n].dtype, np.timedelta64)
               or np.issubdtype(d[n].dtype, np.datetime64)]
    assert decoded == []
    for name in ("time", "bin", "bin_edges"):
        assert d[name].attrs["units"] == "day", name
    assert d["time"].values.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert d["bin_edges"].values.tolist() == [0.0, 10.0, 20.0, 30.0]
    tt = d["time_to_close_true_mean_by_class"].values
    assert tt.dtype == np.float64 and np.isnan(tt[:, 1, 0]).all()


def test_dimensions(ds):
    assert dict(ds.sizes) == {"run": 4, "time": 5, "class": 2, "bin": 3, "bin_edge": 4,
                              "team": 3}


def team_metric_table():
    """(name, units) of every per-team metric, in the order of sim/core/metrics.def."""
    text = (ROOT / "sim" / "core" / "metrics.def").read_text()
    return re.findall(r'^GS_TEAM_METRIC\((\w+), "([^"]*)"', text, re.M)


def test_every_team_metric_is_run_by_team_by_time(ds):
    """Per-team datasets: (run, team, time), team numbered from 0, values as written
    (test_output: run * 100000 + team * 1000 + metric * 10 + t + 0.75, NaN for team 2 of
    run 0, a run with fewer teams)."""
    table = team_metric_table()
    assert len(table) >= 10
    assert ds["team"].values.tolist() == [0, 1, 2]
    for m, (name, units) in enumerate(table):
        var = ds[f"{name}_by_team"]
        assert var.dims == ("run", "team", "time"), name
        assert var.attrs.get("units") == file_units(units), name
        assert var.attrs.get("description"), name
        assert np.isnan(var.values[0, 2]).all(), name
        assert var.values[3, 1, 4] == 3 * 100000 + 1 * 1000 + m * 10 + 4 + 0.75, name


def test_every_metric_is_run_by_time(ds):
    table = metric_table()
    assert len(table) > 20
    for name, units in table:
        var = ds[name]
        assert var.dims == ("run", "time"), name
        assert var.dtype == np.float64, name
        assert var.attrs.get("description"), name
        assert var.attrs.get("units") == file_units(units), name


def test_metric_values(ds):
    names = [n for n, _ in metric_table()]
    m = names.index("needs_met")
    for run in range(4):
        want = [expected(run, m, t) for t in range(5)]
        assert ds["needs_met"].sel(run=run).values.tolist() == want
    fd = ds["failure_demand_share"].values
    assert np.isnan(fd[:, 0]).all()
    assert fd[1, 1] == expected(1, names.index("failure_demand_share"), 1)


def test_every_class_metric_is_run_by_class_by_time(ds):
    table = class_metric_table()
    assert table
    for name, units in table:
        var = ds[f"{name}_by_class"]
        assert var.dims == ("run", "class", "time"), name
        assert var.dtype == np.float64, name
        assert var.attrs.get("description"), name
        assert var.attrs.get("units") == file_units(units), name
        assert set(var.coords) >= {"class", "arm", "replication", "seed"}, name


def test_class_coordinate(ds):
    assert "class" in ds.coords and "class" in ds.indexes
    assert ds["class"].dims == ("class",)
    names = ds["class"].values.tolist()
    assert names == CLASSES
    assert all(type(c) is str for c in names)


def test_class_metric_values(ds):
    names = [n for n, _ in class_metric_table()]
    m = names.index("needs_met")
    var = ds["needs_met_by_class"]
    for run in range(4):
        for c, cls in enumerate(CLASSES):
            want = [expected_by_class(run, m, c, t) for t in range(5)]
            assert var.sel({"run": run, "class": cls}).values.tolist() == want
    by_arm = var.sel({"class": "hard"}).groupby("arm").mean()
    assert by_arm.sizes == {"arm": 2, "time": 5}
    # a mean over no events is NaN
    tt = days(ds["time_to_close_true_mean_by_class"].values)
    assert np.isnan(tt[:, 1, 0]).all()
    assert not np.isnan(tt[:, 0, 0]).any()
    want = expected_by_class(3, names.index("time_to_close_true_mean"), 1, 1)
    assert tt[3, 1, 1] == pytest.approx(want, rel=1e-12)


def test_histograms(ds):
    for name in ("time_to_close_recorded_hist", "time_to_close_true_hist"):
        assert ds[name].dims == ("run", "bin")
        assert ds[name].attrs["units"] in ("cases", "needs")
        assert ds[name].attrs["description"]
    assert ds["time_to_close_true_hist"].values[2].tolist() == [20.5, 21.5, 22.5]
    assert ds["bin_edges"].dims == ("bin_edge",)
    assert "bin_edge" not in ds.variables  # a dimension without a coordinate variable
    assert days(ds["bin_edges"].values).tolist() == [0, 10, 20, 30]
    assert days(ds["bin"].values).tolist() == [0, 10, 20]


def test_time_coordinate(ds):
    assert ds["time"].dims == ("time",)
    assert days(ds["time"].values).tolist() == [1, 2, 3, 4, 5]
    assert "time" in ds.indexes and "run" in ds.indexes
    assert ds["run"].values.tolist() == [0, 1, 2, 3]


def test_run_coordinates(ds):
    for name in ("arm", "replication", "seed"):
        assert name in ds.coords, name
        assert ds[name].dims == ("run",), name
    arms = ds["arm"].values.tolist()
    assert arms == ARMS
    assert all(type(a) is str for a in arms)
    assert ds["replication"].values.tolist() == [0, 1, 0, 1]
    assert ds["seed"].dtype == np.uint64
    assert ds["seed"].values.tolist() == [SEED_BASE, SEED_BASE + 1, SEED_BASE, SEED_BASE + 1]
    # the coordinates travel with every metric, so arms can be grouped
    assert set(ds["needs_met"].coords) >= {"arm", "replication", "seed"}
    by_arm = ds["needs_met"].groupby("arm").mean()
    assert by_arm.sizes == {"arm": 2, "time": 5}


def test_root_attributes(ds):
    for name in ("govsim_version", "git_revision", "generator", "scenario_name"):
        assert isinstance(ds.attrs[name], str) and ds.attrs[name], name
    # the creation time is provenance only: results of the same run compare equal
    assert "created" not in ds.attrs
    assert ds.attrs["generator"] == "philox4x32-10"
    assert ds.attrs["scenario_name"] == "test"
    assert int(ds.attrs["seed"]) == 7


def test_provenance_group(result_file):
    with h5py.File(result_file, "r") as f:
        prov = f["provenance"]
        assert set(PROVENANCE_ATTRS) <= set(prov.attrs)
        for name in PROVENANCE_ATTRS:
            if name not in ("seed", "threads"):
                assert isinstance(prov.attrs[name], str), name
        assert prov.attrs["seed"] == 7
        assert prov.attrs["threads"] == 1
        assert prov.attrs["hdf5_version"].startswith("HDF5 1.")
        assert prov.attrs["scenario_path"] == "scenarios/test.ini"
        assert prov["scenario"].asstr()[()] == "[simulation]\nseed = 7\n"
        params = prov["parameters"]
        assert sorted(params) == ["baseline", "systems-thinking"]
        assert params["baseline"].attrs["regime.discretion"] == "0.2"
        assert params["systems-thinking"].attrs["regime.discretion"] == "0.8"
        for arm in params.values():
            assert arm.attrs["class.all.need_rate"] == "1"
            assert arm.attrs["simulation.tick"] == "1d"


def test_netcdf_c_reads_it(result_file):
    """netCDF-C (which crashes on arrays of fixed-length strings up to 4.9.0) reads every variable."""
    pytest.importorskip("netCDF4")
    code = (
        "import sys, netCDF4\n"
        "d = netCDF4.Dataset(sys.argv[1])\n"
        "print(list(d['arm'][:]), float(d['needs_met'][2, 0]), sorted(d.dimensions))\n"
        "print(list(d['class'][:]), float(d['needs_met_by_class'][2, 1, 0]),\n"
        "      d['needs_met_by_class'].dimensions)\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(result_file)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    names = [n for n, _ in class_metric_table()]
    by_class = expected_by_class(2, names.index("needs_met"), 1, 0)
    met = expected(2, [n for n, _ in metric_table()].index("needs_met"), 0)
    assert run.stdout.splitlines() == [
        f"{ARMS!r} {met} ['bin', 'bin_edge', 'class', 'run', 'team', 'time']",
        f"{CLASSES!r} {by_class} ('run', 'class', 'time')",
    ]


def test_a_missing_binary_fails_when_its_variable_is_set(monkeypatch, tmp_path):
    """`make test-py` names the binaries: one that is missing fails, never skips."""
    missing = tmp_path / "test_output"
    monkeypatch.setenv("GOVSIM_TEST_OUTPUT", str(missing))
    with pytest.raises(pytest.fail.Exception, match="GOVSIM_TEST_OUTPUT"):
        required_binary("GOVSIM_TEST_OUTPUT", "build/tests/sim/io/test_output", "make")
    # by hand, without the variable: a missing default skips
    monkeypatch.delenv("GOVSIM_TEST_OUTPUT")
    with pytest.raises(pytest.skip.Exception, match="is not set"):
        required_binary("GOVSIM_TEST_OUTPUT", str(missing), "make")
    missing.write_text("")
    assert required_binary("GOVSIM_TEST_OUTPUT", str(missing), "make") == missing
