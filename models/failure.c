/*
 * failure.c - chasing, coming back, hand-offs: the contacts that failure causes.
 */
#include "models/failure.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/citizen.h"
#include "models/contact.h"
#include "sim/core/rng.h"

static int32_t later(int32_t t, double dt)
{
	return t + (dt < 1 ? 1 : dt > 1e9 ? 1000000000 : (int32_t)lround(dt));
}

void gs_failure_chase_due(struct gs_world *w, int32_t c, int32_t t)
{
	if (!w->p->mechanism.failure_demand) {
		w->cit[c].due = GS_NEVER;
		w->cit[c].due_kind = GS_DUE_NONE;
		return;
	}
	double u = gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_CHASE);
	w->cit[c].due = later(t, w->p->population.chase_interval * (0.5 + u));
	w->cit[c].due_kind = GS_DUE_CHASE;
}

void gs_failure_return_due(struct gs_world *w, int32_t c, int32_t t)
{
	gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RETURN_DELAY);
	w->cit[c].due = later(t, gsl_ran_exponential(w->rng, w->p->population.return_delay));
	w->cit[c].due_kind = GS_DUE_RETURN;
}

void gs_failure_handoff(struct gs_world *w, int32_t c, int32_t team, int32_t t)
{
	if (!w->p->mechanism.barriers || !w->p->mechanism.failure_demand)
		return;
	double b = w->team[team].barrier;
	if (b <= 0)
		return;
	if (gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_BARRIER) < b) {
		gs_contact_count(w, c, team, t);
		w->tally.contacts_handoff++;
	}
}
