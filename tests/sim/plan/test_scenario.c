/*
 * test_scenario.c - scenario files: reading, includes, arms, presets,
 * events, --set overrides, and the location of every reported problem.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/governance.h"
#include "models/presets.h"
#include "sim/plan/plan.h"
#include "sim/core/diag.h"
#include "sim/core/params.h"
#include "models/regime.h"
#include "sim/plan/scenario.h"

/* One scenario read (and resolved) from files in a temporary directory. */
struct run {
	char *dir;
	struct gs_scenario sc;
	struct gs_diag diag;
	int read_rc, resolve_rc;
	bool loaded;
};

static int setup(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->dir = gs_test_tmpdir();
	*state = r;
	return 0;
}

/* Drop the scenario, its problems and its files. */
static void clear(struct run *r)
{
	if (r->loaded)
		gs_scenario_free(&r->sc);
	gs_diag_free(&r->diag);
	gs_test_rmtree(r->dir);
	memset(r, 0, sizeof(*r));
}

static int teardown(void **state)
{
	clear(*state);
	free(*state);
	return 0;
}

/* Start again with an empty directory, for a second scenario in one test. */
static void restart(struct run *r)
{
	clear(r);
	r->dir = gs_test_tmpdir();
}

static void add_file(struct run *r, const char *name, const char *text)
{
	free(gs_test_write(r->dir, name, text));
}

static void add_dir(struct run *r, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* Read dir/name and resolve it with the overrides. */
static void load(struct run *r, const char *name, char *const *over, size_t n_over)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	r->read_rc = gs_scenario_read(path, &r->sc, &r->diag);
	r->loaded = true;
	r->resolve_rc = gs_scenario_resolve(&r->sc, gs_presets, over, n_over, &r->diag);
}

/*
 * Apply to p what the plan changes in arm a at the tick of event e, as the
 * engine does at the start of that tick; returns how many changes.
 */
static int apply_event(struct run *r, size_t e, size_t a, struct gs_params *p)
{
	struct gs_plan pl;
	char err[256];
	assert_int_equal(gs_plan_build(&pl, &r->sc, &gs_governance, err, sizeof(err)), 0);
	int n = 0;
	for (size_t i = 0; i < pl.n_changes[a]; i++) {
		if (pl.changes[a][i].tick == r->sc.events[e].at_tick) {
			gs_param_apply(p, &pl.changes[a][i].change);
			n++;
		}
	}
	gs_plan_free(&pl);
	return n;
}

/* Write text to x.ini and load it. */
static void load_text(struct run *r, const char *text, char *const *over, size_t n_over)
{
	add_file(r, "x.ini", text);
	load(r, "x.ini", over, n_over);
}

static void print_diag(const struct run *r)
{
	print_error("%zu problem(s) reported:\n", r->diag.n);
	for (size_t i = 0; i < r->diag.n; i++)
		print_error("  %s\n", r->diag.msg[i]);
}

/* The number of reported problems that contain text. */
static size_t count_diag(const struct run *r, const char *text)
{
	size_t n = 0;
	for (size_t i = 0; i < r->diag.n; i++)
		n += strstr(r->diag.msg[i], text) != NULL;
	return n;
}

/*
 * A problem was reported that starts "DIR/name:line: key: " (no key: just
 * the location; name "--set": "--set: key: ") and contains text.
 */
#define expect_diag(r, name, line, key, text) \
	check_diag((r), (name), (line), (key), (text), __FILE__, __LINE__)

static void check_diag(const struct run *r, const char *name, int line, const char *key,
		       const char *text, const char *file, int fline)
{
	char prefix[1200];
	int n;
	if (strcmp(name, "--set") == 0)
		n = snprintf(prefix, sizeof(prefix), "--set: ");
	else
		n = snprintf(prefix, sizeof(prefix), "%s/%s:%d: ", r->dir, name, line);
	if (key)
		snprintf(prefix + n, sizeof(prefix) - (size_t)n, "%s: ", key);
	for (size_t i = 0; i < r->diag.n; i++) {
		const char *m = r->diag.msg[i];
		if (strncmp(m, prefix, strlen(prefix)) == 0 && strstr(m + strlen(prefix), text))
			return;
	}
	print_error("no problem \"%s...%s\"\n", prefix, text);
	print_diag(r);
	_fail(file, fline);
}

/* The read and the resolve both succeeded with no problem reported. */
#define expect_clean(r) check_clean((r), __FILE__, __LINE__)

static void check_clean(const struct run *r, const char *file, int line)
{
	if (r->read_rc == 0 && r->resolve_rc == 0 && r->diag.n == 0)
		return;
	print_error("read %d, resolve %d\n", r->read_rc, r->resolve_rc);
	print_diag(r);
	_fail(file, line);
}

/* Exactly n problems were reported. */
#define expect_count(r, n) check_count((r), (n), __FILE__, __LINE__)

static void check_count(const struct run *r, size_t n, const char *file, int line)
{
	if (r->diag.n == n)
		return;
	print_error("expected %zu problem(s)\n", n);
	print_diag(r);
	_fail(file, line);
}

static int arm_index(const struct run *r, const char *name)
{
	for (size_t a = 0; a < r->sc.n_arms; a++)
		if (strcmp(r->sc.arms[a].name, name) == 0)
			return (int)a;
	print_error("no arm '%s'\n", name);
	fail();
	return -1;
}

static const struct gs_params *arm(const struct run *r, const char *name)
{
	return &r->sc.arm_params[arm_index(r, name)];
}

/* The value preset `name` gives key, as a number. */
static double preset(const char *name, const char *key)
{
	const struct gs_preset *rt = gs_model_preset(gs_presets, name);
	assert_non_null(rt);
	size_t n = strlen(key);
	for (const char *const *s = rt->settings; *s; s++)
		if (strncmp(*s, key, n) == 0 && (*s)[n] == '=')
			return strtod(*s + n + 1, NULL);
	print_error("preset %s does not set %s\n", name, key);
	fail();
	return 0;
}

