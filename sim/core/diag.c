/*
 * diag.c - problem lists and "did you mean" suggestions.
 */
#include "sim/core/diag.h"

#include <limits.h>
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
	char *where = file ? malloc(strlen(file) + 1) : NULL;
	if (file && !where) {
		free(m);
		return;
	}
	if (where)
		strcpy(where, file);
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		char **grown = realloc(d->msg, cap * sizeof(*grown));
		if (grown)
			d->msg = grown;
		char **files = grown ? realloc(d->file, cap * sizeof(*files)) : NULL;
		if (files)
			d->file = files;
		int *lines = files ? realloc(d->line, cap * sizeof(*lines)) : NULL;
		if (!lines) {
			free(m);
			free(where);
			return;
		}
		d->line = lines;
		d->cap = cap;
	}
	d->file[d->n] = where;
	d->line[d->n] = line > 0 ? line : 0;
	d->msg[d->n++] = m;
}

/* The rank of problem i's file: the first problem naming that file; after all for none. */
static size_t file_rank(const struct gs_diag *d, size_t i)
{
	if (!d->file[i])
		return d->n;
	for (size_t j = 0; j < d->n; j++)
		if (d->file[j] && strcmp(d->file[j], d->file[i]) == 0)
			return j;
	return d->n;
}

/* The line of problem i for sorting: one of the whole file comes after its lines. */
static int sort_line(const struct gs_diag *d, size_t i)
{
	return d->line[i] > 0 ? d->line[i] : INT_MAX;
}

void gs_diag_print(const struct gs_diag *d, FILE *f)
{
	size_t *order = malloc((d->n ? d->n : 1) * sizeof(*order));
	size_t *rank = malloc((d->n ? d->n : 1) * sizeof(*rank));
	if (!order || !rank) { /* out of memory: in the order found */
		for (size_t i = 0; i < d->n; i++)
			fprintf(f, "%s\n", d->msg[i]);
		goto out;
	}
	/* insertion sort by (file rank, line): stable, and problem lists are short */
	for (size_t i = 0; i < d->n; i++) {
		rank[i] = file_rank(d, i);
		size_t k = i;
		while (k > 0 && (rank[order[k - 1]] > rank[i] ||
				 (rank[order[k - 1]] == rank[i] &&
				  sort_line(d, order[k - 1]) > sort_line(d, i)))) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msg[order[i]]);
out:
	free(order);
	free(rank);
}

void gs_diag_free(struct gs_diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->msg[i]);
		free(d->file[i]);
	}
	free(d->msg);
	free(d->file);
	free(d->line);
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
