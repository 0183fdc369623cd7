/*
 * test_casework.c - work and resolution (models/casework.c): hours by
 * skill, standardisation and co-production; discretion, and needs met at
 * their first case; the cap on contact hours; idle hours; system barriers;
 * time-slotted visits, and no chasing between them; premature closure
 * under target pressure; continuity with a known worker; rationing under
 * payment by outcome.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/casework.h"
#include "models/citizen.h"
#include "models/closure.h"
#include "models/worker.h"
#include "models/world.h"
#include "sim/core/metrics.h"

/* One team of two workers with 7 h a day, ticks of a day, no needs of their own. */
static void work_params(struct gs_params *p, int64_t citizens)
{
	gs_test_params(p, citizens, 0, 1, 2, 100);
	p->workforce.hours_per_day = 7;
	p->regime.reporting_burden = 0;
	p->regime.learning_time = 0;
}

/* Hours fall as skill rises, in proportion to 1.5 - skill and to the components. */
static void test_hours_skill(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.cls[0].hours_per_component = 2;
	p.service.coproduction = 0;
	struct gs_world *w = gs_test_world(&p, 1);
	double prev = INFINITY;
	for (double skill = 0; skill <= 1.0001; skill += 0.1) {
		double h = gs_casework_hours(w, 0, 1, skill);
		assert_true(h < prev);
		prev = h;
	}
	assert_double_close(gs_casework_hours(w, 0, 1, 0.5), 2, 1e-12);
	assert_double_close(gs_casework_hours(w, 0, 1, 1), 1, 1e-12);
	assert_double_close(gs_casework_hours(w, 0, 3, 0.2), 3 * gs_casework_hours(w, 0, 1, 0.2),
			    1e-12);
	gs_world_free(w);
}

/*
 * The phase uses those hours: a big case stays in hand across ticks until
 * its hours are done, and a more skilled worker finishes it sooner.
 */
static void test_case_in_hand(void **state)
{
	(void)state;
	int32_t done_at[2];
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		work_params(&p, 10);
		p.workforce.workers_per_team = 1;
		p.cls[0].hours_per_component = 10;
		p.regime.discretion = 0;
		p.service.coproduction = 0;
		struct gs_world *w = gs_test_world(&p, 2);
		w->w_skill[0] = k ? 0.9f : 0.1f;
		int32_t id = gs_test_queue_case(w, 3, 2);
		double need = gs_casework_hours(w, 3, 1, w->w_skill[0]);
		done_at[k] = -1;
		for (int32_t t = 0; t < 10 && done_at[k] < 0; t++) {
			w->tick = t;
			assert_int_equal(gs_casework_phase(w), 0);
			if (w->n_closures) {
				assert_int_equal(w->closures[0], id);
				done_at[k] = t;
			} else {
				/* in hand, out of the queue, its hours going down by 7 a tick */
				assert_int_equal(w->w_case[0], id);
				assert_int_equal(w->cases.rec[id].status, GS_CASE_ACTIVE);
				assert_int_equal(w->queue[0].len, 0);
				assert_double_close(w->cases.rec[id].hours_left, need - 7.0 * (t + 1),
						    1e-4);
			}
		}
		/* discretion 0: the presenting component only */
		assert_double_close(w->tally.hours_casework, need, 1e-4);
		assert_int_equal(done_at[k], (int32_t)ceil(need / 7.0) - 1);
		assert_double_close(w->tally.hours_idle, 7.0 * (done_at[k] + 1) - need, 1e-4);
		assert_int_equal(gs_closure_phase(w), 0);
		assert_world_ok(w);
		gs_world_free(w);
	}
	/* 10 x 1.4 = 14 h: 2 ticks; 10 x 0.6 = 6 h: 1 tick */
	assert_true(done_at[1] < done_at[0]);
}

/*
 * Standardisation saves standardisation x standard_saving of the
 * procedural share of the hours (and nothing of the rest), in the phase
 * too; its help to novices is off here (tested below).
 */
static void test_standardisation(void **state)
{
	(void)state;
	double hours[2];
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		work_params(&p, 60);
		p.cls[0].hours_per_component = 0.05;
		p.cls[0].procedural_share = 0.5;
		p.regime.standardisation = k ? 0.8 : 0;
		p.regime.standard_saving = 0.3;
		p.workforce.standard_novice = 0;
		p.workforce.skill_sd = 0;
		p.workforce.skill_from_practice = 0;
		struct gs_world *w = gs_test_world(&p, 3);
		if (k)
			assert_double_close(gs_casework_hours(w, 0, 2, 0.5),
					    0.88 * 2 * 0.05 * (1 - p.service.coproduction *
								   w->cit[0].strength * w->cit[0].trust),
					    1e-9);
		for (int32_t c = 0; c < 60; c++)
			gs_test_queue_case(w, c, 3);
		assert_int_equal(gs_casework_phase(w), 0);
		assert_int_equal(w->n_closures, 60);
		hours[k] = w->tally.hours_casework;
		gs_world_free(w);
	}
	/* same seed: the same components taken on, each 12% quicker */
	assert_true(hours[1] < hours[0]);
	assert_double_close(hours[1] / hours[0], 0.88, 1e-4);
}

/*
 * Standardisation's other two sides: it closes standard_novice of a
 * worker's gap to skill_max in speed (more for a novice than an expert),
 * prevents standard_error_cut of the failures on routine components and
 * loses standard_misfit of the chance on the others; with no routine
 * components it prevents nothing.
 */