static const char valid_ini[] =
	/*  1 */ "; two classes, three arms, two events\n"
	/*  2 */ "[simulation]\n"
	/*  3 */ "duration = 2y\n"
	/*  4 */ "tick = 1d\n"
	/*  5 */ "[population]\n"
	/*  6 */ "citizens = 500\n"
	/*  7 */ "[class.easy]\n"
	/*  8 */ "share = 3\n"
	/*  9 */ "need_rate = 0.5\n"
	/* 10 */ "[class.hard]\n"
	/* 11 */ "share = 1\n"
	/* 12 */ "complexity_mean = 4\n"
	/* 13 */ "escalation_time = 30d\n"
	/* 14 */ "[regime]\n"
	/* 15 */ "discretion = 0.4 ; overridden by every preset\n"
	/* 16 */ "[workforce]\n"
	/* 17 */ "teams = 3\n"
	/* 18 */ "[arm.npm]\n"
	/* 19 */ "preset = npm\n"
	/* 20 */ "[arm.hls]\n"
	/* 21 */ "preset = hls\n"
	/* 22 */ "regime.learning_time = 0.2\n"
	/* 23 */ "workforce.teams = 4\n"
	/* 24 */ "class.hard.need_rate = 1.5\n"
	/* 25 */ "[arm.none]\n"
	/* 26 */ "preset = none\n"
	/* 27 */ "[event.reform]\n"
	/* 28 */ "at = 1y\n"
	/* 29 */ "arms = hls\n"
	/* 30 */ "regime.continuity = 0.9\n"
	/* 31 */ "class.hard.need_rate = 2\n"
	/* 32 */ "[event.pay]\n"
	/* 33 */ "at = 6w\n"
	/* 34 */ "cost.wage_per_hour = 40\n";

static void test_valid(void **state)
{
	struct run *r = *state;
	load_text(r, valid_ini, NULL, 0);
	expect_clean(r);
	const struct gs_scenario *sc = &r->sc;
	assert_string_equal(sc->name, "x");
	assert_int_equal(sc->n_files, 1);
	assert_non_null(strstr(sc->text, "[event.reform]"));

	assert_int_equal(sc->n_arms, 3);
	assert_string_equal(sc->arms[0].name, "npm");
	assert_string_equal(sc->arms[1].name, "hls");
	assert_string_equal(sc->arms[2].name, "none");
	const struct gs_params *npm = arm(r, "npm"), *hls = arm(r, "hls"), *none = arm(r, "none");

	/* presets */
	for (size_t a = 0; a < 3; a++) {
		const char *name = sc->arms[a].name;
		const struct gs_params *p = &sc->arm_params[a];
		assert_double_close(p->regime.discretion, preset(name, "regime.discretion"), 0);
		assert_double_close(p->regime.weight_breach, preset(name, "regime.weight_breach"), 0);
		assert_double_close(p->regime.target_pressure, preset(name, "regime.target_pressure"), 0);
		assert_double_close(p->regime.continuity, preset(name, "regime.continuity"), 0);
	}
	/* the presets differ from the scenario's [regime] and from each other */
	assert_true(npm->regime.discretion != 0.4 && hls->regime.discretion != 0.4);
	assert_true(npm->regime.discretion != hls->regime.discretion);
	assert_double_close(none->regime.learning_time, 0, 0);
	/* the arm's own keys */
	assert_double_close(hls->regime.learning_time, 0.2, 0);
	assert_double_close(npm->regime.learning_time, 0, 0);
	assert_int_equal(hls->workforce.teams, 4);
	assert_int_equal(npm->workforce.teams, 3);
	assert_int_equal(none->workforce.teams, 3);
	assert_double_close(hls->cls[1].need_rate, 1.5, 0);
	assert_double_close(npm->cls[1].need_rate, 1, 0);

	/* base values and classes, in every arm */
	for (size_t a = 0; a < sc->n_arms; a++) {
		const struct gs_params *p = &sc->arm_params[a];
		assert_int_equal(p->population.citizens, 500);
		assert_double_close(p->simulation.duration, 730, 1e-9);
		assert_double_close(p->simulation.tick, 1440, 0);
		assert_int_equal(p->n_classes, 2);
		assert_false(p->class_implicit);
		assert_string_equal(p->class_name[0], "easy");
		assert_string_equal(p->class_name[1], "hard");
		assert_double_close(p->cls[0].share, 3, 0);
		assert_double_close(p->cls[0].need_rate, 0.5, 0);
		assert_double_close(p->cls[0].complexity_mean, 2, 0);
		assert_double_close(p->cls[0].escalation_time, 60, 1e-12);
		assert_double_close(p->cls[1].share, 1, 0);
		assert_double_close(p->cls[1].complexity_mean, 4, 0);
		assert_double_close(p->cls[1].escalation_time, 30, 1e-12);
		assert_double_close(p->cost.wage_per_hour, 30, 0);
	}

	/* events */
	assert_int_equal(sc->n_events, 2);
	const struct gs_event_spec *reform = &sc->events[0], *pay = &sc->events[1];
	assert_string_equal(reform->name, "reform");
	assert_int_equal(reform->at_tick, 365);
	assert_int_equal(reform->n_arms, 1);
	assert_string_equal(reform->arms[0], "hls");
	assert_string_equal(pay->name, "pay");
	assert_int_equal(pay->at_tick, 42);
	assert_int_equal(pay->n_arms, 0);

	for (size_t a = 0; a < sc->n_arms; a++) {
		struct gs_params p = sc->arm_params[a];
		bool target = strcmp(sc->arms[a].name, "hls") == 0;
		assert_int_equal(apply_event(r, 0, a, &p) > 0, target);
		if (target) {
			assert_double_close(p.regime.continuity, 0.9, 0);
			assert_double_close(p.cls[1].need_rate, 2, 0);
			assert_double_close(p.cls[0].need_rate, 0.5, 0);
			assert_double_close(p.regime.learning_time, 0.2, 0);
		} else {
			assert_memory_equal(&p, &sc->arm_params[a], sizeof(p));
		}
		/* an event listing no arms applies to every arm */
		assert_int_equal(apply_event(r, 1, a, &p) > 0, 1);
		assert_double_close(p.cost.wage_per_hour, 40, 0);
	}
}

