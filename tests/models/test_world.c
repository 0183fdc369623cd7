/*
 * test_world.c - the run's state (models/world.c): severity and wellbeing
 * in closed form, trust learning, the event scheduler, the case pool, the
 * conservation check, and which worlds share their phases.
 */
#include "testutil.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "models/citizen.h"
#include "models/queue.h"
#include "models/world.h"
#include "sim/core/stop.h"

/* A small world's parameters: one team, no needs unless a test asks. */
static void small_params(struct gs_params *p)
{
	gs_test_params(p, 20, 0, 1, 2, 100);
}

/* Severity follows 1 - (1 - s0) exp(-(t - t0) / escalation_time), rising towards 1. */
static void test_severity_closed_form(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.cls[0].escalation_time = 60;
	struct gs_world *w = gs_test_world(&p, 1);
	w->tick = 10;
	gs_test_new_need(w, 3, 0.3, 1);
	double s0 = w->cit[3].sev0;
	assert_double_close(gs_severity(w, 3, 10), s0, 1e-12);
	assert_double_close(gs_severity(w, 3, 70), 1 - (1 - s0) * exp(-1.0), 1e-9);
	assert_double_close(gs_severity(w, 3, 40), 1 - (1 - s0) * exp(-0.5), 1e-9);
	double prev = s0;
	for (int32_t t = 11; t < 2000; t += 7) {
		double s = gs_severity(w, 3, t);
		assert_true(s > prev && s < 1);
		prev = s;
	}
	assert_true(gs_severity(w, 3, 2000) > 0.999);
	/* a slower escalation: lower severity at the same tick */
	double fast = gs_severity(w, 3, 50);
	p.cls[0].escalation_time = 120;
	assert_true(gs_severity(w, 3, 50) < fast);

	p.mechanism.escalation = false;
	for (int32_t t = 10; t < 2000; t += 97)
		assert_double_close(gs_severity(w, 3, t), s0, 1e-12);
	gs_world_free(w);
}

/* Wellbeing relaxes towards 1 with no need, with time constant population.wellbeing_time. */
static void test_wellbeing_no_need(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.population.wellbeing_time = 30;
	struct gs_world *w = gs_test_world(&p, 1);
	w->cit[0].wb = 0.4f;
	w->cit[0].wb_t = 5;
	double wb0 = w->cit[0].wb;
	assert_double_close(gs_wellbeing(w, 0, 5), wb0, 1e-12);
	/* one time constant closes the gap to 1 by a factor e */
	assert_double_close(1 - gs_wellbeing(w, 0, 35), (1 - wb0) * exp(-1.0), 1e-9);
	assert_double_close(1 - gs_wellbeing(w, 0, 65), (1 - wb0) * exp(-2.0), 1e-9);
	assert_true(gs_wellbeing(w, 0, 1000) > 0.9999);
	/* reading it does not change the citizen */
	assert_double_close(w->cit[0].wb, wb0, 0);
	assert_int_equal(w->cit[0].wb_t, 5);
	/* updating in two steps gives the same as one */
	gs_wellbeing_update(w, 0, 20);
	assert_double_close(gs_wellbeing(w, 0, 35), 1 - (1 - wb0) * exp(-1.0), 1e-6);
	gs_world_free(w);
}

/* With an open need wellbeing relaxes towards 1 - severity. */
static void test_wellbeing_open_need(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.population.wellbeing_time = 30;
	p.mechanism.escalation = false;
	struct gs_world *w = gs_test_world(&p, 1);
	w->tick = 0;
	w->cit[1].wb = 0.9f;
	w->cit[1].wb_t = 0;
	gs_test_new_need(w, 1, 0.6, 2);
	double wb0 = w->cit[1].wb, target = 1 - (double)w->cit[1].sev0;
	assert_double_close(gs_wellbeing(w, 1, 30), target + (wb0 - target) * exp(-1.0), 1e-6);
	assert_double_close(gs_wellbeing(w, 1, 1000), target, 1e-6);
	/* falls below where it would be without the need */
	w->cit[1].state = GS_NEED_NONE;
	double none = gs_wellbeing(w, 1, 30);
	w->cit[1].state = GS_NEED_PENDING;
	assert_true(gs_wellbeing(w, 1, 30) < none);

	/* with escalation the target keeps falling: wellbeing ends near 0 */
	p.mechanism.escalation = true;
	p.cls[0].escalation_time = 20;
	double a = gs_wellbeing(w, 1, 60), b = gs_wellbeing(w, 1, 400);
	assert_true(b < a);
	assert_true(b < 0.05);
	gs_world_free(w);
}

