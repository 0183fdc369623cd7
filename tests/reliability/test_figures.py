"""Tests of tests/reliability/figures.py on a small repository made in a
temporary directory: a block is rewritten between its markers and nowhere
else, --check fails on a stale block and passes on a fresh one, the
machine-dependent blocks are written from their rows and never checked.

usage: /usr/bin/python3 tests/reliability/test_figures.py   (make check)
"""
import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figures  # noqa: E402

LOG = ("date\tcpu\tload\ttarget\tseconds\tinputs_at_start\texecutions\texec_per_sec\t"
       "edges\tcorpus\tartifacts\tnotes\n"
       "2026-12-01T10:00Z\tSome CPU, 2 cores\t0.5 0.4 0.3\tscenario\t60\t20\t6000\t100\t"
       "1500\t300\t0\tran to the time limit\n"
       "2026-12-01T11:00Z\tSome CPU, 2 cores\t1.0 0.9 0.8\tresults\t60\t73\t700\t44\t"
       "1000\t28\t1\tstopped, exit 1: AddressSanitizer: heap-use-after-free; artifacts: 1 crash\n")

DOC = """# Reliability

Prose kept as it is.

<!-- figures:fuzz-scenario -->
a stale table
<!-- /figures:fuzz-scenario -->

Between the blocks.

<!-- figures:fuzz-results -->
<!-- /figures:fuzz-results -->

<!-- figures:counts -->
<!-- /figures:counts -->

<!-- figures:faults -->
the matrix of another day
<!-- /figures:faults -->

<!-- figures:latency -->
<!-- /figures:latency -->

The end.
"""


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = figures.main(list(argv))
    return rc, out.getvalue() + err.getvalue()


