/*
 * engine.c - the time step of one run, and the ensemble of runs.
 */
#include "sim/engine/engine.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "sim/core/crew.h"
#include "sim/core/metrics.h"
#include "sim/core/place.h"


static long interval_ticks(const struct gs_params *p)
{
	long iv = lround(p->output.interval);
	return iv < 1 ? 1 : iv;
}

/* A parameter an event changed, and its value before the tick's events. */
struct changed {
	enum gs_param_id row;
	int cls;
	union gs_value old;
};

static int by_parameter(const void *a, const void *b)
{
	const struct changed *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->cls > y->cls) - (x->cls < y->cls);
}

/*
 * Apply the changes of tick t (from *next on), then tell the model of each
 * parameter whose value they changed, once, in the order of the parameter
 * table (classes in order). Returns 0, or -1 if the model failed.
 */
static int apply_changes(const struct gs_model *m, struct gs_world *w, struct gs_params *p,
			 const struct gs_timed_change *c, size_t n, size_t *next, long t,
			 struct changed *seen)
{
	size_t n_seen = 0;
	for (; *next < n && c[*next].tick == t; ++*next) {
		const struct gs_change *ch = &c[*next].change;
		size_t k;
		for (k = 0; k < n_seen; k++)
			if (seen[k].row == ch->row && seen[k].cls == ch->cls)
				break;
		if (k == n_seen)
			seen[n_seen++] = (struct changed){ch->row, ch->cls, gs_param_get(p, ch->row, ch->cls)};
		gs_param_apply(p, ch);
	}
	if (!m->changed || !n_seen)
		return 0;
	qsort(seen, n_seen, sizeof(*seen), by_parameter);
	for (size_t k = 0; k < n_seen; k++) {
		const struct changed *x = &seen[k];
		if (!gs_value_equal(x->row, x->old, gs_param_get(p, x->row, x->cls)) &&
		    m->changed(w, x->row, x->cls, x->old))
			return -1;
	}
	return 0;
}

/* Ticks done across every run of the ensemble, for the progress bar. */
static _Atomic long progress_done, progress_total;
static int progress_on;

static void draw_progress(long done, long total);

int gs_run(const struct gs_plan *pl, size_t arm, uint64_t seed, struct gs_run_result *r,
	   gs_tick_hook hook, void *ctx)
{
	struct gs_run_opts o = {hook, ctx, false, NULL, 0};
	return gs_run_point(pl, arm, 0, seed, r, &o);
}

#define WHY(...) (o.why ? (void)snprintf(o.why, o.whylen, __VA_ARGS__) : (void)0)

