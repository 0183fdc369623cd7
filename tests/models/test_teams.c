/*
 * test_teams.c - managers and workers that differ (docs/ODD.md, 7.8 and
 * 7.10): their traits come from streams of their own, the same in every
 * arm of a replication; with every spread 0 they are alike; with the
 * default spreads teams differ visibly in the per-team outputs; and the
 * per-team flows add up to the run's.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/metrics.h"

/* Teams of a target regime under pressure, a year long. */
static void team_params(struct gs_params *p, int64_t teams)
{
	gs_test_params(p, 600 * teams, 3, teams, 4, 365);
	gs_test_preset(p, "npm");
}

/* Are every manager's and worker's traits the neutral ones? */
static bool alike(const struct gs_world *w)
{
	for (size_t t = 0; t < w->n_teams; t++)
		if (w->team[t].m_pressure != 1 || w->team[t].m_gaming != 1 ||
		    w->team[t].m_stewardship != 1)
			return false;
	for (size_t i = 0; i < w->n_workers; i++)
		if (w->w_psm[i] != 0 || w->w_gaming[i] != 1)
			return false;
	return true;
}

/* With every spread 0 all managers and workers are alike; with the defaults they are not. */
static void test_zero_spreads_alike(void **state)
{
	(void)state;
	struct gs_params p;
	team_params(&p, 6);
	gs_test_alike(&p);
	struct gs_world *w = gs_test_world(&p, 5);
	assert_true(alike(w));
	gs_world_free(w);

	team_params(&p, 6);
	w = gs_test_world(&p, 5);
	assert_false(alike(w));
	for (size_t t = 1; t < w->n_teams; t++) {
		assert_true(w->team[t].m_pressure != w->team[0].m_pressure);
		assert_true(w->team[t].m_gaming != w->team[0].m_gaming);
		assert_true(w->team[t].m_stewardship != w->team[0].m_stewardship);
	}
	/* each trait is a multiplier of mean 1: exp(sd z - sd^2 / 2) */
	for (size_t t = 0; t < w->n_teams; t++)
		assert_true(w->team[t].m_pressure > 0 && w->team[t].m_gaming > 0);
	gs_world_free(w);
}

/*
 * Common random numbers: the arms of a replication (other regimes, other
 * spreads' signs aside) draw the same managers and workers; another seed
 * draws others. A trait is its spread times the same z.
 */
static void test_traits_shared_by_arms(void **state)
{
	(void)state;
	struct gs_params a, b;
	team_params(&a, 5);
	team_params(&b, 5);
	gs_test_preset(&b, "hls");
	b.workforce.manager_integrity_sd = 2 * a.workforce.manager_integrity_sd;
	struct gs_world *wa = gs_test_world(&a, 77), *wb = gs_test_world(&b, 77);
	struct gs_world *wc = gs_test_world(&a, 78);
	bool other = false;
	for (size_t t = 0; t < wa->n_teams; t++) {
		assert_true(wa->team[t].m_pressure == wb->team[t].m_pressure);
		assert_true(wa->team[t].m_stewardship == wb->team[t].m_stewardship);
		/* the same z: log factor + sd^2 / 2 scales with the spread */
		double sa = a.workforce.manager_integrity_sd, sb = b.workforce.manager_integrity_sd;
		double za = (log(wa->team[t].m_gaming) + sa * sa / 2) / sa;
		double zb = (log(wb->team[t].m_gaming) + sb * sb / 2) / sb;
		assert_double_close(za, zb, 1e-9);
		other = other || wc->team[t].m_pressure != wa->team[t].m_pressure;
	}
	for (size_t i = 0; i < wa->n_workers; i++) {
		assert_true(wa->w_psm[i] == wb->w_psm[i]);
		assert_true(wa->w_gaming[i] == wb->w_gaming[i]);
	}
	assert_true(other);
	gs_world_free(wa);
	gs_world_free(wb);
	gs_world_free(wc);
}

