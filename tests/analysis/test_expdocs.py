"""The tables of docs/experiments/: written between markers from results.json, the
prose around them untouched, and found stale when edited by hand or older than the
model (analysis/expdocs.py)."""
import json
import shutil
import subprocess

import pytest

from analysis import expdocs, reproduce

from conftest import ROOT

PAGE = """# An experiment

Prose before, with a table of its own:

| a | b |
|---|---|
| 1 | 2 |

<!-- reproduce:table -->
old table, typed by hand
<!-- /reproduce:table -->

## Where and why govsim differs

Prose after: 82.9 is a number in the prose.
"""


def inside_value(fig, shift=0.0):
    """A value within the figure's band (its midpoint, or beyond a threshold), moved by
    shift towards the outside of a one-sided band."""
    lo, hi = fig.band
    if lo is None:
        return hi - 0.25 + shift
    if hi is None:
        return lo + 0.25 - shift
    return (lo + hi) / 2 + shift


def fake_runs(experiments, shift=0.0):
    """What _run_all records, with every figure within its band (moved by shift)."""
    runs = []
    for exp in experiments:
        rows = []
        for fig in exp.figures:
            mean = inside_value(fig, shift)
            rows.append((fig, mean, 0.1, fig.band, fig.inside(mean)))
        variants = [{"variant": v, "rows": [r for r in rows if r[0].label in v.figures]}
                    for v in exp.variants]
        runs.append({"replications": 3, "seconds": 1.5, "load": [0.25, 0.5], "rows": rows,
                     "variants": variants})
    return runs


def fake_robust(root, experiments=reproduce.EXPERIMENTS, out_of_band=()):
    """robustness.json as analysis.robust writes it: every figure in band in each of two
    variations and a seed, but those labelled in out_of_band."""
    exps = []
    for exp in experiments:
        figs = []
        for fig in exp.figures:
            got = [fig.label not in out_of_band] * 3
            share = sum(got) / 3
            figs.append({"label": fig.label, "kind": fig.label_kind, "in_band": got,
                         "share": share, "robust": share >= reproduce.ROBUST_SHARE})
        exps.append({"name": exp.name, "seconds": 2.0, "load": 0.5, "figures": figs,
                     "variations": [{"group": "a.b", "name": "-20%", "what": "a.b = 1"},
                                    {"group": "a.b", "name": "+20%", "what": "a.b = 2"},
                                    {"group": "seed", "name": "7", "what": "seed"}]})
    return {"format": expdocs.FORMAT, "written_by": "test", "date": "2026-12-02T11:00:00Z",
            "revision": "abc", "cpu": {"model": "CPU", "cores": 2}, "load": [0.5, 0.5],
            "seconds": 12.0, "factors": [0.8, 1.2], "seeds": 1,
            "robust_share": reproduce.ROBUST_SHARE,
            "fingerprint": expdocs.fingerprint(experiments, root), "experiments": exps}


def model_copy(tmp_path):
    """The files the fingerprint reads, in a folder of their own."""
    root = tmp_path / "root"
    (root / "tests" / "golden").mkdir(parents=True)
    shutil.copytree(ROOT / "tests" / "golden" / "reference", root / "tests" / "golden" / "reference")
    (root / "scenarios").mkdir()
    shutil.copytree(ROOT / "scenarios" / "published", root / "scenarios" / "published")
    return root


def docs_copy(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "experiments", docs)
    (docs / "results.json").unlink(missing_ok=True)
    (docs / "robustness.json").unlink(missing_ok=True)
    return docs


def written(tmp_path, shift=0.0):
    """A copy of docs/experiments with a fake run written into it: (docs, root, results)."""
    root, docs = model_copy(tmp_path), docs_copy(tmp_path)
    results = expdocs.record(reproduce.EXPERIMENTS, fake_runs(reproduce.EXPERIMENTS, shift),
                             "2026-12-02T10:00:00Z", 80.4, [0.5, 1.25], "govsim 0.1.0", root=root)
    expdocs.write(results, docs)
    expdocs.write_robust(fake_robust(root), docs)
    return docs, root, results


def test_block_rendered_between_markers_prose_untouched():
    new = expdocs.replace_blocks(PAGE, {"table": "| figure |\n|---|\n| x |\n"})
    before, after = PAGE.split("<!-- reproduce:table -->\n")[0], PAGE.split(
        "<!-- /reproduce:table -->")[1]
    assert new == before + "<!-- reproduce:table -->\n| figure |\n|---|\n| x |\n" \
        "<!-- /reproduce:table -->" + after
    assert "old table" not in new and "| 1 | 2 |" in new and "82.9 is a number" in new
    # rendering again gives the same page
    assert expdocs.replace_blocks(new, {"table": "| figure |\n|---|\n| x |\n"}) == new


