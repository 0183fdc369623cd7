/*
 * learning.c - learning cycles and forgetting: skill and shared know-how
 * grow from protected time, with diminishing returns towards a plateau
 * (workforce.skill_max), and decay without it (workforce.skill_forgetting,
 * workforce.knowhow_forgetting).
 */
#include "models/learning.h"

#include <math.h>
#include <stdbool.h>

#include "models/worker.h"

int gs_learning_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	double h = p->mechanism.learning ? gs_worker_hours(w) * p->regime.learning_time : 0;
	bool by_team = w->levers && p->mechanism.learning; /* a game's learning time per team */
	bool forget = p->mechanism.forgetting;
	double keep_skill = forget ? exp(-gs_per_tick(p, p->workforce.skill_forgetting)) : 1;
	double keep_knowhow = forget ? exp(-gs_per_tick(p, p->workforce.knowhow_forgetting)) : 1;
	if (h <= 0 && !by_team && keep_skill >= 1 && keep_knowhow >= 1)
		return 0; /* nothing learnt, nothing forgotten: no pass over the workers */
	double floor_skill = p->workforce.novice_skill;
	if (keep_knowhow < 1)
		for (size_t t = 0; t < w->n_teams; t++)
			w->team[t].knowhow *= keep_knowhow;
	for (size_t i = 0; i < w->n_workers; i++) {
		if (w->w_status[i] != GS_W_PRESENT)
			continue;
		double s = w->w_skill[i];
		if (by_team)
			h = gs_worker_hours(w) * gs_team_lever(w, (size_t)w->w_team[i], GS_LEVER_LEARNING,
							       p->regime.learning_time);
		if (keep_skill < 1 && s > floor_skill)
			s = floor_skill + (s - floor_skill) * keep_skill;
		if (h > 0) {
			double cx = 1 + p->workforce.complexity_learning * (w->w_cx[i] - 1) / 7.0;
			double room = p->workforce.skill_max - s;
			if (room > 0)
				s = fmin(p->workforce.skill_max,
					 s + p->workforce.learning_rate * h * room * cx);
			struct gs_team *tm = &w->team[w->w_team[i]];
			tm->knowhow += p->workforce.knowhow_rate * h * (1 - tm->knowhow);
		}
		w->w_skill[i] = (float)(s > 1 ? 1 : s);
	}
	return 0;
}
