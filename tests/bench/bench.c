/*
 * bench.c - govsim-bench: how fast and how lean govsim runs scenarios, and
 * how that compares with what this machine can do at all.
 *
 *   govsim-bench [--threads 1,2] SCENARIO...
 *
 * For each scenario and thread count, a child process runs every arm and
 * replication (as `govsim run` does, without writing a file) and reports
 * wall time, events handled (citizens woken, contacts, closures) and peak
 * resident memory. Then two measures of the machine: a streaming pass over
 * the hot fields of as many citizens (what a model that scans every citizen
 * every tick would pay per citizen-tick), and a minimal event loop (the rate
 * of a scheduler that does nothing else). Figures are printed, never
 * asserted: the machine may be shared.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <omp.h>

#include "sim/engine/engine.h"
#include "sim/plan/scenario.h"
#include "models/governance.h"
#include "models/world.h"

struct measure {
	double wall;        /* [s] */
	double events;
	double peak_kb;     /* peak resident set of the child [KiB] */
	double base_kb;     /* resident set before the runs [KiB] */
};

static long rss_now_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int count_events(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	(void)run;
	(void)err;
	(void)n;
	*(uint64_t *)ctx += r->events;
	return 0;
}

/* In a child: run the whole ensemble with `threads`; write a struct measure to fd. */
static int child_run(const struct gs_plan *pl, int threads, int fd)
{
	uint64_t events = 0;
	struct gs_ensemble_opts opts = {threads, false, NULL, false};
	struct gs_sink sink = {count_events, &events};
	struct measure m = {0};
	m.base_kb = (double)rss_now_kb();
	char err[256];
	double t0 = omp_get_wtime();
	if (gs_ensemble_run(pl, &opts, &sink, 1, err, sizeof(err))) {
		fprintf(stderr, "govsim-bench: %s\n", err);
		return 1;
	}
	m.wall = omp_get_wtime() - t0;
	m.events = (double)events;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	m.peak_kb = (double)ru.ru_maxrss;
	return write(fd, &m, sizeof(m)) == (ssize_t)sizeof(m) ? 0 : 1;
}

static int measure(const struct gs_plan *pl, int threads, struct measure *m)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		_exit(child_run(pl, threads, fds[1]));
	}
	close(fds[1]);
	ssize_t got = read(fds[0], m, sizeof(*m));
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return got == (ssize_t)sizeof(*m) && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * The machine's limit for scanning: one pass per tick over the hot fields
 * of n citizens (wake, next arrival, due: 12 bytes each), finding who is
 * due. Returns citizen-ticks per second.
 */
static double stream_limit(size_t n)
{
	int32_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)), *c = malloc(n * sizeof(*c));
	if (!a || !b || !c)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		a[i] = (int32_t)(i * 2654435761u % 3650);
		b[i] = (int32_t)(i * 40503u % 3650);
		c[i] = INT32_MAX;
	}
	volatile long sink = 0;
	long ticks = 0;
	double t0 = omp_get_wtime(), el;
	do {
		long due = 0;
		for (size_t i = 0; i < n; i++) {
			int32_t t = a[i] < b[i] ? a[i] : b[i];
			t = t < c[i] ? t : c[i];
			due += t == (int32_t)(ticks % 3650);
		}
		sink += due;
		ticks++;
		el = omp_get_wtime() - t0;
	} while (el < 1.0);
	free(a);
	free(b);
	free(c);
	return (double)n * (double)ticks / el;
}

/*
 * The machine's limit for events: per-tick buckets of entity ids; each
 * event pops an entity and pushes it back 1..64 ticks later. Returns events
 * per second.
 */
static double event_limit(size_t n)
{
	enum { HORIZON = 128 };
	int32_t *bucket[HORIZON];
	size_t len[HORIZON] = {0}, cap[HORIZON];
	for (int k = 0; k < HORIZON; k++) {
		cap[k] = n / 16 + 64;
		bucket[k] = malloc(cap[k] * sizeof(int32_t));
	}
	uint32_t x = 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		int t = 1 + (int)(x >> 26);
		if (len[t] == cap[t])
			bucket[t] = realloc(bucket[t], (cap[t] *= 2) * sizeof(int32_t));
		bucket[t][len[t]++] = (int32_t)i;
	}
	double events = 0, t0 = omp_get_wtime(), el;
	long tick = 0;
	volatile int32_t sink = 0;
	do {
		int now = (int)(++tick % HORIZON);
		size_t m = len[now];
		len[now] = 0;
		for (size_t j = 0; j < m; j++) {
			int32_t who = bucket[now][j];
			sink ^= who;
			x = x * 1664525u + 1013904223u;
			int t = (now + 1 + (int)(x >> 26)) % HORIZON;
			if (len[t] == cap[t])
				bucket[t] = realloc(bucket[t], (cap[t] *= 2) * sizeof(int32_t));
			bucket[t][len[t]++] = who;
		}
		events += (double)m;
		el = omp_get_wtime() - t0;
	} while (el < 1.0);
	for (int k = 0; k < HORIZON; k++)
		free(bucket[k]);
	return events / el;
}

