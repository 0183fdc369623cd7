/*
 * model.h - how a model plugs into the framework: one descriptor.
 *
 * The framework (sim/plan, sim/engine, sim/io, sim/app) runs a model it
 * knows only through `struct gs_model`: its presets (named bundles of
 * parameter values, data), its world's allocation, the ordered phases of
 * its time step, how it is told of a parameter changed by an event, and
 * how it measures an output interval. The world is opaque here. The
 * command line's main is the one place that names a model (models/).
 */
#ifndef GS_MODEL_H
#define GS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/params.h"

struct gs_world; /* a model's state of one run; only the model sees inside */

/* One phase of the time step: a named function of the model. */
struct gs_phase {
	const char *name;
	int (*run)(struct gs_world *w); /* 0, or -1 on failure (out of memory) */
};

/* A preset: a named point in parameter space, applied as "section.key=value" settings. */
struct gs_preset {
	const char *name;
	const char *description;
	const char *const *settings; /* NULL-terminated */
};

/* One run's results, filled by the model's measure and finish. */
struct gs_run_result {
	int arm;                  /* index into the plan's arms */
	int replication;          /* 0-based */
	uint64_t seed;            /* the run's seed (shared by the arms of one replication) */
	double *series;           /* [GS_N_METRICS * n_time], metric-major */
	double *class_series;     /* [GS_N_CLASS_METRICS * n_classes * n_time]: metric, class, time */
	double *team_series;      /* [GS_N_TEAM_METRICS * n_teams * n_time]: metric, team, time (optional) */
	size_t n_teams;           /* team rows of team_series: the ensemble's most teams (a run with
				     fewer leaves the rest NaN) */
	double *hist_recorded;    /* [n_bins] cases closed by recorded time to close */
	double *hist_true;        /* [n_bins] needs met by true time to close */
	double *hist_recorded_class; /* [n_classes * n_bins] the same by class (optional) */
	double *hist_true_class;     /* [n_classes * n_bins] */
	uint64_t events;          /* citizens woken, contacts and closures handled (benchmarks) */
};

struct gs_model {
	const char *name;
	/* the time step: phases in order, NULL-terminated (the order is part of the model) */
	const struct gs_phase *phases;
	/* every preset, NULL-terminated */
	const struct gs_preset *const *presets;
	/*
	 * alloc - the world of one run with parameters p (kept by pointer: the
	 * engine changes *p when an event applies) and seed. NULL if out of memory.
	 */
	struct gs_world *(*alloc)(struct gs_params *p, uint64_t seed);
	void (*free)(struct gs_world *w);
	/* begin_tick - tick t starts (before its events and phases) */
	void (*begin_tick)(struct gs_world *w, int32_t t);
	/*
	 * changed - events at the start of this tick changed parameter `row`
	 * (class cls) from `old` to its value in p; called once per changed
	 * parameter after every event of the tick is applied. NULL: nothing to
	 * do. Returns 0, or -1 on failure.
	 */
	int (*changed)(struct gs_world *w, enum gs_param_id row, int cls, union gs_value old);
	/*
	 * measure - write every metric of the output interval that ends now
	 * into column col of r->series, r->class_series and r->team_series
	 * (if given; n_time columns), then start a new interval.
	 */
	void (*measure)(struct gs_world *w, struct gs_run_result *r, size_t n_time, size_t col);
	/* finish - the run's histograms (n_bins, by class too if given) and event count into r */
	void (*finish)(const struct gs_world *w, struct gs_run_result *r, size_t n_bins);
};

/* gs_model_preset - the model's preset of that name, or NULL. */
const struct gs_preset *gs_model_preset(const struct gs_preset *const *presets, const char *name);

/* gs_model_preset_names - "npm, hls, none": every preset's name, for messages. */
void gs_model_preset_names(const struct gs_preset *const *presets, char *buf, size_t n);

#endif
