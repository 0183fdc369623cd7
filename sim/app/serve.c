/*
 * serve.c - `govsim serve`: the HTTP server (libmicrohttpd, one thread per
 * connection), its JSON (jansson), and the one run it runs at a time in a
 * thread of its own.
 *
 * A run request is checked as `govsim check SCENARIO --set ...` checks
 * (the same reader, the same messages), then written as a scenario file
 * of its own (every setting of the scenario and the request, in plain
 * sections, arm sections, events and sweep) into --out, and that file is
 * what runs: `govsim run` on it gives the same results bit for bit.
 */
#define _GNU_SOURCE
#include "sim/app/serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <microhttpd.h>
#include <omp.h>

#include "sim/app/cli.h"
#include "sim/app/game.h"
#include "sim/app/report.h"
#include "sim/core/diag.h"
#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/core/stop.h"
#include "sim/core/util.h"
#include "sim/engine/engine.h"
#include "sim/io/output.h"
#include "sim/plan/plan.h"
#include "sim/plan/scenario.h"

#ifndef GS_WEBDIR
#define GS_WEBDIR "web"
#endif
#ifndef GS_SCENARIODIR
#define GS_SCENARIODIR "scenarios"
#endif

static const char usage_serve[] =
	"usage: govsim serve [SCENARIO] [--port N] [--bind ADDR] [--out DIR] [--game]\n"
	"\n"
	"Serves SCENARIO (default scenarios/default.ini) over HTTP: a page to\n"
	"change each arm's levers and run, and the JSON API under /api/ that the\n"
	"page uses (docs/cli.md). One run at a time: a new run cancels the one\n"
	"running. Every run leaves a result file and its scenario file in DIR.\n"
	"\n"
	"  --port N      TCP port, 1 to 65535 (default 8321)\n"
	"  --bind ADDR   IPv4 address to listen on (default 127.0.0.1: this machine\n"
	"                only; 0.0.0.0 opens it to the network)\n"
	"  --out DIR     folder of the result files (default out/serve)\n"
	"  --game        also a participatory game (game.html): participants join\n"
	"                with a code and manage one team each, round by round; the\n"
	"                facilitator's address and the join code are printed\n"
	"  -h, --help    this help\n"
	"\n"
	"Ctrl-C (or SIGTERM) cancels the run and stops the server.\n";

#define MAX_JOBS 16      /* runs remembered (their files stay in DIR) */
#define MAX_SETS 256     /* overrides in one request */
#define MAX_KEY 128      /* longest key of an override */
#define MAX_VALUE 64     /* longest value of an override */
#define PROGRESS_S 1     /* a stream with no run finished sends progress this often */
#define TIMEOUT_S 30     /* an idle connection is closed after this */
#define MAX_LISTED 64    /* scenarios listed (the one served, scenarios/, scenarios/published/) */
#define MAX_EVENTS 32    /* events in one request */

enum job_state { JOB_RUNNING, JOB_DONE, JOB_CANCELLED, JOB_FAILED };
static const char *const state_names[] = {"running", "done", "cancelled", "failed"};

/* One run of the server: its scenario, plan, file, and the runs finished so far. */
struct job {
	unsigned long id;
	enum job_state state;
	char message[1024];        /* why it failed */
	int refs;                  /* streams reading it */
	char *ini_path, *h5_path, *tmp_path, *ini_text;
	struct gs_scenario sc;
	struct gs_plan pl;
	struct gs_output *out;
	size_t n_time;
	size_t n_finished;         /* runs finished, in the order they finished: */
	size_t *order;             /* [n_runs] their run numbers */
	double **series;           /* [n_runs] each finished run's series [GS_N_METRICS * n_time] */
	double *summary;           /* [n_runs * GS_N_SUMMARY] */
	char *table_text;          /* the table `govsim run` prints, when done */
	pthread_t thread;
	bool joined;
	struct timespec started;
	double seconds;            /* wall time to the end */
};

/* A scenario a client may start from, by name: the only scenario files a request can reach. */
struct listed {
	char name[96];    /* "default", "published/buurtzorg"; the one served: its own name */
	char *path;       /* as the server found it (never from a request) */
	const char *group; /* "served", "scenarios", "published" */
	json_t *about;    /* its arms and size, for GET /api/scenarios */
};

/* The server: one per process. */
static struct {
	const struct gs_model *model;
	const char *scenario; /* the path served */
	struct listed listed[MAX_LISTED];
	size_t n_listed;
	const char *out_dir;
	char host[64];        /* host:port of the URL */
	bool loopback;
	pthread_mutex_t lock;    /* jobs, their states and what they hold */
	pthread_cond_t changed;  /* a run finished, or a job ended */
	pthread_mutex_t run_lock; /* one run request (cancel and start) at a time */
	struct job *jobs[MAX_JOBS];
	struct job *current;     /* the job running, or NULL */
	unsigned long next_id;
	volatile sig_atomic_t quitting;
} srv = {.lock = PTHREAD_MUTEX_INITIALIZER,
	 .changed = PTHREAD_COND_INITIALIZER,
	 .run_lock = PTHREAD_MUTEX_INITIALIZER,
	 .next_id = 1};

/* ---- JSON helpers ---- */

/* A double as JSON: a number, or null when not finite (JSON has no NaN). */
static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A response of text (copied) with a content type. */
static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type,
				 const char *text, size_t len, const char *filename)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)text,
								 MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (filename) {
		char disp[128];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A JSON response (takes the reference to j). */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return send_text(c, 500, "application/json", "{\"error\":\"out of memory\"}", 25,
				 NULL);
	enum MHD_Result ret = send_text(c, status, "application/json", s, strlen(s), NULL);
	free(s);
	return ret;
}

/* ---- the tables ---- */

static const char *type_name(enum gs_type t)
{
	static const char *const names[] = {"int", "real", "duration", "bool", "enum"};
	return names[t];
}

static const char *scope_name(int flags)
{
	return flags & GS_F_SCENARIO ? "scenario" : flags & GS_F_RUN ? "run" : "any";
}

/* GET /api/params: every row of the parameter table. */
static json_t *params_json(void)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < gs_param_count; i++) {
		const struct gs_param_info *p = &gs_param_table[i];
		char key[MAX_KEY], range[64];
		if (gs_param_is_class(i))
			snprintf(key, sizeof(key), "class.NAME.%s", p->name);
		else
			snprintf(key, sizeof(key), "%s.%s", p->section, p->name);
		gs_param_range(i, range, sizeof(range));
		const char *basis = gs_param_basis(i);
		json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s*}", "key", key,
					"section", p->section, "name", p->name, "type",
					type_name(p->type), "default", p->def, "min", jnum(p->min),
					"max", jnum(p->max), "range", range, "unit", p->unit,
					"scope", scope_name(p->flags), "description", p->desc,
					"basis", basis);
		double lo, hi;
		char err[256];
		if (row && gs_param_plausible(i, &lo, &hi, err, sizeof(err)) == 1)
			json_object_set_new(row, "plausible", json_pack("[o,o]", jnum(lo), jnum(hi)));
		if (row && (p->type == GS_ENUM || p->type == GS_BOOL)) {
			json_t *ch = json_array();
			char *u = gs_strdup(p->unit), *save = NULL;
			for (char *t = u ? strtok_r(u, "|", &save) : NULL; t;
			     t = strtok_r(NULL, "|", &save))
				json_array_append_new(ch, json_string(t));
			free(u);
			json_object_set_new(row, "choices", ch);
		}
		json_array_append_new(rows, row);
	}
	return json_pack("{s:o}", "params", rows);
}

static json_t *metric_rows(const struct gs_metric_info *t, int n)
{
	json_t *rows = json_array();
	for (int i = 0; rows && i < n; i++)
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", t[i].name,
						      "units", t[i].units, "label", t[i].label,
						      "unit_text", t[i].unit_text, "aggregation",
						      gs_aggregation_name(t[i].agg), "description",
						      t[i].desc));
	return rows;
}

/* GET /api/metrics: the metric tables and the outcomes of the comparison table. */
static json_t *metrics_json(void)
{
	json_t *outcomes = json_array();
	for (int s = 0; s < GS_N_SUMMARY; s++) {
		char label[GS_LABEL_MAX];
		json_array_append_new(outcomes,
				      json_pack("{s:s,s:s,s:s}", "name", gs_summary_name(s), "label",
						gs_summary_label(s, label, sizeof(label)), "metric",
						gs_metric_table[gs_summary_metric(s)].name));
	}
	return json_pack("{s:o,s:o,s:o,s:o}", "metrics", metric_rows(gs_metric_table, GS_N_METRICS),
			 "class_metrics", metric_rows(gs_class_metric_table, GS_N_CLASS_METRICS),
			 "team_metrics", metric_rows(gs_team_metric_table, GS_N_TEAM_METRICS),
			 "outcomes", outcomes);
}

/* Every parameter of p as text ("section.key" or "class.NAME.key"), scope given. */
static json_t *values_json(const struct gs_params *p, bool scenario_wide)
{
	json_t *v = json_object();
	for (size_t i = 0; v && i < gs_param_count; i++) {
		const struct gs_param_info *row = &gs_param_table[i];
		if (((row->flags & GS_F_SCENARIO) != 0) != scenario_wide)
			continue;
		char key[MAX_KEY], text[128];
		int n_cls = gs_param_is_class(i) ? p->n_classes : 1;
		for (int c = 0; c < n_cls; c++) {
			if (gs_param_is_class(i))
				snprintf(key, sizeof(key), "class.%s.%s", p->class_name[c], row->name);
			else
				snprintf(key, sizeof(key), "%s.%s", row->section, row->name);
			gs_param_format(p, i, c, text, sizeof(text));
			json_object_set_new(v, key, json_string(text));
		}
	}
	return v;
}

