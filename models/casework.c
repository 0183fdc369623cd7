/*
 * casework.c - workers' hours, taking cases, the offer made, doing the
 * work, resolving components, premature closure, rationing under payment
 * by outcome, time-slotted visits.
 */
#include "models/casework.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/queue.h"
#include "models/regime.h"
#include "models/triage.h"
#include "sim/core/rng.h"
#include "models/worker.h"

double gs_casework_hours(const struct gs_world *w, int32_t c, int n, double skill)
{
	const struct gs_params *p = w->p;
	const struct gs_class_params *cp = &p->cls[w->cit[c].cls];
	double std = p->regime.standardisation;
	/* a scripted procedure closes part of a novice's gap in speed */
	if (std > 0 && p->workforce.skill_max > skill)
		skill += std * p->workforce.standard_novice * (p->workforce.skill_max - skill);
	double h = n * cp->hours_per_component * (p->workforce.skill_hours - skill);
	h *= 1 - std * p->regime.standard_saving * cp->procedural_share;
	if (p->mechanism.coproduction)
		h *= 1 - p->service.coproduction * w->cit[c].strength * w->cit[c].trust;
	return h;
}

double gs_resolve_probability(const struct gs_world *w, int32_t worker, int cls, bool known)
{
	const struct gs_params *p = w->p;
	const struct gs_team *tm = &w->team[w->w_team[worker]];
	double pr = p->service.resolve_base + p->service.resolve_skill * w->w_skill[worker] +
		    p->service.resolve_knowhow * tm->knowhow;
	if (known)
		pr += p->service.continuity_resolve;
	if (pr > 1)
		pr = 1;
	/* discretion in less skilled hands errs more */
	if (p->workforce.discretion_error > 0 && p->mechanism.discretion) {
		double gap = p->workforce.skill_max - w->w_skill[worker];
		if (gap > 0)
			pr *= 1 - p->regime.discretion * p->workforce.discretion_error * gap;
	}
	/*
	 * a standard procedure prevents some failures on the routine components
	 * and misfits the others (the share of each: class.routine_share)
	 */
	double std = p->regime.standardisation, routine = p->cls[cls].routine_share;
	pr += (1 - pr) * std * p->service.standard_error_cut * routine -
	      pr * std * p->service.standard_misfit * (1 - routine);
	if (p->mechanism.barriers)
		pr *= 1 - tm->barrier;
	return pr;
}

/* Has the worker taking case id seen its citizen before? */
static bool knows(const struct gs_world *w, int32_t worker, int32_t id)
{
	return w->p->mechanism.continuity && w->cit[w->cases.rec[id].citizen].last_worker == worker;
}

/*
 * Under pressure a worker may close a case near its target without
 * addressing the need: the closure counts, the need stays.
 */
static bool closes_prematurely(struct gs_world *w, int32_t worker, int32_t id)
{
	const struct gs_params *p = w->p;
	if (!p->mechanism.premature_closure ||
	    gs_team_target_pressure(w, (size_t)w->w_team[worker]) <= 0)
		return false;
	double x = (double)(w->tick - w->cases.rec[id].rec_start) / p->service.time_target;
	if (x > 1)
		return false; /* breached already: closing it early gains nothing */
	double far = p->workforce.premature_far, from = p->workforce.premature_from;
	double near = far + (1 - far) * (x > from ? (x - from) / (1 - from) : 0);
	double pr = p->workforce.premature_base * near * gs_worker_gaming(w, worker);
	return gs_rng_uniform_at(w->rng, w->seed, (uint32_t)w->cases.rec[id].citizen,
				 (uint32_t)w->tick, GS_RNG_PREMATURE) < pr;
}

/*
 * Under payment by outcome a provider works a case only where the expected
 * payment covers the cost of the whole offer: p(every component left
 * resolved) x payment >= hours x wage x (1 + overhead). Otherwise the
 * client is parked: a holding appointment that addresses nothing.
 */
static bool parked(const struct gs_world *w, int32_t worker, int32_t id, int left, double hours)
{
	const struct gs_params *p = w->p;
	if (!p->mechanism.payments || p->regime.payment_model != GS_PAYMENT_OUTCOME)
		return false;
	double pr = gs_resolve_probability(w, worker, w->cases.rec[id].cls, knows(w, worker, id));
	double expected = pow(pr, left) * p->cost.payment_per_outcome;
	return expected < hours * p->cost.wage_per_hour * (1 + p->cost.overhead);
}

