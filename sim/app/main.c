/*
 * main.c - the govsim command line: run, check, params, metrics, info.
 *
 * Exit status: 0 success, 2 bad usage or bad input, 1 runtime failure
 * (including an interrupted run). Messages go to stderr.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <omp.h>

#include "sim/app/compare.h"
#include "sim/core/diag.h"
#include "sim/engine/engine.h"
#include "sim/core/metrics.h"
#include "sim/io/output.h"
#include "sim/core/params.h"
#include "sim/core/provenance.h"
#include "sim/app/report.h"
#include "sim/core/rng.h"
#include "sim/plan/scenario.h"

#define EXIT_USAGE 2
#define EXIT_RUNTIME 1

static const char usage_main[] =
	"usage: govsim COMMAND [OPTIONS]\n"
	"\n"
	"Agent-based simulation of public services under different governance regimes.\n"
	"\n"
	"commands:\n"
	"  run SCENARIO      run every arm of a scenario and write an HDF5 result file\n"
	"  check SCENARIO... validate scenario files without running them\n"
	"  params            list every parameter (section, name, type, default, range, unit)\n"
	"  metrics           list every output metric\n"
	"  info FILE.h5      show the provenance and a summary of a result file\n"
	"  compare FILE.h5   compare the arms of a result file: means, CIs, paired differences\n"
	"\n"
	"options:\n"
	"  -h, --help        this help (also after a command: govsim run --help)\n"
	"  --version         version and build\n"
	"\n"
	"Exit status: 0 success, 2 bad usage or input, 1 runtime failure.\n";

static const char usage_run[] =
	"usage: govsim run SCENARIO [-o OUT.h5] [--seed N] [--threads N]\n"
	"                  [--set section.key=value]... [--force] [--resume] [--quiet]\n"
	"\n"
	"Runs every arm x replication of SCENARIO, writes OUT.h5 and prints a table\n"
	"comparing the arms' key outcomes.\n"
	"\n"
	"  -o, --output OUT.h5   result file (default out/<scenario name>.h5)\n"
	"  --seed N              scenario seed (overrides simulation.seed)\n"
	"  --threads N           OpenMP threads (default OMP_NUM_THREADS or all cores);\n"
	"                        results are identical for any number of threads\n"
	"  --set KEY=VALUE       override a parameter for every arm, e.g.\n"
	"                        --set regime.learning_time=0.2 (repeatable)\n"
	"  --force               overwrite OUT.h5 if it exists\n"
	"  --resume              complete OUT.h5.partial, left by an interrupted run of\n"
	"                        the same scenario: only the missing runs are run\n"
	"  -q, --quiet           no progress bar and no table\n"
	"  -h, --help            this help\n"
	"\n"
	"The file is written as OUT.h5.partial and renamed when complete; an\n"
	"interrupted run (Ctrl-C, SIGTERM) leaves no OUT.h5, keeps the runs it\n"
	"finished in OUT.h5.partial for --resume, and exits with 1.\n";

static const char usage_check[] =
	"usage: govsim check SCENARIO... [--set section.key=value]...\n"
	"\n"
	"Validates scenario files (and their includes) without running them, and\n"
	"lists every problem as FILE:LINE: section.key: message. Exit 0 if all are\n"
	"valid, 2 otherwise.\n";

static const char usage_params[] =
	"usage: govsim params [--markdown]\n"
	"\n"
	"Lists every parameter: section, name, type, default, allowed range, unit,\n"
	"scope and description. --markdown writes docs/parameters.md.\n";

static const char usage_metrics[] =
	"usage: govsim metrics [--markdown]\n"
	"\n"
	"Lists every output metric with its units and description. --markdown\n"
	"writes docs/metrics.md.\n";

static const char usage_compare[] =
	"usage: govsim compare FILE.h5 [--metric NAME] [--at DAYS] [--points N]\n"
	"\n"
	"Per arm, the mean and 95% confidence interval across replications of the\n"
	"key whole-run outcomes (the table `govsim run` prints), and the paired\n"
	"differences of each arm from the first: runs of the same replication share\n"
	"their random streams, so the pairs cancel the luck of the draw.\n"
	"\n"
	"  --metric NAME   one metric: its whole-run value if it is an outcome of the\n"
	"                  table, else its mean and its total over time\n"
	"  --at DAYS       values at that time (the interval ending then) instead\n"
	"  --points N      with a sweep, one table per point if there are at most N\n"
	"                  points (default 12); else every point pooled\n";

static const char usage_info[] =
	"usage: govsim info FILE.h5\n"
	"\n"
	"Shows the provenance of a result file (version, revision, compiler, libraries,\n"
	"seed, scenario) and a short summary of its runs.\n";

static bool is_help(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

static int bad_usage(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "govsim %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see govsim %s --help)\n", cmd);
	return EXIT_USAGE;
}

static bool parse_count(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void on_signal(int sig)
{
	(void)sig;
	gs_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Read and resolve a scenario; print every problem. Returns 0 if valid. */
