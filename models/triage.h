/*
 * triage.h - classification and reclassification gaming (docs/ODD.md, 7.3
 * Triage and classification).
 */
#ifndef GS_TRIAGE_H
#define GS_TRIAGE_H

#include "models/world.h"

/*
 * gs_triage_phase - a measured case still waiting when three quarters of
 * the time target have passed is likely to breach: once, the team may move
 * it out of the measured category, with probability
 * workforce.reclassify_base x gs_gaming(team) (mechanism.triage).
 */
int gs_triage_phase(struct gs_world *w);

#endif
