/*
 * downstream.c - allocation of the downstream resource.
 */
#include "downstream.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "queue.h"
#include "regime.h"
#include "rng.h"

struct keyed {
	double prio;
	int32_t opened;
	int32_t id;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->opened != y->opened)
		return x->opened < y->opened ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int push_closure(struct gs_world *w, int32_t id)
{
	if (w->n_closures == w->cap_closures) {
		size_t cap = w->cap_closures ? 2 * w->cap_closures : 256;
		int32_t *g = realloc(w->closures, cap * sizeof(*g));
		if (!g)
			return -1;
		w->closures = g;
		w->cap_closures = cap;
	}
	w->closures[w->n_closures++] = id;
	w->cases.status[id] = GS_CASE_CLOSING;
	return 0;
}

int gs_downstream_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	int32_t t = w->tick;
	w->res_free += w->res_release[t];
	if (w->n_res_wait == 0 || w->res_free <= 0)
		return 0;
	size_t n = w->n_res_wait;
	struct keyed *k = malloc(n * sizeof(*k));
	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int32_t id = w->res_wait[i];
		k[i] = (struct keyed){w->rules->priority(w, id, t), w->cases.opened[id], id};
	}
	qsort(k, n, sizeof(*k), cmp_keyed);
	size_t given = 0;
	for (; given < n && w->res_free > 0; given++) {
		int32_t id = k[given].id;
		w->res_free--;
		gs_rng_at(w->rng, w->seed, (uint32_t)w->cases.citizen[id], (uint32_t)t,
			  GS_RNG_STAY);
		double stay = gsl_ran_exponential(w->rng, p->downstream.stay);
		double end = t + (stay < 1 ? 1 : nearbyint(stay));
		if (end < w->n_ticks)
			w->res_release[(int32_t)end]++;
		if (push_closure(w, id)) {
			free(k);
			return -1;
		}
	}
	/* the rest keep waiting, in their priority order */
	for (size_t i = given; i < n; i++)
		w->res_wait[i - given] = k[i].id;
	w->n_res_wait = n - given;
	free(k);
	return 0;
}
