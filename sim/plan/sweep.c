/*
 * sweep.c - the [sweep] section: lists, ranges and sampled designs (Latin
 * hypercube; Saltelli's design on a Sobol sequence) of parameter values.
 *
 *   [sweep]
 *   regime.learning_time = 0, 0.05, 0.1, 0.2     ; a list
 *   regime.discretion = 0.1:0.9:0.2              ; a range from:to:step
 *
 *   [sweep]
 *   design = lhs                                 ; or saltelli
 *   samples = 64
 *   regime.learning_time = 0:0.2                 ; a range to sample from:to
 *
 * A grid is every combination of the lists; a design has `samples` points
 * (Latin hypercube) or samples x (k + 2) (Saltelli: matrices A, B and A
 * with column i from B, for the k swept parameters).
 */
#include "sim/plan/scenario.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "sim/core/rng.h"

#define MAX_POINTS 10000000
#define MAX_CELLS 20000000 /* points x swept parameters: the values kept as text and numbers */
#define SOBOL_KEYS 20      /* Saltelli rows from GSL's Sobol sequence (at most 40 dimensions) */

struct axis {
	const struct gs_assign *a;
	int row;                /* parameter table row */
	char **values;          /* grid: the values as text */
	size_t n;
	double lo, hi;          /* designs: the range (durations in minutes) */
};

