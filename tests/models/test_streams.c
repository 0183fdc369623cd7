/*
 * test_streams.c - every purpose of a random draw, the model's and the
 * framework's, has a value of its own: no two purposes share streams.
 */
#include "testutil.h"

#include "models/streams.h"

static void test_purposes_distinct(void **state)
{
	(void)state;
	static const int values[] = {
#define GS_RNG_VALUE(name, value) value,
		GS_RNG_FRAMEWORK_PURPOSES(GS_RNG_VALUE)
		GS_RNG_MODEL_PURPOSES(GS_RNG_VALUE)
#undef GS_RNG_VALUE
	};
	size_t n = sizeof(values) / sizeof(values[0]);
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		assert_true(values[i] > 0);
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(values[i], values[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purposes_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
