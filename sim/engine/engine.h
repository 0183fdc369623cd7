/*
 * engine.h - running a plan: the time step of one run, and the ensemble of
 * runs in parallel, each finished run handed to sinks. The engine knows the
 * model only through its descriptor (sim/core/model.h) and the output only
 * through the sinks; results never depend on the number of threads.
 */
#ifndef GS_ENGINE_H
#define GS_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/model.h"
#include "sim/core/stop.h"
#include "sim/plan/plan.h"

/* Called after every tick of a run when given (tests check invariants with it). */
typedef int (*gs_tick_hook)(const struct gs_world *w, void *ctx);

/* How one run is watched and what it reports (every field optional). */
struct gs_run_opts {
	gs_tick_hook hook;  /* called after every tick with ctx */
	void *ctx;
	bool profile;       /* wall time of each phase on stderr at the end of the run */
	char *why;          /* [whylen] the reason, if the run fails */
	size_t whylen;
};

/*
 * gs_run_point - the run of arm `arm` at sweep point `point` of plan pl
 * with seed `seed`, filling r->series, r->class_series and the histograms
 * (allocated by the caller to gs_run_shape's sizes; the by-class
 * histograms are optional). Returns 0, 1 if stopped by gs_stop, -1 on
 * failure with the reason in o->why. o may be NULL.
 */
int gs_run_point(const struct gs_plan *pl, size_t arm, size_t point, uint64_t seed,
		 struct gs_run_result *r, const struct gs_run_opts *o);

/* gs_run - gs_run_point at point 0 (or without a sweep), without a reason on failure. */
int gs_run(const struct gs_plan *pl, size_t arm, uint64_t seed, struct gs_run_result *r,
	   gs_tick_hook hook, void *ctx);

/* gs_stop (sim/core/stop.h), set by the signal handler of `govsim run`, stops every run. */

/*
 * A sink takes each finished run, one at a time (never two at once), in
 * the order runs finish: run is its number in the plan. Returns 0, or -1
 * with a message in err, which fails the ensemble.
 */
struct gs_sink {
	int (*take)(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t errlen);
	void *ctx;
};

/* How an ensemble runs. */
struct gs_ensemble_opts {
	int threads;        /* OpenMP threads, across runs and inside them (>= 1) */
	bool progress;      /* progress bar on stderr */
	const unsigned char *skip; /* if not NULL, runs with skip[run] set are not run (resuming) */
	bool profile;       /* wall time of each phase of each run on stderr */
};

/*
 * gs_ensemble_ticks - how far the ensemble running now has got: ticks done
 * and ticks of all its runs to run (not those skipped); safe to call from
 * any thread while it runs.
 */
void gs_ensemble_ticks(long *done, long *total);

/*
 * gs_ensemble_run - every run of pl, in parallel over runs, each finished
 * run handed to every sink in order. opts->threads threads in one parallel
 * region: each takes whole runs while there are runs left, then works on
 * the parallel phases of the runs still going (sim/core/crew.h). Returns 0,
 * 1 if stopped by gs_stop, -1 on failure with a message in err.
 */
int gs_ensemble_run(const struct gs_plan *pl, const struct gs_ensemble_opts *opts,
		    const struct gs_sink *sinks, size_t n_sinks, char *err, size_t errlen);

#endif