/* The size of a resolved scenario's ensemble. */
struct size {
	double citizens, ticks, runs, n_time, work;
};

static struct size scenario_size(const struct gs_scenario *sc)
{
	const struct gs_params *p = &sc->arm_params[0];
	struct size z;
	size_t n_time, n_bins;
	gs_run_shape(p, &n_time, &n_bins);
	z.citizens = (double)p->population.citizens;
	z.ticks = ceil(p->simulation.duration - 1e-9);
	z.runs = (double)sc->n_arms * (double)(sc->sweep.n_points ? sc->sweep.n_points : 1) *
		 (double)p->simulation.replications;
	z.n_time = (double)n_time;
	z.work = z.citizens * z.ticks * z.runs;
	return z;
}

/* The problems of a scenario as `govsim check` prints them, in one malloc'd string. */
static char *diag_text(const struct gs_diag *d, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	gs_diag_print(d, f);
	if (d->n)
		fprintf(f, "%s: %zu problem%s\n", path, d->n, d->n == 1 ? "" : "s");
	fclose(f);
	return text;
}

/* ---- events of a request ---- */

enum event_kind { EV_PRESET, EV_DEMAND, EV_BUDGET };

/*
 * One event of a run request, for one arm: switch to a preset, demand
 * +X% (every class's class.NAME.need_rate times 1 + X/100) or a budget
 * cut of X% (workforce.hours_per_day times 1 - X/100: fewer paid hours
 * for the same staff), from `at` on. The keys it sets are worked out from
 * the arm's values at the start of the run (after the request's settings).
 */
struct page_event {
	enum event_kind kind;
	char arm[GS_NAME_MAX];
	char at[MAX_VALUE];
	char preset[MAX_VALUE];
	double percent;
	char name[GS_NAME_MAX]; /* its [event.NAME] */
	size_t n_set;
	char key[GS_MAX_CLASSES][MAX_KEY];
	char value[GS_MAX_CLASSES][MAX_VALUE];
};

/* Where the problems of a request's events are said to be: "events:N" (N from 1). */
static const char events_file[] = "events";

static char *dup_or(const char *s, bool *oom)
{
	char *d = gs_strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* Add the request's events to a scenario read, after its own, before it is resolved. */
static int inject_events(struct gs_scenario *sc, const struct page_event *ev, size_t n)
{
	bool oom = false;
	for (size_t i = 0; i < n && !oom; i++) {
		struct gs_event_spec e = {0};
		snprintf(e.name, sizeof(e.name), "%s", ev[i].name);
		e.file = events_file;
		e.line = e.at_line = e.arms_line = e.preset_line = (int)i + 1;
		e.at_tick = -1;
		e.at = dup_or(ev[i].at, &oom);
		if (ev[i].kind == EV_PRESET)
			e.preset = dup_or(ev[i].preset, &oom);
		e.arms = calloc(1, sizeof(*e.arms));
		if (e.arms) {
			e.arms[0] = dup_or(ev[i].arm, &oom);
			e.n_arms = 1;
		}
		e.set = ev[i].n_set ? calloc(ev[i].n_set, sizeof(*e.set)) : NULL;
		for (size_t k = 0; e.set && k < ev[i].n_set; k++) {
			e.set[k].file = events_file;
			e.set[k].line = (int)i + 1;
			e.set[k].key = dup_or(ev[i].key[k], &oom);
			e.set[k].value = dup_or(ev[i].value[k], &oom);
		}
		if (e.set || !ev[i].n_set)
			e.n_set = ev[i].n_set;
		oom = oom || !e.arms || (ev[i].n_set && !e.set);
		/* pushed even when incomplete: gs_scenario_free frees what it holds */
		if (gs_array_push((void **)&sc->events, &sc->n_events, sizeof(e), &e)) {
			free(e.at);
			free(e.preset);
			if (e.arms)
				free(e.arms[0]);
			free(e.arms);
			for (size_t k = 0; e.set && k < e.n_set; k++) {
				free(e.set[k].key);
				free(e.set[k].value);
			}
			free(e.set);
			oom = true;
		}
	}
	return oom ? -1 : 0;
}

/*
 * Read and resolve a scenario with overrides and a request's events; on
 * problems returns -1 with their text (as `govsim check` prints it) in
 * *problems (malloc'd).
 */
static int load_with(const char *path, char **sets, size_t n_sets, const struct page_event *ev,
		     size_t n_ev, struct gs_scenario *sc, char **problems)
{
	struct gs_diag diag = {0};
	*problems = NULL;
	int rc = gs_scenario_read(path, sc, &diag);
	if (n_ev && inject_events(sc, ev, n_ev))
		gs_diag_add(&diag, NULL, 0, NULL, "out of memory");
	if (rc == 0 || sc->n_files > 0)
		rc |= gs_scenario_resolve(sc, srv.model->presets, sets, n_sets, &diag);
	if (rc || diag.n)
		*problems = diag_text(&diag, path);
	int bad = rc || diag.n;
	gs_diag_free(&diag);
	return bad ? -1 : 0;
}

static int load(const char *path, char **sets, size_t n_sets, struct gs_scenario *sc,
		char **problems)
{
	return load_with(path, sets, n_sets, NULL, 0, sc, problems);
}

/* The shortest text of a double that reads back as the same double. */
static void shortest(double d, char *out, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
}

/*
 * The keys each event sets and its section's name, from the arms of sc
 * (read with the request's settings). Returns 0, or -1 with why in err.
 */
static int event_keys(const struct gs_scenario *sc, struct page_event *ev, size_t n, char *err,
		      size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct page_event *e = &ev[i];
		size_t a;
		for (a = 0; a < sc->n_arms; a++)
			if (strcmp(sc->arms[a].name, e->arm) == 0)
				break;
		if (a == sc->n_arms) {
			char names[512] = "";
			for (size_t k = 0; k < sc->n_arms; k++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
					 k ? ", " : "", sc->arms[k].name);
			snprintf(err, errlen, "events[%zu].arm: no arm '%s' in the scenario (arms: %s)",
				 i, e->arm, names);
			return -1;
		}
		/* page1, page2, ...: not a name of the scenario's own events */
		for (unsigned t = 0; t < 1000; t++) {
			if (t)
				snprintf(e->name, sizeof(e->name), "page%u_%u", (unsigned)(i + 1) % 100, t);
			else
				snprintf(e->name, sizeof(e->name), "page%u", (unsigned)(i + 1) % 100);
			bool taken = false;
			for (size_t k = 0; k < sc->n_events; k++)
				taken = taken || strcmp(sc->events[k].name, e->name) == 0;
			if (!taken)
				break;
		}
		const struct gs_params *p = &sc->arm_params[a];
		char cls[GS_NAME_MAX], text[128];
		e->n_set = 0;
		if (e->kind == EV_DEMAND) {
			int row = gs_param_find("class.all.need_rate", cls);
			for (int c = 0; row >= 0 && c < p->n_classes; c++) {
				gs_param_format(p, (size_t)row, c, text, sizeof(text));
				snprintf(e->key[e->n_set], MAX_KEY, "class.%s.need_rate", p->class_name[c]);
				shortest(strtod(text, NULL) * (1 + e->percent / 100), e->value[e->n_set],
					 MAX_VALUE);
				e->n_set++;
			}
		} else if (e->kind == EV_BUDGET) {
			int row = gs_param_find("workforce.hours_per_day", cls);
			if (row >= 0) {
				gs_param_format(p, (size_t)row, 0, text, sizeof(text));
				snprintf(e->key[0], MAX_KEY, "workforce.hours_per_day");
				shortest(strtod(text, NULL) * (1 - e->percent / 100), e->value[0],
					 MAX_VALUE);
				e->n_set = 1;
			}
		}
	}
	return 0;
}

/* ---- the scenarios to start from ---- */

/* A listed scenario by the name the server gave it, or NULL. */
static const struct listed *listed_find(const char *name)
{
	for (size_t i = 0; name && i < srv.n_listed; i++)
		if (strcmp(srv.listed[i].name, name) == 0)
			return &srv.listed[i];
	return NULL;
}

/* List path under name if it reads without problems (and is not listed already). */
static void list_one(const char *path, const char *name, const char *group)
{
	char real[PATH_MAX], other[PATH_MAX];
	if (srv.n_listed == MAX_LISTED || !realpath(path, real))
		return;
	for (size_t i = 0; i < srv.n_listed; i++)
		if (realpath(srv.listed[i].path, other) && strcmp(real, other) == 0)
			return;
	struct gs_scenario sc = {0};
	char *problems;
	if (load(path, NULL, 0, &sc, &problems)) {
		fprintf(stderr, "govsim serve: %s is not offered: it has problems\n", path);
		free(problems);
		gs_scenario_free(&sc);
		return;
	}
	struct listed *l = &srv.listed[srv.n_listed];
	snprintf(l->name, sizeof(l->name), "%s", name);
	for (int k = 2; listed_find(l->name) && k < 100; k++)
		snprintf(l->name, sizeof(l->name), "%.80s-%d", name, k);
	struct size z = scenario_size(&sc);
	json_t *arms = json_array();
	for (size_t a = 0; a < sc.n_arms; a++)
		json_array_append_new(arms, json_string(sc.arms[a].name));
	l->path = gs_strdup(path);
	l->group = group;
	l->about = json_pack("{s:s,s:s,s:o,s:f,s:f,s:f,s:b}", "name", l->name, "group", group,
			     "arms", arms, "citizens", z.citizens, "days",
			     z.ticks * sc.arm_params[0].simulation.tick / 1440.0, "runs", z.runs,
			     "too_large", z.work > GS_SERVE_MAX_WORK || z.runs > GS_SERVE_MAX_RUNS ||
					  z.runs * z.n_time > GS_SERVE_MAX_POINTS);
	gs_scenario_free(&sc);
	if (!l->path || !l->about) {
		free(l->path);
		json_decref(l->about);
		return;
	}
	srv.n_listed++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file DIR/NAME.ini, in name order, listed as PREFIX + NAME. */
static void list_dir(const char *dir, const char *prefix, const char *group)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char *names[MAX_LISTED];
	size_t n = 0;
	for (struct dirent *e = readdir(d); e && n < MAX_LISTED; e = readdir(d)) {
		size_t len = strlen(e->d_name);
		if (len > 4 && len < 80 && e->d_name[0] != '.' &&
		    strcmp(e->d_name + len - 4, ".ini") == 0 && (names[n] = gs_strdup(e->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], name[96];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(name, sizeof(name), "%s%.*s", prefix, (int)strlen(names[i]) - 4, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			list_one(path, name, group);
		free(names[i]);
	}
}

/*
 * installed - PREFIX/share/govsim/SUB, next to this binary as `make
 * install` lays it out, into buf if it holds `marker` (a file under it, or
 * "" for the folder itself); else fallback (the source tree's).
 */
static void installed(const char *sub, const char *marker, const char *fallback, char *buf,
		      size_t n)
{
	char exe[PATH_MAX / 4], probe[PATH_MAX];
	struct stat st;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(probe, sizeof(probe), "%s/../share/govsim/%s%s%s", exe, sub,
				 *marker ? "/" : "", marker);
			if (stat(probe, &st) == 0 && (*marker ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode))) {
				snprintf(buf, n, "%s/../share/govsim/%s", exe, sub);
				return;
			}
		}
	}
	snprintf(buf, n, "%s", fallback);
}

