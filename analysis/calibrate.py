"""govsim calibrate: fit the uncertain parameters of one arm to a service's own figures,
by approximate Bayesian computation with sequential Monte Carlo (ABC-SMC).

    govsim calibrate SCENARIO --observed FILE [--arm NAME] [--params KEY,...]
                     [--particles N] [--generations G] [--quantile Q]
                     [--replications N] [--seed N] [--set KEY=VALUE]...
                     [--threads N] [-o OUT.csv] [--force]

The *observed figures* are a CSV file, one figure a line::

    # metric, value, uncertainty, window
    needs_met, 5400, 300, 0d-365d
    failure_demand_share, 0.42, 0.03

the metric's whole-window value as govsim's analysis computes it (analysis.data.over():
flows summed, stocks averaged over time, weighted metrics and ratios as ratios of
sums), its stated uncertainty (one standard deviation, in the metric's units) and the
window it covers (from-to, durations since the start; by default the whole run).
Lines starting with # or ; are comments; a first line `metric, value, uncertainty,
window` is a header. A bad file is refused, by file and line, before anything runs.

The *parameters* fitted are, by default, the behavioural parameters with a plausible
range (`govsim params`), other than those with one value for the whole scenario and a
class's parameters, as `govsim uncertainty` chooses them; `--params` names them. Their
prior is uniform over the plausible ranges.

The algorithm is the population Monte Carlo ABC of Beaumont, Cornuet, Marin and Robert
(2009) (also Toni et al. 2009), with the tolerance schedule of Del Moral, Doucet and
Jasra (2012): generation 0 draws N particles from the prior and keeps them all; each
later generation sets its tolerance to the Q-quantile of the previous generation's
distances, proposes particles by drawing one of the previous generation by weight and
moving it with a Gaussian kernel of twice the previous generation's weighted covariance
(proposals outside the prior's support are drawn again), runs them, keeps those within
the tolerance until it has N, and weighs each by prior / sum_j w_j K(theta | theta_j).
The distance between a run and the figures is sqrt(sum_i ((sim_i - obs_i) / u_i)^2),
each figure's discrepancy in units of its stated uncertainty.

Every batch of proposals is one `govsim run` of a scenario holding only the arm, with
the particles as a `[sweep] design = points`: each particle is a sweep point with its
own seed. The proposals come from a generator seeded with --seed, which is also the
scenario seed of the runs: the same seed gives the same result, whatever the threads.

Writes OUT.csv (every generation's particles, with weights, distances and their
simulated figures), OUT-posterior.ini (the scenario with every arm at the posterior
means) and OUT-particles.ini (the scenario with the posterior sample as a sweep of
points): docs/output.md, docs/robustness.md. Exit status: 0, 1 when a run fails,
2 for bad usage or input.
"""

import argparse
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from .explain import ExplainError, arms_of, command, read_lines, sections
from . import uncertainty
from .uncertainty import design_scenario, parameter_table

# Runs one generation may spend, per particle, before the calibration stops at the
# generation before it (the tolerance is then as tight as the runs can reach).
RUNS_PER_PARTICLE = 40
# the longest line written into a generated scenario (govsim reads at most 196)
LINE_MAX = 180


class CalibrateError(ExplainError):
    """Bad input: a message for the user, exit status 2."""


# ---------------------------------------------------------------------------
# The observed figures

class Figure:
    """One observed figure: metric, value, uncertainty u, window [start, end] in days
    (end None: the end of the run), and where it was read."""

    def __init__(self, metric, value, u, start, end, where, window):
        self.metric, self.value, self.u = metric, value, u
        self.start, self.end, self.where, self.window = start, end, where, window

    def label(self):
        return f"{self.metric} {self.window}" if self.window else self.metric


