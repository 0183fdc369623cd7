/*
 * measure.h - turning the world's tallies into the output metrics
 * (docs/ODD.md, 4. Design concepts: Observation; the metrics: docs/metrics.md).
 */
#ifndef GS_MEASURE_H
#define GS_MEASURE_H

#include <stddef.h>

#include "models/world.h"

/*
 * gs_measure_interval - write every metric of the interval that ends now
 * into column `col` of series ([GS_N_METRICS][n_time], metric-major) and of
 * class_series ([GS_N_CLASS_METRICS][n_classes][n_time]), then start a new
 * interval.
 */
void gs_measure_interval(struct gs_world *w, double *series, double *class_series, size_t n_time,
			 size_t col);

/*
 * gs_measure_teams - write every per-team metric of the interval that ends
 * now into column `col` of team_series ([GS_N_TEAM_METRICS][n_slots][n_time]:
 * the first n_teams of the n_slots team rows; NULL writes nothing), then
 * start the teams' new interval.
 */
void gs_measure_teams(struct gs_world *w, double *team_series, size_t n_slots, size_t n_time,
		      size_t col);

/* gs_quantile_rank - the k-th smallest of a[0..n), 0-based (reorders a). */
double gs_quantile_rank(float *a, size_t n, size_t k);

/* gs_quantile_f - the q-quantile of a[0..n): its floor(q (n - 1))-th smallest (reorders a). */
double gs_quantile_f(float *a, size_t n, double q);

#endif
