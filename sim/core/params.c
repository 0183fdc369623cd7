/*
 * params.c - the parameter table, parsing, range checks and printing.
 */
#include "sim/core/params.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GS_OFFSET_class(name) offsetof(struct gs_class_params, name)
#define GS_OFFSET_simulation(name) offsetof(struct gs_params, simulation.name)
#define GS_OFFSET_population(name) offsetof(struct gs_params, population.name)
#define GS_OFFSET_workforce(name) offsetof(struct gs_params, workforce.name)
#define GS_OFFSET_service(name) offsetof(struct gs_params, service.name)
#define GS_OFFSET_regime(name) offsetof(struct gs_params, regime.name)
#define GS_OFFSET_mechanism(name) offsetof(struct gs_params, mechanism.name)
#define GS_OFFSET_cost(name) offsetof(struct gs_params, cost.name)
#define GS_OFFSET_downstream(name) offsetof(struct gs_params, downstream.name)
#define GS_OFFSET_output(name) offsetof(struct gs_params, output.name)

const struct gs_param_info gs_param_table[] = {
#define GS_SECTION(sec)
#define GS_END_SECTION(sec)
#define GS_CLASS_SECTION
#define GS_END_CLASS_SECTION
#define GS_PARAM(sec, name, type, def, min, max, unit, flags, desc) \
	{#sec, #name, GS_##type, def, min, max, unit, flags, desc, GS_OFFSET_##sec(name)},
#include "sim/core/params.def"
#undef GS_PARAM
#undef GS_SECTION
#undef GS_END_SECTION
#undef GS_CLASS_SECTION
#undef GS_END_CLASS_SECTION
};

const size_t gs_param_count = sizeof(gs_param_table) / sizeof(gs_param_table[0]);

static const struct {
	const char *suffix;
	double minutes;
} duration_units[] = {
	{"y", GS_MIN_PER_YEAR}, {"w", 7 * GS_MIN_PER_DAY}, {"d", GS_MIN_PER_DAY},
	{"h", GS_MIN_PER_HOUR}, {"min", 1.0},
};

static bool is_class_row(size_t i)
{
	return strcmp(gs_param_table[i].section, "class") == 0;
}

bool gs_param_is_class(size_t row)
{
	return is_class_row(row);
}

static void *field(struct gs_params *p, size_t i, int cls)
{
	if (is_class_row(i))
		return (char *)&p->cls[cls] + gs_param_table[i].offset;
	return (char *)p + gs_param_table[i].offset;
}

static const void *cfield(const struct gs_params *p, size_t i, int cls)
{
	return field((struct gs_params *)p, i, cls);
}

static bool is_tick_row(size_t i)
{
	return strcmp(gs_param_table[i].section, "simulation") == 0 &&
	       strcmp(gs_param_table[i].name, "tick") == 0;
}

/* The n-th '|'-separated choice of s, or -1 if word is not among them. */
static int choice_index(const char *choices, const char *word)
{
	size_t len = strlen(word);
	int k = 0;
	for (const char *c = choices; *c; k++) {
		const char *end = strchr(c, '|');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == len && strncmp(c, word, n) == 0)
			return k;
		if (!end)
			break;
		c = end + 1;
	}
	return -1;
}

static void choice_name(const char *choices, int k, char *buf, size_t n)
{
	const char *c = choices;
	for (int j = 0; j < k && c; j++) {
		c = strchr(c, '|');
		if (c)
			c++;
	}
	if (!c) {
		snprintf(buf, n, "?");
		return;
	}
	const char *end = strchr(c, '|');
	int len = end ? (int)(end - c) : (int)strlen(c);
	snprintf(buf, n, "%.*s", len, c);
}

int gs_param_parse_duration(const char *s, double *minutes, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v)) {
		snprintf(err, errlen, "'%s' is not a duration (a number and a unit: min, h, d, w or y)", s);
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end == 0) {
		snprintf(err, errlen, "'%s' has no unit (write e.g. %gd; units: min, h, d, w, y)", s, v);
		return -1;
	}
	for (size_t k = 0; k < sizeof(duration_units) / sizeof(duration_units[0]); k++) {
		if (strcmp(end, duration_units[k].suffix) == 0) {
			*minutes = v * duration_units[k].minutes;
			return 0;
		}
	}
	snprintf(err, errlen, "unknown unit '%s' in '%s' (units: min, h, d, w, y)", end, s);
	return -1;
}

