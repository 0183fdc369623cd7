/*
 * info.c - `govsim info`: the provenance of a result file and, per arm,
 * the mean over runs and time of a few key metrics.
 *
 * HDF5 (serial) is not thread-safe: call gs_output_info from one thread
 * at a time.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strnlen */
#endif
#include "sim/io/output.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "sim/io/h5util.h"
#include "sim/io/reader.h"

#define ATTR_TEXT_MAX 4096 /* longest attribute value gs_output_info prints [bytes] */

/* The metrics gs_output_info summarises per arm. */

/* print_attr - one attribute as "  name  value" (an H5Aiterate2 callback). */
static herr_t print_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
	FILE *f = data;
	char *text = malloc(ATTR_TEXT_MAX);
	(void)info;
	if (!text)
		return -1;
	if (gs_io_read_attr(loc, name, text, ATTR_TEXT_MAX))
		snprintf(text, ATTR_TEXT_MAX, "(unreadable)");
	fprintf(f, "  %-16s %s\n", name, text);
	free(text);
	return 0;
}

/* print_provenance - every attribute of /provenance, in the order written. */
static int print_provenance(const struct report *rp, hid_t file, FILE *f)
{
	hid_t g = H5Gopen2(file, "provenance", H5P_DEFAULT);
	if (g < 0) {
		gs_io_fail(rp, "not a govsim result file (no provenance group)");
		return -1;
	}
	fprintf(f, "provenance:\n");
	if (H5Aiterate2(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, print_attr, f) < 0) {
		H5Eclear2(H5E_DEFAULT);
		if (H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, print_attr, f) < 0) {
			gs_io_fail(rp, "cannot read the provenance attributes");
			H5Gclose(g);
			return -1;
		}
	}
	H5Gclose(g);
	return 0;
}

/* extent - the number of elements of the 1-D dataset name, or -1. */
static long long extent(const struct report *rp, hid_t file, const char *name)
{
	hsize_t dims[1];
	long long n = -1;
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(rp, "not a govsim result file (no dataset '%s')", name);
		return -1;
	}
	hid_t space = H5Dget_space(ds);
	if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
	    H5Sget_simple_extent_dims(space, dims, NULL) >= 0)
		n = (long long)dims[0];
	else
		gs_io_fail(rp, "dataset '%s' is not one-dimensional", name);
	if (space >= 0)
		H5Sclose(space);
	H5Dclose(ds);
	return n;
}

/* read_doubles - every value of the dataset name, as doubles, into buf. */
static int read_doubles(const struct report *rp, hid_t file, const char *name, double *buf)
{
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(rp, "cannot open '%s'", name);
		return -1;
	}
	int rc = 0;
	if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		gs_io_fail(rp, "cannot read '%s'", name);
		rc = -1;
	}
	H5Dclose(ds);
	return rc;
}

/* free_strings - free the n strings of s, and s. */
static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

/*
 * copy_names - malloc'd copies of n_runs strings into names: from vlen if
 * non-NULL (NULL ones as ""), else from fixed, len bytes each, NUL-padded
 * or not. Returns 0, or -1 out of memory.
 */
static int copy_names(char **names, size_t n_runs, char *const *vlen, const char *fixed,
		      size_t len)
{
	for (size_t r = 0; r < n_runs; r++) {
		const char *s = vlen ? (vlen[r] ? vlen[r] : "") : fixed + r * len;
		size_t k = vlen ? strlen(s) : strnlen(s, len);
		names[r] = malloc(k + 1);
		if (!names[r])
			return -1;
		memcpy(names[r], s, k);
		names[r][k] = 0;
	}
	return 0;
}

/*
 * read_arms - the arm name of every run (malloc'd, [n_runs], free with
 * free_strings), from variable- or fixed-length strings.
 */
static char **read_arms(const struct report *rp, hid_t file, size_t n_runs)
{
	char **names = NULL, **vlen = NULL, *fixed = NULL;
	size_t n = n_runs ? n_runs : 1, len = 0;
	hid_t ds = H5Dopen2(file, "arm", H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(rp, "not a govsim result file (no dataset 'arm')");
		return NULL;
	}
	hid_t type = H5Dget_type(ds);
	if (type < 0) {
		gs_io_fail(rp, "cannot read the type of 'arm'");
		goto close_ds;
	}
	htri_t is_vlen = H5Tis_variable_str(type);
	if (H5Tget_class(type) != H5T_STRING || is_vlen < 0) {
		snprintf(rp->err, rp->errlen, "%s: dataset 'arm' is not of strings", rp->path);
		goto close_type;
	}
	names = calloc(n, sizeof(*names));
	if (is_vlen) {
		vlen = calloc(n, sizeof(*vlen));
	} else {
		len = H5Tget_size(type);
		fixed = calloc(n, len);
	}
	if (!names || (is_vlen ? !vlen : !fixed)) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		goto free_names;
	}
	if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, is_vlen ? (void *)vlen : fixed) < 0) {
		gs_io_fail(rp, "cannot read 'arm'");
		goto free_names;
	}
	if (copy_names(names, n_runs, vlen, fixed, len)) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		goto free_names;
	}
	goto free_buffers;
