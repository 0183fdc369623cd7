/*
 * game.c - the participatory game of `govsim serve --game` (game.h).
 *
 * The game is a scenario file of its own, rewritten at every round: the
 * served scenario's sections, one replication, an output interval of one
 * round, two arms on the facilitator's regime ("room", whose teams follow
 * the managers' choices, and "model", whose teams keep the model's
 * managers: the same game replayed with every team on the preset), an
 * event wherever the facilitator switched the regime, and a [game] section
 * with every choice so far (sim/plan/game.c). A round writes that file,
 * reads it back as `govsim run` reads it, and runs it from tick 0 into
 * game-N.h5: re-simulating is cheap, and replay is exact by construction.
 */
#define _GNU_SOURCE
#include "sim/app/game.h"
#include "sim/app/serve.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/core/util.h"
#include "sim/engine/engine.h"
#include "sim/io/output.h"
#include "sim/plan/plan.h"

#define CHOICE_MAX 64 /* the text of one choice */
#define KEY_LEN 32    /* hex digits of a manager's token and of the facilitator's key */

static const char join_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */

struct seat {
	bool taken;
	char token[KEY_LEN + 1];
	char name[33];
	bool decided;                          /* chose for the next round */
	char pending[GS_N_LEVERS][CHOICE_MAX]; /* the choice for the next round ("-": the preset's) */
};