static void test_standardisation_novices_errors(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.service.coproduction = 0;
	p.service.barrier = 0;
	p.cls[0].hours_per_component = 1;
	p.cls[0].procedural_share = 0;
	p.cls[0].routine_share = 0.5;
	p.workforce.skill_max = 0.9;
	p.workforce.skill_hours = 1.5;
	p.workforce.standard_novice = 0.3;
	p.service.standard_error_cut = 0.36;
	struct gs_world *w = gs_test_world(&p, 1);
	double pr0 = gs_resolve_probability(w, 0, 0, false);
	double novice0 = gs_casework_hours(w, 0, 1, 0.2), expert0 = gs_casework_hours(w, 0, 1, 0.9);
	p.regime.standardisation = 1;
	/* skill 0.2 works as 0.2 + 0.3 x 0.7 = 0.41; skill 0.9 as itself */
	assert_double_close(gs_casework_hours(w, 0, 1, 0.2), 1.5 - 0.41, 1e-12);
	assert_double_close(novice0, 1.5 - 0.2, 1e-12);
	assert_double_close(gs_casework_hours(w, 0, 1, 0.9), expert0, 1e-12);
	double pr1 = gs_resolve_probability(w, 0, 0, false);
	assert_double_close(1 - pr1, (1 - pr0) * (1 - 0.36 * 0.5), 1e-12);
	/* and misfits the non-routine ones: they lose standard_misfit of their chance */
	p.service.standard_misfit = 0.4;
	assert_double_close(gs_resolve_probability(w, 0, 0, false),
			    pr0 + (1 - pr0) * 0.36 * 0.5 - pr0 * 0.4 * 0.5, 1e-12);
	p.service.standard_misfit = 0;
	p.cls[0].routine_share = 0;
	assert_double_close(gs_resolve_probability(w, 0, 0, false), pr0, 1e-12);
	gs_world_free(w);
}

/*
 * Felt target pressure raises effort on measured work: the same cases
 * take fewer paid hours, by 1 / (1 + effort_gain x (1 - (1 - felt)^2));
 * unmeasured work and the switch off get no extra effort.
 */
static void test_effort_under_pressure(void **state)
{
	(void)state;
	double hours[4];
	double felt = 0;
	for (int k = 0; k < 4; k++) {
		struct gs_params p;
		work_params(&p, 60);
		gs_test_alike(&p);
		p.cls[0].hours_per_component = 0.05;
		p.workforce.skill_sd = 0;
		p.workforce.skill_from_practice = 0;
		p.workforce.effort_gain = 0.2;
		p.mechanism.premature_closure = false;
		p.regime.target_pressure = k == 0 ? 0 : 0.6;
		p.mechanism.effort = k != 2;
		p.cls[0].measured = k != 3;
		struct gs_world *w = gs_test_world(&p, 3);
		felt = gs_team_pressure(w, 0);
		for (int32_t c = 0; c < 60; c++)
			gs_test_queue_case(w, c, 3);
		assert_int_equal(gs_casework_phase(w), 0);
		assert_int_equal(w->n_closures, 60);
		hours[k] = w->tally.hours_casework;
		gs_world_free(w);
	}
	assert_double_close(felt, 0.6 * 0.5, 1e-12);
	double speed = 1 + 0.2 * (1 - (1 - felt) * (1 - felt));
	assert_double_close(hours[1] / hours[0], 1 / speed, 1e-4);
	assert_double_close(hours[2], hours[0], 1e-9);
	assert_double_close(hours[3], hours[0], 1e-9);
}

static void test_work_variability(void **state)
{
	(void)state;
	double mean[2], cv[2];
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		work_params(&p, 400);
		p.workforce.workers_per_team = 400;
		p.cls[0].hours_per_component = 1000; /* nobody finishes today: hours stay in hand */
		p.workforce.skill_sd = 0;
		p.service.coproduction = 0;
		p.service.work_cv = k ? 0.5 : 0;
		struct gs_world *w = gs_test_world(&p, 8);
		for (int32_t c = 0; c < 400; c++)
			gs_test_queue_case(w, c, 1);
		assert_int_equal(gs_casework_phase(w), 0);
		double sum = 0, sq = 0, worked = gs_worker_casework_hours(w, 0);
		for (int32_t id = 0; id < 400; id++) {
			double h = w->cases.rec[id].hours_left + worked;
			sum += h;
			sq += h * h;
		}
		mean[k] = sum / 400;
		cv[k] = sqrt(sq / 400 - mean[k] * mean[k]) / mean[k];
		assert_world_ok(w);
		gs_world_free(w);
	}
	assert_double_close(cv[0], 0, 1e-6);
	assert_true(cv[1] > 0.4 && cv[1] < 0.6);
	assert_double_close(mean[1] / mean[0], 1, 0.075);
}

/* Co-production: hours fall with the citizen's strengths and trust together. */
static void test_coproduction(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.service.coproduction = 0.3;
	struct gs_world *w = gs_test_world(&p, 4);
	w->cit[0].strength = 0;
	w->cit[0].trust = 0.9f;
	double base = gs_casework_hours(w, 0, 2, 0.5);
	assert_double_close(base, 2 * p.cls[0].hours_per_component, 1e-9);
	/* no strengths, no saving; then more strengths, fewer hours */
	double prev = base;
	for (int i = 1; i <= 10; i++) {
		w->cit[0].strength = (float)(0.1 * i);
		double h = gs_casework_hours(w, 0, 2, 0.5);
		assert_true(h < prev);
		prev = h;
	}
	/* strengths 1, trust 0.9: 27% saved */
	assert_double_close(prev, base * (1 - 0.3 * 0.9), 1e-6);
	/* the same strengths, less trust: more hours */
	w->cit[0].trust = 0.3f;
	assert_true(gs_casework_hours(w, 0, 2, 0.5) > prev);
	w->cit[0].trust = 0;
	assert_double_close(gs_casework_hours(w, 0, 2, 0.5), base, 1e-9);
	/* no co-production: strengths and trust do not matter */
	p.service.coproduction = 0;
	w->cit[0].trust = 1;
	assert_double_close(gs_casework_hours(w, 0, 2, 0.5), base, 1e-9);
	gs_world_free(w);
}

