"""govsim explain: why two arms differ, attributed to the mechanisms (Shapley values).

    govsim explain SCENARIO --arms A,B [--metric NAME]... [--players M,M,...]
                   [--group NAME=M,M]... [--samples N] [--replications N]
                   [--set KEY=VALUE]... [--threads N] [-o OUT.h5] [--force] [--resume]

The *players* are mechanisms (the `mechanism.*` switches, docs/parameters.md),
alone or grouped (`--group learning=learning,forgetting`: one player that
switches both). For a set S of players, v(S) is the paired difference B - A
(replication by replication: the arms share seeds) on a metric's whole-run
value when only the players in S are as the arms have them and every other
player is switched off in both arms. The Shapley value of a player is its
marginal contribution v(S + i) - v(S) averaged over the orders in which the
players can be switched on; the values add up exactly to v(all) - v(none),
the difference the mechanisms make (v(all) is the arms' difference as the
scenario runs them; v(none) the difference that remains with every player
off, printed as the base). Interactions are shared between the players that
take part in them.

With at most 10 players every subset is run (2^k configurations, exact);
with more, N random orders (`--samples`, default 32) are drawn and the
subsets along them run (each order's marginal contributions are one sample;
the interval is over orders and replications). Every configuration runs both
arms with the scenario's seeds (common random numbers), through `govsim run`:
parallel, streamed to disk, and resumable (`--resume`).

The runs go to OUT.h5 (default out/<scenario>-explain.h5) with the attribution
in its group /explain (docs/output.md); the scenario of the configurations is
kept next to it as OUT-explain.ini. Exit status: 0, 1 when a run fails, 2 for
bad usage or input.
"""

import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import sys

import numpy as np

EXACT_MAX = 10
DEFAULT_PLAYERS = ("pressure", "effort", "recording", "discretion", "continuity", "learning",
                   "stewardship", "motivation")
DEFAULT_METRICS = ("needs_met", "within_target_true", "cost_per_need_met")


class ExplainError(Exception):
    """Bad input: a message for the user, exit status 2."""


# ---------------------------------------------------------------------------
# The scenario, flattened

def read_lines(path, depth=0, chain=()):
    """A scenario's lines with its includes read in their place (an include comes
    before the first section: its lines first, then the file's own)."""
    real = os.path.realpath(path)
    if real in chain:
        raise ExplainError(f"{path}: include cycle")
    if depth > 16:
        raise ExplainError(f"{path}: includes nested more than 16 deep")
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as e:
        raise ExplainError(f"{path}: {e.strerror}") from None
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        s = raw.strip()
        if not s or s.startswith((";", "#")):
            continue
        key = s.split("=", 1)[0].strip() if "=" in s else ""
        if key == "include" and not s.startswith("["):
            inc = s.split("=", 1)[1].strip()
            inc = inc if os.path.isabs(inc) else os.path.join(os.path.dirname(path), inc)
            out += read_lines(inc, depth + 1, chain + (real,))
        else:
            out.append(s)
    return out


def sections(lines):
    """[[header or None, [key lines]]] in order (a header may repeat)."""
    secs = [[None, []]]
    for s in lines:
        if s.startswith("[") and s.endswith("]"):
            secs.append([s[1:-1].strip(), []])
        else:
            secs[-1][1].append(s)
    return secs


def _key(line):
    return line.split("=", 1)[0].strip()


def _value(line):
    v = line.split("=", 1)[1]
    # a comment after white space
    for c in (" ;", "\t;", " #", "\t#"):
        if c in v:
            v = v[:v.index(c)]
    return v.strip()


def arms_of(secs):
    names = []
    for h, _ in secs:
        if h and h.startswith("arm.") and h[4:] not in names:
            names.append(h[4:])
    return names


def checked_sections(path, arm_a, arm_b, varies, events=True):
    """The scenario's sections, after checking that it has both arms and no [sweep] (and,
    unless events, no events); varies: what explain varies, for the message."""
    secs = sections(read_lines(path))
    arms = arms_of(secs)
    for a in (arm_a, arm_b):
        if a not in arms:
            raise ExplainError(f"{path}: no arm {a!r} (its arms: {', '.join(arms) or 'none'})")
    if any(h == "sweep" for h, _ in secs):
        raise ExplainError(f"{path}: explain takes a scenario without a [sweep]: it varies "
                           f"the {varies} itself")
    if not events and any(h and h.startswith("event.") for h, _ in secs):
        raise ExplainError(f"{path}: explain --parameters takes a scenario without events: it "
                           f"compares the arms' parameters at the start")
    return secs


