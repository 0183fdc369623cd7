/*
 * report.c - whole-run summaries and the comparison table.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static double col_sum(const double *series, size_t n_time, int m)
{
	double s = 0;
	for (size_t t = 0; t < n_time; t++) {
		double v = series[(size_t)m * n_time + t];
		if (!isnan(v))
			s += v;
	}
	return s;
}

/* Sum over time of metric m weighted by metric wm (e.g. a share times its denominator). */
static double col_wsum(const double *series, size_t n_time, int m, int wm)
{
	double s = 0;
	for (size_t t = 0; t < n_time; t++) {
		double v = series[(size_t)m * n_time + t], wt = series[(size_t)wm * n_time + t];
		if (!isnan(v) && !isnan(wt))
			s += v * wt;
	}
	return s;
}

static double div0(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

void gs_summarise(const double *series, size_t n_time, double out[GS_N_SUMMARY])
{
	double met = col_sum(series, n_time, GS_M_needs_met);
	double met_self = col_sum(series, n_time, GS_M_needs_met_self);
	double value = col_sum(series, n_time, GS_M_contacts_value);
	double failure = col_sum(series, n_time, GS_M_contacts_failure);
	double cost = col_sum(series, n_time, GS_M_cost_total);
	out[GS_S_needs_met] = met;
	out[GS_S_failure_demand_share] = div0(failure, value + failure);
	double measured = col_sum(series, n_time, GS_M_cases_measured);
	out[GS_S_within_target_recorded] =
		div0(col_wsum(series, n_time, GS_M_within_target_recorded, GS_M_cases_measured), measured);
	/* needs that ended after reaching the service: met by it, or given up */
	double ended = 0, within = 0;
	for (size_t t = 0; t < n_time; t++) {
		double n = series[GS_M_needs_met * n_time + t] - series[GS_M_needs_met_self * n_time + t] +
			   series[GS_M_needs_abandoned * n_time + t];
		double v = series[GS_M_within_target_true * n_time + t];
		if (n > 0 && !isnan(v)) {
			within += v * n;
			ended += n;
		}
	}
	out[GS_S_within_target_true] = div0(within, ended);
	/* needs met by the service in each interval = needs_met - needs_met_self */
	double ttc = 0, n_service = 0;
	for (size_t t = 0; t < n_time; t++) {
		double n = series[GS_M_needs_met * n_time + t] - series[GS_M_needs_met_self * n_time + t];
		double v = series[GS_M_time_to_close_true_mean * n_time + t];
		if (n > 0 && !isnan(v)) {
			ttc += v * n;
			n_service += n;
		}
	}
	out[GS_S_time_to_close_true_mean] = div0(ttc, n_service);
	out[GS_S_wellbeing_mean] = div0(col_sum(series, n_time, GS_M_wellbeing_mean), (double)n_time);
	out[GS_S_trust_end] = n_time ? series[GS_M_trust_mean * n_time + n_time - 1] : NAN;
	out[GS_S_cost_per_need_met] = div0(cost, met - met_self);
}

void gs_report_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary)
{
	static const char *labels[] = {
#define GS_SUMMARY_LABEL(name, label, fmt) label,
		GS_SUMMARIES(GS_SUMMARY_LABEL)
#undef GS_SUMMARY_LABEL
	};
	static const char *fmts[] = {
#define GS_SUMMARY_FMT(name, label, fmt) fmt,
		GS_SUMMARIES(GS_SUMMARY_FMT)
#undef GS_SUMMARY_FMT
	};
	size_t reps = meta->n_arms ? meta->n_runs / meta->n_arms : 0;
	size_t width = 22;
	fprintf(f, "%-*s", (int)width, reps > 1 ? "outcome (mean +- 95% CI)" : "outcome");
	for (size_t a = 0; a < meta->n_arms; a++)
		fprintf(f, " %18s", meta->arm_names[a]);
	fputc('\n', f);
	for (int s = 0; s < GS_N_SUMMARY; s++) {
		fprintf(f, "%-*s", (int)width, labels[s]);
		for (size_t a = 0; a < meta->n_arms; a++) {
			double sum = 0, sq = 0;
			size_t n = 0;
			for (size_t r = 0; r < reps; r++) {
				double v = summary[(a * reps + r) * GS_N_SUMMARY + (size_t)s];
				if (!isnan(v)) {
					sum += v;
					sq += v * v;
					n++;
				}
			}
			char cell[80], num[32];
			double mean = n ? sum / (double)n : NAN;
			snprintf(num, sizeof(num), fmts[s], mean);
			char *p = num;
			while (*p == ' ')
				p++;
			if (n > 1) {
				double var = (sq - sum * sum / (double)n) / (double)(n - 1);
				double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) *
					      sqrt(var > 0 ? var : 0) / sqrt((double)n);
				char h[32];
				snprintf(h, sizeof(h), fmts[s], half);
				char *q = h;
				while (*q == ' ')
					q++;
				snprintf(cell, sizeof(cell), "%s +- %s", p, q);
			} else {
				snprintf(cell, sizeof(cell), "%s", p);
			}
			fprintf(f, " %18s", cell);
		}
		fputc('\n', f);
	}
}
