/*
 * test_worker.c - workers (models/worker.c): teams and skill, how their
 * hours are split between reporting, learning and casework, what they
 * cost, skill from practice; stress from overload and pressure, sick leave
 * and leaving, audit sanctions, and novices recruited to vacant posts.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/casework.h"
#include "models/costs.h"
#include "models/worker.h"
#include "models/world.h"
#include "sim/core/metrics.h"

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
	assert_double_close(gs_worker_casework_hours(w, 0), 7 * 0.78, 1e-12);
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
	assert_double_close(gs_worker_casework_hours(w, 0), 7 * 0.6, 1e-12);
	/* shares over 1 are scaled down to the paid hours; no casework is left */
	p.regime.reporting_burden = 0.9;
	p.regime.learning_time = 0.9;
	assert_double_close(gs_worker_casework_hours(w, 0), 0, 0);
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

/* Workers of the worker phase's tiny world: no citizens' needs, `n` workers in one team. */
static struct gs_world *worker_world(struct gs_params *p, int64_t n, uint64_t seed)
{
	gs_test_params(p, 10, 0, 1, n, 365);
	gs_test_alike(p);
	p->regime.discretion = 0.2;
	p->workforce.stress_rate = 0.02;
	p->workforce.stress_recovery = 0.03;
	p->workforce.autonomy_buffer = 0.5;
	struct gs_world *w = gs_test_world(p, seed);
	return w;
}

/*
 * Stress gains stress_rate x (overload + pressure felt) x (1 - buffer x
 * discretion) a day and, with slack, loses stress_recovery x stress: over
 * 30 days, overloaded under pressure (0.7 x 0.5 felt with no shortfall) it
 * rises by 0.02 x 1.35 x 0.9 a day with no recovery.
 */
static void test_stress_overload_pressure(void **state)
{
	(void)state;
	double stress[2][2];
	for (int over = 0; over < 2; over++) {
		for (int press = 0; press < 2; press++) {
			struct gs_params p;
			struct gs_world *w = worker_world(&p, 50, 1);
			p.mechanism.turnover = false;
			p.regime.target_pressure = press ? 0.7 : 0;
			for (int32_t t = 0; t < 30; t++) {
				w->tick = t;
				for (size_t i = 0; i < w->n_workers; i++)
					w->w_overloaded[i] = (uint8_t)over;
				assert_int_equal(gs_worker_phase(w), 0);
			}
			for (size_t i = 1; i < w->n_workers; i++)
				assert_double_close(w->w_stress[i], w->w_stress[0], 1e-6);
			stress[over][press] = w->w_stress[0];
			gs_world_free(w);
		}
	}
	assert_double_close(stress[0][0], 0, 0);
	assert_double_close(stress[1][1], 30 * 0.02 * 1.35 * 0.9, 1e-4);
	assert_double_close(stress[1][0], 30 * 0.02 * 0.9, 1e-4);
	/* pressure alone: towards 0.02 x 0.35 x 0.9 / 0.03 = 0.21, with recovery */
	double eq = 0.02 * 0.35 * 0.9 / 0.03;
	assert_double_close(stress[0][1], eq * (1 - pow(1 - 0.03, 30)), 1e-5);
	assert_true(stress[1][1] > stress[1][0] && stress[1][0] > stress[0][1] &&
		    stress[0][1] > stress[0][0]);
}

/*
 * With stress held (mechanism.stress off), 400 workers at stress 0.8 and
 * 400 at 0: the sick-leave hazard is 2 x (1 + 4 x 0.8) = 8.4 against 2 a
 * year, leaving 0.5 x (1 + 4 x 0.8) = 2.1 against 0.5. Over 90 days, with
 * fewer workers at risk as they leave (for good here) or are off sick,
 * that is ~570 against ~180 sick-leave episodes and ~140 against ~50
 * leavers: a factor 2 is over 3 standard deviations away for the leavers
 * and far more for sick leave.
 */
