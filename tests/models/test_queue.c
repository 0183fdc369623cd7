/*
 * test_queue.c - queue discipline (models/queue.c): first come first
 * served, need, breach-chasing and parking, creaming, deterministic ties,
 * and withdrawn cases leaving the queue.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/queue.h"
#include "models/world.h"

/* One team, no spontaneous needs, every queue weight off unless a test sets it. */
static void queue_params(struct gs_params *p)
{
	gs_test_params(p, 20, 0, 1, 1, 200);
	p->service.time_target = 10;
	p->mechanism.escalation = false;
	p->regime.weight_need = 0;
	p->regime.weight_wait = 0;
	p->regime.weight_breach = 0;
	p->regime.weight_success = 0;
	p->workforce.chasing_pressure = 0; /* the weights as set, whatever the pressure felt */
}

/* Citizen c's need (severity sev, `left` components) gets a case opened at `opened`, queued. */
static int32_t queue_case(struct gs_world *w, int32_t c, int32_t opened, double sev, int left)
{
	int32_t now = w->tick;
	w->tick = opened;
	int32_t id = gs_test_queue_case(w, c, left);
	w->cit[c].sev0 = (float)sev;
	gs_case_sync(w, id, c); /* the case's copies of the citizen's severity and components */
	w->tick = now;
	return id;
}

/* The queue holds exactly the ids `want`, in that order. */
static void assert_order(const struct gs_world *w, const int32_t *want, size_t n)
{
	const struct gs_queue *q = &w->queue[0];
	assert_int_equal(q->len, n);
	for (size_t i = 0; i < n; i++) {
		if (q->ids[i] != want[i]) {
			print_error("position %zu: case %d, want %d\n", i, q->ids[i], want[i]);
			fail();
		}
	}
}

/* Waiting time only: first come, first served, whatever the need. */
static void test_fifo(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.regime.weight_wait = 1;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t a = queue_case(w, 0, 8, 0.9, 5);
	int32_t b = queue_case(w, 1, 2, 0.1, 1);
	int32_t c = queue_case(w, 2, 5, 0.5, 3);
	int32_t d = queue_case(w, 3, 30, 0.5, 3);
	w->tick = 40; /* every case is past its target: still by age */
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {b, c, a, d};
	assert_order(w, want, 4);
	assert_true(gs_queue_priority(w, b, 40) > gs_queue_priority(w, a, 40));
	/* waiting counts from the recorded start */
	w->cases.rec[b].rec_start = 39;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want2[] = {c, a, d, b};
	assert_order(w, want2, 4);
	gs_world_free(w);
}

/* Need: the more severe, then the more complex case first, whatever its age. */
static void test_need(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.regime.weight_need = 2;
	p.regime.weight_wait = 0.01;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t mild = queue_case(w, 0, 0, 0.2, 2);
	int32_t severe = queue_case(w, 1, 6, 0.8, 2);
	int32_t complex = queue_case(w, 2, 6, 0.2, 6);
	w->tick = 7;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {severe, complex, mild};
	assert_order(w, want, 3);
	/* only components still left count */
	w->cit[2].left = 1;
	gs_case_sync(w, complex, 2);
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want2[] = {severe, mild, complex};
	assert_order(w, want2, 3);
	/*
	 * severity escalating while waiting raises priority: from 0.2 to
	 * nearly 1 after 6 time constants, the need term from 0.1 to ~0.5
	 */
	double before = gs_queue_priority(w, mild, 7);
	p.mechanism.escalation = true;
	p.cls[0].escalation_time = 5;
	assert_true(gs_queue_priority(w, mild, 37) > before + 0.35);
	gs_world_free(w);
}

