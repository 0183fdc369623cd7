/*
 * metrics.c - the metrics table and its printing.
 */
#include "sim/core/metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GS_AGG_OF_FLOW GS_AGG_FLOW
#define GS_AGG_OF_STOCK GS_AGG_STOCK
#define GS_AGG_OF_WEIGHTED GS_AGG_WEIGHTED
#define GS_AGG_OF_RATIO GS_AGG_RATIO

const struct gs_metric_info gs_metric_table[GS_N_METRICS] = {
#define GS_METRIC(name, units, kind, a, b, label, unit, desc) \
	{#name, units, GS_AGG_OF_##kind, a, b, label, unit, desc},
#define GS_CLASS_METRIC(name, ...)
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
};

const struct gs_metric_info gs_class_metric_table[GS_N_CLASS_METRICS] = {
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, units, kind, a, b, label, unit, desc) \
	{#name, units, GS_AGG_OF_##kind, a, b, label, unit, desc},
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
};

const struct gs_metric_info gs_team_metric_table[GS_N_TEAM_METRICS] = {
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, ...)
#define GS_TEAM_METRIC(name, units, kind, a, b, label, unit, desc) \
	{#name, units, GS_AGG_OF_##kind, a, b, label, unit, desc},
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
#undef GS_TEAM_METRIC
};

const char *gs_aggregation_name(enum gs_aggregation agg)
{
	static const char *const names[] = {"flow", "stock", "weighted", "ratio"};
	return (unsigned)agg < 4 ? names[agg] : "unknown";
}

static int find_in(const struct gs_metric_info *table, int n, const char *name, size_t len)
{
	for (int m = 0; m < n; m++)
		if (strlen(table[m].name) == len && strncmp(table[m].name, name, len) == 0)
			return m;
	return -1;
}

#define MAX_TERMS 8

/* A sum of metrics: "x + y - z" as (sign, index) terms. Returns the count, or -1. */
static int parse_sum(const struct gs_metric_info *table, int n, const char *expr, int *sign,
		     int *index)
{
	int k = 0, sg = 1;
	const char *p = expr;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len || k == MAX_TERMS)
			return -1;
		int m = find_in(table, n, p, len);
		if (m < 0)
			return -1;
		sign[k] = sg;
		index[k++] = m;
		p += len;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if ((*p != '+' && *p != '-') || p[1] != ' ')
			return -1;
		sg = *p == '+' ? 1 : -1;
		p += 2;
	}
	return k ? k : -1;
}

/* The value of a sum of metrics at interval t (NaN if a term is). */
static double sum_at(const double *series, size_t stride, const int *sign, const int *index, int k,
		     size_t t)
{
	double v = 0;
	for (int j = 0; j < k; j++) {
		double x = series[(size_t)index[j] * stride + t];
		v = sign[j] > 0 ? v + x : v - x;
	}
	return v;
}

double gs_metric_over(const struct gs_metric_info *table, int n, const double *series,
		      size_t stride, int m, size_t t0, size_t t1)
{
	const struct gs_metric_info *in = &table[m];
	const double *v = series + (size_t)m * stride;
	double sum = 0, weight = 0;
	size_t count = 0;
	int sa[MAX_TERMS], ia[MAX_TERMS], sb[MAX_TERMS], ib[MAX_TERMS], ka = 0, kb = 0;
	if (in->agg == GS_AGG_WEIGHTED || in->agg == GS_AGG_RATIO)
		ka = parse_sum(table, n, in->a, sa, ia);
	if (in->agg == GS_AGG_RATIO)
		kb = parse_sum(table, n, in->b, sb, ib);
	if (ka < 0 || kb < 0)
		return NAN; /* gs_metric_check_table rules this out */
	for (size_t t = t0; t < t1; t++) {
		switch (in->agg) {
		case GS_AGG_FLOW:
		case GS_AGG_STOCK:
			if (!isnan(v[t])) {
				sum += v[t];
				count++;
			}
			break;
		case GS_AGG_WEIGHTED: {
			double w = sum_at(series, stride, sa, ia, ka, t);
			if (!isnan(v[t]) && w > 0) {
				sum += v[t] * w;
				weight += w;
			}
			break;
		}
		case GS_AGG_RATIO: {
			double x = sum_at(series, stride, sa, ia, ka, t);
			double y = sum_at(series, stride, sb, ib, kb, t);
			if (!isnan(x) && !isnan(y)) {
				sum += x;
				weight += y;
			}
			break;
		}
		}
	}
	switch (in->agg) {
	case GS_AGG_FLOW:
		return count ? sum : NAN;
	case GS_AGG_STOCK:
		return count ? sum / (double)count : NAN;
	default:
		return weight > 0 ? sum / weight : NAN;
	}
}

