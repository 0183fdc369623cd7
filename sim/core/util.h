/*
 * util.h - small helpers every layer uses: growable arrays, huge pages for
 * big ones, string copies.
 */
#ifndef GS_UTIL_H
#define GS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * gs_array_reserve - make *arr, an array of *cap elements of `size` bytes,
 * hold at least n elements: its capacity doubles (from 16) until it does.
 * Returns 0, or -1 if out of memory (*arr and *cap unchanged).
 */
int gs_array_reserve(void **arr, size_t *cap, size_t n, size_t size);

/*
 * gs_array_push - append the `size` bytes at elem to *arr, which holds *n
 * elements and has room for the next power of two of them (no capacity
 * kept: for arrays that only grow). Returns 0, or -1 if out of memory.
 */
int gs_array_push(void **arr, size_t *n, size_t size, const void *elem);

/*
 * gs_hash64 - FNV-1a, 64 bits, of the n bytes at data, continuing from h
 * (start with GS_HASH64_INIT): a digest that any change of a byte changes.
 */
#define GS_HASH64_INIT UINT64_C(14695981039346656037)
uint64_t gs_hash64(const void *data, size_t n, uint64_t h);

/*
 * gs_advise_huge - ask the system to back the whole 2 MiB pages inside the
 * `bytes` bytes at p with huge pages (Linux's transparent huge pages, where
 * they are enabled "always" or "madvise"; nothing elsewhere). For arrays of
 * many megabytes read at random: fewer first-touch faults and TLB misses.
 * Call before the memory is first written; contents are unchanged.
 */
void gs_advise_huge(void *p, size_t bytes);

/*
 * gs_alloc_big - n zeroed elements of `size` bytes on a 64-byte line of
 * their own (a record no larger than a line then spans as few lines as its
 * size allows), and from a huge page's start, advised huge, when the array
 * spans one (gs_advise_huge). Release with gs_free_big. NULL if out of memory.
 */
void *gs_alloc_big(size_t n, size_t size);

/* gs_free_big - release an array of gs_alloc_big (NULL: nothing). */
void gs_free_big(void *p);

/* gs_strdup - a malloc'd copy of s (NULL if out of memory). */
char *gs_strdup(const char *s);

#endif