int gs_casework_offer(struct gs_world *w, int32_t worker, int32_t id, int left)
{
	if (left <= 1)
		return 1;
	gs_rng_at(w->rng, w->seed, (uint32_t)w->cases.rec[id].citizen, (uint32_t)w->tick,
		  GS_RNG_CASEWORK);
	double d = w->p->mechanism.discretion ? w->p->regime.discretion : 0;
	/* workers free to choose choose differently (judgement_sd: 0, alike) */
	d *= 1 + w->p->workforce.judgement_sd * w->w_judgement[worker];
	d = d < 0 ? 0 : d > 1 ? 1 : d;
	/*
	 * a standard procedure takes in the routine components of the need as
	 * well, whatever the worker's discretion (class.routine_share of them)
	 */
	double scripted = w->p->regime.standardisation * w->p->cls[w->cases.rec[id].cls].routine_share;
	if (scripted > 0)
		d = 1 - (1 - d) * (1 - scripted);
	return 1 + (int)gsl_ran_binomial(w->rng, d, (unsigned)(left - 1));
}

static void take_case(struct gs_world *w, int32_t worker, int32_t id)
{
	const struct gs_params *p = w->p;
	int32_t c = w->cases.rec[id].citizen;
	w->w_visit[worker] = 0;
	if (w->cases.rec[id].flags & GS_CF_OFFERED) {
		/* offered and sized before: the work goes on where it stood */
		w->cases.rec[id].status = GS_CASE_ACTIVE;
		w->cases.rec[id].worker = worker;
		w->w_case[worker] = id;
		return;
	}
	int left = w->cit[c].left;
	double skill = w->w_skill[worker];
	bool known = knows(w, worker, id);
	int n;
	double hours;
	if (closes_prematurely(w, worker, id)) {
		w->cases.rec[id].flags |= GS_CF_PREMATURE;
		n = 1;
		hours = p->service.holding_hours * gs_casework_hours(w, c, 1, skill);
	} else if (parked(w, worker, id, left, gs_casework_hours(w, c, left, skill))) {
		w->cases.rec[id].flags |= GS_CF_PARKED;
		n = 1;
		hours = p->service.holding_hours * gs_casework_hours(w, c, 1, skill);
	} else {
		n = w->rules->offer(w, worker, id, left);
		hours = gs_casework_hours(w, c, n, skill);
		w->w_offered[worker] += (float)n;
		w->w_offer_left[worker] += (float)left;
	}
	if (known)
		hours *= 1 - p->service.continuity_saving;
	if (p->service.work_cv > 0) {
		/* cases differ in the work they turn out to need: gamma, mean 1 */
		double cv2 = p->service.work_cv * p->service.work_cv;
		gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)w->tick, GS_RNG_WORK_SIZE);
		hours *= gsl_ran_gamma(w->rng, 1 / cv2, cv2);
	}
	/* the share of the work citizens and families do themselves */
	double cp = p->mechanism.coproduction ? p->service.coproduction * w->cit[c].strength * w->cit[c].trust : 0;
	if (cp > 0 && cp < 1)
		w->tally.hours_coproduced += hours * cp / (1 - cp);
	w->cases.rec[id].addressed = (uint8_t)n;
	w->cases.rec[id].hours_left = (float)hours;
	if (p->service.visit_hours > 0)
		w->cases.rec[id].flags |= GS_CF_OFFERED;
	w->cases.rec[id].status = GS_CASE_ACTIVE;
	w->cases.rec[id].worker = worker;
	w->w_case[worker] = id;
}

static int push_waiting(struct gs_world *w, int32_t id)
{
	if (gs_ids_push(&w->res_wait, &w->n_res_wait, &w->cap_res_wait, id))
		return -1;
	w->cases.rec[id].status = GS_CASE_WAITING;
	return 0;
}

/* The work on case id is done: draw what it resolved; on to closure or the resource. */
static int finish_case(struct gs_world *w, int32_t worker, int32_t id)
{
	int32_t c = w->cases.rec[id].citizen;
	int n = w->cases.rec[id].addressed;
	int resolved = 0;
	if (!(w->cases.rec[id].flags & (GS_CF_PREMATURE | GS_CF_PARKED))) {
		double pr = gs_resolve_probability(w, worker, w->cases.rec[id].cls, knows(w, worker, id));
		gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)w->tick, GS_RNG_RESOLUTION);
		resolved = (int)gsl_ran_binomial(w->rng, pr, (unsigned)n);
	}
	w->cases.rec[id].addressed = (uint8_t)resolved;
	w->w_case[worker] = -1;
	w->cit[c].last_worker = worker;
	gs_worker_practice(w, worker, w->cit[c].left);
	if (w->cases.rec[id].flags & GS_CF_RESOURCE)
		return push_waiting(w, id);
	return gs_closure_propose(w, id);
}

/* In a team's list of who may take each waiting case (team_casework): */
#define ANYONE (-1) /* any of the team's workers */
#define TAKEN (-2)  /* nobody: taken today */

