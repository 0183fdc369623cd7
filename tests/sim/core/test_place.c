/*
 * test_place.c - when an ensemble's threads are bound to CPUs of their own,
 * and that binding and letting go move the calling thread as planned.
 */
#define _GNU_SOURCE /* sched_getaffinity, sched_getcpu, CPU_COUNT */
#include "testutil.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/place.h"

/* Bound only with a thread for every CPU (two or more), and only when the user placed none. */
static void test_wanted(void **state)
{
	(void)state;
	assert_true(gs_place_wanted(2, 2, NULL, NULL, NULL));
	assert_true(gs_place_wanted(64, 64, NULL, NULL, NULL));
	assert_false(gs_place_wanted(1, 1, NULL, NULL, NULL));  /* one thread: nothing to keep apart */
	assert_false(gs_place_wanted(2, 4, NULL, NULL, NULL));  /* idle CPUs: the system may use them */
	assert_false(gs_place_wanted(4, 2, NULL, NULL, NULL));  /* more threads than CPUs */
	assert_false(gs_place_wanted(2, 0, NULL, NULL, NULL));  /* CPUs unknown */
	assert_false(gs_place_wanted(2, 2, "false", NULL, NULL));
	assert_false(gs_place_wanted(2, 2, "spread", NULL, NULL));
	assert_false(gs_place_wanted(2, 2, NULL, "cores", NULL));
	assert_false(gs_place_wanted(2, 2, NULL, NULL, "0-1"));
}

/* The environment variables a plan reads, unset for a test and put back after it. */
static const char *const VARS[] = {"OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY"};
#define N_VARS (sizeof(VARS) / sizeof(VARS[0]))

struct saved_env {
	char *value[N_VARS];
};

static void env_clear(struct saved_env *s)
{
	for (size_t i = 0; i < N_VARS; i++) {
		const char *v = getenv(VARS[i]);
		s->value[i] = v ? strdup(v) : NULL;
		unsetenv(VARS[i]);
	}
}

static void env_restore(struct saved_env *s)
{
	for (size_t i = 0; i < N_VARS; i++) {
		if (s->value[i])
			setenv(VARS[i], s->value[i], 1);
		else
			unsetenv(VARS[i]);
		free(s->value[i]);
	}
}

static int cpus_allowed(cpu_set_t *mask)
{
	CPU_ZERO(mask);
	assert_int_equal(sched_getaffinity(0, sizeof(*mask), mask), 0);
	return CPU_COUNT(mask);
}

/* A thread that ran out of runs: it loosens the plan. */
static void *loosen(void *pl)
{
	gs_place_loosen(pl);
	return NULL;
}

/* Thread 0 of a team of as many threads as CPUs: bound to its CPU, it runs out of runs. */
static void *bound_then_loosen(void *arg)
{
	struct gs_place *pl = arg;
	gs_place_enter(pl, 0, pl->n_cpus);
	gs_place_loosen(pl);
	return NULL;
}

/* Crowded: waiting for its CPU a quarter of the time or more; unknown figures are not. */
static void test_crowded(void **state)
{
	(void)state;
	assert_true(gs_place_crowded(250, 1000));
	assert_true(gs_place_crowded(900, 1000));
	assert_false(gs_place_crowded(249, 1000));
	assert_false(gs_place_crowded(0, 1000));
	assert_false(gs_place_crowded(-1, 1000));
	assert_false(gs_place_crowded(10, 0));
}

/*
 * A plan for a thread on every CPU lists each CPU once, the calling
 * thread's first; entering binds the calling thread to its CPU alone,
 * leaving gives it every CPU back. Fewer threads, or OMP_PROC_BIND set,
 * bind nothing.
 */
