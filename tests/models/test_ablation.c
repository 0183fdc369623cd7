/*
 * test_ablation.c - every mechanism switch, one at a time.
 *
 * For each `mechanism.*` parameter of the table, a small scenario in which
 * every mechanism has something to do is run with everything on, then
 * with that one switch off (the same seeds): the run completes with
 * conservation at every tick, the metrics the mechanism drives move the
 * way the table below says, and the service keeps running. A switch added
 * to sim/core/params.def without an expectation here fails the test.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/engine.h"
#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/plan/scenario.h"
#include "models/world.h"

/*
 * An npm-like arm, loaded enough that targets bite (time target 2 days)
 * and ratcheting them until they are missed, with audit, continuity,
 * stewardship, learning time, a class needing a scarce downstream
 * resource, and payment by outcome.
 */
static const char base_ini[] =
	"[simulation]\nseed = 17\nduration = 1y\ntick = 1d\n"
	"[population]\ncitizens = 2500\n"
	"[class.easy]\nshare = 2\nneed_rate = 2\ncomplexity_mean = 1.5\n"
	"[class.hard]\nshare = 1\nneed_rate = 1\ncomplexity_mean = 4\nhours_per_component = 2.5\n"
	"resource_share = 0.3\n"
	"[workforce]\nteams = 3\nworkers_per_team = 3\nleave_rate = 0.3\nmotivation_initial = 0.5\n"
	"deterrence = 2\ngaming_window = 3\n"
	"[service]\ntime_target = 2d\nbarrier = 0.1\n"
	"[downstream]\ncapacity = 4\nstay = 2d\n"
	"[cost]\npayment_per_outcome = 1500\n"
	"[output]\ninterval = 1d\n"
	"[arm.all_on]\npreset = npm\n"
	"regime.target_pressure = 1\nregime.target_level = 0.6\nregime.discretion = 0.4\n"
	"regime.continuity = 0.6\nregime.stewardship = 0.3\nregime.learning_time = 0.05\n"
	"regime.payment_model = outcome\nregime.audit_probability = 0.2\nregime.audit_penalty = 1\n"
	"regime.target_ratchet = 0.1\n"
	"[workforce]\neffort_gain = 0.15\nsupport_gain = 0.5\n";

enum agg { SUM, MEAN, LAST }; /* over the run; MEAN leaves NaN intervals out */

enum how {
	OFF_ZERO,     /* 0 with the switch off (and not with it on) */
	OFF_LOWER,    /* lower with the switch off */
	OFF_HIGHER,   /* higher with the switch off */
	OFF_CONSTANT, /* the same at every interval with the switch off (not with it on) */
};

/* What switching a mechanism off does to a quantity: a metric, or a derived one. */
struct expectation {
	const char *mechanism;
	const char *quantity; /* a metric of metrics.def, or hours_per_case / hard_hours_per_case */
	enum agg agg;
	enum how how;
	const char *at; /* OFF_CONSTANT: the parameter it stays at; NULL: its first value */
};