/* Every per-team flow adds up, over the teams, to the run's own flow, interval by interval. */
static void check_sums(const struct gs_test_result *x)
{
	static const struct {
		int tm, m;
	} flows[] = {
		{GS_TM_cases_measured, GS_M_cases_measured},
		{GS_TM_cases_measured_audited, GS_M_cases_measured_audited},
		{GS_TM_records_manipulated, GS_M_records_manipulated},
		{GS_TM_reclassifications, GS_M_reclassifications},
		{GS_TM_premature_closures, GS_M_premature_closures},
		{GS_TM_needs_abandoned, GS_M_needs_abandoned},
		{GS_TM_leavers, GS_M_leavers},
	};
	size_t n = x->r.n_teams;
	for (size_t t = 0; t < x->n_time; t++) {
		for (size_t f = 0; f < sizeof(flows) / sizeof(flows[0]); f++) {
			double sum = 0;
			for (size_t k = 0; k < n; k++)
				sum += gs_test_team_value(x, flows[f].tm, k, t);
			assert_double_close(sum, gs_test_value(x, flows[f].m, t), 0);
		}
		double met = 0, sick = 0, within = 0, audited = 0;
		for (size_t k = 0; k < n; k++) {
			met += gs_test_team_value(x, GS_TM_needs_met_service, k, t);
			sick += gs_test_team_value(x, GS_TM_workers_sick, k, t);
			double c = gs_test_team_value(x, GS_TM_cases_measured, k, t);
			if (c > 0)
				within += c * gs_test_team_value(x, GS_TM_within_target_recorded, k, t);
			double a = gs_test_team_value(x, GS_TM_cases_measured_audited, k, t);
			if (a > 0)
				audited += a * gs_test_team_value(x, GS_TM_within_target_audited, k, t);
		}
		assert_double_close(met, gs_test_value(x, GS_M_needs_met, t) -
						 gs_test_value(x, GS_M_needs_met_self, t), 0);
		assert_double_close(sick, gs_test_value(x, GS_M_workers_sick, t), 0);
		double measured = gs_test_value(x, GS_M_cases_measured, t);
		if (measured > 0)
			assert_double_close(within / measured,
					    gs_test_value(x, GS_M_within_target_recorded, t), 1e-9);
		double measured_a = gs_test_value(x, GS_M_cases_measured_audited, t);
		if (measured_a > 0)
			assert_double_close(audited / measured_a,
					    gs_test_value(x, GS_M_within_target_audited, t), 1e-9);
		for (size_t k = 0; k < n; k++) {
			double felt = gs_test_team_value(x, GS_TM_pressure_felt, k, t);
			assert_true(felt >= 0 && felt <= 1);
		}
	}
}

/* Between-team standard deviation of a per-team whole-run value. */
static double spread(const struct gs_test_result *x, int tm, double (*of)(const struct gs_test_result *, size_t))
{
	size_t n = x->r.n_teams;
	double s = 0, s2 = 0;
	for (size_t k = 0; k < n; k++) {
		double v = tm >= 0 ? gs_test_team_over(x, tm, k) : of(x, k);
		s += v;
		s2 += v * v;
	}
	double mean = s / (double)n, var = (s2 - (double)n * mean * mean) / (double)(n - 1);
	return sqrt(var > 0 ? var : 0);
}

/* A team's recorded minus true share within target over the run. */
static double gap(const struct gs_test_result *x, size_t k)
{
	return gs_test_team_over(x, GS_TM_within_target_recorded, k) -
	       gs_test_team_over(x, GS_TM_within_target_true, k);
}

/* A team's misreporting over the run: recorded minus audited share within target. */
static double misreported(const struct gs_test_result *x, size_t k)
{
	return gs_test_team_over(x, GS_TM_within_target_recorded, k) -
	       gs_test_team_over(x, GS_TM_within_target_audited, k);
}

/* The cases a team gamed: records corrected, reclassified, closed early. */
static double gamed(const struct gs_test_result *x, size_t k)
{
	return gs_test_team_over(x, GS_TM_records_manipulated, k) +
	       gs_test_team_over(x, GS_TM_reclassifications, k) +
	       gs_test_team_over(x, GS_TM_premature_closures, k);
}

