/*
 * test_report.c - whole-run summaries and the comparison table.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"
#include "sim/app/report.h"

#define NT 4

static void set(double *s, int m, double a, double b, double c, double d)
{
	s[m * NT + 0] = a;
	s[m * NT + 1] = b;
	s[m * NT + 2] = c;
	s[m * NT + 3] = d;
}

static void fill(double *s)
{
	for (int i = 0; i < GS_N_METRICS * NT; i++)
		s[i] = NAN;
	set(s, GS_M_needs_met, 10, 20, 30, 40);
	set(s, GS_M_needs_met_self, 0, 10, 0, 0);
	set(s, GS_M_contacts_value, 5, 5, 5, 5);
	set(s, GS_M_contacts_failure, 15, 5, 0, 0);
	set(s, GS_M_cases_closed, 10, 0, 30, 0);
	set(s, GS_M_cases_measured, 10, 0, 20, 0);
	set(s, GS_M_needs_abandoned, 0, 5, 10, 0);
	set(s, GS_M_within_target_recorded, 1.0, NAN, 0.5, NAN);
	set(s, GS_M_within_target_true, 0.5, NAN, 0.0, NAN);
	set(s, GS_M_time_to_close_true_mean, 2.0, 4.0, NAN, 1.0);
	set(s, GS_M_wellbeing_mean, 0.8, 0.6, 0.4, 0.2);
	set(s, GS_M_trust_mean, 0.5, 0.5, 0.5, 0.7);
	set(s, GS_M_cost_total, 100, 100, 100, 100);
}

static void test_summarise(void **state)
{
	(void)state;
	double s[GS_N_METRICS * NT], out[GS_N_SUMMARY];
	fill(s);
	gs_summarise(s, NT, out);
	assert_double_close(out[GS_S_needs_met], 100, 0);
	/* shares are ratios of totals, not means of shares */
	assert_double_close(out[GS_S_failure_demand_share], 20.0 / 40.0, 1e-15);
	/* recorded: over measured cases; true: over needs ended after contact (met by the service + given up) */
	assert_double_close(out[GS_S_within_target_recorded], (10 * 1.0 + 20 * 0.5) / 30.0, 1e-15);
	assert_double_close(out[GS_S_within_target_true], (0.5 * 10 + 0.0 * 40) / 50.0, 1e-15);
	/* true time to close weighted by needs met by the service (met - self) */
	assert_double_close(out[GS_S_time_to_close_true_mean],
			    (2.0 * 10 + 4.0 * 10 + 1.0 * 40) / 60.0, 1e-12);
	assert_double_close(out[GS_S_wellbeing_mean], 0.5, 1e-15);
	assert_double_close(out[GS_S_trust_end], 0.7, 0);
	assert_double_close(out[GS_S_cost_per_need_met], 400.0 / 90.0, 1e-12);
}

static void test_table(void **state)
{
	(void)state;
	double s[GS_N_METRICS * NT];
	fill(s);
	const char *arms[] = {"npm", "hls"};
	double summary[4 * GS_N_SUMMARY];
	for (int r = 0; r < 4; r++)
		gs_summarise(s, NT, summary + r * GS_N_SUMMARY);
	/* replication 1 of arm hls met 20 more needs */
	summary[3 * GS_N_SUMMARY + GS_S_needs_met] += 20;
	struct gs_ensemble_meta meta = {.n_arms = 2, .arm_names = arms, .n_points = 1, .n_reps = 2, .n_runs = 4};
	FILE *f = tmpfile();
	gs_report_table(f, &meta, summary);
	rewind(f);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "npm"));
	assert_non_null(strstr(buf, "hls"));
	assert_non_null(strstr(buf, "95% CI"));
	/* npm: identical replications, zero half-width; hls: 110 +- t(0.975,1) * 10 / sqrt(2) * sqrt(2) */
	assert_non_null(strstr(buf, "100 +- 0"));
	char want[64];
	snprintf(want, sizeof(want), "110 +- %.0f", 12.706204736174707 * 14.142135623730951 / 1.4142135623730951);
	assert_non_null(strstr(buf, want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summarise),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