/* Trust moves towards q by population.trust_learning, not at all with mechanism.trust off. */
static void test_trust_update(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.population.trust_learning = 0.2;
	struct gs_world *w = gs_test_world(&p, 1);
	w->cit[0].trust = 0.5f;
	gs_trust_update(w, 0, 1.0);
	assert_double_close(w->cit[0].trust, 0.6, 1e-6);
	gs_trust_update(w, 0, 0.0);
	assert_double_close(w->cit[0].trust, 0.48, 1e-6);
	w->cit[1].trust = 0.3f;
	gs_trust_update(w, 1, 0.3);
	assert_double_close(w->cit[1].trust, 0.3, 1e-6);

	/* repeated experiences converge on their quality */
	for (int i = 0; i < 200; i++)
		gs_trust_update(w, 0, 0.7);
	assert_double_close(w->cit[0].trust, 0.7, 1e-4);

	p.population.trust_learning = 0.5;
	w->cit[2].trust = 0.2f;
	gs_trust_update(w, 2, 1.0);
	assert_double_close(w->cit[2].trust, 0.6, 1e-6);

	p.mechanism.trust = false;
	w->cit[3].trust = 0.4f;
	gs_trust_update(w, 3, 1.0);
	gs_trust_update(w, 3, 0.0);
	assert_double_close(w->cit[3].trust, 0.4f, 0);
	gs_world_free(w);
}

/* The number of entries in the bucket of tick t. */
static size_t bucket_len(const struct gs_world *w, int32_t t)
{
	return gs_sched_count(&w->sched, (size_t)t);
}

/* Ticks outside the run are ignored. */
static void test_sched_outside_run(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	assert_int_equal(w->n_ticks, 100);
	size_t before = 0;
	for (int32_t t = 0; t < w->n_ticks; t++)
		before += bucket_len(w, t);
	assert_int_equal(gs_sched_at(w, 0, 5), 0);
	assert_int_equal(gs_sched_at(w, 0, 100), 0);
	assert_int_equal(gs_sched_at(w, 1, 1000), 0);
	assert_int_equal(gs_sched_at(w, 2, -1), 0);
	assert_int_equal(gs_sched_at(w, 3, GS_NEVER), 0);
	size_t total = 0;
	for (int32_t t = 0; t < w->n_ticks; t++)
		total += bucket_len(w, t);
	assert_int_equal(total, before + 1);
	/* outside a parallel phase, in lane 0 */
	const struct gs_sched_lane *l = &w->sched.lane[0];
	assert_int_equal(l->ids[5][l->len[5] - 1], 0);
	/* the last tick of the run is inside it */
	size_t last = bucket_len(w, 99);
	assert_int_equal(gs_sched_at(w, 4, 99), 0);
	assert_int_equal(bucket_len(w, 99), last + 1);
	gs_world_free(w);
}

/*
 * A tick's wakes are the union of its buckets in every lane: taken in one
 * array, each lane's entries once, the buckets left empty; a tick with
 * entries in one lane only hands that bucket over.
 */
