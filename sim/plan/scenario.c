/*
 * scenario.c - reading scenario files (an INI dialect read line by line
 * here) and resolving them into the parameters of each arm.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sim/plan/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "sim/core/util.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILE_BYTES (4 << 20) /* a scenario file, each include too */
#define LINE_MAX_CHARS 196 /* a line, without its end (comments may be longer) */
#define GS_STR2(x) #x
#define GS_STR(x) GS_STR2(x)

/* What reading one file needs: where it is, and the section it is in. */
struct reader {
	struct gs_scenario *sc;
	struct gs_diag *diag;
	const char *file;   /* name for messages (owned by sc->files) */
	const char *pos;    /* next unread character of the file's text */
	int line;           /* number of the line being read */
	int depth;
	char **stack;       /* real paths of the files being read, for cycles */
	char section[LINE_MAX_CHARS + 1]; /* the current section ("" before the first) */
	bool section_ok;    /* the current section header was valid (else reported) */
	bool oom;           /* out of memory: reading stopped */
};

static int read_file(struct gs_scenario *sc, const char *path, const char *shown,
		     struct gs_diag *diag, int depth, char **stack, const char *from_file,
		     int from_line);

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			char *g = realloc(buf, cap);
			if (!g)
				goto fail;
			buf = g;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[len] = 0;
	*n = len;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= GS_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* The sections of the parameter table other than "class", NULL-terminated. */
static const char **param_sections(size_t *n)
{
	static const char *secs[32];
	static size_t count;
	if (!count) {
		for (size_t i = 0; i < gs_param_count; i++) {
			const char *s = gs_param_table[i].section;
			if (strcmp(s, "class") == 0)
				continue;
			size_t k;
			for (k = 0; k < count; k++)
				if (strcmp(secs[k], s) == 0)
					break;
			if (k == count && count < 31)
				secs[count++] = s;
		}
	}
	*n = count;
	return secs;
}

static bool known_section(const char *s)
{
	size_t n;
	const char **secs = param_sections(&n);
	for (size_t k = 0; k < n; k++)
		if (strcmp(secs[k], s) == 0)
			return true;
	return false;
}

/*
 * Check that key names a parameter; if not, report it with a suggestion.
 * key is "section.name" or "class.NAME.name".
 */
static bool check_key(struct gs_diag *diag, const char *file, int line, const char *key,
		      const char *const *extra)
{
	char cls[GS_NAME_MAX];
	if (gs_param_find(key, cls) >= 0)
		return true;
	/* candidates: every key, with class keys spelt for the class named */
	const char *dot = strchr(key, '.');
	const char *cname = NULL;
	size_t clen = 0;
	if (dot && strncmp(key, "class.", 6) == 0) {
		const char *d2 = strrchr(key, '.');
		if (d2 > key + 6) {
			cname = key + 6;
			clen = (size_t)(d2 - cname);
		}
	}
	size_t n_extra = 0;
	while (extra && extra[n_extra])
		n_extra++;
	char **cand = malloc((gs_param_count + n_extra) * sizeof(*cand));
	size_t nc = 0;
	for (size_t i = 0; cand && i < n_extra; i++)
		if ((cand[nc] = gs_strdup(extra[i])))
			nc++;
	for (size_t i = 0; cand && i < gs_param_count; i++) {
		char buf[160];
		const struct gs_param_info *in = &gs_param_table[i];
		if (strcmp(in->section, "class") == 0) {
			if (!cname)
				continue;
			snprintf(buf, sizeof(buf), "class.%.*s.%s", (int)clen, cname, in->name);
		} else {
			snprintf(buf, sizeof(buf), "%s.%s", in->section, in->name);
		}
		if ((cand[nc] = gs_strdup(buf)))
			nc++;
	}
	const char *best = cand ? gs_suggest(key, (const char *const *)cand, nc) : NULL;
	if (best)
		gs_diag_add(diag, file, line, key, "unknown parameter; did you mean '%s'?", best);
	else
		gs_diag_add(diag, file, line, key,
			    "unknown parameter (`govsim params` lists every one)");
	for (size_t i = 0; i < nc; i++)
		free(cand[i]);
	free(cand);
	return false;
}

static int push_assign(struct gs_assign **arr, size_t *n, const char *file, int line,
		       const char *key, const char *value)
{
	struct gs_assign a = {file, line, gs_strdup(key), gs_strdup(value)};
	if (!a.key || !a.value || gs_array_push((void **)arr, n, sizeof(a), &a)) {
		free(a.key);
		free(a.value);
		return -1;
	}
	return 0;
}

static struct gs_arm_spec *arm_spec(struct reader *r, const char *name)
{
	struct gs_scenario *sc = r->sc;
	for (size_t i = 0; i < sc->n_arms; i++)
		if (strcmp(sc->arms[i].name, name) == 0)
			return &sc->arms[i];
	struct gs_arm_spec blank = {0};
	if (gs_array_push((void **)&sc->arms, &sc->n_arms, sizeof(blank), &blank)) {
		r->oom = true;
		return NULL;
	}
	struct gs_arm_spec *a = &sc->arms[sc->n_arms - 1];
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->file = r->file;
	a->line = r->line;
	return a;
}

