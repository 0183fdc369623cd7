/*
 * mpirun.c - `govsim-mpi run` (make mpi): a scenario's plan run by every
 * rank of an MPI job into one result file. Ranks take runs one at a time
 * from a shared counter (a one-sided fetch-and-add on rank 0), so a rank
 * that finishes early takes the next run; each runs its runs with its own
 * OpenMP threads and writes them to the file with parallel HDF5
 * (sim/io/parallel.h). The file's datasets are those `govsim run` writes,
 * value for value, whatever the number of ranks and threads.
 *
 * A job that does not finish (a rank's run fails, a signal, a time limit)
 * keeps the runs written in OUT.h5.partial and names the runs lost; a job
 * with --resume completes it, with any number of ranks: rank 0 copies the
 * partial's runs that read back to their digest into a fresh file (as
 * `govsim run --resume` does), then every rank takes the runs left.
 *
 * Compiled only into the MPI build.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mpi.h>
#include <omp.h>

#include "sim/app/cli.h"
#include "sim/core/stop.h"
#include "sim/engine/engine.h"
#include "sim/io/output.h"
#include "sim/io/parallel.h"
#include "sim/plan/plan.h"

static const char usage_mpi[] =
	"usage: mpirun [-np N] govsim-mpi run SCENARIO -o OUT.h5 [--seed N] [--threads N]\n"
	"                  [--set section.key=value]... [--shard K/N] [--force] [--resume]\n"
	"                  [--quiet]\n"
	"\n"
	"Runs every run of SCENARIO on the ranks of an MPI job, each rank taking the\n"
	"next run when it is free, into one file OUT.h5 written by every rank with\n"
	"parallel HDF5: the file `govsim run SCENARIO` writes, value for value\n"
	"(uncompressed: parallel HDF5 writes a compressed dataset only when every\n"
	"rank writes at once).\n"
	"\n"
	"  -o, --output OUT.h5   result file\n"
	"  --seed N              scenario seed (overrides simulation.seed)\n"
	"  --threads N           OpenMP threads of each rank (default OMP_NUM_THREADS)\n"
	"  --set KEY=VALUE       override a parameter for every arm (repeatable)\n"
	"  --shard K/N           run only shard K of N, as `govsim run --shard K/N`\n"
	"                        does (govsim merge joins the shard files)\n"
	"  --force               overwrite OUT.h5 and a stale OUT.h5.partial\n"
	"  --resume              complete OUT.h5.partial, left by an interrupted or\n"
	"                        failed job (any number of ranks, either build): its\n"
	"                        runs that read back to their digest are kept, the\n"
	"                        rest are run\n"
	"  -q, --quiet           nothing printed on success\n"
	"\n"
	"The file is written as OUT.h5.partial and renamed when every rank has\n"
	"written its runs. A run that fails on a rank (the rank takes no more runs),\n"
	"SIGINT or SIGTERM (a time limit) leave no OUT.h5: the runs finished stay in\n"
	"OUT.h5.partial, the runs lost are named, and the exit status is 1.\n";

struct mpi_args {
	const char *scenario, *out_path;
	char **sets;
	size_t n_sets;
	char seed_set[64];
	long threads;
	size_t shard, n_shards; /* --shard K/N, 0 and 0 without */
	bool force, quiet, resume;
};

