/*
 * test_params.c - the parameter table: defaults, parsing, range checks,
 * formatting round trips, tick rescaling and per-class keys.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/params.h"

static bool is_class_row(size_t i)
{
	return strcmp(gs_param_table[i].section, "class") == 0;
}

/* The key of row i, for class rows in class cname. */
static void row_key(size_t i, const char *cname, char *buf, size_t n)
{
	if (is_class_row(i))
		snprintf(buf, n, "class.%s.%s", cname, gs_param_table[i].name);
	else
		snprintf(buf, n, "%s.%s", gs_param_table[i].section, gs_param_table[i].name);
}

static const void *row_field(const struct gs_params *p, size_t i, int cls)
{
	if (is_class_row(i))
		return (const char *)&p->cls[cls] + gs_param_table[i].offset;
	return (const char *)p + gs_param_table[i].offset;
}

/* Row i holds the identical value in p (class a) and q (class b). */
static bool same_value(const struct gs_params *p, int a, const struct gs_params *q, int b,
		       size_t i)
{
	const void *x = row_field(p, i, a), *y = row_field(q, i, b);
	switch (gs_param_table[i].type) {
	case GS_INT:
		return *(const int64_t *)x == *(const int64_t *)y;
	case GS_REAL:
	case GS_DURATION:
		return *(const double *)x == *(const double *)y;
	case GS_BOOL:
		return *(const bool *)x == *(const bool *)y;
	case GS_ENUM:
		return *(const int *)x == *(const int *)y;
	}
	return false;
}

/* Set key = value in p, failing the test with the message if it is refused. */
static void set_ok(struct gs_params *p, const char *key, const char *value)
{
	char err[256] = "";
	if (gs_param_set(p, key, value, err, sizeof(err))) {
		print_error("%s = %s refused: %s\n", key, value, err);
		fail();
	}
}

/* Set key = value in p, expecting a refusal whose message contains want. */
static void set_fails(struct gs_params *p, const char *key, const char *value, const char *want)
{
	char err[256] = "";
	struct gs_params before = *p;
	if (gs_param_set(p, key, value, err, sizeof(err)) == 0) {
		print_error("%s = %s accepted\n", key, value);
		fail();
	}
	if (!strstr(err, want)) {
		print_error("%s = %s: message '%s' lacks '%s'\n", key, value, err, want);
		fail();
	}
	/* a refused value changes nothing */
	assert_memory_equal(&before, p, sizeof(before));
}

/*
 * Format row i of p (class 0), set the text into a copy and check that it
 * holds the identical value and formats to the identical text.
 */
static void check_round_trip(const struct gs_params *p, size_t i, const char *what)
{
	char key[96], text[128], again[128], err[256] = "";
	struct gs_params q = *p;
	row_key(i, p->class_name[0], key, sizeof(key));
	gs_param_format(p, i, 0, text, sizeof(text));
	if (gs_param_set(&q, key, text, err, sizeof(err))) {
		print_error("%s (%s): formatted '%s' does not parse: %s\n", key, what, text, err);
		fail();
	}
	if (!same_value(p, 0, &q, 0, i)) {
		print_error("%s (%s): '%s' parses to a different value\n", key, what, text);
		fail();
	}
	gs_param_format(&q, i, 0, again, sizeof(again));
	assert_string_equal(text, again);
}

static void test_defaults_parse(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	assert_int_equal(p.n_classes, 1);
	assert_true(p.class_implicit);
	assert_string_equal(p.class_name[0], "all");
	assert_true(gs_param_count > 40);
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		char key[96];
		row_key(i, "all", key, sizeof(key));
		if (in->type != GS_BOOL && in->type != GS_ENUM && !(in->min <= in->max)) {
			print_error("%s: min %g > max %g\n", key, in->min, in->max);
			fail();
		}
		/* the default, set again, parses, is in range and is what init stored */
		struct gs_params q;
		assert_int_equal(gs_params_init(&q), 0);
		set_ok(&q, key, in->def);
		if (!same_value(&p, 0, &q, 0, i)) {
			print_error("%s: init does not store the default '%s'\n", key, in->def);
			fail();
		}
	}
	/* every class slot starts at the class defaults */
	for (int c = 1; c < GS_MAX_CLASSES; c++)
		for (size_t i = 0; i < gs_param_count; i++)
			if (is_class_row(i))
				assert_true(same_value(&p, 0, &p, c, i));
}

