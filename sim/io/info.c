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

/* print_shape - the file's runs, time points and histogram bins. */
static int print_shape(const struct report *rp, hid_t file, FILE *f)
{
	long long n_runs = extent(rp, file, "run");
	long long n_time = n_runs < 0 ? -1 : extent(rp, file, "time");
	long long n_bins = n_time < 0 ? -1 : extent(rp, file, "bin");
	if (n_bins < 0 || gs_io_shape_fits(rp, file, (size_t)n_runs, (size_t)n_time, (size_t)n_bins))
		return -1;
	double *time = malloc((n_time ? (size_t)n_time : 1) * sizeof(*time));
	if (!time) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		return -1;
	}
	int rc = read_doubles(rp, file, "time", time);
	if (!rc) {
		fprintf(f, "runs: %lld, time points: %lld", n_runs, n_time);
		if (n_time)
			fprintf(f, " (%g to %g days)", time[0], time[n_time - 1]);
		fprintf(f, ", histogram bins: %lld\n", n_bins);
		/* a shard holds some of the runs: the summary below is of those only */
		size_t k, n;
		if (gs_io_read_shard(file, &k, &n) == 0 && n)
			fprintf(f, "shard %zu of %zu: only its %zu runs (%zu, %zu+%zu, ...) are in this "
				"file; govsim merge joins the %zu shards\n", k, n,
				gs_shard_runs((size_t)n_runs, k, n), k - 1, k - 1, n, n);
	}
	free(time);
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
	if (print_provenance(&rp, file, f) || print_shape(&rp, file, f))
		goto close_file;
	rc = 0;
close_file:
	H5Fclose(file);
	return rc;
}
