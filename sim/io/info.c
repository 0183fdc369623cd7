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
static const char *const info_metrics[] = {
	"needs_met", "failure_demand_share", "within_target_recorded", "within_target_true",
	"wellbeing_mean",
};
#define N_INFO_METRICS (sizeof(info_metrics) / sizeof(info_metrics[0]))

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
	for (size_t r = 0; r < n_runs; r++) {
		const char *s = is_vlen ? (vlen[r] ? vlen[r] : "") : fixed + r * len;
		size_t k = is_vlen ? strlen(s) : strnlen(s, len);
		names[r] = malloc(k + 1);
		if (!names[r]) {
			snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
			goto free_names;
		}
		memcpy(names[r], s, k);
		names[r][k] = 0;
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
static int add_row(const struct report *rp, hid_t file, const char *name, size_t run,
		   double *row, size_t n_time, double *sum, double *count)
{
	int rc = -1;
	if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		return 1;
	}
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(rp, "cannot open '%s'", name);
		return -1;
	}
	hid_t space = H5Dget_space(ds);
	if (space < 0) {
		gs_io_fail(rp, "cannot read the shape of '%s'", name);
		goto close_ds;
	}
	hsize_t dims[2], start[2] = {run, 0}, count2[2] = {1, n_time};
	if (H5Sget_simple_extent_ndims(space) != 2 ||
	    H5Sget_simple_extent_dims(space, dims, NULL) < 0 || dims[0] <= run ||
	    dims[1] != n_time) {
		snprintf(rp->err, rp->errlen, "%s: dataset '%s' is not of shape (run, time)",
			 rp->path, name);
		goto close_space;
	}
	hid_t mem = H5Screate_simple(1, &count2[1], NULL);
	if (mem < 0) {
		gs_io_fail(rp, "cannot read '%s'", name);
		goto close_space;
	}
	if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count2, NULL) < 0 ||
	    H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, row) < 0) {
		gs_io_fail(rp, "cannot read run %zu of '%s'", run, name);
		goto close_mem;
	}
	for (size_t t = 0; t < n_time; t++) {
		if (!isnan(row[t])) {
			*sum += row[t];
			*count += 1;
		}
	}
	rc = 0;
close_mem:
	H5Sclose(mem);
close_space:
	H5Sclose(space);
close_ds:
	H5Dclose(ds);
	return rc;
}

/*
 * print_summary - runs, arms, time points, and per arm the mean over its
 * runs and all time points of each of info_metrics, NaN ignored.
 */
static int print_summary(const struct report *rp, hid_t file, FILE *f)
{
	int rc = -1;
	long long n_runs = extent(rp, file, "run");
	long long n_time = n_runs < 0 ? -1 : extent(rp, file, "time");
	long long n_bins = n_time < 0 ? -1 : extent(rp, file, "bin");
	if (n_bins < 0)
		return -1;
	size_t nr = (size_t)n_runs, nt = (size_t)n_time, n_arms = 0;
	double *time = malloc((nt ? nt : 1) * sizeof(*time));
	double *row = malloc((nt ? nt : 1) * sizeof(*row));
	size_t *arm_of = malloc((nr ? nr : 1) * sizeof(*arm_of));
	size_t *first = malloc((nr ? nr : 1) * sizeof(*first)); /* first run of each arm */
	size_t *runs = calloc(nr ? nr : 1, sizeof(*runs));
	double *sum = calloc((nr ? nr : 1) * N_INFO_METRICS, sizeof(*sum));
	double *count = calloc((nr ? nr : 1) * N_INFO_METRICS, sizeof(*count));
	bool missing[N_INFO_METRICS] = {false};
	char **names = NULL;
	if (!time || !row || !arm_of || !first || !runs || !sum || !count) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		goto free_bufs;
	}
	if (read_doubles(rp, file, "time", time))
		goto free_bufs;
	names = read_arms(rp, file, nr);
	if (!names)
		goto free_bufs;
	for (size_t r = 0; r < nr; r++) {
		size_t a;
		for (a = 0; a < n_arms; a++)
			if (strcmp(names[first[a]], names[r]) == 0)
				break;
		if (a == n_arms)
			first[n_arms++] = r;
		arm_of[r] = a;
		runs[a]++;
	}
	for (size_t k = 0; k < N_INFO_METRICS; k++) {
		for (size_t r = 0; r < nr; r++) {
			size_t i = arm_of[r] * N_INFO_METRICS + k;
			int got = add_row(rp, file, info_metrics[k], r, row, nt, &sum[i], &count[i]);
			if (got < 0)
				goto free_bufs;
			if (got == 1) {
				missing[k] = true;
				break;
			}
		}
	}

	fprintf(f, "runs: %zu, arms: %zu, time points: %zu", nr, n_arms, nt);
	if (nt)
		fprintf(f, " (%g to %g days)", time[0], time[nt - 1]);
	fprintf(f, ", histogram bins: %lld\n", n_bins);
	int width = 3;
	for (size_t a = 0; a < n_arms; a++) {
		int w = (int)strlen(names[first[a]]);
		if (w > width)
			width = w;
	}
	fprintf(f, "mean over runs and time (NaN ignored):\n%-*s %5s", width, "arm", "runs");
	for (size_t k = 0; k < N_INFO_METRICS; k++)
		fprintf(f, "  %s", info_metrics[k]);
	fprintf(f, "\n");
	for (size_t a = 0; a < n_arms; a++) {
		fprintf(f, "%-*s %5zu", width, names[first[a]], runs[a]);
		for (size_t k = 0; k < N_INFO_METRICS; k++) {
			size_t i = a * N_INFO_METRICS + k;
			int cw = (int)strlen(info_metrics[k]);
			if (missing[k])
				fprintf(f, "  %*s", cw, "-");
			else if (count[i] == 0)
				fprintf(f, "  %*s", cw, "nan");
			else
				fprintf(f, "  %*.6g", cw, sum[i] / count[i]);
		}
		fprintf(f, "\n");
	}
	rc = 0;
free_bufs:
	free_strings(names, nr);
	free(count);
	free(sum);
	free(runs);
	free(first);
	free(arm_of);
	free(row);
	free(time);
	return rc;
}

/* gs_output_info - the provenance of the file at path and a summary per arm, to f. */
int gs_output_info(const char *path, FILE *f, char *err, size_t errlen)
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