static void test_stress_sick_leave_leaving(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double sick[2], leavers[2];
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			struct gs_world *w = worker_world(&p, 400, gs_test_seeds[s]);
			p.mechanism.stress = false;
			p.mechanism.motivation = false;
			p.workforce.motivation_initial = 1;
			p.workforce.sick_rate = 2;
			p.workforce.sick_stress = 4;
			p.workforce.sick_duration = 7;
			p.workforce.leave_rate = 0.5;
			p.workforce.leave_stress = 4;
			p.workforce.leave_motivation = 0;
			p.workforce.recruitment_delay = 1000;
			for (size_t i = 0; i < w->n_workers; i++) {
				w->w_motivation[i] = 1;
				w->w_stress[i] = k ? 0.8f : 0.0f;
			}
			sick[k] = 0;
			for (int32_t t = 0; t < 90; t++) {
				w->tick = t;
				uint8_t was[400];
				memcpy(was, w->w_status, sizeof(was));
				assert_int_equal(gs_worker_phase(w), 0);
				for (size_t i = 0; i < 400; i++)
					sick[k] +=
					    was[i] == GS_W_PRESENT && w->w_status[i] == GS_W_SICK;
			}
			leavers[k] = w->tally.leavers;
			gs_world_free(w);
		}
		assert_true(sick[0] > 100 && leavers[0] > 20);
		assert_true(sick[1] > 2 * sick[0]);
		assert_true(leavers[1] > 2 * leavers[0]);
	}
}

/*
 * workforce.sick_motivation: disengaged workers take more sick leave. 400
 * workers at motivation 0.2 against 400 at 1, stress 0, leaving off: the
 * hazard is 2 x (1 + 3 x 0.8) = 6.8 against 2 a year, ~3 times the episodes
 * over 90 days (with fewer at risk while off sick); a factor 2 is many
 * standard deviations away. With sick_motivation 0, motivation changes
 * nothing: the same draws give the same episodes.
 */
static void test_sick_motivation(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double sick[2][2];
		for (int f = 0; f < 2; f++) {
			for (int k = 0; k < 2; k++) {
				struct gs_params p;
				struct gs_world *w = worker_world(&p, 400, gs_test_seeds[s]);
				p.mechanism.stress = false;
				p.mechanism.motivation = false;
				p.workforce.sick_rate = 2;
				p.workforce.sick_stress = 4;
				p.workforce.sick_motivation = f ? 3 : 0;
				p.workforce.sick_duration = 7;
				p.workforce.leave_rate = 0;
				for (size_t i = 0; i < w->n_workers; i++) {
					w->w_motivation[i] = k ? 0.2f : 1.0f;
					w->w_stress[i] = 0;
				}
				sick[f][k] = 0;
				for (int32_t t = 0; t < 90; t++) {
					w->tick = t;
					uint8_t was[400];
					memcpy(was, w->w_status, sizeof(was));
					assert_int_equal(gs_worker_phase(w), 0);
					for (size_t i = 0; i < 400; i++)
						sick[f][k] += was[i] == GS_W_PRESENT &&
							      w->w_status[i] == GS_W_SICK;
				}
				gs_world_free(w);
			}
		}
		assert_double_close(sick[0][1], sick[0][0], 0);
		assert_true(sick[1][0] > 100);
		assert_true(sick[1][1] > 2 * sick[1][0]);
	}
}

/*
 * An audit's sanction raises the caught worker's stress and lowers their
 * trust in management by 0.05 x audit_penalty, each only while its
 * mechanism is on: with mechanism.stress off nothing raises stress (and
 * nothing would lower it again).
 */