static struct {
	bool on;
	const struct gs_model *model;
	const char *scenario, *out_dir;
	pthread_mutex_t lock;
	char join[7];
	char host[KEY_LEN + 1];
	struct gs_params first;   /* the served scenario's first arm, resolved */
	char *base_text;          /* the served scenario's plain sections, as lines */
	char round_text[32];      /* regime.review_period of the first arm, as written */
	double round_minutes;
	size_t n_teams, n_seats;  /* the scenario's teams; those participants may take */
	struct seat seat[GS_GAME_SEATS];
	char regime_next[GS_NAME_MAX];
	char regime[GS_GAME_ROUNDS][GS_NAME_MAX];
	char choice[GS_GAME_ROUNDS][GS_GAME_SEATS][GS_N_LEVERS][CHOICE_MAX];
	size_t rounds;            /* rounds played */
	bool ended;
	unsigned long id;
	char *ini_path, *h5_path, *partial_path, *ini_text;
	/* the last round's run: each arm's per-team series */
	size_t n_time, n_rows;    /* output intervals (= rounds), team rows */
	double *series[2];        /* [GS_N_TEAM_METRICS * n_rows * n_time]: room, model */
	double seconds;           /* wall time of the last round */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- set-up ---- */

static int random_bytes(unsigned char *buf, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	close(fd);
	return done == n ? 0 : -1;
}

static int new_key(char *out)
{
	unsigned char b[KEY_LEN / 2];
	if (random_bytes(b, sizeof(b)))
		return -1;
	for (size_t i = 0; i < sizeof(b); i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	return 0;
}

/* Are two keys equal (time independent of where they differ)? */
static bool same_key(const char *given, const char *key)
{
	size_t n = strlen(key);
	if (!given || strlen(given) != n || n == 0)
		return false;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ key[i]);
	return diff == 0;
}

/* The plain sections of a scenario as lines (its includes inlined); malloc'd. */
static char *base_lines(const struct gs_scenario *sc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	char cur[160] = "";
	for (size_t i = 0; i < sc->n_base; i++) {
		const char *key = sc->base[i].key, *dot = strrchr(key, '.');
		char section[160];
		snprintf(section, sizeof(section), "%.*s", (int)(dot - key), key);
		if (strcmp(section, cur) != 0) {
			fprintf(f, "\n[%s]\n", section);
			snprintf(cur, sizeof(cur), "%s", section);
		}
		fprintf(f, "%s = %s\n", dot + 1, sc->base[i].value);
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

int gs_game_start(const struct gs_model *m, const char *scenario, const char *out_dir,
		  const char *url_base, char *err, size_t errlen)
{
	struct gs_scenario sc = {0};
	char *problems = NULL;
	if (gs_serve_load(scenario, &sc, &problems)) {
		snprintf(err, errlen, "%s", problems ? problems : "out of memory");
		free(problems);
		gs_scenario_free(&sc);
		return -1;
	}
	g.model = m;
	g.scenario = scenario;
	g.out_dir = out_dir;
	g.first = sc.arm_params[0];
	g.first.game = NULL;
	g.base_text = base_lines(&sc);
	snprintf(g.regime_next, sizeof(g.regime_next), "%s",
		 sc.arms[0].preset ? sc.arms[0].preset : "npm");
	gs_scenario_free(&sc);
	char cls[GS_NAME_MAX];
	int row = gs_param_find("regime.review_period", cls);
	gs_param_format(&g.first, (size_t)row, 0, g.round_text, sizeof(g.round_text));
	g.round_minutes = g.first.regime.review_period * g.first.simulation.tick;
	/* the longest game within the server's limit on a run's size (2 runs: room, model) */
	double work = (double)g.first.population.citizens * 2 *
		      ceil(g.first.regime.review_period * GS_GAME_ROUNDS - 1e-9);
	if (work > GS_SERVE_MAX_WORK) {
		snprintf(err, errlen, "a game of %d rounds of %s on %lld citizens is too large for the "
			 "server (citizens x ticks x 2 runs = %.3g, at most %.3g)", GS_GAME_ROUNDS,
			 g.round_text, (long long)g.first.population.citizens, work,
			 GS_SERVE_MAX_WORK);
		return -1;
	}
	g.n_teams = (size_t)g.first.workforce.teams;
	g.n_seats = g.n_teams < GS_GAME_SEATS ? g.n_teams : GS_GAME_SEATS;
	unsigned char b[6];
	if (!g.base_text || new_key(g.host) || random_bytes(b, sizeof(b))) {
		snprintf(err, errlen, "cannot set up the game (out of memory, or no /dev/urandom)");
		return -1;
	}
	for (int i = 0; i < 6; i++)
		g.join[i] = join_alphabet[b[i] % (sizeof(join_alphabet) - 1)];
	/* the game's number: the first whose files are not in the out folder yet */
	struct stat st;
	for (g.id = 1;; g.id++) {
		free(g.ini_path);
		free(g.h5_path);
		free(g.partial_path);
		if (asprintf(&g.ini_path, "%s/game-%lu.ini", out_dir, g.id) < 0 ||
		    asprintf(&g.h5_path, "%s/game-%lu.h5", out_dir, g.id) < 0 ||
		    asprintf(&g.partial_path, "%s/game-%lu.h5.partial", out_dir, g.id) < 0) {
			g.ini_path = g.h5_path = g.partial_path = NULL;
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (stat(g.ini_path, &st) != 0 && stat(g.h5_path, &st) != 0)
			break;
	}
	g.on = true;
	printf("govsim serve: game %lu: the facilitator opens http://%s/game.html#host=%s ; "
	       "participants open http://%s/game.html and join with code %s (%zu teams, a round "
	       "is %s)\n",
	       g.id, url_base, g.host, url_base, g.join, g.n_seats, g.round_text);
	return 0;
}

void gs_game_end(void)
{
	free(g.base_text);
	free(g.ini_path);
	free(g.h5_path);
	free(g.partial_path);
	free(g.ini_text);
	free(g.series[0]);
	free(g.series[1]);
	g.on = false;
}

/* ---- the scenario of the game ---- */

/* A duration in minutes as a scenario writes it: whole days as "Nd", else "Nmin". */
static void duration_text(double minutes, char *buf, size_t n)
{
	long m = lround(minutes);
	if (m % 1440 == 0)
		snprintf(buf, n, "%ldd", m / 1440);
	else
		snprintf(buf, n, "%ldmin", m);
}

/* The game's scenario file after `rounds` rounds (lock held); malloc'd. */
static char *game_ini(size_t rounds)
{
	char *text = NULL, dur[48];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "; game %lu of govsim serve --game on %s, after round %zu: `govsim run` on\n"
		"; this file replays it. The scenario's sections; arm room follows the managers'\n"
		"; choices ([game]), arm model keeps the model's managers.\n%s", g.id, g.scenario,
		rounds, g.base_text);
	duration_text(g.round_minutes * (double)rounds, dur, sizeof(dur));
	fprintf(f, "\n[simulation]\nduration = %s\nreplications = 1\n", dur);
	fprintf(f, "\n[output]\ninterval = %s\n", g.round_text);
	fprintf(f, "\n[arm.room]\npreset = %s\n\n[arm.model]\npreset = %s\n", g.regime[0],
		g.regime[0]);
	for (size_t r = 1; r < rounds; r++) {
		if (strcmp(g.regime[r], g.regime[r - 1]) == 0)
			continue;
		duration_text(g.round_minutes * (double)r, dur, sizeof(dur));
		fprintf(f, "\n[event.round%zu]\nat = %s\npreset = %s\n", r + 1, dur, g.regime[r]);
	}
	fprintf(f, "\n[game]\nround = %s\narms = room\n", g.round_text);
	for (size_t t = 0; t < g.n_seats; t++) {
		if (!g.seat[t].taken)
			continue;
		for (int k = 0; k < GS_N_LEVERS; k++) {
			fprintf(f, "team.%zu.%s = ", t + 1, gs_game_lever_name(k));
			for (size_t r = 0; r < rounds; r++)
				fprintf(f, "%s%s", r ? ", " : "", g.choice[r][t][k]);
			fputc('\n', f);
		}
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* A sink: each arm's per-team series. */
static int take_teams(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	(void)ctx;
	size_t len = GS_N_TEAM_METRICS * g.n_rows * g.n_time;
	if (run > 1 || !r->team_series) {
		snprintf(err, n, "the game's run %zu has no per-team series", run);
		return -1;
	}
	memcpy(g.series[run], r->team_series, len * sizeof(double));
	return 0;
}

static int take_write(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	return gs_output_write_run(ctx, run, r, err, n);
}

/* Run the game's first `rounds` rounds into its files (lock held). Returns 0, or -1 with err. */
static int play(size_t rounds, char *err, size_t errlen)
{
	struct gs_scenario sc = {0};
	struct gs_plan pl = {0};
	struct gs_output *out = NULL;
	char *problems = NULL;
	int rc = -1;
	char *text = game_ini(rounds);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (gs_serve_replace_file(g.ini_path, text, err, errlen))
		goto out;
	free(g.ini_text);
	g.ini_text = text;
	text = NULL;
	/* what runs is the file written, read as govsim run reads it */
	if (gs_serve_load(g.ini_path, &sc, &problems)) {
		snprintf(err, errlen, "the game's scenario file does not read back: %s",
			 problems ? problems : "out of memory");
		goto out;
	}
	if (gs_plan_build(&pl, &sc, g.model, err, errlen))
		goto out;
	pl.meta.scenario_path = g.ini_path;
	pl.meta.command_line = "govsim serve --game (POST /api/game/round)";
	pl.meta.threads = omp_get_max_threads();
	if (pl.n_runs != 2) {
		snprintf(err, errlen, "the game's scenario has %zu runs, not 2", pl.n_runs);
		goto out;
	}
	g.n_time = pl.meta.n_time;
	g.n_rows = pl.meta.n_teams;
	for (int a = 0; a < 2; a++) {
		free(g.series[a]);
		g.series[a] = calloc(GS_N_TEAM_METRICS * g.n_rows * g.n_time, sizeof(double));
		if (!g.series[a]) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	gs_output_discard(g.partial_path, err, errlen);
	if (gs_output_create(g.partial_path, &pl.meta, &out, err, errlen))
		goto out;
	const struct gs_sink sinks[] = {{take_write, out}, {take_teams, NULL}};
	struct gs_ensemble_opts opts = {pl.meta.threads, false, NULL, false};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int run = gs_ensemble_run(&pl, &opts, sinks, 2, err, errlen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	g.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	if (run != 0) {
		if (run > 0)
			snprintf(err, errlen, "the round's run was stopped");
		gs_output_abort(out);
		remove(g.partial_path);
		out = NULL;
		goto out;
	}
	rc = gs_output_commit(out, g.h5_path, err, errlen);
	out = NULL;
out:
	if (out) {
		gs_output_abort(out);
		remove(g.partial_path);
	}
	free(text);
	free(problems);
	gs_plan_free(&pl);
	gs_scenario_free(&sc);
	return rc;
}

/* ---- what the screens show ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Team metric m of team t in arm a at interval (round) r. */
static double tm(int a, int m, size_t t, size_t r)
{
	if (!g.series[a] || t >= g.n_rows || r >= g.n_time)
		return NAN;
	return g.series[a][((size_t)m * g.n_rows + t) * g.n_time + r];
}

/* A regime preset's value of a regime key (the first arm with the preset applied). */
static double preset_value(const char *preset, const char *key)
{
	struct gs_params p = g.first;
	const struct gs_preset *pr = gs_model_preset(g.model->presets, preset);
	char err[256];
	for (size_t i = 0; pr && pr->settings[i]; i++) {
		const char *eq = strchr(pr->settings[i], '=');
		char k[128];
		snprintf(k, sizeof(k), "%.*s", (int)(eq - pr->settings[i]), pr->settings[i]);
		gs_param_set(&p, k, eq + 1, err, sizeof(err));
	}
	char cls[GS_NAME_MAX];
	int row = gs_param_find(key, cls);
	if (row < 0)
		return NAN;
	union gs_value v = gs_param_get(&p, (enum gs_param_id)row, 0);
	return gs_param_table[row].type == GS_BOOL ? (v.b ? 1 : 0) : v.d;
}

/* Share within target and its weight over rounds [0, n) of team t, arm a. */
static double weighted(int a, int share, int w1, int w2, size_t t, size_t n, double *weight)
{
	double num = 0, den = 0;
	for (size_t r = 0; r < n; r++) {
		double w = tm(a, w1, t, r) + (w2 >= 0 ? tm(a, w2, t, r) : 0);
		double s = tm(a, share, t, r);
		if (w > 0 && isfinite(s)) {
			num += w * s;
			den += w;
		}
	}
	if (weight)
		*weight = den;
	return den > 0 ? num / den : NAN;
}

/* One round of team t in arm a. */
static json_t *round_json(int a, size_t t, size_t r)
{
	double gamed = tm(a, GS_TM_records_manipulated, t, r) + tm(a, GS_TM_reclassifications, t, r);
	double audit = preset_value(g.regime[r], "regime.audit_probability");
	double risk = gamed > 0 ? 1 - pow(1 - audit, gamed) : 0;
	json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "round",
			      (json_int_t)(r + 1), "regime", g.regime[r], "recorded",
			      jnum(tm(a, GS_TM_within_target_recorded, t, r)), "true",
			      jnum(tm(a, GS_TM_within_target_true, t, r)), "audited",
			      jnum(tm(a, GS_TM_within_target_audited, t, r)), "cases",
			      jnum(tm(a, GS_TM_cases_measured, t, r)), "needs_met",
			      jnum(tm(a, GS_TM_needs_met_service, t, r)), "abandoned",
			      jnum(tm(a, GS_TM_needs_abandoned, t, r)), "stress",
			      jnum(tm(a, GS_TM_worker_stress_mean, t, r)), "sick",
			      jnum(tm(a, GS_TM_workers_sick, t, r)), "leavers",
			      jnum(tm(a, GS_TM_leavers, t, r)), "gamed", jnum(gamed),
			      "premature", jnum(tm(a, GS_TM_premature_closures, t, r)),
			      "sanction_risk", jnum(risk), "queue",
			      jnum(tm(a, GS_TM_queue_length, t, r)));
	if (o && a == 0 && t < g.n_seats && g.seat[t].taken) {
		json_t *ch = json_object();
		for (int k = 0; k < GS_N_LEVERS; k++)
			json_object_set_new(ch, gs_game_lever_name(k), json_string(g.choice[r][t][k]));
		json_object_set_new(o, "choices", ch);
	}
	if (o)
		json_object_set_new(o, "pressure_felt", jnum(tm(a, GS_TM_pressure_felt, t, r)));
	return o;
}

/* The levers: their regime keys, ranges and the next round's regime's values. */
static json_t *levers_json(void)
{
	json_t *o = json_object();
	for (int k = 0; o && k < GS_N_LEVERS; k++) {
		const char *row = gs_game_lever_row(k);
		char cls[GS_NAME_MAX];
		int i = row ? gs_param_find(row, cls) : -1;
		double preset = row ? preset_value(g.regime_next, row) : 0;
		json_t *l = json_pack("{s:s*,s:o,s:o,s:o,s:s}", "key", row,
				      "min", i >= 0 ? jnum(gs_param_table[i].min) : json_integer(0),
				      "max", i >= 0 ? jnum(gs_param_table[i].max) : json_integer(1),
				      "preset", jnum(preset), "description",
				      i >= 0 ? gs_param_table[i].desc
					     : "on: the team never games its records, its categories or "
					       "its closures; off: as the model's manager would");
		json_object_set_new(o, gs_game_lever_name(k), l);
	}
	return o;
}

/* The totals of team t in arm a over the rounds played. */
static json_t *totals_json(int a, size_t t)
{
	size_t n = g.rounds < g.n_time ? g.rounds : g.n_time;
	double gamed = 0, leavers = 0, sick = 0, abandoned = 0, met = 0, premature = 0, w;
	for (size_t r = 0; r < n; r++) {
		gamed += tm(a, GS_TM_records_manipulated, t, r) + tm(a, GS_TM_reclassifications, t, r);
		premature += tm(a, GS_TM_premature_closures, t, r);
		leavers += tm(a, GS_TM_leavers, t, r);
		sick += tm(a, GS_TM_workers_sick, t, r);
		abandoned += tm(a, GS_TM_needs_abandoned, t, r);
		met += tm(a, GS_TM_needs_met_service, t, r);
	}
	double rec = weighted(a, GS_TM_within_target_recorded, GS_TM_cases_measured, -1, t, n, &w);
	double tru = weighted(a, GS_TM_within_target_true, GS_TM_needs_met_service,
			      GS_TM_needs_abandoned, t, n, NULL);
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "recorded", jnum(rec), "true",
			 jnum(tru), "gap", jnum(rec - tru), "gamed", jnum(gamed), "premature",
			 jnum(premature), "leavers", jnum(leavers), "sick_mean",
			 jnum(n ? sick / (double)n : NAN), "needs_met", jnum(met), "abandoned",
			 jnum(abandoned));
}

/* A manager's screen (lock held). */
static json_t *team_json(size_t t)
{
	json_t *rounds = json_array(), *pending = json_object();
	size_t n = g.rounds < g.n_time ? g.rounds : g.n_time;
	for (size_t r = 0; r < n; r++)
		json_array_append_new(rounds, round_json(0, t, r));
	for (int k = 0; k < GS_N_LEVERS; k++)
		json_object_set_new(pending, gs_game_lever_name(k),
				    json_string(g.seat[t].pending[k]));
	return json_pack("{s:I,s:s,s:I,s:I,s:b,s:s,s:b,s:o,s:o,s:o,s:o}", "team",
			 (json_int_t)(t + 1), "name", g.seat[t].name, "round", (json_int_t)g.rounds,
			 "rounds_max", (json_int_t)GS_GAME_ROUNDS, "ended", g.ended, "regime",
			 g.regime_next, "decided", g.seat[t].decided, "pending", pending, "levers",
			 levers_json(), "rounds", rounds, "totals",
			 g.rounds ? totals_json(0, t) : json_null());
}

/* The facilitator's screen (lock held): every team, and the debrief. */
static json_t *state_json(void)
{
	json_t *teams = json_array();
	size_t n = g.rounds < g.n_time ? g.rounds : g.n_time;
	for (size_t t = 0; t < g.n_teams; t++) {
		bool seat = t < g.n_seats && g.seat[t].taken;
		json_t *rounds = json_array();
		for (size_t r = 0; r < n; r++)
			json_array_append_new(rounds, round_json(0, t, r));
		json_t *o = json_pack("{s:I,s:b,s:s,s:b,s:o}", "team", (json_int_t)(t + 1), "manager",
				      seat, "name", seat ? g.seat[t].name : "", "decided",
				      seat && g.seat[t].decided, "rounds", rounds);
		if (o && g.rounds) {
			json_object_set_new(o, "room", totals_json(0, t));
			json_object_set_new(o, "model", totals_json(1, t));
		}
		json_array_append_new(teams, o);
	}
	json_t *regimes = json_array();
	for (size_t r = 0; r < g.rounds; r++)
		json_array_append_new(regimes, json_string(g.regime[r]));
	char presets[256];
	gs_model_preset_names(g.model->presets, presets, sizeof(presets));
	json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:b,s:s,s:o,s:s,s:s,s:I,s:I,s:o,s:o,s:f}",
			      "game", (json_int_t)g.id, "scenario", g.scenario, "join", g.join,
			      "round", (json_int_t)g.rounds, "rounds_max",
			      (json_int_t)GS_GAME_ROUNDS, "ended", g.ended, "regime",
			      g.regime_next, "regimes", regimes, "presets", presets,
			      "round_length", g.round_text, "teams_total", (json_int_t)g.n_teams,
			      "seats", (json_int_t)g.n_seats, "teams", teams, "levers",
			      levers_json(), "seconds", g.seconds);
	if (o && g.rounds) {
		char name[64];
		snprintf(name, sizeof(name), "/api/game/result.h5");
		json_object_set_new(o, "result", json_string(name));
		json_object_set_new(o, "scenario_file", json_string("/api/game/scenario.ini"));
		json_object_set_new(o, "files", json_pack("{s:s,s:s}", "result", g.h5_path,
							  "scenario", g.ini_path));
	}
	return o;
}

/* ---- requests ---- */

/* The key of a request: header X-Game-Token / X-Game-Host, else ?token= / ?host=. */
static const char *request_key(struct MHD_Connection *c, const char *header, const char *arg)
{
	const char *k = MHD_lookup_connection_value(c, MHD_HEADER_KIND, header);
	return k ? k : MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, arg);
}

/* The seat of a manager's token (lock held), or -1. */
static int seat_of(struct MHD_Connection *c)
{
	const char *k = request_key(c, "X-Game-Token", "token");
	for (size_t t = 0; k && t < g.n_seats; t++)
		if (g.seat[t].taken && same_key(k, g.seat[t].token))
			return (int)t;
	return -1;
}

static bool is_host(struct MHD_Connection *c)
{
	return same_key(request_key(c, "X-Game-Host", "host"), g.host);
}

/* A body that is a JSON object with only the keys allowed; NULL with err otherwise. */
static json_t *body_object(const char *body, size_t len, const char *const *keys, char *err,
			   size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!root) {
		snprintf(err, errlen, "malformed JSON at line %d, column %d: %s", je.line, je.column,
			 je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errlen, "the body is a JSON object");
		return NULL;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v) {
		bool known = false;
		for (size_t i = 0; keys[i]; i++)
			known = known || strcmp(k, keys[i]) == 0;
		if (!known) {
			char list[256] = "";
			for (size_t i = 0; keys[i]; i++) {
				size_t l = strlen(list);
				snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", keys[i]);
			}
			snprintf(err, errlen, "unknown key '%.64s' (keys: %s)", k, list);
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

static enum MHD_Result post_join(struct MHD_Connection *c, const char *body, size_t len)
{
	static const char *const keys[] = {"code", "name", NULL};
	char err[512];
	json_t *root = body_object(body, len, keys, err, sizeof(err));
	if (!root)
		return gs_serve_error(c, 400, "%s", err);
	json_t *code = json_object_get(root, "code"), *name = json_object_get(root, "name");
	if (!json_is_string(code) || (name && !json_is_string(name))) {
		json_decref(root);
		return gs_serve_error(c, 400, "code is the join code (text); name, if given, text");
	}
	char given[16] = "";
	const char *s = json_string_value(code);
	for (size_t i = 0, j = 0; s[i] && j + 1 < sizeof(given) && i < 32; i++)
		if (s[i] != ' ' && s[i] != '-')
			given[j++] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	char shown[33] = "";
	const char *nm = name ? json_string_value(name) : "";
	for (size_t i = 0, j = 0; nm[i] && j + 1 < sizeof(shown); i++) {
		unsigned char ch = (unsigned char)nm[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '<' && ch != '>' && ch != '&' && ch != '"')
			shown[j++] = (char)ch;
	}
	json_decref(root);
	pthread_mutex_lock(&g.lock);
	if (!same_key(given, g.join)) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 403, "no game with that join code");
	}
	if (g.ended) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 409, "the game has ended");
	}
	size_t t = 0;
	while (t < g.n_seats && g.seat[t].taken)
		t++;
	if (t == g.n_seats) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 409, "every team (%zu) has a manager already", g.n_seats);
	}
	struct seat *st = &g.seat[t];
	if (new_key(st->token)) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 500, "no /dev/urandom for the team's token");
	}
	st->taken = true;
	st->decided = false;
	if (shown[0])
		snprintf(st->name, sizeof(st->name), "%s", shown);
	else
		snprintf(st->name, sizeof(st->name), "team %zu", t + 1);
	for (int k = 0; k < GS_N_LEVERS; k++)
		snprintf(st->pending[k], CHOICE_MAX, "-");
	/* the rounds before the manager joined: the preset's choices */
	for (size_t r = 0; r < g.rounds; r++)
		for (int k = 0; k < GS_N_LEVERS; k++)
			snprintf(g.choice[r][t][k], CHOICE_MAX, "-");
	json_t *j = json_pack("{s:I,s:s,s:s}", "team", (json_int_t)(t + 1), "token", st->token,
			      "name", st->name);
	pthread_mutex_unlock(&g.lock);
	fprintf(stderr, "govsim serve: game %lu: team %zu joined (%s)\n", g.id, t + 1, shown);
	return gs_serve_json(c, 200, j);
}

