/*
 * run.c - `govsim run`: a scenario's plan run into an HDF5 result file,
 * written as OUT.h5.partial and renamed when complete, and the table of
 * its arms.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <omp.h>

#include "sim/app/cli.h"
#include "sim/app/compare.h"
#include "sim/app/progress.h"
#include "sim/app/report.h"
#include "sim/core/util.h"
#include "sim/engine/engine.h"
#include "sim/io/output.h"
#include "sim/plan/plan.h"

static const char usage_run[] =
	"usage: govsim run SCENARIO [-o OUT.h5] [--seed N] [--threads N]\n"
	"                  [--set section.key=value]... [--shard K/N] [--force] [--resume]\n"
	"                  [--quiet]\n"
	"\n"
	"Runs every arm x replication of SCENARIO, writes OUT.h5 and prints a table\n"
	"comparing the arms' key outcomes.\n"
	"\n"
	"  -o, --output OUT.h5   result file (default out/<scenario name>.h5)\n"
	"  --seed N              scenario seed (overrides simulation.seed)\n"
	"  --threads N           OpenMP threads (default OMP_NUM_THREADS or all cores);\n"
	"                        results are identical for any number of threads\n"
	"  --set KEY=VALUE       override a parameter for every arm, e.g.\n"
	"                        --set regime.learning_time=0.2 (repeatable);\n"
	"                        --set arm.NAME.KEY=VALUE for arm NAME only, e.g.\n"
	"                        --set arm.npm.regime.target_pressure=0.3\n"
	"  --shard K/N           run only shard K of N (K from 1 to N): the runs whose\n"
	"                        number is K-1 modulo N, into a file of the whole plan's\n"
	"                        shape (default out/<scenario name>.K.h5); govsim merge\n"
	"                        joins the N shard files into the file of one run\n"
	"  --force               overwrite OUT.h5 if it exists, and start again over the\n"
	"                        OUT.h5.partial an interrupted run left\n"
	"  --resume              complete OUT.h5.partial, left by an interrupted run of\n"
	"                        the same scenario: only the missing runs are run\n"
	"  -q, --quiet           no progress bar and no table\n"
	"  -h, --help            this help\n"
	"\n"
	"The file is written as OUT.h5.partial and renamed when complete; an\n"
	"interrupted run (Ctrl-C, SIGTERM) leaves no OUT.h5, keeps the runs it\n"
	"finished in OUT.h5.partial for --resume, and exits with 1. The partial is\n"
	"created and locked by one process: another run writing the same OUT.h5\n"
	"is refused and never touches it.\n";

/* What the command line asked for. */
struct run_args {
	const char *scenario, *out_path;
	char **sets;
	size_t n_sets;
	char seed_set[64];
	long threads; /* 0: OpenMP's default */
	size_t shard, n_shards; /* --shard K/N, 0 and 0 without */
	bool force, quiet, resume;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct run_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (gs_cli_is_help(s)) {
			fputs(usage_run, stdout);
			return 0;
		} else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
			if (++i == argc)
				return gs_cli_usage("run", "%s needs a file name", s);
			a->out_path = argv[i];
		} else if (strcmp(s, "--seed") == 0) {
			long v;
			if (++i == argc || !gs_cli_count(argv[i], 0, LONG_MAX, &v))
				return gs_cli_usage("run", "--seed needs a non-negative integer%s", "");
			snprintf(a->seed_set, sizeof(a->seed_set), "simulation.seed=%ld", v);
			a->sets[a->n_sets++] = a->seed_set;
		} else if (strcmp(s, "--threads") == 0) {
			if (++i == argc || !gs_cli_count(argv[i], 1, 1024, &a->threads))
				return gs_cli_usage("run", "--threads needs an integer from 1 to 1024%s",
						    "");
		} else if (strcmp(s, "--set") == 0) {
			if (++i == argc)
				return gs_cli_usage("run", "--set needs section.key=value%s", "");
			a->sets[a->n_sets++] = argv[i];
		} else if (strncmp(s, "--set=", 6) == 0) {
			a->sets[a->n_sets++] = argv[i] + 6;
		} else if (strcmp(s, "--shard") == 0) {
			if (++i == argc || !gs_cli_shard(argv[i], &a->shard, &a->n_shards)) {
				fprintf(stderr, "%s run: --shard needs K/N, shard K of N shards, with K "
					"from 1 to N and N from 1 to %d (got '%s')\n", gs_cli_prog,
					GS_CLI_MAX_SHARDS, i < argc ? argv[i] : "");
				return EXIT_USAGE;
			}
		} else if (strcmp(s, "--force") == 0) {
			a->force = true;
		} else if (strcmp(s, "--resume") == 0) {
			a->resume = true;
		} else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
			a->quiet = true;
		} else if (s[0] == '-' && s[1]) {
			return gs_cli_usage("run", "unknown option '%s'", s);
		} else if (!a->scenario) {
			a->scenario = s;
		} else {
			return gs_cli_usage("run", "only one scenario per run (got '%s' too)", s);
		}
	}
	if (!a->scenario)
		return gs_cli_usage("run", "no scenario given%s", "");
	return -1;
}