static const struct expectation expectations[] = {
	/* needs below the contact threshold stay there: fewer are brought */
	{"escalation", "contacts_value", SUM, OFF_LOWER, NULL},
	{"self_resolution", "needs_met_self", SUM, OFF_ZERO, NULL},
	/* no failure demand at all: nobody chases or comes back, no hand-offs; the unmet give up */
	{"failure_demand", "contacts_chasing", SUM, OFF_ZERO, NULL},
	{"failure_demand", "contacts_repeat", SUM, OFF_ZERO, NULL},
	{"failure_demand", "contacts_handoff", SUM, OFF_ZERO, NULL},
	{"failure_demand", "contacts_failure", SUM, OFF_ZERO, NULL},
	{"failure_demand", "needs_abandoned", SUM, OFF_HIGHER, NULL},
	{"trust", "trust_mean", SUM, OFF_CONSTANT, NULL},
	{"coproduction", "hours_per_case", SUM, OFF_HIGHER, NULL},
	{"triage", "reclassifications", SUM, OFF_ZERO, NULL},
	/* first come, first served: no more serving cases just before they breach */
	{"queue", "within_target_recorded", MEAN, OFF_LOWER, NULL},
	/* the presenting component only: needs come back for the rest */
	{"discretion", "contacts_repeat", SUM, OFF_HIGHER, NULL},
	{"premature_closure", "premature_closures", SUM, OFF_ZERO, NULL},
	{"recording", "records_manipulated", SUM, OFF_ZERO, NULL},
	{"audit", "audit_catches", SUM, OFF_ZERO, NULL},
	{"barriers", "contacts_handoff", SUM, OFF_ZERO, NULL},
	/* nobody is seen by the worker who knows them: no hours saved */
	{"continuity", "hours_per_case", SUM, OFF_HIGHER, NULL},
	/* the shortfall no longer adds to the pressure felt (the ratchet makes one) */
	{"pressure", "premature_closures", SUM, OFF_LOWER, NULL},
	{"pressure", "worker_trust_mean", MEAN, OFF_HIGHER, NULL}, /* towards 1 - control */
	/* no extra effort on measured work under pressure: more paid hours per case */
	{"effort", "hours_per_case", SUM, OFF_HIGHER, NULL},
	{"ratchet", "target_value", SUM, OFF_CONSTANT, "regime.target_level"},
	/* managers no longer coach the teams their reports show falling short */
	{"support", "knowhow_mean", LAST, OFF_LOWER, NULL},
	{"learning", "knowhow_mean", LAST, OFF_LOWER, NULL},
	{"learning", "worker_skill_mean", LAST, OFF_LOWER, NULL},
	/* nothing decays: the know-how kept is higher */
	{"forgetting", "knowhow_mean", LAST, OFF_HIGHER, NULL},
	{"stewardship", "barrier_mean", SUM, OFF_CONSTANT, "service.barrier"},
	{"motivation", "worker_motivation_mean", SUM, OFF_CONSTANT, "workforce.motivation_initial"},
	/* nothing raises stress */
	{"stress", "worker_stress_mean", SUM, OFF_ZERO, NULL},
	{"turnover", "leavers", SUM, OFF_ZERO, NULL},
	{"turnover", "workers_sick", SUM, OFF_ZERO, NULL},
	{"downstream", "resource_waiting", SUM, OFF_ZERO, NULL},
	/* hard cases are no longer parked with a holding appointment */
	{"payments", "cases_parked", SUM, OFF_ZERO, NULL},
	{"payments", "hard_hours_per_case", SUM, OFF_HIGHER, NULL},
};
#define N_EXPECT (sizeof(expectations) / sizeof(expectations[0]))

/*
 * A switch off does what its lever at zero does: the run with the switch
 * off and the run with it on but its lever(s) at zero (the same seed) are
 * the same, every metric at every interval, by class, and the histograms
 * (but for `except`, a stock that shows the lever's own level). A switch
 * without such a lever is listed in no_lever with the reason; the
 * expectations above then show its effect gone (a quantity at 0 or
 * constant).
 */
struct lever {
	const char *mechanism;
	const char *sets[5]; /* section.key=value, NULL-terminated */
	const char *except;  /* a metric that may differ, or NULL */
};

static const struct lever levers[] = {
	{"coproduction", {"service.coproduction=0"}, NULL},
	{"triage", {"workforce.reclassify_base=0"}, NULL},
	{"queue", {"regime.weight_need=0", "regime.weight_wait=1", "regime.weight_breach=0",
		   "regime.weight_success=0"}, NULL},
	{"discretion", {"regime.discretion=0"}, NULL},
	{"premature_closure", {"workforce.premature_base=0"}, NULL},
	{"recording", {"workforce.manipulation_base=0"}, NULL},
	{"audit", {"regime.audit_probability=0"}, NULL},
	/* barriers at 0 act as barriers switched off; the level itself is still shown when off */
	{"barriers", {"service.barrier=0", "service.barrier_growth=0"}, "barrier_mean"},
	{"continuity", {"regime.continuity=0", "service.continuity_saving=0",
			"service.continuity_resolve=0"}, NULL},
	{"pressure", {"workforce.pressure_shortfall=0"}, NULL},
	{"effort", {"workforce.effort_gain=0"}, NULL},
	{"support", {"workforce.support_gain=0"}, NULL},
	{"ratchet", {"regime.target_ratchet=0"}, NULL},
	{"learning", {"workforce.learning_rate=0", "workforce.knowhow_rate=0"}, NULL},
	{"forgetting", {"workforce.skill_forgetting=0", "workforce.knowhow_forgetting=0"}, NULL},
	{"stewardship", {"regime.stewardship=0"}, NULL},
	{"trust", {"population.trust_learning=0"}, NULL},
	{"turnover", {"workforce.sick_rate=0", "workforce.leave_rate=0"}, NULL},
	{"downstream", {"class.easy.resource_share=0", "class.hard.resource_share=0"}, NULL},
};
#define N_LEVERS (sizeof(levers) / sizeof(levers[0]))

