/*
 * python.c - `govsim report` and `govsim export`: the analysis package
 * (analysis/) run with the Python that `make deps` provisioned.
 *
 * Which Python: $GOVSIM_PYTHON, else the one found when govsim was built
 * (GS_PYTHON, by default Debian's /usr/bin/python3), never the first
 * `python3` on the PATH, which often lacks h5py. Which package: the copy
 * `make install` put next to the binary (PREFIX/share/govsim/python), else
 * the source tree govsim was built from (GS_PYDIR). The command replaces
 * this process (exec), so its exit status is the command's.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/app/cli.h"

#ifndef GS_PYTHON
#define GS_PYTHON "/usr/bin/python3"
#endif
#ifndef GS_PYDIR
#define GS_PYDIR "."
#endif

static const char usage_report[] =
	"usage: govsim report OUT.h5 [-o REPORT.html|DIR] [--points N] [--n-boot N] [--seed N]\n"
	"\n"
	"Writes one self-contained HTML file (figures embedded, no other file) about a\n"
	"result file: the comparison of arms, paired differences from the first arm,\n"
	"figures over time with the scenario's events marked, per-point tables and\n"
	"outcome-against-parameter figures for a sweep, Sobol indices for a Saltelli\n"
	"design, and the provenance.\n"
	"\n"
	"  -o PATH       REPORT.html, or a directory for DIR/index.html\n"
	"                (default: OUT-report.html next to OUT.h5)\n"
	"  --points N    with a sweep, a table per point if there are at most N (default 12)\n"
	"  --n-boot N    bootstrap resamples of the Sobol intervals (default 500)\n"
	"  --seed N      seed of the bootstrap (default 0)\n"
	"\n"
	"Runs the analysis package with the Python found when govsim was built\n"
	"(GOVSIM_PYTHON overrides it). Exit status: 0 success, 2 bad usage or input,\n"
	"1 failure (including a missing Python module: the message names it).\n";

static const char usage_export[] =
	"usage: govsim export OUT.h5 [--format csv|parquet] [--layout long|runs] [--teams]\n"
	"                     [-o PATH|-]\n"
	"\n"
	"Writes a result file as a table.\n"
	"\n"
	"  --format csv       comma-separated values (default)\n"
	"  --format parquet   Parquet, where pyarrow or fastparquet is installed (Debian 12\n"
	"                     packages neither: then it says so and exits 2)\n"
	"  --layout long      one row per run, time, metric (and class): columns run, arm,\n"
	"                     replication, seed, sweep values, time, metric, class, value,\n"
	"                     units (default)\n"
	"  --layout runs      one row per run: its arm, replication, sweep values and every\n"
	"                     metric's whole-run value (the numbers of govsim compare)\n"
	"  --teams            with --layout long, the per-team metrics too, one row per\n"
	"                     run, time, metric and team: a column team after class\n"
	"  -o PATH            the table's file, - for standard output (default: OUT.csv,\n"
	"                     or OUT-runs.csv with --layout runs, next to OUT.h5)\n"
	"\n"
	"Runs the analysis package with the Python found when govsim was built\n"
	"(GOVSIM_PYTHON overrides it). Exit status: 0 success, 2 bad usage or input,\n"
	"1 failure.\n";

static const char usage_explain[] =
	"usage: govsim explain SCENARIO --arms A,B [--metric NAME]... [--parameters]\n"
	"                      [--players M,M,...] [--group NAME=M,M]... [--samples N]\n"
	"                      [--replications N] [--set KEY=VALUE]... [--series]\n"
	"                      [--threads N] [-o OUT.h5] [--force] [--resume]\n"
	"\n"
	"Attributes the paired difference B - A between two arms of SCENARIO to the\n"
	"mechanisms, with Shapley values: each player's marginal contribution averaged\n"
	"over the orders of switching the players on, so that the contributions add up\n"
	"to the difference the players make. Runs both arms at every set of players\n"
	"(2^k sets for k <= 10; sampled orders beyond) with the scenario's seeds.\n"
	"\n"
	"  --arms A,B          the arms compared: the difference is B - A\n"
	"  --metric NAME       a metric (repeatable; default needs_met,\n"
	"                      within_target_true, cost_per_need_met)\n"
	"  --parameters        players are the parameters in which the arms differ\n"
	"                      (each set to B's value in arm A) instead of mechanisms\n"
	"  --players M,M,...   the mechanisms (default pressure, effort, recording,\n"
	"                      discretion, continuity, learning, stewardship, motivation),\n"
	"                      or the parameters (default: every one the arms differ in)\n"
	"  --group NAME=M,M    several mechanisms (parameters) as one player (repeatable)\n"
	"  --samples N         random orders with more than 10 players (default 32)\n"
	"  --replications N    replications of each set (default: the scenario's)\n"
	"  --set KEY=VALUE     override a parameter for every arm (repeatable)\n"
	"  --series            keep the scenario's output interval (by default a run is\n"
	"                      one interval when no metric is a stock: the same result)\n"
	"  --threads N         OpenMP threads of the runs\n"
	"  -o OUT.h5           the runs and the attribution, in /explain (default\n"
	"                      out/<scenario>-explain.h5)\n"
	"  --force             replace OUT.h5\n"
	"  --resume            complete the runs an interrupted explain left\n"
	"\n"
	"Prints, per metric, the total difference, the base (every player off; none\n"
	"with --parameters) and each player's contribution with its 95% interval\n"
	"(docs/explain.md). Exit status: 0 success, 2 bad usage or input, 1 failure.\n";

static const char usage_uncertainty[] =
	"usage: govsim uncertainty SCENARIO --arms A,B [--params KEY,...]\n"
	"                          [--metric NAME]... [--samples N] [--replications N]\n"
	"                          [--set KEY=VALUE]... [--series] [--threads N]\n"
	"                          [-o OUT.h5] [--force] [--resume]\n"
	"\n"
	"How sure is the difference B - A between two arms of SCENARIO, across every\n"
	"plausible value of the parameters nobody has measured? Draws the behavioural\n"
	"parameters that the arms share over their plausible ranges (govsim params) by\n"
	"Saltelli's design, runs both arms at every point with the same seeds, and\n"
	"reports per metric the distribution of the difference, the probability that B\n"
	"beats A across the plausible space, and the Sobol indices of the difference.\n"
	"\n"
	"  --arms A,B          the arms compared: the difference is B - A\n"
	"  --params KEY,...    the uncertain parameters (default: every one with a\n"
	"                      plausible range that the arms share)\n"
	"  --metric NAME       a metric (repeatable; default needs_met,\n"
	"                      within_target_true, cost_per_need_met, leavers)\n"
	"  --samples N         rows of the design: N x (k + 2) points (default 16)\n"
	"  --replications N    replications at each point (default: the scenario's)\n"
	"  --set KEY=VALUE     override a parameter for every arm (repeatable)\n"
	"  --series            keep the scenario's output interval (by default a run is\n"
	"                      one interval when no metric is a stock: the same result)\n"
	"  --threads N         OpenMP threads of the runs\n"
	"  -o OUT.h5           the runs and the analysis, in /uncertainty (default\n"
	"                      out/<scenario>-uncertainty.h5)\n"
	"  --force             replace OUT.h5\n"
	"  --resume            complete the runs an interrupted uncertainty left\n"
	"\n"
	"docs/robustness.md says how to read it. Exit status: 0 success, 2 bad usage or\n"
	"input, 1 failure.\n";

static const char usage_calibrate[] =
	"usage: govsim calibrate SCENARIO --observed FILE [--arm NAME] [--params KEY,...]\n"
	"                        [--particles N] [--generations G] [--quantile Q]\n"
	"                        [--replications N] [--seed N] [--set KEY=VALUE]...\n"
	"                        [--threads N] [-o OUT.csv] [--force]\n"
	"\n"
	"Fits the uncertain parameters of one arm of SCENARIO to a service's own figures\n"
	"by approximate Bayesian computation with sequential Monte Carlo (ABC-SMC):\n"
	"uniform priors over the plausible ranges (govsim params), generations of\n"
	"particles with tightening tolerances, each batch of particles one govsim run\n"
	"with the particles as sweep points. Prints the posterior of each parameter and\n"
	"the fit to each figure.\n"
	"\n"
	"  --observed FILE     the figures, one a line: metric, value, uncertainty[,\n"
	"                      window] (window FROM-TO, e.g. 0d-365d; default the run)\n"
	"  --arm NAME          the arm the figures are of (default: the only arm)\n"
	"  --params KEY,...    the parameters fitted (default: every one with a plausible\n"
	"                      range that can vary between runs, classes' aside)\n"
	"  --particles N       particles of each generation (default 100)\n"
	"  --generations G     generations, the prior's included (default 5)\n"
	"  --quantile Q        each tolerance: the Q-quantile of the last generation's\n"
	"                      distances (default 0.5)\n"
	"  --replications N    runs of each particle, their figures averaged (default 1)\n"
	"  --seed N            seed of the proposals and the runs (default 1)\n"
	"  --set KEY=VALUE     override a parameter for every arm (repeatable)\n"
	"  --threads N         OpenMP threads of the runs\n"
	"  -o OUT.csv          the particles of every generation (default\n"
	"                      out/<scenario>-calibrate.csv); also OUT-posterior.ini (every\n"
	"                      arm at the posterior means) and OUT-particles.ini (the\n"
	"                      posterior sample as a sweep)\n"
	"  --force             replace them\n"
	"\n"
	"docs/robustness.md says how to read it. Exit status: 0 success, 2 bad usage or\n"
	"input, 1 failure.\n";

/* dir/rel if it names a directory holding analysis/__init__.py, in buf; else NULL. */
static const char *package_in(const char *dir, const char *rel, char *buf, size_t n)
{
	char probe[PATH_MAX + 64];
	struct stat st;
	if (snprintf(buf, n, "%s%s", dir, rel) >= (int)n)
		return NULL;
	snprintf(probe, sizeof(probe), "%s/analysis/__init__.py", buf);
	return stat(probe, &st) == 0 && S_ISREG(st.st_mode) ? buf : NULL;
}

