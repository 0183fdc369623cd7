/*
 * recording.c - record correction and audit.
 */
#include "models/recording.h"

#include <math.h>

#include "models/regime.h"
#include "sim/core/rng.h"
#include "models/worker.h"

int32_t gs_record_closure(struct gs_world *w, int32_t id, int32_t worker)
{
	const struct gs_params *p = w->p;
	int32_t t = w->tick, c = w->cases.rec[id].citizen;
	int32_t rec = t - w->cases.rec[id].rec_start;
	double target = p->service.time_target;
	uint8_t *f = &w->cases.rec[id].flags;

	if (p->mechanism.recording && (*f & GS_CF_MEASURED) && rec > target &&
	    rec <= target * (1 + p->workforce.gaming_window) &&
	    gs_team_target_pressure(w, (size_t)w->w_team[worker]) > 0) {
		gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RECORDING);
		double pm = p->workforce.manipulation_base * gs_worker_gaming(w, worker);
		if (gsl_rng_uniform(w->rng) < pm) {
			/* just under the target: at it or within its last correction_spread */
			int32_t top = (int32_t)floor(target + 1e-9);
			int32_t spread = (int32_t)fmax(1, floor(p->workforce.correction_spread * target));
			int32_t fixed = top - (int32_t)floor(gsl_rng_uniform(w->rng) * spread);
			if (fixed < 0)
				fixed = 0;
			w->cases.rec[id].rec_start = t - fixed;
			rec = fixed;
			*f |= GS_CF_MANIPULATED;
			w->tally.records_manipulated++;
			w->team_tally[w->cases.rec[id].team].records_manipulated++;
		}
	}
	/* a measured case that breached anyway may be recorded in another category */
	if (p->mechanism.triage && (*f & GS_CF_MEASURED) && rec > target &&
	    gs_team_target_pressure(w, (size_t)w->w_team[worker]) > 0) {
		gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RECATEGORISE);
		double pr = p->workforce.reclassify_base * gs_worker_gaming(w, worker);
		if (gsl_rng_uniform(w->rng) < pr) {
			*f = (uint8_t)((*f & ~GS_CF_MEASURED) | GS_CF_RECLASSIFIED);
			w->tally.reclassifications++;
			w->team_tally[w->cases.rec[id].team].reclassifications++;
		}
	}
	/*
	 * an audit finds something only in a record that was altered: only
	 * those draw (a draw has its own address: skipping the others changes
	 * no other draw)
	 */
	if (p->mechanism.audit && p->regime.audit_probability > 0 &&
	    (*f & (GS_CF_MANIPULATED | GS_CF_RECLASSIFIED))) {
		if (gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_AUDIT) <
		    p->regime.audit_probability) {
			if (*f & GS_CF_MANIPULATED) {
				w->cases.rec[id].rec_start = w->cases.rec[id].opened;
				rec = t - w->cases.rec[id].opened;
			}
			if (*f & GS_CF_RECLASSIFIED)
				*f |= GS_CF_MEASURED;
			*f &= (uint8_t)~(GS_CF_MANIPULATED | GS_CF_RECLASSIFIED);
			w->tally.audit_catches++;
			gs_worker_sanction(w, worker);
		}
	}
	return rec;
}
