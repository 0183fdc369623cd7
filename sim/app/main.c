/*
 * main.c - the govsim command line: run, merge, check, params, metrics, info,
 * compare, report, export. The composition root: the one file that names both the
 * framework (sim/) and the model it runs (models/governance.h).
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

#include "models/governance.h"
#include "sim/app/cli.h"
#include "sim/app/compare.h"
#include "sim/app/serve.h"
#include "sim/core/diag.h"
#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/core/provenance.h"
#include "sim/core/rng.h"
#include "sim/io/output.h"
#include "sim/plan/scenario.h"


static const char usage_main[] =
	"usage: govsim COMMAND [OPTIONS]\n"
	"\n"
	"Agent-based simulation of public services under different governance regimes.\n"
	"\n"
	"commands:\n"
	"  run SCENARIO      run every arm of a scenario and write an HDF5 result file\n"
	"  merge SHARD.h5... join the shard files of run --shard K/N into one result file\n"
	"  check SCENARIO... validate scenario files without running them\n"
	"  params            list every parameter (section, name, type, default, range, unit)\n"
	"  metrics           list every output metric\n"
	"  info FILE.h5      show the provenance and a summary of a result file\n"
	"  compare FILE.h5   compare the arms of a result file: means, CIs, paired differences\n"
	"  report FILE.h5    write a self-contained HTML report of a result file\n"
	"  export FILE.h5    write a result file as a table (CSV)\n"
	"  explain SCENARIO  attribute the difference between two arms to the mechanisms\n"
	"  uncertainty SCENARIO  the difference between two arms over plausible parameters\n"
	"  calibrate SCENARIO    fit an arm's parameters to a service's own figures (ABC-SMC)\n"
	"  serve [SCENARIO]  a page and JSON API over HTTP to change arms, run and compare\n"
	"\n"
	"options:\n"
	"  -h, --help        this help (also after a command: govsim run --help)\n"
	"  --version         version and build\n"
	"\n"
	"Exit status: 0 success, 2 bad usage or input, 1 runtime failure.\n";

static const char usage_check[] =
	"usage: govsim check SCENARIO... [--set section.key=value]...\n"
	"\n"
	"Validates scenario files (and their includes) without running them, and\n"
	"lists every problem as FILE:LINE: section.key: message. Exit 0 if all are\n"
	"valid, 2 otherwise.\n";

static const char usage_params[] =
	"usage: govsim params [--markdown | --tsv]\n"
	"\n"
	"Lists every parameter: section, name, type, default, allowed range, unit,\n"
	"scope, plausible range and description. --markdown writes\n"
	"docs/parameters.md; --tsv writes tab-separated values for scripts (key,\n"
	"type, default, min, max, unit, scope, plausible_low, plausible_high,\n"
	"basis; durations in days).\n";

static const char usage_metrics[] =
	"usage: govsim metrics [--markdown | --tsv]\n"
	"\n"
	"Lists every output metric with its units and description. --markdown\n"
	"writes docs/metrics.md; --tsv writes tab-separated values for scripts\n"
	"(metric, label, units, aggregation, weight, numerator, denominator; the\n"
	"breakdowns as <name>_by_class and <name>_by_team).\n";

static const char usage_compare[] =
	"usage: govsim compare FILE.h5 [--metric NAME] [--at DAYS | --until DAYS] [--points N]\n"
	"\n"
	"Per arm, the mean and 95% confidence interval across replications of the\n"
	"key whole-run outcomes (the table `govsim run` prints), and the paired\n"
	"differences of each arm from the first: runs of the same replication share\n"
	"their random streams, so the pairs cancel the luck of the draw.\n"
	"\n"
	"  --metric NAME   one metric: its whole-run value if it is an outcome of the\n"
	"                  table, else its mean and its total over time\n"
	"  --at DAYS       values in the output interval ending then instead (a flow:\n"
	"                  its total over that one interval)\n"
	"  --until DAYS    values over the first DAYS only (the intervals ending by\n"
	"                  then), added up as over a whole run: --metric leavers\n"
	"                  --until 365 gives the leavers of the first year\n"
	"  --points N      with a sweep, one table per point if there are at most N\n"
	"                  points (default 12); else every point pooled\n";

static const char usage_info[] =
	"usage: govsim info FILE.h5 [--verify]\n"
	"\n"
	"Shows the provenance of a result file (version, revision, compiler, libraries,\n"
	"seed, scenario) and a short summary of its runs.\n"
	"\n"
	"  --verify   also read every run marked done back and check it against its\n"
	"             digest; exit 1 if any run does not match\n";

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
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_check, stdout);
			goto out;
		} else if (strcmp(argv[i], "--set") == 0) {
			if (++i == argc) {
				status = gs_cli_usage("check", "--set needs section.key=value%s", "");
				goto out;
			}
			sets[n_sets++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			status = gs_cli_usage("check", "unknown option '%s'", argv[i]);
			goto out;
		} else {
			files[n_files++] = argv[i];
		}
	}
	if (!n_files) {
		status = gs_cli_usage("check", "no scenario given%s", "");
		goto out;
	}
	for (size_t f = 0; f < n_files; f++) {
		struct gs_scenario sc = {0};
		if (gs_cli_load(&gs_governance, files[f], sets, n_sets, &sc)) {
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
		     void (*print)(FILE *, bool), void (*print_tsv)(FILE *))
{
	bool md = false, tsv = false;
	for (int i = 1; i < argc; i++) {
		if (gs_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--markdown") == 0) {
			md = true;
		} else if (print_tsv && strcmp(argv[i], "--tsv") == 0) {
			tsv = true;
		} else {
			return gs_cli_usage(name, "unknown argument '%s'", argv[i]);
		}
	}
	if (md && tsv)
		return gs_cli_usage(name, "--markdown and --tsv do not go together%s", "");
	if (tsv)
		print_tsv(stdout);
	else
		print(stdout, md);
	return 0;
}

/*
 * A result file that is damaged in its string heap can make HDF5 (1.10.8)
 * spin for minutes inside one read: commands that read a file give up
 * after a budget that grows with its size, with a message and exit 2.
 */