def metric_names(govsim):
    """The whole-service metrics of `govsim metrics` (not the per-class or per-team ones)."""
    out = subprocess.run([govsim, "metrics"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    names = []
    for line in out[1:]:
        if not line.strip():
            break
        names.append(line.split()[0])
    return names


def _number(text, what, where):
    try:
        v = float(text)
    except ValueError:
        raise CalibrateError(f"{where}: {what} {text!r} is not a number") from None
    if not math.isfinite(v):
        raise CalibrateError(f"{where}: {what} {text!r} is not a finite number")
    return v


def _window(text, where):
    """(start, end) in days of "FROM-TO" (durations with units: 0d-365d, 0d-1y)."""
    from .data import parse_duration
    parts = text.split("-")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise CalibrateError(f"{where}: window {text!r} is not FROM-TO (durations with "
                             f"units, e.g. 0d-365d)")
    try:
        start, end = (parse_duration(p.strip()) for p in parts)
    except ValueError as e:
        raise CalibrateError(f"{where}: window {text!r}: {e}") from None
    if not (start >= 0 and end > start):
        raise CalibrateError(f"{where}: window {text!r}: it must start at 0 or later and "
                             f"end after it starts")
    return start, end


def read_observed(path, metrics):
    """[Figure] of an observed-figures file (see the module's doc), or CalibrateError
    naming the file and line of the first problem."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise CalibrateError(f"{path}: cannot read it: {getattr(e, 'strerror', None) or e}") \
            from None
    figures, seen = [], {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s or s.startswith(("#", ";")):
            continue
        where = f"{path}:{n}"
        fields = [x.strip() for x in next(csv.reader(io.StringIO(s)))]
        if not figures and not seen and fields and fields[0].lower() == "metric":
            seen[None] = n  # the header
            continue
        if len(fields) not in (3, 4):
            raise CalibrateError(f"{where}: {len(fields)} fields: a figure is metric, value, "
                                 f"uncertainty[, window]")
        metric = fields[0]
        if metric not in metrics:
            import difflib
            close = difflib.get_close_matches(metric, metrics, n=1)
            raise CalibrateError(f"{where}: {metric!r} is not a metric (govsim metrics)"
                                 + (f"; did you mean {close[0]!r}?" if close else ""))
        value = _number(fields[1], "value", where)
        u = _number(fields[2], "uncertainty", where)
        if not u > 0:
            raise CalibrateError(f"{where}: uncertainty {fields[2]}: it must be above 0 "
                                 f"(the figure's standard deviation, in its units)")
        start, end, window = 0.0, None, ""
        if len(fields) == 4 and fields[3]:
            start, end = _window(fields[3], where)
            window = fields[3]
        key = (metric, start, end)
        if key in seen:
            raise CalibrateError(f"{where}: {metric} over that window is already given, "
                                 f"line {seen[key]}")
        seen[key] = n
        figures.append(Figure(metric, value, u, start, end, where, window))
    if not figures:
        raise CalibrateError(f"{path}: no figure (a line metric, value, uncertainty[, window])")
    return figures


def check_windows(figures, times):
    """Each figure's window must fall on the ends of output intervals of the runs
    (times: the ends of the intervals, in days); sets its time mask."""
    times = np.asarray(times, dtype=float)
    last = float(times[-1])
    interval = float(times[0])
    for f in figures:
        end = last if f.end is None else f.end
        ok_start = f.start == 0 or bool(np.any(np.isclose(times, f.start, rtol=0, atol=1e-6)))
        ok_end = bool(np.any(np.isclose(times, end, rtol=0, atol=1e-6)))
        if end > last + 1e-6:
            raise CalibrateError(f"{f.where}: window {f.window}: the runs end at day {last:g}")
        if not (ok_start and ok_end):
            raise CalibrateError(f"{f.where}: window {f.window}: its ends must fall on the "
                                 f"ends of output intervals (every {interval:g} days: "
                                 f"output.interval)")
        f.mask = (times > f.start + 1e-6) & (times <= end + 1e-6)


# ---------------------------------------------------------------------------
# The parameters and the scenario

def choose(table, named=None):
    """The fitted parameters [(key, low, high, type)] and those left out {key: why}: as
    `govsim uncertainty` chooses them (analysis.uncertainty.choose), for one arm."""
    if named is not None and len(set(named)) != len(named):
        raise CalibrateError("--params: a parameter is named twice")
    try:
        return uncertainty.choose(table, None, None, named)
    except uncertainty.UncertaintyError as e:
        msg = str(e)
        raise CalibrateError("no parameter is left to fit" if msg.startswith("no uncertain")
                             else msg) from None


def arm_scenario(path, arm):
    """(the text of SCENARIO with only the arm (no sweep), the arm's name)."""
    secs = sections(read_lines(path))
    if any(h == "sweep" for h, _ in secs):
        raise CalibrateError(f"{path}: calibrate takes a scenario without a [sweep]: it "
                             f"makes its own")
    names = arms_of(secs)
    if not names:
        if arm not in (None, "base"):
            raise CalibrateError(f"{path}: no arm {arm!r} (the scenario has one arm, base)")
        return "\n".join(read_lines(path)) + "\n", "base"
    if arm is None:
        if len(names) > 1:
            raise CalibrateError(f"{path}: {len(names)} arms ({', '.join(names)}): name the "
                                 f"one the figures are of with --arm")
        arm = names[0]
    if arm not in names:
        raise CalibrateError(f"{path}: no arm {arm!r} (its arms: {', '.join(names)})")
    return design_scenario(path, [arm], None, 0), arm


def _text(value, kind):
    """A value as a scenario writes it (8 significant digits; ints rounded)."""
    return uncertainty.scenario_value(value, kind, digits=8)


def as_run(theta, params):
    """The values the runs take: each written with 8 significant digits, read back."""
    out = np.empty_like(theta)
    for j, (_, _, _, kind) in enumerate(params):
        for i in range(theta.shape[0]):
            t = _text(theta[i, j], kind)
            out[i, j] = float(t[:-1] if kind == "duration" else t)
    return out


def points_lines(params, theta):
    """`key = v, v, ...` lines of a design = points sweep, each at most LINE_MAX long."""
    out = []
    for j, (key, _, _, kind) in enumerate(params):
        line = ""
        for v in theta[:, j]:
            t = _text(v, kind)
            if line and len(line) + 2 + len(t) > LINE_MAX:
                out.append(line)
                line = ""
            line = f"{key} = {t}" if not line else f"{line}, {t}"
        out.append(line)
    return out


# ---------------------------------------------------------------------------
# Runs

class Runner:
    """Runs batches of particles through `govsim run` and gives their figures."""

    def __init__(self, args, text, figures, tmp):
        self.args, self.text, self.figures, self.tmp = args, text, figures, tmp
        self.batches = 0

    def simulate(self, params, theta):
        """(n, figures) array of each particle's simulated figures (NaN: no value)."""
        from . import data
        self.batches += 1
        scen = os.path.join(self.tmp, "batch.ini")
        out = os.path.join(self.tmp, "batch.h5")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(self.text + "[sweep]\ndesign = points\n"
                    + "\n".join(points_lines(params, theta)) + "\n")
        a = self.args
        cmd = [a.govsim, "run", scen, "-o", out, "--force", "--quiet", "--seed", str(a.seed),
               "--set", f"simulation.replications={a.replications}"]
        if a.threads:
            cmd += ["--threads", str(a.threads)]
        for kv in a.set or []:
            cmd += ["--set", kv]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            raise RunFailed(f"cannot run {a.govsim}: {e.strerror}", 1) from None
        if r.returncode != 0:
            msg = (r.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise RunFailed(f"a batch of runs failed (status {r.returncode}): {msg}",
                            r.returncode)
        ds = read_runs(out)
        point = np.asarray(ds["sweep_point"].values, dtype=int)
        sims = np.full((theta.shape[0], len(self.figures)), np.nan)
        for i, fig in enumerate(self.figures):
            v = np.asarray(data.over(ds.isel(time=np.flatnonzero(fig.mask)), fig.metric).values,
                           dtype=float)
            # the mean over each point's replications
            total = np.bincount(point, weights=np.where(np.isfinite(v), v, 0.0),
                                minlength=theta.shape[0])
            count = np.bincount(point, weights=np.isfinite(v).astype(float),
                                minlength=theta.shape[0])
            with np.errstate(invalid="ignore", divide="ignore"):
                sims[:, i] = np.where(count == self.args.replications, total / count, np.nan)
        os.remove(out)
        return sims


def read_runs(path):
    """The (run, time) datasets of a file govsim run just wrote, with their attributes, as
    an xarray Dataset that analysis.data.over() adds up (without data.load()'s check of
    a file from elsewhere in a child process, which costs more than the runs here)."""
    import h5py
    import xarray as xr
    with h5py.File(path, "r") as f:
        n_run, n_time = f["run"].shape[0], f["time"].shape[0]
        out = {}
        for name, d in f.items():
            if isinstance(d, h5py.Dataset) and d.shape == (n_run, n_time) \
                    and d.dtype.kind == "f":
                attrs = {k: (v.decode() if isinstance(v, bytes) else v)
                         for k, v in d.attrs.items()
                         if k in ("aggregation", "weight", "numerator", "denominator")}
                out[name] = xr.Variable(("run", "time"), d[()], attrs)
        ds = xr.Dataset(out, coords={"time": f["time"][()]})
        ds["sweep_point"] = ("run", f["sweep_point"][()])
    return ds


class RunFailed(Exception):
    def __init__(self, msg, status):
        super().__init__(msg)
        self.status = status


def distances(sims, figures):
    """sqrt(sum_i ((sim_i - obs_i) / u_i)^2) per particle; inf where a figure has no value."""
    obs = np.array([f.value for f in figures])
    u = np.array([f.u for f in figures])
    d = np.sqrt(np.sum(((sims - obs) / u) ** 2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


# ---------------------------------------------------------------------------
# ABC-SMC

def weighted_cov(theta, w):
    mean = w @ theta
    x = theta - mean
    return (x * w[:, None]).T @ x / (1.0 - np.sum(w ** 2)) if len(w) > 1 else np.zeros(
        (theta.shape[1], theta.shape[1]))


def kernel_weights(new, old, w_old, cov):
    """1 / sum_j w_j N(new | old_j, cov), normalised (a uniform prior is constant on its
    support)."""
    k = cov.shape[0]
    chol = np.linalg.cholesky(cov)
    logdet = 2.0 * np.sum(np.log(np.diag(chol)))
    out = np.empty(new.shape[0])
    for i in range(new.shape[0]):
        z = np.linalg.solve(chol, (new[i] - old).T)          # (k, n_old)
        logk = -0.5 * np.sum(z * z, axis=0) - 0.5 * logdet - 0.5 * k * math.log(2 * math.pi)
        m = logk.max()
        out[i] = -(m + math.log(np.sum(w_old * np.exp(logk - m))))
    out = np.exp(out - out.max())
    return out / out.sum()


def regularised(cov, lo, hi):
    """cov with a floor on its diagonal (1e-6 of each range, squared), so that a
    population collapsed onto few values still moves."""
    floor = (1e-6 * (hi - lo)) ** 2
    return cov + np.diag(floor)


def abc_smc(runner, params, figures, n, generations, quantile, rng, say):
    """[generation dict] with theta, weights, distances, sims, tolerance, runs."""
    lo = np.array([p[1] for p in params])
    hi = np.array([p[2] for p in params])
    k = len(params)
    theta = as_run(lo + rng.random((n, k)) * (hi - lo), params)
    sims = runner.simulate(params, theta)
    d = distances(sims, figures)
    w = np.full(n, 1.0 / n)
    gens = [dict(theta=theta, weights=w, distances=d, sims=sims, tolerance=math.inf, runs=n)]
    say(gens[-1], 0)
    for g in range(1, generations):
        prev = gens[-1]
        finite = prev["distances"][np.isfinite(prev["distances"])]
        if finite.size == 0:
            raise CalibrateError("no run of generation 0 gave every figure a value: check "
                                 "the figures' metrics and windows")
        eps = float(np.quantile(finite, quantile))
        cov = regularised(2.0 * weighted_cov(prev["theta"], prev["weights"]), lo, hi)
        chol = np.linalg.cholesky(cov)
        acc_t, acc_s, acc_d, runs, rate = [], [], [], 0, quantile
        budget = RUNS_PER_PARTICLE * n
        while sum(len(x) for x in acc_t) < n:
            need = n - sum(len(x) for x in acc_t)
            m = int(min(max(math.ceil(1.2 * need / max(rate, 0.02)), 8), budget - runs))
            if m <= 0:
                say(None, g, eps=eps, runs=runs)
                return gens
            prop = np.empty((m, k))
            filled = 0
            while filled < m:
                j = rng.choice(len(prev["weights"]), size=m - filled, p=prev["weights"])
                cand = prev["theta"][j] + rng.standard_normal((m - filled, k)) @ chol.T
                ok = np.all((cand >= lo) & (cand <= hi), axis=1)
                cand = cand[ok]
                prop[filled:filled + len(cand)] = cand
                filled += len(cand)
            prop = as_run(prop, params)
            s = runner.simulate(params, prop)
            dd = distances(s, figures)
            runs += m
            keep = dd <= eps
            acc_t.append(prop[keep])
            acc_s.append(s[keep])
            acc_d.append(dd[keep])
            rate = max(sum(len(x) for x in acc_t) / runs, 0.0)
        theta = np.concatenate(acc_t)[:n]
        sims = np.concatenate(acc_s)[:n]
        d = np.concatenate(acc_d)[:n]
        w = kernel_weights(theta, prev["theta"], prev["weights"], cov)
        gens.append(dict(theta=theta, weights=w, distances=d, sims=sims, tolerance=eps,
                         runs=runs))
        say(gens[-1], g)
    return gens


# ---------------------------------------------------------------------------
# The posterior

def weighted_quantile(x, w, q):
    """The q-quantile of x under weights w (the weights' mid-points interpolated)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    x, w = x[w > 0], w[w > 0]
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    c = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    return float(np.interp(q, c, x))


def summary(gen, params):
    """{key: {mean, sd, q05, median, q95}} of a population."""
    out = {}
    w = gen["weights"]
    for j, (key, *_rest) in enumerate(params):
        x = gen["theta"][:, j]
        mean = float(w @ x)
        out[key] = dict(mean=mean, sd=float(math.sqrt(max(w @ (x - mean) ** 2, 0.0))),
                        q05=weighted_quantile(x, w, 0.05), median=weighted_quantile(x, w, 0.5),
                        q95=weighted_quantile(x, w, 0.95))
    return out


def ess(w):
    return float(1.0 / np.sum(np.asarray(w) ** 2))


def resample(w, n, rng):
    """n indices drawn by systematic resampling of the weights w."""
    c = np.cumsum(w)
    c[-1] = 1.0
    return np.searchsorted(c, (rng.random() + np.arange(n)) / n)


def write_csv(path, gens, params, figures):
    names = [p[0] for p in params]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["generation", "particle", "tolerance", "weight", "distance"] + names
                     + [f"sim:{fig.label()}" for fig in figures])
        for g, gen in enumerate(gens):
            for i in range(len(gen["weights"])):
                out.writerow([g, i, f"{gen['tolerance']:.10g}", f"{gen['weights'][i]:.10g}",
                              f"{gen['distances'][i]:.10g}"]
                             + [_text(gen["theta"][i, j], "real") for j in range(len(names))]
                             + [f"{v:.10g}" for v in gen["sims"][i]])


def set_lines(sets, table):
    """The --set KEY=VALUE of a calibration as scenario lines: (lines of plain sections,
    lines for every arm). A parameter with one value for the whole scenario goes in its
    section; any other in every arm, where it overrides what the arm sets, as --set does."""
    plain, arm = [], []
    for kv in sets:
        key, _, value = kv.partition("=")
        key, value = key.strip(), value.strip()
        parts = key.split(".")
        row = table.get(key) or table.get(".".join(["class", "NAME"] + parts[2:])
                                          if parts[0] == "class" else key) or {}
        if row.get("scope") == "scenario":
            plain += [f"[{'.'.join(parts[:-1])}]", f"{parts[-1]} = {value}"]
        else:
            arm.append(f"{key} = {value}")
    return plain, arm


def posterior_scenarios(scenario, out_dir, arms, params, post, sample, head, sets, table):
    """(OUT-posterior.ini, OUT-particles.ini) texts: the scenario (by include, with the
    calibration's --set) with every arm at the posterior means; the scenario with the
    posterior sample as sweep points."""
    inc = os.path.relpath(os.path.abspath(scenario), os.path.abspath(out_dir or "."))
    plain, every_arm = set_lines(sets, table)
    means = [f"{key} = {_text(post[key]['mean'], kind)}" for key, _, _, kind in params]

    def body(extra):
        out = [f"include = {inc}"] + plain
        if every_arm or extra:
            for a in arms or ["base"]:
                out += [f"[arm.{a}]"] + every_arm + extra
        return "\n".join(out) + "\n"

    mean_text = head + "; every arm at the posterior means\n" + body(means)
    parts = head + ("; the posterior sample (resampled to equal weights) as sweep points: "
                    "every arm runs at each\n")
    parts += body([]) + "[sweep]\ndesign = points\n" + "\n".join(points_lines(params, sample))
    return mean_text, parts + "\n"


# ---------------------------------------------------------------------------
# The command

def build_parser(prog="govsim calibrate"):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--observed", required=True, metavar="FILE",
                    help="the observed figures: metric, value, uncertainty[, window]")
    ap.add_argument("--arm", metavar="NAME", help="the arm the figures are of "
                    "(default: the scenario's only arm)")
    ap.add_argument("--params", metavar="KEY,...", help="the parameters fitted (default: "
                    "every one with a plausible range that can vary between runs)")
    ap.add_argument("--particles", type=int, default=100, metavar="N",
                    help="particles of each generation (default 100)")
    ap.add_argument("--generations", type=int, default=5, metavar="G",
                    help="generations, the prior's included (default 5)")
    ap.add_argument("--quantile", type=float, default=0.5, metavar="Q",
                    help="each tolerance: this quantile of the last generation's "
                         "distances (default 0.5)")
    ap.add_argument("--replications", type=int, default=1, metavar="N",
                    help="runs of each particle, their figures averaged (default 1)")
    ap.add_argument("--seed", type=int, default=1, metavar="N",
                    help="seed of the proposals and of the runs (default 1)")
    ap.add_argument("--threads", type=int, metavar="N", help="passed to govsim run")
    ap.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="passed to govsim run (every arm)")
    ap.add_argument("-o", "--output", metavar="OUT.csv")
    ap.add_argument("--force", action="store_true", help="overwrite OUT.csv")
    ap.add_argument("--govsim", default=os.environ.get("GOVSIM_BINARY")
                    or shutil.which("govsim") or "govsim", help=argparse.SUPPRESS)
    ap.set_defaults(prog=prog)
    return ap


def main(argv=None):
    return command(argv, "govsim calibrate", build_parser, run_command)


def run_command(args):
    """calibrate(args), a batch of runs that fails said in one line (status 1, or the
    status of govsim run)."""
    try:
        return calibrate(args)
    except RunFailed as e:
        print(f"{args.prog}: {e}", file=sys.stderr)
        return e.status


def probe(govsim, text, arm, sets):
    """(the arm's parameters as written, the ends of the output intervals in days) of the
    scenario, from a run of 20 citizens."""
    import h5py
    with tempfile.TemporaryDirectory(prefix="govsim-calibrate-") as d:
        scen, out = os.path.join(d, "s.ini"), os.path.join(d, "s.h5")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(text)
        cmd = [govsim, "run", scen, "-o", out, "--quiet", "--threads", "1"]
        for kv in sets:
            cmd += ["--set", kv]
        cmd += ["--set", "simulation.replications=1", "--set", "population.citizens=20"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            msg = (r.stderr.strip().splitlines() or ["(no message)"])[0]
            raise CalibrateError(f"the scenario does not run: {msg}")
        with h5py.File(out, "r") as f:
            values = {k: (v.decode() if isinstance(v, bytes) else str(v))
                      for k, v in f[f"provenance/parameters/{arm}"].attrs.items()}
            return values, f["time"][()]


def calibrate(args):
    a = args
    if not 4 <= a.particles <= 100000:
        raise CalibrateError(f"--particles {a.particles}: from 4 to 100000")
    if not 1 <= a.generations <= 100:
        raise CalibrateError(f"--generations {a.generations}: from 1 to 100")
    if not 0 < a.quantile < 1:
        raise CalibrateError(f"--quantile {a.quantile}: above 0 and below 1")
    if not 1 <= a.replications <= 10000:
        raise CalibrateError(f"--replications {a.replications}: from 1 to 10000")
    if not 0 <= a.seed <= 2 ** 53 - 1:
        raise CalibrateError(f"--seed {a.seed}: from 0 to 2^53 - 1")
    if not os.path.isfile(a.scenario):
        raise CalibrateError(f"{a.scenario}: no such file")
    if not os.path.isfile(a.observed):
        raise CalibrateError(f"--observed {a.observed}: no such file")
    figures = read_observed(a.observed, metric_names(a.govsim))
    text, arm = arm_scenario(a.scenario, a.arm)
    all_arms = arms_of(sections(read_lines(a.scenario)))
    table = parameter_table(a.govsim)
    named = [p.strip() for p in a.params.split(",") if p.strip()] if a.params else None
    params, left = choose(table, named)
    _, times = probe(a.govsim, text, arm, a.set or [])
    check_windows(figures, times)
    stem = os.path.splitext(os.path.basename(a.scenario))[0]
    out = a.output or os.path.join("out", f"{stem}-calibrate.csv")
    if os.path.isdir(out):
        raise CalibrateError(f"-o {out} is a directory; name a file in it")
    base = out[:-4] if out.endswith(".csv") else out
    outputs = [out, base + "-posterior.ini", base + "-particles.ini"]
    for o in outputs:
        if os.path.exists(o) and not a.force:
            raise CalibrateError(f"{o} exists: use --force to replace it")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    k = len(params)
    print(f"govsim calibrate: arm {arm}, {k} parameters, {len(figures)} figures, "
          f"{a.particles} particles x {a.generations} generations", file=sys.stderr, flush=True)

    def say(gen, g, eps=None, runs=None):
        if gen is None:
            print(f"  generation {g}: tolerance {eps:.4g}: fewer than {a.particles} of "
                  f"{runs} runs within it; stopping at generation {g - 1}",
                  file=sys.stderr, flush=True)
            return
        acc = f"{len(gen['weights'])} of {gen['runs']} runs"
        tol = "prior" if g == 0 else f"tolerance {gen['tolerance']:.4g}"
        print(f"  generation {g}: {tol}, {acc}, effective sample "
              f"{ess(gen['weights']):.0f}, median distance "
              f"{float(np.median(gen['distances'])):.4g}", file=sys.stderr, flush=True)

    rng = np.random.default_rng(a.seed)
    with tempfile.TemporaryDirectory(prefix="govsim-calibrate-") as tmp:
        runner = Runner(a, text, figures, tmp)
        gens = abc_smc(runner, params, figures, a.particles, a.generations, a.quantile, rng,
                       say)
    last = gens[-1]
    post = summary(last, params)
    print_result(params, post, figures, last)
    sys.stdout.flush()
    sample = last["theta"][resample(last["weights"], a.particles, rng)]
    head = (f"; govsim calibrate {os.path.basename(a.scenario)} --observed "
            f"{os.path.basename(a.observed)} --arm {arm}: {len(gens)} generations of "
            f"{a.particles} particles, tolerance {last['tolerance']:.6g}, seed {a.seed}\n")
    mean_text, parts = posterior_scenarios(a.scenario, os.path.dirname(out), all_arms, params,
                                           post, sample, head, a.set or [], table)
    tmp_csv = out + ".tmp"
    write_csv(tmp_csv, gens, params, figures)
    for path, t in ((outputs[1], mean_text), (outputs[2], parts)):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(t)
    for o in outputs:
        os.replace(o + ".tmp", o)
    print(f"govsim calibrate: wrote {out}, {outputs[1]}, {outputs[2]}", file=sys.stderr)
    return 0


def print_result(params, post, figures, gen):
    print(f"{'parameter':34s} {'mean':>10s} {'sd':>10s} {'5%':>10s} {'median':>10s} "
          f"{'95%':>10s}   plausible")
    for key, lo, hi, kind in params:
        p = post[key]
        print(f"{key:34s} {p['mean']:10.4g} {p['sd']:10.3g} {p['q05']:10.4g} "
              f"{p['median']:10.4g} {p['q95']:10.4g}   {lo:g}-{hi:g}")
    print()
    print(f"{'figure':40s} {'observed':>10s} {'+-':>8s} {'posterior':>10s}")
    w = gen["weights"]
    for i, f in enumerate(figures):
        sim = float(w @ gen["sims"][:, i])
        print(f"{f.label():40s} {f.value:10.4g} {f.u:8.3g} {sim:10.4g}")


if __name__ == "__main__":
    sys.exit(main())
