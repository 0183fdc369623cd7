/*
 * measure.c - metrics of an output interval: flows from the tallies,
 * stocks of citizens from the census kept by events (census.h), of
 * workers and teams from a count of them.
 */
#include "models/measure.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/census.h"
#include "models/worker.h"
#include "sim/core/metrics.h"

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

double gs_quantile_rank(float *a, size_t n, size_t k)
{
	return n ? select_k(a, n, k) : NAN;
}

double gs_quantile_f(float *a, size_t n, double q)
{
	if (n == 0)
		return NAN;
	/* the lower of the two order statistics around q (n - 1) */
	size_t k = (size_t)floor(q * (double)(n - 1));
	return select_k(a, n, k);
}

void gs_measure_interval(struct gs_world *w, double *series, double *class_series, size_t n_time,
			 size_t col)
{
	struct gs_tally *t = &w->tally;
	double v[GS_N_METRICS];
	int32_t now = w->tick + 1; /* the interval ends at the end of this tick */

	double wb_sum, trust_sum, wb_p10;
	if (gs_census_stocks(w, now, &wb_sum, &trust_sum, &wb_p10))
		wb_sum = trust_sum = wb_p10 = NAN; /* out of memory: the stocks are missing */
	if (w->census.check) {
		/* GOVSIM_CHECK=census: the census kept by events against every citizen's */
		char err[512];
		if (gs_census_compare(w, now, err, sizeof(err))) {
			fprintf(stderr, "govsim: GOVSIM_CHECK=census failed: %s\n", err);
			abort();
		}
	}
	size_t queued = 0;
	for (size_t k = 0; k < w->n_teams; k++)
		queued += w->queue[k].len;
	double skill = 0, motivation = 0, wtrust = 0, stress = 0;
	size_t in_post = 0, sick = 0, vacant = 0;
	for (size_t i = 0; i < w->n_workers; i++) {
		if (w->w_status[i] == GS_W_VACANT) {
			vacant++;
			continue;
		}
		sick += w->w_status[i] == GS_W_SICK;
		in_post++;
		skill += w->w_skill[i];
		motivation += w->w_motivation[i];
		wtrust += w->w_trust[i];
		stress += w->w_stress[i];
	}
	/* consistency: the spread between workers of the share of components they took on */
	double o_sum = 0, o_sq = 0;
	size_t n_off = 0;
	for (size_t i = 0; i < w->n_workers; i++) {
		if (w->w_offer_left[i] > 0) {
			double share = (double)w->w_offered[i] / (double)w->w_offer_left[i];
			o_sum += share;
			o_sq += share * share;
			n_off++;
		}
		w->w_offered[i] = w->w_offer_left[i] = 0;
	}
	double spread = NAN;
	if (n_off > 1) {
		double mean = o_sum / (double)n_off;
		double var = (o_sq - (double)n_off * mean * mean) / (double)(n_off - 1);
		spread = sqrt(var > 0 ? var : 0);
	}
	double knowhow = 0, barrier = 0, target = 0;
	for (size_t k = 0; k < w->n_teams; k++) {
		knowhow += w->team[k].knowhow;
		barrier += w->team[k].barrier;
		target += w->team[k].target;
	}

	/* flows: the tally's fields carry the metrics' names */
#define GS_TALLY_IF_FLOW(name) v[GS_M_##name] = t->name;
#define GS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#define GS_CLASS_METRIC(name, ...)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
	v[GS_M_needs_pending] = (double)w->n_pending;
	v[GS_M_needs_in_service] = (double)w->n_in_service;
	v[GS_M_needs_unmet] = (double)(w->n_pending + w->n_in_service);
	v[GS_M_failure_demand_share] = ratio(t->contacts_failure,
					     t->contacts_value + t->contacts_failure);
	v[GS_M_queue_length] = (double)queued;
	v[GS_M_within_target_recorded] = ratio(t->closed_within_rec, t->cases_measured);
	v[GS_M_within_target_audited] = ratio(t->closed_within_audited, t->cases_measured_audited);
	v[GS_M_within_target_true] =
		ratio(t->met_within_true, t->needs_met_service + t->needs_abandoned);
	v[GS_M_time_to_close_recorded_mean] = gs_ticks_to_days(w, ratio(t->ttc_rec_sum, t->cases_closed));
	v[GS_M_time_to_close_true_mean] =
		gs_ticks_to_days(w, ratio(t->ttc_true_sum, t->needs_met_service));
	v[GS_M_wellbeing_mean] = ratio(wb_sum, (double)w->n_cit);
	v[GS_M_wellbeing_p10] = wb_p10;
	v[GS_M_trust_mean] = ratio(trust_sum, (double)w->n_cit);
	v[GS_M_worker_skill_mean] = ratio(skill, (double)in_post);
	v[GS_M_offer_spread] = spread;
	v[GS_M_met_share_simple] = ratio(t->needs_met_simple, t->needs_ended_simple);
	v[GS_M_met_share_complex] = ratio(t->needs_met_complex, t->needs_ended_complex);
	v[GS_M_worker_motivation_mean] = ratio(motivation, (double)in_post);
	v[GS_M_worker_trust_mean] = ratio(wtrust, (double)in_post);
	v[GS_M_worker_stress_mean] = ratio(stress, (double)in_post);
	v[GS_M_workers_sick] = (double)sick;
	v[GS_M_workers_vacant] = (double)vacant;
	v[GS_M_knowhow_mean] = knowhow / (double)w->n_teams;
	v[GS_M_barrier_mean] = barrier / (double)w->n_teams;
	v[GS_M_resource_waiting] = (double)w->n_res_wait;
	v[GS_M_cost_per_closure] = ratio(t->cost_total, t->cases_closed);
	v[GS_M_cost_per_need_met] = ratio(t->cost_total, t->needs_met_service);
	v[GS_M_target_value] = target / (double)w->n_teams;

	for (int m = 0; m < GS_N_METRICS; m++)
		series[(size_t)m * n_time + col] = v[m];

	size_t nc = (size_t)w->p->n_classes;
	for (size_t k = 0; k < nc; k++) {
		double cv[GS_N_CLASS_METRICS];
#define GS_TALLY_IF_FLOW(name) cv[GS_CM_##name] = t->by_class.name[k];
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
		cv[GS_CM_time_to_close_true_mean] =
			gs_ticks_to_days(w, ratio(t->by_class.ttc_true_sum[k], t->by_class.needs_met_service[k]));
		if (class_series)
			for (int m = 0; m < GS_N_CLASS_METRICS; m++)
				class_series[((size_t)m * nc + k) * n_time + col] = cv[m];
	}
	memset(t, 0, sizeof(*t));
}

