"""What a published scenario was calibrated to: its block of `; calibrated:` lines.

Every scenario of scenarios/published/ declares its calibrated parameters once,
in one block of comment lines (one per parameter, or per group of parameters
that share one value and are varied together)::

    ; calibrated: population.return_delay = 14d — fitted to: days end to end, before redesign
    ; calibrated: class.a.hours_per_component, class.b.hours_per_component = 0.13 — fitted to: ...

A key is written as it is set in the file: ``section.key`` for a key of a
section (``class.NAME.key`` for a class's), ``arm.NAME.section.key`` for a key
set in an arm's section. The value is the one the file sets there. After
``fitted to:`` come, separated by ``; ``, the labels of the experiment's
figures the value was fitted to (those figures are labelled *calibrated* and
never counted as reproduced), and, prefixed ``fact:``, what else it was fitted
to or read from (a fact of the setting that is not one of the figures).

analysis.reproduce reads the block to label figures, the robustness analysis
(analysis.robust) varies each line's value, and `make reproduce-docs` renders
it on the experiment's page; tests/analysis/test_calibration.py holds the block
to the file (the values are those set, every parameter a comment calls
calibrated is in the block) and to the experiment's figures.
"""

import os
import re
from dataclasses import dataclass
from typing import List, Tuple

PREFIX = "; calibrated:"
# the value's end: an em dash or two hyphens, then "fitted to:"
LINE = re.compile(r"^; calibrated:\s*(?P<keys>[^=]+?)\s*=\s*(?P<value>\S+)\s+(?:\u2014|--)\s+"
                  r"fitted to:\s*(?P<to>.+?)\s*$")
FACT = "fact:"


class CalibrationError(Exception):
    """A block line that cannot be read, naming the file and the line."""


@dataclass
class Calibration:
    keys: Tuple[str, ...]      # as written: section.key or arm.NAME.section.key
    value: str                 # as written in the scenario, e.g. "14d", "0.13", "19"
    figures: Tuple[str, ...]   # labels of the figures fitted to
    facts: Tuple[str, ...]     # what else it was fitted to or read from
    line: int                  # 1-based line of the scenario

    def name(self):
        return ", ".join(self.keys)


def read(path):
    """The calibration block of a scenario: [Calibration], in the order written."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    where = []
    for i, text in enumerate(lines, 1):
        if not text.startswith(PREFIX):
            continue
        where.append(i)
        m = LINE.match(text)
        if not m:
            raise CalibrationError(
                f"{path}:{i}: a calibration line reads '; calibrated: KEY[, KEY] = VALUE "
                f"\u2014 fitted to: FIGURE[; FIGURE][; fact: TEXT]'")
        keys = tuple(k.strip() for k in m.group("keys").split(","))
        figures, facts = [], []
        for item in (s.strip() for s in m.group("to").split("; ")):
            if item.startswith(FACT):
                facts.append(item[len(FACT):].strip())
            elif item:
                figures.append(item)
        out.append(Calibration(keys, m.group("value"), tuple(figures), tuple(facts), i))
    if where and where[-1] - where[0] != len(where) - 1:
        raise CalibrationError(f"{path}:{where[0]}: the calibration lines are one block "
                               f"(line {where[-1]} is apart from it)")
    return out


def split_key(key):
    """(section header, key within it) of a calibrated key as written."""
    parts = key.split(".")
    if parts[0] == "arm" and len(parts) >= 4:
        return "arm." + parts[1], ".".join(parts[2:])
    if parts[0] in ("class", "event") and len(parts) >= 3:
        return ".".join(parts[:2]), ".".join(parts[2:])
    if len(parts) >= 2:
        return parts[0], ".".join(parts[1:])
    raise CalibrationError(f"{key!r} is not section.key")


def settings(path):
    """{(section, key): (value, line)} of the assignments a scenario file makes itself
    (not those of the files it includes)."""
    got = {}
    section = ""
    with open(path, encoding="utf-8") as f:
        for i, raw in enumerate(f, 1):
            text = raw.split(";", 1)[0].split("#", 1)[0].strip() if not raw.lstrip().startswith(
                (";", "#")) else ""
            if not text:
                continue
            if text.startswith("[") and text.endswith("]"):
                section = text[1:-1].strip()
            elif "=" in text:
                k, v = (s.strip() for s in text.split("=", 1))
                got[(section, k)] = (v, i)
    return got


def scaled(value, factor, kind="real", allowed=None):
    """A value as written, times factor, written the same way ('14d' * 1.1 -> '15.4d'),
    or None when it falls outside the parameter's allowed range (lo, hi). ``kind``: the
    parameter's type (`govsim params`): an int stays whole ('19' * 0.9 -> '17')."""
    m = re.match(r"^([0-9.eE+-]+)([A-Za-z]*)$", value)
    if not m:
        raise CalibrationError(f"{value!r} is not a number (with a unit) to vary")
    number, unit = m.group(1), m.group(2)
    x = float(number) * factor
    if kind == "int":
        x = float(int(round(x)))
    if allowed is not None and not unit and not allowed[0] <= x <= allowed[1]:
        return None
    return str(int(x)) if kind == "int" else f"{x:.6g}{unit}"


