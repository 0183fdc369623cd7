/*
 * test_worker.c - workers (models/worker.c): teams and skill, how their
 * hours are split between reporting, learning and casework, what they
 * cost, and skill from practice.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/casework.h"
#include "models/costs.h"
#include "models/worker.h"
#include "models/world.h"

/* Two teams of three workers, 7 paid hours a day. */
static void worker_params(struct gs_params *p)
{
	gs_test_params(p, 30, 0, 2, 3, 50);
	p->workforce.hours_per_day = 7;
	p->cost.wage_per_hour = 30;
	p->cost.manager_per_day = 350;
	p->cost.overhead = 0.2;
}

/* Workers in contiguous teams, skill drawn around skill_initial within 0..1. */
static void test_init(void **state)
{
	(void)state;
	struct gs_params p;
	worker_params(&p);
	p.workforce.workers_per_team = 100;
	p.workforce.skill_initial = 0.9;
	p.workforce.skill_sd = 0.2;
	struct gs_world *w = gs_test_world(&p, 1);
	assert_int_equal(w->n_workers, 200);
	double sum = 0;
	int at_one = 0;
	for (size_t i = 0; i < w->n_workers; i++) {
		assert_int_equal(w->w_team[i], (int32_t)(i / 100));
		assert_int_equal(w->w_case[i], -1);
		assert_true(w->w_skill[i] >= 0 && w->w_skill[i] <= 1);
		at_one += w->w_skill[i] == 1;
		sum += w->w_skill[i];
	}
	/* clipped at 1: P(> 1) = P(z > 0.5) = 0.31 */
	assert_true(at_one > 30 && at_one < 100);
	assert_true(sum / 200 < 0.9 && sum / 200 > 0.75);
	gs_world_free(w);
}

/* Reporting and learning take their shares of paid hours; the rest is for contacts and cases. */
static void test_hours_split(void **state)
{
	(void)state;
	struct gs_params p;
	worker_params(&p);
	p.regime.reporting_burden = 0.12;
	p.regime.learning_time = 0.1;
	struct gs_world *w = gs_test_world(&p, 2);
	assert_double_close(gs_worker_hours(w), 7, 1e-12);
	assert_double_close(gs_worker_casework_hours(w), 7 * 0.78, 1e-12);
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(gs_cost_phase(w), 0);
	assert_double_close(w->tally.hours_reporting, 6 * 7 * 0.12, 1e-9);
	assert_double_close(w->tally.hours_learning, 6 * 7 * 0.1, 1e-9);
	/* nothing to do: the rest is idle; every paid hour is accounted for once */
	assert_double_close(w->tally.hours_idle, 6 * 7 * 0.78, 1e-9);
	struct gs_tally *t = &w->tally;
	assert_double_close(t->hours_reporting + t->hours_learning + t->hours_idle +
				    t->hours_casework + t->hours_contact,
			    6 * 7, 1e-9);

	/* more reporting: less for casework */
	p.regime.reporting_burden = 0.3;
	assert_double_close(gs_worker_casework_hours(w), 7 * 0.6, 1e-12);
	/* shares over 1 are scaled down to the paid hours; no casework is left */
	p.regime.reporting_burden = 0.9;
	p.regime.learning_time = 0.9;
	assert_double_close(gs_worker_casework_hours(w), 0, 0);
	w->tally = (struct gs_tally){0};
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(gs_cost_phase(w), 0);
	assert_double_close(w->tally.hours_reporting, 6 * 7 * 0.5, 1e-9);
	assert_double_close(w->tally.hours_learning, 6 * 7 * 0.5, 1e-9);
	assert_double_close(w->tally.hours_idle + w->tally.hours_casework, 0, 1e-12);
	gs_world_free(w);
}

