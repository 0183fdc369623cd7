"""The tables of docs/experiments/, written from a full run of analysis.reproduce.

`make reproduce-docs` (``/usr/bin/python3 -m analysis.reproduce --write-docs``)
runs every published experiment and writes what it gave:

- docs/experiments/results.json: per experiment and per figure, govsim's
  mean, the half-width of its 95% confidence interval, the band, PASS or
  FAIL and the figure's flags; the run's date, CPU, load average, wall time
  and git revision; and the fingerprint of what the numbers depend on
  (fingerprint()).
- in each docs/experiments/NAME.md, the block between
  ``<!-- reproduce:table -->`` and ``<!-- /reproduce:table -->``: the heading
  with the number of replications, a line with the run's date, CPU and load,
  and the table of the figures;
- in docs/experiments/README.md, the block between
  ``<!-- reproduce:summary -->`` and ``<!-- /reproduce:summary -->``: figures
  within their bands per experiment and in all.

Everything outside the markers (why a figure moves, the sources) is written
by hand and left as it is. The blocks are rendered from results.json alone
(render_blocks()), so `make reproduce-docs-check` (part of `make check`,
``--check-docs``, no run) can find, cheaply, a table edited by hand (the
page's block differs from what results.json renders to) and numbers from an
older model (the fingerprint recorded in results.json differs from the
current one).
"""

import hashlib
import inspect
import json
import math
import os
import re
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS_DIR = os.path.relpath(os.path.join(ROOT, "docs", "experiments"))
RESULTS = "results.json"
FORMAT = 1

# A block: its markers alone on their lines (a marker quoted in the prose is not one).
MARK = re.compile(r"^(<!-- reproduce:([a-z]+) -->\n)(.*?)^(<!-- /reproduce:\2 -->)$",
                  re.S | re.M)
RERUN = "run `make reproduce-docs`"
RERUN_ROBUST = "run `make reproduce-robust`"
ROBUST = "robustness.json"


class DocsError(Exception):
    """A page without its markers, or a results.json that cannot be read."""


# ---------------------------------------------------------------------------
# What the numbers depend on

def _hash_files(root, pattern_dir, suffix, prefix=""):
    h = hashlib.sha256()
    d = os.path.join(root, pattern_dir)
    names = sorted(n for n in os.listdir(d) if n.endswith(suffix) and n.startswith(prefix)) \
        if os.path.isdir(d) else []
    for n in names:
        h.update(f"{pattern_dir}/{n}\0".encode())
        with open(os.path.join(d, n), "rb") as f:
            h.update(f.read())
        h.update(b"\0")
    return h.hexdigest()


# Modules whose code checks files or imports, and computes no figure.
NOT_NUMBERS = ("analysis.guard", "analysis.h5check", "analysis.deps")


def _code_closure(objs):
    """The source of the given functions and of every analysis function or class they
    use, found through the names their code refers to: {qualified name: source}."""
    seen, todo = {}, list(objs)
    while todo:
        obj = todo.pop()
        mod = getattr(obj, "__module__", "") or ""
        if not mod.startswith("analysis") or mod in NOT_NUMBERS:
            continue
        key = f"{mod}.{getattr(obj, '__qualname__', repr(obj))}"
        if getattr(obj, "__name__", "") == "<lambda>":
            key += f":{obj.__code__.co_firstlineno}"
        if key in seen:
            continue
        try:
            seen[key] = inspect.getsource(obj)
        except (OSError, TypeError):
            continue
        if inspect.isclass(obj):
            codes = [m.__code__ for m in vars(obj).values() if inspect.isfunction(m)]
            scope = vars(inspect.getmodule(obj))
        elif inspect.isfunction(obj):
            codes, scope = [obj.__code__], obj.__globals__
        else:
            continue
        while codes:
            code = codes.pop()
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
            for name in code.co_names:
                ref = scope.get(name)
                if inspect.isfunction(ref) or inspect.isclass(ref):
                    todo.append(ref)
                elif isinstance(ref, types.ModuleType) and ref.__name__.startswith("analysis"):
                    # module.attribute: the attributes named in the same code
                    for attr in code.co_names:
                        sub = getattr(ref, attr, None)
                        if inspect.isfunction(sub) or inspect.isclass(sub):
                            todo.append(sub)
    return seen


