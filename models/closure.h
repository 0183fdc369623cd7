/*
 * closure.h - closing cases and recording them (docs/ODD.md, 7.7 Closure,
 * recording and audit).
 */
#ifndef GS_CLOSURE_H
#define GS_CLOSURE_H

#include "models/world.h"

/*
 * gs_closure_phase - apply this tick's closures in the order proposed.
 * Records the case's time to close (recorded clock: recorded start to
 * closure). If no component of the need is left, the need is met (true
 * clock: first contact to now); otherwise the citizen, bounced, gives up
 * with probability population.abandon_probability x (1 - trust) or comes
 * back after about population.return_delay (failure demand).
 */
int gs_closure_phase(struct gs_world *w);

#endif
