/*
 * h5util.c - the helpers every part of the result file shares: error
 * reports with HDF5's innermost message, the string type, the class
 * metrics' dataset names, the names of stored parameters, and the lock of
 * a partial file.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define _DEFAULT_SOURCE /* flock */
#include "sim/io/h5util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The dataset of each per-class metric: "<name>_by_class". */
const char *const gs_io_class_dataset[GS_N_CLASS_METRICS] = {
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, ...) #name "_by_class",
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
};

/* The dataset of each per-team metric: "<name>_by_team". */
const char *const gs_io_team_dataset[GS_N_TEAM_METRICS] = {
#define GS_METRIC(name, ...)
#define GS_CLASS_METRIC(name, ...)
#define GS_TEAM_METRIC(name, ...) #name "_by_team",
#include "sim/core/metrics.def"
#undef GS_METRIC
#undef GS_CLASS_METRIC
#undef GS_TEAM_METRIC
};

/* Collects the innermost message of the HDF5 error stack. */
struct h5_detail {
	char *buf;
	size_t n;
};

/* innermost_error - an H5Ewalk2 callback: the description of the innermost error. */
static herr_t innermost_error(unsigned n, const H5E_error2_t *e, void *data)
{
	struct h5_detail *d = data;
	if (n != 0 || !e->desc || !*e->desc)
		return 0;
	/* a failed system call: its own message ("File too large", "No space left on device") */
	const char *sys = strstr(e->desc, "error message = '");
	const char *no = strstr(e->desc, "errno = ");
	if (sys) {
		sys += strlen("error message = '");
		int len = (int)strcspn(sys, "'");
		snprintf(d->buf, d->n, "%.*s%s%.*s", len, sys, no ? ", errno " : "",
			 no ? (int)strspn(no + 8, "0123456789") : 0, no ? no + 8 : "");
	} else {
		snprintf(d->buf, d->n, "%s", e->desc);
	}
	for (char *c = d->buf; *c; c++) /* one line */
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return 0;
}

/* gs_io_fail - "PATH: message (HDF5: innermost error)" into the report's buffer. */
void gs_io_fail(const struct report *rp, const char *fmt, ...)
{
	char detail[256] = "";
	struct h5_detail d = {detail, sizeof(detail)};
	if (H5Eget_num(H5E_DEFAULT) > 0)
		H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, &d);
	H5Eclear2(H5E_DEFAULT);
	if (!rp->err || !rp->errlen)
		return;
	int len = snprintf(rp->err, rp->errlen, "%s: ", rp->path);
	if (len < 0 || (size_t)len >= rp->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rp->err + len, rp->errlen - (size_t)len, fmt, ap);
	va_end(ap);
	len = (int)strlen(rp->err);
	if (detail[0] && (size_t)len < rp->errlen)
		snprintf(rp->err + len, rp->errlen - (size_t)len, " (HDF5: %s)", detail);
}

/*
 * gs_io_quiet - stop HDF5 printing its error stack to stderr (errors go to
 * err), and its clean-up at exit: after a failed write (disk full, a
 * file-size limit) HDF5 1.10 crashes closing the file again at exit.
 */
int gs_io_shape_fits(const struct report *rp, hid_t file, size_t runs, size_t times, size_t bins)
{
	if (runs > GS_MAX_RUNS) {
		snprintf(rp->err, rp->errlen, "%s: not a govsim result file (%zu runs: at most %d)",
			 rp->path, runs, GS_MAX_RUNS);
		return -1;
	}
	hsize_t size = 0;
	if (H5Fget_filesize(file, &size) < 0) {
		gs_io_fail(rp, "cannot tell the file's size");
		return -1;
	}
	double run_bytes = ((double)GS_N_METRICS * (double)times + 2.0 * (double)bins) * 8;
	if (run_bytes / 1032 > (double)size) {
		snprintf(rp->err, rp->errlen,
			 "%s: damaged (a run of %zu time points and %zu histogram bins cannot fit in "
			 "a file of %llu bytes)",
			 rp->path, times, bins, (unsigned long long)size);
		return -1;
	}
	return 0;
}

void gs_io_quiet(void)
{
	static int once;
	if (!once) {
		once = 1;
		H5dont_atexit();
	}
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* gs_io_string_type - a variable-length UTF-8 string type (the caller closes it), or -1. */
hid_t gs_io_string_type(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0)
		return H5I_INVALID_HID;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
		H5Tclose(t);
		return H5I_INVALID_HID;
	}
	return t;
}

/* gs_io_param_copies - the number of values of parameter row i: one per class, or one. */
int gs_io_param_copies(const struct gs_params *p, size_t i)
{
	return strcmp(gs_param_table[i].section, "class") == 0 ? p->n_classes : 1;
}

/* gs_io_param_key - "section.name", or "class.CLASS.name" for class index c. */
void gs_io_param_key(const struct gs_params *p, size_t i, int c, char *key, size_t n)
{
	const struct gs_param_info *in = &gs_param_table[i];
	if (strcmp(in->section, "class") == 0)
		snprintf(key, n, "class.%s.%s", p->class_name[c], in->name);
	else
		snprintf(key, n, "%s.%s", in->section, in->name);
}

int gs_io_lock(const struct report *rp, bool create)
{
	int fd = open(rp->path, create ? O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC : O_RDWR | O_CLOEXEC,
		      0666);
	if (fd < 0) {
		if (create && errno == EEXIST)
			snprintf(rp->err, rp->errlen,
				 "%s exists: an interrupted run left it, or another govsim is "
				 "writing it (complete it with --resume, or start again with --force)",
				 rp->path);
		else
			snprintf(rp->err, rp->errlen, "%s: cannot open: %s", rp->path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			snprintf(rp->err, rp->errlen,
				 "%s is being written by another govsim process; wait for it to "
				 "finish, or write elsewhere with -o",
				 rp->path);
		else
			snprintf(rp->err, rp->errlen, "%s: cannot lock: %s", rp->path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

hid_t gs_io_fapl(void)
{
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl >= 0 && H5Pset_file_locking(fapl, 0, 1) < 0) {
		H5Pclose(fapl);
		return H5I_INVALID_HID;
	}
	return fapl;
}
