/*
 * manager.h - team managers (docs/ODD.md, 7.8 Managers).
 *
 * Managers watch recorded measures only. At the end of each review period
 * (regime.review_period) a team's manager compares the recorded share of
 * its measured cases closed within target with the team's target: a
 * shortfall is pressed on the workers (gs_team_pressure); a target met is
 * ratcheted up by regime.target_ratchet (at most 1). As stewards, managers
 * remove system barriers: each tick a team's barriers fall by
 * regime.stewardship per year. An event that changes regime.target_level
 * or service.barrier resets every team's target or barriers.
 */
#ifndef GS_MANAGER_H
#define GS_MANAGER_H

#include "models/world.h"

int gs_manager_phase(struct gs_world *w);

/*
 * gs_managers_init - each team's manager draws its traits from a stream of
 * its own (team, GS_RNG_MANAGER_TRAITS), the same in every arm of a
 * replication: pressure style, integrity (the gaming tolerated) and
 * stewardship skill, each gs_spread_factor of its workforce.manager_*_sd.
 */
void gs_managers_init(struct gs_world *w);

/*
 * gs_manager_review - the general rule of a review: the shortfall of the
 * recorded share within target below the team's target (which drives the
 * pressure felt), and the ratchet if the target was met (mechanism.ratchet).
 */
void gs_manager_review(struct gs_world *w, size_t team);

#endif