/* Returns -1 to go on, else the exit status (messages from rank 0 only). */
static int parse_args(int argc, char **argv, struct mpi_args *a, int rank)
{
	FILE *say = rank == 0 ? stderr : NULL;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *bad = NULL;
		if (gs_cli_is_help(s)) {
			if (rank == 0)
				fputs(usage_mpi, stdout);
			return 0;
		} else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
			if (++i == argc)
				bad = "-o needs a file name";
			else
				a->out_path = argv[i];
		} else if (strcmp(s, "--seed") == 0) {
			long v;
			if (++i == argc || !gs_cli_count(argv[i], 0, LONG_MAX, &v))
				bad = "--seed needs a non-negative integer";
			else {
				snprintf(a->seed_set, sizeof(a->seed_set), "simulation.seed=%ld", v);
				a->sets[a->n_sets++] = a->seed_set;
			}
		} else if (strcmp(s, "--threads") == 0) {
			if (++i == argc || !gs_cli_count(argv[i], 1, 1024, &a->threads))
				bad = "--threads needs an integer from 1 to 1024";
		} else if (strcmp(s, "--set") == 0) {
			if (++i == argc)
				bad = "--set needs section.key=value";
			else
				a->sets[a->n_sets++] = argv[i];
		} else if (strcmp(s, "--shard") == 0) {
			if (++i == argc || !gs_cli_shard(argv[i], &a->shard, &a->n_shards))
				bad = "--shard needs K/N, shard K of N shards, with K from 1 to N";
		} else if (strcmp(s, "--force") == 0) {
			a->force = true;
		} else if (strcmp(s, "--resume") == 0) {
			a->resume = true;
		} else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
			a->quiet = true;
		} else if (s[0] == '-' && s[1]) {
			bad = "unknown option";
		} else if (!a->scenario) {
			a->scenario = s;
		} else {
			bad = "only one scenario per run";
		}
		if (bad) {
			if (say)
				fprintf(say, "govsim-mpi run: %s ('%s')\n", bad,
					i < argc ? argv[i] : s);
			return EXIT_USAGE;
		}
	}
	if (!a->scenario || !a->out_path) {
		if (say)
			fprintf(say, "govsim-mpi run: needs a scenario and -o OUT.h5 (see govsim-mpi "
				"run --help)\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* Rank 0: may OUT.h5 be written? Returns -1 to go on, else the exit status. */
static int check_output(const struct mpi_args *a, const char *tmp_path)
{
	char err[1024];
	struct stat st;
	char *dir = strdup(a->out_path), *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	int usable = dir && (!slash || access(dir, W_OK | X_OK) == 0);
	if (!usable)
		fprintf(stderr, "govsim-mpi run: cannot write in %s (for -o %s): %s\n",
			dir ? dir : "its folder", a->out_path, strerror(errno));
	free(dir);
	if (!usable)
		return EXIT_USAGE;
	bool exists = stat(a->out_path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "govsim-mpi run: %s is a directory\n", a->out_path);
		return EXIT_USAGE;
	}
	if (exists && a->resume && !a->force) {
		fprintf(stderr, "govsim-mpi run: --resume: %s is complete (there is no %s to "
			"resume); use --force to run it again\n", a->out_path, tmp_path);
		return EXIT_USAGE;
	}
	if (exists && !a->force) {
		fprintf(stderr, "govsim-mpi run: %s exists; use --force to overwrite it\n",
			a->out_path);
		return EXIT_USAGE;
	}
	if (stat(tmp_path, &st) == 0 && !a->resume) {
		if (!a->force) {
			fprintf(stderr, "govsim-mpi run: %s exists: an interrupted job left it, or "
				"another govsim is writing it; complete it with --resume, or start "
				"again with --force\n", tmp_path);
			return EXIT_USAGE;
		}
		if (gs_output_discard(tmp_path, err, sizeof(err))) {
			fprintf(stderr, "govsim-mpi run: %s\n", err);
			return EXIT_RUNTIME;
		}
	}
	return -1;
}

/* say_runs - up to `most` of the n runs listed, then how many more, on f. */
static void say_runs(FILE *f, const size_t *runs, size_t n, size_t most)
{
	for (size_t i = 0; i < n && i < most; i++)
		fprintf(f, "%s%zu", i ? ", " : "", runs[i]);
	if (n > most)
		fprintf(f, " and %zu more", n - most);
}

/*
 * open_first - rank 0: create the partial file, or with --resume complete
 * the one an earlier job left (its runs that read back copied into a fresh
 * file: gs_output_resume). done (n_runs flags) says which runs it holds.
 * Returns -1 to go on (*out the writer; *fresh if the file is new), else
 * the exit status.
 */
static int open_first(const struct mpi_args *a, const struct gs_ensemble_meta *meta,
		      const char *tmp_path, struct gs_output **out, unsigned char *done,
		      bool *fresh)
{
	char err[1024];
	struct stat st;
	*fresh = true;
	if (a->resume && stat(tmp_path, &st) == 0) {
		if (gs_output_resume(tmp_path, meta, out, done, err, sizeof(err)) == 0) {
			size_t n_done = 0, n_mine = gs_shard_runs(meta->n_runs, meta->shard,
								 meta->n_shards);
			size_t damaged = gs_output_damaged(*out), *left = malloc(n_mine * sizeof(*left));
			size_t n_left = 0;
			for (size_t r = 0; r < meta->n_runs; r++) {
				n_done += done[r] != 0;
				if (!done[r] && gs_run_in_shard(r, meta->shard, meta->n_shards) && left)
					left[n_left++] = r;
			}
			*fresh = false;
			if (!a->quiet || damaged) {
				fprintf(stderr, "govsim-mpi run: resuming %s: %zu of %zu runs done",
					tmp_path, n_done, n_mine);
				if (damaged)
					fprintf(stderr, "; %zu more marked done did not read back to "
						"their digest and are run again", damaged);
				if (left && n_left) {
					fprintf(stderr, "; running run%s ", n_left == 1 ? "" : "s");
					say_runs(stderr, left, n_left, 20);
				}
				fputc('\n', stderr);
			}
			free(left);
			return -1;
		}
		/* as govsim run: a partial without one run that reads back holds nothing to keep */
		size_t n_done = 0, n_bad = 0;
		long first_bad;
		char verr[512], derr[512];
		bool empty = gs_output_verify(tmp_path, &n_done, &n_bad, &first_bad, verr,
					      sizeof(verr)) != 0 ||
			     n_done == n_bad;
		if (!empty) {
			fprintf(stderr, "govsim-mpi run: --resume: %s\n", err);
			return EXIT_USAGE;
		}
		if (gs_output_discard(tmp_path, derr, sizeof(derr))) {
			fprintf(stderr, "govsim-mpi run: --resume: %s\n", derr);
			return EXIT_USAGE;
		}
		fprintf(stderr, "govsim-mpi run: --resume: %s holds no finished run that reads "
			"back: running every run\n", tmp_path);
	} else if (a->resume && !a->quiet) {
		fprintf(stderr, "govsim-mpi run: nothing to resume (no %s): running every run\n",
			tmp_path);
	}
	memset(done, 0, meta->n_runs);
	if (gs_output_create(tmp_path, meta, out, err, sizeof(err))) {
		fprintf(stderr, "govsim-mpi run: %s\n", err);
		return EXIT_RUNTIME;
	}
	return -1;
}

/* The file sink of a rank, and a stop for tests. */
struct rank_sink {
	struct gs_output *out;
	long last;                /* the run written last, -1 before the first */
	long stop_after, written; /* GOVSIM_STOP_AFTER_RUNS=N: stop as if interrupted after N runs */
	double write_s;           /* wall time of the last run's write [s] */
};

/* now - MPI's wall clock [s]. */
static double now(void)
{
	return MPI_Wtime();
}

static int write_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	struct rank_sink *rs = ctx;
	double t0 = now();
	int rc = gs_output_write_run(rs->out, run, r, err, n);
	rs->write_s = now() - t0;
	if (rc)
		return -1;
	rs->last = (long)run;
	if (rs->stop_after >= 0 && ++rs->written >= rs->stop_after)
		gs_stop = 1;
	return 0;
}

