"""Open no result file before it is known to be an intact govsim result file.

A damaged HDF5 file can crash the HDF5 library that h5py wraps: a
segmentation fault kills the Python process, with no exception to catch. So
every reader of the analysis package (load, provenance, check_file, and so
every command line) first has the file read in a child process, by
analysis/h5check.py run as a script with the same interpreter:

    /usr/bin/python3 analysis/h5check.py FILE [METRIC ...]

The child reads the whole file: every object, every attribute, every value of
every dataset, and the file as h5netcdf (the engine xarray uses) sees it,
dimension scales and all. It checks the layout of docs/output.md and prints
its verdict: what makes the file unreadable or not a govsim file, if
anything, and what is wrong with the attributes that say how the metrics add
up, if anything (h5check.py says more).

Only once the child has come through does the calling process open the file
itself. The HDF5 library is deterministic: the same reads of the same bytes
take the paths the child took, so they cannot crash where the child did
not. A child killed by a signal means a damaged file; so does one that
takes far too long (a damaged file can make the library loop). Either way
the caller raises GovsimFileError, one line naming the file and what is
wrong, which every command line prints and exits 2 on. (A file rewritten
between the child's reading and the caller's is not covered.)

This module imports nothing but the standard library and the child only
h5py, h5netcdf and numpy, never the rest of the package (xarray, pandas,
matplotlib take a second to import); the command lines check their file
before importing those, so a bad file is refused within a fraction of a
second.
"""

import json
import os
import signal
import subprocess
import sys


class GovsimFileError(ValueError):
    """The file is not an intact govsim result file (or lacks what an analysis needs).

    The message is one line that starts with the file's path and says what is
    wrong: not HDF5, damaged (the HDF5 library cannot read it, or crashed
    reading it), a dataset missing or of another shape or type, or the
    attributes that say how the metrics add up missing (an older govsim).
    """


# The metrics the analysis names itself, which must be there: those of the rows of the
# comparison table (analysis.data.OUTCOMES; trust_end is trust_mean at the end). A test
# keeps the two lists the same.
REQUIRED_METRICS = (
    "cost_per_need_met", "failure_demand_share", "hours_idle", "needs_met",
    "time_to_close_true_mean", "trust_mean", "wellbeing_mean", "within_target_audited",
    "within_target_recorded", "within_target_true",
)

# The child: h5check.py run as a script, without putting its folder (or the current one)
# on the module path, so that it imports h5py and numpy and nothing of the package.
_GUARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h5check.py")
_CHILD = ("import runpy, sys; sys.path[:] = [p for p in sys.path if p]; sys.argv.pop(0); "
          "runpy.run_path(sys.argv[0], run_name='__main__')")

# Signals that mean the child crashed inside the HDF5 library (rather than being stopped).
_CRASHES = {signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGFPE, signal.SIGILL}

# The verdict on each file, while the file is unchanged, so that load(), provenance() and
# check_file() of one file run the child once:
# {real path: ((device, inode, size, mtime, ctime), verdict)}.
_VERDICTS = {}


def _run_child(path, size):
    """Run this module on path in a child process; return its verdict (a dict).

    Raises GovsimFileError when the child is killed by a signal (the HDF5 library
    crashed on a damaged file), takes too long or gives no verdict.
    """
    # a generous bound: two minutes, and a second for every 10 MB the child reads
    timeout = 120 + size / 1e7
    cmd = [sys.executable or "/usr/bin/python3", "-c", _CHILD, _GUARD, path,
           *REQUIRED_METRICS]
    try:
        child = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise GovsimFileError(f"{path}: reading it took more than {timeout:.0f} s: the file is "
                              "damaged (or far larger than a result file)") from None
    if child.returncode < 0:
        sig = -child.returncode
        if sig == signal.SIGINT:
            raise KeyboardInterrupt
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig in _CRASHES:
            raise GovsimFileError(f"{path}: damaged: the HDF5 library crashed reading it "
                                  f"({name}); not an intact govsim result file")
        raise GovsimFileError(f"{path}: the process reading it was stopped by {name}")
    try:
        verdict = json.loads(child.stdout.strip().splitlines()[-1])
        if not all(key in verdict for key in ("fatal", "meaning", "dims")):
            raise ValueError("no verdict")
    except (IndexError, ValueError, TypeError):
        err = child.stderr.strip().splitlines()
        raise GovsimFileError(f"{path}: cannot check the file: the process reading it failed "
                              f"(exit status {child.returncode}"
                              f"{': ' + ' '.join(err[-1].split()) if err else ''})") from None
    return verdict


def verdict(path):
    """The child's verdict on path (run once per state of the file).

    FileNotFoundError if there is no such file; GovsimFileError for a
    directory or when the child crashed or gave no verdict.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise GovsimFileError(f"{path}: is a directory, not a result file")
    st = os.stat(path)
    key = os.path.realpath(path)
    state = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _VERDICTS.get(key)
    if known is not None and known[0] == state:
        return known[1]
    result = _run_child(path, st.st_size)
    _VERDICTS[key] = (state, result)
    return result


def readable(path):
    """The verdict on path; GovsimFileError unless it has the layout of a govsim file.

    What load() and provenance() ask: a file whose metrics lack the attributes
    that say how they add up (an older govsim) passes.
    """
    path = os.fspath(path)
    result = verdict(path)
    if result["fatal"]:
        raise GovsimFileError(f"{path}: {result['fatal']}")
    return result


def check_file(path):
    """Raise FileNotFoundError or GovsimFileError unless path is a govsim result file.

    The file is read whole in a child process (so that a damaged file that
    crashes the HDF5 library cannot crash this one) and checked against the
    layout of docs/output.md: the datasets ``time``, ``run``, ``arm``,
    ``replication``, ``seed``, ``done``, ``digest``, ``class``, ``bin``,
    ``bin_edges`` and the four histograms; every metric (run, time) and
    per-class metric (run, class, time), of floats, and those the analysis
    names (REQUIRED_METRICS); every dataset the dimension scales list; the
    attribute ``govsim_version`` and the group ``/provenance``; and values a
    govsim file always has (runs 0..n-1, increasing times and bins, done 0
    or 1, one run per replication of an arm and sweep point). Any problem
    raises one GovsimFileError that starts with the path and says what is
    wrong.

    A file whose metrics carry no ``aggregation`` attribute (written by an
    older govsim) is not summarised: GovsimFileError says to re-run it. So
    are metrics without ``long_name``, or whose ``weight``, ``numerator``
    or ``denominator`` is missing or names no metric of the file.
    """
    path = os.fspath(path)
    result = readable(path)
    if result["meaning"]:
        raise GovsimFileError(f"{path}: {result['meaning']}")


def run_command(name, fn, *args):
    """fn(*args) for a command-line entry point, its errors as one line on stderr.

    Returns fn's value, or the exit status: 2 for a result file that is not
    an intact govsim file (or is missing), 1 for a govsim run that failed
    (govsim has said why on stderr).
    """
    import subprocess
    import sys
    try:
        return fn(*args)
    except (FileNotFoundError, GovsimFileError) as e:
        print(f"{name}: {e}", file=sys.stderr)  # a result file govsim left that is not one
        return 2
    except subprocess.CalledProcessError as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 1
