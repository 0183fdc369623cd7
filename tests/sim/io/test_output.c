/*
 * test_output.c - the HDF5 result file: round trip (metrics, per-class
 * breakdowns, histograms), out-of-order runs, gs_output_provenance and error
 * messages.
 *
 * Run with `--write PATH` it writes the test ensemble's file to PATH and
 * exits (tests/analysis/test_xarray_layout.py reads it with xarray).
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"
#include "sim/io/output.h"
#include "sim/core/params.h"
#include "sim/core/provenance.h"

#define N_ARMS 2
#define N_REPS 2
#define N_RUNS (N_ARMS * N_REPS)
#define N_TIME 5
#define N_BINS 3
#define N_CLASSES 2
#define N_CLASS_VALUES (GS_N_CLASS_METRICS * N_CLASSES * N_TIME)
#define N_TEAMS 3
#define N_TEAM_VALUES (GS_N_TEAM_METRICS * N_TEAMS * N_TIME)
#define SEED_BASE 0xF000000000000001ull /* above 2^63: checks unsigned storage */

static const char *const arm_names[N_ARMS] = {"baseline", "systems-thinking"};
static const char *const class_names[N_CLASSES] = {"easy", "hard"};
/* The class metric that is NaN for class "hard" at t = 0 (a mean without events). */
static const char nan_class_metric[] = "time_to_close_true_mean";
static const double times[N_TIME] = {1, 2, 3, 4, 5};          /* [days] */
static const double bin_edges[N_BINS + 1] = {0, 10, 20, 30};  /* [days] */

/* The test ensemble: its meta and the results of every run. */
struct ensemble {
	struct gs_params params[N_ARMS];
	struct gs_ensemble_meta meta;
	double series[N_RUNS][GS_N_METRICS * N_TIME];
	double class_series[N_RUNS][N_CLASS_VALUES];
	double team_series[N_RUNS][N_TEAM_VALUES];
	double hist_recorded[N_RUNS][N_BINS];
	double hist_true[N_RUNS][N_BINS];
	struct gs_run_result result[N_RUNS];
};

/* value - metric m of run at time index t; failure_demand_share is NaN at t = 0. */
static double value(size_t run, int m, size_t t)
{
	if (m == gs_metric_find("failure_demand_share") && t == 0)
		return NAN;
	return (double)run * 1000 + m * 10 + (double)t + 0.25;
}

/* class_metric_find - the index of a class metric by name, or -1. */
static int class_metric_find(const char *name)
{
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		if (strcmp(gs_class_metric_table[m].name, name) == 0)
			return m;
	return -1;
}

/* class_value - class metric m of run, class c at time index t; see nan_class_metric. */
static double class_value(size_t run, int m, size_t c, size_t t)
{
	if (m == class_metric_find(nan_class_metric) && c == 1 && t == 0)
		return NAN;
	return (double)run * 10000 + (double)c * 1000 + m * 10 + (double)t + 0.5;
}

/* team_value - team metric m of run, team k at time index t; NaN for team 2 of run 0 (fewer teams). */
static double team_value(size_t run, int m, size_t k, size_t t)
{
	if (run == 0 && k == 2)
		return NAN;
	return (double)run * 100000 + (double)k * 1000 + m * 10 + (double)t + 0.75;
}

/* The dataset of class metric m: "<name>_by_class". */
static const char *class_dataset(int m, char *buf, size_t n)
{
	snprintf(buf, n, "%s_by_class", gs_class_metric_table[m].name);
	return buf;
}

