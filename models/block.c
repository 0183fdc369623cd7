/*
 * block.c - merging a block's own state into the world's.
 */
#include "models/block.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/util.h"

/* Append n elements of `size` bytes at src to *arr (n_arr used, *cap room). */
static int append(void **arr, size_t *n_arr, size_t *cap, const void *src, size_t n, size_t size)
{
	if (!n)
		return 0;
	if (gs_array_reserve(arr, cap, *n_arr + n, size))
		return -1;
	memcpy((char *)*arr + *n_arr * size, src, n * size);
	*n_arr += n;
	return 0;
}

int gs_block_merge(struct gs_block_state *to, struct gs_block_state *from)
{
	gs_tally_add(&to->tally, &from->tally);
	/* counters are deltas (unsigned arithmetic wraps back) */
	to->n_pending += from->n_pending;
	to->n_in_service += from->n_in_service;
	to->n_events += from->n_events;
	to->total_arisen += from->total_arisen;
	to->total_met += from->total_met;
	to->total_abandoned += from->total_abandoned;
	to->total_value += from->total_value;
	to->total_failure += from->total_failure;
	to->ended_contacted += from->ended_contacted;
	to->ended_contacts += from->ended_contacts;
	int rc = append((void **)&to->contacts, &to->n_contacts, &to->cap_contacts, from->contacts,
			from->n_contacts, sizeof(*from->contacts));
	if (!rc)
		rc = append((void **)&to->closures, &to->n_closures, &to->cap_closures,
			    from->closures, from->n_closures, sizeof(*from->closures));
	if (!rc)
		rc = append((void **)&to->res_wait, &to->n_res_wait, &to->cap_res_wait,
			    from->res_wait, from->n_res_wait, sizeof(*from->res_wait));
	from->n_contacts = from->n_closures = from->n_res_wait = 0;
	return rc;
}

void gs_block_free(struct gs_block_state *b)
{
	free(b->contacts);
	free(b->closures);
	free(b->res_wait);
	b->contacts = NULL;
	b->closures = NULL;
	b->res_wait = NULL;
	b->n_contacts = b->cap_contacts = 0;
	b->n_closures = b->cap_closures = 0;
	b->n_res_wait = b->cap_res_wait = 0;
}
