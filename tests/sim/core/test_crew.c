/*
 * test_crew.c - the threads of an ensemble sharing blocks: every block done
 * exactly once whoever does it, failures reported, blocks inside blocks
 * done alone, and the waiting rule taken from the OpenMP environment.
 * Nothing here times anything.
 */
#include "testutil.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "sim/core/crew.h"

/* The waiting rule: GOMP_SPINCOUNT first, then OMP_WAIT_POLICY, else the default. */
static void test_spin_from_environment_values(void **state)
{
	(void)state;
	assert_int_equal(gs_crew_spin(NULL, NULL), GS_CREW_SPIN);
	assert_int_equal(gs_crew_spin("passive", NULL), 0);
	assert_int_equal(gs_crew_spin(" PASSIVE ", NULL), 0);
	assert_true(gs_crew_spin("active", NULL) == ULONG_MAX);
	assert_true(gs_crew_spin("Active", NULL) == ULONG_MAX);
	assert_int_equal(gs_crew_spin("passive", "1000"), 1000);
	assert_int_equal(gs_crew_spin("active", "0"), 0);
	assert_int_equal(gs_crew_spin(NULL, "10k"), 10000);
	assert_int_equal(gs_crew_spin(NULL, "3M"), 3000000);
	assert_true(gs_crew_spin(NULL, "infinite") == ULONG_MAX);
	assert_true(gs_crew_spin("passive", "INFINITY") == ULONG_MAX);
	/* what the runtime would not read either is ignored */
	assert_int_equal(gs_crew_spin(NULL, "lots"), GS_CREW_SPIN);
	assert_int_equal(gs_crew_spin("passive", "12x"), 0);
	assert_int_equal(gs_crew_spin("sometimes", ""), GS_CREW_SPIN);
}

/* A crew reads the process's environment when it is made; a user's setting wins. */
static void test_crew_reads_the_environment(void **state)
{
	(void)state;
	const char *policy = getenv("OMP_WAIT_POLICY"), *count = getenv("GOMP_SPINCOUNT");
	char *saved_policy = policy ? strdup(policy) : NULL, *saved_count = count ? strdup(count) : NULL;
	unsetenv("GOMP_SPINCOUNT");
	unsetenv("OMP_WAIT_POLICY");
	struct gs_crew *c = gs_crew_new(2);
	assert_non_null(c);
	assert_int_equal(gs_crew_polls(c), GS_CREW_SPIN);
	gs_crew_free(c);
	setenv("OMP_WAIT_POLICY", "passive", 1);
	c = gs_crew_new(2);
	assert_int_equal(gs_crew_polls(c), 0);
	gs_crew_free(c);
	setenv("GOMP_SPINCOUNT", "250", 1);
	c = gs_crew_new(2);
	assert_int_equal(gs_crew_polls(c), 250);
	gs_crew_free(c);
	unsetenv("GOMP_SPINCOUNT");
	unsetenv("OMP_WAIT_POLICY");
	if (saved_policy)
		setenv("OMP_WAIT_POLICY", saved_policy, 1);
	if (saved_count)
		setenv("GOMP_SPINCOUNT", saved_count, 1);
	free(saved_policy);
	free(saved_count);
}

/* Blocks count their visits; block `fail` (if < n) fails; merges check their order. */
struct visits {
	atomic_int *count;
	size_t fail;
	size_t merged;  /* blocks merged */
	int owner;      /* the thread that hands the blocks over */
	int bad_merges;
};

/* Merges come in block order, on the owner's thread, after their block (and those before). */
static int merge_visit(void *ctx, size_t b)
{
	struct visits *v = ctx;
	if (b != v->merged || omp_get_thread_num() != v->owner)
		v->bad_merges++;
	for (size_t k = 0; k <= b; k++)
		if (atomic_load(&v->count[k]) != 1)
			v->bad_merges++;
	v->merged++;
	return 0;
}

static int visit(void *ctx, size_t b)
{
	struct visits *v = ctx;
	atomic_fetch_add(&v->count[b], 1);
	return b == v->fail ? -1 : 0;
}

