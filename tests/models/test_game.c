/*
 * test_game.c - a participatory game's levers (struct gs_game, the
 * scenario's [game] section): a team's choices move that team the way the
 * lever says, only in the round they were made for, and a game in which
 * nobody chose anything gives the run without a game bit for bit.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/metrics.h"

#define TEAMS 4
#define ROUNDS 4
#define ROUND 30 /* [ticks] */

/* Teams of a target regime under pressure, ROUNDS rounds of ROUND days, one output interval each. */
static void game_params(struct gs_params *p)
{
	gs_test_params(p, 600 * TEAMS, 3, TEAMS, 4, ROUNDS * ROUND);
	gs_test_preset(p, "npm");
	gs_test_set(p, "output.interval", "30d");
}

/* A game with no choice made: every value NaN. */
static struct gs_game *no_choices(void)
{
	struct gs_game *g = malloc(sizeof(*g));
	assert_non_null(g);
	g->round = ROUND;
	g->n_teams = TEAMS;
	g->n_rounds = ROUNDS;
	g->value = malloc(TEAMS * ROUNDS * GS_N_LEVERS * sizeof(double));
	assert_non_null(g->value);
	for (size_t i = 0; i < TEAMS * ROUNDS * GS_N_LEVERS; i++)
		g->value[i] = NAN;
	return g;
}

static void game_free(struct gs_game *g)
{
	free(g->value);
	free(g);
}

static void choose(struct gs_game *g, size_t team, size_t round, int lever, double v)
{
	g->value[(team * g->n_rounds + round) * GS_N_LEVERS + (size_t)lever] = v;
}

static void run(struct gs_test_result *x, const struct gs_game *g, uint64_t seed)
{
	struct gs_params p;
	game_params(&p);
	p.game = g;
	gs_test_run(x, &p, seed, NULL, NULL);
}

/* Team k's gaming in round r: records corrected, cases reclassified, closed early. */
static double gamed(const struct gs_test_result *x, size_t k, size_t r)
{
	return gs_test_team_value(x, GS_TM_records_manipulated, k, r) +
	       gs_test_team_value(x, GS_TM_reclassifications, k, r) +
	       gs_test_team_value(x, GS_TM_premature_closures, k, r);
}

static bool same_bits(const double *a, const double *b, size_t n)
{
	return memcmp(a, b, n * sizeof(double)) == 0;
}

/* No choice made anywhere: the run of no game, every series bit for bit. */
static void test_no_choice_no_change(void **state)
{
	(void)state;
	struct gs_game *g = no_choices();
	for (int s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result a, b;
		run(&a, NULL, gs_test_seeds[s]);
		run(&b, g, gs_test_seeds[s]);
		assert_true(same_bits(a.r.series, b.r.series, GS_N_METRICS * a.n_time));
		assert_true(same_bits(a.r.team_series, b.r.team_series,
				      GS_N_TEAM_METRICS * a.r.n_teams * a.n_time));
		assert_true(same_bits(a.r.hist_true, b.r.hist_true, a.n_bins));
		gs_test_result_free(&a);
		gs_test_result_free(&b);
	}
	game_free(g);
}

/* Honest reporting: the team games nothing in the rounds its manager chose it, and only those. */
static void test_honest(void **state)
{
	(void)state;
	struct gs_game *g = no_choices();
	for (size_t r = 1; r < ROUNDS; r++)
		choose(g, 0, r, GS_LEVER_HONEST, 1);
	for (int s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result a, b;
		run(&a, NULL, gs_test_seeds[s]);
		run(&b, g, gs_test_seeds[s]);
		double before = 0, after = 0;
		for (size_t r = 1; r < ROUNDS; r++) {
			before += gamed(&a, 0, r);
			after += gamed(&b, 0, r);
		}
		assert_true(before > 0); /* the model's manager games under npm here */
		assert_true(after == 0);
		/* round 1 was not chosen: the same as the model's */
		assert_true(gamed(&b, 0, 0) == gamed(&a, 0, 0));
		gs_test_result_free(&a);
		gs_test_result_free(&b);
	}
	game_free(g);
}

