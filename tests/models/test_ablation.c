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
	/* nobody chases; the bounced come back when the threshold is crossed again, not sooner */
	{"failure_demand", "contacts_chasing", SUM, OFF_ZERO, NULL},
	{"failure_demand", "contacts_failure", SUM, OFF_LOWER, NULL},
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

/* Read the base scenario with one override (NULL: none); run its arm on replication rep's seed. */
static void run_arm(struct fixture *fx, const char *over, int rep, struct gs_test_result *x)
{
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	char *path = gs_test_write(fx->dir, "ablation.ini", base_ini);
	char *sets[1] = {(char *)over};
	int rc = gs_test_load(path, sets, over ? 1 : 0, &sc, &pl);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_switch_listed),
		cmocka_unit_test_setup_teardown(test_each_switch_off, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
