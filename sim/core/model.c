/*
 * model.c - looking up a model's presets.
 */
#include "sim/core/model.h"

#include <stdio.h>
#include <string.h>

const struct gs_preset *gs_model_preset(const struct gs_preset *const *presets, const char *name)
{
	for (size_t i = 0; presets && presets[i]; i++)
		if (strcmp(presets[i]->name, name) == 0)
			return presets[i];
	return NULL;
}

void gs_model_preset_names(const struct gs_preset *const *presets, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; presets && presets[i] && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", presets[i]->name);
}