static void on_read_timeout(int sig)
{
	static const char msg[] = "govsim: reading the file did not finish in time: it is "
				  "probably damaged (its string heap); it cannot be read\n";
	(void)sig;
	ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	_exit(EXIT_USAGE);
}

static void read_watchdog(const char *path)
{
	struct stat st;
	off_t size = stat(path, &st) == 0 ? st.st_size : 0;
	signal(SIGALRM, on_read_timeout);
	alarm(60 + (unsigned)(size / 10000000)); /* 60 s and 1 s per 10 MB */
}

static int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	bool verify = false;
	for (int i = 1; i < argc; i++) {
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_info, stdout);
			return 0;
		} else if (strcmp(argv[i], "--verify") == 0) {
			verify = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return gs_cli_usage("info", "unknown option '%s'", argv[i]);
		} else if (path) {
			return gs_cli_usage("info", "one file at a time (got '%s' too)", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return gs_cli_usage("info", "no file given%s", "");
	char err[512];
	read_watchdog(path);
	if (gs_info(path, stdout, err, sizeof(err))) {
		fprintf(stderr, "govsim info: %s\n", err);
		return EXIT_USAGE;
	}
	if (!verify)
		return 0;
	size_t n_done, n_bad;
	long first_bad;
	if (gs_output_verify(path, &n_done, &n_bad, &first_bad, err, sizeof(err))) {
		fprintf(stderr, "govsim info: --verify: %s\n", err);
		return EXIT_USAGE;
	}
	printf("verify: %zu run%s marked done, %zu whose data do not match their digest", n_done,
	       n_done == 1 ? "" : "s", n_bad);
	if (n_bad)
		printf(" (the first: run %ld)", first_bad);
	printf("\n");
	return n_bad ? EXIT_RUNTIME : 0;
}

static int cmd_compare(int argc, char **argv)
{
	const char *path = NULL, *metric = NULL;
	double at = -1, until = -1;
	long points = 12;
	for (int i = 1; i < argc; i++) {
		if (gs_cli_is_help(argv[i])) {
			fputs(usage_compare, stdout);
			return 0;
		} else if (strcmp(argv[i], "--metric") == 0) {
			if (++i == argc)
				return gs_cli_usage("compare", "--metric needs a name%s", "");
			metric = argv[i];
		} else if (strcmp(argv[i], "--at") == 0) {
			char *end;
			if (++i == argc || (at = strtod(argv[i], &end), end == argv[i] || *end || at < 0))
				return gs_cli_usage("compare", "--at needs a time in days (>= 0)%s", "");
		} else if (strcmp(argv[i], "--until") == 0) {
			char *end;
			if (++i == argc ||
			    (until = strtod(argv[i], &end), end == argv[i] || *end || until <= 0))
				return gs_cli_usage("compare", "--until needs a time in days (> 0)%s", "");
		} else if (strcmp(argv[i], "--points") == 0) {
			if (++i == argc || !gs_cli_count(argv[i], 0, 1000000, &points))
				return gs_cli_usage("compare", "--points needs a count%s", "");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return gs_cli_usage("compare", "unknown option '%s'", argv[i]);
		} else if (path) {
			return gs_cli_usage("compare", "one file at a time (got '%s' too)", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return gs_cli_usage("compare", "no file given%s", "");
	if (at >= 0 && until >= 0)
		return gs_cli_usage("compare", "--at and --until do not go together%s", "");
	char err[512];
	read_watchdog(path);
	if (gs_compare_until(path, metric, at, until, (size_t)points, stdout, err, sizeof(err))) {
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

/* The commands, for dispatch and for "did you mean". */
static const char *const commands[] = {"run",	  "check",   "params", "metrics", "info",
				       "compare", "report",  "export", "explain", "uncertainty",
				       "merge", "calibrate", "serve"};

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc > 0 && argv[0] && *argv[0])
		gs_cli_prog = argv[0];
#ifdef GS_MPI
	return gs_mpi_main(&gs_governance, argc, argv); /* make mpi: build/govsim-mpi */
#endif
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (gs_cli_is_help(cmd)) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		print_version();
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return gs_cmd_run(&gs_governance, argc - 1, argv + 1, argc, argv);
	if (strcmp(cmd, "merge") == 0)
		return gs_cmd_merge(argc - 1, argv + 1, argc, argv);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "params") == 0)
		return cmd_table(argc - 1, argv + 1, "params", usage_params, gs_params_print,
				 gs_params_print_tsv);
	if (strcmp(cmd, "metrics") == 0)
		return cmd_table(argc - 1, argv + 1, "metrics", usage_metrics, gs_metrics_print,
				 gs_metrics_print_tsv);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return gs_cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return gs_cmd_export(argc - 1, argv + 1);
	if (strcmp(cmd, "explain") == 0)
		return gs_cmd_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "uncertainty") == 0)
		return gs_cmd_uncertainty(argc - 1, argv + 1);
	if (strcmp(cmd, "calibrate") == 0)
		return gs_cmd_calibrate(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return gs_cmd_serve(&gs_governance, argc - 1, argv + 1);
	const char *best = gs_suggest(cmd, commands, sizeof(commands) / sizeof(commands[0]));
	if (best)
		fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'?\n(see %s --help)\n",
			gs_cli_prog, cmd, best, gs_cli_prog);
	else
		fprintf(stderr, "%s: unknown command '%s'\n\n%s", gs_cli_prog, cmd, usage_main);
	return EXIT_USAGE;
}
