"""analysis.hpc_projection: the scheduler's simulation against answers known by hand."""

import math
import os
import tempfile

import numpy as np
import pytest

from analysis import hpc_projection as hp


def test_equal_runs_without_writes_take_whole_rounds():
    # 10 runs of 2 s on 4 ranks: rounds of 4, 4, 2 -> 3 rounds of 2 s (+ 0.1 s to take each)
    end, busy, wait = hp.simulate(np.full(10, 2.0), 4, write_s=0.0, take_s=0.1)
    assert end == pytest.approx(3 * 2.1)
    assert busy == 0 and wait == 0


def test_dynamic_scheduler_balances_unequal_runs():
    # one long run first, then short ones: the other ranks take every short run meanwhile
    costs = np.array([10.0] + [1.0] * 9)
    end, _, _ = hp.simulate(costs, 4, write_s=0.0)
    assert end == pytest.approx(10.0)  # 9 short runs on 3 ranks: 3 s, inside the long one
    # a static split (runs 0, 4, 8 on rank 0) would take 12 s: the model is not that
    assert end < 12.0


def test_one_file_bounds_the_job_past_break_even():
    # runs of 1 s, writes of 0.1 s: one file serves at most 1.1 / 0.1 = 11 ranks
    assert hp.break_even(1.0, 0.1) == pytest.approx(11.0)
    costs = np.full(2000, 1.0)
    below, busy_below, _ = hp.simulate(costs, 8, write_s=0.1)
    above, busy_above, wait_above = hp.simulate(costs, 64, write_s=0.1)
    assert busy_below < 0.9
    # past it, the file writes all the time, and the job takes n x write
    assert busy_above > 0.99
    assert above == pytest.approx(2000 * 0.1, rel=0.02)
    assert wait_above > 0.5
    # one file per 8 ranks gives every group its own server: back to the runs' time
    split, busy_split, _ = hp.simulate(costs, 64, write_s=0.1, files=8)
    assert split == pytest.approx(2000 / 64 * 1.1, rel=0.05)
    assert busy_split < 0.9


def _write_measurements(folder, single=(2.0, 2.2), strong=(0.4, 0.5, 0.6, 0.5)):
    with open(os.path.join(folder, "scaling.tsv"), "w", encoding="utf-8") as f:
        f.write("# date\t2026-12-02T23:00Z\n# cpu\tTest CPU\n# cores\t2\n")
        f.write("# load at the start\t1.00 1.00 1.00\n")
        f.write("kind\tranks\tthreads\toversubscribed\truns\trepetition\twall_s\t"
                "cpu_s\tload_before\tload_after\n")
        # strong 1x1: 16 runs... here 4 runs of 2.0 s own time; write: 200 runs of 0 s
        f.write("strong\t1\t1\tno\t16\t1\t3.0\t\t1\t1\n")
        f.write("write\t1\t1\tno\t200\t1\t1.92\t\t1\t1\n")
        f.write("merge\t0\t1\tno\t200\t1\t2.0\t\t1\t1\n")
    with open(os.path.join(folder, "runs.tsv"), "w", encoding="utf-8") as f:
        f.write("job\tkind\tranks\tthreads\trun\trank\trun_s\twrite_s\n")
        for i, c in enumerate(strong):
            f.write(f"1\tstrong\t1\t1\t{i}\t0\t{c}\t0\n")
        f.write("2\twrite\t1\t1\t0\t0\t0\t0\n")
        for i, c in enumerate(single):
            f.write(f"{3 + i}\tsingle\t1\t1\t0\t0\t{c}\t0.01\n")


