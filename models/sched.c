/*
 * sched.c - per-tick buckets of citizens to wake, a set per thread.
 */
#include "models/sched.h"

#include <stdlib.h>

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof(*(ptr))))

int gs_sched_init(struct gs_sched *s, size_t n_ticks, int n_lanes)
{
	s->n_ticks = n_ticks;
	s->n_lanes = n_lanes > 0 ? n_lanes : 1;
	if (!ALLOC(s->lane, (size_t)s->n_lanes))
		return -1;
	for (int k = 0; k < s->n_lanes; k++) {
		struct gs_sched_lane *l = &s->lane[k];
		if (!ALLOC(l->ids, n_ticks) || !ALLOC(l->len, n_ticks) || !ALLOC(l->cap, n_ticks))
			return -1;
	}
	return 0;
}

void gs_sched_free(struct gs_sched *s)
{
	if (s->lane)
		for (int k = 0; k < s->n_lanes; k++) {
			struct gs_sched_lane *l = &s->lane[k];
			if (l->ids)
				for (size_t t = 0; t < s->n_ticks; t++)
					free(l->ids[t]);
			free(l->ids);
			free(l->len);
			free(l->cap);
		}
	free(s->lane);
	s->lane = NULL;
}

int gs_sched_push(struct gs_sched *s, int lane, int32_t c, int32_t t)
{
	struct gs_sched_lane *l = &s->lane[lane];
	if (l->len[t] == l->cap[t]) {
		uint32_t cap = l->cap[t] ? 2 * l->cap[t] : 16;
		int32_t *g = realloc(l->ids[t], cap * sizeof(*g));
		if (!g)
			return -1;
		l->ids[t] = g;
		l->cap[t] = cap;
	}
	l->ids[t][l->len[t]++] = c;
	return 0;
}

size_t gs_sched_count(const struct gs_sched *s, size_t t)
{
	size_t n = 0;
	for (int k = 0; k < s->n_lanes; k++)
		n += s->lane[k].len[t];
	return n;
}

/* Lane k's bucket of tick t emptied and released. */
static void release(struct gs_sched_lane *l, size_t t)
{
	free(l->ids[t]);
	l->ids[t] = NULL;
	l->len[t] = l->cap[t] = 0;
}

int gs_sched_take(struct gs_sched *s, size_t t, int32_t **ids, size_t *n)
{
	size_t total = 0;
	int full = -1, n_full = 0;
	for (int k = 0; k < s->n_lanes; k++)
		if (s->lane[k].len[t]) {
			total += s->lane[k].len[t];
			full = k;
			n_full++;
		}
	*ids = NULL;
	*n = total;
	if (n_full == 1) {
		/* one lane's bucket: handed over as it is */
		*ids = s->lane[full].ids[t];
		s->lane[full].ids[t] = NULL;
		s->lane[full].len[t] = s->lane[full].cap[t] = 0;
	} else if (n_full > 1) {
		int32_t *all = malloc(total * sizeof(*all));
		if (!all)
			return -1;
		size_t m = 0;
		for (int k = 0; k < s->n_lanes; k++) {
			struct gs_sched_lane *l = &s->lane[k];
			for (uint32_t i = 0; i < l->len[t]; i++)
				all[m++] = l->ids[t][i];
		}
		*ids = all;
	}
	for (int k = 0; k < s->n_lanes; k++)
		release(&s->lane[k], t);
	return 0;
}
