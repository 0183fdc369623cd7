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
#define GS_METRIC(name, units, desc) GS_M_##name,
#define GS_CLASS_METRIC(name, units, desc)
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
	GS_N_METRICS
};

enum gs_class_metric {
#define GS_METRIC(name, units, desc)
#define GS_CLASS_METRIC(name, units, desc) GS_CM_##name,
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
	GS_N_CLASS_METRICS
};

struct gs_metric_info {
	const char *name;
	const char *units;
	const char *desc;
};

extern const struct gs_metric_info gs_metric_table[GS_N_METRICS];

/* Per-class breakdowns: dataset "<name>_by_class", dimensions (run, class, time). */
extern const struct gs_metric_info gs_class_metric_table[GS_N_CLASS_METRICS];

/* gs_metric_find - the index of a metric by name, or -1. */
int gs_metric_find(const char *name);

/* gs_metrics_print - the table as text, or Markdown (docs/metrics.md), to f. */
void gs_metrics_print(FILE *f, bool markdown);

#endif