void gs_format_duration(double minutes, char *buf, size_t n)
{
	for (size_t k = 0; k < sizeof(duration_units) / sizeof(duration_units[0]); k++) {
		double q = minutes / duration_units[k].minutes;
		if (q != 0 && fabs(q - nearbyint(q)) < 1e-9 * fmax(1, fabs(q))) {
			snprintf(buf, n, "%.15g%s", nearbyint(q), duration_units[k].suffix);
			return;
		}
	}
	snprintf(buf, n, "%.15gmin", minutes);
	if (strtod(buf, NULL) != minutes)
		snprintf(buf, n, "%.17gmin", minutes);
}

static void format_number(double v, char *buf, size_t n)
{
	snprintf(buf, n, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, n, "%.17g", v);
}

void gs_param_range(size_t i, char *buf, size_t n)
{
	const struct gs_param_info *in = &gs_param_table[i];
	char a[48], b[48];
	switch (in->type) {
	case GS_DURATION:
		gs_format_duration(in->min, a, sizeof(a));
		gs_format_duration(in->max, b, sizeof(b));
		snprintf(buf, n, "%s..%s", a, b);
		break;
	case GS_BOOL:
	case GS_ENUM:
		snprintf(buf, n, "%s", in->unit);
		break;
	default:
		format_number(in->min, a, sizeof(a));
		format_number(in->max, b, sizeof(b));
		snprintf(buf, n, "%s..%s", a, b);
	}
}

static void range_error(size_t i, const char *value, char *err, size_t errlen)
{
	char r[112];
	gs_param_range(i, r, sizeof(r));
	const struct gs_param_info *in = &gs_param_table[i];
	if (in->type == GS_DURATION || in->type == GS_BOOL || in->type == GS_ENUM || !in->unit[0])
		snprintf(err, errlen, "%s is out of range (allowed %s)", value, r);
	else
		snprintf(err, errlen, "%s is out of range (allowed %s, unit %s)", value, r, in->unit);
}

/* Parse value for row i into *out (ticks for durations); no store. */
static int parse_value(const struct gs_params *p, size_t i, const char *value,
		       union gs_value *out, char *err, size_t errlen)
{
	const struct gs_param_info *in = &gs_param_table[i];
	char *end;
	switch (in->type) {
	case GS_INT: {
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (end == value || *end || errno) {
			snprintf(err, errlen, "'%s' is not an integer", value);
			return -1;
		}
		if ((double)v < in->min || (double)v > in->max) {
			range_error(i, value, err, errlen);
			return -1;
		}
		out->i = v;
		return 0;
	}
	case GS_REAL: {
		errno = 0;
		double v = strtod(value, &end);
		if (end == value || *end || errno || !isfinite(v)) {
			snprintf(err, errlen, "'%s' is not a number", value);
			return -1;
		}
		if (v < in->min || v > in->max) {
			range_error(i, value, err, errlen);
			return -1;
		}
		out->d = v;
		return 0;
	}
	case GS_DURATION: {
		double m;
		if (gs_param_parse_duration(value, &m, err, errlen))
			return -1;
		if (m < in->min || m > in->max) {
			range_error(i, value, err, errlen);
			return -1;
		}
		out->d = is_tick_row(i) ? m : m / p->simulation.tick;
		return 0;
	}
	case GS_BOOL: {
		static const char *yes[] = {"on", "true", "yes", "1"};
		static const char *no[] = {"off", "false", "no", "0"};
		for (int k = 0; k < 4; k++) {
			if (strcmp(value, yes[k]) == 0) {
				out->b = true;
				return 0;
			}
			if (strcmp(value, no[k]) == 0) {
				out->b = false;
				return 0;
			}
		}
		snprintf(err, errlen, "'%s' is not on or off", value);
		return -1;
	}
	case GS_ENUM: {
		int k = choice_index(in->unit, value);
		if (k < 0) {
			snprintf(err, errlen, "'%s' is not one of %s", value, in->unit);
			return -1;
		}
		out->e = k;
		return 0;
	}
	}
	return -1;
}

/* The tick length changed from old to new minutes: keep every duration's length in minutes. */
static void rescale_durations(struct gs_params *p, double old_tick, double new_tick)
{
	for (size_t i = 0; i < gs_param_count; i++) {
		if (gs_param_table[i].type != GS_DURATION || is_tick_row(i))
			continue;
		int nc = is_class_row(i) ? GS_MAX_CLASSES : 1;
		for (int c = 0; c < nc; c++) {
			double *d = field(p, i, c);
			*d = *d * old_tick / new_tick;
		}
	}
}

