"""Whole-run values by the meaning the file declares, against govsim's own rule.

A small real run of govsim becomes a hand-built case: every metric gets
chosen values (zeros, NaN intervals, a run whose flow is all NaN, weights of
0 and NaN), written back into the file with its attributes untouched. Then

- each metric's attributes say what sim/core/metrics.def says;
- analysis.over() gives, for every metric of every run (and class), what the
  rule of gs_metric_over (sim/core/metrics.c) gives: a reference written
  here from metrics.def, interval by interval, as the C code does it;
- a few values are known answers worked out by hand (a ratio is a ratio of
  sums, not a mean of shares; a weighted share leaves out intervals whose
  weight is 0 or NaN; ...);
- `govsim compare FILE` prints the same tables as analysis.comparison_table()
  and paired_table(), and `govsim compare FILE --metric NAME` the same value
  of every metric as analysis.summary();
- a file without the attributes (an older govsim's) is refused, clearly.
"""
import math
import re
import shutil
import subprocess

import h5py
import numpy as np
import pytest

import analysis
from analysis import ablation, data, plots, report, reproduce

from conftest import ROOT, govsim_binary, parse_tables, run_govsim

N_TIME = 8

# Known answers of run 0 (arm npm, replication 0) and run 5 (arm none, replication 1).
RUN0 = {
    "contacts_failure": [1, 9, 0, 0, 0, 0, 0, 0],
    "contacts_value": [3, 1, 0, 0, 0, 0, 0, 0],
    "failure_demand_share": [0.25, 0.9] + [math.nan] * 6,
    "needs_met": [4, 1, 2, 0, 5, 0, 0, 0],
    "needs_met_self": [1, 0, 0, 0, math.nan, 0, 0, 0],
    "needs_abandoned": [0, 0, 2, 0, 0, 0, 0, 0],
    # weight needs_met - needs_met_self + needs_abandoned = 3, 1, 4, 0, NaN, 0, 0, 0
    "within_target_true": [1.0, 0.0, 0.5, 0.7, 1.0, math.nan, math.nan, math.nan],
    "cost_total": [10, 20, 30, 40, 50, 60, 70, 80],
    "wellbeing_mean": [0.5, math.nan, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6],
    "trust_mean": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
}
RUN5_ALL_NAN = "leavers"


def metrics_def():
    """[(dataset, KIND, a, b, label, plain unit)] of sim/core/metrics.def, in its order."""
    text = (ROOT / "sim" / "core" / "metrics.def").read_text()
    pattern = re.compile(r'^GS_(CLASS_)?METRIC\((\w+), "[^"]*", (\w+), "([^"]*)", "([^"]*)",'
                         r'\s*"([^"]*)", "([^"]*)"', re.M)
    out = []
    for cls, name, kind, a, b, label, unit in pattern.findall(text):
        if cls:
            name, a, b = (re.sub(r"(\w+)", r"\1_by_class", x) for x in (name, a, b))
        out.append((name, kind, a, b, label, unit))
    return out


def sum_of(f, expr, index):
    """The value of a sum of datasets at index (run[, class], time), left to right as in C.

    f maps dataset names to arrays."""
    v, sign = 0.0, 1
    for token in expr.split():
        if token in "+-":
            sign = 1 if token == "+" else -1
            continue
        x = float(f[token][index])
        v = v + x if sign > 0 else v - x
    return v


