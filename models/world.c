/*
 * world.c - allocation of a run's world, the event scheduler, the case
 * pool, and the closed forms of severity and wellbeing.
 */
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "models/citizen.h"
#include "models/manager.h"
#include "models/regime.h"
#include "sim/core/crew.h"
#include "sim/core/rng.h"
#include "sim/core/stop.h"
#include "sim/core/util.h"
#include "models/worker.h"

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof(*(ptr))))

int gs_sched_at(struct gs_world *w, int32_t c, int32_t t)
{
	if (t < 0 || (size_t)t >= w->sched.n_ticks)
		return 0;
	return gs_sched_push(&w->sched, w->slot, c, t);
}

/* a[0..n) in order, by insertion in runs of 16 then merging through scratch (few values). */
static void merge_sort_i32(int32_t *a, int32_t *scratch, size_t n)
{
	for (size_t lo = 0; lo < n; lo += 16) {
		size_t hi = lo + 16 < n ? lo + 16 : n;
		for (size_t i = lo + 1; i < hi; i++) {
			int32_t x = a[i];
			size_t j = i;
			for (; j > lo && x < a[j - 1]; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
	}
	int32_t *from = a, *to = scratch;
	for (size_t width = 16; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				to[o++] = from[j] < from[i] ? from[j++] : from[i++];
			while (i < mid)
				to[o++] = from[i++];
			while (j < hi)
				to[o++] = from[j++];
		}
		int32_t *t = from;
		from = to;
		to = t;
	}
	if (from != a)
		memcpy(a, from, n * sizeof(*a));
}

void gs_sort_i32(int32_t *a, int32_t *scratch, size_t n)
{
	if (n < 512) {
		merge_sort_i32(a, scratch, n);
		return;
	}
	/* least significant digit first, 11 bits at a time, over the bits in use */
	uint32_t top = 0;
	for (size_t i = 0; i < n; i++)
		top |= (uint32_t)a[i];
	int32_t *from = a, *to = scratch;
	for (int shift = 0; shift < 32 && (top >> shift); shift += 11) {
		size_t count[2049] = {0};
		for (size_t i = 0; i < n; i++)
			count[(((uint32_t)from[i] >> shift) & 2047) + 1]++;
		for (int b = 0; b < 2048; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			to[count[((uint32_t)from[i] >> shift) & 2047]++] = from[i];
		int32_t *tmp = from;
		from = to;
		to = tmp;
	}
	if (from != a)
		memcpy(a, from, n * sizeof(*a));
}

void gs_view_begin(const struct gs_world *w, struct gs_world *view)
{
	/* the lists' memory from the view's last block */
	struct gs_contact *contacts = view->contacts;
	int32_t *closures = view->closures, *res_wait = view->res_wait;
	size_t cap_contacts = view->cap_contacts, cap_closures = view->cap_closures,
	       cap_res_wait = view->cap_res_wait;
	*view = *w;
	gs_block_start(&view->acc);
	view->contacts = contacts;
	view->cap_contacts = cap_contacts;
	view->closures = closures;
	view->cap_closures = cap_closures;
	view->res_wait = res_wait;
	view->cap_res_wait = cap_res_wait;
	view->views = NULL;
	view->cap_views = 0;
	view->view = true;
#ifdef _OPENMP
	int k = omp_get_thread_num();
	view->rng = w->rngs[k < w->n_rngs ? k : 0];
	view->slot = k < w->census.n_slots ? k : 0;
#endif
}

void gs_hist_add(struct gs_world *w, int which, int cls, int32_t ticks)
{
	gs_hists_count(&w->hist, (size_t)w->slot, which, cls, gs_hists_bin(&w->hist, ticks));
}

/* What every block of one gs_blocks call shares. */
struct blocks {
	struct gs_world *w;
	const struct gs_world *start; /* w as the phase found it: every view starts from it */
	struct gs_world *views;
	gs_block_fn fn;
	void *ctx;
};

/* Block b in its own view; on the stop flag the phase is given up (its run is discarded). */
static int run_block(void *ctx, size_t b)
{
	const struct blocks *bs = ctx;
	gs_view_begin(bs->start, &bs->views[b]);
	return gs_stopping() || bs->fn(&bs->views[b], b, bs->ctx);
}

/*
 * Block b's view into w, once it and every block before it are done. It
 * changes only w's block state and wakes, which no block reads (views
 * start from bs->start).
 */
static int merge_block(void *ctx, size_t b)
{
	const struct blocks *bs = ctx;
	return gs_view_merge(bs->w, &bs->views[b]);
}

/* Room for n views in w->views, the new ones zeroed. */
static int reserve_views(struct gs_world *w, size_t n)
{
	if (n <= w->cap_views)
		return 0;
	struct gs_world *v = realloc(w->views, n * sizeof(*v));
	if (!v)
		return -1;
	w->views = v;
	memset(v + w->cap_views, 0, (n - w->cap_views) * sizeof(*v));
	w->cap_views = n;
	return 0;
}

int gs_blocks(struct gs_world *w, size_t n, gs_block_fn fn, void *ctx)
{
	/*
	 * the run's world keeps its views from one call to the next; a view
	 * (a block's own phase inside a block) makes its own
	 */
	bool kept = !w->view;
	struct gs_world *views = NULL;
	struct gs_world *start = malloc(sizeof(*start));
	int failed = 0;
	if (kept && !reserve_views(w, n ? n : 1))
		views = w->views;
	else if (!kept)
		views = calloc(n ? n : 1, sizeof(*views));
	if (!views || !start) {
		failed = 1;
		goto out;
	}
	/*
	 * The blocks, shared with the threads of the ensemble (sim/core/
	 * crew.h); each merged in block order as soon as it and those before
	 * it are done, while later blocks still run.
	 */
	*start = *w;
	struct blocks bs = {w, start, views, fn, ctx};
	if (gs_share(w, n, run_block, merge_block, &bs))
		failed = 1;
out:
	if (!kept) {
		for (size_t k = 0; views && k < n; k++)
			gs_block_free(&views[k].acc);
		free(views);
	}
	free(start);
	return failed ? -1 : 0;
}

int gs_share(const struct gs_world *w, size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx)
{
	return w->alone ? gs_crew_run_alone(n, fn, merge, ctx) : gs_crew_run(n, fn, merge, ctx);
}

/* The items of each team, for gs_by_team's blocks. */
struct team_items {
	const size_t *start, *idx;
	gs_team_fn fn;
	void *ctx;
};

static int team_block(struct gs_world *view, size_t k, void *ctx)
{
	const struct team_items *ti = ctx;
	size_t n = ti->start[k + 1] - ti->start[k];
	return n ? ti->fn(view, k, ti->idx + ti->start[k], n, ti->ctx) : 0;
}

int gs_by_team(struct gs_world *w, size_t n_items, const int32_t *team_of, gs_team_fn fn,
	       void *ctx)
{
	size_t n = w->n_teams;
	size_t *start = calloc(n + 1, sizeof(*start));
	size_t *idx = malloc((n_items ? n_items : 1) * sizeof(*idx));
	size_t *fill = calloc(n ? n : 1, sizeof(*fill));
	int rc = -1;
	if (!start || !idx || !fill)
		goto out;
	/* each team's items, in their order (a stable counting sort) */
	for (size_t i = 0; i < n_items; i++)
		start[team_of[i] + 1]++;
	for (size_t k = 0; k < n; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < n_items; i++) {
		size_t k = (size_t)team_of[i];
		idx[start[k] + fill[k]++] = i;
	}
	struct team_items ti = {start, idx, fn, ctx};
	rc = gs_blocks(w, n, team_block, &ti);
out:
	free(fill);
	free(idx);
	free(start);
	return rc;
}

int gs_view_merge(struct gs_world *w, struct gs_world *view)
{
	return gs_block_merge(&w->acc, &view->acc);
}

int gs_citizen_reschedule(struct gs_world *w, int32_t c)
{
	int32_t t = w->cit[c].next_arrival;
	if (w->cit[c].due < t)
		t = w->cit[c].due;
	if (t == w->cit[c].wake)
		return 0;
	w->cit[c].wake = t;
	if (t == GS_NEVER)
		return 0;
	if (t == w->cit[c].next_arrival) {
		/*
		 * back to the arrival after a due before it: the wake asked for
		 * then is still in its tick's bucket (a bucket is emptied only on
		 * its tick), and is no longer stale
		 */
		if (t == w->cit[c].arrival_at && t > w->tick)
			return 0;
		w->cit[c].arrival_at = t;
	}
	return gs_sched_at(w, c, t);
}

/* Severity at tick t of a need of class k at s0 at tick t0, escalating towards 1. */
static double severity(const struct gs_world *w, float s0, int32_t t0, int k, int32_t t)
{
	if (!w->p->mechanism.escalation)
		return s0;
	return 1.0 - (1.0 - s0) * gs_census_decay(&w->census, 1 + k, t - t0,
						 w->p->cls[k].escalation_time);
}

double gs_severity(const struct gs_world *w, int32_t c, int32_t t)
{
	return severity(w, w->cit[c].sev0, w->cit[c].sev_t0, w->cit[c].cls, t);
}

/*
 * Wellbeing relaxes towards 1 - severity while a need is open and towards
 * 1 while none is, with time constant population.wellbeing_time; the
 * target is taken at the later end of the interval.
 */
double gs_wellbeing(const struct gs_world *w, int32_t c, int32_t t)
{
	double target = w->cit[c].state == GS_NEED_NONE ? 1.0 : 1.0 - gs_severity(w, c, t);
	double k = gs_census_decay(&w->census, 0, t - w->cit[c].wb_t, w->p->population.wellbeing_time);
	return target + (w->cit[c].wb - target) * k;
}

void gs_wellbeing_update(struct gs_world *w, int32_t c, int32_t t)
{
	w->cit[c].wb = (float)gs_wellbeing(w, c, t);
	w->cit[c].wb_t = t;
}

void gs_trust_update(struct gs_world *w, int32_t c, double q)
{
	if (!w->p->mechanism.trust)
		return;
	double a = w->p->population.trust_learning;
	float to = (float)((1 - a) * w->cit[c].trust + a * q);
	gs_census_trust(w, c, w->cit[c].trust, to);
	w->cit[c].trust = to;
}

void gs_need_outcome(struct gs_world *w, int32_t c, bool met)
{
	if (w->cit[c].cx >= w->p->output.complex_components) {
		w->tally.needs_ended_complex++;
		w->tally.needs_met_complex += met;
	} else {
		w->tally.needs_ended_simple++;
		w->tally.needs_met_simple += met;
	}
}

void gs_need_end(struct gs_world *w, int32_t c)
{
	if (w->cit[c].first_contact >= 0) {
		w->ended_contacted++;
		w->ended_contacts += w->cit[c].need_contacts;
	}
	w->cit[c].state = GS_NEED_NONE;
	gs_census_need_ended(w, c);
}

int gs_world_check(const struct gs_world *w, char *err, size_t errlen)
{
	size_t pending = 0, in_service = 0, queued = 0, active = 0;
	uint64_t open_contacted = 0, open_contacts = 0;
	for (size_t i = 0; i < w->n_cit; i++) {
		int32_t c = (int32_t)i, id = w->cit[c].case_of;
		if (w->cit[c].state == GS_NEED_PENDING)
			pending++;
		if (w->cit[c].state == GS_NEED_IN_SERVICE)
			in_service++;
		if ((w->cit[c].state == GS_NEED_IN_SERVICE) != (id >= 0)) {
			snprintf(err, errlen, "tick %d: citizen %d: state %d but case %d", w->tick, c,
				 w->cit[c].state, id);
			return -1;
		}
		if (id >= 0 && (w->cases.rec[id].citizen != c || (w->cases.rec[id].status != GS_CASE_QUEUED &&
							       w->cases.rec[id].status != GS_CASE_ACTIVE &&
							       w->cases.rec[id].status != GS_CASE_WAITING))) {
			snprintf(err, errlen, "tick %d: case %d of citizen %d is not open for it", w->tick,
				 id, c);
			return -1;
		}
		if (id >= 0 && w->cases.rec[id].team != gs_team_of(w, c)) {
			/* a case belongs to its citizen's team (phases by team rely on it) */
			snprintf(err, errlen, "tick %d: case %d of citizen %d is at team %d, the citizen's is %d",
				 w->tick, id, c, w->cases.rec[id].team, gs_team_of(w, c));
			return -1;
		}
		if (w->cit[c].state != GS_NEED_NONE) {
			if ((w->cit[c].first_contact >= 0) != (w->cit[c].need_contacts > 0)) {
				snprintf(err, errlen, "tick %d: citizen %d: first contact %d, %u contacts",
					 w->tick, c, w->cit[c].first_contact, w->cit[c].need_contacts);
				return -1;
			}
			if (w->cit[c].first_contact >= 0) {
				open_contacted++;
				open_contacts += w->cit[c].need_contacts;
			}
		}
	}
	if (pending != w->n_pending || in_service != w->n_in_service) {
		snprintf(err, errlen, "tick %d: %zu pending, %zu in service counted; kept %zu, %zu",
			 w->tick, pending, in_service, w->n_pending, w->n_in_service);
		return -1;
	}
	if (w->total_arisen != pending + in_service + w->total_met + w->total_abandoned) {
		snprintf(err, errlen,
			 "tick %d: %llu needs arisen != %zu pending + %zu in service + %llu met + "
			 "%llu abandoned",
			 w->tick, (unsigned long long)w->total_arisen, pending, in_service,
			 (unsigned long long)w->total_met, (unsigned long long)w->total_abandoned);
		return -1;
	}
	for (size_t k = 0; k < w->cases.cap; k++) {
		queued += w->cases.rec[k].status == GS_CASE_QUEUED;
		active += w->cases.rec[k].status == GS_CASE_ACTIVE || w->cases.rec[k].status == GS_CASE_WAITING;
	}
	size_t in_queues = 0;
	for (size_t t = 0; t < w->n_teams; t++)
		for (size_t i = 0; i < w->queue[t].len; i++)
			in_queues += w->cases.rec[w->queue[t].ids[i]].status == GS_CASE_QUEUED;
	if (queued + active != in_service || in_queues != queued) {
		snprintf(err, errlen, "tick %d: %zu queued + %zu active cases, %zu in queues, %zu in service",
			 w->tick, queued, active, in_queues, in_service);
		return -1;
	}
	for (size_t t = 0; t < w->n_teams; t++) {
		const struct gs_queue *q = &w->queue[t];
		for (size_t i = 0; i < q->n_held; i++) {
			int32_t id = q->held[i];
			if (id < 0)
				continue;
			int32_t k = w->cases.rec[id].worker;
			if (w->cases.rec[id].status != GS_CASE_ACTIVE || w->cases.rec[id].team != (int32_t)t ||
			    (k >= 0 && w->w_case[k] == id)) {
				snprintf(err, errlen, "tick %d: case %d held between visits by team %zu is not "
					 "an active case of it out of hand", w->tick, id, t);
				return -1;
			}
		}
		if (q->n_due > q->n_held) {
			snprintf(err, errlen, "tick %d: team %zu: %zu of %zu held cases due", w->tick, t,
				 q->n_due, q->n_held);
			return -1;
		}
	}
	if (w->total_value != w->ended_contacted + open_contacted ||
	    w->total_value + w->total_failure != w->ended_contacts + open_contacts) {
		snprintf(err, errlen,
			 "tick %d: %llu value + %llu failure contacts, but %llu needs contacted with %llu contacts",
			 w->tick, (unsigned long long)w->total_value, (unsigned long long)w->total_failure,
			 (unsigned long long)(w->ended_contacted + open_contacted),
			 (unsigned long long)(w->ended_contacts + open_contacts));
		return -1;
	}
	return 0;
}

int32_t gs_case_open(struct gs_world *w, int32_t c, int32_t team)
{
	int32_t id = gs_cases_take(&w->cases);
	if (id >= 0)
		gs_case_fill(w, id, c, team);
	return id;
}

void gs_case_fill(struct gs_world *w, int32_t id, int32_t c, int32_t team)
{
	struct gs_cases *k = &w->cases;
	k->rec[id].citizen = c;
	k->rec[id].team = team;
	k->rec[id].opened = w->tick;
	k->rec[id].rec_start = w->tick;
	k->rec[id].worker = -1;
	k->rec[id].status = GS_CASE_QUEUED;
	k->rec[id].cls = w->cit[c].cls;
	k->rec[id].flags = w->p->cls[w->cit[c].cls].measured ? GS_CF_MEASURED : 0;
	k->rec[id].pref = -1;
	k->rec[id].addressed = 0;
	k->rec[id].hours_left = 0;
	gs_case_sync(w, id, c);
}

void gs_case_sync(struct gs_world *w, int32_t id, int32_t c)
{
	w->cases.rec[id].sev0 = w->cit[c].sev0;
	w->cases.rec[id].sev_t0 = w->cit[c].sev_t0;
	w->cases.rec[id].left = w->cit[c].left;
}

double gs_case_severity(const struct gs_world *w, int32_t id, int32_t t)
{
	const struct gs_case *r = &w->cases.rec[id];
	return severity(w, r->sev0, r->sev_t0, r->cls, t);
}

int gs_ids_push(int32_t **ids, size_t *len, size_t *cap, int32_t id)
{
	if (*len == *cap && gs_array_reserve((void **)ids, cap, *len + 1, sizeof(**ids)))
		return -1;
	(*ids)[(*len)++] = id;
	return 0;
}

int gs_closure_propose(struct gs_world *w, int32_t id)
{
	if (gs_ids_push(&w->closures, &w->n_closures, &w->cap_closures, id))
		return -1;
	w->cases.rec[id].status = GS_CASE_CLOSING;
	return 0;
}

void gs_case_free(struct gs_world *w, int32_t id)
{
	gs_cases_put(&w->cases, id);
}

void gs_game_levers(struct gs_world *w, int32_t t)
{
	const struct gs_game *g = w->p->game;
	w->levers = false;
	if (!g)
		return;
	long len = lround(g->round) < 1 ? 1 : lround(g->round);
	size_t r = (size_t)(t / len);
	for (size_t k = 0; k < w->n_teams; k++)
		for (int l = 0; l < GS_N_LEVERS; l++) {
			double v = k < g->n_teams && r < g->n_rounds
					   ? g->value[(k * g->n_rounds + r) * GS_N_LEVERS + l]
					   : NAN;
			w->team[k].lever[l] = v;
			w->levers = w->levers || !isnan(v);
		}
}

size_t gs_world_citizen_bytes(void)
{
	const struct gs_world *w = NULL;
	return sizeof(*w->cit) + sizeof(*w->scratch) +
	       sizeof(*w->census.none_since) + sizeof(*w->census.open) + sizeof(*w->census.log);
}

void gs_world_free(struct gs_world *w)
{
	if (!w)
		return;
	gs_free_big(w->cit);
	gs_sched_free(&w->sched);
	gs_cases_free(&w->cases);
	if (w->queue)
		for (size_t t = 0; t < w->n_teams; t++) {
			free(w->queue[t].ids);
			free(w->queue[t].held);
		}
	free(w->queue);
	free(w->team);
	free(w->team_tally);
	free(w->w_team);
	free(w->w_skill);
	free(w->w_case);
	free(w->w_visit);
	free(w->w_status);
	free(w->w_until);
	free(w->w_motivation);
	free(w->w_trust);
	free(w->w_stress);
	free(w->w_competence);
	free(w->w_cx);
	free(w->w_judgement);
	free(w->w_psm);
	free(w->w_gaming);
	free(w->w_offered);
	free(w->w_offer_left);
	free(w->w_overloaded);
	free(w->res_release);
	free(w->res_wait);
	free(w->contacts);
	free(w->closures);
	free(w->woken);
	for (size_t k = 0; k < w->cap_views; k++)
		gs_block_free(&w->views[k].acc);
	free(w->views);
	gs_hists_free(&w->hist);
	gs_census_free(&w->census);
	gs_free_big(w->scratch);
	if (w->rngs)
		for (int r = 0; r < w->n_rngs; r++)
			if (w->rngs[r])
				gsl_rng_free(w->rngs[r]);
	free(w->rngs);
	free(w);
}

struct gs_world *gs_world_alloc(struct gs_params *p, uint64_t seed)
{
	struct gs_world *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->p = p;
	w->seed = seed;
	w->rules = &gs_regime_general;
	w->n_ticks = (int32_t)ceil(p->simulation.duration - 1e-9);
	size_t n = (size_t)p->population.citizens;
	w->n_cit = n;
	w->alone = n < GS_SHARE_MIN;
	w->n_teams = (size_t)p->workforce.teams;
	w->n_workers = w->n_teams * (size_t)p->workforce.workers_per_team;
	w->cit_per_team = w->n_teams ? (n + w->n_teams - 1) / w->n_teams : n;
	if (!w->cit_per_team)
		w->cit_per_team = 1;
	size_t n_bins = (size_t)ceil(p->output.hist_max / p->output.hist_bin - 1e-9);
	w->threads = 1;
	w->n_rngs = 1;
#ifdef _OPENMP
	w->threads = omp_get_max_threads();
	w->n_rngs = w->threads > omp_get_num_procs() ? w->threads : omp_get_num_procs();
#endif
	if (!ALLOC(w->rngs, (size_t)w->n_rngs))
		goto fail;
	for (int k = 0; k < w->n_rngs; k++)
		if (!(w->rngs[k] = gs_rng_alloc()))
			goto fail;
	w->rng = w->rngs[0];
	/* the citizens' arrays, read at random by every event: on whole lines, huge pages */
	if (!(w->cit = gs_alloc_big(n, sizeof(*w->cit))) ||
	    !(w->scratch = gs_alloc_big(n, sizeof(*w->scratch))) ||
	    gs_sched_init(&w->sched, (size_t)w->n_ticks, w->threads) || !ALLOC(w->queue, w->n_teams) ||
	    !ALLOC(w->w_team, w->n_workers) || !ALLOC(w->w_skill, w->n_workers) ||
	    !ALLOC(w->w_case, w->n_workers) || !ALLOC(w->w_visit, w->n_workers) ||
	    !ALLOC(w->w_status, w->n_workers) ||
	    !ALLOC(w->w_until, w->n_workers) || !ALLOC(w->w_motivation, w->n_workers) ||
	    !ALLOC(w->w_trust, w->n_workers) || !ALLOC(w->w_stress, w->n_workers) ||
	    !ALLOC(w->w_competence, w->n_workers) || !ALLOC(w->w_cx, w->n_workers) ||
	    !ALLOC(w->w_judgement, w->n_workers) || !ALLOC(w->w_offered, w->n_workers) ||
	    !ALLOC(w->w_psm, w->n_workers) || !ALLOC(w->w_gaming, w->n_workers) ||
	    !ALLOC(w->w_offer_left, w->n_workers) ||
	    !ALLOC(w->w_overloaded, w->n_workers) || !ALLOC(w->team, w->n_teams) ||
	    !ALLOC(w->team_tally, w->n_teams) ||
	    !ALLOC(w->res_release, (size_t)w->n_ticks) ||
	    gs_hists_init(&w->hist, n_bins, (size_t)p->n_classes, p->output.hist_bin,
			  (size_t)w->threads) ||
	    gs_census_alloc(&w->census, n, p->n_classes, w->n_ticks, w->threads))
		goto fail;
	gs_advise_huge(w->census.none_since, n * sizeof(*w->census.none_since));
	gs_cases_init(&w->cases);
	for (size_t t = 0; t < w->n_teams; t++) {
		w->team[t].target = p->regime.target_level;
		w->team[t].barrier = p->service.barrier;
		w->team[t].knowhow = p->workforce.knowhow_initial;
		for (int k = 0; k < GS_N_LEVERS; k++)
			w->team[t].lever[k] = NAN;
	}
	gs_managers_init(w);
	w->res_free = p->downstream.capacity;
	if (gs_workers_init(w) || gs_citizens_init(w))
		goto fail;
	return w;
fail:
	gs_world_free(w);
	return NULL;
}
