/*
 * test_diag.c - problem lists and "did you mean" suggestions.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/diag.h"

static void test_format(void **state)
{
	(void)state;
	struct gs_diag d = {0};
	gs_diag_add(&d, "a.ini", 4, "regime.discretion", "%s is out of range", "7");
	gs_diag_add(&d, "a.ini", 0, NULL, "cannot read");
	gs_diag_add(&d, NULL, 0, "x", "no file");
	for (int i = 0; i < 40; i++) /* grows past its first capacity */
		gs_diag_add(&d, "b.ini", i + 1, NULL, "problem %d", i);
	assert_int_equal(d.n, 43);
	assert_string_equal(d.msg[0], "a.ini:4: regime.discretion: 7 is out of range");
	assert_string_equal(d.msg[1], "a.ini: cannot read");
	assert_string_equal(d.msg[2], "x: no file");
	assert_string_equal(d.msg[42], "b.ini:40: problem 39");
	FILE *f = tmpfile();
	gs_diag_print(&d, f);
	rewind(f);
	char line[256];
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "a.ini:4: regime.discretion: 7 is out of range\n");
	fclose(f);
	gs_diag_free(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.msg);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *keys[] = {"regime.discretion", "regime.continuity", "service.barrier",
			      "regime.learning_time"};
	assert_string_equal(gs_suggest("regime.discreton", keys, 4), "regime.discretion");
	assert_string_equal(gs_suggest("regime.learningtime", keys, 4), "regime.learning_time");
	assert_string_equal(gs_suggest("service.barier", keys, 4), "service.barrier");
	/* nothing close: no suggestion */
	assert_null(gs_suggest("population.citizens", keys, 4));
	assert_null(gs_suggest("x", keys, 0));
}

/* Problems print sorted by file and line, whatever order they were found in. */
static void test_sorted(void **state)
{
	(void)state;
	struct gs_diag d = {0};
	gs_diag_add(&d, "base.ini", 9, "b", "nine");
	gs_diag_add(&d, NULL, 0, "--set", "no file");
	gs_diag_add(&d, "main.ini", 3, "m", "three");
	gs_diag_add(&d, "base.ini", 0, NULL, "whole file");
	gs_diag_add(&d, "base.ini", 2, "b", "two");
	gs_diag_add(&d, "main.ini", 1, "m", "one");
	gs_diag_add(&d, "base.ini", 2, "b", "two again");
	FILE *f = tmpfile();
	gs_diag_print(&d, f);
	rewind(f);
	const char *want[] = {"base.ini:2: b: two\n",	  "base.ini:2: b: two again\n",
			      "base.ini:9: b: nine\n",	  "base.ini: whole file\n",
			      "main.ini:1: m: one\n",	  "main.ini:3: m: three\n",
			      "--set: no file\n"};
	char line[256];
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(fgets(line, sizeof(line), f));
		assert_string_equal(line, want[i]);
	}
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	gs_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