int gs_metric_terms(const struct gs_metric_info *table, int n, int m, int *idx, int max)
{
	int s[MAX_TERMS], ix[MAX_TERMS], k = 0;
	if (max < 1)
		return 0;
	idx[k++] = m;
	const char *exprs[2] = {table[m].a, table[m].b};
	for (int e = 0; e < 2; e++) {
		int nt = exprs[e][0] ? parse_sum(table, n, exprs[e], s, ix) : 0;
		for (int j = 0; j < nt && k < max; j++)
			idx[k++] = ix[j];
	}
	return k;
}

int gs_metric_check_table(const struct gs_metric_info *table, int n, char *err, size_t errlen)
{
	int s[MAX_TERMS], ix[MAX_TERMS];
	for (int m = 0; m < n; m++) {
		const struct gs_metric_info *in = &table[m];
		bool need_a = in->agg == GS_AGG_WEIGHTED || in->agg == GS_AGG_RATIO;
		bool need_b = in->agg == GS_AGG_RATIO;
		if ((need_a ? parse_sum(table, n, in->a, s, ix) < 0 : in->a[0] != 0) ||
		    (need_b ? parse_sum(table, n, in->b, s, ix) < 0 : in->b[0] != 0)) {
			snprintf(err, errlen, "%s (%s): a = \"%s\", b = \"%s\" are not what it needs",
				 in->name, gs_aggregation_name(in->agg), in->a, in->b);
			return -1;
		}
		if (!in->label[0] || !in->unit_text[0]) {
			snprintf(err, errlen, "%s: no label or plain unit", in->name);
			return -1;
		}
	}
	return 0;
}

int gs_class_metric_find(const char *name)
{
	return find_in(gs_class_metric_table, GS_N_CLASS_METRICS, name, strlen(name));
}

int gs_team_metric_find(const char *name)
{
	return find_in(gs_team_metric_table, GS_N_TEAM_METRICS, name, strlen(name));
}

int gs_metric_find(const char *name)
{
	for (int m = 0; m < GS_N_METRICS; m++)
		if (strcmp(gs_metric_table[m].name, name) == 0)
			return m;
	return -1;
}

/* How a metric adds up over intervals, in words: "sum", "weighted by cases_measured". */
static void aggregation_text(const struct gs_metric_info *in, char *buf, size_t n)
{
	switch (in->agg) {
	case GS_AGG_FLOW:
		snprintf(buf, n, "flow: summed");
		break;
	case GS_AGG_STOCK:
		snprintf(buf, n, "stock: mean over time");
		break;
	case GS_AGG_WEIGHTED:
		snprintf(buf, n, "weighted by %s", in->a);
		break;
	case GS_AGG_RATIO:
		snprintf(buf, n, "ratio: sum of %s%s%s / sum of %s%s%s", strchr(in->a, ' ') ? "(" : "",
			 in->a, strchr(in->a, ' ') ? ")" : "", strchr(in->b, ' ') ? "(" : "", in->b,
			 strchr(in->b, ' ') ? ")" : "");
		break;
	}
}

void gs_metric_units_text(const struct gs_metric_info *in, char *buf, size_t n)
{
	if (strcmp(in->units, in->unit_text) == 0)
		snprintf(buf, n, "%s", in->units);
	else
		snprintf(buf, n, "%s (%s)", in->units, in->unit_text);
}

static void print_rows(FILE *f, bool markdown, const struct gs_metric_info *table, int n,
		       const char *suffix)
{
	char agg[256], units[128];
	for (int m = 0; m < n; m++) {
		const struct gs_metric_info *in = &table[m];
		aggregation_text(in, agg, sizeof(agg));
		gs_metric_units_text(in, units, sizeof(units));
		if (markdown)
			fprintf(f, "| `%s%s` | %s | %s | %s | %s |\n", in->name, suffix, in->label, units,
				agg, in->desc);
		else
			fprintf(f, "%-30s %-26s %-14s %-40s %s\n", in->name, in->label, in->units, agg,
				in->desc);
	}
}

static void print_tsv_rows(FILE *f, const struct gs_metric_info *table, int n, const char *suffix)
{
	for (int m = 0; m < n; m++) {
		const struct gs_metric_info *in = &table[m];
		bool w = in->agg == GS_AGG_WEIGHTED, r = in->agg == GS_AGG_RATIO;
		fprintf(f, "%s%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in->name, suffix, in->label, in->units,
			gs_aggregation_name(in->agg), w ? in->a : "", r ? in->a : "", r ? in->b : "");
	}
}

