/*
 * worker.c - workers: teams, skill, motivation (crowding out), trust in
 * management, stress, sick leave, leaving and recruitment of novices.
 *
 * Motivation relaxes towards (autonomy + competence + trust in management)
 * / 3 (self-determination: Deci & Ryan; crowding-out: Falk & Kosfeld 2006);
 * trust in management relaxes towards 1 - control, where control is the
 * pressure felt plus expected sanctions plus the reporting burden
 * (Bernstrom & Svare 2017). Stress rises with the demands of the job,
 * overload and target pressure, buffered by control over it, autonomy
 * (Karasek's demand-control model), and recovers with slack. Sick-leave and
 * leaving hazards rise with stress, leaving also with low motivation.
 */
#include "models/worker.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "models/queue.h"
#include "models/regime.h"
#include "sim/core/rng.h"

static double clip01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void start_worker(struct gs_world *w, int32_t i, double skill)
{
	const struct gs_params *p = w->p;
	w->w_skill[i] = (float)skill;
	w->w_case[i] = -1;
	w->w_visit[i] = 0;
	w->w_status[i] = GS_W_PRESENT;
	w->w_until[i] = GS_NEVER;
	/* public-service motivation and integrity: traits of the worker (a stream of its own) */
	gs_rng_at(w->rng, w->seed, (uint32_t)i, (uint32_t)(w->tick > 0 ? w->tick : 0),
		  GS_RNG_WORKER_TRAITS);
	double z_psm = gsl_ran_gaussian(w->rng, 1);
	double z_gaming = gsl_ran_gaussian(w->rng, 1);
	w->w_psm[i] = (float)(p->workforce.worker_motivation_sd * z_psm);
	w->w_gaming[i] = (float)gs_spread_factor(p->workforce.worker_integrity_sd, z_gaming);
	/* without mechanism.motivation, every worker's motivation stays at motivation_initial */
	w->w_motivation[i] = (float)clip01(p->workforce.motivation_initial +
					   (p->mechanism.motivation ? w->w_psm[i] : 0));
	w->w_trust[i] = (float)p->workforce.trust_initial;
	w->w_stress[i] = 0;
	w->w_competence[i] = (float)p->workforce.competence_initial;
	w->w_cx[i] = 1;
	w->w_overloaded[i] = 0;
	w->w_offered[i] = w->w_offer_left[i] = 0;
	/* how much this worker takes on when free to choose (a stream of its own) */
	gs_rng_at(w->rng, w->seed, (uint32_t)i, (uint32_t)(w->tick > 0 ? w->tick : 0),
		  GS_RNG_JUDGEMENT);
	w->w_judgement[i] = (float)gsl_ran_gaussian(w->rng, 1);
}

int gs_workers_init(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	size_t per = (size_t)p->workforce.workers_per_team;
	for (size_t i = 0; i < w->n_workers; i++) {
		gs_rng_at(w->rng, w->seed, (uint32_t)i, 0, GS_RNG_WORKER_INIT);
		double s = p->workforce.skill_initial + gsl_ran_gaussian(w->rng, p->workforce.skill_sd);
		w->w_team[i] = (int32_t)(i / per);
		start_worker(w, (int32_t)i, clip01(s));
	}
	return 0;
}

double gs_worker_hours(const struct gs_world *w)
{
	return w->p->workforce.hours_per_day * w->p->simulation.tick / GS_MIN_PER_DAY;
}

double gs_worker_casework_hours(const struct gs_world *w, size_t team)
{
	double learning = gs_team_lever(w, team, GS_LEVER_LEARNING, w->p->regime.learning_time);
	double share = 1 - w->p->regime.reporting_burden - learning;
	return gs_worker_hours(w) * (share > 0 ? share : 0);
}

double gs_team_target_pressure(const struct gs_world *w, size_t t)
{
	return gs_team_lever(w, t, GS_LEVER_PRESSURE, w->p->regime.target_pressure);
}

bool gs_team_honest(const struct gs_world *w, size_t t)
{
	return gs_team_lever(w, t, GS_LEVER_HONEST, 0) > 0.5;
}

