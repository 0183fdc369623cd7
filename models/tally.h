/*
 * tally.h - what an output interval counts: flows named after the metrics
 * they become (sim/core/metrics.def), and the parts behind the interval's
 * shares and means. A tally is doubles only, so that the blocks of a
 * parallel phase add theirs up field by field, in block order.
 */
#ifndef GS_TALLY_H
#define GS_TALLY_H

#include "sim/core/params.h"

#include <stddef.h>

/*
 * Flows of the interval: struct gs_tally has a field for every FLOW metric
 * of metrics.def, named after it (GS_TALLY_IF_<KIND> picks the flows), and
 * measure.c copies each into its metric: a new flow metric is its line in
 * metrics.def and the code that counts it.
 */
#define GS_TALLY_IF_STOCK(name)
#define GS_TALLY_IF_WEIGHTED(name)
#define GS_TALLY_IF_RATIO(name)

/* Parts of the interval's shares and means (measure.c divides them). */
#define GS_TALLY_PARTS(X)                                                                  \
	X(needs_met_service)  /* needs met by the service */                               \
	X(closed_within_rec)  /* measured cases closed within target by their record */    \
	X(closed_within_audited) /* measured cases closed within target by their true record */ \
	X(met_within_true)    /* needs met within target of their first contact */        \
	X(ttc_rec_sum)        /* [ticks] recorded times to close, summed */               \
	X(ttc_true_sum)       /* [ticks] true times to close of needs met by the service */

/* Parts of per-class means. */
#define GS_TALLY_CLASS_PARTS(X) X(ttc_true_sum)

/* by class: one array for every FLOW per-class metric, named after it */
struct gs_class_tally {
#define GS_TALLY_IF_FLOW(name) double name[GS_MAX_CLASSES];
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
#define GS_TALLY_CLASS_FIELD(name) double name[GS_MAX_CLASSES];
	GS_TALLY_CLASS_PARTS(GS_TALLY_CLASS_FIELD)
#undef GS_TALLY_CLASS_FIELD
};

struct gs_tally {
#define GS_TALLY_IF_FLOW(name) double name;
#define GS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#define GS_CLASS_METRIC(name, ...)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
#define GS_TALLY_FIELD(name) double name;
	GS_TALLY_PARTS(GS_TALLY_FIELD)
#undef GS_TALLY_FIELD
	struct gs_class_tally by_class;
};

/*
 * by team: a field for every FLOW per-team metric, named after it, and the
 * parts of the team's shares. Each team's tally is its own (w->team_tally):
 * only the block of that team, or a phase that is not parallel, counts in it.
 */
#define GS_TALLY_TEAM_PARTS(X)                                                             \
	X(closed_within_rec)  /* measured cases closed within target by their record */    \
	X(closed_within_audited) /* the same by their true record */                       \
	X(met_within_true)    /* needs met within target of their first contact */

struct gs_team_tally {
#define GS_TALLY_IF_FLOW(name) double name;
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, ...)
#define GS_TEAM_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#include "sim/core/metrics.def"
#undef GS_TEAM_METRIC
#undef GS_CLASS_METRIC
#undef GS_METRIC
#undef GS_TALLY_IF_FLOW
#define GS_TALLY_TEAM_FIELD(name) double name;
	GS_TALLY_TEAM_PARTS(GS_TALLY_TEAM_FIELD)
#undef GS_TALLY_TEAM_FIELD
};

/* Every field a double: blocks add tallies up as arrays of doubles. */
#define GS_TALLY_IF_FLOW(name) +1
#define GS_TALLY_ONE(name) +1
enum {
	GS_TALLY_N_FLOWS = 0
#define GS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#define GS_CLASS_METRIC(name, ...)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
	,
	GS_TALLY_N_CLASS_FLOWS = 0
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, units, kind, ...) GS_TALLY_IF_##kind(name)
#include "sim/core/metrics.def"
#undef GS_CLASS_METRIC
#undef GS_METRIC
};
_Static_assert(sizeof(struct gs_tally) ==
		       sizeof(double) * (GS_TALLY_N_FLOWS + 0 GS_TALLY_PARTS(GS_TALLY_ONE) +
					 GS_MAX_CLASSES * (GS_TALLY_N_CLASS_FLOWS +
							   0 GS_TALLY_CLASS_PARTS(GS_TALLY_ONE))),
	       "a tally is doubles only: blocks add tallies up as arrays of doubles");
#undef GS_TALLY_ONE
#undef GS_TALLY_IF_FLOW

/* gs_tally_add - add every count of `from` to `to`. */
static inline void gs_tally_add(struct gs_tally *to, const struct gs_tally *from)
{
	double *a = (double *)to;
	const double *b = (const double *)from;
	for (size_t i = 0; i < sizeof(*to) / sizeof(double); i++)
		a[i] += b[i];
}

#endif
