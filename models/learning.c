/*
 * learning.c - learning cycles: skill and shared know-how from protected time.
 */
#include "models/learning.h"

#include "models/worker.h"

int gs_learning_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	if (!p->mechanism.learning || p->regime.learning_time <= 0)
		return 0;
	double h = gs_worker_hours(w) * p->regime.learning_time;
	for (size_t i = 0; i < w->n_workers; i++) {
		if (w->w_status[i] != GS_W_PRESENT)
			continue;
		double cx = 1 + p->workforce.complexity_learning * (w->w_cx[i] - 1) / 7.0;
		double s = w->w_skill[i];
		s += p->workforce.learning_rate * h * (1 - s) * cx;
		w->w_skill[i] = (float)(s > 1 ? 1 : s);
		struct gs_team *tm = &w->team[w->w_team[i]];
		tm->knowhow += p->workforce.knowhow_rate * h * (1 - tm->knowhow);
	}
	return 0;
}