def test_markers_quoted_in_prose_are_not_blocks():
    page = "Between `<!-- reproduce:table -->` and `<!-- /reproduce:table -->`.\n" + PAGE
    new = expdocs.replace_blocks(page, {"table": "x\n"})
    assert new.startswith("Between `<!-- reproduce:table -->` and `<!-- /reproduce:table -->`.\n")
    assert "<!-- reproduce:table -->\nx\n<!-- /reproduce:table -->\n" in new


def test_missing_or_doubled_markers_are_refused():
    with pytest.raises(expdocs.DocsError, match="no <!-- reproduce:summary -->"):
        expdocs.replace_blocks(PAGE, {"summary": "x\n"}, "README.md")
    twice = PAGE + "<!-- reproduce:table -->\n<!-- /reproduce:table -->\n"
    with pytest.raises(expdocs.DocsError, match="more than one"):
        expdocs.replace_blocks(twice, {"table": "x\n"})


def test_half_width_never_rounded_to_zero():
    fig = {"value": 0.4123, "half_width": 0.0041, "band": [0.35, 0.7], "unit": ""}
    assert expdocs.govsim_text(fig) == "0.412 \u00b1 0.004"
    fig = {"value": 2.984, "half_width": 0.012, "band": [1.5, 10.0], "unit": ""}
    assert expdocs.govsim_text(fig) == "2.98 \u00b1 0.01"
    fig = {"value": 83.41, "half_width": 0.61, "band": [80.0, 88.0], "unit": "%"}
    assert expdocs.govsim_text(fig) == "83.4 \u00b1 0.6%"
    fig = {"value": 1.0, "half_width": 0.0, "band": [0.5, 2.0], "unit": ""}
    assert expdocs.govsim_text(fig) == "1.00 \u00b1 0.00"
    fig = {"value": 1.0, "half_width": None, "band": [0.5, 2.0], "unit": "d"}
    assert expdocs.govsim_text(fig) == "1.00 d"


def test_pages_written_from_results(tmp_path):
    docs, root, results = written(tmp_path)
    stored = json.loads((docs / "results.json").read_text())
    assert stored == json.loads(json.dumps(results))
    assert stored["cpu"]["model"] and stored["fingerprint"] == expdocs.fingerprint(
        reproduce.EXPERIMENTS, root)
    fig = stored["experiments"][0]["figures"][0]
    assert set(fig) >= {"label", "value", "half_width", "band", "verdict", "passed"}
    page = (docs / "ae_four_hours.md").read_text()
    original = (ROOT / "docs" / "experiments" / "ae_four_hours.md").read_text()
    # the prose around the block is the committed page's
    def prose(text):
        return expdocs.MARK.sub(lambda m: m.group(1) + m.group(4), text)

    assert prose(page) == prose(original)
    block = expdocs.current_blocks(page)["table"]
    assert block.startswith("## What govsim produces (`make reproduce`, 3 replications)\n")
    assert ("| within 4 h, no target | calibrated | 83.9% | 83.9 \u00b1 0.1% | 80.68\u201387.12% "
            "| \u00b120% of the rarer outcome, 16.1% | PASS (calibrated: not counted) |") in block
    assert ("| admitted: rise in mean stay with the target | emerged | +30 min | 30.0 \u00b1 0.1 min "
            "| 24\u201336 min | \u00b120% of the published value | PASS (not reproduced: see the page) |"
            ) in block
    assert "| effort off | targets focus effort" in block  # the variants' table
    page = (docs / "portsmouth_repairs.md").read_text()
    assert ("| failure demand, before redesign | emerged | 40\u201375% | 57.5 \u00b1 0.1% | 40\u201375% "
            "| the source's own range |") in page  # a range as published
    assert "| `population.return_delay` | `14d` | *days end to end, before redesign* (a figure) |" \
        in page  # the calibration block
    assert "| threshold | \u2264 0.5 | 0.25 \u00b1 0.10 | \u2264 0.5 |" in page
    robust = expdocs.current_blocks(page)["robust"]
    assert "| failure demand, before redesign | emerged | ++ | 1 of 1 | 3 of 3 (100%) | yes |" \
        in robust
    readme = (docs / "README.md").read_text()
    assert "| `ae_four_hours` | P1, the four-hour spike | [ae_four_hours.md](ae_four_hours.md) " \
        "| 5 of 5 | 5 | 0 of 0 | 2 |" in readme
    flat = " ".join(readme.split())
    assert "In all, 12 of 12 emerged figures are reproduced (within their bands), 12 of them " \
        "robustly" in flat
    assert "8 of 8 qualitative claims hold; 10 figures were calibrated" in flat
    assert "1 min 20 s" in readme and "2026-12-02 10:00 UTC" in readme
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == []


