/*
 * test_recording.c - record correction and audit at closure
 * (models/recording.c): sanctions deter correcting a record just over the
 * target, a breached measured case recorded in another category, audits
 * in runs, and an audit finding and restoring a corrected record.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>

#include "models/recording.h"
#include "models/worker.h"
#include "models/world.h"
#include "sim/core/metrics.h"

/*
 * 2000 measured cases close at tick 100, 12 ticks after their recorded
 * start: just over the target of 10, within the window of 10 x 1.5 where
 * a record is worth correcting. Workers of motivation 0.5 under pressure
 * 0.7 (0.35 felt with no shortfall) correct a record with probability
 * 0.8 x 0.35 x 0.5 x exp(-deterrence x audit_probability x audit_penalty):
 * 0.14 unaudited, x 0.61, 0.14 and 0.0025 at expected sanctions of 0.05,
 * 0.2 and 0.6. The draws are paired (the same stream for each case in
 * every arm), so a record corrected under stronger sanctions is also
 * corrected under weaker ones.
 */
static void test_audit_deters_manipulation(void **state)
{
	(void)state;
	static const double prob[] = {0, 0.05, 0.2, 0.3}, pen[] = {0, 1, 1, 2};
	double manipulated[4], catches[4];
	uint8_t corrected[4][2000];
	for (size_t k = 0; k < 4; k++) {
		struct gs_params p;
		gs_test_params(&p, 2000, 0, 1, 4, 365);
		gs_test_alike(&p);
		p.service.time_target = 10;
		p.workforce.gaming_window = 0.5;
		p.workforce.manipulation_base = 0.8;
		p.workforce.deterrence = 10;
		p.regime.target_pressure = 0.7;
		p.regime.audit_probability = prob[k];
		p.regime.audit_penalty = pen[k];
		struct gs_world *w = gs_test_world(&p, 12);
		for (size_t i = 0; i < w->n_workers; i++)
			w->w_motivation[i] = 0.5f;
		for (int32_t c = 0; c < 2000; c++) {
			w->tick = 88;
			int32_t id = gs_test_queue_case(w, c, 1);
			w->tick = 100;
			double before = w->tally.records_manipulated;
			int32_t rec = gs_record_closure(w, id, c % 4);
			corrected[k][c] = w->tally.records_manipulated > before;
			/* a corrected record stands unless the audit found it */
			assert_int_equal(rec <= 10, !!(w->cases.rec[id].flags & GS_CF_MANIPULATED));
		}
		manipulated[k] = w->tally.records_manipulated;
		catches[k] = w->tally.audit_catches;
		gs_world_free(w);
		double expect = 2000 * 0.8 * 0.35 * 0.5 * exp(-10 * prob[k] * pen[k]);
		/* binomial counts within 5 standard deviations of the expectation */
		assert_true(fabs(manipulated[k] - expect) <= 5 * sqrt(expect) + 1);
		/* every record caught was corrected */
		assert_true(catches[k] <= manipulated[k]);
	}
	for (size_t k = 1; k < 4; k++) {
		assert_true(manipulated[k] < manipulated[k - 1]);
		for (int32_t c = 0; c < 2000; c++)
			assert_true(corrected[k][c] <= corrected[k - 1][c]);
	}
	assert_double_close(catches[0], 0, 0);
	/* ~170 x 0.05 and ~38 x 0.2 expected: none caught has probability below e^-7 */
	assert_true(catches[1] > 0 && catches[2] > 0);
}

/*
 * A measured case that breached beyond the correction window may be
 * recorded in another category: 2000 cases closing 25 ticks after their
 * start (target 10, window to 15) are recategorised with probability
 * reclassify_base x gaming = 0.3 x 0.35 x 0.5 = 0.0525 (no audit): ~105,
 * within 5 standard deviations; none with mechanism.triage off or without
 * target pressure, and never one that was within target.
 */