/*
 * The scenarios a client may start from, found when the server starts: the
 * one served, then the .ini files of scenarios/ and scenarios/published/ of the
 * folder `make install` put next to the binary (PREFIX/share/govsim), else
 * of the source tree (GS_SCENARIODIR).
 */
static void list_scenarios(const char *served, const char *served_name)
{
	char dir[PATH_MAX], probe[PATH_MAX + 16];
	installed("scenarios", "", GS_SCENARIODIR, dir, sizeof(dir));
	list_one(served, served_name, "served");
	list_dir(dir, "", "scenarios");
	snprintf(probe, sizeof(probe), "%s/published", dir);
	list_dir(probe, "published/", "published");
}

static void unlist_scenarios(void)
{
	for (size_t i = 0; i < srv.n_listed; i++) {
		free(srv.listed[i].path);
		json_decref(srv.listed[i].about);
	}
	srv.n_listed = 0;
}

/* GET /api/scenarios: the scenarios to start from, by name. */
static json_t *scenarios_json(void)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < srv.n_listed; i++)
		json_array_append(list, srv.listed[i].about);
	return json_pack("{s:o,s:s}", "scenarios", list, "served",
			 srv.n_listed ? srv.listed[0].name : "");
}

/* GET /api/presets: every preset's values of the parameters it sets. */
static json_t *presets_json(void)
{
	json_t *list = json_array();
	for (const struct gs_preset *const *p = srv.model->presets; list && *p; p++) {
		json_t *values = json_object();
		for (const char *const *s = (*p)->settings; values && *s; s++) {
			const char *eq = strchr(*s, '=');
			if (!eq)
				continue;
			char key[MAX_KEY];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - *s), *s);
			json_object_set_new(values, key, json_string(eq + 1));
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "name", (*p)->name,
						      "description", (*p)->description ?
						      (*p)->description : "", "values", values));
	}
	return json_pack("{s:o}", "presets", list);
}

/* GET /api/scenario[?name=NAME]: a scenario's arms and the values of every parameter. */
static enum MHD_Result get_scenario(struct MHD_Connection *c)
{
	struct gs_scenario sc = {0};
	char *problems;
	const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
	const struct listed *l = name ? listed_find(name) : &srv.listed[0];
	if (!l || !srv.n_listed)
		return gs_serve_error(c, 404, "no scenario named '%.100s' (GET /api/scenarios lists them)",
				  name ? name : "");
	if (load(l->path, NULL, 0, &sc, &problems)) {
		enum MHD_Result r = gs_serve_error(c, 500, "the scenario served does not read: %s",
					       problems ? problems : "out of memory");
		free(problems);
		gs_scenario_free(&sc);
		return r;
	}
	struct size z = scenario_size(&sc);
	json_t *arms = json_array(), *classes = json_array();
	for (size_t a = 0; a < sc.n_arms; a++)
		json_array_append_new(arms, json_pack("{s:s,s:s*,s:o}", "name", sc.arms[a].name,
						      "preset", sc.arms[a].preset, "values",
						      values_json(&sc.arm_params[a], false)));
	for (int k = 0; k < sc.arm_params[0].n_classes; k++)
		json_array_append_new(classes, json_string(sc.arm_params[0].class_name[k]));
	json_t *j = json_pack("{s:s,s:s,s:o,s:o,s:o,s:{s:f,s:f,s:f,s:f,s:f},s:{s:f,s:i,s:i}}",
			      "name", l->name, "path", l->path, "arms", arms, "classes",
			      classes, "values", values_json(&sc.arm_params[0], true), "size",
			      "citizens", z.citizens, "ticks", z.ticks, "runs", z.runs, "intervals",
			      z.n_time, "work", z.work, "limits", "max_work", GS_SERVE_MAX_WORK,
			      "max_runs", GS_SERVE_MAX_RUNS, "max_points", GS_SERVE_MAX_POINTS);
	gs_scenario_free(&sc);
	return send_json(c, 200, j);
}

/* ---- the scenario file of a run ---- */

/* "section.name" or "class.NAME.name": the section and the name of a key. */
static void split_key(const char *key, char *section, size_t n, const char **name)
{
	const char *dot = strrchr(key, '.');
	snprintf(section, n, "%.*s", dot ? (int)(dot - key) : 0, key);
	*name = dot ? dot + 1 : key;
}

/* Is the parameter of key one value for the whole scenario? */
static bool scenario_wide(const char *key)
{
	char cls[GS_NAME_MAX];
	int i = gs_param_find(key, cls);
	return i >= 0 && (gs_param_table[i].flags & GS_F_SCENARIO);
}

/* Write "key=value" of an override as a line of an arm section, or of its section. */
static void put_set(FILE *f, const char *set, bool in_arm, char *cur, size_t n)
{
	const char *eq = strchr(set, '=');
	char key[MAX_KEY + 8];
	snprintf(key, sizeof(key), "%.*s", (int)(eq - set), set);
	if (in_arm) {
		fprintf(f, "%s = %s\n", key, eq + 1);
		return;
	}
	char section[MAX_KEY];
	const char *name;
	split_key(key, section, sizeof(section), &name);
	if (strcmp(section, cur) != 0) {
		fprintf(f, "\n[%s]\n", section);
		snprintf(cur, n, "%s", section);
	}
	fprintf(f, "%s = %s\n", name, eq + 1);
}

/*
 * The scenario file of a run: every line of sc as read (its includes
 * inlined), with the overrides (plain ones: "key=value"; for one arm:
 * "arm.NAME.key=value") where they take the same effect as --set: a plain
 * one in its section (for the scenario's template) and, unless it is
 * scenario-wide, in every arm after the arm's own keys; one for an arm in
 * that arm, after the plain ones.
 */
static char *scenario_ini(const struct gs_scenario *sc, char **sets, size_t n_sets,
			  const struct page_event *pe, size_t n_pe, unsigned long id)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "; run %lu of govsim serve on %s, with its settings: `govsim run` on this\n"
		"; file gives the same results. Every line of the scenario, its includes inlined,\n"
		"; then the settings changed.\n", id, sc->path);
	char cur[MAX_KEY] = "";
	for (size_t i = 0; i < sc->n_base; i++) {
		char section[MAX_KEY];
		const char *name;
		split_key(sc->base[i].key, section, sizeof(section), &name);
		if (strcmp(section, cur) != 0) {
			fprintf(f, "\n[%s]\n", section);
			snprintf(cur, sizeof(cur), "%s", section);
		}
		fprintf(f, "%s = %s\n", name, sc->base[i].value);
	}
	for (size_t s = 0; s < n_sets; s++)
		if (strncmp(sets[s], "arm.", 4) != 0)
			put_set(f, sets[s], false, cur, sizeof(cur));
	for (size_t a = 0; a < sc->n_arms; a++) {
		const struct gs_arm_spec *arm = &sc->arms[a];
		fprintf(f, "\n[arm.%s]\n", arm->name);
		if (arm->preset)
			fprintf(f, "preset = %s\n", arm->preset);
		for (size_t i = 0; i < arm->n_set; i++)
			fprintf(f, "%s = %s\n", arm->set[i].key, arm->set[i].value);
		for (size_t s = 0; s < n_sets; s++) {
			if (strncmp(sets[s], "arm.", 4) == 0)
				continue;
			char key[MAX_KEY + 8];
			snprintf(key, sizeof(key), "%.*s", (int)(strchr(sets[s], '=') - sets[s]),
				 sets[s]);
			if (!scenario_wide(key))
				put_set(f, sets[s], true, NULL, 0);
		}
		size_t nl = strlen(arm->name);
		for (size_t s = 0; s < n_sets; s++)
			if (strncmp(sets[s], "arm.", 4) == 0 && strncmp(sets[s] + 4, arm->name, nl) == 0 &&
			    sets[s][4 + nl] == '.')
				put_set(f, sets[s] + 5 + nl, true, NULL, 0);
	}
	for (size_t e = 0; e < sc->n_events; e++) {
		const struct gs_event_spec *ev = &sc->events[e];
		size_t q = (size_t)(ev->line - 1);
		if (ev->file == events_file && ev->line > 0 && q < n_pe) {
			/* what the request asked for, in words */
			char pct[32];
			shortest(pe[q].percent, pct, sizeof(pct));
			if (pe[q].kind == EV_PRESET)
				fprintf(f, "\n; event %zu of the request: switch %s to preset %s\n", q + 1,
					pe[q].arm, pe[q].preset);
			else if (pe[q].kind == EV_DEMAND)
				fprintf(f, "\n; event %zu of the request: demand %s%s%% in %s (every "
					"class's need rate times 1 + %s/100)\n", q + 1,
					pe[q].percent >= 0 ? "+" : "", pct, pe[q].arm, pct);
			else
				fprintf(f, "\n; event %zu of the request: budget cut %s%% in %s (paid "
					"hours per worker times 1 - %s/100)\n", q + 1, pct, pe[q].arm, pct);
			fprintf(f, "[event.%s]\n", ev->name);
		} else {
			fprintf(f, "\n[event.%s]\n", ev->name);
		}
		if (ev->at)
			fprintf(f, "at = %s\n", ev->at);
		for (size_t k = 0; k < ev->n_arms; k++)
			fprintf(f, "%s%s%s", k ? ", " : "arms = ", ev->arms[k],
				k + 1 == ev->n_arms ? "\n" : "");
		if (ev->preset)
			fprintf(f, "preset = %s\n", ev->preset);
		for (size_t i = 0; i < ev->n_set; i++)
			fprintf(f, "%s = %s\n", ev->set[i].key, ev->set[i].value);
	}
	if (sc->sweep.n_raw)
		fprintf(f, "\n[sweep]\n");
	for (size_t i = 0; i < sc->sweep.n_raw; i++)
		fprintf(f, "%s = %s\n", sc->sweep.raw[i].key, sc->sweep.raw[i].value);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- the request body: overrides as JSON ---- */