static struct gs_event_spec *event_spec(struct reader *r, const char *name)
{
	struct gs_scenario *sc = r->sc;
	for (size_t i = 0; i < sc->n_events; i++)
		if (strcmp(sc->events[i].name, name) == 0)
			return &sc->events[i];
	struct gs_event_spec blank = {0};
	if (gs_array_push((void **)&sc->events, &sc->n_events, sizeof(blank), &blank)) {
		r->oom = true;
		return NULL;
	}
	struct gs_event_spec *e = &sc->events[sc->n_events - 1];
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->file = r->file;
	e->line = r->line;
	e->at_tick = -1;
	return e;
}

/* "a, b ,c" -> list of names; reports bad names. Returns -1 if out of memory. */
static int parse_arm_list(struct reader *r, struct gs_event_spec *e, const char *value)
{
	char *copy = gs_strdup(value);
	if (!copy)
		return -1;
	for (char *tok = strtok(copy, ", \t"); tok; tok = strtok(NULL, ", \t")) {
		if (!valid_name(tok)) {
			gs_diag_add(r->diag, r->file, r->line, "arms", "'%s' is not an arm name", tok);
			continue;
		}
		char *name = gs_strdup(tok);
		if (!name || gs_array_push((void **)&e->arms, &e->n_arms, sizeof(name), &name)) {
			free(name);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

/* Replace *field by a copy of value. Returns -1 if out of memory. */
static int set_text(char **field, const char *value)
{
	char *copy = gs_strdup(value);
	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

static void handle_include(struct reader *r, const char *value)
{
	char path[PATH_MAX];
	if (value[0] == '/') {
		snprintf(path, sizeof(path), "%s", value);
	} else {
		const char *slash = strrchr(r->file, '/');
		int dlen = slash ? (int)(slash - r->file) : 0;
		if (slash)
			snprintf(path, sizeof(path), "%.*s/%s", dlen, r->file, value);
		else
			snprintf(path, sizeof(path), "%s", value);
	}
	read_file(r->sc, path, path, r->diag, r->depth + 1, r->stack, r->file, r->line);
}

/* The keys of arm, event and sweep sections besides parameters (for "did you mean"). */
static const char *const arm_keys[] = {"preset", NULL};
static const char *const event_keys[] = {"at", "arms", "preset", NULL};
static const char *const sweep_keys[] = {"design", "samples", NULL};

/* One `name = value` in `section`; returns 0 to stop reading (out of memory). */
static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	struct gs_scenario *sc = r->sc;
	char key[2 * LINE_MAX_CHARS + 2];

	if (*section && !r->section_ok)
		return 1; /* the section header was reported */
	if (!*section) {
		if (strcmp(name, "include") == 0)
			handle_include(r, value);
		else
			gs_diag_add(r->diag, r->file, r->line, name,
				    "key outside any section (only `include` may come before the first section)");
		return 1;
	}
	const char *dot = strchr(section, '.');
	if (dot && strncmp(section, "arm.", 4) == 0) {
		if (!valid_name(dot + 1)) {
			gs_diag_add(r->diag, r->file, r->line, NULL,
				    "[%s]: an arm name is letters, digits, '_' or '-' (at most %d)",
				    section, GS_NAME_MAX - 1);
			return 1;
		}
		struct gs_arm_spec *a = arm_spec(r, dot + 1);
		if (!a)
			return 0;
		if (strcmp(name, "preset") == 0) {
			if (set_text(&a->preset, value))
				goto oom;
			a->line = r->line;
			a->file = r->file;
		} else if (check_key(r->diag, r->file, r->line, name, arm_keys) &&
			   push_assign(&a->set, &a->n_set, r->file, r->line, name, value)) {
			goto oom;
		}
		return 1;
	}
	if (dot && strncmp(section, "event.", 6) == 0) {
		if (!valid_name(dot + 1)) {
			gs_diag_add(r->diag, r->file, r->line, NULL,
				    "[%s]: an event name is letters, digits, '_' or '-' (at most %d)",
				    section, GS_NAME_MAX - 1);
			return 1;
		}
		struct gs_event_spec *e = event_spec(r, dot + 1);
		if (!e)
			return 0;
		if (strcmp(name, "at") == 0) {
			if (set_text(&e->at, value))
				goto oom;
			e->at_line = r->line;
			e->file = r->file;
		} else if (strcmp(name, "arms") == 0) {
			e->arms_line = r->line;
			if (parse_arm_list(r, e, value))
				goto oom;
		} else if (strcmp(name, "preset") == 0) {
			if (set_text(&e->preset, value))
				goto oom;
			e->preset_line = r->line;
		} else if (check_key(r->diag, r->file, r->line, name, event_keys) &&
			   push_assign(&e->set, &e->n_set, r->file, r->line, name, value)) {
			goto oom;
		}
		return 1;
	}
	if (strcmp(section, "game") == 0) {
		if (push_assign(&sc->game.raw, &sc->game.n_raw, r->file, r->line, name, value))
			goto oom;
		return 1;
	}
	if (strcmp(section, "sweep") == 0) {
		if (strcmp(name, "design") != 0 && strcmp(name, "samples") != 0 &&
		    !check_key(r->diag, r->file, r->line, name, sweep_keys))
			return 1;
		if (push_assign(&sc->sweep.raw, &sc->sweep.n_raw, r->file, r->line, name, value))
			goto oom;
		return 1;
	}
	if (dot && strncmp(section, "class.", 6) == 0) {
		if (!valid_name(dot + 1)) {
			gs_diag_add(r->diag, r->file, r->line, NULL,
				    "[%s]: a class name is letters, digits, '_' or '-' (at most %d)",
				    section, GS_NAME_MAX - 1);
			return 1;
		}
		snprintf(key, sizeof(key), "%s.%s", section, name);
	} else if (known_section(section)) {
		snprintf(key, sizeof(key), "%s.%s", section, name);
	} else {
		size_t n;
		const char **secs = param_sections(&n);
		const char *best = gs_suggest(section, secs, n);
		gs_diag_add(r->diag, r->file, r->line, NULL,
			    "unknown section [%s]%s%s%s (sections: the parameter sections, class.NAME, "
			    "arm.NAME, event.NAME, sweep, game)",
			    section, best ? "; did you mean [" : "", best ? best : "", best ? "]" : "");
		return 1;
	}
	if (check_key(r->diag, r->file, r->line, key, NULL) &&
	    push_assign(&sc->base, &sc->n_base, r->file, r->line, key, value))
		goto oom;
	return 1;
oom:
	r->oom = true;
	return 0; /* reading stops */
}

/*
 * A section header: arms and events exist from their header on (an arm
 * may have no keys at all); an unknown section is reported once, here.
 */
static void open_section(struct reader *r, const char *name)
{
	r->section_ok = false;
	const char *dot = strchr(name, '.');
	if (dot && (strncmp(name, "arm.", 4) == 0 || strncmp(name, "event.", 6) == 0 ||
		    strncmp(name, "class.", 6) == 0)) {
		const char *kind = name[0] == 'a' ? "an arm" : name[0] == 'e' ? "an event" : "a class";
		if (!valid_name(dot + 1)) {
			gs_diag_add(r->diag, r->file, r->line, NULL,
				    "[%s]: %s name is letters, digits, '_' or '-' (at most %d)", name,
				    kind, GS_NAME_MAX - 1);
			return;
		}
		if (name[0] == 'a' && !arm_spec(r, dot + 1))
			return;
		if (name[0] == 'e') {
			struct gs_event_spec *e = event_spec(r, dot + 1);
			if (!e)
				return;
		}
		r->section_ok = true;
		return;
	}
	if (known_section(name) || strcmp(name, "sweep") == 0 || strcmp(name, "game") == 0) {
		r->section_ok = true;
		return;
	}
	size_t n;
	const char **secs = param_sections(&n);
	const char *best = gs_suggest(name, secs, n);
	gs_diag_add(r->diag, r->file, r->line, NULL,
		    "unknown section [%s]%s%s%s (sections: the parameter sections, class.NAME, "
		    "arm.NAME, event.NAME, sweep, game)",
		    name, best ? "; did you mean [" : "", best ? best : "", best ? "]" : "");
}

/*
 * `key = value` on one line (l, n characters, no line end, not indented):
 * the key is what comes before the first '=', the value what follows it up
 * to a ';' that comes after white space (a comment), both without the white
 * space around them. Returns on_value's answer (0: stop reading).
 */
static int split_value(struct reader *r, const char *l, size_t n)
{
	const char *eq = memchr(l, '=', n);
	const char *k_end = eq;
	while (k_end > l && isspace((unsigned char)k_end[-1]))
		k_end--;
	const char *v = eq + 1, *v_end = l + n;
	for (const char *c = v; c < v_end; c++) {
		if (*c == ';' && c > v && isspace((unsigned char)c[-1])) {
			v_end = c;
			break;
		}
	}
	while (v < v_end && isspace((unsigned char)*v))
		v++;
	while (v_end > v && isspace((unsigned char)v_end[-1]))
		v_end--;
	char key[LINE_MAX_CHARS + 1], value[LINE_MAX_CHARS + 1];
	snprintf(key, sizeof(key), "%.*s", (int)(k_end - l), l);
	snprintf(value, sizeof(value), "%.*s", (int)(v_end - v), v);
	return on_value(r, r->section, key, value);
}

/*
 * Reads the lines of one file's text (r->pos): comments, `[section]`
 * headers and `key = value` lines. A line ends at \n, \r\n or a lone \r
 * (old Mac files). Every line that is none of these is reported, with its
 * number, and reading goes on with the next line; only running out of
 * memory stops it.
 */
static void read_lines(struct reader *r)
{
	while (*r->pos && !r->oom) {
		const char *end = strpbrk(r->pos, "\r\n");
		size_t len = end ? (size_t)(end - r->pos) + 1 : strlen(r->pos);
		if (end && end[0] == '\r' && end[1] == '\n')
			len++;
		const char *line = r->pos;
		r->pos += len;
		r->line++;

		size_t body = len;
		while (body && (line[body - 1] == '\n' || line[body - 1] == '\r'))
			body--;
		size_t s = 0;
		while (s < body && isspace((unsigned char)line[s]))
			s++;
		if (s == body || line[s] == ';' || line[s] == '#')
			continue; /* blank or a comment, of any length */
		const char *problem = NULL;
		if (body > LINE_MAX_CHARS) {
			problem = "line too long (at most " GS_STR(LINE_MAX_CHARS) " characters)";
		} else if (s > 0) {
			problem = "malformed line: indented (continuation lines are not allowed)";
		} else if (line[0] == '[') {
			const char *close = memchr(line, ']', body);
			const char *after = close ? close + 1 : NULL;
			while (after && after < line + body && isspace((unsigned char)*after))
				after++;
			if (!close) {
				problem = "malformed line: section header without ']'";
			} else if (after < line + body && *after != ';' && *after != '#') {
				problem = "malformed line: text after the section header (put `key = value` "
					  "on a line of its own)";
			} else {
				const char *a = line + 1;
				while (a < close && isspace((unsigned char)*a))
					a++;
				const char *b = close;
				while (b > a && isspace((unsigned char)b[-1]))
					b--;
				snprintf(r->section, sizeof(r->section), "%.*s", (int)(b - a), a);
				open_section(r, r->section);
			}
		} else if (!memchr(line, '=', body)) {
			problem = "malformed line: expected `key = value`, `[section]` or a comment";
		} else if (line[0] == '=') {
			problem = "malformed line: no key before '='";
		} else if (!split_value(r, line, body)) {
			break;
		}
		if (problem)
			gs_diag_add(r->diag, r->file, r->line, NULL, "%s", problem);
	}
}

static int append_text(struct gs_scenario *sc, const char *shown, const char *text)
{
	size_t old = sc->text ? strlen(sc->text) : 0;
	size_t add = strlen(shown) + strlen(text) + 32;
	char *t = realloc(sc->text, old + add);
	if (!t)
		return -1;
	sc->text = t;
	snprintf(t + old, add, "; ==== %s ====\n%s%s", shown, text,
		 (*text && text[strlen(text) - 1] != '\n') ? "\n" : "");
	return 0;
}

static int read_file(struct gs_scenario *sc, const char *path, const char *shown,
		     struct gs_diag *diag, int depth, char **stack, const char *from_file,
		     int from_line)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	for (int d = 0; d < depth; d++) {
		if (strcmp(stack[d], real) == 0) {
			gs_diag_add(diag, from_file, from_line, "include",
				    "include cycle: '%s' includes itself (through %d file%s)", path,
				    depth - d, depth - d == 1 ? "" : "s");
			return -1;
		}
	}
	if (depth >= MAX_INCLUDE_DEPTH) {
		gs_diag_add(diag, from_file, from_line, "include", "includes nested deeper than %d",
			    MAX_INCLUDE_DEPTH);
		return -1;
	}
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "'%s' is not a regular file (a scenario is a text file)", path);
		return -1;
	}
	if (stat(path, &st) == 0 && st.st_size > MAX_FILE_BYTES) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "'%s' is %lld bytes: a scenario file is at most %d bytes", path,
			    (long long)st.st_size, MAX_FILE_BYTES);
		return -1;
	}
	size_t text_len = 0;
	char *text = slurp(path, &text_len);
	if (text && memchr(text, 0, text_len)) {
		int at = 1;
		for (const char *c = text; *c; c++)
			at += *c == '\n';
		gs_diag_add(diag, shown, at, NULL,
			    "a NUL byte: a scenario is a text file (nothing after it would be read)");
		free(text);
		return -1;
	}
	if (!text) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	char *name = gs_strdup(shown);
	if (!name || gs_array_push((void **)&sc->files, &sc->n_files, sizeof(name), &name)) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "out of memory reading '%s'", path);
		free(name);
		free(text);
		return -1;
	}
	if (append_text(sc, shown, text)) {
		gs_diag_add(diag, from_file, from_line, from_file ? "include" : NULL,
			    "out of memory reading '%s'", path);
		free(text);
		return -1;
	}

	stack[depth] = real;
	/* a UTF-8 byte-order mark (editors on Windows write one) is not part of the text */
	const char *start = strncmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
	struct reader r = {sc, diag, name, start, 0, depth, stack, "", false, false};
	read_lines(&r);
	if (r.oom)
		gs_diag_add(diag, name, r.line, NULL, "out of memory: reading stopped here");
	free(text);
	return 0;
}

