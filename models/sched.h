/*
 * sched.h - the event scheduler of a run: per-tick buckets of citizens to
 * wake, and the wakes a block of a parallel phase collects instead.
 */
#ifndef GS_SCHED_H
#define GS_SCHED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Per-tick event buckets: the citizens to wake at each tick, appended in any
 * order (contiguous, so filling and emptying a bucket streams through
 * memory); a citizen rescheduled leaves a stale entry, skipped when its tick
 * comes.
 */
struct gs_sched {
	int32_t **ids;        /* [n_ticks] the bucket of each tick */
	uint32_t *len, *cap;  /* [n_ticks] */
	size_t n_ticks;
};

/* Wakes scheduled by a block of a parallel phase, applied after it in block order. */
struct gs_pushes {
	int32_t *who, *when;
	size_t n, cap;
};

/* gs_sched_init - n_ticks empty buckets. Returns 0, or -1 if out of memory. */
int gs_sched_init(struct gs_sched *s, size_t n_ticks);

void gs_sched_free(struct gs_sched *s);

/* gs_sched_push - append citizen c to the bucket of tick t (0 <= t < n_ticks). Returns -1 if out of memory. */
int gs_sched_push(struct gs_sched *s, int32_t c, int32_t t);

/* gs_pushes_add - collect the wake of `who` at `when`. Returns -1 if out of memory. */
int gs_pushes_add(struct gs_pushes *d, int32_t who, int32_t when);

#endif