def definitions(experiments):
    """What the figures are: per experiment its scenario and settings, per figure
    its label, unit, published value and claim, band and flags (plain data)."""
    return [{"name": e.name, "scenario": e.scenario, "settings": list(e.full),
             "figures": [{"label": f.label, "unit": f.unit, "published": f.published,
                          "claim": f.claim, "band": list(f.band), "source": f.source,
                          "threshold": list(f.threshold) if f.threshold else None,
                          "null": f.null, "counted": f.counted,
                          "reproduced": f.reproduced, "calibrated": f.calibrated}
                         for f in e.figures],
             "variants": [{"name": v.name, "sets": v.sets, "figures": v.figures}
                          for v in e.variants]}
            for e in experiments]


def fingerprint(experiments, root=ROOT):
    """Digests of what a full run's numbers depend on, each a SHA-256 in hex:

    - ``model``: the golden references of the published scenarios
      (tests/golden/reference/published__*.txt), the digests of every dataset
      their runs give. `make golden` (in `make check`) holds them equal to
      what the model gives now, so any change of the model, its parameters
      or its metrics that moves these scenarios' results changes them;
    - ``scenarios``: scenarios/published/*.ini;
    - ``figures``: the figures' definitions (definitions()) and the source
      of the code that computes them from a result file (the lambdas, the
      helpers they call, Result, evaluate(), analysis.data.over() and what it
      calls).
    """
    from . import reproduce
    code = _code_closure([f.compute for e in experiments for f in e.figures]
                         + [reproduce.evaluate, reproduce.estimate, reproduce.t975,
                            reproduce.Result, reproduce.Figure])
    figures = json.dumps({"definitions": definitions(experiments),
                          "t975": sorted(reproduce.T975.items()),
                          "code": sorted(code.values())}, sort_keys=True)
    return {
        "model": _hash_files(root, "tests/golden/reference", ".txt", "published__"),
        "scenarios": _hash_files(root, "scenarios/published", ".ini"),
        "figures": hashlib.sha256(figures.encode()).hexdigest(),
        "tolerance": f"{reproduce.TOLERANCE!r} {reproduce.ROBUST_SHARE!r}",
    }


FINGERPRINT_MEANING = {
    "model": "the published scenarios' results (their golden references, "
             "tests/golden/reference/published__*.txt) have changed",
    "scenarios": "a scenario of scenarios/published/ has changed",
    "figures": "the figures' definitions or the code that computes them "
               "(analysis/reproduce.py, analysis/data.py) have changed",
    "tolerance": "the band tolerance or the robustness threshold (analysis/reproduce.py) "
                 "has changed",
}


# ---------------------------------------------------------------------------
# The run's record

def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or platform.machine() or "unknown CPU"


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def git_revision(root=ROOT):
    import subprocess
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"],
                             cwd=root, capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _num(x):
    """A float for JSON: None for NaN."""
    x = float(x)
    return None if x != x else x


def _band(band):
    return [None if b is None else float(b) for b in band]


def _figure(fig, mean, half, ok):
    """A figure's row in results.json."""
    from . import reproduce
    return {
        "label": fig.label, "kind": fig.label_kind, "unit": fig.unit,
        "published": fig.published, "published_text": fig.published_text(),
        "source": fig.source, "value": _num(mean), "half_width": _num(half),
        "band": _band(fig.band), "band_text": reproduce.band_text(fig),
        "band_basis": fig.band_basis(), "note": fig.note,
        "passed": bool(ok), "verdict": reproduce.verdict(fig, ok),
        "reproduced": fig.reproduced, "calibrated": fig.calibrated, "counted": fig.counted}


