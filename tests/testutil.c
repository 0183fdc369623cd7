/*
 * testutil.c - helpers shared by govsim's cmocka tests.
 */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include "models/governance.h"
#include "sim/core/diag.h"
#include "sim/core/util.h"

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

int gs_test_plan_init(struct gs_test_plan *tp, const struct gs_params *p)
{
	char err[256];
	memset(tp, 0, sizeof(*tp));
	tp->sc.arms = calloc(1, sizeof(*tp->sc.arms));
	tp->sc.arm_params = malloc(sizeof(*tp->sc.arm_params));
	tp->sc.path = gs_strdup("test.ini");
	tp->sc.name = gs_strdup("test");
	if (!tp->sc.arms || !tp->sc.arm_params || !tp->sc.path || !tp->sc.name)
		return -1;
	snprintf(tp->sc.arms[0].name, GS_NAME_MAX, "base");
	tp->sc.n_arms = 1;
	tp->sc.arm_params[0] = *p;
	if (gs_plan_build(&tp->plan, &tp->sc, &gs_governance, err, sizeof(err))) {
		fprintf(stderr, "gs_test_plan_init: %s\n", err);
		return -1;
	}
	return 0;
}

void gs_test_plan_free(struct gs_test_plan *tp)
{
	gs_plan_free(&tp->plan);
	gs_scenario_free(&tp->sc);
}

int gs_test_load(const char *path, char *const *sets, size_t n_sets, struct gs_scenario *sc,
		 struct gs_plan *pl)
{
	struct gs_diag d = {0};
	char err[256];
	int rc = gs_scenario_read(path, sc, &d);
	if (!rc)
		rc = gs_scenario_resolve(sc, gs_governance.presets, sets, n_sets, &d);
	gs_diag_print(&d, stderr);
	gs_diag_free(&d);
	if (!rc && pl && gs_plan_build(pl, sc, &gs_governance, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		rc = -1;
	}
	return rc;
}
