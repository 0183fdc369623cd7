"""Rewrite the figures of docs/reliability.md from what produced them.

Each block of figures in the doc sits between two marker comments,

    <!-- figures:NAME -->
    ...generated text...
    <!-- /figures:NAME -->

and this script writes everything between them; the text outside is the
doc's own. Blocks:

  fuzz-scenario, fuzz-results  tests/fuzz/log.tsv (make fuzz, make fuzz-results)
  counts                       the repository: regression tests per defect
                               (D1, D2, ...), fuzzing corpus sizes
  faults                       the fault matrix: rows tests/cli/run.sh wrote to
                               GOVSIM_FAULTS (--faults), its check count (--cli-log)
  latency                      tests/reliability/latency.sh's rows (--latency)

The first three are deterministic (they depend only on committed files):
--check exits 1 when the doc holds other text for them (make check). The
fault matrix and the latency table depend on the machine and the moment:
they are rewritten only when their input is given, never checked.

usage: /usr/bin/python3 tests/reliability/figures.py [--check] [--doc DOC]
           [--root DIR] [--faults FILE] [--cli-log FILE] [--latency FILE]
"""
import argparse
import csv
import difflib
import os
import re
import sys

DETERMINISTIC = ("fuzz-scenario", "fuzz-results", "counts")
MARK = re.compile(r"(<!-- figures:([a-z-]+) -->\n)(.*?)(<!-- /figures:\2 -->)", re.S)


class FiguresError(Exception):
    """A doc without a block's markers, or an input file that cannot be read."""


def cell(text):
    """A Markdown table cell: pipes escaped, one line."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def number(text):
    """1234567 -> 1,234,567; anything not an integer as it is."""
    return f"{int(text):,}" if re.fullmatch(r"\d+", text or "") else (text or "")


def read_tsv(path):
    """Rows of a tab-separated file with a header line, as dicts; '#' lines skipped."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.strip() and not line.startswith("#")]
    except OSError as e:
        raise FiguresError(f"{path}: {e.strerror}") from None
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


# ---- blocks from committed files -------------------------------------------

def fuzz_block(log_rows, target):
    rows = []
    for r in log_rows:
        if r.get("target") != target:
            continue
        execs = number(r.get("executions", ""))
        if r.get("exec_per_sec"):
            execs += f" ({r['exec_per_sec']} a second)"
        start, corpus = r.get("inputs_at_start", ""), number(r.get("corpus", ""))
        if start and corpus:
            corpus = f"{number(start)} → {corpus}"
        notes = r.get("notes", "")
        findings = f"none ({notes})" if r.get("artifacts") == "0" else notes
        machine = r.get("cpu", "")
        if r.get("load"):
            machine += f"; load {r['load']}"
        rows.append([r.get("date", ""), machine, f"{r.get('seconds', '')} s", execs,
                     number(r.get("edges", "")), corpus, findings])
    if not rows:
        return f"No run of the {target} target is logged yet.\n"
    return ("From `tests/fuzz/log.tsv`, one row per run as libFuzzer reported it "
            "(time: the limit given; corpus: the inputs at the start → the units "
            "libFuzzer kept, its last `corp:`):\n\n"
            + table(["date", "machine", "time", "executions", "edges covered",
                     "corpus", "findings"], rows))


def defect_tests(root):
    """{defect number: ([test functions named test_dN_...], [CLI checks naming DN])}."""
    found = {}
    name = re.compile(r"^(?:static void |def )(test_d(\d+)_\w*)", re.M)
    for top in ("tests",):
        for d, _, files in os.walk(os.path.join(root, top)):
            for fn in sorted(files):
                if not fn.endswith((".c", ".py")):
                    continue
                path = os.path.join(d, fn)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                rel = os.path.relpath(path, root)
                for m in name.finditer(text):
                    found.setdefault(int(m.group(2)), ([], []))[0].append(f"{rel}:{m.group(1)}")
    cli = os.path.join(root, "tests", "cli", "run.sh")
    check = re.compile(r'(?:\bexpect [0-9]+|\bcontains .*|&& ok \|\| fail) "D(\d+)\b')
    if os.path.exists(cli):
        with open(cli, encoding="utf-8") as f:
            for line in f:
                for m in check.finditer(line):
                    found.setdefault(int(m.group(1)), ([], []))[1].append(line.strip())
    return found


def counts_block(root):
    found = defect_tests(root)
    rows = []
    top = max(found) if found else 0
    for n in range(1, max(top, 19) + 1):
        funcs, checks = found.get(n, ([], []))
        where = sorted({f.split(":")[0] for f in funcs})
        if checks:
            where.append("tests/cli/run.sh")
        rows.append([f"D{n}", str(len(funcs)), str(len(checks)),
                     ", ".join(f"`{w}`" for w in where) or "none"])
    corpus_dir = os.path.join(root, "tests", "fuzz", "corpus")
    corpora = []
    if os.path.isdir(corpus_dir):
        for sub in sorted(os.listdir(corpus_dir)):
            p = os.path.join(corpus_dir, sub)
            if os.path.isdir(p):
                corpora.append(f"`tests/fuzz/corpus/{sub}/`: {len(os.listdir(p))} files")
    untested = [r[0] for r in rows if r[1] == "0" and r[2] == "0"]
    text = ("Counted from the repository's files (test functions named `test_dN_...` "
            "in C and Python; checks of `tests/cli/run.sh` whose description starts "
            "with `DN`):\n\n"
            + table(["defect", "test functions", "checks in `tests/cli/run.sh`", "in"], rows)
            + "\nFuzzing corpus committed: " + ("; ".join(corpora) or "none") + ".\n")
    if untested:
        text += "No test names " + ", ".join(untested) + ".\n"
    return text