/* Durations keep their length whatever the tick, and wherever it is set. */
static void test_hourly_ticks(void **state)
{
	struct run *r = *state;
	load_text(r,
		  "[service]\n"
		  "time_target = 10d\n"
		  "[simulation]\n"
		  "tick = 1h\n"
		  "[regime]\n"
		  "review_period = 1w\n"
		  "[event.e]\n"
		  "at = 1y\n"
		  "regime.review_period = 2w\n",
		  NULL, 0);
	expect_clean(r);
	const struct gs_params *p = arm(r, "base");
	assert_double_close(p->simulation.tick, 60, 0);
	assert_double_close(p->service.time_target, 240, 1e-9);
	assert_double_close(p->regime.review_period, 168, 1e-9);
	assert_double_close(p->simulation.duration, 2 * 8760, 1e-9);
	assert_int_equal(r->sc.events[0].at_tick, 8760);
	struct gs_params q = *p;
	assert_int_equal(apply_event(r, 0, 0, &q) > 0, 1);
	assert_double_close(q.regime.review_period, 336, 1e-9);
}

static const char precedence_ini[] =
	/*  1 */ "[regime]\n"
	/*  2 */ "discretion = 0.1\n"
	/*  3 */ "continuity = 0.15\n"
	/*  4 */ "[arm.plain]\n"
	/*  5 */ "workforce.teams = 2\n"
	/*  6 */ "[arm.preset]\n"
	/*  7 */ "preset = hls\n"
	/*  8 */ "[arm.own]\n"
	/*  9 */ "preset = hls\n"
	/* 10 */ "regime.discretion = 0.6\n"
	/* 11 */ "regime.continuity = 0.5\n";

/* defaults < scenario sections < preset < the arm's keys < --set */
static void test_precedence(void **state)
{
	struct run *r = *state;
	load_text(r, precedence_ini, NULL, 0);
	expect_clean(r);
	assert_double_close(arm(r, "plain")->regime.discretion, 0.1, 0);
	assert_double_close(arm(r, "plain")->regime.continuity, 0.15, 0);
	assert_double_close(arm(r, "plain")->regime.stewardship, 0, 0);
	assert_double_close(arm(r, "preset")->regime.discretion, preset("hls", "regime.discretion"), 0);
	assert_double_close(arm(r, "preset")->regime.continuity, preset("hls", "regime.continuity"), 0);
	assert_double_close(arm(r, "own")->regime.discretion, 0.6, 0);
	assert_double_close(arm(r, "own")->regime.continuity, 0.5, 0);
	assert_double_close(arm(r, "own")->regime.stewardship, preset("hls", "regime.stewardship"), 0);
	assert_int_equal(arm(r, "plain")->workforce.teams, 2);
	struct gs_params d;
	assert_int_equal(gs_params_init(&d), 0);
	assert_int_equal(arm(r, "own")->workforce.teams, d.workforce.teams);

	char *over[] = {"regime.continuity=0.99", "population.citizens=7", "service.time_target=5d",
			"simulation.tick=1h"};
	restart(r);
	load_text(r, precedence_ini, over, 4);
	expect_clean(r);
	for (size_t a = 0; a < r->sc.n_arms; a++) {
		const struct gs_params *p = &r->sc.arm_params[a];
		assert_double_close(p->regime.continuity, 0.99, 0);
		assert_int_equal(p->population.citizens, 7);
		assert_double_close(p->simulation.tick, 60, 0);
		assert_double_close(p->service.time_target, 120, 1e-9);
	}
	assert_double_close(arm(r, "plain")->regime.discretion, 0.1, 0);
	assert_double_close(arm(r, "preset")->regime.discretion, preset("hls", "regime.discretion"), 0);
	assert_double_close(arm(r, "own")->regime.discretion, 0.6, 0);
}

/*
 * --set arm.NAME.key=value changes arm NAME only, after the overrides for
 * every arm; an unknown arm, or a scenario-wide key for one arm, is a problem.
 */
static void test_arm_overrides(void **state)
{
	struct run *r = *state;
	char *over[] = {"arm.own.regime.continuity=0.7", "regime.continuity=0.99",
			"arm.plain.workforce.teams=3", "arm.own.class.all.need_rate=2"};
	load_text(r, precedence_ini, over, 4);
	expect_clean(r);
	assert_double_close(arm(r, "own")->regime.continuity, 0.7, 0);
	assert_double_close(arm(r, "plain")->regime.continuity, 0.99, 0);
	assert_double_close(arm(r, "preset")->regime.continuity, 0.99, 0);
	assert_int_equal(arm(r, "plain")->workforce.teams, 3);
	struct gs_params d;
	assert_int_equal(gs_params_init(&d), 0);
	assert_int_equal(arm(r, "preset")->workforce.teams, d.workforce.teams);
	assert_double_close(arm(r, "own")->cls[0].need_rate, 2, 0);
	assert_double_close(arm(r, "plain")->cls[0].need_rate, d.cls[0].need_rate, 0);

	char *bad[] = {"arm.nope.regime.continuity=0.7", "arm.own.population.citizens=5",
		       "arm.own.regime.continuity=2", "arm.own=1", "arm..regime.continuity=1"};
	restart(r);
	load_text(r, precedence_ini, bad, 5);
	expect_count(r, 5);
	assert_int_not_equal(r->resolve_rc, 0);
	expect_diag(r, "--set", 0, NULL, "no arm 'nope' in the scenario (arms: plain, preset, own)");
	assert_int_equal(count_diag(r, "--set arm.own: population.citizens: one value for the "
				       "whole scenario"), 1);
	assert_int_equal(count_diag(r, "--set arm.own: regime.continuity: 2 is out of range"), 1);
	assert_int_equal(count_diag(r, "is not arm.NAME.section.key=value"), 2);
}