/* A block that runs blocks of its own: they are done alone, by the same thread. */
static int visit_inside(void *ctx, size_t b)
{
	struct visits *v = ctx;
	int me = omp_get_thread_num(), seen = -2;
	atomic_int inner[3] = {0};
	struct visits in = {inner, SIZE_MAX, 0, me, 0};
	if (gs_crew_run(3, visit, NULL, &in))
		return -1;
	for (int k = 0; k < 3; k++)
		if (atomic_load(&inner[k]) != 1)
			return -1;
	seen = omp_get_thread_num();
	atomic_fetch_add(&v->count[b], 1);
	return seen == me ? 0 : -1;
}

enum { N_BATCHES = 300, N_BLOCKS = 37 };

/*
 * `owners` threads each hand N_BATCHES batches of blocks to a crew of
 * `threads` threads (the rest only help): every block of every batch runs
 * once, each batch's failure is its own, and (every other batch) blocks
 * are merged in order on the owner's thread, each after its block.
 */
static void share(int threads, int owners, unsigned long spin)
{
	char polls[32];
	snprintf(polls, sizeof(polls), "%lu", spin);
	setenv("GOMP_SPINCOUNT", polls, 1);
	struct gs_crew *c = gs_crew_new(threads);
	unsetenv("GOMP_SPINCOUNT");
	assert_non_null(c);
	atomic_int finished = 0, bad = 0;
#pragma omp parallel num_threads(threads) default(none) shared(c, threads, owners, finished, bad)
	{
		int me = omp_get_thread_num();
		gs_crew_join(c);
		if (me < owners) {
			atomic_int count[N_BLOCKS];
			for (int k = 0; k < N_BATCHES; k++) {
				for (int b = 0; b < N_BLOCKS; b++)
					atomic_init(&count[b], 0);
				size_t fail = k % 3 == 0 ? (size_t)(k % N_BLOCKS) : SIZE_MAX;
				struct visits v = {count, fail, 0, me, 0};
				int rc = gs_crew_run(N_BLOCKS, visit, k % 2 ? merge_visit : NULL, &v);
				if (rc != (fail < N_BLOCKS ? -1 : 0) || v.bad_merges ||
				    v.merged != (k % 2 ? N_BLOCKS : 0))
					atomic_fetch_add(&bad, 1);
				for (int b = 0; b < N_BLOCKS; b++)
					if (atomic_load(&count[b]) != 1)
						atomic_fetch_add(&bad, 1);
			}
			atomic_int outer[5] = {0};
			struct visits v = {outer, SIZE_MAX, 0, me, 0};
			if (gs_crew_run(5, visit_inside, NULL, &v))
				atomic_fetch_add(&bad, 1);
			for (int b = 0; b < 5; b++)
				if (atomic_load(&outer[b]) != 1)
					atomic_fetch_add(&bad, 1);
			if (atomic_fetch_add(&finished, 1) + 1 == owners)
				gs_crew_close(c);
		}
		gs_crew_help(c);
		gs_crew_join(NULL);
	}
	assert_int_equal(atomic_load(&bad), 0);
	gs_crew_free(c);
}

static void test_every_block_once(void **state)
{
	(void)state;
	share(1, 1, GS_CREW_SPIN);
	share(2, 1, GS_CREW_SPIN);
	share(2, 2, GS_CREW_SPIN);
	share(4, 3, GS_CREW_SPIN);
	/* sleeping at once, and polling long */
	share(3, 1, 0);
	share(3, 2, 0);
	share(3, 2, 1000000);
}

/* Outside any crew, blocks run on the calling thread in order, each merged after it. */
static int in_order(void *ctx, size_t b)
{
	size_t *next = ctx;
	if (*next != 2 * b)
		return -1;
	(*next)++;
	return 0;
}

static int merged_in_order(void *ctx, size_t b)
{
	size_t *next = ctx;
	if (*next != 2 * b + 1)
		return -1;
	(*next)++;
	return 0;
}

static void test_alone_in_order(void **state)
{
	(void)state;
	size_t next = 0;
	gs_crew_join(NULL);
	assert_int_equal(gs_crew_run(50, in_order, merged_in_order, &next), 0);
	assert_int_equal(next, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spin_from_environment_values),
		cmocka_unit_test(test_crew_reads_the_environment),
		cmocka_unit_test(test_every_block_once),
		cmocka_unit_test(test_alone_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
