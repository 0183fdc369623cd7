"""Sobol indices: the estimators on the Ishigami function, and a design read from a file."""
import numpy as np
import pytest

from analysis import sobol

from conftest import design, ishigami, run_govsim

# Ishigami, a = 7, b = 0.1: the analytic indices
S1_TRUE = [0.3139, 0.4424, 0.0]
ST_TRUE = [0.5576, 0.4424, 0.2437]


def test_ab_matrices():
    A = np.arange(6.0).reshape(2, 3)
    B = -A
    AB = sobol.ab_matrices(A, B)
    assert AB.shape == (3, 2, 3)
    assert AB[1].tolist() == [[0, -1, 2], [3, -4, 5]]


def test_ishigami():
    A, B, AB = design(20000, 3, seed=2024)
    idx = sobol.sobol_indices(ishigami(A), ishigami(B), ishigami(AB).T, n_boot=200, seed=1,
                              names=["x1", "x2", "x3"])
    assert list(idx.index) == ["x1", "x2", "x3"]
    assert idx["S1"].to_numpy() == pytest.approx(S1_TRUE, abs=0.03)
    assert idx["ST"].to_numpy() == pytest.approx(ST_TRUE, abs=0.03)
    assert idx.attrs["N"] == 20000
    # the bootstrap intervals hold the estimate, are narrow and cover the truth (within slack)
    for col, truth in (("S1", S1_TRUE), ("ST", ST_TRUE)):
        lo, hi = idx[f"{col}_low"].to_numpy(), idx[f"{col}_high"].to_numpy()
        assert (lo <= idx[col].to_numpy()).all() and (idx[col].to_numpy() <= hi).all()
        assert (hi - lo < 0.06).all()
        assert ((lo - 0.01 <= truth) & (truth <= hi + 0.01)).all()
    # a fixed seed gives the same intervals
    again = sobol.sobol_indices(ishigami(A), ishigami(B), ishigami(AB).T, n_boot=200, seed=1,
                                names=["x1", "x2", "x3"])
    assert again.equals(idx)


def test_nan_rows_and_bad_shapes():
    A, B, AB = design(500, 3, seed=5)
    yA, yB, yAB = ishigami(A), ishigami(B), ishigami(AB).T
    yAB[7, 1] = np.nan
    idx = sobol.sobol_indices(yA, yB, yAB, n_boot=0)
    assert idx.attrs["N"] == 499
    assert np.isnan(idx["S1_low"]).all()
    with pytest.raises(ValueError):
        sobol.sobol_indices(yA, yB[:-1], yAB)


def test_sobol_from_file(design_file):
    path, (A, B, AB, names) = design_file
    idx = sobol.sobol_from_file(path, "needs_met", n_boot=100, seed=4)
    assert idx.index.names == ["arm", "parameter"]
    assert list(idx.index.get_level_values(0).unique()) == ["npm", "hls", "none"]
    want = sobol.sobol_indices(ishigami(A), ishigami(B), ishigami(AB).T, n_boot=100, seed=4,
                               names=names)
    for arm in ("npm", "hls", "none"):  # an offset per arm changes nothing
        got = idx.xs(arm, level="arm")
        # the parameters in design_param order, found from the sweep values
        # (not the alphabetical order of the sweep.* variables)
        assert list(got.index) == names
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9, atol=1e-12)
    assert idx.attrs["N"] == 32


def test_design_as_strings(design_file):
    """design_matrix "A"/"B"/"AB" and design_param names give the same indices."""
    import analysis
    path, (A, B, AB, names) = design_file
    ds = analysis.load(path)
    want = sobol.sobol_from_file(ds, "needs_met", n_boot=20)
    codes = np.array(["A", "B", "AB"], dtype=object)
    param = ds["design_param"].values.astype(int)
    ds = ds.assign(design_matrix=("run", codes[ds["design_matrix"].values.astype(int)]),
                   design_param=("run", np.array([names[p] if p >= 0 else "" for p in param],
                                                 dtype=object)))
    got = sobol.sobol_from_file(ds, "needs_met", n_boot=20)
    assert got.equals(want)


SALTELLI = """include = {root}/scenarios/default.ini

[sweep]
design = saltelli
samples = 16
regime.learning_time = 0:0.2
regime.discretion = 0.1:0.9
"""


def test_a_real_saltelli_design(tmp_path):
    """The design `govsim run` writes: indices from the runs as laid out by sweep point."""
    import analysis
    from conftest import ROOT
    ini = tmp_path / "saltelli.ini"
    ini.write_text(SALTELLI.format(root=ROOT))
    path = tmp_path / "saltelli.h5"
    run_govsim(path, "--set", "population.citizens=500", "--set", "simulation.duration=60d",
               "--quiet", scenario=str(ini))
    ds = analysis.load(path)
    assert sobol.has_design(ds)
    idx = sobol.sobol_from_file(ds, "wellbeing_mean", n_boot=50, seed=2)
    names = ["regime.learning_time", "regime.discretion"]  # the [sweep] order
    assert list(idx.xs("hls", level="arm").index) == names
    # by hand: point = row x (k + 2) + m with m = 0 (A), 1 (B), 2 + i (AB for parameter i)
    k, N = 2, 16
    y = analysis.per_run(ds, "wellbeing_mean").values
    arm = ds["arm"].values
    point = ds["sweep_point"].values.astype(int)
    x = np.column_stack([ds[f"sweep.{n}"].values for n in names])
    hls = {p: r for r, p in enumerate(point) if arm[r] == "hls"}
    at = np.array([[hls[i * (k + 2) + m] for m in range(k + 2)] for i in range(N)])
    for i in range(k):  # AB for parameter i: column i from B, the other from A
        j = 1 - i
        assert (x[at[:, 2 + i], i] == x[at[:, 1], i]).all()
        assert (x[at[:, 2 + i], j] == x[at[:, 0], j]).all()
    want = sobol.sobol_indices(y[at[:, 0]], y[at[:, 1]], y[at[:, 2:]], n_boot=50, seed=2,
                               names=names)
    np.testing.assert_allclose(idx.xs("hls", level="arm").to_numpy(), want.to_numpy())


def test_no_design(small_path):
    assert not sobol.has_design(small_path)
    with pytest.raises(ValueError, match="no Saltelli design"):
        sobol.sobol_from_file(small_path, "needs_met")
