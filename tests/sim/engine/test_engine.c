/*
 * test_engine.c - the time step and ensembles: conservation at every tick,
 * determinism whatever the number of threads, seeds that matter, events.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "testutil.h"

#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/engine.h"
#include "sim/core/metrics.h"
#include "sim/core/place.h"
#include "sim/io/output.h"
#include "sim/app/report.h"
#include "sim/plan/scenario.h"
#include "models/governance.h"
#include "models/presets.h"
#include "models/world.h"

static const char small_ini[] =
	"[simulation]\nseed = 11\nduration = 200d\nreplications = 2\n"
	"[population]\ncitizens = 1500\n"
	"[class.easy]\nshare = 2\nneed_rate = 2\ncomplexity_mean = 1.3\n"
	"[class.hard]\nshare = 1\nneed_rate = 1.5\ncomplexity_mean = 4\nhours_per_component = 3\n"
	"[workforce]\nteams = 3\nworkers_per_team = 2\n"
	"[output]\ninterval = 5d\nhist_bin = 2d\nhist_max = 40d\n"
	"[arm.npm]\npreset = npm\n[arm.hls]\npreset = hls\n[arm.none]\npreset = none\n"
	"[event.shock]\nat = 100d\nclass.easy.need_rate = 4\n";

static int check_hook(const struct gs_world *w, void *ctx)
{
	char err[512];
	long *ticks = ctx;
	if (gs_world_check(w, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	(*ticks)++;
	return 0;
}

static struct gs_run_result alloc_result(const struct gs_params *p, size_t *n_time, size_t *n_bins)
{
	gs_run_shape(p, n_time, n_bins);
	struct gs_run_result r = {0};
	r.series = calloc(GS_N_METRICS * *n_time, sizeof(double));
	r.class_series = calloc(GS_N_CLASS_METRICS * (size_t)p->n_classes * *n_time, sizeof(double));
	r.hist_recorded = calloc(*n_bins, sizeof(double));
	r.hist_true = calloc(*n_bins, sizeof(double));
	return r;
}

static void free_result(struct gs_run_result *r)
{
	free(r->series);
	free(r->class_series);
	free(r->hist_recorded);
	free(r->hist_true);
}

/* Every need is exactly one of pending, in service, met or abandoned, at every tick, in every arm. */
static void run_conserving(struct gs_test_fixture *fx)
{
	for (size_t a = 0; a < fx->sc.n_arms; a++) {
		size_t n_time, n_bins;
		struct gs_run_result r = alloc_result(&fx->sc.arm_params[a], &n_time, &n_bins);
		long ticks = 0;
		assert_int_equal(gs_run(&fx->plan, a, 99, &r, check_hook, &ticks), 0);
		assert_int_equal(ticks, 200);
		/* the run did something: needs arose, were met, contacts were made */
		double arising = 0, met = 0, value = 0, failure = 0;
		for (size_t t = 0; t < n_time; t++) {
			arising += r.series[GS_M_needs_arising * n_time + t];
			met += r.series[GS_M_needs_met * n_time + t];
			value += r.series[GS_M_contacts_value * n_time + t];
			failure += r.series[GS_M_contacts_failure * n_time + t];
		}
		assert_true(arising > 1000 && met > 100 && value > 100);
		(void)failure;
		free_result(&r);
	}
}

static void test_conservation(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, small_ini, NULL, 0), 0);
	run_conserving(fx);
}

static void test_conservation_mechanisms_off(void **state)
{
	struct gs_test_fixture *fx = *state;
	char *sets[] = {"mechanism.escalation=off", "mechanism.failure_demand=off",
			"mechanism.trust=off", "population.contact_distrust=0"};
	assert_int_equal(gs_test_fixture_load(fx, small_ini, sets, 4), 0);
	/* without escalation, needs below the threshold are never brought: lower it */
	for (size_t a = 0; a < fx->sc.n_arms; a++)
		for (int c = 0; c < fx->sc.arm_params[a].n_classes; c++)
			fx->sc.arm_params[a].cls[c].contact_threshold = 0.1;
	run_conserving(fx);
}

static int write_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	return gs_output_write_run(ctx, run, r, err, n);
}