int gs_scenario_read(const char *path, struct gs_scenario *sc, struct gs_diag *diag)
{
	memset(sc, 0, sizeof(*sc));
	size_t before = diag->n;
	sc->path = gs_strdup(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	sc->name = gs_strdup(base);
	if (!sc->path || !sc->name) {
		gs_diag_add(diag, NULL, 0, NULL, "out of memory reading '%s'", path);
		return -1;
	}
	size_t n = strlen(sc->name);
	if (n > 4 && strcmp(sc->name + n - 4, ".ini") == 0)
		sc->name[n - 4] = 0;
	char *stack[MAX_INCLUDE_DEPTH + 1];
	read_file(sc, path, path, diag, 0, stack, NULL, 0);
	return diag->n == before ? 0 : -1;
}

/* Does p have a class of this name (the stand-in "all" counts only if unnamed)? */
static bool has_class(const struct gs_params *p, const char *key)
{
	char cls[GS_NAME_MAX];
	int i = gs_param_find(key, cls);
	if (i < 0 || !cls[0])
		return true;
	for (int c = 0; c < p->n_classes; c++)
		if (strcmp(p->class_name[c], cls) == 0)
			return true;
	return false;
}

static void class_list(const struct gs_params *p, char *buf, size_t n)
{
	buf[0] = 0;
	for (int c = 0; c < p->n_classes; c++) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", c ? ", " : "", p->class_name[c]);
	}
}