/*
 * Discretion: each further component is taken on with probability
 * regime.discretion. With every addressed component resolved (resolve_base
 * 1, no barrier), what a case resolves is what it took on.
 */
static void run_discretion(double discretion, double *mean_taken, double *met)
{
	struct gs_params p;
	work_params(&p, 300);
	p.cls[0].hours_per_component = 0.001;
	p.regime.discretion = discretion;
	p.service.resolve_base = 1;
	p.service.barrier = 0;
	p.workforce.judgement_sd = 0; /* every worker offers alike */
	p.workforce.discretion_error = 0;
	struct gs_world *w = gs_test_world(&p, 5);
	for (int32_t c = 0; c < 300; c++)
		gs_test_queue_case(w, c, 4);
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(w->n_closures, 300);
	double sum = 0;
	for (size_t i = 0; i < w->n_closures; i++) {
		int n = w->cases.rec[w->closures[i]].addressed;
		assert_true(n >= 1 && n <= 4);
		sum += n;
	}
	*mean_taken = sum / 300;
	assert_int_equal(gs_closure_phase(w), 0);
	assert_world_ok(w);
	*met = w->tally.needs_met_service;
	gs_world_free(w);
}

static void test_discretion(void **state)
{
	(void)state;
	double lo, hi, met_lo, met_hi, m;
	run_discretion(0.2, &lo, &met_lo);
	run_discretion(0.8, &hi, &met_hi);
	/*
	 * 1 + Binomial(3, d): means 1.6 and 3.4, standard error of a mean of
	 * 300 at most sqrt(3 x 0.25 / 300) = 0.05; 0.2 is 4 of them
	 */
	assert_double_close(lo, 1.6, 0.2);
	assert_double_close(hi, 3.4, 0.2);
	assert_true(hi > lo + 1.2);
	/* fully met at first closure: d^3 of needs, 2.4 vs 154 of 300 */
	assert_true(met_hi > met_lo + 100);
	/* the extremes */
	run_discretion(0, &m, &met_lo);
	assert_double_close(m, 1, 0);
	assert_double_close(met_lo, 0, 0);
	run_discretion(1, &m, &met_hi);
	assert_double_close(m, 4, 0);
	assert_double_close(met_hi, 300, 0);
}

/* Contacts take at most service.contact_share_max of the team's hours; the rest go unanswered. */
static void test_contact_cap(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.service.contact_share_max = 0.5;
	struct gs_world *w = gs_test_world(&p, 6);
	/* 2 workers x 7 h, half of it at most on contacts */
	w->queue[0].contact_hours = 100;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_contact, 7, 1e-9);
	assert_double_close(w->tally.hours_idle, 7, 1e-9);
	assert_double_close(w->queue[0].contact_hours, 0, 0);
	/* under the cap every contact is answered */
	w->tally.hours_contact = w->tally.hours_idle = 0;
	w->tick = 1;
	w->queue[0].contact_hours = 3;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_contact, 3, 1e-9);
	assert_double_close(w->tally.hours_idle, 11, 1e-9);
	/* a higher cap, and less time after reporting */
	p.service.contact_share_max = 0.8;
	p.regime.reporting_burden = 0.2;
	w->tally.hours_contact = w->tally.hours_idle = 0;
	w->tick = 2;
	w->queue[0].contact_hours = 100;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_contact, 0.8 * 2 * 5.6, 1e-9);
	assert_double_close(w->tally.hours_idle, 0.2 * 2 * 5.6, 1e-9);
	/* contacts come before casework */
	w->tally.hours_contact = w->tally.hours_idle = 0;
	w->tally.hours_casework = 0;
	w->tick = 3;
	p.cls[0].hours_per_component = 1000;
	gs_test_queue_case(w, 0, 1);
	w->queue[0].contact_hours = 100;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_contact, 0.8 * 2 * 5.6, 1e-9);
	assert_double_close(w->tally.hours_casework, 0.2 * 2 * 5.6, 1e-6);
	assert_double_close(w->tally.hours_idle, 0, 1e-9);
	gs_world_free(w);
}

/* A worker with nothing queued is idle all its casework hours. */
static void test_idle(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	struct gs_world *w = gs_test_world(&p, 7);
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_idle, 14, 1e-9);
	assert_double_close(w->tally.hours_casework, 0, 0);
	assert_double_close(w->tally.hours_contact, 0, 0);
	assert_int_equal(w->w_case[0], -1);
	assert_int_equal(w->w_case[1], -1);
	/* one small case: the rest is idle */
	w->tick = 1;
	p.cls[0].hours_per_component = 0.5;
	p.regime.discretion = 0;
	gs_test_queue_case(w, 2, 1);
	double need = gs_casework_hours(w, 2, 1, w->w_skill[0]);
	assert_int_equal(gs_casework_phase(w), 0);
	assert_double_close(w->tally.hours_casework, need, 1e-6);
	assert_double_close(w->tally.hours_idle, 14 + 14 - need, 1e-6);
	assert_int_equal(w->n_closures, 1);
	gs_world_free(w);
}