/* Write the whole ensemble with `threads` threads and scenario seed `seed`; return the file's path. */
static char *ensemble_file(struct gs_test_fixture *fx, int threads, const char *name, uint64_t seed)
{
	fx->plan.seed = seed;
	struct gs_ensemble_meta meta = fx->plan.meta;
	meta.seed = seed;
	meta.threads = threads;
	meta.command_line = "test";
	size_t len = strlen(fx->dir) + strlen(name) + 2;
	char *path = malloc(len), err[512];
	snprintf(path, len, "%s/%s", fx->dir, name);
	struct gs_output *out;
	assert_int_equal(gs_output_create(path, &meta, &out, err, sizeof(err)), 0);
	struct gs_ensemble_opts opts = {threads, false, NULL, false};
	struct gs_sink sink = {write_run, out};
	assert_int_equal(gs_ensemble_run(&fx->plan, &opts, &sink, 1, err, sizeof(err)), 0);
	assert_int_equal(gs_output_close(out, err, sizeof(err)), 0);
	return path;
}

/* Compare every metric and histogram of every run; returns how many differ. */
static int count_differences(const char *a, const char *b, size_t n_runs, size_t n_time,
			     size_t n_bins)
{
	static const char *hists[] = {"time_to_close_recorded_hist", "time_to_close_true_hist"};
	int diff = 0;
	double *x = malloc((n_time > n_bins ? n_time : n_bins) * sizeof(double));
	double *y = malloc((n_time > n_bins ? n_time : n_bins) * sizeof(double));
	char err[512];
	for (int m = 0; m < GS_N_METRICS + 2; m++) {
		const char *name = m < GS_N_METRICS ? gs_metric_table[m].name : hists[m - GS_N_METRICS];
		size_t n = m < GS_N_METRICS ? n_time : n_bins;
		for (size_t r = 0; r < n_runs; r++) {
			assert_int_equal(gs_output_read_series(a, name, r, x, n, err, sizeof(err)), (long)n);
			assert_int_equal(gs_output_read_series(b, name, r, y, n, err, sizeof(err)), (long)n);
			diff += memcmp(x, y, n * sizeof(double)) != 0;
		}
	}
	for (int m = 0; m < GS_N_CLASS_METRICS; m++) {
		char name[96];
		snprintf(name, sizeof(name), "%s_by_class", gs_class_metric_table[m].name);
		for (size_t r = 0; r < n_runs; r++) {
			assert_int_equal(gs_output_read_class_series(a, name, r, 0, x, n_time, err,
								     sizeof(err)),
					 (long)n_time);
			assert_int_equal(gs_output_read_class_series(b, name, r, 0, y, n_time, err,
								     sizeof(err)),
					 (long)n_time);
			diff += memcmp(x, y, n_time * sizeof(double)) != 0;
		}
	}
	free(x);
	free(y);
	return diff;
}

static void test_threads_bit_identical(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, small_ini, NULL, 0), 0);
	size_t n_time, n_bins, n_runs = fx->sc.n_arms * 2;
	gs_run_shape(&fx->sc.arm_params[0], &n_time, &n_bins);
	char *one = ensemble_file(fx, 1, "t1.h5", 11);
	char *three = ensemble_file(fx, 3, "t3.h5", 11);
	char *again = ensemble_file(fx, 2, "t2.h5", 11);
	char *other = ensemble_file(fx, 2, "seed12.h5", 12);
	assert_int_equal(count_differences(one, three, n_runs, n_time, n_bins), 0);
	assert_int_equal(count_differences(one, again, n_runs, n_time, n_bins), 0);
	/* another seed changes (nearly) everything */
	assert_true(count_differences(one, other, n_runs, n_time, n_bins) > GS_N_METRICS);
	free(one);
	free(three);
	free(again);
	free(other);
}

/*
 * One run alone uses every thread inside it (citizens woken in several
 * blocks, teams in parallel, the census in several blocks): every dataset is
 * bit-identical with 1, 2, 3 and 8 threads.
 */