/* What one rank did: gathered on rank 0 for the job's report. */
struct share {
	long ran;    /* runs this rank wrote */
	long failed; /* the run that failed on this rank (it took no more), or -1 */
	long cut;    /* the run a signal cut short on this rank, or -1 */
};
#define SHARE_LONGS 3

/*
 * The window on rank 0: the counter of runs taken (element 0), then for
 * every run left (todo[k] at element 1 + k) who has it: 0 nobody yet,
 * r + 1 taken by rank r, -(r + 1) written by rank r. Rank 0 reads it when
 * the job is stopped, before anything collective: a rank that has died
 * (and made MPI stop the job) never comes to the report at the end.
 */
static void mark_run(MPI_Win win, long k, long state)
{
	MPI_Accumulate(&state, 1, MPI_LONG, 0, 1 + k, 1, MPI_LONG, MPI_REPLACE, win);
	MPI_Win_flush(0, win);
}

/*
 * run_share - the runs todo[k] for k taken from the counter in win, run
 * and written until none are left, one fails (this rank then takes no
 * more: its node may be short of memory, or bad) or the stop flag is set.
 * fail: GOVSIM_FAIL_RANK named this rank (tests). err: the failure.
 */
static void run_share(const struct gs_plan *pl, const size_t *todo, size_t n_todo,
		      struct rank_sink *rs, int threads, bool fail, MPI_Win win, int rank,
		      struct share *sh, char *err, size_t errlen)
{
	*sh = (struct share){0, -1, -1};
	unsigned char *skip = malloc(pl->n_runs ? pl->n_runs : 1);
	if (skip)
		memset(skip, 1, pl->n_runs);
	const struct gs_sink sink = {write_run, rs};
	struct gs_ensemble_opts opts = {threads, false, skip, false};
	bool times = getenv("GOVSIM_MPI_TIMES") != NULL;
	while (!gs_stop) {
		long one = 1, k = 0;
		MPI_Fetch_and_op(&one, &k, MPI_LONG, 0, 0, MPI_SUM, win);
		MPI_Win_flush(0, win);
		if (k < 0 || (size_t)k >= n_todo)
			break;
		mark_run(win, k, rank + 1);
		size_t run = todo[k];
		struct gs_run_id id = gs_run_of(&pl->meta, run);
		int rc = -1;
		if (!skip) {
			snprintf(err, errlen, "run %zu: out of memory for the list of runs", run);
		} else if (fail) {
			snprintf(err, errlen, "run %zu (arm %s, point %zu, replication %zu): failed on "
				 "purpose (GOVSIM_FAIL_RANK, a test's stand-in for a node out of memory)",
				 run, pl->meta.arm_names[id.arm], id.point, id.rep);
		} else {
			double t0 = now();
			skip[run] = 0;
			rs->write_s = 0;
			rc = gs_ensemble_run(pl, &opts, &sink, 1, err, errlen);
			skip[run] = 1;
			/* GOVSIM_MPI_TIMES=1: each run's cost, for make hpc-scaling (one line each) */
			if (times && rc == 0)
				fprintf(stderr, "govsim-mpi time: run %zu rank %d run_s %.6f write_s %.6f\n",
					run, rank, now() - t0 - rs->write_s, rs->write_s);
		}
		if (rc == 0 || (rc > 0 && rs->last == (long)run)) {
			mark_run(win, k, -(rank + 1));
			sh->ran++; /* written; a stop after it is seen at the loop's head */
			continue;
		}
		if (rc > 0)
			sh->cut = (long)run;
		else
			sh->failed = (long)run;
		break;
	}
	free(skip);
}