def record(experiments, runs, started, seconds, load, govsim_version, root=ROOT):
    """results.json's content. ``runs``: per experiment, in order, a dict with
    ``replications``, ``seconds``, ``load`` [start, end] and ``rows`` (evaluate()'s)."""
    from . import reproduce
    exps = []
    for exp, run in zip(experiments, runs):
        figs = [_figure(fig, mean, half, ok) for fig, mean, half, band, ok in run["rows"]]
        variants = [{"name": v["variant"].name, "sets": list(v["variant"].sets),
                     "why": v["variant"].why,
                     "figures": [_figure(fig, mean, half, ok)
                                 for fig, mean, half, band, ok in v["rows"]]}
                    for v in run.get("variants", [])]
        exps.append({"name": exp.name, "pattern": exp.pattern, "scenario": exp.scenario,
                     "settings": list(exp.full), "replications": run["replications"],
                     "seconds": round(run["seconds"], 1), "load": run["load"],
                     "figures": figs, "variants": variants})
    return {
        "format": FORMAT,
        "written_by": "make reproduce-docs (/usr/bin/python3 -m analysis.reproduce --write-docs)",
        "date": started,
        "revision": git_revision(root),
        "govsim": govsim_version,
        "cpu": {"model": cpu_model(), "cores": os.cpu_count()},
        "load": load,
        "seconds": round(seconds, 1),
        "fingerprint": fingerprint(experiments, root),
        "experiments": exps,
    }


# ---------------------------------------------------------------------------
# Rendering

def with_unit(text, unit):
    """A number or a claim with its unit: 4.7%, 24 d, +30 min, 0.64 (a ratio)."""
    if not unit:
        return text
    return text + ("%" if unit == "%" else f" {unit}")


def _digits(band):
    return 2 if max(abs(b) for b in band if b is not None) < 10 else 1


def govsim_text(fig):
    """Mean ± 95% half-width with its unit, rounded as `make reproduce` prints them, or
    finer where that would round the half-width to 0 (up to 4 decimals)."""
    if fig["value"] is None:
        return "nan"
    d = _digits(fig["band"])
    half = fig["half_width"]
    if half is not None and 0 < half < 0.5 * 10 ** -d:
        d = min(4, -math.floor(math.log10(half)))
    text = f"{fig['value']:.{d}f}"
    if fig["half_width"] is not None:
        text += f" \u00b1 {fig['half_width']:.{d}f}"
    return with_unit(text, fig["unit"])


def band_text(fig):
    return with_unit(fig["band_text"], fig["unit"])


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _date(iso):
    """'2026-12-02T09:55:12Z' -> '2026-12-02 09:55 UTC'."""
    return iso[:10] + " " + iso[11:16] + " UTC"


def _duration(seconds):
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s} s" if m else f"{s} s"


def _load(value):
    return "unknown" if value is None else f"{value:.2f}"


def _machine(results):
    cpu = results["cpu"]
    cores = cpu.get("cores")
    return f"{cpu['model']}" + (f" ({cores} cores)" if cores else "")


def _fill(text):
    """A paragraph wrapped as the pages are (never inside a word or a `code` span)."""
    import textwrap
    return textwrap.fill(text, width=78, break_long_words=False, break_on_hyphens=False)


