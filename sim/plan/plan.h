/*
 * plan.h - everything an ensemble will run, built once before any run:
 * the parameters of every (arm, sweep point), events as typed parameter
 * changes, the output's shape, and the one map between a run's number and
 * its (arm, point, replication). Nothing parses text once a plan is built.
 *
 * Runs are numbered arm-major, then sweep point, then replication
 * (gs_run_of): run = (arm * n_points + point) * n_reps + rep
 */
#ifndef GS_PLAN_H
#define GS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/model.h"
#include "sim/core/params.h"
#include "sim/plan/scenario.h"

/* Where a run stands in the ensemble. */
struct gs_run_id {
	size_t arm, point, rep;
};

/* The shape and provenance of an ensemble, fixed before any run starts. */
struct gs_ensemble_meta {
	const char *scenario_name;  /* file name without directory and .ini */
	const char *scenario_path;  /* as given on the command line */
	const char *scenario_text;  /* full text after includes */
	const char *command_line;   /* argv joined by spaces */
	uint64_t seed;              /* simulation.seed after --seed */
	int threads;                /* OpenMP threads used (never changes results) */
	size_t n_arms;
	const char *const *arm_names;       /* [n_arms] */
	const struct gs_params *arm_params; /* [n_arms], resolved, before sweep and events */
	size_t n_points, n_reps;    /* sweep points (1 without a sweep), replications */
	size_t n_runs;              /* n_arms * n_points * n_reps, numbered as gs_run_of says */
	size_t n_time;              /* output intervals */
	const double *time;         /* [n_time] end of each interval [days] */
	size_t n_classes;           /* demand classes (the same in every arm) */
	const char *const *class_names; /* [n_classes] */
	size_t n_teams;             /* the most workforce.teams of any run (team rows of the
				       per-team outputs; a run with fewer leaves the rest NaN) */
	size_t n_run_vars;          /* further per-run variables (sweep coordinates, design) */
	const char *const *run_var_names; /* [n_run_vars] */
	const char *const *run_var_desc;  /* [n_run_vars] */
	const double *run_vars;     /* [n_runs * n_run_vars] */
	size_t n_bins;              /* histogram bins */
	const double *bin_edges;    /* [n_bins + 1] [days] */
	size_t shard, n_shards;     /* a file of shard `shard` (1..n_shards) holds the runs
				       gs_run_in_shard names; 0, 0: every run (no --shard) */
};

/* A typed change at the start of a tick (an event's preset and keys, expanded). */
struct gs_timed_change {
	long tick;
	struct gs_change change;
};

struct gs_plan {
	const struct gs_model *model;
	uint64_t seed;                  /* simulation.seed */
	size_t n_arms, n_points, n_reps, n_runs;
	const struct gs_params *arm_params; /* [n_arms] (the scenario's, before sweep and events) */
	size_t n_keys;                  /* swept parameters */
	struct gs_change *point_values; /* [n_points * n_keys] */
	uint64_t *point_hash;           /* [n_points] what a point adds to its runs' seeds */
	struct gs_timed_change **changes; /* [n_arms][n_changes[arm]], by tick, in file order */
	size_t *n_changes;
	struct gs_ensemble_meta meta;   /* the output's shape (command_line, threads: the caller's) */
	/* storage behind meta */
	double *time, *bin_edges, *run_vars;
	const char **arm_names;
	const char *class_names[GS_MAX_CLASSES];
	char **run_var_names, **run_var_desc;
};

/*
 * gs_plan_build - the plan of a resolved scenario (gs_scenario_resolve with
 * the same model's presets) for model m. sc must outlive the plan. Returns
 * 0, or -1 with a message in err (out of memory).
 */
int gs_plan_build(struct gs_plan *pl, const struct gs_scenario *sc, const struct gs_model *m,
		  char *err, size_t errlen);

void gs_plan_free(struct gs_plan *pl);

/*
 * gs_run_of - the (arm, point, replication) of run number `run` in an
 * ensemble of shape m: run = (arm * n_points + point) * n_reps + rep. The
 * one place that numbers runs; gs_run_number is its inverse.
 */
struct gs_run_id gs_run_of(const struct gs_ensemble_meta *m, size_t run);

/*
 * gs_run_in_shard - does shard `shard` of n_shards (1-based) hold run
 * `run`? Shards interleave: shard k holds runs k-1, k-1+n, k-1+2n, ...
 * so that every shard gets runs of every arm and point. With n_shards 0
 * (no shard) every run is in. The one place that deals runs to shards.
 */
bool gs_run_in_shard(size_t run, size_t shard, size_t n_shards);

/* gs_shard_runs - how many of n_runs runs shard `shard` of n_shards holds. */
size_t gs_shard_runs(size_t n_runs, size_t shard, size_t n_shards);

/* gs_run_number - the run number of (arm, point, replication) in an ensemble of shape m. */
size_t gs_run_number(const struct gs_ensemble_meta *m, struct gs_run_id id);

/*
 * gs_plan_seed - the seed of replication rep at sweep point `point`:
 * derived from the scenario seed, the replication and the point's values,
 * so that adding points or replications never changes existing runs; every
 * arm shares it (common random numbers).
 */
uint64_t gs_plan_seed(const struct gs_plan *pl, size_t point, size_t rep);

/*
 * gs_plan_params - the parameters a run of (arm, point) starts with: the
 * arm's, the point's values, then the changes of events at tick 0.
 */
void gs_plan_params(const struct gs_plan *pl, size_t arm, size_t point, struct gs_params *p);

/* gs_run_seed - the seed of replication rep without a sweep (every arm shares it). */
uint64_t gs_run_seed(uint64_t scenario_seed, int rep);

/* gs_run_shape - output intervals and histogram bins of a run with params p. */
void gs_run_shape(const struct gs_params *p, size_t *n_time, size_t *n_bins);

#endif
