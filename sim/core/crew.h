/*
 * crew.h - the threads of an ensemble, shared by every run's parallel work.
 *
 * The engine makes one crew for an ensemble and one OpenMP parallel region
 * for it; each thread of the region joins the crew, takes whole runs while
 * there are runs left, then helps. A run's thread hands the blocks of a
 * parallel phase to the crew (gs_crew_run) and works on them itself; a
 * thread with no run of its own (gs_crew_help) takes blocks of any run's
 * phase, so that the last run of an ensemble gets every thread. The model
 * sees only gs_crew_run, which works alone on a thread that is in no crew,
 * and gs_crew_run_alone, for work too small to share.
 *
 * Which thread does a block never changes what the block does (each block
 * has its own state, merged by its caller in block order).
 *
 * A waiting thread (a helper with nothing to take, a run's thread waiting
 * for blocks other threads took) polls for a while, then sleeps; it never
 * spins at a barrier while others work. How long it polls: gs_crew_spin.
 */
#ifndef GS_CORE_CREW_H
#define GS_CORE_CREW_H

#include <stddef.h>

struct gs_crew; /* opaque */

/* Polls before a waiting thread sleeps, unless the environment says otherwise (gs_crew_spin). */
#define GS_CREW_SPIN 2000UL

/*
 * gs_crew_spin - the polls a waiting thread makes before it sleeps, from
 * the values of OMP_WAIT_POLICY and GOMP_SPINCOUNT (NULL if unset), so that
 * a user's setting of the OpenMP runtime's waiting rules govern the crew's
 * waits too: GOMP_SPINCOUNT=N (or "infinite") polls N times; else
 * OMP_WAIT_POLICY=passive does not poll and =active polls without end;
 * else GS_CREW_SPIN.
 */
unsigned long gs_crew_spin(const char *wait_policy, const char *spincount);

/*
 * gs_crew_new - a crew of `threads` threads (>= 1) waiting by
 * gs_crew_spin's rule for this process's environment. NULL if out of memory.
 */
struct gs_crew *gs_crew_new(int threads);

void gs_crew_free(struct gs_crew *c);

/* gs_crew_polls - the polls this crew's waiting threads make before they sleep. */
unsigned long gs_crew_polls(const struct gs_crew *c);

/*
 * gs_crew_join - the calling thread belongs to crew c from now on (NULL:
 * to none), until it joins another.
 */
void gs_crew_join(struct gs_crew *c);

/*
 * gs_crew_help - the calling thread takes blocks of any phase handed to
 * crew c, until gs_crew_close(c).
 */
void gs_crew_help(struct gs_crew *c);

/* gs_crew_close - the helpers of c return (call once every run is done). */
void gs_crew_close(struct gs_crew *c);

/*
 * gs_crew_run - fn(ctx, b) for every block b in 0..n-1, each once, shared
 * with the calling thread's crew (alone if it is in none, or if called from
 * inside a block); then, if merge is not NULL, merge(ctx, b) on the calling
 * thread for every block in order, each as soon as its block and every
 * block before it are done (while other blocks still run: merge must not
 * change what fn reads). Returns when all are done: -1 if any fn or merge
 * returned non-zero (every block is still run and merged), else 0.
 */
typedef int (*gs_crew_fn)(void *ctx, size_t block);
int gs_crew_run(size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx);

/*
 * gs_crew_run_alone - as gs_crew_run on a thread in no crew: fn then merge
 * for each block in order, on the calling thread (for work too small to
 * pay for sharing).
 */
int gs_crew_run_alone(size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx);

#endif
