"""golden.py - every scenario's results against its reference digests.

Each scenario under scenarios/ is run (at the reduced size that
tests/golden/scenarios.txt gives it, where the full size is slow) and every
dataset of its result file, /provenance aside, is reduced to a SHA-256 digest
of its type, shape and bytes. The digests must equal the reference in
tests/golden/reference/<scenario>.txt: any change to any value of any run
fails the test. A change that moves results on purpose updates the
reference in the same commit (--update), with the reason in its message.

usage: /usr/bin/python3 tests/golden/golden.py --govsim build/govsim
           [--threads 1,2] [--update] [--only NAME]...
Exit status: 0 every scenario identical to its reference, 1 a difference
or a missing reference, 2 bad usage or a run that failed.
"""
import argparse
import hashlib
import os
import shlex
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MANIFEST = os.path.join(HERE, "scenarios.txt")
REFDIR = os.path.join(HERE, "reference")


def read_manifest():
    """{scenario path relative to the root: [govsim run arguments]} in file order."""
    out = {}
    with open(MANIFEST, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = shlex.split(line)
            if not os.path.isfile(os.path.join(ROOT, words[0])):
                sys.exit(f"{MANIFEST}:{lineno}: no scenario {words[0]}")
            out[words[0]] = words[1:]
    return out


def every_scenario():
    found = []
    for d, _, files in os.walk(os.path.join(ROOT, "scenarios")):
        for f in files:
            if f.endswith(".ini"):
                found.append(os.path.relpath(os.path.join(d, f), ROOT))
    return sorted(found)


def ref_name(scenario):
    """scenarios/examples/x.ini -> examples__x.txt; tests/golden/y.ini -> tests__golden__y.txt"""
    rel = scenario[len("scenarios/"):] if scenario.startswith("scenarios/") else scenario
    return rel[:-4].replace("/", "__") + ".txt"


def digest(path):
    """[(dataset, dtype, shape, sha256)] of every dataset outside /provenance."""
    rows = []

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or name.startswith("provenance"):
            return
        if h5py.check_string_dtype(obj.dtype) is not None:
            data = obj.asstr()[()]
            flat = np.asarray(data, dtype=object).ravel()
            blob = b"\0".join(s.encode("utf-8") for s in flat)
            kind = "str"
        else:
            arr = np.ascontiguousarray(obj[()])
            blob = arr.tobytes()
            kind = arr.dtype.str
        h = hashlib.sha256(blob).hexdigest()
        rows.append(f"{name} {kind} {'x'.join(map(str, obj.shape)) or 'scalar'} {h}")

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return sorted(rows)


def different_needs(path):
    """The runs of one replication (and sweep point) whose needs arising differ
    between arms: the needs arising are the citizens' own, the same in every arm
    (unless an arm changes the need rates themselves: none of the scenarios does)."""
    with h5py.File(path, "r") as f:
        arising = f["needs_arising"][()]
        rep = f["replication"][()]
        point = f["sweep_point"][()] if "sweep_point" in f else np.zeros_like(rep)
    first, bad = {}, []
    for run in range(arising.shape[0]):
        key = (int(point[run]), int(rep[run]))
        if key not in first:
            first[key] = run
        elif not np.array_equal(arising[run], arising[first[key]]):
            bad.append(run)
    return bad


def run(govsim, scenario, args, threads, tmp):
    out = os.path.join(tmp, f"golden-{threads}.h5")
    cmd = [govsim, "run", os.path.join(ROOT, scenario), "-o", out, "--force", "--quiet",
           "--threads", str(threads)] + args
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(f"golden: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
        sys.exit(2)
    bad = different_needs(out)
    if bad:
        print(f"golden: {scenario}: needs arising differ between arms of one replication "
              f"(runs {', '.join(map(str, bad[:5]))})")
        sys.exit(1)
    return digest(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--govsim", default=os.path.join(ROOT, "build", "govsim"))
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--update", action="store_true", help="rewrite the references")
    ap.add_argument("--only", action="append", default=[], help="scenario path(s) to run")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    manifest = read_manifest()
    missing = [s for s in every_scenario() if s not in manifest]
    if missing:
        print("golden: scenarios without a line in tests/golden/scenarios.txt: " +
              ", ".join(missing))
        return 1
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for scenario, args in manifest.items():
            if a.only and scenario not in a.only:
                continue
            ref = os.path.join(REFDIR, ref_name(scenario))
            got = run(a.govsim, scenario, args, threads[0], tmp)
            for t in threads[1:]:
                other = run(a.govsim, scenario, args, t, tmp)
                if other != got:
                    print(f"golden: {scenario}: {t} threads differ from {threads[0]}")
                    bad += 1
            if a.update:
                os.makedirs(REFDIR, exist_ok=True)
                with open(ref, "w", encoding="utf-8") as f:
                    f.write(f"# govsim run {scenario} {' '.join(args)}\n")
                    f.write("\n".join(got) + "\n")
                print(f"golden: {scenario}: reference written ({len(got)} datasets)")
                continue
            if not os.path.exists(ref):
                print(f"golden: {scenario}: no reference {os.path.relpath(ref, ROOT)}")
                bad += 1
                continue
            with open(ref, encoding="utf-8") as f:
                want = [l.rstrip("\n") for l in f if not l.startswith("#") and l.strip()]
            if got == want:
                print(f"golden: {scenario}: {len(got)} datasets identical")
                continue
            bad += 1
            wd = {r.split()[0]: r for r in want}
            gd = {r.split()[0]: r for r in got}
            for k in sorted(set(wd) | set(gd)):
                if wd.get(k) != gd.get(k):
                    print(f"golden: {scenario}: {k}: "
                          f"{'differs' if k in wd and k in gd else 'missing' if k in wd else 'new'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
