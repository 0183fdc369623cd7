/*
 * diag.h - a list of problems found in the input, each one line:
 *   FILE:LINE: section.key: message
 * so that `govsim check` can report every problem, not only the first.
 */
#ifndef GS_DIAG_H
#define GS_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct gs_diag {
	char **msg;
	size_t n, cap;
	char **file; /* [n] the file of each problem (a copy), NULL if none */
	int *line;   /* [n] its line, 0 if none */
};

/*
 * gs_diag_add - add a problem. file may be NULL (no location), line <= 0
 * means no line, key may be NULL. fmt is printf-style.
 */
void gs_diag_add(struct gs_diag *d, const char *file, int line, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * gs_diag_print - every problem, one per line, to f, sorted: by file (in
 * the order the files were first named) and line, a file's problems
 * without a line after its lines, problems without a file last; problems
 * of the same place keep the order they were found in.
 */
void gs_diag_print(const struct gs_diag *d, FILE *f);

void gs_diag_free(struct gs_diag *d);

/* gs_suggest - the candidate closest to word (edit distance), or NULL if none is close. */
const char *gs_suggest(const char *word, const char *const *candidates, size_t n);

#endif
