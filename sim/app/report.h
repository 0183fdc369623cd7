/*
 * report.h - whole-run summaries of each run and the comparison table of arms.
 */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/core/model.h"
#include "sim/plan/plan.h"

/*
 * The whole-run outcomes compared between arms: X(name, metric, at_end,
 * fmt) - the metric's value over the whole run by its aggregation
 * (sim/core/metrics.def), or with at_end its value at the end; labelled by
 * the metric's label (with " at end").
 */
#define GS_SUMMARIES(X)                                                   \
	X(needs_met, needs_met, 0, "%10.0f")                              \
	X(failure_demand_share, failure_demand_share, 0, "%10.3f")        \
	X(within_target_recorded, within_target_recorded, 0, "%10.3f")    \
	X(within_target_audited, within_target_audited, 0, "%10.3f")      \
	X(within_target_true, within_target_true, 0, "%10.3f")            \
	X(time_to_close_true_mean, time_to_close_true_mean, 0, "%10.1f")  \
	X(wellbeing_mean, wellbeing_mean, 0, "%10.3f")                    \
	X(trust_end, trust_mean, 1, "%10.3f")                             \
	X(hours_idle, hours_idle, 0, "%10.0f")                            \
	X(cost_per_need_met, cost_per_need_met, 0, "%10.0f")

enum gs_summary {
#define GS_SUMMARY_ENUM(name, metric, at_end, fmt) GS_S_##name,
	GS_SUMMARIES(GS_SUMMARY_ENUM)
#undef GS_SUMMARY_ENUM
	GS_N_SUMMARY
};

/* gs_summarise - the whole-run outcomes of one run's series ([GS_N_METRICS][n_time]). */
void gs_summarise(const double *series, size_t n_time, double out[GS_N_SUMMARY]);

/*
 * gs_summarise_span - the same outcomes over the first t1 output intervals
 * only (an outcome "at end" at interval t1 - 1): gs_summarise is t1 = n_time.
 */
void gs_summarise_span(const double *series, size_t n_time, size_t t1, double out[GS_N_SUMMARY]);

/* gs_summary_name - the name of summary s, e.g. "failure_demand_share". */
const char *gs_summary_name(int s);

#define GS_LABEL_MAX 64 /* longest label of a table row, with its NUL */

/* gs_summary_label - what people read for summary s ("trust at end"), in buf; returns buf. */
const char *gs_summary_label(int s, char *buf, size_t n);

/* gs_summary_metric - the metric (enum gs_metric) summary s is a whole-run value of. */
int gs_summary_metric(int s);

/* gs_summary_fmt - the printf format of summary s's values. */
const char *gs_summary_fmt(int s);

/*
 * gs_report_columns - a table of n_cols outcomes (rows) by arm (columns):
 * values is [n_arms * per_arm][n_cols], arm-major; each cell is the mean
 * over the arm's runs (with the half-width of its 95% confidence interval,
 * t quantile, when there are several). With `paired`, each arm but the
 * first shows its paired differences from the first arm: run i of one arm
 * against run i of the first (the same replication, sharing its random
 * streams, and the same sweep point).
 */
void gs_report_columns(FILE *f, size_t n_arms, const char *const *arm_names, size_t per_arm,
		       const double *values, size_t n_cols, const char *const *labels,
		       const char *const *fmts, bool paired);

/* gs_report_paired - paired differences of every summary from the first arm. */
void gs_report_paired(FILE *f, const struct gs_ensemble_meta *meta, const double *summary);

/*
 * gs_report_table - per arm, the mean over replications of every summary
 * (with the half-width of its 95% confidence interval when there are
 * several), to f.
 */
void gs_report_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary);

#endif
