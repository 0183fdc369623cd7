/*
 * world.h - the state of one run: citizens, teams and workers here, and the
 * parts with headers of their own: the event scheduler (sched.h), the case
 * pool (cases.h), the histograms (hist.h), and what a block of a parallel
 * phase keeps of its own, the tallies that become the output metrics among
 * it (block.h, tally.h). Each kind of agent lives in arrays allocated once
 * (indices between agents, no per-agent allocation): the fields an event
 * touches together in one record per agent (hot), the others in arrays of
 * their own (cold).
 *
 * Units: times are in ticks unless a name says otherwise; shares and
 * states in [0..1]; hours in worker hours.
 */
#ifndef GS_WORLD_H
#define GS_WORLD_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/block.h"
#include "models/cases.h"
#include "models/census.h"
#include "models/hist.h"
#include "models/sched.h"
#include "models/streams.h"
#include "models/tally.h"
#include "sim/core/crew.h"
#include "sim/core/params.h"

#define GS_NEVER INT32_MAX

/*
 * Event phases visit citizens and cases scattered over arrays far larger than
 * the cache; they ask for the record this many events ahead, so that its miss
 * to memory overlaps the work on the events before it. Results do not depend
 * on it.
 */
#define GS_PREFETCH 8
/*
 * The same for a pass that only reads a field or two of each record: its
 * work per record is short, so that many more misses must overlap.
 */
#define GS_PREFETCH_FAR 32

#if defined(__GNUC__)
#define gs_prefetch(addr) __builtin_prefetch((addr), 1)
#else
#define gs_prefetch(addr) ((void)(addr))
#endif

/*
 * Citizens below which a run works its phases alone (gs_share): a day's
 * work in each phase is then too small to pay for handing blocks to
 * another thread, whose caches hold none of the run's data. One run of
 * 20,000 and of 50,000 citizens took 1.22 and 1.11 times as long with 2
 * threads as with 1; 100,000 and 200,000 took 0.92 and 0.89 times as long
 * (docs/performance.md, *Small runs alone*). Which thread works a block
 * never changes a result.
 */
#define GS_SHARE_MIN 100000

/* What a citizen's need is doing. Every need arisen is in exactly one of
 * pending, in service, met or abandoned (the last two are counted, not stored). */
enum gs_need_state {
	GS_NEED_NONE = 0,     /* no open need */
	GS_NEED_PENDING,      /* open need, no open case */
	GS_NEED_IN_SERVICE,   /* open need with an open case */
};

/* The next thing a citizen's open need will do by itself. */
enum gs_due_kind {
	GS_DUE_NONE = 0,
	GS_DUE_CONTACT,       /* severity crosses the citizen's contact threshold */
	GS_DUE_SELF,          /* the need resolves without help */
	GS_DUE_RETURN,        /* comes back after a case closed with the need unmet */
	GS_DUE_CHASE,         /* chases progress on a waiting case */
};

enum gs_worker_status { GS_W_PRESENT = 0, GS_W_SICK, GS_W_VACANT };

/*
 * The fields of a citizen that its events read and write, kept together in
 * one 64-byte line (the record is aligned to it, and the array too): an
 * event costs one cache line instead of a miss per field. A citizen's team
 * is computed from its index (gs_team_of).
 */
struct gs_citizen {
	_Alignas(64) int32_t wake; /* tick of the citizen's scheduled wake, GS_NEVER if none */
	int32_t next_arrival;  /* tick of the next need arrival */
	int32_t due;           /* tick of the open need's next action */
	int32_t case_of;       /* open case id, -1 if none */
	int32_t sev_t0;        /* tick of the severity anchor */
	int32_t first_contact; /* tick of the first contact about the need, -1 before */
	int32_t wb_t;          /* tick of the wellbeing anchor */
	uint32_t n_arrivals;   /* need arrivals so far: addresses the need's random streams */
	float sev0;            /* [0..1] severity at tick sev_t0 */
	float wb;              /* [0..1] wellbeing at tick wb_t */
	float trust;           /* [0..1] */
	float strength;        /* [0..1] */
	uint16_t need_contacts;/* contacts about the need so far */
	uint8_t due_kind;      /* enum gs_due_kind */
	uint8_t state;         /* enum gs_need_state */
	uint8_t cx;            /* components of the need */
	uint8_t left;          /* components not yet resolved */
	uint8_t cls;           /* demand class */
	int32_t last_worker;   /* worker who last worked the citizen's case, -1 if none */
	int32_t arrival_at;    /* tick of its last wake asked for at its next_arrival then, -1 if none */
};
_Static_assert(sizeof(struct gs_citizen) == 64, "a citizen's record is one cache line");

