"""govsim-mpi on many ranks, projected from what one machine measured.

    /usr/bin/python3 -m analysis.hpc_projection [build/hpc] [--runs 184320]
        [--ranks 64,128,256,512,1024] [--ranks-per-node 32] [--seed 1]
        [--markdown docs/hpc.md]

Reads what `make hpc-scaling` measured (tests/hpc/scaling.sh: scaling.tsv
and runs.tsv in the folder given) and simulates the MPI build's dynamic
scheduler on P ranks: each rank takes the next run from the counter on rank
0, computes it, then writes its rows into the result file, and takes the
next. The inputs, all measured:

- the cost of one run: the mean of the "single" jobs' run (one run of
  100,000 citizens over five years on one core), spread as the runs of the
  strong 1 x 1 jobs are spread about their mean (the observed distribution
  of run costs, relative to its mean, drawn with replacement);
- the write of one run: the median write time of the single jobs' run;
- taking a run and the job's fixed cost (start, layout, close): solved from
  the 1 x 1 jobs of 16 and of 200 runs (wall - the runs' own time = fixed +
  runs x take);
- the merge, per run: the merge-single jobs' time over their 4 runs (of
  the single job's size; else the small merge jobs' over their 200).

The file is modelled as one server that writes one run at a time, first
come first served: the worst case of one shared file (on this machine's disk
the writes of two ranks did not overlap either). It becomes the bottleneck
when the ranks finish runs faster than it writes them: from
P* = (run + write) / write ranks on, the ranks queue for it and time per
run stops falling. The design's answer is one file per node (the ranks of a
node write a shard: `govsim-mpi run --shard K/N`), joined afterwards by
`govsim merge`, whose serial time per run is added. Each row says which
resource bounds it.

It prints the measured scaling tables (strong, weak, the file) and the
projection; with --markdown they are written between the page's
`<!-- hpc-scaling -->` and `<!-- /hpc-scaling -->` markers.
"""

import argparse
import heapq
import math
import os
import sys

import numpy as np

DEFAULT_RANKS = (64, 128, 256, 512, 1024)
PROJECTION_TITLE = ("Projected by `python3 -m analysis.hpc_projection` (a simulation of the "
                    "dynamic scheduler; the model is described in its module):")
ISSUE_RUNS = 184320  # 12,288 Sobol points x 3 arms x 5 replications (issue 19)