int gs_run_point(const struct gs_plan *pl, size_t arm, size_t point, uint64_t seed,
		 struct gs_run_result *r, const struct gs_run_opts *opts)
{
	struct gs_run_opts o = opts ? *opts : (struct gs_run_opts){0};
	const struct gs_model *m = pl->model;
	struct gs_params p;
	gs_plan_params(pl, arm, point, &p);
	size_t n_time, n_bins;
	gs_run_shape(&p, &n_time, &n_bins);
	const struct gs_timed_change *changes = pl->changes[arm];
	size_t n_changes = pl->n_changes[arm], next = 0;
	while (next < n_changes && changes[next].tick == 0)
		next++; /* in p already */
	struct changed *seen = malloc((n_changes ? n_changes : 1) * sizeof(*seen));
	bool profile = o.profile;
	double t_setup = profile ? omp_get_wtime() : 0;
	struct gs_world *w = seen ? m->alloc(&p, seed) : NULL;
	if (profile)
		t_setup = omp_get_wtime() - t_setup;
	if (!w) {
		free(seen);
		if (gs_stopping())
			return 1; /* the world's making gave up on the stop flag */
		WHY("out of memory for the world of %lld citizens",
		    (long long)p.population.citizens);
		return -1;
	}
	int rc = 0;
	long iv = interval_ticks(&p);
	int32_t n_ticks = (int32_t)ceil(p.simulation.duration - 1e-9);
	size_t col = 0;
	double phase_time[32] = {0}, t_measure = 0, t_events = 0;
	for (int32_t t = 0; t < n_ticks; t++) {
		if (gs_stop) {
			rc = 1;
			break;
		}
		gs_place_poll(); /* once another thread has no run left: its CPU, or every CPU */
		m->begin_tick(w, t);
		double t0 = profile ? omp_get_wtime() : 0;
		if (t > 0 && apply_changes(m, w, &p, changes, n_changes, &next, t, seen)) {
			WHY("tick %ld: applying events failed (out of memory)", (long)t);
			rc = -1;
			goto done;
		}
		if (profile)
			t_events += omp_get_wtime() - t0;
		for (const struct gs_phase *ph = m->phases; ph->run; ph++) {
			double t1 = profile ? omp_get_wtime() : 0;
			if (gs_stopping()) {
				rc = 1;
				goto done;
			}
			if (ph->run(w)) {
				if (gs_stopping()) { /* the phase gave up on the stop flag */
					rc = 1;
					goto done;
				}
				WHY("tick %ld: phase %s failed (out of memory)", (long)t, ph->name);
				rc = -1;
				goto done;
			}
			if (profile && ph - m->phases < 32)
				phase_time[ph - m->phases] += omp_get_wtime() - t1;
		}
		double t2 = profile ? omp_get_wtime() : 0;
		if ((t + 1) % iv == 0 || t + 1 == n_ticks)
			m->measure(w, r, n_time, col++);
		if (profile)
			t_measure += omp_get_wtime() - t2;
		if (o.hook && o.hook(w, o.ctx)) {
			WHY("tick %ld: the tick hook failed", (long)t);
			rc = -1;
			goto done;
		}
		if (gs_stopping()) { /* a measure the flag may have cut short is not kept */
			rc = 1;
			goto done;
		}
		atomic_fetch_add_explicit(&progress_done, 1, memory_order_relaxed);
		if ((t & 63) == 63 && progress_on && omp_get_thread_num() == 0) {
#pragma omp critical(gs_ensemble_collect)
			draw_progress(progress_done, progress_total);
		}
	}
	double t_finish = profile ? omp_get_wtime() : 0;
	m->finish(w, r, n_bins);
	if (profile) {
		t_finish = omp_get_wtime() - t_finish;
#pragma omp critical(gs_profile)
		{
			fprintf(stderr, "profile: arm %zu seed %llu\n", arm, (unsigned long long)seed);
			fprintf(stderr, "  %-12s %8.3f s\n", "set-up", t_setup);
			fprintf(stderr, "  %-12s %8.3f s\n", "events", t_events);
			for (const struct gs_phase *ph = m->phases; ph->run && ph - m->phases < 32; ph++)
				fprintf(stderr, "  %-12s %8.3f s\n", ph->name, phase_time[ph - m->phases]);
			fprintf(stderr, "  %-12s %8.3f s\n", "measure", t_measure);
			fprintf(stderr, "  %-12s %8.3f s\n", "finish", t_finish);
		}
	}
done:
	m->free(w);
	free(seen);
	return rc;
}

void gs_ensemble_ticks(long *done, long *total)
{
	*done = atomic_load_explicit(&progress_done, memory_order_relaxed);
	*total = atomic_load_explicit(&progress_total, memory_order_relaxed);
}

static void draw_progress(long done, long total)
{
	static int last = -1;
	int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
	if (pct > 100)
		pct = 100;
	if (pct == last)
		return;
	last = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = 0;
	fprintf(stderr, "\r[%s] %3d%%", bar, pct);
	fflush(stderr);
}

