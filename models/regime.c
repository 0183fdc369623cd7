/*
 * regime.c - the general regime rules: the decisions a regime shapes,
 * from the regime.* parameters alone (the presets are in presets.c).
 */
#include "models/regime.h"

#include <string.h>

#include "models/casework.h"
#include "models/manager.h"
#include "models/queue.h"
#include "models/worker.h"

const struct gs_regime_rules gs_regime_general = {
	"general", gs_queue_priority, gs_casework_offer, gs_gaming, gs_manager_review,
};