def test_failing_figures_are_shown_as_failing(tmp_path):
    docs, root, _ = written(tmp_path, shift=1000.0)
    block = expdocs.current_blocks((docs / "capability_trap.md").read_text())["table"]
    assert "FAIL (reproduced before: out of its band now)" in block
    block = expdocs.current_blocks((docs / "buurtzorg.md").read_text())["table"]
    assert "FAIL (not reproduced: see the page)" in block
    assert "In all, 0 of 12 emerged figures" in " ".join((docs / "README.md").read_text().split())
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == []


def test_hand_edited_table_is_stale(tmp_path):
    docs, root, _ = written(tmp_path)
    page = docs / "ae_four_hours.md"
    text = page.read_text()
    # prose outside the markers is free to change
    page.write_text(text.replace("## Where and why govsim differs", "## Where govsim differs"))
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == []
    page.write_text(text.replace("83.9 \u00b1 0.1%", "96.3 \u00b1 0.1%"))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert len(problems) == 1
    assert problems[0].startswith(f"{page}: the block after <!-- reproduce:table --> is not what")
    assert "96.3 \u00b1 0.1%" in problems[0] and "83.9 \u00b1 0.1%" in problems[0]
    assert "never by hand" in problems[0]
    # markers removed
    page.write_text(text.replace("<!-- /reproduce:table -->", ""))
    assert "no <!-- reproduce:table -->" in expdocs.check(reproduce.EXPERIMENTS, docs, root)[0]
    # the summary too
    page.write_text(text)
    readme = docs / "README.md"
    readme.write_text(readme.read_text().replace("| 5 of 5 |", "| 4 of 5 |"))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert len(problems) == 1 and problems[0].startswith(f"{readme}: the block after "
                                                         "<!-- reproduce:summary -->")


def test_results_edited_by_hand_are_refused(tmp_path):
    docs, root, results = written(tmp_path)
    band = results["experiments"][0]["figures"][3]["band"]
    results["experiments"][0]["figures"][3]["band"] = [80.0, 99.0]  # a band widened
    (docs / "results.json").write_text(json.dumps(results))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert any("bands or flags are not those of analysis/reproduce.py" in p for p in problems)
    results["experiments"][0]["figures"][3]["band"] = band
    results["experiments"][0]["figures"][3]["value"] = 50.0
    results["experiments"][0]["figures"][3]["verdict"] = "PASS"  # a verdict forced
    (docs / "results.json").write_text(json.dumps(results))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert any("is not what its value and band give" in p for p in problems)
    (docs / "results.json").unlink()
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == [
        f"{docs / 'results.json'}: missing: run `make reproduce-docs`"]


@pytest.mark.parametrize("changed, why", [
    ("tests/golden/reference/published__buurtzorg.txt", "published scenarios' results"),
    ("scenarios/published/ambulance_8min.ini", "a scenario of scenarios/published/"),
])
def test_changed_fingerprint_is_stale(tmp_path, changed, why):
    docs, root, _ = written(tmp_path)
    with open(root / changed, "a") as f:
        f.write("\n# changed\n")
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert len(problems) == 2
    assert problems[0].startswith("docs/experiments are from an older model: run make "
                                  "reproduce-docs")
    assert why in problems[0] and "2026-12-02T10:00:00Z" in problems[0]
    assert "robustness.json is from an older model: run `make reproduce-robust`" in problems[1]
    assert why in problems[1]


def test_changed_figures_are_stale(tmp_path, monkeypatch):
    docs, root, _ = written(tmp_path)
    exp = reproduce.EXPERIMENTS[-1]
    fig = exp.figures[0]
    # the code that computes a figure
    monkeypatch.setattr(fig, "compute", lambda r: reproduce.ratio(r, "x", "y", "leavers") * 2)
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert len(problems) == 2 and "the figures' definitions or the code" in problems[0]
    assert "robustness.json is from an older model" in problems[1]
    monkeypatch.undo()
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == []
    # a figure's band (the results.json of the run shows the band it had then)
    monkeypatch.setattr(fig, "threshold", (">", 1.4))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert "the figures' definitions or the code" in problems[0]
    monkeypatch.undo()
    # the tolerance of every band
    monkeypatch.setattr(reproduce, "TOLERANCE", 0.3)
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert any("the band tolerance" in p for p in problems)


