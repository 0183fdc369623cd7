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

static const struct {
	const char *name;
	int metric;
	bool at_end;
	const char *fmt;
} summaries[GS_N_SUMMARY] = {
#define GS_SUMMARY_ROW(name, metric, at_end, fmt) {#name, GS_M_##metric, at_end, fmt},
	GS_SUMMARIES(GS_SUMMARY_ROW)
#undef GS_SUMMARY_ROW
};

void gs_summarise(const double *series, size_t n_time, double out[GS_N_SUMMARY])
{
	gs_summarise_span(series, n_time, n_time, out);
}

void gs_summarise_span(const double *series, size_t n_time, size_t t1, double out[GS_N_SUMMARY])
{
	if (t1 > n_time)
		t1 = n_time;
	for (int s = 0; s < GS_N_SUMMARY; s++) {
		int m = summaries[s].metric;
		if (summaries[s].at_end)
			out[s] = t1 ? series[(size_t)m * n_time + t1 - 1] : NAN;
		else
			out[s] = gs_metric_over(gs_metric_table, GS_N_METRICS, series, n_time, m, 0,
						t1);
	}
}

const char *gs_summary_name(int s)
{
	return summaries[s].name;
}

const char *gs_summary_label(int s, char *buf, size_t n)
{
	const char *label = gs_metric_table[summaries[s].metric].label;
	snprintf(buf, n, "%s%s", label, summaries[s].at_end ? " at end" : "");
	return buf;
}

int gs_summary_metric(int s)
{
	return summaries[s].metric;
}

const char *gs_summary_fmt(int s)
{
	return summaries[s].fmt;
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

/* Labels (in buf) and formats of every summary, as columns of a table. */
static void summary_columns(const char **labels, const char **fmts, char buf[][GS_LABEL_MAX])
{
	for (int s = 0; s < GS_N_SUMMARY; s++) {
		labels[s] = gs_summary_label(s, buf[s], GS_LABEL_MAX);
		fmts[s] = gs_summary_fmt(s);
	}
}

/* Every summary of every run, by arm: the table, or with `paired` the differences. */
static void summary_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary,
			  bool paired)
{
	size_t per_arm = meta->n_arms ? meta->n_runs / meta->n_arms : 0;
	const char *labels[GS_N_SUMMARY], *fmts[GS_N_SUMMARY];
	char buf[GS_N_SUMMARY][GS_LABEL_MAX];
	summary_columns(labels, fmts, buf);
	gs_report_columns(f, meta->n_arms, meta->arm_names, per_arm, summary, GS_N_SUMMARY, labels,
			  fmts, paired);
}

void gs_report_table(FILE *f, const struct gs_ensemble_meta *meta, const double *summary)
{
	summary_table(f, meta, summary, false);
}

void gs_report_paired(FILE *f, const struct gs_ensemble_meta *meta, const double *summary)
{
	summary_table(f, meta, summary, true);
}