def test_inputs_read_from_the_measurements():
    with tempfile.TemporaryDirectory() as tmp:
        _write_measurements(tmp)
        inp = hp.measured_inputs(tmp)
    assert inp["run_s"] == pytest.approx(2.1)
    assert inp["write_s"] == pytest.approx(0.01)
    assert inp["spread"].mean() == pytest.approx(1.0)
    assert inp["spread"].max() == pytest.approx(0.6 / 0.5)
    # 16 runs: 3.0 - 2.0 = 1.0 = fixed + 16 take; 200 runs: 1.92 = fixed + 200 take
    assert inp["take_s"] == pytest.approx(0.92 / 184)
    assert inp["fixed_s"] == pytest.approx(1.0 - 16 * 0.92 / 184)
    assert inp["merge_s"] == pytest.approx(0.01)
    assert inp["meta"]["cpu"] == "Test CPU"


def test_missing_measurements_are_refused(capsys):
    with tempfile.TemporaryDirectory() as tmp:
        assert hp.main([tmp]) == 2
    assert "hpc_projection:" in capsys.readouterr().err


def test_projection_table_names_the_bound(capsys):
    with tempfile.TemporaryDirectory() as tmp:
        _write_measurements(tmp)
        # 2.1 s runs, 10 ms writes: one file bounds from about 211 ranks
        assert hp.main([tmp, "--runs", "20000", "--ranks", "64,1024",
                        "--ranks-per-node", "32"]) == 0
    out = capsys.readouterr().out
    assert "One shared file bounds the job from 211 ranks" in out
    lines = [l for l in out.splitlines() if l.startswith("| 64 ") or l.startswith("| 1024 ")]
    assert len(lines) == 2
    assert lines[0].endswith("| the runs |")
    assert lines[1].endswith("| the file |")
    rows = hp.project({
        "run_s": 2.1, "spread": np.array([1.0]), "write_s": 0.01, "take_s": 0.0,
        "fixed_s": 0.0, "merge_s": 0.0}, 20000, [1024], 32)
    # per node, 32 ranks share a file: 32 x 0.01 < 2.11, so the runs bound it again
    assert rows[0]["per_node_eff"] > 0.9 > rows[0]["one_file_eff"]
    assert math.isclose(rows[0]["one_file_s"], 20000 * 0.01, rel_tol=0.05)


def test_scaling_tables_and_markers():
    with tempfile.TemporaryDirectory() as tmp:
        _write_measurements(tmp)
        with open(os.path.join(tmp, "scaling.tsv"), "a", encoding="utf-8") as f:
            f.write("strong\t1\t1\tno\t16\t2\t5.0\t\t1\t1\n")  # 1 x 1: median of 3.0 and 5.0 = 4.0
            f.write("strong\t2\t1\tno\t16\t1\t2.0\t3.9\t1.5\t2.5\n")
            f.write("strong\t4\t1\tyes\t16\t1\t1.6\t\t1\t1\n")
            f.write("weak\t1\t1\tno\t8\t1\t4.0\t\t1\t1\n")
            f.write("weak\t2\t1\tno\t16\t1\t5.0\t\t1\t1\n")
        text = hp.scaling_tables(tmp)
        page = os.path.join(tmp, "page.md")
        with open(page, "w", encoding="utf-8") as f:
            f.write(f"before\n{hp.BEGIN}\nold\n{hp.END}\nafter\n")
        hp.write_between_markers(page, "new")
        with open(page, encoding="utf-8") as f:
            assert f.read() == f"before\n{hp.BEGIN}\nnew\n{hp.END}\nafter\n"
        with open(page, "w", encoding="utf-8") as f:
            f.write("no markers\n")
        with pytest.raises(ValueError):
            hp.write_between_markers(page, "new")
    assert "Test CPU, 2 cores" in text
    assert "| govsim-mpi 1 x 1 | no | 4.0 (3.0-5.0) | 1.00 |  | 1.0-1.0 |" in text
    assert "| govsim-mpi 2 x 1 | no | 2.0 | 2.00 | 3.9 | 1.5-2.5 |" in text
    assert "| govsim-mpi 4 x 1 | yes | 1.6 | 2.50 |  | 1.0-1.0 |" in text
    assert "| govsim-mpi 2 x 1 | 16 | no | 5.0 | 0.80 |  | 1.0-1.0 |" in text
    assert "| govsim merge (200 small runs) | 2.0 | 10.0 |" in text
