/*
 * test_conformance.c - one conformance suite for every regime: each preset
 * of gs_presets and hybrids between them are run on the same small
 * scenario, and every run must
 *
 * - conserve needs and contacts at every tick (gs_world_check);
 * - be deterministic: two runs with the same seed give bit-identical
 *   results, and probing the regime's rules from the tick hook changes
 *   nothing;
 * - keep its rules in range: every priority finite, every offer in
 *   1..left, every gaming propensity in [0,1];
 * - keep states in range: trust, wellbeing, severity, skill, motivation,
 *   stress, barriers, know-how and targets in [0,1], resource units
 *   between 0 and the capacity;
 * - produce sane metrics: shares in [0,1] or NaN, no negative or
 *   fractional counts, failure demand the sum of its kinds, histograms
 *   that add up to the closures and needs met, a positive cost.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/presets.h"
#include "sim/engine/engine.h"
#include "sim/core/metrics.h"
#include "models/regime.h"
#include "sim/plan/scenario.h"
#include "models/world.h"

/* Two classes, one needing a scarce downstream resource; a short target so that gaming has room. */
static const char base_ini[] =
	"[simulation]\nseed = 23\nduration = 200d\ntick = 1d\n"
	"[population]\ncitizens = 2000\n"
	"[class.easy]\nshare = 2\nneed_rate = 2\ncomplexity_mean = 1.5\n"
	"[class.hard]\nshare = 1\nneed_rate = 1.5\ncomplexity_mean = 4\nhours_per_component = 2.5\n"
	"resource_share = 0.3\n"
	"[workforce]\nteams = 3\nworkers_per_team = 3\nleave_rate = 0.5\nrecruitment_delay = 20d\n"
	"[service]\ntime_target = 3d\n"
	"[downstream]\ncapacity = 3\nstay = 2d\n"
	"[cost]\npayment_per_outcome = 1500\npayment_per_case = 100\n"
	"[output]\ninterval = 5d\nhist_bin = 1d\nhist_max = 40d\n";

/* Hybrids: points between the presets. */
static const char hybrids_ini[] =
	"[arm.hybrid]\npreset = npm\nregime.discretion = 0.5\nregime.learning_time = 0.05\n"
	"[arm.hybrid_outcome]\npreset = hls\nregime.payment_model = outcome\n"
	"regime.target_pressure = 0.4\nregime.audit_probability = 0.1\nregime.audit_penalty = 1\n"
	"regime.weight_breach = 1\nregime.target_ratchet = 0.02\n";


/* What the probing hook saw in one run. */
struct probe {
	const char *arm;
	long ticks, priorities, offers, gamings, bad;
};

/* The base scenario with `arms` appended, read and resolved. */
static void load(struct gs_test_fixture *fx, const char *arms)
{
	size_t n = strlen(base_ini) + strlen(arms) + 1;
	char *text = malloc(n);
	snprintf(text, n, "%s%s", base_ini, arms);
	char *path = gs_test_write(fx->dir, "conformance.ini", text);
	int rc = gs_test_load(path, NULL, 0, &fx->sc, &fx->plan);
	free(path);
	free(text);
	assert_int_equal(rc, 0);
}

static bool in01(double x)
{
	return x >= 0 && x <= 1;
}

/* Count and report one thing out of range (the first few of each run). */
static void bad(struct probe *pr, const struct gs_world *w, const char *what, double x)
{
	if (pr->bad++ < 5)
		print_error("%s, tick %d: %s = %.17g\n", pr->arm, w->tick, what, x);
}

/*
 * The hook: conservation, states in range, and the regime's rules probed
 * on every waiting case. The offer draws from the run's stream, which
 * every draw repositions first, so probing leaves the run as it was (the
 * test compares with a run without the hook).
 */