static struct ensemble *make_ensemble(void)
{
	char err[256];
	struct ensemble *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	for (int a = 0; a < N_ARMS; a++)
		assert_int_equal(gs_params_init(&e->params[a]), 0);
	assert_int_equal(gs_param_set(&e->params[1], "regime.discretion", "0.8", err,
				      sizeof(err)), 0);
	e->meta = (struct gs_ensemble_meta){
		.scenario_name = "test",
		.scenario_path = "scenarios/test.ini",
		.scenario_text = "[simulation]\nseed = 7\n",
		.command_line = "govsim run scenarios/test.ini",
		.seed = 7,
		.threads = 1,
		.n_arms = N_ARMS,
		.arm_names = arm_names,
		.arm_params = e->params,
		.n_points = 1,
		.n_reps = N_RUNS / N_ARMS,
		.n_runs = N_RUNS,
		.n_time = N_TIME,
		.time = times,
		.n_classes = N_CLASSES,
		.class_names = class_names,
		.n_teams = N_TEAMS,
		.n_bins = N_BINS,
		.bin_edges = bin_edges,
	};
	for (size_t r = 0; r < N_RUNS; r++) {
		for (int m = 0; m < GS_N_METRICS; m++)
			for (size_t t = 0; t < N_TIME; t++)
				e->series[r][(size_t)m * N_TIME + t] = value(r, m, t);
		for (int m = 0; m < GS_N_CLASS_METRICS; m++)
			for (size_t c = 0; c < N_CLASSES; c++)
				for (size_t t = 0; t < N_TIME; t++)
					e->class_series[r][((size_t)m * N_CLASSES + c) * N_TIME + t] =
						class_value(r, m, c, t);
		for (int m = 0; m < GS_N_TEAM_METRICS; m++)
			for (size_t k = 0; k < N_TEAMS; k++)
				for (size_t t = 0; t < N_TIME; t++)
					e->team_series[r][((size_t)m * N_TEAMS + k) * N_TIME + t] =
						team_value(r, m, k, t);
		for (size_t b = 0; b < N_BINS; b++) {
			e->hist_recorded[r][b] = (double)(r * 10 + b);
			e->hist_true[r][b] = (double)(r * 10 + b) + 0.5;
		}
		e->result[r] = (struct gs_run_result){
			.arm = (int)(r / N_REPS),
			.replication = (int)(r % N_REPS),
			.seed = SEED_BASE + r % N_REPS,
			.series = e->series[r],
			.class_series = e->class_series[r],
			.team_series = e->team_series[r],
			.n_teams = N_TEAMS,
			.hist_recorded = e->hist_recorded[r],
			.hist_true = e->hist_true[r],
		};
	}
	return e;
}

/* write_file - the ensemble's runs in the given order; 0 or -1 with err. */
static int write_file(const char *path, struct ensemble *e, const size_t *order, char *err,
		      size_t errlen)
{
	struct gs_output *out;
	if (gs_output_create(path, &e->meta, &out, err, errlen))
		return -1;
	for (size_t i = 0; i < N_RUNS; i++) {
		size_t r = order ? order[i] : i;
		if (gs_output_write_run(out, r, &e->result[r], err, errlen)) {
			gs_output_abort(out);
			return -1;
		}
	}
	return gs_output_close(out, err, errlen);
}

/*
 * open_fds - the number of open file descriptors, or -1 where /proc is
 * missing. An HDF5 object left open keeps its file's descriptor open.
 */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Every class metric of every run and class reads back exactly as written, NaN included. */
static void check_class_contents(const char *path, const struct ensemble *e)
{
	char err[512], name[128];
	double buf[N_TIME + 4];
	size_t nans = 0;
	assert_true(class_metric_find(nan_class_metric) >= 0);
	for (size_t r = 0; r < N_RUNS; r++) {
		for (int m = 0; m < GS_N_CLASS_METRICS; m++) {
			class_dataset(m, name, sizeof(name));
			for (size_t c = 0; c < N_CLASSES; c++) {
				long n = gs_output_read_class_series(path, name, r, c, buf,
								     N_TIME + 4, err, sizeof(err));
				if (n < 0)
					fail_msg("%s", err);
				assert_int_equal(n, N_TIME);
				const double *want =
					&e->class_series[r][((size_t)m * N_CLASSES + c) * N_TIME];
				for (size_t t = 0; t < N_TIME; t++) {
					if (isnan(want[t])) {
						assert_true(isnan(buf[t]));
						nans++;
					} else {
						assert_true(buf[t] == want[t]);
					}
				}
			}
		}
	}
	assert_int_equal(nans, N_RUNS);
}

static void assert_names(const char *err, const char *a, const char *b)
{
	if (!strstr(err, a) || (b && !strstr(err, b)))
		fail_msg("message '%s' does not name '%s'%s%s", err, a, b ? " and " : "",
			 b ? b : "");
}

