/*
 * test_census.c - the census kept by events (models/census.c) against the
 * census of every citizen: after many ticks of the model, when the time
 * constants change, with escalation off, when the 10th percentile jumps;
 * and the comparison itself catches sums that went wrong.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/census.h"
#include "models/measure.h"
#include "models/world.h"
#include "sim/core/metrics.h"

static const char *const PHASES = "needs contact casework downstream closure workers "
				  "learning managers costs";

/* 3,000 citizens with plenty of needs, 3 teams of 4 workers, 200 ticks. */
static void busy_params(struct gs_params *p)
{
	gs_test_params(p, 3000, 3, 3, 4, 200);
	p->population.wellbeing_time = 12;
}

/* Run ticks t0..t1-1, comparing the two censuses after every `every` ticks. */
static void run_compare(struct gs_world *w, int32_t t0, int32_t t1, int32_t every)
{
	char err[512] = "";
	for (int32_t t = t0; t < t1; t++) {
		assert_int_equal(gs_test_phases(w, t, PHASES), 0);
		if ((t + 1) % every)
			continue;
		if (gs_census_compare(w, t + 1, err, sizeof(err))) {
			print_error("%s\n", err);
			fail();
		}
	}
}

/* The kept census equals the full one, tick after tick, and the measure reports it. */
static void test_census_matches_full(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	struct gs_world *w = gs_test_world(&p, 11);
	run_compare(w, 0, 200, 1);
	assert_true(w->n_pending + w->n_in_service > 0);
	gs_world_free(w);
}

/*
 * A number of citizens that is not a multiple of 8 or 64: the open needs of
 * the last, partial group are found too (the census reads whose need is
 * open 64 citizens, and 8 bytes, at a time).
 */
static void test_census_partial_groups(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	p.population.citizens = 2999;
	struct gs_world *w = gs_test_world(&p, 14);
	bool tail_open = false;
	for (int32_t t = 0; t < 120; t += 4) {
		run_compare(w, t, t + 4, 1);
		for (int32_t c = 2944; c < 2999; c++)
			tail_open = tail_open || w->cit[c].state != GS_NEED_NONE;
	}
	/* the test means something only if the last group had open needs */
	assert_true(tail_open);
	gs_world_free(w);
}

/* Output intervals of several ticks: the log of ended needs comes in batches. */
static void test_census_weekly(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	p.cls[0].need_rate = 6;
	struct gs_world *w = gs_test_world(&p, 12);
	run_compare(w, 0, 200, 7);
	gs_world_free(w);
}

/* Events change the time constants mid-run; escalation can be off. */
static void test_census_parameters_change(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	struct gs_world *w = gs_test_world(&p, 13);
	run_compare(w, 0, 60, 5);
	p.population.wellbeing_time = 40;
	run_compare(w, 60, 120, 5);
	p.cls[0].escalation_time = 5;
	run_compare(w, 120, 160, 5);
	p.mechanism.escalation = false;
	run_compare(w, 160, 200, 5);
	gs_world_free(w);
}

/*
 * The 10th percentile jumps between outputs (a crowd of severe needs at
 * once, then all of them met): the cutoff set from the last output must
 * widen, and the answer is still exact.
 */
