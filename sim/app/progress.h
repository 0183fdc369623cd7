/*
 * progress.h - the progress line of `govsim run` on stderr: a bar, runs
 * done of the total, the time elapsed and an estimate of the time left,
 * redrawn twice a second by a thread of its own while the runs go on.
 */
#ifndef GS_PROGRESS_H
#define GS_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

struct gs_progress;

/*
 * gs_progress_start - draw on f the progress of `total` runs of which
 * `done` are done already (a resumed file); work(ctx), called from the
 * drawing thread, says what share (0..1) of the work to do is done (so a
 * long run shows progress before it ends; NULL: the share of runs done).
 * NULL (nothing drawn) if out of memory or the thread cannot start.
 */
struct gs_progress *gs_progress_start(FILE *f, size_t done, size_t total,
				      double (*work)(void *), void *ctx);

/* gs_progress_run_done - one more run done (call from one thread at a time). */
void gs_progress_run_done(struct gs_progress *p);

/* gs_progress_stop - a last line (the elapsed time), end the line and free p; NULL is a no-op. */
void gs_progress_stop(struct gs_progress *p);

/*
 * gs_progress_format - the progress line for `done` of `total` runs after
 * `elapsed` seconds, `done0` of them done before the start and `work`
 * (0..1) of the rest's work done since (the estimate of the time left
 * rests on it), into buf.
 */
void gs_progress_format(char *buf, size_t n, size_t done, size_t total, size_t done0,
			double work, double elapsed);

#endif
