/*
 * manager.c - review periods, pressure, target ratchet, erosion of the
 * process (barriers growing back) and stewardship.
 */
#include "models/manager.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/regime.h"
#include "sim/core/rng.h"

void gs_managers_init(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	for (size_t t = 0; t < w->n_teams; t++) {
		gs_rng_at(w->rng, w->seed, (uint32_t)t, 0, GS_RNG_MANAGER_TRAITS);
		double z_pressure = gsl_ran_gaussian(w->rng, 1);
		double z_gaming = gsl_ran_gaussian(w->rng, 1);
		double z_steward = gsl_ran_gaussian(w->rng, 1);
		w->team[t].m_pressure = gs_spread_factor(p->workforce.manager_pressure_sd, z_pressure);
		w->team[t].m_gaming = gs_spread_factor(p->workforce.manager_integrity_sd, z_gaming);
		w->team[t].m_stewardship = gs_spread_factor(p->workforce.manager_stewardship_sd, z_steward);
	}
}

int gs_manager_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	if (w->reset_targets) {
		w->reset_targets = false;
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].target = p->regime.target_level;
	}
	if (w->reset_barriers) {
		w->reset_barriers = false;
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].barrier = p->service.barrier;
	}
	if (p->mechanism.barriers && p->service.barrier_growth > 0) {
		/* erosion: barriers drift towards 1 unless removed */
		double keep = exp(-gs_per_tick(p, p->service.barrier_growth));
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].barrier = 1 - (1 - w->team[t].barrier) * keep;
	}
	if (p->mechanism.stewardship && p->regime.stewardship > 0) {
		/* each manager removes barriers at the regime's rate times its skill */
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].barrier *=
				exp(-gs_per_tick(p, p->regime.stewardship * w->team[t].m_stewardship));
	}
	long period = lround(p->regime.review_period);
	if (period < 1)
		period = 1;
	if ((w->tick + 1) % period != 0)
		return 0;
	for (size_t t = 0; t < w->n_teams; t++)
		w->rules->review(w, t);
	return 0;
}

void gs_manager_review(struct gs_world *w, size_t t)
{
	const struct gs_params *p = w->p;
	struct gs_team *tm = &w->team[t];
	if (tm->review_closed > 0) {
		double share = tm->review_within / tm->review_closed;
		tm->shortfall = share < tm->target ? tm->target - share : 0;
		/* what the reports show lets the manager support a team that falls short */
		if (p->mechanism.support && p->workforce.support_gain > 0 && tm->shortfall > 0) {
			double info = 1 - exp(-p->regime.reporting_burden / p->workforce.report_scale);
			tm->knowhow += p->workforce.support_gain * info * tm->shortfall * (1 - tm->knowhow);
		}
		if (share >= tm->target && p->mechanism.ratchet)
			tm->target = fmin(1.0, tm->target + p->regime.target_ratchet);
	}
	tm->review_closed = tm->review_within = 0;
}
