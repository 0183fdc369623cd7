/*
 * testutil.c - helpers shared by govsim's cmocka tests: files and
 * scenarios, plans of one arm, and small worlds of the governance model.
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include "models/governance.h"
#include "models/presets.h"
#include "models/queue.h"
#include "sim/core/diag.h"
#include "sim/core/metrics.h"
#include "sim/core/util.h"

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gs_test_double_close(double a, double b, double tol, const char *sa, const char *sb,
			  const char *file, int line)
{
	if (isnan(a) && isnan(b))
		return;
	if (!(fabs(a - b) <= tol)) {
		print_error("%s = %.17g != %s = %.17g (tolerance %g)\n", sa, a, sb, b, tol);
		_fail(file, line);
	}
}

char *gs_test_tmpdir(void)
{
	char *t = strdup("/tmp/govsim-test-XXXXXX");
	if (!t || !mkdtemp(t)) {
		fprintf(stderr, "cannot make a temporary directory\n");
		abort();
	}
	return t;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void gs_test_rmtree(char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *gs_test_write(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
	fputs(text, f);
	fclose(f);
	return path;
}

char *gs_test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = 0;
	fclose(f);
	return s;
}

int gs_test_plan_init(struct gs_test_plan *tp, const struct gs_params *p)
{
	char err[256];
	memset(tp, 0, sizeof(*tp));
	tp->sc.arms = calloc(1, sizeof(*tp->sc.arms));
	tp->sc.arm_params = malloc(sizeof(*tp->sc.arm_params));
	tp->sc.path = gs_strdup("test.ini");
	tp->sc.name = gs_strdup("test");
	if (!tp->sc.arms || !tp->sc.arm_params || !tp->sc.path || !tp->sc.name)
		return -1;
	snprintf(tp->sc.arms[0].name, GS_NAME_MAX, "base");
	tp->sc.n_arms = 1;
	tp->sc.arm_params[0] = *p;
	if (gs_plan_build(&tp->plan, &tp->sc, &gs_governance, err, sizeof(err))) {
		fprintf(stderr, "gs_test_plan_init: %s\n", err);
		return -1;
	}
	return 0;
}

void gs_test_plan_free(struct gs_test_plan *tp)
{
	gs_plan_free(&tp->plan);
	gs_scenario_free(&tp->sc);
}

int gs_test_load(const char *path, char *const *sets, size_t n_sets, struct gs_scenario *sc,
		 struct gs_plan *pl)
{
	struct gs_diag d = {0};
	char err[256];
	int rc = gs_scenario_read(path, sc, &d);
	if (!rc)
		rc = gs_scenario_resolve(sc, gs_governance.presets, sets, n_sets, &d);
	gs_diag_print(&d, stderr);
	gs_diag_free(&d);
	if (!rc && pl && gs_plan_build(pl, sc, &gs_governance, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		rc = -1;
	}
	return rc;
}

const uint64_t gs_test_seeds[GS_TEST_N_SEEDS] = {3, 4};

void gs_test_set(struct gs_params *p, const char *key, const char *value)
{
	char err[256] = "";
	if (gs_param_set(p, key, value, err, sizeof(err))) {
		print_error("%s = %s: %s\n", key, value, err);
		fail();
	}
}

void gs_test_preset(struct gs_params *p, const char *name)
{
	const struct gs_preset *r = gs_model_preset(gs_presets, name);
	assert_non_null(r);
	for (size_t i = 0; r->settings[i]; i++) {
		char key[128];
		const char *eq = strchr(r->settings[i], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - r->settings[i]), r->settings[i]);
		gs_test_set(p, key, eq + 1);
	}
}

void gs_test_params(struct gs_params *p, int64_t citizens, double need_rate, int64_t teams,
		    int64_t per_team, double ticks)
{
	assert_int_equal(gs_params_init(p), 0);
	p->population.citizens = citizens;
	p->cls[0].need_rate = need_rate;
	p->workforce.teams = teams;
	p->workforce.workers_per_team = per_team;
	p->simulation.duration = ticks;
}

void gs_test_alike(struct gs_params *p)
{
	p->workforce.manager_pressure_sd = 0;
	p->workforce.manager_integrity_sd = 0;
	p->workforce.manager_stewardship_sd = 0;
	p->workforce.worker_motivation_sd = 0;
	p->workforce.worker_integrity_sd = 0;
}

struct gs_world *gs_test_world(struct gs_params *p, uint64_t seed)
{
	struct gs_world *w = gs_world_alloc(p, seed);
	assert_non_null(w);
	return w;
}

void gs_test_world_ok(const struct gs_world *w, const char *file, int line)
{
	char err[256] = "";
	if (gs_world_check(w, err, sizeof(err))) {
		print_error("%s\n", err);
		_fail(file, line);
	}
}

int gs_test_check_hook(const struct gs_world *w, void *ctx)
{
	char err[256];
	(void)ctx;
	if (gs_world_check(w, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

/* The phase of gs_governance_phases named by the len characters at s, or NULL. */
static const struct gs_phase *phase_of(const char *s, size_t len)
{
	for (const struct gs_phase *ph = gs_governance_phases; ph->name; ph++)
		if (strlen(ph->name) == len && strncmp(ph->name, s, len) == 0)
			return ph;
	return NULL;
}