static char *dup_text(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* A number or (for durations) a duration; durations in minutes. */
static int parse_bound(int row, const char *text, double *v, char *err, size_t errlen)
{
	if (gs_param_table[row].type == GS_DURATION)
		return gs_param_parse_duration(text, v, err, errlen);
	char *end;
	*v = strtod(text, &end);
	if (end == text || *trim(end) || !isfinite(*v)) {
		snprintf(err, errlen, "'%s' is not a number", text);
		return -1;
	}
	return 0;
}

static void format_value(int row, double v, char *buf, size_t n)
{
	switch (gs_param_table[row].type) {
	case GS_INT:
		snprintf(buf, n, "%.0f", nearbyint(v));
		break;
	case GS_DURATION:
		snprintf(buf, n, "%.17gmin", v);
		break;
	default:
		snprintf(buf, n, "%.17g", v);
	}
}

static int push_value(struct axis *ax, const char *text)
{
	char **g = realloc(ax->values, (ax->n + 1) * sizeof(*g));
	if (!g)
		return -1;
	ax->values = g;
	ax->values[ax->n] = dup_text(text, strlen(text));
	return ax->values[ax->n++] ? 0 : -1;
}

/* A grid axis: "a, b, c" or "from:to:step". */
static int grid_axis(struct axis *ax, struct gs_diag *diag)
{
	const struct gs_assign *a = ax->a;
	char err[256];
	char *copy = dup_text(a->value, strlen(a->value));
	if (!copy)
		return -1;
	int rc = 0;
	if (strchr(copy, ':')) {
		char *p1 = copy, *p2 = strchr(p1, ':'), *p3;
		*p2++ = 0;
		p3 = strchr(p2, ':');
		double from, to, step;
		if (!p3) {
			gs_diag_add(diag, a->file, a->line, a->key,
				    "a grid range is from:to:step (a sampled design takes from:to)");
			rc = -1;
		} else {
			*p3++ = 0;
			if (parse_bound(ax->row, trim(p1), &from, err, sizeof(err)) ||
			    parse_bound(ax->row, trim(p2), &to, err, sizeof(err)) ||
			    parse_bound(ax->row, trim(p3), &step, err, sizeof(err))) {
				gs_diag_add(diag, a->file, a->line, a->key, "%s", err);
				rc = -1;
			} else if (!(step > 0) || to < from) {
				gs_diag_add(diag, a->file, a->line, a->key,
					    "range %s: step must be positive and from <= to", a->value);
				rc = -1;
			} else if (gs_param_table[ax->row].type == GS_INT &&
				   (step != floor(step) || from != floor(from))) {
				gs_diag_add(diag, a->file, a->line, a->key,
					    "range %s: an integer parameter takes whole numbers (a "
					    "fractional step would repeat points)",
					    a->value);
				rc = -1;
			} else if ((to - from) / step > MAX_POINTS) {
				gs_diag_add(diag, a->file, a->line, a->key,
					    "range %s has %.3g points: at most %d", a->value,
					    floor((to - from) / step) + 1, MAX_POINTS);
				rc = -1;
			} else {
				long count = (long)floor((to - from) / step + 1e-9) + 1;
				for (long i = 0; i < count && !rc; i++) {
					char buf[64];
					format_value(ax->row, from + (double)i * step, buf, sizeof(buf));
					rc = push_value(ax, buf);
				}
			}
		}
	} else {
		for (char *tok = strtok(copy, ","); tok && !rc; tok = strtok(NULL, ","))
			rc = push_value(ax, trim(tok));
		if (!ax->n) {
			gs_diag_add(diag, a->file, a->line, a->key, "no values");
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* A design axis: "from:to". */
static int design_axis(struct axis *ax, struct gs_diag *diag)
{
	const struct gs_assign *a = ax->a;
	enum gs_type type = gs_param_table[ax->row].type;
	if (type != GS_INT && type != GS_REAL && type != GS_DURATION) {
		gs_diag_add(diag, a->file, a->line, a->key,
			    "a sampled design needs a numeric parameter (int, real or duration)");
		return -1;
	}
	char err[256];
	const char *colon = strchr(a->value, ':');
	char *lo = colon ? dup_text(a->value, (size_t)(colon - a->value)) : NULL;
	int rc = 0;
	if (!colon || strchr(colon + 1, ':')) {
		gs_diag_add(diag, a->file, a->line, a->key, "a sampled design takes a range from:to");
		rc = -1;
	} else if (!lo || parse_bound(ax->row, trim(lo), &ax->lo, err, sizeof(err)) ||
		   parse_bound(ax->row, colon + 1, &ax->hi, err, sizeof(err))) {
		gs_diag_add(diag, a->file, a->line, a->key, "%s", lo ? err : "out of memory");
		rc = -1;
	} else if (!(ax->hi > ax->lo)) {
		gs_diag_add(diag, a->file, a->line, a->key, "range %s: from must be below to",
			    a->value);
		rc = -1;
	}
	free(lo);
	return rc;
}

static int alloc_points(struct gs_sweep *sw, size_t n_points)
{
	sw->n_points = n_points;
	sw->text = calloc(n_points * sw->n_keys, sizeof(*sw->text));
	sw->coord = calloc(n_points * sw->n_keys, sizeof(*sw->coord));
	sw->matrix = calloc(n_points, sizeof(*sw->matrix));
	sw->row = calloc(n_points, sizeof(*sw->row));
	sw->param = calloc(n_points, sizeof(*sw->param));
	return sw->text && sw->coord && sw->matrix && sw->row && sw->param ? 0 : -1;
}

/* Point `pt` takes unit-cube coordinates u[k] of the design axes. */
static int design_point(struct gs_sweep *sw, struct axis *ax, size_t pt, const double *u)
{
	for (size_t k = 0; k < sw->n_keys; k++) {
		char buf[64];
		format_value(ax[k].row, ax[k].lo + u[k] * (ax[k].hi - ax[k].lo), buf, sizeof(buf));
		sw->text[pt * sw->n_keys + k] = dup_text(buf, strlen(buf));
		if (!sw->text[pt * sw->n_keys + k])
			return -1;
	}
	return 0;
}

static int lhs(struct gs_sweep *sw, struct axis *ax, uint64_t seed)
{
	size_t n = (size_t)sw->samples, k_n = sw->n_keys;
	if (alloc_points(sw, n))
		return -1;
	double *u = malloc(n * k_n * sizeof(*u));
	size_t *perm = malloc(n * sizeof(*perm));
	gsl_rng *r = gs_rng_alloc();
	int rc = -1;
	if (!u || !perm || !r)
		goto out;
	for (size_t k = 0; k < k_n; k++) {
		gs_rng_at(r, seed, (uint32_t)k, 0, GS_RNG_DESIGN);
		for (size_t i = 0; i < n; i++)
			perm[i] = i;
		for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
			size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i);
			size_t tmp = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = tmp;
		}
		for (size_t i = 0; i < n; i++)
			u[i * k_n + k] = ((double)perm[i] + gsl_rng_uniform(r)) / (double)n;
	}
	rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		sw->matrix[i] = -1;
		sw->row[i] = (int)i;
		sw->param[i] = -1;
		rc = design_point(sw, ax, i, u + i * k_n);
	}
out:
	if (r)
		gsl_rng_free(r);
	free(u);
	free(perm);
	return rc;
}

/*
 * Saltelli's design: row i of A and B from one point of a 2k-dimensional
 * Sobol sequence (GSL's goes to 40 dimensions, so k <= SOBOL_KEYS); with
 * more parameters, from the design's random stream (row i its own
 * substream): Monte Carlo rows, for which the estimators hold as well,
 * converging more slowly.
 */
static int saltelli(struct gs_sweep *sw, struct axis *ax, uint64_t seed)
{
	size_t n = (size_t)sw->samples, k_n = sw->n_keys;
	if (alloc_points(sw, n * (k_n + 2)))
		return -1;
	bool sobol = k_n <= SOBOL_KEYS;
	gsl_qrng *q = sobol ? gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k_n)) : NULL;
	gsl_rng *r = sobol ? NULL : gs_rng_alloc();
	double *x = malloc(2 * k_n * sizeof(*x)), *u = malloc(k_n * sizeof(*u));
	int rc = -1;
	if ((sobol ? !q : !r) || !x || !u)
		goto out;
	if (sobol)
		gsl_qrng_get(q, x); /* skip the first point, the origin */
	rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (sobol) {
			gsl_qrng_get(q, x);
		} else {
			gs_rng_at(r, seed, (uint32_t)i, 1, GS_RNG_DESIGN);
			for (size_t k = 0; k < 2 * k_n; k++)
				x[k] = gsl_rng_uniform(r);
		}
		/* A, B, then A with column j from B */
		for (size_t m = 0; m < k_n + 2 && !rc; m++) {
			size_t pt = i * (k_n + 2) + m;
			for (size_t k = 0; k < k_n; k++) {
				bool from_b = m == 1 || (m >= 2 && k == m - 2);
				u[k] = from_b ? x[k_n + k] : x[k];
			}
			sw->matrix[pt] = m < 2 ? (int)m : 2;
			sw->row[pt] = (int)i;
			sw->param[pt] = m >= 2 ? (int)(m - 2) : -1;
			rc = design_point(sw, ax, pt, u);
		}
	}