/* The buffers of one run, sized for the plan's output shape. */
static int alloc_result(struct gs_run_result *r, const struct gs_ensemble_meta *meta)
{
	size_t n_time = meta->n_time, n_bins = meta->n_bins, nc = meta->n_classes;
	r->series = malloc(GS_N_METRICS * n_time * sizeof(double));
	r->class_series = malloc(GS_N_CLASS_METRICS * nc * n_time * sizeof(double));
	r->hist_recorded = calloc(n_bins ? n_bins : 1, sizeof(double));
	r->hist_true = calloc(n_bins ? n_bins : 1, sizeof(double));
	r->n_teams = meta->n_teams;
	r->team_series = malloc((GS_N_TEAM_METRICS * meta->n_teams * n_time + 1) * sizeof(double));
	r->hist_recorded_class = calloc(nc * n_bins + 1, sizeof(double));
	r->hist_true_class = calloc(nc * n_bins + 1, sizeof(double));
	if (!r->series || !r->class_series || !r->team_series || !r->hist_recorded || !r->hist_true ||
	    !r->hist_recorded_class || !r->hist_true_class)
		return -1;
	for (size_t i = 0; i < GS_N_METRICS * n_time; i++)
		r->series[i] = NAN;
	for (size_t i = 0; i < GS_N_CLASS_METRICS * nc * n_time; i++)
		r->class_series[i] = NAN;
	for (size_t i = 0; i < GS_N_TEAM_METRICS * meta->n_teams * n_time; i++)
		r->team_series[i] = NAN;
	return 0;
}

static void free_result(struct gs_run_result *r)
{
	free(r->series);
	free(r->class_series);
	free(r->team_series);
	free(r->hist_recorded);
	free(r->hist_true);
	free(r->hist_recorded_class);
	free(r->hist_true_class);
}

/* What the threads of an ensemble share. */
struct ensemble {
	const struct gs_plan *pl;
	const struct gs_ensemble_opts *opts;
	const struct gs_sink *sinks;
	size_t n_sinks;
	const long *todo;   /* the runs to run, in order */
	size_t n_todo;
	long total;
	_Atomic size_t next, finished; /* runs taken, runs finished */
	struct gs_crew *crew;
	struct gs_place place;
	int failed, stopped;
	char first_err[512];
};

/* Run number `run` and hand it to the sinks. */
static void ensemble_one(struct ensemble *e, long run)
{
	const struct gs_plan *pl = e->pl;
	const struct gs_ensemble_meta *meta = &pl->meta;
	const struct gs_ensemble_opts *opts = e->opts;
	int skip;
#pragma omp atomic read
	skip = e->failed;
	if (skip || gs_stop)
		return;
	struct gs_run_id id = gs_run_of(meta, (size_t)run);
	struct gs_run_result r = {0};
	r.arm = (int)id.arm;
	r.replication = (int)id.rep;
	r.seed = gs_plan_seed(pl, id.point, id.rep);
	char why[256] = "out of memory for the run's results";
	int rc = -1;
	if (alloc_result(&r, meta) == 0)
		rc = gs_run_point(pl, id.arm, id.point, r.seed, &r,
				  &(struct gs_run_opts){NULL, NULL, opts->profile, why, sizeof(why)});
#pragma omp critical(gs_ensemble_collect)
	{
		char msg[512] = "";
		if (rc == 1) {
			e->stopped = 1;
		} else if (rc != 0) {
			snprintf(msg, sizeof(msg), "run %ld (arm %s, point %zu, replication %zu): %s", run,
				 meta->arm_names[id.arm], id.point, id.rep, why);
		} else {
			for (size_t k = 0; k < e->n_sinks && rc == 0; k++)
				if (e->sinks[k].take(e->sinks[k].ctx, (size_t)run, &r, msg, sizeof(msg)))
					rc = -1;
		}
		if (rc < 0) {
			if (!e->failed)
				snprintf(e->first_err, sizeof(e->first_err), "%s", msg);
#pragma omp atomic write
			e->failed = 1;
		}
		if (opts->progress)
			draw_progress(progress_done, e->total);
	}
	free_result(&r);
}

