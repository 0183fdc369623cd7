/*
 * place.c - binding an ensemble's threads to CPUs of their own (place.h).
 */
#define _GNU_SOURCE /* sched_getaffinity, sched_setaffinity, sched_getcpu, CPU_SET */
#include "sim/core/place.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__linux__)
#include <sched.h>
#endif

/* A plan that binds nothing (no CPU list, no thread ran out of runs, no CPU freed). */
static void unbound(struct gs_place *pl)
{
	*pl = (struct gs_place){.on = false, .n_cpus = 0, .cpu = NULL, .loose = 0, .freed = -1};
}

bool gs_place_crowded(long long waited_ns, long long elapsed_ns)
{
	return waited_ns >= 0 && elapsed_ns > 0 && 4 * waited_ns >= elapsed_ns;
}

bool gs_place_wanted(int threads, int n_cpus, const char *proc_bind, const char *places,
		     const char *gomp_affinity)
{
	/* a user's placement wins, and OMP_PROC_BIND=false asks for none */
	if (proc_bind || places || gomp_affinity)
		return false;
	return threads >= 2 && threads == n_cpus;
}

#if defined(__linux__)

int gs_place_cpus(void)
{
	cpu_set_t mask;
	CPU_ZERO(&mask);
	return sched_getaffinity(0, sizeof(mask), &mask) ? 0 : CPU_COUNT(&mask);
}

int gs_place_plan(struct gs_place *pl, int threads)
{
	unbound(pl);
	cpu_set_t mask;
	CPU_ZERO(&mask);
	if (sched_getaffinity(0, sizeof(mask), &mask))
		return 0; /* unknown: nothing bound */
	int n = CPU_COUNT(&mask);
	if (!gs_place_wanted(threads, n, getenv("OMP_PROC_BIND"), getenv("OMP_PLACES"),
			     getenv("GOMP_CPU_AFFINITY")))
		return 0;
	if (!(pl->cpu = malloc((size_t)n * sizeof(*pl->cpu))))
		return -1;
	/* the calling thread keeps its CPU; the others take the rest in order */
	int here = sched_getcpu(), k = 0;
	if (here < 0 || here >= CPU_SETSIZE || !CPU_ISSET(here, &mask))
		here = -1;
	else
		pl->cpu[k++] = here;
	for (int c = 0; c < CPU_SETSIZE && k < n; c++)
		if (CPU_ISSET(c, &mask) && c != here)
			pl->cpu[k++] = c;
	pl->n_cpus = k;
	pl->on = k == n;
	return 0;
}

/* The plan the calling thread is bound by (NULL: none). */
static _Thread_local const struct gs_place *bound;
/* When it was bound [ns], and how long it had waited for a CPU by then [ns] (-1: unknown). */
static _Thread_local long long bound_at, waited_at = -1;

/* The calling thread's time ready but not running so far [ns], -1 if unknown. */
static long long waited(void)
{
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	if (!f)
		return -1;
	unsigned long long run, wait;
	int n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return n == 2 ? (long long)wait : -1;
}

static long long clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Bind the calling thread to CPU c alone: 0, or -1 if the system refused. */
static int bind_one(int c)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(c, &one);
	return sched_setaffinity(0, sizeof(one), &one) ? -1 : 0;
}

void gs_place_enter(const struct gs_place *pl, int k, int team)
{
	if (!pl->on || team != pl->n_cpus || k < 0 || k >= team)
		return;
	if (!bind_one(pl->cpu[k])) { /* failing changes only speed */
		bound = pl;
		bound_at = clock_ns();
		waited_at = waited();
	}
}

void gs_place_leave(const struct gs_place *pl)
{
	bound = NULL;
	if (!pl->on)
		return;
	cpu_set_t all;
	CPU_ZERO(&all);
	for (int k = 0; k < pl->n_cpus; k++)
		CPU_SET(pl->cpu[k], &all);
	(void)sched_setaffinity(0, sizeof(all), &all);
}

void gs_place_loosen(struct gs_place *pl)
{
	if (!pl->on)
		return;
	atomic_store(&pl->freed, bound == pl ? sched_getcpu() : -1);
	atomic_store(&pl->loose, 1);
	gs_place_leave(pl);
}

void gs_place_settle(bool crowded)
{
	const struct gs_place *pl = bound;
	if (!pl)
		return;
	int to = atomic_load(&pl->freed);
	if (crowded && to >= 0 && to != sched_getcpu() && !bind_one(to)) {
		bound = NULL; /* settled: the thread keeps that CPU until it leaves the plan */
		return;
	}
	gs_place_leave(pl);
}

void gs_place_poll(void)
{
	/* acquire: the CPU freed, stored before the flag, is seen with it */
	if (!bound || !atomic_load_explicit(&bound->loose, memory_order_acquire))
		return;
	long long w = waited();
	gs_place_settle(gs_place_crowded(w < 0 || waited_at < 0 ? -1 : w - waited_at,
					 clock_ns() - bound_at));
}

#else

int gs_place_cpus(void)
{
	return 0;
}

int gs_place_plan(struct gs_place *pl, int threads)
{
	(void)threads;
	unbound(pl);
	return 0;
}

void gs_place_enter(const struct gs_place *pl, int k, int team)
{
	(void)pl;
	(void)k;
	(void)team;
}

void gs_place_leave(const struct gs_place *pl)
{
	(void)pl;
}

void gs_place_loosen(struct gs_place *pl)
{
	(void)pl;
}

void gs_place_settle(bool crowded)
{
	(void)crowded;
}

void gs_place_poll(void)
{
}

#endif

void gs_place_free(struct gs_place *pl)
{
	free(pl->cpu);
	unbound(pl);
}
