/*
 * triage.c - reclassification of measured cases about to breach.
 */
#include "models/triage.h"

#include "models/regime.h"
#include "sim/core/rng.h"
#include "models/worker.h"

int gs_triage_team(struct gs_world *w, size_t team)
{
	const struct gs_params *p = w->p;
	if (!p->mechanism.triage || (p->regime.target_pressure <= 0 && !w->levers))
		return 0;
	int32_t t = w->tick;
	double target = p->service.time_target;
	struct gs_queue *q = &w->queue[team];
	double g = -1;
	if (gs_team_target_pressure(w, team) <= 0)
		return 0; /* a game's team without target pressure */
	for (size_t i = 0; i < q->len; i++) {
		int32_t id = q->ids[i];
		uint8_t f = w->cases.rec[id].flags;
		if (w->cases.rec[id].status != GS_CASE_QUEUED || !(f & GS_CF_MEASURED) ||
		    (f & GS_CF_CONSIDERED))
			continue;
		double wait = (double)(t - w->cases.rec[id].rec_start);
		if (wait < p->workforce.reclassify_from * target || wait > target)
			continue;
		w->cases.rec[id].flags |= GS_CF_CONSIDERED;
		if (g < 0)
			g = p->workforce.reclassify_base * gs_team_gaming(w, team);
		int32_t c = w->cases.rec[id].citizen;
		if (gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RECLASSIFY) <
		    g) {
			w->cases.rec[id].flags = (uint8_t)((f & ~GS_CF_MEASURED) | GS_CF_CONSIDERED |
						      GS_CF_RECLASSIFIED);
			w->tally.reclassifications++;
			w->team_tally[team].reclassifications++;
		}
	}
	return 0;
}