/* The folder holding the analysis package: next to an installed binary, else the source tree. */
static const char *package_dir(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			if (package_in(exe, "/../share/govsim/python", buf, n))
				return buf;
		}
	}
	const char *env = getenv("GOVSIM_PYDIR");
	if (env && *env && package_in(env, "", buf, n))
		return buf;
	return package_in(GS_PYDIR, "", buf, n);
}

/*
 * Run `PYTHON -m analysis.<module> ARGS...` with the package on the path,
 * in place of this process. Returns only on failure, with the exit status.
 */
static int run_python(const char *cmd, const char *module, int argc, char **argv)
{
	const char *python = getenv("GOVSIM_PYTHON");
	if (!python || !*python)
		python = GS_PYTHON;
	if (access(python, X_OK) != 0) {
		fprintf(stderr, "%s %s: no Python at %s (%s): install Debian's with "
			"`sudo apt-get install -y python3 python3-h5py python3-xarray python3-h5netcdf "
			"python3-pandas python3-matplotlib` (or `make deps`), or set GOVSIM_PYTHON\n",
			gs_cli_prog, cmd, python, strerror(errno));
		return EXIT_RUNTIME;
	}
	char dir[PATH_MAX];
	if (!package_dir(dir, sizeof(dir))) {
		fprintf(stderr, "%s %s: the analysis package is not in %s nor next to this program "
			"(share/govsim/python): reinstall govsim (`make install`) or set GOVSIM_PYDIR\n",
			gs_cli_prog, cmd, GS_PYDIR);
		return EXIT_RUNTIME;
	}
	/* the package first on the path; a folder named analysis/ in the current one is not seen */
	const char *old = getenv("PYTHONPATH");
	size_t n = strlen(dir) + (old ? strlen(old) : 0) + 2;
	char *path = malloc(n);
	char prog[256];
	char **args = calloc((size_t)argc + 8, sizeof(*args));
	if (!path || !args) {
		free(path);
		free(args);
		return EXIT_RUNTIME;
	}
	snprintf(path, n, "%s%s%s", dir, old && *old ? ":" : "", old && *old ? old : "");
	char self[PATH_MAX];
	ssize_t self_len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (self_len > 0) { /* the commands that run simulations run this govsim */
		self[self_len] = 0;
		setenv("GOVSIM_BINARY", self, 1);
	}
	snprintf(prog, sizeof(prog), "%s %s", gs_cli_prog, cmd);
	setenv("PYTHONPATH", path, 1);
	setenv("PYTHONSAFEPATH", "1", 1);
	size_t k = 0;
	char module_arg[64];
	snprintf(module_arg, sizeof(module_arg), "analysis.%s", module);
	args[k++] = (char *)python;
	args[k++] = "-m";
	args[k++] = module_arg;
	args[k++] = "--prog";
	args[k++] = prog;
	for (int i = 1; i < argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	fflush(NULL);
	execv(python, args);
	fprintf(stderr, "%s %s: cannot run %s: %s\n", gs_cli_prog, cmd, python, strerror(errno));
	free(path);
	free(args);
	return EXIT_RUNTIME;
}

/* `govsim NAME FILE ...`: its usage on --help, else analysis.NAME with the arguments. */
static int python_command(const char *name, const char *usage, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (gs_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return 0;
		}
	if (argc < 2)
		return gs_cli_usage(name, "no file given%s", "");
	return run_python(name, name, argc, argv);
}

int gs_cmd_report(int argc, char **argv)
{
	return python_command("report", usage_report, argc, argv);
}

int gs_cmd_export(int argc, char **argv)
{
	return python_command("export", usage_export, argc, argv);
}

int gs_cmd_explain(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_explain, stdout);
			return 0;
		}
	if (argc < 2)
		return gs_cli_usage("explain", "no scenario given%s", "");
	return run_python("explain", "explain", argc, argv);
}

int gs_cmd_uncertainty(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_uncertainty, stdout);
			return 0;
		}
	if (argc < 2)
		return gs_cli_usage("uncertainty", "no scenario given%s", "");
	return run_python("uncertainty", "uncertainty", argc, argv);
}

int gs_cmd_calibrate(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_calibrate, stdout);
			return 0;
		}
	if (argc < 2)
		return gs_cli_usage("calibrate", "no scenario given%s", "");
	return run_python("calibrate", "calibrate", argc, argv);
}