static void test_sanction_switches(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = worker_world(&p, 2, 1);
	p.regime.audit_penalty = 2;
	gs_worker_sanction(w, 0);
	assert_double_close(w->w_stress[0], 0.1, 1e-6);
	assert_double_close(w->w_trust[0], p.workforce.trust_initial - 0.1, 1e-6);
	p.mechanism.stress = false;
	p.mechanism.motivation = false;
	gs_worker_sanction(w, 1);
	double trust = w->w_trust[1], stress = w->w_stress[1];
	gs_world_free(w);
	assert_double_close(trust, p.workforce.trust_initial, 1e-6);
	assert_double_close(stress, 0, 0);
}

/*
 * Paired runs: a light load without pressure against a heavy one under
 * pressure. Stress and the sick leave it brings are higher in the second.
 */
static void test_stress_in_runs(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result x[2];
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			gs_test_params(&p, 2000, k ? 3 : 0.8, 4, 5, 365);
			p.regime.target_pressure = k ? 0.7 : 0;
			p.workforce.sick_rate = 2;
			p.workforce.sick_stress = 4;
			gs_test_run(&x[k], &p, gs_test_seeds[s], NULL, NULL);
		}
		double st0 = gs_test_total(&x[0], GS_M_worker_stress_mean) / (double)x[0].n_time;
		double st1 = gs_test_total(&x[1], GS_M_worker_stress_mean) / (double)x[1].n_time;
		assert_true(st0 < 0.05);
		assert_true(st1 > st0 + 0.1);
		/*
		 * worker-days sick: ~20 workers x 2/y x 7 d ~ 280 a year at no
		 * stress, (1 + 4 s) times that under stress s; ask for 1.3 times
		 */
		assert_true(gs_test_total(&x[1], GS_M_workers_sick) >
			    1.3 * gs_test_total(&x[0], GS_M_workers_sick));
		for (int k = 0; k < 2; k++)
			gs_test_result_free(&x[k]);
	}
}

/*
 * A leaver's case goes back to the queue and a share of the team's
 * know-how leaves with them; the post stays vacant for exactly
 * ceil(recruitment_delay) ticks, then a novice starts in it.
 */
static void test_novice_replaces_leaver(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = worker_world(&p, 1, 5);
	p.cls[0].hours_per_component = 1000; /* the case stays in hand */
	p.workforce.sick_rate = 0;
	p.workforce.leave_rate = 100;
	p.workforce.leave_stress = 5;
	p.workforce.novice_skill = 0.25;
	p.workforce.motivation_initial = 0.7;
	p.workforce.trust_initial = 0.65;
	p.workforce.knowhow_loss = 0.5;
	gs_test_set(&p, "workforce.recruitment_delay", "300h"); /* 12.5 days: 13 ticks */
	w->w_skill[0] = 0.9f;
	w->w_stress[0] = 1;
	w->w_motivation[0] = 0.2f;
	int32_t id = gs_test_queue_case(w, 0, 2);
	w->tick = 0;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(w->w_case[0], id);
	assert_int_equal(w->queue[0].len, 0);
	/* a hazard of over 0.8 a tick: the worker leaves within a few */
	int32_t left_at = -1;
	for (int32_t t = 1; t < 50 && left_at < 0; t++) {
		w->tick = t;
		assert_int_equal(gs_worker_phase(w), 0);
		if (w->w_status[0] == GS_W_VACANT)
			left_at = t;
	}
	assert_true(left_at > 0);
	assert_double_close(w->tally.leavers, 1, 0);
	assert_int_equal(w->w_case[0], -1);
	assert_int_equal(w->cases.rec[id].status, GS_CASE_QUEUED);
	assert_int_equal(w->cases.rec[id].worker, -1);
	assert_int_equal(w->queue[0].len, 1);
	assert_double_close(w->team[0].knowhow, 0.3 * (1 - 0.5), 1e-12);
	assert_world_ok(w);
	p.workforce.leave_rate = 0;
	for (int32_t t = left_at + 1; t < left_at + 13; t++) {
		w->tick = t;
		assert_int_equal(gs_casework_phase(w), 0);
		assert_int_equal(gs_worker_phase(w), 0);
		assert_int_equal(w->w_status[0], GS_W_VACANT);
		/* nobody works the case meanwhile */
		assert_int_equal(w->cases.rec[id].status, GS_CASE_QUEUED);
	}
	w->tick = left_at + 13;
	assert_int_equal(gs_worker_phase(w), 0);
	assert_int_equal(w->w_status[0], GS_W_PRESENT);
	assert_double_close(w->w_skill[0], (float)0.25, 0);
	assert_double_close(w->w_motivation[0], (float)0.7, 0);
	assert_double_close(w->w_trust[0], (float)0.65, 0);
	assert_double_close(w->w_stress[0], 0, 0);
	assert_int_equal(w->w_case[0], -1);
	/* the novice takes the case up again */
	w->tick++;
	assert_int_equal(gs_casework_phase(w), 0);
	assert_int_equal(w->w_case[0], id);
	assert_world_ok(w);
	gs_world_free(w);
}