int gs_test_phases(struct gs_world *w, int32_t t, const char *names)
{
	uint64_t run = 0; /* bit k: run phase k */
	for (const char *s = names + strspn(names, " "); *s; s += strspn(s, " ")) {
		size_t len = strcspn(s, " ");
		const struct gs_phase *ph = phase_of(s, len);
		if (!ph) {
			print_error("gs_test_phases: no phase %.*s\n", (int)len, s);
			fail();
		}
		assert_true(ph - gs_governance_phases < 64);
		run |= UINT64_C(1) << (ph - gs_governance_phases);
		s += len;
	}
	w->tick = t;
	for (const struct gs_phase *ph = gs_governance_phases; ph->name; ph++) {
		if (!(run >> (ph - gs_governance_phases) & 1))
			continue;
		if (ph->run(w)) {
			print_error("tick %d: phase %s failed\n", t, ph->name);
			return -1;
		}
	}
	return 0;
}

void gs_test_new_need(struct gs_world *w, int32_t c, double sev, int cx)
{
	if (w->cit[c].state == GS_NEED_NONE)
		gs_census_need_arrives(w, c);
	gs_wellbeing_update(w, c, w->tick);
	w->cit[c].state = GS_NEED_PENDING;
	w->cit[c].sev0 = (float)sev;
	w->cit[c].sev_t0 = w->tick;
	w->cit[c].cx = w->cit[c].left = (uint8_t)cx;
	w->cit[c].first_contact = -1;
	w->cit[c].need_contacts = 0;
	w->n_pending++;
	w->total_arisen++;
}

void gs_test_need(struct gs_world *w, int32_t c, enum gs_need_state state, double sev, int cx)
{
	assert_true(state == GS_NEED_IN_SERVICE || state == GS_NEED_PENDING);
	if (w->cit[c].state == GS_NEED_NONE)
		gs_census_need_arrives(w, c);
	w->cit[c].state = (uint8_t)state;
	w->cit[c].sev0 = (float)sev;
	w->cit[c].sev_t0 = w->tick;
	w->cit[c].cx = w->cit[c].left = (uint8_t)cx;
	w->cit[c].first_contact = w->tick;
	w->cit[c].need_contacts = 1;
	if (state == GS_NEED_IN_SERVICE)
		w->n_in_service++;
	else
		w->n_pending++;
	w->total_arisen++;
	w->total_value++;
}

int32_t gs_test_queue_case(struct gs_world *w, int32_t c, int cx)
{
	gs_test_need(w, c, GS_NEED_IN_SERVICE, 0.5, cx);
	int32_t team = gs_team_of(w, c);
	int32_t id = gs_case_open(w, c, team);
	assert_true(id >= 0);
	w->cit[c].case_of = id;
	assert_int_equal(gs_queue_push(&w->queue[team], id), 0);
	return id;
}

void gs_test_result_alloc(struct gs_test_result *x, const struct gs_params *p)
{
	x->p = *p;
	gs_run_shape(&x->p, &x->n_time, &x->n_bins);
	x->r = (struct gs_run_result){0};
	x->r.series = calloc(GS_N_METRICS * x->n_time, sizeof(double));
	x->r.class_series =
	    calloc(GS_N_CLASS_METRICS * (size_t)x->p.n_classes * x->n_time, sizeof(double));
	x->r.hist_recorded = calloc(x->n_bins, sizeof(double));
	x->r.hist_true = calloc(x->n_bins, sizeof(double));
	x->r.n_teams = (size_t)x->p.workforce.teams;
	x->r.team_series = calloc(GS_N_TEAM_METRICS * x->r.n_teams * x->n_time, sizeof(double));
	assert_true(x->r.series && x->r.class_series && x->r.hist_recorded && x->r.hist_true &&
		    x->r.team_series);
}

