/*
 * test_measure.c - metrics of an output interval (models/measure.c): the
 * quantile, shares and their NaNs, stocks against a census of the world,
 * flows summing to the run's totals.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/citizen.h"
#include "models/measure.h"
#include "sim/core/metrics.h"
#include "models/world.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* A small deterministic generator for test data. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* gs_quantile_f(a, n, q) is the sorted array's element floor(q (n - 1)); a keeps its values. */
static void check_quantiles(const float *a, size_t n)
{
	static const double qs[] = {0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1};
	float *sorted = malloc(n * sizeof(*sorted));
	float *work = malloc(n * sizeof(*work));
	memcpy(sorted, a, n * sizeof(*a));
	qsort(sorted, n, sizeof(*sorted), cmp_float);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		memcpy(work, a, n * sizeof(*a));
		double got = gs_quantile_f(work, n, qs[i]);
		double want = sorted[(size_t)floor(qs[i] * (double)(n - 1))];
		if (got != want) {
			print_error("n %zu, q %g: got %g, want %g\n", n, qs[i], got, want);
			fail();
		}
		/* reordered, not changed */
		qsort(work, n, sizeof(*work), cmp_float);
		assert_memory_equal(work, sorted, n * sizeof(*work));
	}
	free(sorted);
	free(work);
}

static void test_quantile_small(void **state)
{
	(void)state;
	float one[] = {0.3f};
	check_quantiles(one, 1);
	float two[] = {0.9f, 0.1f};
	check_quantiles(two, 2);
	float three[] = {0.5f, 0.2f, 0.8f};
	check_quantiles(three, 3);
	float dup[] = {0.5f, 0.5f, 0.1f, 0.5f, 0.9f, 0.1f, 0.5f};
	check_quantiles(dup, 7);
	float same[] = {0.4f, 0.4f, 0.4f, 0.4f, 0.4f};
	check_quantiles(same, 5);
	float up[11], down[11];
	for (int i = 0; i < 11; i++) {
		up[i] = (float)i / 10;
		down[i] = 1 - (float)i / 10;
	}
	check_quantiles(up, 11);
	check_quantiles(down, 11);
	/* the lower order statistic: median of 4 is the 2nd smallest */
	float four[] = {4, 1, 3, 2};
	assert_double_close(gs_quantile_f(four, 4, 0.5), 2, 0);
	float ten[] = {9, 0, 8, 1, 7, 2, 6, 3, 5, 4};
	assert_double_close(gs_quantile_f(ten, 10, 0.1), 0, 0);
	assert_double_close(gs_quantile_f(ten, 10, 0.2), 1, 0);
	assert_double_close(gs_quantile_f(ten, 10, 1), 9, 0);
	assert_true(isnan(gs_quantile_f(NULL, 0, 0.5)));
}

/* Many arrays of many sizes, with and without duplicates. */
static void test_quantile_random(void **state)
{
	(void)state;
	uint32_t s = 12345;
	float *a = malloc(1200 * sizeof(*a));
	for (int trial = 0; trial < 600; trial++) {
		size_t n = 1 + lcg(&s) % (trial < 500 ? 40 : 1200);
		uint32_t levels = trial % 3 == 0 ? 3 : trial % 3 == 1 ? 50 : 1u << 20;
		for (size_t i = 0; i < n; i++)
			a[i] = (float)(lcg(&s) % levels) / (float)levels;
		check_quantiles(a, n);
	}
	free(a);
}

/* Two teams of one worker, 300 citizens with no needs unless a test asks, 100 ticks. */
static void small_params(struct gs_params *p)
{
	gs_test_params(p, 300, 0, 2, 1, 100);
}