# ---- blocks from a run on this machine ----------------------------------------

def meta_lines(path):
    """The '# key<TAB>value' lines at the top of a rows file."""
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# ") and "\t" in line:
                k, v = line[2:].rstrip("\n").split("\t", 1)
                meta[k] = v
    return meta


def faults_block(path, cli_log=None):
    try:
        meta = meta_lines(path)
        with open(path, encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t") for line in f
                    if line.strip() and not line.startswith("#")]
    except OSError as e:
        raise FiguresError(f"{path}: {e.strerror}") from None
    bad = [r for r in rows if len(r) != 3]
    if bad:
        raise FiguresError(f"{path}: a row without three fields: {bad[0]}")
    head = "Written by `make reliability` from the rows `tests/cli/run.sh` recorded"
    where = "; ".join(f"{label}{meta[k]}" for k, label in
                      (("date", "on "), ("cpu", ""), ("load", "load at the start ")) if k in meta)
    if where:
        head += f" ({where})"
    if cli_log:
        with open(cli_log, encoding="utf-8", errors="replace") as f:
            m = re.findall(r"== CLI: (\d+) passed, (\d+) failed", f.read())
        if m:
            head += f"; that run of `tests/cli/run.sh`: {m[-1][0]} checks passed, {m[-1][1]} failed"
    return head + ".\n\n" + table(["fault", "how", "outcome (as observed)"], rows)


def latency_block(path):
    rows = read_tsv(path)
    cal = [r for r in rows if r.get("signal", "").startswith("none")]
    runs = [r for r in rows if not r.get("signal", "").startswith("none")]
    if not runs:
        raise FiguresError(f"{path}: no measured row")
    first = runs[0]
    head = (f"Measured by `tests/reliability/latency.sh` on {first['date']} "
            f"({first['cpu']}; load {first['load']} at the first signal), "
            f"{number(first['citizens'])} citizens")
    if cal:
        head += (f"; calibration: {cal[0]['phase']} "
                 f"({cal[0]['message']})")
    timed = [float(r["latency_s"]) for r in runs
             if re.fullmatch(r"[0-9.]+", r.get("latency_s", ""))]
    head += (". A run does not report its phase, and both threads build its world: the "
             "script places each signal by the calibration run's times (`GOVSIM_PROFILE=1`: "
             "its set-up and its tick), as falling in the world's building or in the ticks.")
    if timed:
        within = sum(t <= 1.0 for t in timed)
        head += (f" Longest: {max(timed):.2f} s; {within} of {len(timed)} "
                 f"ended within a second of the signal.")
    body = table(["signal", "after [s]", "phase", "ended after [s]", "exit", "message", "load"],
                 [[r["signal"], r["delay_s"], r["phase"], r["latency_s"], r["exit"],
                   r["message"], r["load"]] for r in runs])
    return head + "\n\n" + body


# ---- the doc ----------------------------------------------------------------------

def replace_blocks(doc, blocks):
    """doc with each named block's text replaced; FiguresError if a marker is missing."""
    seen = set()

    def sub(m):
        name = m.group(2)
        if name not in blocks:
            return m.group(0)
        seen.add(name)
        return m.group(1) + blocks[name] + m.group(4)

    out = MARK.sub(sub, doc)
    missing = sorted(set(blocks) - seen)
    if missing:
        raise FiguresError("no markers for " + ", ".join(
            f"<!-- figures:{n} --> ... <!-- /figures:{n} -->" for n in missing))
    return out


def deterministic_blocks(root):
    log = read_tsv(os.path.join(root, "tests", "fuzz", "log.tsv"))
    return {"fuzz-scenario": fuzz_block(log, "scenario"),
            "fuzz-results": fuzz_block(log, "results"),
            "counts": counts_block(root)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=".", help="the repository (default .)")
    ap.add_argument("--doc", help="the doc (default ROOT/docs/reliability.md)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the deterministic blocks are stale; write nothing")
    ap.add_argument("--faults", help="rows tests/cli/run.sh wrote to GOVSIM_FAULTS")
    ap.add_argument("--cli-log", help="the output of that run of tests/cli/run.sh")
    ap.add_argument("--latency", help="rows of tests/reliability/latency.sh")
    a = ap.parse_args(argv)
    doc_path = a.doc or os.path.join(a.root, "docs", "reliability.md")
    try:
        with open(doc_path, encoding="utf-8") as f:
            doc = f.read()
        blocks = deterministic_blocks(a.root)
        if a.check:
            new = replace_blocks(doc, blocks)
            if new != doc:
                sys.stdout.writelines(difflib.unified_diff(
                    doc.splitlines(True), new.splitlines(True), doc_path, "regenerated"))
                print(f"figures: {doc_path} is stale: run /usr/bin/python3 "
                      "tests/reliability/figures.py (or make reliability)", file=sys.stderr)
                return 1
            print(f"figures: {doc_path}: {', '.join(blocks)} up to date")
            return 0
        if a.faults:
            blocks["faults"] = faults_block(a.faults, a.cli_log)
        if a.latency:
            blocks["latency"] = latency_block(a.latency)
        new = replace_blocks(doc, blocks)
    except FiguresError as e:
        print(f"figures: {doc_path}: {e}", file=sys.stderr)
        return 2
    if new != doc:
        with open(doc_path + ".tmp", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(doc_path + ".tmp", doc_path)
    print(f"figures: {doc_path}: wrote {', '.join(blocks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
