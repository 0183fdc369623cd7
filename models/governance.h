/*
 * governance.h - the governance model as the framework sees it: one
 * descriptor (sim/core/model.h) with its presets, its world, the phases of
 * its time step, how it reacts to events and how it measures.
 */
#ifndef GS_GOVERNANCE_H
#define GS_GOVERNANCE_H

#include "sim/core/model.h"

extern const struct gs_model gs_governance;

/* The phases of one tick, in order; NULL-terminated. */
extern const struct gs_phase gs_governance_phases[];

#endif
