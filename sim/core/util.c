/*
 * util.c - growable arrays, huge pages for big ones, and string copies.
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "sim/core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* The size of a huge page on the systems that have them (x86-64, arm64 with 4 KiB pages). */
#define HUGE_PAGE ((uintptr_t)2 << 20)

void gs_advise_huge(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
	if (p && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice: failing changes nothing */
#else
	(void)p;
	(void)bytes;
#endif
}

void *gs_alloc_big(size_t n, size_t size)
{
	if (!n)
		n = 1;
	if (n > (SIZE_MAX - HUGE_PAGE - 64) / size)
		return NULL;
	size_t bytes = n * size;
	uintptr_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : 64;
	/*
	 * calloc's zeroes (free for a large block: fresh pages are zero) with
	 * room to align, the block's own address kept just before the array
	 */
	char *block = calloc(bytes + align + sizeof(void *), 1);
	if (!block)
		return NULL;
	uintptr_t at = ((uintptr_t)block + sizeof(void *) + align - 1) & ~(align - 1);
	void *p = (void *)at;
	memcpy((char *)p - sizeof(void *), &block, sizeof(void *));
	gs_advise_huge(p, bytes);
	return p;
}

void gs_free_big(void *p)
{
	if (!p)
		return;
	void *block;
	memcpy(&block, (char *)p - sizeof(void *), sizeof(void *));
	free(block);
}

int gs_array_reserve(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return 0;
	size_t c = *cap ? *cap : 16;
	while (c < n) {
		if (c > SIZE_MAX / 2 / size)
			return -1;
		c *= 2;
	}
	void *a = realloc(*arr, c * size);
	if (!a)
		return -1;
	*arr = a;
	*cap = c;
	return 0;
}

int gs_array_push(void **arr, size_t *n, size_t size, const void *elem)
{
	size_t k = *n;
	if (!(k & (k - 1))) { /* k is 0 or a power of two: the array is full */
		void *a = realloc(*arr, (k ? 2 * k : 1) * size);
		if (!a)
			return -1;
		*arr = a;
	}
	memcpy((char *)*arr + k * size, elem, size);
	*n = k + 1;
	return 0;
}

char *gs_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

uint64_t gs_hash64(const void *data, size_t n, uint64_t h)
{
	const unsigned char *b = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(1099511628211);
	return h;
}
