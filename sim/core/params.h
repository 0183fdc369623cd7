/*
 * params.h - govsim's parameters, generated from the one table in params.def.
 *
 * `struct gs_params` holds every parameter of one arm; the table
 * (gs_param_table) describes each one.  Values are set from the text a
 * scenario file holds, with range checks, by gs_param_set().
 */
#ifndef GS_PARAMS_H
#define GS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GS_MAX_CLASSES 8
#define GS_NAME_MAX 32 /* longest class, arm or event name, with its NUL */

enum gs_type { GS_INT, GS_REAL, GS_DURATION, GS_BOOL, GS_ENUM };

enum gs_param_flags {
	GS_F_SCENARIO = 1, /* one value for the whole scenario */
	GS_F_RUN = 2,      /* fixed during a run; may differ between arms */
};

#define GS_CTYPE_INT int64_t
#define GS_CTYPE_REAL double
#define GS_CTYPE_DURATION double
#define GS_CTYPE_BOOL bool
#define GS_CTYPE_ENUM int

/* Parameters of one demand class, [class.NAME] in a scenario. */
struct gs_class_params {
#define GS_SECTION(sec)
#define GS_END_SECTION(sec)
#define GS_CLASS_SECTION
#define GS_END_CLASS_SECTION
#define GS_PARAM(sec, name, type, def, min, max, unit, flags, desc) \
	GS_CLASS_FIELD_##sec(type, name)
#define GS_CLASS_FIELD_class(type, name) GS_CTYPE_##type name;
#define GS_CLASS_FIELD_simulation(type, name)
#define GS_CLASS_FIELD_population GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_workforce GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_service GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_regime GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_mechanism GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_cost GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_downstream GS_CLASS_FIELD_simulation
#define GS_CLASS_FIELD_output GS_CLASS_FIELD_simulation
#include "sim/core/params.def"
#undef GS_PARAM
#undef GS_SECTION
#undef GS_END_SECTION
#undef GS_CLASS_SECTION
#undef GS_END_CLASS_SECTION
};

/*
 * The levers the managers of a participatory game chose for their teams,
 * round by round (the scenario's [game] section, sim/plan/game.c). Each
 * lever overrides, for its team and round only, the arm's value of a
 * regime parameter; NaN: the arm's value (no choice made).
 */
enum gs_game_lever {
	GS_LEVER_PRESSURE, /* regime.target_pressure of the team [0..1] */
	GS_LEVER_LEARNING, /* regime.learning_time of the team [0..1] */
	GS_LEVER_CHASING,  /* regime.weight_breach of the team [weight] */
	GS_LEVER_HONEST,   /* 1: the team never games its records or closures; 0: as the model */
	GS_N_LEVERS
};

struct gs_game {
	double round;       /* [ticks] length of a round: round r covers ticks [r round, (r+1) round) */
	size_t n_teams;     /* teams 0..n_teams-1 may have choices */
	size_t n_rounds;
	double *value;      /* [(team * n_rounds + round) * GS_N_LEVERS + lever], NaN: none */
};

/* Every parameter of one arm. Durations are in ticks (simulation.tick in minutes). */
struct gs_params {
#define GS_SECTION(sec) struct {
#define GS_END_SECTION(sec) } sec;
#define GS_CLASS_SECTION
#define GS_END_CLASS_SECTION
#define GS_PARAM(sec, name, type, def, min, max, unit, flags, desc) \
	GS_FIELD_##sec(type, name)
#define GS_FIELD_class(type, name)
#define GS_FIELD_simulation(type, name) GS_CTYPE_##type name;
#define GS_FIELD_population GS_FIELD_simulation
#define GS_FIELD_workforce GS_FIELD_simulation
#define GS_FIELD_service GS_FIELD_simulation
#define GS_FIELD_regime GS_FIELD_simulation
#define GS_FIELD_mechanism GS_FIELD_simulation
#define GS_FIELD_cost GS_FIELD_simulation
#define GS_FIELD_downstream GS_FIELD_simulation
#define GS_FIELD_output GS_FIELD_simulation
#include "sim/core/params.def"
#undef GS_PARAM
#undef GS_SECTION
#undef GS_END_SECTION
#undef GS_CLASS_SECTION
#undef GS_END_CLASS_SECTION
	int n_classes;                                 /* >= 1 */
	bool class_implicit; /* the one class "all" stands in until a scenario names one */
	char class_name[GS_MAX_CLASSES][GS_NAME_MAX];  /* in order of first appearance */
	struct gs_class_params cls[GS_MAX_CLASSES];
	/* not a parameter: the game's choices for this arm's teams, NULL (none) outside a game */
	const struct gs_game *game;
};

/* One row of the parameter table. */
struct gs_param_info {
	const char *section; /* "class" for per-class parameters */
	const char *name;
	enum gs_type type;
	const char *def;     /* default, as written in a scenario file */
	double min, max;     /* allowed range (durations: minutes) */
	const char *unit;    /* ENUM and BOOL: the choices, '|'-separated */
	int flags;           /* enum gs_param_flags */
	const char *desc;
	size_t offset;       /* in struct gs_params, or struct gs_class_params */
};

extern const struct gs_param_info gs_param_table[];
extern const size_t gs_param_count;

/* What a behavioural parameter's default rests on (sim/core/params_basis.def). */
struct gs_param_basis {
	const char *section, *name;
	const char *text; /* "setting: ...", "source: ..." or "assumption: ... range ..." */
};
extern const struct gs_param_basis gs_basis_table[];
extern const size_t gs_basis_count;

/* gs_param_basis - the basis of row i of the parameter table, or NULL if it has none. */
const char *gs_param_basis(size_t i);

