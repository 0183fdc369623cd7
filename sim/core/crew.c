/*
 * crew.c - the threads of an ensemble sharing blocks of work (crew.h).
 *
 * Blocks handed to the crew form a batch: a counter hands out block
 * numbers, another counts blocks done. Open batches (blocks left to hand
 * out) are in a list under the crew's lock; a helper takes the first. A
 * batch lives on its run's thread's stack: that thread returns only once
 * every block is done and no helper holds the batch any more.
 */
#include "sim/core/crew.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct batch {
	size_t n;              /* blocks */
	gs_crew_fn fn;
	void *ctx;
	atomic_size_t next;    /* the next block to hand out */
	atomic_size_t done;    /* blocks done */
	atomic_int failed;     /* some fn returned non-zero */
	atomic_int users;      /* helpers holding the batch */
	struct batch *link;    /* the next open batch */
};

struct gs_crew {
	pthread_mutex_t lock;
	pthread_cond_t posted;   /* a batch was handed over, or the crew closed */
	pthread_cond_t finished; /* a helper let go of a batch */
	struct batch *open;      /* open batches, oldest first (under lock) */
	atomic_ulong posts;      /* batches handed over so far */
	atomic_bool closed;
	int threads;
	int sleeping;            /* helpers asleep on posted (under lock) */
	unsigned long spin;      /* polls before sleeping */
};

static _Thread_local struct gs_crew *mine;
static _Thread_local int in_block; /* > 0 while this thread runs a block */

/* One poll of a waiting loop: let the other hardware thread of the core run. */
static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Skip spaces; true if s starts with word (any case) followed only by spaces. */
static bool is_word(const char *s, const char *word)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(word);
	if (strncasecmp(s, word, n))
		return false;
	for (s += n; *s == ' ' || *s == '\t'; s++)
		;
	return *s == 0;
}

unsigned long gs_crew_spin(const char *wait_policy, const char *spincount)
{
	if (spincount) {
		if (is_word(spincount, "infinite") || is_word(spincount, "infinity"))
			return ULONG_MAX;
		/* a count, optionally k, M, G or T (as the OpenMP runtime reads it) */
		char *end;
		const char *s = spincount;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s >= '0' && *s <= '9') {
			unsigned long long v = strtoull(s, &end, 10);
			unsigned long long mult = 1;
			switch (*end) {
			case 'k': case 'K': mult = 1000ULL; end++; break;
			case 'M': mult = 1000000ULL; end++; break;
			case 'G': mult = 1000000000ULL; end++; break;
			case 'T': mult = 1000000000000ULL; end++; break;
			default: break;
			}
			while (*end == ' ' || *end == '\t')
				end++;
			if (*end == 0)
				return v > ULONG_MAX / mult ? ULONG_MAX : (unsigned long)(v * mult);
		}
	}
	if (wait_policy) {
		if (is_word(wait_policy, "passive"))
			return 0;
		if (is_word(wait_policy, "active"))
			return ULONG_MAX;
	}
	return GS_CREW_SPIN;
}

struct gs_crew *gs_crew_new(int threads)
{
	struct gs_crew *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL))
		goto fail_mutex;
	if (pthread_cond_init(&c->posted, NULL))
		goto fail_posted;
	if (pthread_cond_init(&c->finished, NULL))
		goto fail_finished;
	atomic_init(&c->posts, 0);
	atomic_init(&c->closed, false);
	c->threads = threads < 1 ? 1 : threads;
	c->spin = gs_crew_spin(getenv("OMP_WAIT_POLICY"), getenv("GOMP_SPINCOUNT"));
	return c;
fail_finished:
	pthread_cond_destroy(&c->posted);
fail_posted:
	pthread_mutex_destroy(&c->lock);
fail_mutex:
	free(c);
	return NULL;
}

