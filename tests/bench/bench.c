/*
 * bench.c - govsim-bench: how fast and how lean govsim runs scenarios, and
 * how that compares with what this machine can do at all.
 *
 *   govsim-bench [--threads 1,2] [--beside quiet,busy] [--repeat N] SCENARIO...
 *
 * --beside takes quiet, busy (one busy loop) and busyK (K busy loops, 2 to 8).
 *
 * For each scenario, neighbour and thread count, a child process runs every
 * arm and replication (as `govsim run` does, without writing a file) and
 * reports wall time, CPU time (user + system, every thread), events handled
 * (citizens woken, contacts, closures) and peak resident memory, with the
 * load average just before it. `busy`
 * measures beside a CPU-bound process (a busy loop) that govsim-bench starts
 * before the measure and stops after it: more threads must not make a run
 * slower on a machine another process shares; `busyK` beside K of them (a
 * machine loaded beyond its cores). With --repeat N each figure
 * is the best of N measures, the thread counts taking turns; the load
 * average shown is the one before the measure kept. Quiet, it also runs
 * two copies of the 1-thread measure at once (`2 copies`): twice the work
 * of one run against one run alone, what a second core adds to this
 * workload now, the most any run's second thread could give; `of it` is
 * the speedup's share of that. Then measures of the machine: plain
 * arithmetic on two threads against one and the time a cache line takes
 * from one CPU to another and back (before and after), a streaming pass over
 * the hot fields of as many citizens (what a model that scans every citizen
 * every tick would pay per citizen-tick), and a minimal event loop (the rate
 * of a scheduler that does nothing else). Figures are printed, never
 * asserted: the machine may be shared.
 */
#define _GNU_SOURCE /* sched_getaffinity, pthread_setaffinity_np */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <omp.h>

#include "sim/core/crew.h"
#include "sim/core/place.h"
#include "sim/engine/engine.h"
#include "sim/plan/scenario.h"
#include "models/governance.h"
#include "models/world.h"

struct measure {
	double wall;        /* [s] */
	double cpu;         /* [s] user + system time of the child's threads */
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
	m.cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
		(double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
	return write(fd, &m, sizeof(m)) == (ssize_t)sizeof(m) ? 0 : 1;
}

/* The 1-minute load average of the machine, NAN if unknown. */
static double load_average(void)
{
	double load = NAN;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = NAN;
		fclose(f);
	}
	return load;
}

/* A CPU-bound neighbour: a child process that spins until busy_stop (and dies with us). */
static pid_t busy_start(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		volatile unsigned long spin = 0;
		for (;;)
			spin++;
	}
	return pid;
}

static void busy_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* n busy loops into pid[0..n); -1 (none left running) if one could not start. */
static int busy_start_n(int n, pid_t *pid)
{
	for (int i = 0; i < n; i++)
		if ((pid[i] = busy_start()) < 0) {
			while (i--)
				busy_stop(pid[i]);
			return -1;
		}
	return 0;
}

static void busy_stop_n(int n, pid_t *pid)
{
	for (int i = 0; i < n; i++)
		busy_stop(pid[i]);
}

/*
 * copies children at once, each running the ensemble with `threads`; m[k]
 * is what child k measured. Returns 0, or -1 if one failed.
 */
