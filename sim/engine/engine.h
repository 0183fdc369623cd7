/*
 * engine.h - the time step and the ensemble of runs.
 */
#ifndef GS_ENGINE_H
#define GS_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine/results.h"
#include "sim/plan/scenario.h"

struct gs_world;
struct gs_output;

/* One phase of the time step: a named function of models/. */
struct gs_phase {
	const char *name;
	int (*run)(struct gs_world *w);
};

/* The phases of one tick, in order; NULL-terminated. */
extern const struct gs_phase gs_phases[];

/* Called after every tick of a run when given (tests check invariants with it). */
typedef int (*gs_tick_hook)(const struct gs_world *w, void *ctx);

/*
 * gs_run_point - the run of arm `arm` at sweep point `point` (gs_run is
 * point 0, or no sweep).
 */
int gs_run_point(const struct gs_scenario *sc, size_t arm, size_t point, uint64_t seed,
		 struct gs_run_result *r, gs_tick_hook hook, void *ctx);

/*
 * gs_run_seed_point - the seed of replication rep at sweep point `point`:
 * derived from the scenario seed, the replication and the point's values,
 * so that adding points or replications never changes existing runs; every
 * arm shares it (common random numbers).
 */
uint64_t gs_run_seed_point(const struct gs_scenario *sc, uint64_t scenario_seed, int rep,
			   size_t point);

/* Set by the signal handler of `govsim run`: every run stops at its next tick. */
extern volatile sig_atomic_t gs_stop;

/* gs_run_shape - output intervals and histogram bins of a run with params p. */
void gs_run_shape(const struct gs_params *p, size_t *n_time, size_t *n_bins);

/*
 * gs_run - one run of arm `arm` of a resolved scenario with seed `seed`,
 * filling r->series and both histograms (allocated by the caller to
 * gs_run_shape's sizes). Returns 0, 1 if stopped by gs_stop, -1 if out
 * of memory or the hook failed.
 */
int gs_run(const struct gs_scenario *sc, size_t arm, uint64_t seed, struct gs_run_result *r,
	   gs_tick_hook hook, void *ctx);

/* What an ensemble prints and returns. */
struct gs_ensemble_opts {
	int threads;        /* OpenMP threads, across runs and inside them (>= 1) */
	bool progress;      /* progress bar on stderr */
	uint64_t *events;   /* if not NULL, the events handled by every run are added here */
	const unsigned char *skip; /* if not NULL, runs with skip[run] set are not run (resuming) */
};

/*
 * gs_ensemble_run - every arm x replication of sc, in parallel over runs;
 * each finished run is written to out (if not NULL) and summarised into
 * summary[run * GS_N_SUMMARY] (if not NULL). Returns 0, 1 if stopped by
 * gs_stop, -1 on failure with a message in err.
 */
int gs_ensemble_run(const struct gs_scenario *sc, const struct gs_ensemble_meta *meta,
		    const struct gs_ensemble_opts *opts, struct gs_output *out, double *summary,
		    char *err, size_t errlen);

/* gs_run_seed - the seed of replication rep: every arm shares it (common random numbers). */
uint64_t gs_run_seed(uint64_t scenario_seed, int rep);

#endif