/* Switches with no lever that a value of 0 turns off, and why. */
static const char *const no_lever[][2] = {
	{"escalation", "class.escalation_time has no value for 'never'"},
	{"self_resolution", "class.self_resolve_time has no value for 'never'"},
	{"failure_demand", "no parameter sets the chasing, returns and hand-offs to none"},
	{"motivation", "no rate of change of motivation and trust in management"},
	{"stress", "stress_rate 0 leaves the stress of sanctions"},
	{"payments", "payment_per_outcome 0 makes every case not worth working"},
};
#define N_NO_LEVER (sizeof(no_lever) / sizeof(no_lever[0]))

/* Two replications: every expectation holds for both. */
#define N_REPS 2

struct fixture {
	char *dir;
	struct gs_test_result on[N_REPS];
};

/* Conservation at every tick, and the ticks counted. */
static int check_hook(const struct gs_world *w, void *ctx)
{
	long *ticks = ctx;
	if (gs_test_check_hook(w, NULL))
		return -1;
	(*ticks)++;
	return 0;
}

/* Read the base scenario with n_sets overrides; run its arm on replication rep's seed. */
static void run_arm_sets(struct fixture *fx, char *const *sets, size_t n_sets, int rep,
			 struct gs_test_result *x)
{
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	const char *over = n_sets ? sets[0] : NULL;
	char *path = gs_test_write(fx->dir, "ablation.ini", base_ini);
	int rc = gs_test_load(path, sets, n_sets, &sc, &pl);
	free(path);
	assert_int_equal(rc, 0);
	assert_int_equal(sc.n_arms, 1);
	gs_test_result_alloc(x, &sc.arm_params[0]);
	long ticks = 0;
	uint64_t seed = gs_plan_seed(&pl, 0, (size_t)rep);
	/* the run completes, conserving needs and contacts at every tick */
	if (gs_run(&pl, 0, seed, &x->r, check_hook, &ticks) != 0) {
		print_error("%s: the run stopped after %ld ticks\n", over ? over : "all on", ticks);
		fail();
	}
	assert_int_equal(ticks, 365);
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
}

/* The same with one override (NULL: none). */
static void run_arm(struct fixture *fx, const char *over, int rep, struct gs_test_result *x)
{
	char *sets[1] = {(char *)over};
	run_arm_sets(fx, sets, over ? 1 : 0, rep, x);
}

static const double *series(const struct gs_test_result *x, int m)
{
	return x->r.series + (size_t)m * x->n_time;
}

static int metric(const char *name)
{
	int m = gs_metric_find(name);
	if (m < 0) {
		print_error("no metric %s\n", name);
		fail();
	}
	return m;
}

static double class_sum(const struct gs_test_result *x, int cm, const char *cls)
{
	int k = 0;
	while (k < x->p.n_classes && strcmp(x->p.class_name[k], cls) != 0)
		k++;
	assert_true(k < x->p.n_classes);
	size_t nc = (size_t)x->p.n_classes;
	double s = 0;
	for (size_t t = 0; t < x->n_time; t++)
		s += x->r.class_series[((size_t)cm * nc + (size_t)k) * x->n_time + t];
	return s;
}

