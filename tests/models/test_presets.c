/*
 * test_presets.c - the regime presets: each applies cleanly and sets every
 * regime.* parameter, so that a preset is a complete point in regime space.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/params.h"
#include "models/presets.h"

static size_t n_presets(void)
{
	size_t n = 0;
	while (gs_presets[n])
		n++;
	return n;
}

/* The key of setting s ("section.key=value") into key; returns the value. */
static const char *split(const char *s, char *key, size_t n)
{
	const char *eq = strchr(s, '=');
	assert_non_null(eq);
	assert_true(eq > s);
	snprintf(key, n, "%.*s", (int)(eq - s), s);
	return eq + 1;
}

static void test_presets_apply(void **state)
{
	(void)state;
	assert_true(n_presets() >= 3);
	for (size_t r = 0; gs_presets[r]; r++) {
		const struct gs_preset *rt = gs_presets[r];
		assert_non_null(rt->name);
		assert_true(rt->description && rt->description[0]);
		struct gs_params p;
		assert_int_equal(gs_params_init(&p), 0);
		for (const char *const *s = rt->settings; *s; s++) {
			char key[128], err[256] = "", text[128], cls[GS_NAME_MAX];
			const char *value = split(*s, key, sizeof(key));
			if (gs_param_set(&p, key, value, err, sizeof(err))) {
				print_error("preset %s: %s: %s\n", rt->name, *s, err);
				fail();
			}
			/* the value is written as the table would write it */
			int i = gs_param_find(key, cls);
			gs_param_format(&p, (size_t)i, 0, text, sizeof(text));
			if (strcmp(text, value) != 0) {
				print_error("preset %s: %s reads back as '%s'\n", rt->name, *s, text);
				fail();
			}
		}
	}
}

/* Every preset sets every regime.* parameter, once, and nothing else. */
static void test_presets_complete(void **state)
{
	(void)state;
	size_t n_regime = 0;
	for (size_t i = 0; i < gs_param_count; i++)
		n_regime += strcmp(gs_param_table[i].section, "regime") == 0;
	assert_true(n_regime > 10);

	for (size_t r = 0; gs_presets[r]; r++) {
		const struct gs_preset *rt = gs_presets[r];
		int missing = 0;
		for (size_t i = 0; i < gs_param_count; i++) {
			if (strcmp(gs_param_table[i].section, "regime") != 0)
				continue;
			char want[128];
			snprintf(want, sizeof(want), "regime.%s", gs_param_table[i].name);
			int times = 0;
			for (const char *const *s = rt->settings; *s; s++) {
				char key[128];
				split(*s, key, sizeof(key));
				times += strcmp(key, want) == 0;
			}
			if (times != 1) {
				print_error("preset %s sets %s %d times\n", rt->name, want, times);
				missing++;
			}
		}
		assert_int_equal(missing, 0);
		size_t n = 0;
		for (const char *const *s = rt->settings; *s; s++, n++)
			assert_int_equal(strncmp(*s, "regime.", 7), 0);
		assert_int_equal(n, n_regime);
	}
}

/* The presets are different points. */
static void test_presets_differ(void **state)
{
	(void)state;
	for (size_t a = 0; gs_presets[a]; a++) {
		for (size_t b = a + 1; gs_presets[b]; b++) {
			struct gs_params pa, pb;
			char err[256];
			assert_int_equal(gs_params_init(&pa), 0);
			assert_int_equal(gs_params_init(&pb), 0);
			const struct gs_preset *ra = gs_presets[a], *rb = gs_presets[b];
			for (const char *const *s = ra->settings; *s; s++) {
				char key[128];
				const char *v = split(*s, key, sizeof(key));
				assert_int_equal(gs_param_set(&pa, key, v, err, sizeof(err)), 0);
			}
			for (const char *const *s = rb->settings; *s; s++) {
				char key[128];
				const char *v = split(*s, key, sizeof(key));
				assert_int_equal(gs_param_set(&pb, key, v, err, sizeof(err)), 0);
			}
			if (memcmp(&pa.regime, &pb.regime, sizeof(pa.regime)) == 0) {
				print_error("presets %s and %s are the same point\n", ra->name, rb->name);
				fail();
			}
		}
	}
}

static void test_find(void **state)
{
	(void)state;
	assert_null(gs_model_preset(gs_presets, "nope"));
	assert_null(gs_model_preset(gs_presets, ""));
	assert_null(gs_model_preset(gs_presets, "NPM"));
	assert_null(gs_model_preset(gs_presets, "npm "));
	char names[256];
	gs_model_preset_names(gs_presets, names, sizeof(names));
	for (size_t r = 0; gs_presets[r]; r++) {
		const struct gs_preset *rt = gs_presets[r];
		assert_ptr_equal(gs_model_preset(gs_presets, rt->name), rt);
		/* the list that error messages show names every preset */
		assert_non_null(strstr(names, rt->name));
	}
	assert_non_null(gs_model_preset(gs_presets, "npm"));
	assert_non_null(gs_model_preset(gs_presets, "hls"));
	assert_non_null(gs_model_preset(gs_presets, "none"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets_apply),
		cmocka_unit_test(test_presets_complete),
		cmocka_unit_test(test_presets_differ),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
