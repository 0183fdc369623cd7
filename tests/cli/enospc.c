/*
 * enospc.c - a full disk, for the tests where no small file system can be
 * mounted: loaded with LD_PRELOAD, it makes writes to regular files (not
 * standard output or error) fail with ENOSPC once GOVSIM_ENOSPC_AFTER bytes
 * have been written, as the kernel does when a disk fills.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long limit = -1;
static atomic_llong written;

/* Would n more bytes to fd overflow the disk? If not, they are counted. */
static int full(int fd, size_t n)
{
	if (limit < 0) {
		const char *e = getenv("GOVSIM_ENOSPC_AFTER");
		limit = e ? atoll(e) : LLONG_MAX;
	}
	struct stat st;
	if (fd <= 2 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (atomic_fetch_add(&written, (long long)n) + (long long)n > limit) {
		errno = ENOSPC;
		return 1;
	}
	return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "write");
	return full(fd, n) ? -1 : real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite");
	return full(fd, n) ? -1 : real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off64_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite64");
	return full(fd, n) ? -1 : real(fd, buf, n, off);
}