def page_block(results, exp):
    """The text between a page's markers: heading, the run's line, the table."""
    lo, hi = exp["load"]
    lines = [
        f"## What govsim produces (`make reproduce`, {exp['replications']} replications)",
        "",
        _fill(f"Written by `make reproduce-docs` from [results.json](results.json), run "
              f"on {_date(results['date'])} at revision {results['revision']} on "
              f"{_machine(results)}, load average {_load(lo)} at the start of this "
              f"experiment and {_load(hi)} at its end, {_duration(exp['seconds'])} of wall "
              f"time. govsim: the mean across replications \u00b1 the half-width of its 95% "
              f"confidence interval; a figure that compares arms is taken replication by "
              f"replication (the arms share seeds). Labels: *calibrated* (the scenario was "
              f"fitted to it: not counted), *emerged* (a published value the scenario was not "
              f"fitted to), *threshold* (a one-sided qualitative claim)."),
        "",
        "| figure | label | published | govsim (95% CI) | band | band from | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for fig in exp["figures"]:
        basis = fig["band_basis"] + (f"; {fig['note']}" if fig.get("note") else "")
        lines.append("| " + " | ".join(cell(c) for c in (
            fig["label"], fig["kind"], with_unit(fig["published_text"], fig["unit"]),
            govsim_text(fig), band_text(fig), basis, fig["verdict"])) + " |")
    if exp.get("variants"):
        lines += ["", "With and without (the same replications and seeds, one setting "
                  "changed; `make reproduce` runs them):", "",
                  "| run | what it shows | figure | govsim (95% CI) | band | within |",
                  "|---|---|---|---|---|---|"]
        for v in exp["variants"]:
            what = v["why"] + " (" + ", ".join(f"`{x}`" for x in v["sets"]) + ")"
            for k, fig in enumerate(v["figures"]):
                lines.append("| " + " | ".join(cell(c) for c in (
                    v["name"] if k == 0 else "", what if k == 0 else "", fig["label"],
                    govsim_text(fig), band_text(fig), "yes" if fig["passed"] else "no")) + " |")
    return "\n".join(lines) + "\n"


def robustly(exp, robust):
    """How many of a results.json experiment's emerged figures are within their bands and
    robust (None: robustness not run for it)."""
    rexp = None if robust is None else next(
        (e for e in robust["experiments"] if e["name"] == exp["name"]), None)
    if rexp is None:
        return None
    ok = {f["label"] for f in rexp["figures"] if f["robust"]}
    return sum(f["passed"] and f["label"] in ok for f in exp["figures"]
               if f["kind"] == "emerged")


def exp_counts(exp):
    """(emerged within, emerged, thresholds holding, thresholds, calibrated) of a results.json
    experiment."""
    em = [f for f in exp["figures"] if f["kind"] == "emerged"]
    th = [f for f in exp["figures"] if f["kind"] == "threshold"]
    cal = [f for f in exp["figures"] if f["kind"] == "calibrated"]
    return (sum(f["passed"] for f in em), len(em), sum(f["passed"] for f in th), len(th),
            len(cal))


def _names(names):
    names = [f"`{n}`" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summary_block(results, robust=None):
    """The text between the markers of docs/experiments/README.md."""
    lines = ["| experiment | pattern | page | emerged figures reproduced | of them robustly | "
             "qualitative claims holding | calibrated (not counted) |",
             "|---|---|---|---|---|---|---|"]
    tot = [0, 0, 0, 0, 0]
    rob_tot = 0
    for exp in results["experiments"]:
        c = exp_counts(exp)
        tot = [a + b for a, b in zip(tot, c)]
        rob = robustly(exp, robust)
        rob_tot += rob or 0
        lines.append(f"| `{exp['name']}` | {cell(exp['pattern'])} | "
                     f"[{exp['name']}.md]({exp['name']}.md) | {c[0]} of {c[1]} | "
                     f"{'not run' if rob is None else rob} | {c[2]} of {c[3]} | {c[4]} |")
    by_count = {}
    for exp in results["experiments"]:
        by_count.setdefault(exp["replications"], []).append(exp["name"])
    reps = "; ".join(f"{k} for {_names(v)}" for k, v in
                     sorted(by_count.items(), key=lambda kv: -kv[0]))
    lo, hi = results["load"]
    lines += ["", _fill(
        f"In all, {tot[0]} of {tot[1]} emerged figures are reproduced (within their bands), "
        f"{rob_tot} of them robustly (`make reproduce-robust`), "
        f"and {tot[2]} of {tot[3]} qualitative claims hold; {tot[4]} figures were calibrated "
        f"and are not counted. The full run (replications: {reps}; with each experiment's "
        f"variants) took {_duration(results['seconds'])} of "
        f"wall time on {_date(results['date'])} on {_machine(results)}, with a load "
        f"average of {_load(lo)} at its start and {_load(hi)} at its end, at revision "
        f"{results['revision']}; the time varies with the load, and is not checked.")]
    return "\n".join(lines) + "\n"


def calibrated_block(exp, root=ROOT):
    """The text between a page's ``calibrated`` markers: the scenario's calibration block
    as a table (analysis/calibration.py reads it)."""
    from . import calibration
    cals = calibration.read(calibration.scenario_path(exp["scenario"], root))
    lines = [_fill(f"The calibration block of `{exp['scenario']}`, as the scenario declares "
                   f"it (analysis/calibration.py reads it; `make reproduce-robust` varies each "
                   f"line):"), ""]
    if not cals:
        return "\n".join(lines + ["Nothing was calibrated."]) + "\n"
    lines += ["| parameter | value | fitted to |", "|---|---|---|"]
    for c in cals:
        to = [f"*{label}* (a figure)" for label in c.figures] + list(c.facts)
        lines.append("| " + " | ".join(cell(x) for x in (
            ", ".join(f"`{k}`" for k in c.keys), f"`{c.value}`", "; ".join(to))) + " |")
    return "\n".join(lines) + "\n"


def robust_block(robust, name):
    """The text between a page's ``robust`` markers, from robustness.json (None: not run)."""
    exp = None if robust is None else next(
        (e for e in robust["experiments"] if e["name"] == name), None)
    if exp is None:
        return f"Not run yet: {RERUN_ROBUST}.\n"
    groups = []
    for v in exp["variations"]:
        if v["group"] not in groups:
            groups.append(v["group"])
    share = robust["robust_share"]
    lines = [_fill(
        f"Written by `make reproduce-robust` from [{ROBUST}]({ROBUST}), run on "
        f"{_date(exp.get('date', robust['date']))} at revision "
        f"{exp.get('revision', robust['revision'])} on {_machine(robust)}, "
        f"load average {_load(exp['load'])} at the end of this experiment, "
        f"{_duration(exp['seconds'])} of wall time. Each calibrated parameter varied on "
        f"its own to "
        + ", ".join(f"{f - 1:+.0%}" for f in robust["factors"])
        + f" of its value, and {robust['seeds']} other seeds; each variation has the "
        f"replications of the main run. A mark per variation: + within the band, "
        f"\u2212 out of it, \u00b7 not run (the value would leave the parameter's allowed "
        f"range). A figure is robust when it stays within its band in at least "
        f"{share:.0%} of the variations."), "",
        "| figure | label | " + " | ".join(cell(g) for g in groups)
        + " | within its band | robust |",
        "|---|---|" + "---|" * len(groups) + "---|---|"]
    for fig in exp["figures"]:
        cols = []
        for g in groups:
            marks = "".join("\u00b7" if ok is None else "+" if ok else "\u2212"
                            for v, ok in zip(exp["variations"], fig["in_band"])
                            if v["group"] == g)
            cols.append(marks if g != "seed" else f"{marks.count('+')} of {len(marks)}")
        ran = [x for x in fig["in_band"] if x is not None]
        lines.append("| " + " | ".join(cell(c) for c in (
            [fig["label"], fig["kind"]] + cols
            + [f"{sum(ran)} of {len(ran)} ({fig['share']:.0%})",
               "yes" if fig["robust"] else "no"])) + " |")
    lines += ["", "Variations (columns in order): " + "; ".join(
        f"{g}: " + ", ".join(v["name"] for v in exp["variations"] if v["group"] == g)
        for g in groups) + "."]
    return "\n".join(lines) + "\n"


def render_blocks(results, robust=None, root=ROOT):
    """{path relative to the docs folder: {marker name: block text}}."""
    out = {"README.md": {"summary": summary_block(results, robust)}}
    for exp in results["experiments"]:
        out[f"{exp['name']}.md"] = {"table": page_block(results, exp),
                                    "calibrated": calibrated_block(exp, root),
                                    "robust": robust_block(robust, exp["name"])}
    return out


def replace_blocks(doc, blocks, where="the page"):
    """doc with each named block's text replaced, the rest untouched; DocsError if a
    block's markers are missing or appear twice."""
    found = {}
    for m in MARK.finditer(doc):
        found[m.group(2)] = found.get(m.group(2), 0) + 1
    for name in blocks:
        if found.get(name, 0) != 1:
            raise DocsError(f"{where}: {'no' if not found.get(name) else 'more than one'} "
                            f"<!-- reproduce:{name} --> ... <!-- /reproduce:{name} --> block")

    def sub(m):
        name = m.group(2)
        return m.group(1) + blocks[name] + m.group(4) if name in blocks else m.group(0)

    return MARK.sub(sub, doc)


def current_blocks(doc):
    """{marker name: block text} of a document."""
    return {m.group(2): m.group(3) for m in MARK.finditer(doc)}


# ---------------------------------------------------------------------------
# Writing and checking

def _read_json(docs, name, rerun, what, missing=None):
    """A JSON file of the docs folder, checked for its format; ``missing`` when it is not
    there (None: a DocsError)."""
    path = os.path.join(docs, name)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        if missing is not None:
            return missing()
        raise DocsError(f"{path}: missing: {rerun}") from None
    except (OSError, ValueError) as e:
        raise DocsError(f"{path}: cannot be read ({e}): {rerun}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DocsError(f"{path}: not a {what} file of format {FORMAT}: {rerun}")
    return doc


def read_results(docs):
    return _read_json(docs, RESULTS, RERUN, "results")


def read_robust(docs):
    """robustness.json of a docs folder, or None when there is none."""
    return _read_json(docs, ROBUST, RERUN_ROBUST, "robustness", missing=lambda: None)


def _write_all(docs, results, robust, name, doc):
    """Write the JSON file ``name`` (``doc``) and every block results and robust render
    into; the pages first read and rendered, so a missing marker leaves nothing half
    written. [paths written]."""
    texts = {}
    for page, blocks in render_blocks(results, robust).items():
        path = os.path.join(docs, page)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise DocsError(f"{path}: {e.strerror}") from None
        texts[path] = replace_blocks(text, blocks, path)
    _write(os.path.join(docs, name), json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    for path, text in texts.items():
        _write(path, text)
    return [os.path.join(docs, name)] + list(texts)


def write_robust(robust, docs):
    """Write robustness.json and the blocks it renders into (with results.json's); [paths]."""
    return _write_all(docs, read_results(docs), robust, ROBUST, robust)


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def write(results, docs):
    """Write results.json and the blocks of the pages; [paths written]."""
    return _write_all(docs, results, read_robust(docs), RESULTS, results)


def _consistent(experiments, results, path):
    """Problems of results.json against the figures' definitions: the same experiments
    and figures, bands and flags, and each verdict what its value and band give."""
    from . import reproduce
    try:
        have = [(e["name"], [(f["label"], f["kind"], f["unit"], tuple(f["band"]),
                              f["published_text"], f["reproduced"], f["calibrated"])
                             for f in e["figures"]])
                for e in results["experiments"]]
        want = [(e.name, [(f.label, f.label_kind, f.unit, tuple(_band(f.band)),
                           f.published_text(), f.reproduced, f.calibrated) for f in e.figures])
                for e in experiments]
        if have != want:
            return [f"{path}: its experiments, figures, bands or flags are not those of "
                    f"analysis/reproduce.py: {RERUN}"]
        figs = {f.label: f for e in experiments for f in e.figures}
        for e in results["experiments"]:
            for f in e["figures"]:
                ok = figs[f["label"]].inside(f["value"])
                if f["passed"] != ok or f["verdict"] != reproduce.verdict(figs[f["label"]], ok):
                    return [f"{path}: {e['name']}: {f['label']}: the verdict {f['verdict']!r} "
                            f"is not what its value and band give: {RERUN}"]
    except (KeyError, TypeError, ValueError) as e:
        return [f"{path}: not a results file this version reads ({e!r}): {RERUN}"]
    return []


def check(experiments, docs, root=ROOT):
    """Problems, one line each (none: the pages are current)."""
    try:
        results = read_results(docs)
    except DocsError as e:
        return [str(e)]
    problems = []
    path = os.path.join(docs, RESULTS)
    recorded = results.get("fingerprint") or {}
    now = fingerprint(experiments, root)
    changed = [k for k in now if recorded.get(k) != now[k]]
    if changed:
        problems.append(
            f"docs/experiments are from an older model: run make reproduce-docs "
            f"({path} is from the run of {results.get('date', '?')} at revision "
            f"{results.get('revision', '?')}; since then "
            + "; ".join(FINGERPRINT_MEANING[k] for k in changed) + ")")
    problems += _consistent(experiments, results, path)
    try:
        robust = read_robust(docs)
    except DocsError as e:
        return problems + [str(e)]
    rpath = os.path.join(docs, ROBUST)
    if robust is None:
        problems.append(f"{rpath}: missing: {RERUN_ROBUST}")
    else:
        changed = [k for k in now if (robust.get("fingerprint") or {}).get(k) != now[k]]
        if changed:
            problems.append(
                f"{rpath} is from an older model: {RERUN_ROBUST} (the run of "
                f"{robust.get('date', '?')} at revision {robust.get('revision', '?')}; since "
                f"then " + "; ".join(FINGERPRINT_MEANING[k] for k in changed) + ")")
        names = [e.name for e in experiments]
        if [e.get("name") for e in robust.get("experiments", [])] != names:
            problems.append(f"{rpath}: its experiments are not those of analysis/reproduce.py: "
                            f"{RERUN_ROBUST}")
    try:
        rendered = render_blocks(results, robust, root)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        return problems + [f"{path}: cannot be rendered ({e!r}): {RERUN}"]
    if robust is None:  # said above; the blocks it renders into are not compared
        rendered = {name: {b: t for b, t in blocks.items() if b not in ("robust", "summary")}
                    for name, blocks in rendered.items()}
    for name, blocks in rendered.items():
        page = os.path.join(docs, name)
        try:
            with open(page, encoding="utf-8") as f:
                have = current_blocks(f.read())
        except OSError as e:
            problems.append(f"{page}: {e.strerror}")
            continue
        for block, want in blocks.items():
            marker = f"<!-- reproduce:{block} -->"
            if block not in have:
                problems.append(f"{page}: no {marker} ... <!-- /reproduce:{block} --> block: "
                                f"add the markers and {RERUN}")
                continue
            if have[block] != want:
                a, b = have[block].split("\n"), want.split("\n")
                k = next(i for i, (x, y) in enumerate(zip(a + [None], b + [None])) if x != y)
                problems.append(
                    f"{page}: the block after {marker} is not what {path} renders to: its "
                    f"line {k + 1} shows\n    {a[k] if k < len(a) else '(nothing)'}\n  where "
                    f"{RESULTS} gives\n    {b[k] if k < len(b) else '(nothing)'}\n  (the block is "
                    f"written by `make reproduce-docs`, never by hand; edit the text outside the "
                    f"markers)")
    return problems
