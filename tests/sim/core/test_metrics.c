/*
 * test_metrics.c - the metrics table: every aggregation names metrics that
 * exist, and each kind adds up intervals as metrics.def says (known answers).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"

static void test_tables_consistent(void **state)
{
	(void)state;
	char err[256] = "";
	if (gs_metric_check_table(gs_metric_table, GS_N_METRICS, err, sizeof(err)) ||
	    gs_metric_check_table(gs_class_metric_table, GS_N_CLASS_METRICS, err, sizeof(err)) ||
	    gs_metric_check_table(gs_team_metric_table, GS_N_TEAM_METRICS, err, sizeof(err))) {
		print_error("%s\n", err);
		fail();
	}
	/* names are unique */
	for (int a = 0; a < GS_N_METRICS; a++)
		assert_int_equal(gs_metric_find(gs_metric_table[a].name), a);
	for (int a = 0; a < GS_N_CLASS_METRICS; a++)
		assert_int_equal(gs_class_metric_find(gs_class_metric_table[a].name), a);
	for (int a = 0; a < GS_N_TEAM_METRICS; a++)
		assert_int_equal(gs_team_metric_find(gs_team_metric_table[a].name), a);
}

/* A table that names a metric it does not have, or lacks a weight, is refused. */
static void test_check_refuses(void **state)
{
	(void)state;
	char err[256];
	struct gs_metric_info t[2] = {
		{"n", "cases", GS_AGG_FLOW, "", "", "n", "cases", "a count"},
		{"share", "1", GS_AGG_WEIGHTED, "n", "", "share", "share of n", "a share"},
	};
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), 0);
	t[1].a = "m";
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "share (weighted)"));
	t[1].a = "";
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), -1);
	t[1].a = "n +n";
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), -1);
	t[1].a = "n";
	t[0].b = "n"; /* a flow takes no denominator */
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), -1);
	t[0].b = "";
	t[0].label = "";
	assert_int_equal(gs_metric_check_table(t, 2, err, sizeof(err)), -1);
}

/* Known answers for every kind, with NaN intervals left out. */
static void test_over(void **state)
{
	(void)state;
	const struct gs_metric_info t[6] = {
		{"a", "x", GS_AGG_FLOW, "", "", "a", "x", ""},
		{"b", "x", GS_AGG_FLOW, "", "", "b", "x", ""},
		{"level", "x", GS_AGG_STOCK, "", "", "level", "x", ""},
		{"share", "1", GS_AGG_WEIGHTED, "a - b", "", "share", "1", ""},
		{"ratio", "1", GS_AGG_RATIO, "b", "a + b", "ratio", "1", ""},
		{"empty", "x", GS_AGG_FLOW, "", "", "empty", "x", ""},
	};
	/* four intervals, metric-major */
	const double s[6 * 4] = {
		10, 4, 6, 0,         /* a */
		2, 1, 6, 0,          /* b */
		1, NAN, 3, 5,        /* level */
		0.5, 1, NAN, NAN,    /* share: weights a - b = 8, 3, 0, 0 */
		NAN, NAN, NAN, NAN,  /* ratio: computed from a and b only */
		NAN, NAN, NAN, NAN,  /* empty */
	};
	assert_double_close(gs_metric_over(t, 6, s, 4, 0, 0, 4), 20, 0);
	assert_double_close(gs_metric_over(t, 6, s, 4, 0, 1, 3), 10, 0);
	assert_double_close(gs_metric_over(t, 6, s, 4, 2, 0, 4), 3, 0);
	assert_double_close(gs_metric_over(t, 6, s, 4, 3, 0, 4), (0.5 * 8 + 1 * 3) / 11.0, 1e-15);
	assert_double_close(gs_metric_over(t, 6, s, 4, 4, 0, 4), 9.0 / 29.0, 1e-15);
	assert_true(isnan(gs_metric_over(t, 6, s, 4, 5, 0, 4)));
	/* nothing to weigh: NaN */
	assert_true(isnan(gs_metric_over(t, 6, s, 4, 3, 2, 4)));
	assert_true(isnan(gs_metric_over(t, 6, s, 4, 4, 3, 4)));
}

/* The shipped table: failure_demand_share is a ratio of sums, not a mean of shares. */
static void test_shipped_ratio(void **state)
{
	(void)state;
	size_t n_time = 2;
	double *s = calloc(GS_N_METRICS * n_time, sizeof(double));
	s[GS_M_contacts_value * n_time + 0] = 90;
	s[GS_M_contacts_failure * n_time + 0] = 10;
	s[GS_M_contacts_value * n_time + 1] = 1;
	s[GS_M_contacts_failure * n_time + 1] = 9;
	s[GS_M_failure_demand_share * n_time + 0] = 0.1;
	s[GS_M_failure_demand_share * n_time + 1] = 0.9;
	assert_double_close(gs_metric_over(gs_metric_table, GS_N_METRICS, s, n_time,
					   GS_M_failure_demand_share, 0, n_time),
			    19.0 / 110.0, 1e-15);
	assert_int_equal(gs_metric_table[GS_M_failure_demand_share].agg, GS_AGG_RATIO);
	assert_string_equal(gs_aggregation_name(GS_AGG_WEIGHTED), "weighted");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_consistent),
		cmocka_unit_test(test_check_refuses),
		cmocka_unit_test(test_over),
		cmocka_unit_test(test_shipped_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
