/*
 * engine.c - the time step of one run, and the ensemble of runs.
 */
#include "sim/engine/engine.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "models/casework.h"
#include "models/citizen.h"
#include "models/closure.h"
#include "models/contact.h"
#include "models/costs.h"
#include "models/downstream.h"
#include "models/learning.h"
#include "models/manager.h"
#include "models/measure.h"
#include "sim/io/output.h"
#include "sim/app/report.h"
#include "sim/core/rng.h"
#include "models/triage.h"
#include "models/worker.h"
#include "models/world.h"

volatile sig_atomic_t gs_stop;

/*
 * The time step. The order is part of the model: needs change and citizens
 * decide before the service sees their contacts; workers work what was
 * queued; closures then tell citizens how they fared.
 */
const struct gs_phase gs_phases[] = {
	{"needs", gs_citizen_phase},           /* needs arise, escalate, self-resolve; citizens decide to contact */
	{"contact", gs_contact_phase},         /* value and failure demand; cases opened and queued; chasing */
	{"triage", gs_triage_phase},           /* measured cases about to breach may be reclassified */
	{"casework", gs_casework_phase},       /* workers spend their hours on contacts and cases */
	{"downstream", gs_downstream_phase},   /* finished cases needing the resource get a free unit */
	{"closure", gs_closure_phase},         /* cases closed and recorded (gaming, audit); needs met or bounced */
	{"workers", gs_worker_phase},          /* motivation, trust in management, stress; sick leave, leaving */
	{"learning", gs_learning_phase},       /* protected learning hours raise skill and know-how */
	{"managers", gs_manager_phase},        /* review periods: pressure and ratchet; stewardship */
	{"costs", gs_cost_phase},              /* hours by use; cost of workers, managers, resource */
	{NULL, NULL},
};

uint64_t gs_run_seed(uint64_t scenario_seed, int rep)
{
	return gs_rng_derive(scenario_seed, (uint64_t)rep);
}

uint64_t gs_run_seed_point(const struct gs_scenario *sc, uint64_t scenario_seed, int rep,
			   size_t point)
{
	uint64_t seed = gs_run_seed(scenario_seed, rep);
	const struct gs_sweep *sw = &sc->sweep;
	if (!sw->n_keys || point >= sw->n_points)
		return seed;
	/* FNV-1a of the point's coordinates as text: key=value; ... */
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t k = 0; k < sw->n_keys; k++) {
		const char *parts[3] = {sw->keys[k], "=", sw->text[point * sw->n_keys + k]};
		for (int j = 0; j < 3; j++)
			for (const char *c = parts[j]; *c; c++)
				h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
		h = (h ^ ';') * UINT64_C(1099511628211);
	}
	return gs_rng_derive(seed, h);
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

static void apply_events(const struct gs_scenario *sc, size_t arm, struct gs_params *p, long t)
{
	for (size_t e = 0; e < sc->n_events; e++)
		if (sc->events[e].at_tick == t)
			gs_scenario_apply_event(sc, e, arm, p);
}

/* Events during the run; a changed need rate moves the arrivals already drawn. */
static int apply_events_running(const struct gs_scenario *sc, size_t arm, struct gs_world *w)
{
	double old[GS_MAX_CLASSES];
	for (int k = 0; k < w->p->n_classes; k++)
		old[k] = w->p->cls[k].need_rate;
	apply_events(sc, arm, w->p, w->tick);
	for (int k = 0; k < w->p->n_classes; k++)
		if (w->p->cls[k].need_rate != old[k] &&
		    gs_citizens_rate_changed(w, k, old[k], w->p->cls[k].need_rate))
			return -1;
	return 0;
}

/* Ticks done across every run of the ensemble, for the progress bar. */
static long progress_done, progress_total;
static int progress_on;

static void draw_progress(long done, long total);

int gs_run(const struct gs_scenario *sc, size_t arm, uint64_t seed, struct gs_run_result *r,
	   gs_tick_hook hook, void *ctx)
{
	return gs_run_point(sc, arm, 0, seed, r, hook, ctx);
}