static const char big_ini[] =
	"[simulation]\nseed = 5\nduration = 40d\n"
	"[population]\ncitizens = 140000\n"
	"[class.all]\nneed_rate = 30\ncomplexity_mean = 2\nresource_share = 0.1\n"
	"[workforce]\nteams = 7\nworkers_per_team = 30\n"
	"[downstream]\ncapacity = 200\n"
	"[output]\ninterval = 5d\n"
	"[arm.npm]\npreset = npm\nregime.payment_model = outcome\ncost.payment_per_outcome = 500\n";

static void test_threads_inside_a_run(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, big_ini, NULL, 0), 0);
	size_t n_time, n_bins;
	gs_run_shape(&fx->sc.arm_params[0], &n_time, &n_bins);
	char *one = ensemble_file(fx, 1, "i1.h5", 5);
	int threads[] = {2, 3, 8};
	for (int k = 0; k < 3; k++) {
		char name[32];
		snprintf(name, sizeof(name), "i%d.h5", threads[k]);
		char *other = ensemble_file(fx, threads[k], name, 5);
		assert_int_equal(count_differences(one, other, 1, n_time, n_bins), 0);
		free(other);
	}
	free(one);
}

/*
 * Runs of unequal cost (arms npm and none) with more threads than one:
 * each thread takes whole runs, then a thread left without a run helps the
 * other inside it, and with 5 threads there are more threads than runs.
 * Every run is handed to the sink once, and every dataset is bit-identical
 * with 1 thread.
 */
static const char uneven_ini[] =
	"[simulation]\nseed = 3\nduration = 60d\n"
	"[population]\ncitizens = 30000\n"
	"[class.all]\nneed_rate = 6\ncomplexity_mean = 2\n"
	"[workforce]\nteams = 6\nworkers_per_team = 5\n"
	"[output]\ninterval = 5d\n"
	"[arm.npm]\npreset = npm\n[arm.none]\npreset = none\n";

struct taken {
	int count[2];
};

static int take_run(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	(void)r;
	(void)err;
	(void)n;
	struct taken *t = ctx;
	if (run < 2)
		t->count[run]++;
	return 0;
}

static void test_threads_help_other_runs(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, uneven_ini, NULL, 0), 0);
	assert_int_equal(fx->plan.n_runs, 2);
	size_t n_time, n_bins;
	gs_run_shape(&fx->sc.arm_params[0], &n_time, &n_bins);
	char *one = ensemble_file(fx, 1, "u1.h5", 3);
	int threads[] = {2, 5};
	for (int k = 0; k < 2; k++) {
		char name[32], err[512];
		snprintf(name, sizeof(name), "u%d.h5", threads[k]);
		char *other = ensemble_file(fx, threads[k], name, 3);
		assert_int_equal(count_differences(one, other, 2, n_time, n_bins), 0);
		free(other);
		struct taken t = {{0, 0}};
		struct gs_ensemble_opts opts = {threads[k], false, NULL, false};
		struct gs_sink sink = {take_run, &t};
		assert_int_equal(gs_ensemble_run(&fx->plan, &opts, &sink, 1, err, sizeof(err)), 0);
		assert_int_equal(t.count[0], 1);
		assert_int_equal(t.count[1], 1);
	}
	free(one);
}

/* The CPUs the calling thread may run on. */
static int cpus_allowed(void)
{
	cpu_set_t mask;
	CPU_ZERO(&mask);
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	return CPU_COUNT(&mask);
}

struct cpus_seen {
	int runs, most; /* runs taken, and the most CPUs a thread that took one could run on */
	int first;      /* the CPUs the thread of the first run to end could run on */
};

static int take_cpus(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	(void)run;
	(void)r;
	(void)err;
	(void)n;
	struct cpus_seen *seen = ctx;
	int c = cpus_allowed();
	if (!seen->runs++)
		seen->first = c;
	if (c > seen->most)
		seen->most = c;
	return 0;
}

/*
 * An ensemble with a thread for every CPU (and no OMP_PROC_BIND): each run
 * is run by a thread bound to one CPU (sim/core/place.h) until a thread
 * runs out of runs: the first run to end was run on one CPU; the one still
 * going then lets go of its CPU at its next tick. The calling thread may
 * run on every CPU again once the ensemble is over. With fewer threads than
 * CPUs nothing is bound.
 */