void gs_metrics_print_tsv(FILE *f)
{
	fputs("metric\tlabel\tunits\taggregation\tweight\tnumerator\tdenominator\n", f);
	print_tsv_rows(f, gs_metric_table, GS_N_METRICS, "");
	print_tsv_rows(f, gs_class_metric_table, GS_N_CLASS_METRICS, "_by_class");
	print_tsv_rows(f, gs_team_metric_table, GS_N_TEAM_METRICS, "_by_team");
}

void gs_metrics_print(FILE *f, bool markdown)
{
	if (markdown)
		fputs("# govsim metrics\n\n"
		      "Generated by `govsim metrics --markdown` from the one metrics table "
		      "(`sim/core/metrics.def`); do not edit by hand.\n\n"
		      "Every metric is a dataset of dimensions (run, time) in the output file; "
		      "`time` is the end of each output interval in days. What a value of one "
		      "interval is, and how values add up over a run (or any span of intervals), "
		      "is the metric's aggregation, the same in every table govsim prints, in "
		      "the file's attributes (`aggregation`, `weight`, `numerator`, `denominator`) "
		      "and in `analysis/`:\n\n"
		      "- **flow**: a total over the interval; over a run, the sum;\n"
		      "- **stock**: sampled at the end of the interval; over a run, the mean over "
		      "time (\"at end\": the last value);\n"
		      "- **weighted**: a share or mean over the interval's events, NaN when there "
		      "were none; over a run, weighted by the count of those events;\n"
		      "- **ratio**: a ratio of two flows; over a run, the sum of the numerator over "
		      "the sum of the denominator.\n\n"
		      "Intervals with NaN are left out; a value with nothing to weigh or divide by is "
		      "NaN. The label is the dataset's `long_name` attribute.\n\n"
		      "| metric | label | units | over intervals | description |\n|---|---|---|---|---|\n",
		      f);
	else
		fprintf(f, "%-30s %-26s %-14s %-40s %s\n", "metric", "label", "units",
			"over intervals", "description");
	print_rows(f, markdown, gs_metric_table, GS_N_METRICS, "");
	if (markdown) {
		fputs("\n## Per-class breakdowns\n\n"
		      "Dataset `<name>_by_class`, dimensions (run, class, time); the `class` "
		      "coordinate holds the class names in the order the scenario defines them.\n\n"
		      "| metric | label | units | over intervals | description |\n|---|---|---|---|---|\n",
		      f);
	} else {
		fputs("\nper class (dataset <name>_by_class, dims run, class, time):\n", f);
	}
	print_rows(f, markdown, gs_class_metric_table, GS_N_CLASS_METRICS, "_by_class");
	if (markdown) {
		fputs("\n## Per-team breakdowns\n\n"
		      "Dataset `<name>_by_team`, dimensions (run, team, time); the `team` "
		      "coordinate numbers the teams from 0 (citizens are assigned to teams in "
		      "contiguous blocks, each team has its own manager). A file has as many teams as "
		      "the largest `workforce.teams` of its runs; a run with fewer has NaN for the "
		      "rest. A flow summed over the teams is the run's own flow (leavers, records "
		      "manipulated, premature closures, reclassifications, measured cases closed, audited "
		      "measured cases; "
		      "needs met by the service is needs_met - needs_met_self).\n\n"
		      "| metric | label | units | over intervals | description |\n|---|---|---|---|---|\n",
		      f);
	} else {
		fputs("\nper team (dataset <name>_by_team, dims run, team, time):\n", f);
	}
	print_rows(f, markdown, gs_team_metric_table, GS_N_TEAM_METRICS, "_by_team");
	if (markdown)
		fputs("\n## Histograms\n\n"
		      "| dataset | dimensions | description |\n|---|---|---|\n"
		      "| `time_to_close_recorded_hist` | (run, bin) | Cases closed, by recorded time to close |\n"
		      "| `time_to_close_true_hist` | (run, bin) | Needs met by the service, by true time to close |\n"
		      "| `bin` | (bin) | Lower edge of each bin [days]; bins are closed on the right, "
		      "(lower, upper], so a time exactly at a target counts in the bin below it (bin 0 also "
		      "holds 0); the last bin also counts longer times |\n"
		      "| `bin_edges` | (bin_edge) | All bin edges [days], one more than bins |\n"
		      "| `time_to_close_recorded_hist_by_class`, `time_to_close_true_hist_by_class` | "
		      "(run, class, bin) | The same histograms by demand class |\n",
		      f);
}