/* Is s a key or arm name made of letters, digits, '_', '-' and '.'? */
static bool plain_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max)
		return false;
	for (const char *c = s; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.'))
			return false;
	return true;
}

/* A JSON value as the text of a scenario value, or -1 with why in err. */
static int value_text(const json_t *v, char *out, size_t n, char *err, size_t errlen)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		if (len == 0 || len >= MAX_VALUE || len >= n) {
			snprintf(err, errlen, "a value is 1 to %d characters", MAX_VALUE - 1);
			return -1;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch < 0x20 || ch >= 0x7f || ch == ';' || ch == '#' || ch == '=' ||
			    ch == '[' || ch == ']') {
				snprintf(err, errlen, "a value is printable ASCII without ; # = [ ]");
				return -1;
			}
		}
		snprintf(out, n, "%s", s);
	} else if (json_is_integer(v)) {
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		/* the shortest text that reads back as the same double */
		double d = json_real_value(v);
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(out, n, "%.*g", prec, d);
			if (strtod(out, NULL) == d)
				break;
		}
	} else if (json_is_boolean(v)) {
		snprintf(out, n, "%s", json_is_true(v) ? "on" : "off");
	} else {
		snprintf(err, errlen, "a value is a number, a string or true/false (got %s)",
			 json_is_object(v) ? "an object" : json_is_array(v) ? "an array" : "null");
		return -1;
	}
	return 0;
}

/* The overrides of a request, as --set takes them ("key=value", "arm.NAME.key=value"). */
struct sets {
	char *v[MAX_SETS];
	size_t n;
};

static void sets_free(struct sets *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

static int add_set(struct sets *s, const char *arm, const char *key, const json_t *value,
		   char *err, size_t errlen)
{
	char where[MAX_KEY + GS_NAME_MAX + 16];
	snprintf(where, sizeof(where), "%s%s%s%s", arm ? "arms." : "set.", arm ? arm : "",
		 arm ? "." : "", key);
	if (!plain_name(key, MAX_KEY) || !strchr(key, '.')) {
		snprintf(err, errlen, "%.*s: a key is section.name (letters, digits, _ - .)", 200,
			 where);
		return -1;
	}
	if (s->n == MAX_SETS) {
		snprintf(err, errlen, "at most %d settings in one request", MAX_SETS);
		return -1;
	}
	char text[MAX_VALUE + 32], why[128];
	if (value_text(value, text, sizeof(text), why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", where, why);
		return -1;
	}
	size_t n = strlen(key) + strlen(text) + (arm ? strlen(arm) + 8 : 0) + 2;
	char *set = malloc(n);
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (arm)
		snprintf(set, n, "arm.%s.%s=%s", arm, key, text);
	else
		snprintf(set, n, "%s=%s", key, text);
	s->v[s->n++] = set;
	return 0;
}

/* One event of a request: {"arm", "at", and one of "preset", "demand", "budget"}. */
static int parse_event(const json_t *o, size_t i, struct page_event *e, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	int kinds = 0;
	char why[128];
	if (!json_is_object(o)) {
		snprintf(err, errlen, "events[%zu]: an object {\"arm\", \"at\", and \"preset\", "
			 "\"demand\" or \"budget\"}", i);
		return -1;
	}
	memset(e, 0, sizeof(*e));
	json_object_foreach((json_t *)o, k, v) {
		if (strcmp(k, "arm") == 0) {
			const char *a = json_string_value(v);
			if (!a || !plain_name(a, GS_NAME_MAX) || strchr(a, '.')) {
				snprintf(err, errlen, "events[%zu].arm: an arm name is letters, digits, _ "
					 "or - (at most %d)", i, GS_NAME_MAX - 1);
				return -1;
			}
			snprintf(e->arm, sizeof(e->arm), "%s", a);
		} else if (strcmp(k, "at") == 0 || strcmp(k, "preset") == 0) {
			char *out = k[0] == 'a' ? e->at : e->preset;
			if (!json_is_string(v) && !(k[0] == 'a' && json_is_number(v))) {
				snprintf(err, errlen, "events[%zu].%s: %s", i, k, k[0] == 'a' ?
					 "a duration as a scenario writes it (\"180d\", \"1y\")" :
					 "a preset's name (GET /api/presets lists them)");
				return -1;
			}
			if (value_text(v, out, MAX_VALUE, why, sizeof(why))) {
				snprintf(err, errlen, "events[%zu].%s: %s", i, k, why);
				return -1;
			}
			if (k[0] == 'p') {
				e->kind = EV_PRESET;
				kinds++;
			}
		} else if (strcmp(k, "demand") == 0 || strcmp(k, "budget") == 0) {
			if (!json_is_number(v)) {
				snprintf(err, errlen, "events[%zu].%s: a number, in per cent", i, k);
				return -1;
			}
			e->percent = json_number_value(v);
			e->kind = k[0] == 'd' ? EV_DEMAND : EV_BUDGET;
			kinds++;
		} else {
			snprintf(err, errlen, "events[%zu]: unknown key '%.64s' (keys: arm, at, preset, "
				 "demand, budget)", i, k);
			return -1;
		}
	}
	if (!e->arm[0] || !e->at[0] || kinds != 1) {
		snprintf(err, errlen, "events[%zu]: an event has an arm, an at and one of preset, "
			 "demand or budget", i);
		return -1;
	}
	return 0;
}

/* What a run request asks for. */
struct run_request {
	struct sets sets;
	char scenario[96];          /* the name of a listed scenario; "" the one served */
	struct page_event *events;  /* [n_events] */
	size_t n_events;
};

static void run_request_free(struct run_request *rq)
{
	sets_free(&rq->sets);
	free(rq->events);
	rq->events = NULL;
	rq->n_events = 0;
}

/*
 * The body of POST /api/runs: {"scenario": NAME, "set": {KEY: VALUE, ...},
 * "arms": {ARM: {KEY: VALUE, ...}, ...}, "events": [EVENT, ...]}, each
 * optional. Returns 0, or -1 with why in err.
 */
static int parse_request(const char *body, size_t len, struct run_request *rq, char *err,
			 size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	struct sets *s = &rq->sets;
	if (!root) {
		snprintf(err, errlen, "malformed JSON at line %d, column %d: %s", je.line, je.column,
			 je.text);
		return -1;
	}
	int rc = -1;
	const char *k;
	json_t *v;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "the body is a JSON object {\"set\": {...}, \"arms\": {...}}");
		goto out;
	}
	json_object_foreach(root, k, v) {
		if (strcmp(k, "scenario") == 0) {
			const char *name = json_string_value(v);
			if (!name || strlen(name) >= sizeof(rq->scenario)) {
				snprintf(err, errlen, "scenario: the name of a scenario GET /api/scenarios "
					 "lists");
				goto out;
			}
			snprintf(rq->scenario, sizeof(rq->scenario), "%s", name);
			continue;
		}
		if (strcmp(k, "events") == 0) {
			if (!json_is_array(v) || json_array_size(v) > MAX_EVENTS) {
				snprintf(err, errlen, "events: an array of at most %d events", MAX_EVENTS);
				goto out;
			}
			continue;
		}
		if (strcmp(k, "set") != 0 && strcmp(k, "arms") != 0) {
			snprintf(err, errlen, "unknown key '%.64s' (keys: scenario, set, arms, events)",
				 k);
			goto out;
		}
		if (!json_is_object(v)) {
			snprintf(err, errlen, "%s: an object of settings", k);
			goto out;
		}
	}
	json_t *set = json_object_get(root, "set"), *arms = json_object_get(root, "arms");
	json_object_foreach(set, k, v) {
		if (add_set(s, NULL, k, v, err, errlen))
			goto out;
	}
	json_object_foreach(arms, k, v) {
		const char *key;
		json_t *val;
		if (!plain_name(k, GS_NAME_MAX) || strchr(k, '.')) {
			snprintf(err, errlen, "arms.%.64s: an arm name is letters, digits, _ or - "
				 "(at most %d)", k, GS_NAME_MAX - 1);
			goto out;
		}
		if (!json_is_object(v)) {
			snprintf(err, errlen, "arms.%s: an object of settings", k);
			goto out;
		}
		json_object_foreach(v, key, val) {
			if (add_set(s, k, key, val, err, errlen))
				goto out;
		}
	}
	json_t *events = json_object_get(root, "events");
	size_t n = json_array_size(events);
	if (n) {
		rq->events = calloc(n, sizeof(*rq->events));
		if (!rq->events) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (parse_event(json_array_get(events, i), i, &rq->events[i], err, errlen))
				goto out;
			rq->n_events++;
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- jobs ---- */

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->out)
		gs_output_abort(j->out);
	for (size_t i = 0; j->series && i < j->pl.n_runs; i++)
		free(j->series[i]);
	free(j->series);
	free(j->order);
	free(j->summary);
	free(j->table_text);
	gs_plan_free(&j->pl);
	gs_scenario_free(&j->sc);
	free(j->ini_path);
	free(j->h5_path);
	free(j->tmp_path);
	free(j->ini_text);
	free(j);
}