static void test_threads_on_cpus_of_their_own(void **state)
{
	struct gs_test_fixture *fx = *state;
	int n = cpus_allowed();
	if (!gs_place_wanted(n, n, getenv("OMP_PROC_BIND"), getenv("OMP_PLACES"),
			     getenv("GOMP_CPU_AFFINITY")) ||
	    omp_get_thread_limit() < n || omp_get_dynamic())
		skip(); /* nothing to keep apart, the user's placement, or a team that may be smaller */
	assert_int_equal(gs_test_fixture_load(fx, uneven_ini, NULL, 0), 0);
	char err[512];
	struct cpus_seen seen = {0, 0, 0};
	struct gs_ensemble_opts opts = {n, false, NULL, false};
	struct gs_sink sink = {take_cpus, &seen};
	assert_int_equal(gs_ensemble_run(&fx->plan, &opts, &sink, 1, err, sizeof(err)), 0);
	assert_int_equal(seen.runs, 2);
	assert_int_equal(seen.first, 1);
	assert_true(seen.most == 1 || seen.most == n);
	assert_int_equal(cpus_allowed(), n);

	seen = (struct cpus_seen){0, 0, 0};
	opts.threads = n - 1;
	assert_int_equal(gs_ensemble_run(&fx->plan, &opts, &sink, 1, err, sizeof(err)), 0);
	assert_int_equal(seen.runs, 2);
	assert_int_equal(seen.most, n);
	assert_int_equal(cpus_allowed(), n);
}

/*
 * Time-slotted visits (service.visit_hours) in ticks of 6 hours, with sick
 * leave: every tick conserves needs and cases (cases between visits are
 * active, out of every queue and every worker's hand), cases are held
 * between visits, and the ensemble is bit-identical with 1, 3 and 8 threads
 * (8: threads inside each run, teams in parallel).
 */
static const char visits_ini[] =
	"[simulation]\nseed = 7\nduration = 60d\ntick = 6h\n"
	"[population]\ncitizens = 20000\n"
	"[class.all]\nneed_rate = 4\ncomplexity_mean = 3\nhours_per_component = 3\n"
	"[workforce]\nteams = 5\nworkers_per_team = 8\nsick_rate = 20\n"
	"[service]\nvisit_hours = 1.5\nwork_cv = 0.5\n"
	"[output]\ninterval = 5d\n"
	"[arm.npm]\npreset = npm\n[arm.hls]\npreset = hls\n";

struct visits_seen {
	long ticks;
	size_t held;
};

static int visits_hook(const struct gs_world *w, void *ctx)
{
	struct visits_seen *seen = ctx;
	char err[512];
	if (gs_world_check(w, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	for (size_t t = 0; t < w->n_teams; t++)
		seen->held += w->queue[t].n_held;
	seen->ticks++;
	return 0;
}

static void test_visits(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, visits_ini, NULL, 0), 0);
	for (size_t a = 0; a < fx->sc.n_arms; a++) {
		size_t n_time, n_bins;
		struct gs_run_result r = alloc_result(&fx->sc.arm_params[a], &n_time, &n_bins);
		struct visits_seen seen = {0};
		assert_int_equal(gs_run(&fx->plan, a, 3, &r, visits_hook, &seen), 0);
		assert_int_equal(seen.ticks, 240);
		assert_true(seen.held > 1000);
		free_result(&r);
	}
	size_t n_time, n_bins;
	gs_run_shape(&fx->sc.arm_params[0], &n_time, &n_bins);
	char *one = ensemble_file(fx, 1, "v1.h5", 7);
	int threads[] = {3, 8};
	for (int k = 0; k < 2; k++) {
		char name[32];
		snprintf(name, sizeof(name), "v%d.h5", threads[k]);
		char *other = ensemble_file(fx, threads[k], name, 7);
		assert_int_equal(count_differences(one, other, fx->sc.n_arms, n_time, n_bins), 0);
		free(other);
	}
	free(one);
}

/*
 * Arms share the citizens' exogenous streams: the same needs arise in every
 * interval of every arm (whether they join an open need is the regime's doing).
 */
