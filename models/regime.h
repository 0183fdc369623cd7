/*
 * regime.h - governance regimes.
 *
 * A regime is a point in the one continuous space of regime.* parameters;
 * `npm`, `hls` and `none` are presets: named points (models/presets.h).
 */
#ifndef GS_REGIME_H
#define GS_REGIME_H

#include <stddef.h>
#include <stdint.h>

struct gs_world;

/*
 * The decisions a regime shapes, as a table of functions (the shape of
 * GSL's gsl_rng_type). gs_regime_general implements every one from the
 * regime.* parameters alone, so that npm, hls, none and any hybrid are
 * points in one continuous space; another table could replace any rule
 * without touching the mechanisms that call it.
 */
struct gs_regime_rules {
	const char *name;
	/* priority of waiting case id at tick t (higher first) */
	double (*priority)(const struct gs_world *w, int32_t id, int32_t t);
	/* components (1..left) a worker offers to address, from those left */
	int (*offer)(struct gs_world *w, int32_t worker, int32_t id, int left);
	/* propensity [0..1] of a worker of this motivation in this team to game the measures */
	double (*gaming)(const struct gs_world *w, size_t team, double motivation);
	/* the manager's review of a team at the end of a review period */
	void (*review)(struct gs_world *w, size_t team);
};

/* The general rules: weighted priority, discretionary offer, pressure x
 * (1 - motivation) x deterrence, review with pressure and ratchet. */
extern const struct gs_regime_rules gs_regime_general;

#endif