/* The job of an id in the table (with lock held), or NULL. */
static struct job *job_find(unsigned long id)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (srv.jobs[i] && srv.jobs[i]->id == id)
			return srv.jobs[i];
	return NULL;
}

/* A place in the table (with lock held): an empty one, else the oldest ended job unread. */
static int job_slot(void)
{
	int best = -1;
	for (int i = 0; i < MAX_JOBS; i++) {
		if (!srv.jobs[i])
			return i;
		struct job *j = srv.jobs[i];
		if (j->state != JOB_RUNNING && j->refs == 0 && j->joined &&
		    (best < 0 || j->id < srv.jobs[best]->id))
			best = i;
	}
	return best;
}

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* A sink: the file. */
static int take_write(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	struct job *j = ctx;
	return gs_output_write_run(j->out, run, r, err, n);
}

/* A sink: the run's series and summary, kept for the streams. */
static int take_stream(void *ctx, size_t run, const struct gs_run_result *r, char *err, size_t n)
{
	struct job *j = ctx;
	size_t len = GS_N_METRICS * j->n_time;
	double *copy = malloc(len * sizeof(*copy));
	if (!copy) {
		snprintf(err, n, "out of memory for the series of run %zu", run);
		return -1;
	}
	memcpy(copy, r->series, len * sizeof(*copy));
	gs_summarise(r->series, j->n_time, j->summary + run * GS_N_SUMMARY);
	pthread_mutex_lock(&srv.lock);
	j->series[run] = copy;
	j->order[j->n_finished++] = run;
	pthread_cond_broadcast(&srv.changed);
	pthread_mutex_unlock(&srv.lock);
	return 0;
}

/* The table `govsim run` prints, as text. */
static char *table_text(const struct job *j)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	gs_report_table(f, &j->pl.meta, j->summary);
	if (j->pl.n_arms > 1) {
		fputc('\n', f);
		gs_report_paired(f, &j->pl.meta, j->summary);
	}
	fclose(f);
	return text;
}

/* The thread of a run: the ensemble into the partial file, renamed when complete. */
static void *job_main(void *arg)
{
	struct job *j = arg;
	char err[1024] = "";
	const struct gs_sink sinks[] = {{take_write, j}, {take_stream, j}};
	struct gs_ensemble_opts opts = {j->pl.meta.threads, false, NULL, false};
	int rc = gs_ensemble_run(&j->pl, &opts, sinks, 2, err, sizeof(err));
	enum job_state state = JOB_DONE;
	if (rc == 0 && !gs_stop) {
		int c = gs_output_commit(j->out, j->h5_path, err, sizeof(err));
		j->out = NULL;
		if (c)
			state = JOB_FAILED;
	} else {
		gs_output_abort(j->out);
		j->out = NULL;
		remove(j->tmp_path);
		state = rc < 0 ? JOB_FAILED : JOB_CANCELLED;
	}
	char *table = state == JOB_DONE ? table_text(j) : NULL;
	pthread_mutex_lock(&srv.lock);
	j->state = state;
	j->table_text = table;
	j->seconds = since(&j->started);
	if (state == JOB_FAILED)
		snprintf(j->message, sizeof(j->message), "%s", err);
	else if (state == JOB_CANCELLED)
		snprintf(j->message, sizeof(j->message), "cancelled: no result file written");
	pthread_cond_broadcast(&srv.changed);
	pthread_mutex_unlock(&srv.lock);
	fprintf(stderr, "govsim serve: run %lu %s after %.1f s%s%s\n", j->id, state_names[state],
		j->seconds, state == JOB_FAILED ? ": " : "", state == JOB_FAILED ? err : "");
	return NULL;
}

/* Cancel the job running, if any, and wait for its thread (with run_lock held). */
static void cancel_current(void)
{
	pthread_mutex_lock(&srv.lock);
	struct job *j = srv.current;
	srv.current = NULL;
	pthread_mutex_unlock(&srv.lock);
	if (!j)
		return;
	gs_stop = 1;
	pthread_join(j->thread, NULL);
	gs_stop = 0;
	pthread_mutex_lock(&srv.lock);
	j->joined = true;
	pthread_mutex_unlock(&srv.lock);
}

/* Wait for the job running to end by itself, if it has (with run_lock held). */
static void reap_current(void)
{
	pthread_mutex_lock(&srv.lock);
	struct job *j = srv.current;
	bool ended = j && j->state != JOB_RUNNING;
	if (ended)
		srv.current = NULL;
	pthread_mutex_unlock(&srv.lock);
	if (ended) {
		pthread_join(j->thread, NULL);
		pthread_mutex_lock(&srv.lock);
		j->joined = true;
		pthread_mutex_unlock(&srv.lock);
	}
}

/* Write text into path, whole or not at all (never over an existing file). */
static int write_new_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %.1000s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t len = strlen(text), done = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	int bad = done < len || fsync(fd) != 0;
	bad |= close(fd) != 0;
	if (bad || link(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %.1000s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	unlink(tmp);
	return 0;
}

static char *path_in_out(unsigned long id, const char *ext)
{
	size_t n = strlen(srv.out_dir) + 48;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/run-%lu%s", srv.out_dir, id, ext);
	return p;
}

/* POST /api/runs. */
static enum MHD_Result post_run(struct MHD_Connection *c, const char *body, size_t len)
{
	struct run_request rq = {0};
	struct sets sets = {0};
	struct gs_scenario check = {0};
	struct job *j = NULL;
	char err[2048], *problems = NULL;
	enum MHD_Result ret;

	if (parse_request(body, len, &rq, err, sizeof(err))) {
		ret = gs_serve_error(c, 400, "%s", err);
		goto out;
	}
	sets = rq.sets;
	rq.sets.n = 0;
	/* a scenario only by the name the server listed: no path from a client is opened */
	const struct listed *l = rq.scenario[0] ? listed_find(rq.scenario) : &srv.listed[0];
	if (!l || !srv.n_listed) {
		ret = gs_serve_error(c, 400, "scenario: no scenario named '%s' (GET /api/scenarios "
				 "lists them)", rq.scenario);
		goto out;
	}
	/* the same reader and messages as govsim check SCENARIO --set ... */
	if (load(l->path, sets.v, sets.n, &check, &problems)) {
		json_t *e = json_pack("{s:s,s:s}", "error", "the settings have problems",
				      "problems", problems ? problems : "out of memory");
		ret = send_json(c, 400, e);
		goto out;
	}
	if (rq.n_events) {
		/* the events' keys from the arms' values, then every event checked by the reader */
		if (event_keys(&check, rq.events, rq.n_events, err, sizeof(err))) {
			ret = gs_serve_error(c, 400, "%s", err);
			goto out;
		}
		gs_scenario_free(&check);
		memset(&check, 0, sizeof(check));
		if (load_with(l->path, sets.v, sets.n, rq.events, rq.n_events, &check, &problems)) {
			json_t *e = json_pack("{s:s,s:s}", "error", "the events have problems",
					      "problems", problems ? problems : "out of memory");
			ret = send_json(c, 400, e);
			goto out;
		}
	}
	struct size z = scenario_size(&check);
	if (z.work > GS_SERVE_MAX_WORK || z.runs > GS_SERVE_MAX_RUNS ||
	    z.runs * z.n_time > GS_SERVE_MAX_POINTS) {
		ret = gs_serve_error(c, 422,
				 "the run is too large for the server: %.0f citizens x %.0f ticks x "
				 "%.0f runs = %.3g (at most %.3g), %.0f runs (at most %d), %.0f runs x "
				 "output intervals (at most %d); run it with govsim run instead",
				 z.citizens, z.ticks, z.runs, z.work, GS_SERVE_MAX_WORK, z.runs,
				 GS_SERVE_MAX_RUNS, z.runs * z.n_time, GS_SERVE_MAX_POINTS);
		goto out;
	}

	pthread_mutex_lock(&srv.run_lock);
	cancel_current(); /* one run at a time: a new one replaces the one running */
	pthread_mutex_lock(&srv.lock);
	int slot = job_slot();
	pthread_mutex_unlock(&srv.lock);
	j = slot < 0 ? NULL : calloc(1, sizeof(*j));
	if (!j) {
		pthread_mutex_unlock(&srv.run_lock);
		ret = gs_serve_error(c, 503, "every run the server remembers is being read; try again");
		goto out;
	}
	struct stat st;
	do {
		j->id = srv.next_id++;
		free(j->ini_path);
		free(j->h5_path);
		j->ini_path = path_in_out(j->id, ".ini");
		j->h5_path = path_in_out(j->id, ".h5");
	} while (j->ini_path && j->h5_path &&
		 (stat(j->ini_path, &st) == 0 || stat(j->h5_path, &st) == 0));
	j->tmp_path = path_in_out(j->id, ".h5.partial");
	j->ini_text = j->tmp_path ? scenario_ini(&check, sets.v, sets.n, rq.events,
							   rq.n_events, j->id) : NULL;
	if (!j->ini_path || !j->h5_path || !j->ini_text) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (write_new_file(j->ini_path, j->ini_text, err, sizeof(err)))
		goto fail;
	/* what runs is the file written, read as govsim run reads it */
	if (load(j->ini_path, NULL, 0, &j->sc, &problems)) {
		snprintf(err, sizeof(err), "the scenario file written does not read back: %s",
			 problems ? problems : "out of memory");
		goto fail;
	}
	if (gs_plan_build(&j->pl, &j->sc, srv.model, err, sizeof(err)))
		goto fail;
	j->pl.meta.scenario_path = j->ini_path;
	j->pl.meta.command_line = "govsim serve (POST /api/runs)";
	j->pl.meta.threads = omp_get_max_threads();
	j->n_time = j->pl.meta.n_time;
	j->order = calloc(j->pl.n_runs, sizeof(*j->order));
	j->series = calloc(j->pl.n_runs, sizeof(*j->series));
	j->summary = malloc(j->pl.n_runs * GS_N_SUMMARY * sizeof(*j->summary));
	if (!j->order || !j->series || !j->summary) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < j->pl.n_runs * GS_N_SUMMARY; i++)
		j->summary[i] = NAN;
	gs_output_discard(j->tmp_path, err, sizeof(err));
	if (gs_output_create(j->tmp_path, &j->pl.meta, &j->out, err, sizeof(err)))
		goto fail;
	j->state = JOB_RUNNING;
	clock_gettime(CLOCK_MONOTONIC, &j->started);
	pthread_mutex_lock(&srv.lock);
	if (srv.jobs[slot])
		job_free(srv.jobs[slot]);
	srv.jobs[slot] = j;
	srv.current = j;
	pthread_mutex_unlock(&srv.lock);
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		pthread_mutex_lock(&srv.lock);
		srv.jobs[slot] = NULL;
		srv.current = NULL;
		pthread_mutex_unlock(&srv.lock);
		snprintf(err, sizeof(err), "cannot start the run's thread");
		goto fail;
	}
	pthread_mutex_unlock(&srv.run_lock);
	fprintf(stderr, "govsim serve: run %lu started (%zu runs) -> %s\n", j->id, j->pl.n_runs,
		j->h5_path);
	char base[64];
	snprintf(base, sizeof(base), "/api/runs/%lu", j->id);
	ret = send_json(c, 202, json_pack("{s:I,s:s,s:I,s:s+,s:s+,s:s+,s:s+}", "id",
					  (json_int_t)j->id, "state", "running", "runs",
					  (json_int_t)j->pl.n_runs, "events", base, "/events",
					  "result", base, "/result.h5", "scenario", base,
					  "/scenario.ini", "cancel", base, "/cancel"));
	j = NULL;
	goto out;