static void test_plan_enter_leave(void **state)
{
	(void)state;
	struct saved_env env;
	env_clear(&env);
	cpu_set_t mask, now;
	int n = cpus_allowed(&mask);
	assert_int_equal(gs_place_cpus(), n);

	struct gs_place pl;
	assert_int_equal(gs_place_plan(&pl, n), 0);
	if (n < 2) {
		/* one CPU: nothing to keep apart, nothing bound */
		assert_false(pl.on);
		gs_place_enter(&pl, 0, n);
		assert_int_equal(cpus_allowed(&now), n);
		gs_place_free(&pl);
		env_restore(&env);
		skip();
	}
	assert_true(pl.on);
	assert_int_equal(pl.n_cpus, n);
	cpu_set_t seen;
	CPU_ZERO(&seen);
	for (int k = 0; k < n; k++) {
		assert_true(CPU_ISSET(pl.cpu[k], &mask));
		assert_false(CPU_ISSET(pl.cpu[k], &seen));
		CPU_SET(pl.cpu[k], &seen);
	}

	/* thread 1's CPU, then every CPU again */
	gs_place_enter(&pl, 1, n);
	assert_int_equal(cpus_allowed(&now), 1);
	assert_true(CPU_ISSET(pl.cpu[1], &now));
	assert_int_equal(sched_getcpu(), pl.cpu[1]);
	gs_place_leave(&pl);
	assert_int_equal(cpus_allowed(&now), n);
	assert_true(CPU_EQUAL(&now, &mask));

	/*
	 * loosened by another thread (one that ran out of runs): a bound
	 * thread keeps its CPU until its next poll, then has every CPU
	 */
	gs_place_enter(&pl, 1, n);
	gs_place_poll();
	assert_int_equal(cpus_allowed(&now), 1);
	pthread_t other;
	assert_int_equal(pthread_create(&other, NULL, loosen, &pl), 0);
	assert_int_equal(pthread_join(other, NULL), 0);
	assert_int_equal(pl.freed, -1); /* that thread was bound to no CPU: none freed */
	assert_int_equal(cpus_allowed(&now), 1);
	gs_place_poll();
	assert_int_equal(cpus_allowed(&now), n);
	assert_true(CPU_EQUAL(&now, &mask));
	pl.loose = 0;

	/*
	 * loosened by thread 0, bound to its CPU: thread 1, crowded on its
	 * own, moves to the CPU freed and keeps it until it leaves the plan;
	 * not crowded, it lets go of its CPU
	 */
	for (int crowded = 1; crowded >= 0; crowded--) {
		gs_place_enter(&pl, 1, n);
		assert_int_equal(pthread_create(&other, NULL, bound_then_loosen, &pl), 0);
		assert_int_equal(pthread_join(other, NULL), 0);
		assert_int_equal(pl.freed, pl.cpu[0]);
		gs_place_settle(crowded);
		if (crowded) {
			assert_int_equal(cpus_allowed(&now), 1);
			assert_true(CPU_ISSET(pl.cpu[0], &now));
			assert_int_equal(sched_getcpu(), pl.cpu[0]);
			gs_place_poll(); /* settled: nothing more */
			assert_int_equal(cpus_allowed(&now), 1);
			gs_place_leave(&pl);
		}
		assert_int_equal(cpus_allowed(&now), n);
		assert_true(CPU_EQUAL(&now, &mask));
		pl.loose = 0;
		pl.freed = -1;
	}

	/* a team of another size than planned is not bound */
	gs_place_enter(&pl, 0, n - 1);
	assert_int_equal(cpus_allowed(&now), n);
	gs_place_free(&pl);
	assert_false(pl.on);

	/* fewer threads than CPUs: nothing bound */
	assert_int_equal(gs_place_plan(&pl, n - 1), 0);
	assert_false(pl.on);
	gs_place_enter(&pl, 0, n - 1);
	assert_int_equal(cpus_allowed(&now), n);
	gs_place_free(&pl);

	/* the user's OMP_PROC_BIND=false: nothing bound */
	setenv("OMP_PROC_BIND", "false", 1);
	assert_int_equal(gs_place_plan(&pl, n), 0);
	assert_false(pl.on);
	gs_place_enter(&pl, 0, n);
	assert_int_equal(cpus_allowed(&now), n);
	gs_place_free(&pl);
	env_restore(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_crowded),
		cmocka_unit_test(test_plan_enter_leave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
