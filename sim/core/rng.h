/*
 * rng.h - counter-based random streams.
 *
 * Every draw is addressed by (seed, entity, tick, purpose): the Philox4x32-10
 * generator of Random123 is keyed by the run's seed and counted by
 * (entity, tick, purpose), and exposed as a gsl_rng so that GSL's
 * distributions work unchanged. There is no global generator: results do
 * not depend on the number of threads or on the order in which entities are
 * visited. Each thread owns a gsl_rng from gs_rng_alloc(); gs_rng_at()
 * repositions it before a group of draws (up to 2^32 draws per address).
 */
#ifndef GS_RNG_H
#define GS_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#define GS_RNG_NAME "philox4x32-10"

/*
 * Purposes: what a draw is for. The framework's own draws (seeds, sweep
 * designs) have the purposes below; a model numbers its own (the governance
 * model: models/streams.h) with other values, each used once (a test checks
 * it). A value never changes once used, so that existing streams never
 * change: new purposes take new values.
 */
#define GS_RNG_FRAMEWORK_PURPOSES(X)                                      \
	X(GS_RNG_SEED, 1)             /* run seeds from the scenario seed */ \
	X(GS_RNG_DESIGN, 24)          /* Latin hypercube of a sweep */       \
	X(GS_RNG_RUN_SEED, 25)        /* a run's seed from its sweep point */

enum gs_rng_framework_purpose {
#define GS_RNG_ENUM(name, value) name = value,
	GS_RNG_FRAMEWORK_PURPOSES(GS_RNG_ENUM)
#undef GS_RNG_ENUM
};

/* gs_rng_alloc - a new stream (NULL if out of memory); free with gsl_rng_free. */
gsl_rng *gs_rng_alloc(void);

/* gs_rng_at - position r at the stream of (seed, entity, tick, purpose). */
void gs_rng_at(gsl_rng *r, uint64_t seed, uint32_t entity, uint32_t tick, uint32_t purpose);

/*
 * gs_rng_uniform_at - the same as gs_rng_at(r, ...) then gsl_rng_uniform(r),
 * without the calls through gsl_rng: uniform on [0,1), r positioned after it.
 */
double gs_rng_uniform_at(gsl_rng *r, uint64_t seed, uint32_t entity, uint32_t tick,
			 uint32_t purpose);

/* gs_rng_derive - a 64-bit seed derived from seed and an index (e.g. replication). */
uint64_t gs_rng_derive(uint64_t seed, uint64_t index);

/* gs_rng_uniform53 - uniform on (0,1) with 53 random bits (two 32-bit draws). */
double gs_rng_uniform53(gsl_rng *r);

#endif