def configurations_scenario(path, arm_a, arm_b, players, configs):
    """The text of a scenario that runs arm A and arm B at each configuration (a set of
    players left on; the others' switches off), and {(config index, 'a'|'b'): arm name}."""
    secs = checked_sections(path, arm_a, arm_b, "mechanisms")
    own = {a: [ln for h, lines in secs if h == f"arm.{a}" for ln in lines] for a in (arm_a, arm_b)}
    names = {}
    out = []
    for h, lines in secs:
        if h is not None and h.startswith("arm."):
            continue
        if h is not None and h.startswith("event."):
            kept = []
            listed = None
            for ln in lines:
                if "=" in ln and _key(ln) == "arms":
                    listed = [x.strip() for x in _value(ln).split(",") if x.strip()]
                else:
                    kept.append(ln)
            if listed is not None:
                derived = [f"x{c:05d}{t}" for c in range(len(configs)) for t, a in
                           (("a", arm_a), ("b", arm_b)) if a in listed]
                if not derived:
                    continue  # an event of other arms only
                kept.append("arms = " + ", ".join(derived))
            lines = kept
        if h is not None:
            out.append(f"[{h}]")
        out += lines
    for c, on in enumerate(configs):
        for tag, arm in (("a", arm_a), ("b", arm_b)):
            name = f"x{c:05d}{tag}"
            names[(c, tag)] = name
            out.append(f"[arm.{name}]")
            out += own[arm]
            for player, switches in players:
                if player not in on:
                    out += [f"mechanism.{m} = off" for m in switches]
    return "\n".join(out) + "\n", names


def parameter_configurations_scenario(path, arm_a, arm_b, players, configs, b_values):
    """The text of a scenario with one arm per configuration (a set of players): arm A with
    the parameters of the players in the set at arm B's values; and {(config index, 'a'|'b'):
    arm name}, where 'a' is the configuration with no player (arm A itself) and 'b' the
    configuration's own arm."""
    secs = checked_sections(path, arm_a, arm_b, "parameters", events=False)
    own = [ln for h, lines in secs if h == f"arm.{arm_a}" for ln in lines]
    out = []
    for h, lines in secs:
        if h is not None and h.startswith("arm."):
            continue
        if h is not None:
            out.append(f"[{h}]")
        out += lines
    empty = configs.index(frozenset())
    names = {}
    for c, on in enumerate(configs):
        name = f"x{c:05d}"
        names[(c, "a")] = f"x{empty:05d}"
        names[(c, "b")] = name
        keys = [k for p, ks in players if p in on for k in ks]
        out.append(f"[arm.{name}]")
        out += [ln for ln in own if "=" not in ln or _key(ln) not in keys]
        out += [f"{k} = {b_values[k]}" for k in keys]
    return "\n".join(out) + "\n", names


