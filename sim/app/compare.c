/*
 * compare.c - comparisons of arms from a result file, in blocks of runs so
 * that memory stays flat however many runs the file holds.
 */
#include "sim/app/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"
#include "sim/io/output.h"
#include "sim/app/report.h"

#define BLOCK_RUNS 64

/* Metrics shown with --at (values at one time): name, label, format. */
static const struct {
	int metric;
	const char *label, *fmt;
} at_metrics[] = {
	{GS_M_failure_demand_share, "failure demand", "%10.3f"},
	{GS_M_within_target_recorded, "in target (recorded)", "%10.3f"},
	{GS_M_within_target_true, "in target (true)", "%10.3f"},
	{GS_M_time_to_close_true_mean, "true days to close", "%10.1f"},
	{GS_M_wellbeing_mean, "wellbeing", "%10.3f"},
	{GS_M_trust_mean, "trust", "%10.3f"},
	{GS_M_queue_length, "queue length", "%10.1f"},
	{GS_M_cost_per_need_met, "cost per need met", "%10.0f"},
};
#define N_AT (sizeof(at_metrics) / sizeof(at_metrics[0]))

struct plan {
	int mode;          /* 0 every summary, 1 one summary, 2 one metric over time, 3 at a time */
	int summary;       /* mode 1 */
	int metric;        /* mode 2, or mode 3 with a metric */
	size_t at_col;     /* modes with a time */
	size_t n_cols;
	const char *labels[GS_N_SUMMARY > N_AT ? GS_N_SUMMARY : N_AT];
	const char *fmts[GS_N_SUMMARY > N_AT ? GS_N_SUMMARY : N_AT];
};

static const char *summary_label(int s)
{
	static const char *labels[] = {
#define L(name, label, fmt) label,
		GS_SUMMARIES(L)
#undef L
	};
	return labels[s];
}

static const char *summary_fmt(int s)
{
	static const char *fmts[] = {
#define F(name, label, fmt) fmt,
		GS_SUMMARIES(F)
#undef F
	};
	return fmts[s];
}

/* The values of one run's row for the plan, from its full series. */
static void run_values(const struct plan *pl, const double *series, size_t n_time, double *out)
{
	double s[GS_N_SUMMARY];
	switch (pl->mode) {
	case 0:
		gs_summarise(series, n_time, out);
		break;
	case 1:
		gs_summarise(series, n_time, s);
		out[0] = s[pl->summary];
		break;
	case 2: {
		double sum = 0;
		size_t n = 0;
		for (size_t t = 0; t < n_time; t++) {
			double v = series[(size_t)pl->metric * n_time + t];
			if (!isnan(v)) {
				sum += v;
				n++;
			}
		}
		out[0] = n ? sum / (double)n : NAN;
		out[1] = n ? sum : NAN;
		break;
	}
	default:
		if (pl->metric >= 0) {
			out[0] = series[(size_t)pl->metric * n_time + pl->at_col];
		} else {
			for (size_t k = 0; k < N_AT; k++)
				out[k] = series[(size_t)at_metrics[k].metric * n_time + pl->at_col];
		}
	}
}