/* Pearson correlation of x and y (n values). */
static double correlation(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i] / (double)n;
		my += y[i] / (double)n;
	}
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	return sxy / sqrt(sxx * syy);
}

/*
 * With the default spreads the teams of one arm differ in gaming and in the
 * pressure they feel far more than teams whose managers and workers are
 * alike (which differ only by chance and by what happens to them), in
 * stress more, and in misreporting (recorded minus audited) at least as
 * much, more on some seed; the recorded-minus-true gap differs between teams either
 * way (mostly the two clocks: a case's recorded clock restarts, a need's
 * does not). The per-team flows add up to the run's in both.
 */
static void test_teams_differ(void **state)
{
	(void)state;
	enum { TEAMS = 12 };
	int misreporting_spreads = 0;
	for (size_t s = 0; s < GS_TEST_N_SEEDS; s++) {
		struct gs_test_result x[2];
		for (int k = 0; k < 2; k++) {
			struct gs_params p;
			team_params(&p, TEAMS);
			if (!k)
				gs_test_alike(&p);
			gs_test_run(&x[k], &p, gs_test_seeds[s], NULL, NULL);
			check_sums(&x[k]);
		}
		double g0 = spread(&x[0], -1, gamed), g1 = spread(&x[1], -1, gamed);
		double d0 = spread(&x[0], -1, gap), d1 = spread(&x[1], -1, gap);
		double p0 = spread(&x[0], GS_TM_pressure_felt, NULL);
		double p1 = spread(&x[1], GS_TM_pressure_felt, NULL);
		double s0 = spread(&x[0], GS_TM_worker_stress_mean, NULL);
		double s1 = spread(&x[1], GS_TM_worker_stress_mean, NULL);
		double m0 = spread(&x[0], -1, misreported), m1 = spread(&x[1], -1, misreported);
		double l0 = spread(&x[0], GS_TM_leavers, NULL), l1 = spread(&x[1], GS_TM_leavers, NULL);
		print_message("seed %zu: between-team sd alike / default: gamed %.2f / %.2f, gap "
			      "%.4f / %.4f, misreported %.4f / %.4f, pressure %.4f / %.4f, stress "
			      "%.4f / %.4f, leavers %.2f / %.2f\n",
			      s, g0, g1, d0, d1, m0, m1, p0, p1, s0, s1, l0, l1);
		/*
		 * the teams whose manager and workers are readier to game (the
		 * product of their factors at the start) game more
		 */
		struct gs_params p;
		team_params(&p, TEAMS);
		struct gs_world *w = gs_test_world(&p, gs_test_seeds[s]);
		double readiness[TEAMS], count[TEAMS];
		size_t per = (size_t)p.workforce.workers_per_team;
		for (size_t k = 0; k < TEAMS; k++) {
			double f = 0;
			for (size_t i = k * per; i < (k + 1) * per; i++)
				f += w->w_gaming[i] / (double)per;
			readiness[k] = log(w->team[k].m_gaming * w->team[k].m_pressure * f);
			count[k] = gamed(&x[1], k);
		}
		gs_world_free(w);
		double r = correlation(readiness, count, TEAMS);
		print_message("seed %zu: correlation of gaming with readiness %.3f\n", s, r);
		assert_true(r > 0.5);
		assert_true(g1 > g0);
		/* misreporting (rare here: gaming is mostly premature closure) spreads too */
		assert_true(m1 >= m0);
		misreporting_spreads += m1 > m0;
		assert_true(p1 > 1.5 * p0);
		assert_true(s1 > s0);
		/* the gap differs between teams either way (its two clocks, chance) */
		assert_true(d0 > 0 && d1 > 0);
		gs_test_result_free(&x[0]);
		gs_test_result_free(&x[1]);
	}
	assert_true(misreporting_spreads > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_spreads_alike),
		cmocka_unit_test(test_traits_shared_by_arms),
		cmocka_unit_test(test_teams_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