/* Apply one assignment from a layer; `scope` says where it stands ("arm", "event", "--set"). */
static int apply(struct gs_params *p, const struct gs_assign *a, const char *scope,
		 struct gs_diag *diag)
{
	char err[512];
	char cls[GS_NAME_MAX];
	/* an override names itself: "--set", or "--set arm.NAME" for one arm */
	const char *file = a->line || (a->file && strncmp(a->file, "--set", 5) == 0) ? a->file
										      : "--set";
	int i = gs_param_find(a->key, cls);
	if (i < 0) {
		check_key(diag, file, a->line, a->key, NULL);
		return -1;
	}
	int flags = gs_param_table[i].flags;
	if (scope && (flags & GS_F_SCENARIO) && strcmp(scope, "--set") != 0) {
		gs_diag_add(diag, file, a->line, a->key,
			    "one value for the whole scenario: it cannot be set in an %s", scope);
		return -1;
	}
	if (scope && (flags & GS_F_RUN) && strcmp(scope, "event") == 0) {
		gs_diag_add(diag, file, a->line, a->key, "fixed for a run: an event cannot change it");
		return -1;
	}
	if (scope && !has_class(p, a->key)) {
		char list[GS_MAX_CLASSES * GS_NAME_MAX];
		class_list(p, list, sizeof(list));
		gs_diag_add(diag, file, a->line, a->key, "no class '%s' in the scenario (classes: %s)",
			    cls, list);
		return -1;
	}
	if (gs_param_set(p, a->key, a->value, err, sizeof(err))) {
		gs_diag_add(diag, file, a->line, a->key, "%s", err);
		return -1;
	}
	return 0;
}

