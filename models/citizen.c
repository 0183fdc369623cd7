/*
 * citizen.c - citizens and their needs: arrival, escalation, resolution
 * without help, the decision to contact, chasing and coming back.
 *
 * A citizen's life is event-driven: each citizen sleeps until its next
 * need arrival or until its open need's next action, computed in closed
 * form when the need changes, so a tick touches only citizens with
 * something to do.
 *
 * Need arrivals are a Poisson process per citizen whose k-th gap and the
 * shape of the k-th need are drawn from streams addressed by (citizen, k):
 * the same in every arm (common random numbers). A need arriving while one
 * is open adds a component to it.
 */
#include "models/citizen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/core/rng.h"
#include "sim/core/stop.h"
#include "sim/core/util.h"

static double clip01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Ticks from now to the k-th need arrival after the previous one. */
static int32_t arrival_gap(struct gs_world *w, int32_t c, uint32_t k)
{
	double rate = gs_per_tick(w->p, w->p->cls[w->cit[c].cls].need_rate);
	if (rate <= 0)
		return GS_NEVER;
	gs_rng_at(w->rng, w->seed, (uint32_t)c, k, GS_RNG_NEED_ARRIVAL);
	double gap = gsl_ran_exponential(w->rng, 1.0 / rate);
	return gap > 1e9 ? GS_NEVER : (int32_t)lround(gap);
}

static void schedule_arrival(struct gs_world *w, int32_t c, int32_t from)
{
	int32_t gap = arrival_gap(w, c, w->cit[c].n_arrivals);
	w->cit[c].next_arrival = gap == GS_NEVER || (int64_t)from + gap >= GS_NEVER ? GS_NEVER
										 : from + gap;
}

/* Citizens of one block of gs_citizens_init. */
#define INIT_BLOCK 16384

struct init_blocks {
	double total, cum[GS_MAX_CLASSES];
};

/* Citizens [b x INIT_BLOCK, ...) as they start: each from its own stream. */
static int init_block(struct gs_world *w, size_t b, void *ctx)
{
	const struct gs_params *p = w->p;
	const struct init_blocks *ib = ctx;
	size_t end = (b + 1) * INIT_BLOCK < w->n_cit ? (b + 1) * INIT_BLOCK : w->n_cit;
	for (size_t i = b * INIT_BLOCK; i < end; i++) {
		int32_t c = (int32_t)i;
		double u = gs_rng_uniform_at(w->rng, w->seed, (uint32_t)c, 0, GS_RNG_CITIZEN_INIT) *
			   ib->total;
		int k = 0;
		while (k + 1 < p->n_classes && u >= ib->cum[k])
			k++;
		w->cit[c].cls = (uint8_t)k;
		w->cit[c].strength = (float)clip01(p->population.strengths_mean +
					       gsl_ran_gaussian(w->rng, p->population.strengths_sd));
		w->cit[c].trust = (float)clip01(p->population.trust_initial +
					    gsl_ran_gaussian(w->rng, p->population.trust_sd));
		w->cit[c].wb = (float)p->population.wellbeing_initial;
		w->cit[c].wb_t = 0;
		w->cit[c].state = GS_NEED_NONE;
		w->cit[c].case_of = -1;
		w->cit[c].last_worker = -1;
		w->cit[c].due = GS_NEVER;
		w->cit[c].due_kind = GS_DUE_NONE;
		w->cit[c].wake = GS_NEVER;
		w->cit[c].arrival_at = -1;
		w->cit[c].first_contact = -1;
		schedule_arrival(w, c, 0);
		if (gs_citizen_reschedule(w, c))
			return -1;
	}
	return 0;
}

int gs_citizens_init(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	struct init_blocks ib = {.total = 0};
	for (int k = 0; k < p->n_classes; k++)
		ib.cum[k] = ib.total += p->cls[k].share;
	/*
	 * in blocks shared with the run's crew (each citizen's draws are its
	 * own; each thread schedules its citizens' wakes in its own lane)
	 */
	if (gs_blocks(w, (w->n_cit + INIT_BLOCK - 1) / INIT_BLOCK, init_block, &ib))
		return -1;
	return gs_census_rebuild(w);
}

/*
 * Plan a pending need: it is brought to the service when its severity
 * crosses the citizen's threshold (later the lower their trust), unless it
 * resolves on its own first (sooner the greater their strengths).
 */
