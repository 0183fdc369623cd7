/*
 * failure.h - failure demand (docs/ODD.md, 7.2 Contact and failure demand;
 * Seddon 2008): every contact about a need after the first. Citizens chase
 * open cases, come back when a case closed with their need unmet, and
 * system barriers (hand-offs, rules, corrections) bring them back once more.
 */
#ifndef GS_FAILURE_H
#define GS_FAILURE_H

#include "models/world.h"

/*
 * gs_failure_chase_due - c, whose case opened or who chased at tick t, will
 * chase again after half to one and a half of population.chase_interval
 * (people chase when a wait runs longer than expected) if the case is still
 * open; nothing with mechanism.failure_demand off.
 */
void gs_failure_chase_due(struct gs_world *w, int32_t c, int32_t t);

/*
 * gs_failure_return_due - c, bounced at tick t with the need unmet, comes
 * back after an exponential time of mean population.return_delay (with
 * mechanism.failure_demand off nobody comes back: closure.c ends the need,
 * given up, before it gets here).
 */
void gs_failure_return_due(struct gs_world *w, int32_t c, int32_t t);

/*
 * gs_failure_handoff - at a closure at tick t, with probability equal to the
 * system barriers of c's team `team` (the team of the case closed),
 * (mechanism.barriers), c makes one more contact about the same need; none
 * with mechanism.failure_demand off.
 */
void gs_failure_handoff(struct gs_world *w, int32_t c, int32_t team, int32_t t);

#endif
