/*
 * casework.h - work and resolution (MODEL.md §4.5).
 */
#ifndef GS_CASEWORK_H
#define GS_CASEWORK_H

#include "world.h"

/*
 * gs_casework_phase - every team's workers spend this tick's hours:
 * contact handling first, then the case in hand, then the next cases in
 * queue order. A finished case is proposed for closure in w->closures.
 *
 * Taking a case, the worker addresses the presenting component and each
 * further one with probability regime.discretion; hours per component
 * rise as skill falls (x (1.5 - skill)), fall with standardisation
 * (x (1 - standardisation x standard_saving)) and with co-production
 * (x (1 - coproduction x strengths x trust)). Each addressed component is
 * resolved with probability min(1, resolve_base + resolve_skill x skill),
 * and undone by system barriers with probability service.barrier.
 */
int gs_casework_phase(struct gs_world *w);

/* gs_casework_hours - hours a worker of skill `skill` needs for `n` components of c's need. */
double gs_casework_hours(const struct gs_world *w, int32_t c, int n, double skill);

#endif
