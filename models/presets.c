/*
 * presets.c - the regime presets: named points in the one continuous space
 * of regime.* parameters, as data. Each sets every regime.* parameter (a
 * test checks it), so a preset is a complete point in regime space.
 */
#include "models/presets.h"

/*
 * New Public Management: standardised offer, targets pressed hard and
 * ratcheted, audit and sanctions, reporting, breach-chasing and creaming in
 * the queue, little discretion, no protected learning.
 */
static const char *const npm_settings[] = {
	"regime.target_level=0.8",
	"regime.target_pressure=0.7",
	"regime.target_ratchet=0.02",
	"regime.review_period=30d",
	"regime.discretion=0.05",
	"regime.standardisation=0.8",
	"regime.standard_saving=0.3",
	"regime.reporting_burden=0.12",
	"regime.audit_probability=0.05",
	"regime.audit_penalty=1",
	"regime.learning_time=0",
	"regime.continuity=0",
	"regime.stewardship=0",
	"regime.payment_model=salary",
	"regime.weight_need=0",
	"regime.weight_wait=0.5",
	"regime.weight_breach=3",
	"regime.weight_success=1",
	NULL,
};

/*
 * Human Learning Systems: discretion to address the whole need, continuity
 * of relationship, protected learning time, managers as stewards removing
 * barriers, priority by need, no target pressure or sanctions.
 */
static const char *const hls_settings[] = {
	"regime.target_level=0.8",
	"regime.target_pressure=0",
	"regime.target_ratchet=0",
	"regime.review_period=30d",
	"regime.discretion=0.9",
	"regime.standardisation=0",
	"regime.standard_saving=0.3",
	"regime.reporting_burden=0.03",
	"regime.audit_probability=0",
	"regime.audit_penalty=0",
	"regime.learning_time=0.1",
	"regime.continuity=0.8",
	"regime.stewardship=0.3",
	"regime.payment_model=salary",
	"regime.weight_need=2",
	"regime.weight_wait=1",
	"regime.weight_breach=0",
	"regime.weight_success=0",
	NULL,
};

/* No targets and no learning, same resources: first come, first served. */
static const char *const none_settings[] = {
	"regime.target_level=0.8",
	"regime.target_pressure=0",
	"regime.target_ratchet=0",
	"regime.review_period=30d",
	"regime.discretion=0.3",
	"regime.standardisation=0",
	"regime.standard_saving=0.3",
	"regime.reporting_burden=0.03",
	"regime.audit_probability=0",
	"regime.audit_penalty=0",
	"regime.learning_time=0",
	"regime.continuity=0",
	"regime.stewardship=0",
	"regime.payment_model=salary",
	"regime.weight_need=0",
	"regime.weight_wait=1",
	"regime.weight_breach=0",
	"regime.weight_success=0",
	NULL,
};

static const struct gs_preset npm = {
	"npm", "New Public Management: targets, audit, standardisation", npm_settings};
static const struct gs_preset hls = {
	"hls", "Human Learning Systems: discretion, continuity, learning, stewardship", hls_settings};
static const struct gs_preset none = {
	"none", "No targets, no learning, first come first served (the counterfactual)",
	none_settings};

const struct gs_preset *const gs_presets[] = {&npm, &hls, &none, NULL};
