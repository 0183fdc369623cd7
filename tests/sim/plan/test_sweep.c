/*
 * test_sweep.c - the [sweep] section: grids from lists and ranges, Latin
 * hypercube and Saltelli designs, their errors, and run seeds that do not
 * change when points are added.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/governance.h"
#include "models/presets.h"
#include "sim/plan/plan.h"
#include "sim/plan/scenario.h"

struct fx {
	char *dir;
	struct gs_scenario sc;
	struct gs_diag d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->dir = gs_test_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	gs_scenario_free(&f->sc);
	gs_diag_free(&f->d);
	gs_test_rmtree(f->dir);
	free(f);
	return 0;
}

static int load(struct fx *f, const char *text)
{
	gs_scenario_free(&f->sc);
	gs_diag_free(&f->d);
	char *path = gs_test_write(f->dir, "s.ini", text);
	/* as `govsim check` does: resolve what was read, to report every problem */
	int rc = gs_scenario_read(path, &f->sc, &f->d);
	rc |= gs_scenario_resolve(&f->sc, gs_presets, NULL, 0, &f->d);
	free(path);
	return rc;
}

/* The seed of replication rep at sweep point `point` under scenario seed `seed`, from the plan. */
static uint64_t seed_of(struct fx *f, uint64_t seed, size_t rep, size_t point)
{
	struct gs_plan pl;
	char err[256];
	assert_int_equal(gs_plan_build(&pl, &f->sc, &gs_governance, err, sizeof(err)), 0);
	pl.seed = seed;
	uint64_t s = gs_plan_seed(&pl, point, rep);
	gs_plan_free(&pl);
	return s;
}

static bool has(const struct fx *f, const char *text)
{
	for (size_t i = 0; i < f->d.n; i++)
		if (strstr(f->d.msg[i], text))
			return true;
	gs_diag_print(&f->d, stderr);
	return false;
}

static void test_grid(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[arm.a]\npreset = npm\n[sweep]\n"
				 "regime.learning_time = 0, 0.1, 0.2\n"
				 "service.time_target = 5d:15d:5d\n"),
			 0);
	const struct gs_sweep *sw = &f->sc.sweep;
	assert_int_equal(sw->n_keys, 2);
	assert_int_equal(sw->n_points, 9);
	/* the last key varies fastest; values as numbers, durations in days */
	assert_double_close(sw->coord[0 * 2 + 0], 0, 0);
	assert_double_close(sw->coord[0 * 2 + 1], 5, 1e-12);
	assert_double_close(sw->coord[2 * 2 + 1], 15, 1e-12);
	assert_double_close(sw->coord[3 * 2 + 0], 0.1, 0);
	assert_double_close(sw->coord[8 * 2 + 0], 0.2, 0);
	/* a point's parameters: the arm's, then the point's values */
	struct gs_params p;
	struct gs_plan pl;
	char err[256];
	assert_int_equal(gs_plan_build(&pl, &f->sc, &gs_governance, err, sizeof(err)), 0);
	gs_plan_params(&pl, 0, 7, &p);
	gs_plan_free(&pl);
	assert_double_close(p.regime.learning_time, 0.2, 0);
	assert_double_close(p.service.time_target, 10, 1e-12); /* ticks of a day */
	assert_double_close(p.regime.discretion, 0.05, 0);       /* from the preset */
}

static void test_lhs(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\ndesign = lhs\nsamples = 50\n"
				 "regime.learning_time = 0:0.5\nworkforce.teams = 2:12\n"),
			 0);
	const struct gs_sweep *sw = &f->sc.sweep;
	assert_int_equal(sw->n_points, 50);
	/* one point in each of the 50 strata of each parameter */
	int seen[50] = {0};
	for (size_t i = 0; i < 50; i++) {
		double x = sw->coord[i * 2];
		assert_true(x >= 0 && x < 0.5);
		seen[(int)(x / 0.01)]++;
		double teams = sw->coord[i * 2 + 1];
		assert_true(teams >= 2 && teams <= 12 && teams == nearbyint(teams));
	}
	for (int s = 0; s < 50; s++)
		assert_int_equal(seen[s], 1);
}

