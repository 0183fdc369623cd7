/*
 * test_levers.c - every regime lever cuts both ways.
 *
 * For each lever, two services of tests/levers/: one where raising the
 * lever helps the citizen outcome it is meant to help (needs met), one
 * where it hurts. Each scenario has two arms, the lever low and high, on
 * the same citizens (common random numbers); the paired difference high -
 * low of needs met over the run, across the replications, must have a 95%
 * confidence interval that excludes zero on the side the row states. The
 * services set the strengths of the mechanisms they rest on (effort under
 * pressure, the misfit of a script, errors under discretion, ...): each
 * lever's effect comes out of the mechanisms, never from its name.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sim/core/metrics.h"
#include "sim/engine/engine.h"
#include "sim/plan/scenario.h"

struct row {
	const char *lever;
	const char *file; /* tests/levers/<file>.ini */
	int sign;         /* +1: raising the lever helps, -1: it hurts */
};

static const struct row rows[] = {
	{"regime.target_pressure", "pressure_helps", +1},
	{"regime.target_pressure", "pressure_hurts", -1},
	{"regime.standardisation", "standardisation_helps", +1},
	{"regime.standardisation", "standardisation_hurts", -1},
	{"regime.discretion", "discretion_helps", +1},
	{"regime.discretion", "discretion_hurts", -1},
	{"regime.learning_time", "learning_helps", +1},
	{"regime.learning_time", "learning_hurts", -1},
	{"regime.reporting_burden", "reporting_helps", +1},
	{"regime.reporting_burden", "reporting_hurts", -1},
};

/* The paired differences high - low of needs met over the run, per replication. */
static void run_pairs(const char *path, double *diff, size_t *n_reps)
{
	struct gs_scenario sc;
	struct gs_plan plan;
	assert_int_equal(gs_test_load(path, NULL, 0, &sc, &plan), 0);
	assert_int_equal(sc.n_arms, 2);
	assert_string_equal(sc.arms[0].name, "low");
	size_t reps = (size_t)sc.arm_params[0].simulation.replications, n_time, n_bins;
	gs_run_shape(&sc.arm_params[0], &n_time, &n_bins);
	double met[2][64];
	assert_true(reps <= 64);
	int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) default(none) \
	shared(plan, sc, reps, n_time, n_bins, met, failed, gs_metric_table)
	for (size_t i = 0; i < 2 * reps; i++) {
		size_t a = i / reps, r = i % reps;
		struct gs_run_result x = {0};
		x.arm = (int)a;
		x.replication = (int)r;
		x.seed = gs_plan_seed(&plan, 0, r);
		x.series = calloc(GS_N_METRICS * n_time, sizeof(double));
		x.class_series = calloc(GS_N_CLASS_METRICS * (size_t)sc.arm_params[0].n_classes * n_time,
					sizeof(double));
		x.hist_recorded = calloc(n_bins, sizeof(double));
		x.hist_true = calloc(n_bins, sizeof(double));
		if (!x.series || !x.class_series || !x.hist_recorded || !x.hist_true ||
		    gs_run(&plan, a, x.seed, &x, NULL, NULL)) {
#pragma omp atomic write
			failed = 1;
		} else {
			met[a][r] = gs_metric_over(gs_metric_table, GS_N_METRICS, x.series, n_time,
						   GS_M_needs_met, 0, n_time);
		}
		free(x.series);
		free(x.class_series);
		free(x.hist_recorded);
		free(x.hist_true);
	}
	assert_int_equal(failed, 0);
	for (size_t r = 0; r < reps; r++)
		diff[r] = met[1][r] - met[0][r];
	*n_reps = reps;
	gs_plan_free(&plan);
	gs_scenario_free(&sc);
}

static void test_levers_cut_both_ways(void **state)
{
	(void)state;
	const char *root = getenv("GOVSIM_SRCDIR") ? getenv("GOVSIM_SRCDIR") : ".";
	int wrong = 0;
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/tests/levers/%s.ini", root, rows[k].file);
		double diff[64];
		size_t n;
		run_pairs(path, diff, &n);
		double mean = 0, ss = 0;
		for (size_t r = 0; r < n; r++)
			mean += diff[r] / (double)n;
		for (size_t r = 0; r < n; r++)
			ss += (diff[r] - mean) * (diff[r] - mean);
		double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sqrt(ss / (double)(n - 1)) /
			      sqrt((double)n);
		bool holds = rows[k].sign > 0 ? mean - half > 0 : mean + half < 0;
		print_message("%-24s %-22s %-6s needs met %+8.0f +- %5.0f  %s\n", rows[k].lever,
			      rows[k].file, rows[k].sign > 0 ? "helps" : "hurts", mean, half,
			      holds ? "holds" : "DOES NOT HOLD");
		wrong += !holds;
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levers_cut_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
