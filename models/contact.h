/*
 * contact.h - contacts with the service and triage (docs/ODD.md, 7.2 Contact
 * and failure demand; 7.3 Triage and classification).
 */
#ifndef GS_CONTACT_H
#define GS_CONTACT_H

#include "models/world.h"

/*
 * gs_contact_phase - apply this tick's proposed contacts in citizen order.
 * The first contact about a need is value demand, every further one
 * failure demand. A contact without an open case opens one, which triage
 * classifies and queues at the citizen's team; every contact takes
 * service.contact_hours of the team's time.
 */
int gs_contact_phase(struct gs_world *w);

/*
 * gs_contact_count - count a contact by c, of team `team`, about its open
 * need at tick t: value demand if it is the first, failure demand
 * otherwise; it takes service.contact_hours of the team's time.
 */
void gs_contact_count(struct gs_world *w, int32_t c, int32_t team, int32_t t);

#endif