static void test_round_trip_defaults(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	for (size_t i = 0; i < gs_param_count; i++)
		check_round_trip(&p, i, "default");
}

/* The texts of the two ends of row i's range. */
static void range_ends(size_t i, char *lo, char *hi, size_t n)
{
	const struct gs_param_info *in = &gs_param_table[i];
	switch (in->type) {
	case GS_INT:
		snprintf(lo, n, "%.0f", in->min);
		snprintf(hi, n, "%.0f", in->max);
		break;
	case GS_REAL:
		snprintf(lo, n, "%.17g", in->min);
		snprintf(hi, n, "%.17g", in->max);
		break;
	case GS_DURATION:
		gs_format_duration(in->min, lo, n);
		gs_format_duration(in->max, hi, n);
		break;
	default:
		lo[0] = hi[0] = 0;
	}
}

/* Round trips away from the defaults: range ends, a midpoint, every choice. */
static void test_round_trip_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		char key[96], texts[8][64];
		size_t nt = 0;
		row_key(i, "all", key, sizeof(key));
		if (in->type == GS_BOOL || in->type == GS_ENUM) {
			const char *c = in->unit;
			while (*c && nt < 8) {
				const char *end = strchr(c, '|');
				size_t len = end ? (size_t)(end - c) : strlen(c);
				snprintf(texts[nt++], sizeof(texts[0]), "%.*s", (int)len, c);
				c = end ? end + 1 : c + len;
			}
			assert_true(nt >= 2);
		} else {
			range_ends(i, texts[0], texts[1], sizeof(texts[0]));
			double mid = in->min + (in->max - in->min) / 3;
			if (in->type == GS_INT)
				snprintf(texts[2], sizeof(texts[0]), "%.0f", floor(mid));
			else if (in->type == GS_REAL)
				snprintf(texts[2], sizeof(texts[0]), "%.17g", mid);
			else
				snprintf(texts[2], sizeof(texts[0]), "%.0fmin", floor(mid));
			nt = 3;
		}
		for (size_t k = 0; k < nt; k++) {
			struct gs_params p;
			assert_int_equal(gs_params_init(&p), 0);
			set_ok(&p, key, texts[k]);
			check_round_trip(&p, i, texts[k]);
		}
	}
}

/*
 * Durations that are not a whole number of minutes: the text written for
 * them must parse back to the very value stored, as for REAL rows.
 */
static void test_round_trip_fractional_durations(void **state)
{
	(void)state;
	static const char *const texts[] = {"1.5h", "1.03h", "0.17h", "2.9d", "1.1w",
					    "17520000.666666668min"};
	char cls[GS_NAME_MAX], key[] = "service.time_target";
	size_t i = (size_t)gs_param_find(key, cls);
	int bad = 0;
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		char text[64];
		struct gs_params p, q;
		assert_int_equal(gs_params_init(&p), 0);
		set_ok(&p, key, texts[k]);
		gs_param_format(&p, i, 0, text, sizeof(text));
		q = p;
		set_ok(&q, key, text);
		if (!same_value(&p, 0, &q, 0, i)) {
			print_error("%s = %s: stored %.17g ticks, written as '%s', read back as %.17g\n",
				    key, texts[k], p.service.time_target, text, q.service.time_target);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Durations also round-trip with a tick that divides nothing evenly. */
static void test_round_trip_odd_tick(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	set_ok(&p, "simulation.tick", "7min");
	set_ok(&p, "regime.review_period", "1.5h");
	for (size_t i = 0; i < gs_param_count; i++)
		check_round_trip(&p, i, "tick 7min");
	char buf[64];
	size_t i = (size_t)gs_param_find("regime.review_period", buf);
	gs_param_format(&p, i, 0, buf, sizeof(buf));
	assert_string_equal(buf, "90min");
}

static void test_duration_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double minutes;
	} ok[] = {
		{"240min", 240}, {"1.5h", 90}, {"10d", 14400}, {"2w", 20160},
		{"1y", 525600}, {"0.5d", 720}, {"1min", 1}, {"3 d", 4320},
	};
	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
		char err[256] = "";
		double m = -1;
		if (gs_param_parse_duration(ok[k].text, &m, err, sizeof(err))) {
			print_error("'%s' refused: %s\n", ok[k].text, err);
			fail();
		}
		assert_double_close(m, ok[k].minutes, 1e-9);
	}
}