def read_tsv(path):
    """(header lines as a dict, rows as dicts) of a tab-separated file with # comments."""
    meta, rows, names = {}, [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition("\t")
                meta[key.strip()] = value.strip()
            elif names is None:
                names = line.split("\t")
            else:
                rows.append(dict(zip(names, line.split("\t"))))
    return meta, rows


def _rows(rows, **want):
    return [r for r in rows if all(r[k] == str(v) for k, v in want.items())]


def measured_inputs(folder):
    """The model's inputs from scaling.tsv and runs.tsv in folder (see the module's doc)."""
    meta, jobs = read_tsv(os.path.join(folder, "scaling.tsv"))
    _, runs = read_tsv(os.path.join(folder, "runs.tsv"))
    single = _rows(runs, kind="single")
    strong = _rows(runs, kind="strong", ranks=1, threads=1)
    if not single or not strong:
        raise ValueError(f"{folder}: needs the single and strong 1 x 1 jobs of make hpc-scaling")
    # each run's cost relative to its job's mean: the load of the moment, which differs
    # from job to job on a shared machine, divided out
    by_job = {}
    for r in strong:
        by_job.setdefault(r["job"], []).append(float(r["run_s"]))
    spread = np.concatenate([np.array(v) / np.mean(v) for v in by_job.values()])
    run_s = float(np.mean([float(r["run_s"]) for r in single]))
    write_s = float(np.median([float(r["write_s"]) for r in single]))

    # fixed + n x take = wall - (runs' own time), from the 1 x 1 jobs of 16 and 200 runs
    def residual(kind, n):
        out = []
        by_job = {}
        for r in _rows(runs, kind=kind, ranks=1, threads=1):
            by_job.setdefault(r["job"], 0.0)
            by_job[r["job"]] += float(r["run_s"]) + float(r["write_s"])
        walls = [float(j["wall_s"]) for j in _rows(jobs, kind=kind, ranks=1, threads=1)]
        for wall, own in zip(walls, [by_job[k] for k in sorted(by_job, key=int)]):
            out.append(wall - own)
        return float(np.median(out)) if out else float("nan"), n

    (r16, n16), (r200, n200) = residual("strong", 16), residual("write", 200)
    take_s = max(0.0, (r200 - r16) / (n200 - n16))
    fixed_s = max(0.0, r16 - n16 * take_s)
    # the merge of runs of the single job's size if measured, else of the small runs
    merges = [float(j["wall_s"]) / float(j["runs"]) for j in _rows(jobs, kind="merge-single")]
    merges = merges or [float(j["wall_s"]) / float(j["runs"]) for j in _rows(jobs, kind="merge")]
    merge_s = float(np.median(merges)) if merges else float("nan")
    return {
        "meta": meta,
        "run_s": run_s,
        "spread": spread,
        "write_s": write_s,
        "take_s": take_s,
        "fixed_s": fixed_s,
        "merge_s": merge_s,
        "n_single": len(single),
        "n_spread": len(spread),
    }


def simulate(costs, ranks, write_s, take_s=0.0, files=1):
    """Makespan [s] of the runs costs[i] (in the order taken) on `ranks` ranks.

    Each rank takes the next run (take_s), computes it, then writes it to
    its file: ranks are split into `files` equal groups (1: one shared
    file), each file a server writing one run at a time (write_s),
    first come first served. Returns (makespan, the busiest file's busy
    share of the makespan, the mean wait for a file [s]).
    """
    n = len(costs)
    per_file = math.ceil(ranks / files)
    free = np.zeros(files)
    busy = np.zeros(files)
    events = [(0.0, 0, r) for r in range(ranks)]  # (time, 0 free / 1 computed, rank)
    heapq.heapify(events)
    taken, waited, end = 0, 0.0, 0.0
    while events:
        t, kind, rank = heapq.heappop(events)
        if kind == 0:
            if taken < n:
                heapq.heappush(events, (t + take_s + costs[taken], 1, rank))
                taken += 1
            continue
        f = rank // per_file
        start = max(free[f], t)
        waited += start - t
        free[f] = start + write_s
        busy[f] += write_s
        end = max(end, free[f])
        heapq.heappush(events, (free[f], 0, rank))
    return end, (busy.max() / end if end > 0 else 0.0), waited / max(n, 1)


def break_even(run_s, write_s, take_s=0.0):
    """The ranks from which one shared file (one run written at a time) bounds the job."""
    return (run_s + take_s + write_s) / write_s if write_s > 0 else math.inf


def project(inp, n_runs, ranks, per_node, seed=1, write_factor=1.0):
    """Rows of the projection: one shared file, and one file per node merged afterwards."""
    rng = np.random.default_rng(seed)
    costs = inp["run_s"] * rng.choice(inp["spread"], size=n_runs, replace=True)
    write = inp["write_s"] * write_factor
    ideal_total = float(costs.sum())
    rows = []
    for p in ranks:
        one, one_busy, one_wait = simulate(costs, p, write, inp["take_s"], 1)
        one += inp["fixed_s"]
        nodes = max(1, math.ceil(p / per_node))
        node, node_busy, _ = simulate(costs, p, write, inp["take_s"], nodes)
        merge = n_runs * inp["merge_s"] if nodes > 1 else 0.0
        node += inp["fixed_s"] + merge
        rows.append({
            "ranks": p,
            "nodes": nodes,
            "one_file_s": one,
            "one_file_eff": ideal_total / p / one,
            "one_file_busy": one_busy,
            "one_file_wait": one_wait,
            "per_node_s": node,
            "per_node_eff": ideal_total / p / node,
            "per_node_busy": node_busy,
            "merge_s": merge,
            "bound": "the file" if one_busy > 0.9 else "the runs",
        })
    return rows


def hours(s):
    return f"{s / 3600:.2f}"


def markdown(inp, rows, n_runs, per_node, write_factor):
    m = inp["meta"]
    out = [
        f"Inputs measured by make hpc-scaling on {m.get('date', '?')} ({m.get('cpu', '?')}, "
        f"{m.get('cores', '?')} cores, shared with other work; load {m.get('load at the start', '?')} "
        f"at the start): one run {inp['run_s']:.2f} s (mean of {inp['n_single']}), spread as "
        f"{inp['n_spread']} measured runs (relative standard deviation "
        f"{inp['spread'].std():.2f}); writing one run {inp['write_s'] * 1000:.1f} ms"
        + (f" (x {write_factor:g}, assumed)" if write_factor != 1 else "")
        + f"; taking a run {inp['take_s'] * 1000:.2f} ms; the job's fixed cost "
        f"{inp['fixed_s']:.2f} s; merging one run {inp['merge_s'] * 1000:.1f} ms. "
        f"{n_runs:,} runs; {per_node} ranks a node. One shared file bounds the job from "
        f"{break_even(inp['run_s'], inp['write_s'] * write_factor, inp['take_s']):,.0f} ranks.",
        "",
        "| ranks | one file: time [h] | efficiency | file busy | wait a run [s] "
        "| one file per node: time [h] (merge) | efficiency | bound by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['ranks']} | {hours(r['one_file_s'])} | {r['one_file_eff']:.2f} | "
            f"{r['one_file_busy']:.0%} | {r['one_file_wait']:.3f} | {hours(r['per_node_s'])} "
            f"({hours(r['merge_s'])}) | {r['per_node_eff']:.2f} | {r['bound']} |")
    return "\n".join(out)


BEGIN, END = "<!-- hpc-scaling -->", "<!-- /hpc-scaling -->"


def _spread(walls):
    walls = sorted(walls)
    med = float(np.median(walls))
    return med, f"{med:.1f} ({walls[0]:.1f}-{walls[-1]:.1f})" if len(walls) > 1 else f"{med:.1f}"


def _load(rows):
    loads = [float(r[k]) for r in rows for k in ("load_before", "load_after")]
    return f"{min(loads):.1f}-{max(loads):.1f}"


def _cpu(rows):
    """The median CPU time [s] of rows (user + system of every process of a job), or ''."""
    cpu = [float(r["cpu_s"]) for r in rows if r.get("cpu_s")]
    return f"{np.median(cpu):.1f}" if cpu else ""


def _label(r):
    if r["ranks"] == "0":
        return f"govsim run, {r['threads']} thread{'s' if r['threads'] != '1' else ''}"
    return f"govsim-mpi {r['ranks']} x {r['threads']}"


def scaling_tables(folder):
    """Markdown tables of the strong, weak and write jobs of scaling.tsv (medians, ranges, loads)."""
    meta, jobs = read_tsv(os.path.join(folder, "scaling.tsv"))
    _, runs = read_tsv(os.path.join(folder, "runs.tsv"))
    out = [
        f"Measured by `make hpc-scaling` on {meta.get('date', '?')}: {meta.get('cpu', '?')}, "
        f"{meta.get('cores', '?')} cores, a virtual machine shared with other work (load "
        f"average {meta.get('load at the start', '?')} at the start, "
        f"{meta.get('load at the end', '?')} at the end; each row's range is the 1-minute "
        f"load before and after its jobs); revision {meta.get('revision', '?')}. Each job ran "
        f"{max(int(r['repetition']) for r in jobs)} times: the median, and the fastest and "
        "slowest in brackets, show the noise. CPU: the median CPU time (user and system) "
        "of the job's processes. MPI jobs with `--bind-to none` but for the "
        "bound row; oversubscribed: more ranks x threads than cores.",
        "",
    ]

    def groups(kind):
        seen = []
        for r in jobs:
            key = (r["ranks"], r["threads"])
            if r["kind"] == kind and key not in seen:
                seen.append(key)
        return [(k, [r for r in jobs if r["kind"] == kind and (r["ranks"], r["threads"]) == k])
                for k in seen]

    strong = groups("strong") + groups("strong-bound")
    base = [r for (k, rs) in groups("strong") if k == ("1", "1") for r in rs]
    base_med = float(np.median([float(r["wall_s"]) for r in base])) if base else float("nan")
    out += ["Strong scaling: the same 16 runs (sweep_events at 50,000 citizens over 2 years).",
            "",
            "| job | oversubscribed | wall [s] | speedup over govsim-mpi 1 x 1 | CPU [s] | load |",
            "|---|---|---|---|---|---|"]
    for (key, rs) in strong:
        med, txt = _spread([float(r["wall_s"]) for r in rs])
        label = _label(rs[0]) + (" (Open MPI's default binding)" if rs[0]["kind"] ==
                                 "strong-bound" else "")
        out.append(f"| {label} | {rs[0]['oversubscribed']} | {txt} | {base_med / med:.2f} | "
                   f"{_cpu(rs)} | {_load(rs)} |")
    out += ["", "Weak scaling: 8 runs per core asked for (ranks x threads).", "",
            "| job | runs | oversubscribed | wall [s] | efficiency (1 x 1 / this) | CPU [s] | "
            "load |",
            "|---|---|---|---|---|---|---|"]
    weak = groups("weak")
    w1 = [rs for (k, rs) in weak if k == ("1", "1")]
    w1_med = float(np.median([float(r["wall_s"]) for r in w1[0]])) if w1 else float("nan")
    for (key, rs) in weak:
        med, txt = _spread([float(r["wall_s"]) for r in rs])
        out.append(f"| {_label(rs[0])} | {rs[0]['runs']} | {rs[0]['oversubscribed']} | {txt} | "
                   f"{w1_med / med:.2f} | {_cpu(rs)} | {_load(rs)} |")
    out += ["", "The file: 200 runs of 300 citizens over 90 days (their cost is the file and "
            "the scheduler), and the serial merge of two shard files of them, and of four "
            "runs of the single job's size below.", "",
            "| job | wall [s] | per run [ms] | writing one run [ms], median (90th percentile) "
            "| load |", "|---|---|---|---|---|"]
    for kind in ("write", "merge", "merge-single"):
        for (key, rs) in groups(kind):
            med, txt = _spread([float(r["wall_s"]) for r in rs])
            ws = [float(r["write_s"]) * 1000 for r in runs if r["kind"] == kind and
                  (r["ranks"], r["threads"]) == key]
            wtxt = (f"{np.median(ws):.2f} ({np.percentile(ws, 90):.2f})" if ws else "")
            label = {"merge": "govsim merge (200 small runs)",
                     "merge-single": "govsim merge (4 runs of the single job's size)"}.get(
                         kind, _label(rs[0]))
            out.append(f"| {label} | {txt} | {med / float(rs[0]['runs']) * 1000:.1f} | {wtxt} | "
                       f"{_load(rs)} |")
    single = [r for r in runs if r["kind"] == "single"]
    if single:
        rs_ = [float(r["run_s"]) for r in single]
        ws_ = [float(r["write_s"]) * 1000 for r in single]
        out += ["", f"One run of 100,000 citizens over 5 years with daily output "
                f"(scenarios/casework.ini, 1 rank x 1 thread): {np.median(rs_):.2f} s "
                f"({min(rs_):.2f}-{max(rs_):.2f}) to compute, {np.median(ws_):.1f} ms "
                f"({min(ws_):.1f}-{max(ws_):.1f}) to write, over {len(single)} jobs."]
    return "\n".join(out)


def write_between_markers(page, text):
    """Replace what lies between BEGIN and END in page with text."""
    with open(page, encoding="utf-8") as f:
        doc = f.read()
    a, b = doc.find(BEGIN), doc.find(END)
    if a < 0 or b < a:
        raise ValueError(f"{page}: no {BEGIN} ... {END} markers")
    doc = doc[:a + len(BEGIN)] + "\n" + text + "\n" + doc[b:]
    with open(page, "w", encoding="utf-8") as f:
        f.write(doc)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default="build/hpc")
    ap.add_argument("--runs", type=int, default=ISSUE_RUNS)
    ap.add_argument("--ranks", default=",".join(map(str, DEFAULT_RANKS)))
    ap.add_argument("--ranks-per-node", type=int, default=32)
    ap.add_argument("--write-factor", type=float, default=1.0,
                    help="writes this many times slower than measured (an assumption, "
                         "said so in the table)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown", metavar="PAGE",
                    help="write the tables between the page's hpc-scaling markers")
    a = ap.parse_args(argv)
    try:
        inp = measured_inputs(a.folder)
    except (OSError, ValueError, KeyError) as e:
        print(f"hpc_projection: {e}", file=sys.stderr)
        return 2
    ranks = [int(x) for x in a.ranks.split(",")]
    rows = project(inp, a.runs, ranks, a.ranks_per_node, a.seed, a.write_factor)
    text = (scaling_tables(a.folder) + "\n\n" + PROJECTION_TITLE + "\n\n" +
            markdown(inp, rows, a.runs, a.ranks_per_node, a.write_factor))
    print(text)
    if a.markdown:
        write_between_markers(a.markdown, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
