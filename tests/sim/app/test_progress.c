/*
 * test_progress.c - the progress line of govsim run: runs done of the
 * total, time elapsed, time left from the runs done so far.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/app/progress.h"

static void test_format(void **state)
{
	(void)state;
	char buf[160];
	gs_progress_format(buf, sizeof(buf), 0, 12, 0, 0, 0.4);
	assert_string_equal(buf, "[..............................] 0/12 runs, 0s elapsed, -- left");
	gs_progress_format(buf, sizeof(buf), 5, 10, 0, 0.5, 10.0);
	assert_string_equal(buf, "[###############...............] 5/10 runs, 10s elapsed, 10s left");
	/* resumed: 7 were done before, 2 of 3 in 4 s, so the last takes 2 s */
	gs_progress_format(buf, sizeof(buf), 9, 10, 7, 2.0 / 3, 4.0);
	assert_string_equal(buf, "[###########################...] 9/10 runs, 4s elapsed, 2s left");
	/* 5 done before, 2 of 5 in 4 s: 3 more take 6 s */
	gs_progress_format(buf, sizeof(buf), 7, 10, 5, 0.4, 4.0);
	assert_string_equal(buf, "[#####################.........] 7/10 runs, 4s elapsed, 6s left");
	gs_progress_format(buf, sizeof(buf), 1, 100, 0, 0.01, 125.0);
	assert_string_equal(buf, "[..............................] 1/100 runs, 2m05s elapsed, 3h26m left");
	gs_progress_format(buf, sizeof(buf), 3, 3, 0, 1, 61.0);
	assert_string_equal(buf, "[##############################] 3/3 runs, 1m01s elapsed, 0s left");
	/* one long run half done: the bar and the time left from its ticks */
	gs_progress_format(buf, sizeof(buf), 0, 1, 0, 0.5, 30.0);
	assert_string_equal(buf, "[###############...............] 0/1 runs, 30s elapsed, 30s left");
}

/* The line drawn to a file: redrawn while runs go on, and the last line says all are done. */
static void test_drawn(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	struct gs_progress *p = gs_progress_start(f, 1, 3, NULL, NULL);
	assert_non_null(p);
	gs_progress_run_done(p);
	nanosleep(&(struct timespec){0, 600000000L}, NULL); /* at least one redraw */
	gs_progress_run_done(p);
	gs_progress_stop(p);
	long n = ftell(f);
	char *text = calloc((size_t)n + 1, 1);
	rewind(f);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_non_null(strstr(text, "] 2/3 runs, "));
	const char *last = strrchr(text, '\r');
	assert_non_null(last);
	assert_non_null(strstr(last, "] 3/3 runs, "));
	assert_int_equal(text[n - 1], '\n');
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_drawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
