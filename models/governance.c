/*
 * governance.c - the governance model's descriptor: the one place that
 * names the mechanisms' phases in order and ties the world to the
 * framework.
 */
#include "models/governance.h"

#include <string.h>

#include "models/casework.h"
#include "models/census.h"
#include "models/citizen.h"
#include "models/closure.h"
#include "models/contact.h"
#include "models/costs.h"
#include "models/downstream.h"
#include "models/learning.h"
#include "models/manager.h"
#include "models/measure.h"
#include "models/presets.h"
#include "models/worker.h"
#include "models/world.h"

/*
 * The time step. The order is part of the model: needs change and citizens
 * decide before the service sees their contacts; workers work what was
 * queued; closures then tell citizens how they fared.
 */
const struct gs_phase gs_governance_phases[] = {
	{"needs", gs_citizen_phase},           /* needs arise, escalate, self-resolve; citizens decide to contact */
	{"contact", gs_contact_phase},         /* value and failure demand; cases opened and queued; chasing */
	{"casework", gs_casework_phase},       /* each team: triage (reclassification), then its workers' hours */
	{"downstream", gs_downstream_phase},   /* finished cases needing the resource get a free unit */
	{"closure", gs_closure_phase},         /* cases closed and recorded (gaming, audit); needs met or bounced */
	{"workers", gs_worker_phase},          /* motivation, trust in management, stress; sick leave, leaving */
	{"learning", gs_learning_phase},       /* protected learning hours raise skill and know-how */
	{"managers", gs_manager_phase},        /* review periods: pressure and ratchet; stewardship */
	{"costs", gs_cost_phase},              /* hours by use; cost of workers, managers, resource */
	{NULL, NULL},
};

static void begin_tick(struct gs_world *w, int32_t t)
{
	w->tick = t;
	gs_game_levers(w, t);
	/* the exponentials of ages up to today, for severity and wellbeing (a table: the same values) */
	gs_census_decay_extend(w, t);
}

/* An event changed a parameter the world keeps state from. */
static int changed(struct gs_world *w, enum gs_param_id row, int cls, union gs_value old)
{
	switch (row) {
	case GS_P_class_need_rate: /* the arrivals already drawn move to the new rate */
		return gs_citizens_rate_changed(w, cls, old.d, w->p->cls[cls].need_rate);
	case GS_P_regime_target_level:
		w->reset_targets = true;
		return 0;
	case GS_P_service_barrier:
		w->reset_barriers = true;
		return 0;
	default:
		return 0;
	}
}

static void measure(struct gs_world *w, struct gs_run_result *r, size_t n_time, size_t col)
{
	gs_measure_teams(w, r->team_series, r->n_teams, n_time, col);
	gs_measure_interval(w, r->series, r->class_series, n_time, col);
}

static void finish(const struct gs_world *w, struct gs_run_result *r, size_t n_bins)
{
	r->events = w->n_events;
	(void)n_bins; /* the world's histograms have as many bins */
	gs_hists_total(&w->hist, 0, false, r->hist_recorded);
	gs_hists_total(&w->hist, 1, false, r->hist_true);
	if (r->hist_recorded_class && r->hist_true_class) {
		gs_hists_total(&w->hist, 0, true, r->hist_recorded_class);
		gs_hists_total(&w->hist, 1, true, r->hist_true_class);
	}
}

const struct gs_model gs_governance = {
	.name = "governance",
	.phases = gs_governance_phases,
	.presets = gs_presets,
	.alloc = gs_world_alloc,
	.free = gs_world_free,
	.begin_tick = begin_tick,
	.changed = changed,
	.measure = measure,
	.finish = finish,
};