/* Barriers undo every resolution at service.barrier = 1: nothing is resolved, no need met. */
static void test_barrier(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		work_params(&p, 100);
		p.cls[0].hours_per_component = 0.01;
		p.service.resolve_base = 1;
		p.service.barrier = k ? 1 : 0;
		p.population.abandon_probability = 0;
		struct gs_world *w = gs_test_world(&p, 8);
		for (int32_t c = 0; c < 100; c++)
			gs_test_queue_case(w, c, 1 + c % 3);
		assert_int_equal(gs_casework_phase(w), 0);
		assert_int_equal(w->n_closures, 100);
		size_t resolved = 0;
		for (size_t i = 0; i < w->n_closures; i++)
			resolved += w->cases.rec[w->closures[i]].addressed;
		assert_int_equal(gs_closure_phase(w), 0);
		assert_world_ok(w);
		size_t left = 0;
		for (int32_t c = 0; c < 100; c++)
			left += w->cit[c].left;
		if (k) {
			assert_int_equal(resolved, 0);
			assert_int_equal(left, 34 + 2 * 33 + 3 * 33);
			assert_double_close(w->tally.needs_met, 0, 0);
			assert_int_equal(w->n_pending, 100);
		} else {
			/* the control: every case resolves at least its presenting component */
			assert_true(resolved >= 100);
			assert_true(w->tally.needs_met >= 34);
		}
		gs_world_free(w);
	}
}

/*
 * Time-slotted visits: one worker, 7 h a day, cases of exactly 6 h (one
 * component of 6 h at skill 0.5, nothing saved). Runs the casework phase
 * (and the closures) until every case has closed; done[k] is the tick case
 * k closed at, hours[t] the casework hours of tick t.
 */
static void run_visits(double visit_hours, double tick_minutes, int n_cases, int32_t *done,
		       double *hours, int32_t max_ticks)
{
	struct gs_params p;
	work_params(&p, 10);
	p.workforce.workers_per_team = 1;
	p.simulation.tick = tick_minutes;
	p.simulation.duration = max_ticks;
	p.cls[0].hours_per_component = 6;
	p.regime.discretion = 0;
	p.service.coproduction = 0;
	p.service.visit_hours = visit_hours;
	p.workforce.skill_from_practice = 0;
	struct gs_world *w = gs_test_world(&p, 9);
	w->w_skill[0] = 0.5f;
	int32_t id[4];
	for (int k = 0; k < n_cases; k++) {
		id[k] = gs_test_queue_case(w, k, 1);
		done[k] = -1;
		assert_double_close(gs_casework_hours(w, k, 1, 0.5), 6, 1e-12);
	}
	int open = n_cases;
	for (int32_t t = 0; t < max_ticks && open; t++) {
		w->tick = t;
		double before = w->tally.hours_casework;
		assert_int_equal(gs_casework_phase(w), 0);
		hours[t] = w->tally.hours_casework - before;
		for (size_t i = 0; i < w->n_closures; i++)
			for (int k = 0; k < n_cases; k++)
				if (w->closures[i] == id[k]) {
					done[k] = t;
					open--;
				}
		assert_int_equal(gs_closure_phase(w), 0);
		assert_world_ok(w);
	}
	assert_int_equal(open, 0);
	assert_int_equal(w->queue[0].n_held, 0);
	gs_world_free(w);
}

/*
 * service.visit_hours = 2 in daily ticks: a 6-hour case takes three days
 * (2 h a day), the worker idle the rest of each day; with no limit it is
 * done the first day, as before.
 */
static void test_visits_daily(void **state)
{
	(void)state;
	int32_t done[1];
	double hours[10];
	run_visits(2, 1440, 1, done, hours, 10);
	assert_int_equal(done[0], 2);
	for (int t = 0; t < 3; t++)
		assert_double_close(hours[t], 2, 1e-6);
	run_visits(0, 1440, 1, done, hours, 10);
	assert_int_equal(done[0], 0);
	assert_double_close(hours[0], 6, 1e-6);
	/* a limit above a day's hours changes nothing */
	run_visits(10, 1440, 1, done, hours, 10);
	assert_int_equal(done[0], 0);
}

/*
 * With a limit the worker moves on to another case the same day: two 6-hour
 * cases get 2 h each a day and both close on the third day; with no limit
 * the first closes the first day and the second the next.
 */
static void test_visits_second_case(void **state)
{
	(void)state;
	int32_t done[2];
	double hours[10];
	run_visits(2, 1440, 2, done, hours, 10);
	assert_int_equal(done[0], 2);
	assert_int_equal(done[1], 2);
	for (int t = 0; t < 3; t++)
		assert_double_close(hours[t], 4, 1e-6);
	run_visits(0, 1440, 2, done, hours, 10);
	assert_int_equal(done[0], 0);
	assert_int_equal(done[1], 1);
	assert_double_close(hours[0], 7, 1e-6);
	assert_double_close(hours[1], 5, 1e-6);
}

/*
 * Ticks shorter than a day: the limit holds per day of 1440 minutes, over
 * many ticks. In hourly ticks (7/24 h of work each) a 6-hour case with a
 * limit of 2 h closes on the third day; without a limit on the first.
 */
static void test_visits_short_ticks(void **state)
{
	(void)state;
	int32_t done[2];
	double hours[200];
	run_visits(2, 60, 1, done, hours, 200);
	assert_true(done[0] >= 48 && done[0] < 72);
	for (int day = 0; day < 3; day++) {
		double sum = 0;
		for (int t = 24 * day; t < 24 * (day + 1) && t <= done[0]; t++)
			sum += hours[t];
		assert_double_close(sum, 2, 1e-5);
	}
	run_visits(0, 60, 1, done, hours, 200);
	assert_int_equal(done[0], (int32_t)ceil(6 / (7.0 / 24)) - 1);
	/* two cases: 4 h a day go to them, both done on the third day */
	run_visits(2, 60, 2, done, hours, 200);
	assert_true(done[0] >= 48 && done[0] < 72);
	assert_true(done[1] >= 48 && done[1] < 72);
}