int gs_run_point(const struct gs_scenario *sc, size_t arm, size_t point, uint64_t seed,
		 struct gs_run_result *r, gs_tick_hook hook, void *ctx)
{
	struct gs_params p;
	if (gs_scenario_point(sc, arm, point, &p))
		return -1;
	size_t n_time, n_bins;
	gs_run_shape(&p, &n_time, &n_bins);
	apply_events(sc, arm, &p, 0);
	struct gs_world *w = gs_world_alloc(&p, seed);
	if (!w)
		return -1;
	int rc = 0;
	long iv = interval_ticks(&p);
	size_t col = 0;
	/* GOVSIM_PROFILE=1: wall time per phase on stderr at the end of the run */
	bool profile = getenv("GOVSIM_PROFILE") != NULL;
	double phase_time[16] = {0}, t_measure = 0, t_events = 0;
	for (int32_t t = 0; t < w->n_ticks; t++) {
		if (gs_stop) {
			rc = 1;
			break;
		}
		w->tick = t;
		double t0 = profile ? omp_get_wtime() : 0;
		if (t > 0 && apply_events_running(sc, arm, w)) {
			rc = -1;
			goto done;
		}
		if (profile)
			t_events += omp_get_wtime() - t0;
		for (const struct gs_phase *ph = gs_phases; ph->run; ph++) {
			double t1 = profile ? omp_get_wtime() : 0;
			if (ph->run(w)) {
				rc = -1;
				goto done;
			}
			if (profile)
				phase_time[ph - gs_phases] += omp_get_wtime() - t1;
		}
		double t2 = profile ? omp_get_wtime() : 0;
		if ((t + 1) % iv == 0 || t + 1 == w->n_ticks)
			gs_measure_interval(w, r->series, r->class_series, n_time, col++);
		if (profile)
			t_measure += omp_get_wtime() - t2;
		if (hook && hook(w, ctx)) {
			rc = -1;
			goto done;
		}
		if ((t & 63) == 63) {
#pragma omp atomic
			progress_done += 64;
			if (progress_on && omp_get_thread_num() == 0) {
#pragma omp critical(gs_ensemble_collect)
				draw_progress(progress_done, progress_total);
			}
		}
	}
	r->events = w->n_events;
	memcpy(r->hist_recorded, w->hist_rec, n_bins * sizeof(double));
	memcpy(r->hist_true, w->hist_true, n_bins * sizeof(double));
	if (r->hist_recorded_class && r->hist_true_class) {
		size_t nc = (size_t)p.n_classes * n_bins;
		memcpy(r->hist_recorded_class, w->hist_rec_cls, nc * sizeof(double));
		memcpy(r->hist_true_class, w->hist_true_cls, nc * sizeof(double));
	}
	if (profile) {
#pragma omp critical(gs_profile)
		{
			fprintf(stderr, "profile: arm %zu seed %llu (%d threads in the run)\n", arm,
				(unsigned long long)seed, w->threads);
			fprintf(stderr, "  %-12s %8.3f s\n", "events", t_events);
			for (const struct gs_phase *ph = gs_phases; ph->run; ph++)
				fprintf(stderr, "  %-12s %8.3f s\n", ph->name, phase_time[ph - gs_phases]);
			fprintf(stderr, "  %-12s %8.3f s\n", "measure", t_measure);
		}
	}
done:
	gs_world_free(w);
	return rc;
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

int gs_ensemble_run(const struct gs_scenario *sc, const struct gs_ensemble_meta *meta,
		    const struct gs_ensemble_opts *opts, struct gs_output *out, double *summary,
		    char *err, size_t errlen)
{
	size_t points = sc->sweep.n_points ? sc->sweep.n_points : 1;
	size_t reps = meta->n_runs / meta->n_arms / points;
	size_t n_time = meta->n_time, n_bins = meta->n_bins;
	long total = 0;
	for (size_t a = 0; a < meta->n_arms; a++)
		total += (long)(reps * points) *
			 (long)ceil(sc->arm_params[a].simulation.duration - 1e-9);
	progress_done = 0;
	progress_total = total;
	progress_on = opts->progress;
	int failed = 0, stopped = 0;
	char first_err[256] = "";
	/* GOVSIM_STOP_AFTER_RUNS=N: stop as if interrupted once N runs are written (tests) */
	const char *stop_env = getenv("GOVSIM_STOP_AFTER_RUNS");
	long stop_after = stop_env ? strtol(stop_env, NULL, 10) : -1, written = 0;
	long n_runs = (long)meta->n_runs;
	/*
	 * Runs in parallel across arms x replications; a thread running a run
	 * alone (fewer runs than threads) uses the rest inside it. Each phase's
	 * parallel work is cut into fixed blocks merged in order, so results do
	 * not depend on how the threads are shared out.
	 */
	omp_set_num_threads(opts->threads);
	int outer = n_runs < opts->threads ? (int)n_runs : opts->threads;
	omp_set_max_active_levels(outer > 1 ? 1 : 2);
	if (outer > 1)
		omp_set_num_threads(1);

#pragma omp parallel for schedule(dynamic, 1) num_threads(outer) default(none) \
	shared(sc, meta, opts, out, summary, reps, points, n_time, n_bins, total, failed, stopped, \
	       first_err, n_runs, gs_stop, progress_done, stop_after, written)
	for (long run = 0; run < n_runs; run++) {
		int skip;
#pragma omp atomic read
		skip = failed;
		if (skip || gs_stop || (opts->skip && opts->skip[run]))
			continue;
		struct gs_run_result r = {0};
		r.arm = (int)((size_t)run / (reps * points));
		size_t point = ((size_t)run / reps) % points;
		r.replication = (int)((size_t)run % reps);
		r.seed = gs_run_seed_point(sc, meta->seed, r.replication, point);
		r.series = malloc(GS_N_METRICS * n_time * sizeof(double));
		r.class_series = malloc(GS_N_CLASS_METRICS * meta->n_classes * n_time * sizeof(double));
		r.hist_recorded = calloc(n_bins ? n_bins : 1, sizeof(double));
		r.hist_true = calloc(n_bins ? n_bins : 1, sizeof(double));
		r.hist_recorded_class = calloc(meta->n_classes * n_bins + 1, sizeof(double));
		r.hist_true_class = calloc(meta->n_classes * n_bins + 1, sizeof(double));
		int rc = -1;
		if (r.series && r.class_series && r.hist_recorded && r.hist_true &&
		    r.hist_recorded_class && r.hist_true_class) {
			for (size_t i = 0; i < GS_N_METRICS * n_time; i++)
				r.series[i] = NAN;
			for (size_t i = 0; i < GS_N_CLASS_METRICS * meta->n_classes * n_time; i++)
				r.class_series[i] = NAN;
			rc = gs_run_point(sc, (size_t)r.arm, point, r.seed, &r, NULL, NULL);
		}
#pragma omp critical(gs_ensemble_collect)
		{
			char msg[256] = "";
			if (rc == 1) {
				stopped = 1;
			} else if (rc != 0) {
				snprintf(msg, sizeof(msg), "run %ld (arm %s, replication %d): out of memory",
					 run, meta->arm_names[r.arm], r.replication);
			} else {
				if (out && gs_output_write_run(out, (size_t)run, &r, msg, sizeof(msg)))
					rc = -1;
				if (stop_after >= 0 && ++written >= stop_after)
					gs_stop = 1;
				if (summary)
					gs_summarise(r.series, n_time, summary + (size_t)run * GS_N_SUMMARY);
				if (opts->events)
					*opts->events += r.events;
			}
			if (rc < 0) {
				if (!failed)
					snprintf(first_err, sizeof(first_err), "%s", msg);
#pragma omp atomic write
				failed = 1;
			}
			if (opts->progress)
				draw_progress(progress_done, total);
		}
		free(r.series);
		free(r.class_series);
		free(r.hist_recorded);
		free(r.hist_true);
		free(r.hist_recorded_class);
		free(r.hist_true_class);
		if (opts->progress && omp_get_thread_num() == 0) {
#pragma omp critical(gs_ensemble_collect)
			draw_progress(progress_done, total);
		}
	}
	progress_on = 0;
	if (opts->progress) {
		if (!failed && !stopped && !gs_stop)
			draw_progress(total, total);
		fputc('\n', stderr);
	}
	if (failed) {
		snprintf(err, errlen, "%s", first_err);
		return -1;
	}
	return stopped || gs_stop ? 1 : 0;
}
