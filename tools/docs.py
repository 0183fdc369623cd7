"""The commands and outputs shown in the docs, run and written by this script.

    /usr/bin/python3 tools/docs.py [--check] [--govsim build/govsim] FILE.md...

A fenced block right after a marker line is generated:

    <!-- doc: shell -->          a ```console block: every line "$ COMMAND" (with
                                 "\\" continuation lines) is run with sh, and the
                                 lines after it up to the next "$ " are its output
                                 (standard output and error, in order)
    <!-- doc: shell quiet -->    the same, the output not shown (a preparation)
    <!-- doc: shell head=N -->   the first N lines of each output, then "..."
    <!-- doc: shell unchecked --> written by `make docs`, never found stale: for
                                 outputs that vary from run to run (progress, timings)
    <!-- doc: python -->         a ```python block: ">>> " and "... " lines are
                                 run as at Python's prompt, the lines after them
                                 are what it prints (one session per file)

Every file runs in a scratch folder of its own that sees the repository's
scenarios/, tests/ and docs/ (so commands are the ones a user types from a clone:
`govsim run scenarios/default.ini` writes out/default.h5), with `govsim` on
the PATH (the binary given by --govsim), SOURCE_DATE_EPOCH fixed (the
provenance's creation time) and two threads. Python blocks run with this
interpreter, Debian's /usr/bin/python3, the analysis package importable.

`make docs` rewrites the files; `--check` (run by `make check`) regenerates
them in memory and fails, naming the file and the block, when a shown output
differs from what the commands give now. Timings, times of day and git
revisions vary from run to run: they are compared as placeholders, only
regenerated.
"""

import argparse
import code
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = re.compile(r"^<!-- doc: (shell|python)((?: [a-z]+(?:=\d+)?)*) -->\s*$")
UNCHECKED = "unchecked"
EPOCH = "1796256000"  # 2026-12-03T00:00:00Z, the provenance's `created` in the docs

# What varies between runs and is compared as a placeholder.
VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<time>"),
    (re.compile(r"\b[0-9a-f]{12}(-dirty)?\b"), "<revision>"),
    (re.compile(r"\b\d+m\d\ds\b"), "<duration>"),
    (re.compile(r"\b\d+(\.\d+)?\s?s\b"), "<duration>"),
    (re.compile(r"\breal\s+\S+"), "real <duration>"),
    (re.compile(r"\b0x[0-9a-f]+\b"), "<address>"),
]


def normalise(text):
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


