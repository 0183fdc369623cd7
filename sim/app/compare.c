/*
 * compare.c - comparisons of arms from a result file, in blocks of runs so
 * that memory stays flat however many runs the file holds.
 */
#include "sim/app/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/cli.h"
#include "sim/core/diag.h"
#include "sim/core/metrics.h"
#include "sim/io/output.h"
#include "sim/app/report.h"

#define BLOCK_RUNS 64

/* Metrics shown with --at (values at one time), and the format of their numbers. */
static const struct {
	int metric;
	const char *fmt;
} at_metrics[] = {
	{GS_M_failure_demand_share, "%10.3f"},   {GS_M_within_target_recorded, "%10.3f"},
	{GS_M_within_target_audited, "%10.3f"},  {GS_M_within_target_true, "%10.3f"},
	{GS_M_time_to_close_true_mean, "%10.1f"}, {GS_M_wellbeing_mean, "%10.3f"},
	{GS_M_trust_mean, "%10.3f"},             {GS_M_queue_length, "%10.1f"},
	{GS_M_hours_idle, "%10.0f"},             {GS_M_cost_per_need_met, "%10.0f"},
};
#define N_AT (sizeof(at_metrics) / sizeof(at_metrics[0]))
#define MAX_COLS (GS_N_SUMMARY > N_AT ? GS_N_SUMMARY : N_AT)

/* What the table shows: its columns, and how each run's values are found. */
enum view_mode {
	EVERY_SUMMARY, /* the whole-run outcomes of the `govsim run` table */
	ONE_SUMMARY,   /* one of them (--metric NAME of an outcome) */
	ONE_METRIC,    /* one metric over the whole run, by its aggregation */
	AT_TIME,       /* values at one time (--at), of one metric or the at_metrics */
};

struct view {
	enum view_mode mode;
	int summary;       /* ONE_SUMMARY */
	int metric;        /* ONE_METRIC, or AT_TIME with --metric (else -1) */
	size_t at_col;     /* AT_TIME */
	size_t t1;         /* the others: over the intervals 0..t1-1 (--until; else every one) */
	size_t n_cols;
	const char *labels[MAX_COLS];
	const char *fmts[MAX_COLS];
	char label_buf[MAX_COLS][GS_LABEL_MAX];
};

/* The values of one run's row for the view, from its full series. */
static void run_values(const struct view *v, const double *series, size_t n_time, double *out)
{
	double s[GS_N_SUMMARY];
	switch (v->mode) {
	case EVERY_SUMMARY:
		gs_summarise_span(series, n_time, v->t1, out);
		break;
	case ONE_SUMMARY:
		gs_summarise_span(series, n_time, v->t1, s);
		out[0] = s[v->summary];
		break;
	case ONE_METRIC:
		out[0] = gs_metric_over(gs_metric_table, GS_N_METRICS, series, n_time, v->metric, 0,
					v->t1 < n_time ? v->t1 : n_time);
		break;
	case AT_TIME:
		if (v->metric >= 0)
			out[0] = series[(size_t)v->metric * n_time + v->at_col];
		else
			for (size_t k = 0; k < N_AT; k++)
				out[k] = series[(size_t)at_metrics[k].metric * n_time + v->at_col];
		break;
	}
}

