/*
 * test_manager.c - managers (models/manager.c): review periods, where the
 * target ratchets only when met, never above 1, and resets when
 * regime.target_level changes; system barriers erode back
 * (service.barrier_growth) and stewardship removes them.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/governance.h"
#include "models/manager.h"
#include "models/world.h"

/* One team of one worker, no needs, 200 ticks; reviews every 30 ticks. */
static struct gs_world *manager_world(struct gs_params *p, double level, double ratchet)
{
	gs_test_params(p, 10, 0, 1, 1, 200);
	p->regime.review_period = 30;
	p->regime.target_level = level;
	p->regime.target_ratchet = ratchet;
	struct gs_world *w = gs_test_world(p, 1);
	assert_double_close(w->team[0].target, level, 0);
	return w;
}

/* Run the manager phase at tick t after `closed` closures, `within` of them within target. */
static void review(struct gs_world *w, int32_t t, double closed, double within)
{
	w->tick = t;
	w->team[0].review_closed += closed;
	w->team[0].review_within += within;
	assert_int_equal(gs_manager_phase(w), 0);
}

/* service.barrier changed as an event changes it: the value, then the model told. */
static void set_barrier(struct gs_world *w, struct gs_params *p, double barrier)
{
	union gs_value old = {.d = p->service.barrier};
	p->service.barrier = barrier;
	assert_int_equal(gs_governance.changed(w, GS_P_service_barrier, 0, old), 0);
}

/* Met at the end of a period: up by the ratchet; not met: unchanged. */
static void test_ratchet_when_met(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.5, 0.125);
	/* mid-period: nothing happens, the tallies carry on */
	review(w, 10, 10, 9);
	assert_double_close(w->team[0].target, 0.5, 0);
	assert_double_close(w->team[0].review_closed, 10, 0);
	/* end of the first period (ticks 0..29): 18 of 20, met */
	review(w, 29, 10, 9);
	assert_double_close(w->team[0].target, 0.625, 0);
	assert_double_close(w->team[0].review_closed, 0, 0);
	assert_double_close(w->team[0].review_within, 0, 0);
	/* 6 of 10 < 0.625: not met */
	review(w, 59, 10, 6);
	assert_double_close(w->team[0].target, 0.625, 0);
	assert_double_close(w->team[0].review_closed, 0, 0);
	/* exactly at the target counts as met */
	review(w, 89, 8, 5);
	assert_double_close(w->team[0].target, 0.75, 0);
	/* no closures in the period: nothing to meet */
	review(w, 119, 0, 0);
	assert_double_close(w->team[0].target, 0.75, 0);
	/* a bad period, then a good one: only the period's own closures count */
	review(w, 140, 6, 0);
	review(w, 149, 0, 0);
	assert_double_close(w->team[0].target, 0.75, 0);
	review(w, 179, 4, 3);
	assert_double_close(w->team[0].target, 0.875, 0);
	gs_world_free(w);
}

/* The target never exceeds 1. */
static void test_ratchet_capped(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.75, 0.5);
	review(w, 29, 4, 3);
	assert_double_close(w->team[0].target, 1, 0);
	review(w, 59, 4, 4);
	assert_double_close(w->team[0].target, 1, 0);
	gs_world_free(w);
}

/* No ratchet: the target stays put even when met. */
static void test_no_ratchet(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.8, 0);
	for (int32_t t = 0; t < 200; t++)
		review(w, t, 1, 1);
	assert_double_close(w->team[0].target, 0.8, 0);
	gs_world_free(w);
}

/* A new regime.target_level resets the target at once, ratchets and all. */
static void test_reset(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.5, 0.25);
	review(w, 29, 1, 1);
	assert_double_close(w->team[0].target, 0.75, 0);
	/* as the engine applies an event: the value changes, then the model is told */
	union gs_value old = {.d = p.regime.target_level};
	p.regime.target_level = 0.25;
	assert_int_equal(gs_governance.changed(w, GS_P_regime_target_level, 0, old), 0);
	review(w, 40, 0, 0);
	assert_double_close(w->team[0].target, 0.25, 0);
	/* and ratchets from there */
	review(w, 59, 2, 1);
	assert_double_close(w->team[0].target, 0.5, 0);
	/* without a change the ratcheted target stays */
	review(w, 70, 0, 0);
	assert_double_close(w->team[0].target, 0.5, 0);
	gs_world_free(w);
}

/* The review period follows regime.review_period. */
static void test_period(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.5, 0.0625);
	p.regime.review_period = 7;
	int ups = 0;
	for (int32_t t = 0; t < 70; t++) {
		double before = w->team[0].target;
		review(w, t, 1, 1);
		if (w->team[0].target > before) {
			assert_int_equal((t + 1) % 7, 0);
			ups++;
		}
	}
	assert_int_equal(ups, 8); /* from 0.5 to 1 */
	assert_double_close(w->team[0].target, 1, 0);
	gs_world_free(w);
}

/* Barriers grow back towards 1 at service.barrier_growth per year, compounded every tick. */
static void test_barrier_erosion(void **state)
{
	(void)state;
	struct gs_params p;
	struct gs_world *w = manager_world(&p, 0.5, 0);
	set_barrier(w, &p, 0.2);
	p.service.barrier_growth = 0.5;
	review(w, 0, 0, 0); /* the managers' phase resets barriers to service.barrier, then erodes */
	double keep = exp(-0.5 / 365);
	assert_double_close(w->team[0].barrier, 1 - 0.8 * keep, 1e-12);
	for (int32_t t = 1; t < 365; t++)
		review(w, t, 0, 0);
	/* a year: 1 - 0.8 e^-0.5 */
	assert_double_close(w->team[0].barrier, 1 - 0.8 * exp(-0.5), 1e-9);
	/* with barriers switched off nothing erodes */
	double b = w->team[0].barrier;
	p.mechanism.barriers = false;
	review(w, 365, 0, 0);
	assert_double_close(w->team[0].barrier, b, 0);
	gs_world_free(w);
}

/*
 * Erosion against stewardship: barriers settle where growth and removal
 * balance, at the fixed point of b -> (1 - (1 - b) kg) ks, about
 * growth / (growth + stewardship), from above as from below.
 */
static void test_erosion_against_stewardship(void **state)
{
	(void)state;
	double kg = exp(-0.2 / 365), ks = exp(-0.6 / 365);
	double fixed = (1 - kg) * ks / (1 - kg * ks);
	assert_true(fabs(fixed - 0.25) < 0.001);
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		struct gs_world *w = manager_world(&p, 0.5, 0);
		set_barrier(w, &p, k ? 0.9 : 0.05);
		p.service.barrier_growth = 0.2;
		p.regime.stewardship = 0.6;
		double before = p.service.barrier;
		for (int32_t t = 0; t < 40 * 365; t++) {
			review(w, t, 0, 0);
			/* monotone towards the fixed point */
			if (k)
				assert_true(w->team[0].barrier <= before);
			else
				assert_true(w->team[0].barrier >= before);
			before = w->team[0].barrier;
		}
		assert_double_close(w->team[0].barrier, fixed, 1e-9);
		gs_world_free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratchet_when_met),
		cmocka_unit_test(test_ratchet_capped),
		cmocka_unit_test(test_no_ratchet),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_barrier_erosion),
		cmocka_unit_test(test_erosion_against_stewardship),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
