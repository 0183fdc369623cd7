/*
 * mpirun.c - `govsim-mpi run` (make mpi): a scenario's plan run by every
 * rank of an MPI job into one result file. Ranks take runs one at a time
 * from a shared counter (a one-sided fetch-and-add on rank 0), so a rank
 * that finishes early takes the next run; each runs its runs with its own
 * OpenMP threads and writes them to the file with parallel HDF5
 * (sim/io/parallel.h). The file's datasets are those `govsim run` writes,
 * value for value, whatever the number of ranks and threads.
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
#include "sim/engine/engine.h"
#include "sim/io/output.h"
#include "sim/io/parallel.h"
#include "sim/plan/plan.h"

static const char usage_mpi[] =
	"usage: mpirun [-np N] govsim-mpi run SCENARIO -o OUT.h5 [--seed N] [--threads N]\n"
	"                  [--set section.key=value]... [--force] [--quiet]\n"
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
	"  --force               overwrite OUT.h5 and a stale OUT.h5.partial\n"
	"  -q, --quiet           nothing printed on success\n"
	"\n"
	"The file is written as OUT.h5.partial and renamed when every rank has\n"
	"written its runs; a failure on any rank leaves no OUT.h5 (no --resume).\n";

struct mpi_args {
	const char *scenario, *out_path;
	char **sets;
	size_t n_sets;
	char seed_set[64];
	long threads;
	bool force, quiet;
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
		} else if (strcmp(s, "--force") == 0) {
			a->force = true;
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
				fprintf(say, "govsim-mpi run: %s ('%s')\n", bad, s);
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
	if (stat(a->out_path, &st) == 0 && (S_ISDIR(st.st_mode) || !a->force)) {
		fprintf(stderr, "govsim-mpi run: %s %s\n", a->out_path,
			S_ISDIR(st.st_mode) ? "is a directory" : "exists; use --force to overwrite it");
		return EXIT_USAGE;
	}
	if (stat(tmp_path, &st) == 0) {
		if (!a->force) {
			fprintf(stderr, "govsim-mpi run: %s exists; start again with --force\n",
				tmp_path);
			return EXIT_USAGE;
		}
		if (gs_output_discard(tmp_path, err, sizeof(err))) {
			fprintf(stderr, "govsim-mpi run: %s\n", err);
			return EXIT_RUNTIME;
		}
	}
	return -1;
}

static int write_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	return gs_output_write_run(ctx, run, r, err, n);
}

/*
 * run_share - run runs taken from the counter in win until none are left
 * (or one fails: message in err). Returns the runs this rank ran, or -1.
 */
static long run_share(const struct gs_plan *pl, struct gs_output *out, int threads, MPI_Win win,
		      char *err, size_t errlen)
{
	unsigned char *skip = malloc(pl->n_runs);
	long mine = 0;
	if (!skip) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(skip, 1, pl->n_runs);
	const struct gs_sink sink = {write_run, out};
	struct gs_ensemble_opts opts = {threads, false, skip, false};
	for (;;) {
		long one = 1, run = 0;
		MPI_Fetch_and_op(&one, &run, MPI_LONG, 0, 0, MPI_SUM, win);
		MPI_Win_flush(0, win);
		if (run < 0 || (size_t)run >= pl->n_runs)
			break;
		skip[run] = 0;
		int rc = gs_ensemble_run(pl, &opts, &sink, 1, err, errlen);
		skip[run] = 1;
		if (rc != 0) {
			if (rc > 0)
				snprintf(err, errlen, "interrupted");
			mine = -1;
			break;
		}
		mine++;
	}
	free(skip);
	return mine;
}

static int gs_cmd_run_mpi(const struct gs_model *m, int argc, char **argv, int full_argc,
		   char **full_argv)
{
	struct mpi_args a = {0};
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	struct gs_output *out = NULL;
	char err[1024] = "", *tmp_path = NULL, *cmdline = NULL;
	long *each = NULL;
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
	if (rank == 0)
		each = calloc((size_t)size, sizeof(*each)); /* the runs each rank ran */
	built = built && cmdline && (rank != 0 || each);
	if (!built)
		fprintf(stderr, "govsim-mpi run: rank %d: %s\n", rank, cmdline ? err : "out of memory");
	MPI_Allreduce(&built, &all_built, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
	if (!all_built)
		goto out;
	int threads = a.threads ? (int)a.threads : omp_get_max_threads();
	pl.meta.scenario_path = a.scenario;
	pl.meta.command_line = cmdline;
	pl.meta.threads = threads;
	if (gs_output_create_parallel(tmp_path, &pl.meta, MPI_COMM_WORLD, &out, err,
				      sizeof(err))) {
		if (rank == 0)
			fprintf(stderr, "govsim-mpi run: %s\n", err);
		goto out;
	}
	if (rank == 0 && !a.quiet)
		printf("%s: %zu run%s on %d rank%s x %d thread%s -> %s\n", pl.meta.scenario_name,
		       pl.n_runs, pl.n_runs == 1 ? "" : "s", size, size == 1 ? "" : "s", threads, threads == 1 ? "" : "s",
		       a.out_path);

	/* the shared counter of runs taken, on rank 0 */
	MPI_Win win;
	long *counter = NULL;
	MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL,
			 MPI_COMM_WORLD, &counter, &win);
	if (rank == 0)
		*counter = 0;
	MPI_Barrier(MPI_COMM_WORLD);
	MPI_Win_lock_all(0, win);
	long mine = run_share(&pl, out, threads, win, err, sizeof(err));
	MPI_Win_unlock_all(win);
	MPI_Win_free(&win);
	if (mine < 0)
		fprintf(stderr, "govsim-mpi run: rank %d: %s\n", rank, err);

	int ok = mine >= 0;
	long done = ok ? mine : 0;
	MPI_Gather(&done, 1, MPI_LONG, each, 1, MPI_LONG, 0, MPI_COMM_WORLD);
	if (gs_output_commit_parallel(out, ok, a.out_path, MPI_COMM_WORLD, err, sizeof(err))) {
		out = NULL;
		if (rank == 0)
			fprintf(stderr, "govsim-mpi run: %s; no %s written\n", err, a.out_path);
		goto out;
	}
	out = NULL;
	if (rank == 0 && !a.quiet && each) {
		long total = 0;
		for (int r = 0; r < size; r++)
			total += each[r];
		printf("%ld run%s written to %s (by rank:", total, total == 1 ? "" : "s",
		       a.out_path);
		for (int r = 0; r < size; r++)
			printf(" %ld", each[r]);
		printf(")\n");
	}
	status = 0;
out:
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
	free(a.sets);
	free(tmp_path);
	free(cmdline);
	free(each);
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
