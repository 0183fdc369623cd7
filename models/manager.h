/*
 * manager.h - team managers (MODEL.md §4.8, 4.9): targets and review periods.
 */
#ifndef GS_MANAGER_H
#define GS_MANAGER_H

#include "world.h"

/*
 * gs_manager_phase - at the end of each review period (regime.review_period)
 * managers look at the recorded share of cases closed within target; if it
 * met the target, the target is ratcheted up by regime.target_ratchet (at
 * most 1). An event that changes regime.target_level resets the target.
 */
int gs_manager_phase(struct gs_world *w);

#endif