/*
 * gs_param_plausible - the plausible range of row i, read from its basis
 * ("range a-b", in the row's unit; durations with theirs, e.g. "7d-90d"; a
 * rate may name its unit, "per day" for 1/d): in *lo and *hi as
 * gs_param_number gives values (durations in days). Returns 1 if the row
 * has one, 0 if it has none (a setting, a lever, not behaviour), -1 if its
 * basis names a range that does not read (with a message in err).
 */
int gs_param_plausible(size_t i, double *lo, double *hi, char *err, size_t errlen);

/* gs_params_print_tsv - the table as tab-separated values, a header line first, to f. */
void gs_params_print_tsv(FILE *f);

/* The row of every parameter in gs_param_table: GS_P_<section>_<name>. */
enum gs_param_id {
#define GS_SECTION(sec)
#define GS_END_SECTION(sec)
#define GS_CLASS_SECTION
#define GS_END_CLASS_SECTION
#define GS_PARAM(sec, name, type, def, min, max, unit, flags, desc) GS_P_##sec##_##name,
#include "sim/core/params.def"
#undef GS_PARAM
#undef GS_SECTION
#undef GS_END_SECTION
#undef GS_CLASS_SECTION
#undef GS_END_CLASS_SECTION
	GS_N_PARAMS
};

/* A value of one parameter, typed as its row says (durations in ticks). */
union gs_value {
	int64_t i; /* GS_INT */
	double d;  /* GS_REAL, GS_DURATION */
	bool b;    /* GS_BOOL */
	int e;     /* GS_ENUM: index of the choice */
};

/* One parameter set to one value: what events and sweep points are made of. */
struct gs_change {
	enum gs_param_id row;
	int cls;            /* class index for per-class rows, else 0 */
	union gs_value v;
};

/*
 * The choices of each ENUM parameter, by name: each constant is the index of
 * its choice in the row's unit string (tests/sim/core/test_params.c checks
 * that the two agree).
 */

/* regime.payment_model: "salary|per_case|outcome" */
enum gs_payment_model {
	GS_PAYMENT_SALARY,   /* fixed salaries */
	GS_PAYMENT_PER_CASE, /* cost.payment_per_case per case closed */
	GS_PAYMENT_OUTCOME,  /* cost.payment_per_outcome per need met */
};

/* Minutes in one unit of each duration suffix. */
#define GS_MIN_PER_HOUR 60.0
#define GS_MIN_PER_DAY 1440.0
#define GS_MIN_PER_YEAR (365.0 * GS_MIN_PER_DAY)

/*
 * gs_params_init - every parameter at its default, one class named "all".
 * Returns 0, or -1 if a default in the table does not parse (a bug that
 * tests/sim/core/test_params.c catches).
 */
int gs_params_init(struct gs_params *p);

/*
 * gs_param_find - the table row for a key "section.name" or
 * "class.NAME.name". On success returns the row index and, for per-class
 * keys, writes the class name into cls (else cls[0] = 0). Returns -1 if no
 * such parameter exists.
 */
int gs_param_find(const char *key, char cls[GS_NAME_MAX]);

/*
 * gs_param_set - parse `value` for `key` and store it in p, with the
 * tick length already in p (simulation.tick). A class named in a key that p
 * does not have yet is added. On error returns -1 and writes a message
 * (allowed range, unit) to err.
 */
int gs_param_set(struct gs_params *p, const char *key, const char *value,
		 char *err, size_t errlen);

/*
 * gs_param_parse_duration - parse "10d", "240min", "1.5h", "2w", "1y" into
 * minutes. Returns 0, or -1 with a message in err.
 */
int gs_param_parse_duration(const char *s, double *minutes, char *err, size_t errlen);

/* gs_format_duration - minutes as the shortest exact text ("90min", "2y"). */
void gs_format_duration(double minutes, char *buf, size_t n);

/*
 * gs_param_change - parse `value` for `key` against p (its tick length and
 * its classes: a class that p does not have is an error) into a typed
 * change, without changing p. Returns 0, or -1 with a message in err.
 */
int gs_param_change(const struct gs_params *p, const char *key, const char *value,
		    struct gs_change *c, char *err, size_t errlen);

/* gs_param_apply - store a change's value in p (simulation.tick rescales every duration). */
void gs_param_apply(struct gs_params *p, const struct gs_change *c);

/* gs_param_get - the current value of row (class cls) in p. */
union gs_value gs_param_get(const struct gs_params *p, enum gs_param_id row, int cls);

/* gs_value_equal - are a and b the same value of row's type? */
bool gs_value_equal(enum gs_param_id row, union gs_value a, union gs_value b);

/* gs_param_is_class - is row a per-class parameter ([class.NAME])? */
bool gs_param_is_class(size_t row);

/*
 * gs_param_format - the current value of table row i (class index cls for
 * per-class rows) as scenario-file text.
 */
void gs_param_format(const struct gs_params *p, size_t i, int cls, char *buf, size_t n);

/*
 * gs_param_number - the value of row i (class cls) as a number: ints and
 * reals as they are, durations in days (simulation.tick too), on/off as 1/0,
 * choices by their index.
 */
double gs_param_number(const struct gs_params *p, size_t i, int cls);

/* gs_param_range - the allowed range of row i as text, e.g. "0..1" or "1min..7d". */
void gs_param_range(size_t i, char *buf, size_t n);

/*
 * gs_params_print - the table as aligned text, or as a Markdown document
 * (docs/parameters.md), to f.
 */
void gs_params_print(FILE *f, bool markdown);

/* gs_per_tick - a rate per year as a rate per tick. */
static inline double gs_per_tick(const struct gs_params *p, double per_year)
{
	return per_year * p->simulation.tick / GS_MIN_PER_YEAR;
}

#endif