/*
 * A case resumed the next day keeps its offer: the components taken on
 * (drawn with discretion), its hours (drawn with work_cv) and its clocks are
 * not drawn again, whether its own worker resumes it or, with that worker
 * away, a colleague takes it from the queue.
 */
static void test_visits_keep_offer(void **state)
{
	(void)state;
	for (int away = 0; away < 2; away++) {
		struct gs_params p;
		work_params(&p, 40);
		p.cls[0].hours_per_component = 6;
		p.regime.discretion = 0.5;
		p.service.work_cv = 0.5;
		p.service.visit_hours = 1.5;
		struct gs_world *w = gs_test_world(&p, 10);
		int32_t id[8];
		for (int k = 0; k < 8; k++)
			id[k] = gs_test_queue_case(w, k, 6);
		assert_int_equal(gs_casework_phase(w), 0);
		assert_int_equal(w->n_closures, 0);
		/*
		 * worker 0: four visits of 1.5 h and 1 h of a fifth case, in hand;
		 * worker 1: the last three cases, then idle
		 */
		uint8_t addressed[8];
		float left[8];
		int32_t worker[8];
		bool held[8];
		for (int k = 0; k < 8; k++) {
			const struct gs_case *r = &w->cases.rec[id[k]];
			assert_int_equal(r->status, GS_CASE_ACTIVE);
			assert_true(r->flags & GS_CF_OFFERED);
			assert_true(r->addressed >= 1 && r->addressed <= 6);
			addressed[k] = r->addressed;
			left[k] = r->hours_left;
			worker[k] = r->worker;
			held[k] = w->w_case[r->worker] != id[k];
			assert_int_equal(worker[k], k < 5 ? 0 : 1);
			assert_int_equal(held[k], k != 4);
		}
		assert_int_equal(w->queue[0].len, 0);
		assert_int_equal(w->queue[0].n_held, 7);
		assert_double_close(w->tally.hours_casework, 7 + 4.5, 1e-6);
		if (away)
			w->w_status[0] = GS_W_SICK; /* worker 0's held cases go to worker 1 */
		for (int32_t t = 1; t < 4; t++) {
			w->tick = t;
			assert_int_equal(gs_casework_phase(w), 0);
			assert_world_ok(w);
			for (int k = 0; k < 8; k++) {
				const struct gs_case *r = &w->cases.rec[id[k]];
				assert_int_equal(r->addressed, addressed[k]);
				assert_int_equal(r->opened, 0);
				assert_int_equal(r->rec_start, 0);
				assert_true(r->hours_left <= left[k] + 1e-6);
				/* at most a day's visit since yesterday */
				assert_true(r->hours_left >= left[k] - 1.5 - 1e-5);
				if (away && held[k] && r->status == GS_CASE_ACTIVE)
					assert_int_equal(r->worker, 1);
				if (away && !held[k]) /* in the hands of the worker away */
					assert_double_close(r->hours_left, left[k], 0);
				left[k] = r->hours_left;
			}
			if (!away)
				for (int k = 0; k < 8; k++)
					assert_int_equal(w->cases.rec[id[k]].worker, worker[k]);
		}
		gs_world_free(w);
	}
}

/*
 * A citizen between visits has the next one booked and does not chase: one
 * worker with 7 h takes four of five 6-hour cases at a 2-hour limit (three
 * held between visits, the fourth in hand), the fifth waits. Every citizen
 * is due to chase the next tick: only the one waiting in the queue and the
 * one in hand chase; the three between visits have their chase put off.
 */
static void test_visits_no_chasing(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.workforce.workers_per_team = 1;
	p.cls[0].hours_per_component = 6;
	p.regime.discretion = 0;
	p.service.coproduction = 0;
	p.service.contact_hours = 0;
	p.service.visit_hours = 2;
	p.workforce.skill_from_practice = 0;
	p.population.abandon_probability = 0;
	struct gs_world *w = gs_test_world(&p, 9);
	w->w_skill[0] = 0.5f;
	int32_t id[5];
	for (int k = 0; k < 5; k++)
		id[k] = gs_test_queue_case(w, k, 1);
	assert_int_equal(gs_casework_phase(w), 0);
	for (int k = 0; k < 5; k++)
		assert_int_equal(gs_casework_between_visits(w, id[k]), k < 3);
	assert_int_equal(w->w_case[0], id[3]);
	assert_int_equal(w->cases.rec[id[4]].status, GS_CASE_QUEUED);
	for (int32_t c = 0; c < 5; c++) {
		w->cit[c].due = 1;
		w->cit[c].due_kind = GS_DUE_CHASE;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
	}
	assert_int_equal(gs_test_phases(w, 1, "needs contact"), 0);
	assert_double_close(w->tally.contacts_chasing, 2, 0);
	for (int32_t c = 0; c < 5; c++) {
		assert_int_equal(w->cit[c].due_kind, GS_DUE_CHASE);
		assert_true(w->cit[c].due > 1);
		assert_int_equal(w->cit[c].need_contacts, c < 3 ? 1 : 2);
	}
	assert_world_ok(w);
	assert_false(gs_casework_between_visits(w, -1));
	gs_world_free(w);
}

/*
 * The chance of closing a case prematurely is premature_base x nearness x
 * pressure felt x (1 - motivation) x deterrence: none without pressure,
 * more the harder managers press, none from fully motivated workers.
 * Motivation is held at 0.6 (mechanism.motivation off) so that only the
 * pressure changes between the paired runs.
 */