/*
 * say_unfinished - rank 0, stopped by a signal (a time limit, or MPI
 * ending the job because a rank died): the runs taken and not written,
 * by rank, from the window (local: base), said at once.
 */
static void say_unfinished(MPI_Win win, const long *base, const size_t *todo, size_t n_todo)
{
	size_t n = 0;
	MPI_Win_sync(win);
	for (size_t k = 0; k < n_todo; k++) {
		long who = base[1 + k];
		if (who <= 0)
			continue;
		fprintf(stderr, "%s run %zu (rank %ld)", n ? "," : "govsim-mpi run: stopped; taken "
			"and not written:", todo[k], who - 1);
		n++;
	}
	if (n)
		fprintf(stderr, "; the runs written stay in the partial file for --resume\n");
	else
		fprintf(stderr, "govsim-mpi run: stopped; no run was taken and not written\n");
	fflush(stderr);
}

/* resume_command - "mpirun -np N <the command line, --force left out> --resume" on f. */
static void resume_command(FILE *f, int size, int argc, char **argv)
{
	fprintf(f, "mpirun -np %d", size);
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--force") && strcmp(argv[i], "--resume"))
			fprintf(f, " %s", argv[i]);
	fprintf(f, " --resume\n");
}

/*
 * report_lost - rank 0, after a job that did not write every run: what
 * failed or was cut short on which rank, what the partial holds, and the
 * command that completes it.
 */