class Figures(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        for d in ("docs", "tests/fuzz/corpus/scenario", "tests/cli", "tests/sim"):
            os.makedirs(os.path.join(self.root, d))
        self.write("tests/fuzz/log.tsv", LOG)
        for i in range(3):
            self.write(f"tests/fuzz/corpus/scenario/s{i}.ini", "[simulation]\n")
        self.write("tests/sim/test_x.c",
                   "static void test_d2_something(void **state)\n"
                   "static void test_d2_other(void **state)\n"
                   "static void test_defaults(void **state)\n")
        self.write("tests/cli/run.sh",
                   'expect 2 "D3 refused" -- govsim run\n'
                   'contains "pattern" "D3 says why"\n'
                   '[ -e x ] && ok || fail "D3 no file"\n'
                   '\tfail "D3 exit $st"\n')
        self.doc = os.path.join(self.root, "docs", "reliability.md")
        self.write("docs/reliability.md", DOC)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        with open(os.path.join(self.root, rel), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self):
        with open(self.doc, encoding="utf-8") as f:
            return f.read()

    def test_rewrites_between_markers_only(self):
        self.assertEqual(run("--root", self.root)[0], 0)
        doc = self.read()
        self.assertNotIn("a stale table", doc)
        for kept in ("Prose kept as it is.", "Between the blocks.", "The end.",
                     "the matrix of another day"):  # no --faults: the matrix is left alone
            self.assertIn(kept, doc)
        self.assertIn("| 2026-12-01T10:00Z | Some CPU, 2 cores; load 0.5 0.4 0.3 | 60 s | "
                      "6,000 (100 a second) | 1,500 | 20 → 300 | none (ran to the time limit) |",
                      doc)
        self.assertIn("heap-use-after-free", doc)
        self.assertIn("| D2 | 2 | 0 | `tests/sim/test_x.c` |", doc)
        # the else-branch fail is not a check of its own
        self.assertIn("| D3 | 0 | 3 | `tests/cli/run.sh` |", doc)
        self.assertIn("| D1 | 0 | 0 | none |", doc)
        self.assertIn("`tests/fuzz/corpus/scenario/`: 3 files", doc)
        # a second run changes nothing
        self.assertEqual(run("--root", self.root)[0], 0)
        self.assertEqual(self.read(), doc)

    def test_check_fails_on_a_stale_block(self):
        rc, out = run("--root", self.root, "--check")
        self.assertEqual(rc, 1)
        self.assertIn("stale", out)
        self.assertEqual(self.read(), DOC)  # --check writes nothing
        run("--root", self.root)
        self.assertEqual(run("--root", self.root, "--check")[0], 0)
        # a new log row makes the doc stale again
        with open(os.path.join(self.root, "tests/fuzz/log.tsv"), "a", encoding="utf-8") as f:
            f.write("2026-12-03T09:00Z\tSome CPU, 2 cores\t0 0 0\tscenario\t30\t20\t10\t1\t5\t5\t0\tx\n")
        self.assertEqual(run("--root", self.root, "--check")[0], 1)
        # so does a new regression test
        run("--root", self.root)
        self.write("tests/sim/test_y.c", "static void test_d20_new(void **state)\n")
        self.assertEqual(run("--root", self.root, "--check")[0], 1)

    def test_machine_blocks_written_never_checked(self):
        faults = os.path.join(self.root, "faults.tsv")
        with open(faults, "w", encoding="utf-8") as f:
            f.write("# date\t2026-12-02T09:00Z\n# cpu\tSome CPU, 2 cores\n# load\t1.0 1.0 1.0\n"
                    "disk full\ta 400 KiB tmpfs\tnot tried: no mount | here\n"
                    "SIGINT during a run\t`kill -INT` after 1 s\texit 1, no big.h5\n")
        cli = os.path.join(self.root, "cli.out")
        with open(cli, "w", encoding="utf-8") as f:
            f.write("== CLI tests (x)\n== CLI: 161 passed, 0 failed\n")
        lat = os.path.join(self.root, "latency.tsv")
        with open(lat, "w", encoding="utf-8") as f:
            f.write("date\tcpu\tload\tcitizens\tsignal\tdelay_s\tphase\tlatency_s\texit\tmessage\n"
                    "2026-12-02T09:10:00Z\tSome CPU, 2 cores\t1 1 1\t30000000\tnone (calibration)"
                    "\t\tworld about 10 s, a tick about 0.4 s\t\t0/0\truns of 1 and 3 ticks\n"
                    "2026-12-02T09:10:30Z\tSome CPU, 2 cores\t1 1 1\t30000000\tSIGINT\t2.5"
                    "\tbuilding the world\t0.10\t1\tinterrupted; no lat.h5 written\n"
                    "2026-12-02T09:10:50Z\tSome CPU, 2 cores\t1 1 1\t30000000\tSIGINT\t11"
                    "\tticks (about tick 2)\t1.30\t1\tinterrupted; no lat.h5 written\n")
        rc, out = run("--root", self.root, "--faults", faults, "--cli-log", cli, "--latency", lat)
        self.assertEqual(rc, 0, out)
        doc = self.read()
        self.assertNotIn("the matrix of another day", doc)
        self.assertIn("| disk full | a 400 KiB tmpfs | not tried: no mount \\| here |", doc)
        self.assertIn("161 checks passed, 0 failed", doc)
        self.assertIn("(on 2026-12-02T09:00Z; Some CPU, 2 cores; load at the start 1.0 1.0 1.0)", doc)
        self.assertIn("| SIGINT | 11 | ticks (about tick 2) | 1.30 | 1 |", doc)
        self.assertIn("Longest: 1.30 s; 1 of 2 ended within a second", doc)
        # the check looks at the deterministic blocks only
        self.assertEqual(run("--root", self.root, "--check")[0], 0)

    def test_missing_marker_is_an_error(self):
        self.write("docs/reliability.md", DOC.replace("<!-- /figures:counts -->\n", ""))
        rc, out = run("--root", self.root)
        self.assertEqual(rc, 2)
        self.assertIn("no markers for <!-- figures:counts -->", out)


if __name__ == "__main__":
    unittest.main(verbosity=1)