static int load_scenario(const char *path, char **sets, size_t n_sets, struct gs_scenario *sc)
{
	struct gs_diag diag = {0};
	int rc = gs_scenario_read(path, sc, &diag);
	if (rc == 0 || sc->n_files > 0)
		rc |= gs_scenario_resolve(sc, sets, n_sets, &diag);
	gs_diag_print(&diag, stderr);
	if (diag.n)
		fprintf(stderr, "%s: %zu problem%s\n", path, diag.n, diag.n == 1 ? "" : "s");
	gs_diag_free(&diag);
	return rc || diag.n ? -1 : 0;
}

/* Per-run variables beyond arm, replication and seed: sweep coordinates and design. */
struct run_vars {
	size_t n;
	char **names, **desc;
	double *values; /* [n_runs * n] */
};

static void free_run_vars(struct run_vars *rv)
{
	for (size_t v = 0; v < rv->n; v++) {
		free(rv->names[v]);
		free(rv->desc[v]);
	}
	free(rv->names);
	free(rv->desc);
	free(rv->values);
	memset(rv, 0, sizeof(*rv));
}

static int add_var(struct run_vars *rv, const char *name, const char *desc)
{
	char **n = realloc(rv->names, (rv->n + 1) * sizeof(*n));
	if (!n)
		return -1;
	rv->names = n;
	char **d = realloc(rv->desc, (rv->n + 1) * sizeof(*d));
	if (!d)
		return -1;
	rv->desc = d;
	rv->names[rv->n] = strdup(name);
	rv->desc[rv->n] = strdup(desc);
	return rv->names[rv->n] && rv->desc[rv->n++] ? 0 : -1;
}

static int make_run_vars(const struct gs_scenario *sc, size_t n_runs, size_t reps,
			 struct run_vars *rv)
{
	const struct gs_sweep *sw = &sc->sweep;
	if (!sw->n_keys)
		return 0;
	char name[160], desc[256];
	for (size_t k = 0; k < sw->n_keys; k++) {
		snprintf(name, sizeof(name), "sweep.%s", sw->keys[k]);
		snprintf(desc, sizeof(desc), "swept value of %s (durations in days)", sw->keys[k]);
		if (add_var(rv, name, desc))
			return -1;
	}
	if (add_var(rv, "sweep_point", "sweep point of the run (0-based)"))
		return -1;
	bool saltelli = sw->design == GS_DESIGN_SALTELLI;
	if (saltelli && (add_var(rv, "design_matrix", "Saltelli design: 0 A, 1 B, 2 A with column design_param from B") ||
			 add_var(rv, "design_row", "Saltelli design: base sample (row of A and B)") ||
			 add_var(rv, "design_param", "Saltelli design: the column taken from B (-1 for A and B)")))
		return -1;
	rv->values = malloc(n_runs * rv->n * sizeof(*rv->values));
	if (!rv->values)
		return -1;
	for (size_t r = 0; r < n_runs; r++) {
		size_t pt = (r / reps) % sw->n_points;
		double *row = rv->values + r * rv->n;
		for (size_t k = 0; k < sw->n_keys; k++)
			row[k] = sw->coord[pt * sw->n_keys + k];
		row[sw->n_keys] = (double)pt;
		if (saltelli) {
			row[sw->n_keys + 1] = sw->matrix[pt];
			row[sw->n_keys + 2] = sw->row[pt];
			row[sw->n_keys + 3] = sw->param[pt];
		}
	}
	return 0;
}

