/*
 * testutil.h - helpers shared by govsim's cmocka tests: files and
 * scenarios, plans of one arm, and small worlds of the governance model
 * (parameters, needs and cases put in place with the world's counts kept,
 * a tick's phases, whole runs and sums of their metrics).
 */
#ifndef GS_TESTUTIL_H
#define GS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/world.h"
#include "sim/engine/engine.h"
#include "sim/plan/plan.h"

/* cmocka 1.1's assert_float_equal casts to float: compare doubles properly. */
#define assert_double_close(a, b, tol) \
	gs_test_double_close((a), (b), (tol), #a, #b, __FILE__, __LINE__)
void gs_test_double_close(double a, double b, double tol, const char *sa, const char *sb,
			  const char *file, int line);

/* A fresh temporary directory (removed with its files by gs_test_rmtree). */
char *gs_test_tmpdir(void);
void gs_test_rmtree(char *dir);

/* Write text to dir/name; returns the malloc'd full path. */
char *gs_test_write(const char *dir, const char *name, const char *text);

/* Read a whole file into a malloc'd string (NULL if missing). */
char *gs_test_slurp(const char *path);

/*
 * gs_test_load - read and resolve the scenario at path with n_sets
 * overrides, and build its plan for the governance model (pl may be NULL:
 * no plan). Prints every problem; returns 0, or -1 if there was any.
 */
int gs_test_load(const char *path, char *const *sets, size_t n_sets, struct gs_scenario *sc,
		 struct gs_plan *pl);

/*
 * A scenario written into a temporary directory and loaded into a plan:
 * gs_test_fixture_setup / _teardown are cmocka setup and teardown functions
 * (state: a struct gs_test_fixture *); gs_test_fixture_load writes text to
 * dir/s.ini and loads it with n_sets overrides (returns 0, or -1 with every
 * problem printed).
 */
struct gs_test_fixture {
	char *dir;
	struct gs_scenario sc;
	struct gs_plan plan;
};
int gs_test_fixture_setup(void **state);
int gs_test_fixture_teardown(void **state);
int gs_test_fixture_load(struct gs_test_fixture *fx, const char *text, char *const *sets,
			 size_t n_sets);

/* A plan of one arm "base" with parameters p: no scenario file, no events, no sweep. */
struct gs_test_plan {
	struct gs_scenario sc;
	struct gs_plan plan;
};

/* gs_test_plan_init - build tp for p and the governance model; returns 0 or -1. */
int gs_test_plan_init(struct gs_test_plan *tp, const struct gs_params *p);
void gs_test_plan_free(struct gs_test_plan *tp);

/*
 * ---- small worlds of the governance model ----
 *
 * A test sets its parameters with gs_test_params (then what it studies),
 * builds the world with gs_test_world, puts needs and cases in place with
 * gs_test_new_need, gs_test_need or gs_test_queue_case (the world's counts
 * kept, so that assert_world_ok holds) and steps it with gs_test_phases;
 * or it runs the parameters whole with gs_test_run and sums their metrics
 * with gs_test_total and the like.
 */

/*
 * The seeds of checks on paired runs or worlds (the same seed, one
 * parameter changed): a statistical check holds for every paired draw, or
 * with margins worked out next to it, and for each of these seeds.
 */
#define GS_TEST_N_SEEDS 2
extern const uint64_t gs_test_seeds[GS_TEST_N_SEEDS];

/* gs_test_set - set parameter key ("section.key", as in a scenario) of p to value, or fail. */
void gs_test_set(struct gs_params *p, const char *key, const char *value);

/* gs_test_preset - set every regime.* parameter of p as preset `name` does, or fail. */
void gs_test_preset(struct gs_params *p, const char *name);

/*
 * gs_test_run_plan - every arm x replication of plan (first sweep point),
 * in parallel: a calloc'ed array of n_arms x reps results, [arm * reps +
 * rep], each run on its replication's seed (the arms of one replication
 * share it). Fails the test if a run fails. Free with gs_test_free_runs.
 */
struct gs_run_result *gs_test_run_plan(const struct gs_plan *plan, size_t n_arms, size_t reps,
				       size_t n_time, size_t n_bins, size_t n_classes);
void gs_test_free_runs(struct gs_run_result *runs, size_t n);

/*
 * gs_test_params - p at its defaults (ticks of a day) but for `citizens`
 * citizens whose first class has need_rate needs a year, `teams` teams of
 * `per_team` workers, and a run of `ticks` ticks.
 */
void gs_test_params(struct gs_params *p, int64_t citizens, double need_rate, int64_t teams,
		    int64_t per_team, double ticks);

/*
 * gs_test_alike - every manager and every worker alike: the spreads of
 * their traits (workforce.manager_*_sd, worker_*_sd) set to 0, for tests of
 * the closed form of one manager's or one worker's behaviour.
 */
void gs_test_alike(struct gs_params *p);

/*
 * gs_test_world - the world of parameters p and seed, at tick 0 (it keeps
 * p by pointer: a test may change *p as it goes). Fails the test rather
 * than return NULL. Free with gs_world_free.
 */
struct gs_world *gs_test_world(struct gs_params *p, uint64_t seed);

/* assert_world_ok - w passes gs_world_check (needs and contacts conserved, cases queued). */
#define assert_world_ok(w) gs_test_world_ok((w), __FILE__, __LINE__)
void gs_test_world_ok(const struct gs_world *w, const char *file, int line);

/* gs_test_check_hook - a gs_tick_hook: gs_world_check after every tick (ctx unused). */
int gs_test_check_hook(const struct gs_world *w, void *ctx);

/*
 * gs_test_phases - tick t (set as w->tick) of the phases of
 * gs_governance_phases named, space-separated, in `names` ("needs contact
 * casework downstream closure workers learning managers costs"),
 * run in the model's order whatever the order named. Returns 0, or -1 if
 * a phase failed; a name that is no phase fails the test.
 */
int gs_test_phases(struct gs_world *w, int32_t t, const char *names);

/*
 * gs_test_new_need - a need of severity sev and cx components arises for
 * citizen c at w->tick (its wellbeing brought up to then first): pending,
 * never brought to the service, counted among needs arisen and pending.
 * Neither planned (gs_citizen_replan) nor scheduled.
 */
void gs_test_new_need(struct gs_world *w, int32_t c, double sev, int cx);

/*
 * gs_test_need - citizen c's need of severity sev and cx components arose
 * at w->tick and was brought to the service then (one contact, value
 * demand), and is now in `state`: GS_NEED_IN_SERVICE (its case is the
 * caller's to open) or GS_NEED_PENDING (the citizen is to come back).
 * Counted among needs arisen, value contacts and the stock of its state;
 * no case opened, nothing scheduled.
 */
void gs_test_need(struct gs_world *w, int32_t c, enum gs_need_state state, double sev, int cx);

/*
 * gs_test_queue_case - gs_test_need in service, severity 0.5, cx
 * components; its case opened at w->tick and queued at the citizen's
 * team. Returns the case id.
 */
int32_t gs_test_queue_case(struct gs_world *w, int32_t c, int cx);

/* A run's parameters as run, the shape of its results, and its results. */
struct gs_test_result {
	struct gs_params p;
	size_t n_time, n_bins;
	struct gs_run_result r;
};

/*
 * gs_test_result_alloc - x for a run of parameters p: p copied, and the
 * series, class series, team series and histograms allocated (zeroed) to
 * its shape.
 */
void gs_test_result_alloc(struct gs_test_result *x, const struct gs_params *p);
void gs_test_result_free(struct gs_test_result *x);

/*
 * gs_test_run - run parameters p (one arm "base", no scenario file, no
 * events: gs_test_plan_init) with seed into x, which it allocates (free
 * with gs_test_result_free). hook is called after every tick with ctx;
 * NULL means gs_test_check_hook. Fails the test unless the run completes.
 */
void gs_test_run(struct gs_test_result *x, const struct gs_params *p, uint64_t seed,
		 gs_tick_hook hook, void *ctx);

/* gs_test_value - metric m (GS_M_*) of output interval t. */
double gs_test_value(const struct gs_test_result *x, int m, size_t t);

/* gs_test_last - metric m of the last output interval. */
double gs_test_last(const struct gs_test_result *x, int m);

/* gs_test_sum - metric m summed over intervals [t0, t1), intervals with NaN left out. */
double gs_test_sum(const struct gs_test_result *x, int m, size_t t0, size_t t1);

/* gs_test_total - metric m summed over the run, intervals with NaN left out. */
double gs_test_total(const struct gs_test_result *x, int m);

/* gs_test_team_value - team metric tm (GS_TM_*) of team k in output interval t. */
double gs_test_team_value(const struct gs_test_result *x, int tm, size_t k, size_t t);

/*
 * gs_test_team_over - team metric tm of team k over the run, by its
 * aggregation (gs_metric_over: a flow summed, a stock averaged, a share
 * weighted by its count).
 */
double gs_test_team_over(const struct gs_test_result *x, int tm, size_t k);

/* gs_test_class_total - class metric cm (GS_CM_*) of class k summed over the run, NaN left out. */
double gs_test_class_total(const struct gs_test_result *x, int cm, int k);

#endif
