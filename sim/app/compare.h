/*
 * compare.h - `govsim compare`: per-arm outcomes with confidence intervals
 * and paired differences between arms, read back from a result file.
 */
#ifndef GS_COMPARE_H
#define GS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/io/output.h"

/* Called with each run's full series ([GS_N_METRICS][n_time], metric-major). */
typedef void (*gs_run_fn)(void *ctx, size_t run, const double *series, size_t n_time);

/*
 * gs_each_run - read every run of rd, a block of runs at a time (memory
 * stays flat), and call fn on each in run order. With tolerate_missing a
 * metric the file lacks reads as NaN and missing[m] (if given) says so;
 * without, it is an error. Returns 0, or -1 with a message in err.
 */
int gs_each_run(struct gs_output_reader *rd, bool tolerate_missing, gs_run_fn fn, void *ctx,
		bool *missing, char *err, size_t errlen);

/*
 * gs_info - `govsim info`: the provenance of result file `path` and, per
 * arm, its runs and the mean over them of the key whole-run outcomes (the
 * numbers of govsim run's and govsim compare's tables). Returns 0, or -1
 * with a message in err naming the file.
 */
int gs_info(const char *path, FILE *f, char *err, size_t errlen);

/*
 * gs_compare - print the comparison of the arms of result file `path` to f:
 * every whole-run outcome of the `govsim run` table, or with `metric` that
 * metric alone (its whole-run value for an outcome of the table, else its
 * mean and its total over time); with at >= 0, values at that time [days] instead. Runs
 * are paired across arms by replication (and sweep point). With a sweep of
 * at most max_points points, one table per point; otherwise pooled.
 * Returns 0, or -1 with a message in err naming the file.
 */
int gs_compare(const char *path, const char *metric, double at, size_t max_points, FILE *f,
	       char *err, size_t errlen);

/*
 * gs_compare_until - gs_compare, with until >= 0 the outcomes over the
 * output intervals ending by `until` days only (the first one ending at or
 * after it included), added up as over a whole run; until < 0: the whole run.
 */
int gs_compare_until(const char *path, const char *metric, double at, double until,
		     size_t max_points, FILE *f, char *err, size_t errlen);

#endif
