/*
 * test_citizen.c - citizens and their needs (models/citizen.c): the
 * contact threshold and trust, distrust delaying contact in runs,
 * self-resolution and strengths, common random numbers of need arrivals,
 * components added to an open need, and value and failure demand in the
 * contact phase.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/citizen.h"
#include "models/queue.h"
#include "models/world.h"
#include "sim/core/metrics.h"

/* One team of two workers, no needs of their own, escalation over 60 days, 300 ticks. */
static void small_params(struct gs_params *p, int64_t citizens)
{
	gs_test_params(p, citizens, 0, 1, 2, 300);
	p->cls[0].escalation_time = 60;
}

/* Give citizen c an open pending need of severity sev and cx components now, and plan it. */
static void give_need(struct gs_world *w, int32_t c, double sev, int cx)
{
	gs_test_new_need(w, c, sev, cx);
	gs_citizen_replan(w, c, w->tick);
	assert_int_equal(gs_citizen_reschedule(w, c), 0);
}

/* Run the needs and contact phases of tick t. */
static void needs_and_contacts(struct gs_world *w, int32_t t)
{
	assert_int_equal(gs_test_phases(w, t, "needs contact"), 0);
}

/*
 * The same need, the same random draws: planned with low trust, the
 * contact comes later and at a higher severity, for every citizen.
 */
static void test_trust_delays_contact_paired(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 200);
	p.mechanism.self_resolution = false;
	p.cls[0].contact_threshold = 0.35;
	p.population.contact_distrust = 0.6;
	struct gs_world *w = gs_test_world(&p, 5);
	double sum_hi = 0, sum_lo = 0;
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i;
		w->cit[c].trust = 0.9f;
		give_need(w, c, 0.2, 1);
		assert_int_equal(w->cit[c].due_kind, GS_DUE_CONTACT);
		int32_t due_hi = w->cit[c].due;
		double s_hi = gs_severity(w, c, due_hi);
		w->cit[c].trust = 0.2f;
		gs_citizen_replan(w, c, 0);
		assert_int_equal(w->cit[c].due_kind, GS_DUE_CONTACT);
		int32_t due_lo = w->cit[c].due;
		double s_lo = gs_severity(w, c, due_lo);
		assert_true(due_lo > due_hi);
		/*
		 * theta = 0.35 + 0.6 (1 - trust) 0.65 +- 0.05; the contact tick is
		 * rounded up, and severity rises by less than 0.8 / 60 a tick
		 */
		assert_true(s_hi >= 0.389 - 0.05 && s_hi <= 0.389 + 0.05 + 0.014);
		assert_true(s_lo >= 0.662 - 0.05 && s_lo <= 0.662 + 0.05 + 0.014);
		sum_hi += s_hi;
		sum_lo += s_lo;
	}
	assert_true(sum_lo / 200 > sum_hi / 200 + 0.25);

	/* fully trusting: the class threshold itself */
	w->cit[0].trust = 1;
	gs_citizen_replan(w, 0, 0);
	double s1 = gs_severity(w, 0, w->cit[0].due);
	assert_true(s1 >= 0.30 && s1 <= 0.40 + 0.014);
	/* without distrust trust does not matter */
	p.population.contact_distrust = 0;
	w->cit[0].trust = 0.1f;
	gs_citizen_replan(w, 0, 0);
	assert_double_close(gs_severity(w, 0, w->cit[0].due), s1, 1e-12);
	gs_world_free(w);
}

/* Run tick by tick: low-trust citizens contact later, at higher severity. */
static void test_trust_delays_contact_phase(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 200);
	p.mechanism.self_resolution = false;
	p.population.abandon_probability = 0;
	struct gs_world *w = gs_test_world(&p, 6);
	for (size_t i = 0; i < w->n_cit; i++) {
		w->cit[i].trust = i % 2 ? 0.2f : 0.9f;
		give_need(w, (int32_t)i, 0.2, 1);
	}
	double sev_at[200];
	for (size_t i = 0; i < 200; i++)
		sev_at[i] = NAN;
	for (int32_t t = 0; t < 150; t++) {
		needs_and_contacts(w, t);
		for (size_t i = 0; i < w->n_cit; i++)
			if (w->cit[i].first_contact == t)
				sev_at[i] = gs_severity(w, (int32_t)i, t);
	}
	assert_world_ok(w);
	double max_hi = 0, min_lo = 1, t_hi = 0, t_lo = 0;
	for (size_t i = 0; i < w->n_cit; i++) {
		assert_true(w->cit[i].first_contact >= 0);
		assert_int_equal(w->cit[i].state, GS_NEED_IN_SERVICE);
		if (i % 2) {
			min_lo = fmin(min_lo, sev_at[i]);
			t_lo += w->cit[i].first_contact;
		} else {
			max_hi = fmax(max_hi, sev_at[i]);
			t_hi += w->cit[i].first_contact;
		}
	}
	/* the thresholds (0.39 and 0.66, +- 0.05) do not overlap */
	assert_true(max_hi < min_lo);
	assert_true(t_lo / 100 > t_hi / 100 + 20);
	assert_double_close(w->tally.contacts_value, 200, 0);
	gs_world_free(w);
}