/* The quantity of expectation e in run x. */
static double quantity(const struct gs_test_result *x, const struct expectation *e)
{
	if (strcmp(e->quantity, "hours_per_case") == 0)
		return gs_test_total(x, metric("hours_casework")) /
		       gs_test_total(x, metric("cases_closed"));
	if (strcmp(e->quantity, "hard_hours_per_case") == 0)
		return class_sum(x, GS_CM_hours_casework, "hard") /
		       class_sum(x, GS_CM_cases_closed, "hard");
	int m = metric(e->quantity);
	if (e->agg == LAST)
		return series(x, m)[x->n_time - 1];
	if (e->agg == MEAN) {
		double s = 0;
		size_t n = 0;
		for (size_t t = 0; t < x->n_time; t++)
			if (!isnan(series(x, m)[t])) {
				s += series(x, m)[t];
				n++;
			}
		return n ? s / (double)n : NAN;
	}
	return gs_test_total(x, m);
}

/* The value of a REAL parameter "section.key" in p. */
static double param_value(const struct gs_params *p, const char *key)
{
	char cls[GS_NAME_MAX], text[64];
	int i = gs_param_find(key, cls);
	assert_true(i >= 0);
	gs_param_format(p, (size_t)i, 0, text, sizeof(text));
	return strtod(text, NULL);
}

/* Is the metric the same at every interval (and equal to `want` unless NaN)? */
static bool constant(const struct gs_test_result *x, int m, double want)
{
	const double *s = series(x, m);
	if (isnan(want))
		want = s[0];
	for (size_t t = 0; t < x->n_time; t++)
		if (!(fabs(s[t] - want) <= 1e-6))
			return false;
	return true;
}

/* Check expectation e for the run with the switch off against the one with everything on. */
static int check(const struct expectation *e, const struct gs_test_result *on,
		 const struct gs_test_result *off, int rep)
{
	double q_on = quantity(on, e), q_off = quantity(off, e);
	const char *what = e->how == OFF_ZERO	  ? "0"
			   : e->how == OFF_LOWER  ? "lower"
			   : e->how == OFF_HIGHER ? "higher"
						  : "constant";
	bool ok = false;
	switch (e->how) {
	case OFF_ZERO:
		ok = q_off == 0 && q_on > 0;
		break;
	case OFF_LOWER:
		ok = q_off < q_on;
		break;
	case OFF_HIGHER:
		ok = q_off > q_on;
		break;
	case OFF_CONSTANT: {
		int m = metric(e->quantity);
		double at = e->at ? param_value(&off->p, e->at) : NAN;
		ok = constant(off, m, at) && !constant(on, m, NAN);
		break;
	}
	}
	if (!ok)
		print_error("replication %d: mechanism.%s off: %s should be %s: %.6g with it on, "
			    "%.6g off\n",
			    rep, e->mechanism, e->quantity, what, q_on, q_off);
	return ok ? 0 : 1;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->dir = gs_test_tmpdir();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	for (int r = 0; r < N_REPS; r++)
		gs_test_result_free(&fx->on[r]);
	gs_test_rmtree(fx->dir);
	free(fx);
	return 0;
}