static int probe_hook(const struct gs_world *w, void *ctx)
{
	struct probe *pr = ctx;
	char err[512];
	if (gs_world_check(w, err, sizeof(err))) {
		print_error("%s: %s\n", pr->arm, err);
		return -1;
	}
	struct gs_world *mw = (struct gs_world *)w;
	const struct gs_params *p = w->p;
	int32_t t = w->tick;
	size_t per = (size_t)p->workforce.workers_per_team;

	for (size_t team = 0; team < w->n_teams; team++) {
		const struct gs_queue *q = &w->queue[team];
		for (size_t i = 0; i < q->len; i++) {
			int32_t id = q->ids[i];
			if (w->cases.rec[id].status != GS_CASE_QUEUED)
				continue;
			int32_t c = w->cases.rec[id].citizen;
			double prio = w->rules->priority(w, id, t);
			pr->priorities++;
			if (!isfinite(prio))
				bad(pr, w, "priority", prio);
			int left = w->cit[c].left;
			if (left < 1 || left > w->cit[c].cx || w->cit[c].cx > 8) {
				bad(pr, w, "components left", left);
				continue;
			}
			for (int l = 1; l <= left; l++) {
				int n = w->rules->offer(mw, (int32_t)(team * per), id, l);
				pr->offers++;
				if (n < 1 || n > l)
					bad(pr, w, "offer", n);
			}
		}
		double g = w->rules->gaming(w, team, -1);
		pr->gamings++;
		if (!in01(g))
			bad(pr, w, "team gaming", g);
		for (size_t k = 0; k < per; k++) {
			size_t wk = team * per + k;
			g = w->rules->gaming(w, team, w->w_motivation[wk]);
			pr->gamings++;
			if (!in01(g))
				bad(pr, w, "gaming", g);
		}
		for (double m = 0; m <= 1; m += 0.25) {
			g = w->rules->gaming(w, team, m);
			if (!in01(g))
				bad(pr, w, "gaming at motivation m", g);
		}
		const struct gs_team *tm = &w->team[team];
		if (!in01(tm->barrier) || !in01(tm->knowhow) || !in01(tm->target) ||
		    !in01(tm->shortfall))
			bad(pr, w, "team state", tm->barrier);
	}
	for (size_t i = 0; i < w->n_res_wait; i++) {
		double prio = w->rules->priority(w, w->res_wait[i], t);
		pr->priorities++;
		if (!isfinite(prio))
			bad(pr, w, "priority waiting for the resource", prio);
	}
	if (w->res_free < 0 || w->res_free > p->downstream.capacity)
		bad(pr, w, "free units", (double)w->res_free);
	for (size_t k = 0; k < w->n_workers; k++) {
		if (!in01(w->w_skill[k]) || !in01(w->w_motivation[k]) || !in01(w->w_trust[k]) ||
		    !in01(w->w_stress[k]) || !in01(w->w_competence[k]))
			bad(pr, w, "worker state", (double)k);
	}
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i;
		if (!in01(w->cit[c].trust) || !in01(w->cit[c].strength) || !in01(gs_wellbeing(w, c, t)))
			bad(pr, w, "citizen state", (double)c);
		if (w->cit[c].state != GS_NEED_NONE && !in01(gs_severity(w, c, t)))
			bad(pr, w, "severity", gs_severity(w, c, t));
	}
	if (pr->bad)
		return -1;
	pr->ticks++;
	return 0;
}

/* Are two results bit-identical? */
static bool identical(const struct gs_test_result *a, const struct gs_test_result *b)
{
	size_t nc = (size_t)a->p.n_classes;
	return memcmp(a->r.series, b->r.series, GS_N_METRICS * a->n_time * sizeof(double)) == 0 &&
	       memcmp(a->r.class_series, b->r.class_series,
		      GS_N_CLASS_METRICS * nc * a->n_time * sizeof(double)) == 0 &&
	       memcmp(a->r.hist_recorded, b->r.hist_recorded, a->n_bins * sizeof(double)) == 0 &&
	       memcmp(a->r.hist_true, b->r.hist_true, a->n_bins * sizeof(double)) == 0;
}

static bool is_count(const char *units)
{
	static const char *counts[] = {"needs", "contacts", "cases", "workers", "posts"};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (strcmp(units, counts[i]) == 0)
			return true;
	return false;
}

/* Means and shares over the events of an interval are NaN when there were none. */
static bool may_be_nan(const char *units)
{
	return strcmp(units, "1") == 0 || strcmp(units, "days") == 0 || strchr(units, '/') != NULL;
}