/* Severity and delay at value contacts, seen from the hook at the end of each tick. */
struct contact_obs {
	int32_t *arose;	 /* tick the citizen's open need arose, -1 if none seen */
	uint8_t *before; /* need state at the end of the previous tick */
	double sev_sum, sev_min, delay_sum;
	long n;
};

static int contact_hook(const struct gs_world *w, void *ctx)
{
	struct contact_obs *o = ctx;
	if (gs_test_check_hook(w, NULL))
		return -1;
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i;
		if (o->before[i] == GS_NEED_NONE && w->cit[c].state != GS_NEED_NONE)
			o->arose[i] = w->tick;
		if (w->cit[c].first_contact == w->tick && w->cit[c].need_contacts == 1 &&
		    o->arose[i] >= 0) {
			double s = gs_severity(w, c, w->tick);
			o->sev_sum += s;
			o->sev_min = fmin(o->sev_min, s);
			o->delay_sum += w->tick - o->arose[i];
			o->n++;
		}
		o->before[i] = w->cit[c].state;
	}
	return 0;
}

/*
 * theta = contact_threshold + contact_distrust x (1 - trust) x (1 -
 * contact_threshold) +- 0.05: 0.35 + 0.6 x 0.15 x 0.65 = 0.41 with trust
 * 0.85 and 0.64 with trust 0.25. Needs arise at 0.15..0.45 and escalate
 * with a time constant of 60 days: from 0.3 that is ~10 days to 0.41 and
 * ~40 days to 0.64. Trust is held fixed (mechanism.trust off) and nobody
 * works the cases, so that a value contact's severity is exactly where the
 * citizen decided to come.
 */
static void test_distrust_delays_contact(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct contact_obs obs[2];
		static const double trust[2] = {0.85, 0.25};
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			gs_test_params(&p, 2000, 1, 2, 2, 365);
			p.population.trust_initial = trust[k];
			p.population.trust_sd = 0;
			p.population.contact_distrust = 0.6;
			p.cls[0].contact_threshold = 0.35;
			p.cls[0].escalation_time = 60;
			p.mechanism.trust = false;
			p.workforce.hours_per_day = 0;
			struct contact_obs *o = &obs[k];
			*o = (struct contact_obs){0};
			o->arose = malloc(2000 * sizeof(int32_t));
			o->before = calloc(2000, 1);
			for (size_t i = 0; i < 2000; i++)
				o->arose[i] = -1;
			o->sev_min = 1;
			struct gs_test_result x;
			gs_test_run(&x, &p, gs_test_seeds[s], contact_hook, o);
			gs_test_result_free(&x);
			free(o->arose);
			free(o->before);
			assert_true(o->n > 500);
		}
		double sev_hi = obs[0].sev_sum / obs[0].n, sev_lo = obs[1].sev_sum / obs[1].n;
		double delay_hi = obs[0].delay_sum / obs[0].n,
		       delay_lo = obs[1].delay_sum / obs[1].n;
		/* nobody comes below their threshold: 0.41 - 0.05 and 0.64 - 0.05 */
		assert_true(obs[0].sev_min >= 0.3585 - 1e-4);
		assert_true(obs[1].sev_min >= 0.5925 - 1e-4);
		assert_true(sev_lo > sev_hi + 0.15);
		/* about 30 days later on average; half of that is a wide margin */
		assert_true(delay_lo > delay_hi + 15);
	}
}

/*
 * Strengths: the same draws, scaled by 1 / strengths. A need that resolves
 * on its own with low strengths does so with high strengths too, and more
 * needs do.
 */
