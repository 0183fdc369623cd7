"""tools/docs.py: the outputs shown in the docs are run, written, and found stale."""
import subprocess
import sys

from conftest import ROOT, govsim_binary

TOOL = str(ROOT / "tools" / "docs.py")


def docs(*args):
    return subprocess.run([sys.executable, TOOL, "--govsim", str(govsim_binary()), *map(str, args)],
                          capture_output=True, text=True, timeout=300)


PAGE = """# page
<!-- doc: shell -->
```console
$ govsim check scenarios/default.ini
$ echo 'ran in 12s at 2026-12-02T08:00:00Z'
```
<!-- doc: python -->
```python
>>> 6 * 7
>>> print("two\\nlines")
```
"""


def test_written_then_current_then_stale(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    run = docs(page)
    assert run.returncode == 0, run.stderr
    text = page.read_text()
    assert "$ govsim check scenarios/default.ini\nscenarios/default.ini: ok (3 arms" in text
    assert ">>> 6 * 7\n42\n>>> print(\"two\\nlines\")\ntwo\nlines\n```" in text
    assert docs("--check", page).returncode == 0
    # timings and times of day vary: not stale
    page.write_text(text.replace("ran in 12s at 2026-12-02T08:00:00Z",
                                 "ran in 3m07s at 2027-01-01T00:00:00Z"))
    assert docs("--check", page).returncode == 0
    # a number that moved is stale, and the message names the file, the block and the line
    page.write_text(text.replace("\n42\n", "\n41\n"))
    run = docs("--check", page)
    assert run.returncode == 1
    assert f"{page}:9: the block below is stale: its line 2 shows\n    41\n" in run.stderr
    assert "run `make docs`" in run.stderr
    assert page.read_text() == text.replace("\n42\n", "\n41\n")  # --check writes nothing


def test_every_shown_doc_has_generated_blocks():
    make = (ROOT / "Makefile").read_text()
    shown = make.split("SHOWN_DOCS :=")[1].split("\n")[0].split()
    assert "README.md" in shown and "docs/cli.md" in shown
    for doc in shown:
        assert "<!-- doc: " in (ROOT / doc).read_text(), doc


def test_unchecked_blocks_are_written_not_checked(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- doc: shell unchecked -->\n```console\n$ echo $$\n```\n")
    assert docs(page).returncode == 0
    text = page.read_text()
    assert text.startswith("<!-- doc: shell unchecked -->\n```console\n$ echo $$\n")
    assert text.split("\n")[3].isdigit()  # a process id: differs every time
    page.write_text(text.replace(text.split("\n")[3], "1"))
    assert docs("--check", page).returncode == 0
