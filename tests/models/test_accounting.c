/*
 * test_accounting.c - honest accounting on the casework service
 * (scenarios/casework.ini and default.ini at 2/5 scale, the same load per
 * team):
 *
 * - the recorded, audited and true shares within target: recorded -
 *   audited (misreporting) is exactly zero without gaming, and grows with
 *   regime.target_pressure on the same citizens (common random numbers);
 * - the commissioner's cost: cost_total is the cost of provision when the
 *   service is salaried or the payments when it is paid per case or per
 *   outcome, never both, plus the downstream resource; payments follow
 *   the closures or needs met; cost per need met divides by the needs the
 *   service met.
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"
#include "sim/engine/engine.h"
#include "sim/plan/scenario.h"

/* Every run of a scenario's arms x replications. */
struct ens {
	struct gs_test_fixture *fx;
	size_t n_arms, reps, n_time, n_bins, n_classes;
	struct gs_run_result *run; /* [arm * reps + rep] */
};

/* The casework service at 2/5 scale (as in test_patterns.c), weekly outputs. */
static char *const small[] = {"population.citizens=4000", "workforce.teams=2",
			      "downstream.capacity=16", "output.interval=7d"};
#define N_SMALL (sizeof(small) / sizeof(small[0]))

/* Write `arms` after an include of the shipped scenario `rel`, and run every arm and replication. */
static void run_all(struct ens *e, const char *rel, const char *arms, char *const *sets,
		    size_t n_sets)
{
	const char *root = getenv("GOVSIM_SRCDIR") ? getenv("GOVSIM_SRCDIR") : ".";
	char *abs = realpath(root, NULL);
	assert_non_null(abs);
	size_t len = strlen(abs) + strlen(rel) + strlen(arms) + 64;
	char *text = malloc(len);
	assert_non_null(text);
	snprintf(text, len, "include = %s/%s\n%s", abs, rel, arms);
	free(abs);
	memset(e, 0, sizeof(*e));
	void *fx = NULL;
	assert_int_equal(gs_test_fixture_setup(&fx), 0);
	e->fx = fx;
	assert_int_equal(gs_test_fixture_load(e->fx, text, sets, n_sets), 0);
	free(text);
	const struct gs_params *p = &e->fx->sc.arm_params[0];
	e->n_arms = e->fx->sc.n_arms;
	e->reps = (size_t)p->simulation.replications;
	e->n_classes = (size_t)p->n_classes;
	gs_run_shape(p, &e->n_time, &e->n_bins);
	e->run = gs_test_run_plan(&e->fx->plan, e->n_arms, e->reps, e->n_time, e->n_bins,
				  e->n_classes);
}

static void free_all(struct ens *e)
{
	gs_test_free_runs(e->run, e->n_arms * e->reps);
	void *fx = e->fx;
	gs_test_fixture_teardown(&fx);
}

static int arm_index(const struct ens *e, const char *name)
{
	for (size_t a = 0; a < e->n_arms; a++)
		if (strcmp(e->fx->sc.arms[a].name, name) == 0)
			return (int)a;
	fail_msg("no arm %s", name);
	return -1;
}

static const double *series(const struct ens *e, int arm, size_t rep, int m)
{
	return e->run[(size_t)arm * e->reps + rep].series + (size_t)m * e->n_time;
}

/* Metric m of one run over the whole run, by its aggregation (as every table shows it). */
static double over(const struct ens *e, int arm, size_t rep, int m)
{
	return gs_metric_over(gs_metric_table, GS_N_METRICS,
			      e->run[(size_t)arm * e->reps + rep].series, e->n_time, m, 0, e->n_time);
}

/* Both NaN, or equal. */
static bool same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* Arms of the npm preset at target pressures 0 to 1, and at 1 with both gaming mechanisms off. */
static const char pressure_arms[] =
	"[simulation]\nreplications = 4\n"
	"[arm.p0]\npreset = npm\nregime.target_pressure = 0\n"
	"[arm.p35]\npreset = npm\nregime.target_pressure = 0.35\n"
	"[arm.p70]\npreset = npm\nregime.target_pressure = 0.7\n"
	"[arm.p100]\npreset = npm\nregime.target_pressure = 1\n"
	"[arm.no_gaming]\npreset = npm\nregime.target_pressure = 1\n"
	"mechanism.recording = off\nmechanism.triage = off\n";

/*
 * Misreporting, within_target_recorded - within_target_audited: exactly
 * zero in every interval without target pressure or with the recording and
 * triage mechanisms off (the same cases counted, the same times); with
 * pressure, positive in every replication at full pressure, and its mean
 * over the replications rises with the pressure. What remains, audited -
 * true, is the case clock against the need clock, there at any pressure.
 */
