/*
 * test_docs.c - docs/parameters.md and docs/metrics.md match the tables
 * they are generated from (`make docs` regenerates them).
 *
 * The committed files are read from $GOVSIM_SRCDIR, or from the current
 * directory.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"

/* What print writes, as a malloc'd string. */
static char *generate(void (*print)(FILE *, bool))
{
	FILE *f = tmpfile();
	assert_non_null(f);
	print(f, true);
	assert_int_equal(fflush(f), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* Print the first line where a and b differ, numbered from 1. */
static void show_difference(const char *a, const char *b)
{
	int line = 1;
	const char *la = a, *lb = b;
	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
	int na = ea ? (int)(ea - la) : (int)strlen(la);
	int nb = eb ? (int)(eb - lb) : (int)strlen(lb);
	print_error("first difference at line %d:\n  committed: %.*s\n  generated: %.*s\n", line,
		    na, la, nb, lb);
}

static void check_current(const char *name, void (*print)(FILE *, bool))
{
	const char *dir = getenv("GOVSIM_SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", name);
	char *want = generate(print);
	char *have = gs_test_slurp(path);
	if (!have) {
		free(want);
		fail_msg("%s is stale: run make docs (cannot read %s)", name, path);
	}
	bool same = strcmp(want, have) == 0;
	if (!same)
		show_difference(have, want);
	free(want);
	free(have);
	if (!same)
		fail_msg("%s is stale: run make docs", name);
}

static void test_parameters_md(void **state)
{
	(void)state;
	check_current("docs/parameters.md", gs_params_print);
}

static void test_metrics_md(void **state)
{
	(void)state;
	check_current("docs/metrics.md", gs_metrics_print);
}

/* The generated Markdown has a row for every parameter and every metric. */
static void test_markdown_complete(void **state)
{
	(void)state;
	char row[160];
	char *md = generate(gs_params_print);
	for (size_t i = 0; i < gs_param_count; i++) {
		snprintf(row, sizeof(row), "| `%s` | ", gs_param_table[i].name);
		if (!strstr(md, row)) {
			print_error("no row for %s.%s\n", gs_param_table[i].section,
				    gs_param_table[i].name);
			fail();
		}
	}
	assert_non_null(strstr(md, "## [class.NAME]"));
	assert_non_null(strstr(md, "## [regime]"));
	free(md);
	md = generate(gs_metrics_print);
	for (int m = 0; m < GS_N_METRICS; m++) {
		char units[128];
		gs_metric_units_text(&gs_metric_table[m], units, sizeof(units));
		snprintf(row, sizeof(row), "| `%s` | %s | %s | ", gs_metric_table[m].name,
			 gs_metric_table[m].label, units);
		assert_non_null(strstr(md, row));
	}
	free(md);
}

/* Cell separators of a Markdown table row: '|' not escaped as "\\|". */
static int cells(const char *line, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len; i++)
		n += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
	return n;
}

/*
 * Every row of every table in md has as many cells as the table's header;
 * returns the number of rows that do not.
 */
static int bad_rows(const char *name, const char *md)
{
	int header = -1, lineno = 0, bad = 0;
	for (const char *l = md; *l; ) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		lineno++;
		if (len && l[0] == '|') {
			int n = cells(l, len);
			if (header < 0)
				header = n;
			else if (n != header && bad++ < 5)
				print_error("%s:%d: %d cells, the header has %d: %.*s\n", name, lineno,
					    n - 1, header - 1, (int)len, l);
		} else {
			header = -1;
		}
		l += len + (end != NULL);
	}
	return bad;
}

static void test_markdown_tables(void **state)
{
	(void)state;
	char *md = generate(gs_params_print);
	int bad = bad_rows("parameters.md", md);
	free(md);
	md = generate(gs_metrics_print);
	bad += bad_rows("metrics.md", md);
	free(md);
	if (bad)
		fail_msg("%d table row(s) with a stray '|' (write it as \\| in a cell)", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameters_md),
		cmocka_unit_test(test_metrics_md),
		cmocka_unit_test(test_markdown_complete),
		cmocka_unit_test(test_markdown_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