fail:
	pthread_mutex_unlock(&srv.run_lock);
	if (j && j->tmp_path)
		remove(j->tmp_path);
	ret = gs_serve_error(c, 500, "%s", err);
out:
	job_free(j);
	free(problems);
	gs_scenario_free(&check);
	sets_free(&sets);
	run_request_free(&rq);
	return ret;
}

/* ---- run status, the stream, cancel, downloads ---- */

/* The outcomes of the arms of a job done: mean and 95% CI, and paired differences. */
static void mean_ci(const double *v, size_t n_all, size_t stride, double *mean, double *half)
{
	double *x = malloc((n_all ? n_all : 1) * sizeof(*x));
	size_t n = 0;
	for (size_t i = 0; x && i < n_all; i++)
		if (!isnan(v[i * stride]))
			x[n++] = v[i * stride];
	*mean = n ? gsl_stats_mean(x, 1, n) : NAN;
	*half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd(x, 1, n) /
			       sqrt((double)n)
		      : NAN;
	free(x);
}

static json_t *table_json(const struct job *j)
{
	size_t n_arms = j->pl.n_arms, per = j->pl.n_runs / (n_arms ? n_arms : 1);
	json_t *rows = json_array();
	double *diff = malloc((per ? per : 1) * sizeof(*diff));
	for (int s = 0; diff && s < GS_N_SUMMARY; s++) {
		char label[GS_LABEL_MAX];
		json_t *arms = json_array(), *paired = json_array();
		for (size_t a = 0; a < n_arms; a++) {
			double m, h;
			mean_ci(j->summary + a * per * GS_N_SUMMARY + s, per, GS_N_SUMMARY, &m, &h);
			json_array_append_new(arms, json_pack("{s:s,s:o,s:o}", "arm",
							      j->pl.meta.arm_names[a], "mean",
							      jnum(m), "ci", jnum(h)));
			if (a == 0)
				continue;
			for (size_t i = 0; i < per; i++)
				diff[i] = j->summary[(a * per + i) * GS_N_SUMMARY + s] -
					  j->summary[i * GS_N_SUMMARY + s];
			mean_ci(diff, per, 1, &m, &h);
			json_array_append_new(paired, json_pack("{s:s,s:o,s:o}", "arm",
								j->pl.meta.arm_names[a], "mean",
								jnum(m), "ci", jnum(h)));
		}
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:o,s:o}", "name",
						      gs_summary_name(s), "label",
						      gs_summary_label(s, label, sizeof(label)),
						      "format", gs_summary_fmt(s), "arms", arms,
						      "paired", paired));
	}
	free(diff);
	return rows;
}

/* GET /api/runs/N: where a run stands (lock held). */
static json_t *status_json(const struct job *j)
{
	json_t *o = json_pack("{s:I,s:s,s:I,s:I,s:f}", "id", (json_int_t)j->id, "state",
			      state_names[j->state], "runs", (json_int_t)j->pl.n_runs,
			      "runs_done", (json_int_t)j->n_finished, "seconds",
			      j->state == JOB_RUNNING ? since(&j->started) : j->seconds);
	if (o && j->state == JOB_RUNNING) {
		long done, total;
		gs_ensemble_ticks(&done, &total);
		json_object_set_new(o, "ticks_done", json_integer(done));
		json_object_set_new(o, "ticks_total", json_integer(total));
	}
	if (o && j->message[0])
		json_object_set_new(o, "message", json_string(j->message));
	return o;
}

/* One stream of a run's events (Server-Sent Events). */
struct stream {
	struct job *job;
	int metrics[GS_N_METRICS];
	size_t n_metrics;
	int phase;        /* 0: start not sent, 1: runs, 2: end sent */
	size_t next;      /* runs sent, in the order they finished */
	char *buf;        /* the event being sent */
	size_t len, off;
};

/* "event: NAME\ndata: JSON\n\n" (takes j); NULL if out of memory. */
static char *sse(const char *name, json_t *j)
{
	char *data = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!data)
		return NULL;
	char *ev = NULL;
	if (asprintf(&ev, "event: %s\ndata: %s\n\n", name, data) < 0)
		ev = NULL;
	free(data);
	return ev;
}

static json_t *start_json(const struct stream *st)
{
	const struct job *j = st->job;
	const struct gs_ensemble_meta *m = &j->pl.meta;
	json_t *arms = json_array(), *time = json_array(), *metrics = json_array();
	for (size_t a = 0; a < m->n_arms; a++)
		json_array_append_new(arms, json_string(m->arm_names[a]));
	for (size_t t = 0; t < m->n_time; t++)
		json_array_append_new(time, jnum(m->time[t]));
	for (size_t k = 0; k < st->n_metrics; k++) {
		const struct gs_metric_info *mi = &gs_metric_table[st->metrics[k]];
		json_array_append_new(metrics, json_pack("{s:s,s:s,s:s,s:s}", "name", mi->name,
							 "label", mi->label, "unit_text",
							 mi->unit_text, "units", mi->units));
	}
	return json_pack("{s:I,s:s,s:o,s:I,s:I,s:I,s:o,s:o}", "id", (json_int_t)j->id, "scenario",
			 m->scenario_name, "arms", arms, "runs", (json_int_t)m->n_runs, "points",
			 (json_int_t)m->n_points, "replications", (json_int_t)m->n_reps, "time",
			 time, "metrics", metrics);
}

