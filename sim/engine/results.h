/*
 * results.h - what an ensemble of runs produces: the input of the HDF5
 * writer (sim/io/writer.c) and of the comparison table (sim/app/report.c).
 */
#ifndef GS_RESULTS_H
#define GS_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"

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
	const struct gs_params *arm_params; /* [n_arms], resolved, before events */
	size_t n_runs;              /* n_arms * points * replications:
				     * run = (arm * points + point) * replications + rep */
	size_t n_time;              /* output intervals */
	const double *time;         /* [n_time] end of each interval [days] */
	size_t n_classes;           /* demand classes (the same in every arm) */
	const char *const *class_names; /* [n_classes] */
	size_t n_run_vars;          /* further per-run variables (sweep coordinates, design) */
	const char *const *run_var_names; /* [n_run_vars] */
	const char *const *run_var_desc;  /* [n_run_vars] */
	const double *run_vars;     /* [n_runs * n_run_vars] */
	size_t n_bins;              /* histogram bins */
	const double *bin_edges;    /* [n_bins + 1] [days] */
};

/* One run's results. */
struct gs_run_result {
	int arm;                  /* index into meta arm_names */
	int replication;          /* 0-based */
	uint64_t seed;            /* the run's seed (shared by the arms of one replication) */
	double *series;           /* [GS_N_METRICS * n_time], metric-major */
	double *class_series;     /* [GS_N_CLASS_METRICS * n_classes * n_time]: metric, class, time */
	double *hist_recorded;    /* [n_bins] cases closed by recorded time to close */
	double *hist_true;        /* [n_bins] needs met by true time to close */
	double *hist_recorded_class; /* [n_classes * n_bins] the same by class (optional) */
	double *hist_true_class;     /* [n_classes * n_bins] */
	uint64_t events;          /* citizens woken, contacts and closures handled (benchmarks) */
};

#endif
