/*
 * recording.h - what the record says (docs/ODD.md, 7.7 Closure, recording
 * and audit): record correction under pressure, and audit.
 */
#ifndef GS_RECORDING_H
#define GS_RECORDING_H

#include "models/world.h"

/*
 * gs_record_closure - the recorded time to close [ticks] of case id,
 * closing now by `worker`, after gaming and audit:
 * - a measured case whose recorded time just missed the target (by at most
 *   workforce.gaming_window of it) is "corrected" to just under the target
 *   with probability workforce.manipulation_base x gs_gaming(worker)
 *   (mechanism.recording);
 * - a measured case that breached anyway may be recorded in another
 *   category, out of the measured one, with probability
 *   workforce.reclassify_base x gs_gaming(worker) (mechanism.triage);
 * - with probability regime.audit_probability the record is audited
 *   (mechanism.audit): a corrected time or a reclassification found is
 *   undone, counted, and sanctioned.
 */
int32_t gs_record_closure(struct gs_world *w, int32_t id, int32_t worker);

#endif