void gs_worker_practice(struct gs_world *w, int32_t worker, int components)
{
	float s = w->w_skill[worker];
	float room = (float)w->p->workforce.skill_max - s;
	if (room > 0)
		w->w_skill[worker] = s + (float)(w->p->workforce.skill_from_practice * room);
	/* the complexity of recent cases: exponential average over ~20 cases */
	w->w_cx[worker] += (float)(1.0 / w->p->workforce.memory_cases * (components - w->w_cx[worker]));
}

void gs_worker_outcome(struct gs_world *w, int32_t worker, double met)
{
	w->w_competence[worker] += (float)(1.0 / w->p->workforce.memory_cases * (met - w->w_competence[worker]));
}

double gs_team_pressure(const struct gs_world *w, size_t t)
{
	const struct gs_params *p = w->p;
	double base = p->workforce.pressure_on_target;
	double extra = p->mechanism.pressure
			       ? fmin(1 - base, p->workforce.pressure_shortfall * w->team[t].shortfall)
			       : 0;
	/* the manager's pressure style: some press harder than the regime asks */
	return fmin(1, gs_team_target_pressure(w, t) * (base + extra) * w->team[t].m_pressure);
}

double gs_gaming(const struct gs_world *w, size_t team, double motivation)
{
	const struct gs_params *p = w->p;
	if (motivation < 0) {
		size_t per = (size_t)p->workforce.workers_per_team, n = 0;
		double sum = 0;
		for (size_t k = 0; k < per; k++) {
			size_t i = team * per + k;
			if (w->w_status[i] != GS_W_VACANT) {
				sum += w->w_motivation[i];
				n++;
			}
		}
		motivation = n ? sum / (double)n : p->workforce.motivation_initial;
	}
	double deter = exp(-p->workforce.deterrence * p->regime.audit_probability *
			   p->regime.audit_penalty * (p->mechanism.audit ? 1 : 0));
	/* what the team's manager tolerates or encourages */
	return fmin(1, gs_team_pressure(w, team) * (1 - motivation) * deter * w->team[team].m_gaming);
}

double gs_worker_gaming(const struct gs_world *w, int32_t worker)
{
	size_t team = (size_t)w->w_team[worker];
	if (gs_team_honest(w, team))
		return 0; /* a manager who reports honestly: no gaming in the team */
	return fmin(1, w->rules->gaming(w, team, w->w_motivation[worker]) * w->w_gaming[worker]);
}

double gs_team_gaming(const struct gs_world *w, size_t team)
{
	if (gs_team_honest(w, team))
		return 0;
	size_t per = (size_t)w->p->workforce.workers_per_team, n = 0;
	double sum = 0;
	for (size_t k = 0; k < per; k++) {
		size_t i = team * per + k;
		if (w->w_status[i] != GS_W_VACANT) {
			sum += w->w_gaming[i];
			n++;
		}
	}
	return fmin(1, w->rules->gaming(w, team, -1) * (n ? sum / (double)n : 1.0));
}

void gs_worker_sanction(struct gs_world *w, int32_t worker)
{
	double pen = w->p->regime.audit_penalty;
	if (w->p->mechanism.stress)
		w->w_stress[worker] = (float)clip01(w->w_stress[worker] + w->p->workforce.sanction_stress * pen);
	if (w->p->mechanism.motivation)
		w->w_trust[worker] = (float)clip01(w->w_trust[worker] - w->p->workforce.sanction_trust * pen);
}

/*
 * The case in hand goes back to the queue (whoever takes it next makes a
 * new offer, unless it was offered under service.visit_hours); with
 * service.visit_hours, one that has had hours today waits between visits
 * for the next day instead (a colleague takes it then if i is still away).
 */
static int drop_case(struct gs_world *w, int32_t i)
{
	int32_t id = w->w_case[i];
	w->w_case[i] = -1;
	if (id < 0)
		return 0;
	if (w->p->service.visit_hours > 0 && w->w_visit[i] > 0)
		return gs_queue_hold(w, (size_t)w->w_team[i], id);
	w->cases.rec[id].status = GS_CASE_QUEUED;
	w->cases.rec[id].worker = -1;
	return gs_queue_push(&w->queue[w->w_team[i]], id);
}

