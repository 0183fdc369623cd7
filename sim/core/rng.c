/*
 * rng.c - Philox4x32-10 as a gsl_rng, addressed by (seed, entity, tick, purpose).
 */
#include "sim/core/rng.h"

#include <stdlib.h>

#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

/*
 * GSL_MICRORNG defines the gsl_rng type and a reset function. Its state's
 * last counter word counts the draws since the last reset, so addresses use
 * the first three words: (entity, tick, purpose).
 */
GSL_MICRORNG(gs_philox, philox4x32);

/* Bytes of a cache line: no two streams share one. */
#define LINE 64

static size_t whole_lines(size_t n)
{
	return (n + LINE - 1) / LINE * LINE;
}

/*
 * As gsl_rng_alloc, but the gsl_rng and its state each on cache lines of
 * their own: the streams of different threads are written at every
 * gs_rng_at, and two sharing a line would make the threads take it from
 * each other at every draw. aligned_alloc's memory is freed by free, so
 * gsl_rng_free frees them.
 */
gsl_rng *gs_rng_alloc(void)
{
	const gsl_rng_type *t = gsl_rng_gs_philox;
	gsl_rng *r = aligned_alloc(LINE, whole_lines(sizeof(*r)));
	if (!r)
		return NULL;
	r->state = aligned_alloc(LINE, whole_lines(t->size));
	if (!r->state) {
		free(r);
		return NULL;
	}
	r->type = t;
	gsl_rng_set(r, gsl_rng_default_seed);
	return r;
}

void gs_rng_at(gsl_rng *r, uint64_t seed, uint32_t entity, uint32_t tick,
	       uint32_t purpose)
{
	philox4x32_ctr_t c = {{entity, tick, (uint32_t)purpose, 0}};
	philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
	gs_philox_reset(r, c, k);
}

double gs_rng_uniform_at(gsl_rng *r, uint64_t seed, uint32_t entity, uint32_t tick,
			 uint32_t purpose)
{
	/*
	 * as gs_rng_at then gsl_rng_uniform: the stream's first block, its
	 * last word returned and the other three left for the next draws
	 */
	gs_philox_state *st = r->state;
	st->ctr = (philox4x32_ctr_t){{entity, tick, (uint32_t)purpose, 0}};
	st->key = (philox4x32_key_t){{(uint32_t)seed, (uint32_t)(seed >> 32)}};
	st->r = philox4x32(st->ctr, st->key);
	st->n = 1;
	st->elem = 3;
	return st->r.v[3] / 4294967296.;
}

uint64_t gs_rng_derive(uint64_t seed, uint64_t index)
{
	philox4x32_ctr_t c = {{(uint32_t)index, (uint32_t)(index >> 32), GS_RNG_SEED, 0}};
	philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
	philox4x32_ctr_t out = philox4x32(c, k);
	return ((uint64_t)out.v[0] << 32 | out.v[1]) & ((UINT64_C(1) << 53) - 1);
}

double gs_rng_uniform53(gsl_rng *r)
{
	uint64_t hi = gsl_rng_get(r) >> 5, lo = gsl_rng_get(r) >> 6;
	return ((double)(hi << 26 | lo) + 0.5) / 9007199254740992.0;
}