static void report_lost(const struct gs_ensemble_meta *meta, const struct share *each,
			const char *errs, size_t errlen, int size, size_t n_done, const char *tmp,
			int argc, char **argv)
{
	size_t n_mine = gs_shard_runs(meta->n_runs, meta->shard, meta->n_shards);
	size_t *failed = malloc((size_t)size * sizeof(*failed)), n_failed = 0;
	size_t *cut = malloc((size_t)size * sizeof(*cut)), n_cut = 0;
	for (int r = 0; r < size; r++) {
		if (each[r].failed >= 0) {
			fprintf(stderr, "govsim-mpi run: rank %d: %s\n", r, errs + (size_t)r * errlen);
			if (failed)
				failed[n_failed++] = (size_t)each[r].failed;
		}
		if (each[r].cut >= 0 && cut)
			cut[n_cut++] = (size_t)each[r].cut;
	}
	fprintf(stderr, "govsim-mpi run: ");
	if (n_failed) {
		fprintf(stderr, "%zu run%s failed (run%s ", n_failed, n_failed == 1 ? "" : "s",
			n_failed == 1 ? "" : "s");
		say_runs(stderr, failed, n_failed, 20);
		fprintf(stderr, "); ");
	}
	if (gs_stop || n_cut) {
		fprintf(stderr, "interrupted");
		if (n_cut) {
			fprintf(stderr, " (run%s ", n_cut == 1 ? "" : "s");
			say_runs(stderr, cut, n_cut, 20);
			fprintf(stderr, " cut short)");
		}
		fprintf(stderr, "; ");
	}
	size_t lost = n_mine - n_done - n_failed - n_cut;
	if (lost)
		fprintf(stderr, "%zu run%s not started; ", lost, lost == 1 ? "" : "s");
	fprintf(stderr, "%zu of %zu runs done are kept in %s; complete it with: ", n_done, n_mine,
		tmp);
	resume_command(stderr, size, argc, argv);
	free(failed);
	free(cut);
}

#define RANK_ERR 512 /* the bytes of each rank's message gathered on rank 0 */