static void test_duration_errors(void **state)
{
	(void)state;
	char err[256];
	double m = 42;

	err[0] = 0;
	assert_int_equal(gs_param_parse_duration("10", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no unit"));
	assert_non_null(strstr(err, "min, h, d, w, y"));

	err[0] = 0;
	assert_int_equal(gs_param_parse_duration("10x", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown unit 'x'"));

	err[0] = 0;
	assert_int_equal(gs_param_parse_duration("abc", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'abc' is not a duration"));

	err[0] = 0;
	assert_int_equal(gs_param_parse_duration("", &m, err, sizeof(err)), -1);
	assert_true(err[0] != 0);

	assert_int_equal(gs_param_parse_duration("1dd", &m, err, sizeof(err)), -1);
	assert_int_equal(gs_param_parse_duration("d", &m, err, sizeof(err)), -1);
	assert_double_close(m, 42, 0); /* untouched on error */

	/* the same errors through gs_param_set, with nothing changed */
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	set_fails(&p, "service.time_target", "10", "no unit");
	set_fails(&p, "service.time_target", "10x", "unknown unit");
	set_fails(&p, "service.time_target", "abc", "not a duration");
	assert_double_close(p.service.time_target, 10, 0);
}

static void test_range_errors(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	set_fails(&p, "regime.discretion", "1.5", "0..1");
	set_fails(&p, "regime.discretion", "-0.1", "0..1");
	set_fails(&p, "workforce.hours_per_day", "25", "0..24, unit h");
	set_fails(&p, "population.citizens", "0", "1..100000000");
	set_fails(&p, "simulation.tick", "2w", "1min..1w");
	set_fails(&p, "service.time_target", "0.5min", "1min..100y");
	set_fails(&p, "class.all.complexity_mean", "0.5", "1..8");
	set_fails(&p, "regime.discretion", "nan", "not a number");
	set_fails(&p, "regime.discretion", "inf", "not a number");
	set_fails(&p, "regime.discretion", "0.5x", "not a number");
	assert_double_close(p.regime.discretion, 0.2, 0);

	/* the ends of a range are allowed */
	set_ok(&p, "regime.discretion", "0");
	assert_double_close(p.regime.discretion, 0, 0);
	set_ok(&p, "regime.discretion", "1");
	assert_double_close(p.regime.discretion, 1, 0);
	set_ok(&p, "simulation.tick", "1w");
	assert_double_close(p.simulation.tick, 10080, 0);

	char r[112];
	gs_param_range((size_t)gs_param_find("regime.discretion", r), r, sizeof(r));
	assert_string_equal(r, "0..1");
	gs_param_range((size_t)gs_param_find("simulation.tick", r), r, sizeof(r));
	assert_string_equal(r, "1min..1w");
	gs_param_range((size_t)gs_param_find("regime.payment_model", r), r, sizeof(r));
	assert_string_equal(r, "salary|per_case|outcome");
}

static void test_int_parse(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	set_fails(&p, "population.citizens", "3.5", "not an integer");
	set_fails(&p, "population.citizens", "12abc", "not an integer");
	set_fails(&p, "population.citizens", "abc", "not an integer");
	set_fails(&p, "population.citizens", "", "not an integer");
	set_fails(&p, "population.citizens", "1e3", "not an integer");
	set_fails(&p, "population.citizens", "99999999999999999999", "not an integer");
	set_ok(&p, "population.citizens", "12");
	assert_int_equal(p.population.citizens, 12);
	/* the largest seed is exact in a double (2^53 - 1) */
	set_ok(&p, "simulation.seed", "9007199254740991");
	assert_true(p.simulation.seed == INT64_C(9007199254740991));
	set_fails(&p, "simulation.seed", "9007199254740993", "out of range");
	set_fails(&p, "simulation.seed", "-1", "out of range");
}

static void test_bool_parse(void **state)
{
	(void)state;
	static const char *const yes[] = {"on", "true", "yes", "1"};
	static const char *const no[] = {"off", "false", "no", "0"};
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	assert_true(p.mechanism.trust);
	for (int k = 0; k < 4; k++) {
		set_ok(&p, "mechanism.trust", no[k]);
		assert_false(p.mechanism.trust);
		set_ok(&p, "mechanism.trust", yes[k]);
		assert_true(p.mechanism.trust);
	}
	set_fails(&p, "mechanism.trust", "maybe", "maybe");
	set_fails(&p, "mechanism.trust", "", "");
	set_fails(&p, "mechanism.trust", "2", "");
	set_fails(&p, "mechanism.trust", "onn", "");
}

static void test_enum_parse(void **state)
{
	(void)state;
	char buf[64];
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	assert_int_equal(p.regime.payment_model, GS_PAYMENT_SALARY);
	set_ok(&p, "regime.payment_model", "per_case");
	assert_int_equal(p.regime.payment_model, GS_PAYMENT_PER_CASE);
	set_ok(&p, "regime.payment_model", "outcome");
	assert_int_equal(p.regime.payment_model, GS_PAYMENT_OUTCOME);
	gs_param_format(&p, (size_t)gs_param_find("regime.payment_model", buf), 0, buf,
			sizeof(buf));
	assert_string_equal(buf, "outcome");
	set_fails(&p, "regime.payment_model", "bonus", "salary|per_case|outcome");
	set_fails(&p, "regime.payment_model", "per", "salary|per_case|outcome");
	set_fails(&p, "regime.payment_model", "salary|per_case", "salary|per_case|outcome");
	set_fails(&p, "regime.payment_model", "", "salary|per_case|outcome");
}

/*
 * The named constants of every ENUM parameter (sim/core/params.h), with the
 * choice each stands for.
 */
static const struct {
	const char *key; /* section.name; class rows: class.name */
	int n;
	struct {
		const char *name;
		int value;
	} choice[8];
} enum_constants[] = {
	{"regime.payment_model", 3,
	 {{"salary", GS_PAYMENT_SALARY},
	  {"per_case", GS_PAYMENT_PER_CASE},
	  {"outcome", GS_PAYMENT_OUTCOME}}},
};
#define N_ENUM_CONSTANTS (sizeof(enum_constants) / sizeof(enum_constants[0]))

/* The index of choice `name` in a '|'-separated unit string, or -1. */
static int choice_index(const char *unit, const char *name)
{
	size_t n = strlen(name);
	int k = 0;
	for (const char *at = unit;; k++) {
		const char *bar = strchr(at, '|');
		size_t len = bar ? (size_t)(bar - at) : strlen(at);
		if (len == n && strncmp(at, name, n) == 0)
			return k;
		if (!bar)
			return -1;
		at = bar + 1;
	}
}

/* The number of choices in a '|'-separated unit string. */
static int choice_count(const char *unit)
{
	int k = 1;
	for (const char *at = unit; (at = strchr(at, '|')); at++)
		k++;
	return k;
}

/*
 * Every ENUM parameter has named constants, one per choice, each the index of
 * its choice in the table's choice string, which is what the parser stores.
 */
static void test_enum_constants(void **state)
{
	(void)state;
	int rows = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (in->type != GS_ENUM)
			continue;
		rows++;
		char key[96];
		snprintf(key, sizeof(key), "%s.%s", in->section, in->name);
		size_t e = 0;
		while (e < N_ENUM_CONSTANTS && strcmp(enum_constants[e].key, key) != 0)
			e++;
		if (e == N_ENUM_CONSTANTS) {
			print_error("%s: no named constants for its choices\n", key);
			fail();
		}
		if (enum_constants[e].n != choice_count(in->unit)) {
			print_error("%s: %d constants for the %d choices '%s'\n", key,
				    enum_constants[e].n, choice_count(in->unit), in->unit);
			fail();
		}
		for (int k = 0; k < enum_constants[e].n; k++) {
			const char *name = enum_constants[e].choice[k].name;
			int value = enum_constants[e].choice[k].value;
			int at = choice_index(in->unit, name);
			if (at != value) {
				print_error("%s: the constant for '%s' is %d, its index in '%s' %d\n",
					    key, name, value, in->unit, at);
				fail();
			}
			/* what the parser stores for the choice */
			struct gs_params p;
			char rkey[96];
			assert_int_equal(gs_params_init(&p), 0);
			row_key(i, p.class_name[0], rkey, sizeof(rkey));
			set_ok(&p, rkey, name);
			assert_int_equal(*(const int *)row_field(&p, i, 0), value);
		}
	}
	/* and no constants for a parameter that is not an ENUM */
	assert_int_equal(rows, (int)N_ENUM_CONSTANTS);
}

static void test_tick_rescale(void **state)
{
	(void)state;
	char buf[64];
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	assert_double_close(p.simulation.tick, 1440, 0);
	assert_double_close(p.service.time_target, 10, 1e-12);
	set_ok(&p, "class.easy.need_rate", "2");

	set_ok(&p, "simulation.tick", "60min");
	assert_double_close(p.simulation.tick, 60, 0);
	assert_double_close(p.service.time_target, 240, 1e-9);
	assert_double_close(p.simulation.duration, 2 * 365 * 24, 1e-9);
	assert_double_close(p.cls[0].escalation_time, 60 * 24, 1e-9);
	gs_param_format(&p, (size_t)gs_param_find("service.time_target", buf), 0, buf,
			sizeof(buf));
	assert_string_equal(buf, "10d");

	/* durations set after the change are in the new ticks */
	set_ok(&p, "regime.review_period", "2h");
	assert_double_close(p.regime.review_period, 2, 1e-12);
	/* and so are the defaults of a class added after it */
	set_ok(&p, "class.hard.need_rate", "3");
	assert_double_close(p.cls[1].escalation_time, 60 * 24, 1e-9);

	/* setting the same tick again changes nothing */
	struct gs_params q = p;
	set_ok(&q, "simulation.tick", "1h");
	assert_memory_equal(&p, &q, sizeof(p));

	set_ok(&p, "simulation.tick", "1d");
	assert_double_close(p.service.time_target, 10, 1e-9);
	assert_double_close(p.regime.review_period, 2.0 / 24, 1e-12);
	assert_double_close(p.cls[1].escalation_time, 60, 1e-9);
}

static void test_class_keys(void **state)
{
	(void)state;
	char key[96];
	struct gs_params p, d;
	assert_int_equal(gs_params_init(&p), 0);
	d = p;

	/* a bad value does not add (or name) a class */
	set_fails(&p, "class.easy.need_rate", "-1", "out of range");
	assert_true(p.class_implicit);
	assert_string_equal(p.class_name[0], "all");

	set_ok(&p, "class.easy.need_rate", "0.5");
	assert_int_equal(p.n_classes, 1);
	assert_false(p.class_implicit);
	assert_string_equal(p.class_name[0], "easy");
	assert_double_close(p.cls[0].need_rate, 0.5, 0);

	set_ok(&p, "class.easy.complexity_mean", "3");
	assert_int_equal(p.n_classes, 1);
	assert_double_close(p.cls[0].complexity_mean, 3, 0);

	set_ok(&p, "class.hard.severity_initial", "0.7");
	assert_int_equal(p.n_classes, 2);
	assert_string_equal(p.class_name[1], "hard");
	assert_double_close(p.cls[1].severity_initial, 0.7, 0);
	/* the new class has every other class parameter at its default */
	for (size_t i = 0; i < gs_param_count; i++)
		if (is_class_row(i) && strcmp(gs_param_table[i].name, "severity_initial") != 0)
			assert_true(same_value(&p, 1, &d, 0, i));
	/* and the first keeps its own values */
	assert_double_close(p.cls[0].need_rate, 0.5, 0);

	for (int c = 2; c < GS_MAX_CLASSES; c++) {
		snprintf(key, sizeof(key), "class.c%d.share", c);
		set_ok(&p, key, "2");
		assert_int_equal(p.n_classes, c + 1);
	}
	struct gs_params full = p;
	char err[256] = "";
	assert_int_equal(gs_param_set(&p, "class.onemore.share", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many classes"));
	assert_int_equal(p.n_classes, GS_MAX_CLASSES);
	assert_memory_equal(&full, &p, sizeof(p));
	/* existing classes can still be set */
	set_ok(&p, "class.hard.share", "4");
	assert_double_close(p.cls[1].share, 4, 0);

	/* naming the stand-in "all" keeps it, under that name */
	assert_int_equal(gs_params_init(&p), 0);
	set_ok(&p, "class.all.need_rate", "2");
	assert_int_equal(p.n_classes, 1);
	assert_false(p.class_implicit);
	set_ok(&p, "class.other.need_rate", "3");
	assert_int_equal(p.n_classes, 2);
	assert_string_equal(p.class_name[0], "all");
	assert_string_equal(p.class_name[1], "other");
}

static void test_find(void **state)
{
	(void)state;
	static const char *const unknown[] = {
		"regime.nope", "nope", "", "regime", "regime.", ".discretion",
		"regime.discretion.x", "regimes.discretion", "simulation.seeds", "class.need_rate",
		"class..need_rate", "class.easy.nope", "class.easy.", "Regime.discretion",
		"class.abcdefghijklmnopqrstuvwxyz0123456789.need_rate", "need_rate",
	};
	char cls[GS_NAME_MAX];
	for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++) {
		strcpy(cls, "junk");
		if (gs_param_find(unknown[k], cls) != -1) {
			print_error("'%s' found\n", unknown[k]);
			fail();
		}
		assert_string_equal(cls, "");
	}
	int i = gs_param_find("regime.discretion", cls);
	assert_true(i >= 0);
	assert_string_equal(gs_param_table[i].section, "regime");
	assert_string_equal(gs_param_table[i].name, "discretion");
	assert_string_equal(cls, "");
	i = gs_param_find("class.easy.need_rate", cls);
	assert_true(i >= 0);
	assert_string_equal(gs_param_table[i].name, "need_rate");
	assert_string_equal(cls, "easy");

	/* every row is found under its own key */
	for (size_t r = 0; r < gs_param_count; r++) {
		char key[96];
		row_key(r, "x", key, sizeof(key));
		assert_int_equal(gs_param_find(key, cls), (int)r);
	}

	char err[256] = "";
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	assert_int_equal(gs_param_set(&p, "regime.nope", "1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown parameter"));
}

static void test_table_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < gs_param_count; i++)
		for (size_t j = i + 1; j < gs_param_count; j++)
			if (strcmp(gs_param_table[i].section, gs_param_table[j].section) == 0 &&
			    strcmp(gs_param_table[i].name, gs_param_table[j].name) == 0) {
				print_error("%s.%s is declared twice\n", gs_param_table[i].section,
					    gs_param_table[i].name);
				fail();
			}
}

static void test_table_descriptions(void **state)
{
	(void)state;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (!in->desc || strlen(in->desc) < 10) {
			print_error("%s.%s has no description\n", in->section, in->name);
			fail();
		}
		assert_true((in->flags & ~(GS_F_SCENARIO | GS_F_RUN)) == 0);
		assert_true((in->flags & GS_F_SCENARIO) == 0 || (in->flags & GS_F_RUN) == 0);
	}
}

/* Every row has a unit; BOOL and ENUM rows list their choices, the default among them. */
static void test_table_units(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (!in->unit || !in->unit[0]) {
			print_error("%s.%s has no unit\n", in->section, in->name);
			bad++;
			continue;
		}
		if (in->type == GS_BOOL) {
			assert_string_equal(in->unit, "on|off");
		} else if (in->type == GS_ENUM) {
			assert_non_null(strchr(in->unit, '|'));
			size_t n = strlen(in->def);
			const char *at = strstr(in->unit, in->def);
			assert_non_null(at);
			assert_true(at == in->unit || at[-1] == '|');
			assert_true(at[n] == 0 || at[n] == '|');
		}
	}
	assert_int_equal(bad, 0);
}

/* Sections whose parameters are not behaviour (or are regime levers): no basis. */
static bool without_basis(const char *section)
{
	return strcmp(section, "simulation") == 0 || strcmp(section, "output") == 0 ||
	       strcmp(section, "mechanism") == 0 || strcmp(section, "regime") == 0;
}

/*
 * Every behavioural parameter says what its default rests on: exactly one
 * line of params_basis.def, naming a parameter that exists, of a known
 * kind; an assumption gives the range to try.
 */
static void test_basis(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		const char *b = gs_param_basis(i);
		if (without_basis(in->section) ? b != NULL : b == NULL) {
			print_error("%s.%s: %s\n", in->section, in->name,
				    b ? "has a basis but is not behaviour" : "no line in params_basis.def");
			bad++;
		}
	}
	for (size_t k = 0; k < gs_basis_count; k++) {
		const struct gs_param_basis *g = &gs_basis_table[k];
		size_t rows = 0;
		for (size_t i = 0; i < gs_param_count; i++)
			rows += strcmp(gs_param_table[i].section, g->section) == 0 &&
				strcmp(gs_param_table[i].name, g->name) == 0;
		size_t lines = 0;
		for (size_t j = 0; j < gs_basis_count; j++)
			lines += strcmp(gs_basis_table[j].section, g->section) == 0 &&
				 strcmp(gs_basis_table[j].name, g->name) == 0;
		bool assumption = strncmp(g->text, "assumption: ", 12) == 0;
		bool kind = assumption || strncmp(g->text, "setting: ", 9) == 0 ||
			    strncmp(g->text, "source: ", 8) == 0;
		if (rows != 1 || lines != 1 || !kind || (assumption && !strstr(g->text, "range "))) {
			print_error("params_basis.def: %s.%s: %s\n", g->section, g->name,
				    rows != 1    ? "not a parameter"
				    : lines != 1 ? "listed twice"
				    : !kind      ? "kind not setting, source or assumption"
						 : "an assumption without its range");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * Every behavioural parameter whose basis is a source or an assumption has
 * a plausible range that reads, in its unit, inside its allowed range, with
 * its default inside it; settings and levers have none.
 */
static void test_plausible(void **state)
{
	(void)state;
	struct gs_params p;
	assert_int_equal(gs_params_init(&p), 0);
	int bad = 0, with = 0;
	char err[256];
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		const char *b = gs_param_basis(i);
		bool wants = b && (strncmp(b, "assumption: ", 12) == 0 || strncmp(b, "source: ", 8) == 0);
		double lo = NAN, hi = NAN;
		int has = gs_param_plausible(i, &lo, &hi, err, sizeof(err));
		if (has < 0) {
			print_error("%s\n", err);
			bad++;
			continue;
		}
		if (wants != (has == 1)) {
			print_error("%s.%s: %s\n", in->section, in->name,
				    wants ? "a source or assumption without a plausible range"
					  : "a plausible range on a setting or lever");
			bad++;
			continue;
		}
		if (has != 1)
			continue;
		with++;
		double def = gs_param_number(&p, i, 0);
		if (def < lo || def > hi) {
			print_error("%s.%s: default %g outside its plausible range %g-%g\n",
				    in->section, in->name, def, lo, hi);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(with > 50);
	/* a duration's ends are in days, a rate's unit checked: from the table itself */
	int row = gs_param_find("population.wellbeing_time", err);
	assert_true(row >= 0);
	double lo7, hi90;
	assert_int_equal(gs_param_plausible((size_t)row, &lo7, &hi90, err, sizeof(err)), 1);
	assert_true(lo7 == 7);
	assert_true(hi90 == 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_parse),
		cmocka_unit_test(test_basis),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_round_trip_defaults),
		cmocka_unit_test(test_round_trip_values),
		cmocka_unit_test(test_round_trip_fractional_durations),
		cmocka_unit_test(test_round_trip_odd_tick),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_int_parse),
		cmocka_unit_test(test_bool_parse),
		cmocka_unit_test(test_enum_parse),
		cmocka_unit_test(test_enum_constants),
		cmocka_unit_test(test_tick_rescale),
		cmocka_unit_test(test_class_keys),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_table_unique),
		cmocka_unit_test(test_table_descriptions),
		cmocka_unit_test(test_table_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