class Session:
    """A scratch folder, the environment of the commands, and a Python prompt."""

    def __init__(self, govsim):
        self.dir = tempfile.mkdtemp(prefix="govsim-docs-")
        for name in ("scenarios", "tests", "docs"):
            os.symlink(os.path.join(ROOT, name), os.path.join(self.dir, name))
        bindir = os.path.join(self.dir, ".bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(govsim), os.path.join(bindir, "govsim"))
        # the `python3` of the commands is Debian's, as after `make install`
        os.symlink(sys.executable, os.path.join(bindir, "python3"))
        self.env = {**os.environ, "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                    "SOURCE_DATE_EPOCH": EPOCH, "OMP_NUM_THREADS": "2",
                    "PYTHONPATH": ROOT, "COLUMNS": "100"}
        self.env.pop("GOVSIM_PROGRESS", None)
        self.console = None

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def shell(self, command):
        run = subprocess.run(["sh", "-c", command + " 2>&1"], cwd=self.dir, env=self.env,
                             stdout=subprocess.PIPE, text=True, timeout=900)
        return run.stdout.replace(self.dir + "/", "").replace(self.dir, ".")

    def python(self, source):
        """Run one statement as at the prompt; what it prints (and the value it shows)."""
        if self.console is None:
            self.console = code.InteractiveInterpreter({"__name__": "__doc__"})
            # wide enough that pandas shows every column of the tables
            self._in_dir("import sys; sys.path.insert(0, %r)\n"
                         "import pandas; pandas.set_option('display.width', 120)\n"
                         "pandas.set_option('display.max_columns', 12)\n" % ROOT)
        return self._in_dir(source)

    def _in_dir(self, source):
        out = io.StringIO()
        old = os.getcwd()
        saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH",)}
        os.chdir(self.dir)
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                compiled = code.compile_command(source, "<doc>",
                                                "exec" if "\n" in source.strip() and
                                                not source.startswith((" ", "for", "with", "if", "def"))
                                                else "single")
                if compiled is None:
                    raise SyntaxError(f"incomplete statement: {source!r}")
                self.console.runcode(compiled)
        finally:
            os.chdir(old)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return out.getvalue().replace(self.dir + "/", "")


def shell_block(session, lines, options):
    """The new lines of a console block: each command and (unless quiet) its output."""
    out, i = [], 0
    head = next((int(o[5:]) for o in options if o.startswith("head=")), None)
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        cmd = [lines[i]]
        while cmd[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd.append(lines[i])
        i += 1
        out.extend(cmd)
        text = session.shell("\n".join(c[2:] if k == 0 else c for k, c in enumerate(cmd)))
        shown = text.rstrip("\n").split("\n") if text.strip() else []
        if "quiet" in options:
            continue
        if head is not None and len(shown) > head:
            shown = shown[:head] + ["..."]
        out.extend(line.rstrip() for line in shown)
    return out


def python_block(session, lines):
    """The new lines of a Python block: each statement and what it printed."""
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith(">>>"):
            if lines[i].startswith("#") or not lines[i].strip():
                out.append(lines[i])  # comments and blank lines between statements stay
            i += 1
            continue
        stmt = [lines[i]]
        i += 1
        while i < len(lines) and lines[i].startswith("..."):
            stmt.append(lines[i])
            i += 1
        while i < len(lines) and lines[i] and not lines[i].startswith((">>>", "#")):
            i += 1  # the old output
        out.extend(stmt)
        source = "\n".join(s[4:] for s in stmt) + ("\n" if len(stmt) > 1 else "")
        text = session.python(source)
        out.extend(line.rstrip() for line in text.rstrip("\n").split("\n") if text.strip())
    return out


def generate(path, govsim):
    """The text of the markdown file at path with every generated block regenerated;
    and [(line number of the marker, old block, new block)]."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    session = Session(govsim)
    blocks = []
    shift = 0  # lines the blocks so far added: markers are named by their line in the file
    try:
        i = 0
        while i < len(lines):
            m = MARKER.match(lines[i])
            if not m:
                i += 1
                continue
            kind, options = m.group(1), m.group(2).split()
            start = i + 1
            if start >= len(lines) or not lines[start].startswith("```"):
                raise SystemExit(f"docs: {path}:{i + 1}: a marker must be followed by a "
                                 "fenced block")
            end = start + 1
            while end < len(lines) and lines[end].rstrip() != "```":
                end += 1
            if end == len(lines):
                raise SystemExit(f"docs: {path}:{start + 1}: the block is not closed")
            old = lines[start + 1:end]
            new = (shell_block(session, old, options) if kind == "shell"
                   else python_block(session, old))
            blocks.append((i + 1 - shift, old, new, UNCHECKED in options))
            shift += len(new) - len(old)
            lines[start + 1:end] = new
            i = start + 1 + len(new) + 1
    finally:
        session.close()
    return "\n".join(lines), blocks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", metavar="FILE.md")
    ap.add_argument("--govsim", default=os.path.join(ROOT, "build", "govsim"))
    ap.add_argument("--check", action="store_true",
                    help="do not write: fail if a shown output is stale")
    args = ap.parse_args(argv)
    if not os.access(args.govsim, os.X_OK):
        print(f"docs: no govsim at {args.govsim}: build it with `make`", file=sys.stderr)
        return 2
    stale = 0
    for path in args.files:
        text, blocks = generate(path, args.govsim)
        if args.check:
            for line, old, new, unchecked in blocks:
                if unchecked:
                    continue
                a, b = normalise("\n".join(old)), normalise("\n".join(new))
                if a != b:
                    stale += 1
                    diff = next(k for k, (x, y) in enumerate(
                        zip(a.split("\n") + [""], b.split("\n") + [""])) if x != y)
                    got = b.split("\n")[diff] if diff < len(b.split("\n")) else "(nothing)"
                    was = a.split("\n")[diff] if diff < len(a.split("\n")) else "(nothing)"
                    print(f"docs: {path}:{line}: the block below is stale: its line "
                          f"{diff + 1} shows\n    {was}\n  where the command now gives\n"
                          f"    {got}\n  (run `make docs`)", file=sys.stderr)
            print(f"docs: {path}: {len(blocks)} generated blocks checked")
        else:
            with open(path, encoding="utf-8") as f:
                before = f.read()
            if text != before:
                tmp = path + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, path)
            print(f"docs: {path}: {len(blocks)} blocks generated"
                  f"{'' if text != before else ' (unchanged)'}")
    if stale:
        print(f"docs: {stale} stale block{'s' if stale != 1 else ''}: run `make docs`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
