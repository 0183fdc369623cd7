/*
 * manager.c - review periods, pressure, target ratchet, erosion of the
 * process (barriers growing back) and stewardship.
 */
#include "models/manager.h"

#include <math.h>

#include "models/regime.h"

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
		double keep = exp(-gs_per_tick(p, p->regime.stewardship));
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].barrier *= keep;
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