static char *join_args(int argc, char **argv)
{
	size_t n = 1;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (int i = 0; i < argc; i++) {
		strcat(s, argv[i]);
		if (i + 1 < argc)
			strcat(s, " ");
	}
	return s;
}

static int cmd_run(int argc, char **argv, int full_argc, char **full_argv)
{
	const char *scenario = NULL, *out_path = NULL;
	char **sets = calloc((size_t)argc + 1, sizeof(*sets));
	size_t n_sets = 0;
	char seed_set[64];
	long threads = 0;
	bool force = false, quiet = false, resume = false;
	unsigned char *done = NULL;
	int status = EXIT_USAGE;
	struct gs_scenario sc = {0};
	char *tmp_path = NULL, *cmdline = NULL, *default_out = NULL;
	double *time = NULL, *edges = NULL, *summary = NULL;
	const char **arm_names = NULL;
	struct gs_output *out = NULL;
	struct run_vars rv = {0};

	if (!sets)
		return EXIT_RUNTIME;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a)) {
			fputs(usage_run, stdout);
			status = 0;
			goto out;
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if (++i == argc) {
				status = bad_usage("run", "%s needs a file name", a);
				goto out;
			}
			out_path = argv[i];
		} else if (strcmp(a, "--seed") == 0) {
			long v;
			if (++i == argc || !parse_count(argv[i], 0, LONG_MAX, &v)) {
				status = bad_usage("run", "--seed needs a non-negative integer%s", "");
				goto out;
			}
			snprintf(seed_set, sizeof(seed_set), "simulation.seed=%ld", v);
			sets[n_sets++] = seed_set;
		} else if (strcmp(a, "--threads") == 0) {
			if (++i == argc || !parse_count(argv[i], 1, 1024, &threads)) {
				status = bad_usage("run", "--threads needs an integer from 1 to 1024%s", "");
				goto out;
			}
		} else if (strcmp(a, "--set") == 0) {
			if (++i == argc) {
				status = bad_usage("run", "--set needs section.key=value%s", "");
				goto out;
			}
			sets[n_sets++] = argv[i];
		} else if (strncmp(a, "--set=", 6) == 0) {
			sets[n_sets++] = argv[i] + 6;
		} else if (strcmp(a, "--force") == 0) {
			force = true;
		} else if (strcmp(a, "--resume") == 0) {
			resume = true;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = true;
		} else if (a[0] == '-' && a[1]) {
			status = bad_usage("run", "unknown option '%s'", a);
			goto out;
		} else if (!scenario) {
			scenario = a;
		} else {
			status = bad_usage("run", "only one scenario per run (got '%s' too)", a);
			goto out;
		}
	}
	if (!scenario) {
		status = bad_usage("run", "no scenario given%s", "");
		goto out;
	}
	if (load_scenario(scenario, sets, n_sets, &sc))
		goto out; /* status 2: bad input */

	if (!out_path) {
		size_t n = strlen(sc.name) + 16;
		default_out = malloc(n);
		if (!default_out)
			goto fail;
		snprintf(default_out, n, "out/%s.h5", sc.name);
		if (mkdir("out", 0777) && errno != EEXIST) {
			fprintf(stderr, "govsim run: cannot create directory out: %s\n", strerror(errno));
			goto fail;
		}
		out_path = default_out;
	}
	struct stat st;
	if (stat(out_path, &st) == 0 && !force && !resume) {
		fprintf(stderr, "govsim run: %s exists; use --force to overwrite it\n", out_path);
		goto out;
	}
	size_t tl = strlen(out_path) + 16;
	tmp_path = malloc(tl);
	if (!tmp_path)
		goto fail;
	snprintf(tmp_path, tl, "%s.partial", out_path);

	/* the shape of the ensemble */
	const struct gs_params *p0 = &sc.arm_params[0];
	size_t n_time, n_bins;
	gs_run_shape(p0, &n_time, &n_bins);
	size_t reps = (size_t)p0->simulation.replications;
	size_t points = sc.sweep.n_points ? sc.sweep.n_points : 1;
	size_t n_runs = sc.n_arms * points * reps;
	time = malloc(n_time * sizeof(*time));
	edges = malloc((n_bins + 1) * sizeof(*edges));
	summary = malloc(n_runs * GS_N_SUMMARY * sizeof(*summary));
	arm_names = malloc(sc.n_arms * sizeof(*arm_names));
	cmdline = join_args(full_argc, full_argv);
	if (!time || !edges || !summary || !arm_names || !cmdline)
		goto fail;
	double iv = p0->output.interval, n_ticks = ceil(p0->simulation.duration - 1e-9);
	for (size_t k = 0; k < n_time; k++) {
		double end = fmin((double)(k + 1) * iv, n_ticks);
		time[k] = end * p0->simulation.tick / 1440.0;
	}
	for (size_t b = 0; b <= n_bins; b++)
		edges[b] = (double)b * p0->output.hist_bin * p0->simulation.tick / 1440.0;
	for (size_t a = 0; a < sc.n_arms; a++)
		arm_names[a] = sc.arms[a].name;
	const char *class_names[GS_MAX_CLASSES];
	for (int k = 0; k < p0->n_classes; k++)
		class_names[k] = p0->class_name[k];
	if (threads == 0)
		threads = omp_get_max_threads();
	if (make_run_vars(&sc, n_runs, reps, &rv))
		goto fail;
	struct gs_ensemble_meta meta = {
		.scenario_name = sc.name,
		.scenario_path = scenario,
		.scenario_text = sc.text ? sc.text : "",
		.command_line = cmdline,
		.seed = (uint64_t)p0->simulation.seed,
		.threads = (int)threads,
		.n_arms = sc.n_arms,
		.arm_names = arm_names,
		.arm_params = sc.arm_params,
		.n_runs = n_runs,
		.n_time = n_time,
		.time = time,
		.n_classes = (size_t)p0->n_classes,
		.class_names = class_names,
		.n_run_vars = rv.n,
		.run_var_names = (const char *const *)rv.names,
		.run_var_desc = (const char *const *)rv.desc,
		.run_vars = rv.values,
		.n_bins = n_bins,
		.bin_edges = edges,
	};

	char err[1024];
	install_signals();
	size_t n_done = 0;
	done = calloc(n_runs, 1);
	if (!done)
		goto fail;
	if (resume && stat(tmp_path, &st) == 0) {
		if (gs_output_resume(tmp_path, &meta, &out, done, err, sizeof(err))) {
			fprintf(stderr, "govsim run: --resume: %s\n", err);
			status = EXIT_USAGE;
			goto out;
		}
		for (size_t r = 0; r < n_runs; r++)
			n_done += done[r] != 0;
		if (!quiet)
			fprintf(stderr, "govsim run: resuming %s: %zu of %zu runs done\n", tmp_path,
				n_done, n_runs);
	} else {
		if (resume && !quiet)
			fprintf(stderr, "govsim run: nothing to resume (no %s): running every run\n",
				tmp_path);
		if (gs_output_create(tmp_path, &meta, &out, err, sizeof(err))) {
			fprintf(stderr, "govsim run: %s\n", err);
			goto fail;
		}
	}
	struct gs_ensemble_opts opts = {(int)threads, !quiet && isatty(STDERR_FILENO), NULL, done};
	int rc = gs_ensemble_run(&sc, &meta, &opts, out, summary, err, sizeof(err));
	if (rc != 0) {
		/* what is written stays in the partial file, for --resume */
		char cerr[512];
		int closed = gs_output_close(out, cerr, sizeof(cerr));
		out = NULL;
		if (rc > 0)
			fprintf(stderr, "govsim run: interrupted; no %s written%s%s\n", out_path,
				closed ? "" : "; finished runs kept in ", closed ? "" : tmp_path);
		else
			fprintf(stderr, "govsim run: %s\n", err);
		if (closed) {
			remove(tmp_path);
		} else if (rc > 0) {
			fprintf(stderr, "govsim run: complete it with: govsim run %s -o %s --resume\n",
				scenario, out_path);
		}
		goto fail;
	}
	rc = gs_output_close(out, err, sizeof(err));
	out = NULL;
	if (rc || gs_stop) {
		remove(tmp_path);
		fprintf(stderr, "govsim run: %s\n", rc ? err : "interrupted; no output written");
		goto fail;
	}
	if (rename(tmp_path, out_path)) {
		fprintf(stderr, "govsim run: cannot rename %s to %s: %s\n", tmp_path, out_path,
			strerror(errno));
		remove(tmp_path);
		goto fail;
	}
	if (!quiet) {
		printf("%s: %zu arm%s x %zu replication%s, %g days, %lld citizens -> %s\n", sc.name,
		       sc.n_arms, sc.n_arms == 1 ? "" : "s", reps, reps == 1 ? "" : "s",
		       time[n_time - 1], (long long)p0->population.citizens, out_path);
		if (points > 1)
			printf("sweep: %zu points x %zu arms x %zu replications = %zu runs; the table "
			       "pools every point (per-point results: govsim compare)\n",
			       points, sc.n_arms, reps, n_runs);
		putchar('\n');
		if (n_done) {
			/* some runs were done before: the tables come from the whole file */
			if (gs_compare(out_path, NULL, -1, 0, stdout, err, sizeof(err)))
				fprintf(stderr, "govsim run: %s\n", err);
		} else {
			gs_report_table(stdout, &meta, summary);
			if (sc.n_arms > 1) {
				putchar('\n');
				gs_report_paired(stdout, &meta, summary);
			}
		}
	}
	status = 0;
	goto out;