/* Every team metric of every run and team reads back exactly as written, NaN included. */
static void check_team_contents(const char *path, const struct ensemble *e)
{
	char err[512], name[128];
	double buf[N_TIME + 4];
	for (size_t r = 0; r < N_RUNS; r++)
		for (int m = 0; m < GS_N_TEAM_METRICS; m++) {
			snprintf(name, sizeof(name), "%s_by_team", gs_team_metric_table[m].name);
			for (size_t k = 0; k < N_TEAMS; k++) {
				long n = gs_output_read_team_series(path, name, r, k, buf, N_TIME + 4,
								    err, sizeof(err));
				if (n < 0)
					fail_msg("%s", err);
				assert_int_equal(n, N_TIME);
				for (size_t t = 0; t < N_TIME; t++) {
					double want = e->team_series[r][((size_t)m * N_TEAMS + k) * N_TIME + t];
					assert_true(isnan(want) ? isnan(buf[t]) : buf[t] == want);
				}
			}
		}
	assert_int_equal(gs_output_read_team_series(path, "leavers_by_team", 0, N_TEAMS, buf,
						    N_TIME, err, sizeof(err)), -1);
	assert_names(err, path, "team 3 out of range");
}

/* Every metric, class metric and histogram of every run reads back exactly as written. */
static void check_contents(const char *path, const struct ensemble *e)
{
	char err[512];
	double buf[N_TIME + 4];
	check_class_contents(path, e);
	check_team_contents(path, e);
	for (size_t r = 0; r < N_RUNS; r++) {
		for (int m = 0; m < GS_N_METRICS; m++) {
			long n = gs_output_read_series(path, gs_metric_table[m].name, r, buf,
						       N_TIME + 4, err, sizeof(err));
			if (n < 0)
				fail_msg("%s", err);
			assert_int_equal(n, N_TIME);
			for (size_t t = 0; t < N_TIME; t++) {
				double want = e->series[r][(size_t)m * N_TIME + t];
				if (isnan(want))
					assert_true(isnan(buf[t]));
				else
					assert_true(buf[t] == want);
			}
		}
		long n = gs_output_read_series(path, "time_to_close_recorded_hist", r, buf, N_BINS,
					       err, sizeof(err));
		assert_int_equal(n, N_BINS);
		for (size_t b = 0; b < N_BINS; b++)
			assert_true(buf[b] == e->hist_recorded[r][b]);
		n = gs_output_read_series(path, "time_to_close_true_hist", r, buf, N_BINS, err,
					  sizeof(err));
		assert_int_equal(n, N_BINS);
		for (size_t b = 0; b < N_BINS; b++)
			assert_true(buf[b] == e->hist_true[r][b]);
	}
}

