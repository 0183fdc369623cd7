/*
 * streams.h - what the governance model draws random numbers for: each
 * purpose addresses its own streams (sim/core/rng.h), by (seed, entity,
 * tick, purpose). Every value differs from every other and from the
 * framework's purposes (tests/models/test_streams.c checks it); append new
 * purposes with new values, so that existing streams never change.
 */
#ifndef GS_STREAMS_H
#define GS_STREAMS_H

#include "sim/core/rng.h"

#define GS_RNG_MODEL_PURPOSES(X) \
	X(GS_RNG_CITIZEN_INIT, 2)     /* class, strengths, trust */ \
	X(GS_RNG_NEED_ARRIVAL, 3)     /* gap to a citizen's next need */ \
	X(GS_RNG_NEED_SHAPE, 4)       /* complexity, severity of a need */ \
	X(GS_RNG_NEED_CONTACT, 5)     /* contact threshold noise */ \
	X(GS_RNG_NEED_SELF, 6)        /* self-resolution time */ \
	X(GS_RNG_RETURN, 7)           /* give up or come back, and when */ \
	X(GS_RNG_CHASE, 8)            /* time to the next chasing contact */ \
	X(GS_RNG_WORKER_INIT, 9)      /* worker skill */ \
	X(GS_RNG_CASEWORK, 10)        /* components a worker takes on */ \
	X(GS_RNG_ALLOCATION, 11)      /* which worker a case goes to */ \
	X(GS_RNG_RESOLUTION, 12)      /* components the work resolves */ \
	X(GS_RNG_WORKER_HAZARD, 13)   /* sick leave and leaving */ \
	X(GS_RNG_RECLASSIFY, 14)      /* reclassification of a case */ \
	X(GS_RNG_PREMATURE, 15)       /* premature closure */ \
	X(GS_RNG_RECORDING, 16)       /* record correction */ \
	X(GS_RNG_AUDIT, 17)           /* audit of a closed case */ \
	X(GS_RNG_CONTINUITY, 18)      /* seeing the same worker again */ \
	X(GS_RNG_RESOURCE, 19)        /* need for, and stay in, the resource */ \
	X(GS_RNG_BARRIER, 20)         /* contacts brought by system barriers */ \
	X(GS_RNG_STAY, 21)            /* time a case holds the resource */ \
	X(GS_RNG_GIVE_UP, 22)         /* giving up while chasing a waiting case */ \
	X(GS_RNG_RETURN_DELAY, 23)    /* when a bounced citizen comes back */ \
	X(GS_RNG_WORK_SIZE, 26)       /* how much work a case turns out to need */ \
	X(GS_RNG_RECATEGORISE, 27)    /* a breached case recorded in another category */ \
	X(GS_RNG_JUDGEMENT, 28)       /* a worker's judgement: how much they take on */ \
	X(GS_RNG_MANAGER_TRAITS, 29)  /* a team's manager: pressure style, integrity, stewardship */ \
	X(GS_RNG_WORKER_TRAITS, 30)   /* a worker's public-service motivation and integrity */

enum gs_stream {
#define GS_STREAM_ENUM(name, value) name = value,
	GS_RNG_MODEL_PURPOSES(GS_STREAM_ENUM)
#undef GS_STREAM_ENUM
};

#endif