void gs_param_apply(struct gs_params *p, const struct gs_change *c)
{
	size_t i = (size_t)c->row;
	void *f = field(p, i, c->cls);
	switch (gs_param_table[i].type) {
	case GS_INT:
		*(int64_t *)f = c->v.i;
		break;
	case GS_REAL:
		*(double *)f = c->v.d;
		break;
	case GS_DURATION:
		if (is_tick_row(i) && c->v.d != p->simulation.tick)
			rescale_durations(p, p->simulation.tick, c->v.d);
		*(double *)f = c->v.d;
		break;
	case GS_BOOL:
		*(bool *)f = c->v.b;
		break;
	case GS_ENUM:
		*(int *)f = c->v.e;
		break;
	}
}

union gs_value gs_param_get(const struct gs_params *p, enum gs_param_id row, int cls)
{
	const void *f = cfield(p, (size_t)row, cls);
	union gs_value v = {0};
	switch (gs_param_table[row].type) {
	case GS_INT:
		v.i = *(const int64_t *)f;
		break;
	case GS_REAL:
	case GS_DURATION:
		v.d = *(const double *)f;
		break;
	case GS_BOOL:
		v.b = *(const bool *)f;
		break;
	case GS_ENUM:
		v.e = *(const int *)f;
		break;
	}
	return v;
}

bool gs_value_equal(enum gs_param_id row, union gs_value a, union gs_value b)
{
	switch (gs_param_table[row].type) {
	case GS_INT:
		return a.i == b.i;
	case GS_REAL:
	case GS_DURATION:
		return a.d == b.d;
	case GS_BOOL:
		return a.b == b.b;
	case GS_ENUM:
		return a.e == b.e;
	}
	return false;
}

static int store(struct gs_params *p, size_t i, int cls, const char *value, char *err, size_t errlen)
{
	struct gs_change c = {(enum gs_param_id)i, cls, {0}};
	if (parse_value(p, i, value, &c.v, err, errlen))
		return -1;
	gs_param_apply(p, &c);
	return 0;
}

static int class_defaults(struct gs_params *p, int c)
{
	char err[256];
	for (size_t i = 0; i < gs_param_count; i++)
		if (is_class_row(i) && store(p, i, c, gs_param_table[i].def, err, sizeof(err)))
			return -1;
	return 0;
}

int gs_params_init(struct gs_params *p)
{
	char err[256];
	memset(p, 0, sizeof(*p));
	p->simulation.tick = GS_MIN_PER_DAY;
	for (size_t i = 0; i < gs_param_count; i++)
		if (is_tick_row(i) && store(p, i, 0, gs_param_table[i].def, err, sizeof(err)))
			return -1;
	for (size_t i = 0; i < gs_param_count; i++)
		if (!is_class_row(i) && !is_tick_row(i) &&
		    store(p, i, 0, gs_param_table[i].def, err, sizeof(err)))
			return -1;
	for (int c = 0; c < GS_MAX_CLASSES; c++)
		if (class_defaults(p, c))
			return -1;
	p->n_classes = 1;
	p->class_implicit = true;
	snprintf(p->class_name[0], GS_NAME_MAX, "all");
	return 0;
}

int gs_param_find(const char *key, char cls[GS_NAME_MAX])
{
	cls[0] = 0;
	const char *dot = strchr(key, '.');
	if (!dot)
		return -1;
	size_t slen = (size_t)(dot - key);
	const char *name = dot + 1;
	if (slen == 5 && strncmp(key, "class", 5) == 0) {
		const char *dot2 = strrchr(name, '.');
		if (!dot2 || dot2 == name || (size_t)(dot2 - name) >= GS_NAME_MAX)
			return -1;
		snprintf(cls, GS_NAME_MAX, "%.*s", (int)(dot2 - name), name);
		name = dot2 + 1;
	}
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (strlen(in->section) == slen && strncmp(in->section, key, slen) == 0 &&
		    strcmp(in->name, name) == 0)
			return (int)i;
	}
	cls[0] = 0;
	return -1;
}