void gs_measure_teams(struct gs_world *w, double *team_series, size_t n_slots, size_t n_time,
		      size_t col)
{
	size_t per = (size_t)w->p->workforce.workers_per_team;
	size_t n = w->n_teams < n_slots ? w->n_teams : n_slots;
	for (size_t k = 0; team_series && k < n; k++) {
		const struct gs_team_tally *t = &w->team_tally[k];
		double v[GS_N_TEAM_METRICS];
		size_t sick = 0, in_post = 0;
		double stress = 0;
		for (size_t j = 0; j < per; j++) {
			size_t i = k * per + j;
			if (w->w_status[i] == GS_W_VACANT)
				continue;
			sick += w->w_status[i] == GS_W_SICK;
			in_post++;
			stress += w->w_stress[i];
		}
#define GS_TALLY_IF_FLOW(name) v[GS_TM_##name] = t->name;
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, ...)
#define GS_TEAM_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#include "sim/core/metrics.def"
#undef GS_TEAM_METRIC
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
		v[GS_TM_within_target_recorded] = ratio(t->closed_within_rec, t->cases_measured);
		v[GS_TM_within_target_audited] =
			ratio(t->closed_within_audited, t->cases_measured_audited);
		v[GS_TM_within_target_true] =
			ratio(t->met_within_true, t->needs_met_service + t->needs_abandoned);
		v[GS_TM_workers_sick] = (double)sick;
		v[GS_TM_worker_stress_mean] = ratio(stress, (double)in_post);
		v[GS_TM_queue_length] = (double)w->queue[k].len;
		v[GS_TM_pressure_felt] = gs_team_pressure(w, k);
		for (int m = 0; m < GS_N_TEAM_METRICS; m++)
			team_series[((size_t)m * n_slots + k) * n_time + col] = v[m];
	}
	memset(w->team_tally, 0, w->n_teams * sizeof(*w->team_tally));
}
