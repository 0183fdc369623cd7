/*
 * contact.c - contacts: value and failure demand, opening cases, triage,
 * and chasing of waiting cases.
 */
#include "models/contact.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_randist.h>

#include "models/casework.h"
#include "models/failure.h"
#include "models/queue.h"
#include "sim/core/rng.h"

/* A citizen chasing a waiting case may give up on the service. */
static bool gives_up(struct gs_world *w, int32_t c, int32_t t)
{
	int32_t id = w->cit[c].case_of;
	if (id < 0 || w->cases.rec[id].status != GS_CASE_QUEUED)
		return false;
	return gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_GIVE_UP) <
	       w->p->population.abandon_probability * (1 - w->cit[c].trust);
}

/* The need is abandoned; its case leaves the queue at the next ordering. */
static int withdraw(struct gs_world *w, int32_t c, int32_t t)
{
	gs_wellbeing_update(w, c, t);
	w->team_tally[w->cases.rec[w->cit[c].case_of].team].needs_abandoned++;
	w->cases.rec[w->cit[c].case_of].status = GS_CASE_WITHDRAWN;
	w->cit[c].case_of = -1;
	gs_need_end(w, c);
	w->n_in_service--;
	w->cit[c].due = GS_NEVER;
	w->cit[c].due_kind = GS_DUE_NONE;
	w->tally.needs_abandoned++;
	gs_need_outcome(w, c, false);
	w->total_abandoned++;
	return gs_citizen_reschedule(w, c);
}

/* Triage: the case gets its recorded category and joins its team's queue. */
static int triage(struct gs_world *w, int32_t id)
{
	return gs_queue_push(&w->queue[w->cases.rec[id].team], id);
}

void gs_contact_count(struct gs_world *w, int32_t c, int32_t team, int32_t t)
{
	if (w->cit[c].need_contacts < UINT16_MAX)
		w->cit[c].need_contacts++;
	if (w->cit[c].first_contact < 0) {
		w->cit[c].first_contact = t;
		w->tally.contacts_value++;
		w->tally.by_class.contacts_value[w->cit[c].cls]++;
		w->total_value++;
	} else {
		w->tally.contacts_failure++;
		w->tally.by_class.contacts_failure[w->cit[c].cls]++;
		w->total_failure++;
	}
	w->queue[team].contact_hours += w->p->service.contact_hours;
}

/*
 * A new case: with probability regime.continuity a returning citizen is to
 * see the worker who worked their last case (if still in post), and the
 * case may need a unit of the downstream resource.
 */
static void case_needs(struct gs_world *w, int32_t id, int32_t c, int32_t t)
{
	const struct gs_params *p = w->p;
	int32_t last = w->cit[c].last_worker;
	if (p->mechanism.continuity && last >= 0 && w->w_team[last] == gs_team_of(w, c) &&
	    w->w_status[last] == GS_W_PRESENT && p->regime.continuity > 0) {
		if (gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_CONTINUITY) <
		    p->regime.continuity)
			w->cases.rec[id].pref = last;
	}
	double share = p->cls[w->cit[c].cls].resource_share;
	if (p->mechanism.downstream && share > 0) {
		if (gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_RESOURCE) <
		    share)
			w->cases.rec[id].flags |= GS_CF_RESOURCE;
	}
}

struct contact_ctx {
	const struct gs_contact *contacts;
	const int32_t *ids; /* the case each opening contact opens, -1 for none */
};

/* One team's contacts (a block of the parallel phase), in their order. */
static int team_contacts(struct gs_world *w, size_t team, const size_t *idx, size_t n, void *ctx)
{
	const struct contact_ctx *cc = ctx;
	int32_t t = w->tick;
	for (size_t j = 0; j < n; j++) {
		if (j + GS_PREFETCH < n) {
			size_t k = idx[j + GS_PREFETCH];
			gs_prefetch(&w->cit[cc->contacts[k].citizen]);
			if (cc->ids[k] >= 0) {
				gs_prefetch(&w->cases.rec[cc->ids[k]]);
			}
		}
		int32_t c = cc->contacts[idx[j]].citizen;
		enum gs_due_kind kind = cc->contacts[idx[j]].kind;
		w->n_events++;
		if (kind == GS_DUE_CHASE) {
			if (w->cit[c].state != GS_NEED_IN_SERVICE)
				continue;
			if (gs_casework_between_visits(w, w->cit[c].case_of)) {
				/* in care, the next visit booked: nothing to chase yet */
				gs_failure_chase_due(w, c, t);
				if (gs_citizen_reschedule(w, c))
					return -1;
				continue;
			}
			gs_contact_count(w, c, (int32_t)team, t);
			w->tally.contacts_chasing++;
			gs_trust_update(w, c, w->p->population.experience_chasing);
			if (gives_up(w, c, t)) {
				if (withdraw(w, c, t))
					return -1;
				continue;
			}
		} else {
			int32_t id = cc->ids[idx[j]];
			if (id < 0)
				continue;
			gs_case_fill(w, id, c, (int32_t)team);
			if (w->cit[c].first_contact >= 0)
				w->tally.contacts_repeat++;
			gs_contact_count(w, c, (int32_t)team, t);
			case_needs(w, id, c, t);
			if (triage(w, id))
				return -1;
			gs_wellbeing_update(w, c, t);
			w->cit[c].case_of = id;
			w->cit[c].state = GS_NEED_IN_SERVICE;
			w->n_pending--;
			w->n_in_service++;
			w->tally.cases_opened++;
		}
		gs_failure_chase_due(w, c, t);
		if (gs_citizen_reschedule(w, c))
			return -1;
	}
	return 0;
}

/*
 * Cases' ids are taken from the shared pool in contact order first; then teams
 * handle their contacts in parallel (a citizen and its case belong to one
 * team), merged in team order.
 */
int gs_contact_phase(struct gs_world *w)
{
	size_t n = w->n_contacts;
	if (!n)
		return 0;
	struct gs_contact *contacts = w->contacts;
	int32_t *ids = malloc(n * sizeof(*ids)), *team = malloc(n * sizeof(*team));
	int rc = -1;
	if (!ids || !team)
		goto out;
	/*
	 * the teams, and the ids of the cases the contacts open (the id only:
	 * the record is filled by the case's team, team_contacts)
	 */
	for (size_t i = 0; i < n; i++) {
		team[i] = contacts[i].team;
		ids[i] = -1;
		if (contacts[i].opens && (ids[i] = gs_cases_take(&w->cases)) < 0)
			goto out;
	}
	/* the views may propose no contacts of their own: keep this tick's list apart */
	size_t cap = w->cap_contacts;
	w->contacts = NULL;
	w->n_contacts = w->cap_contacts = 0;
	struct contact_ctx cc = {contacts, ids};
	rc = gs_by_team(w, n, team, team_contacts, &cc);
	free(w->contacts);
	w->contacts = contacts;
	w->cap_contacts = cap;
out:
	w->n_contacts = 0;
	free(ids);
	free(team);
	return rc;
}
