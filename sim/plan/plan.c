/*
 * plan.c - a resolved scenario turned into typed runs, once.
 */
#include "sim/plan/plan.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/rng.h"
#include "sim/core/util.h"

uint64_t gs_run_seed(uint64_t scenario_seed, int rep)
{
	return gs_rng_derive(scenario_seed, (uint64_t)rep);
}

static long interval_ticks(const struct gs_params *p)
{
	long iv = lround(p->output.interval);
	return iv < 1 ? 1 : iv;
}

void gs_run_shape(const struct gs_params *p, size_t *n_time, size_t *n_bins)
{
	long n_ticks = (long)ceil(p->simulation.duration - 1e-9);
	long iv = interval_ticks(p);
	*n_time = (size_t)((n_ticks + iv - 1) / iv);
	*n_bins = (size_t)ceil(p->output.hist_max / p->output.hist_bin - 1e-9);
}

struct gs_run_id gs_run_of(const struct gs_ensemble_meta *m, size_t run)
{
	struct gs_run_id id = {
		.arm = run / (m->n_reps * m->n_points),
		.point = (run / m->n_reps) % m->n_points,
		.rep = run % m->n_reps,
	};
	return id;
}

size_t gs_run_number(const struct gs_ensemble_meta *m, struct gs_run_id id)
{
	return (id.arm * m->n_points + id.point) * m->n_reps + id.rep;
}

bool gs_run_in_shard(size_t run, size_t shard, size_t n_shards)
{
	return n_shards == 0 || run % n_shards == shard - 1;
}

size_t gs_shard_runs(size_t n_runs, size_t shard, size_t n_shards)
{
	if (n_shards == 0)
		return n_runs;
	if (shard == 0 || shard > n_shards || shard > n_runs)
		return 0;
	return (n_runs - shard) / n_shards + 1;
}

uint64_t gs_plan_seed(const struct gs_plan *pl, size_t point, size_t rep)
{
	uint64_t seed = gs_run_seed(pl->seed, (int)rep);
	if (!pl->n_keys || point >= pl->n_points)
		return seed;
	return gs_rng_derive(seed, pl->point_hash[point]);
}

void gs_plan_params(const struct gs_plan *pl, size_t arm, size_t point, struct gs_params *p)
{
	*p = pl->arm_params[arm];
	for (size_t k = 0; k < pl->n_keys; k++)
		gs_param_apply(p, &pl->point_values[point * pl->n_keys + k]);
	const struct gs_timed_change *c = pl->changes[arm];
	for (size_t i = 0; i < pl->n_changes[arm] && c[i].tick == 0; i++)
		gs_param_apply(p, &c[i].change);
}

/* FNV-1a of a sweep point's coordinates as text: key=value; ... */
static uint64_t point_hash(const struct gs_sweep *sw, size_t point)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t k = 0; k < sw->n_keys; k++) {
		const char *parts[3] = {sw->keys[k], "=", sw->text[point * sw->n_keys + k]};
		for (int j = 0; j < 3; j++)
			for (const char *c = parts[j]; *c; c++)
				h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
		h = (h ^ ';') * UINT64_C(1099511628211);
	}
	return h;
}

static int build_points(struct gs_plan *pl, const struct gs_scenario *sc, char *err,
			size_t errlen)
{
	const struct gs_sweep *sw = &sc->sweep;
	pl->n_keys = sw->text ? sw->n_keys : 0;
	if (!pl->n_keys)
		return 0;
	pl->point_values = calloc(pl->n_points * pl->n_keys, sizeof(*pl->point_values));
	pl->point_hash = calloc(pl->n_points, sizeof(*pl->point_hash));
	if (!pl->point_values || !pl->point_hash) {
		snprintf(err, errlen, "out of memory for %zu sweep points", pl->n_points);
		return -1;
	}
	char msg[256];
	for (size_t pt = 0; pt < pl->n_points; pt++) {
		pl->point_hash[pt] = point_hash(sw, pt);
		for (size_t k = 0; k < pl->n_keys; k++) {
			const char *text = sw->text[pt * pl->n_keys + k];
			if (gs_param_change(&pl->arm_params[0], sw->keys[k], text,
					    &pl->point_values[pt * pl->n_keys + k], msg, sizeof(msg))) {
				snprintf(err, errlen, "sweep point %zu: %s = %s: %s", pt, sw->keys[k],
					 text, msg);
				return -1;
			}
		}
	}
	return 0;
}

static bool event_targets(const struct gs_event_spec *ev, const char *arm)
{
	if (!ev->n_arms)
		return true;
	for (size_t k = 0; k < ev->n_arms; k++)
		if (strcmp(ev->arms[k], arm) == 0)
			return true;
	return false;
}