out:
	if (q)
		gsl_qrng_free(q);
	if (r)
		gsl_rng_free(r);
	free(x);
	free(u);
	return rc;
}

static int grid(struct gs_sweep *sw, struct axis *ax)
{
	size_t n = 1;
	for (size_t k = 0; k < sw->n_keys; k++) {
		if (n > MAX_POINTS / ax[k].n)
			return -2;
		n *= ax[k].n;
	}
	if (alloc_points(sw, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t rest = i;
		sw->matrix[i] = sw->param[i] = -1;
		sw->row[i] = (int)i;
		/* the last key varies fastest */
		for (size_t k = sw->n_keys; k-- > 0;) {
			const char *v = ax[k].values[rest % ax[k].n];
			rest /= ax[k].n;
			sw->text[i * sw->n_keys + k] = dup_text(v, strlen(v));
			if (!sw->text[i * sw->n_keys + k])
				return -1;
		}
	}
	return 0;
}

int gs_sweep_resolve(struct gs_scenario *sc, struct gs_diag *diag)
{
	struct gs_sweep *sw = &sc->sweep;
	size_t before = diag->n;
	const struct gs_assign *design = NULL, *samples = NULL;
	sw->n_points = 1;
	sw->design = GS_DESIGN_GRID;
	struct axis *ax = calloc(sw->n_raw ? sw->n_raw : 1, sizeof(*ax));
	if (!ax)
		return -1;
	for (size_t i = 0; i < sw->n_raw; i++) {
		const struct gs_assign *a = &sw->raw[i];
		if (strcmp(a->key, "design") == 0) {
			design = a;
			continue;
		}
		if (strcmp(a->key, "samples") == 0) {
			samples = a;
			continue;
		}
		char cls[GS_NAME_MAX];
		int row = gs_param_find(a->key, cls);
		if (row < 0)
			continue; /* reported when read */
		if (gs_param_table[row].flags & GS_F_SCENARIO) {
			gs_diag_add(diag, a->file, a->line, a->key,
				    "one value for the whole scenario: it cannot be swept");
			continue;
		}
		for (size_t k = 0; k < sw->n_keys; k++)
			if (strcmp(ax[k].a->key, a->key) == 0)
				gs_diag_add(diag, a->file, a->line, a->key, "swept twice");
		ax[sw->n_keys].a = a;
		ax[sw->n_keys++].row = row;
	}
	if (design) {
		if (strcmp(design->value, "grid") == 0)
			sw->design = GS_DESIGN_GRID;
		else if (strcmp(design->value, "lhs") == 0)
			sw->design = GS_DESIGN_LHS;
		else if (strcmp(design->value, "saltelli") == 0)
			sw->design = GS_DESIGN_SALTELLI;
		else
			gs_diag_add(diag, design->file, design->line, "sweep.design",
				    "'%s' is not one of grid|lhs|saltelli", design->value);
	}
	if (sw->design != GS_DESIGN_GRID) {
		char *end = NULL;
		sw->samples = samples ? strtol(samples->value, &end, 10) : 0;
		if (!samples || *end || sw->samples < 2 || sw->samples > 1000000)
			gs_diag_add(diag, samples ? samples->file : design->file,
				    samples ? samples->line : design->line, "sweep.samples",
				    "a sampled design needs samples = N (allowed 2..1000000)");
	} else if (samples) {
		gs_diag_add(diag, samples->file, samples->line, "sweep.samples",
			    "samples goes with design = lhs or saltelli");
	}
	for (size_t k = 0; k < sw->n_keys; k++)
		(sw->design == GS_DESIGN_GRID ? grid_axis : design_axis)(&ax[k], diag);
	int rc = 0;
	/* the size of the design, before anything is built */
	double points = 1;
	for (size_t k = 0; k < sw->n_keys && sw->design == GS_DESIGN_GRID; k++)
		points *= (double)ax[k].n;
	if (sw->design == GS_DESIGN_LHS)
		points = (double)sw->samples;
	if (sw->design == GS_DESIGN_SALTELLI)
		points = (double)sw->samples * (double)(sw->n_keys + 2);
	if (diag->n == before && sw->n_keys &&
	    (points > MAX_POINTS || points * (double)sw->n_keys > MAX_CELLS)) {
		const struct gs_assign *at = samples ? samples : design ? design : ax[0].a;
		gs_diag_add(diag, at->file, at->line, samples ? "sweep.samples" : NULL,
			    "the sweep has %.0f points of %zu values: at most %d points and %d values "
			    "in all",
			    points, sw->n_keys, MAX_POINTS, MAX_CELLS);
	}
	if (diag->n == before && sw->n_keys) {
		sw->keys = calloc(sw->n_keys, sizeof(*sw->keys));
		for (size_t k = 0; sw->keys && k < sw->n_keys; k++)
			sw->keys[k] = dup_text(ax[k].a->key, strlen(ax[k].a->key));
		uint64_t seed = (uint64_t)sc->arm_params[0].simulation.seed;
		rc = !sw->keys ? -1
		     : sw->design == GS_DESIGN_GRID ? grid(sw, ax)
		     : sw->design == GS_DESIGN_LHS ? lhs(sw, ax, seed)
						   : saltelli(sw, ax, seed);
		if (rc == -2)
			gs_diag_add(diag, ax[0].a->file, ax[0].a->line, NULL,
				    "the sweep has more than %d points", MAX_POINTS);
		else if (rc)
			gs_diag_add(diag, ax[0].a->file, ax[0].a->line, NULL,
				    "out of memory building the sweep's %.0f points", points);
	}
	/* every value must be valid for every arm; record the values as numbers */
	for (size_t pt = 0; !rc && diag->n == before && pt < (sw->keys ? sw->n_points : 0); pt++) {
		for (size_t a = 0; a < sc->n_arms && diag->n == before; a++) {
			struct gs_params p = sc->arm_params[a];
			for (size_t k = 0; k < sw->n_keys; k++) {
				char err[512], cls[GS_NAME_MAX];
				const char *v = sw->text[pt * sw->n_keys + k];
				if (gs_param_set(&p, sw->keys[k], v, err, sizeof(err))) {
					gs_diag_add(diag, ax[k].a->file, ax[k].a->line, sw->keys[k], "%s",
						    err);
					break;
				}
				if (a == 0) {
					int row = gs_param_find(sw->keys[k], cls);
					int c = 0;
					for (int j = 0; cls[0] && j < p.n_classes; j++)
						if (strcmp(p.class_name[j], cls) == 0)
							c = j;
					sw->coord[pt * sw->n_keys + k] = gs_param_number(&p, (size_t)row, c);
				}
			}
		}
	}
	for (size_t k = 0; k < sw->n_keys; k++) {
		for (size_t j = 0; j < ax[k].n; j++)
			free(ax[k].values[j]);
		free(ax[k].values);
	}
	free(ax);
	if (rc == -1)
		gs_diag_add(diag, NULL, 0, NULL, "out of memory building the sweep");
	return diag->n == before ? 0 : -1;
}

void gs_sweep_free(struct gs_sweep *sw)
{
	for (size_t i = 0; i < sw->n_raw; i++) {
		free(sw->raw[i].key);
		free(sw->raw[i].value);
	}
	free(sw->raw);
	if (sw->text)
		for (size_t i = 0; i < sw->n_points * sw->n_keys; i++)
			free(sw->text[i]);
	free(sw->text);
	for (size_t k = 0; k < sw->n_keys && sw->keys; k++)
		free(sw->keys[k]);
	free(sw->keys);
	free(sw->coord);
	free(sw->matrix);
	free(sw->row);
	free(sw->param);
	memset(sw, 0, sizeof(*sw));
}
