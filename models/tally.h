/*
 * tally.h - what an output interval counts: flows named after the metrics
 * they become (sim/core/metrics.def), and the parts behind the interval's
 * shares and means. A tally is doubles only, so that the blocks of a
 * parallel phase add theirs up field by field, in block order.
 */
#ifndef GS_TALLY_H
#define GS_TALLY_H

#include "sim/core/params.h"

/* Flows of the interval, each the value of the metric of the same name. */
#define GS_TALLY_FLOWS(X)                                                                  \
	X(needs_arising) X(needs_met) X(needs_met_self) X(needs_abandoned)                 \
	X(contacts_value) X(contacts_failure) X(contacts_chasing) X(contacts_repeat)       \
	X(contacts_handoff) X(cases_opened) X(cases_closed) X(hours_casework)              \
	X(hours_contact) X(hours_reporting) X(hours_learning) X(hours_idle)                \
	X(hours_coproduced) X(leavers) X(premature_closures) X(cases_parked)               \
	X(records_manipulated) X(reclassifications) X(audit_catches) X(cases_measured)     \
	X(payments) X(cost_total)

/* Parts of the interval's shares and means (measure.c divides them). */
#define GS_TALLY_PARTS(X)                                                                  \
	X(needs_met_service)  /* needs met by the service */                               \
	X(closed_within_rec)  /* measured cases closed within target by their record */    \
	X(met_within_true)    /* needs met within target of their first contact */        \
	X(ttc_rec_sum)        /* [ticks] recorded times to close, summed */               \
	X(ttc_true_sum)       /* [ticks] true times to close of needs met by the service */

/* Flows by demand class, each the per-class metric of the same name. */
#define GS_TALLY_CLASS_FLOWS(X)                                                            \
	X(needs_arising) X(needs_met) X(needs_met_service) X(contacts_value)               \
	X(contacts_failure) X(cases_closed) X(hours_casework) X(premature_closures)

/* Parts of per-class means. */
#define GS_TALLY_CLASS_PARTS(X) X(ttc_true_sum)

struct gs_class_tally {
#define GS_TALLY_CLASS_FIELD(name) double name[GS_MAX_CLASSES];
	GS_TALLY_CLASS_FLOWS(GS_TALLY_CLASS_FIELD)
	GS_TALLY_CLASS_PARTS(GS_TALLY_CLASS_FIELD)
#undef GS_TALLY_CLASS_FIELD
};

struct gs_tally {
#define GS_TALLY_FIELD(name) double name;
	GS_TALLY_FLOWS(GS_TALLY_FIELD)
	GS_TALLY_PARTS(GS_TALLY_FIELD)
#undef GS_TALLY_FIELD
	struct gs_class_tally by_class;
};

#define GS_TALLY_ONE(name) +1
_Static_assert(sizeof(struct gs_tally) ==
		       sizeof(double) * (0 GS_TALLY_FLOWS(GS_TALLY_ONE) GS_TALLY_PARTS(GS_TALLY_ONE) +
					 GS_MAX_CLASSES * (0 GS_TALLY_CLASS_FLOWS(GS_TALLY_ONE)
								   GS_TALLY_CLASS_PARTS(GS_TALLY_ONE))),
	       "a tally is doubles only: blocks add tallies up as arrays of doubles");
#undef GS_TALLY_ONE

/* gs_tally_add - add every count of `from` to `to`. */
static inline void gs_tally_add(struct gs_tally *to, const struct gs_tally *from)
{
	double *a = (double *)to;
	const double *b = (const double *)from;
	for (size_t i = 0; i < sizeof(*to) / sizeof(double); i++)
		a[i] += b[i];
}

#endif