/* An arm section with no keys is an arm with the scenario's own values. */
static void test_empty_arm(void **state)
{
	struct run *r = *state;
	load_text(r,
		  "[regime]\n"
		  "discretion = 0.4\n"
		  "[arm.control]\n"
		  "[arm.hls]\n"
		  "preset = hls\n"
		  "[event.e]\n"
		  "at = 1y\n"
		  "arms = control\n"
		  "regime.discretion = 0.5\n",
		  NULL, 0);
	expect_clean(r);
	assert_int_equal(r->sc.n_arms, 2);
	assert_string_equal(r->sc.arms[0].name, "control");
	assert_double_close(arm(r, "control")->regime.discretion, 0.4, 0);
	assert_double_close(arm(r, "hls")->regime.discretion, preset("hls", "regime.discretion"), 0);
}

static void test_unknown_keys(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[regime]\n"
		  /* 2 */ "discreton = 0.5\n"
		  /* 3 */ "[class.easy]\n"
		  /* 4 */ "need_rat = 2\n"
		  /* 5 */ "[mechanism]\n"
		  /* 6 */ "zzzzzzzzzzzzzzzz = on\n"
		  /* 7 */ "[arm.a]\n"
		  /* 8 */ "regime.discretio = 0.5\n"
		  /* 9 */ "discretion = 0.5\n"
		  /* 10 */ "[event.e]\n"
		  /* 11 */ "at = 1y\n"
		  /* 12 */ "servce.time_target = 5d\n"
		  /* 13 */ "[arm.b]\n"
		  /* 14 */ "prest = npm\n"
		  /* 15 */ "[event.f]\n"
		  /* 16 */ "att = 1y\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	expect_diag(r, "x.ini", 2, "regime.discreton",
		    "unknown parameter; did you mean 'regime.discretion'?");
	expect_diag(r, "x.ini", 4, "class.easy.need_rat",
		    "unknown parameter; did you mean 'class.easy.need_rate'?");
	expect_diag(r, "x.ini", 6, "mechanism.zzzzzzzzzzzzzzzz", "unknown parameter");
	assert_int_equal(count_diag(r, "did you mean"), 6);
	expect_diag(r, "x.ini", 8, "regime.discretio",
		    "unknown parameter; did you mean 'regime.discretion'?");
	expect_diag(r, "x.ini", 9, "discretion", "unknown parameter");
	expect_diag(r, "x.ini", 12, "servce.time_target",
		    "unknown parameter; did you mean 'service.time_target'?");
	/* the keys of arms and events are candidates too */
	expect_diag(r, "x.ini", 14, "prest", "unknown parameter; did you mean 'preset'?");
	expect_diag(r, "x.ini", 16, "att", "unknown parameter; did you mean 'at'?");
	expect_diag(r, "x.ini", 15, "at", "[event.f] has no `at` (when it happens, e.g. at = 2y)");
	expect_count(r, 9);
}

static void test_unknown_section(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "seed = 3\n"
		  /* 3 */ "[regim]\n"
		  /* 4 */ "discretion = 0.5\n"
		  /* 5 */ "[qqqqqqqqqq]\n"
		  /* 6 */ "x = 1\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	/* reported once, at the section header */
	expect_diag(r, "x.ini", 3, NULL, "unknown section [regim]; did you mean [regime]");
	expect_diag(r, "x.ini", 5, NULL, "unknown section [qqqqqqqqqq] (");
	assert_int_equal(count_diag(r, "did you mean"), 1);
	expect_count(r, 2);
	/* the rest of the file still counts */
	assert_int_equal(arm(r, "base")->simulation.seed, 3);
	assert_double_close(arm(r, "base")->regime.discretion, 0.2, 0);
}

static void test_key_outside_section(void **state)
{
	struct run *r = *state;
	load_text(r,
		  "; leading comment\n"
		  "seed = 3\n"
		  "[simulation]\n"
		  "seed = 4\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	expect_diag(r, "x.ini", 2, "seed", "key outside any section");
	expect_count(r, 1);
	assert_int_equal(arm(r, "base")->simulation.seed, 4);
}

static void test_out_of_range(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[regime]\n"
		  /* 2 */ "discretion = 1.5\n"
		  /* 3 */ "[workforce]\n"
		  /* 4 */ "hours_per_day = 25\n"
		  /* 5 */ "[service]\n"
		  /* 6 */ "time_target = 0.5min\n"
		  /* 7 */ "[population]\n"
		  /* 8 */ "citizens = 0\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 2, "regime.discretion",
		    "1.5 is out of range (allowed 0..1, unit [0..1])");
	expect_diag(r, "x.ini", 4, "workforce.hours_per_day",
		    "25 is out of range (allowed 0..24, unit h)");
	expect_diag(r, "x.ini", 6, "service.time_target",
		    "0.5min is out of range (allowed 1min..100y)");
	expect_diag(r, "x.ini", 8, "population.citizens",
		    "0 is out of range (allowed 1..100000000, unit citizens)");
	expect_count(r, 4);
	/* bad values leave the defaults */
	assert_double_close(arm(r, "base")->regime.discretion, 0.2, 0);
}

static void test_bad_values(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[service]\n"
		  /* 2 */ "time_target = 10\n"
		  /* 3 */ "[regime]\n"
		  /* 4 */ "review_period = 10x\n"
		  /* 5 */ "payment_model = bonus\n"
		  /* 6 */ "[population]\n"
		  /* 7 */ "return_delay = soon\n"
		  /* 8 */ "citizens = 12abc\n"
		  /* 9 */ "[mechanism]\n"
		  /* 10 */ "trust = maybe\n",
		  NULL, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 2, "service.time_target", "'10' has no unit");
	expect_diag(r, "x.ini", 4, "regime.review_period", "unknown unit 'x' in '10x'");
	expect_diag(r, "x.ini", 5, "regime.payment_model",
		    "'bonus' is not one of salary|per_case|outcome");
	expect_diag(r, "x.ini", 7, "population.return_delay", "'soon' is not a duration");
	expect_diag(r, "x.ini", 8, "population.citizens", "'12abc' is not an integer");
	expect_diag(r, "x.ini", 10, "mechanism.trust", "'maybe'");
	expect_count(r, 6);
}