/* Pressure: the team feels the pressure its manager chose (npm's 0.7 pressed to 1, or 0). */
static void test_pressure(void **state)
{
	(void)state;
	for (int s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_game *up = no_choices(), *off = no_choices();
		for (size_t r = 0; r < ROUNDS; r++) {
			choose(up, 1, r, GS_LEVER_PRESSURE, 1);
			choose(off, 1, r, GS_LEVER_PRESSURE, 0);
		}
		struct gs_test_result a, b, c;
		run(&a, NULL, gs_test_seeds[s]);
		run(&b, up, gs_test_seeds[s]);
		run(&c, off, gs_test_seeds[s]);
		for (size_t r = 0; r < ROUNDS; r++) {
			double felt = gs_test_team_value(&a, GS_TM_pressure_felt, 1, r);
			assert_true(gs_test_team_value(&b, GS_TM_pressure_felt, 1, r) > felt);
			assert_true(gs_test_team_value(&c, GS_TM_pressure_felt, 1, r) == 0);
			assert_true(gamed(&c, 1, r) == 0); /* no pressure, no gaming */
		}
		/* more pressure, more stress in the team (over the run) */
		assert_true(gs_test_team_over(&b, GS_TM_worker_stress_mean, 1) >
			    gs_test_team_over(&c, GS_TM_worker_stress_mean, 1));
		gs_test_result_free(&a);
		gs_test_result_free(&b);
		gs_test_result_free(&c);
		game_free(up);
		game_free(off);
	}
}

/* Learning time: npm protects none; a team that chooses some spends hours learning in its round. */
static void test_learning(void **state)
{
	(void)state;
	struct gs_game *g = no_choices();
	choose(g, 2, 1, GS_LEVER_LEARNING, 0.2);
	struct gs_test_result a, b;
	run(&a, NULL, gs_test_seeds[0]);
	run(&b, g, gs_test_seeds[0]);
	assert_true(gs_test_total(&a, GS_M_hours_learning) == 0);
	assert_true(gs_test_value(&b, GS_M_hours_learning, 0) == 0);
	double h = gs_test_value(&b, GS_M_hours_learning, 1);
	/* at most the team's workers' hours x 0.2 over the round */
	double most = 4 * b.p.workforce.hours_per_day * ROUND * 0.2;
	assert_true(h > 0.5 * most && h <= most + 1e-9);
	assert_true(gs_test_value(&b, GS_M_hours_learning, 2) == 0);
	/* the hours learning are not casework: the team closes fewer cases that round */
	assert_true(gs_test_team_value(&b, GS_TM_cases_measured, 2, 1) <
		    gs_test_team_value(&a, GS_TM_cases_measured, 2, 1));
	gs_test_result_free(&a);
	gs_test_result_free(&b);
	game_free(g);
}

/* Chasing: a team that stops chasing breaches (weight 0) works its queue in another order. */
static void test_chasing(void **state)
{
	(void)state;
	struct gs_game *g = no_choices();
	for (size_t r = 0; r < ROUNDS; r++)
		choose(g, 3, r, GS_LEVER_CHASING, 0);
	struct gs_test_result a, b;
	run(&a, NULL, gs_test_seeds[0]);
	run(&b, g, gs_test_seeds[0]);
	bool moved = false;
	for (int m = 0; m < GS_N_TEAM_METRICS; m++)
		for (size_t r = 0; r < ROUNDS; r++)
			moved = moved || gs_test_team_value(&a, m, 3, r) != gs_test_team_value(&b, m, 3, r);
	assert_true(moved);
	gs_test_result_free(&a);
	gs_test_result_free(&b);
	game_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_choice_no_change),
		cmocka_unit_test(test_honest),
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_learning),
		cmocka_unit_test(test_chasing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
