/*
 * testutil.h - helpers shared by govsim's cmocka tests.
 */
#ifndef GS_TESTUTIL_H
#define GS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/plan/plan.h"

/* cmocka 1.1's assert_float_equal casts to float: compare doubles properly. */
#define assert_double_close(a, b, tol) \
	gs_test_double_close((a), (b), (tol), #a, #b, __FILE__, __LINE__)
void gs_test_double_close(double a, double b, double tol, const char *sa, const char *sb,
			  const char *file, int line);

/* A fresh temporary directory (removed with its files by gs_test_rmtree). */
char *gs_test_tmpdir(void);
void gs_test_rmtree(char *dir);

/* Write text to dir/name; returns the malloc'd full path. */
char *gs_test_write(const char *dir, const char *name, const char *text);

/* Read a whole file into a malloc'd string (NULL if missing). */
char *gs_test_slurp(const char *path);

/*
 * gs_test_load - read and resolve the scenario at path with n_sets
 * overrides, and build its plan for the governance model (pl may be NULL:
 * no plan). Prints every problem; returns 0, or -1 if there was any.
 */
int gs_test_load(const char *path, char *const *sets, size_t n_sets, struct gs_scenario *sc,
		 struct gs_plan *pl);

/* A plan of one arm "base" with parameters p: no scenario file, no events, no sweep. */
struct gs_test_plan {
	struct gs_scenario sc;
	struct gs_plan plan;
};

/* gs_test_plan_init - build tp for p and the governance model; returns 0 or -1. */
int gs_test_plan_init(struct gs_test_plan *tp, const struct gs_params *p);
void gs_test_plan_free(struct gs_test_plan *tp);

#endif