fail:
	status = EXIT_RUNTIME;
out:
	if (out) {
		gs_output_abort(out);
		if (!resume)
			remove(tmp_path);
	}
	gs_scenario_free(&sc);
	free(sets);
	free(tmp_path);
	free(default_out);
	free(cmdline);
	free(time);
	free(edges);
	free(summary);
	free(arm_names);
	free(done);
	free_run_vars(&rv);
	return status;
}

static int cmd_check(int argc, char **argv)
{
	char **sets = calloc((size_t)argc + 1, sizeof(*sets));
	const char **files = calloc((size_t)argc + 1, sizeof(*files));
	size_t n_sets = 0, n_files = 0;
	int status = 0;
	if (!sets || !files) {
		free(sets);
		free(files);
		return EXIT_RUNTIME;
	}
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage_check, stdout);
			goto out;
		} else if (strcmp(argv[i], "--set") == 0) {
			if (++i == argc) {
				status = bad_usage("check", "--set needs section.key=value%s", "");
				goto out;
			}
			sets[n_sets++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			status = bad_usage("check", "unknown option '%s'", argv[i]);
			goto out;
		} else {
			files[n_files++] = argv[i];
		}
	}
	if (!n_files) {
		status = bad_usage("check", "no scenario given%s", "");
		goto out;
	}
	for (size_t f = 0; f < n_files; f++) {
		struct gs_scenario sc = {0};
		if (load_scenario(files[f], sets, n_sets, &sc)) {
			status = EXIT_USAGE;
		} else {
			const struct gs_params *p = &sc.arm_params[0];
			size_t points = sc.sweep.n_points ? sc.sweep.n_points : 1;
			printf("%s: ok (%zu arm%s, %lld replication%s, %zu sweep point%s, %zu event%s, "
			       "%d class%s, %lld citizens; %zu runs)\n",
			       files[f], sc.n_arms, sc.n_arms == 1 ? "" : "s",
			       (long long)p->simulation.replications,
			       p->simulation.replications == 1 ? "" : "s", points, points == 1 ? "" : "s",
			       sc.n_events, sc.n_events == 1 ? "" : "s", p->n_classes,
			       p->n_classes == 1 ? "" : "es", (long long)p->population.citizens,
			       sc.n_arms * points * (size_t)p->simulation.replications);
		}
		gs_scenario_free(&sc);
	}