static void test_malformed_lines(void **state)
{
	struct run *r = *state;
	char text[2048], long_value[260], long_comment[320];
	memset(long_value, '1', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = 0;
	memset(long_comment, 'c', sizeof(long_comment) - 1);
	long_comment[0] = ';';
	long_comment[sizeof(long_comment) - 1] = 0;
	snprintf(text, sizeof(text),
		 /* 1 */ "[regime]\n"
		 /* 2 */ "discretion 0.5\n"
		 /* 3 */ "[service\n"
		 /* 4 */ "= 3\n"
		 /* 5 */ "  continuity = 0.3\n"
		 /* 6 */ "[regime]\n"
		 /* 7 */ "continuity = 0.4\n"
		 /* 8 */ "%s\n"
		 /* 9 */ "audit_penalty = %s\n"
		 /* 10 */ "stewardship = 0.25\n",
		 long_comment, long_value);
	load_text(r, text, NULL, 0);
	assert_int_equal(r->read_rc, -1);
	expect_diag(r, "x.ini", 2, NULL, "malformed line: expected `key = value`");
	expect_diag(r, "x.ini", 3, NULL, "malformed line: section header without ']'");
	expect_diag(r, "x.ini", 4, NULL, "malformed line: no key before '='");
	expect_diag(r, "x.ini", 5, NULL, "malformed line: indented");
	expect_diag(r, "x.ini", 9, NULL, "line too long");
	expect_count(r, 5);
	/* the good lines around them still count */
	assert_double_close(arm(r, "base")->regime.continuity, 0.4, 0);
	assert_double_close(arm(r, "base")->regime.stewardship, 0.25, 0);
	assert_double_close(arm(r, "base")->regime.discretion, 0.2, 0);
	assert_double_close(arm(r, "base")->regime.audit_penalty, 0, 0);
}

/* Every problem of a file is reported, each at its own line. */
static void test_many_problems(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "tick = 1d\n"
		  /* 3 */ "[regime]\n"
		  /* 4 */ "discreton = 0.5\n"
		  /* 5 */ "discretion = 2\n"
		  /* 6 */ "target_level 0.9\n"
		  /* 7 */ "[servce]\n"
		  /* 8 */ "time_target = 10d\n"
		  /* 9 */ "[service]\n"
		  /* 10 */ "time_target = 10\n"
		  /* 11 */ "[arm.a]\n"
		  /* 12 */ "preset = nmp\n"
		  /* 13 */ "population.citizens = 5\n"
		  /* 14 */ "[event.e]\n"
		  /* 15 */ "at = 9y\n"
		  /* 16 */ "workforce.teams = 3\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 4, "regime.discreton", "did you mean 'regime.discretion'");
	expect_diag(r, "x.ini", 5, "regime.discretion", "out of range (allowed 0..1");
	expect_diag(r, "x.ini", 6, NULL, "malformed line");
	expect_diag(r, "x.ini", 7, NULL, "unknown section [servce]; did you mean [service]");
	expect_diag(r, "x.ini", 10, "service.time_target", "has no unit");
	expect_diag(r, "x.ini", 12, "preset", "unknown preset 'nmp'");
	expect_diag(r, "x.ini", 13, "population.citizens", "cannot be set in an arm");
	expect_diag(r, "x.ini", 15, "at", "9y is outside the run");
	expect_diag(r, "x.ini", 16, "workforce.teams", "an event cannot change it");
	expect_count(r, 9);
}

static void test_missing_include(void **state)
{
	struct run *r = *state;
	load_text(r,
		  "; includes a file that is not there\n"
		  "include = nothere.ini\n"
		  "[regime]\n"
		  "discretion = 0.5\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	char want[1200];
	snprintf(want, sizeof(want), "cannot open '%s/nothere.ini'", r->dir);
	expect_diag(r, "x.ini", 2, "include", want);
	expect_count(r, 1);
	assert_double_close(arm(r, "base")->regime.discretion, 0.5, 0);

	/* a missing scenario file */
	restart(r);
	load(r, "absent.ini", NULL, 0);
	assert_int_equal(r->read_rc, -1);
	assert_int_equal(count_diag(r, "absent.ini"), 1);
}

static void test_include_cycle(void **state)
{
	struct run *r = *state;
	add_file(r, "a.ini", "include = b.ini\n[regime]\ndiscretion = 0.5\n");
	add_file(r, "b.ini", "; b\ninclude = a.ini\n[regime]\ncontinuity = 0.5\n");
	load(r, "a.ini", NULL, 0);
	assert_int_equal(r->read_rc, -1);
	char want[1200];
	snprintf(want, sizeof(want), "include cycle: '%s/a.ini'", r->dir);
	expect_diag(r, "b.ini", 2, "include", want);
	expect_count(r, 1);
	assert_double_close(arm(r, "base")->regime.discretion, 0.5, 0);
	assert_double_close(arm(r, "base")->regime.continuity, 0.5, 0);

	/* a file including itself */
	restart(r);
	add_file(r, "self.ini", "include = ./self.ini\n");
	load(r, "self.ini", NULL, 0);
	assert_int_equal(r->read_rc, -1);
	expect_diag(r, "self.ini", 1, "include", "include cycle");
	expect_count(r, 1);
}

static void test_include(void **state)
{
	struct run *r = *state;
	add_dir(r, "sub");
	add_file(r, "sub/common.ini",
		 "include = more.ini\n"
		 "[regime]\n"
		 "discretion = 0.3\n"
		 "continuity = 0.4\n");
	add_file(r, "sub/more.ini",
		 "[regime]\n"
		 "stewardship = 0.25\n"
		 "discretion = 0.1\n"
		 "[arm.shared]\n"
		 "preset = none\n");
	load_text(r,
		  "; main\n"
		  "include = sub/common.ini\n"
		  "[regime]\n"
		  "discretion = 0.6\n",
		  NULL, 0);
	expect_clean(r);
	const struct gs_params *p = arm(r, "shared");
	assert_int_equal(r->sc.n_arms, 1);
	/* the arm's preset wins over every section */
	assert_double_close(p->regime.discretion, preset("none", "regime.discretion"), 0);
	assert_double_close(p->regime.continuity, preset("none", "regime.continuity"), 0);

	/* the same without the arm: the including file's later lines win */
	restart(r);
	add_dir(r, "sub");
	add_file(r, "sub/common.ini",
		 "include = more.ini\n"
		 "[regime]\n"
		 "discretion = 0.3\n"
		 "continuity = 0.4\n");
	add_file(r, "sub/more.ini",
		 "[regime]\n"
		 "stewardship = 0.25\n"
		 "discretion = 0.1\n");
	load_text(r,
		  "; main\n"
		  "include = sub/common.ini\n"
		  "[regime]\n"
		  "discretion = 0.6\n",
		  NULL, 0);
	expect_clean(r);
	p = arm(r, "base");
	assert_double_close(p->regime.discretion, 0.6, 0);
	assert_double_close(p->regime.continuity, 0.4, 0);
	assert_double_close(p->regime.stewardship, 0.25, 0);
	assert_int_equal(r->sc.n_files, 3);
	assert_non_null(strstr(r->sc.files[0], "x.ini"));
	assert_non_null(strstr(r->sc.text, "; main\n"));
	assert_non_null(strstr(r->sc.text, "discretion = 0.6\n"));
	assert_non_null(strstr(r->sc.text, "continuity = 0.4\n"));
	assert_non_null(strstr(r->sc.text, "stewardship = 0.25\n"));
}

/* Problems in an included file are reported at its own lines. */
static void test_include_problems(void **state)
{
	struct run *r = *state;
	add_file(r, "inc.ini",
		 "[regime]\n"
		 "discretion = 3\n"
		 "continuty = 0.5\n");
	load_text(r,
		  "include = inc.ini\n"
		  "[regime]\n"
		  "include = other.ini\n",
		  NULL, 0);
	expect_diag(r, "inc.ini", 2, "regime.discretion", "out of range");
	expect_diag(r, "inc.ini", 3, "regime.continuty", "did you mean 'regime.continuity'");
	/* include only comes before the first section */
	expect_diag(r, "x.ini", 3, "regime.include", "unknown parameter");
	expect_count(r, 3);
}

static void test_arm_problems(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[class.easy]\n"
		  /* 2 */ "need_rate = 2\n"
		  /* 3 */ "[arm.a]\n"
		  /* 4 */ "preset = nmp\n"
		  /* 5 */ "[arm.b]\n"
		  /* 6 */ "population.citizens = 5\n"
		  /* 7 */ "class.hard.need_rate = 2\n"
		  /* 8 */ "class.easy.share = 2\n"
		  /* 9 */ "simulation.tick = 1h\n"
		  /* 10 */ "[arm.bad.name]\n"
		  /* 11 */ "preset = npm\n",
		  NULL, 0);
	expect_diag(r, "x.ini", 4, "preset", "unknown preset 'nmp' (presets: npm, hls, none)");
	expect_diag(r, "x.ini", 6, "population.citizens",
		    "one value for the whole scenario: it cannot be set in an arm");
	expect_diag(r, "x.ini", 7, "class.hard.need_rate",
		    "no class 'hard' in the scenario (classes: easy)");
	expect_diag(r, "x.ini", 8, "class.easy.share", "cannot be set in an arm");
	expect_diag(r, "x.ini", 9, "simulation.tick", "cannot be set in an arm");
	expect_diag(r, "x.ini", 10, NULL, "[arm.bad.name]: an arm name is letters");
	expect_count(r, 6);
	/* nothing of it reached the arms */
	struct gs_params d;
	assert_int_equal(gs_params_init(&d), 0);
	assert_int_equal(arm(r, "b")->population.citizens, d.population.citizens);
	assert_int_equal(arm(r, "b")->n_classes, 1);
	assert_double_close(arm(r, "b")->simulation.tick, 1440, 0);
}

static void test_event_problems(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "duration = 2y\n"
		  /* 3 */ "[class.easy]\n"
		  /* 4 */ "need_rate = 2\n"
		  /* 5 */ "[arm.a]\n"
		  /* 6 */ "preset = npm\n"
		  /* 7 */ "[event.noat]\n"
		  /* 8 */ "regime.discretion = 0.5\n"
		  /* 9 */ "[event.late]\n"
		  /* 10 */ "at = 3y\n"
		  /* 11 */ "[event.runkey]\n"
		  /* 12 */ "at = 1y\n"
		  /* 13 */ "workforce.teams = 3\n"
		  /* 14 */ "[event.noclass]\n"
		  /* 15 */ "at = 1y\n"
		  /* 16 */ "class.hard.need_rate = 2\n"
		  /* 17 */ "[event.scenariokey]\n"
		  /* 18 */ "at = 1y\n"
		  /* 19 */ "population.citizens = 5\n"
		  /* 20 */ "[event.badat]\n"
		  /* 21 */ "at = soon\n"
		  /* 22 */ "[event.outofrange]\n"
		  /* 23 */ "at = 1y\n"
		  /* 24 */ "regime.discretion = 1.5\n"
		  /* 25 */ "[event.edges]\n"
		  /* 26 */ "at = 2y\n"
		  /* 27 */ "class.easy.need_rate = 3\n"
		  /* 28 */ "[event.start]\n"
		  /* 29 */ "at = 0d\n"
		  /* 30 */ "regime.discretion = 0.1\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 7, "at", "[event.noat] has no `at`");
	expect_diag(r, "x.ini", 10, "at", "3y is outside the run");
	expect_diag(r, "x.ini", 13, "workforce.teams", "fixed for a run: an event cannot change it");
	expect_diag(r, "x.ini", 16, "class.hard.need_rate",
		    "no class 'hard' in the scenario (classes: easy)");
	expect_diag(r, "x.ini", 19, "population.citizens", "cannot be set in an event");
	expect_diag(r, "x.ini", 21, "at", "'soon' is not a duration");
	expect_diag(r, "x.ini", 24, "regime.discretion", "1.5 is out of range");
	/* at the very end of the run an event would never apply (D5) */
	expect_diag(r, "x.ini", 26, "at", "2y is the end of the run");
	expect_count(r, 8);
	assert_int_equal(r->sc.events[8].at_tick, 0);
}

/* An unknown arm in `arms` is reported at the line that names it. */
static void test_event_unknown_arm(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[arm.a]\n"
		  /* 2 */ "preset = npm\n"
		  /* 3 */ "[event.e]\n"
		  /* 4 */ "at = 1y\n"
		  /* 5 */ "regime.discretion = 0.5\n"
		  /* 6 */ "arms = a, nosuch\n"
		  /* 7 */ "[event.f]\n"
		  /* 8 */ "arms = a b.c\n"
		  /* 9 */ "at = 1y\n",
		  NULL, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 8, "arms", "'b.c' is not an arm name");
	expect_diag(r, "x.ini", 6, "arms", "no arm 'nosuch' in the scenario");
	expect_count(r, 2);
}

