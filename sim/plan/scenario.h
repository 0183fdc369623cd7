/*
 * scenario.h - scenario files: INI read line by line, includes, arms, events,
 * and their resolution into one `struct gs_params` per arm.
 *
 * Precedence, most specific last: defaults < scenario sections < the arm's
 * preset < the arm's own keys < --set on the command line < --set arm.NAME.
 */
#ifndef GS_SCENARIO_H
#define GS_SCENARIO_H

#include <stddef.h>

#include "sim/core/diag.h"
#include "sim/core/model.h"
#include "sim/core/params.h"

/* The most runs (arms x sweep points x replications) one scenario may ask for. */
#define GS_MAX_RUNS 10000000

/* One `key = value` line. key is "section.name" or "class.NAME.name". */
struct gs_assign {
	const char *file; /* owned by the scenario's file list */
	int line;         /* 0 for the command line */
	char *key;
	char *value;
};

struct gs_arm_spec {
	char name[GS_NAME_MAX];
	const char *file;
	int line;
	char *preset; /* NULL: none given */
	struct gs_assign *set;
	size_t n_set;
};

struct gs_event_spec {
	char name[GS_NAME_MAX];
	const char *file;
	int line;        /* of the section header */
	int at_line;     /* of `at` */
	int arms_line;   /* of `arms` */
	char *at;        /* as written */
	char *preset;    /* a regime preset it switches to (before its own keys), or NULL */
	int preset_line;
	long at_tick;    /* resolved: the tick at whose start it applies */
	char **arms;     /* arms it applies to; none listed: every arm */
	size_t n_arms;
	struct gs_assign *set;
	size_t n_set;
};

/* The [sweep] section: parameter values that vary between runs. */
enum gs_design { GS_DESIGN_GRID = 0, GS_DESIGN_LHS, GS_DESIGN_SALTELLI, GS_DESIGN_POINTS };

struct gs_sweep {
	struct gs_assign *raw;  /* the section's lines */
	size_t n_raw;
	enum gs_design design;
	long samples;           /* lhs, saltelli: base samples N */
	size_t n_keys;
	char **keys;            /* [n_keys] swept parameters */
	size_t n_points;        /* 1 (no sweep), grid size, N (lhs), N (k + 2) (saltelli), list length (points) */
	char **text;            /* [n_points * n_keys] values as scenario-file text */
	double *coord;          /* [n_points * n_keys] the values as numbers (durations in days) */
	int *matrix, *row, *param; /* saltelli: A=0 B=1 AB=2, base sample, column from B (-1) */
};

/*
 * The [game] section: the choices of a participatory game's managers,
 * team by team and round by round (sim/plan/game.c, docs/scenarios.md).
 */
struct gs_game_spec {
	struct gs_assign *raw; /* the section's lines */
	size_t n_raw;
	char **arms;           /* arms the choices apply to; none listed: every arm */
	size_t n_arms;
	struct gs_game game;   /* resolved; game.value NULL: no section */
};

struct gs_scenario {
	char *path;  /* as given */
	char *name;  /* file name without directory and ".ini" */
	char *text;  /* every file read, in order, after includes */
	char **files;
	size_t n_files;
	struct gs_assign *base; /* plain sections, in reading order */
	size_t n_base;
	struct gs_arm_spec *arms;
	size_t n_arms;
	struct gs_event_spec *events;
	size_t n_events;
	struct gs_sweep sweep;
	struct gs_game_spec game;
	/* filled by gs_scenario_resolve (sim/plan/plan.h turns them into runs) */
	struct gs_params *arm_params; /* [n_arms] */
};

/*
 * gs_scenario_read - read path and its includes. Every problem is added to
 * diag; returns 0 if there were none, -1 otherwise (sc is usable either way
 * and must be freed).
 */
int gs_scenario_read(const char *path, struct gs_scenario *sc, struct gs_diag *diag);

/*
 * gs_scenario_resolve - build the parameters of every arm (an arm named
 * "base" if the scenario has none), taking presets by name from `presets`
 * (a model's, NULL-terminated), applying `n_over` overrides
 * "section.key=value" from the command line (every arm), then those of the
 * form "arm.NAME.section.key=value" (arm NAME only; an unknown arm is a
 * problem naming the arms), and check events and the sweep. Every problem is added to diag; returns 0 if there were none.
 */
int gs_scenario_resolve(struct gs_scenario *sc, const struct gs_preset *const *presets,
			char *const *over, size_t n_over, struct gs_diag *diag);

/* gs_sweep_resolve - build the sweep's points (sim/plan/sweep.c); problems go to diag. */
int gs_sweep_resolve(struct gs_scenario *sc, struct gs_diag *diag);

/*
 * gs_game_resolve - read the [game] section's choices (each value checked
 * by the parameter table's row of the regime key it overrides) into
 * sc->game.game, and point the parameters of the arms it names at them
 * (sim/plan/game.c). Problems go to diag; returns 0 if there were none.
 */
int gs_game_resolve(struct gs_scenario *sc, struct gs_diag *diag);

/* gs_game_lever_name - the name of lever k in a [game] key (pressure, learning, chasing, honest). */
const char *gs_game_lever_name(int k);

/* gs_game_lever_row - the regime key lever k overrides ("regime.target_pressure"), or NULL. */
const char *gs_game_lever_row(int k);

/*
 * gs_game_check_value - is `value` a valid choice of lever k (the text of a
 * scenario value, or "-" for the arm's value)? Sets *v (NaN for "-") and
 * returns 0, else -1 with the parameter table's message in err.
 */
int gs_game_check_value(int k, const char *value, const struct gs_params *p, double *v,
			char *err, size_t errlen);

void gs_game_free(struct gs_game_spec *g);

/* gs_sweep_free - free what gs_sweep_resolve and the reader allocated. */
void gs_sweep_free(struct gs_sweep *sw);

void gs_scenario_free(struct gs_scenario *sc);

#endif
