/*
 * cases.c - the case pool: records indexed by id, and a stack of free ids.
 */
#include "models/cases.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/util.h"

void gs_cases_init(struct gs_cases *k)
{
	*k = (struct gs_cases){0, NULL, NULL, 0};
}

void gs_cases_free(struct gs_cases *k)
{
	gs_free_big(k->rec);
	free(k->free);
	k->rec = NULL;
	k->free = NULL;
	k->n_free = 0;
}

/* Twice the room; the new ids are taken lowest first. Only when none is free. */
static int grow(struct gs_cases *k)
{
	size_t cap = k->cap ? 2 * k->cap : 1024;
	/* each record on a cache line of its own (struct gs_case is one line) */
	struct gs_case *g = gs_alloc_big(cap, sizeof(*g));
	if (!g)
		return -1;
	if (k->cap)
		memcpy(g, k->rec, k->cap * sizeof(*g));
	gs_free_big(k->rec);
	k->rec = g;
	int32_t *f = realloc(k->free, cap * sizeof(*f));
	if (!f)
		return -1;
	k->free = f;
	for (size_t i = k->cap; i < cap; i++)
		k->rec[i].status = GS_CASE_FREE;
	for (size_t i = cap; i > k->cap; i--)
		k->free[k->n_free++] = (int32_t)(i - 1);
	k->cap = cap;
	return 0;
}

int32_t gs_cases_take(struct gs_cases *k)
{
	if (!k->n_free && grow(k))
		return -1;
	return k->free[--k->n_free];
}

void gs_cases_put(struct gs_cases *k, int32_t id)
{
	k->rec[id].status = GS_CASE_FREE;
	gs_cases_push(k, id);
}

void gs_cases_push(struct gs_cases *k, int32_t id)
{
	k->free[k->n_free++] = id;
}