static enum MHD_Result post_decide(struct MHD_Connection *c, const char *body, size_t len)
{
	static const char *const keys[] = {"pressure", "learning", "chasing", "honest", NULL};
	char err[512], text[GS_N_LEVERS][CHOICE_MAX];
	pthread_mutex_lock(&g.lock);
	int seat = seat_of(c);
	pthread_mutex_unlock(&g.lock);
	if (seat < 0)
		return gs_serve_error(c, 403, "a manager's requests carry the token joining gave "
				      "(X-Game-Token)");
	json_t *root = body_object(body, len, keys, err, sizeof(err));
	if (!root)
		return gs_serve_error(c, 400, "%s", err);
	for (int k = 0; k < GS_N_LEVERS; k++) {
		json_t *v = json_object_get(root, gs_game_lever_name(k));
		double x;
		char why[256];
		snprintf(text[k], CHOICE_MAX, "-");
		if (!v || json_is_null(v))
			continue; /* the preset's value */
		if (gs_serve_value_text(v, text[k], CHOICE_MAX, why, sizeof(why)) ||
		    gs_game_check_value(k, text[k], &g.first, &x, why, sizeof(why))) {
			json_decref(root);
			return gs_serve_error(c, 400, "%s: %s", gs_game_lever_name(k), why);
		}
	}
	json_decref(root);
	pthread_mutex_lock(&g.lock);
	int t = seat; /* a seat, once taken, stays its manager's */
	if (g.ended) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 409, "the game has ended");
	}
	for (int k = 0; k < GS_N_LEVERS; k++)
		memcpy(g.seat[t].pending[k], text[k], CHOICE_MAX);
	g.seat[t].decided = true;
	json_t *j = team_json((size_t)t);
	pthread_mutex_unlock(&g.lock);
	return gs_serve_json(c, 200, j);
}