static void test_strengths_self_resolution(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 400);
	p.cls[0].escalation_time = 120;
	p.cls[0].self_resolve_time = 180;
	p.population.abandon_probability = 0;
	struct gs_world *w = gs_test_world(&p, 7);
	int n_lo = 0, n_hi = 0;
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i;
		w->cit[c].trust = 0.6f;
		/* no strengths, or no self-resolution: never on its own */
		w->cit[c].strength = 0;
		give_need(w, c, 0.2, 1);
		assert_int_equal(w->cit[c].due_kind, GS_DUE_CONTACT);
		int32_t due_contact = w->cit[c].due;
		w->cit[c].strength = 0.9f;
		p.mechanism.self_resolution = false;
		gs_citizen_replan(w, c, 0);
		assert_int_equal(w->cit[c].due_kind, GS_DUE_CONTACT);
		assert_int_equal(w->cit[c].due, due_contact);
		p.mechanism.self_resolution = true;

		w->cit[c].strength = 0.1f;
		gs_citizen_replan(w, c, 0);
		bool self_lo = w->cit[c].due_kind == GS_DUE_SELF;
		int32_t due_lo = w->cit[c].due;
		w->cit[c].strength = 0.9f;
		gs_citizen_replan(w, c, 0);
		bool self_hi = w->cit[c].due_kind == GS_DUE_SELF;
		if (self_lo)
			assert_true(self_hi && w->cit[c].due <= due_lo);
		if (!self_hi)
			assert_int_equal(w->cit[c].due, due_contact);
		n_lo += self_lo;
		n_hi += self_hi;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
	}
	/*
	 * contact after ~58 ticks: P(self first) = 1 - exp(-58 / 200) = 0.25
	 * with strengths 0.9 and 0.03 with 0.1, i.e. ~100 vs ~13 of 400: a
	 * difference of 40 is over 4 standard deviations (~9) below ~87
	 */
	assert_true(n_hi > n_lo + 40);

	/* run: exactly the needs planned to resolve on their own do, and only those */
	for (int32_t t = 0; t < 300; t++)
		needs_and_contacts(w, t);
	assert_world_ok(w);
	assert_double_close(w->tally.needs_met_self, n_hi, 0);
	assert_double_close(w->tally.contacts_value, 400 - n_hi, 0);
	assert_int_equal(w->total_met, (uint64_t)n_hi);
	size_t none = 0;
	for (size_t i = 0; i < w->n_cit; i++)
		none += w->cit[i].state == GS_NEED_NONE;
	assert_int_equal(none, n_hi);
	gs_world_free(w);
}

/* Tick t of the phases that move needs, cases and workers. */
static void run_tick(struct gs_world *w, int32_t t)
{
	const char *phases = "needs contact casework closure workers managers";
	assert_int_equal(gs_test_phases(w, t, phases), 0);
}

/*
 * Common random numbers: with the same seed, two regimes see every need
 * arrive at the same tick for every citizen: in the first interval, before
 * the service has acted, and after, while the regimes diverge.
 */
static void test_arrivals_common(void **state)
{
	(void)state;
	struct gs_params pa, pb;
	small_params(&pa, 300);
	pa.cls[0].need_rate = 6;
	pa.simulation.duration = 150;
	pb = pa;
	gs_test_preset(&pa, "npm");
	gs_test_preset(&pb, "hls");
	pb.service.barrier = 0.5;
	struct gs_world *a = gs_test_world(&pa, 42), *b = gs_test_world(&pb, 42);
	size_t n = a->n_cit;
	for (size_t c = 0; c < n; c++)
		assert_int_equal(a->cit[c].next_arrival, b->cit[c].next_arrival);
	size_t changed = 0;
	for (int32_t t = 0; t < a->n_ticks; t++) {
		run_tick(a, t);
		run_tick(b, t);
		/* every arrival due so far has happened, in both */
		for (size_t c = 0; c < n; c++) {
			assert_true(a->cit[c].next_arrival > t);
			assert_int_equal(a->cit[c].n_arrivals, b->cit[c].n_arrivals);
			assert_int_equal(a->cit[c].next_arrival, b->cit[c].next_arrival);
			changed += a->cit[c].state != b->cit[c].state;
		}
	}
	/* needs did arrive, and the regimes did treat them differently */
	uint64_t arrivals = 0;
	for (size_t c = 0; c < n; c++)
		arrivals += a->cit[c].n_arrivals;
	assert_true(arrivals > 200);
	assert_true(changed > 0);
	assert_true(a->total_met != b->total_met || a->total_abandoned != b->total_abandoned);
	gs_world_free(a);
	gs_world_free(b);
}

