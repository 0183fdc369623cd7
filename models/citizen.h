/*
 * citizen.h - citizens and their needs (docs/ODD.md, 7.1 Needs; 7.2 Contact
 * and failure demand; 7.11 Citizens' wellbeing and trust).
 */
#ifndef GS_CITIZEN_H
#define GS_CITIZEN_H

#include "models/world.h"

/* gs_citizens_init - draw every citizen's class, strengths and trust, and schedule its first need. */
int gs_citizens_init(struct gs_world *w);

/*
 * gs_citizen_phase - wake the citizens due this tick, in citizen order:
 * needs arrive, escalate, resolve on their own, and citizens decide to
 * contact; contacts are proposed in w->contacts for the contact phase.
 */
int gs_citizen_phase(struct gs_world *w);

/* gs_citizen_replan - plan c's pending need afresh from tick t (contact or self-resolution). */
void gs_citizen_replan(struct gs_world *w, int32_t c, int32_t t);

/*
 * gs_citizens_rate_changed - class k's need rate changed (an event) from
 * old_rate to new_rate [1/y]: every pending arrival of the class is moved
 * so that its remaining exponential budget burns at the new rate.
 */
int gs_citizens_rate_changed(struct gs_world *w, int k, double old_rate, double new_rate);

#endif