static void test_round_trip(void **state)
{
	(void)state;
	char err[512];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	if (write_file(path, e, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	check_contents(path, e);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

static void test_out_of_order(void **state)
{
	(void)state;
	char err[512];
	static const size_t order[N_RUNS] = {3, 0, 2, 1};
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	if (write_file(path, e, order, err, sizeof(err)))
		fail_msg("%s", err);
	check_contents(path, e);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

/* Runs never written read back as NaN (the fill value). */
static void test_unwritten_run_is_nan(void **state)
{
	(void)state;
	char err[512];
	double buf[N_TIME];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	struct gs_output *out;
	if (gs_output_create(path, &e->meta, &out, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(gs_output_write_run(out, 0, &e->result[0], err, sizeof(err)), 0);
	assert_int_equal(gs_output_close(out, err, sizeof(err)), 0);
	assert_int_equal(gs_output_read_series(path, "needs_met", 0, buf, N_TIME, err,
					       sizeof(err)), N_TIME);
	assert_true(buf[0] == value(0, gs_metric_find("needs_met"), 0));
	assert_int_equal(gs_output_read_series(path, "needs_met", 2, buf, N_TIME, err,
					       sizeof(err)), N_TIME);
	for (size_t t = 0; t < N_TIME; t++)
		assert_true(isnan(buf[t]));
	assert_int_equal(gs_output_read_class_series(path, "needs_met_by_class", 0, 1, buf,
						     N_TIME, err, sizeof(err)), N_TIME);
	assert_true(buf[0] == class_value(0, class_metric_find("needs_met"), 1, 0));
	assert_int_equal(gs_output_read_class_series(path, "needs_met_by_class", 2, 1, buf,
						     N_TIME, err, sizeof(err)), N_TIME);
	for (size_t t = 0; t < N_TIME; t++)
		assert_true(isnan(buf[t]));
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

/* Captures what gs_output_provenance prints; NULL if it failed (message in err). */
static char *info_text(const char *path, char *err, size_t errlen)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	int rc = gs_output_provenance(path, f, err, errlen);
	long n = ftell(f);
	char *text = malloc((size_t)n + 1);
	assert_non_null(text);
	rewind(f);
	size_t got = fread(text, 1, (size_t)n, f);
	text[got] = 0;
	fclose(f);
	if (rc) {
		free(text);
		return NULL;
	}
	return text;
}

static void test_info(void **state)
{
	(void)state;
	char err[512];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	if (write_file(path, e, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	int fds = open_fds();
	char *text = info_text(path, err, sizeof(err));
	if (!text)
		fail_msg("%s", err);
	assert_int_equal(open_fds(), fds);
	assert_non_null(strstr(text, "govsim_version   " GS_VERSION "\n"));
	assert_non_null(strstr(text, "seed             7\n"));
	assert_non_null(strstr(text, "scenario_path    scenarios/test.ini\n"));
	assert_non_null(strstr(text, "generator        philox4x32-10\n"));
	assert_non_null(strstr(text, "runs: 4, time points: 5 (1 to 5 days)"));
	free(text);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}


static void test_read_errors(void **state)
{
	(void)state;
	char err[512];
	double buf[N_TIME];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	if (write_file(path, e, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	int fds = open_fds();

	err[0] = 0;
	assert_int_equal(gs_output_read_series(path, "no_such_metric", 0, buf, N_TIME, err,
					       sizeof(err)), -1);
	assert_names(err, path, "no_such_metric");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(path, "time", 0, buf, N_TIME, err, sizeof(err)),
			 -1);
	assert_names(err, path, "time");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(path, "needs_met", N_RUNS, buf, N_TIME, err,
					       sizeof(err)), -1);
	assert_names(err, path, "out of range");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(path, "needs_met", 0, buf, N_TIME - 1, err,
					       sizeof(err)), -1);
	assert_names(err, path, "needs_met");

	/* per-class datasets: (run, class, time), read with gs_output_read_class_series */
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "needs_met_by_class", 0, N_CLASSES,
						     buf, N_TIME, err, sizeof(err)), -1);
	assert_names(err, path, "class 2 out of range");
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "needs_met_by_class", N_RUNS, 0, buf,
						     N_TIME, err, sizeof(err)), -1);
	assert_names(err, path, "run 4 out of range");
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "needs_met_by_class", 0, 0, buf,
						     N_TIME - 1, err, sizeof(err)), -1);
	assert_names(err, path, "needs_met_by_class");
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "needs_met", 0, 0, buf, N_TIME, err,
						     sizeof(err)), -1);
	assert_names(err, "needs_met", "has 2 dimensions, not 3");
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "class", 0, 0, buf, N_TIME, err,
						     sizeof(err)), -1);
	assert_names(err, path, "'class' is not numeric");
	err[0] = 0;
	assert_int_equal(gs_output_read_class_series(path, "no_such_by_class", 0, 0, buf, N_TIME,
						     err, sizeof(err)), -1);
	assert_names(err, path, "no_such_by_class");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(path, "needs_met_by_class", 0, buf, N_TIME, err,
					       sizeof(err)), -1);
	assert_names(err, "needs_met_by_class", "has 3 dimensions, not 2");

	char *text = gs_test_write(dir, "not.h5", "this is not HDF5\n");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(text, "needs_met", 0, buf, N_TIME, err,
					       sizeof(err)), -1);
	assert_names(err, text, "not an HDF5 file");
	err[0] = 0;
	assert_null(info_text(text, err, sizeof(err)));
	assert_names(err, text, "not an HDF5 file");

	char *missing = path_in(dir, "missing.h5");
	err[0] = 0;
	assert_int_equal(gs_output_read_series(missing, "needs_met", 0, buf, N_TIME, err,
					       sizeof(err)), -1);
	assert_names(err, missing, NULL);
	err[0] = 0;
	assert_null(info_text(missing, err, sizeof(err)));
	assert_names(err, missing, NULL);
	assert_int_equal(open_fds(), fds);

	free(missing);
	free(text);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

