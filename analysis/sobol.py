"""Sobol sensitivity indices from a Saltelli design.

A Saltelli design for k parameters takes two independent samples of N rows,
the matrices A and B (N x k), and for every parameter i the matrix A_B^(i):
A with its column i taken from B. The model runs on every row of A, B and
each A_B^(i): N x (k + 2) runs. From the outputs yA, yB (N) and yAB (N x k):

    V     = Var(yA, yB together)
    S1_i  = mean(yB * (yAB_i - yA)) / V              (Saltelli et al. 2010)
    ST_i  = mean((yA - yAB_i) ** 2) / (2 V)          (Jansen 1999)

with every output first centred on the mean of yA and yB, so that adding a
constant to the outcome (a cost of 500 rather than 0) leaves the
estimates unchanged; uncentred, S1 picks up a sampling error proportional
to the offset.

Confidence intervals come from a bootstrap over the N base rows (the same
rows resampled in A, B and every A_B^(i)), with a fixed seed, as the
percentiles of the bootstrap distribution.

    >>> import numpy as np
    >>> from analysis.sobol import ab_matrices, sobol_indices
    >>> rng = np.random.default_rng(1)
    >>> A, B = rng.uniform(size=(2, 4096, 3))
    >>> f = lambda x: x[..., 0] + 2 * x[..., 1]          # x3 does nothing
    >>> idx = sobol_indices(f(A), f(B), f(ab_matrices(A, B)).T, n_boot=200)
    >>> idx[["S1", "ST"]].round(1).values.tolist()
    [[0.2, 0.2], [0.8, 0.8], [0.0, 0.0]]

Reference: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto,
S. Tarantola (2010), Variance based sensitivity analysis of model output.
Computer Physics Communications 181, 259-270 (table 2, estimators (b) and (f)).
"""

import math
import os
import warnings

import numpy as np
import pandas as pd

from . import data

__all__ = ["ab_matrices", "sobol_indices", "sobol_from_file", "has_design", "design_outputs"]

DESIGN_VARS = ("design_matrix", "design_row", "design_param")
_COLUMNS = ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]


