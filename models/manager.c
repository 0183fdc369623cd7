/*
 * manager.c - managers' review periods and target ratchet.
 */
#include "manager.h"

#include <math.h>

int gs_manager_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	if (p->regime.target_level != w->target_base)
		w->target = w->target_base = p->regime.target_level;
	long period = lround(p->regime.review_period);
	if (period < 1)
		period = 1;
	if ((w->tick + 1) % period != 0)
		return 0;
	if (w->tally.review_closed > 0 &&
	    w->tally.review_within / w->tally.review_closed >= w->target)
		w->target = fmin(1.0, w->target + p->regime.target_ratchet);
	w->tally.review_closed = w->tally.review_within = 0;
	return 0;
}
