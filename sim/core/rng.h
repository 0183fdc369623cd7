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
 * Purposes: what a draw is for. Every value is distinct (a test checks it);
 * append new purposes at the end, so that existing streams never change.
 */
#define GS_RNG_PURPOSES(X)                                              \
	X(GS_RNG_SEED, 1)             /* run seeds from the scenario seed */ \
	X(GS_RNG_CITIZEN_INIT, 2)     /* class, strengths, trust */           \
	X(GS_RNG_NEED_ARRIVAL, 3)     /* gap to a citizen's next need */      \
	X(GS_RNG_NEED_SHAPE, 4)       /* complexity, severity of a need */    \
	X(GS_RNG_NEED_CONTACT, 5)     /* contact threshold noise */           \
	X(GS_RNG_NEED_SELF, 6)        /* self-resolution time */              \
	X(GS_RNG_RETURN, 7)           /* give up or come back, and when */    \
	X(GS_RNG_CHASE, 8)            /* time to the next chasing contact */  \
	X(GS_RNG_WORKER_INIT, 9)      /* worker skill */                      \
	X(GS_RNG_CASEWORK, 10)        /* components a worker takes on */      \
	X(GS_RNG_ALLOCATION, 11)      /* which worker a case goes to */       \
	X(GS_RNG_RESOLUTION, 12)      /* components the work resolves */      \
	X(GS_RNG_WORKER_HAZARD, 13)   /* sick leave and leaving */            \
	X(GS_RNG_RECLASSIFY, 14)      /* reclassification of a case */        \
	X(GS_RNG_PREMATURE, 15)       /* premature closure */                 \
	X(GS_RNG_RECORDING, 16)       /* record correction */                 \
	X(GS_RNG_AUDIT, 17)           /* audit of a closed case */            \
	X(GS_RNG_CONTINUITY, 18)      /* seeing the same worker again */      \
	X(GS_RNG_RESOURCE, 19)        /* need for, and stay in, the resource */ \
	X(GS_RNG_BARRIER, 20)         /* contacts brought by system barriers */ \
	X(GS_RNG_STAY, 21)            /* time a case holds the resource */   \
	X(GS_RNG_GIVE_UP, 22)         /* giving up while chasing a waiting case */ \
	X(GS_RNG_RETURN_DELAY, 23)    /* when a bounced citizen comes back */ \
	X(GS_RNG_DESIGN, 24)          /* Latin hypercube of a sweep */      \
	X(GS_RNG_RUN_SEED, 25)        /* a run's seed from its sweep point */ \
	X(GS_RNG_WORK_SIZE, 26)       /* how much work a case turns out to need */ \
	X(GS_RNG_RECATEGORISE, 27)    /* a breached case recorded in another category */

enum gs_rng_purpose {
#define GS_RNG_ENUM(name, value) name = value,
	GS_RNG_PURPOSES(GS_RNG_ENUM)
#undef GS_RNG_ENUM
};

/* gs_rng_alloc - a new stream (NULL if out of memory); free with gsl_rng_free. */
gsl_rng *gs_rng_alloc(void);

/* gs_rng_at - position r at the stream of (seed, entity, tick, purpose). */
void gs_rng_at(gsl_rng *r, uint64_t seed, uint32_t entity, uint32_t tick,
	       enum gs_rng_purpose purpose);

/* gs_rng_derive - a 64-bit seed derived from seed and an index (e.g. replication). */
uint64_t gs_rng_derive(uint64_t seed, uint64_t index);

/* gs_rng_uniform53 - uniform on (0,1) with 53 random bits (two 32-bit draws). */
double gs_rng_uniform53(gsl_rng *r);

#endif