/* An event may switch to a whole preset, then apply its own keys; an unknown preset is an error. */
static void test_event_preset(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[arm.a]\n"
		  /* 2 */ "preset = npm\n"
		  /* 3 */ "[event.e]\n"
		  /* 4 */ "at = 10d\n"
		  /* 5 */ "preset = hls\n"
		  /* 6 */ "regime.learning_time = 0.2\n",
		  NULL, 0);
	assert_int_equal(r->resolve_rc, 0);
	struct gs_params p = r->sc.arm_params[0];
	assert_double_close(p.regime.discretion, 0.05, 0);
	assert_int_equal(apply_event(r, 0, 0, &p) > 0, 1);
	assert_double_close(p.regime.discretion, 0.9, 0);      /* from the preset */
	assert_double_close(p.regime.target_pressure, 0, 0);   /* from the preset */
	assert_double_close(p.regime.learning_time, 0.2, 0);   /* the event's own key wins */
}

static void test_event_unknown_preset(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[event.e]\n"
		  /* 2 */ "at = 10d\n"
		  /* 3 */ "preset = hsl\n",
		  NULL, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "x.ini", 3, "preset", "unknown preset 'hsl' (presets: npm, hls, none)");
	expect_count(r, 1);
}

static void test_set_problems(void **state)
{
	struct run *r = *state;
	char *over[] = {
		"regime.discretion",     "regime.discreton=0.5",  "regime.discretion=1.5",
		"=3",                    "workforce.teams=2",     "service.time_target=10",
		"class.nosuch.share=1",
	};
	load_text(r, "[arm.a]\npreset = npm\n[arm.b]\npreset = hls\n", over,
		  sizeof(over) / sizeof(over[0]));
	assert_int_equal(r->read_rc, 0);
	assert_int_equal(r->resolve_rc, -1);
	expect_diag(r, "--set", 0, NULL, "'regime.discretion' is not section.key=value");
	expect_diag(r, "--set", 0, "regime.discreton",
		    "unknown parameter; did you mean 'regime.discretion'?");
	expect_diag(r, "--set", 0, "regime.discretion", "1.5 is out of range (allowed 0..1");
	expect_diag(r, "--set", 0, NULL, "'=3' is not section.key=value");
	expect_diag(r, "--set", 0, "service.time_target", "'10' has no unit");
	expect_diag(r, "--set", 0, "class.nosuch.share", "no class 'nosuch'");
	/* each reported once, not once per arm */
	expect_count(r, 6);
	/* the good one still applies, to every arm */
	assert_int_equal(arm(r, "a")->workforce.teams, 2);
	assert_int_equal(arm(r, "b")->workforce.teams, 2);
	assert_double_close(arm(r, "a")->regime.discretion, preset("npm", "regime.discretion"), 0);
}