/* The last line of the scenario's sections that sets key (file:line), else its main file. */
static void where_set(const struct gs_scenario *sc, const char *key, const char **file, int *line)
{
	*file = sc->files && sc->n_files ? sc->files[0] : sc->path;
	*line = 0;
	for (size_t i = sc->n_base; i-- > 0;) {
		if (strcmp(sc->base[i].key, key) == 0) {
			*file = sc->base[i].file;
			*line = sc->base[i].line;
			return;
		}
	}
}

/* A problem of two parameters, reported at the line that set `key` (the first named). */
#define CONSISTENCY(sc, diag, key, ...)                                    \
	do {                                                                \
		const char *f_;                                             \
		int l_;                                                     \
		where_set((sc), (key), &f_, &l_);                           \
		gs_diag_add((diag), f_, l_, (key), __VA_ARGS__);            \
	} while (0)

static void check_consistency(const struct gs_scenario *sc, const struct gs_params *p,
			      struct gs_diag *diag)
{
	double tick = p->simulation.tick;
	if (p->simulation.duration < 1)
		CONSISTENCY(sc, diag, "simulation.duration",
			    "shorter than one tick (simulation.tick = %g min)", tick);
	double iv = p->output.interval;
	if (iv < 1 || fabs(iv - nearbyint(iv)) > 1e-9)
		CONSISTENCY(sc, diag, "output.interval",
			    "must be a whole number of ticks (simulation.tick = %g min)", tick);
	if (p->output.hist_max < p->output.hist_bin)
		CONSISTENCY(sc, diag, "output.hist_max", "smaller than output.hist_bin");
	else if (p->output.hist_max / p->output.hist_bin > 100000)
		CONSISTENCY(sc, diag, "output.hist_bin",
			    "more than 100000 histogram bins (output.hist_max / output.hist_bin)");
	if (p->simulation.duration / fmax(1, iv) > 1e7)
		CONSISTENCY(sc, diag, "output.interval",
			    "more than 10^7 output intervals (simulation.duration / output.interval)");
	double share = 0;
	for (int c = 0; c < p->n_classes; c++)
		share += p->cls[c].share;
	if (share <= 0) {
		char key[GS_NAME_MAX + 16];
		snprintf(key, sizeof(key), "class.%s.share", p->class_name[p->n_classes - 1]);
		CONSISTENCY(sc, diag, key, "every class has share 0: no citizens");
	}
}

/*
 * Need arrivals a citizen may draw in one tick, on average: each is drawn
 * until the next falls after the tick, so a rate far above one per tick
 * makes a tick's work grow without bound (at 100 per tick, 10^21 draws).
 */
#define MAX_ARRIVALS_PER_TICK 10

/* The last of n assignments to key, or NULL. */
static const struct gs_assign *last_set(const struct gs_assign *a, size_t n, const char *key)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(a[i].key, key) == 0)
			return &a[i];
	return NULL;
}

/*
 * Every class's need rate is at most MAX_ARRIVALS_PER_TICK per tick; a
 * problem names the line that set the rate (in `set`, else in the
 * scenario's sections), else file:line. what: where the rate applies.
 */
static void check_arrival_rates(const struct gs_scenario *sc, const struct gs_params *p,
				const struct gs_assign *set, size_t n_set, const char *file,
				int line, const char *what, struct gs_diag *diag)
{
	for (int k = 0; k < p->n_classes; k++) {
		double per_tick = gs_per_tick(p, p->cls[k].need_rate);
		if (per_tick <= MAX_ARRIVALS_PER_TICK)
			continue;
		char key[GS_NAME_MAX + 32], tick[32];
		snprintf(key, sizeof(key), "class.%s.need_rate", p->class_name[k]);
		const struct gs_assign *a = last_set(set, n_set, key);
		if (!a)
			a = last_set(sc->base, sc->n_base, key);
		if (a && a->line) {
			file = a->file;
			line = a->line;
		}
		gs_format_duration(p->simulation.tick, tick, sizeof(tick));
		gs_diag_add(diag, file, line, key,
			    "%g needs a year is %.3g per citizen per tick of %s%s%s: at most %d "
			    "(allowed up to %.6g a year with this tick); use a shorter simulation.tick",
			    p->cls[k].need_rate, per_tick, tick, what ? " " : "", what ? what : "",
			    MAX_ARRIVALS_PER_TICK,
			    MAX_ARRIVALS_PER_TICK * GS_MIN_PER_YEAR / p->simulation.tick);
	}
}