static int measure_copies(const struct gs_plan *pl, int threads, int copies, struct measure *m)
{
	int fds[2][2];
	pid_t pid[2];
	fflush(stdout);
	for (int k = 0; k < copies; k++) {
		if (pipe(fds[k]))
			return -1;
		if ((pid[k] = fork()) < 0)
			return -1;
		if (pid[k] == 0) {
			close(fds[k][0]);
			_exit(child_run(pl, threads, fds[k][1]));
		}
		close(fds[k][1]);
	}
	int rc = 0;
	for (int k = 0; k < copies; k++) {
		ssize_t got = read(fds[k][0], &m[k], sizeof(m[k]));
		close(fds[k][0]);
		int status;
		waitpid(pid[k], &status, 0);
		if (got != (ssize_t)sizeof(m[k]) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = -1;
	}
	return rc;
}

static int measure(const struct gs_plan *pl, int threads, struct measure *m)
{
	return measure_copies(pl, threads, 1, m);
}

/*
 * What a second core adds to this workload on this machine now: two
 * copies of the 1-thread ensemble at once, which share nothing, against
 * one alone (wall1). 2 if the cores are independent; less when they share
 * a physical core, caches or memory bandwidth, or another process takes
 * one. No run's second thread can do better than this.
 */
static double pair_ceiling(const struct gs_plan *pl, double wall1)
{
	struct measure m[2];
	if (measure_copies(pl, 1, 2, m))
		return NAN;
	return 2.0 * wall1 / (m[0].wall > m[1].wall ? m[0].wall : m[1].wall);
}

/*
 * The same for plain arithmetic (independent multiply-shift chains, no
 * memory), in child processes, as the parent must start no OpenMP threads
 * before it forks: how much work two at once do against one.
 */
static double arithmetic_pair(void)
{
	double wall[2];
	fflush(stdout);
	for (int copies = 1; copies <= 2; copies++) {
		pid_t pid[2];
		double t0 = omp_get_wtime();
		for (int k = 0; k < copies; k++)
			if ((pid[k] = fork()) == 0) {
				uint64_t a[8];
				for (int j = 0; j < 8; j++)
					a[j] = (uint64_t)(j + 1 + k);
				for (long i = 0; i < 60000000L; i++)
					for (int j = 0; j < 8; j++) {
						a[j] *= 0x9E3779B97F4A7C15ULL;
						a[j] ^= a[j] >> 29;
					}
				uint64_t x = 0;
				for (int j = 0; j < 8; j++)
					x += a[j];
				_exit(x == 42); /* (the result used, so that the loop is kept) */
			}
		for (int k = 0; k < copies; k++)
			if (pid[k] > 0)
				waitpid(pid[k], NULL, 0);
		wall[copies - 1] = omp_get_wtime() - t0;
	}
	return 2.0 * wall[0] / wall[1];
}

/* Round trips of line_round_trip. */
#define ROUND_TRIPS 200000

/* The line two threads hand each other: a count, on a cache line of its own. */
struct line {
	_Alignas(64) atomic_long turn;
	int cpu;
};

/* Pin the calling thread to CPU cpu. */
static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The second thread: answers each odd count with the next even one. */
static void *answer(void *arg)
{
	struct line *l = arg;
	if (pin(l->cpu))
		return NULL;
	for (long i = 0; i < ROUND_TRIPS; i++) {
		while (atomic_load_explicit(&l->turn, memory_order_acquire) != 2 * i + 1)
			;
		atomic_store_explicit(&l->turn, 2 * i + 2, memory_order_release);
	}
	return NULL;
}

/*
 * How long a cache line takes from one CPU to another and back [ns]: two
 * threads pinned to the first two CPUs this process may use hand a count
 * to each other ROUND_TRIPS times (in a child process, as the parent
 * starts no threads before it forks). What one run's second thread pays
 * for each record the other thread wrote last; it moves as the host places
 * the virtual CPUs. NAN with fewer than two CPUs.
 */
static double line_round_trip(void)
{
	int fds[2];
	fflush(stdout);
	if (pipe(fds))
		return NAN;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NAN;
	}
	if (pid == 0) {
		close(fds[0]);
		double ns = NAN;
		cpu_set_t set;
		int cpus[2], n = 0;
		if (!sched_getaffinity(0, sizeof(set), &set))
			for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
				if (CPU_ISSET(c, &set))
					cpus[n++] = c;
		static struct line l;
		pthread_t t;
		if (n == 2 && !pin(cpus[0])) {
			atomic_init(&l.turn, 0);
			l.cpu = cpus[1];
			if (!pthread_create(&t, NULL, answer, &l)) {
				double t0 = omp_get_wtime();
				for (long i = 0; i < ROUND_TRIPS; i++) {
					atomic_store_explicit(&l.turn, 2 * i + 1, memory_order_release);
					while (atomic_load_explicit(&l.turn, memory_order_acquire) != 2 * i + 2)
						;
				}
				ns = (omp_get_wtime() - t0) / ROUND_TRIPS * 1e9;
				pthread_join(t, NULL);
			}
		}
		ssize_t w = write(fds[1], &ns, sizeof(ns));
		_exit(w == (ssize_t)sizeof(ns) ? 0 : 1);
	}
	close(fds[1]);
	double ns = NAN;
	if (read(fds[0], &ns, sizeof(ns)) != (ssize_t)sizeof(ns))
		ns = NAN;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return ns;
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

/* A whole number in [lo, hi] from all of s, or -1. */
static int whole(const char *s, int lo, int hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return *s && !*end && !errno && v >= lo && v <= hi ? (int)v : -1;
}

/* A thread count, 1 to 64; -1 if s is not one. */
static int thread_count(const char *s)
{
	return whole(s, 1, 64);
}

/* A neighbour: quiet 0, busy 1, busyK K (2 to 8); -1 if s is not one. */
static int neighbour(const char *s)
{
	if (strcmp(s, "quiet") == 0)
		return 0;
	if (strcmp(s, "busy") == 0)
		return 1;
	return strncmp(s, "busy", 4) == 0 ? whole(s + 4, 2, 8) : -1;
}

/*
 * The comma-separated values of option in arg, each read by value (what
 * names the values it takes), into out (at most max); their number, or -1
 * if one is bad or there is none (with a line saying so).
 */
static int parse_list(char *arg, int *out, int max, const char *option, const char *what,
		      int (*value)(const char *))
{
	int n = 0;
	for (char *tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		int v = value(tok);
		if (v < 0 || n == max) {
			fprintf(stderr, "govsim-bench: %s: '%s' is not %s (at most %d of them)\n",
				option, tok, what, max);
			return -1;
		}
		out[n++] = v;
	}
	if (!n)
		fprintf(stderr, "govsim-bench: %s: none given (%s)\n", option, what);
	return n ? n : -1;
}

/* The neighbour's name in the tables: quiet, busy, busyK. */
static const char *beside_name(int busy, char *buf, size_t len)
{
	if (busy <= 1)
		return busy ? "busy" : "quiet";
	snprintf(buf, len, "busy%d", busy);
	return buf;
}

/* What the figures were measured on: CPU, cores, memory, how waiting threads wait. */
static void print_machine(void)
{
	char model[256] = "unknown", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *v = strchr(line, ':');
			if (v) {
				snprintf(model, sizeof(model), "%s", v + 2);
				model[strcspn(model, "\n")] = 0;
			}
			break;
		}
	if (f)
		fclose(f);
	time_t now = time(NULL);
	char when[64];
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	const char *policy = getenv("OMP_WAIT_POLICY"), *count = getenv("GOMP_SPINCOUNT");
	printf("%s; %s; %ld cores; %.1f GiB; load average %.2f\n", when, model,
	       sysconf(_SC_NPROCESSORS_ONLN),
	       (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 1073741824.0,
	       load_average());
	printf("waiting threads poll %lu times before they sleep (OMP_WAIT_POLICY=%s, GOMP_SPINCOUNT=%s)\n",
	       gs_crew_spin(policy, count), policy ? policy : "unset", count ? count : "unset");
	const char *bind = getenv("OMP_PROC_BIND"), *places = getenv("OMP_PLACES"),
		   *affinity = getenv("GOMP_CPU_AFFINITY");
	int cpus = gs_place_cpus();
	printf("with a thread for each of the %d CPUs it may use, each thread %s (OMP_PROC_BIND=%s, "
	       "OMP_PLACES=%s, GOMP_CPU_AFFINITY=%s)\n\n",
	       cpus,
	       gs_place_wanted(cpus, cpus, bind, places, affinity) ? "keeps a CPU of its own"
								      : "goes where the system puts it",
	       bind ? bind : "unset", places ? places : "unset", affinity ? affinity : "unset");
}

int main(int argc, char **argv)
{
	int threads[8] = {1, 2}, n_threads = 2, beside[4] = {0, 1}, n_beside = 2, repeat = 1;
	gsl_set_error_handler_off();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: govsim-bench [--threads 1,2] [--beside quiet,busy] [--repeat N] "
			"SCENARIO...\n\n"
			"  --threads LIST   thread counts to measure, e.g. 1,2 (1 to 64 each)\n"
			"  --beside LIST    neighbours: quiet (the machine as it is), busy (beside a busy\n"
			"                   loop govsim-bench starts), busyK (beside K of them, 2 to 8)\n"
			"  --repeat N       best of N measures, the thread counts taking turns (1 to 100)\n");
		return argc < 2 ? 2 : 0;
	}
	int first = 1;
	while (first + 1 < argc && strncmp(argv[first], "--", 2) == 0) {
		if (strcmp(argv[first], "--threads") == 0) {
			n_threads = parse_list(argv[first + 1], threads, 8, "--threads",
					       "a thread count from 1 to 64", thread_count);
			if (n_threads < 0)
				return 2;
		} else if (strcmp(argv[first], "--repeat") == 0) {
			if ((repeat = whole(argv[first + 1], 1, 100)) < 0) {
				fprintf(stderr, "govsim-bench: --repeat: '%s' is not a count from 1 to 100\n",
					argv[first + 1]);
				return 2;
			}
		} else if (strcmp(argv[first], "--beside") == 0) {
			n_beside = parse_list(argv[first + 1], beside, 4, "--beside",
					      "quiet, busy or busyK with K from 2 to 8", neighbour);
			if (n_beside < 0)
				return 2;
		} else {
			fprintf(stderr, "govsim-bench: unknown option '%s'\n", argv[first]);
			return 2;
		}
		first += 2;
	}
	if (first < argc && strncmp(argv[first], "--", 2) == 0) {
		fprintf(stderr, "govsim-bench: %s needs a value (--help)\n", argv[first]);
		return 2;
	}
	if (first >= argc) {
		fprintf(stderr, "govsim-bench: no scenario to measure (--help)\n");
		return 2;
	}
	print_machine();
	double arith_before = arithmetic_pair(), line_before = line_round_trip();
	printf("%-12s %7s %6s %6s %9s %8s %13s %11s %9s %9s %8s %8s %6s\n", "scenario", "threads",
	       "beside", "load", "wall [s]", "cpu [s]", "cit-ticks/s", "events/s", "peak MiB",
	       "B/citizen", "speedup", "2 copies", "of it");
	size_t biggest = 0;
	struct row {
		const char *name;
		int threads, busy;
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
		for (int b = 0; b < n_beside; b++) {
			/* repeats alternate the thread counts, so that each sees the machine alike */
			struct measure best[8];
			double load[8], ceiling = NAN;
			int k1 = -1;
			for (int k = 0; k < n_threads; k++)
				if (threads[k] == 1)
					k1 = k;
			for (int r = 0; r < repeat; r++) {
				for (int k = 0; k < n_threads; k++) {
					struct measure m;
					double l = load_average();
					pid_t busy[8];
					bool started = busy_start_n(beside[b], busy) == 0;
					int rc = started ? measure(&pl, threads[k], &m) : -1;
					if (started)
						busy_stop_n(beside[b], busy);
					if (rc) {
						fprintf(stderr, "govsim-bench: %s with %d threads failed\n",
							argv[f], threads[k]);
						return 1;
					}
					if (r == 0 || m.wall < best[k].wall) {
						best[k] = m;
						load[k] = l;
					}
				}
				/* quiet, with a 1-thread measure: two copies of it at once (best of the repeats) */
				if (!beside[b] && k1 >= 0) {
					double c = pair_ceiling(&pl, best[k1].wall);
					if (isnan(c)) {
						fprintf(stderr, "govsim-bench: %s: two copies at once failed\n",
							argv[f]);
						return 1;
					}
					if (isnan(ceiling) || c > ceiling)
						ceiling = c;
				}
			}
			double wall1 = NAN;
			for (int k = 0; k < n_threads; k++) {
				struct measure m = best[k];
				if (threads[k] == 1)
					wall1 = m.wall;
				/* runs in memory at once: one per thread across runs, at least one */
				double at_once =
					(double)(runs < (size_t)threads[k] ? runs : (size_t)threads[k]);
				double per_cit = (m.peak_kb - m.base_kb) * 1024.0 / ((double)n_cit * at_once);
				double ct = (double)n_cit * ticks * (double)runs / m.wall;
				char cols[32] = "";
				if (!isnan(ceiling) && threads[k] > 1)
					snprintf(cols, sizeof(cols), " %8.2f %6.2f", ceiling,
						 wall1 / m.wall / ceiling);
				char name[16];
				printf("%-12s %7d %6s %6.2f %9.2f %8.2f %13.3g %11.3g %9.1f %9.0f %8.2f%s\n",
				       sc.name, threads[k], beside_name(beside[b], name, sizeof(name)), load[k],
				       m.wall, m.cpu, ct,
				       m.events / m.wall, m.peak_kb / 1024.0, per_cit, wall1 / m.wall, cols);
				fflush(stdout);
				if (n_rows < 64)
					rows[n_rows++] = (struct row){argv[f], threads[k], beside[b], ct,
								      m.events / m.wall};
			}
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
	printf("machine: plain arithmetic on 2 threads does %.2f times the work of 1 (before the "
	       "scenarios), %.2f (after)\n", arith_before, arithmetic_pair());
	double line_after = line_round_trip();
	if (isnan(line_before) || isnan(line_after))
		printf("machine: a cache line from one CPU to another and back: not measured (fewer "
		       "than two CPUs)\n");
	else
		printf("machine: a cache line from one CPU to another and back: %.0f ns (before the "
		       "scenarios), %.0f ns (after)\n", line_before, line_after);
	printf("\n%-36s %7s %6s %22s %18s\n", "ratio to the machine", "threads", "beside",
	       "citizen-ticks/s / scan", "events/s / loop");
	for (int r = 0; r < n_rows; r++) {
		char name[16];
		printf("%-36s %7d %6s %22.3f %18.4f\n", rows[r].name, rows[r].threads,
		       beside_name(rows[r].busy, name, sizeof(name)), rows[r].cit_ticks / s,
		       rows[r].events / e);
	}
	return 0;
}
