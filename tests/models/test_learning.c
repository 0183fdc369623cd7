/*
 * test_learning.c - learning cycles (models/learning.c): protected
 * learning time raises skill and team know-how beyond what practice gives.
 */
#include "testutil.h"

#include "sim/core/metrics.h"

/*
 * Protected learning raises skill by learning_rate x hours x (1 - skill)
 * (x the complexity factor) a day, and team know-how by knowhow_rate x the
 * team's learning hours x (1 - know-how): with 0.1 of 7 hours, the gaps
 * of skill and know-how to 1 shrink by ~exp(-1) a year, well beyond what
 * practice alone gives. Turnover is off so that the same workers are
 * followed in every run.
 */
static void test_learning_time(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result x[3];
		for (int k = 0; k < 3; k++) {
			struct gs_params p;
			gs_test_params(&p, 1500, 1.5, 2, 4, 365);
			p.mechanism.turnover = false;
			p.workforce.learning_rate = 0.004;
			p.workforce.knowhow_rate = 0.001;
			p.regime.learning_time = k == 0 ? 0 : 0.1;
			/* the third: hours protected, mechanism off */
			p.mechanism.learning = k != 2;
			gs_test_run(&x[k], &p, gs_test_seeds[s], NULL, NULL);
		}
		double s0 = gs_test_value(&x[0], GS_M_worker_skill_mean, 0);
		/* without learning, know-how stays where it was (no turnover) */
		assert_double_close(gs_test_last(&x[0], GS_M_knowhow_mean), 0.3, 1e-12);
		assert_double_close(gs_test_last(&x[2], GS_M_knowhow_mean), 0.3, 1e-12);
		/* with it, 4 x 0.7 h x 0.001 a day: 1 - 0.7 exp(-1.02) = 0.75 (less sick days) */
		assert_true(gs_test_last(&x[1], GS_M_knowhow_mean) > 0.65);
		/* skill grows faster, already after a quarter */
		double g_none = gs_test_last(&x[0], GS_M_worker_skill_mean) - s0;
		double g_learn = gs_test_last(&x[1], GS_M_worker_skill_mean) - s0;
		double g_off = gs_test_last(&x[2], GS_M_worker_skill_mean) - s0;
		assert_true(g_learn > g_none + 0.1);
		assert_true(g_learn > g_off + 0.1);
		assert_true(gs_test_value(&x[1], GS_M_worker_skill_mean, 90) >
			    gs_test_value(&x[0], GS_M_worker_skill_mean, 90) + 0.02);
		assert_true(g_none >= 0); /* practice never lowers skill */
		for (int k = 0; k < 3; k++)
			gs_test_result_free(&x[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learning_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