static void test_sched_lanes(void **state)
{
	(void)state;
	struct gs_sched s;
	assert_int_equal(gs_sched_init(&s, 10, 3), 0);
	assert_int_equal(s.n_lanes, 3);
	/* lane k gets citizens 100 k .. 100 k + 20 k at tick 4; lane 1 alone at tick 7 */
	for (int k = 0; k < 3; k++)
		for (int32_t i = 0; i <= 20 * k; i++)
			assert_int_equal(gs_sched_push(&s, k, 100 * k + i, 4), 0);
	assert_int_equal(gs_sched_push(&s, 1, 55, 7), 0);
	assert_int_equal(gs_sched_count(&s, 4), 1 + 21 + 41);
	assert_int_equal(gs_sched_count(&s, 7), 1);
	int32_t *ids;
	size_t n;
	assert_int_equal(gs_sched_take(&s, 4, &ids, &n), 0);
	assert_int_equal(n, 63);
	int seen[300] = {0};
	for (size_t i = 0; i < n; i++) {
		assert_true(ids[i] >= 0 && ids[i] < 300);
		seen[ids[i]]++;
	}
	for (int k = 0; k < 3; k++)
		for (int32_t i = 0; i <= 20 * k; i++)
			assert_int_equal(seen[100 * k + i], 1);
	free(ids);
	assert_int_equal(gs_sched_count(&s, 4), 0);
	for (int k = 0; k < 3; k++)
		assert_null(s.lane[k].ids[4]);
	assert_int_equal(gs_sched_take(&s, 7, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 55);
	free(ids);
	assert_null(s.lane[1].ids[7]);
	/* an empty tick: nothing, and no array */
	assert_int_equal(gs_sched_take(&s, 2, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	gs_sched_free(&s);
}

/*
 * A citizen rescheduled many times wakes once: its stale entries are
 * skipped; a bucket is released when its tick has passed.
 */
static void test_sched_reuse(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.simulation.duration = 400;
	p.mechanism.self_resolution = false;
	struct gs_world *w = gs_test_world(&p, 1);
	/* every tick, every citizen is rescheduled 50 times, between the next two ticks */
	for (int32_t t = 0; t + 1 < w->n_ticks; t++) {
		w->tick = t;
		assert_int_equal(gs_citizen_phase(w), 0);
		for (int k = 0; k < w->sched.n_lanes; k++) {
			assert_null(w->sched.lane[k].ids[t]);
			assert_int_equal(w->sched.lane[k].len[t], 0);
		}
		for (size_t c = 0; c < w->n_cit; c++) {
			for (int k = 0; k < 50; k++) {
				w->cit[c].due = t + 1 + (k & 1);
				w->cit[c].due_kind = GS_DUE_NONE;
				assert_int_equal(gs_citizen_reschedule(w, (int32_t)c), 0);
			}
		}
		assert_int_equal(w->n_contacts, 0);
	}
	gs_world_free(w);
}

/*
 * A citizen whose wake moves from its next arrival to a due before it and
 * back is asked for once at the arrival's tick, and woken there once; a new
 * arrival tick is asked for anew.
 */
static void test_sched_arrival_once(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.simulation.duration = 100;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t c = 7;
	w->tick = 0;
	w->cit[c].due = GS_NEVER;
	w->cit[c].due_kind = GS_DUE_NONE;
	w->cit[c].next_arrival = GS_NEVER;
	assert_int_equal(gs_citizen_reschedule(w, c), 0);
	assert_int_equal(w->cit[c].wake, GS_NEVER);
	size_t at50 = bucket_len(w, 50), at10 = bucket_len(w, 10), at60 = bucket_len(w, 60);
	w->cit[c].next_arrival = 50;
	assert_int_equal(gs_citizen_reschedule(w, c), 0);
	assert_int_equal(bucket_len(w, 50), at50 + 1);
	for (int k = 0; k < 3; k++) {
		w->cit[c].due = 10;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
		assert_int_equal(w->cit[c].wake, 10);
		w->cit[c].due = GS_NEVER;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
		assert_int_equal(w->cit[c].wake, 50);
	}
	assert_int_equal(bucket_len(w, 10), at10 + 3);
	assert_int_equal(bucket_len(w, 50), at50 + 1);
	/* its tick comes: one arrival, and the next one later */
	uint32_t arrived = w->cit[c].n_arrivals;
	w->tick = 50;
	assert_int_equal(gs_citizen_phase(w), 0);
	assert_int_equal(w->cit[c].n_arrivals, arrived + 1);
	assert_true(w->cit[c].next_arrival > 50);
	/* a new arrival tick is asked for */
	w->tick = 51;
	w->cit[c].next_arrival = 60;
	w->cit[c].due = GS_NEVER;
	assert_int_equal(gs_citizen_reschedule(w, c), 0);
	assert_int_equal(w->cit[c].wake, 60);
	assert_int_equal(bucket_len(w, 60), at60 + 1);
	gs_world_free(w);
}

/* Scheduling without ever running the phase keeps every entry. */
static void test_sched_grows(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	size_t before = 0, before10 = bucket_len(w, 10);
	for (int32_t t = 0; t < w->n_ticks; t++)
		before += bucket_len(w, t);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(gs_sched_at(w, i % 20, 10 + i % 50), 0);
	size_t n = 0;
	for (int32_t t = 0; t < w->n_ticks; t++)
		n += bucket_len(w, t);
	assert_int_equal(n, before + 5000);
	assert_int_equal(bucket_len(w, 10), before10 + 100);
	gs_world_free(w);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* The radix sort agrees with qsort, for small and large arrays and large values. */
static void test_sort(void **state)
{
	(void)state;
	size_t sizes[] = {0, 1, 7, 511, 512, 5000, 100000};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		int32_t *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));
		int32_t *scratch = malloc((n + 1) * sizeof(*scratch));
		uint32_t x = 12345;
		for (size_t i = 0; i < n; i++) {
			x = x * 1664525u + 1013904223u;
			a[i] = b[i] = (int32_t)(x >> (s % 2 ? 1 : 12));
		}
		gs_sort_i32(a, scratch, n);
		qsort(b, n, sizeof(*b), cmp_i32);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(a[i], b[i]);
		free(a);
		free(b);
		free(scratch);
	}
}

struct seen {
	size_t order[64];
	size_t n;
};

static int record_team(struct gs_world *view, size_t team, const size_t *idx, size_t n, void *ctx)
{
	struct seen *s = ctx;
	view->tally.cases_opened += (double)n;
	for (size_t i = 0; i < n; i++) {
#pragma omp critical(test_seen)
		s[team].order[s[team].n++] = idx[i];
	}
	return 0;
}

/* gs_by_team hands each team its items in order, and merges every view. */
static void test_by_team(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.workforce.teams = 4;
	struct gs_world *w = gs_test_world(&p, 1);
	int32_t team_of[12] = {2, 0, 2, 3, 0, 0, 1, 3, 2, 2, 0, 1};
	struct seen seen[4] = {0};
	assert_int_equal(gs_by_team(w, 12, team_of, record_team, seen), 0);
	assert_double_close(w->tally.cases_opened, 12, 0);
	size_t want0[] = {1, 4, 5, 10}, want2[] = {0, 2, 8, 9};
	assert_int_equal(seen[0].n, 4);
	assert_int_equal(seen[2].n, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(seen[0].order[i], want0[i]);
		assert_int_equal(seen[2].order[i], want2[i]);
	}
	assert_int_equal(seen[1].n + seen[3].n, 4);
	gs_world_free(w);
}

/* The case pool hands out distinct ids, frees them and reuses them. */
static void test_case_pool(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	w->tick = 7;
	int32_t a = gs_case_open(w, 3, 0);
	w->tick = 9;
	int32_t b = gs_case_open(w, 4, 0);
	assert_true(a >= 0 && b >= 0 && a != b);
	assert_int_equal(w->cases.rec[a].citizen, 3);
	assert_int_equal(w->cases.rec[b].citizen, 4);
	assert_int_equal(w->cases.rec[a].team, 0);
	assert_int_equal(w->cases.rec[a].opened, 7);
	assert_int_equal(w->cases.rec[a].rec_start, 7);
	assert_int_equal(w->cases.rec[b].opened, 9);
	assert_int_equal(w->cases.rec[a].status, GS_CASE_QUEUED);
	assert_int_equal(w->cases.rec[a].worker, -1);
	gs_case_free(w, a);
	assert_int_equal(w->cases.rec[a].status, GS_CASE_FREE);
	assert_int_equal(w->cases.rec[b].status, GS_CASE_QUEUED);
	/* the freed id comes back, initialised afresh */
	w->cases.rec[a].addressed = 5;
	w->cases.rec[a].hours_left = 3;
	w->tick = 12;
	int32_t c = gs_case_open(w, 5, 0);
	assert_int_equal(c, a);
	assert_int_equal(w->cases.rec[c].citizen, 5);
	assert_int_equal(w->cases.rec[c].opened, 12);
	assert_int_equal(w->cases.rec[c].addressed, 0);
	assert_double_close(w->cases.rec[c].hours_left, 0, 0);

	/* many open cases: the pool grows, all ids distinct */
	size_t n = 3000;
	int32_t *ids = malloc(n * sizeof(*ids));
	char *seen = calloc(8192, 1);
	seen[b] = seen[c] = 1;
	for (size_t i = 0; i < n; i++) {
		ids[i] = gs_case_open(w, (int32_t)(i % 20), 0);
		assert_true(ids[i] >= 0 && ids[i] < 8192);
		assert_int_equal(seen[ids[i]], 0);
		seen[ids[i]] = 1;
	}
	assert_true(w->cases.cap >= n + 2);
	size_t cap = w->cases.cap;
	/* freeing and reopening them all reuses the pool */
	for (size_t i = 0; i < n; i++)
		gs_case_free(w, ids[i]);
	for (size_t i = 0; i < n; i++) {
		int32_t id = gs_case_open(w, 0, 0);
		assert_true(id >= 0 && id != b && id != c);
		assert_int_equal(seen[id], 1);
	}
	assert_int_equal(w->cases.cap, cap);
	free(seen);
	free(ids);
	gs_world_free(w);
}

/* A fresh world, and one run for a while by every phase, pass the check. */
static void test_check_passes(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.population.citizens = 300;
	p.cls[0].need_rate = 6;
	struct gs_world *w = gs_test_world(&p, 3);
	assert_world_ok(w);
	const char *phases = "needs contact casework closure workers managers";
	for (int32_t t = 0; t < w->n_ticks; t++) {
		assert_int_equal(gs_test_phases(w, t, phases), 0);
		assert_world_ok(w);
	}
	/* it was not idle */
	assert_true(w->total_arisen > 50 && w->total_value > 20);
	gs_world_free(w);
}

/* Build a world with one pending need, one need in service (queued) and one met. */
static struct gs_world *busy_world(struct gs_params *p)
{
	small_params(p);
	struct gs_world *w = gs_test_world(p, 1);
	w->tick = 3;
	gs_test_new_need(w, 0, 0.4, 2);
	gs_test_new_need(w, 1, 0.5, 1);
	/* citizen 1 contacted: value demand, a case opened and queued */
	w->cit[1].first_contact = 3;
	w->cit[1].need_contacts = 1;
	w->total_value++;
	int32_t id = gs_case_open(w, 1, 0);
	assert_int_equal(gs_queue_push(&w->queue[0], id), 0);
	w->cit[1].case_of = id;
	w->cit[1].state = GS_NEED_IN_SERVICE;
	w->n_pending--;
	w->n_in_service++;
	/* citizen 2's need was met after two contacts */
	gs_test_new_need(w, 2, 0.5, 1);
	w->cit[2].first_contact = 3;
	w->cit[2].need_contacts = 2;
	w->total_value++;
	w->total_failure++;
	gs_need_end(w, 2);
	w->n_pending--;
	w->total_met++;
	assert_world_ok(w);
	return w;
}

static void assert_check_fails(const struct gs_world *w, const char *want)
{
	char err[256] = "";
	assert_int_equal(gs_world_check(w, err, sizeof(err)), -1);
	if (!strstr(err, want)) {
		print_error("message '%s' lacks '%s'\n", err, want);
		fail();
	}
}

/* Each kind of corruption is caught. */
static void test_check_detects(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = busy_world(&p);

	w->n_pending++;
	assert_check_fails(w, "pending");
	w->n_pending--;
	w->n_in_service--;
	assert_check_fails(w, "in service");
	w->n_in_service++;
	assert_world_ok(w);

	/* a need that vanished: arisen is no longer the sum of the four */
	w->total_met++;
	assert_check_fails(w, "arisen");
	w->total_met--;
	w->total_abandoned++;
	assert_check_fails(w, "arisen");
	w->total_abandoned--;

	/* in service without a case */
	int32_t id = w->cit[1].case_of;
	w->cit[1].case_of = -1;
	assert_check_fails(w, "citizen 1");
	w->cit[1].case_of = id;
	/* a case that belongs to someone else */
	w->cases.rec[id].citizen = 5;
	assert_check_fails(w, "not open");
	w->cases.rec[id].citizen = 1;
	/* a case at another team than its citizen's */
	w->cases.rec[id].team = 1;
	assert_check_fails(w, "the citizen's is 0");
	w->cases.rec[id].team = 0;
	/* an open case missing from its queue */
	w->queue[0].len = 0;
	assert_check_fails(w, "in queues");
	w->queue[0].len = 1;

	/* contacts: a contact that is neither value nor failure demand */
	w->total_failure--;
	assert_check_fails(w, "contacts");
	w->total_failure++;
	w->total_value++;
	assert_check_fails(w, "contacts");
	w->total_value--;
	/* contacted, but no first contact recorded */
	w->cit[0].first_contact = -1;
	w->cit[0].need_contacts = 1;
	assert_check_fails(w, "citizen 0");
	w->cit[0].need_contacts = 0;
	assert_world_ok(w);
	gs_world_free(w);
}

static int count_block(struct gs_world *view, size_t k, void *ctx)
{
	(void)view;
	(void)k;
#pragma omp atomic
	(*(int *)ctx)++;
	return 0;
}

/* Which thread ran each block (a block takes 2 ms: long enough for a helper to take some). */
static int note_thread(void *ctx, size_t b)
{
	atomic_int *who = ctx;
	struct timespec pause = {0, 2000000};
	nanosleep(&pause, NULL);
	atomic_store(&who[b], omp_get_thread_num());
	return 0;
}

/*
 * One run's blocks in a crew of two threads (thread 0 hands them over,
 * thread 1 only helps); returns how many of the 16 thread 1 ran, -1 if a
 * block ran on neither.
 */
static int blocks_helped(const struct gs_world *w)
{
	enum { N = 16 };
	atomic_int who[N];
	for (int b = 0; b < N; b++)
		atomic_init(&who[b], -1);
	struct gs_crew *c = gs_crew_new(2);
	assert_non_null(c);
	int rc = 0;
#pragma omp parallel num_threads(2) default(none) shared(c, w, who, rc)
	{
		gs_crew_join(c);
		if (omp_get_thread_num() == 0) {
			rc = gs_share(w, N, note_thread, NULL, who);
			gs_crew_close(c);
		}
		gs_crew_help(c);
		gs_crew_join(NULL);
	}
	gs_crew_free(c);
	assert_int_equal(rc, 0);
	int helped = 0;
	for (int b = 0; b < N; b++) {
		if (atomic_load(&who[b]) < 0)
			return -1;
		helped += atomic_load(&who[b]) == 1;
	}
	return helped;
}

/*
 * A world of fewer than GS_SHARE_MIN citizens works its phases alone,
 * even in a crew whose other thread is idle; a larger one shares them
 * (whether the helper took any block depends on timing: only that every
 * block ran is checked).
 */
static void test_small_worlds_work_alone(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	assert_true(w->n_cit < GS_SHARE_MIN);
	assert_true(w->alone);
	assert_int_equal(blocks_helped(w), 0);
	w->alone = false; /* as a world of GS_SHARE_MIN citizens or more */
	assert_true(blocks_helped(w) >= 0);
	gs_world_free(w);
}

/*
 * The stop flag makes the long loops give up: building a world of many
 * citizens returns no world, and a phase's blocks are not run (the phase
 * fails, so its run is discarded). With the flag down both work.
 */
static void test_stop_flag_gives_up(void **state)
{
	(void)state;
	struct gs_params p;
	gs_test_params(&p, 3 * GS_STOP_EVERY, 0, 2, 2, 10);
	gs_stop = 1;
	struct gs_world *none = gs_world_alloc(&p, 1);
	gs_stop = 0;
	assert_null(none);
	struct gs_world *w = gs_world_alloc(&p, 1);
	assert_non_null(w);
	int calls = 0;
	gs_stop = 1;
	int rc = gs_blocks(w, 8, count_block, &calls);
	gs_stop = 0;
	assert_int_equal(rc, -1);
	assert_int_equal(calls, 0);
	assert_int_equal(gs_blocks(w, 8, count_block, &calls), 0);
	assert_int_equal(calls, 8);
	assert_world_ok(w);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_closed_form),
		cmocka_unit_test(test_wellbeing_no_need),
		cmocka_unit_test(test_wellbeing_open_need),
		cmocka_unit_test(test_trust_update),
		cmocka_unit_test(test_small_worlds_work_alone),
		cmocka_unit_test(test_sched_outside_run),
		cmocka_unit_test(test_sched_reuse),
		cmocka_unit_test(test_sched_arrival_once),
		cmocka_unit_test(test_sched_lanes),
		cmocka_unit_test(test_sched_grows),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_by_team),
		cmocka_unit_test(test_case_pool),
		cmocka_unit_test(test_check_passes),
		cmocka_unit_test(test_check_detects),
		cmocka_unit_test(test_stop_flag_gives_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