/*
 * Who may take the case waiting at place i of q today: the worker its
 * citizen is to see again (present, and the case not yet waiting too long
 * for them), else anyone. Nothing it reads changes during the casework.
 */
static int32_t may_take(const struct gs_world *w, const struct gs_queue *q, size_t i)
{
	const struct gs_case *k = &w->cases.rec[q->ids[i]];
	int32_t pref = k->pref;
	bool waits = pref >= 0 && w->w_status[pref] == GS_W_PRESENT &&
		     w->tick - k->opened < w->p->service.continuity_wait;
	return waits ? pref : ANYONE;
}

/*
 * The first case in the queue, from position *from, that this worker may
 * take, marked taken; -1 if none. who[0..*known) holds may_take's answers
 * so far, or TAKEN (the case records are read once a day, however many
 * workers pass a case their colleague's citizen waits for).
 */
static int32_t next_case(struct gs_world *w, struct gs_queue *q, int32_t *who, size_t *known,
			 size_t *from, int32_t worker)
{
	while (*from < *known && who[*from] == TAKEN)
		(*from)++;
	for (size_t i = *from; i < q->len; i++) {
		if (i == *known)
			who[(*known)++] = may_take(w, q, i);
		if (who[i] != ANYONE && who[i] != worker)
			continue;
		who[i] = TAKEN;
		/* the citizens of the cases to be taken next (their cases were just ordered) */
		if (i + GS_PREFETCH / 2 < q->len) {
			int32_t c = w->cases.rec[q->ids[i + GS_PREFETCH / 2]].citizen;
			gs_prefetch(&w->cit[c]);
		}
		return q->ids[i];
	}
	return -1;
}

bool gs_casework_between_visits(const struct gs_world *w, int32_t id)
{
	if (id < 0 || w->cases.rec[id].status != GS_CASE_ACTIVE)
		return false;
	int32_t k = w->cases.rec[id].worker;
	return k < 0 || w->w_case[k] != id;
}

/* Does tick t start a day (days of 1440 minutes from the start of the run)? */
static bool day_starts(const struct gs_world *w, int32_t t)
{
	double m = w->p->simulation.tick;
	return t == 0 || floor(t * m / GS_MIN_PER_DAY) != floor((t - 1) * m / GS_MIN_PER_DAY);
}

/*
 * Most hours a case has in a day [h] (service.visit_hours; a tick longer
 * than a day has as many days' worth), 0: no limit.
 */
static double visit_limit(const struct gs_world *w)
{
	double days = w->p->simulation.tick / GS_MIN_PER_DAY;
	return w->p->service.visit_hours * (days > 1 ? days : 1);
}

/*
 * Cases between visits whose worker is away (sick, post vacant) go back to
 * the queue when due, their offer standing: a colleague takes them.
 */
static int release_held(struct gs_world *w, struct gs_queue *q)
{
	for (size_t i = 0; i < q->n_due; i++) {
		int32_t id = q->held[i];
		if (id < 0)
			continue;
		int32_t k = w->cases.rec[id].worker;
		if (k >= 0 && w->w_status[k] == GS_W_PRESENT)
			continue;
		q->held[i] = -1;
		w->cases.rec[id].status = GS_CASE_QUEUED;
		w->cases.rec[id].worker = -1;
		if (gs_queue_push(q, id))
			return -1;
	}
	return 0;
}

/* The first case due a visit that worker holds, taken off the list; -1 if none. */
static int32_t resume_held(struct gs_world *w, struct gs_queue *q, int32_t worker)
{
	for (size_t i = 0; i < q->n_due; i++) {
		int32_t id = q->held[i];
		if (id >= 0 && w->cases.rec[id].worker == worker) {
			q->held[i] = -1;
			w->w_case[worker] = id;
			w->w_visit[worker] = 0;
			return id;
		}
	}
	return -1;
}

/* Drop the cases resumed or released from the list, keeping its order. */
static void compact_held(struct gs_queue *q)
{
	size_t kept = 0, due = 0;
	for (size_t i = 0; i < q->n_held; i++) {
		if (q->held[i] < 0)
			continue;
		due += i < q->n_due;
		q->held[kept++] = q->held[i];
	}
	q->n_held = kept;
	q->n_due = due;
}