free_names:
	free_strings(names, n_runs);
	names = NULL;
free_buffers:
	for (size_t r = 0; vlen && r < n_runs; r++)
		H5free_memory(vlen[r]);
	free(vlen);
	free(fixed);
close_type:
	H5Tclose(type);
close_ds:
	H5Dclose(ds);
	return names;
}

/*
 * add_row - add the non-NaN values of row `run` of metric name to *sum and
 * *count. Returns 0, 1 if the file has no such metric, or -1.
 */
/* A file's runs by arm. */
struct summary {
	size_t n_runs, n_time, n_arms;
	double *time;                 /* [n_time] the time points */
	char **names;                 /* [n_runs] the arm of each run */
	size_t *arm_of;               /* [n_runs] the arm index of each run */
	size_t *first, *runs;         /* [n_arms] the first run of each arm, its number of runs */
};

/* summary_alloc - the buffers of s, for s->n_runs runs and s->n_time time points. */
static int summary_alloc(const struct report *rp, struct summary *s)
{
	size_t nr = s->n_runs ? s->n_runs : 1, nt = s->n_time ? s->n_time : 1;
	s->time = malloc(nt * sizeof(*s->time));
	s->arm_of = malloc(nr * sizeof(*s->arm_of));
	s->first = malloc(nr * sizeof(*s->first));
	s->runs = calloc(nr, sizeof(*s->runs));
	if (!s->time || !s->arm_of || !s->first || !s->runs) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		return -1;
	}
	return 0;
}

/* summary_free - free the buffers of s. */
static void summary_free(struct summary *s)
{
	free_strings(s->names, s->n_runs);
	free(s->runs);
	free(s->first);
	free(s->arm_of);
	free(s->time);
}

/* group_arms - number the arms by their first run, and count each one's runs. */
static void group_arms(struct summary *s)
{
	for (size_t r = 0; r < s->n_runs; r++) {
		size_t a;
		for (a = 0; a < s->n_arms; a++)
			if (strcmp(s->names[s->first[a]], s->names[r]) == 0)
				break;
		if (a == s->n_arms)
			s->first[s->n_arms++] = r;
		s->arm_of[r] = a;
		s->runs[a]++;
	}
}

/* print_summary - the file's runs, arms, time points and histogram bins. */
static int print_summary(const struct report *rp, hid_t file, FILE *f)
{
	struct summary s = {0};
	int rc = -1;
	long long n_runs = extent(rp, file, "run");
	long long n_time = n_runs < 0 ? -1 : extent(rp, file, "time");
	long long n_bins = n_time < 0 ? -1 : extent(rp, file, "bin");
	if (n_bins < 0)
		return -1;
	s.n_runs = (size_t)n_runs;
	s.n_time = (size_t)n_time;
	if (summary_alloc(rp, &s) || read_doubles(rp, file, "time", s.time))
		goto free_summary;
	s.names = read_arms(rp, file, s.n_runs);
	if (!s.names)
		goto free_summary;
	group_arms(&s);

	fprintf(f, "runs: %zu, arms: %zu, time points: %zu", s.n_runs, s.n_arms, s.n_time);
	if (s.n_time)
		fprintf(f, " (%g to %g days)", s.time[0], s.time[s.n_time - 1]);
	fprintf(f, ", histogram bins: %lld\n", n_bins);
	rc = 0;
free_summary:
	summary_free(&s);
	return rc;
}

/* gs_output_provenance - the provenance of the file at path and its shape, to f. */
int gs_output_provenance(const char *path, FILE *f, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	int rc = -1;

	gs_io_quiet();
	hid_t file = gs_io_open_result(&rp);
	if (file < 0)
		return -1;
	if (H5Aexists(file, "govsim_version") <= 0 ||
	    H5Lexists(file, "provenance", H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: not a govsim result file (no govsim_version attribute "
			 "or provenance group)", path);
		goto close_file;
	}
	fprintf(f, "%s\n", path);
	if (print_provenance(&rp, file, f) || print_summary(&rp, file, f))
		goto close_file;
	rc = 0;
close_file:
	H5Fclose(file);
	return rc;
}
