/*
 * queue.c - priorities of waiting cases and the order in which workers
 * take them.
 */
#include "models/queue.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "models/regime.h"
#include "models/worker.h"

int gs_queue_push(struct gs_queue *q, int32_t id)
{
	return gs_ids_push(&q->ids, &q->len, &q->cap, id);
}

int gs_queue_hold(struct gs_world *w, size_t team, int32_t id)
{
	struct gs_queue *q = &w->queue[team];
	w->cases.rec[id].flags |= GS_CF_OFFERED;
	return gs_ids_push(&q->held, &q->n_held, &q->cap_held, id);
}

double gs_queue_priority(const struct gs_world *w, int32_t id, int32_t t)
{
	const struct gs_params *p = w->p;
	double target = p->service.time_target;
	double wait = (double)(t - w->cases.rec[id].rec_start) / target;
	if (!p->mechanism.queue)
		return wait; /* first come, first served */
	double prio = 0;
	if (p->regime.weight_need > 0)
		prio += p->regime.weight_need * gs_case_severity(w, id, t) *
			w->cases.rec[id].left / 8.0;
	prio += p->regime.weight_wait * wait;
	size_t team = (size_t)w->cases.rec[id].team;
	double breach = gs_team_lever(w, team, GS_LEVER_CHASING, p->regime.weight_breach);
	if (breach > 0 || p->regime.weight_success > 0) {
		/* breach-chasing and creaming answer the pressure the team feels */
		double cp = p->workforce.chasing_pressure;
		double f = 1 - cp + cp * gs_team_pressure(w, team);
		/* only the measured clock is chased: a case out of the measured category is not */
		if (breach > 0 && (w->cases.rec[id].flags & GS_CF_MEASURED))
			prio += f * breach * (wait <= 1 ? wait * wait * wait : -1.0);
		if (p->regime.weight_success > 0)
			prio += f * p->regime.weight_success / w->cases.rec[id].left;
	}
	return prio;
}

struct keyed {
	double prio;
	int32_t opened;
	int32_t id;
};

/* Whether x comes before y: higher priority first, then the older case, then the lower id. */
static inline bool before(const struct keyed *x, const struct keyed *y)
{
	if (x->prio != y->prio)
		return x->prio > y->prio;
	if (x->opened != y->opened)
		return x->opened < y->opened;
	return x->id < y->id;
}

/* Runs this short are sorted by insertion before merging. */
#define RUN 16

/* Merge a[0..na) and b[0..nb), both in order, into out. */
static void merge_two(const struct keyed *a, size_t na, const struct keyed *b, size_t nb,
		      struct keyed *out)
{
	size_t i = 0, j = 0, o = 0;
	while (i < na && j < nb)
		out[o++] = before(&b[j], &a[i]) ? b[j++] : a[i++];
	while (i < na)
		out[o++] = a[i++];
	while (j < nb)
		out[o++] = b[j++];
}

/*
 * Sort k[0..n) by `before` (a total order: ids differ), using tmp[0..n).
 * A merge sort with the comparison inlined: qsort's call per comparison
 * was most of a queue's ordering.
 */
static void sort_keyed(struct keyed *k, struct keyed *tmp, size_t n)
{
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			struct keyed x = k[i];
			size_t j = i;
			for (; j > lo && before(&x, &k[j - 1]); j--)
				k[j] = k[j - 1];
			k[j] = x;
		}
	}
	struct keyed *from = k, *to = tmp;
	for (size_t width = RUN; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			merge_two(from + lo, mid - lo, from + mid, hi - mid, to + lo);
		}
		struct keyed *t = from;
		from = to;
		to = t;
	}
	if (from != k)
		memcpy(k, from, n * sizeof(*k));
}

/*
 * Sort k[0..n) by insertion if that takes fewer than `budget` moves (the
 * keys were in order at the last ordering and today's priorities move few
 * past others); else leave it for the merge sort: returns whether it is done.
 */
static bool sort_nearly_sorted(struct keyed *k, size_t n, size_t budget)
{
	size_t moves = 0;
	for (size_t i = 1; i < n; i++) {
		if (!before(&k[i], &k[i - 1]))
			continue;
		struct keyed x = k[i];
		size_t j = i;
		for (; j > 0 && before(&x, &k[j - 1]); j--)
			k[j] = k[j - 1];
		k[j] = x;
		moves += i - j;
		if (moves > budget)
			return false;
	}
	return true;
}

int gs_order_by_priority(struct gs_world *w, int32_t *ids, size_t n, size_t sorted)
{
	if (n < 2)
		return 0;
	if (sorted > n)
		sorted = n;
	struct keyed *k = malloc(2 * n * sizeof(*k));
	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* the case's record holds all its priority reads (gs_case_sync) */
		if (i + GS_PREFETCH < n)
			gs_prefetch(&w->cases.rec[ids[i + GS_PREFETCH]]);
		k[i] = (struct keyed){w->rules->priority(w, ids[i], w->tick), w->cases.rec[ids[i]].opened, ids[i]};
	}
	/*
	 * the part in the last ordering's order by insertion while that is
	 * cheap (16 moves a case at most), the rest by merge sort, then the two
	 * merged; `before` is a total order, so the result is the one order
	 * whatever the path
	 */
	if (sorted > 1 && sort_nearly_sorted(k, sorted, 16 * sorted)) {
		sort_keyed(k + sorted, k + n, n - sorted);
		merge_two(k, sorted, k + sorted, n - sorted, k + n);
		for (size_t i = 0; i < n; i++)
			ids[i] = k[n + i].id;
	} else {
		sort_keyed(k, k + n, n);
		for (size_t i = 0; i < n; i++)
			ids[i] = k[i].id;
	}
	free(k);
	return 0;
}

int gs_queue_keep_waiting(struct gs_world *w, struct gs_queue *q, struct gs_withdrawn *wd)
{
	size_t kept = 0, sorted = 0;
	for (size_t i = 0; i < q->len; i++) {
		if (i + GS_PREFETCH_FAR < q->len)
			gs_prefetch(&w->cases.rec[q->ids[i + GS_PREFETCH_FAR]]);
		int32_t id = q->ids[i];
		uint8_t st = w->cases.rec[id].status;
		if (st == GS_CASE_QUEUED) {
			q->ids[kept++] = id;
		} else if (st == GS_CASE_WITHDRAWN && wd) {
			w->cases.rec[id].status = GS_CASE_FREE;
			if (gs_ids_push(&wd->ids, &wd->n, &wd->cap, id))
				return -1;
		}
		if (i + 1 == q->sorted)
			sorted = kept;
	}
	q->len = kept;
	q->sorted = sorted;
	return 0;
}

int gs_queue_order(struct gs_world *w, size_t team, struct gs_withdrawn *wd)
{
	struct gs_queue *q = &w->queue[team];
	if (gs_queue_keep_waiting(w, q, wd) || gs_order_by_priority(w, q->ids, q->len, q->sorted))
		return -1;
	q->sorted = q->len;
	return 0;
}
