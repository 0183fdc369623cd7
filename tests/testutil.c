/*
 * testutil.c - helpers shared by govsim's cmocka tests.
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gs_test_double_close(double a, double b, double tol, const char *sa, const char *sb,
			  const char *file, int line)
{
	if (isnan(a) && isnan(b))
		return;
	if (!(fabs(a - b) <= tol)) {
		print_error("%s = %.17g != %s = %.17g (tolerance %g)\n", sa, a, sb, b, tol);
		_fail(file, line);
	}
}

char *gs_test_tmpdir(void)
{
	char *t = strdup("/tmp/govsim-test-XXXXXX");
	if (!t || !mkdtemp(t)) {
		fprintf(stderr, "cannot make a temporary directory\n");
		abort();
	}
	return t;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void gs_test_rmtree(char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *gs_test_write(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
	fputs(text, f);
	fclose(f);
	return path;
}

char *gs_test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = 0;
	fclose(f);
	return s;
}