static void test_saltelli(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\ndesign = saltelli\nsamples = 16\n"
				 "regime.learning_time = 0:0.2\nregime.discretion = 0:1\n"
				 "service.barrier = 0:0.3\n"),
			 0);
	const struct gs_sweep *sw = &f->sc.sweep;
	size_t k = 3, n = 16;
	assert_int_equal(sw->n_points, n * (k + 2));
	for (size_t i = 0; i < n; i++) {
		const double *a = sw->coord + (i * (k + 2)) * k, *b = a + k;
		assert_int_equal(sw->matrix[i * (k + 2)], 0);
		assert_int_equal(sw->matrix[i * (k + 2) + 1], 1);
		for (size_t j = 0; j < k; j++) {
			/* A with column j from B */
			const double *ab = sw->coord + (i * (k + 2) + 2 + j) * k;
			assert_int_equal(sw->matrix[i * (k + 2) + 2 + j], 2);
			assert_int_equal(sw->param[i * (k + 2) + 2 + j], (int)j);
			assert_int_equal(sw->row[i * (k + 2) + 2 + j], (int)i);
			for (size_t m = 0; m < k; m++)
				assert_double_close(ab[m], m == j ? b[m] : a[m], 1e-12);
		}
	}
}

/*
 * More parameters than the Sobol sequence has dimensions for: Monte Carlo
 * rows of A and B, the same structure, every value in its range, rows not
 * repeated, and the same design from the same scenario.
 */
static void test_saltelli_many(void **state)
{
	struct fx *f = *state;
	char text[4096] = "[sweep]\ndesign = saltelli\nsamples = 8\n";
	size_t k = 0;
	for (size_t i = 0; i < gs_param_count && k < 24; i++) {
		const struct gs_param_info *in = &gs_param_table[i];
		if (in->type != GS_REAL || (in->flags & GS_F_SCENARIO) || gs_param_is_class(i) ||
		    in->max > 1 || in->min != 0)
			continue;
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%s.%s = 0.1:0.9\n", in->section, in->name);
		k++;
	}
	assert_int_equal(k, 24);
	assert_int_equal(load(f, text), 0);
	const struct gs_sweep *sw = &f->sc.sweep;
	size_t n = 8;
	assert_int_equal(sw->n_points, n * (k + 2));
	double *first = malloc(sw->n_points * k * sizeof(*first));
	memcpy(first, sw->coord, sw->n_points * k * sizeof(*first));
	for (size_t i = 0; i < n; i++) {
		const double *a = sw->coord + (i * (k + 2)) * k, *b = a + k;
		assert_int_equal(sw->matrix[i * (k + 2)], 0);
		assert_int_equal(sw->matrix[i * (k + 2) + 1], 1);
		size_t same = 0;
		for (size_t m = 0; m < k; m++) {
			assert_true(a[m] >= 0.1 && a[m] <= 0.9 && b[m] >= 0.1 && b[m] <= 0.9);
			same += a[m] == b[m];
		}
		assert_true(same < k);
		if (i > 0)
			assert_true(a[0] != sw->coord[((i - 1) * (k + 2)) * k]);
		for (size_t j = 0; j < k; j++) {
			const double *ab = sw->coord + (i * (k + 2) + 2 + j) * k;
			assert_int_equal(sw->param[i * (k + 2) + 2 + j], (int)j);
			for (size_t m = 0; m < k; m++)
				assert_double_close(ab[m], m == j ? b[m] : a[m], 1e-12);
		}
	}
	assert_int_equal(load(f, text), 0);
	assert_memory_equal(first, f->sc.sweep.coord, sw->n_points * k * sizeof(*first));
	free(first);
}

static void test_errors(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\n"
				 "regime.learning_time = 0:0.2\n"          /* 2: range without step */
				 "population.citizens = 10, 20\n"          /* 3: scenario-wide */
				 "regime.discretion = 0.5, 2\n"            /* 4: out of range */
				 "regime.dicretion = 1\n"),                /* 5: unknown */
			 -1);
	assert_true(has(f, "s.ini:2: regime.learning_time: a grid range is from:to:step"));
	assert_true(has(f, "s.ini:3: population.citizens: one value for the whole scenario"));
	assert_true(has(f, "s.ini:5: regime.dicretion: unknown parameter; did you mean 'regime.discretion'"));
	assert_int_equal(load(f, "[sweep]\nregime.discretion = 0.5, 2\n"), -1);
	assert_true(has(f, "s.ini:2: regime.discretion: 2 is out of range"));
	assert_int_equal(load(f, "[sweep]\ndesign = lhs\nregime.discretion = 0:1\n"), -1);
	assert_true(has(f, "sweep.samples: a sampled design needs samples = N"));
	assert_int_equal(load(f, "[sweep]\ndesign = sobol\n"), -1);
	assert_true(has(f, "s.ini:2: sweep.design: 'sobol' is not one of grid|lhs|saltelli"));
}