static json_t *run_json(const struct stream *st, size_t run)
{
	const struct job *j = st->job;
	struct gs_run_id id = gs_run_of(&j->pl.meta, run);
	json_t *summary = json_object(), *series = json_object();
	for (int s = 0; s < GS_N_SUMMARY; s++)
		json_object_set_new(summary, gs_summary_name(s),
				    jnum(j->summary[run * GS_N_SUMMARY + s]));
	for (size_t k = 0; k < st->n_metrics; k++) {
		const double *v = j->series[run] + (size_t)st->metrics[k] * j->n_time;
		json_t *a = json_array();
		for (size_t t = 0; t < j->n_time; t++)
			json_array_append_new(a, jnum(v[t]));
		json_object_set_new(series, gs_metric_table[st->metrics[k]].name, a);
	}
	return json_pack("{s:I,s:s,s:I,s:I,s:I,s:o,s:o}", "run", (json_int_t)run, "arm",
			 j->pl.meta.arm_names[id.arm], "arm_index", (json_int_t)id.arm, "point",
			 (json_int_t)id.point, "replication", (json_int_t)id.rep, "summary", summary,
			 "series", series);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct stream *st = cls;
	if (st->off == st->len) {
		free(st->buf);
		st->buf = NULL;
		st->len = st->off = 0;
		int what = -1; /* 0 start, 1 a run, 2 the end, 3 progress, 4 finished */
		size_t run = 0;
		pthread_mutex_lock(&srv.lock);
		while (what < 0) {
			if (srv.quitting || st->phase == 2) {
				what = 4;
			} else if (st->phase == 0) {
				what = 0;
			} else if (st->next < st->job->n_finished) {
				what = 1;
				run = st->job->order[st->next++];
			} else if (st->job->state != JOB_RUNNING) {
				what = 2;
			} else {
				struct timespec t;
				clock_gettime(CLOCK_REALTIME, &t);
				t.tv_sec += PROGRESS_S;
				if (pthread_cond_timedwait(&srv.changed, &srv.lock, &t) == ETIMEDOUT)
					what = 3;
			}
		}
		json_t *end = NULL;
		if (what == 3)
			end = status_json(st->job);
		if (what == 2) {
			end = status_json(st->job);
			if (end && st->job->state == JOB_DONE) {
				json_object_set_new(end, "table", table_json(st->job));
				json_object_set_new(end, "text", json_string(st->job->table_text ?
									     st->job->table_text : ""));
			}
		}
		pthread_mutex_unlock(&srv.lock);
		switch (what) {
		case 0:
			st->buf = sse("start", start_json(st));
			st->phase = 1;
			break;
		case 1:
			st->buf = sse("run", run_json(st, run));
			break;
		case 2:
			st->buf = sse("end", end);
			st->phase = 2;
			break;
		case 3:
			st->buf = sse("progress", end);
			break;
		default:
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!st->buf)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		st->len = strlen(st->buf);
	}
	size_t n = st->len - st->off < max ? st->len - st->off : max;
	memcpy(out, st->buf + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;
	pthread_mutex_lock(&srv.lock);
	st->job->refs--;
	pthread_mutex_unlock(&srv.lock);
	free(st->buf);
	free(st);
}

/* The metrics a stream sends: ?metrics=a,b (or "all"); default the outcomes' metrics. */
static int stream_metrics(struct MHD_Connection *c, struct stream *st, char *err, size_t n)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "metrics");
	st->n_metrics = 0;
	if (!q) {
		for (int s = 0; s < GS_N_SUMMARY; s++) {
			int m = gs_summary_metric(s);
			bool seen = false;
			for (size_t k = 0; k < st->n_metrics; k++)
				seen = seen || st->metrics[k] == m;
			if (!seen)
				st->metrics[st->n_metrics++] = m;
		}
		return 0;
	}
	if (strcmp(q, "all") == 0) {
		for (int m = 0; m < GS_N_METRICS; m++)
			st->metrics[st->n_metrics++] = m;
		return 0;
	}
	char *copy = gs_strdup(q), *save = NULL;
	if (!copy || strlen(copy) > 4096) {
		free(copy);
		snprintf(err, n, "metrics: at most 4096 characters");
		return -1;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int m = gs_metric_find(t);
		if (m < 0) {
			snprintf(err, n, "metrics: no metric '%.64s' (GET /api/metrics lists them)", t);
			free(copy);
			return -1;
		}
		bool seen = false;
		for (size_t k = 0; k < st->n_metrics; k++)
			seen = seen || st->metrics[k] == m;
		if (!seen && st->n_metrics < GS_N_METRICS)
			st->metrics[st->n_metrics++] = m;
	}
	free(copy);
	if (!st->n_metrics) {
		snprintf(err, n, "metrics: name at least one metric");
		return -1;
	}
	return 0;
}

static enum MHD_Result get_events(struct MHD_Connection *c, struct job *j)
{
	struct stream *st = calloc(1, sizeof(*st));
	char err[256];
	if (!st)
		return gs_serve_error(c, 500, "out of memory");
	st->job = j;
	if (stream_metrics(c, st, err, sizeof(err))) {
		free(st);
		return gs_serve_error(c, 400, "%s", err);
	}
	pthread_mutex_lock(&srv.lock);
	j->refs++;
	pthread_mutex_unlock(&srv.lock);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
								   stream_read, st, stream_free);
	if (!r) {
		stream_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result get_result(struct MHD_Connection *c, struct job *j, enum job_state state)
{
	if (state != JOB_DONE)
		return gs_serve_error(c, 409, "run %lu is %s: its result file exists only when it is done",
				  j->id, state_names[state]);
	int fd = open(j->h5_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return gs_serve_error(c, 410, "the result file of run %lu is gone from the out folder",
				  j->id);
	}
	struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	char disp[96];
	snprintf(disp, sizeof(disp), "attachment; filename=\"run-%lu.h5\"", j->id);
	MHD_add_response_header(r, "Content-Type", "application/x-hdf5");
	MHD_add_response_header(r, "Content-Disposition", disp);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result post_cancel(struct MHD_Connection *c, unsigned long id)
{
	pthread_mutex_lock(&srv.run_lock);
	reap_current();
	pthread_mutex_lock(&srv.lock);
	bool running = srv.current && srv.current->id == id;
	struct job *j = job_find(id);
	enum job_state state = j ? j->state : JOB_FAILED;
	pthread_mutex_unlock(&srv.lock);
	if (running)
		cancel_current();
	pthread_mutex_unlock(&srv.run_lock);
	if (!j)
		return gs_serve_error(c, 404, "no run %lu", id);
	if (!running)
		return gs_serve_error(c, 409, "run %lu is not running (it is %s)", id, state_names[state]);
	return send_json(c, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state",
					   "cancelled"));
}

/* ---- the page ---- */

/* The files of the page, by URL: the only files a request can reach. */
static const struct {
	const char *url, *file, *type;
} page_files[] = {
	{"/", "index.html", "text/html; charset=utf-8"},
	{"/index.html", "index.html", "text/html; charset=utf-8"},
	{"/app.js", "app.js", "text/javascript; charset=utf-8"},
	{"/style.css", "style.css", "text/css; charset=utf-8"},
	{"/game.html", "game.html", "text/html; charset=utf-8"},
	{"/game.js", "game.js", "text/javascript; charset=utf-8"},
	{"/vendor/uPlot.iife.min.js", "../node_modules/uplot/dist/uPlot.iife.min.js",
	 "text/javascript; charset=utf-8"},
	{"/vendor/uPlot.min.css", "../node_modules/uplot/dist/uPlot.min.css",
	 "text/css; charset=utf-8"},
};

/*
 * The folder of the page: the one `make install` put next to the binary
 * (PREFIX/share/govsim/web), else the source tree's (GS_WEBDIR).
 */
static char web_path[PATH_MAX];
static pthread_once_t web_once = PTHREAD_ONCE_INIT;

static void find_web_dir(void)
{
	installed("web", "index.html", GS_WEBDIR, web_path, sizeof(web_path));
}

static const char *web_dir(void)
{
	pthread_once(&web_once, find_web_dir);
	return web_path;
}

static enum MHD_Result get_page(struct MHD_Connection *c, const char *url)
{
	for (size_t i = 0; i < sizeof(page_files) / sizeof(page_files[0]); i++) {
		if (strcmp(url, page_files[i].url) != 0)
			continue;
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/%s", web_dir(), page_files[i].file);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			return gs_serve_error(c, 404, "%s is not installed (%s: run make deps)", url, path);
		}
		struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
		if (!r) {
			close(fd);
			return MHD_NO;
		}
		MHD_add_response_header(r, "Content-Type", page_files[i].type);
		MHD_add_response_header(r, "Cache-Control", "no-cache");
		enum MHD_Result ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return ret;
	}
	return gs_serve_error(c, 404, "no page %.200s", url);
}

/* ---- routing ---- */

/* A request's body, gathered as it arrives. */
struct request {
	char *body;
	size_t len;
	bool too_large;
};

/* "/api/runs/N" or "/api/runs/N/REST": N (digits, at most 9) and REST ("" if none). */
static bool run_url(const char *url, unsigned long *id, const char **rest)
{
	const char *p = url + strlen("/api/runs/");
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (n == 0 || n > 9 || (p[n] && p[n] != '/'))
		return false;
	*id = strtoul(p, NULL, 10);
	*rest = p[n] ? p + n + 1 : "";
	return true;
}

/* Is the Host header this server's own (DNS rebinding: another name for 127.0.0.1)? */
static bool host_ok(struct MHD_Connection *c)
{
	if (!srv.loopback)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!h)
		return false;
	const char *colon = strrchr(srv.host, ':');
	char local[80];
	snprintf(local, sizeof(local), "localhost%s", colon ? colon : "");
	return strcmp(h, srv.host) == 0 || strcmp(h, local) == 0;
}