/* failure_demand_share = failure / (value + failure); NaN with no contacts. */
static void test_failure_share(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	struct gs_world *w = gs_test_world(&p, 1);
	double series[GS_N_METRICS * 3];
	for (size_t i = 0; i < GS_N_METRICS * 3; i++)
		series[i] = -1;
	w->tally.contacts_value = 3;
	w->tally.contacts_failure = 1;
	w->team[0].review_closed = 4;
	w->team[0].review_within = 2;
	gs_measure_interval(w, series, NULL, 3, 0);
	assert_double_close(series[GS_M_failure_demand_share * 3 + 0], 0.25, 1e-12);
	assert_double_close(series[GS_M_contacts_value * 3 + 0], 3, 0);
	assert_double_close(series[GS_M_contacts_failure * 3 + 0], 1, 0);
	/* the interval's flows start afresh; the review period carries on */
	assert_double_close(w->tally.contacts_value, 0, 0);
	assert_double_close(w->tally.contacts_failure, 0, 0);
	assert_double_close(w->team[0].review_closed, 4, 0);
	assert_double_close(w->team[0].review_within, 2, 0);

	w->tick = 1;
	gs_measure_interval(w, series, NULL, 3, 1);
	assert_true(isnan(series[GS_M_failure_demand_share * 3 + 1]));
	assert_double_close(series[GS_M_contacts_value * 3 + 1], 0, 0);
	/* other shares of nothing are NaN too */
	assert_true(isnan(series[GS_M_within_target_recorded * 3 + 1]));
	assert_true(isnan(series[GS_M_time_to_close_true_mean * 3 + 1]));
	assert_true(isnan(series[GS_M_cost_per_closure * 3 + 1]));

	w->tick = 2;
	w->tally.contacts_failure = 5;
	gs_measure_interval(w, series, NULL, 3, 2);
	assert_double_close(series[GS_M_failure_demand_share * 3 + 2], 1, 0);
	/* the first column was left alone */
	assert_double_close(series[GS_M_failure_demand_share * 3 + 0], 0.25, 1e-12);
	gs_world_free(w);
}

/* Stocks match a census of the world; flows over the intervals sum to the run's totals. */
static void test_stocks_and_flows(void **state)
{
	(void)state;
	struct gs_params p;
	small_params(&p);
	p.cls[0].need_rate = 8;
	p.cls[0].hours_per_component = 6;
	struct gs_world *w = gs_test_world(&p, 2);
	const size_t n_time = 10;
	double *series = calloc(GS_N_METRICS * n_time, sizeof(double));
	double sum[GS_N_METRICS] = {0};
	float *wb = malloc(w->n_cit * sizeof(*wb));
	size_t col = 0;
	size_t max_queue = 0;
	const char *phases = "needs contact casework closure workers managers";
	for (int32_t t = 0; t < w->n_ticks; t++) {
		assert_int_equal(gs_test_phases(w, t, phases), 0);
		if ((t + 1) % 10)
			continue;
		/* the census, before measuring */
		size_t pending = 0, in_service = 0, queued = 0;
		double trust = 0, wb_sum = 0;
		for (size_t c = 0; c < w->n_cit; c++) {
			pending += w->cit[c].state == GS_NEED_PENDING;
			in_service += w->cit[c].state == GS_NEED_IN_SERVICE;
			trust += w->cit[c].trust;
			wb[c] = (float)gs_wellbeing(w, (int32_t)c, t + 1);
			wb_sum += wb[c];
		}
		for (size_t k = 0; k < w->cases.cap; k++)
			queued += w->cases.rec[k].status == GS_CASE_QUEUED;
		qsort(wb, w->n_cit, sizeof(*wb), cmp_float);
		gs_measure_interval(w, series, NULL, n_time, col);
#define AT(m) series[(size_t)GS_M_##m * n_time + col]
		assert_double_close(AT(needs_pending), (double)pending, 0);
		assert_double_close(AT(needs_in_service), (double)in_service, 0);
		assert_double_close(AT(needs_unmet), (double)(pending + in_service), 0);
		assert_double_close(AT(queue_length), (double)queued, 0);
		assert_double_close(AT(trust_mean), trust / (double)w->n_cit, 1e-9);
		assert_double_close(AT(wellbeing_mean), wb_sum / (double)w->n_cit, 1e-6);
		size_t k10 = (size_t)floor(0.1 * (double)(w->n_cit - 1));
		assert_double_close(AT(wellbeing_p10), wb[k10], 0);
		assert_double_close(AT(worker_skill_mean), (w->w_skill[0] + w->w_skill[1]) / 2.0,
				    1e-6);
		assert_double_close(AT(target_value), w->team[0].target, 0);
#undef AT
		for (int m = 0; m < GS_N_METRICS; m++)
			sum[m] += series[(size_t)m * n_time + col];
		if (queued > max_queue)
			max_queue = queued;
		col++;
	}
	assert_int_equal(col, n_time);
	/* the census was not of an empty world */
	assert_true(max_queue > 5);
	assert_true(w->n_pending > 0);
	/* flows: every event counted in exactly one interval */
	assert_double_close(sum[GS_M_needs_arising] - sum[GS_M_needs_joined], (double)w->total_arisen,
			    0);
	assert_double_close(sum[GS_M_needs_met], (double)w->total_met, 0);
	assert_double_close(sum[GS_M_needs_abandoned], (double)w->total_abandoned, 0);
	assert_double_close(sum[GS_M_contacts_value], (double)w->total_value, 0);
	assert_double_close(sum[GS_M_contacts_failure], (double)w->total_failure, 0);
	assert_true(w->total_failure > 0 && w->total_met > 0);
	free(wb);
	free(series);
	gs_world_free(w);
}

