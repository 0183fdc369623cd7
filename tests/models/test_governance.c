/*
 * test_governance.c - the governance model's descriptor: its phases in the
 * order docs/ODD.md (section 3) gives, its presets, and every hook the
 * engine calls.
 */
#include "testutil.h"

#include <string.h>

#include "models/governance.h"
#include "models/presets.h"

static void test_phase_list(void **state)
{
	(void)state;
	static const char *expected[] = {"needs",   "contact",  "casework", "downstream", "closure",
					 "workers", "learning", "managers", "costs"};
	size_t n = 0, want = sizeof(expected) / sizeof(expected[0]);
	for (const struct gs_phase *p = gs_governance.phases; p->run; p++, n++) {
		assert_true(n < want);
		assert_string_equal(p->name, expected[n]);
	}
	assert_int_equal(n, want);
}

static void test_descriptor(void **state)
{
	(void)state;
	const struct gs_model *m = &gs_governance;
	assert_ptr_equal(m->presets, gs_presets);
	assert_non_null(m->alloc);
	assert_non_null(m->free);
	assert_non_null(m->begin_tick);
	assert_non_null(m->changed);
	assert_non_null(m->measure);
	assert_non_null(m->finish);
	assert_non_null(gs_model_preset(m->presets, "npm"));
	assert_null(gs_model_preset(m->presets, "nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase_list),
		cmocka_unit_test(test_descriptor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
