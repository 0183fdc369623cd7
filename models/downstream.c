/*
 * downstream.c - allocation of the downstream resource.
 */
#include "models/downstream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/queue.h"
#include "models/regime.h"
#include "sim/core/rng.h"

int gs_downstream_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	int32_t t = w->tick;
	w->res_free += w->res_release[t];
	if (w->n_res_wait == 0 || w->res_free <= 0)
		return 0;
	size_t n = w->n_res_wait;
	if (gs_order_by_priority(w, w->res_wait, n, 0))
		return -1;
	size_t given = 0;
	for (; given < n && w->res_free > 0; given++) {
		int32_t id = w->res_wait[given];
		w->res_free--;
		gs_rng_at(w->rng, w->seed, (uint32_t)w->cases.rec[id].citizen, (uint32_t)t,
			  GS_RNG_STAY);
		double stay = gsl_ran_exponential(w->rng, p->downstream.stay);
		double end = t + (stay < 1 ? 1 : nearbyint(stay));
		if (end < w->n_ticks)
			w->res_release[(int32_t)end]++;
		if (gs_closure_propose(w, id))
			return -1;
	}
	/* the rest keep waiting, in their priority order */
	memmove(w->res_wait, w->res_wait + given, (n - given) * sizeof(*w->res_wait));
	w->n_res_wait = n - given;
	return 0;
}