def arm_parameters(govsim, path, arms, sets):
    """{arm: {key: value as a scenario writes it}}: the arms' resolved parameters at the
    start, from the provenance of a one-day run of the scenario."""
    import tempfile
    import h5py
    with tempfile.TemporaryDirectory() as d:
        probe = os.path.join(d, "probe.h5")
        cmd = [govsim, "run", path, "-o", probe, "--quiet", "--threads", "1"]
        for kv in sets or []:
            cmd += ["--set", kv]
        cmd += ["--set", "simulation.duration=1d", "--set", "output.interval=1d",
                "--set", "simulation.replications=1"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise ExplainError(f"{path}: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'the scenario does not run'}")
        with h5py.File(probe, "r") as f:
            g = f["provenance/parameters"]
            return {a: {k: (v.decode() if isinstance(v, bytes) else str(v))
                        for k, v in g[a].attrs.items()} for a in arms if a in g}


def parameter_order(govsim):
    """The parameters' keys in the order of the parameter table (`govsim params --tsv`),
    class keys as class.NAME.key."""
    out = subprocess.run([govsim, "params", "--tsv"], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t")[0] for line in out.split("\n")[1:] if line.strip()]


def differing(params_a, params_b, order):
    """The keys whose values differ between two arms, in the parameter table's order."""
    def rank(k):
        parts = k.split(".")
        generic = f"class.NAME.{parts[-1]}" if parts[0] == "class" else k
        return (order.index(generic) if generic in order else len(order), k)
    keys = set(params_a) | set(params_b)
    return sorted((k for k in keys if params_a.get(k) != params_b.get(k)), key=rank)


# ---------------------------------------------------------------------------
# Shapley values

def exact_configs(k):
    """Every subset of k players, as frozensets of indices, the empty one first."""
    return [frozenset(s) for n in range(k + 1) for s in itertools.combinations(range(k), n)]


def shapley_exact(v, k):
    """Per player, the Shapley value of v ({frozenset: array over replications}):
    an array (k, replications)."""
    fact = [math.factorial(n) for n in range(k + 1)]
    phi = []
    for i in range(k):
        acc = 0.0
        for s, val in v.items():
            if i in s:
                continue
            w = fact[len(s)] * fact[k - len(s) - 1] / fact[k]
            acc = acc + w * (v[s | {i}] - val)
        phi.append(acc)
    return np.array(phi, dtype=float)


def sampled_orders(k, n, seed):
    rng = random.Random(seed)
    orders = []
    for _ in range(n):
        o = list(range(k))
        rng.shuffle(o)
        orders.append(o)
    return orders


def order_configs(orders):
    """The subsets along each order (its prefixes), each once, in first-seen order."""
    seen, out = set(), []
    for o in orders:
        for j in range(len(o) + 1):
            s = frozenset(o[:j])
            if s not in seen:
                seen.add(s)
                out.append(s)
    return out


def shapley_sampled(v, orders, k):
    """Per order and player, the marginal contribution along the order: (orders, k, reps)."""
    reps = len(next(iter(v.values())))
    out = np.zeros((len(orders), k, reps))
    for n, o in enumerate(orders):
        for j, i in enumerate(o):
            out[n, i] = v[frozenset(o[:j + 1])] - v[frozenset(o[:j])]
    return out


def t975(df):
    from .reproduce import t975 as t
    return t(df)


def interval(samples):
    """Mean and the half-width of its 95% interval of a 1-D sample (NaN half with one)."""
    samples = np.asarray(samples, dtype=float)
    n = len(samples)
    mean = float(samples.mean())
    if n < 2:
        return mean, float("nan")
    return mean, float(t975(n - 1) * samples.std(ddof=1) / math.sqrt(n))


# ---------------------------------------------------------------------------
# Command line

def aggregations(govsim):
    """{dataset name: aggregation} of every metric govsim writes (`govsim metrics --tsv`)."""
    out = subprocess.run([govsim, "metrics", "--tsv"], capture_output=True, text=True,
                         check=True).stdout
    rows = [line.split("\t") for line in out.split("\n")[1:] if line.strip()]
    return {r[0]: r[3] for r in rows if len(r) >= 4}


# An output interval longer than any run (the longest govsim takes): one interval per run.
WHOLE_RUN_INTERVAL = "10y"


def whole_run_only(govsim, metrics, sets, series):
    """Whether the runs of whole-run metrics can be written as one output interval each.

    A whole-run value of a flow, a ratio of flows or a mean weighted by a flow is the same
    whatever the output interval (the model never reads it); a stock's is a mean over the
    interval ends. So: no stock among the metrics, no --series, no output.interval among the
    --set. Raises ExplainError for a metric govsim does not write."""
    aggs = aggregations(govsim)
    for m in metrics:
        if m not in aggs:
            import difflib
            close = difflib.get_close_matches(m, list(aggs), n=1)
            raise ExplainError(f"--metric {m!r}: not a metric of govsim (govsim metrics)"
                               + (f"; did you mean {close[0]!r}?" if close else ""))
    own = any(kv.split("=", 1)[0].strip() == "output.interval" for kv in sets or [])
    return not series and not own and all(aggs[m] != "stock" for m in metrics)


def mechanisms(govsim):
    """The mechanism switches govsim knows (`govsim params`)."""
    out = subprocess.run([govsim, "params"], capture_output=True, text=True, check=True).stdout
    names, inside = [], False
    for line in out.split("\n"):
        if line.startswith("["):
            inside = line.strip() == "[mechanism]"
        elif inside and line.strip():
            names.append(line.split()[0])
    return names


def parse_players(args, known, kind="mechanism", default=DEFAULT_PLAYERS):
    """[(player, [switches or parameters])] from --players and --group; known: the
    mechanisms (or parameters) there are, default: the players without --players."""
    groups = []
    grouped = set()
    for g in args.group or []:
        if "=" not in g:
            raise ExplainError(f"--group {g!r}: write NAME={kind.upper()},{kind.upper()}")
        name, ms = g.split("=", 1)
        ms = [m.strip() for m in ms.split(",") if m.strip()]
        if not name.strip() or not ms:
            raise ExplainError(f"--group {g!r}: write NAME={kind.upper()},{kind.upper()}")
        groups.append((name.strip(), ms))
        grouped.update(ms)
    names = ([p.strip() for p in args.players.split(",") if p.strip()] if args.players
             else [m for m in default if m not in grouped])
    players = []
    for p in names:
        g = next((ms for n, ms in groups if n == p), None)
        players.append((p, g if g is not None else [p]))
    for n, ms in groups:
        if n not in [p for p, _ in players]:
            players.append((n, ms))
    seen = set()
    for p, ms in players:
        for m in ms:
            if m not in known:
                import difflib
                close = difflib.get_close_matches(m, known, n=1)
                what = ("a parameter in which the arms differ" if kind == "parameter"
                        else "a mechanism")
                raise ExplainError(f"{m!r} is not {what}"
                                   + (f"; did you mean {close[0]!r}?" if close else "")
                                   + f" ({kind}s: {', '.join(known) or 'none'})")
            if m in seen:
                raise ExplainError(f"{kind} {m!r} belongs to two players")
            seen.add(m)
    if not players:
        raise ExplainError("no players" + (": the arms do not differ in any parameter"
                                           if kind == "parameter" else ""))
    return players


def build_parser(prog="govsim explain"):
    ap = argparse.ArgumentParser(
        prog=prog,
        description="Attribute the paired difference between two arms to the mechanisms "
                    "(Shapley values).")
    ap.add_argument("scenario")
    ap.add_argument("--arms", required=True, metavar="A,B",
                    help="the two arms: the difference is B - A")
    ap.add_argument("--metric", action="append", metavar="NAME",
                    help="a metric to attribute (repeatable; default: "
                         + ", ".join(DEFAULT_METRICS) + ")")
    ap.add_argument("--parameters", action="store_true",
                    help="attribute to the parameters in which the two arms differ instead "
                         "of the mechanisms: a player is a parameter (or a --group of them) "
                         "set to arm B's value in arm A")
    ap.add_argument("--players", metavar="M,M,...",
                    help="the mechanisms to attribute to (default: "
                         + ", ".join(DEFAULT_PLAYERS) + "), or with --parameters the "
                         "parameters (default: every one in which the arms differ)")
    ap.add_argument("--group", action="append", metavar="NAME=M,M",
                    help="several mechanisms (or parameters) as one player (repeatable)")
    ap.add_argument("--samples", type=int, default=32, metavar="N",
                    help="random orders when there are more than 10 players (default 32)")
    ap.add_argument("--replications", type=int, metavar="N",
                    help="replications of each configuration (default: the scenario's)")
    ap.add_argument("--series", action="store_true",
                    help="keep the scenario's output interval in the runs' file (by default "
                         "each run is one interval when no metric explained is a stock: the "
                         "attribution is the same, the runs cost less)")
    ap.add_argument("--threads", type=int, metavar="N", help="passed to govsim run")
    ap.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="override a parameter for every arm (repeatable), as govsim run")
    ap.add_argument("-o", "--output", metavar="OUT.h5")
    ap.add_argument("--force", action="store_true", help="overwrite OUT.h5")
    ap.add_argument("--resume", action="store_true",
                    help="complete the runs an interrupted explain left")
    ap.add_argument("--govsim", default=os.environ.get("GOVSIM_BINARY")
                    or os.environ.get("GOVSIM", "build/govsim"), help=argparse.SUPPRESS)
    return ap


def command(argv, name, parser, fn):
    """A command of this kind (explain, uncertainty): its arguments parsed by parser(prog),
    fn(args) run; bad input (ExplainError) one line and 2, a missing module 1."""
    from . import deps
    prog, argv = deps.take_prog(argv, name)
    args = parser(prog).parse_args(argv)
    try:
        deps.require(deps.READ)
        return fn(args)
    except ExplainError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    except deps.MissingModule as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 1


def main(argv=None):
    return command(argv, "govsim explain", build_parser, explain)


def explain(args):
    from . import data
    arms = [a.strip() for a in args.arms.split(",")]
    if len(arms) != 2 or not all(arms) or arms[0] == arms[1]:
        raise ExplainError(f"--arms {args.arms!r}: name two different arms, A,B")
    if args.samples < 2:
        raise ExplainError(f"--samples {args.samples}: at least 2")
    if args.replications is not None and not 2 <= args.replications <= 10000:
        raise ExplainError(f"--replications {args.replications}: from 2 to 10000")
    if not os.path.isfile(args.scenario):
        raise ExplainError(f"{args.scenario}: no such file")
    if args.parameters:
        checked_sections(args.scenario, arms[0], arms[1], "parameters", events=False)
        values = arm_parameters(args.govsim, args.scenario, arms, args.set)
        keys = differing(values[arms[0]], values[arms[1]], parameter_order(args.govsim))
        players = parse_players(args, keys, kind="parameter", default=keys)
        b_values = values[arms[1]]
    else:
        players = parse_players(args, mechanisms(args.govsim))
    metrics = args.metric or list(DEFAULT_METRICS)
    # without a stock among the metrics each run is one output interval: no daily census
    one_interval = whole_run_only(args.govsim, metrics, args.set, args.series)
    k = len(players)
    if k <= EXACT_MAX:
        mode, orders = "exact", None
        configs = exact_configs(k)
    else:
        mode = "sampled"
        orders = sampled_orders(k, args.samples, seed=k * 7919 + args.samples)
        configs = order_configs(orders)
    names = [p for p, _ in players]
    on_sets = [frozenset(names[i] for i in s) for s in configs]
    if args.parameters:
        text, arm_names = parameter_configurations_scenario(args.scenario, arms[0], arms[1],
                                                            players, on_sets, b_values)
    else:
        text, arm_names = configurations_scenario(args.scenario, arms[0], arms[1], players,
                                                  on_sets)
    stem = os.path.splitext(os.path.basename(args.scenario))[0]
    out = args.output or os.path.join("out", f"{stem}-explain.h5")
    if os.path.isdir(out):
        raise ExplainError(f"-o {out} is a directory; name a file in it")
    if os.path.exists(out) and not args.force:
        raise ExplainError(f"{out} exists: use --force to replace it")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    base = out[:-3] if out.endswith(".h5") else out
    scen = base + "-explain.ini"
    runs = base + "-explain-runs.h5"
    with open(scen + ".tmp", "w", encoding="utf-8") as f:
        f.write(f"; the configurations of `govsim explain {args.scenario} --arms "
                f"{args.arms}`: {len(configs)} sets of players x 2 arms\n" + text)
    os.replace(scen + ".tmp", scen)
    cmd = [args.govsim, "run", scen, "-o", runs]
    if args.resume:
        cmd.append("--resume")
    else:
        cmd.append("--force")
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    for kv in args.set or []:
        cmd += ["--set", kv]
    if args.replications:
        cmd += ["--set", f"simulation.replications={args.replications}"]
    if one_interval:
        cmd += ["--set", f"output.interval={WHOLE_RUN_INTERVAL}"]
    cmd.append("--quiet")
    print(f"govsim explain: {k} players ({mode}), {len(configs)} configurations x "
          f"{'1 arm' if args.parameters else '2 arms'}: "
          f"{scen}" + (" (each run one output interval: no metric explained is a stock)"
                       if one_interval else ""), file=sys.stderr, flush=True)
    rc = subprocess.run(cmd).returncode
    if rc != 0:
        return rc
    ds = data.load(runs)
    for m in metrics:
        if m not in ds:
            import difflib
            close = difflib.get_close_matches(m, [str(v) for v in ds.data_vars], n=1)
            raise ExplainError(f"--metric {m!r}: not a metric of the result"
                               + (f"; did you mean {close[0]!r}?" if close else ""))
    arm = np.asarray(ds["arm"].values).astype(str)
    rep = np.asarray(ds["replication"].values)
    result = {"metrics": {}}
    for m in metrics:
        whole = data.over(ds, m).transpose("run").values
        v = {}
        for c, s in enumerate(configs):
            a = whole[arm == arm_names[(c, "a")]]
            b = whole[arm == arm_names[(c, "b")]]
            ra = rep[arm == arm_names[(c, "a")]]
            rb = rep[arm == arm_names[(c, "b")]]
            a, b = a[np.argsort(ra)], b[np.argsort(rb)]
            v[s] = b - a
        full, none = frozenset(range(k)), frozenset()
        total, base_ = v[full], v[none]
        if mode == "exact":
            phi = shapley_exact(v, k)              # (k, reps)
            contrib = [interval(phi[i]) for i in range(k)]
            phi_mean = phi.mean(axis=1)
        else:
            samples = shapley_sampled(v, orders, k)  # (orders, k, reps)
            contrib = [interval(samples[:, i, :].mean(axis=1)) for i in range(k)]
            phi_mean = samples.mean(axis=(0, 2))
        result["metrics"][m] = {
            "total": interval(total), "base": interval(base_),
            "contributions": {names[i]: contrib[i] for i in range(k)},
            "v": {",".join(sorted(on_sets[c])): list(map(float, v[s])) for c, s in
                  enumerate(configs)},
            "sum": float(phi_mean.sum()),
        }
        print_table(m, arms, result["metrics"][m], len(total), args.parameters)
    write_output(runs, out, result, arms, players, mode, configs, on_sets, orders,
                 "parameters" if args.parameters else "mechanisms")
    print(f"govsim explain: wrote {out}", file=sys.stderr)
    return 0


def print_table(metric, arms, r, reps, parameters=False):
    a, b = arms
    tot, th = r["total"]
    base, bh = r["base"]
    print(f"\n{metric}: {b} - {a} = {tot:+.4g} \u00b1 {th:.2g} ({reps} replications, "
          f"95% intervals)")
    if not parameters:  # with parameters as players the base is 0: arm A against itself
        print(f"  {'with every player off (base)':32s} {base:+12.4g} \u00b1 {bh:.2g}")
    rows = sorted(r["contributions"].items(), key=lambda kv: -abs(kv[1][0]))
    for name, (mean, half) in rows:
        share = mean / tot if tot else float("nan")
        print(f"  {name:32s} {mean:+12.4g} \u00b1 {half:<10.2g} {share:7.0%}")
    print(f"  {'sum of contributions':32s} {r['sum']:+12.4g}  (total - base: "
          f"{tot - base:+.4g})")


def write_output(runs, out, result, arms, players, mode, configs, on_sets, orders,
                 kind="mechanisms"):
    """OUT.h5: the runs' file with the attribution in /explain, written whole then renamed."""
    import h5py
    tmp = out + ".partial"
    shutil.copyfile(runs, tmp)
    names = [p for p, _ in players]
    with h5py.File(tmp, "r+") as f:
        g = f.create_group("explain")
        g.attrs["arm_a"], g.attrs["arm_b"] = arms
        g.attrs["mode"] = mode
        g.attrs["players_are"] = kind
        g.attrs["players"] = json.dumps(dict(players))
        g.attrs["orders"] = json.dumps(orders) if orders else ""
        g.create_dataset("player", data=np.array(names, dtype="S"))
        g.create_dataset("configuration", data=np.array(
            [[i in s for i in range(len(names))] for s in configs], dtype=np.int8))
        for m, r in result["metrics"].items():
            h = g.create_group(m)
            h.attrs["total"], h.attrs["total_half_width"] = r["total"]
            h.attrs["base"], h.attrs["base_half_width"] = r["base"]
            h.create_dataset("contribution", data=[r["contributions"][n][0] for n in names])
            h.create_dataset("half_width", data=[r["contributions"][n][1] for n in names])
            h.create_dataset("difference", data=np.array(
                [r["v"][",".join(sorted(s))] for s in on_sets]))
    os.replace(tmp, out)
    os.remove(runs)


def read(path):
    """The attribution a `govsim explain` file holds, or None for a file without one:
    {"arm_a", "arm_b", "mode", "players": [names], "groups": {player: [mechanisms]},
    "metrics": {metric: {"total", "total_half_width", "base", "base_half_width",
    "contribution": {player: value}, "half_width": {player: value}}}}."""
    import h5py
    with h5py.File(path, "r") as f:
        if "explain" not in f:
            return None
        g = f["explain"]
        players = [p.decode() for p in g["player"][()]]
        out = {"arm_a": str(g.attrs["arm_a"]), "arm_b": str(g.attrs["arm_b"]),
               "mode": str(g.attrs["mode"]), "players": players,
               "groups": json.loads(g.attrs["players"]), "metrics": {}}
        for m in g:
            if not isinstance(g[m], h5py.Group):
                continue
            h = g[m]
            out["metrics"][m] = {
                "total": float(h.attrs["total"]),
                "total_half_width": float(h.attrs["total_half_width"]),
                "base": float(h.attrs["base"]),
                "base_half_width": float(h.attrs["base_half_width"]),
                "contribution": dict(zip(players, map(float, h["contribution"][()]))),
                "half_width": dict(zip(players, map(float, h["half_width"][()])))}
    return out


if __name__ == "__main__":
    sys.exit(main())