static int class_index(struct gs_params *p, const char *name, char *err, size_t errlen)
{
	for (int c = 0; c < p->n_classes; c++) {
		if (strcmp(p->class_name[c], name) == 0) {
			p->class_implicit = false;
			return c;
		}
	}
	if (p->class_implicit) {
		/* the first named class replaces the stand-in "all" */
		p->class_implicit = false;
		snprintf(p->class_name[0], GS_NAME_MAX, "%s", name);
		return 0;
	}
	if (p->n_classes >= GS_MAX_CLASSES) {
		snprintf(err, errlen, "too many classes (at most %d)", GS_MAX_CLASSES);
		return -1;
	}
	int c = p->n_classes++;
	snprintf(p->class_name[c], GS_NAME_MAX, "%s", name);
	if (class_defaults(p, c)) {
		snprintf(err, errlen, "internal error: class defaults");
		return -1;
	}
	return c;
}

int gs_param_set(struct gs_params *p, const char *key, const char *value, char *err, size_t errlen)
{
	char cname[GS_NAME_MAX];
	int i = gs_param_find(key, cname);
	if (i < 0) {
		snprintf(err, errlen, "unknown parameter");
		return -1;
	}
	/* the value first, so that a bad value does not add a class */
	struct gs_change c = {(enum gs_param_id)i, 0, {0}};
	if (parse_value(p, (size_t)i, value, &c.v, err, errlen))
		return -1;
	if (is_class_row((size_t)i)) {
		c.cls = class_index(p, cname, err, errlen);
		if (c.cls < 0)
			return -1;
	}
	gs_param_apply(p, &c);
	return 0;
}

int gs_param_change(const struct gs_params *p, const char *key, const char *value,
		    struct gs_change *c, char *err, size_t errlen)
{
	char cname[GS_NAME_MAX];
	int i = gs_param_find(key, cname);
	if (i < 0) {
		snprintf(err, errlen, "unknown parameter");
		return -1;
	}
	*c = (struct gs_change){(enum gs_param_id)i, 0, {0}};
	if (parse_value(p, (size_t)i, value, &c->v, err, errlen))
		return -1;
	if (!is_class_row((size_t)i))
		return 0;
	for (int k = 0; k < p->n_classes; k++) {
		if (strcmp(p->class_name[k], cname) == 0) {
			c->cls = k;
			return 0;
		}
	}
	snprintf(err, errlen, "no class '%s'", cname);
	return -1;
}

void gs_param_format(const struct gs_params *p, size_t i, int cls, char *buf, size_t n)
{
	const struct gs_param_info *in = &gs_param_table[i];
	const void *f = cfield(p, i, cls);
	switch (in->type) {
	case GS_INT:
		snprintf(buf, n, "%lld", (long long)*(const int64_t *)f);
		break;
	case GS_REAL:
		format_number(*(const double *)f, buf, n);
		break;
	case GS_DURATION: {
		/* the text must parse back to the very same number of ticks */
		double v = *(const double *)f;
		double m = is_tick_row(i) ? v : v * p->simulation.tick;
		gs_format_duration(m, buf, n);
		char err[128];
		double back;
		if (!is_tick_row(i) && (gs_param_parse_duration(buf, &back, err, sizeof(err)) ||
					back / p->simulation.tick != v)) {
			for (int digits = 15; digits <= 17; digits++) {
				snprintf(buf, n, "%.*gmin", digits, m);
				if (!gs_param_parse_duration(buf, &back, err, sizeof(err)) &&
				    back / p->simulation.tick == v)
					break;
			}
		}
		break;
	}
	case GS_BOOL:
		snprintf(buf, n, "%s", *(const bool *)f ? "on" : "off");
		break;
	case GS_ENUM:
		choice_name(in->unit, *(const int *)f, buf, n);
		break;
	}
}

double gs_param_number(const struct gs_params *p, size_t i, int cls)
{
	const void *f = cfield(p, i, cls);
	switch (gs_param_table[i].type) {
	case GS_INT:
		return (double)*(const int64_t *)f;
	case GS_REAL:
		return *(const double *)f;
	case GS_DURATION:
		return is_tick_row(i) ? *(const double *)f / GS_MIN_PER_DAY
				      : *(const double *)f * p->simulation.tick / GS_MIN_PER_DAY;
	case GS_BOOL:
		return *(const bool *)f ? 1 : 0;
	case GS_ENUM:
		return *(const int *)f;
	}
	return NAN;
}

const struct gs_param_basis gs_basis_table[] = {
#define GS_BASIS(sec, name, text) {#sec, #name, text},
#include "sim/core/params_basis.def"
#undef GS_BASIS
};
const size_t gs_basis_count = sizeof(gs_basis_table) / sizeof(gs_basis_table[0]);