static void plan_pending(struct gs_world *w, int32_t c, int32_t t)
{
	const struct gs_params *p = w->p;
	const struct gs_class_params *cp = &p->cls[w->cit[c].cls];
	gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_NEED_CONTACT);
	double thr = cp->contact_threshold;
	double theta = thr + p->population.contact_distrust * (1 - w->cit[c].trust) * (1 - thr) +
		       p->population.contact_jitter * (gsl_rng_uniform(w->rng) - 0.5);
	theta = theta < 0 ? 0 : theta > 0.99 ? 0.99 : theta;
	double s = gs_severity(w, c, t);
	double dt_contact;
	if (s >= theta)
		dt_contact = 0;
	else if (p->mechanism.escalation)
		dt_contact = cp->escalation_time * log((1 - s) / (1 - theta));
	else
		dt_contact = INFINITY;
	double dt_self = INFINITY;
	if (p->mechanism.self_resolution && w->cit[c].strength > 0) {
		gs_rng_at(w->rng, w->seed, (uint32_t)c, (uint32_t)t, GS_RNG_NEED_SELF);
		dt_self = gsl_ran_exponential(w->rng, cp->self_resolve_time / w->cit[c].strength);
	}
	double dt = dt_contact <= dt_self ? ceil(dt_contact) : floor(dt_self);
	if (dt > 1e9) {
		w->cit[c].due = GS_NEVER;
		w->cit[c].due_kind = GS_DUE_NONE;
		return;
	}
	w->cit[c].due = t + (int32_t)dt;
	w->cit[c].due_kind = dt_contact <= dt_self ? GS_DUE_CONTACT : GS_DUE_SELF;
}

/* A need arrives: a new need, or one more component of the open one. */
static void need_arrives(struct gs_world *w, int32_t c, int32_t t)
{
	const struct gs_class_params *cp = &w->p->cls[w->cit[c].cls];
	uint32_t k = w->cit[c].n_arrivals++;
	gs_rng_at(w->rng, w->seed, (uint32_t)c, k, GS_RNG_NEED_SHAPE);
	unsigned extra = gsl_ran_poisson(w->rng, cp->complexity_mean - 1);
	int cx = 1 + (int)(extra > 7 ? 7 : extra);
	double sev = clip01(cp->severity_initial * (0.5 + gsl_rng_uniform(w->rng)));

	if (w->cit[c].state == GS_NEED_NONE)
		gs_census_need_arrives(w, c);
	gs_wellbeing_update(w, c, t);
	/* every arrival arises, whatever the service did: the same in every arm */
	w->tally.needs_arising++;
	w->tally.by_class.needs_arising[w->cit[c].cls]++;
	if (w->cit[c].state == GS_NEED_NONE) {
		w->cit[c].state = GS_NEED_PENDING;
		w->n_pending++;
		w->cit[c].sev0 = (float)sev;
		w->cit[c].sev_t0 = t;
		w->cit[c].cx = w->cit[c].left = (uint8_t)cx;
		w->cit[c].first_contact = -1;
		w->cit[c].need_contacts = 0;
		w->total_arisen++;
		plan_pending(w, c, t);
	} else {
		w->tally.needs_joined++;
		double now = gs_severity(w, c, t);
		w->cit[c].sev0 = (float)(now > sev ? now : sev);
		w->cit[c].sev_t0 = t;
		if (w->cit[c].cx < 8) {
			w->cit[c].cx++;
			w->cit[c].left++;
		}
		if (w->cit[c].case_of >= 0)
			gs_case_sync(w, w->cit[c].case_of, c); /* its open case's copies */
		if (w->cit[c].state == GS_NEED_PENDING && w->cit[c].due_kind != GS_DUE_RETURN)
			plan_pending(w, c, t);
	}
	schedule_arrival(w, c, t);
}

static int propose_contact(struct gs_world *w, int32_t c, enum gs_due_kind kind)
{
	if (w->n_contacts == w->cap_contacts &&
	    gs_array_reserve((void **)&w->contacts, &w->cap_contacts, w->n_contacts + 1,
			     sizeof(*w->contacts)))
		return -1;
	/* nothing changes the citizen's need before the contact phase applies it */
	bool opens = kind != GS_DUE_CHASE && w->cit[c].state == GS_NEED_PENDING;
	w->contacts[w->n_contacts++] =
		(struct gs_contact){c, gs_team_of(w, c), (uint8_t)kind, opens};
	return 0;
}

/* The open need's own action falls due. */
static int need_due(struct gs_world *w, int32_t c, int32_t t)
{
	enum gs_due_kind kind = w->cit[c].due_kind;
	w->cit[c].due = GS_NEVER;
	w->cit[c].due_kind = GS_DUE_NONE;
	switch (kind) {
	case GS_DUE_SELF:
		gs_wellbeing_update(w, c, t);
		gs_need_end(w, c);
		w->n_pending--;
		w->tally.needs_met++;
		w->tally.by_class.needs_met[w->cit[c].cls]++;
		w->tally.needs_met_self++;
		w->total_met++;
		return 0;
	case GS_DUE_CONTACT:
	case GS_DUE_RETURN:
	case GS_DUE_CHASE:
		return propose_contact(w, c, kind);
	case GS_DUE_NONE:
		break;
	}
	return 0;
}

/* Wake citizen c at tick t: everything due now happens, then it sleeps again. */
static int wake_citizen(struct gs_world *w, int32_t c, int32_t t)
{
	if (w->cit[c].wake != t)
		return 0; /* a stale entry: the citizen was rescheduled */
	w->cit[c].wake = GS_NEVER;
	w->n_events++;
	while (w->cit[c].next_arrival <= t)
		need_arrives(w, c, t);
	if (w->cit[c].due <= t && need_due(w, c, t))
		return -1;
	return gs_citizen_reschedule(w, c);
}