void gs_test_result_free(struct gs_test_result *x)
{
	free(x->r.series);
	free(x->r.class_series);
	free(x->r.team_series);
	free(x->r.hist_recorded);
	free(x->r.hist_true);
}

void gs_test_run(struct gs_test_result *x, const struct gs_params *p, uint64_t seed,
		 gs_tick_hook hook, void *ctx)
{
	gs_test_result_alloc(x, p);
	struct gs_test_plan tp;
	assert_int_equal(gs_test_plan_init(&tp, &x->p), 0);
	assert_int_equal(gs_run(&tp.plan, 0, seed, &x->r, hook ? hook : gs_test_check_hook, ctx),
			 0);
	gs_test_plan_free(&tp);
}

double gs_test_value(const struct gs_test_result *x, int m, size_t t)
{
	return x->r.series[(size_t)m * x->n_time + t];
}

double gs_test_last(const struct gs_test_result *x, int m)
{
	return gs_test_value(x, m, x->n_time - 1);
}

double gs_test_sum(const struct gs_test_result *x, int m, size_t t0, size_t t1)
{
	double s = 0;
	for (size_t t = t0; t < t1; t++)
		if (!isnan(gs_test_value(x, m, t)))
			s += gs_test_value(x, m, t);
	return s;
}

double gs_test_total(const struct gs_test_result *x, int m)
{
	return gs_test_sum(x, m, 0, x->n_time);
}

double gs_test_class_total(const struct gs_test_result *x, int cm, int k)
{
	size_t nc = (size_t)x->p.n_classes;
	double s = 0;
	for (size_t t = 0; t < x->n_time; t++) {
		double v = x->r.class_series[((size_t)cm * nc + (size_t)k) * x->n_time + t];
		if (!isnan(v))
			s += v;
	}
	return s;
}

int gs_test_fixture_setup(void **state)
{
	struct gs_test_fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	fx->dir = gs_test_tmpdir();
	*state = fx;
	return 0;
}

int gs_test_fixture_teardown(void **state)
{
	struct gs_test_fixture *fx = *state;
	gs_plan_free(&fx->plan);
	gs_scenario_free(&fx->sc);
	gs_test_rmtree(fx->dir);
	free(fx);
	return 0;
}

int gs_test_fixture_load(struct gs_test_fixture *fx, const char *text, char *const *sets,
			 size_t n_sets)
{
	char *path = gs_test_write(fx->dir, "s.ini", text);
	int rc = gs_test_load(path, sets, n_sets, &fx->sc, &fx->plan);
	free(path);
	return rc;
}

double gs_test_team_value(const struct gs_test_result *x, int tm, size_t k, size_t t)
{
	return x->r.team_series[((size_t)tm * x->r.n_teams + k) * x->n_time + t];
}

double gs_test_team_over(const struct gs_test_result *x, int tm, size_t k)
{
	return gs_metric_over(gs_team_metric_table, GS_N_TEAM_METRICS,
			      x->r.team_series + k * x->n_time, x->r.n_teams * x->n_time, tm, 0,
			      x->n_time);
}

struct gs_run_result *gs_test_run_plan(const struct gs_plan *plan, size_t n_arms, size_t reps,
				       size_t n_time, size_t n_bins, size_t n_classes)
{
	size_t n = n_arms * reps;
	struct gs_run_result *runs = calloc(n, sizeof(*runs));
	assert_non_null(runs);
	int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) default(none) \
	shared(plan, runs, n, reps, n_time, n_bins, n_classes, failed)
	for (size_t i = 0; i < n; i++) {
		struct gs_run_result *r = &runs[i];
		r->arm = (int)(i / reps);
		r->replication = (int)(i % reps);
		r->seed = gs_plan_seed(plan, 0, (size_t)r->replication);
		r->series = calloc(GS_N_METRICS * n_time, sizeof(double));
		r->class_series = calloc(GS_N_CLASS_METRICS * n_classes * n_time, sizeof(double));
		r->hist_recorded = calloc(n_bins, sizeof(double));
		r->hist_true = calloc(n_bins, sizeof(double));
		if (!r->series || !r->class_series || !r->hist_recorded || !r->hist_true ||
		    gs_run(plan, (size_t)r->arm, r->seed, r, NULL, NULL)) {
#pragma omp atomic write
			failed = 1;
		}
	}
	assert_int_equal(failed, 0);
	return runs;
}

void gs_test_free_runs(struct gs_run_result *runs, size_t n)
{
	for (size_t i = 0; runs && i < n; i++) {
		free(runs[i].series);
		free(runs[i].class_series);
		free(runs[i].hist_recorded);
		free(runs[i].hist_true);
	}
	free(runs);
}
