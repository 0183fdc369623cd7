"""Damaged and altered result files: the analysis says what is wrong and never crashes.

D16: `python3 -m analysis.report` on files with flipped bytes died of SIGSEGV inside
h5py or printed a traceback. D17: a dataset missing or of another shape gave raw
TypeError / KeyError tracebacks and exit statuses 1 or 2 at random.

Every copy below goes through the command line, `/usr/bin/python3 -m analysis.report
FILE -o DIR`: it must exit 2 with one line on stderr that names the file, or (a byte
flipped where the file holds nothing in use) exit 0 with a report; never a signal, a
traceback or exit 1.
"""
import os
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest

import analysis
from analysis import data, guard

from conftest import ROOT, run_govsim

# Where the bytes are flipped: FLIPS offsets spread evenly over the file, one byte each.
FLIPS = 40
# Where the file is cut: fractions of its length.
CUTS = (0.0, 0.001, 0.25, 0.5, 0.75, 0.999)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A small real file whose metric data fill most of it: 63 runs x 365 days.

    With data filling most of the file (and 63 runs filling the 64 entries of each
    dataset's chunk index), most flipped bytes land where they matter, not in unused
    slack, and few copies need a whole report written.
    """
    path = tmp_path_factory.mktemp("good") / "good.h5"
    run_govsim(path, "--set", "population.citizens=300", "--set", "simulation.duration=365d",
               "--set", "simulation.replications=21", "--quiet")
    return path


def report(path, outdir):
    """Run the report's command line on path; the finished process."""
    return subprocess.run(["/usr/bin/python3", "-m", "analysis.report", str(path), "-o",
                           str(outdir)], cwd=ROOT, capture_output=True, text=True, timeout=300)


def in_parallel(fn, items):
    """fn(item) for every item, two or more at a time (each waits on a child process)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(fn, items))


def report_all(paths, tmp_path):
    """report() on every path; {path: process}."""
    return dict(in_parallel(lambda p: (p, report(p, tmp_path / (p.stem + "-report"))), paths))


def assert_refused(path, run):
    """Exit 2, one line on stderr naming the file, no traceback; return the line."""
    assert run.returncode == 2, f"{path}: exit {run.returncode}\n{run.stderr}"
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, f"{path}: not one line:\n{run.stderr}"
    assert lines[0].startswith(f"analysis.report: {path}: "), lines[0]
    assert "Traceback" not in run.stderr
    return lines[0]


def assert_refused_or_reported(path, run, outdir):
    """assert_refused(), or exit 0 with index.html written; 'refused' or 'reported'."""
    assert run.returncode >= 0, (f"{path}: killed by "
                                 f"{signal.Signals(-run.returncode).name}")
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 2), f"{path}: exit {run.returncode}\n{run.stderr}"
    if run.returncode == 2:
        assert_refused(path, run)
        return "refused"
    index = outdir / "index.html"
    assert run.stdout.strip().splitlines()[-1] == str(index)
    assert index.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    return "reported"


def flip_offsets(size, n=FLIPS):
    """n offsets spread evenly over a file of size bytes: the middle of each n-th."""
    return [(2 * i + 1) * size // (2 * n) for i in range(n)]


def test_d16_flipped_bytes(good, tmp_path):
    """One byte flipped at each of FLIPS offsets: refused in one line, or reported."""
    raw = good.read_bytes()
    paths = []
    for off in flip_offsets(len(raw)):
        b = bytearray(raw)
        b[off] ^= 0xFF
        p = tmp_path / f"flip{off}.h5"
        p.write_bytes(bytes(b))
        paths.append(p)
    runs = report_all(paths, tmp_path)
    outcome = {p: assert_refused_or_reported(p, runs[p], tmp_path / (p.stem + "-report"))
               for p in paths}
    refused = [p for p in paths if outcome[p] == "refused"]
    # most of the file is compressed data and headers with checksums: most flips are seen
    assert len(refused) >= FLIPS // 2, f"only {len(refused)} of {FLIPS} flips refused"


def test_d16_truncated(good, tmp_path):
    """The file cut at several lengths: always refused, in one line."""
    raw = good.read_bytes()
    paths = []
    for cut in CUTS:
        p = tmp_path / f"cut{int(cut * len(raw))}.h5"
        p.write_bytes(raw[:int(cut * len(raw))])
        paths.append(p)
    runs = report_all(paths, tmp_path)
    for p in paths:
        assert_refused(p, runs[p])


def test_d16_a_crash_reading_the_file_is_a_damaged_file(good, tmp_path, monkeypatch):
    """The child that reads the file dies of a signal: GovsimFileError, this process lives."""
    crash = tmp_path / "crash.py"
    crash.write_text("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    monkeypatch.setattr(guard, "_GUARD", str(crash))
    monkeypatch.setattr(guard, "_VERDICTS", {})
    with pytest.raises(analysis.GovsimFileError,
                       match=r"good\.h5: damaged: the HDF5 library crashed reading it "
                             r"\(SIGSEGV\)"):
        analysis.load(good)
    silent = tmp_path / "silent.py"
    silent.write_text("import sys\nsys.exit(3)\n")
    monkeypatch.setattr(guard, "_GUARD", str(silent))
    with pytest.raises(analysis.GovsimFileError, match=r"cannot check the file.*exit status 3"):
        analysis.check_file(good)


def altered(good, tmp_path, name, change):
    """A copy of the good file changed by change(h5py.File)."""
    p = tmp_path / f"{name}.h5"
    shutil.copy(good, p)
    with h5py.File(p, "r+") as f:
        change(f)
    return p


def delete(*names):
    def change(f):
        for n in names:
            del f[n]
    return change


def reshape(name, shape):
    def change(f):
        attrs = dict(f[name].attrs)
        del f[name]
        d = f.create_dataset(name, data=np.zeros(shape))
        for k, v in attrs.items():
            if k not in ("DIMENSION_LIST", "REFERENCE_LIST"):
                d.attrs[k] = v
    return change


def drop_attr(obj, key):
    def change(f):
        del f[obj].attrs[key]
    return change


def test_d17_datasets_missing_or_reshaped(good, tmp_path):
    """A dataset deleted or of another shape, an attribute removed: one clear message."""
    with h5py.File(good, "r") as f:
        n_run, n_time = f["needs_met"].shape
    cases = {  # file name: (change, what the message must name)
        "no_seed": (delete("seed"), "/seed"),
        "no_done": (delete("done"), "/done"),
        "no_needs_met": (delete("needs_met"), "/needs_met"),
        # a metric no other one names: the dimension scales still list it
        "no_audit_catches": (delete("audit_catches"), "is no longer in the file"),
        "no_histogram": (delete("time_to_close_true_hist"), "/time_to_close_true_hist"),
        "needs_met_1d": (reshape("needs_met", (n_run,)), "/needs_met has shape"),
        "trust_longer": (reshape("trust_mean", (n_run, n_time + 1)), "/trust_mean has shape"),
        "by_class_2d": (reshape("needs_met_by_class", (n_run, n_time)),
                        "/needs_met_by_class has shape"),
        "arm_numbers": (reshape("arm", (n_run,)), "/arm holds float64"),
        "no_aggregation": (drop_attr("failure_demand_share", "aggregation"),
                           "no aggregation attribute for metric 'failure_demand_share'"),
        "no_weight": (drop_attr("within_target_true", "weight"),
                      "'within_target_true' is weighted but has no weight"),
        "no_version": (drop_attr("/", "govsim_version"), "govsim_version"),
    }
    paths = {altered(good, tmp_path, name, change): what
             for name, (change, what) in cases.items()}
    runs = report_all(list(paths), tmp_path)
    for p, what in paths.items():
        line = assert_refused(p, runs[p])
        assert what in line, line


def test_d17_the_library_raises_one_error(good, tmp_path):
    """load(), provenance() and check_file() raise GovsimFileError, never KeyError or
    TypeError, for a file whose layout is not govsim's; the good file loads."""
    with h5py.File(good, "r") as f:
        n_run = f["run"].shape[0]
    flat = altered(good, tmp_path, "flat", reshape("needs_met", (n_run,)))
    for fn in (analysis.load, analysis.provenance, analysis.check_file):
        with pytest.raises(analysis.GovsimFileError, match=r"flat\.h5: .*/needs_met has shape"):
            fn(flat)
    gone = altered(good, tmp_path, "gone", delete("replication"))
    with pytest.raises(analysis.GovsimFileError, match=r"gone\.h5: .*no /replication"):
        analysis.load(gone)
    ds = analysis.load(good)
    assert ds["needs_met"].dims == ("run", "time")
    assert analysis.provenance(good)["parameters"]


@pytest.mark.parametrize("module", ["reproduce", "ablation"])
def test_d17_entry_points_say_one_line(module, tmp_path):
    """reproduce and ablation, given a govsim that writes a damaged file: exit 2, one line."""
    fake = tmp_path / "govsim"
    fake.write_text("""#!/bin/sh
# a govsim that names one mechanism and writes a damaged result file wherever -o says
if [ "$1" = params ]; then printf '[mechanism]\\nlearning on\\n'; exit 0; fi
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
printf 'not a result file' > "$out"
""")
    fake.chmod(0o755)
    args = {"reproduce": ["--fast", "--only", "buurtzorg"], "ablation": ["scenarios/default.ini"]}
    run = subprocess.run(["/usr/bin/python3", "-m", f"analysis.{module}", *args[module],
                          "--govsim", str(fake)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "not an HDF5 file" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_d17_the_metrics_the_analysis_names_must_be_there():
    """guard.REQUIRED_METRICS are the metrics of data.OUTCOMES."""
    assert set(guard.REQUIRED_METRICS) == {data.AT_END.get(n, n) for n, _ in data.OUTCOMES}
