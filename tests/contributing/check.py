"""check.py - the worked example of docs/contributing.md builds, runs and passes.

Copies the tree (tracked and untracked files, not ignored ones) into a
scratch directory, applies every code block of docs/contributing.md whose
info string names where it goes, builds govsim and the example's test, runs
the test, the layer check and a short scenario with the new parameter, and
checks that the new parameter and metric reach `govsim params`, `govsim
metrics` and the result file. Exit 0 if all holds, 1 otherwise.

    /usr/bin/python3 tests/contributing/check.py [--keep]

Info strings understood (after the language, `c`):
    PATH                        a new file at PATH (contains a '/')
    params.def SECTION          a row before GS_END_SECTION(SECTION) of sim/core/params.def
    params_basis.def            a line at the end of sim/core/params_basis.def
    metrics.def                 an entry after the last GS_METRIC of sim/core/metrics.def
    governance.c include        a line after the last model include of models/governance.c
    governance.c phase after N  a row after the phase named N in models/governance.c
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "contributing.md")


def blocks(text):
    """[(info, body)] of every fenced code block whose info string says where it goes."""
    out = []
    for m in re.finditer(r"^```c ([^\n]+)\n(.*?)^```$", text, re.M | re.S):
        out.append((m.group(1).strip(), m.group(2)))
    return out


def insert_before(text, marker, add):
    i = text.index(marker)
    return text[:i] + add + text[i:]


def insert_after_line(text, pattern, add, last=False):
    lines = text.split("\n")
    hits = [k for k, l in enumerate(lines) if re.search(pattern, l)]
    if not hits:
        raise SystemExit(f"check: no line matching {pattern!r}")
    k = hits[-1] if last else hits[0]
    lines[k + 1:k + 1] = add.rstrip("\n").split("\n")
    return "\n".join(lines)


def apply(tree, info, body):
    words = info.split()
    def edit(rel, fn):
        path = os.path.join(tree, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(fn(text))
    if words[0] == "params.def":
        edit("sim/core/params.def",
             lambda t: insert_before(t, f"\nGS_END_SECTION({words[1]})", "\n" + body.rstrip("\n")))
    elif words[0] == "params_basis.def":
        edit("sim/core/params_basis.def", lambda t: t.rstrip("\n") + "\n" + body)
    elif words[0] == "metrics.def":
        edit("sim/core/metrics.def",
             lambda t: insert_before(t, "\nGS_CLASS_METRIC(", "\n" + body.rstrip("\n")))
    elif words[:2] == ["governance.c", "include"]:
        edit("models/governance.c",
             lambda t: insert_after_line(t, r'^#include "models/', body, last=True))
    elif words[:3] == ["governance.c", "phase", "after"]:
        name = " ".join(words[3:])
        edit("models/governance.c",
             lambda t: insert_after_line(t, r'\{"' + re.escape(name) + r'",', body))
    elif "/" in words[0] and len(words) == 1:
        path = os.path.join(tree, words[0])
        if os.path.exists(path):
            raise SystemExit(f"check: {words[0]} exists already")
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
    else:
        raise SystemExit(f"check: unknown code block target {info!r}")


def run(cmd, cwd, **kw):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-4000:] + p.stderr[-4000:])
        raise SystemExit(f"check: {' '.join(cmd)} exited {p.returncode}")
    return p.stdout


def main():
    keep = "--keep" in sys.argv
    with open(DOC, encoding="utf-8") as f:
        bs = blocks(f.read())
    if len(bs) < 6:
        raise SystemExit(f"check: {DOC} has {len(bs)} placed code blocks, expected the worked example")
    tmp = tempfile.mkdtemp(prefix="govsim-contributing-")
    try:
        files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        tree = os.path.join(tmp, "tree")
        for rel in files:
            src = os.path.join(ROOT, rel)
            if not os.path.isfile(src):
                continue
            dst = os.path.join(tree, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
        for info, body in bs:
            apply(tree, info, body)
        build = os.path.join(tmp, "build")
        test = "tests/models/test_peer_support"
        basis = "tests/sim/core/test_params"  # every behavioural parameter has its basis
        run(["make", "-j2", f"BUILD={build}", "OPT=-O0", f"{build}/govsim", f"{build}/{test}",
             f"{build}/{basis}"], tree)
        run([f"{build}/{test}"], tree)
        run([f"{build}/{basis}"], tree)
        run(["tests/layers/check.sh"], tree)
        params = run([f"{build}/govsim", "params"], tree)
        metrics = run([f"{build}/govsim", "metrics"], tree)
        if "peer_support" not in params or "stress_relieved" not in metrics:
            raise SystemExit("check: the new parameter or metric is not listed")
        out = os.path.join(tmp, "x.h5")
        run([f"{build}/govsim", "run", "scenarios/bench/small.ini", "-o", out, "-q",
             "--set", "workforce.peer_support=5", "--set", "simulation.duration=60d"], tree)
        import h5py
        with h5py.File(out, "r") as f:
            relieved = f["stress_relieved"][()]
            if f["stress_relieved"].attrs["aggregation"] not in ("flow", b"flow"):
                raise SystemExit("check: stress_relieved is not a flow in the file")
        if not (relieved > 0).any():
            raise SystemExit("check: peer support relieved no stress in a run")
        print(f"contributing: the worked example builds, its test passes, and a run with it "
              f"writes stress_relieved ({len(bs)} code blocks applied)")
    finally:
        if keep:
            print(f"contributing: scratch tree kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