out:
	free(sets);
	free(files);
	return status;
}

static int cmd_table(int argc, char **argv, const char *name, const char *usage,
		     void (*print)(FILE *, bool))
{
	bool md = false;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--markdown") == 0) {
			md = true;
		} else {
			return bad_usage(name, "unknown argument '%s'", argv[i]);
		}
	}
	print(stdout, md);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage_info, stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return bad_usage("info", "unknown option '%s'", argv[i]);
		} else if (path) {
			return bad_usage("info", "one file at a time (got '%s' too)", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return bad_usage("info", "no file given%s", "");
	char err[512];
	if (gs_output_info(path, stdout, err, sizeof(err))) {
		fprintf(stderr, "govsim info: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

static int cmd_compare(int argc, char **argv)
{
	const char *path = NULL, *metric = NULL;
	double at = -1;
	long points = 12;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage_compare, stdout);
			return 0;
		} else if (strcmp(argv[i], "--metric") == 0) {
			if (++i == argc)
				return bad_usage("compare", "--metric needs a name%s", "");
			metric = argv[i];
		} else if (strcmp(argv[i], "--at") == 0) {
			char *end;
			if (++i == argc || (at = strtod(argv[i], &end), end == argv[i] || *end || at < 0))
				return bad_usage("compare", "--at needs a time in days (>= 0)%s", "");
		} else if (strcmp(argv[i], "--points") == 0) {
			if (++i == argc || !parse_count(argv[i], 0, 1000000, &points))
				return bad_usage("compare", "--points needs a count%s", "");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return bad_usage("compare", "unknown option '%s'", argv[i]);
		} else if (path) {
			return bad_usage("compare", "one file at a time (got '%s' too)", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return bad_usage("compare", "no file given%s", "");
	char err[512];
	if (gs_compare(path, metric, at, (size_t)points, stdout, err, sizeof(err))) {
		fprintf(stderr, "govsim compare: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

static void print_version(void)
{
	printf("govsim %s (revision %s)\n", GS_VERSION, gs_git_revision());
	printf("built with %s: %s\n", gs_compiler(), gs_cflags());
	printf("GSL %s, %s, random streams %s\n", gs_gsl_version(), gs_output_library_version(),
	       GS_RNG_NAME);
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (is_help(cmd)) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		print_version();
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1, argc, argv);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "params") == 0)
		return cmd_table(argc - 1, argv + 1, "params", usage_params, gs_params_print);
	if (strcmp(cmd, "metrics") == 0)
		return cmd_table(argc - 1, argv + 1, "metrics", usage_metrics, gs_metrics_print);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	fprintf(stderr, "govsim: unknown command '%s'\n\n%s", cmd, usage_main);
	return EXIT_USAGE;
}