/* The view for --metric and --at; returns 0, or -1 with a message in err. */
static int choose_view(struct view *v, const char *metric, double at, char *err, size_t errlen)
{
	v->metric = -1;
	if (!metric && at >= 0) {
		v->mode = AT_TIME;
		v->n_cols = N_AT;
		for (size_t k = 0; k < N_AT; k++) {
			v->labels[k] = gs_metric_table[at_metrics[k].metric].label;
			v->fmts[k] = at_metrics[k].fmt;
		}
		return 0;
	}
	if (!metric) {
		v->mode = EVERY_SUMMARY;
		v->n_cols = GS_N_SUMMARY;
		for (int s = 0; s < GS_N_SUMMARY; s++) {
			v->labels[s] = gs_summary_label(s, v->label_buf[s], GS_LABEL_MAX);
			v->fmts[s] = gs_summary_fmt(s);
		}
		return 0;
	}
	int s;
	for (s = 0; s < GS_N_SUMMARY; s++)
		if (strcmp(gs_summary_name(s), metric) == 0)
			break;
	v->metric = gs_metric_find(metric);
	if (s == GS_N_SUMMARY && v->metric < 0) {
		const char *names[GS_N_METRICS + GS_N_SUMMARY];
		size_t n = 0;
		for (int m = 0; m < GS_N_METRICS; m++)
			names[n++] = gs_metric_table[m].name;
		for (int k = 0; k < GS_N_SUMMARY; k++)
			names[n++] = gs_summary_name(k);
		const char *best = gs_suggest(metric, names, n);
		if (best)
			snprintf(err, errlen, "no metric '%s'; did you mean '%s'? (`%s metrics` lists "
				 "them)", metric, best, gs_cli_prog);
		else
			snprintf(err, errlen, "no metric '%s' (`%s metrics` lists them)", metric,
				 gs_cli_prog);
		return -1;
	}
	if (at >= 0 && v->metric < 0) {
		snprintf(err, errlen, "'%s' is a whole-run outcome: it has no value at a time", metric);
		return -1;
	}
	v->n_cols = 1;
	v->fmts[0] = "%10.4g";
	v->labels[0] = metric;
	if (at >= 0) {
		/* labelled as people read it, in the format of the --at table when it has one */
		v->mode = AT_TIME;
		v->labels[0] = gs_metric_table[v->metric].label;
		for (size_t k = 0; k < N_AT; k++)
			if (at_metrics[k].metric == v->metric)
				v->fmts[0] = at_metrics[k].fmt;
	} else if (s < GS_N_SUMMARY) {
		v->mode = ONE_SUMMARY;
		v->summary = s;
		v->labels[0] = gs_summary_label(s, v->label_buf[0], GS_LABEL_MAX);
		v->fmts[0] = gs_summary_fmt(s);
	} else {
		/* "queue length (stock: mean over time)" */
		static const char *const over[] = {"total", "mean over time", "weighted mean",
						   "ratio of totals"};
		const struct gs_metric_info *in = &gs_metric_table[v->metric];
		v->mode = ONE_METRIC;
		snprintf(v->label_buf[0], GS_LABEL_MAX, "%.30s (%s)", in->label, over[in->agg]);
		v->labels[0] = v->label_buf[0];
	}
	return 0;
}

int gs_each_run(struct gs_output_reader *rd, bool tolerate_missing, gs_run_fn fn, void *ctx,
		bool *missing, char *err, size_t errlen)
{
	size_t n_runs = gs_output_reader_runs(rd), n_time = gs_output_reader_times(rd);
	double *series = malloc((GS_N_METRICS * n_time * BLOCK_RUNS + 1) * sizeof(*series));
	double *block = malloc((n_time * BLOCK_RUNS + 1) * sizeof(*block));
	bool absent[GS_N_METRICS] = {false};
	int rc = -1;
	if (!series || !block) {
		snprintf(err, errlen, "out of memory for %zu time points", n_time);
		goto out;
	}
	for (int m = 0; m < GS_N_METRICS; m++)
		absent[m] = tolerate_missing && !gs_output_reader_has(rd, gs_metric_table[m].name);
	for (size_t r0 = 0; r0 < n_runs; r0 += BLOCK_RUNS) {
		size_t nr = n_runs - r0 < BLOCK_RUNS ? n_runs - r0 : BLOCK_RUNS;
		for (int m = 0; m < GS_N_METRICS; m++) {
			if (absent[m]) {
				for (size_t i = 0; i < nr * n_time; i++)
					block[i] = NAN;
			} else if (gs_output_reader_block(rd, gs_metric_table[m].name, r0, nr, block,
							  err, errlen)) {
				goto out;
			}
			for (size_t j = 0; j < nr; j++)
				memcpy(series + (j * GS_N_METRICS + (size_t)m) * n_time,
				       block + j * n_time, n_time * sizeof(double));
		}
		for (size_t j = 0; j < nr; j++)
			fn(ctx, r0 + j, series + j * GS_N_METRICS * n_time, n_time);
	}
	if (missing)
		memcpy(missing, absent, sizeof(absent));
	rc = 0;
out:
	free(series);
	free(block);
	return rc;
}

/* What run_values needs to fill each run's row. */
struct rows {
	const struct view *view;
	double *values; /* [n_runs * n_cols] */
};

