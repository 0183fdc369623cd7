/*
 * test_util.c - growable arrays and the huge-page advice.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/util.h"

/* Arrays grow to hold what they are asked to, keeping their contents. */
static void test_arrays(void **state)
{
	(void)state;
	int *a = NULL;
	size_t cap = 0;
	assert_int_equal(gs_array_reserve((void **)&a, &cap, 5, sizeof(*a)), 0);
	assert_int_equal(cap, 16);
	for (int i = 0; i < 16; i++)
		a[i] = i;
	assert_int_equal(gs_array_reserve((void **)&a, &cap, 17, sizeof(*a)), 0);
	assert_int_equal(cap, 32);
	for (int i = 0; i < 16; i++)
		assert_int_equal(a[i], i);
	assert_int_equal(gs_array_reserve((void **)&a, &cap, 10, sizeof(*a)), 0);
	assert_int_equal(cap, 32);
	/* a size that would overflow is refused, the array unchanged */
	int *before = a;
	assert_int_equal(gs_array_reserve((void **)&a, &cap, SIZE_MAX / 2, sizeof(*a)), -1);
	assert_ptr_equal(a, before);
	assert_int_equal(cap, 32);
	free(a);

	double *d = NULL;
	size_t n = 0;
	for (int i = 0; i < 1000; i++) {
		double x = i * 0.5;
		assert_int_equal(gs_array_push((void **)&d, &n, sizeof(*d), &x), 0);
	}
	assert_int_equal(n, 1000);
	for (int i = 0; i < 1000; i++)
		assert_true(d[i] == i * 0.5);
	free(d);
}

/*
 * Whether the mapping that holds p may have huge pages (/proc/self/smaps,
 * THPeligible); -1 if the system does not say.
 */
static int thp_eligible(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	int inside = 0, found = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = (unsigned long)p >= lo && (unsigned long)p < hi;
			continue;
		}
		int v;
		if (inside && sscanf(line, "THPeligible: %d", &v) == 1) {
			found = v;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Whether the system gives huge pages to memory that asks ("always" or "madvise"). */
static int thp_offered(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return 0;
	char line[128] = "";
	int ok = fgets(line, sizeof(line), f) && (strstr(line, "[always]") || strstr(line, "[madvise]"));
	fclose(f);
	return ok;
}

/*
 * The advice leaves contents as they are, takes any pointer and size
 * (NULL, a few bytes, memory not aligned), and where the system offers huge
 * pages on request the whole 2 MiB pages of a big array become eligible.
 */
static void test_advise_huge(void **state)
{
	(void)state;
	gs_advise_huge(NULL, 0);
	gs_advise_huge(NULL, 1 << 22);
	char small[100];
	memset(small, 7, sizeof(small));
	gs_advise_huge(small, sizeof(small));
	for (size_t i = 0; i < sizeof(small); i++)
		assert_int_equal(small[i], 7);

	size_t n = (size_t)12 << 20;
	unsigned char *big = calloc(n, 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i += 4096)
		big[i] = (unsigned char)(i >> 12);
	gs_advise_huge(big + 1, n - 1); /* not aligned */
	for (size_t i = 0; i < n; i += 4096)
		assert_int_equal(big[i], (unsigned char)(i >> 12));
	unsigned char *fresh = calloc(n, 1);
	assert_non_null(fresh);
	gs_advise_huge(fresh, n);
	if (thp_offered()) {
		/* the middle of the array lies in a whole huge page */
		int e = thp_eligible(fresh + n / 2);
		if (e >= 0)
			assert_int_equal(e, 1);
		else
			print_message("(the system does not report THPeligible: only contents checked)\n");
	}
	for (size_t i = 0; i < n; i += 4096)
		assert_int_equal(fresh[i], 0);
	free(big);
	free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_advise_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