def parameter_types(govsim):
    """{(section, key): (type, (lo, hi) or None)} from `govsim params` (a class's keys
    under the section "class.NAME"; durations without a numeric range)."""
    import subprocess
    out = subprocess.run([govsim, "params"], capture_output=True, text=True, check=True).stdout
    types, section = {}, ""
    for line in out.split("\n"):
        if line.startswith("["):
            section = line.strip()[1:-1]
        elif line.startswith("  ") and line.strip():
            f = line.split()
            lo_hi = None
            if ".." in f[3]:
                try:
                    lo_hi = tuple(float(x) for x in f[3].split(".."))
                except ValueError:
                    lo_hi = None
            types[(section, f[0])] = (f[1], lo_hi)
    return types


def type_of(types, key):
    """The (type, range) of a calibrated key as written (see split_key)."""
    section, k = split_key(key)
    if section.startswith("arm."):
        parts = k.split(".")
        section, k = ".".join(parts[:-1]), parts[-1]
        if section.startswith("class."):
            section = "class.NAME"
    elif section.startswith("class."):
        section = "class.NAME"
    return types.get((section, k), ("real", None))


def variant_text(scenario, sets):
    """A scenario that includes `scenario` (an absolute path) and sets [(key, value)] after it
    (keys as a calibration block writes them)."""
    lines = [f"include = {scenario}"]
    by_section = {}
    for key, value in sets:
        section, k = split_key(key)
        by_section.setdefault(section, []).append(f"{k} = {value}")
    for section, assigns in by_section.items():
        lines.append("")
        lines.append(f"[{section}]")
        lines.extend(assigns)
    return "\n".join(lines) + "\n"


def problems(path, labels):
    """What is wrong with a scenario's block, against the file and the figure labels
    of its experiment: [one line each]."""
    try:
        cals = read(path)
    except CalibrationError as e:
        return [str(e)]
    out = []
    have = settings(path)
    named = set()
    for c in cals:
        for key in c.keys:
            try:
                section, k = split_key(key)
            except CalibrationError as e:
                out.append(f"{path}:{c.line}: {e}")
                continue
            named.add((section, k))
            got = have.get((section, k))
            if got is None:
                out.append(f"{path}:{c.line}: {key} is calibrated but the scenario does not "
                           f"set it (in [{section}])")
            elif got[0] != c.value:
                out.append(f"{path}:{c.line}: {key} is calibrated at {c.value} but the scenario "
                           f"sets {got[0]} (line {got[1]})")
        for label in c.figures:
            if label not in labels:
                out.append(f"{path}:{c.line}: fitted to {label!r}, which is not a figure of the "
                           f"experiment (a fact of the setting is written 'fact: ...')")
        if not c.figures and not c.facts:
            out.append(f"{path}:{c.line}: fitted to nothing")
    # a key whose comment calls it calibrated is in the block
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    section = ""
    pending = None
    for i, text in enumerate(lines, 1):
        s = text.strip()
        if s.startswith(PREFIX):
            continue
        if s.startswith("[") and s.endswith("]"):
            section = s[1:-1].strip()
            pending = None
        elif s.startswith((";", "#")):
            if "calibrat" in s.lower():
                pending = i
        elif "=" in s and pending is not None:
            k = s.split("=", 1)[0].strip()
            if (section, k) not in named and section:
                out.append(f"{path}:{i}: [{section}] {k}: its comment (line {pending}) calls it "
                           f"calibrated, but it is not in the calibration block")
            pending = None
        elif not s:
            pending = None
    return out


def scenario_path(scenario, root):
    return scenario if os.path.isabs(scenario) else os.path.join(root, scenario)


def of_experiment(exp, root) -> List[Calibration]:
    return read(scenario_path(exp.scenario, root))
