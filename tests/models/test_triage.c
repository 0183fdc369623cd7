/*
 * test_triage.c - reclassification of measured cases about to breach
 * (models/triage.c): the window triage looks at, once per case, and
 * paired runs with and without pressure and triage.
 */
#include "testutil.h"

#include <stdbool.h>

#include "models/triage.h"
#include "models/world.h"
#include "sim/core/metrics.h"

/*
 * Triage looks once at each measured case waiting between 3/4 of the
 * target and the target. Under full pressure, with unmotivated workers and
 * no deterrence, every case it looks at leaves the measured category.
 */
/* Every team's triage, as each team's casework starts with it. */
static int triage_all(struct gs_world *w)
{
	for (size_t t = 0; t < w->n_teams; t++)
		if (gs_triage_team(w, t))
			return -1;
	return 0;
}

static void test_reclassification_window(void **state)
{
	(void)state;
	struct gs_params p;
	gs_test_params(&p, 10, 0, 1, 2, 365);
	p.service.time_target = 10;
	p.regime.target_pressure = 1;
	p.workforce.reclassify_base = 1;
	p.workforce.motivation_initial = 0;
	struct gs_world *w = gs_test_world(&p, 2);
	w->team[0].shortfall = 0.2;
	static const int32_t waits[] = {5, 7, 8, 10, 11, 9};
	int32_t id[6];
	for (int i = 0; i < 6; i++) {
		w->tick = 20 - waits[i];
		id[i] = gs_test_queue_case(w, i, 1);
	}
	/* the last one is of a class outside the measured category */
	w->cases.rec[id[5]].flags = 0;
	w->tick = 20;
	assert_int_equal(triage_all(w), 0);
	for (int i = 0; i < 5; i++) {
		bool in_window = waits[i] >= 7.5 && waits[i] <= 10;
		uint8_t f = w->cases.rec[id[i]].flags;
		assert_int_equal(!(f & GS_CF_MEASURED), in_window);
		assert_int_equal(!!(f & GS_CF_RECLASSIFIED), in_window);
	}
	assert_int_equal(w->cases.rec[id[5]].flags, 0);
	assert_double_close(w->tally.reclassifications, 2, 0);
	/* a tick later the one waiting 7 is in the window; the others are not looked at again */
	w->tick = 21;
	assert_int_equal(triage_all(w), 0);
	assert_double_close(w->tally.reclassifications, 3, 0);
	assert_int_equal(w->cases.rec[id[1]].flags & GS_CF_MEASURED, 0);
	assert_true(w->cases.rec[id[0]].flags & GS_CF_MEASURED);

	/* no pressure: nothing is looked at */
	p.regime.target_pressure = 0;
	w->tick = 14;
	int32_t fresh = gs_test_queue_case(w, 6, 1);
	w->tick = 22;
	assert_int_equal(triage_all(w), 0);
	assert_int_equal(w->cases.rec[fresh].flags, GS_CF_MEASURED);
	assert_double_close(w->tally.reclassifications, 3, 0);
	gs_world_free(w);
}

/*
 * Runs with a short target (2 days): under pressure, measured cases about
 * to breach are reclassified and fewer closures count towards the target;
 * without pressure, or with triage off, none are. Premature closure and
 * record correction are off so that they do not change the load, and
 * there is no audit to undo reclassifications.
 */
static void test_reclassification_runs(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		/* pressure and triage, pressure without triage, triage without pressure */
		struct gs_test_result x[3];
		for (int k = 0; k < 3; k++) {
			struct gs_params p;
			gs_test_params(&p, 2000, 2.5, 2, 4, 365);
			p.service.time_target = 2;
			p.regime.audit_probability = 0;
			p.mechanism.premature_closure = false;
			p.mechanism.recording = false;
			p.regime.target_pressure = k == 2 ? 0 : 0.7;
			p.mechanism.triage = k != 1;
			gs_test_run(&x[k], &p, gs_test_seeds[s], NULL, NULL);
		}
		double re = gs_test_total(&x[0], GS_M_reclassifications);
		assert_true(re > 50);
		assert_double_close(gs_test_total(&x[1], GS_M_reclassifications), 0, 0);
		assert_double_close(gs_test_total(&x[2], GS_M_reclassifications), 0, 0);
		/* every closure is measured unless reclassified */
		for (int k = 1; k < 3; k++)
			assert_double_close(gs_test_total(&x[k], GS_M_cases_measured),
					    gs_test_total(&x[k], GS_M_cases_closed), 0);
		double unmeasured = gs_test_total(&x[0], GS_M_cases_closed) -
				    gs_test_total(&x[0], GS_M_cases_measured);
		assert_true(unmeasured <= re);
		/* the others are still open at the end, or their citizens gave up waiting */
		assert_true(unmeasured >= re - gs_test_last(&x[0], GS_M_needs_in_service) -
					      gs_test_total(&x[0], GS_M_needs_abandoned));
		assert_true(gs_test_total(&x[0], GS_M_cases_measured) <
			    gs_test_total(&x[1], GS_M_cases_measured));
		for (int k = 0; k < 3; k++)
			gs_test_result_free(&x[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reclassification_window),
		cmocka_unit_test(test_reclassification_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
