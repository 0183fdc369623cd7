/*
 * learning.h - learning cycles (docs/ODD.md, 7.9 Learning): protected
 * learning hours raise workers' skill and teams' shared know-how.
 */
#ifndef GS_LEARNING_H
#define GS_LEARNING_H

#include "models/world.h"

/*
 * gs_learning_phase - each present worker's learning hours h = paid hours x
 * regime.learning_time raise skill by learning_rate x h x (1 - skill) x
 * (1 + complexity_learning x (mean components of recent cases - 1) / 7),
 * and the team's know-how by knowhow_rate x h x (1 - know-how).
 */
int gs_learning_phase(struct gs_world *w);

#endif
