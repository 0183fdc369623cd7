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

/* The whole-run outcomes compared between arms. */
#define GS_SUMMARIES(X)                                                                    \
	X(needs_met, "needs met", "%10.0f")                                                \
	X(failure_demand_share, "failure demand", "%10.3f")                                \
	X(within_target_recorded, "in target (recorded)", "%10.3f")                        \
	X(within_target_true, "in target (true)", "%10.3f")                                \
	X(time_to_close_true_mean, "true days to close", "%10.1f")                         \
	X(wellbeing_mean, "wellbeing", "%10.3f")                                           \
	X(trust_end, "trust at end", "%10.3f")                                             \
	X(cost_per_need_met, "cost per need met", "%10.0f")

enum gs_summary {
#define GS_SUMMARY_ENUM(name, label, fmt) GS_S_##name,
	GS_SUMMARIES(GS_SUMMARY_ENUM)
#undef GS_SUMMARY_ENUM
	GS_N_SUMMARY
};

/* gs_summarise - the whole-run outcomes of one run's series ([GS_N_METRICS][n_time]). */
void gs_summarise(const double *series, size_t n_time, double out[GS_N_SUMMARY]);

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

/* gs_summary_name - the name of summary s, e.g. "failure_demand_share". */
const char *gs_summary_name(int s);

/*
 * gs_report_table - per arm, the mean over replications of every summary
 * (with the half-width of its 95% confidence interval when there are
 * several), to f.
 */
void gs_report_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary);

#endif
