/*
 * cases.c - the case pool: free ids chained through the worker field.
 */
#include "models/cases.h"

#include <stdlib.h>

void gs_cases_init(struct gs_cases *k)
{
	*k = (struct gs_cases){0, -1, NULL};
}

void gs_cases_free(struct gs_cases *k)
{
	free(k->rec);
	k->rec = NULL;
}

static int grow(struct gs_cases *k)
{
	size_t cap = k->cap ? 2 * k->cap : 1024;
	struct gs_case *g = realloc(k->rec, cap * sizeof(*g));
	if (!g)
		return -1;
	k->rec = g;
	for (size_t i = k->cap; i < cap; i++) {
		k->rec[i].status = GS_CASE_FREE;
		k->rec[i].worker = i + 1 < cap ? (int32_t)(i + 1) : k->free;
	}
	k->free = (int32_t)k->cap;
	k->cap = cap;
	return 0;
}

int32_t gs_cases_take(struct gs_cases *k)
{
	if (k->free < 0 && grow(k))
		return -1;
	int32_t id = k->free;
	k->free = k->rec[id].worker;
	return id;
}

void gs_cases_put(struct gs_cases *k, int32_t id)
{
	k->rec[id].status = GS_CASE_FREE;
	k->rec[id].worker = k->free;
	k->free = id;
}