/* The result file and its partial: paths, and what is written so far. */
struct result_file {
	const char *path;
	char *default_path, *tmp_path;
	struct gs_output *out;
	unsigned char *done; /* [n_runs] runs already in the partial file */
	size_t n_done;
};

/* Choose the paths; refuses (status 2) to overwrite without --force. Returns -1 to go on. */
static int choose_paths(const struct run_args *a, const struct gs_scenario *sc,
			struct result_file *rf)
{
	rf->path = a->out_path;
	if (!rf->path) {
		size_t n = strlen(sc->name) + 48;
		rf->default_path = malloc(n);
		if (!rf->default_path)
			return EXIT_RUNTIME;
		if (a->n_shards)
			snprintf(rf->default_path, n, "out/%s.%zu.h5", sc->name, a->shard);
		else
			snprintf(rf->default_path, n, "out/%s.h5", sc->name);
		if (mkdir("out", 0777) && errno != EEXIST) {
			fprintf(stderr, "govsim run: cannot create directory out: %s\n", strerror(errno));
			return EXIT_RUNTIME;
		}
		rf->path = rf->default_path;
	}
	struct stat st;
	/* the output's name is checked before anything runs */
	if (!*rf->path) {
		fprintf(stderr, "govsim run: -o needs a file name (got an empty one)\n");
		return EXIT_USAGE;
	}
	if (stat(rf->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "govsim run: -o %s is a directory; name a file in it\n", rf->path);
		return EXIT_USAGE;
	}
	char *dir = gs_strdup(rf->path);
	if (!dir)
		return EXIT_RUNTIME;
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	int usable = !slash || access(dir, W_OK | X_OK) == 0;
	if (!usable)
		fprintf(stderr, "govsim run: cannot write in %s (for -o %s): %s\n", dir, rf->path,
			strerror(errno));
	free(dir);
	if (!usable)
		return EXIT_USAGE;
	if (stat(rf->path, &st) == 0 && !a->force && !a->resume) {
		fprintf(stderr, "govsim run: %s exists; use --force to overwrite it, or -o to name "
			"another file\n", rf->path);
		return EXIT_USAGE;
	}
	size_t tl = strlen(rf->path) + 16;
	rf->tmp_path = malloc(tl);
	if (!rf->tmp_path)
		return EXIT_RUNTIME;
	snprintf(rf->tmp_path, tl, "%s.partial", rf->path);
	return -1;
}

