/*
 * test_learning.c - learning cycles (models/learning.c): protected
 * learning time raises skill and team know-how beyond what practice gives,
 * towards a plateau, with diminishing returns, against forgetting.
 */
#include "testutil.h"

#include <math.h>

#include "sim/core/metrics.h"

/*
 * Protected learning raises skill by learning_rate x hours x (1 - skill)
 * (x the complexity factor) a day, and team know-how by knowhow_rate x the
 * team's learning hours x (1 - know-how): with 0.1 of 7 hours, the gaps
 * of skill and know-how to 1 shrink by ~exp(-1) a year, well beyond what
 * practice alone gives. Turnover is off so that the same workers are
 * followed in every run; the plateau is 1 and nothing is forgotten (those
 * are tested below).
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
			p.workforce.skill_max = 1;
			p.workforce.skill_forgetting = 0;
			p.workforce.knowhow_forgetting = 0;
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

/*
 * Forgetting: with no learning time and no practice, skill above the
 * novice level and team know-how decay exponentially at their rates
 * (closed form after a year); with mechanism.forgetting off they stay.
 */
static void test_forgetting(void **state)
{
	(void)state;
	for (int off = 0; off < 2; off++) {
		struct gs_params p;
		gs_test_params(&p, 200, 0, 2, 4, 365);
		p.mechanism.turnover = false;
		p.mechanism.forgetting = !off;
		p.regime.learning_time = 0;
		p.workforce.skill_from_practice = 0;
		p.workforce.skill_initial = 0.7;
		p.workforce.skill_sd = 0;
		p.workforce.novice_skill = 0.25;
		p.workforce.skill_forgetting = 0.4;
		p.workforce.knowhow_forgetting = 1.5;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[0], NULL, NULL);
		double keep_s = exp(-365 * gs_per_tick(&p, 0.4));
		double keep_k = exp(-365 * gs_per_tick(&p, 1.5));
		double skill = gs_test_last(&x, GS_M_worker_skill_mean);
		double knowhow = gs_test_last(&x, GS_M_knowhow_mean);
		if (off) {
			assert_double_close(skill, 0.7, 1e-6);
			assert_double_close(knowhow, 0.3, 1e-12);
		} else {
			assert_double_close(skill, 0.25 + 0.45 * keep_s, 1e-5);
			assert_double_close(knowhow, 0.3 * keep_k, 1e-9);
		}
		gs_test_result_free(&x);
	}
}

/*
 * The plateau and diminishing returns: however much time is protected,
 * skill never passes workforce.skill_max, and each further tenth of the
 * hours protected adds less skill than the one before.
 */
static void test_learning_plateau(void **state)
{
	(void)state;
	double skill[4], top = 0;
	for (int k = 0; k < 4; k++) {
		struct gs_params p;
		gs_test_params(&p, 600, 1, 2, 4, 2 * 365);
		p.mechanism.turnover = false;
		p.workforce.skill_max = 0.8;
		p.workforce.learning_rate = 0.004;
		p.regime.learning_time = 0.1 * k;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[1], NULL, NULL);
		skill[k] = gs_test_last(&x, GS_M_worker_skill_mean);
		if (skill[k] > top)
			top = skill[k];
		gs_test_result_free(&x);
	}
	assert_true(top <= 0.8 + 1e-6);
	assert_true(skill[3] > 0.75);
	for (int k = 1; k < 3; k++)
		assert_true(skill[k + 1] - skill[k] < skill[k] - skill[k - 1]);
	assert_true(skill[1] - skill[0] > 0.1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learning_time),
		cmocka_unit_test(test_forgetting),
		cmocka_unit_test(test_learning_plateau),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
