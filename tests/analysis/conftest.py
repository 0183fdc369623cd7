"""Shared fixtures of the analysis tests: small real runs of build/govsim.

The binary comes from $GOVSIM (default build/govsim). `make test-py` sets
$GOVSIM, and then a missing binary fails the tests that need it; run
standalone without the variable, they are skipped when build/govsim is
missing (required_binary()).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the analysis package, wherever pytest runs from
    sys.path.insert(0, str(ROOT))
SMALL = ["--set", "population.citizens=2000", "--set", "simulation.duration=120d"]


def required_binary(variable, default, build):
    """The path of a binary the tests run: $variable, else default (from the repository root).

    When the variable is set (as `make test-py` sets it), the binary must be
    there: a missing one fails the test. Only without the variable (pytest
    run by hand) does a missing binary skip the test, saying how to build it.
    """
    value = os.environ.get(variable)
    path = Path(value or default)
    if not path.is_absolute():
        path = ROOT / path
    if path.is_file():
        return path
    if value:
        pytest.fail(f"${variable} is {value}, but {path} is missing: build it with `{build}`",
                    pytrace=False)
    pytest.skip(f"{path} is missing (and ${variable} is not set): build it with `{build}`")


def govsim_binary():
    """The govsim binary: $GOVSIM, else build/govsim (see required_binary())."""
    return required_binary("GOVSIM", "build/govsim", "make")


def run_govsim(out, *args, scenario="scenarios/default.ini"):
    """Run `govsim run` from the repository root; return its stdout."""
    binary = govsim_binary()
    cmd = [str(binary), "run", scenario, "-o", str(out), "--force", *args]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


_HEADER = re.compile(r"(outcome \(mean \+- 95% CI\)|outcome|paired: arm - first arm"
                     r"|arm - first arm)\s")


def parse_tables(stdout):
    """Every table of `govsim run` or `govsim compare` in stdout, in order.

    Returns [(title, arms, {label: [cell per arm]})]: title is the header's
    first column ("outcome (mean +- 95% CI)", "paired: arm - first arm", ...),
    a cell is "mean" or "mean +- half". Labels are separated from the cells
    by at least two spaces.
    """
    tables, current = [], None
    for line in stdout.splitlines():
        m = _HEADER.match(line)
        if m:
            current = (m.group(1), line[m.end():].split(), {})
            tables.append(current)
            continue
        if current is None or not line.strip():
            current = None
            continue
        label = re.match(r"(.+?)\s{2,}", line)
        assert label, line
        cells = re.findall(r"\S+ \+- \S+|\S+", line[label.end():])
        assert len(cells) == len(current[1]), line
        current[2][label.group(1)] = cells
    return tables


def parse_table(stdout):
    """The first table (the comparison of arms): (arms, {label: [cell per arm]})."""
    title, arms, rows = parse_tables(stdout)[0]
    assert title.startswith("outcome")
    return arms, rows


def parse_paired(stdout):
    """The table of paired differences: (arms but the first, {label: [cell per arm]})."""
    title, arms, rows = next(t for t in parse_tables(stdout) if "first arm" in t[0])
    return arms, rows


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    """3 arms x 3 replications, 2000 citizens, 120 days: (path, stdout of govsim run)."""
    path = tmp_path_factory.mktemp("small") / "small.h5"
    stdout = run_govsim(path, *SMALL, "--set", "simulation.replications=3")
    return path, stdout


@pytest.fixture(scope="session")
def small_path(small_run):
    return small_run[0]


@pytest.fixture(scope="session")
def small_ds(small_path):
    import analysis
    return analysis.load(small_path)


def ishigami(x, a=7.0, b=0.1):
    """The Ishigami function of the rows of x (..., 3)."""
    return (np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2
            + b * x[..., 2] ** 4 * np.sin(x[..., 0]))


def design(N, k, seed):
    """A Saltelli design on [-pi, pi]^k: A, B (N x k) and the A_B^(i) (k x N x k)."""
    from analysis import sobol
    rng = np.random.default_rng(seed)
    A, B = rng.uniform(-np.pi, np.pi, size=(2, N, k))
    return A, B, sobol.ab_matrices(A, B)


@pytest.fixture(scope="session")
def design_file(tmp_path_factory):
    """A real result file turned into a Saltelli design of the Ishigami function.

    govsim runs 3 arms x N (k + 2) replications; the replications of each
    arm become the design points, laid out as `govsim run` lays out
    `design = saltelli` (design_matrix 0 A, 1 B, 2 AB; design_row;
    design_param the column index, -1 for A and B; sweep.<key> values), in
    the order A, B, AB(1..k) per row; needs_met carries the Ishigami value
    (spread over the time points), plus 10 x the arm's index.
    """
    N, k = 32, 3
    path = tmp_path_factory.mktemp("design") / "design.h5"
    run_govsim(path, "--set", "population.citizens=300", "--set", "simulation.duration=20d",
               "--set", f"simulation.replications={N * (k + 2)}", "--quiet")
    A, B, AB = design(N, k, seed=3)
    names = ["regime.learning_time", "regime.discretion", "service.barrier"]
    X, matrix, row, param = [], [], [], []
    for r in range(N):
        for m in range(k + 2):
            X.append(A[r] if m == 0 else B[r] if m == 1 else AB[m - 2, r])
            matrix.append(min(m, 2))
            row.append(r)
            param.append(m - 2 if m >= 2 else -1)
    X = np.array(X)
    with h5py.File(path, "r+") as f:
        n_runs, n_time = f["needs_met"].shape
        assert n_runs == 3 * N * (k + 2)
        arm = np.repeat(np.arange(3), N * (k + 2))

        def per_run(name, values):
            d = f.create_dataset(name, data=np.tile(np.asarray(values, dtype=float), 3))
            d.dims[0].attach_scale(f["run"])

        for j, n in enumerate(names):
            per_run(f"sweep.{n}", X[:, j])
        per_run("sweep_point", np.arange(N * (k + 2)))
        per_run("design_matrix", matrix)
        per_run("design_row", row)
        per_run("design_param", param)
        f["replication"][...] = 0
        y = ishigami(np.tile(X, (3, 1))) + 10.0 * arm
        f["needs_met"][...] = np.repeat((y / n_time)[:, None], n_time, axis=1)
    return path, (A, B, AB, names)