static void fill_row(void *ctx, size_t run, const double *series, size_t n_time)
{
	struct rows *r = ctx;
	run_values(r->view, series, n_time, r->values + run * r->view->n_cols);
}

/* The arms of a file whose runs are arm-major; returns their number, 0 if not grouped. */
static size_t group_arms(char **arm, size_t n_runs, const char **arm_names)
{
	size_t n_arms = 0;
	for (size_t r = 0; r < n_runs; r++)
		if (!n_arms || strcmp(arm[r], arm_names[n_arms - 1]) != 0)
			arm_names[n_arms++] = arm[r];
	if (!n_arms || n_runs % n_arms)
		return 0;
	size_t per_arm = n_runs / n_arms;
	for (size_t a = 0; a < n_arms; a++)
		for (size_t i = 0; i < per_arm; i++)
			if (strcmp(arm[a * per_arm + i], arm_names[a]) != 0)
				return 0;
	return n_arms;
}

/* The table of each arm's rows and, with several arms, their paired differences. */
static void print_tables(FILE *f, const struct view *v, size_t n_arms, const char **arm_names,
			 size_t per_arm, const double *values)
{
	fputc('\n', f);
	gs_report_columns(f, n_arms, arm_names, per_arm, values, v->n_cols, v->labels, v->fmts,
			  false);
	if (n_arms > 1) {
		fputc('\n', f);
		gs_report_columns(f, n_arms, arm_names, per_arm, values, v->n_cols, v->labels, v->fmts,
				  true);
	}
}

#define MAX_SWEPT 16 /* swept parameters named in a point's heading */

/* The swept parameters of a file: their names and per-run values. */
struct swept {
	size_t n;
	char *names[MAX_SWEPT];   /* "sweep.regime.learning_time" */
	double *values[MAX_SWEPT]; /* [n_runs] */
};

static void swept_read(struct gs_output_reader *rd, size_t n_runs, struct swept *sw)
{
	char ignore[256];
	size_t n = gs_output_reader_names(rd, "sweep.", sw->names, MAX_SWEPT);
	for (size_t k = 0; k < n; k++) {
		double *v = malloc((n_runs ? n_runs : 1) * sizeof(*v));
		if (v && gs_output_reader_vector(rd, sw->names[k], v, n_runs, ignore,
						 sizeof(ignore)) == 0) {
			sw->names[sw->n] = sw->names[k];
			sw->values[sw->n++] = v;
		} else {
			free(v); /* not numbers: left out of the heading */
			free(sw->names[k]);
		}
	}
}

static void swept_free(struct swept *sw)
{
	for (size_t k = 0; k < sw->n; k++) {
		free(sw->names[k]);
		free(sw->values[k]);
	}
}

/* One table per sweep point (each arm's runs of a point are consecutive), headed by its values. */
static int print_by_point(FILE *f, const struct view *v, size_t n_arms, const char **arm_names,
			  size_t per_arm, const double *values, size_t n_points,
			  const struct swept *sw)
{
	size_t reps = per_arm / n_points;
	double *sub = malloc(n_arms * reps * v->n_cols * sizeof(*sub));
	if (!sub)
		return -1;
	for (size_t p = 0; p < n_points; p++) {
		for (size_t a = 0; a < n_arms; a++)
			memcpy(sub + a * reps * v->n_cols, values + (a * per_arm + p * reps) * v->n_cols,
			       reps * v->n_cols * sizeof(double));
		fprintf(f, "\nsweep point %zu", p);
		for (size_t k = 0; k < sw->n; k++)
			fprintf(f, "%s%s = %g", k ? ", " : ": ", sw->names[k] + strlen("sweep."),
				sw->values[k][p * reps]);
		fputc('\n', f);
		print_tables(f, v, n_arms, arm_names, reps, sub);
	}
	free(sub);
	return 0;
}

/* The output interval that ends at `at` days (the first ending at or after it), or -1. */
static long at_column(const double *time, size_t n_time, double at)
{
	size_t c = 0;
	while (c + 1 < n_time && time[c] < at - 1e-9)
		c++;
	return !n_time || time[c] < at - 1e-9 ? -1 : (long)c;
}

int gs_compare(const char *path, const char *metric, double at, size_t max_points, FILE *f,
	       char *err, size_t errlen)
{
	return gs_compare_until(path, metric, at, -1, max_points, f, err, errlen);
}

