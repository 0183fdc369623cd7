/*
 * sched.c - per-tick buckets of citizens to wake.
 */
#include "models/sched.h"

#include <stdlib.h>

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof(*(ptr))))

int gs_sched_init(struct gs_sched *s, size_t n_ticks)
{
	s->n_ticks = n_ticks;
	if (!ALLOC(s->ids, n_ticks) || !ALLOC(s->len, n_ticks) || !ALLOC(s->cap, n_ticks))
		return -1;
	return 0;
}

void gs_sched_free(struct gs_sched *s)
{
	if (s->ids)
		for (size_t t = 0; t < s->n_ticks; t++)
			free(s->ids[t]);
	free(s->ids);
	free(s->len);
	free(s->cap);
}

int gs_sched_push(struct gs_sched *s, int32_t c, int32_t t)
{
	if (s->len[t] == s->cap[t]) {
		uint32_t cap = s->cap[t] ? 2 * s->cap[t] : 16;
		int32_t *g = realloc(s->ids[t], cap * sizeof(*g));
		if (!g)
			return -1;
		s->ids[t] = g;
		s->cap[t] = cap;
	}
	s->ids[t][s->len[t]++] = c;
	return 0;
}

int gs_pushes_add(struct gs_pushes *d, int32_t who, int32_t when)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 256;
		int32_t *w = realloc(d->who, cap * sizeof(*w));
		if (!w)
			return -1;
		d->who = w;
		int32_t *t = realloc(d->when, cap * sizeof(*t));
		if (!t)
			return -1;
		d->when = t;
		d->cap = cap;
	}
	d->who[d->n] = who;
	d->when[d->n++] = when;
	return 0;
}
