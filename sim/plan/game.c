/*
 * game.c - the [game] section of a scenario: the levers the managers of a
 * participatory game (`govsim serve --game`) chose for their teams, round
 * by round. Each lever overrides, for one team and one round, the arm's
 * value of a regime parameter, and each value is checked by that
 * parameter's row of the table (the same messages as anywhere else):
 *
 *   [game]
 *   round = 30d                   ; length of a round (default: regime.review_period)
 *   arms = room                   ; arms the choices apply to (default: every arm)
 *   team.1.pressure = 0.6, -, 0.2 ; one value per round; '-': the arm's value
 *   team.1.honest = off, on, on
 */
#include "sim/plan/scenario.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/util.h"

#define GAME_MAX_TEAMS 1000
#define GAME_MAX_ROUNDS 1000

/* Each lever: its name in a [game] key and the parameter row that checks its values. */
static const struct {
	const char *name, *row;
} levers[GS_N_LEVERS] = {
	[GS_LEVER_PRESSURE] = {"pressure", "regime.target_pressure"},
	[GS_LEVER_LEARNING] = {"learning", "regime.learning_time"},
	[GS_LEVER_CHASING] = {"chasing", "regime.weight_breach"},
	[GS_LEVER_HONEST] = {"honest", NULL},
};

const char *gs_game_lever_name(int k)
{
	return k >= 0 && k < GS_N_LEVERS ? levers[k].name : NULL;
}

const char *gs_game_lever_row(int k)
{
	return k >= 0 && k < GS_N_LEVERS ? levers[k].row : NULL;
}

int gs_game_check_value(int k, const char *value, const struct gs_params *p, double *v,
			char *err, size_t errlen)
{
	if (strcmp(value, "-") == 0) {
		*v = NAN;
		return 0;
	}
	struct gs_params scratch = *p;
	/* honest is on or off, read as every on/off parameter is */
	const char *row = levers[k].row ? levers[k].row : "mechanism.recording";
	if (gs_param_set(&scratch, row, value, err, errlen))
		return -1;
	switch (k) {
	case GS_LEVER_PRESSURE:
		*v = scratch.regime.target_pressure;
		break;
	case GS_LEVER_LEARNING:
		*v = scratch.regime.learning_time;
		break;
	case GS_LEVER_CHASING:
		*v = scratch.regime.weight_breach;
		break;
	default:
		*v = scratch.mechanism.recording ? 1 : 0;
		break;
	}
	return 0;
}

/* "team.N.LEVER": N (1-based) and the lever, or false. */
static bool team_key(const char *key, long *team, int *lever)
{
	if (strncmp(key, "team.", 5) != 0)
		return false;
	const char *p = key + 5;
	size_t n = 0;
	while (isdigit((unsigned char)p[n]))
		n++;
	if (n == 0 || n > 6 || p[n] != '.')
		return false;
	*team = strtol(p, NULL, 10);
	for (int k = 0; k < GS_N_LEVERS; k++)
		if (strcmp(p + n + 1, levers[k].name) == 0) {
			*lever = k;
			return true;
		}
	return false;
}