/* Append the change key=value at tick to arm a's list. */
static int push_change(struct gs_plan *pl, size_t a, long tick, const char *key, const char *value,
		       char *err, size_t errlen)
{
	struct gs_change c;
	char msg[256];
	if (gs_param_change(&pl->arm_params[a], key, value, &c, msg, sizeof(msg))) {
		snprintf(err, errlen, "event change %s = %s: %s", key, value, msg);
		return -1;
	}
	struct gs_timed_change tc = {tick, c};
	if (gs_array_push((void **)&pl->changes[a], &pl->n_changes[a], sizeof(tc), &tc)) {
		snprintf(err, errlen, "out of memory for event changes");
		return -1;
	}
	return 0;
}

/* Stable sort by tick: changes of one tick keep the scenario's order. */
static void sort_changes(struct gs_timed_change *c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct gs_timed_change x = c[i];
		size_t j = i;
		for (; j > 0 && c[j - 1].tick > x.tick; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

static int build_changes(struct gs_plan *pl, const struct gs_scenario *sc, char *err,
			 size_t errlen)
{
	pl->changes = calloc(pl->n_arms, sizeof(*pl->changes));
	pl->n_changes = calloc(pl->n_arms, sizeof(*pl->n_changes));
	if (!pl->changes || !pl->n_changes) {
		snprintf(err, errlen, "out of memory for event changes");
		return -1;
	}
	for (size_t a = 0; a < pl->n_arms; a++) {
		for (size_t e = 0; e < sc->n_events; e++) {
			const struct gs_event_spec *ev = &sc->events[e];
			if (!event_targets(ev, sc->arms[a].name))
				continue;
			if (ev->preset) {
				const struct gs_preset *ps = gs_model_preset(pl->model->presets, ev->preset);
				if (!ps) {
					snprintf(err, errlen, "event %s: no preset '%s'", ev->name,
						 ev->preset);
					return -1;
				}
				for (const char *const *s = ps->settings; *s; s++) {
					char key[128];
					const char *eq = strchr(*s, '=');
					snprintf(key, sizeof(key), "%.*s", (int)(eq - *s), *s);
					if (push_change(pl, a, ev->at_tick, key, eq + 1, err, errlen))
						return -1;
				}
			}
			for (size_t i = 0; i < ev->n_set; i++)
				if (push_change(pl, a, ev->at_tick, ev->set[i].key, ev->set[i].value,
						err, errlen))
					return -1;
		}
		sort_changes(pl->changes[a], pl->n_changes[a]);
	}
	return 0;
}

static int add_var(struct gs_plan *pl, size_t *n, const char *name, const char *desc)
{
	size_t k = *n;
	pl->run_var_names[k] = gs_strdup(name);
	pl->run_var_desc[k] = gs_strdup(desc);
	*n = k + 1;
	return pl->run_var_names[k] && pl->run_var_desc[k] ? 0 : -1;
}

/* Per-run variables beyond arm, replication and seed: sweep coordinates and design. */
static int build_run_vars(struct gs_plan *pl, const struct gs_scenario *sc)
{
	const struct gs_sweep *sw = &sc->sweep;
	if (!sw->n_keys)
		return 0;
	bool saltelli = sw->design == GS_DESIGN_SALTELLI;
	size_t cap = sw->n_keys + 1 + (saltelli ? 3 : 0), *n = &pl->meta.n_run_vars;
	pl->run_var_names = calloc(cap, sizeof(char *));
	pl->run_var_desc = calloc(cap, sizeof(char *));
	if (!pl->run_var_names || !pl->run_var_desc)
		return -1;
	char name[160], desc[256];
	for (size_t k = 0; k < sw->n_keys; k++) {
		snprintf(name, sizeof(name), "sweep.%s", sw->keys[k]);
		snprintf(desc, sizeof(desc), "swept value of %s (durations in days)", sw->keys[k]);
		if (add_var(pl, n, name, desc))
			return -1;
	}
	if (add_var(pl, n, "sweep_point", "sweep point of the run (0-based)"))
		return -1;
	if (saltelli &&
	    (add_var(pl, n, "design_matrix",
		     "Saltelli design: 0 A, 1 B, 2 A with column design_param from B") ||
	     add_var(pl, n, "design_row", "Saltelli design: base sample (row of A and B)") ||
	     add_var(pl, n, "design_param",
		     "Saltelli design: the column taken from B (-1 for A and B)")))
		return -1;
	pl->run_vars = malloc(pl->n_runs * *n * sizeof(*pl->run_vars));
	if (!pl->run_vars)
		return -1;
	for (size_t r = 0; r < pl->n_runs; r++) {
		size_t pt = gs_run_of(&pl->meta, r).point;
		double *row = pl->run_vars + r * *n;
		for (size_t k = 0; k < sw->n_keys; k++)
			row[k] = sw->coord[pt * sw->n_keys + k];
		row[sw->n_keys] = (double)pt;
		if (saltelli) {
			row[sw->n_keys + 1] = sw->matrix[pt];
			row[sw->n_keys + 2] = sw->row[pt];
			row[sw->n_keys + 3] = sw->param[pt];
		}
	}
	return 0;
}

/* The output's shape: interval ends, bin edges, names. */
/* The most teams of any run: the team rows of the per-team outputs. */
static size_t most_teams(const struct gs_plan *pl)
{
	size_t most = 1;
	struct gs_params p;
	for (size_t a = 0; a < pl->n_arms; a++)
		for (size_t pt = 0; pt < pl->n_points; pt++) {
			gs_plan_params(pl, a, pt, &p);
			if ((size_t)p.workforce.teams > most)
				most = (size_t)p.workforce.teams;
		}
	return most;
}

static int build_meta(struct gs_plan *pl, const struct gs_scenario *sc)
{
	const struct gs_params *p0 = &pl->arm_params[0];
	size_t n_time, n_bins;
	gs_run_shape(p0, &n_time, &n_bins);
	pl->time = malloc(n_time * sizeof(*pl->time));
	pl->bin_edges = malloc((n_bins + 1) * sizeof(*pl->bin_edges));
	pl->arm_names = malloc(pl->n_arms * sizeof(*pl->arm_names));
	if (!pl->time || !pl->bin_edges || !pl->arm_names)
		return -1;
	double iv = p0->output.interval, n_ticks = ceil(p0->simulation.duration - 1e-9);
	for (size_t k = 0; k < n_time; k++) {
		double end = fmin((double)(k + 1) * iv, n_ticks);
		pl->time[k] = end * p0->simulation.tick / GS_MIN_PER_DAY;
	}
	for (size_t b = 0; b <= n_bins; b++)
		pl->bin_edges[b] = (double)b * p0->output.hist_bin * p0->simulation.tick / GS_MIN_PER_DAY;
	for (size_t a = 0; a < pl->n_arms; a++)
		pl->arm_names[a] = sc->arms[a].name;
	for (int k = 0; k < p0->n_classes; k++)
		pl->class_names[k] = p0->class_name[k];
	pl->meta.n_points = pl->n_points; /* the run numbering build_run_vars uses */
	pl->meta.n_reps = pl->n_reps;
	if (build_run_vars(pl, sc))
		return -1;
	pl->meta = (struct gs_ensemble_meta){
		.scenario_name = sc->name,
		.scenario_path = sc->path,
		.scenario_text = sc->text ? sc->text : "",
		.command_line = "",
		.seed = pl->seed,
		.threads = 1,
		.n_arms = pl->n_arms,
		.arm_names = pl->arm_names,
		.arm_params = pl->arm_params,
		.n_points = pl->n_points,
		.n_reps = pl->n_reps,
		.n_runs = pl->n_runs,
		.n_time = n_time,
		.time = pl->time,
		.n_classes = (size_t)p0->n_classes,
		.class_names = pl->class_names,
		.n_teams = most_teams(pl),
		.n_run_vars = pl->meta.n_run_vars,
		.run_var_names = (const char *const *)pl->run_var_names,
		.run_var_desc = (const char *const *)pl->run_var_desc,
		.run_vars = pl->run_vars,
		.n_bins = n_bins,
		.bin_edges = pl->bin_edges,
	};
	return 0;
}

int gs_plan_build(struct gs_plan *pl, const struct gs_scenario *sc, const struct gs_model *m,
		  char *err, size_t errlen)
{
	memset(pl, 0, sizeof(*pl));
	if (!sc->arm_params || !sc->n_arms) {
		snprintf(err, errlen, "%s: the scenario is not resolved", sc->path);
		return -1;
	}
	const struct gs_params *p0 = &sc->arm_params[0];
	pl->model = m;
	pl->seed = (uint64_t)p0->simulation.seed;
	pl->n_arms = sc->n_arms;
	pl->n_points = sc->sweep.n_points ? sc->sweep.n_points : 1;
	pl->n_reps = (size_t)p0->simulation.replications;
	pl->n_runs = pl->n_arms * pl->n_points * pl->n_reps;
	pl->arm_params = sc->arm_params;
	if (build_points(pl, sc, err, errlen) || build_changes(pl, sc, err, errlen))
		goto fail;
	if (build_meta(pl, sc)) {
		snprintf(err, errlen, "out of memory for the shape of %zu runs", pl->n_runs);
		goto fail;
	}
	return 0;
fail:
	gs_plan_free(pl);
	return -1;
}

void gs_plan_free(struct gs_plan *pl)
{
	free(pl->point_values);
	free(pl->point_hash);
	for (size_t a = 0; pl->changes && a < pl->n_arms; a++)
		free(pl->changes[a]);
	free(pl->changes);
	free(pl->n_changes);
	free(pl->time);
	free(pl->bin_edges);
	free(pl->run_vars);
	free(pl->arm_names);
	for (size_t v = 0; v < pl->meta.n_run_vars; v++) {
		free(pl->run_var_names[v]);
		free(pl->run_var_desc[v]);
	}
	free(pl->run_var_names);
	free(pl->run_var_desc);
	memset(pl, 0, sizeof(*pl));
}