/* Create the partial file, or reopen it to resume. Returns -1 to go on, else the exit status. */
static int open_result(const struct run_args *a, const struct gs_ensemble_meta *meta,
		       struct result_file *rf)
{
	char err[1024];
	struct stat st;
	rf->done = calloc(meta->n_runs, 1);
	if (!rf->done)
		return EXIT_RUNTIME;
	bool afresh = false;
	if (a->resume && stat(rf->tmp_path, &st) == 0 &&
	    gs_output_resume(rf->tmp_path, meta, &rf->out, rf->done, err, sizeof(err))) {
		/*
		 * A partial without one finished run that reads back (one killed
		 * while it was being created, say) holds nothing to keep: it is
		 * started afresh, unless another process holds it.
		 */
		size_t n_done = 0, n_bad = 0;
		long first_bad;
		char verr[512], derr[512];
		bool empty = gs_output_verify(rf->tmp_path, &n_done, &n_bad, &first_bad, verr,
					      sizeof(verr)) != 0 ||
			     n_done == n_bad;
		if (!empty) {
			fprintf(stderr, "govsim run: --resume: %s\n", err);
			return EXIT_USAGE;
		}
		if (gs_output_discard(rf->tmp_path, derr, sizeof(derr))) {
			fprintf(stderr, "govsim run: --resume: %s\n", derr);
			return EXIT_USAGE;
		}
		fprintf(stderr, "govsim run: --resume: %s holds no finished run that reads back: "
			"running every run\n", rf->tmp_path);
		afresh = true;
	} else if (a->resume && stat(rf->tmp_path, &st) == 0) {
		for (size_t r = 0; r < meta->n_runs; r++)
			rf->n_done += rf->done[r] != 0;
		size_t damaged = gs_output_damaged(rf->out);
		char whose[64] = "";
		if (meta->n_shards)
			snprintf(whose, sizeof(whose), " of shard %zu/%zu", meta->shard, meta->n_shards);
		if (!a->quiet || damaged)
			fprintf(stderr, "govsim run: resuming %s: %zu of %zu runs%s done%s", rf->tmp_path,
				rf->n_done, gs_shard_runs(meta->n_runs, meta->shard, meta->n_shards),
				whose, damaged ? "" : "\n");
		if (damaged)
			fprintf(stderr, "; %zu more marked done did not read back to their digest "
				"and are run again\n", damaged);
		return -1;
	}
	if (a->resume && stat(rf->path, &st) == 0 && !a->force) {
		fprintf(stderr, "govsim run: --resume: %s is complete (there is no %s to resume); "
			"use --force to run it again\n", rf->path, rf->tmp_path);
		return EXIT_USAGE;
	}
	if (a->resume && !a->quiet && !afresh)
		fprintf(stderr, "govsim run: nothing to resume (no %s): running every run\n",
			rf->tmp_path);
	if (stat(rf->tmp_path, &st) == 0) {
		/* an earlier run's partial: started again only on request, and never under a writer */
		if (!a->force) {
			fprintf(stderr, "govsim run: %s exists: an interrupted run left it, or another "
				"govsim is writing it; complete it with --resume, or start again with "
				"--force\n", rf->tmp_path);
			return EXIT_USAGE;
		}
		if (gs_output_discard(rf->tmp_path, err, sizeof(err))) {
			fprintf(stderr, "govsim run: %s\n", err);
			return EXIT_RUNTIME;
		}
	}
	if (gs_output_create(rf->tmp_path, meta, &rf->out, err, sizeof(err))) {
		fprintf(stderr, "govsim run: %s\n", err);
		return EXIT_RUNTIME;
	}
	return -1;
}

/* The share of the ensemble's ticks done: the progress line's measure of work. */
static double ticks_share(void *ctx)
{
	(void)ctx;
	long done, total;
	gs_ensemble_ticks(&done, &total);
	return total > 0 ? (double)done / (double)total : 0;
}

/* The sinks of `govsim run`: the file, the table's summaries, progress, and a stop for tests. */
struct sinks {
	struct gs_output *out;
	double *summary; /* [n_runs * GS_N_SUMMARY] */
	size_t n_time;
	long stop_after, written; /* GOVSIM_STOP_AFTER_RUNS=N: stop as if interrupted after N runs */
	struct gs_progress *progress; /* NULL: none drawn */
};

static int write_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	struct sinks *s = ctx;
	return gs_output_write_run(s->out, run, r, err, n);
}

static int summarise_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	(void)err;
	(void)n;
	struct sinks *s = ctx;
	gs_summarise(r->series, s->n_time, s->summary + run * GS_N_SUMMARY);
	gs_progress_run_done(s->progress);
	if (s->stop_after >= 0 && ++s->written >= s->stop_after)
		gs_stop = 1;
	return 0;
}

/*
 * Close the partial file after the ensemble (rc as gs_ensemble_run's) and
 * rename it when complete. Returns -1 on success, else the exit status.
 */
