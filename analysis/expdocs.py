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
                          "reproduced": f.reproduced, "calibrated": f.calibrated}
                         for f in e.figures]}
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
                         + [reproduce.evaluate, reproduce.t975, reproduce.Result])
    figures = json.dumps({"definitions": definitions(experiments),
                          "t975": sorted(reproduce.T975.items()),
                          "code": sorted(code.values())}, sort_keys=True)
    return {
        "model": _hash_files(root, "tests/golden/reference", ".txt", "published__"),
        "scenarios": _hash_files(root, "scenarios/published", ".ini"),
        "figures": hashlib.sha256(figures.encode()).hexdigest(),
    }


FINGERPRINT_MEANING = {
    "model": "the published scenarios' results (their golden references, "
             "tests/golden/reference/published__*.txt) have changed",
    "scenarios": "a scenario of scenarios/published/ has changed",
    "figures": "the figures' definitions or the code that computes them "
               "(analysis/reproduce.py, analysis/data.py) have changed",
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


def record(experiments, runs, started, seconds, load, govsim_version, root=ROOT):
    """results.json's content. ``runs``: per experiment, in order, a dict with
    ``replications``, ``seconds``, ``load`` [start, end] and ``rows`` (evaluate()'s)."""
    from . import reproduce
    exps = []
    for exp, run in zip(experiments, runs):
        figs = []
        for fig, mean, half, band, ok in run["rows"]:
            figs.append({
                "label": fig.label, "unit": fig.unit, "published": fig.published,
                "published_text": fig.published_text(), "source": fig.source,
                "value": _num(mean), "half_width": _num(half),
                "band": [float(band[0]), float(band[1])], "passed": bool(ok),
                "verdict": reproduce.verdict(fig, ok),
                "reproduced": fig.reproduced, "calibrated": fig.calibrated})
        exps.append({"name": exp.name, "pattern": exp.pattern, "scenario": exp.scenario,
                     "settings": list(exp.full), "replications": run["replications"],
                     "seconds": round(run["seconds"], 1), "load": run["load"],
                     "figures": figs})
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
    return 2 if max(abs(band[0]), abs(band[1])) < 10 else 1


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
    lo, hi = fig["band"]
    return with_unit(f"{lo:g}\u2013{hi:g}", fig["unit"])


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
              f"replication (the arms share seeds)."),
        "",
        "| figure | published | govsim (95% CI) | band | result |",
        "|---|---|---|---|---|",
    ]
    for fig in exp["figures"]:
        lines.append("| " + " | ".join(cell(c) for c in (
            fig["label"], with_unit(fig["published_text"], fig["unit"]), govsim_text(fig),
            band_text(fig), fig["verdict"])) + " |")
    return "\n".join(lines) + "\n"


def _names(names):
    names = [f"`{n}`" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summary_block(results):
    """The text between the markers of docs/experiments/README.md."""
    lines = ["| experiment | pattern | page | figures within their bands |",
             "|---|---|---|---|"]
    passed = total = 0
    for exp in results["experiments"]:
        n = sum(f["passed"] for f in exp["figures"])
        passed += n
        total += len(exp["figures"])
        lines.append(f"| `{exp['name']}` | {cell(exp['pattern'])} | "
                     f"[{exp['name']}.md]({exp['name']}.md) | {n} of {len(exp['figures'])} |")
    by_count = {}
    for exp in results["experiments"]:
        by_count.setdefault(exp["replications"], []).append(exp["name"])
    reps = "; ".join(f"{k} for {_names(v)}" for k, v in
                     sorted(by_count.items(), key=lambda kv: -kv[0]))
    lo, hi = results["load"]
    lines += ["", _fill(
        f"In all, {passed} of the {total} published figures lie within their bands. "
        f"The full run (replications: {reps}) took {_duration(results['seconds'])} of "
        f"wall time on {_date(results['date'])} on {_machine(results)}, with a load "
        f"average of {_load(lo)} at its start and {_load(hi)} at its end, at revision "
        f"{results['revision']}; the time varies with the load, and is not checked.")]
    return "\n".join(lines) + "\n"


def render_blocks(results):
    """{path relative to the docs folder: {marker name: block text}}."""
    out = {"README.md": {"summary": summary_block(results)}}
    for exp in results["experiments"]:
        out[f"{exp['name']}.md"] = {"table": page_block(results, exp)}
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

def read_results(docs):
    path = os.path.join(docs, RESULTS)
    try:
        with open(path, encoding="utf-8") as f:
            results = json.load(f)
    except FileNotFoundError:
        raise DocsError(f"{path}: missing: {RERUN}") from None
    except (OSError, ValueError) as e:
        raise DocsError(f"{path}: cannot be read ({e}): {RERUN}") from None
    if not isinstance(results, dict) or results.get("format") != FORMAT:
        raise DocsError(f"{path}: not a results file of format {FORMAT}: {RERUN}")
    return results


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def write(results, docs):
    """Write results.json and the blocks of the pages; [paths written]."""
    # every page first, so that a missing marker leaves nothing half written
    texts = {}
    for name, blocks in render_blocks(results).items():
        path = os.path.join(docs, name)
        try:
            with open(path, encoding="utf-8") as f:
                doc = f.read()
        except OSError as e:
            raise DocsError(f"{path}: {e.strerror}") from None
        texts[path] = replace_blocks(doc, blocks, path)
    _write(os.path.join(docs, RESULTS),
           json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    for path, text in texts.items():
        _write(path, text)
    return [os.path.join(docs, RESULTS)] + list(texts)


def _consistent(experiments, results, path):
    """Problems of results.json against the figures' definitions: the same experiments
    and figures, bands and flags, and each verdict what its value and band give."""
    from . import reproduce
    try:
        have = [(e["name"], [(f["label"], f["unit"], tuple(f["band"]), f["published_text"],
                              f["reproduced"], f["calibrated"]) for f in e["figures"]])
                for e in results["experiments"]]
        want = [(e.name, [(f.label, f.unit, tuple(float(b) for b in f.band),
                           f.published_text(), f.reproduced, f.calibrated) for f in e.figures])
                for e in experiments]
        if have != want:
            return [f"{path}: its experiments, figures, bands or flags are not those of "
                    f"analysis/reproduce.py: {RERUN}"]
        figs = {f.label: f for e in experiments for f in e.figures}
        for e in results["experiments"]:
            for f in e["figures"]:
                v, (lo, hi) = f["value"], f["band"]
                ok = v is not None and lo <= v <= hi
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
        rendered = render_blocks(results)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        return problems + [f"{path}: cannot be rendered ({e!r}): {RERUN}"]
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