static int team_casework(struct gs_world *w, size_t team, double hours, struct gs_withdrawn *wd)
{
	const struct gs_params *p = w->p;
	struct gs_queue *q = &w->queue[team];
	size_t per = (size_t)p->workforce.workers_per_team;
	double visit = visit_limit(w);
	if (day_starts(w, w->tick)) {
		q->n_due = q->n_held; /* held before today: due a visit */
		for (size_t k = 0; k < per; k++)
			w->w_visit[team * per + k] = 0;
	}
	if (q->n_due && release_held(w, q))
		return -1;
	/* the cases withdrawn since yesterday leave the queue as it is ordered */
	if (gs_queue_order(w, team, wd))
		return -1;
	/*
	 * the citizens of the cases in hand and of the first in the queue
	 * (their records were just read to order it), fetched all at once
	 */
	for (size_t k = 0; k < per; k++) {
		int32_t id = w->w_case[team * per + k];
		if (id >= 0)
			gs_prefetch(&w->cit[w->cases.rec[id].citizen]);
	}
	for (size_t i = 0; i < q->len && i < 2 * per; i++)
		gs_prefetch(&w->cit[w->cases.rec[q->ids[i]].citizen]);
	int32_t *who = malloc((q->len ? q->len : 1) * sizeof(*who));
	if (!who)
		return -1;
	size_t from = 0, known = 0;
	size_t present = 0;
	for (size_t k = 0; k < per; k++)
		present += w->w_status[team * per + k] == GS_W_PRESENT;
	/* felt target pressure raises effort on measured work, with diminishing returns */
	double felt = gs_team_pressure(w, team);
	double speed = p->mechanism.effort
			       ? 1 + p->workforce.effort_gain * (1 - (1 - felt) * (1 - felt))
			       : 1;
	double contact = q->contact_hours;
	double contact_max = p->service.contact_share_max * hours * (double)present;
	if (contact > contact_max)
		contact = contact_max; /* the rest go unanswered */
	for (size_t k = 0; k < per; k++) {
		int32_t i = (int32_t)(team * per + k);
		if (w->w_status[i] != GS_W_PRESENT)
			continue;
		double h = hours;
		double take = contact < h ? contact : h;
		contact -= take;
		h -= take;
		w->tally.hours_contact += take;
		bool slack = false;
		while (h > 1e-9) {
			int32_t id = w->w_case[i];
			if (id < 0 && q->n_due)
				id = resume_held(w, q, i);
			if (id < 0) {
				id = next_case(w, q, who, &known, &from, i);
				if (id < 0) {
					w->tally.hours_idle += h;
					slack = true;
					break;
				}
				take_case(w, i, id);
			}
			double sp = (w->cases.rec[id].flags & GS_CF_MEASURED) ? speed : 1;
			double need = w->cases.rec[id].hours_left / sp; /* paid hours to finish it */
			double work = h < need ? h : need;
			if (visit > 0 && work > visit - w->w_visit[i])
				work = visit > w->w_visit[i] ? visit - w->w_visit[i] : 0;
			w->cases.rec[id].hours_left -= (float)(work * sp);
			h -= work;
			w->w_visit[i] += work;
			w->tally.hours_casework += work;
			w->tally.by_class.hours_casework[w->cases.rec[id].cls] += work;
			int rc = 0;
			if (w->cases.rec[id].hours_left <= 1e-6) {
				rc = finish_case(w, i, id);
			} else if (visit > 0 && w->w_visit[i] >= visit - 1e-9) {
				/* today's visit is over: the case waits for tomorrow's */
				w->w_case[i] = -1;
				rc = gs_queue_hold(w, team, id);
			}
			if (rc) {
				free(who);
				return -1;
			}
		}
		w->w_overloaded[i] = !slack;
	}
	free(who);
	q->contact_hours = 0;
	compact_held(q);
	/* keep only the cases still waiting, in order (none is withdrawn during casework) */
	if (gs_queue_keep_waiting(w, q, NULL))
		return -1;
	/* a worker with slack is not overloaded; one without is only if cases still wait */
	if (q->len == 0)
		for (size_t k = 0; k < per; k++)
			w->w_overloaded[team * per + k] = 0;
	return 0;
}

/*
 * Teams work in parallel: a team's queue, cases, workers and citizens are
 * its own. Each team works in its own view; views merge in team order.
 */
static int team_block(struct gs_world *view, size_t team, void *ctx)
{
	/* the team's triage first, its queue as the contacts left it */
	if (gs_triage_team(view, team))
		return -1;
	return team_casework(view, team, gs_worker_casework_hours(view, team),
			     (struct gs_withdrawn *)ctx + team);
}

int gs_casework_phase(struct gs_world *w)
{
	/* each team's cases withdrawn since its last casework */
	struct gs_withdrawn *wd = calloc(w->n_teams ? w->n_teams : 1, sizeof(*wd));
	if (!wd)
		return -1;
	int rc = gs_blocks(w, w->n_teams, team_block, wd);
	/* the withdrawn cases' ids back to the shared pool, in team order, then queue order */
	for (size_t t = 0; t < w->n_teams; t++) {
		for (size_t i = 0; i < wd[t].n; i++)
			gs_cases_push(&w->cases, wd[t].ids[i]);
		free(wd[t].ids);
	}
	free(wd);
	return rc;
}