/* Let citizen c's next need arrive at tick t, and run the needs phase up to it. */
static void arrive_at(struct gs_world *w, int32_t c, int32_t from, int32_t t)
{
	w->cit[c].next_arrival = t;
	assert_int_equal(gs_citizen_reschedule(w, c), 0);
	for (int32_t k = from; k <= t; k++) {
		w->tick = k;
		assert_int_equal(gs_citizen_phase(w), 0);
	}
}

/* A need arriving while one is open adds a component to it. */
static void test_arrival_adds_component(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 10);
	p.mechanism.self_resolution = false;
	p.mechanism.escalation = false;
	struct gs_world *w = gs_test_world(&p, 8);

	/* no open need: a new need */
	arrive_at(w, 1, 0, 3);
	assert_int_equal(w->cit[1].state, GS_NEED_PENDING);
	assert_int_equal(w->cit[1].n_arrivals, 1);
	assert_double_close(w->tally.needs_arising, 1, 0);
	assert_int_equal(w->total_arisen, 1);
	assert_int_equal(w->cit[1].sev_t0, 3);
	assert_true(w->cit[1].cx >= 1 && w->cit[1].left == w->cit[1].cx);

	/* citizen 0 has a mild need of two components; a second one arrives */
	w->tick = 0;
	give_need(w, 0, 0.01, 2);
	arrive_at(w, 0, 4, 10);
	assert_int_equal(w->cit[0].state, GS_NEED_PENDING);
	assert_int_equal(w->cit[0].n_arrivals, 1);
	assert_int_equal(w->cit[0].cx, 3);
	assert_int_equal(w->cit[0].left, 3);
	/* it arises, and joins the open need */
	assert_double_close(w->tally.needs_arising, 2, 0);
	assert_double_close(w->tally.needs_joined, 1, 0);
	assert_int_equal(w->n_pending, 2);
	/* severity is the larger: the new need's (0.3 x U(0.5, 1.5) > 0.01) */
	assert_true(w->cit[0].sev0 >= 0.15 - 1e-6 && w->cit[0].sev0 <= 0.45 + 1e-6);
	assert_int_equal(w->cit[0].sev_t0, 10);
	assert_world_ok(w);

	/* a severe need keeps its severity; in service, it keeps its case */
	w->tick = 11;
	give_need(w, 2, 0.95, 8);
	w->cit[2].first_contact = 11;
	w->cit[2].need_contacts = 1;
	w->total_value++;
	w->cit[2].case_of = gs_case_open(w, 2, 0);
	w->cit[2].state = GS_NEED_IN_SERVICE;
	w->n_pending--;
	w->n_in_service++;
	assert_int_equal(gs_queue_push(&w->queue[0], w->cit[2].case_of), 0);
	w->cit[2].due = GS_NEVER;
	w->cit[2].due_kind = GS_DUE_NONE;
	w->cit[2].left = 5;
	arrive_at(w, 2, 11, 20);
	assert_int_equal(w->cit[2].state, GS_NEED_IN_SERVICE);
	assert_int_equal(w->cit[2].cx, 8); /* at most 8 */
	assert_int_equal(w->cit[2].left, 5);
	assert_double_close(w->cit[2].sev0, 0.95, 1e-6);
	/* the open case's copies follow the joined need (the queue's priority reads them) */
	const struct gs_case *rec = &w->cases.rec[w->cit[2].case_of];
	assert_int_equal(rec->left, w->cit[2].left);
	assert_true(rec->sev0 == w->cit[2].sev0);
	assert_int_equal(rec->sev_t0, w->cit[2].sev_t0);
	assert_int_equal(rec->sev_t0, 20);
	assert_double_close(w->tally.needs_arising, 3, 0);
	assert_double_close(w->tally.needs_joined, 2, 0);
	assert_int_equal(w->total_arisen, 3);
	assert_world_ok(w);
	gs_world_free(w);
}