/* Adding points keeps every existing run's seed; arms share seeds; points differ. */
static void test_seeds_stable(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\nregime.learning_time = 0, 0.1\n"), 0);
	uint64_t s0 = seed_of(f, 9, 0, 0), s1 = seed_of(f, 9, 0, 1);
	uint64_t r1 = seed_of(f, 9, 1, 1);
	assert_true(s0 != s1 && s1 != r1);
	assert_int_equal(load(f, "[sweep]\nregime.learning_time = 0.05, 0, 0.3, 0.1\n"), 0);
	assert_true(seed_of(f, 9, 0, 1) == s0); /* the point 0 moved to index 1 */
	assert_true(seed_of(f, 9, 0, 3) == s1);
	assert_true(seed_of(f, 9, 1, 3) == r1);
	/* without a sweep, the replication's seed */
	assert_int_equal(load(f, "[arm.a]\n"), 0);
	assert_true(seed_of(f, 9, 2, 0) == gs_run_seed(9, 2));
}

/* D6: a grid axis with too many points says so (it said "step must be positive"). */
static void test_d6_axis_too_many_points(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\nregime.discretion = 0:0.9:1e-9\n"), -1);
	assert_true(has(f, "s.ini:2: regime.discretion: range 0:0.9:1e-9 has 9e+08 points: at most"));
	assert_int_equal(load(f, "[sweep]\nregime.discretion = 0.5:0.1:0.1\n"), -1);
	assert_true(has(f, "step must be positive and from <= to"));
}

/* D9: an integer parameter swept with a fractional step repeated points silently. */
static void test_d9_integer_fractional_step(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\nworkforce.teams = 1:3:0.5\n"), -1);
	assert_true(has(f, "s.ini:2: workforce.teams: range 1:3:0.5: an integer parameter takes "
			   "whole numbers"));
	assert_int_equal(load(f, "[sweep]\nworkforce.teams = 1:3:1\n"), 0);
	assert_int_equal(f->sc.sweep.n_points, 3);
}

/* D7: a sampled design too large to hold is refused at `samples` before anything is built. */
static void test_d7_design_capped(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[sweep]\ndesign = saltelli\nsamples = 1000000\n"
				 "regime.discretion = 0:1\nregime.learning_time = 0:0.2\n"
				 "regime.target_pressure = 0:1\nregime.stewardship = 0:1\n"
				 "regime.continuity = 0:1\nregime.audit_probability = 0:1\n"
				 "regime.audit_penalty = 0:1\nregime.reporting_burden = 0:0.5\n"
				 "regime.weight_need = 0:1\nregime.weight_wait = 0:1\n"),
			 -1);
	assert_true(has(f, "s.ini:3: sweep.samples: the sweep has 12000000 points of 10 values"));
	assert_null(f->sc.sweep.text); /* nothing was built */
}

/* D8: an ensemble of more runs than a file can hold is refused by check, with its count. */
static void test_d8_too_many_runs(void **state)
{
	struct fx *f = *state;
	assert_int_equal(load(f, "[simulation]\nreplications = 100000\n"
				 "[sweep]\nregime.discretion = 0:0.99:0.01\n"
				 "[arm.a]\n[arm.b]\n"),
			 -1);
	assert_true(has(f, "s.ini:2: simulation.replications: 20000000 runs (2 arms x 100 sweep "
			   "points x 100000 replications): at most 10000000"));
	assert_int_equal(load(f, "[simulation]\nreplications = 50000\n"
				 "[sweep]\nregime.discretion = 0:0.99:0.01\n"
				 "[arm.a]\n[arm.b]\n"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_saltelli, setup, teardown),
		cmocka_unit_test_setup_teardown(test_saltelli_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seeds_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d6_axis_too_many_points, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d8_too_many_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d9_integer_fractional_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_d7_design_capped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
