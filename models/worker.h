/*
 * worker.h - front-line workers (docs/ODD.md, 7.10 Workers): time, skill,
 * motivation, trust in management, stress, sick leave, leaving and
 * recruitment.
 */
#ifndef GS_WORKER_H
#define GS_WORKER_H

#include "models/world.h"

/* gs_workers_init - place workers in teams and draw their skill; everyone starts present. */
int gs_workers_init(struct gs_world *w);

/* gs_worker_hours - paid hours of one worker in one tick [h]. */
double gs_worker_hours(const struct gs_world *w);

/*
 * gs_worker_casework_hours - hours one present worker of `team` has for
 * contacts and cases in one tick [h] (the team's learning time: a game's
 * lever, else regime.learning_time).
 */
double gs_worker_casework_hours(const struct gs_world *w, size_t team);

/* gs_team_target_pressure - regime.target_pressure for team t (a game's lever overrides it). */
double gs_team_target_pressure(const struct gs_world *w, size_t t);

/* gs_team_honest - team t's manager chose honest reporting in a game: the team never games. */
bool gs_team_honest(const struct gs_world *w, size_t t);

/* gs_worker_practice - a worker finished a case of `components`: skill grows by practice. */
void gs_worker_practice(struct gs_world *w, int32_t worker, int components);

/* gs_worker_outcome - a case the worker closed met its need (1) or not (0): competence follows. */
void gs_worker_outcome(struct gs_world *w, int32_t worker, double met);

/*
 * gs_team_pressure - the target pressure team t's workers feel [0..1]:
 * regime.target_pressure x (pressure_on_target + min(1 - pressure_on_target,
 * pressure_shortfall x shortfall)) x the manager's pressure style (at most
 * 1); the second term only with mechanism.pressure.
 */
double gs_team_pressure(const struct gs_world *w, size_t t);

/*
 * gs_gaming - a worker's propensity to game the measures [0..1]: the pressure
 * felt x (1 - motivation) x exp(-deterrence x audit_probability x audit_penalty)
 * x the gaming the team's manager tolerates (at most 1).
 * motivation < 0 means the team's mean.
 */
double gs_gaming(const struct gs_world *w, size_t team, double motivation);

/*
 * gs_worker_gaming - worker's own propensity to game [0..1]: the regime's
 * rule (w->rules->gaming) for its team and motivation, times its own
 * (lack of) integrity, at most 1.
 */
double gs_worker_gaming(const struct gs_world *w, int32_t worker);

/*
 * gs_team_gaming - the team's propensity to game [0..1] (a decision of
 * the team, as triage): the rule at the team's mean motivation times the
 * mean (lack of) integrity of its workers in post, at most 1.
 */
double gs_team_gaming(const struct gs_world *w, size_t team);

/* gs_worker_sanction - an audit caught the worker: stress up, trust in management down. */
void gs_worker_sanction(struct gs_world *w, int32_t worker);

/*
 * gs_worker_phase - each worker's motivation and trust in management relax
 * towards their levels (autonomy, competence, control), stress follows
 * overload and pressure buffered by autonomy, and sick leave, leaving and
 * recruitment happen.
 */
int gs_worker_phase(struct gs_world *w);

#endif
