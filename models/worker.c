/*
 * worker.c - workers: teams, skill, how their hours are spent, what they cost.
 */
#include "worker.h"

#include <gsl/gsl_randist.h>

#include "rng.h"

int gs_workers_init(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	size_t per = (size_t)p->workforce.workers_per_team;
	for (size_t i = 0; i < w->n_workers; i++) {
		gs_rng_at(w->rng, w->seed, (uint32_t)i, 0, GS_RNG_WORKER_INIT);
		double s = p->workforce.skill_initial + gsl_ran_gaussian(w->rng, p->workforce.skill_sd);
		w->w_skill[i] = (float)(s < 0 ? 0 : s > 1 ? 1 : s);
		w->w_team[i] = (int32_t)(i / per);
		w->w_case[i] = -1;
	}
	return 0;
}

double gs_worker_hours(const struct gs_world *w)
{
	return w->p->workforce.hours_per_day * w->p->simulation.tick / 1440.0;
}

double gs_worker_casework_hours(const struct gs_world *w)
{
	double share = 1 - w->p->regime.reporting_burden - w->p->regime.learning_time;
	return gs_worker_hours(w) * (share > 0 ? share : 0);
}

void gs_worker_practice(struct gs_world *w, int32_t worker)
{
	float s = w->w_skill[worker];
	w->w_skill[worker] = s + (float)(w->p->workforce.skill_from_practice * (1 - s));
}

int gs_worker_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	double h = gs_worker_hours(w) * (double)w->n_workers;
	double share = p->regime.reporting_burden + p->regime.learning_time;
	double scale = share > 1 ? 1 / share : 1;
	w->tally.hours_reporting += h * p->regime.reporting_burden * scale;
	w->tally.hours_learning += h * p->regime.learning_time * scale;
	double wages = h * p->cost.wage_per_hour;
	double managers = (double)w->n_teams * p->cost.manager_per_day * p->simulation.tick / 1440.0;
	w->tally.cost += (wages + managers) * (1 + p->cost.overhead);
	return 0;
}
