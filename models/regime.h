/*
 * regime.h - governance regimes.
 *
 * A regime is a point in the one continuous space of regime.* parameters;
 * `npm`, `hls` and `none` are presets: named points, defined here and only
 * here. An arm takes a preset and may override any parameter.
 */
#ifndef GS_REGIME_H
#define GS_REGIME_H

#include <stddef.h>

struct gs_regime_type {
	const char *name;
	const char *description;
	const char *const *settings; /* "section.key=value" strings, NULL-terminated */
};

/* gs_regime_types - every preset, NULL-terminated. */
extern const struct gs_regime_type *const gs_regime_types[];

/* gs_regime_find - the preset of that name, or NULL. */
const struct gs_regime_type *gs_regime_find(const char *name);

/* gs_regime_names - "npm, hls, none", for messages. */
const char *gs_regime_names(void);

#endif