void gs_crew_free(struct gs_crew *c)
{
	if (!c)
		return;
	pthread_cond_destroy(&c->finished);
	pthread_cond_destroy(&c->posted);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

unsigned long gs_crew_polls(const struct gs_crew *c)
{
	return c->spin;
}

void gs_crew_join(struct gs_crew *c)
{
	mine = c;
}

/* Take blocks of b until none is left to take. */
static void work(struct batch *b)
{
	size_t i;
	in_block++;
	while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
		if (b->fn(b->ctx, i))
			atomic_store(&b->failed, 1);
		atomic_fetch_add(&b->done, 1);
	}
	in_block--;
}

/* The first open batch with blocks left, held (under c->lock); NULL if none. */
static struct batch *take_open(struct gs_crew *c)
{
	for (struct batch *b = c->open; b; b = b->link)
		if (atomic_load_explicit(&b->next, memory_order_relaxed) < b->n) {
			atomic_fetch_add(&b->users, 1);
			return b;
		}
	return NULL;
}

void gs_crew_help(struct gs_crew *c)
{
	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct batch *b = take_open(c);
		if (b) {
			pthread_mutex_unlock(&c->lock);
			work(b);
			pthread_mutex_lock(&c->lock);
			/* b may be gone once users is 0: not touched after this */
			atomic_fetch_sub(&b->users, 1);
			pthread_cond_broadcast(&c->finished);
			continue;
		}
		if (atomic_load(&c->closed))
			break;
		unsigned long seen = atomic_load(&c->posts), k = 0;
		pthread_mutex_unlock(&c->lock);
		while (k < c->spin && atomic_load_explicit(&c->posts, memory_order_relaxed) == seen &&
		       !atomic_load_explicit(&c->closed, memory_order_relaxed)) {
			relax();
			k++;
		}
		pthread_mutex_lock(&c->lock);
		if (atomic_load(&c->posts) == seen && !atomic_load(&c->closed)) {
			c->sleeping++;
			pthread_cond_wait(&c->posted, &c->lock);
			c->sleeping--;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

void gs_crew_close(struct gs_crew *c)
{
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->closed, true);
	pthread_cond_broadcast(&c->posted);
	pthread_mutex_unlock(&c->lock);
}

static bool batch_done(struct batch *b)
{
	return atomic_load(&b->done) == b->n && atomic_load(&b->users) == 0;
}

int gs_crew_run(size_t n, gs_crew_fn fn, void *ctx)
{
	struct gs_crew *c = mine;
	if (!c || c->threads < 2 || n < 2 || in_block) {
		int failed = 0;
		in_block++;
		for (size_t b = 0; b < n; b++)
			if (fn(ctx, b))
				failed = 1;
		in_block--;
		return failed ? -1 : 0;
	}
	struct batch b = {.n = n, .fn = fn, .ctx = ctx, .link = NULL};
	atomic_init(&b.next, 0);
	atomic_init(&b.done, 0);
	atomic_init(&b.failed, 0);
	atomic_init(&b.users, 0);
	pthread_mutex_lock(&c->lock);
	struct batch **end = &c->open;
	while (*end)
		end = &(*end)->link;
	*end = &b;
	atomic_fetch_add(&c->posts, 1);
	if (c->sleeping)
		pthread_cond_broadcast(&c->posted);
	pthread_mutex_unlock(&c->lock);

	work(&b);

	pthread_mutex_lock(&c->lock);
	for (struct batch **p = &c->open; *p; p = &(*p)->link)
		if (*p == &b) {
			*p = b.link;
			break;
		}
	pthread_mutex_unlock(&c->lock);
	/* no helper can take b now: wait for those holding it */
	for (unsigned long k = 0; k < c->spin && !batch_done(&b); k++)
		relax();
	if (!batch_done(&b)) {
		pthread_mutex_lock(&c->lock);
		while (!batch_done(&b))
			pthread_cond_wait(&c->finished, &c->lock);
		pthread_mutex_unlock(&c->lock);
	}
	return atomic_load(&b.failed) ? -1 : 0;
}