static void test_pressure_premature_closures(void **state)
{
	(void)state;
	static const double levels[] = {0, 0.3, 0.9};
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double premature[3];
		for (size_t k = 0; k < 3; k++) {
			struct gs_params p;
			gs_test_params(&p, 3000, 2, 4, 4, 365);
			p.mechanism.motivation = false;
			p.workforce.motivation_initial = 0.6;
			p.regime.target_pressure = levels[k];
			struct gs_test_result x;
			gs_test_run(&x, &p, gs_test_seeds[s], NULL, NULL);
			premature[k] = gs_test_total(&x, GS_M_premature_closures);
			assert_true(gs_test_total(&x, GS_M_cases_closed) > 2000);
			gs_test_result_free(&x);
		}
		assert_double_close(premature[0], 0, 0);
		assert_true(premature[1] > 10);
		/*
		 * the propensity is proportional to target_pressure (x 3 here, ~50
		 * against ~170 closures); with more closures bounced the load
		 * shifts a little, so ask for twice as many, over 3 Poisson
		 * standard deviations away
		 */
		assert_true(premature[2] > 2 * premature[1]);

		/* fully motivated workers do not game, however hard they are pressed */
		struct gs_params p;
		gs_test_params(&p, 3000, 2, 4, 4, 365);
		p.mechanism.motivation = false;
		p.workforce.motivation_initial = 1;
		p.regime.target_pressure = 0.9;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[s], NULL, NULL);
		assert_double_close(gs_test_total(&x, GS_M_premature_closures), 0, 0);
		gs_test_result_free(&x);
	}
}

/*
 * 600 needs of 1..6 components are queued at once; each is worked once
 * (citizens do not come back in this world). A need is met at its first
 * case only if every component is taken on and resolved: with discretion
 * d a need of k components is wholly taken on with probability d^(k-1).
 */
static double first_case_met_share(double discretion, uint64_t seed, double *simple)
{
	struct gs_params p;
	gs_test_params(&p, 600, 0, 1, 8, 365);
	p.regime.discretion = discretion;
	p.population.abandon_probability = 0;
	p.service.resolve_base = 0.6; /* most components resolved: the offer is what matters */
	p.cls[0].hours_per_component = 0.5;
	struct gs_world *w = gs_test_world(&p, seed);
	for (int32_t c = 0; c < 600; c++)
		gs_test_queue_case(w, c, 1 + c % 6);
	for (int32_t t = 0; t < 200 && w->n_in_service > 0; t++)
		assert_int_equal(gs_test_phases(w, t, "casework downstream closure"), 0);
	assert_int_equal(w->n_in_service, 0);
	assert_world_ok(w);
	int met = 0, n_complex = 0, met1 = 0;
	for (int32_t c = 0; c < 600; c++) {
		if (1 + c % 6 >= 3) {
			n_complex++;
			met += w->cit[c].state == GS_NEED_NONE;
		} else if (1 + c % 6 == 1) {
			met1 += w->cit[c].state == GS_NEED_NONE;
		}
	}
	assert_int_equal(n_complex, 400);
	*simple = met1 / 100.0;
	gs_world_free(w);
	return met / 400.0;
}

static void test_discretion_first_case(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double simple_lo, simple_hi;
		double lo = first_case_met_share(0.1, gs_test_seeds[s], &simple_lo);
		double hi = first_case_met_share(0.9, gs_test_seeds[s], &simple_hi);
		/*
		 * resolving 0.82 of components (0.6 + 0.5 x 0.5 + 0.2 x 0.3, less
		 * 10% barriers), a need of k >= 3 components is met at its
		 * first case with probability ~d^(k-1) 0.82^k: ~0.30 on average with
		 * d = 0.9 (120 of 400) and under 0.01 with d = 0.1
		 */
		assert_true(hi > 0.15);
		assert_true(lo < 0.03);
		assert_true(hi > lo + 0.12);
		/* single components are taken on whatever the discretion */
		assert_true(simple_lo > 0.6 && simple_hi > 0.6);
	}
}

/*
 * The mean offer over 2000 cases of 5 components: the presenting one and
 * each further one with probability 1 - (1 - d)(1 - standardisation x
 * routine_share), a standard procedure taking in the routine components
 * whatever the worker's discretion d.
 */
static double mean_offer(double d, double std, double routine, uint64_t seed)
{
	struct gs_params p;
	gs_test_params(&p, 2000, 0, 1, 4, 365);
	p.regime.discretion = d;
	p.regime.standardisation = std;
	p.cls[0].routine_share = routine;
	struct gs_world *w = gs_test_world(&p, seed);
	double sum = 0;
	for (int32_t c = 0; c < 2000; c++) {
		int32_t id = gs_test_queue_case(w, c, 5);
		int n = gs_casework_offer(w, 0, id, 5);
		assert_true(n >= 1 && n <= 5);
		sum += n;
	}
	gs_world_free(w);
	return sum / 2000;
}

static void test_standard_offer_takes_in_routine_components(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		uint64_t seed = gs_test_seeds[s];
		/* no discretion, no routine share: the presenting component only */
		assert_double_close(mean_offer(0, 1, 0, seed), 1, 0);
		/* every component routine under a full standard: all five */
		assert_double_close(mean_offer(0, 1, 1, seed), 5, 0);
		/* no standard: the routine share alone takes in nothing */
		assert_double_close(mean_offer(0, 0, 1, seed), 1, 0);
		/* 1 + 4 (1 - 0.8 x 0.52) = 3.336; binomial sd over 2000 cases ~0.022 */
		double m = mean_offer(0.2, 0.8, 0.6, seed);
		print_message("mean offer %.3f\n", m);
		assert_true(fabs(m - 3.336) < 0.1);
	}
}

