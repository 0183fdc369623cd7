/*
 * game.h - the participatory game of `govsim serve --game` (game.c): each
 * participant joins with the game's join code and manages one team; the
 * facilitator (with the key printed when the server starts) sets the
 * regime and closes each round. A round reruns the whole game from tick 0
 * with every choice so far, as the scenario file it writes (its [game]
 * section holds the choices): the result file of the last round is the
 * game's, and `govsim run` on its scenario file replays it bit for bit.
 *
 * And the helpers of the server (serve.c) that the game shares.
 */
#ifndef GS_GAME_H
#define GS_GAME_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "sim/core/model.h"
#include "sim/plan/scenario.h"

/* The most teams participants can manage, and the most rounds of a game. */
#define GS_GAME_SEATS 16
#define GS_GAME_ROUNDS 24

/*
 * gs_game_start - set up the game of the scenario served (its first arm's
 * regime to start, its review period as the round). Prints the join code
 * and the facilitator's address. Returns 0, or -1 with a message in err.
 */
int gs_game_start(const struct gs_model *m, const char *scenario, const char *out_dir,
		  const char *url_base, char *err, size_t errlen);

/* gs_game_route - answer a request under /api/game (body: what was sent, len bytes). */
enum MHD_Result gs_game_route(struct MHD_Connection *c, const char *url, const char *method,
			      const char *body, size_t len);

/* gs_game_end - free what the game holds (at the server's end). */
void gs_game_end(void);

/* ---- serve.c's helpers ---- */

/* A JSON response (takes the reference to j). */
enum MHD_Result gs_serve_json(struct MHD_Connection *c, unsigned status, json_t *j);

/* {"error": message} with status. */
enum MHD_Result gs_serve_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A response of text (copied), as a download named filename if not NULL. */
enum MHD_Result gs_serve_text(struct MHD_Connection *c, unsigned status, const char *type,
			      const char *text, size_t len, const char *filename);

/* A file of the --out folder (a name the server made) as a download. */
enum MHD_Result gs_serve_file(struct MHD_Connection *c, const char *path, const char *type,
			      const char *filename);

/* A JSON value as the text of a scenario value, or -1 with why in err. */
int gs_serve_value_text(const json_t *v, char *out, size_t n, char *err, size_t errlen);

/*
 * Read and resolve a scenario file (as `govsim check` does); on problems
 * returns -1 with their text in *problems (malloc'd).
 */
int gs_serve_load(const char *path, struct gs_scenario *sc, char **problems);

/* Write text into path (replaced whole, through path.partial). Returns 0 or -1 with err. */
int gs_serve_replace_file(const char *path, const char *text, char *err, size_t errlen);

/* One run at a time: cancel the server's run, if any, and hold the others off until _end. */
void gs_serve_run_begin(void);
void gs_serve_run_end(void);

#endif