static void test_breached_recategorised(void **state)
{
	(void)state;
	for (int v = 0; v < 4; v++) {
		struct gs_params p;
		gs_test_params(&p, 2000, 0, 1, 4, 365);
		gs_test_alike(&p);
		p.service.time_target = 10;
		p.workforce.gaming_window = 0.5;
		p.workforce.reclassify_base = 0.3;
		p.regime.target_pressure = v == 2 ? 0 : 0.7;
		p.regime.audit_probability = 0;
		p.mechanism.triage = v != 1;
		struct gs_world *w = gs_test_world(&p, 21);
		for (size_t i = 0; i < w->n_workers; i++)
			w->w_motivation[i] = 0.5f;
		int32_t age = v == 3 ? 8 : 25; /* v 3: within target */
		size_t out = 0;
		for (int32_t c = 0; c < 2000; c++) {
			w->tick = 100 - age;
			int32_t id = gs_test_queue_case(w, c, 1);
			w->tick = 100;
			int32_t rec = gs_record_closure(w, id, c % 4);
			assert_int_equal(rec, age);
			bool moved = !(w->cases.rec[id].flags & GS_CF_MEASURED);
			assert_int_equal(moved, !!(w->cases.rec[id].flags & GS_CF_RECLASSIFIED));
			out += moved;
		}
		assert_double_close(w->tally.reclassifications, (double)out, 0);
		if (v == 0)
			assert_true(fabs((double)out - 105) <= 5 * sqrt(105));
		else
			assert_int_equal(out, 0);
		gs_world_free(w);
	}
}

/*
 * The same in runs, where the load decides how many recorded times land
 * just over a short target (2 days): strong expected sanctions (0.3 x 2)
 * all but stop correction, and audits catch some where they happen.
 */
static void test_audit_in_runs(void **state)
{
	(void)state;
	static const double prob[] = {0, 0.05, 0.2, 0.3}, pen[] = {0, 1, 1, 2};
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		double manipulated[4], catches[4];
		for (size_t k = 0; k < 4; k++) {
			struct gs_params p;
			gs_test_params(&p, 2000, 2, 2, 4, 365);
			p.regime.target_pressure = 0.7;
			p.service.time_target = 2;
			p.workforce.gaming_window = 1;
			p.workforce.deterrence = 10;
			p.regime.audit_probability = prob[k];
			p.regime.audit_penalty = pen[k];
			struct gs_test_result x;
			gs_test_run(&x, &p, gs_test_seeds[s], NULL, NULL);
			manipulated[k] = gs_test_total(&x, GS_M_records_manipulated);
			catches[k] = gs_test_total(&x, GS_M_audit_catches);
			gs_test_result_free(&x);
		}
		assert_double_close(catches[0], 0, 0);
		assert_true(manipulated[0] >= 20);
		assert_true(manipulated[3] < 0.25 * manipulated[0]);
		assert_true(manipulated[1] + manipulated[2] > 0);
		assert_true(catches[1] + catches[2] > 0);
	}
}

/* The audit alone: a record corrected just under the target is found and restored. */
static void test_audit_restores_record(void **state)
{
	(void)state;
	struct gs_params p;
	gs_test_params(&p, 400, 0, 1, 2, 365);
	gs_test_alike(&p);
	p.service.time_target = 10;
	p.workforce.gaming_window = 0.5;
	p.regime.target_pressure = 1;
	p.workforce.manipulation_base = 1;
	p.workforce.motivation_initial = 0;
	p.regime.audit_probability = 1;
	p.regime.audit_penalty = 0.5;
	p.workforce.deterrence = 0; /* sanctions that do not deter: every record is corrected */
	struct gs_world *w = gs_test_world(&p, 8);
	w->team[0].shortfall = 0.2; /* full pressure felt */
	assert_double_close(gs_gaming(w, 0, 0), 1, 1e-12);
	for (int32_t c = 0; c < 400; c++) {
		w->tick = 88; /* recorded start: 12 ticks before closure, within 10 x 1.5 */
		int32_t id = gs_test_queue_case(w, c, 1);
		w->tick = 100;
		int32_t rec = gs_record_closure(w, id, 0);
		/* corrected to just under the target, then found: back to the true time */
		assert_int_equal(rec, 12);
		assert_int_equal(w->cases.rec[id].rec_start, 88);
		assert_int_equal(w->cases.rec[id].flags & GS_CF_MANIPULATED, 0);
	}
	assert_double_close(w->tally.records_manipulated, 400, 0);
	assert_double_close(w->tally.audit_catches, 400, 0);
	/* caught workers are stressed */
	assert_true(w->w_stress[0] > 0);
	gs_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_deters_manipulation),
		cmocka_unit_test(test_audit_in_runs),
		cmocka_unit_test(test_audit_restores_record),
		cmocka_unit_test(test_breached_recategorised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