/* Every mechanism switch of the table has an expectation; every expectation, a switch. */
static void test_every_switch_listed(void **state)
{
	(void)state;
	int missing = 0, n_switches = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (strcmp(in->section, "mechanism") != 0)
			continue;
		n_switches++;
		assert_int_equal(in->type, GS_BOOL);
		assert_string_equal(in->def, "on");
		int n = 0;
		for (size_t k = 0; k < N_EXPECT; k++)
			n += strcmp(expectations[k].mechanism, in->name) == 0;
		if (n == 0) {
			print_error("mechanism.%s has no expectation in test_ablation.c\n",
				    in->name);
			missing++;
		}
	}
	assert_true(n_switches > 0);
	for (size_t k = 0; k < N_EXPECT; k++) {
		char key[128], cls[GS_NAME_MAX];
		snprintf(key, sizeof(key), "mechanism.%s", expectations[k].mechanism);
		int i = gs_param_find(key, cls);
		if (i < 0) {
			print_error("%s is not a parameter\n", key);
			missing++;
		}
		if (strcmp(expectations[k].quantity, "hours_per_case") != 0 &&
		    strcmp(expectations[k].quantity, "hard_hours_per_case") != 0 &&
		    gs_metric_find(expectations[k].quantity) < 0) {
			print_error("%s is not a metric\n", expectations[k].quantity);
			missing++;
		}
	}
	/* every switch has a lever, or the reason it has none */
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (strcmp(in->section, "mechanism") != 0)
			continue;
		int n = 0;
		for (size_t k = 0; k < N_LEVERS; k++)
			n += strcmp(levers[k].mechanism, in->name) == 0;
		for (size_t k = 0; k < N_NO_LEVER; k++)
			n += strcmp(no_lever[k][0], in->name) == 0;
		if (n != 1) {
			print_error("mechanism.%s: %d rows in levers and no_lever (want 1)\n", in->name,
				    n);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/* Each switch off in turn, against everything on. */
static void test_each_switch_off(void **state)
{
	struct fixture *fx = *state;
	for (int r = 0; r < N_REPS; r++) {
		run_arm(fx, NULL, r, &fx->on[r]);
		/* with everything on, every mechanism is switched on */
		for (size_t i = 0; i < gs_param_count; i++)
			if (strcmp(gs_param_table[i].section, "mechanism") == 0)
				assert_true(*(const bool *)((const char *)&fx->on[r].p +
							    gs_param_table[i].offset));
	}
	int failures = 0;
	for (size_t i = 0; i < gs_param_count; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (strcmp(in->section, "mechanism") != 0)
			continue;
		char over[128];
		snprintf(over, sizeof(over), "mechanism.%s=off", in->name);
		for (int r = 0; r < N_REPS; r++) {
			struct gs_test_result off;
			run_arm(fx, over, r, &off);
			assert_false(*(const bool *)((const char *)&off.p + in->offset));
			/* what the mechanism drives moves the expected way */
			for (size_t k = 0; k < N_EXPECT; k++)
				if (strcmp(expectations[k].mechanism, in->name) == 0)
					failures += check(&expectations[k], &fx->on[r], &off, r);
			/* the rest keeps running to the end */
			size_t q = off.n_time * 3 / 4;
			if (!(gs_test_sum(&off, metric("needs_met"), q, off.n_time) > 0 &&
			      gs_test_sum(&off, metric("cases_closed"), q, off.n_time) > 0 &&
			      gs_test_sum(&off, metric("contacts_value"), q, off.n_time) > 0)) {
				print_error("%s: the service stopped\n", over);
				failures++;
			}
			gs_test_result_free(&off);
		}
	}
	assert_int_equal(failures, 0);
}

/* Equal, NaN equal to NaN. */
static bool same(const double *a, const double *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
			return false;
	return true;
}

/* Each switch off against the same switch on with its lever at zero. */
static void test_off_is_lever_zero(void **state)
{
	struct fixture *fx = *state;
	int failures = 0;
	for (size_t k = 0; k < N_LEVERS; k++) {
		const struct lever *lv = &levers[k];
		char off_set[128];
		snprintf(off_set, sizeof(off_set), "mechanism.%s=off", lv->mechanism);
		char *sets[5];
		size_t n = 0;
		while (n < 5 && lv->sets[n])
			sets[n] = (char *)lv->sets[n], n++;
		int except = lv->except ? metric(lv->except) : -1;
		for (int r = 0; r < N_REPS; r++) {
			struct gs_test_result off, zero;
			run_arm(fx, off_set, r, &off);
			run_arm_sets(fx, sets, n, r, &zero);
			for (int m = 0; m < GS_N_METRICS; m++)
				if (m != except &&
				    !same(series(&off, m), series(&zero, m), off.n_time)) {
					print_error("replication %d: mechanism.%s off differs from its "
						    "lever at 0 in %s\n",
						    r, lv->mechanism, gs_metric_table[m].name);
					failures++;
				}
			size_t nc = GS_N_CLASS_METRICS * (size_t)off.p.n_classes * off.n_time;
			if (!same(off.r.class_series, zero.r.class_series, nc) ||
			    !same(off.r.hist_recorded, zero.r.hist_recorded, off.n_bins) ||
			    !same(off.r.hist_true, zero.r.hist_true, off.n_bins)) {
				print_error("replication %d: mechanism.%s off differs from its lever at "
					    "0 by class or in the histograms\n",
					    r, lv->mechanism);
				failures++;
			}
			gs_test_result_free(&off);
			gs_test_result_free(&zero);
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_switch_listed),
		cmocka_unit_test_setup_teardown(test_each_switch_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_off_is_lever_zero, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
