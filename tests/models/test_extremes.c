/*
 * test_extremes.c - no allowed value makes a tick's work unbounded: every
 * parameter, at each end of its range, either is refused with a message or
 * runs a small service for a few ticks to the end (an alarm fails the test
 * if a run hangs). The size of the run (its length, tick, citizens, teams,
 * workers, output shape) is held small: those bounds set how much is
 * simulated, not how long a tick takes.
 */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "models/governance.h"
#include "models/world.h"
#include "sim/core/diag.h"
#include "sim/engine/engine.h"

/* The size of the run, held fixed. */
static bool is_size(const struct gs_param_info *in)
{
	static const char *const size[] = {
		"simulation.duration", "simulation.tick", "simulation.replications",
		"population.citizens", "workforce.teams", "workforce.workers_per_team",
		"output.interval", "output.hist_bin", "output.hist_max",
	};
	char key[96];
	snprintf(key, sizeof(key), "%s.%s", in->section, in->name);
	for (size_t i = 0; i < sizeof(size) / sizeof(size[0]); i++)
		if (strcmp(key, size[i]) == 0)
			return true;
	return false;
}

/* An end of row i's range as scenario text. */
static void bound_text(const struct gs_param_info *in, bool upper, char *buf, size_t n)
{
	double v = upper ? in->max : in->min;
	switch (in->type) {
	case GS_DURATION:
		snprintf(buf, n, "%.17gmin", v);
		break;
	case GS_BOOL:
		snprintf(buf, n, "%s", upper ? "on" : "off");
		break;
	case GS_ENUM: {
		const char *u = in->unit, *last = strrchr(u, '|');
		if (upper)
			snprintf(buf, n, "%s", last ? last + 1 : u);
		else
			snprintf(buf, n, "%.*s", (int)strcspn(u, "|"), u);
		break;
	}
	default:
		snprintf(buf, n, "%.17g", v);
	}
}

static int count_ticks(const struct gs_world *w, void *ctx)
{
	(void)w;
	(*(long *)ctx)++;
	return 0;
}

static void test_every_bound(void **state)
{
	(void)state;
	char *dir = gs_test_tmpdir();
	int ran = 0, refused = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (is_size(in))
			continue;
		for (int upper = 0; upper < 2; upper++) {
			char value[128], text[1024];
			bound_text(in, upper, value, sizeof(value));
			bool cls = strcmp(in->section, "class") == 0;
			snprintf(text, sizeof(text),
				 "[simulation]\nduration = 5d\n[population]\ncitizens = 60\n"
				 "[workforce]\nteams = 2\nworkers_per_team = 2\n"
				 "[class.a]\nneed_rate = 2\n[%s]\n%s = %s\n",
				 cls ? "class.a" : in->section, in->name, value);
			char *path = gs_test_write(dir, "s.ini", text);
			struct gs_scenario sc = {0};
			struct gs_plan pl = {0};
			struct gs_diag d = {0};
			char err[256];
			int rc = gs_scenario_read(path, &sc, &d);
			if (!rc)
				rc = gs_scenario_resolve(&sc, gs_governance.presets, NULL, 0, &d);
			if (!rc)
				rc = gs_plan_build(&pl, &sc, &gs_governance, err, sizeof(err));
			gs_diag_free(&d);
			free(path);
			if (rc == 0) {
				struct gs_test_result r;
				gs_test_result_alloc(&r, &pl.arm_params[0]);
				long ticks = 0;
				alarm(60); /* a hang fails the test (SIGALRM) */
				int run = gs_run(&pl, 0, 7, &r.r, count_ticks, &ticks);
				alarm(0);
				if (run != 0 || ticks != 5)
					fail_msg("%s.%s = %s: run %d after %ld ticks", in->section,
						 in->name, value, run, ticks);
				gs_test_result_free(&r);
				ran++;
			} else {
				refused++;
			}
			gs_plan_free(&pl);
			gs_scenario_free(&sc);
		}
	}
	assert_true(ran > 100);
	print_message("%d bounds ran, %d refused\n", ran, refused);
	gs_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