const char *gs_param_basis(size_t i)
{
	const struct gs_param_info *in = &gs_param_table[i];
	for (size_t k = 0; k < gs_basis_count; k++)
		if (strcmp(gs_basis_table[k].section, in->section) == 0 &&
		    strcmp(gs_basis_table[k].name, in->name) == 0)
			return gs_basis_table[k].text;
	return NULL;
}

static const char *type_name(enum gs_type t)
{
	static const char *names[] = {"int", "real", "duration", "bool", "enum"};
	return names[t];
}

/* The unit a basis's "per WORD" names, as the table writes it. */
static const char *per_unit(const char *word, size_t n)
{
	static const char *const names[][2] = {
	    {"hour", "1/h"}, {"day", "1/d"}, {"week", "1/w"}, {"year", "1/y"}};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k][0]) == n && strncmp(word, names[k][0], n) == 0)
			return names[k][1];
	return NULL;
}

/* One end of a plausible range: a number, or for durations a duration, as a number. */
static int plausible_end(const struct gs_param_info *in, const char *s, size_t n, double *v)
{
	char tok[48];
	if (n == 0 || n >= sizeof(tok))
		return -1;
	memcpy(tok, s, n);
	tok[n] = 0;
	if (in->type == GS_DURATION) {
		char ignore[128];
		double minutes;
		if (gs_param_parse_duration(tok, &minutes, ignore, sizeof(ignore)))
			return -1;
		*v = minutes / GS_MIN_PER_DAY;
		return 0;
	}
	char *end;
	*v = strtod(tok, &end);
	return end == tok || *end || !isfinite(*v) ? -1 : 0;
}

int gs_param_plausible(size_t i, double *lo, double *hi, char *err, size_t errlen)
{
	const struct gs_param_info *in = &gs_param_table[i];
	const char *basis = gs_param_basis(i);
	const char *r = basis ? strstr(basis, "range ") : NULL;
	if (!r)
		return 0;
	r += strlen("range ");
	/* a-b: the dash after the first character (a first end may be negative) */
	const char *dash = strchr(r + 1, '-');
	size_t n2 = dash ? strcspn(dash + 1, " ;,()") : 0;
	if (!dash || plausible_end(in, r, (size_t)(dash - r), lo) ||
	    plausible_end(in, dash + 1, n2, hi)) {
		snprintf(err, errlen, "%s.%s: its basis's range does not read as \"range a-b\"",
			 in->section, in->name);
		return -1;
	}
	const char *rest = dash + 1 + n2;
	if (strncmp(rest, " per ", 5) == 0) {
		const char *word = rest + 5;
		const char *unit = per_unit(word, strcspn(word, " ;,()"));
		if (!unit || strcmp(unit, in->unit) != 0) {
			snprintf(err, errlen, "%s.%s: its range is %.*s, but its unit is %s",
				 in->section, in->name, (int)(strcspn(rest + 1, ";,()")), rest + 1,
				 in->unit);
			return -1;
		}
	}
	double min = in->type == GS_DURATION ? in->min / GS_MIN_PER_DAY : in->min;
	double max = in->type == GS_DURATION ? in->max / GS_MIN_PER_DAY : in->max;
	if (!(*lo < *hi) || *lo < min || *hi > max) {
		char allowed[112];
		gs_param_range(i, allowed, sizeof(allowed));
		snprintf(err, errlen,
			 "%s.%s: its plausible range %g-%g is empty or outside the allowed %s",
			 in->section, in->name, *lo, *hi, allowed);
		return -1;
	}
	return 1;
}

void gs_params_print_tsv(FILE *f)
{
	char err[256];
	fputs("key\ttype\tdefault\tmin\tmax\tunit\tscope\tplausible_low\tplausible_high\tbasis\n",
	      f);
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		const char *scope = (in->flags & GS_F_SCENARIO) ? "scenario"
				    : (in->flags & GS_F_RUN)    ? "run"
								: "any";
		bool choices = in->type == GS_BOOL || in->type == GS_ENUM;
		double lo = 0, hi = 0;
		int has = gs_param_plausible(i, &lo, &hi, err, sizeof(err));
		const char *basis = gs_param_basis(i);
		size_t kind = basis ? strcspn(basis, ":") : 0;
		if (!basis && strcmp(in->section, "regime") == 0)
			basis = "lever", kind = 5;
		fprintf(f, "%s.%s\t%s\t%s\t", strcmp(in->section, "class") == 0 ? "class.NAME"
										: in->section,
			in->name, type_name(in->type), in->def);
		if (choices) {
			fputs("\t\t", f);
		} else {
			double min = in->type == GS_DURATION ? in->min / GS_MIN_PER_DAY : in->min;
			double max = in->type == GS_DURATION ? in->max / GS_MIN_PER_DAY : in->max;
			fprintf(f, "%.17g\t%.17g\t", min, max);
		}
		fprintf(f, "%s\t%s\t", choices ? in->unit : in->type == GS_DURATION ? "d" : in->unit,
			scope);
		if (has == 1)
			fprintf(f, "%.17g\t%.17g\t", lo, hi);
		else
			fputs("\t\t", f);
		fprintf(f, "%.*s\n", (int)kind, basis ? basis : "");
	}
}