def test_robustness_stale_or_missing(tmp_path):
    docs, root, _ = written(tmp_path)
    (docs / "robustness.json").unlink()
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert problems == [f"{docs / 'robustness.json'}: missing: run `make reproduce-robust`"]
    robust = fake_robust(root)
    robust["fingerprint"]["model"] = "0" * 64
    (docs / "robustness.json").write_text(json.dumps(robust))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert any("robustness.json is from an older model: run `make reproduce-robust`" in p
               for p in problems)
    # a figure that leaves its band in the variations is not robust, on the page and in
    # the summary
    expdocs.write_robust(fake_robust(root, out_of_band=["true compliance (urgent calls), "
                                                        "under pressure"]), docs)
    robust = expdocs.current_blocks((docs / "ambulance_8min.md").read_text())["robust"]
    assert "| true compliance (urgent calls), under pressure | emerged | \u2212\u2212 | 0 of 1 " \
        "| 0 of 3 (0%) | no |" in robust
    readme = (docs / "README.md").read_text()
    assert "| [ambulance_8min.md](ambulance_8min.md) | 1 of 1 | 0 |" in readme
    assert expdocs.check(reproduce.EXPERIMENTS, docs, root) == []


def test_calibration_block_on_the_page_follows_the_scenario(tmp_path):
    docs, root, _ = written(tmp_path)
    scenario = root / "scenarios" / "published" / "work_programme.ini"
    scenario.write_text(scenario.read_text().replace(
        "; calibrated: cost.payment_per_outcome = 400",
        "; calibrated: cost.payment_per_outcome = 400 \u2014 fitted to: fact: x\n"
        "; calibrated: workforce.teams = 4"))
    problems = expdocs.check(reproduce.EXPERIMENTS, docs, root)
    assert any("work_programme.md: the block after <!-- reproduce:calibrated -->" in p
               for p in problems)


def test_code_closure_follows_helpers():
    code = expdocs._code_closure([reproduce.EXPERIMENTS[0].figures[0].compute])
    names = " ".join(code)
    assert "analysis.reproduce.share_before" in names and "analysis.reproduce._bin_index" in names
    code = expdocs._code_closure([reproduce.Result])
    assert "analysis.data.over" in " ".join(code)


def test_write_docs_from_the_command_line(tmp_path, monkeypatch, capsys):
    """--write-docs after a (faked) full run, then --check-docs; refused with --only."""
    docs = docs_copy(tmp_path)
    runs = iter(fake_runs(reproduce.EXPERIMENTS))
    rows = {}

    def run(exp, *a, **k):
        if not k.get("variant"):
            rows[exp.name] = next(runs)["rows"]
        return exp.name

    monkeypatch.setattr(reproduce, "run_experiment", run)
    monkeypatch.setattr(reproduce, "evaluate", lambda e, r, f=False: rows[r])
    monkeypatch.setattr(reproduce, "replications", lambda res: 3)
    assert reproduce.main(["--write-docs", "--docs", str(docs), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert f"reproduce: wrote {docs / 'results.json'}" in out
    assert f"reproduce: wrote {docs / 'ae_four_hours.md'}" in out
    expdocs.write_robust(fake_robust(expdocs.ROOT), docs)
    assert reproduce.main(["--check-docs", "--docs", str(docs)]) == 0
    assert "and the tables of 7 pages are current" in capsys.readouterr().out
    page = docs / "work_programme.md"
    page.write_text(page.read_text().replace("| 8\u201312% |", "| 5\u201325% |"))
    assert reproduce.main(["--check-docs", "--docs", str(docs)]) == 1
    assert f"reproduce: {page}: the block after" in capsys.readouterr().err
    assert reproduce.main(["--write-docs", "--only", "buurtzorg"]) == 2
    assert "not with --fast or --only" in capsys.readouterr().err


def test_committed_pages_have_their_markers():
    """Every experiment's page has one table block, the summary one: the check of
    `make check` (make reproduce-docs-check) compares them with results.json."""
    for exp in reproduce.EXPERIMENTS:
        text = (ROOT / "docs" / "experiments" / f"{exp.name}.md").read_text()
        lines = text.split("\n")
        for block in ("table", "calibrated", "robust"):
            assert lines.count(f"<!-- reproduce:{block} -->") == 1, (exp.name, block)
            assert lines.count(f"<!-- /reproduce:{block} -->") == 1, (exp.name, block)
    text = (ROOT / "docs" / "experiments" / "README.md").read_text()
    assert text.split("\n").count("<!-- reproduce:summary -->") == 1
    out = subprocess.run(["/usr/bin/python3", "-m", "analysis.reproduce", "--check-docs",
                          "--docs", str(ROOT / "nonexistent")], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 1 and "results.json: missing" in out.stderr
