"""analysis.timestep: the table of a scenario at several ticks, written between a page's markers."""

import os
import re
import tempfile

import pytest

from analysis import timestep

from conftest import ROOT, govsim_binary

SCENARIO = """[simulation]
duration = 60d
replications = 2
[population]
citizens = 400
[workforce]
teams = 1
workers_per_team = 2
[arm.npm]
preset = npm
[arm.hls]
preset = hls
"""


def test_timestep_table_between_markers(capsys):
    govsim = str(govsim_binary())
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "tiny.ini")
        with open(sc, "w") as f:
            f.write(SCENARIO)
        page = os.path.join(tmp, "page.md")
        with open(page, "w") as f:
            f.write(f"before\n\n{timestep.BEGIN}\nold table\n{timestep.END}\n\nafter\n")
        assert timestep.main([sc, "--govsim", govsim, "--replications", "2",
                              "--ticks", "1d,12h", "--markdown", page]) == 0
        with open(page) as f:
            text = f.read()
    assert text.startswith("before\n\n" + timestep.BEGIN + "\n")
    assert text.endswith(timestep.END + "\n\nafter\n")
    assert "old table" not in text
    rows = [line for line in text.splitlines() if line.startswith("| npm") or line.startswith("| hls")]
    assert len(rows) == 2 * len(timestep.OUTCOMES)
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        # arm, outcome, one value per tick, the change at each coarser tick
        assert len(cells) == 2 + 2 + 1
        assert all(re.fullmatch(r"-?[0-9.]+ ± [0-9.]+|nan ± nan", c) for c in cells[2:4]), cells
        assert re.fullmatch(r"[+-][0-9.]+%|n/a|nan%", cells[4]), cells
    assert capsys.readouterr().out.count("| npm") == len(timestep.OUTCOMES)


def test_timestep_refuses_a_page_without_markers(capsys):
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "page.md")
        with open(page, "w") as f:
            f.write("no markers\n")
        # refused before any run: the govsim named does not even exist
        with pytest.raises(SystemExit) as e:
            timestep.main([os.path.join(ROOT, "scenarios/default.ini"), "--govsim",
                           os.path.join(tmp, "no-govsim"), "--markdown", page])
        with open(page) as f:
            assert f.read() == "no markers\n"
    assert e.value.code == 2
    assert "no '<!-- timestep: begin" in capsys.readouterr().err