static enum MHD_Result route(struct MHD_Connection *c, const char *url, const char *method,
			     struct request *rq)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool post = strcmp(method, "POST") == 0;
	if (!host_ok(c))
		return gs_serve_error(c, 403, "this server answers to %s only", srv.host);
	if (rq->too_large)
		return gs_serve_error(c, 413, "a request body is at most %d bytes", GS_SERVE_MAX_BODY);
	if (strncmp(url, "/api/", 5) != 0) {
		if (!get)
			return gs_serve_error(c, 405, "%s %.200s: only GET", method, url);
		return get_page(c, url);
	}
	if (strcmp(url, "/api/params") == 0 || strcmp(url, "/api/metrics") == 0 ||
	    strcmp(url, "/api/scenario") == 0 || strcmp(url, "/api/scenarios") == 0 ||
	    strcmp(url, "/api/presets") == 0) {
		if (!get)
			return gs_serve_error(c, 405, "%s %s: only GET", method, url);
		if (strcmp(url, "/api/scenario") == 0)
			return get_scenario(c);
		if (strcmp(url, "/api/scenarios") == 0)
			return send_json(c, 200, scenarios_json());
		if (strcmp(url, "/api/presets") == 0)
			return send_json(c, 200, presets_json());
		return send_json(c, 200, url[5] == 'p' ? params_json() : metrics_json());
	}
	if (strcmp(url, "/api/game") == 0 || strncmp(url, "/api/game/", 10) == 0)
		return gs_game_route(c, url, method, rq->body ? rq->body : "", rq->len);
	if (strcmp(url, "/api/runs") == 0) {
		if (post) {
			const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								       "Content-Type");
			if (!type || strncmp(type, "application/json", 16) != 0)
				return gs_serve_error(c, 415, "POST /api/runs takes "
						  "Content-Type: application/json");
			return post_run(c, rq->body ? rq->body : "", rq->len);
		}
		if (!get)
			return gs_serve_error(c, 405, "%s %s: GET or POST", method, url);
		json_t *list = json_array();
		pthread_mutex_lock(&srv.lock);
		for (int i = 0; i < MAX_JOBS; i++)
			if (srv.jobs[i])
				json_array_append_new(list, status_json(srv.jobs[i]));
		pthread_mutex_unlock(&srv.lock);
		return send_json(c, 200, json_pack("{s:o}", "runs", list));
	}
	unsigned long id;
	const char *rest;
	if (strncmp(url, "/api/runs/", 10) != 0 || !run_url(url, &id, &rest))
		return gs_serve_error(c, 404, "no endpoint %.200s", url);
	if (strcmp(rest, "cancel") == 0) {
		if (!post)
			return gs_serve_error(c, 405, "%s %.200s: only POST", method, url);
		return post_cancel(c, id);
	}
	if (!get)
		return gs_serve_error(c, 405, "%s %.200s: only GET", method, url);
	pthread_mutex_lock(&srv.lock);
	struct job *j = job_find(id);
	json_t *status = j && !*rest ? status_json(j) : NULL;
	enum job_state state = j ? j->state : JOB_FAILED;
	if (j)
		j->refs++; /* kept in the table while this request reads it */
	pthread_mutex_unlock(&srv.lock);
	if (!j)
		return gs_serve_error(c, 404, "no run %lu (the server remembers its last %d runs)", id,
				  MAX_JOBS);
	enum MHD_Result ret;
	if (!*rest) {
		ret = send_json(c, 200, status);
	} else if (strcmp(rest, "events") == 0) {
		ret = get_events(c, j);
	} else if (strcmp(rest, "result.h5") == 0) {
		ret = get_result(c, j, state);
	} else if (strcmp(rest, "scenario.ini") == 0) {
		char name[48];
		snprintf(name, sizeof(name), "run-%lu.ini", id);
		ret = send_text(c, 200, "text/plain; charset=utf-8", j->ini_text,
				strlen(j->ini_text), name);
	} else {
		ret = gs_serve_error(c, 404, "no endpoint %.200s", url);
	}
	pthread_mutex_lock(&srv.lock);
	j->refs--;
	pthread_mutex_unlock(&srv.lock);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_large && rq->len + *upload_size <= GS_SERVE_MAX_BODY) {
			char *b = realloc(rq->body, rq->len + *upload_size + 1);
			if (!b)
				return MHD_NO;
			rq->body = b;
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			rq->body[rq->len] = 0;
		} else {
			rq->too_large = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return route(c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct request *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* ---- what the game (game.c) shares ---- */

enum MHD_Result gs_serve_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	return send_json(c, status, j);
}

enum MHD_Result gs_serve_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return send_json(c, status, json_pack("{s:s}", "error", msg));
}

enum MHD_Result gs_serve_text(struct MHD_Connection *c, unsigned status, const char *type,
			      const char *text, size_t len, const char *filename)
{
	return send_text(c, status, type, text, len, filename);
}

enum MHD_Result gs_serve_file(struct MHD_Connection *c, const char *path, const char *type,
			      const char *filename)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return gs_serve_error(c, 410, "%s is gone from the out folder", filename);
	}
	struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	char disp[128];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Disposition", disp);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int gs_serve_value_text(const json_t *v, char *out, size_t n, char *err, size_t errlen)
{
	return value_text(v, out, n, err, errlen);
}

int gs_serve_load(const char *path, struct gs_scenario *sc, char **problems)
{
	return load(path, NULL, 0, sc, problems);
}

int gs_serve_replace_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	unlink(tmp);
	if (write_new_file(tmp, text, err, errlen))
		return -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %.1000s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void gs_serve_run_begin(void)
{
	pthread_mutex_lock(&srv.run_lock);
	cancel_current();
}

void gs_serve_run_end(void)
{
	pthread_mutex_unlock(&srv.run_lock);
}

/* ---- the command ---- */

/* The listening socket, or -1 with the reason said. */
static int listen_on(const char *addr, long port)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "govsim serve: --bind %s is not an IPv4 address (e.g. 127.0.0.1)\n",
			addr);
		return -2;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
		fprintf(stderr, "govsim serve: cannot open a socket: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 64) != 0) {
		int e = errno;
		if (e == EADDRINUSE)
			fprintf(stderr, "govsim serve: port %ld on %s is in use (another program, "
				"perhaps another govsim serve, listens there); choose another with "
				"--port\n", port, addr);
		else if (e == EACCES)
			fprintf(stderr, "govsim serve: port %ld on %s needs privileges this user "
				"does not have; choose a port above 1023 with --port\n", port, addr);
		else
			fprintf(stderr, "govsim serve: cannot listen on %s port %ld: %s\n", addr,
				port, strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

/* mkdir -p of a folder of at most two new levels (out/serve). */
static int make_dir(const char *dir)
{
	char *p = gs_strdup(dir);
	if (!p)
		return -1;
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		if (mkdir(p, 0777) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int gs_cmd_serve(const struct gs_model *m, int argc, char **argv)
{
	const char *scenario = NULL, *bind_addr = "127.0.0.1", *out_dir = "out/serve";
	long port = 8321;
	bool game = false;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (gs_cli_is_help(s)) {
			fputs(usage_serve, stdout);
			return 0;
		} else if (strcmp(s, "--port") == 0) {
			if (++i == argc || !gs_cli_count(argv[i], 1, 65535, &port))
				return gs_cli_usage("serve", "--port needs a port from 1 to 65535 (got "
						    "'%s')", i < argc ? argv[i] : "nothing");
		} else if (strcmp(s, "--bind") == 0) {
			if (++i == argc)
				return gs_cli_usage("serve", "--bind needs an IPv4 address%s", "");
			bind_addr = argv[i];
		} else if (strcmp(s, "--out") == 0) {
			if (++i == argc || !*argv[i])
				return gs_cli_usage("serve", "--out needs a folder%s", "");
			out_dir = argv[i];
		} else if (strcmp(s, "--game") == 0) {
			game = true;
		} else if (s[0] == '-' && s[1]) {
			return gs_cli_usage("serve", "unknown option '%s'", s);
		} else if (scenario) {
			return gs_cli_usage("serve", "one scenario at a time (got '%s' too)", s);
		} else {
			scenario = s;
		}
	}
	if (!scenario) {
		struct stat st;
		if (stat("scenarios/default.ini", &st) != 0)
			return gs_cli_usage("serve", "no scenario given (and no "
					    "scenarios/default.ini here)%s", "");
		scenario = "scenarios/default.ini";
	}
	srv.model = m;
	srv.scenario = scenario;
	srv.out_dir = out_dir;
	struct gs_scenario sc = {0};
	char *problems;
	if (load(scenario, NULL, 0, &sc, &problems)) {
		fputs(problems ? problems : "out of memory\n", stderr);
		free(problems);
		gs_scenario_free(&sc);
		return EXIT_USAGE;
	}
	char served_name[96];
	snprintf(served_name, sizeof(served_name), "%s", sc.name);
	gs_scenario_free(&sc);
	if (make_dir(out_dir) || access(out_dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "govsim serve: cannot write in --out %s: %s\n", out_dir,
			strerror(errno));
		return EXIT_USAGE;
	}
	int fd = listen_on(bind_addr, port);
	if (fd < 0)
		return fd == -2 ? EXIT_USAGE : EXIT_RUNTIME;
	list_scenarios(scenario, served_name);
	snprintf(srv.host, sizeof(srv.host), "%s:%ld", bind_addr, port);
	srv.loopback = strncmp(bind_addr, "127.", 4) == 0;

	/* the signals go to this thread only, through sigwait */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, (uint16_t)port,
		NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "govsim serve: cannot start the HTTP server on %s\n", srv.host);
		close(fd);
		unlist_scenarios();
		return EXIT_RUNTIME;
	}
	printf("govsim serve: %s on http://%s/ (results in %s; Ctrl-C stops)\n", scenario,
	       srv.host, out_dir);
	char gerr[4096];
	if (game && gs_game_start(m, scenario, out_dir, srv.host, gerr, sizeof(gerr))) {
		fprintf(stderr, "govsim serve: --game: %s\n", gerr);
		MHD_stop_daemon(d);
		close(fd);
		unlist_scenarios();
		return EXIT_RUNTIME;
	}
	if (!srv.loopback)
		printf("govsim serve: listening on %s: anyone who can reach this machine can run "
		       "and download\n", bind_addr);
	fflush(stdout);
	int sig;
	sigwait(&sigs, &sig);
	fprintf(stderr, "govsim serve: stopping\n");
	srv.quitting = 1;
	pthread_mutex_lock(&srv.run_lock);
	cancel_current();
	pthread_mutex_unlock(&srv.run_lock);
	pthread_mutex_lock(&srv.lock);
	pthread_cond_broadcast(&srv.changed);
	pthread_mutex_unlock(&srv.lock);
	MHD_stop_daemon(d);
	close(fd);
	gs_game_end();
	unlist_scenarios();
	for (int i = 0; i < MAX_JOBS; i++) {
		/* every thread was joined: cancel_current joins the last one */
		job_free(srv.jobs[i]);
		srv.jobs[i] = NULL;
	}
	return 0;
}
