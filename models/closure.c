/*
 * closure.c - closing cases: the two clocks, needs met or bounced,
 * contacts brought by system barriers, payments.
 */
#include "models/closure.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_randist.h>

#include "models/citizen.h"
#include "models/contact.h"
#include "models/failure.h"
#include "models/recording.h"
#include "sim/core/rng.h"
#include "models/worker.h"

static void need_met(struct gs_world *w, int32_t c, int32_t t, struct gs_team_tally *tt)
{
	const struct gs_params *p = w->p;
	int32_t ttc = t - w->cit[c].first_contact;
	int k = w->cit[c].cls;
	w->tally.needs_met++;
	w->tally.needs_met_service++;
	gs_need_outcome(w, c, true);
	w->tally.by_class.needs_met[k]++;
	w->tally.by_class.needs_met_service[k]++;
	w->tally.ttc_true_sum += ttc;
	w->tally.by_class.ttc_true_sum[k] += ttc;
	w->total_met++;
	tt->needs_met_service++;
	if (ttc <= p->service.time_target + 1e-9) {
		w->tally.met_within_true++;
		tt->met_within_true++;
	}
	gs_hist_add(w, 1, w->cit[c].cls, ttc);
	if (p->regime.payment_model == GS_PAYMENT_OUTCOME) {
		w->tally.payments += p->cost.payment_per_outcome;
		w->tally.cost_total += p->cost.payment_per_outcome;
	}
	gs_trust_update(w, c, w->cit[c].need_contacts <= 1 ? p->population.experience_first_time
							    : p->population.experience_met_later);
	gs_need_end(w, c);
	w->cit[c].due = GS_NEVER;
	w->cit[c].due_kind = GS_DUE_NONE;
}

static void need_bounced(struct gs_world *w, int32_t c, int32_t t, int resolved,
			 struct gs_team_tally *tt)
{
	const struct gs_params *p = w->p;
	/* what was resolved no longer weighs on the citizen */
	double s = gs_severity(w, c, t);
	w->cit[c].sev0 = (float)(s * (1.0 - (double)resolved / (w->cit[c].left + resolved)));
	w->cit[c].sev_t0 = t;
	gs_trust_update(w, c, p->population.experience_bounced);
	/* without failure demand nobody comes back: the need is given up */
	bool gone = !p->mechanism.failure_demand;
	if (!gone) {
		gone = gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RETURN) <
		       p->population.abandon_probability * (1 - w->cit[c].trust);
	}
	if (gone) {
		gs_need_end(w, c);
		w->cit[c].due = GS_NEVER;
		w->cit[c].due_kind = GS_DUE_NONE;
		w->tally.needs_abandoned++;
		tt->needs_abandoned++;
		gs_need_outcome(w, c, false);
		w->total_abandoned++;
		return;
	}
	w->cit[c].state = GS_NEED_PENDING;
	w->n_pending++;
	gs_failure_return_due(w, c, t);
}

/* The closures of a tick, and each one's citizen. */
struct closure_ctx {
	const int32_t *ids;
	const int32_t *citizen;
};

/* One team's closures (a block of the parallel phase): the pool is freed after. */
static int team_closures(struct gs_world *w, size_t team, const size_t *idx, size_t n, void *ctx)
{
	const struct closure_ctx *cc = ctx;
	const int32_t *closures = cc->ids;
	const struct gs_params *p = w->p;
	int32_t t = w->tick;
	double target = p->service.time_target;
	(void)team;
	for (size_t j = 0; j < n; j++) {
		/* the case and its citizen (known without the case's record) */
		if (j + GS_PREFETCH < n) {
			gs_prefetch(&w->cases.rec[closures[idx[j + GS_PREFETCH]]]);
			gs_prefetch(&w->cit[cc->citizen[idx[j + GS_PREFETCH]]]);
		}
		int32_t id = closures[idx[j]];
		w->n_events++;
		int32_t c = w->cases.rec[id].citizen;
		int32_t worker = w->cases.rec[id].worker;
		int k = w->cases.rec[id].cls;
		int resolved = w->cases.rec[id].addressed;
		int32_t rec = gs_record_closure(w, id, worker);
		struct gs_team *tm = &w->team[w->cases.rec[id].team];
		struct gs_team_tally *tt = &w->team_tally[w->cases.rec[id].team];
		w->tally.cases_closed++;
		w->tally.by_class.cases_closed[k]++;
		w->tally.ttc_rec_sum += rec;
		if (w->cases.rec[id].flags & GS_CF_PARKED)
			w->tally.cases_parked++;
		if (w->cases.rec[id].flags & GS_CF_PREMATURE) {
			w->tally.premature_closures++;
			w->tally.by_class.premature_closures[k]++;
			tt->premature_closures++;
		}
		if (w->cases.rec[id].flags & GS_CF_MEASURED) {
			w->tally.cases_measured++;
			tt->cases_measured++;
			tm->review_closed++;
			if (rec <= target + 1e-9) {
				w->tally.closed_within_rec++;
				tt->closed_within_rec++;
				tm->review_within++;
			}
		}
		/* the audited record: the true clock, the category the case was opened in */
		if (w->cases.rec[id].flags & (GS_CF_MEASURED | GS_CF_RECLASSIFIED)) {
			w->tally.cases_measured_audited++;
			tt->cases_measured_audited++;
			if (t - w->cases.rec[id].opened <= target + 1e-9) {
				w->tally.closed_within_audited++;
				tt->closed_within_audited++;
			}
		}
		gs_hist_add(w, 0, k, rec);
		if (p->regime.payment_model == GS_PAYMENT_PER_CASE) {
			w->tally.payments += p->cost.payment_per_case;
			w->tally.cost_total += p->cost.payment_per_case;
		}

		gs_wellbeing_update(w, c, t);
		gs_failure_handoff(w, c, w->cases.rec[id].team, t);
		w->cit[c].left = (uint8_t)(w->cit[c].left - resolved);
		w->cit[c].case_of = -1;
		w->n_in_service--;
		gs_worker_outcome(w, worker, w->cit[c].left == 0);
		if (w->cit[c].left == 0)
			need_met(w, c, t, tt);
		else
			need_bounced(w, c, t, resolved, tt);
		/* the record is free; its id returns to the pool after the blocks */
		w->cases.rec[id].status = GS_CASE_FREE;
		if (gs_citizen_reschedule(w, c))
			return -1;
	}
	return 0;
}

/*
 * Teams close their cases in parallel (a case, its citizen and its worker
 * belong to one team); the cases' ids then return to the shared pool in
 * the order they were proposed.
 */
int gs_closure_phase(struct gs_world *w)
{
	size_t n = w->n_closures;
	if (!n)
		return 0;
	int32_t *closures = w->closures, *team = malloc(2 * n * sizeof(*team)), *citizen = team + n;
	if (!team)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i + GS_PREFETCH_FAR < n)
			gs_prefetch(&w->cases.rec[closures[i + GS_PREFETCH_FAR]]);
		team[i] = w->cases.rec[closures[i]].team;
		citizen[i] = w->cases.rec[closures[i]].citizen;
	}
	/* the views add their own proposals: keep this tick's list apart */
	size_t cap = w->cap_closures;
	w->closures = NULL;
	w->n_closures = w->cap_closures = 0;
	struct closure_ctx cc = {closures, citizen};
	int rc = gs_by_team(w, n, team, team_closures, &cc);
	for (size_t i = 0; i < n; i++)
		gs_cases_push(&w->cases, closures[i]);
	free(team);
	free(w->closures);
	w->closures = closures;
	w->cap_closures = cap;
	w->n_closures = 0;
	return rc;
}
