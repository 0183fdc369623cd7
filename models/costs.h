/*
 * costs.h - what the service costs (docs/ODD.md, 7.12 Costs).
 */
#ifndef GS_COSTS_H
#define GS_COSTS_H

#include "models/world.h"

/*
 * gs_cost_phase - this tick's hours by use and costs: every worker in post
 * (present or sick) is paid workforce.hours_per_day pro rata at
 * cost.wage_per_hour, of which regime.reporting_burden and
 * regime.learning_time go to reporting and learning for those present;
 * each team's manager costs cost.manager_per_day; overhead adds cost.overhead
 * of both; occupied units of the downstream resource cost
 * downstream.cost_per_day. Payments to the provider are counted at closure.
 */
int gs_cost_phase(struct gs_world *w);

#endif