def ab_matrices(A, B):
    """The k matrices A_B^(i) of a Saltelli design, shape (k, N, k): A with column i from B."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape != B.shape or A.ndim != 2:
        raise ValueError("A and B must be N x k matrices of the same shape")
    k = A.shape[1]
    AB = np.repeat(A[None, :, :], k, axis=0)
    for i in range(k):
        AB[i, :, i] = B[:, i]
    return AB


def _estimates(yA, yB, yAB):
    """S1 and ST over the last axis of the rows; yA, yB (..., N), yAB (..., N, k)."""
    both = np.concatenate([yA, yB], axis=-1)
    mu = np.mean(both, axis=-1, keepdims=True)
    V = np.var(both, axis=-1)[..., None]
    # centred outputs: the S1 estimator is otherwise not invariant to an offset
    yA, yB, yAB = yA - mu, yB - mu, yAB - mu[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        S1 = np.mean(yB[..., None] * (yAB - yA[..., None]), axis=-2) / V
        ST = 0.5 * np.mean((yA[..., None] - yAB) ** 2, axis=-2) / V
    bad = ~(V > 0)
    S1 = np.where(bad, np.nan, S1)
    ST = np.where(bad, np.nan, ST)
    return S1, ST


def sobol_indices(yA, yB, yAB, n_boot=1000, seed=0, level=0.95, names=None):
    """First-order (S1) and total (ST) Sobol indices with bootstrap confidence intervals.

    yA, yB: the outputs of the N rows of A and B; yAB: N x k, column i the
    outputs of A_B^(i). Rows with a NaN output anywhere are left out.
    Returns a DataFrame indexed by parameter (``names``, default x1..xk)
    with columns S1, S1_low, S1_high, ST, ST_low, ST_high (the ``level``
    percentile interval of ``n_boot`` bootstrap resamples of the rows drawn
    with numpy's default generator seeded with ``seed``; ``n_boot=0`` gives
    NaN intervals). ``attrs`` holds N (rows used) and n_boot. An output
    without variance (the same value in every run) gives NaN indices.
    """
    yA = np.asarray(yA, dtype=float).ravel()
    yB = np.asarray(yB, dtype=float).ravel()
    yAB = np.asarray(yAB, dtype=float)
    if yAB.ndim == 1:
        yAB = yAB[:, None]
    if not (yA.shape == yB.shape and yAB.ndim == 2 and yAB.shape[0] == yA.size):
        raise ValueError(f"shapes do not fit a Saltelli design: yA {yA.shape}, yB {yB.shape}, "
                         f"yAB {yAB.shape} (want N, N and N x k)")
    k = yAB.shape[1]
    names = [f"x{i + 1}" for i in range(k)] if names is None else list(names)
    if len(names) != k:
        raise ValueError(f"{len(names)} names for {k} parameters")
    ok = ~(np.isnan(yA) | np.isnan(yB) | np.isnan(yAB).any(axis=1))
    yA, yB, yAB = yA[ok], yB[ok], yAB[ok]
    N = yA.size
    if N < 2:
        raise ValueError(f"a Saltelli design needs at least 2 complete rows (got {N})")
    S1, ST = _estimates(yA, yB, yAB)
    lo = hi = None
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        bS1 = np.empty((n_boot, k))
        bST = np.empty((n_boot, k))
        chunk = max(1, min(n_boot, int(4e6 // max(1, N * (k + 2)))))
        for start in range(0, n_boot, chunk):
            m = min(chunk, n_boot - start)
            idx = rng.integers(0, N, size=(m, N))
            bS1[start:start + m], bST[start:start + m] = _estimates(yA[idx], yB[idx], yAB[idx])
        q = [50 * (1 - level), 50 * (1 + level)]
        with warnings.catch_warnings():  # a constant output has no variance: NaN, quietly
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanpercentile(np.stack([bS1, bST]), q[0], axis=1)
            hi = np.nanpercentile(np.stack([bS1, bST]), q[1], axis=1)
    nan = np.full(k, np.nan)
    out = pd.DataFrame({
        "S1": S1, "S1_low": lo[0] if lo is not None else nan,
        "S1_high": hi[0] if hi is not None else nan,
        "ST": ST, "ST_low": lo[1] if lo is not None else nan,
        "ST_high": hi[1] if hi is not None else nan,
    }, index=pd.Index(names, name="parameter"))
    out.attrs.update(N=int(N), n_boot=int(n_boot), level=level)
    return out


def has_design(ds):
    """Whether a Dataset (or file) carries a Saltelli design (design_matrix, _row, _param)."""
    if isinstance(ds, (str, os.PathLike)):
        ds = data.load(ds)
    return all(v in ds.variables and ds[v].dims == ("run",) for v in DESIGN_VARS)


_MATRIX_CODES = {0: "A", 1: "B", 2: "AB"}


def _matrices(ds):
    """Each run's matrix as "A", "B" or "AB" (from codes 0, 1, 2 or from strings)."""
    v = ds["design_matrix"].values
    if v.dtype.kind in "fiub":
        out = []
        for x in v.astype(float).tolist():
            if math.isnan(x) or x not in _MATRIX_CODES:
                raise ValueError(f"design_matrix must be 0 (A), 1 (B) or 2 (AB); found {x:g}")
            out.append(_MATRIX_CODES[int(x)])
        return out
    out = [str(m).strip().upper() for m in v.tolist()]
    bad = sorted(set(out) - {"A", "B", "AB"})
    if bad:
        raise ValueError(f"design_matrix must be A, B or AB; found {', '.join(bad)}")
    return out


def _sweep_vars(ds):
    """The sweep.<key> per-run variables, in the order the file lists its coordinates."""
    names = [c for c in data.run_coords(ds) if c.startswith("sweep.")]
    for var in ds.data_vars.values():
        listed = str(var.encoding.get("coordinates", var.attrs.get("coordinates", ""))).split()
        order = [c for c in listed if c in names]
        if order:
            return order + [c for c in names if c not in order]
    return names