static void test_write_errors(void **state)
{
	(void)state;
	char err[512];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	struct gs_output *out;
	int fds = open_fds();
	if (gs_output_create(path, &e->meta, &out, err, sizeof(err)))
		fail_msg("%s", err);
	err[0] = 0;
	assert_int_equal(gs_output_write_run(out, N_RUNS, &e->result[0], err, sizeof(err)), -1);
	assert_names(err, path, "out of range");
	struct gs_run_result bad = e->result[0];
	bad.arm = N_ARMS;
	err[0] = 0;
	assert_int_equal(gs_output_write_run(out, 0, &bad, err, sizeof(err)), -1);
	assert_names(err, path, "arm");
	bad = e->result[0];
	bad.class_series = NULL;
	err[0] = 0;
	assert_int_equal(gs_output_write_run(out, 0, &bad, err, sizeof(err)), -1);
	assert_names(err, path, "no results");
	gs_output_abort(out);
	assert_int_equal(open_fds(), fds);

	char *nodir = path_in(dir, "no/such/dir/out.h5");
	err[0] = 0;
	assert_int_equal(gs_output_create(nodir, &e->meta, &out, err, sizeof(err)), -1);
	assert_null(out);
	assert_names(err, nodir, NULL);

	struct gs_ensemble_meta meta = e->meta;
	meta.n_time = 0;
	err[0] = 0;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), -1);
	assert_names(err, path, "output intervals");

	/* every scenario has at least one demand class */
	meta = e->meta;
	meta.n_classes = 0;
	err[0] = 0;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), -1);
	assert_null(out);
	assert_names(err, path, "no demand classes");
	static const char *const same[N_CLASSES] = {"easy", "easy"};
	meta = e->meta;
	meta.class_names = same;
	err[0] = 0;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), -1);
	assert_names(err, path, "same name");
	assert_int_equal(open_fds(), fds);

	free(nodir);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

/*
 * Before any run is written, arm and replication say where each run stands
 * by the one run numbering, sweep points included: with 2 points and 1
 * replication, every run is replication 0.
 */
static void test_prefilled_run_coordinates(void **state)
{
	(void)state;
	char err[512];
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	struct gs_ensemble_meta meta = e->meta;
	meta.n_points = 2;
	meta.n_reps = N_RUNS / N_ARMS / 2;
	struct gs_output *out;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), 0);
	assert_int_equal(gs_output_close(out, err, sizeof(err)), 0);
	struct gs_output_reader *rd;
	assert_int_equal(gs_output_reader_open(path, &rd, err, sizeof(err)), 0);
	double rep[N_RUNS];
	char *arm[N_RUNS];
	assert_int_equal(gs_output_reader_vector(rd, "replication", rep, N_RUNS, err, sizeof(err)), 0);
	assert_int_equal(gs_output_reader_strings(rd, "arm", arm, N_RUNS, err, sizeof(err)), 0);
	for (size_t r = 0; r < N_RUNS; r++) {
		struct gs_run_id id = gs_run_of(&meta, r);
		assert_double_close(rep[r], (double)id.rep, 0);
		assert_string_equal(arm[r], meta.arm_names[id.arm]);
		assert_int_equal(gs_run_number(&meta, id), r);
		free(arm[r]);
	}
	/* a shape that does not multiply out is refused */
	meta.n_reps = 3;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), -1);
	assert_names(err, path, "arms x sweep points x replications");
	gs_output_reader_close(rd);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

/* A create that fails late (two arms of one name) closes and removes the file. */
static void test_create_failure_cleans_up(void **state)
{
	(void)state;
	char err[512];
	static const char *const twice[N_ARMS] = {"baseline", "baseline"};
	char *dir = gs_test_tmpdir();
	char *path = path_in(dir, "out.h5");
	struct ensemble *e = make_ensemble();
	struct gs_ensemble_meta meta = e->meta;
	meta.arm_names = twice;
	struct gs_output *out;
	int fds = open_fds();
	err[0] = 0;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), -1);
	assert_null(out);
	assert_names(err, path, "baseline");
	assert_int_equal(open_fds(), fds);
	char *left = gs_test_slurp(path);
	assert_null(left);
	/* the same path can be created again: the failed file was closed */
	if (write_file(path, e, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	check_contents(path, e);
	free(e);
	free(path);
	gs_test_rmtree(dir);
}

static void test_library_version(void **state)
{
	(void)state;
	const char *v = gs_output_library_version();
	assert_int_equal(strncmp(v, "HDF5 1.", 7), 0);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0) {
		char err[512];
		struct ensemble *e = make_ensemble();
		int rc = write_file(argv[2], e, NULL, err, sizeof(err));
		if (rc)
			fprintf(stderr, "%s\n", err);
		free(e);
		return rc ? 1 : 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_unwritten_run_is_nan),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_create_failure_cleans_up),
		cmocka_unit_test(test_prefilled_run_coordinates),
		cmocka_unit_test(test_library_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