static void test_census_percentile_jumps(void **state)
{
	(void)state;
	struct gs_params p;
	gs_test_params(&p, 2000, 0, 2, 1, 100);
	p.population.wellbeing_time = 5;
	struct gs_world *w = gs_test_world(&p, 14);
	char err[512] = "";
	double v[GS_N_METRICS];
	w->tick = 3;
	gs_measure_interval(w, v, NULL, 1, 0);
	assert_int_equal(gs_census_compare(w, 4, err, sizeof(err)), 0);
	/* a third of the citizens fall badly ill */
	for (int32_t c = 0; c < 2000; c += 3)
		gs_test_new_need(w, c, 0.9, 1);
	w->tick = 4;
	assert_int_equal(gs_census_compare(w, 10, err, sizeof(err)), 0);
	gs_measure_interval(w, v, NULL, 1, 0);
	double low = v[GS_M_wellbeing_p10];
	/* and all recover at once: the percentile climbs back past the cutoff */
	for (int32_t c = 0; c < 2000; c += 3) {
		gs_wellbeing_update(w, c, 30);
		w->n_pending--;
		gs_need_end(w, c);
	}
	w->tick = 30;
	assert_int_equal(gs_census_compare(w, 31, err, sizeof(err)), 0);
	w->tick = 200;
	if (gs_census_compare(w, 201, err, sizeof(err))) {
		print_error("%s\n", err);
		fail();
	}
	gs_measure_interval(w, v, NULL, 1, 0);
	assert_true(v[GS_M_wellbeing_p10] > low);
	gs_world_free(w);
}

/* The comparison names what went wrong: trust or wellbeing changed behind the census's back. */
static void test_census_catches_errors(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	struct gs_world *w = gs_test_world(&p, 15);
	char err[512] = "";
	run_compare(w, 0, 50, 10);
	int32_t none = -1, open = -1;
	for (int32_t c = 0; c < (int32_t)w->n_cit && (none < 0 || open < 0); c++) {
		if (w->cit[c].state == GS_NEED_NONE && w->cit[c].wb_t > 0 && none < 0)
			none = c;
		if (w->cit[c].state != GS_NEED_NONE && open < 0)
			open = c;
	}
	assert_true(none >= 0 && open >= 0);

	float saved = w->cit[none].trust;
	w->cit[none].trust = saved > 0.5f ? 0.1f : 0.9f; /* not through gs_trust_update */
	assert_int_equal(gs_census_compare(w, 51, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "trust_mean"));
	assert_non_null(strstr(err, "tolerance"));
	w->cit[none].trust = saved;
	assert_int_equal(gs_census_compare(w, 51, err, sizeof(err)), 0);

	saved = w->cit[none].wb;
	w->cit[none].wb = saved > 0.5f ? 0.05f : 0.95f; /* a deficit the census does not know */
	assert_int_equal(gs_census_compare(w, 51, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "wellbeing_mean"));
	w->cit[none].wb = saved;

	/* a need that ended without the census being told */
	w->cit[open].state = GS_NEED_NONE;
	assert_int_equal(gs_census_compare(w, 51, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no need"));
	/* recounted, the census agrees again */
	assert_int_equal(gs_census_rebuild(w), 0);
	assert_int_equal(gs_census_compare(w, 51, err, sizeof(err)), 0);
	gs_world_free(w);
}

/* The stocks do not depend on the cutoff's history: a second evaluation gives the same bits. */
static void test_census_repeatable(void **state)
{
	(void)state;
	struct gs_params p;
	busy_params(&p);
	struct gs_world *w = gs_test_world(&p, 16);
	run_compare(w, 0, 80, 80);
	double a[3], b[3];
	assert_int_equal(gs_census_stocks(w, 80, &a[0], &a[1], &a[2]), 0);
	w->census.p10 = NAN; /* no cutoff from a last output: everyone a candidate */
	assert_int_equal(gs_census_stocks(w, 80, &b[0], &b[1], &b[2]), 0);
	assert_memory_equal(a, b, sizeof(a));
	w->census.p10 = 0.01; /* a cutoff far too low: widened until enough lie below */
	assert_int_equal(gs_census_stocks(w, 80, &b[0], &b[1], &b[2]), 0);
	assert_memory_equal(a, b, sizeof(a));
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_census_matches_full),
		cmocka_unit_test(test_census_weekly),
		cmocka_unit_test(test_census_partial_groups),
		cmocka_unit_test(test_census_parameters_change),
		cmocka_unit_test(test_census_percentile_jumps),
		cmocka_unit_test(test_census_catches_errors),
		cmocka_unit_test(test_census_repeatable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