/* The need rates of every arm at every sweep point. */
static void check_sweep_rates(const struct gs_scenario *sc, struct gs_diag *diag)
{
	const struct gs_sweep *sw = &sc->sweep;
	bool rates = false;
	for (size_t k = 0; k < sw->n_keys && sw->text; k++)
		rates = rates || strstr(sw->keys[k], ".need_rate") != NULL;
	if (!rates)
		return; /* only a swept need rate can exceed the bound */
	const char *file = sw->n_raw ? sw->raw[0].file : sc->path;
	int line = sw->n_raw ? sw->raw[0].line : 0;
	size_t before = diag->n;
	for (size_t a = 0; a < sc->n_arms && diag->n == before; a++) {
		for (size_t pt = 0; pt < sw->n_points && diag->n == before; pt++) {
			struct gs_params p = sc->arm_params[a];
			char err[256];
			for (size_t k = 0; k < sw->n_keys; k++)
				if (gs_param_set(&p, sw->keys[k], sw->text[pt * sw->n_keys + k], err,
						 sizeof(err)))
					break;
			check_arrival_rates(sc, &p, sw->raw, sw->n_raw, file, line, "at a sweep point",
					    diag);
		}
	}
}

/* Runs an ensemble may have: each is a row of every dataset of the result file. */
/* arms x sweep points x replications, at most GS_MAX_RUNS, blamed on simulation.replications. */
static void check_run_count(const struct gs_scenario *sc, struct gs_diag *diag)
{
	double points = sc->sweep.n_points ? (double)sc->sweep.n_points : 1;
	double reps = (double)sc->arm_params[0].simulation.replications;
	double runs = (double)sc->n_arms * points * reps;
	if (runs <= GS_MAX_RUNS)
		return;
	const struct gs_assign *a = last_set(sc->base, sc->n_base, "simulation.replications");
	const char *file = a ? a->file : sc->n_files ? sc->files[0] : sc->path;
	gs_diag_add(diag, file, a ? a->line : 0, "simulation.replications",
		    "%.0f runs (%zu arm%s x %.0f sweep point%s x %.0f replication%s): at most %d",
		    runs, sc->n_arms, sc->n_arms == 1 ? "" : "s", points, points == 1 ? "" : "s", reps,
		    reps == 1 ? "" : "s", GS_MAX_RUNS);
}

