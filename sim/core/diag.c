/*
 * diag.c - problem lists and "did you mean" suggestions.
 */
#include "sim/core/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void gs_diag_add(struct gs_diag *d, const char *file, int line, const char *key,
		 const char *fmt, ...)
{
	char body[1024], loc[1024] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (file && line > 0)
		snprintf(loc, sizeof(loc), "%s:%d: ", file, line);
	else if (file)
		snprintf(loc, sizeof(loc), "%s: ", file);
	size_t n = strlen(loc) + (key ? strlen(key) + 2 : 0) + strlen(body) + 1;
	char *m = malloc(n);
	if (!m)
		return;
	snprintf(m, n, "%s%s%s%s", loc, key ? key : "", key ? ": " : "", body);
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		char **grown = realloc(d->msg, cap * sizeof(*grown));
		if (!grown) {
			free(m);
			return;
		}
		d->msg = grown;
		d->cap = cap;
	}
	d->msg[d->n++] = m;
}

void gs_diag_print(const struct gs_diag *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msg[i]);
}

void gs_diag_free(struct gs_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	memset(d, 0, sizeof(*d));
}

/* Levenshtein distance, capped at 99 for long words. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 98 || lb > 98)
		return 99;
	size_t row[100];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *gs_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	size_t limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
	return best && best_d <= limit ? best : NULL;
}