/*
 * 40 citizens come back about needs of 2 components, each having last
 * seen worker c % 4 of the team. All workers have the same skill, which
 * practice does not change, and take on every component, so that a case
 * needs exactly 2 x 0.5 h x (1.5 - 0.5) = 1 h, or 0.7 h when seen by the
 * worker who knows the citizen.
 */
static void continuity_world(double continuity, uint64_t seed, double *known_share,
			     double *hours_per_case)
{
	struct gs_params p;
	gs_test_params(&p, 40, 0, 1, 4, 365);
	p.workforce.skill_initial = 0.5;
	p.workforce.skill_sd = 0;
	p.workforce.skill_from_practice = 0;
	p.mechanism.forgetting = false; /* skill stays where it is */
	p.mechanism.coproduction = false;
	p.regime.discretion = 1;
	p.workforce.judgement_sd = 0; /* every worker takes on every component */
	p.cls[0].hours_per_component = 0.5;
	p.population.abandon_probability = 0;
	p.service.continuity_saving = 0.3;
	p.service.continuity_wait = 3;
	p.service.contact_hours = 0; /* every hour goes to the cases */
	p.regime.continuity = continuity;
	struct gs_world *w = gs_test_world(&p, seed);
	int32_t last[40];
	for (int32_t c = 0; c < 40; c++) {
		last[c] = c % 4;
		w->cit[c].last_worker = last[c];
		/* a need first brought at tick 0, back at tick 1 */
		gs_test_need(w, c, GS_NEED_PENDING, 0.5, 2);
		w->cit[c].due = 1;
		w->cit[c].due_kind = GS_DUE_RETURN;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
	}
	assert_int_equal(gs_test_phases(w, 1, "needs contact"), 0);
	assert_int_equal(w->n_in_service, 40);
	assert_world_ok(w);
	int known = 0, taken = 0;
	for (int32_t t = 1; t < 30 && w->n_in_service > 0; t++) {
		int32_t id_of[40];
		for (int32_t c = 0; c < 40; c++) {
			int32_t id = w->cit[c].case_of;
			id_of[c] = id >= 0 && w->cases.rec[id].status == GS_CASE_QUEUED ? id : -1;
		}
		assert_int_equal(gs_test_phases(w, t, "casework"), 0);
		for (int32_t c = 0; c < 40; c++) {
			if (id_of[c] < 0 || w->cases.rec[id_of[c]].status == GS_CASE_QUEUED)
				continue;
			taken++;
			known += w->cases.rec[id_of[c]].worker == last[c];
		}
		assert_int_equal(gs_test_phases(w, t, "downstream closure"), 0);
	}
	assert_int_equal(taken, 40);
	assert_int_equal(w->n_in_service, 0);
	*known_share = known / 40.0;
	*hours_per_case = w->tally.hours_casework / 40;
	gs_world_free(w);
}

static void test_continuity(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double known1, hours1, known0, hours0;
		continuity_world(1, gs_test_seeds[s], &known1, &hours1);
		continuity_world(0, gs_test_seeds[s], &known0, &hours0);
		/* every returning citizen is seen by their worker, who needs 30% fewer hours */
		assert_double_close(known1, 1, 0);
		assert_double_close(hours1, 0.7, 1e-4);
		/* without continuity, whoever is free: mostly someone else */
		assert_true(known0 < 0.6);
		assert_double_close(hours0, 1 - 0.3 * known0, 1e-4);
		assert_true(hours1 < hours0);
	}
}

/*
 * Four citizens who last saw worker 0 come back (continuity 1: each case
 * is to see worker 0) with needs of 6 h each, more than a day of worker 0
 * holds two of. Worker 1 passes the cases left while worker 0 is present
 * and they have waited less than service.continuity_wait; it takes them
 * when worker 0 is away, or when they have waited that long (a wait of
 * 0: at once). Returns the cases each worker took on the first day.
 */
static void continuity_gives_way(int wait, bool away, uint64_t seed, int taken[2])
{
	struct gs_params p;
	gs_test_params(&p, 4, 0, 1, 2, 365);
	p.workforce.skill_initial = 0.5;
	p.workforce.skill_sd = 0;
	p.workforce.skill_from_practice = 0;
	p.mechanism.forgetting = false;
	p.mechanism.coproduction = false;
	p.regime.discretion = 1;
	p.workforce.judgement_sd = 0;
	p.cls[0].hours_per_component = 3; /* 2 x 3 h x (1.5 - 0.5) = 6 h a case */
	p.service.continuity_saving = 0;
	p.service.continuity_wait = wait;
	p.service.contact_hours = 0;
	p.population.abandon_probability = 0;
	p.regime.continuity = 1;
	struct gs_world *w = gs_test_world(&p, seed);
	for (int32_t c = 0; c < 4; c++) {
		w->cit[c].last_worker = 0;
		gs_test_need(w, c, GS_NEED_PENDING, 0.5, 2);
		w->cit[c].due = 1;
		w->cit[c].due_kind = GS_DUE_RETURN;
		assert_int_equal(gs_citizen_reschedule(w, c), 0);
	}
	assert_int_equal(gs_test_phases(w, 1, "needs contact"), 0);
	for (int32_t c = 0; c < 4; c++)
		assert_int_equal(w->cases.rec[w->cit[c].case_of].pref, 0);
	if (away)
		w->w_status[0] = GS_W_SICK;
	assert_int_equal(gs_test_phases(w, 1, "casework"), 0);
	taken[0] = taken[1] = 0;
	for (int32_t c = 0; c < 4; c++) {
		const struct gs_case *r = &w->cases.rec[w->cit[c].case_of];
		if (r->status != GS_CASE_QUEUED)
			taken[r->worker]++;
	}
	assert_int_equal(gs_test_phases(w, 1, "downstream closure"), 0);
	assert_world_ok(w);
	gs_world_free(w);
}