/* Cost per tick (gs_cost_phase): (paid hours x wage + managers per day x days) x (1 + overhead). */
static void test_cost(void **state)
{
	(void)state;
	struct gs_params p;
	worker_params(&p);
	struct gs_world *w = gs_test_world(&p, 3);
	assert_int_equal(gs_cost_phase(w), 0);
	double day = (6 * 7 * 30.0 + 2 * 350.0) * 1.2;
	assert_double_close(w->tally.cost_total, day, 1e-9);
	/* reporting and learning are paid hours too */
	p.regime.reporting_burden = 0.3;
	p.regime.learning_time = 0.2;
	assert_int_equal(gs_cost_phase(w), 0);
	assert_double_close(w->tally.cost_total, 2 * day, 1e-9);
	/* each term in its own right */
	p.cost.overhead = 0;
	p.cost.manager_per_day = 0;
	w->tally.cost_total = 0;
	assert_int_equal(gs_cost_phase(w), 0);
	assert_double_close(w->tally.cost_total, 6 * 7 * 30.0, 1e-9);
	p.cost.wage_per_hour = 0;
	p.cost.manager_per_day = 350;
	w->tally.cost_total = 0;
	assert_int_equal(gs_cost_phase(w), 0);
	assert_double_close(w->tally.cost_total, 2 * 350.0, 1e-9);
	gs_world_free(w);

	/* ticks of 6 h: a quarter of the day's hours and cost per tick */
	worker_params(&p);
	gs_test_set(&p, "simulation.tick", "6h");
	gs_test_set(&p, "simulation.duration", "10d");
	w = gs_test_world(&p, 3);
	assert_int_equal(w->n_ticks, 40);
	assert_double_close(gs_worker_hours(w), 7 / 4.0, 1e-12);
	for (int32_t t = 0; t < 4; t++) {
		w->tick = t;
		assert_int_equal(gs_cost_phase(w), 0);
	}
	assert_double_close(w->tally.cost_total, day, 1e-9);
	gs_world_free(w);
}

/* Practice: skill rises by skill_from_practice x (1 - skill) per case, towards 1. */
static void test_practice(void **state)
{
	(void)state;
	struct gs_params p;
	worker_params(&p);
	p.workforce.skill_from_practice = 0.1;
	struct gs_world *w = gs_test_world(&p, 4);
	w->w_skill[0] = 0.5f;
	gs_worker_practice(w, 0, 1);
	assert_double_close(w->w_skill[0], 0.55, 1e-6);
	gs_worker_practice(w, 0, 1);
	assert_double_close(w->w_skill[0], 0.595, 1e-6);
	/* the less skilled learn more from a case */
	w->w_skill[1] = 0.1f;
	gs_worker_practice(w, 1, 1);
	assert_double_close(w->w_skill[1], 0.19, 1e-6);
	/* never beyond 1 */
	for (int i = 0; i < 500; i++)
		gs_worker_practice(w, 0, 1);
	assert_true(w->w_skill[0] <= 1 && w->w_skill[0] > 0.999);
	/* no learning from practice: unchanged */
	p.workforce.skill_from_practice = 0;
	w->w_skill[2] = 0.3f;
	gs_worker_practice(w, 2, 1);
	assert_double_close(w->w_skill[2], 0.3f, 0);
	gs_world_free(w);
}

/* Each case a worker finishes in the casework phase is practice. */
static void test_practice_in_casework(void **state)
{
	(void)state;
	struct gs_params p;
	worker_params(&p);
	p.workforce.teams = 1;
	p.workforce.workers_per_team = 1;
	p.workforce.skill_from_practice = 0.05;
	p.cls[0].hours_per_component = 0.01;
	struct gs_world *w = gs_test_world(&p, 5);
	w->w_skill[0] = 0.2f;
	for (int32_t c = 0; c < 10; c++)
		gs_test_queue_case(w, c, 1);
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(w->n_closures, 10);
	/* 1 - skill shrinks by 0.95 per case */
	assert_double_close(w->w_skill[0], 1 - 0.8 * pow(0.95, 10), 1e-5);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_hours_split),
		cmocka_unit_test(test_cost),
		cmocka_unit_test(test_practice),
		cmocka_unit_test(test_practice_in_casework),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