/*
 * A team's queue of waiting cases (those queued since its last ordering
 * after the others), and its cases between visits: cases that
 * have had their day's service.visit_hours (status active, not in the queue
 * and in no worker's hand), in the order they were held. The first n_due of
 * them were held before today: their worker resumes them before taking a new
 * case.
 */
struct gs_queue {
	int32_t *ids;
	size_t len, cap;
	size_t sorted;        /* the first `sorted` ids are in the order of the last ordering */
	double contact_hours; /* [h] contact handling asked of the team this tick */
	int32_t *held;        /* cases between visits, -1 for one resumed this tick */
	size_t n_held, cap_held, n_due;
};

/* A team and its manager. */
struct gs_team {
	double target;          /* current target level [0..1] */
	double shortfall;       /* target minus recorded share in the last review, >= 0 */
	double review_closed;   /* measured cases closed this review period */
	double review_within;   /* ... of which recorded within target */
	double barrier;         /* system barriers [0..1] */
	double knowhow;         /* shared know-how [0..1] */
	double gaming_triage;   /* this tick's propensity of the team to reclassify */
	/* the manager's traits, drawn once per run (multipliers of mean 1; 1 with no spread) */
	double m_pressure;      /* pressure style: multiplies the felt target pressure */
	double m_gaming;        /* (lack of) integrity: multiplies the team's gaming propensity */
	double m_stewardship;   /* stewardship skill: multiplies the rate of barrier removal */
	/* a game's choices for this round (gs_game_levers), NaN: the arm's value */
	double lever[GS_N_LEVERS];
};

struct gs_world {
	struct gs_params *p;  /* the run's parameters (events change them) */
	uint64_t seed;
	int32_t tick;
	int32_t n_ticks;
	gsl_rng *rng;         /* this thread's stream, repositioned before each use */
	gsl_rng **rngs;       /* one per thread of a parallel phase */
	int n_rngs;
	int threads;          /* threads for the phases inside a run */
	const struct gs_regime_rules *rules; /* the regime's decision rules */

	/* citizens: what an event touches, a record each on a 64-byte line (gs_alloc_big) */
	size_t n_cit;
	struct gs_citizen *cit;   /* [n_cit] */
	size_t cit_per_team;      /* citizens c of team k: k x cit_per_team <= c < (k + 1) x it */

	struct gs_sched sched;
	struct gs_cases cases;

	/* teams and workers */
	size_t n_teams, n_workers;
	struct gs_queue *queue;   /* [n_teams] */
	struct gs_team *team;     /* [n_teams] */
	struct gs_team_tally *team_tally; /* [n_teams] each team's flows of the output interval */
	int32_t *w_team;
	float *w_skill;           /* [0..1] */
	int32_t *w_case;          /* case in hand, -1 if none */
	double *w_visit;          /* [h] hours the case in hand has had today (service.visit_hours) */
	uint8_t *w_status;        /* enum gs_worker_status */
	int32_t *w_until;         /* tick a sick worker returns or a vacant post is filled */
	float *w_motivation;      /* [0..1] intrinsic motivation */
	float *w_trust;           /* [0..1] trust in management */
	float *w_stress;          /* [0..1] */
	float *w_competence;      /* [0..1] recent share of cases that met the need */
	float *w_cx;              /* mean components of recent cases */
	float *w_judgement;       /* z of the worker's judgement (workforce.judgement_sd) */
	float *w_psm;             /* public-service motivation: offset of the motivation level */
	float *w_gaming;          /* (lack of) integrity: multiplies the gaming propensity (mean 1) */
	float *w_offered;         /* components taken on in this output interval */
	float *w_offer_left;      /* components left at those offers */
	uint8_t *w_overloaded;    /* no slack this tick while cases waited */

	/* told by an event (gs_governance.changed), done at the managers' next phase */
	bool reset_targets;       /* regime.target_level changed: teams' targets start from it */
	bool reset_barriers;      /* service.barrier changed: teams' barriers start from it */
	bool levers;              /* a game's choices apply to some team this tick */

	/* the downstream resource */
	int64_t res_free;         /* free units */
	int32_t *res_release;     /* [n_ticks] units released at each tick */

