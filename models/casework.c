/*
 * casework.c - workers' hours, taking cases, doing the work, resolving
 * components.
 */
#include "casework.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "queue.h"
#include "rng.h"
#include "worker.h"

double gs_casework_hours(const struct gs_world *w, int32_t c, int n, double skill)
{
	const struct gs_params *p = w->p;
	double h = n * p->cls[w->cls[c]].hours_per_component * (1.5 - skill);
	h *= 1 - p->regime.standardisation * p->regime.standard_saving;
	h *= 1 - p->service.coproduction * w->strength[c] * w->trust[c];
	return h;
}

static void take_case(struct gs_world *w, int32_t worker, int32_t id)
{
	int32_t c = w->cases.citizen[id];
	int left = w->left[c];
	gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)w->tick, GS_RNG_CASEWORK);
	int n = 1 + (left > 1 ? (int)gsl_ran_binomial(w->rng, w->p->regime.discretion,
						       (unsigned)(left - 1))
			      : 0);
	w->cases.addressed[id] = (uint8_t)n;
	w->cases.hours_left[id] = (float)gs_casework_hours(w, c, n, w->w_skill[worker]);
	w->cases.status[id] = GS_CASE_ACTIVE;
	w->cases.worker[id] = worker;
	w->w_case[worker] = id;
}

/* The work on case id is done: draw what it resolved; propose the closure. */
static int finish_case(struct gs_world *w, int32_t worker, int32_t id)
{
	const struct gs_params *p = w->p;
	int32_t c = w->cases.citizen[id];
	double skill = w->w_skill[worker];
	double pr = p->service.resolve_base + p->service.resolve_skill * skill;
	pr = (pr > 1 ? 1 : pr) * (1 - p->service.barrier);
	gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)w->tick, GS_RNG_RESOLUTION);
	w->cases.addressed[id] = (uint8_t)gsl_ran_binomial(w->rng, pr, w->cases.addressed[id]);
	w->w_case[worker] = -1;
	gs_worker_practice(w, worker);
	if (w->n_closures == w->cap_closures) {
		size_t cap = w->cap_closures ? 2 * w->cap_closures : 256;
		int32_t *g = realloc(w->closures, cap * sizeof(*g));
		if (!g)
			return -1;
		w->closures = g;
		w->cap_closures = cap;
	}
	w->closures[w->n_closures++] = id;
	return 0;
}

static int team_casework(struct gs_world *w, size_t team, double hours)
{
	struct gs_queue *q = &w->queue[team];
	if (gs_queue_order(w, team))
		return -1;
	size_t next = 0;
	size_t per = (size_t)w->p->workforce.workers_per_team;
	double contact = q->contact_hours;
	double contact_max = w->p->service.contact_share_max * hours * (double)per;
	if (contact > contact_max)
		contact = contact_max; /* the rest go unanswered */
	for (size_t k = 0; k < per; k++) {
		int32_t i = (int32_t)(team * per + k);
		double h = hours;
		double take = contact < h ? contact : h;
		contact -= take;
		h -= take;
		w->tally.hours_contact += take;
		while (h > 1e-9) {
			int32_t id = w->w_case[i];
			if (id < 0) {
				if (next >= q->len) {
					w->tally.hours_idle += h;
					break;
				}
				id = q->ids[next++];
				take_case(w, i, id);
			}
			double work = h < w->cases.hours_left[id] ? h : w->cases.hours_left[id];
			w->cases.hours_left[id] -= (float)work;
			h -= work;
			w->tally.hours_casework += work;
			if (w->cases.hours_left[id] <= 1e-6 && finish_case(w, i, id))
				return -1;
		}
	}
	q->contact_hours = 0;
	if (next) {
		memmove(q->ids, q->ids + next, (q->len - next) * sizeof(*q->ids));
		q->len -= next;
	}
	return 0;
}

int gs_casework_phase(struct gs_world *w)
{
	double hours = gs_worker_casework_hours(w);
	for (size_t team = 0; team < w->n_teams; team++)
		if (team_casework(w, team, hours))
			return -1;
	return 0;
}