/* The comma-separated items of a value, without the white space around them (malloc'd). */
static char **split_list(const char *value, size_t *n)
{
	char *copy = gs_strdup(value);
	char **items = NULL;
	*n = 0;
	if (!copy)
		return NULL;
	size_t cap = 1;
	for (const char *c = value; *c; c++)
		cap += *c == ',';
	items = calloc(cap, sizeof(*items));
	for (char *s = copy, *next; items && s; s = next) {
		next = strchr(s, ',');
		if (next)
			*next++ = 0;
		while (isspace((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		items[(*n)++] = gs_strdup(s);
	}
	free(copy);
	return items;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		free(items[i]);
	free(items);
}

static const struct gs_arm_spec *find_arm(const struct gs_scenario *sc, const char *name)
{
	for (size_t a = 0; a < sc->n_arms; a++)
		if (strcmp(sc->arms[a].name, name) == 0)
			return &sc->arms[a];
	return NULL;
}

static bool game_arm(const struct gs_game_spec *g, const char *name)
{
	if (!g->n_arms)
		return true;
	for (size_t i = 0; i < g->n_arms; i++)
		if (strcmp(g->arms[i], name) == 0)
			return true;
	return false;
}

int gs_game_resolve(struct gs_scenario *sc, struct gs_diag *diag)
{
	struct gs_game_spec *g = &sc->game;
	size_t before = diag->n;
	if (!g->n_raw || !sc->n_arms || !sc->arm_params)
		return 0;
	const struct gs_params *p0 = &sc->arm_params[0];
	double round = p0->regime.review_period;
	size_t n_teams = 0, n_rounds = 1;
	/* first pass: round, arms, and the size of the table */
	for (size_t i = 0; i < g->n_raw; i++) {
		const struct gs_assign *a = &g->raw[i];
		long team;
		int lever;
		char key[160];
		snprintf(key, sizeof(key), "game.%.150s", a->key);
		if (strcmp(a->key, "round") == 0) {
			struct gs_params scratch = *p0;
			char err[512];
			if (gs_param_set(&scratch, "regime.review_period", a->value, err, sizeof(err)))
				gs_diag_add(diag, a->file, a->line, "game.round", "%s", err);
			else
				round = scratch.regime.review_period;
		} else if (strcmp(a->key, "arms") == 0) {
			free_list(g->arms, g->n_arms);
			g->arms = split_list(a->value, &g->n_arms);
			for (size_t k = 0; g->arms && k < g->n_arms; k++)
				if (!g->arms[k] || !find_arm(sc, g->arms[k]))
					gs_diag_add(diag, a->file, a->line, "game.arms",
						    "no arm '%s' in the scenario",
						    g->arms[k] ? g->arms[k] : "");
		} else if (team_key(a->key, &team, &lever)) {
			size_t n;
			char **items = split_list(a->value, &n);
			free_list(items, n);
			if (team < 1 || team > GAME_MAX_TEAMS)
				gs_diag_add(diag, a->file, a->line, key, "a team is 1 to %d",
					    GAME_MAX_TEAMS);
			else if ((size_t)team > n_teams)
				n_teams = (size_t)team;
			if (n > GAME_MAX_ROUNDS)
				gs_diag_add(diag, a->file, a->line, key, "at most %d rounds",
					    GAME_MAX_ROUNDS);
			else if (n > n_rounds)
				n_rounds = n;
		} else {
			gs_diag_add(diag, a->file, a->line, key,
				    "unknown key of [game] (keys: round, arms, team.N.pressure, "
				    "team.N.learning, team.N.chasing, team.N.honest)");
		}
	}
	if (!n_teams)
		return diag->n == before ? 0 : -1;
	for (size_t a = 0; a < sc->n_arms; a++)
		if (game_arm(g, sc->arms[a].name) &&
		    (size_t)sc->arm_params[a].workforce.teams < n_teams)
			gs_diag_add(diag, g->raw[0].file, g->raw[0].line, NULL,
				    "[game] names team %zu but arm %s has %lld teams (workforce.teams)",
				    n_teams, sc->arms[a].name,
				    (long long)sc->arm_params[a].workforce.teams);
	double *value = malloc(n_teams * n_rounds * GS_N_LEVERS * sizeof(*value));
	if (!value) {
		gs_diag_add(diag, NULL, 0, NULL, "out of memory for the [game] section");
		return -1;
	}
	for (size_t i = 0; i < n_teams * n_rounds * GS_N_LEVERS; i++)
		value[i] = NAN;
	/* second pass: every value, checked by its row; later lines win */
	for (size_t i = 0; i < g->n_raw; i++) {
		const struct gs_assign *a = &g->raw[i];
		long team;
		int lever;
		char key[160];
		snprintf(key, sizeof(key), "game.%.150s", a->key);
		if (!team_key(a->key, &team, &lever) || team < 1 || (size_t)team > n_teams)
			continue;
		size_t n;
		char **items = split_list(a->value, &n);
		for (size_t r = 0; items && r < n; r++) {
			char err[512];
			double v;
			if (!items[r] || gs_game_check_value(lever, items[r], p0, &v, err, sizeof(err)))
				gs_diag_add(diag, a->file, a->line, key, "round %zu: %s", r + 1,
					    items[r] ? err : "out of memory");
			else
				value[(((size_t)team - 1) * n_rounds + r) * GS_N_LEVERS +
				      (size_t)lever] = v;
		}
		free_list(items, n);
	}
	if (diag->n != before) {
		free(value);
		return -1;
	}
	g->game = (struct gs_game){round, n_teams, n_rounds, value};
	for (size_t a = 0; a < sc->n_arms; a++)
		if (game_arm(g, sc->arms[a].name))
			sc->arm_params[a].game = &g->game;
	return 0;
}

void gs_game_free(struct gs_game_spec *g)
{
	for (size_t i = 0; i < g->n_raw; i++) {
		free(g->raw[i].key);
		free(g->raw[i].value);
	}
	free(g->raw);
	free_list(g->arms, g->n_arms);
	free(g->game.value);
	memset(g, 0, sizeof(*g));
}