int main(int argc, char **argv)
{
	int threads[8] = {1, 2}, n_threads = 2;
	gsl_set_error_handler_off();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("usage: govsim-bench [--threads 1,2] SCENARIO...\n");
		return argc < 2 ? 2 : 0;
	}
	int first = 1;
	if (strcmp(argv[1], "--threads") == 0 && argc > 3) {
		n_threads = 0;
		for (char *tok = strtok(argv[2], ","); tok && n_threads < 8; tok = strtok(NULL, ","))
			threads[n_threads++] = atoi(tok) > 0 ? atoi(tok) : 1;
		first = 3;
	}
	printf("%-12s %7s %9s %13s %11s %9s %9s %8s\n", "scenario", "threads", "wall [s]",
	       "cit-ticks/s", "events/s", "peak MiB", "B/citizen", "speedup");
	size_t biggest = 0;
	struct row {
		const char *name;
		int threads;
		double cit_ticks, events;
	} rows[64];
	int n_rows = 0;
	for (int f = first; f < argc; f++) {
		struct gs_scenario sc = {0};
		struct gs_plan pl;
		struct gs_diag d = {0};
		char err[256];
		if (gs_scenario_read(argv[f], &sc, &d) ||
		    gs_scenario_resolve(&sc, gs_governance.presets, NULL, 0, &d)) {
			gs_diag_print(&d, stderr);
			return 2;
		}
		gs_diag_free(&d);
		if (gs_plan_build(&pl, &sc, &gs_governance, err, sizeof(err))) {
			fprintf(stderr, "govsim-bench: %s\n", err);
			return 1;
		}
		const struct gs_params *p = &sc.arm_params[0];
		size_t n_cit = (size_t)p->population.citizens;
		size_t runs = sc.n_arms * (size_t)p->simulation.replications;
		double ticks = ceil(p->simulation.duration - 1e-9);
		if (n_cit > biggest)
			biggest = n_cit;
		double wall1 = NAN;
		for (int k = 0; k < n_threads; k++) {
			struct measure m;
			if (measure(&pl, threads[k], &m)) {
				fprintf(stderr, "govsim-bench: %s with %d threads failed\n", argv[f],
					threads[k]);
				return 1;
			}
			if (threads[k] == 1)
				wall1 = m.wall;
			/* runs in memory at once: one per thread across runs, at least one */
			double at_once = (double)(runs < (size_t)threads[k] ? runs : (size_t)threads[k]);
			double per_cit = (m.peak_kb - m.base_kb) * 1024.0 / ((double)n_cit * at_once);
			double ct = (double)n_cit * ticks * (double)runs / m.wall;
			printf("%-12s %7d %9.2f %13.3g %11.3g %9.1f %9.0f %8.2f\n", sc.name, threads[k],
			       m.wall, ct, m.events / m.wall, m.peak_kb / 1024.0, per_cit, wall1 / m.wall);
			if (n_rows < 64)
				rows[n_rows++] = (struct row){argv[f], threads[k], ct, m.events / m.wall};
		}
		gs_plan_free(&pl);
		gs_scenario_free(&sc);
	}
	printf("\nper-citizen arrays: %zu bytes per citizen (scheduled wakes, cases, workers on top)\n",
	       gs_world_citizen_bytes());
	double s = stream_limit(biggest), e = event_limit(biggest);
	printf("machine: streaming pass over %zu citizens' hot fields: %.3g citizen-ticks/s\n",
	       biggest, s);
	printf("machine: minimal event loop over %zu entities: %.3g events/s\n", biggest, e);
	printf("\n%-36s %7s %22s %18s\n", "ratio to the machine", "threads", "citizen-ticks/s / scan",
	       "events/s / loop");
	for (int r = 0; r < n_rows; r++)
		printf("%-36s %7d %22.3f %18.4f\n", rows[r].name, rows[r].threads, rows[r].cit_ticks / s,
		       rows[r].events / e);
	return 0;
}