def _infer_columns(ds, matrix, index, sweep):
    """Which sweep variable each parameter index varies: from the AB runs themselves.

    An AB run for parameter i differs from the A run of the same row and arm
    in column i only. Returns the sweep variables ordered by index, or None
    when the data do not say.
    """
    if not sweep:
        return None
    X = np.column_stack([np.asarray(ds[c].values, dtype=float) for c in sweep])
    arm = ds["arm"].values.tolist()
    row = np.asarray(ds["design_row"].values, dtype=float).tolist()
    a_run = {}
    for r, m in enumerate(matrix):
        if m == "A":
            a_run.setdefault((arm[r], row[r]), r)
    k = int(np.nanmax(index)) + 1 if np.isfinite(index).any() else 0
    counts = np.zeros((k, len(sweep)))
    for r, m in enumerate(matrix):
        if m == "AB" and index[r] >= 0 and (arm[r], row[r]) in a_run:
            counts[int(index[r])] += X[r] != X[a_run[(arm[r], row[r])]]
    cols = counts.argmax(axis=1)
    if k == 0 or (counts.max(axis=1) == 0).any() or len(set(cols.tolist())) != k:
        return None
    return [sweep[j] for j in cols]


def _param_names(ds, matrix):
    """(the parameter of each run, None for A and B runs; the parameters in order)."""
    p = ds["design_param"]
    if p.dtype.kind in "fiu":
        index = np.asarray(p.values, dtype=float)
        index = np.where(np.isnan(index), -1, index)
        k = int(index.max()) + 1 if index.size and index.max() >= 0 else 0
        names = p.attrs.get("parameters")
        if names is not None:
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in np.atleast_1d(names)]
        else:
            sweep = _sweep_vars(ds)
            found = _infer_columns(ds, matrix, index, sweep)
            if found is None:
                found = sweep
            names = [c[len("sweep."):] for c in found]
        names = (names + [f"x{i + 1}" for i in range(len(names), k)])[:max(k, len(names))]
        per_run = [names[int(i)] if m == "AB" and i >= 0 else None
                   for m, i in zip(matrix, index.tolist())]
        order = [names[i] for i in range(k)]
        return per_run, order
    per_run = [None if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) == ""
               else str(v) for v in p.values.tolist()]
    order = list(dict.fromkeys(n for n, m in zip(per_run, matrix) if m == "AB" and n))
    return per_run, order


def design_outputs(ds, metric, at=None):
    """The outputs of a Saltelli design in a result file, per arm.

    Returns {arm: (yA, yB, yAB, names)}: yA and yB of length N, yAB N x k,
    the output of each design point averaged over its replications, and the
    parameter names in order of first appearance. Raises ValueError when the
    design is missing or incomplete. See sobol_from_file() for the layout.
    """
    if not has_design(ds):
        raise ValueError("no Saltelli design in this file: it needs the per-run variables "
                         + ", ".join(DESIGN_VARS))
    values = data.per_run(ds, metric, at=at)
    if values.dims != ("run",):
        raise ValueError(f"{metric!r} has dims {values.dims}: Sobol indices need one value "
                         "per run (select a class first)")
    matrix = _matrices(ds)
    per_run, names = _param_names(ds, matrix)
    frame = pd.DataFrame({
        "arm": ds["arm"].values, "matrix": matrix,
        "row": np.asarray(ds["design_row"].values, dtype=float),
        "param": per_run, "value": values.values,
    })
    if ((frame["matrix"] == "AB") & frame["param"].isna()).any():
        raise ValueError("an AB run has no design_param")
    if not names:
        raise ValueError("the design has no AB runs")
    if frame["row"].isna().any() or (frame["row"] != frame["row"].round()).any():
        raise ValueError("design_row must hold whole numbers")
    frame["row"] = frame["row"].astype(np.int64)
    frame.loc[frame["matrix"] != "AB", "param"] = ""
    out = {}
    for arm in data.arms(ds):
        f = frame[frame["arm"] == arm]
        rows = np.sort(f.loc[f["matrix"] == "A", "row"].unique())
        N = rows.size
        if N < 2 or not np.array_equal(rows, np.arange(N)):
            raise ValueError(f"arm {arm!r}: design_row of the A runs must be 0..N-1 "
                             f"(found {N} distinct rows)")
        present = f.groupby(["matrix", "param"])["row"].agg(lambda r: set(r.tolist()))
        want = set(range(N))
        for key in [("B", ""), *(("AB", n) for n in names)]:
            if present.get(key, set()) != want:
                what = key[0] if key[0] == "B" else f"AB ({key[1]})"
                raise ValueError(f"arm {arm!r}: the {what} runs do not cover the rows "
                                 f"0..{N - 1} of the A runs")
        # a design point's output: the mean over its replications (NaN left out)
        m = f.groupby(["matrix", "param", "row"])["value"].mean()

        def column(matrix, param):
            return m.loc[(matrix, param)].reindex(np.arange(N)).to_numpy(dtype=float)

        yA, yB = column("A", ""), column("B", "")
        yAB = np.column_stack([column("AB", n) for n in names])
        out[arm] = (yA, yB, yAB, names)
    return out