/* Vacancies seen from the hook of a run with many leavers. */
struct vacancy_obs {
	int32_t left_at[64];
	uint8_t before[64];
	double novice;
	double motivation;
	int32_t delay;
	long refilled, bad;
};

static int vacancy_hook(const struct gs_world *w, void *ctx)
{
	struct vacancy_obs *o = ctx;
	if (gs_test_check_hook(w, NULL))
		return -1;
	for (size_t i = 0; i < w->n_workers; i++) {
		uint8_t now = w->w_status[i];
		if (now == GS_W_VACANT && o->before[i] != GS_W_VACANT)
			o->left_at[i] = w->tick;
		if (now == GS_W_VACANT && w->tick - o->left_at[i] >= o->delay) {
			print_error("tick %d: worker %zu vacant since %d\n", w->tick, i,
				    o->left_at[i]);
			o->bad++;
		}
		if (now != GS_W_VACANT && o->before[i] == GS_W_VACANT) {
			o->refilled++;
			if (now != GS_W_PRESENT || w->tick - o->left_at[i] != o->delay ||
			    w->w_skill[i] != (float)o->novice || w->w_stress[i] != 0 ||
			    w->w_motivation[i] != (float)fmin(1, fmax(0, o->motivation + w->w_psm[i])) ||
			    w->w_case[i] != -1) {
				print_error("tick %d: worker %zu back after %d ticks, skill %g\n",
					    w->tick, i, w->tick - o->left_at[i],
					    (double)w->w_skill[i]);
				o->bad++;
			}
		}
		o->before[i] = now;
	}
	return 0;
}

static void test_novices_in_run(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_params p;
		gs_test_params(&p, 1500, 2, 4, 6, 365);
		p.regime.target_pressure = 0.5;
		p.workforce.leave_rate = 3;
		p.workforce.recruitment_delay = 30;
		p.workforce.novice_skill = 0.2;
		p.regime.learning_time = 0; /* nothing changes a novice's skill in its first tick */
		struct vacancy_obs o = {0};
		o.novice = 0.2;
		o.motivation = p.workforce.motivation_initial;
		o.delay = 30;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[s], vacancy_hook, &o);
		assert_int_equal(o.bad, 0);
		/* 24 workers leaving at 3+ a year each: dozens of posts refilled */
		assert_true(o.refilled > 20);
		assert_true(gs_test_total(&x, GS_M_leavers) >= (double)o.refilled);
		gs_test_result_free(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_hours_split),
		cmocka_unit_test(test_cost),
		cmocka_unit_test(test_practice),
		cmocka_unit_test(test_practice_in_casework),
		cmocka_unit_test(test_stress_overload_pressure),
		cmocka_unit_test(test_stress_sick_leave_leaving),
		cmocka_unit_test(test_sanction_switches),
		cmocka_unit_test(test_sick_motivation),
		cmocka_unit_test(test_stress_in_runs),
		cmocka_unit_test(test_novice_replaces_leaver),
		cmocka_unit_test(test_novices_in_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
