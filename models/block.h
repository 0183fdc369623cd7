/*
 * block.h - what one block of a parallel phase keeps of its own: its tally,
 * its changes to the world's counters, and the lists it proposes (contacts,
 * closures, cases waiting for the resource). A block works in a view of
 * the world (a copy sharing the agent arrays) whose block state starts
 * empty; the views are merged into the world in block order, so results do
 * not depend on the number of threads.
 *
 * The world holds its block state both as one part (w->acc, for these
 * functions) and field by field (w->tally, w->n_pending, ...), through an
 * anonymous union of the same fields.
 */
#ifndef GS_BLOCK_H
#define GS_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "models/tally.h"

/* A contact proposed by the citizen phase, applied in citizen order. */
struct gs_contact {
	int32_t citizen;
	int32_t team;         /* the citizen's team */
	uint8_t kind;         /* enum gs_due_kind that caused it */
	uint8_t opens;        /* it opens a case: the citizen's need was pending when proposed */
};

/* The fields of a block state (a macro: the world names them one by one too). */
#define GS_BLOCK_FIELDS                                                                      \
	struct gs_tally tally; /* flows of the current output interval */                    \
	/* stocks kept up to date (a view: its changes to them; unsigned, they wrap back) */ \
	size_t n_pending, n_in_service;                                                      \
	uint64_t n_events; /* citizens woken, contacts and closures handled (benchmarks) */  \
	/* totals over the run, for the conservation checks */                               \
	uint64_t total_arisen, total_met, total_abandoned;                                   \
	uint64_t total_value, total_failure; /* contacts as classified when made */          \
	uint64_t ended_contacted, ended_contacts; /* needs ended after >= 1 contact, their contacts */ \
	/* proposals of the current tick, and cases waiting for a unit of the resource */    \
	struct gs_contact *contacts;                                                         \
	size_t n_contacts, cap_contacts;                                                     \
	int32_t *closures;                                                                   \
	size_t n_closures, cap_closures;                                                     \
	int32_t *res_wait;                                                                   \
	size_t n_res_wait, cap_res_wait;

struct gs_block_state {
	GS_BLOCK_FIELDS
};

/* gs_block_start - an empty block state (a view's, at the start of its block). */
static inline void gs_block_start(struct gs_block_state *b)
{
	*b = (struct gs_block_state){0};
}

/*
 * gs_block_merge - add block state `from` (a view's) to `to` (the world's):
 * tallies and counters added, lists appended; from's lists are left empty,
 * their memory kept for from's next block (gs_block_free releases it).
 * Returns 0, or -1 if out of memory.
 */
int gs_block_merge(struct gs_block_state *to, struct gs_block_state *from);

/* gs_block_free - release the memory of b's lists (b's lists then empty). */
void gs_block_free(struct gs_block_state *b);

#endif