	int32_t *woken;           /* citizens woken this tick, in citizen order */
	size_t cap_woken;

	/*
	 * gs_blocks' views [cap_views], kept from one phase to the next with
	 * their lists' memory, so that a phase allocates nothing once the
	 * lists have grown (NULL in a view)
	 */
	struct gs_world *views;
	size_t cap_views;
	bool view;                /* a view of one block (gs_view_begin), not the run's world */
	bool alone;               /* fewer than GS_SHARE_MIN citizens: phases not shared */

	/* what a block of a parallel phase keeps of its own (models/block.h) */
	union {
		struct gs_block_state acc;
		struct {
			GS_BLOCK_FIELDS
		};
	};

	struct gs_hists hist;     /* time-to-close histograms of the run */
	/* the stocks of citizens kept up to date by events (census.h) */
	struct gs_census census;
	int slot;                 /* this thread's slot of the census and lane of the scheduler (a view's; 0 outside) */
	/* scratch for the census [n_cit] */
	float *scratch;
};

/*
 * gs_world_alloc - allocate and initialise a run's world for params p (which
 * it keeps and may change), seed `seed`. Returns NULL if out of memory.
 */
struct gs_world *gs_world_alloc(struct gs_params *p, uint64_t seed);

void gs_world_free(struct gs_world *w);

/*
 * gs_sched_at - wake citizen c at tick t (ignored beyond the run), in the
 * scheduler's lane of the calling thread (w->slot). Returns -1 if out of
 * memory.
 */
int gs_sched_at(struct gs_world *w, int32_t c, int32_t t);

/*
 * gs_view_begin - a thread's view of w for one block of a parallel phase:
 * shared agent arrays, its own random stream, census slot and scheduler
 * lane, and its own tallies, counters and lists (contacts, closures, cases
 * waiting for the resource), starting empty. view is zeroed, or a view
 * merged before: its lists' memory is kept. A block may change only its
 * own agents. gs_view_merge adds a view's results to w (call for each
 * block, in block order, so results do not depend on the number of
 * threads) and empties the view's lists, keeping their memory for its next
 * block (gs_block_free(&view->acc) releases it).
 */
void gs_view_begin(const struct gs_world *w, struct gs_world *view);
int gs_view_merge(struct gs_world *w, struct gs_world *view);

/*
 * gs_blocks - the one way a phase works in parallel: fn runs on blocks
 * 0..n-1, each in its own view of w (gs_view_begin), shared between the
 * calling thread and the threads of its ensemble's crew (sim/core/crew.h;
 * alone outside one); then, in block order, each block's view is merged
 * into w. fn may change only its block's own agents.
 * Returns -1 if fn or a merge failed (out of memory).
 */
typedef int (*gs_block_fn)(struct gs_world *view, size_t block, void *ctx);
int gs_blocks(struct gs_world *w, size_t n, gs_block_fn fn, void *ctx);

/*
 * gs_share - gs_crew_run for a phase of w (sim/core/crew.h): shared with
 * the run's crew, or alone when w has fewer than GS_SHARE_MIN citizens.
 */
int gs_share(const struct gs_world *w, size_t n, gs_crew_fn fn, gs_crew_fn merge, void *ctx);

/*
 * gs_by_team - run fn on the items of each team (items[i] belongs to team
 * team_of[i]; each team's items in their order), teams in parallel, each in
 * its own view, views merged in team order. Returns -1 if fn or the merge
 * failed.
 */
typedef int (*gs_team_fn)(struct gs_world *view, size_t team, const size_t *idx, size_t n,
			  void *ctx);
int gs_by_team(struct gs_world *w, size_t n_items, const int32_t *team_of, gs_team_fn fn,
	       void *ctx);

/*
 * gs_hist_add - count ticks in histogram `which` (0 recorded, 1 true), in
 * total and for demand class cls; bins closed on the right.
 */
void gs_hist_add(struct gs_world *w, int which, int cls, int32_t ticks);

/* gs_sort_i32 - sort ascending (a radix sort for large arrays); scratch holds n. */
void gs_sort_i32(int32_t *a, int32_t *scratch, size_t n);

/*
 * gs_world_citizen_bytes - bytes of the per-citizen arrays for one citizen
 * (the fixed part of the memory a citizen costs; scheduled wakes, cases,
 * workers and teams come on top).
 */
size_t gs_world_citizen_bytes(void);