/* A misspelt section is an error even when it has no keys. */
static void test_empty_unknown_section(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "seed = 3\n"
		  /* 3 */ "[servce]\n",
		  NULL, 0);
	assert_int_equal(r->read_rc, -1);
	expect_diag(r, "x.ini", 3, NULL, "unknown section [servce]; did you mean [service]");
	expect_count(r, 1);
}

static void test_no_arms(void **state)
{
	struct run *r = *state;
	load_text(r,
		  "[regime]\n"
		  "discretion = 0.3\n"
		  "[event.e]\n"
		  "at = 1y\n"
		  "arms = base\n"
		  "regime.discretion = 0.5\n",
		  NULL, 0);
	expect_clean(r);
	assert_int_equal(r->sc.n_arms, 1);
	assert_string_equal(r->sc.arms[0].name, "base");
	assert_null(r->sc.arms[0].preset);
	const struct gs_params *p = &r->sc.arm_params[0];
	assert_double_close(p->regime.discretion, 0.3, 0);
	assert_int_equal(p->n_classes, 1);
	assert_string_equal(p->class_name[0], "all");
	struct gs_params q = *p;
	assert_int_equal(apply_event(r, 0, 0, &q) > 0, 1);
	assert_double_close(q.regime.discretion, 0.5, 0);
}

/*
 * D12: a need rate far above one arrival per citizen per tick made a tick
 * draw arrivals without end (36500/y in daily ticks hung `govsim run`). A
 * rate above 10 per tick is refused wherever it is set (sections, arms,
 * events, sweep points), naming the line; the same rate in minute ticks is
 * fine.
 */
static void test_d12_need_rate_bounded_per_tick(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "duration = 10d\n"
		  /* 3 */ "[class.a]\n"
		  /* 4 */ "need_rate = 36500\n",
		  NULL, 0);
	expect_diag(r, "x.ini", 4, "class.a.need_rate", "100 per citizen per tick of 1d");
	expect_diag(r, "x.ini", 4, "class.a.need_rate", "allowed up to 3650 a year");
	assert_int_equal(r->resolve_rc, -1);
	restart(r);
	load_text(r, "[simulation]\nduration = 1d\ntick = 1min\n[class.a]\nneed_rate = 36500\n",
		  NULL, 0);
	expect_clean(r);
	restart(r);
	load_text(r,
		  /* 1 */ "[class.a]\n"
		  /* 2 */ "need_rate = 3\n"
		  /* 3 */ "[arm.x]\n"
		  /* 4 */ "class.a.need_rate = 4000\n"
		  /* 5 */ "[event.e]\n"
		  /* 6 */ "at = 5d\n"
		  /* 7 */ "class.a.need_rate = 5000\n"
		  /* 8 */ "[sweep]\n"
		  /* 9 */ "class.a.need_rate = 1, 3651\n",
		  NULL, 0);
	expect_diag(r, "x.ini", 4, "class.a.need_rate", "in arm x");
	expect_diag(r, "x.ini", 7, "class.a.need_rate", "after event e");
	expect_diag(r, "x.ini", 9, "class.a.need_rate", "at a sweep point");
	/* the largest rate allowed is accepted */
	restart(r);
	load_text(r, "[simulation]\nduration = 3d\n[population]\ncitizens = 20\n"
		     "[class.a]\nneed_rate = 3650\n",
		  NULL, 0);
	expect_clean(r);
}