static enum MHD_Result post_regime(struct MHD_Connection *c, const char *body, size_t len)
{
	static const char *const keys[] = {"preset", NULL};
	char err[512];
	json_t *root = body_object(body, len, keys, err, sizeof(err));
	if (!root)
		return gs_serve_error(c, 400, "%s", err);
	json_t *v = json_object_get(root, "preset");
	const char *name = json_is_string(v) ? json_string_value(v) : NULL;
	if (!name || strlen(name) >= GS_NAME_MAX || !gs_model_preset(g.model->presets, name)) {
		char names[256];
		gs_model_preset_names(g.model->presets, names, sizeof(names));
		json_decref(root);
		return gs_serve_error(c, 400, "preset: a regime preset (%s)", names);
	}
	pthread_mutex_lock(&g.lock);
	snprintf(g.regime_next, sizeof(g.regime_next), "%s", name);
	json_t *j = state_json();
	pthread_mutex_unlock(&g.lock);
	json_decref(root);
	return gs_serve_json(c, 200, j);
}

/* POST /api/game/round: every seat's choice (or the preset's) for the round, and its run. */
static enum MHD_Result post_round(struct MHD_Connection *c)
{
	char err[2048];
	gs_serve_run_begin();
	pthread_mutex_lock(&g.lock);
	if (g.ended || g.rounds == GS_GAME_ROUNDS) {
		pthread_mutex_unlock(&g.lock);
		gs_serve_run_end();
		return gs_serve_error(c, 409, "the game has ended (at most %d rounds)",
				      GS_GAME_ROUNDS);
	}
	size_t r = g.rounds;
	snprintf(g.regime[r], GS_NAME_MAX, "%s", g.regime_next);
	for (size_t t = 0; t < g.n_seats; t++) {
		for (int k = 0; k < GS_N_LEVERS; k++) {
			/* a choice not made in time: the preset's */
			memcpy(g.choice[r][t][k], g.seat[t].pending[k], CHOICE_MAX);
			if (!g.seat[t].taken || !g.seat[t].decided)
				snprintf(g.choice[r][t][k], CHOICE_MAX, "-");
		}
	}
	if (play(r + 1, err, sizeof(err))) {
		pthread_mutex_unlock(&g.lock);
		gs_serve_run_end();
		return gs_serve_error(c, 500, "round %zu: %s", r + 1, err);
	}
	g.rounds = r + 1;
	for (size_t t = 0; t < g.n_seats; t++)
		g.seat[t].decided = false; /* the next round's choices are still to make */
	json_t *j = state_json();
	pthread_mutex_unlock(&g.lock);
	gs_serve_run_end();
	fprintf(stderr, "govsim serve: game %lu: round %zu played (%.2f s) -> %s\n", g.id, r + 1,
		g.seconds, g.h5_path);
	return gs_serve_json(c, 200, j);
}