/* Breach-chasing: a case near its target outranks a new one; once breached it is parked. */
static void test_breach(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.regime.weight_breach = 3;
	p.regime.weight_wait = 0;
	struct gs_world *w = gs_test_world(&p, 1);
	w->tick = 20;
	int32_t fresh = queue_case(w, 0, 20, 0.5, 2);
	int32_t breached = queue_case(w, 1, 9, 0.5, 2);  /* waited 11 > 10 */
	int32_t nearly = queue_case(w, 2, 11, 0.5, 2);   /* waited 9 */
	int32_t at = queue_case(w, 3, 10, 0.5, 2);       /* waited exactly 10 */
	int32_t half = queue_case(w, 4, 15, 0.5, 2);     /* waited 5 */
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {at, nearly, half, fresh, breached};
	assert_order(w, want, 5);
	assert_true(gs_queue_priority(w, breached, 20) < gs_queue_priority(w, fresh, 20));
	/* pressure grows ever faster towards the target */
	double p5 = gs_queue_priority(w, half, 20), p9 = gs_queue_priority(w, nearly, 20);
	assert_true(p9 - p5 > 4 * (p5 - gs_queue_priority(w, fresh, 20)));
	/* a parked case stays behind new ones however long it waits */
	w->tick = 100;
	int32_t newer = queue_case(w, 5, 100, 0.5, 2);
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	assert_int_equal(w->queue[0].ids[0], newer);
	gs_world_free(w);
}

/* Creaming: fewer components left first. */
static void test_success(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.regime.weight_success = 1;
	p.regime.weight_wait = 0.1;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t four = queue_case(w, 0, 0, 0.9, 4);
	int32_t two = queue_case(w, 1, 1, 0.2, 2);
	int32_t one = queue_case(w, 2, 2, 0.2, 1);
	w->tick = 3;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {one, two, four};
	assert_order(w, want, 3);
	gs_world_free(w);
}

/* Equal priorities: the earlier opened case first, then the lower id, whatever the queue order. */
static void test_ties(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	/* all weights 0: every priority is 0 */
	int32_t id[6];
	for (int i = 0; i < 6; i++)
		id[i] = queue_case(w, i, 4, 0.1 * i, 1 + i);
	/* reverse the queue */
	struct gs_queue *q = &w->queue[0];
	for (size_t i = 0; i < q->len / 2; i++) {
		int32_t tmp = q->ids[i];
		q->ids[i] = q->ids[q->len - 1 - i];
		q->ids[q->len - 1 - i] = tmp;
	}
	w->cases.rec[id[4]].opened = 2;
	w->cases.rec[id[1]].opened = 3;
	w->tick = 9;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {id[4], id[1], id[0], id[2], id[3], id[5]};
	assert_order(w, want, 6);
	/* the same again from another starting order */
	q->ids[0] = id[5];
	q->ids[5] = id[4];
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	assert_order(w, want, 6);

	/* equal waiting time by the recorded clock: the earlier true start wins */
	p.regime.weight_wait = 1;
	for (int i = 0; i < 6; i++)
		w->cases.rec[id[i]].rec_start = 6;
	w->cases.rec[id[5]].opened = 1;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	assert_int_equal(q->ids[0], id[5]);
	gs_world_free(w);
}

/* Whether each id of a[0..n) comes before the next by the queue's order at tick t. */
static void assert_priority_order(const struct gs_world *w, const int32_t *a, size_t n, int32_t t)
{
	for (size_t i = 0; i + 1 < n; i++) {
		double x = gs_queue_priority(w, a[i], t), y = gs_queue_priority(w, a[i + 1], t);
		int32_t ox = w->cases.rec[a[i]].opened, oy = w->cases.rec[a[i + 1]].opened;
		assert_true(x > y || (x == y && (ox < oy || (ox == oy && a[i] < a[i + 1]))));
	}
}

/*
 * The hint of an ordered prefix changes the speed, never the order: a queue
 * ordered yesterday with today's cases after it, a hint that is true, one
 * that is false (a reversed queue called ordered) and none give the one
 * order of the priorities; gs_queue_order keeps the hint as cases leave.
 */