static int gs_cmd_run_mpi(const struct gs_model *m, int argc, char **argv, int full_argc,
			  char **full_argv)
{
	struct mpi_args a = {0};
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	struct gs_output *first = NULL, *out = NULL;
	char err[1024] = "", *tmp_path = NULL, *cmdline = NULL, *errs = NULL;
	struct share *each = NULL;
	unsigned char *done = NULL;
	size_t *todo = NULL;
	int rank = 0, size = 1, status;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);

	a.sets = calloc((size_t)argc + 1, sizeof(*a.sets));
	if (!a.sets)
		return EXIT_RUNTIME;
	/* every rank parses the same arguments; rank 0 says what is wrong */
	if ((status = parse_args(argc, argv, &a, rank)) >= 0)
		goto out;
	size_t tl = strlen(a.out_path) + 16;
	tmp_path = malloc(tl);
	if (!tmp_path) {
		status = EXIT_RUNTIME;
		goto out;
	}
	snprintf(tmp_path, tl, "%s.partial", a.out_path);
	gs_cli_stop_on_signals();
	/* rank 0 reads the scenario first and checks the output; the others follow it */
	status = -1;
	if (rank == 0 && gs_cli_load(m, a.scenario, a.sets, a.n_sets, &sc))
		status = EXIT_USAGE;
	if (rank == 0 && status < 0)
		status = check_output(&a, tmp_path);
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (status >= 0)
		goto out;
	if (rank != 0 && gs_cli_load(m, a.scenario, a.sets, a.n_sets, &sc)) {
		status = EXIT_RUNTIME; /* rank 0 read it: this rank sees another file */
		goto out;
	}
	status = EXIT_RUNTIME;
	int built = gs_plan_build(&pl, &sc, m, err, sizeof(err)) == 0, all_built = 0;
	cmdline = gs_cli_join(full_argc, full_argv);
	if (rank == 0) {
		each = calloc((size_t)size, sizeof(*each));
		errs = calloc((size_t)size, RANK_ERR);
	}
	done = built ? calloc(pl.n_runs ? pl.n_runs : 1, 1) : NULL;
	todo = built ? malloc((pl.n_runs ? pl.n_runs : 1) * sizeof(*todo)) : NULL;
	built = built && cmdline && done && todo && (rank != 0 || (each && errs));
	if (!built)
		fprintf(stderr, "govsim-mpi run: rank %d: %s\n", rank, cmdline ? err : "out of memory");
	MPI_Allreduce(&built, &all_built, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
	if (!all_built)
		goto out;
	if (a.n_shards > pl.n_runs) {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi run: --shard %zu/%zu: the plan has %zu run%s, so at "
				"most %zu shards\n", a.shard, a.n_shards, pl.n_runs,
				pl.n_runs == 1 ? "" : "s", pl.n_runs);
		status = EXIT_USAGE;
		goto out;
	}
	int threads = a.threads ? (int)a.threads : omp_get_max_threads();
	pl.meta.scenario_path = a.scenario;
	pl.meta.command_line = cmdline;
	pl.meta.threads = threads;
	pl.meta.shard = a.shard;
	pl.meta.n_shards = a.n_shards;

	/* rank 0 lays the file out, or completes the partial; every rank then opens it */
	bool fresh = true;
	status = -1;
	if (rank == 0)
		status = open_first(&a, &pl.meta, tmp_path, &first, done, &fresh);
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (status >= 0)
		goto out;
	status = EXIT_RUNTIME;
	int fresh_int = fresh;
	MPI_Bcast(&fresh_int, 1, MPI_INT, 0, MPI_COMM_WORLD);
	MPI_Bcast(done, (int)pl.n_runs, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
	int shared = gs_output_share_parallel(first, fresh_int, &pl.meta, MPI_COMM_WORLD, &out,
					      err, sizeof(err));
	first = NULL; /* closed by rank 0 there */
	if (shared) {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi run: %s\n", err);
		goto out;
	}
	/* the runs left, the same list on every rank */
	size_t n_todo = 0, n_done = 0;
	for (size_t r = 0; r < pl.n_runs; r++) {
		n_done += done[r] != 0;
		if (!done[r] && gs_run_in_shard(r, a.shard, a.n_shards))
			todo[n_todo++] = r;
	}
	if (rank == 0 && !a.quiet) {
		printf("%s: %zu run%s on %d rank%s x %d thread%s -> %s", pl.meta.scenario_name,
		       n_todo, n_todo == 1 ? "" : "s", size, size == 1 ? "" : "s", threads,
		       threads == 1 ? "" : "s", a.out_path);
		if (a.n_shards)
			printf(" (shard %zu/%zu of %zu runs)", a.shard, a.n_shards, pl.n_runs);
		putchar('\n');
		fflush(stdout);
	}

	/* the shared counter of runs taken and who has each, on rank 0 */
	MPI_Win win;
	long *counter = NULL;
	MPI_Aint win_size = rank == 0 ? (MPI_Aint)((1 + n_todo) * sizeof(long)) : 0;
	MPI_Win_allocate(win_size, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &counter, &win);
	if (rank == 0)
		memset(counter, 0, (size_t)win_size);
	MPI_Barrier(MPI_COMM_WORLD);
	const char *stop_env = getenv("GOVSIM_STOP_AFTER_RUNS");
	const char *fail_env = getenv("GOVSIM_FAIL_RANK");
	struct rank_sink rs = {out, -1, stop_env ? strtol(stop_env, NULL, 10) : -1, 0, 0};
	struct share mine;
	char rank_err[RANK_ERR] = "";
	MPI_Win_lock_all(0, win);
	run_share(&pl, todo, n_todo, &rs, threads, fail_env && atoi(fail_env) == rank, win, rank,
		  &mine, rank_err, sizeof(rank_err));
	if (rank == 0 && gs_stop)
		say_unfinished(win, counter, todo, n_todo);
	MPI_Win_unlock_all(win);
	MPI_Win_free(&win);

	/* complete only if every run left was written, by whichever ranks */
	long ran_all = 0;
	MPI_Allreduce(&mine.ran, &ran_all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
	long mine_longs[SHARE_LONGS] = {mine.ran, mine.failed, mine.cut};
	long *all_longs = rank == 0 ? malloc((size_t)size * SHARE_LONGS * sizeof(long)) : NULL;
	MPI_Gather(mine_longs, SHARE_LONGS, MPI_LONG, all_longs, SHARE_LONGS, MPI_LONG, 0,
		   MPI_COMM_WORLD);
	MPI_Gather(rank_err, RANK_ERR, MPI_CHAR, errs, RANK_ERR, MPI_CHAR, 0, MPI_COMM_WORLD);
	if (rank == 0)
		for (int r = 0; r < size; r++)
			each[r] = all_longs ? (struct share){all_longs[r * SHARE_LONGS],
							     all_longs[r * SHARE_LONGS + 1],
							     all_longs[r * SHARE_LONGS + 2]}
					    : (struct share){0, -1, -1};
	free(all_longs);
	int complete = (size_t)ran_all == n_todo;
	int rc = gs_output_commit_parallel(out, complete, a.out_path, MPI_COMM_WORLD, err,
					   sizeof(err));
	out = NULL;
	if (rc < 0) {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi run: %s; no %s written\n", err, a.out_path);
		goto out;
	}
	if (rc > 0) {
		if (rank == 0) {
			if (errs)
				errs[(size_t)size * RANK_ERR - 1] = 0;
			report_lost(&pl.meta, each, errs, RANK_ERR, size, n_done + (size_t)ran_all,
				    tmp_path, full_argc, full_argv);
		}
		goto out;
	}
	if (rank == 0 && !a.quiet) {
		printf("%ld run%s written to %s (by rank:", ran_all, ran_all == 1 ? "" : "s",
		       a.out_path);
		for (int r = 0; r < size; r++)
			printf(" %ld", each[r].ran);
		printf(")\n");
	}
	status = 0;
out:
	if (first)
		gs_output_abort(first);
	if (out)
		gs_output_abort(out);
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
	free(a.sets);
	free(tmp_path);
	free(cmdline);
	free(each);
	free(errs);
	free(done);
	free(todo);
	return status;
}

int gs_mpi_main(const struct gs_model *m, int argc, char **argv)
{
	int provided = 0, rank = 0, status;
	/* a run's sink is called by whichever thread finished it, one at a time */
	if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
		fprintf(stderr, "govsim-mpi: cannot start MPI\n");
		return EXIT_RUNTIME;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	if (provided < MPI_THREAD_SERIALIZED) {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi: this MPI library cannot be called from threads "
				"other than the first (MPI_THREAD_SERIALIZED), which finish runs\n");
		status = EXIT_RUNTIME;
	} else if (argc >= 2 && strcmp(argv[1], "run") == 0) {
		status = gs_cmd_run_mpi(m, argc - 1, argv + 1, argc, argv);
	} else if (argc >= 2 && gs_cli_is_help(argv[1])) {
		if (rank == 0)
			fputs(usage_mpi, stdout);
		status = 0;
	} else {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi: the MPI build has one command, run (see "
				"govsim-mpi --help); the other commands are govsim's\n");
		status = EXIT_USAGE;
	}
	MPI_Finalize();
	return status;
}
