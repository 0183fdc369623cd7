/*
 * metrics.h - govsim's output metrics, generated from the one table in
 * metrics.def.
 */
#ifndef GS_METRICS_H
#define GS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum gs_metric {
#define GS_METRIC(name, units, kind, a, b, label, unit, desc) GS_M_##name,
#define GS_CLASS_METRIC(name, units, kind, a, b, label, unit, desc)
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
	GS_N_METRICS
};

enum gs_class_metric {
#define GS_METRIC(name, units, kind, a, b, label, unit, desc)
#define GS_CLASS_METRIC(name, units, kind, a, b, label, unit, desc) GS_CM_##name,
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
	GS_N_CLASS_METRICS
};

enum gs_team_metric {
#define GS_METRIC(name, units, kind, a, b, label, unit, desc)
#define GS_CLASS_METRIC(name, units, kind, a, b, label, unit, desc)
#define GS_TEAM_METRIC(name, units, kind, a, b, label, unit, desc) GS_TM_##name,
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
#undef GS_TEAM_METRIC
	GS_N_TEAM_METRICS
};

/* How values of a metric add up over intervals (metrics.def explains each). */
enum gs_aggregation { GS_AGG_FLOW, GS_AGG_STOCK, GS_AGG_WEIGHTED, GS_AGG_RATIO };

struct gs_metric_info {
	const char *name;
	const char *units;     /* as in the file's `units` attribute: "needs", "1", "h" */
	enum gs_aggregation agg;
	const char *a, *b;     /* WEIGHTED: a the weight; RATIO: a / b (metric sums) */
	const char *label;     /* for people: "needs met" (attribute long_name) */
	const char *unit_text; /* the unit in words: "share of contacts" */
	const char *desc;
};

extern const struct gs_metric_info gs_metric_table[GS_N_METRICS];

/* Per-class breakdowns: dataset "<name>_by_class", dimensions (run, class, time). */
extern const struct gs_metric_info gs_class_metric_table[GS_N_CLASS_METRICS];

/* Per-team breakdowns: dataset "<name>_by_team", dimensions (run, team, time). */
extern const struct gs_metric_info gs_team_metric_table[GS_N_TEAM_METRICS];

/* gs_aggregation_name - "flow", "stock", "weighted" or "ratio". */
const char *gs_aggregation_name(enum gs_aggregation agg);

/*
 * gs_metric_over - the value of metric m of `table` (n metrics) over the
 * output intervals [t0, t1), by its aggregation: the sum of a flow, the
 * mean over time of a stock, a share or mean weighted by its count, a ratio
 * of sums; intervals with NaN are left out, and a value with nothing to
 * weigh or divide by is NaN. Metric j's value at interval t is
 * series[j * stride + t] (stride: n_time for a run's series; n_classes *
 * n_time for its class series, with series offset to the class's row).
 */
double gs_metric_over(const struct gs_metric_info *table, int n, const double *series,
		      size_t stride, int m, size_t t0, size_t t1);

/*
 * gs_metric_terms - the metrics a value of metric m is made of over
 * intervals: m itself, then those its a and b name (up to max, into idx).
 * Returns how many.
 */
int gs_metric_terms(const struct gs_metric_info *table, int n, int m, int *idx, int max);

/*
 * gs_metric_check_table - every a and b of the table names metrics of the
 * same table, as its aggregation needs. Returns 0, or -1 with the first
 * problem in err.
 */
int gs_metric_check_table(const struct gs_metric_info *table, int n, char *err, size_t errlen);

/* gs_metric_units_text - "1 (share of contacts)", or "needs" where the two say the same. */
void gs_metric_units_text(const struct gs_metric_info *in, char *buf, size_t n);

/* gs_class_metric_find - the index of a per-class metric by name (without "_by_class"), or -1. */
int gs_class_metric_find(const char *name);

/* gs_team_metric_find - the index of a per-team metric by name (without "_by_team"), or -1. */
int gs_team_metric_find(const char *name);

/* gs_metric_find - the index of a metric by name, or -1. */
int gs_metric_find(const char *name);

/* gs_metrics_print - the table as text, or Markdown (docs/metrics.md), to f. */
void gs_metrics_print(FILE *f, bool markdown);

/*
 * gs_metrics_print_tsv - every dataset of the metrics (breakdowns as
 * <name>_by_class, <name>_by_team) as tab-separated values for scripts:
 * metric, label, units, aggregation, weight (weighted), numerator and
 * denominator (ratio).
 */
void gs_metrics_print_tsv(FILE *f);

#endif