/*
 * Citizens woken per block of the parallel phase: a constant, not the
 * thread count. A day of a million citizens wakes about 8,500: blocks of
 * 1024 give the threads eight or nine to share, where blocks of 4096 gave
 * three (one thread did two of them while the other waited). What a block
 * adds up are counts (exact in any grouping), so the size changes no result.
 */
#define WAKE_BLOCK 1024

/* The citizens to wake this tick, in blocks of WAKE_BLOCK. */
struct wake_blocks {
	const int32_t *who;
	size_t n;
	int32_t t;
};

static int wake_block(struct gs_world *v, size_t b, void *ctx)
{
	const struct wake_blocks *wb = ctx;
	size_t end = (b + 1) * WAKE_BLOCK < wb->n ? (b + 1) * WAKE_BLOCK : wb->n;
	for (size_t i = b * WAKE_BLOCK; i < end; i++) {
		if (i + GS_PREFETCH < end)
			gs_prefetch(&v->cit[wb->who[i + GS_PREFETCH]]);
		if (wake_citizen(v, wb->who[i], wb->t))
			return -1;
	}
	return 0;
}

/* Entries of a day's bucket per block of gs_citizen_phase's check. */
#define DUE_BLOCK 2048

struct due_blocks {
	const struct gs_world *w;
	const int32_t *bucket;
	size_t n;
	int32_t t;
	int32_t *who;   /* block b's citizens due go to who + b x DUE_BLOCK */
	size_t *m_due;  /* [blocks] how many */
};

static int due_block(void *ctx, size_t b)
{
	struct due_blocks *db = ctx;
	const struct gs_citizen *cit = db->w->cit;
	const int32_t *bucket = db->bucket;
	size_t lo = b * DUE_BLOCK, hi = lo + DUE_BLOCK < db->n ? lo + DUE_BLOCK : db->n, m = 0;
	int32_t *out = db->who + lo;
	for (size_t i = lo; i < hi; i++) {
		if (i + GS_PREFETCH_FAR < hi)
			gs_prefetch(&cit[bucket[i + GS_PREFETCH_FAR]]);
		if (cit[bucket[i]].wake == db->t)
			out[m++] = bucket[i];
	}
	db->m_due[b] = m;
	return 0;
}

int gs_citizen_phase(struct gs_world *w)
{
	int32_t t = w->tick;
	/* today's buckets, every lane's: the entries in any order (sorted below) */
	int32_t *bucket;
	size_t n;
	if (gs_sched_take(&w->sched, (size_t)t, &bucket, &n))
		return -1;
	if (!n) {
		free(bucket);
		return 0;
	}
	if (2 * (size_t)n > w->cap_woken) {
		int32_t *g = realloc(w->woken, 2 * (size_t)n * sizeof(*g));
		if (!g) {
			free(bucket);
			return -1;
		}
		w->woken = g;
		w->cap_woken = 2 * (size_t)n;
	}
	int32_t *who = w->woken;
	/*
	 * those whose wake is still today (a record read each: in blocks
	 * shared with the crew), gathered in bucket order
	 */
	size_t n_due = (n + DUE_BLOCK - 1) / DUE_BLOCK;
	size_t *m_due = malloc(n_due * sizeof(*m_due));
	if (!m_due) {
		free(bucket);
		return -1;
	}
	struct due_blocks db = {w, bucket, n, t, who, m_due};
	gs_share(w, n_due, due_block, NULL, &db);
	size_t m = m_due[0];
	for (size_t b = 1; b < n_due; b++) {
		memmove(who + m, who + b * DUE_BLOCK, m_due[b] * sizeof(*who));
		m += m_due[b];
	}
	free(m_due);
	free(bucket);
	gs_sort_i32(who, who + n, m);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!i || who[i] != who[i - 1])
			who[u++] = who[i];

	/* wake them in fixed blocks, in parallel; merge the blocks in order */
	struct wake_blocks wb = {who, u, t};
	return gs_blocks(w, (u + WAKE_BLOCK - 1) / WAKE_BLOCK, wake_block, &wb);
}

int gs_citizens_rate_changed(struct gs_world *w, int k, double old_rate, double new_rate)
{
	int32_t t = w->tick;
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i;
		if (w->cit[c].cls != k)
			continue;
		int32_t next = w->cit[c].next_arrival;
		if (new_rate <= 0) {
			w->cit[c].next_arrival = GS_NEVER;
		} else if (next == GS_NEVER || old_rate <= 0) {
			schedule_arrival(w, c, t);
		} else if (next > t) {
			/* the exponential budget left burns at the new rate */
			double left = (double)(next - t) * old_rate / new_rate;
			w->cit[c].next_arrival = left > 1e9 ? GS_NEVER : t + (int32_t)lround(left);
		}
		if (gs_citizen_reschedule(w, c))
			return -1;
	}
	return 0;
}

void gs_citizen_replan(struct gs_world *w, int32_t c, int32_t t)
{
	plan_pending(w, c, t);
}