static int close_result(const struct run_args *a, struct result_file *rf, int rc,
			const char *run_err)
{
	char err[1024];
	if (rc != 0) {
		/* what is written stays in the partial file, for --resume */
		int closed = gs_output_close(rf->out, err, sizeof(err));
		rf->out = NULL;
		if (rc > 0)
			fprintf(stderr, "govsim run: interrupted; no %s written\n", rf->path);
		else
			fprintf(stderr, "govsim run: %s\n", run_err);
		if (closed) {
			if (rc > 0 || strcmp(err, run_err) != 0) /* the same failure is said once */
				fprintf(stderr, "govsim run: %s\n", err);
			remove(rf->tmp_path);
		} else {
			char shard[64] = "";
			if (a->n_shards)
				snprintf(shard, sizeof(shard), " --shard %zu/%zu", a->shard, a->n_shards);
			fprintf(stderr, "govsim run: finished runs kept in %s; complete it with: "
				"%s run %s%s -o %s --resume\n", rf->tmp_path, gs_cli_prog, a->scenario,
				shard, rf->path);
		}
		return EXIT_RUNTIME;
	}
	if (gs_stop) {
		gs_output_abort(rf->out);
		rf->out = NULL;
		remove(rf->tmp_path);
		fprintf(stderr, "govsim run: interrupted; no output written\n");
		return EXIT_RUNTIME;
	}
	/* renamed while this process still holds the partial's lock */
	rc = gs_output_commit(rf->out, rf->path, err, sizeof(err));
	rf->out = NULL;
	if (rc) {
		fprintf(stderr, "govsim run: %s\n", err);
		return EXIT_RUNTIME;
	}
	return -1;
}

/*
 * The overrides of the command line (--seed aside), by the arms they apply
 * to: one line for every arm, then one per arm named.
 */
static void print_overrides(const struct run_args *a, const struct gs_plan *pl)
{
	bool any = false;
	for (size_t i = 0; i < a->n_sets; i++) {
		if (a->sets[i] == a->seed_set || strncmp(a->sets[i], "arm.", 4) == 0)
			continue;
		printf("%s %s", any ? "," : "--set for every arm:", a->sets[i]);
		any = true;
	}
	if (any)
		putchar('\n');
	for (size_t arm = 0; arm < pl->n_arms; arm++) {
		const char *name = pl->meta.arm_names[arm];
		size_t len = strlen(name);
		any = false;
		for (size_t i = 0; i < a->n_sets; i++) {
			const char *s = a->sets[i];
			if (strncmp(s, "arm.", 4) || strncmp(s + 4, name, len) || s[4 + len] != '.')
				continue;
			if (!any)
				printf("--set for arm %s only:", name);
			printf("%s %s", any ? "," : "", s + 5 + len);
			any = true;
		}
		if (any)
			putchar('\n');
	}
}

/* What is about to run, and where it goes: printed before the runs start. */
static void print_header(const struct run_args *a, const struct gs_plan *pl,
			 const struct result_file *rf)
{
	const struct gs_ensemble_meta *meta = &pl->meta;
	size_t reps = pl->n_reps;
	printf("%s: %zu arm%s x %zu replication%s, %g days, %lld citizens -> %s\n",
	       meta->scenario_name, pl->n_arms, pl->n_arms == 1 ? "" : "s", reps,
	       reps == 1 ? "" : "s", meta->time[meta->n_time - 1],
	       (long long)pl->arm_params[0].population.citizens, rf->path);
	if (pl->n_points > 1 && meta->n_shards)
		printf("sweep: %zu points x %zu arms x %zu replications = %zu runs\n", pl->n_points,
		       pl->n_arms, reps, pl->n_runs);
	else if (pl->n_points > 1)
		printf("sweep: %zu points x %zu arms x %zu replications = %zu runs; the table "
		       "pools every point (per-point results: %s compare %s)\n",
		       pl->n_points, pl->n_arms, reps, pl->n_runs, gs_cli_prog, rf->path);
	if (meta->n_shards)
		printf("shard %zu/%zu: %zu of the %zu runs (runs %zu, %zu+%zu, ...)\n", meta->shard,
		       meta->n_shards, gs_shard_runs(pl->n_runs, meta->shard, meta->n_shards),
		       pl->n_runs, meta->shard - 1, meta->shard - 1, meta->n_shards);
	print_overrides(a, pl);
	fflush(stdout);
}

static int print_table(const struct gs_plan *pl, const struct result_file *rf,
		       const double *summary)
{
	const struct gs_ensemble_meta *meta = &pl->meta;
	putchar('\n');
	if (rf->n_done) {
		/* some runs were done before: the tables come from the whole file */
		char err[1024];
		if (gs_compare(rf->path, NULL, -1, 0, stdout, err, sizeof(err))) {
			fprintf(stderr, "govsim run: the file written cannot be summarised: %s\n", err);
			return -1;
		}
		return 0;
	}
	gs_report_table(stdout, meta, summary);
	if (pl->n_arms > 1) {
		putchar('\n');
		gs_report_paired(stdout, meta, summary);
	}
	return 0;
}