enum MHD_Result gs_game_route(struct MHD_Connection *c, const char *url, const char *method,
			      const char *body, size_t len)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool post = strcmp(method, "POST") == 0;
	const char *what = url + strlen("/api/game");
	if (!g.on)
		return gs_serve_error(c, 404, "no game: start the server with --game");
	if (*what == '/')
		what++;
	if (post) {
		const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		if (strcmp(what, "join") != 0 && strcmp(what, "decide") != 0 &&
		    strcmp(what, "regime") != 0 && strcmp(what, "round") != 0 &&
		    strcmp(what, "end") != 0)
			return gs_serve_error(c, 404, "no endpoint %.200s", url);
		if (strcmp(what, "round") != 0 && strcmp(what, "end") != 0 &&
		    (!type || strncmp(type, "application/json", 16) != 0))
			return gs_serve_error(c, 415, "POST %.64s takes Content-Type: "
					      "application/json", url);
		if (strcmp(what, "join") == 0)
			return post_join(c, body, len);
		if (strcmp(what, "decide") == 0)
			return post_decide(c, body, len);
		if (!is_host(c))
			return gs_serve_error(c, 403, "the facilitator's requests carry the key the "
					      "server printed (X-Game-Host)");
		if (strcmp(what, "regime") == 0)
			return post_regime(c, body, len);
		if (strcmp(what, "round") == 0)
			return post_round(c);
		pthread_mutex_lock(&g.lock);
		g.ended = true;
		json_t *j = state_json();
		pthread_mutex_unlock(&g.lock);
		return gs_serve_json(c, 200, j);
	}
	if (!get)
		return gs_serve_error(c, 405, "%s %.200s: GET or POST", method, url);
	if (*what == 0) {
		pthread_mutex_lock(&g.lock);
		json_t *j = json_pack("{s:I,s:I,s:b,s:I}", "game", (json_int_t)g.id, "round",
				      (json_int_t)g.rounds, "ended", g.ended, "seats",
				      (json_int_t)g.n_seats);
		pthread_mutex_unlock(&g.lock);
		return gs_serve_json(c, 200, j);
	}
	if (strcmp(what, "team") == 0) {
		pthread_mutex_lock(&g.lock);
		int t = seat_of(c);
		json_t *j = t >= 0 ? team_json((size_t)t) : NULL;
		pthread_mutex_unlock(&g.lock);
		if (t < 0)
			return gs_serve_error(c, 403, "a manager's requests carry the token joining "
					      "gave (X-Game-Token)");
		return gs_serve_json(c, 200, j);
	}
	if (strcmp(what, "state") != 0 && strcmp(what, "result.h5") != 0 &&
	    strcmp(what, "scenario.ini") != 0)
		return gs_serve_error(c, 404, "no endpoint %.200s", url);
	if (!is_host(c))
		return gs_serve_error(c, 403, "the facilitator's requests carry the key the server "
				      "printed (X-Game-Host)");
	pthread_mutex_lock(&g.lock);
	enum MHD_Result ret;
	char name[48];
	if (strcmp(what, "state") == 0) {
		json_t *j = state_json();
		pthread_mutex_unlock(&g.lock);
		return gs_serve_json(c, 200, j);
	}
	if (!g.rounds) {
		pthread_mutex_unlock(&g.lock);
		return gs_serve_error(c, 409, "no round played yet: the game has no file");
	}
	if (strcmp(what, "result.h5") == 0) {
		snprintf(name, sizeof(name), "game-%lu.h5", g.id);
		ret = gs_serve_file(c, g.h5_path, "application/x-hdf5", name);
	} else {
		snprintf(name, sizeof(name), "game-%lu.ini", g.id);
		ret = gs_serve_text(c, 200, "text/plain; charset=utf-8", g.ini_text,
				    strlen(g.ini_text), name);
	}
	pthread_mutex_unlock(&g.lock);
	return ret;
}
