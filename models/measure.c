/*
 * measure.c - metrics of an output interval: flows from the tallies,
 * stocks from a census of citizens and workers.
 */
#include "measure.h"

#include <math.h>
#include <string.h>

#include "metrics.h"

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

/* Quickselect: the k-th smallest of a[0..n). */
static float select_k(float *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		float pivot = a[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				float tmp = a[i];
				a[i] = a[j];
				a[j] = tmp;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

double gs_quantile_f(float *a, size_t n, double q)
{
	if (n == 0)
		return NAN;
	/* the lower of the two order statistics around q (n - 1) */
	size_t k = (size_t)floor(q * (double)(n - 1));
	return select_k(a, n, k);
}

void gs_measure_interval(struct gs_world *w, double *series, size_t n_time, size_t col)
{
	struct gs_tally *t = &w->tally;
	double v[GS_N_METRICS];
	int32_t now = w->tick + 1; /* the interval ends at the end of this tick */

	double wb_sum = 0, trust_sum = 0;
	for (size_t c = 0; c < w->n_cit; c++) {
		float wb = (float)gs_wellbeing(w, (int32_t)c, now);
		w->scratch[c] = wb;
		wb_sum += wb;
		trust_sum += w->trust[c];
	}
	size_t queued = 0;
	for (size_t k = 0; k < w->n_teams; k++)
		queued += w->queue[k].len;
	double skill = 0;
	for (size_t i = 0; i < w->n_workers; i++)
		skill += w->w_skill[i];

	v[GS_M_needs_arising] = t->needs_arising;
	v[GS_M_needs_met] = t->needs_met;
	v[GS_M_needs_met_self] = t->needs_met_self;
	v[GS_M_needs_abandoned] = t->needs_abandoned;
	v[GS_M_needs_pending] = (double)w->n_pending;
	v[GS_M_needs_in_service] = (double)w->n_in_service;
	v[GS_M_needs_unmet] = (double)(w->n_pending + w->n_in_service);
	v[GS_M_contacts_value] = t->contacts_value;
	v[GS_M_contacts_failure] = t->contacts_failure;
	v[GS_M_failure_demand_share] = ratio(t->contacts_failure,
					     t->contacts_value + t->contacts_failure);
	v[GS_M_queue_length] = (double)queued;
	v[GS_M_cases_opened] = t->cases_opened;
	v[GS_M_cases_closed] = t->cases_closed;
	v[GS_M_within_target_recorded] = ratio(t->closed_within_rec, t->cases_closed);
	v[GS_M_within_target_true] = ratio(t->closed_within_true, t->cases_closed);
	v[GS_M_time_to_close_recorded_mean] = gs_ticks_to_days(w, ratio(t->ttc_rec_sum, t->cases_closed));
	v[GS_M_time_to_close_true_mean] =
		gs_ticks_to_days(w, ratio(t->ttc_true_sum, t->needs_met_service));
	v[GS_M_wellbeing_mean] = ratio(wb_sum, (double)w->n_cit);
	v[GS_M_wellbeing_p10] = gs_quantile_f(w->scratch, w->n_cit, 0.1);
	v[GS_M_trust_mean] = ratio(trust_sum, (double)w->n_cit);
	v[GS_M_hours_casework] = t->hours_casework;
	v[GS_M_hours_contact] = t->hours_contact;
	v[GS_M_hours_reporting] = t->hours_reporting;
	v[GS_M_hours_learning] = t->hours_learning;
	v[GS_M_hours_idle] = t->hours_idle;
	v[GS_M_worker_skill_mean] = ratio(skill, (double)w->n_workers);
	v[GS_M_cost_total] = t->cost;
	v[GS_M_cost_per_closure] = ratio(t->cost, t->cases_closed);
	v[GS_M_cost_per_need_met] = ratio(t->cost, t->needs_met_service);
	v[GS_M_target_value] = w->target;

	for (int m = 0; m < GS_N_METRICS; m++)
		series[(size_t)m * n_time + col] = v[m];

	double review_closed = t->review_closed, review_within = t->review_within;
	memset(t, 0, sizeof(*t));
	t->review_closed = review_closed;
	t->review_within = review_within;
}
