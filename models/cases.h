/*
 * cases.h - open cases: one record each, in a pool indexed by case id.
 */
#ifndef GS_CASES_H
#define GS_CASES_H

#include <stddef.h>
#include <stdint.h>

enum gs_case_status {
	GS_CASE_FREE = 0,
	GS_CASE_QUEUED,       /* waiting for a worker */
	GS_CASE_ACTIVE,       /* in a worker's hands */
	GS_CASE_WITHDRAWN,    /* its citizen gave up; leaves the queue at the next ordering */
	GS_CASE_WAITING,      /* work done, waiting for a unit of the downstream resource */
	GS_CASE_CLOSING,      /* proposed for closure this tick */
};

/* Flags of a case. */
enum gs_case_flags {
	GS_CF_MEASURED = 1,     /* in the measured category (counts towards the target) */
	GS_CF_RECLASSIFIED = 2, /* moved out of the measured category to avoid a breach */
	GS_CF_CONSIDERED = 4,   /* the reclassification decision has been taken */
	GS_CF_PREMATURE = 8,    /* closed before its need was addressed */
	GS_CF_RESOURCE = 16,    /* needs a unit of the downstream resource to close */
	GS_CF_MANIPULATED = 32, /* its recorded time was corrected to meet the target */
	GS_CF_PARKED = 64,      /* given a holding appointment: not worth working under payment by outcome */
	GS_CF_OFFERED = 128,    /* its offer is made and sized: whoever takes it next continues the
				 * work (set only with service.visit_hours) */
};

/*
 * One open case, on a 64-byte line of its own (the pool's records are
 * aligned: gs_alloc_big). It keeps copies of its citizen's severity anchor
 * and components left, made when the case opens and when a need joins
 * (gs_case_sync): ordering a queue by priority then reads the cases'
 * records alone, not their citizens'.
 */
struct gs_case {
	_Alignas(64) int32_t citizen;
	int32_t team;
	int32_t opened;       /* tick the case was opened (true case start) */
	int32_t rec_start;    /* recorded start tick */
	int32_t worker;       /* worker working it, -1 while queued */
	int32_t pref;         /* worker the citizen is to see again (continuity), -1 if any */
	float hours_left;     /* [h] work still to do */
	uint8_t status;       /* enum gs_case_status */
	uint8_t flags;        /* enum gs_case_flags */
	uint8_t cls;          /* the citizen's class */
	uint8_t addressed;    /* components the worker takes on; after the work, those resolved */
	float sev0;           /* the citizen's sev0, sev_t0 and left (gs_case_sync) */
	int32_t sev_t0;
	uint8_t left;
};

/* Open cases, a pool indexed by case id (one record each). */
struct gs_cases {
	size_t cap;
	struct gs_case *rec;  /* [cap] */
	/*
	 * the free ids, the next to take last: a stack apart from the records,
	 * so that taking an id reads no record (a record is filled later, by
	 * the team that works the case)
	 */
	int32_t *free;        /* [cap] */
	size_t n_free;
};

/* gs_cases_init - an empty pool. */
void gs_cases_init(struct gs_cases *k);

void gs_cases_free(struct gs_cases *k);

/* gs_cases_take - a free case id (the pool grows when full), or -1 if out of memory. */
int32_t gs_cases_take(struct gs_cases *k);

/* gs_cases_put - case id back to the pool. */
void gs_cases_put(struct gs_cases *k, int32_t id);

/* gs_cases_push - the id of a case whose record is marked free already back to the pool. */
void gs_cases_push(struct gs_cases *k, int32_t id);

#endif