def c_rule(f, name, kind, a, b, prefix):
    """gs_metric_over of one series (prefix: run, or run and class), interval by interval.

    f maps dataset names to arrays."""
    total, weight, count = 0.0, 0.0, 0
    for t in range(N_TIME):
        v = float(f[name][prefix + (t,)])
        if kind in ("FLOW", "STOCK"):
            if not math.isnan(v):
                total += v
                count += 1
        elif kind == "WEIGHTED":
            w = sum_of(f, a, prefix + (t,))
            if not math.isnan(v) and w > 0:
                total += v * w
                weight += w
        else:
            x, y = sum_of(f, a, prefix + (t,)), sum_of(f, b, prefix + (t,))
            if not math.isnan(x) and not math.isnan(y):
                total += x
                weight += y
    if kind == "FLOW":
        return total if count else math.nan
    if kind == "STOCK":
        return total / count if count else math.nan
    return total / weight if weight > 0 else math.nan


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    """3 arms x 2 replications, 8 days, with chosen values in every metric."""
    path = tmp_path_factory.mktemp("handmade") / "handmade.h5"
    run_govsim(path, "--set", "population.citizens=200", "--set", f"simulation.duration={N_TIME}d",
               "--set", "simulation.replications=2", "--quiet")
    rng = np.random.default_rng(42)
    kinds = {name: kind for name, kind, *_ in metrics_def()}
    with h5py.File(path, "r+") as f:
        assert f["needs_met"].shape == (6, N_TIME)
        for name, kind in kinds.items():
            shape = f[name].shape
            if kind == "FLOW":
                v = rng.integers(0, 6, size=shape).astype(float)
            elif kind == "STOCK":
                v = rng.uniform(0, 1, size=shape)
            else:
                v = rng.uniform(0, 1, size=shape) * (30 if "days" in name else 1)
            v[rng.uniform(size=shape) < 0.15] = math.nan
            f[name][...] = v
        for name, values in RUN0.items():
            f[name][0, :] = values
        f[RUN5_ALL_NAN][5, :] = math.nan
        f["cases_measured"][1, :] = 0.0  # nothing to weigh within_target_recorded by
    return path


@pytest.fixture(scope="module")
def hds(handmade):
    return analysis.load(handmade)


def compare(path, *args):
    """The output of `govsim compare PATH ARGS...`."""
    return compare_each(path, [args])[0]


