/*
 * progress.c - the progress line of `govsim run`.
 */
#define _XOPEN_SOURCE 700
#include "sim/app/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct gs_progress {
	FILE *f;
	size_t done0, total;
	size_t fresh; /* runs done since the start */
	double (*work)(void *); /* share of this start's work done (NULL: from runs) */
	void *ctx;
	bool stop, tty;
	struct timespec t0;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* "12s", "3m05s", "2h07m" */
static void duration_text(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);
	if (t < 60)
		snprintf(buf, n, "%lds", t);
	else if (t < 3600)
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, n, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
}

void gs_progress_format(char *buf, size_t n, size_t done, size_t total, size_t done0,
			double work, double elapsed)
{
	char bar[31], el[32], left[32] = "--";
	double all = total ? ((double)done0 + work * (double)(total - done0)) / (double)total : 1;
	int fill = (int)(30.0 * (all < 0 ? 0 : all > 1 ? 1 : all));
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	duration_text(el, sizeof(el), elapsed);
	if (work > 0 && work <= 1)
		duration_text(left, sizeof(left), elapsed * (1 - work) / work);
	snprintf(buf, n, "[%s] %zu/%zu runs, %s elapsed, %s left", bar, done, total, el,
		 done >= total ? "0s" : left);
}

static void draw(struct gs_progress *p)
{
	char line[160];
	size_t todo = p->total - p->done0;
	double work = p->work ? p->work(p->ctx) : todo ? (double)p->fresh / (double)todo : 1;
	if (p->fresh == todo)
		work = 1;
	gs_progress_format(line, sizeof(line), p->done0 + p->fresh, p->total, p->done0, work,
			   seconds_since(&p->t0));
	/* on a terminal \033[K clears what a longer line left; elsewhere lines only grow */
	fprintf(p->f, "\r%s%s", line, p->tty ? "\033[K" : "");
	fflush(p->f);
}

static void *redraw(void *arg)
{
	struct gs_progress *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		draw(p);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct gs_progress *gs_progress_start(FILE *f, size_t done, size_t total,
				      double (*work)(void *), void *ctx)
{
	struct gs_progress *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->work = work;
	p->ctx = ctx;
	p->f = f;
	p->tty = isatty(fileno(f));
	p->done0 = done;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->thread, NULL, redraw, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->wake);
		free(p);
		return NULL;
	}
	return p;
}

void gs_progress_run_done(struct gs_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->fresh++;
	pthread_mutex_unlock(&p->lock);
}

void gs_progress_stop(struct gs_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	draw(p);
	fputc('\n', p->f);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}
