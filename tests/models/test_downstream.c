/*
 * test_downstream.c - the downstream resource (models/downstream.c): units
 * conserved, closures held back to what a scarce resource lets through,
 * nobody waiting with mechanism.downstream off.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "models/world.h"
#include "sim/core/metrics.h"

/* Units of the resource are conserved; waiting cases are what the world says. */
static int resource_hook(const struct gs_world *w, void *ctx)
{
	(void)ctx;
	if (gs_test_check_hook(w, NULL))
		return -1;
	int64_t cap = w->p->downstream.capacity;
	size_t waiting = 0;
	for (size_t k = 0; k < w->cases.cap; k++)
		waiting += w->cases.rec[k].status == GS_CASE_WAITING;
	int64_t held = 0;
	for (int32_t t = w->tick + 1; t < w->n_ticks; t++)
		held += w->res_release[t];
	if (w->res_free < 0 || w->res_free > cap || waiting != w->n_res_wait ||
	    w->res_free + held > cap) {
		print_error("tick %d: %lld free, %lld held of %lld; %zu waiting, %zu listed\n",
			    w->tick, (long long)w->res_free, (long long)held, (long long)cap,
			    waiting, w->n_res_wait);
		return -1;
	}
	return 0;
}

/*
 * Every case needs a unit (resource_share 1) and there is one unit, held
 * for at least a tick: at most one case closes a day, the rest wait. With
 * mechanism.downstream off nobody waits.
 */
static void test_downstream(void **state)
{
	(void)state;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result x[2];
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			gs_test_params(&p, 800, 1.5, 2, 4, 365);
			p.cls[0].resource_share = 1;
			p.downstream.capacity = 1;
			p.downstream.stay = 3;
			p.mechanism.downstream = k == 0;
			gs_test_run(&x[k], &p, gs_test_seeds[s], resource_hook, NULL);
		}
		double max_wait = 0, max_closed_off = 0;
		for (size_t t = 0; t < x[0].n_time; t++) {
			assert_true(gs_test_value(&x[0], GS_M_cases_closed, t) <= 1);
			max_wait = fmax(max_wait, gs_test_value(&x[0], GS_M_resource_waiting, t));
			assert_double_close(gs_test_value(&x[1], GS_M_resource_waiting, t), 0, 0);
			max_closed_off =
			    fmax(max_closed_off, gs_test_value(&x[1], GS_M_cases_closed, t));
		}
		assert_true(max_wait > 10);
		assert_true(max_closed_off > 1);
		/* ~1 closure per mean stay of 3 days, against ~3 a day without the resource */
		assert_true(gs_test_total(&x[0], GS_M_cases_closed) <
			    0.5 * gs_test_total(&x[1], GS_M_cases_closed));
		for (int k = 0; k < 2; k++)
			gs_test_result_free(&x[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_downstream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