def compare_each(path, arg_lists):
    """The outputs of `govsim compare PATH ARGS...` for each ARGS, run side by side."""
    procs = [subprocess.Popen([str(govsim_binary()), "compare", str(path), *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in arg_lists]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        outs.append(out)
    return outs


def test_attributes_say_what_metrics_def_says(handmade):
    table = metrics_def()
    assert len(table) > 50
    with h5py.File(handmade, "r") as f:
        for name, kind, a, b, label, unit in table:
            attrs = f[name].attrs
            assert attrs["aggregation"] == kind.lower(), name
            assert attrs["long_name"] == label, name
            assert attrs["plain_units"] == unit, name
            assert attrs.get("weight", "") == (a if kind == "WEIGHTED" else ""), name
            assert attrs.get("numerator", "") == (a if kind == "RATIO" else ""), name
            assert attrs.get("denominator", "") == (b if kind == "RATIO" else ""), name


def test_every_metric_adds_up_by_the_c_rule(handmade, hds):
    table = metrics_def()
    with h5py.File(handmade, "r") as h5:
        f = {name: h5[name][()] for name, *_ in table}
    for name, kind, a, b, _, _ in table:
        assert analysis.meaning(hds, name).aggregation == kind.lower(), name
        got = analysis.over(hds, name)
        per_run = analysis.per_run(hds, name)
        if "class" in got.dims:
            got = got.transpose("run", "class")
            per_run = per_run.transpose("run", "class")
        for index in np.ndindex(f[name].shape[:-1]):  # (run,) or (run, class)
            want = c_rule(f, name, kind, a, b, index)
            assert got.values[index] == pytest.approx(want, rel=1e-12, nan_ok=True), (name, index)
            assert per_run.values[index] == pytest.approx(want, rel=1e-12, nan_ok=True), \
                (name, index)


def test_known_answers(hds):
    run0 = {name: float(analysis.per_run(hds, name).isel(run=0)) for name in
            ("failure_demand_share", "within_target_true", "cost_per_need_met", "needs_met",
             "wellbeing_mean", "trust_end", "contacts_failure")}
    # a ratio of sums (1 + 9) / (4 + 10), not the mean of the shares 0.25 and 0.9
    assert run0["failure_demand_share"] == pytest.approx(10 / 14, rel=1e-12)
    assert np.nanmean(RUN0["failure_demand_share"]) == pytest.approx(0.575)
    # weighted by 3, 1, 4; the interval of weight 0 and the one of weight NaN left out
    assert run0["within_target_true"] == pytest.approx((3 * 1.0 + 1 * 0.0 + 4 * 0.5) / 8)
    # cost over needs met by the service, the interval whose denominator is NaN left out
    assert run0["cost_per_need_met"] == pytest.approx((360 - 50) / 6)
    assert run0["needs_met"] == 12 and run0["contacts_failure"] == 10
    # a stock: the mean of its numbers; at the end: the last value
    assert run0["wellbeing_mean"] == pytest.approx((0.5 + 0.7 + 5 * 0.6) / 7)
    assert run0["trust_end"] == 0.8
    # a flow with no number, a share with nothing to weigh: no value
    assert math.isnan(float(analysis.per_run(hds, RUN5_ALL_NAN).isel(run=5)))
    assert math.isnan(float(analysis.per_run(hds, "within_target_recorded").isel(run=1)))
    # a span of intervals: select it first
    first = analysis.over(hds.isel(time=slice(0, 1)), "failure_demand_share")
    assert float(first.isel(run=0)) == 0.25
    # the rolling value is the same rule on a moving window
    roll = analysis.rolling(hds, "failure_demand_share", 3)
    tail = analysis.over(hds.isel(time=slice(N_TIME - 3, N_TIME)), "failure_demand_share")
    np.testing.assert_allclose(roll.isel(time=-1).values, tail.values, rtol=1e-12)
    assert float(roll.isel(run=0, time=1)) == pytest.approx(10 / 14)


def test_meaning_evaluates_the_expressions(hds):
    m = analysis.meaning(hds, "within_target_true")
    assert m.aggregation == "weighted" and m.numerator is None and m.denominator is None
    want = hds["needs_met"] - hds["needs_met_self"] + hds["needs_abandoned"]
    np.testing.assert_array_equal(m.weight.values, want.values)
    assert m.weight.dims == ("run", "time")
    r = analysis.meaning(hds, hds["failure_demand_share"])
    assert r.aggregation == "ratio" and r.weight is None
    np.testing.assert_array_equal(r.denominator.values,
                                  (hds["contacts_value"] + hds["contacts_failure"]).values)
    c = analysis.meaning(hds, "time_to_close_true_mean_by_class")
    assert c.weight.dims == ("run", "class", "time")
    assert analysis.meaning(hds, "queue_length") == ("stock", None, None, None)
    assert analysis.aggregation(hds, "cost_per_need_met") == \
        "sum(cost_total) / sum(needs_met - needs_met_self)"
    assert analysis.label(hds, "trust_end") == "trust at end"
    assert analysis.label(hds, "needs_met") == "needs met"


def test_compare_prints_the_same_tables(handmade, hds, small_path, small_ds):
    for path, ds in ((handmade, hds), (small_path, small_ds)):
        tables = parse_tables(compare(path))
        assert len(tables) == 2
        (_, arms, rows), (_, others, paired_rows) = tables
        table = analysis.comparison_table(ds)
        assert list(table.columns) == arms
        assert list(table.index) == list(rows)  # the labels: long_name, "trust at end"
        for label, cells in rows.items():
            assert table.loc[label].tolist() == cells, (path.name, label)
        table = analysis.paired_table(ds)
        assert list(table.columns) == others
        for label, cells in paired_rows.items():
            assert table.loc[label].tolist() == cells, (path.name, label)


def test_compare_gives_every_metric_the_same_whole_run_value(handmade, hds):
    """`govsim compare --metric NAME` (the C rule) against analysis, metric by metric."""
    formats = dict(analysis.OUTCOMES)
    names = [name for name, *_ in metrics_def() if not name.endswith("_by_class")]
    outs = compare_each(handmade, [("--metric", name) for name in names])
    for name, out in zip(names, outs):
        _, arms, rows = parse_tables(out)[0]
        (cells,) = rows.values()
        s = analysis.summary(hds, name, by="arm")
        fmt = formats.get(name, "%.4g")
        want = [data.format_cell(fmt, s.loc[a, "mean"], s.loc[a, "ci_half"], s.loc[a, "n"])
                for a in arms]
        assert cells == want, name


def test_ablation_and_reproduce_use_the_same_values(handmade, hds):
    means = ablation.summarise(hds)
    for k, (name, _) in enumerate(ablation.OUTCOMES):
        s = analysis.summary(hds, name, by="arm")["mean"]
        for arm, values in means.items():
            assert values[k] == pytest.approx(s.loc[arm], nan_ok=True), (name, arm)
    res = reproduce.Result(handmade)
    runs = res.runs("npm")
    for name in ("failure_demand_share", "time_to_close_true_mean", "leavers", "workers_sick"):
        np.testing.assert_allclose(res.over("npm", name),
                                   analysis.over(hds, name).values[runs], rtol=1e-12)
    span = hds.isel(run=runs, time=[2, 3])  # intervals ending on days 3 and 4
    np.testing.assert_allclose(reproduce.window(res, "npm", "within_target_recorded", 2, 4),
                               analysis.over(span, "within_target_recorded").values, rtol=1e-12)
    cls = str(hds["class"].values[0])
    np.testing.assert_allclose(res.over("npm", "needs_met_service", cls=cls),
                               analysis.over(hds, "needs_met_service_by_class").values[runs, 0])


def test_plots_name_metrics_by_their_long_name(hds):
    fig = plots.timeseries(hds, "queue_length", window=3)
    assert fig.axes[0].get_ylabel() == "queue length [cases]"
    fig = plots.failure_demand(hds, window=2)
    assert fig.axes[0].get_ylabel() == "failure demand share [share of contacts]"
    fig = plots.outcome_bars(hds, "trust_end")
    assert fig.axes[0].get_ylabel() == "trust at end [0 to 1]"


def strip_meaning(path, names=None):
    """What an older govsim wrote: metrics without aggregation, weight, ... attributes."""
    with h5py.File(path, "r+") as f:
        for name, *_ in metrics_def():
            if names is None or name in names:
                for key in ("aggregation", "weight", "numerator", "denominator", "long_name",
                            "plain_units"):
                    if key in f[name].attrs:
                        del f[name].attrs[key]


def test_a_file_without_the_attributes_is_refused(small_path, tmp_path, capsys):
    old = tmp_path / "old.h5"
    shutil.copy(small_path, old)
    strip_meaning(old)
    ds = analysis.load(old)
    message = r"no aggregation attribute for metric 'needs_met'.*re-run it with this version"
    with pytest.raises(analysis.GovsimFileError, match=message):
        analysis.comparison_table(ds)
    with pytest.raises(analysis.GovsimFileError, match=message):
        analysis.summary(ds, "needs_met")
    with pytest.raises(analysis.GovsimFileError, match="no aggregation attribute for metric"):
        analysis.check_file(old)
    # values at a time need no aggregation
    assert analysis.summary(ds, "trust_mean", at=30)["n"].tolist() == [3, 3, 3]
    assert report.main([str(old), "-o", str(tmp_path / "report")]) == 2
    err = capsys.readouterr().err
    assert "no aggregation attribute for metric" in err and "re-run" in err


def test_attributes_that_name_no_dataset_are_refused(small_path, tmp_path):
    path = tmp_path / "bad.h5"
    shutil.copy(small_path, path)
    with h5py.File(path, "r+") as f:
        f["within_target_true"].attrs["weight"] = "needs_met - no_such_metric"
        f["cost_per_need_met"].attrs["denominator"] = "needs_met +"
    ds = analysis.load(path)
    with pytest.raises(analysis.GovsimFileError, match="names 'no_such_metric'"):
        analysis.per_run(ds, "within_target_true")
    with pytest.raises(analysis.GovsimFileError, match="not dataset names joined"):
        analysis.per_run(ds, "cost_per_need_met")