static void test_continuity_gives_way(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		int taken[2];
		/* worker 0 present, the cases not waiting long: worker 0's alone */
		continuity_gives_way(100, false, gs_test_seeds[s], taken);
		assert_true(taken[0] >= 1 && taken[0] <= 2);
		assert_int_equal(taken[1], 0);
		/* worker 0 away: worker 1 takes them */
		continuity_gives_way(100, true, gs_test_seeds[s], taken);
		assert_int_equal(taken[0], 0);
		assert_true(taken[1] >= 1);
		/* waiting long enough (at once): worker 1 takes those worker 0 left */
		continuity_gives_way(0, false, gs_test_seeds[s], taken);
		assert_true(taken[0] >= 1);
		assert_true(taken[1] >= 1);
		assert_true(taken[0] + taken[1] <= 4);
	}
}

/*
 * Paid only per need met (1000 a need), a provider parks a case whose
 * chance of every component left being resolved, times the payment, does
 * not cover the hours of the whole offer: the presenting component of a
 * hard need (6 components) pays 0.64^6 x 1000 = 70 against ~10 h x 36 an
 * hour, an easy one (2) 410 against ~4 h x 36. A parked case gets a
 * holding appointment (0.3 of one component's hours), so hard cases get
 * fewer hours than easy ones; without the mechanism, many more.
 */
static void test_payment_by_outcome(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double easy[2], hard[2], parked[2];
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			gs_test_params(&p, 2000, 1, 2, 5, 365);
			gs_test_set(&p, "class.easy.complexity_mean", "2");
			gs_test_set(&p, "class.hard.complexity_mean", "6");
			p.cls[1].need_rate = 1;
			gs_test_set(&p, "regime.payment_model", "outcome");
			p.cost.payment_per_outcome = 1000;
			p.cost.wage_per_hour = 30;
			p.cost.overhead = 0.2;
			p.regime.discretion = 0.9;
			p.mechanism.payments = k == 0;
			struct gs_test_result x;
			gs_test_run(&x, &p, gs_test_seeds[s], NULL, NULL);
			assert_string_equal(x.p.class_name[1], "hard");
			easy[k] = gs_test_class_total(&x, GS_CM_hours_casework, 0) /
				  gs_test_class_total(&x, GS_CM_cases_closed, 0);
			hard[k] = gs_test_class_total(&x, GS_CM_hours_casework, 1) /
				  gs_test_class_total(&x, GS_CM_cases_closed, 1);
			parked[k] = gs_test_total(&x, GS_M_cases_parked);
			assert_true(gs_test_total(&x, GS_M_payments) > 0);
			gs_test_result_free(&x);
		}
		/* parked: hard cases get under half the hours of easy ones; not parked, more */
		assert_true(hard[0] < 0.5 * easy[0]);
		assert_true(hard[1] > 1.5 * easy[1]);
		assert_true(hard[0] < 0.5 * hard[1]);
		assert_true(parked[0] > 500);
		assert_double_close(parked[1], 0, 0);
	}
}

/*
 * Discretion in less skilled hands errs more: the chance of resolving a
 * component falls by discretion x discretion_error x (skill_max - skill);
 * nothing for a worker above the plateau, nothing without discretion.
 */
static void test_discretion_error(void **state)
{
	(void)state;
	struct gs_params p;
	work_params(&p, 10);
	p.service.barrier = 0;
	p.workforce.skill_max = 0.9;
	p.regime.discretion = 0.8;
	p.workforce.discretion_error = 0; /* first without the extra errors */
	struct gs_world *w = gs_test_world(&p, 1);
	w->w_skill[0] = 0.3f;
	w->w_skill[1] = 1.0f;
	double novice0 = gs_resolve_probability(w, 0, 0, false);
	double expert0 = gs_resolve_probability(w, 1, 0, false);
	p.workforce.discretion_error = 0.5;
	assert_double_close(gs_resolve_probability(w, 0, 0, false),
			    novice0 * (1 - 0.8 * 0.5 * (0.9 - (double)0.3f)), 1e-12);
	assert_double_close(gs_resolve_probability(w, 1, 0, false), expert0, 1e-12);
	p.regime.discretion = 0;
	assert_double_close(gs_resolve_probability(w, 0, 0, false), novice0, 1e-12);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hours_skill),
		cmocka_unit_test(test_case_in_hand),
		cmocka_unit_test(test_standardisation),
		cmocka_unit_test(test_standardisation_novices_errors),
		cmocka_unit_test(test_effort_under_pressure),
		cmocka_unit_test(test_discretion_error),
		cmocka_unit_test(test_work_variability),
		cmocka_unit_test(test_coproduction),
		cmocka_unit_test(test_discretion),
		cmocka_unit_test(test_contact_cap),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_barrier),
		cmocka_unit_test(test_visits_daily),
		cmocka_unit_test(test_visits_second_case),
		cmocka_unit_test(test_visits_short_ticks),
		cmocka_unit_test(test_visits_keep_offer),
		cmocka_unit_test(test_standard_offer_takes_in_routine_components),
		cmocka_unit_test(test_visits_no_chasing),
		cmocka_unit_test(test_pressure_premature_closures),
		cmocka_unit_test(test_discretion_first_case),
		cmocka_unit_test(test_continuity),
		cmocka_unit_test(test_continuity_gives_way),
		cmocka_unit_test(test_payment_by_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
