/*
 * sched.h - the event scheduler of a run: per-tick buckets of citizens to
 * wake, one set of buckets (a lane) per thread of a parallel phase.
 */
#ifndef GS_SCHED_H
#define GS_SCHED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Per-tick event buckets: the citizens to wake at each tick, appended in any
 * order (contiguous, so filling and emptying a bucket streams through
 * memory); a citizen rescheduled leaves a stale entry, skipped when its tick
 * comes. Each thread appends to its own lane, so the threads of a parallel
 * phase schedule wakes without waiting for each other; a tick's wakes are
 * the union of its buckets in every lane, which its phase sorts (the order
 * the entries came in changes nothing).
 */
struct gs_sched_lane {
	int32_t **ids;        /* [n_ticks] the bucket of each tick */
	uint32_t *len, *cap;  /* [n_ticks] */
	char pad[64];         /* lanes of different threads on different cache lines */
};

struct gs_sched {
	struct gs_sched_lane *lane; /* [n_lanes] */
	int n_lanes;
	size_t n_ticks;
};

/* gs_sched_init - n_ticks empty buckets in each of n_lanes lanes. Returns 0, or -1 if out of memory. */
int gs_sched_init(struct gs_sched *s, size_t n_ticks, int n_lanes);

void gs_sched_free(struct gs_sched *s);

/*
 * gs_sched_push - append citizen c to lane's bucket of tick t (0 <= t <
 * n_ticks, 0 <= lane < n_lanes). Returns -1 if out of memory.
 */
int gs_sched_push(struct gs_sched *s, int lane, int32_t c, int32_t t);

/* gs_sched_count - the entries of tick t in every lane (stale ones included). */
size_t gs_sched_count(const struct gs_sched *s, size_t t);

/*
 * gs_sched_take - tick t's entries of every lane, in one array the caller
 * frees (*ids, *n of them; NULL and 0 if none), its buckets left empty and
 * released. Returns -1 if out of memory (the buckets are then unchanged).
 */
int gs_sched_take(struct gs_sched *s, size_t t, int32_t **ids, size_t *n);

#endif
