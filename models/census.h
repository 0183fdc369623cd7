/*
 * census.h - the stocks of citizens that the output samples (mean wellbeing,
 * its 10th percentile, mean trust), kept up to date by events instead of
 * counted over every citizen at every output (docs/ODD.md, 4. Observation).
 *
 * A citizen with no open need relaxes towards wellbeing 1 at the one rate
 * 1/population.wellbeing_time from its anchor (wb at tick wb_t), so the sum
 * over all of them at tick t is
 *
 *   (citizens with no need) - sum over anchor ticks a of D[a] exp(-(t - a) / T)
 *
 * where D[a] is the sum of 1 - wb of those anchored at a. D is kept in
 * integers (fixed point, 2^-fx), added to when a need ends and taken from
 * when one arrives: integer sums do not depend on the order of the events,
 * so they are the same for any number of threads, and a removal takes back
 * exactly what its addition put in (no drift). Trust changes only at
 * events: its sum is kept the same way. Citizens with an open need (a few
 * per cent of them: the ones with something due) are evaluated one by one
 * at each output, found from a byte a citizen.
 *
 * The 10th percentile is exact: a citizen with no need anchored at a has
 * wellbeing at least 1 - exp(-(t - a) / T), so only the open ones and those
 * whose need ended recently can lie below a cutoff u; they are kept in a log
 * of (citizen, anchor, wb) ordered by anchor, and the percentile is
 * selected among those below u (u set from the previous output, widened
 * until more than the rank lie below it).
 */
#ifndef GS_CENSUS_H
#define GS_CENSUS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/params.h"

struct gs_world;

/* A citizen whose need ended: at anchor tick `tau`, with wellbeing `wb` [0..1] then. */
struct gs_census_entry {
	int32_t c, tau;
	float wb;
};

/* What the events of one thread add to the census (its own: no locks). */
struct gs_census_slot {
	int64_t trust;                 /* sum of trust [2^-fx] */
	int64_t *deficit;              /* [n_ticks + 1] by anchor tick: sum of 1 - wb [2^-fx] */
	struct gs_census_entry *log;   /* needs ended since the last output */
	size_t n_log, cap_log;
	bool lost;                     /* an entry was lost (out of memory): rebuild */
	char pad[64];                  /* slots of different threads on different cache lines */
};

struct gs_census {
	int fx;                        /* fixed-point bits of the integer sums */
	double scale;                  /* 2^fx */
	int32_t n_ticks;
	int n_slots;
	struct gs_census_slot *slot;   /* [n_slots], one per thread of a parallel phase */
	int32_t *none_since;           /* [n_cit] anchor tick of a citizen with no need, -1 if open */
	/*
	 * [n_cit] 1 while citizen c has an open need, else 0: an output
	 * finds the open needs from a quarter of the bytes none_since holds,
	 * 64 at a time (a byte, not a bit, a citizen: the threads of a phase
	 * change citizens next to each other, and a bit would need an atomic
	 * change, which waits for its cache line)
	 */
	uint8_t *open;
	struct gs_census_entry *log;   /* every citizen with no need (and stale entries), by anchor */
	size_t n_log, cap_log;
	float *cand;                   /* scratch: wellbeing values below the cutoff */
	size_t cap_cand;
	/*
	 * exp(-d / T) (row 0, T = population.wellbeing_time) and exp(-d / tau)
	 * (row 1 + k, tau = escalation_time of class k) for ages d [ticks] below
	 * decay_len: computed once each, the same values as gs_wellbeing's
	 */
	double *decay;                 /* [1 + n_classes][n_ticks + 1] */
	int32_t decay_len;
	double decay_time[1 + GS_MAX_CLASSES]; /* the time constants the rows hold [ticks] */
	double p10;                    /* the last 10th percentile (NAN before the first) */
	double margin;                 /* how far above it the last search's cutoff lay (0: none yet) */
	bool check;                    /* GOVSIM_CHECK=census: each measure also counts every citizen */
};

/*
 * gs_census_alloc - an empty census for n_cit citizens of n_classes
 * classes, n_ticks ticks, n_slots threads. Returns -1 if out of memory.
 */
int gs_census_alloc(struct gs_census *cs, size_t n_cit, int n_classes, int32_t n_ticks,
		    int n_slots);

void gs_census_free(struct gs_census *cs);

/*
 * gs_census_rebuild - the census recounted from every citizen's record
 * (after the citizens are made, or after their records were changed by
 * other means than the events below). Returns -1 if out of memory.
 */
int gs_census_rebuild(struct gs_world *w);

/* gs_census_need_ended - c's need ended: it has no need now, wellbeing anchored at wb_t. */
void gs_census_need_ended(struct gs_world *w, int32_t c);

/* gs_census_need_arrives - c, with no need, gets one: call before its wellbeing changes. */
void gs_census_need_arrives(struct gs_world *w, int32_t c);

/* gs_census_trust - c's trust changes from `from` to `to` [0..1]. */
void gs_census_trust(struct gs_world *w, int32_t c, float from, float to);

/*
 * gs_census_decay_extend - the decay table's rows made valid for ages
 * 0..now under the current time constants (recomputed whole when one of
 * them changed). Not while a parallel phase reads the table.
 */
void gs_census_decay_extend(struct gs_world *w, int32_t now);

/*
 * gs_census_decay - exp(-d / time) for an age d [ticks] and a time constant
 * `time` [ticks]: from the table's row `row` (0: wellbeing, 1 + k: class
 * k's escalation) when it holds age d for that constant, else computed;
 * the same value either way (the table holds the same expression's values).
 */
static inline double gs_census_decay(const struct gs_census *cs, int row, int32_t d, double time)
{
	if (d >= 0 && d < cs->decay_len && cs->decay_time[row] == time)
		return cs->decay[(size_t)row * ((size_t)cs->n_ticks + 1) + (size_t)d];
	return exp(-(double)d / time);
}

/*
 * gs_census_stocks - at tick `now` [ticks]: the sum of wellbeing, the sum of
 * trust and the 10th percentile of wellbeing (the floor(0.1 (n - 1))-th
 * smallest of the values gs_wellbeing gives, each as a float). Returns -1
 * if out of memory (the values are then NAN).
 */
int gs_census_stocks(struct gs_world *w, int32_t now, double *wb_sum, double *trust_sum,
		     double *p10);

/*
 * gs_census_compare - the census kept by events against the census counted
 * citizen by citizen at tick `now`: the integer sums exactly, the 10th
 * percentile exactly, the means of wellbeing and trust within
 * GS_CENSUS_WB_TOL and GS_CENSUS_TRUST_TOL. Returns 0, or -1 with a message
 * naming the metric, both values and the tolerance in err.
 */
int gs_census_compare(struct gs_world *w, int32_t now, char *err, size_t errlen);

/*
 * Tolerances of the census kept by events against the census of every
 * citizen, on the means: the full census rounds each citizen's wellbeing to
 * a float (at most 2^-25 off for values in [0.5, 1]), the kept one does not
 * (its fixed point is 2^-fx, fx >= 32); trust is a float itself, summed
 * exactly in fixed point.
 */
#define GS_CENSUS_WB_TOL (0x1p-25 + 1e-9)
#define GS_CENSUS_TRUST_TOL 1e-9

#endif