int gs_cmd_run(const struct gs_model *m, int argc, char **argv, int full_argc, char **full_argv)
{
	struct run_args a = {0};
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	struct result_file rf = {0};
	struct sinks s = {0};
	char *cmdline = NULL;
	char err[1024];
	int status = EXIT_RUNTIME;

	a.sets = calloc((size_t)argc + 1, sizeof(*a.sets));
	if (!a.sets)
		return EXIT_RUNTIME;
	if ((status = parse_args(argc, argv, &a)) >= 0)
		goto out;
	if (gs_cli_load(m, a.scenario, a.sets, a.n_sets, &sc)) {
		status = EXIT_USAGE; /* bad input */
		goto out;
	}
	if ((status = choose_paths(&a, &sc, &rf)) >= 0)
		goto out;
	status = EXIT_RUNTIME;
	if (gs_plan_build(&pl, &sc, m, err, sizeof(err))) {
		fprintf(stderr, "govsim run: %s\n", err);
		goto out;
	}
	cmdline = gs_cli_join(full_argc, full_argv);
	s.summary = malloc(pl.n_runs * GS_N_SUMMARY * sizeof(*s.summary));
	if (!cmdline || !s.summary)
		goto out;
	if (a.threads == 0)
		a.threads = omp_get_max_threads();
	pl.meta.scenario_path = a.scenario;
	pl.meta.command_line = cmdline;
	pl.meta.threads = (int)a.threads;
	pl.meta.shard = a.shard;
	pl.meta.n_shards = a.n_shards;
	if (a.n_shards > pl.n_runs) {
		fprintf(stderr, "govsim run: --shard %zu/%zu: the plan has %zu run%s, so at most %zu "
			"shards\n", a.shard, a.n_shards, pl.n_runs, pl.n_runs == 1 ? "" : "s",
			pl.n_runs);
		status = EXIT_USAGE;
		goto out;
	}

	gs_cli_stop_on_signals();
	if ((status = open_result(&a, &pl.meta, &rf)) >= 0)
		goto out;
	/* a shard's file holds the other shards' runs as not done: they are never run here */
	size_t n_mine = gs_shard_runs(pl.n_runs, a.shard, a.n_shards);
	for (size_t r = 0; r < pl.n_runs; r++)
		if (!gs_run_in_shard(r, a.shard, a.n_shards))
			rf.done[r] = 1;
	s.out = rf.out;
	s.n_time = pl.meta.n_time;
	const char *stop_env = getenv("GOVSIM_STOP_AFTER_RUNS");
	s.stop_after = stop_env ? strtol(stop_env, NULL, 10) : -1;
	const struct gs_sink sinks[] = {{write_run, &s}, {summarise_run, &s}};
	/* GOVSIM_PROFILE=1: wall time of each phase of each run on stderr */
	struct gs_ensemble_opts opts = {(int)a.threads, false, rf.done,
					getenv("GOVSIM_PROFILE") != NULL};
	if (!a.quiet)
		print_header(&a, &pl, &rf);
	/* GOVSIM_PROGRESS=1 draws it when stderr is not a terminal too (tests) */
	if (!a.quiet && (isatty(STDERR_FILENO) || getenv("GOVSIM_PROGRESS")))
		s.progress = gs_progress_start(stderr, rf.n_done, n_mine, ticks_share, NULL);
	int rc = gs_ensemble_run(&pl, &opts, sinks, 2, err, sizeof(err));
	gs_progress_stop(s.progress);
	s.progress = NULL;
	if ((status = close_result(&a, &rf, rc, err)) >= 0)
		goto out;
	if (a.n_shards && !a.quiet) {
		printf("\nshard %zu/%zu: %zu runs written to %s; when every shard is done, join them "
		       "with: %s merge SHARD.h5... -o OUT.h5\n", a.shard, a.n_shards, n_mine, rf.path,
		       gs_cli_prog);
	} else if (!a.quiet && print_table(&pl, &rf, s.summary)) {
		status = EXIT_RUNTIME;
		goto out;
	}
	status = 0;
out:
	if (rf.out) {
		gs_output_abort(rf.out);
		if (!a.resume)
			remove(rf.tmp_path);
	}
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
	free(a.sets);
	free(rf.tmp_path);
	free(rf.default_path);
	free(rf.done);
	free(cmdline);
	free(s.summary);
	return status;
}