/* gs_citizen_reschedule - set c's wake to the earlier of its arrival and due ticks. */
int gs_citizen_reschedule(struct gs_world *w, int32_t c);

/* gs_team_of - citizen c's team (citizens are dealt to teams in runs of cit_per_team). */
static inline int32_t gs_team_of(const struct gs_world *w, int32_t c)
{
	return (int32_t)((uint32_t)c / (uint32_t)w->cit_per_team);
}

/* gs_severity - severity of c's open need at tick t [0..1]. */
double gs_severity(const struct gs_world *w, int32_t c, int32_t t);

/* gs_wellbeing - wellbeing of c at tick t [0..1] (does not change c). */
double gs_wellbeing(const struct gs_world *w, int32_t c, int32_t t);

/* gs_wellbeing_update - bring c's wellbeing up to tick t before its need changes. */
void gs_wellbeing_update(struct gs_world *w, int32_t c, int32_t t);

/* gs_trust_update - move c's trust towards the quality q [0..1] of an experience. */
void gs_trust_update(struct gs_world *w, int32_t c, double q);

/* gs_need_end - c's need ends (met, self-resolved or abandoned): it has no open need now. */
/*
 * gs_need_outcome - the need of citizen c, which reached the service, ends:
 * met by it (met) or given up; counted as simple or complex by its
 * components (output.complex_components) for the equity metrics.
 */
void gs_need_outcome(struct gs_world *w, int32_t c, bool met);
void gs_need_end(struct gs_world *w, int32_t c);

/*
 * gs_world_check - the conservation invariants: every need arisen is exactly
 * one of pending, in service, met or abandoned; citizens, cases and queues
 * agree; every contact is value demand (the first about a need) or failure
 * demand (every further one). Returns 0, or -1 with a message in err.
 */
int gs_world_check(const struct gs_world *w, char *err, size_t errlen);

/*
 * gs_ids_push - append id to the growable array *ids of *len entries and
 * room for *cap (doubled when full). Returns -1 if out of memory.
 */
int gs_ids_push(int32_t **ids, size_t *len, size_t *cap, int32_t id);

/* gs_case_open - a new case for citizen c at team `team`; returns its id or -1. */
int32_t gs_case_open(struct gs_world *w, int32_t c, int32_t team);

/*
 * gs_case_fill - the record of case id (taken from the pool) as a new case
 * for citizen c at team `team`: gs_case_open is gs_cases_take then this.
 */
void gs_case_fill(struct gs_world *w, int32_t id, int32_t c, int32_t team);

/*
 * gs_case_sync - case id's copies of its citizen c's severity anchor and
 * components left made equal to c's (when the case opens, and when a need
 * joins c's open one: nothing else changes them while the case is open).
 */
void gs_case_sync(struct gs_world *w, int32_t id, int32_t c);

/* gs_case_severity - gs_severity of case id's citizen at tick t, from the case's copies. */
double gs_case_severity(const struct gs_world *w, int32_t id, int32_t t);

/* gs_closure_propose - case id is to close this tick (closure phase). Returns -1 if out of memory. */
int gs_closure_propose(struct gs_world *w, int32_t id);

/* gs_case_free - return case id to the pool. */
void gs_case_free(struct gs_world *w, int32_t id);

/*
 * gs_spread_factor - a trait as a multiplier of mean 1: exp(sd z - sd^2 / 2)
 * for a standard normal z (log-normal, skewed to the right: a few are far
 * above 1); exactly 1 when sd is 0.
 */
static inline double gs_spread_factor(double sd, double z)
{
	return sd > 0 ? exp(sd * z - sd * sd / 2) : 1.0;
}

/*
 * gs_game_levers - at the start of tick t, each team's levers of the
 * round t falls in (p->game), NaN where no choice was made or there is no
 * game; sets w->levers if any team has one.
 */
void gs_game_levers(struct gs_world *w, int32_t t);

/* gs_team_lever - lever k of team t this tick, else `arm` (the arm's value). */
static inline double gs_team_lever(const struct gs_world *w, size_t t, int k, double arm)
{
	return w->levers && !isnan(w->team[t].lever[k]) ? w->team[t].lever[k] : arm;
}

/* gs_ticks_to_days - a number of ticks in days. */
static inline double gs_ticks_to_days(const struct gs_world *w, double ticks)
{
	return ticks * w->p->simulation.tick / GS_MIN_PER_DAY;
}

#endif