/*
 * One thread of the ensemble: whole runs while there are runs to take,
 * then the blocks of the runs still going, until every run is done; on a
 * CPU of its own meanwhile when the ensemble has a thread for every CPU
 * (sim/core/place.h).
 */
static void ensemble_thread(struct ensemble *e)
{
	gs_place_enter(&e->place, omp_get_thread_num(), omp_get_num_threads());
	gs_crew_join(e->crew);
	bool ran = false;
	for (;;) {
		size_t k = atomic_fetch_add(&e->next, 1);
		if (k >= e->n_todo)
			break;
		ensemble_one(e, e->todo[k]);
		ran = true;
		if (atomic_fetch_add(&e->finished, 1) + 1 == e->n_todo)
			gs_crew_close(e->crew);
	}
	/*
	 * out of runs after running some: the runs still going may have the
	 * CPU this thread leaves (a thread that never had a run keeps the
	 * placement: one run shared by every thread from the start)
	 */
	if (ran)
		gs_place_loosen(&e->place);
	gs_crew_help(e->crew);
	gs_crew_join(NULL);
	gs_place_leave(&e->place);
}

int gs_ensemble_run(const struct gs_plan *pl, const struct gs_ensemble_opts *opts,
		    const struct gs_sink *sinks, size_t n_sinks, char *err, size_t errlen)
{
	const struct gs_ensemble_meta *meta = &pl->meta;
	struct ensemble e = {pl, opts, sinks, n_sinks, NULL, 0, 0, 0, 0, NULL, {0}, 0, 0, ""};
	long *todo = malloc((pl->n_runs ? pl->n_runs : 1) * sizeof(*todo));
	int threads = opts->threads < 1 ? 1 : opts->threads;
	if (todo)
		e.crew = gs_crew_new(threads);
	if (!todo || !e.crew || gs_place_plan(&e.place, threads)) {
		gs_crew_free(e.crew);
		free(todo);
		snprintf(err, errlen, "out of memory for the ensemble's threads");
		return -1;
	}
	for (size_t run = 0; run < pl->n_runs; run++) {
		if (opts->skip && opts->skip[run])
			continue;
		todo[e.n_todo++] = (long)run;
		e.total += (long)ceil(pl->arm_params[gs_run_of(meta, run).arm].simulation.duration - 1e-9);
	}
	e.todo = todo;
	atomic_store(&progress_done, 0);
	atomic_store(&progress_total, e.total);
	progress_on = opts->progress;
	/*
	 * One parallel region for the ensemble. Each thread takes whole runs
	 * (in order: every run of an ensemble has the same citizens and ticks,
	 * so none is known to be longer) while there are runs left, then helps the runs
	 * still going with the blocks of their parallel phases (sim/core/
	 * crew.h), so every thread works until the last run ends. Each phase's
	 * parallel work is cut into fixed blocks merged in order, so results do
	 * not depend on how the threads are shared out. A world sized for
	 * `threads` (its random streams, its census) takes the census inside a
	 * run in parallel only when there are fewer runs than threads.
	 */
	int old_threads = omp_get_max_threads(), old_levels = omp_get_max_active_levels();
	omp_set_num_threads(threads);
	omp_set_max_active_levels(e.n_todo < (size_t)threads ? 2 : 1);
	if (e.n_todo) {
		int team = threads;
#pragma omp parallel num_threads(team) default(none) shared(e)
		ensemble_thread(&e);
	}
	omp_set_num_threads(old_threads);
	omp_set_max_active_levels(old_levels);
	gs_crew_free(e.crew);
	gs_place_free(&e.place);
	free(todo);
	progress_on = 0;
	if (opts->progress) {
		if (!e.failed && !e.stopped && !gs_stop)
			draw_progress(e.total, e.total);
		fputc('\n', stderr);
	}
	if (e.failed) {
		snprintf(err, errlen, "%s", e.first_err);
		return -1;
	}
	return e.stopped || gs_stop ? 1 : 0;
}