/* The first contact about a need is value demand; chasing and coming back are failure demand. */
static void test_value_and_failure_demand(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 10);
	p.mechanism.self_resolution = false;
	p.population.chase_interval = 5;
	p.population.abandon_probability = 0;
	p.service.contact_hours = 0.25;
	struct gs_world *w = gs_test_world(&p, 9);
	/* severe enough to contact at once */
	give_need(w, 0, 0.99, 2);
	assert_int_equal(w->cit[0].due, 0);
	needs_and_contacts(w, 0);
	assert_double_close(w->tally.contacts_value, 1, 0);
	assert_double_close(w->tally.contacts_failure, 0, 0);
	assert_double_close(w->tally.cases_opened, 1, 0);
	assert_int_equal(w->cit[0].state, GS_NEED_IN_SERVICE);
	assert_int_equal(w->cit[0].first_contact, 0);
	assert_int_equal(w->queue[0].len, 1);
	assert_double_close(w->queue[0].contact_hours, 0.25, 1e-12);
	assert_int_equal(w->cit[0].due_kind, GS_DUE_CHASE);
	assert_true(w->cit[0].due >= 1);

	/* waiting: the citizen chases, failure demand, and no new case */
	int32_t t = 0;
	while (w->tally.contacts_failure < 3 && t < 200)
		needs_and_contacts(w, ++t);
	assert_double_close(w->tally.contacts_failure, 3, 0);
	assert_double_close(w->tally.contacts_value, 1, 0);
	assert_double_close(w->tally.cases_opened, 1, 0);
	assert_int_equal(w->cit[0].need_contacts, 4);
	assert_int_equal(w->cit[0].first_contact, 0);
	assert_int_equal(w->queue[0].len, 1);
	assert_world_ok(w);

	/* coming back after a bounce: failure demand that opens a new case */
	w->tick = ++t;
	give_need(w, 1, 0.5, 2);
	w->cit[1].first_contact = 0;
	w->cit[1].need_contacts = 1;
	w->total_value++;
	w->cit[1].due = t + 2;
	w->cit[1].due_kind = GS_DUE_RETURN;
	assert_int_equal(gs_citizen_reschedule(w, 1), 0);
	double fail0 = w->tally.contacts_failure;
	needs_and_contacts(w, t + 1);
	needs_and_contacts(w, t + 2);
	assert_int_equal(w->cit[1].state, GS_NEED_IN_SERVICE);
	assert_double_close(w->tally.cases_opened, 2, 0);
	assert_double_close(w->tally.contacts_value, 1, 0);
	assert_true(w->tally.contacts_failure >= fail0 + 1);
	assert_int_equal(w->cit[1].first_contact, 0);
	assert_int_equal(w->cit[1].need_contacts, 2);
	assert_world_ok(w);

	/* without failure demand nobody chases */
	p.mechanism.failure_demand = false;
	w->tick = t + 3;
	give_need(w, 2, 0.99, 1);
	needs_and_contacts(w, t + 3);
	assert_int_equal(w->cit[2].state, GS_NEED_IN_SERVICE);
	assert_int_equal(w->cit[2].due, GS_NEVER);
	gs_world_free(w);
}

/* Chasing a waiting case, a citizen gives up with probability abandon_probability x (1 - trust). */
static void test_chase_gives_up(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p, 400);
	p.mechanism.self_resolution = false;
	p.mechanism.trust = false;
	p.population.abandon_probability = 0.5;
	p.population.chase_interval = 1;
	struct gs_world *w = gs_test_world(&p, 10);
	for (size_t i = 0; i < w->n_cit; i++) {
		w->cit[i].trust = i % 2 ? 0.0f : 1.0f;
		give_need(w, (int32_t)i, 0.99, 1);
	}
	needs_and_contacts(w, 0);
	assert_int_equal(w->n_in_service, 400);
	/* everyone chases at least once in 10 ticks (chase interval 1) */
	for (int32_t t = 1; t <= 10; t++)
		needs_and_contacts(w, t);
	size_t gone_trusting = 0, gone_distrusting = 0;
	for (size_t i = 0; i < w->n_cit; i++) {
		if (w->cit[i].state != GS_NEED_NONE)
			continue;
		if (i % 2)
			gone_distrusting++;
		else
			gone_trusting++;
	}
	assert_int_equal(gone_trusting, 0);
	/*
	 * chases come every tick or so and each gives up with probability
	 * 0.5: nearly all of 200 give up in 10 ticks, 160 is a wide margin
	 */
	assert_true(gone_distrusting > 160);
	assert_double_close(w->tally.needs_abandoned, (double)gone_distrusting, 0);
	assert_world_ok(w);
	/* their cases leave the queue at the next ordering */
	assert_int_equal(w->queue[0].len, 400);
	assert_int_equal(gs_queue_order(w, 0, NULL), 0);
	assert_int_equal(w->queue[0].len, 400 - gone_distrusting);
	assert_world_ok(w);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust_delays_contact_paired),
		cmocka_unit_test(test_trust_delays_contact_phase),
		cmocka_unit_test(test_distrust_delays_contact),
		cmocka_unit_test(test_strengths_self_resolution),
		cmocka_unit_test(test_arrivals_common),
		cmocka_unit_test(test_arrival_adds_component),
		cmocka_unit_test(test_value_and_failure_demand),
		cmocka_unit_test(test_chase_gives_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
