/*
 * report.c - whole-run summaries and the comparison table.
 */
#include "sim/app/report.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

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
	double wb = 0, n_wb = 0;
	for (size_t t = 0; t < n_time; t++)
		if (!isnan(series[GS_M_wellbeing_mean * n_time + t])) {
			wb += series[GS_M_wellbeing_mean * n_time + t];
			n_wb++;
		}
	out[GS_S_wellbeing_mean] = div0(wb, n_wb);
	out[GS_S_trust_end] = n_time ? series[GS_M_trust_mean * n_time + n_time - 1] : NAN;
	out[GS_S_cost_per_need_met] = div0(cost, met - met_self);
}

/* "mean" or "mean +- half-width of the 95% CI" of the non-NaN values, in fmt. */
static void cell_text(const double *v, size_t n_all, size_t stride, const char *fmt, char *cell,
		      size_t len)
{
	double *x = malloc((n_all ? n_all : 1) * sizeof(*x));
	size_t n = 0;
	for (size_t i = 0; x && i < n_all; i++)
		if (!isnan(v[i * stride]))
			x[n++] = v[i * stride];
	char num[40];
	snprintf(num, sizeof(num), fmt, n ? gsl_stats_mean(x, 1, n) : NAN);
	char *p = num;
	while (*p == ' ')
		p++;
	if (n > 1) {
		double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd(x, 1, n) /
			      sqrt((double)n);
		char h[40], hfmt[16];
		/* the half-width carries no sign */
		snprintf(hfmt, sizeof(hfmt), "%s", fmt);
		if (hfmt[1] == '+')
			memmove(hfmt + 1, hfmt + 2, strlen(hfmt + 1));
		snprintf(h, sizeof(h), hfmt, half);
		char *q = h;
		while (*q == ' ')
			q++;
		snprintf(cell, len, "%s +- %s", p, q);
	} else {
		snprintf(cell, len, "%s", p);
	}
	free(x);
}

void gs_report_columns(FILE *f, size_t n_arms, const char *const *arm_names, size_t per_arm,
		       const double *values, size_t n_cols, const char *const *labels,
		       const char *const *fmts, bool paired)
{
	size_t width = 24;
	double *diff = paired ? malloc((per_arm ? per_arm : 1) * sizeof(*diff)) : NULL;
	if (paired && (!diff || n_arms < 2)) {
		free(diff);
		return;
	}
	if (paired)
		fprintf(f, "%-*s", (int)width, per_arm > 1 ? "paired: arm - first arm" : "arm - first arm");
	else
		fprintf(f, "%-*s", (int)width, per_arm > 1 ? "outcome (mean +- 95% CI)" : "outcome");
	for (size_t a = paired ? 1 : 0; a < n_arms; a++)
		fprintf(f, " %20s", arm_names[a]);
	fputc('\n', f);
	for (size_t c = 0; c < n_cols; c++) {
		fprintf(f, "%-*s", (int)width, labels[c]);
		for (size_t a = paired ? 1 : 0; a < n_arms; a++) {
			char cell[96];
			if (paired) {
				/* pairs: the same replication (and sweep point) in both arms */
				for (size_t i = 0; i < per_arm; i++)
					diff[i] = values[(a * per_arm + i) * n_cols + c] -
						  values[i * n_cols + c];
				char fmt[16];
				snprintf(fmt, sizeof(fmt), "%%+%s", fmts[c] + 1);
				cell_text(diff, per_arm, 1, fmt, cell, sizeof(cell));
			} else {
				cell_text(values + a * per_arm * n_cols + c, per_arm, n_cols, fmts[c], cell,
					  sizeof(cell));
			}
			fprintf(f, " %20s", cell);
		}
		fputc('\n', f);
	}
	free(diff);
}

static const char *const summary_labels[] = {
#define GS_SUMMARY_LABEL(name, label, fmt) label,
	GS_SUMMARIES(GS_SUMMARY_LABEL)
#undef GS_SUMMARY_LABEL
};
static const char *const summary_fmts[] = {
#define GS_SUMMARY_FMT(name, label, fmt) fmt,
	GS_SUMMARIES(GS_SUMMARY_FMT)
#undef GS_SUMMARY_FMT
};
static const char *const summary_names[] = {
#define GS_SUMMARY_NAME(name, label, fmt) #name,
	GS_SUMMARIES(GS_SUMMARY_NAME)
#undef GS_SUMMARY_NAME
};

const char *gs_summary_name(int s)
{
	return summary_names[s];
}

void gs_report_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary)
{
	size_t per_arm = meta->n_arms ? meta->n_runs / meta->n_arms : 0;
	gs_report_columns(f, meta->n_arms, meta->arm_names, per_arm, summary, GS_N_SUMMARY,
			  summary_labels, summary_fmts, false);
}

void gs_report_paired(FILE *f, const struct gs_ensemble_meta *meta, const double *summary)
{
	size_t per_arm = meta->n_arms ? meta->n_runs / meta->n_arms : 0;
	gs_report_columns(f, meta->n_arms, meta->arm_names, per_arm, summary, GS_N_SUMMARY,
			  summary_labels, summary_fmts, true);
}
