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
 * `done` are done already (a resumed file); NULL (nothing drawn) if out of
 * memory or the thread cannot start.
 */
struct gs_progress *gs_progress_start(FILE *f, size_t done, size_t total);

/* gs_progress_run_done - one more run done (call from one thread at a time). */
void gs_progress_run_done(struct gs_progress *p);

/* gs_progress_stop - a last line (the elapsed time), end the line and free p; NULL is a no-op. */
void gs_progress_stop(struct gs_progress *p);

/*
 * gs_progress_format - the progress line for `done` of `total` runs after
 * `elapsed` seconds, of which `fresh` runs were done in that time (the
 * estimate of the time left rests on them), into buf.
 */
void gs_progress_format(char *buf, size_t n, size_t done, size_t total, size_t fresh,
			double elapsed);

#endif