/* D5: an event at exactly the run's duration would never apply: refused, naming the line. */
static void test_d5_event_at_the_end(void **state)
{
	struct run *r = *state;
	load_text(r,
		  /* 1 */ "[simulation]\n"
		  /* 2 */ "duration = 30d\n"
		  /* 3 */ "[event.late]\n"
		  /* 4 */ "at = 30d\n"
		  /* 5 */ "regime.discretion = 0.5\n",
		  NULL, 0);
	expect_diag(r, "x.ini", 4, "at", "30d is the end of the run");
	restart(r);
	load_text(r, "[simulation]\nduration = 30d\n[event.last]\nat = 29d\nregime.discretion = 0.5\n",
		  NULL, 0);
	expect_clean(r);
	assert_int_equal(r->sc.events[0].at_tick, 29);
}

/*
 * D11: an include that is not a regular file (/dev/zero would be read until
 * memory ran out; a FIFO would block) or that is too large is refused at
 * the include's line.
 */
static void test_d11_include_regular_and_bounded(void **state)
{
	struct run *r = *state;
	load_text(r, "include = /dev/zero\n[simulation]\nduration = 10d\n", NULL, 0);
	expect_diag(r, "x.ini", 1, "include", "'/dev/zero' is not a regular file");
	restart(r);
	char fifo[1100];
	snprintf(fifo, sizeof(fifo), "%s/pipe.ini", r->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	load_text(r, "include = pipe.ini\n", NULL, 0);
	expect_diag(r, "x.ini", 1, "include", "is not a regular file");
	restart(r);
	size_t n = (4u << 20) + 10;
	char *big = malloc(n + 1);
	memset(big, ';', n);
	big[n] = 0;
	add_file(r, "big.ini", big);
	free(big);
	load_text(r, "include = big.ini\n", NULL, 0);
	expect_diag(r, "x.ini", 1, "include", "a scenario file is at most 4194304 bytes");
}

/*
 * D4: problems of two parameters name the line that set the first, in the
 * file that set it (an include), not the main file without a line.
 */
static void test_d4_consistency_at_the_line(void **state)
{
	struct run *r = *state;
	add_file(r, "inc.ini",
		 /* 1 */ "[simulation]\n"
		 /* 2 */ "duration = 30min\n"
		 /* 3 */ "[output]\n"
		 /* 4 */ "interval = 36h\n"
		 /* 5 */ "hist_bin = 2d\n"
		 /* 6 */ "hist_max = 1d\n"
		 /* 7 */ "[class.a]\n"
		 /* 8 */ "share = 0\n");
	load_text(r, "include = inc.ini\n[simulation]\nseed = 3\n", NULL, 0);
	expect_diag(r, "inc.ini", 2, "simulation.duration", "shorter than one tick");
	expect_diag(r, "inc.ini", 4, "output.interval", "whole number of ticks");
	expect_diag(r, "inc.ini", 6, "output.hist_max", "smaller than output.hist_bin");
	expect_diag(r, "inc.ini", 8, "class.a.share", "every class has share 0");
}

/* Write n bytes (NULs too) to dir/name. */
static void add_bytes(struct run *r, const char *name, const char *bytes, size_t n)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

/* D1: a NUL byte hid everything after it (check passed invalid keys): refused at its line. */
static void test_d1_nul_byte(void **state)
{
	struct run *r = *state;
	static const char text[] = "[simulation]\nduration = 10d\n\0[regime]\ndiscreton = 9\n";
	add_bytes(r, "x.ini", text, sizeof(text) - 1);
	load(r, "x.ini", NULL, 0);
	expect_diag(r, "x.ini", 3, NULL, "a NUL byte");
}

/* D2: a UTF-8 byte-order mark at the start is not a malformed line. */
static void test_d2_byte_order_mark(void **state)
{
	struct run *r = *state;
	load_text(r, "\xEF\xBB\xBF; a comment\n[simulation]\nduration = 10d\n", NULL, 0);
	expect_clean(r);
	restart(r);
	load_text(r, "\xEF\xBB\xBF[simulation]\nduration = 10d\n", NULL, 0);
	expect_clean(r);
	assert_double_close(r->sc.arm_params[0].simulation.duration, 10, 0);
}

/*
 * D3: text after a section header was dropped silently, and a file with
 * lone CR line endings was read as one line: the first is refused, the
 * second read line by line.
 */
static void test_d3_header_text_and_cr_lines(void **state)
{
	struct run *r = *state;
	load_text(r, "[regime] discreton = 9\n", NULL, 0);
	expect_diag(r, "x.ini", 1, NULL, "text after the section header");
	restart(r);
	load_text(r, "[regime] ; a comment\ndiscretion = 0.5\n", NULL, 0);
	expect_clean(r);
	restart(r);
	load_text(r, "[simulation]\rduration = 10d\r[regime]\rdiscreton = 9\r", NULL, 0);
	expect_diag(r, "x.ini", 4, "regime.discreton", "unknown parameter");
	restart(r);
	load_text(r, "[simulation]\r\nduration = 10d\r\n", NULL, 0);
	expect_clean(r);
	assert_double_close(r->sc.arm_params[0].simulation.duration, 10, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hourly_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arm_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_arm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_outside_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arm_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_unknown_arm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_preset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d12_need_rate_bounded_per_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d5_event_at_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d11_include_regular_and_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d1_nul_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d4_consistency_at_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d2_byte_order_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d3_header_text_and_cr_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_unknown_preset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_unknown_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_arms, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
