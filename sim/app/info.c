/*
 * info.c - `govsim info`: a result file's provenance and, per arm, the mean
 * over its runs of the key whole-run outcomes, summarised exactly as
 * `govsim run` and `govsim compare` summarise them (gs_summarise).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/compare.h"
#include "sim/app/report.h"
#include "sim/core/metrics.h"
#include "sim/io/output.h"

/* The outcomes info shows, of the table of govsim run. */
static const int shown[] = {GS_S_needs_met, GS_S_failure_demand_share,
			    GS_S_within_target_recorded, GS_S_within_target_true,
			    GS_S_wellbeing_mean};
#define N_SHOWN (sizeof(shown) / sizeof(shown[0]))

/* Per arm: its runs, and the sum and count of each shown outcome's run values. */
struct arms {
	size_t n_runs, n_arms;
	char **arm;           /* [n_runs] each run's arm */
	size_t *arm_of;       /* [n_runs] its index */
	size_t *first, *runs; /* [n_arms] first run, number of runs */
	double *sum, *count;  /* [n_arms * N_SHOWN] */
};

static int arms_read(struct gs_output_reader *rd, struct arms *s, char *err, size_t errlen)
{
	size_t n = s->n_runs ? s->n_runs : 1;
	s->arm = calloc(n, sizeof(*s->arm));
	s->arm_of = malloc(n * sizeof(*s->arm_of));
	s->first = malloc(n * sizeof(*s->first));
	s->runs = calloc(n, sizeof(*s->runs));
	s->sum = calloc(n * N_SHOWN, sizeof(*s->sum));
	s->count = calloc(n * N_SHOWN, sizeof(*s->count));
	if (!s->arm || !s->arm_of || !s->first || !s->runs || !s->sum || !s->count) {
		snprintf(err, errlen, "out of memory for %zu runs", s->n_runs);
		return -1;
	}
	if (gs_output_reader_strings(rd, "arm", s->arm, s->n_runs, err, errlen))
		return -1;
	/* arms numbered by their first run */
	for (size_t r = 0; r < s->n_runs; r++) {
		size_t a;
		for (a = 0; a < s->n_arms; a++)
			if (strcmp(s->arm[s->first[a]], s->arm[r]) == 0)
				break;
		if (a == s->n_arms)
			s->first[s->n_arms++] = r;
		s->arm_of[r] = a;
		s->runs[a]++;
	}
	return 0;
}

static void arms_free(struct arms *s)
{
	for (size_t r = 0; s->arm && r < s->n_runs; r++)
		free(s->arm[r]);
	free(s->arm);
	free(s->arm_of);
	free(s->first);
	free(s->runs);
	free(s->sum);
	free(s->count);
}

static void add_run(void *ctx, size_t run, const double *series, size_t n_time)
{
	struct arms *s = ctx;
	double out[GS_N_SUMMARY];
	gs_summarise(series, n_time, out);
	for (size_t k = 0; k < N_SHOWN; k++) {
		double v = out[shown[k]];
		if (!isnan(v)) {
			s->sum[s->arm_of[run] * N_SHOWN + k] += v;
			s->count[s->arm_of[run] * N_SHOWN + k] += 1;
		}
	}
}

/* Rows: the outcomes by their labels (as in govsim run and compare); columns: the arms. */
static void print_means(FILE *f, const struct arms *s, const bool *missing)
{
	fprintf(f, "arms: %zu; whole-run outcomes, mean over runs (as in govsim run and compare):\n",
		s->n_arms);
	fprintf(f, "%-28s", "outcome");
	for (size_t a = 0; a < s->n_arms; a++)
		fprintf(f, " %12.12s", s->arm[s->first[a]]);
	fprintf(f, "\n%-28s", "runs");
	for (size_t a = 0; a < s->n_arms; a++)
		fprintf(f, " %12zu", s->runs[a]);
	fputc('\n', f);
	for (size_t k = 0; k < N_SHOWN; k++) {
		char label[GS_LABEL_MAX];
		fprintf(f, "%-28s", gs_summary_label(shown[k], label, sizeof(label)));
		for (size_t a = 0; a < s->n_arms; a++) {
			size_t i = a * N_SHOWN + k;
			char num[64];
			if (missing[k])
				snprintf(num, sizeof(num), "-");
			else if (s->count[i] == 0)
				snprintf(num, sizeof(num), "nan");
			else
				snprintf(num, sizeof(num), gs_summary_fmt(shown[k]),
					 s->sum[i] / s->count[i]);
			const char *p = num;
			while (*p == ' ')
				p++;
			fprintf(f, " %12s", p);
		}
		fputc('\n', f);
	}
}

int gs_info(const char *path, FILE *f, char *err, size_t errlen)
{
	if (gs_output_provenance(path, f, err, errlen))
		return -1;
	struct gs_output_reader *rd = NULL;
	struct arms s = {0};
	bool absent[GS_N_METRICS], missing[N_SHOWN] = {false};
	int rc = -1;
	if (gs_output_reader_open(path, &rd, err, errlen))
		return -1;
	s.n_runs = gs_output_reader_runs(rd);
	if (arms_read(rd, &s, err, errlen) ||
	    gs_each_run(rd, true, add_run, &s, absent, err, errlen))
		goto out;
	/* an outcome is missing if a metric it is made of is (an older file) */
	for (size_t k = 0; k < N_SHOWN; k++) {
		int idx[16];
		int n = gs_metric_terms(gs_metric_table, GS_N_METRICS, gs_summary_metric(shown[k]),
					idx, 16);
		for (int j = 0; j < n; j++)
			missing[k] = missing[k] || absent[idx[j]];
	}
	print_means(f, &s, missing);
	rc = 0;
out:
	arms_free(&s);
	gs_output_reader_close(rd);
	return rc;
}
