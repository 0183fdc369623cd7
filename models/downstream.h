/*
 * downstream.h - a scarce downstream resource (docs/ODD.md, 7.6 Downstream
 * resource), such as hospital beds: some cases need a unit of it to close.
 */
#ifndef GS_DOWNSTREAM_H
#define GS_DOWNSTREAM_H

#include "models/world.h"

/*
 * gs_downstream_phase - units whose stay ends this tick are freed; free
 * units go to the waiting cases in queue priority order (so under
 * breach-chasing, to those about to breach); a case given a unit closes now
 * and holds the unit for an exponential stay of mean downstream.stay.
 */
int gs_downstream_phase(struct gs_world *w);

#endif