static void test_order_hint(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.population.citizens = 400;
	p.mechanism.escalation = true;
	p.regime.weight_need = 1;
	p.regime.weight_wait = 0.3;
	struct gs_world *w = gs_test_world(&p, 1);
	uint32_t x = 2024;
	for (int32_t c = 0; c < 300; c++) {
		x = x * 1664525u + 1013904223u;
		queue_case(w, c, (int32_t)(x >> 28), (double)(x >> 8) / 16777216.0, 1 + (int)(x % 4));
	}
	w->tick = 20;
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	struct gs_queue *q = &w->queue[0];
	assert_int_equal(q->sorted, 300);
	/* some cases leave, new ones come; a day later the order moves */
	for (size_t i = 0; i < q->len; i += 7)
		w->cases.rec[q->ids[i]].status = GS_CASE_ACTIVE;
	assert_int_equal(gs_queue_keep_waiting(w, q, NULL), 0);
	assert_int_equal(q->len, 300 - 43);
	assert_int_equal(q->sorted, 300 - 43);
	for (int32_t c = 300; c < 340; c++)
		queue_case(w, c, 21, 0.5, 2);
	w->tick = 21;
	size_t n = q->len;
	int32_t *same = malloc(n * sizeof(*same)), *rev = malloc(n * sizeof(*rev));
	for (size_t i = 0; i < n; i++) {
		same[i] = q->ids[i];
		rev[i] = q->ids[n - 1 - i];
	}
	assert_int_equal(gs_order_by_priority(w, same, n, 0), 0);
	assert_int_equal(gs_order_by_priority(w, rev, n, n), 0); /* a false hint */
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);              /* the true one */
	assert_int_equal(q->len, n);
	assert_priority_order(w, q->ids, n, 21);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(same[i], q->ids[i]);
		assert_int_equal(rev[i], q->ids[i]);
	}
	free(same);
	free(rev);
	gs_world_free(w);
}

/*
 * Take withdrawn cases out of every team's queue as the casework phase
 * does (each team apart), the ids back to the pool in team order; returns
 * how many.
 */
static size_t purge_all(struct gs_world *w)
{
	size_t total = 0;
	for (size_t t = 0; t < w->n_teams; t++) {
		struct gs_withdrawn wd = {0};
		assert_int_equal(gs_queue_keep_waiting(w, &w->queue[t], &wd), 0);
		for (size_t i = 0; i < wd.n; i++) {
			assert_int_equal(w->cases.rec[wd.ids[i]].status, GS_CASE_FREE);
			gs_cases_push(&w->cases, wd.ids[i]);
		}
		total += wd.n;
		free(wd.ids);
	}
	return total;
}

/* Withdrawn cases leave the queues when purged (before casework) and go back to the pool. */
static void test_withdrawn(void **state)
{
	(void)state;
	struct gs_params p;
	queue_params(&p);
	p.regime.weight_wait = 1;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t a = queue_case(w, 0, 1, 0.5, 2);
	int32_t b = queue_case(w, 1, 2, 0.5, 2);
	int32_t c = queue_case(w, 2, 3, 0.5, 2);
	/* citizen 1 gives up, as the contact phase does it */
	w->cases.rec[b].status = GS_CASE_WITHDRAWN;
	w->cit[1].case_of = -1;
	gs_need_end(w, 1);
	w->n_in_service--;
	w->total_abandoned++;
	w->tick = 5;
	assert_int_equal(purge_all(w), 1);
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	int32_t want[] = {a, c};
	assert_order(w, want, 2);
	assert_int_equal(w->cases.rec[b].status, GS_CASE_FREE);
	assert_world_ok(w);
	/* its id is free for the next case */
	assert_int_equal(gs_case_open(w, 7, 0), b);

	/* a queue left with a single withdrawn case is emptied too */
	w->cases.rec[a].status = GS_CASE_WITHDRAWN;
	w->cases.rec[c].status = GS_CASE_WITHDRAWN;
	assert_int_equal(purge_all(w), 2);
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	assert_int_equal(w->queue[0].len, 0);
	assert_int_equal(w->cases.rec[a].status, GS_CASE_FREE);
	assert_int_equal(w->cases.rec[c].status, GS_CASE_FREE);

	/* ordering a queue takes its withdrawn cases out on the way, ids in queue order */
	int32_t d = queue_case(w, 3, 4, 0.5, 2), e = queue_case(w, 4, 5, 0.5, 2);
	int32_t f = queue_case(w, 5, 6, 0.5, 2);
	w->cases.rec[f].status = GS_CASE_WITHDRAWN;
	w->cases.rec[d].status = GS_CASE_WITHDRAWN;
	struct gs_withdrawn wd = {0};
	assert_int_equal(gs_queue_order(w, 0, &wd), 0);
	assert_int_equal(wd.n, 2);
	assert_int_equal(wd.ids[0], d);
	assert_int_equal(wd.ids[1], f);
	assert_int_equal(w->cases.rec[d].status, GS_CASE_FREE);
	assert_int_equal(w->queue[0].len, 1);
	assert_int_equal(w->queue[0].ids[0], e);
	free(wd.ids);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_order_hint),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_breach),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_withdrawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
