/*
 * costs.c - hours by use and costs.
 */
#include "models/costs.h"

#include "models/worker.h"

int gs_cost_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	size_t present = 0, paid = 0;
	for (size_t i = 0; i < w->n_workers; i++) {
		present += w->w_status[i] == GS_W_PRESENT;
		paid += w->w_status[i] != GS_W_VACANT;
	}
	double h = gs_worker_hours(w);
	if (!w->levers) {
		double share = p->regime.reporting_burden + p->regime.learning_time;
		double scale = share > 1 ? 1 / share : 1;
		w->tally.hours_reporting += h * (double)present * p->regime.reporting_burden * scale;
		w->tally.hours_learning += h * (double)present * p->regime.learning_time * scale;
	} else {
		/* a game: each team's learning time is its manager's */
		size_t per = (size_t)p->workforce.workers_per_team;
		for (size_t t = 0; t < w->n_teams; t++) {
			size_t here = 0;
			for (size_t k = 0; k < per; k++)
				here += w->w_status[t * per + k] == GS_W_PRESENT;
			double learning = gs_team_lever(w, t, GS_LEVER_LEARNING, p->regime.learning_time);
			double share = p->regime.reporting_burden + learning;
			double scale = share > 1 ? 1 / share : 1;
			w->tally.hours_reporting += h * (double)here * p->regime.reporting_burden * scale;
			w->tally.hours_learning += h * (double)here * learning * scale;
		}
	}
	double days = p->simulation.tick / GS_MIN_PER_DAY;
	double wages = h * (double)paid * p->cost.wage_per_hour;
	double managers = (double)w->n_teams * p->cost.manager_per_day * days;
	double occupied = (double)(p->downstream.capacity - w->res_free);
	double provision = (wages + managers) * (1 + p->cost.overhead);
	double resource = occupied * p->downstream.cost_per_day * days;
	w->tally.cost_provision += provision;
	w->tally.cost_resource += resource;
	/*
	 * The commissioner pays for provision when the service is salaried;
	 * otherwise it pays the provider by case or outcome (closure.c adds the
	 * payments to cost_total as they are made) and the provider pays for
	 * provision out of them. The downstream resource is the commissioner's.
	 */
	if (p->regime.payment_model == GS_PAYMENT_SALARY)
		w->tally.cost_total += provision;
	w->tally.cost_total += resource;
	return 0;
}