/* The metrics of one run; returns how many checks failed. */
static int check_metrics(const char *arm, const struct gs_test_result *x)
{
	int fails = 0;
	size_t nt = x->n_time, nc = (size_t)x->p.n_classes;
	const double *s = x->r.series;
#define M(name) (s + (size_t)GS_M_##name * nt)
	for (int m = 0; m < GS_N_METRICS; m++) {
		const struct gs_metric_info *mi = &gs_metric_table[m];
		for (size_t t = 0; t < nt; t++) {
			double v = s[(size_t)m * nt + t];
			bool ok;
			if (isnan(v))
				ok = may_be_nan(mi->units);
			else
				ok = isfinite(v) && v >= 0 &&
				     (strcmp(mi->units, "1") != 0 || v <= 1 + 1e-12) &&
				     (!is_count(mi->units) || v == floor(v));
			if (!ok) {
				print_error("%s: %s [%s] = %.17g at interval %zu\n", arm, mi->name,
					    mi->units, v, t);
				fails++;
				break;
			}
		}
	}
	double closed = 0, met_service = 0, hist_rec = 0, hist_true = 0;
	for (size_t t = 0; t < nt; t++) {
		if (!(M(cost_total)[t] > 0)) {
			print_error("%s: cost_total = %g at interval %zu\n", arm, M(cost_total)[t],
				    t);
			fails++;
		}
		double kinds =
		    M(contacts_chasing)[t] + M(contacts_repeat)[t] + M(contacts_handoff)[t];
		if (M(contacts_failure)[t] != kinds ||
		    M(needs_unmet)[t] != M(needs_pending)[t] + M(needs_in_service)[t] ||
		    M(needs_met_self)[t] > M(needs_met)[t] ||
		    M(cases_measured)[t] > M(cases_closed)[t] ||
		    M(premature_closures)[t] + M(cases_parked)[t] > M(cases_closed)[t] ||
		    M(audit_catches)[t] > M(cases_closed)[t]) {
			print_error("%s: metrics disagree at interval %zu\n", arm, t);
			fails++;
		}
		closed += M(cases_closed)[t];
	}
#undef M
	for (int m = 0; m < GS_N_CLASS_METRICS; m++) {
		const char *units = gs_class_metric_table[m].units;
		const double *cs = x->r.class_series + (size_t)m * nc * nt;
		for (size_t i = 0; i < nc * nt; i++) {
			if (!(cs[i] >= 0) && !(isnan(cs[i]) && may_be_nan(units))) {
				print_error("%s: %s_by_class = %g\n", arm,
					    gs_class_metric_table[m].name, cs[i]);
				fails++;
			}
			if (m == GS_CM_needs_met_service)
				met_service += cs[i];
		}
	}
	for (size_t b = 0; b < x->n_bins; b++) {
		hist_rec += x->r.hist_recorded[b];
		hist_true += x->r.hist_true[b];
		if (x->r.hist_recorded[b] < 0 || x->r.hist_true[b] < 0)
			fails++;
	}
	/* each closure is in the recorded histogram, each need met by the service in the true one
	 */
	if (hist_rec != closed || hist_true != met_service) {
		print_error("%s: histograms hold %g closures (%g closed) and %g needs met (%g)\n",
			    arm, hist_rec, closed, hist_true, met_service);
		fails++;
	}
	if (!(closed > 0 && met_service > 0)) {
		print_error("%s: nothing closed or met\n", arm);
		fails++;
	}
	return fails;
}

/* The suite, on arm a of the loaded scenario. */
static void conform(struct gs_test_fixture *fx, size_t a)
{
	const char *arm = fx->sc.arms[a].name;
	const struct gs_params *p = &fx->sc.arm_params[a];
	uint64_t seed = gs_plan_seed(&fx->plan, 0, 0);
	struct gs_test_result x[3];
	struct probe pr[2];
	for (int k = 0; k < 3; k++)
		gs_test_result_alloc(&x[k], p);
	for (int k = 0; k < 2; k++) {
		pr[k] = (struct probe){.arm = arm};
		if (gs_run(&fx->plan, a, seed, &x[k].r, probe_hook, &pr[k]) != 0) {
			print_error("%s: the run stopped after %ld ticks\n", arm, pr[k].ticks);
			fail();
		}
		assert_int_equal(pr[k].ticks, 200);
		assert_int_equal(pr[k].bad, 0);
		/* the rules were exercised */
		print_message("%s: %ld priorities, %ld offers, %ld gamings\n", arm, (long)pr[k].priorities, (long)pr[k].offers, (long)pr[k].gamings);
		assert_true(pr[k].priorities > 100 && pr[k].offers > 100 && pr[k].gamings > 100);
	}
	assert_int_equal(gs_run(&fx->plan, a, seed, &x[2].r, NULL, NULL), 0);
	if (!identical(&x[0], &x[1]) || !identical(&x[0], &x[2])) {
		print_error("%s: the same seed gave different results\n", arm);
		fail();
	}
	assert_int_equal(check_metrics(arm, &x[0]), 0);
	for (int k = 0; k < 3; k++)
		gs_test_result_free(&x[k]);
}

/* Every preset, whatever presets there are. */
static void test_presets(void **state)
{
	struct gs_test_fixture *fx = *state;
	size_t n = 0, len = 1;
	for (; gs_presets[n]; n++)
		len += strlen(gs_presets[n]->name) * 2 + 32;
	assert_true(n >= 3);
	char *arms = calloc(len, 1);
	for (size_t i = 0; i < n; i++)
		snprintf(arms + strlen(arms), len - strlen(arms), "[arm.%s]\npreset = %s\n",
			 gs_presets[i]->name, gs_presets[i]->name);
	load(fx, arms);
	free(arms);
	assert_int_equal(fx->sc.n_arms, n);
	for (size_t a = 0; a < fx->sc.n_arms; a++)
		conform(fx, a);
}

static void test_hybrids(void **state)
{
	struct gs_test_fixture *fx = *state;
	load(fx, hybrids_ini);
	assert_int_equal(fx->sc.n_arms, 2);
	assert_double_close(fx->sc.arm_params[0].regime.discretion, 0.5, 0);
	assert_double_close(fx->sc.arm_params[0].regime.learning_time, 0.05, 0);
	for (size_t a = 0; a < fx->sc.n_arms; a++)
		conform(fx, a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_presets, gs_test_fixture_setup,
						gs_test_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hybrids, gs_test_fixture_setup,
						gs_test_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