static void test_common_random_numbers(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, small_ini, NULL, 0), 0);
	size_t n_time, n_bins;
	struct gs_run_result r[3];
	for (size_t a = 0; a < 3; a++) {
		r[a] = alloc_result(&fx->sc.arm_params[a], &n_time, &n_bins);
		assert_int_equal(gs_run(&fx->plan, a, 5, &r[a], NULL, NULL), 0);
	}
	double first = r[0].series[GS_M_needs_arising * n_time];
	assert_true(first > 0);
	for (size_t a = 1; a < 3; a++)
		for (size_t t = 0; t < n_time; t++)
			assert_double_close(r[a].series[GS_M_needs_arising * n_time + t],
					    r[0].series[GS_M_needs_arising * n_time + t], 0);
	/* but the regimes do differ later */
	int differ = 0;
	for (size_t t = 0; t < n_time; t++)
		differ += r[0].series[GS_M_cases_closed * n_time + t] !=
			  r[1].series[GS_M_cases_closed * n_time + t];
	assert_true(differ > 0);
	for (size_t a = 0; a < 3; a++)
		free_result(&r[a]);
}

/*
 * The demand shock at day 100 doubles the easy class's need rate: the same
 * run without the event is identical before day 100 and sees far fewer
 * easy needs arise after it (paired on the same random streams).
 */
static void test_event_applies(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, small_ini, NULL, 0), 0);
	assert_int_equal(fx->sc.n_events, 1);
	assert_int_equal(fx->sc.events[0].at_tick, 100);
	size_t n_time, n_bins;
	struct gs_run_result with = alloc_result(&fx->sc.arm_params[2], &n_time, &n_bins);
	struct gs_run_result without = alloc_result(&fx->sc.arm_params[2], &n_time, &n_bins);
	assert_int_equal(fx->plan.n_changes[2], 1);
	assert_int_equal(fx->plan.changes[2][0].tick, 100);
	assert_int_equal(gs_run(&fx->plan, 2, 5, &with, NULL, NULL), 0);
	fx->plan.n_changes[2] = 0;
	assert_int_equal(gs_run(&fx->plan, 2, 5, &without, NULL, NULL), 0);
	fx->plan.n_changes[2] = 1;
	/* class 0 (easy) of needs_arising_by_class; intervals of 5 days */
	const double *a = with.class_series + (size_t)GS_CM_needs_arising * 2 * n_time;
	const double *b = without.class_series + (size_t)GS_CM_needs_arising * 2 * n_time;
	for (size_t t = 0; t < 20; t++)
		assert_double_close(a[t], b[t], 0);
	double after_with = 0, after_without = 0;
	for (size_t t = 20; t < n_time; t++) {
		after_with += a[t];
		after_without += b[t];
	}
	assert_true(after_with > 1.3 * after_without);
	free_result(&with);
	free_result(&without);
}

/* The tick hook of the stop test: raises the stop flag at the run's last tick. */
static int stop_at_last_tick(const struct gs_world *w, void *ctx)
{
	int *ticks = ctx;
	if (++*ticks == w->n_ticks)
		gs_stop = 1;
	return 0;
}

/*
 * The stop flag raised during a run's last tick ends the run as stopped
 * (1): its last interval, which the flag may have cut short, is never
 * handed on as a finished run. With the flag down the same run finishes.
 */
static void test_stop_flag_discards_the_run(void **state)
{
	struct gs_test_fixture *fx = *state;
	assert_int_equal(gs_test_fixture_load(fx, small_ini, NULL, 0), 0);
	size_t n_time, n_bins;
	struct gs_run_result r = alloc_result(&fx->sc.arm_params[0], &n_time, &n_bins);
	int ticks = 0;
	int rc = gs_run(&fx->plan, 0, 5, &r, stop_at_last_tick, &ticks);
	gs_stop = 0;
	assert_int_equal(ticks, 200);
	assert_int_equal(rc, 1);
	long n = 0;
	assert_int_equal(gs_run(&fx->plan, 0, 5, &r, check_hook, &n), 0);
	assert_int_equal(n, 200);
	free_result(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conservation, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_conservation_mechanisms_off, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_threads_bit_identical, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_threads_inside_a_run, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_threads_help_other_runs, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_threads_on_cpus_of_their_own, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_visits, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_common_random_numbers, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_event_applies, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_stop_flag_discards_the_run, gs_test_fixture_setup,
						gs_test_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
