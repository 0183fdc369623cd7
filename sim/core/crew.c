/*
 * crew.c - the threads of an ensemble sharing blocks of work (crew.h).
 *
 * Blocks handed to the crew form a batch: the run's thread takes its
 * blocks from the front, helpers from the back (take), a counter counts
 * blocks done. Open batches (blocks left to hand
 * out) are in a list under the crew's lock; a helper takes the first. A
 * batch lives on its run's thread's stack: that thread returns only once
 * every block is done and no helper holds the batch any more.
 */
#include "sim/core/crew.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct batch {
	size_t n;              /* blocks */
	gs_crew_fn fn;
	void *ctx;
	/*
	 * the blocks not yet handed out, [front, back): front in the low 32
	 * bits, back in the high 32; the run's thread takes from the front,
	 * helpers from the back
	 */
	_Atomic uint64_t left;
	atomic_size_t done;    /* blocks done */
	atomic_uchar *block_done; /* [n] whether each block is done (NULL: not followed) */
	atomic_int waiting;    /* the run's thread sleeps until a block is done */
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

/* Block i of b is done: tell the run's thread if it sleeps waiting for one. */
static void block_done(struct gs_crew *c, struct batch *b, size_t i)
{
	if (b->block_done)
		atomic_store(&b->block_done[i], 1);
	atomic_fetch_add(&b->done, 1);
	if (atomic_load(&b->waiting)) {
		pthread_mutex_lock(&c->lock);
		pthread_cond_broadcast(&c->finished);
		pthread_mutex_unlock(&c->lock);
	}
}

static bool any_left(struct batch *b)
{
	uint64_t v = atomic_load_explicit(&b->left, memory_order_relaxed);
	return (uint32_t)v < (uint32_t)(v >> 32);
}

/*
 * The next block of b to run, from the front (the run's thread) or the
 * back (helpers); false if none is left. Neighbouring blocks write
 * neighbouring memory (the workers of adjacent teams, adjacent citizens):
 * taken from the two ends, they are mostly done by one thread, instead of
 * two threads taking a cache line from each other at every write. One
 * block at a time, so that a thread the system has put aside holds up at
 * most one block of a phase.
 */
static bool take(struct batch *b, bool front, size_t *i)
{
	uint64_t v = atomic_load(&b->left), to;
	do {
		uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
		if (lo >= hi)
			return false;
		*i = front ? lo : hi - 1;
		to = front ? v + 1 : v - ((uint64_t)1 << 32);
	} while (!atomic_compare_exchange_weak(&b->left, &v, to));
	return true;
}

/* A helper: take blocks of b until none is left to take. */
static void work(struct gs_crew *c, struct batch *b)
{
	size_t i;
	in_block++;
	while (take(b, false, &i)) {
		if (b->fn(b->ctx, i))
			atomic_store(&b->failed, 1);
		block_done(c, b, i);
	}
	in_block--;
}

/* The first open batch with blocks left, held (under c->lock); NULL if none. */
static struct batch *take_open(struct gs_crew *c)
{
	for (struct batch *b = c->open; b; b = b->link)
		if (any_left(b)) {
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
			work(c, b);
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

/* Whether block i of b is done (every block, when they are not followed one by one). */
static bool is_done(struct batch *b, size_t i)
{
	return b->block_done ? atomic_load(&b->block_done[i]) != 0 : atomic_load(&b->done) == b->n;
}

/* Wait (polling, then asleep) until ready(b, i). */
static void wait_for(struct gs_crew *c, struct batch *b, size_t i,
		     bool (*ready)(struct batch *b, size_t i))
{
	for (unsigned long k = 0; k < c->spin && !ready(b, i); k++)
		relax();
	if (ready(b, i))
		return;
	pthread_mutex_lock(&c->lock);
	atomic_store(&b->waiting, 1);
	while (!ready(b, i))
		pthread_cond_wait(&c->finished, &c->lock);
	atomic_store(&b->waiting, 0);
	pthread_mutex_unlock(&c->lock);
}

static bool all_let_go(struct batch *b, size_t i)
{
	(void)i;
	return batch_done(b);
}

/* Merge blocks from *merged on, in order, while they are done; returns -1 if a merge failed. */
static int merge_done(struct batch *b, gs_crew_fn merge, size_t *merged)
{
	int rc = 0;
	while (*merged < b->n && is_done(b, *merged))
		if (merge(b->ctx, (*merged)++))
			rc = -1;
	return rc;
}

int gs_crew_run_alone(size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx)
{
	int failed = 0;
	for (size_t b = 0; b < n; b++) {
		in_block++;
		if (fn(ctx, b))
			failed = 1;
		in_block--;
		if (merge && merge(ctx, b))
			failed = 1;
	}
	return failed ? -1 : 0;
}

int gs_crew_run(size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx)
{
	struct gs_crew *c = mine;
	int failed = 0;
	if (!c || c->threads < 2 || n < 2 || n > UINT32_MAX || in_block)
		return gs_crew_run_alone(n, fn, merge, ctx);
	struct batch b = {.n = n, .fn = fn, .ctx = ctx, .link = NULL};
	atomic_init(&b.left, (uint64_t)n << 32);
	atomic_init(&b.done, 0);
	atomic_init(&b.failed, 0);
	atomic_init(&b.users, 0);
	atomic_init(&b.waiting, 0);
	/* without room to follow blocks one by one, merge them all at the end */
	b.block_done = merge ? calloc(n, sizeof(*b.block_done)) : NULL;
	pthread_mutex_lock(&c->lock);
	struct batch **end = &c->open;
	while (*end)
		end = &(*end)->link;
	*end = &b;
	atomic_fetch_add(&c->posts, 1);
	if (c->sleeping)
		pthread_cond_broadcast(&c->posted);
	pthread_mutex_unlock(&c->lock);

	/* take blocks, merging those done (in order) after each */
	size_t i, merged = 0;
	while (take(&b, true, &i)) {
		in_block++;
		if (fn(ctx, i))
			atomic_store(&b.failed, 1);
		in_block--;
		block_done(c, &b, i);
		if (merge && merge_done(&b, merge, &merged))
			failed = 1;
	}
	pthread_mutex_lock(&c->lock);
	for (struct batch **p = &c->open; *p; p = &(*p)->link)
		if (*p == &b) {
			*p = b.link;
			break;
		}
	pthread_mutex_unlock(&c->lock);
	/* no helper can take b now: merge the rest as they finish, then wait for those holding it */
	while (merge && merged < n) {
		wait_for(c, &b, merged, is_done);
		if (merge_done(&b, merge, &merged))
			failed = 1;
	}
	wait_for(c, &b, 0, all_let_go);
	free(b.block_done);
	return failed || atomic_load(&b.failed) ? -1 : 0;
}