int gs_compare_until(const char *path, const char *metric, double at, double until,
		     size_t max_points, FILE *f, char *err, size_t errlen)
{
	struct gs_output_reader *rd = NULL;
	if (gs_output_reader_open(path, &rd, err, errlen))
		return -1;
	size_t n_runs = gs_output_reader_runs(rd), n_time = gs_output_reader_times(rd);
	int rc = -1;
	size_t nr = n_runs ? n_runs : 1;
	char **arm = calloc(nr, sizeof(*arm));
	double *point = calloc(nr, sizeof(*point));
	double *time = calloc(n_time ? n_time : 1, sizeof(*time));
	const char **arm_names = calloc(nr, sizeof(*arm_names));
	double *values = NULL;
	struct view view = {0};
	struct swept sw = {0};
	if (!arm || !point || !time || !arm_names) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (gs_output_reader_strings(rd, "arm", arm, n_runs, err, errlen) ||
	    gs_output_reader_vector(rd, "time", time, n_time, err, errlen) ||
	    choose_view(&view, metric, at, err, errlen))
		goto out;
	char ignore[256];
	bool sweep = gs_output_reader_vector(rd, "sweep_point", point, n_runs, ignore,
					     sizeof(ignore)) == 0;
	long col = at >= 0 ? at_column(time, n_time, at) : 0;
	if (col < 0) {
		snprintf(err, errlen, "%s: --at %g days is after the end of the runs (%g days)", path,
			 at, n_time ? time[n_time - 1] : 0.0);
		goto out;
	}
	view.at_col = (size_t)col;
	view.t1 = n_time;
	if (until >= 0) {
		long last = at_column(time, n_time, until);
		if (last < 0) {
			snprintf(err, errlen, "%s: --until %g days is after the end of the runs (%g days)",
				 path, until, n_time ? time[n_time - 1] : 0.0);
			goto out;
		}
		view.t1 = (size_t)last + 1;
	}
	size_t n_arms = group_arms(arm, n_runs, arm_names);
	if (!n_arms) {
		snprintf(err, errlen, "%s: runs are not grouped by arm", path);
		goto out;
	}
	size_t per_arm = n_runs / n_arms;
	values = malloc(nr * view.n_cols * sizeof(*values));
	struct rows rows = {&view, values};
	if (!values) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (gs_each_run(rd, false, fill_row, &rows, NULL, err, errlen))
		goto out;

	/* one table per sweep point when there are few; else all points pooled */
	size_t n_points = 1;
	for (size_t r = 0; sweep && r < n_runs; r++)
		if ((size_t)point[r] + 1 > n_points)
			n_points = (size_t)point[r] + 1;
	if (at >= 0) {
		double t = time[view.at_col], t0 = view.at_col ? time[view.at_col - 1] : 0;
		fprintf(f, "%s: %zu runs, values at %g days: each metric's value in the output "
			"interval ending then (%g day%s long; a flow is its total over that interval, "
			"not since the start)\n", path, n_runs, t, t - t0, t - t0 == 1 ? "" : "s");
	} else if (until >= 0) {
		fprintf(f, "%s: %zu runs, values over the first %g days (the output intervals ending "
			"by then), each metric added up as over a whole run\n", path, n_runs,
			time[view.t1 - 1]);
	} else {
		fprintf(f, "%s: %zu runs, whole-run values\n", path, n_runs);
	}
	if (n_points > 1 && n_points <= max_points && per_arm % n_points == 0) {
		swept_read(rd, n_runs, &sw);
		if (print_by_point(f, &view, n_arms, arm_names, per_arm, values, n_points, &sw)) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
	} else {
		if (n_points > 1)
			fprintf(f, "(%zu sweep points pooled: the intervals mix parameter values; "
				"--points %zu gives a table per point)\n", n_points, n_points);
		print_tables(f, &view, n_arms, arm_names, per_arm, values);
	}
	rc = 0;
out:
	swept_free(&sw);
	for (size_t r = 0; arm && r < n_runs; r++)
		free(arm[r]);
	free(arm);
	free(arm_names);
	free(values);
	free(point);
	free(time);
	gs_output_reader_close(rd);
	return rc;
}
