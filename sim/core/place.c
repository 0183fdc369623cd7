/*
 * place.c - binding an ensemble's threads to CPUs of their own (place.h).
 */
#define _GNU_SOURCE /* sched_getaffinity, sched_setaffinity, sched_getcpu, CPU_SET */
#include "sim/core/place.h"

#include <stdatomic.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sched.h>
#endif

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
	*pl = (struct gs_place){false, 0, NULL, 0};
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

void gs_place_enter(const struct gs_place *pl, int k, int team)
{
	if (!pl->on || team != pl->n_cpus || k < 0 || k >= team)
		return;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(pl->cpu[k], &one);
	if (!sched_setaffinity(0, sizeof(one), &one)) /* failing changes only speed */
		bound = pl;
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
	atomic_store(&pl->loose, 1);
	gs_place_leave(pl);
}

void gs_place_poll(void)
{
	if (bound && atomic_load_explicit(&bound->loose, memory_order_relaxed))
		gs_place_leave(bound);
}

#else

int gs_place_cpus(void)
{
	return 0;
}

int gs_place_plan(struct gs_place *pl, int threads)
{
	(void)threads;
	*pl = (struct gs_place){false, 0, NULL, 0};
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

void gs_place_poll(void)
{
}

#endif

void gs_place_free(struct gs_place *pl)
{
	free(pl->cpu);
	*pl = (struct gs_place){false, 0, NULL, 0};
}
