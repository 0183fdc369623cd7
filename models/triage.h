/*
 * triage.h - classification and reclassification gaming (docs/ODD.md, 7.3
 * Triage and classification).
 */
#ifndef GS_TRIAGE_H
#define GS_TRIAGE_H

#include "models/world.h"

/*
 * gs_triage_team - a measured case of team's queue still waiting when three
 * quarters of the time target have passed is likely to breach: once, the
 * team may move it out of the measured category, with probability
 * workforce.reclassify_base x gs_gaming(team) (mechanism.triage). Each
 * team's casework starts with it (casework.h). Returns 0.
 */
int gs_triage_team(struct gs_world *w, size_t team);

#endif
