/*
 * presets.h - the regime presets `npm`, `hls` and `none`: data, defined in
 * presets.c and only there. An arm takes a preset and may override any
 * parameter; a scenario reader needs nothing else of the model.
 */
#ifndef GS_PRESETS_H
#define GS_PRESETS_H

#include "sim/core/model.h"

/* gs_presets - every preset, NULL-terminated. */
extern const struct gs_preset *const gs_presets[];

#endif