static double hazard_p(double per_year, const struct gs_params *p)
{
	return 1 - exp(-gs_per_tick(p, per_year));
}

/* Sick leave, leaving, return and recruitment of worker i at tick t. */
static int turnover(struct gs_world *w, int32_t i, int32_t t)
{
	const struct gs_params *p = w->p;
	if (w->w_status[i] != GS_W_PRESENT) {
		if (w->w_until[i] > t)
			return 0;
		if (w->w_status[i] == GS_W_SICK) {
			w->w_status[i] = GS_W_PRESENT;
		} else { /* a novice fills the post */
			start_worker(w, i, p->workforce.novice_skill);
		}
		w->w_until[i] = GS_NEVER;
		return 0;
	}
	if (!p->mechanism.turnover)
		return 0;
	double s = w->w_stress[i], m = w->w_motivation[i];
	double p_sick = hazard_p(p->workforce.sick_rate * (1 + p->workforce.sick_stress * s +
							   p->workforce.sick_motivation * (1 - m)),
				 p);
	double p_leave = hazard_p(p->workforce.leave_rate * (1 + p->workforce.leave_stress * s +
							     p->workforce.leave_motivation * (1 - m)),
				  p);
	double u =
		gs_rng_uniform_at(w->rng, w->seed, (uint32_t)i, (uint32_t)t, GS_RNG_WORKER_HAZARD);
	if (u < p_leave) {
		if (drop_case(w, i))
			return -1;
		w->w_status[i] = GS_W_VACANT;
		double until = t + ceil(p->workforce.recruitment_delay);
		w->w_until[i] = until > GS_NEVER - 1 ? GS_NEVER - 1 : (int32_t)until;
		w->tally.leavers++;
		w->team_tally[w->w_team[i]].leavers++;
		struct gs_team *tm = &w->team[w->w_team[i]];
		tm->knowhow *= 1 - p->workforce.knowhow_loss / (double)p->workforce.workers_per_team;
	} else if (u < p_leave + p_sick) {
		if (drop_case(w, i))
			return -1;
		w->w_status[i] = GS_W_SICK;
		double d = gsl_ran_exponential(w->rng, p->workforce.sick_duration);
		double until = t + (d < 1 ? 1 : ceil(d));
		w->w_until[i] = until > GS_NEVER - 1 ? GS_NEVER - 1 : (int32_t)until;
	}
	return 0;
}

int gs_worker_phase(struct gs_world *w)
{
	const struct gs_params *p = w->p;
	int32_t t = w->tick;
	double days = p->simulation.tick / GS_MIN_PER_DAY;
	double relax = 1 - exp(-1.0 / p->workforce.motivation_time);
	double autonomy = p->mechanism.discretion ? p->regime.discretion : 0;
	double sanctions = p->mechanism.audit ? p->regime.audit_probability * p->regime.audit_penalty : 0;
	for (size_t i = 0; i < w->n_workers; i++) {
		int32_t k = (int32_t)i;
		size_t team = (size_t)w->w_team[k];
		if (w->w_status[k] == GS_W_PRESENT) {
			double felt = gs_team_pressure(w, team);
			if (p->mechanism.motivation) {
				double control = clip01(felt + sanctions + p->regime.reporting_burden);
				w->w_trust[k] += (float)(relax * (1 - control - w->w_trust[k]));
				double level = (autonomy + w->w_competence[k] + w->w_trust[k]) / 3;
				if (w->w_psm[k] != 0) /* the worker's own public-service motivation */
					level = clip01(level + w->w_psm[k]);
				w->w_motivation[k] += (float)(relax * (level - w->w_motivation[k]));
			}
			if (p->mechanism.stress) {
				/* job strain: demands (overload, pressure) buffered by control (autonomy) */
				double over = w->w_overloaded[k];
				double s = w->w_stress[k];
				s += days * (p->workforce.stress_rate * (over + felt) *
						     (1 - p->workforce.autonomy_buffer * autonomy) -
					     p->workforce.stress_recovery * s * (1 - over));
				w->w_stress[k] = (float)clip01(s);
			}
		}
		w->w_overloaded[k] = 0;
		if (turnover(w, k, t))
			return -1;
	}
	return 0;
}