/*
 * The equity metrics split the needs that reached the service and ended
 * exactly: simple + complex ended = met by the service + abandoned, and
 * simple + complex met = met by the service, in every interval; the
 * shares are their ratios. Needs of three components on average end
 * complex (two or more components) far more often than needs of one (which
 * grow only when a further need joins them).
 */
static void test_equity_split(void **state)
{
	(void)state;
	double complex_ended[2] = {0, 0};
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		gs_test_params(&p, 1500, 2, 2, 3, 200);
		p.cls[0].complexity_mean = k ? 3 : 1;
		p.output.complex_components = 2;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[0], NULL, NULL);
		for (size_t t = 0; t < x.n_time; t++) {
			double ended = gs_test_value(&x, GS_M_needs_ended_simple, t) +
				       gs_test_value(&x, GS_M_needs_ended_complex, t);
			double met = gs_test_value(&x, GS_M_needs_met_simple, t) +
				     gs_test_value(&x, GS_M_needs_met_complex, t);
			double service = gs_test_value(&x, GS_M_needs_met, t) -
					 gs_test_value(&x, GS_M_needs_met_self, t);
			assert_double_close(ended, service + gs_test_value(&x, GS_M_needs_abandoned, t),
					    1e-9);
			assert_double_close(met, service, 1e-9);
			complex_ended[k] += gs_test_value(&x, GS_M_needs_ended_complex, t);
			double s = gs_test_value(&x, GS_M_met_share_simple, t);
			double e = gs_test_value(&x, GS_M_needs_ended_simple, t);
			if (e > 0)
				assert_double_close(s, gs_test_value(&x, GS_M_needs_met_simple, t) / e,
						    1e-12);
		}
		gs_test_result_free(&x);
	}
	assert_true(complex_ended[1] > 100);
	assert_true(complex_ended[1] > 5 * complex_ended[0]);
}

/*
 * Consistency: workers free to choose (discretion 0.5) who differ in
 * judgement (workforce.judgement_sd) spread their offers more than workers
 * who judge alike, on the same citizens; with no discretion, judgement
 * changes nothing at all.
 */
static void test_offer_spread(void **state)
{
	(void)state;
	double spread[2] = {0, 0};
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		gs_test_params(&p, 3000, 2, 2, 6, 365);
		p.cls[0].complexity_mean = 4;
		p.regime.discretion = 0.5;
		p.workforce.judgement_sd = k ? 0.6 : 0;
		p.output.interval = 365;
		struct gs_test_result x;
		gs_test_run(&x, &p, gs_test_seeds[1], NULL, NULL);
		spread[k] = gs_test_last(&x, GS_M_offer_spread);
		gs_test_result_free(&x);
	}
	assert_false(isnan(spread[0]));
	assert_true(spread[1] > 2 * spread[0]);
	struct gs_test_result y[2];
	for (int k = 0; k < 2; k++) {
		struct gs_params p;
		gs_test_params(&p, 1000, 2, 2, 3, 100);
		p.cls[0].complexity_mean = 4;
		p.regime.discretion = 0;
		p.workforce.judgement_sd = k ? 0.6 : 0;
		gs_test_run(&y[k], &p, gs_test_seeds[1], NULL, NULL);
	}
	for (size_t t = 0; t < y[0].n_time; t++)
		assert_double_close(gs_test_value(&y[0], GS_M_needs_met, t),
				    gs_test_value(&y[1], GS_M_needs_met, t), 0);
	gs_test_result_free(&y[0]);
	gs_test_result_free(&y[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile_small),
		cmocka_unit_test(test_quantile_random),
		cmocka_unit_test(test_failure_share),
		cmocka_unit_test(test_stocks_and_flows),
		cmocka_unit_test(test_equity_split),
		cmocka_unit_test(test_offer_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