int gs_compare(const char *path, const char *metric, double at, size_t max_points, FILE *f,
	       char *err, size_t errlen)
{
	struct gs_output_reader *rd = NULL;
	if (gs_output_reader_open(path, &rd, err, errlen))
		return -1;
	size_t n_runs = gs_output_reader_runs(rd), n_time = gs_output_reader_times(rd);
	int rc = -1;
	char **arm = calloc(n_runs ? n_runs : 1, sizeof(*arm));
	double *point = calloc(n_runs ? n_runs : 1, sizeof(*point));
	double *time = calloc(n_time ? n_time : 1, sizeof(*time));
	double *series = malloc(GS_N_METRICS * n_time * BLOCK_RUNS * sizeof(*series));
	double *block = malloc(n_time * BLOCK_RUNS * sizeof(*block));
	double *values = NULL;
	const char **arm_names = NULL;
	if (!arm || !point || !time || !series || !block) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (gs_output_reader_strings(rd, "arm", arm, n_runs, err, errlen) ||
	    gs_output_reader_vector(rd, "time", time, n_time, err, errlen))
		goto out;
	char ignore[256];
	bool sweep = gs_output_reader_vector(rd, "sweep_point", point, n_runs, ignore,
					     sizeof(ignore)) == 0;

	/* what to show */
	struct plan pl = {0};
	pl.metric = -1;
	if (at >= 0) {
		size_t c = 0;
		while (c + 1 < n_time && time[c] < at - 1e-9)
			c++;
		if (!n_time || time[c] < at - 1e-9) {
			snprintf(err, errlen, "%s: --at %g days is after the end of the runs (%g days)",
				 path, at, n_time ? time[n_time - 1] : 0.0);
			goto out;
		}
		pl.at_col = c;
	}
	if (metric) {
		int s;
		for (s = 0; s < GS_N_SUMMARY; s++)
			if (strcmp(gs_summary_name(s), metric) == 0)
				break;
		pl.metric = gs_metric_find(metric);
		if (s == GS_N_SUMMARY && pl.metric < 0) {
			snprintf(err, errlen, "no metric '%s' (`govsim metrics` lists them)", metric);
			goto out;
		}
		if (at >= 0 && pl.metric < 0) {
			snprintf(err, errlen, "'%s' is a whole-run outcome: it has no value at a time",
				 metric);
			goto out;
		}
		pl.mode = at >= 0 ? 3 : s < GS_N_SUMMARY ? 1 : 2;
		pl.summary = s;
		pl.n_cols = 1;
		pl.labels[0] = metric;
		pl.fmts[0] = "%10.4g";
		if (pl.mode == 2) {
			/* flows add up over time, stocks and shares average: both are shown */
			static char mean_label[96], total_label[96];
			snprintf(mean_label, sizeof(mean_label), "%.70s (time mean)", metric);
			snprintf(total_label, sizeof(total_label), "%.70s (total)", metric);
			pl.n_cols = 2;
			pl.labels[0] = mean_label;
			pl.labels[1] = total_label;
			pl.fmts[1] = "%10.4g";
		}
		if (pl.mode == 1) {
			pl.labels[0] = summary_label(s);
			pl.fmts[0] = summary_fmt(s);
		}
	} else if (at >= 0) {
		pl.mode = 3;
		pl.n_cols = N_AT;
		for (size_t k = 0; k < N_AT; k++) {
			pl.labels[k] = at_metrics[k].label;
			pl.fmts[k] = at_metrics[k].fmt;
		}
	} else {
		pl.mode = 0;
		pl.n_cols = GS_N_SUMMARY;
		for (int s = 0; s < GS_N_SUMMARY; s++) {
			pl.labels[s] = summary_label(s);
			pl.fmts[s] = summary_fmt(s);
		}
	}

	/* arms: runs are arm-major, each arm's runs in (point, replication) order */
	size_t n_arms = 0;
	arm_names = calloc(n_runs ? n_runs : 1, sizeof(*arm_names));
	values = malloc((n_runs ? n_runs : 1) * pl.n_cols * sizeof(*values));
	if (!arm_names || !values) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (size_t r = 0; r < n_runs; r++)
		if (!n_arms || strcmp(arm[r], arm_names[n_arms - 1]) != 0)
			arm_names[n_arms++] = arm[r];
	if (!n_arms || n_runs % n_arms) {
		snprintf(err, errlen, "%s: runs are not grouped by arm", path);
		goto out;
	}
	size_t per_arm = n_runs / n_arms;
	for (size_t a = 0; a < n_arms; a++)
		for (size_t i = 0; i < per_arm; i++)
			if (strcmp(arm[a * per_arm + i], arm_names[a]) != 0) {
				snprintf(err, errlen, "%s: runs are not grouped by arm", path);
				goto out;
			}

	/* every run's values, a block of runs at a time */
	for (size_t r0 = 0; r0 < n_runs; r0 += BLOCK_RUNS) {
		size_t nr = n_runs - r0 < BLOCK_RUNS ? n_runs - r0 : BLOCK_RUNS;
		for (int m = 0; m < GS_N_METRICS; m++) {
			if (gs_output_reader_block(rd, gs_metric_table[m].name, r0, nr, block, err,
						   errlen))
				goto out;
			for (size_t j = 0; j < nr; j++)
				memcpy(series + (j * GS_N_METRICS + (size_t)m) * n_time,
				       block + j * n_time, n_time * sizeof(double));
		}
		for (size_t j = 0; j < nr; j++)
			run_values(&pl, series + j * GS_N_METRICS * n_time, n_time,
				   values + (r0 + j) * pl.n_cols);
	}

	/* one table per sweep point when there are few; else all points pooled */
	size_t n_points = 1;
	for (size_t r = 0; sweep && r < n_runs; r++)
		if ((size_t)point[r] + 1 > n_points)
			n_points = (size_t)point[r] + 1;
	if (at >= 0)
		fprintf(f, "%s: %zu runs, values at %g days\n", path, n_runs, time[pl.at_col]);
	else
		fprintf(f, "%s: %zu runs, whole-run values\n", path, n_runs);
	if (n_points > 1 && n_points <= max_points && per_arm % n_points == 0) {
		size_t reps = per_arm / n_points;
		double *sub = malloc(n_arms * reps * pl.n_cols * sizeof(*sub));
		if (!sub) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
		for (size_t p = 0; p < n_points; p++) {
			for (size_t a = 0; a < n_arms; a++)
				memcpy(sub + a * reps * pl.n_cols,
				       values + (a * per_arm + p * reps) * pl.n_cols,
				       reps * pl.n_cols * sizeof(double));
			fprintf(f, "\nsweep point %zu\n", p);
			gs_report_columns(f, n_arms, arm_names, reps, sub, pl.n_cols, pl.labels, pl.fmts,
					  false);
			if (n_arms > 1) {
				fputc('\n', f);
				gs_report_columns(f, n_arms, arm_names, reps, sub, pl.n_cols, pl.labels,
						  pl.fmts, true);
			}
		}
		free(sub);
	} else {
		if (n_points > 1)
			fprintf(f, "(%zu sweep points pooled)\n", n_points);
		fputc('\n', f);
		gs_report_columns(f, n_arms, arm_names, per_arm, values, pl.n_cols, pl.labels, pl.fmts,
				  false);
		if (n_arms > 1) {
			fputc('\n', f);
			gs_report_columns(f, n_arms, arm_names, per_arm, values, pl.n_cols, pl.labels,
					  pl.fmts, true);
		}
	}
	rc = 0;
out:
	for (size_t r = 0; arm && r < n_runs; r++)
		free(arm[r]);
	free(arm);
	free(arm_names);
	free(values);
	free(point);
	free(time);
	free(series);
	free(block);
	gs_output_reader_close(rd);
	return rc;
}