void gs_params_print(FILE *f, bool markdown)
{
	char range[112];
	const char *section = "";
	if (markdown) {
		fputs("# govsim parameters\n\n"
		      "Generated by `govsim params --markdown` from the one parameter table "
		      "(`sim/core/params.def`); do not edit by hand.\n\n"
		      "Durations take a unit: `min`, `h`, `d`, `w` (7 d) or `y` (365 d). "
		      "Per-class parameters are set in `[class.NAME]` sections and addressed as "
		      "`class.NAME.key` in `--set` and in arms and events. "
		      "*scenario*: one value for the whole scenario (not per arm, not by events); "
		      "*run*: may differ between arms, not changed by events.\n\n"
		      "*Basis* says what a behavioural default rests on "
		      "(`sim/core/params_basis.def`): *setting*, a property of the service "
		      "that a scenario sets from the service's own data; *source*, a value "
		      "taken from the study cited; *assumption*, no measured value, with the "
		      "reason for the default and the range to try. *Plausible* is the "
		      "range the basis gives (a source's or an assumption's), read from it "
		      "(`govsim params --tsv` gives it as numbers, durations in days): the "
		      "values an uncertainty analysis draws from. Regime parameters are "
		      "levers, set by the presets and scenarios.\n",
		      f);
	}
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		gs_param_range(i, range, sizeof(range));
		const char *scope = (in->flags & GS_F_SCENARIO) ? "scenario"
				    : (in->flags & GS_F_RUN)    ? "run"
								: "any";
		bool choices = in->type == GS_BOOL || in->type == GS_ENUM;
		char plausible[112] = "-", err[256];
		double lo, hi;
		if (gs_param_plausible(i, &lo, &hi, err, sizeof(err)) == 1) {
			if (in->type == GS_DURATION) {
				char a[48], b[48];
				gs_format_duration(lo * GS_MIN_PER_DAY, a, sizeof(a));
				gs_format_duration(hi * GS_MIN_PER_DAY, b, sizeof(b));
				snprintf(plausible, sizeof(plausible), "%s..%s", a, b);
			} else {
				snprintf(plausible, sizeof(plausible), "%g..%g", lo, hi);
			}
		}
		if (strcmp(section, in->section) != 0) {
			section = in->section;
			if (markdown)
				fprintf(f, "\n## [%s]\n\n| key | type | default | range | unit | set | plausible | description | basis |\n"
					   "|---|---|---|---|---|---|---|---|---|\n",
					strcmp(section, "class") == 0 ? "class.NAME" : section);
			else
				fprintf(f, "%s[%s]\n", i ? "\n" : "",
					strcmp(section, "class") == 0 ? "class.NAME" : section);
		}
		if (markdown) {
			char esc[224];
			size_t k = 0;
			for (const char *c = range; *c && k + 3 < sizeof(esc); c++) {
				if (*c == '|')
					esc[k++] = '\\';
				esc[k++] = *c;
			}
			esc[k] = 0;
			const char *basis = gs_param_basis(i);
			if (!basis)
				basis = strcmp(in->section, "regime") == 0 ? "lever" : "";
			fprintf(f, "| `%s` | %s | `%s` | %s | %s | %s | %s | %s | %s |\n", in->name,
				type_name(in->type), in->def, esc, choices ? "" : in->unit, scope,
				plausible, in->desc, basis);
		}
		else
			fprintf(f, "  %-22s %-8s %-8s %-22s %-12s %-8s %-14s %s\n", in->name,
				type_name(in->type), in->def, range, choices ? "" : in->unit, scope,
				plausible, in->desc);
	}
}