/* Apply every setting of a preset to p. */
static int apply_preset(struct gs_params *p, const struct gs_preset *rt, char *err,
			size_t errlen)
{
	for (const char *const *s = rt->settings; *s; s++) {
		char key[128];
		const char *eq = strchr(*s, '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *s), *s);
		if (gs_param_set(p, key, eq + 1, err, errlen))
			return -1;
	}
	return 0;
}

/*
 * The command-line overrides: "section.key=value" for every arm, or
 * "arm.NAME.section.key=value" for arm NAME only.
 */
struct overrides {
	struct gs_assign *all; /* for every arm (and the template) */
	size_t n_all;
	struct gs_assign *one; /* for one arm each: one[i].file is "--set arm.NAME" */
	char (*arm)[GS_NAME_MAX]; /* [n_one] the arm of each */
	size_t n_one;
};

static void overrides_free(struct overrides *o)
{
	for (size_t i = 0; i < o->n_all; i++) {
		free(o->all[i].key);
		free(o->all[i].value);
	}
	for (size_t i = 0; i < o->n_one; i++) {
		free(o->one[i].key);
		free(o->one[i].value);
		free((char *)o->one[i].file);
	}
	free(o->all);
	free(o->one);
	free(o->arm);
	memset(o, 0, sizeof(*o));
}

/*
 * Split one override "arm.NAME.section.key=value" into its arm (copied to
 * arm), its key and its value (malloc'd); a plain one leaves arm empty.
 * Returns 0, or -1 with the problem in diag.
 */
static int split_override(const char *s, char arm[GS_NAME_MAX], char **key, char **value,
			  struct gs_diag *diag)
{
	const char *eq = strchr(s, '=');
	arm[0] = 0;
	*key = *value = NULL;
	if (!eq || eq == s) {
		gs_diag_add(diag, "--set", 0, NULL, "'%s' is not section.key=value", s);
		return -1;
	}
	const char *k = s;
	if (strncmp(s, "arm.", 4) == 0) {
		const char *name = s + 4, *dot = memchr(name, '.', (size_t)(eq - name));
		size_t len = dot ? (size_t)(dot - name) : 0;
		if (!dot || len == 0 || len >= GS_NAME_MAX || dot + 1 == eq) {
			gs_diag_add(diag, "--set", 0, NULL,
				    "'%s' is not arm.NAME.section.key=value (an arm name is at most "
				    "%d characters)", s, GS_NAME_MAX - 1);
			return -1;
		}
		memcpy(arm, name, len);
		arm[len] = 0;
		k = dot + 1;
	}
	*key = malloc((size_t)(eq - k) + 1);
	*value = gs_strdup(eq + 1);
	if (!*key || !*value) {
		free(*key);
		free(*value);
		*key = *value = NULL;
		gs_diag_add(diag, "--set", 0, NULL, "out of memory for '%s'", s);
		return -1;
	}
	memcpy(*key, k, (size_t)(eq - k));
	(*key)[eq - k] = 0;
	return 0;
}

/*
 * The command-line overrides, each checked once against the template:
 * those that apply go into o. An override for one arm is checked as a key
 * of an arm section (a scenario-wide key cannot be set for one arm).
 * Returns -1 if out of memory for the lists themselves.
 */
static int read_overrides(char *const *over, size_t n_over, const struct gs_params *tmpl,
			  struct overrides *o, struct gs_diag *diag)
{
	memset(o, 0, sizeof(*o));
	size_t n = n_over ? n_over : 1;
	o->all = calloc(n, sizeof(*o->all));
	o->one = calloc(n, sizeof(*o->one));
	o->arm = calloc(n, sizeof(*o->arm));
	if (!o->all || !o->one || !o->arm) {
		overrides_free(o);
		gs_diag_add(diag, "--set", 0, NULL, "out of memory for %zu overrides", n_over);
		return -1;
	}
	for (size_t i = 0; i < n_over; i++) {
		char arm[GS_NAME_MAX], *key, *value;
		if (split_override(over[i], arm, &key, &value, diag))
			continue;
		struct gs_params scratch = *tmpl;
		if (!arm[0]) {
			struct gs_assign a = {"--set", 0, key, value};
			if (apply(&scratch, &a, "--set", diag) == 0) {
				o->all[o->n_all++] = a;
				continue;
			}
		} else {
			size_t fl = strlen(arm) + 16;
			char *file = malloc(fl);
			if (file) {
				snprintf(file, fl, "--set arm.%s", arm);
				struct gs_assign a = {file, 0, key, value};
				if (apply(&scratch, &a, "arm", diag) == 0) {
					memcpy(o->arm[o->n_one], arm, GS_NAME_MAX);
					o->one[o->n_one++] = a;
					continue;
				}
				free(file);
			} else {
				gs_diag_add(diag, "--set", 0, NULL, "out of memory for '%s'", over[i]);
			}
		}
		free(key);
		free(value);
	}
	return 0;
}

/* Every override for one arm names an arm of the scenario. */
static void check_override_arms(const struct gs_scenario *sc, const struct overrides *o,
				struct gs_diag *diag)
{
	for (size_t i = 0; i < o->n_one; i++) {
		size_t a;
		for (a = 0; a < sc->n_arms; a++)
			if (strcmp(sc->arms[a].name, o->arm[i]) == 0)
				break;
		if (a < sc->n_arms)
			continue;
		char list[1024];
		size_t len = 0;
		list[0] = 0;
		for (a = 0; a < sc->n_arms && len < sizeof(list); a++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", a ? ", " : "",
						sc->arms[a].name);
		gs_diag_add(diag, "--set", 0, NULL, "no arm '%s' in the scenario (arms: %s)",
			    o->arm[i], list);
	}
}

/*
 * The parameters of every arm: the template, its preset, its own keys, the
 * overrides for every arm, then those for this arm.
 */
static int resolve_arms(struct gs_scenario *sc, const struct gs_params *tmpl,
			const struct gs_preset *const *presets, const struct overrides *o,
			struct gs_diag *diag)
{
	char names[256];
	gs_model_preset_names(presets, names, sizeof(names));
	if (sc->n_arms == 0) {
		sc->arms = calloc(1, sizeof(*sc->arms));
		if (!sc->arms) {
			gs_diag_add(diag, NULL, 0, NULL, "out of memory");
			return -1;
		}
		snprintf(sc->arms[0].name, GS_NAME_MAX, "base");
		sc->arms[0].file = sc->n_files ? sc->files[0] : sc->path;
		sc->n_arms = 1;
	}
	check_override_arms(sc, o, diag);
	free(sc->arm_params);
	sc->arm_params = calloc(sc->n_arms, sizeof(*sc->arm_params));
	if (!sc->arm_params) {
		gs_diag_add(diag, NULL, 0, NULL, "out of memory for %zu arms", sc->n_arms);
		return -1;
	}
	for (size_t a = 0; a < sc->n_arms; a++) {
		struct gs_arm_spec *arm = &sc->arms[a];
		struct gs_params *p = &sc->arm_params[a];
		*p = *tmpl;
		if (arm->preset) {
			const struct gs_preset *rt = gs_model_preset(presets, arm->preset);
			char err[512];
			if (!rt)
				gs_diag_add(diag, arm->file, arm->line, "preset",
					    "unknown preset '%s' (presets: %s)", arm->preset, names);
			else if (apply_preset(p, rt, err, sizeof(err)))
				gs_diag_add(diag, NULL, 0, "preset", "preset %s: %s", rt->name, err);
		}
		for (size_t i = 0; i < arm->n_set; i++)
			apply(p, &arm->set[i], "arm", diag);
		for (size_t i = 0; i < o->n_all; i++)
			apply(p, &o->all[i], NULL, diag);
		for (size_t i = 0; i < o->n_one; i++)
			if (strcmp(o->arm[i], arm->name) == 0)
				apply(p, &o->one[i], NULL, diag);
		char what[GS_NAME_MAX + 16];
		snprintf(what, sizeof(what), "in arm %s", arm->name);
		check_arrival_rates(sc, p, arm->set, arm->n_set, arm->file, arm->line, what, diag);
	}
	return 0;
}

/* When event ev happens: its tick, or a problem reported. */
static void resolve_event_time(struct gs_event_spec *ev, const struct gs_params *p,
			       struct gs_diag *diag)
{
	int at_line = ev->at_line ? ev->at_line : ev->line;
	if (!ev->at) {
		gs_diag_add(diag, ev->file, ev->line, "at",
			    "[event.%s] has no `at` (when it happens, e.g. at = 2y)", ev->name);
		return;
	}
	double m;
	char err[256];
	if (gs_param_parse_duration(ev->at, &m, err, sizeof(err))) {
		gs_diag_add(diag, ev->file, at_line, "at", "%s", err);
		return;
	}
	double t = m / p->simulation.tick;
	long tick = (long)nearbyint(t), n_ticks = (long)ceil(p->simulation.duration - 1e-9);
	char end[32];
	gs_format_duration(p->simulation.duration * p->simulation.tick, end, sizeof(end));
	if (m < 0 || t > p->simulation.duration + 1e-9)
		gs_diag_add(diag, ev->file, at_line, "at",
			    "%s is outside the run (allowed 0 to before simulation.duration = %s)",
			    ev->at, end);
	else if (tick >= n_ticks)
		gs_diag_add(diag, ev->file, at_line, "at",
			    "%s is the end of the run (simulation.duration = %s): an event there "
			    "would never apply; allowed 0 to before the end",
			    ev->at, end);
	else
		ev->at_tick = tick;
}

/* Every event: its time, its arms, its preset, each of its keys (against the first arm). */
static void check_events(struct gs_scenario *sc, const struct gs_preset *const *presets,
			 struct gs_diag *diag)
{
	char names[256];
	gs_model_preset_names(presets, names, sizeof(names));
	for (size_t e = 0; e < sc->n_events; e++) {
		struct gs_event_spec *ev = &sc->events[e];
		resolve_event_time(ev, &sc->arm_params[0], diag);
		for (size_t k = 0; k < ev->n_arms; k++) {
			size_t a;
			for (a = 0; a < sc->n_arms; a++)
				if (strcmp(sc->arms[a].name, ev->arms[k]) == 0)
					break;
			if (a == sc->n_arms)
				gs_diag_add(diag, ev->file, ev->arms_line ? ev->arms_line : ev->line,
					    "arms", "no arm '%s' in the scenario", ev->arms[k]);
		}
		if (ev->preset && !gs_model_preset(presets, ev->preset))
			gs_diag_add(diag, ev->file, ev->preset_line, "preset",
				    "unknown preset '%s' (presets: %s)", ev->preset, names);
		struct gs_params scratch = sc->arm_params[0];
		for (size_t i = 0; i < ev->n_set; i++)
			apply(&scratch, &ev->set[i], "event", diag);
		char what[GS_NAME_MAX + 16];
		snprintf(what, sizeof(what), "after event %s", ev->name);
		check_arrival_rates(sc, &scratch, ev->set, ev->n_set, ev->file, ev->line, what, diag);
	}
}

int gs_scenario_resolve(struct gs_scenario *sc, const struct gs_preset *const *presets,
			char *const *over, size_t n_over, struct gs_diag *diag)
{
	size_t before = diag->n;
	struct gs_params tmpl;
	if (gs_params_init(&tmpl)) {
		gs_diag_add(diag, NULL, 0, NULL, "internal error: a default does not parse");
		return -1;
	}
	for (size_t i = 0; i < sc->n_base; i++)
		apply(&tmpl, &sc->base[i], NULL, diag);
	struct overrides ov;
	if (read_overrides(over, n_over, &tmpl, &ov, diag))
		return -1;
	for (size_t i = 0; i < ov.n_all; i++) /* scenario-wide keys apply to the template */
		apply(&tmpl, &ov.all[i], NULL, diag);
	check_consistency(sc, &tmpl, diag);
	if (resolve_arms(sc, &tmpl, presets, &ov, diag) == 0) {
		check_events(sc, presets, diag);
		gs_game_resolve(sc, diag);
		if (gs_sweep_resolve(sc, diag) == 0) {
			check_run_count(sc, diag);
			check_sweep_rates(sc, diag);
		}
	}
	overrides_free(&ov);
	return diag->n == before ? 0 : -1;
}

static void free_assigns(struct gs_assign *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].value);
	}
	free(a);
}

void gs_scenario_free(struct gs_scenario *sc)
{
	free_assigns(sc->base, sc->n_base);
	for (size_t i = 0; i < sc->n_arms; i++) {
		free(sc->arms[i].preset);
		free_assigns(sc->arms[i].set, sc->arms[i].n_set);
	}
	free(sc->arms);
	for (size_t i = 0; i < sc->n_events; i++) {
		free(sc->events[i].at);
		free(sc->events[i].preset);
		for (size_t k = 0; k < sc->events[i].n_arms; k++)
			free(sc->events[i].arms[k]);
		free(sc->events[i].arms);
		free_assigns(sc->events[i].set, sc->events[i].n_set);
	}
	free(sc->events);
	for (size_t i = 0; i < sc->n_files; i++)
		free(sc->files[i]);
	free(sc->files);
	gs_sweep_free(&sc->sweep);
	gs_game_free(&sc->game);
	free(sc->arm_params);
	free(sc->text);
	free(sc->path);
	free(sc->name);
	memset(sc, 0, sizeof(*sc));
}
