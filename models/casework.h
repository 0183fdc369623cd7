/*
 * casework.h - work and resolution, premature closure and rationing under
 * payment by results (docs/ODD.md, 7.5 Work and resolution; pattern P5:
 * docs/patterns.md).
 */
#ifndef GS_CASEWORK_H
#define GS_CASEWORK_H

#include <stdbool.h>

#include "models/world.h"

/*
 * gs_casework_phase - every team's present workers spend this tick's hours:
 * contact handling first (at most service.contact_share_max of the team's
 * hours), then the case in hand, then the next cases in queue order (a
 * case waiting for a particular worker, by continuity, is left to them).
 *
 * Taking a case, the worker makes an offer: the presenting component and
 * each further one with probability regime.discretion; under pressure, near
 * the target, possibly a premature closure (30% of one component's hours,
 * nothing resolved); under payment by outcome, when the expected payment
 * does not cover the whole offer, a holding appointment that parks the
 * client (the same 30%, nothing resolved). Finished cases
 * go to closure, or first to the downstream resource if they need it.
 */
int gs_casework_phase(struct gs_world *w);

/*
 * gs_casework_hours - hours a worker of skill `skill` needs for `n`
 * components of c's need: n x hours_per_component x (1.5 - skill) x
 * (1 - standardisation x standard_saving) x (1 - coproduction x strengths
 * x trust). Seen by the worker who knows them: x (1 - continuity_saving).
 */
double gs_casework_hours(const struct gs_world *w, int32_t c, int n, double skill);

/*
 * gs_casework_offer - the general rule of the offer: the presenting
 * component, and each further one of the `left` with probability
 * 1 - (1 - regime.discretion) x (1 - regime.standardisation x
 * class.routine_share): taken on by the worker's choice (mechanism.
 * discretion) or, if routine, by the standard procedure.
 */
int gs_casework_offer(struct gs_world *w, int32_t worker, int32_t id, int left);

/*
 * gs_resolve_probability - chance that the worker's work resolves an
 * addressed component: min(1, resolve_base + resolve_skill x skill +
 * resolve_knowhow x team know-how [+ continuity_resolve]) x (1 - barriers).
 */
double gs_resolve_probability(const struct gs_world *w, int32_t worker, int cls, bool known);

/*
 * gs_casework_between_visits - is case id active but in no worker's hand:
 * it has had its visit for today (service.visit_hours) and waits for the
 * next? Never with service.visit_hours = 0.
 */
bool gs_casework_between_visits(const struct gs_world *w, int32_t id);

#endif