def sobol_from_file(path, metric, at=None, n_boot=1000, seed=0, level=0.95):
    """Sobol indices of a whole-run outcome from a result file holding a Saltelli design.

    ``path`` is a result file (or a Dataset from analysis.load()); ``metric``
    any name summary() accepts (``needs_met``, ``failure_demand_share``,
    ``trust_end``, ...), summarised per run as in analysis.data, or its value
    at day ``at``.

    The layout `govsim run` writes for a scenario with ``design = saltelli``
    in its ``[sweep]`` (docs/scenarios.md): per-run variables (dimension
    ``run``, attached to the ``/run`` dimension scale like ``/arm``)

    ``design_matrix``
        0 for a run of A, 1 for B, 2 for A with one column from B.
    ``design_row``
        the row of the base sample, 0..N-1: A row r and B row r are the two
        independent draws r; the AB run of row r for parameter i is A row r
        with parameter i taken from B row r.
    ``design_param``
        for AB runs, the index (0..k-1) of the parameter taken from B; -1
        for A and B runs.
    ``sweep.<key>``
        each run's value of every sampled parameter (durations in days).

    Parameter i is the ``sweep.<key>`` variable that AB runs of index i
    change from the A run of their row (the order of the ``[sweep]``
    section); failing that, the order of the sweep variables in the
    metrics' ``coordinates`` attribute. Also read: ``design_matrix`` as the
    strings ``"A"``, ``"B"``, ``"AB"`` and ``design_param`` as parameter
    names (``""`` for A and B runs), or an integer ``design_param`` with
    the names in its string-array attribute ``parameters``.

    Every arm holds the whole design, N x (k + 2) points, each run
    ``simulation.replications`` times; a design point's output is the mean
    over its replications. Runs without a value (NaN, or not yet written in
    a partial file) leave their row out.

    Returns a DataFrame indexed by (arm, parameter) with columns S1, S1_low,
    S1_high, ST, ST_low, ST_high; ``attrs`` has metric, N and n_boot.
    """
    ds = data.load(path) if isinstance(path, (str, os.PathLike)) else path
    parts, N = [], None
    for arm, (yA, yB, yAB, names) in design_outputs(ds, metric, at=at).items():
        idx = sobol_indices(yA, yB, yAB, n_boot=n_boot, seed=seed, level=level, names=names)
        N = idx.attrs["N"] if N is None else min(N, idx.attrs["N"])
        idx.insert(0, "arm", arm)
        parts.append(idx.reset_index())
    out = pd.concat(parts, ignore_index=True).set_index(["arm", "parameter"])
    out.attrs.update(metric=metric, at=at, N=N, n_boot=n_boot, level=level)
    return out
