/*
 * test_info.c - govsim info, govsim compare and govsim run's table print the
 * same whole-run numbers for the same file: each the mean over an arm's
 * runs of gs_summarise, computed here from the runs themselves.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/governance.h"
#include "sim/app/compare.h"
#include "sim/app/report.h"
#include "sim/core/metrics.h"
#include "sim/engine/engine.h"
#include "sim/io/output.h"

static const char scenario[] =
	"[simulation]\nseed = 3\nduration = 90d\nreplications = 3\n"
	"[population]\ncitizens = 1200\n"
	"[workforce]\nteams = 2\nworkers_per_team = 2\n"
	"[output]\ninterval = 7d\n"
	"[arm.npm]\npreset = npm\n[arm.hls]\npreset = hls\n";

/* The file and, per run, its summaries as govsim run computes them. */
struct written {
	struct gs_output *out;
	double *summary; /* [n_runs * GS_N_SUMMARY] */
	size_t n_time;
};

static int take(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	struct written *w = ctx;
	gs_summarise(r->series, w->n_time, w->summary + run * GS_N_SUMMARY);
	return gs_output_write_run(w->out, run, r, err, n);
}

/* What fn prints about path, as a string. */
static char *printed(int (*fn)(const char *, FILE *, char *, size_t), const char *path)
{
	char err[512];
	FILE *f = tmpfile();
	assert_non_null(f);
	if (fn(path, f, err, sizeof(err)))
		fail_msg("%s", err);
	long n = ftell(f);
	char *text = calloc((size_t)n + 1, 1);
	rewind(f);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

static int compare_all(const char *path, FILE *f, char *err, size_t n)
{
	return gs_compare(path, NULL, -1, 12, f, err, n);
}

/* The line of `text` that starts with `label` (after a newline). */
static const char *line_of(const char *text, const char *label)
{
	char key[96];
	snprintf(key, sizeof(key), "\n%s ", label);
	const char *l = strstr(text, key);
	if (!l)
		fail_msg("no line '%s' in:\n%s", label, text);
	return l + 1;
}

static void test_same_numbers(void **state)
{
	(void)state;
	char *dir = gs_test_tmpdir();
	char *ini = gs_test_write(dir, "s.ini", scenario);
	char path[1024], err[512];
	snprintf(path, sizeof(path), "%s/s.h5", dir);
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	assert_int_equal(gs_test_load(ini, NULL, 0, &sc, &pl), 0);
	struct written w = {NULL, calloc(pl.n_runs * GS_N_SUMMARY, sizeof(double)),
			    pl.meta.n_time};
	assert_int_equal(gs_output_create(path, &pl.meta, &w.out, err, sizeof(err)), 0);
	struct gs_ensemble_opts opts = {2, false, NULL, false};
	struct gs_sink sink = {take, &w};
	assert_int_equal(gs_ensemble_run(&pl, &opts, &sink, 1, err, sizeof(err)), 0);
	assert_int_equal(gs_output_close(w.out, err, sizeof(err)), 0);

	/* govsim run's table, from the runs in memory */
	FILE *f = tmpfile();
	gs_report_table(f, &pl.meta, w.summary);
	long n = ftell(f);
	char *table = calloc((size_t)n + 2, 1);
	table[0] = '\n';
	rewind(f);
	assert_int_equal(fread(table + 1, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	char *compare = printed(compare_all, path);
	char *info = printed(gs_info, path);

	for (int s = 0; s < GS_N_SUMMARY; s++) {
		char label[GS_LABEL_MAX];
		gs_summary_label(s, label, sizeof(label));
		/* the row of the run table is the row of compare, cell for cell */
		const char *a = line_of(table, label), *b = line_of(compare, label);
		size_t len = strcspn(a, "\n");
		if (len != strcspn(b, "\n") || strncmp(a, b, len) != 0)
			fail_msg("run table and compare differ:\n%.*s\n%.*s", (int)len, a,
				 (int)strcspn(b, "\n"), b);
	}
	/* info: a row per outcome, by its label as in the run table; a column per arm, the
	 * mean over the arm's runs in the table's format */
	const char *shown[] = {"needs_met", "failure_demand_share", "within_target_recorded",
			       "within_target_true", "wellbeing_mean"};
	for (size_t k = 0; k < 5; k++) {
		int s;
		for (s = 0; s < GS_N_SUMMARY; s++)
			if (strcmp(gs_summary_name(s), shown[k]) == 0)
				break;
		assert_true(s < GS_N_SUMMARY);
		char label[GS_LABEL_MAX];
		gs_summary_label(s, label, sizeof(label));
		const char *row = line_of(info, label);
		assert_true(strcspn(row, "\n") > 28);
		const char *cells = row + 28; /* the label's column */
		for (size_t a = 0; a < pl.n_arms; a++) {
			double sum = 0;
			for (size_t r = 0; r < pl.n_reps; r++)
				sum += w.summary[(a * pl.n_reps + r) * GS_N_SUMMARY + (size_t)s];
			char want[64], got[64];
			int used = 0;
			snprintf(want, sizeof(want), gs_summary_fmt(s), sum / (double)pl.n_reps);
			const char *p = want;
			while (*p == ' ')
				p++;
			if (sscanf(cells, "%63s%n", got, &used) != 1 || strcmp(got, p) != 0)
				fail_msg("info's %s of arm %s is not %s:\n%.*s", shown[k],
					 pl.meta.arm_names[a], p, (int)strcspn(row, "\n"), row);
			cells += used;
			/* and the run table's cell starts with the same mean */
			assert_non_null(strstr(line_of(table, label), p));
		}
	}
	free(table);
	free(compare);
	free(info);
	free(w.summary);
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
	free(ini);
	gs_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