static void test_misreporting_grows_with_pressure(void **state)
{
	(void)state;
	struct ens e;
	run_all(&e, "scenarios/casework.ini", pressure_arms, small, N_SMALL);
	static const char *const names[] = {"p0", "p35", "p70", "p100"};
	double gap[4] = {0};
	for (size_t k = 0; k < 4; k++) {
		int a = arm_index(&e, names[k]);
		for (size_t r = 0; r < e.reps; r++) {
			double rec = over(&e, a, r, GS_M_within_target_recorded);
			double aud = over(&e, a, r, GS_M_within_target_audited);
			double tru = over(&e, a, r, GS_M_within_target_true);
			print_message("%-4s replication %zu: recorded %.5f audited %.5f true %.4f\n",
				      names[k], r, rec, aud, tru);
			gap[k] += (rec - aud) / (double)e.reps;
			/* the clocks differ whatever the pressure */
			assert_true(aud - tru > 0.3);
			if (k == 3)
				assert_true(rec - aud > 0);
		}
	}
	print_message("misreporting, mean: %.5f %.5f %.5f %.5f\n", gap[0], gap[1], gap[2], gap[3]);
	assert_true(gap[0] == 0);
	assert_true(gap[1] > gap[0] && gap[2] > gap[1] && gap[3] > gap[2]);
	static const char *const honest[] = {"p0", "no_gaming"};
	for (size_t k = 0; k < 2; k++) {
		int a = arm_index(&e, honest[k]);
		for (size_t r = 0; r < e.reps; r++)
			for (size_t t = 0; t < e.n_time; t++) {
				assert_true(series(&e, a, r, GS_M_cases_measured)[t] ==
					    series(&e, a, r, GS_M_cases_measured_audited)[t]);
				assert_true(same(series(&e, a, r, GS_M_within_target_recorded)[t],
						 series(&e, a, r, GS_M_within_target_audited)[t]));
			}
	}
	/* with gaming, the gaming is there to see */
	int p100 = arm_index(&e, "p100");
	double gamed = 0;
	for (size_t r = 0; r < e.reps; r++)
		for (size_t t = 0; t < e.n_time; t++)
			gamed += series(&e, p100, r, GS_M_records_manipulated)[t] +
				 series(&e, p100, r, GS_M_reclassifications)[t];
	assert_true(gamed > 0);
	free_all(&e);
}

/* default.ini's arms (npm paid by outcome, hls and none salaried) and one paid per case. */
static const char cost_arms[] =
	"[simulation]\nreplications = 2\n"
	"[downstream]\ncost_per_day = 40\n"
	"[arm.per_case]\npreset = npm\nregime.payment_model = per_case\n"
	"cost.payment_per_case = 250\n";

static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/*
 * The accounting identity, in every interval of every arm:
 * cost_total = (salaried ? cost_provision : payments) + cost_resource;
 * payments = payment_per_outcome x needs met by the service (outcome) or
 * payment_per_case x cases closed (per case), 0 when salaried; cost per
 * need met = cost_total / (needs_met - needs_met_self), over the run too.
 */
static void test_cost_identity(void **state)
{
	(void)state;
	struct ens e;
	run_all(&e, "scenarios/default.ini", cost_arms, small, N_SMALL);
	assert_int_equal(e.n_arms, 4);
	int bad = 0;
	for (size_t a = 0; a < e.n_arms; a++) {
		const struct gs_params *p = &e.fx->sc.arm_params[a];
		enum gs_payment_model pm = p->regime.payment_model;
		double per_case = p->cost.payment_per_case, per_outcome = p->cost.payment_per_outcome;
		for (size_t r = 0; r < e.reps; r++) {
			double paid = 0, provision = 0, resource = 0;
			for (size_t t = 0; t < e.n_time; t++) {
#define V(m) series(&e, (int)a, r, GS_M_##m)[t]
				double met = V(needs_met) - V(needs_met_self);
				double want_paid = pm == GS_PAYMENT_OUTCOME    ? per_outcome * met
						   : pm == GS_PAYMENT_PER_CASE ? per_case * V(cases_closed)
									       : 0;
				double want_total = (pm == GS_PAYMENT_SALARY ? V(cost_provision)
									     : V(payments)) +
						    V(cost_resource);
				if (!close_to(V(payments), want_paid) ||
				    !close_to(V(cost_total), want_total) ||
				    !same(V(cost_per_need_met), met > 0 ? V(cost_total) / met : NAN) ||
				    !(V(cost_provision) > 0)) {
					print_error("arm %s run %zu interval %zu: payments %g (want %g), "
						    "cost_total %g (want %g), per need met %g\n",
						    e.fx->sc.arms[a].name, r, t, V(payments), want_paid,
						    V(cost_total), want_total, V(cost_per_need_met));
					bad++;
				}
				paid += V(payments);
				provision += V(cost_provision);
				resource += V(cost_resource);
#undef V
			}
			/* every route is used: resource costs everywhere, payments where paid */
			assert_true(resource > 0);
			assert_true(pm == GS_PAYMENT_SALARY ? paid == 0 : paid > 0);
			double met = over(&e, (int)a, r, GS_M_needs_met) - over(&e, (int)a, r, GS_M_needs_met_self);
			assert_true(close_to(over(&e, (int)a, r, GS_M_cost_per_need_met),
					     over(&e, (int)a, r, GS_M_cost_total) / met));
			print_message("%-8s run %zu: provision %.0f, payments %.0f, resource %.0f, "
				      "cost per need met %.1f\n",
				      e.fx->sc.arms[a].name, r, provision, paid, resource,
				      over(&e, (int)a, r, GS_M_cost_per_need_met));
		}
	}
	assert_int_equal(bad, 0);
	free_all(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_misreporting_grows_with_pressure),
		cmocka_unit_test(test_cost_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
