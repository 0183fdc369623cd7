/*
 * reader.c - reading a result file: a run's series of a metric or class
 * metric (gs_output_read_series, gs_output_read_class_series), blocks of
 * runs for comparisons (gs_output_reader_*), and the reading that info and
 * resume build on (opening a file with clear messages, attributes as text,
 * text datasets, shapes).
 *
 * HDF5 (serial) is not thread-safe: call these functions from one thread
 * at a time.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include "sim/io/output.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "sim/core/util.h"
#include "sim/io/h5util.h"
#include "sim/io/reader.h"

/* gs_io_open_result - an existing HDF5 file open read-only, or -1 with a clear message. */
hid_t gs_io_open_result(const struct report *rp)
{
	FILE *f = fopen(rp->path, "rb");
	if (!f) {
		snprintf(rp->err, rp->errlen, "%s: cannot open: %s", rp->path, strerror(errno));
		return H5I_INVALID_HID;
	}
	fclose(f);
#if H5_VERSION_GE(1, 12, 0)
	htri_t is_hdf5 = H5Fis_accessible(rp->path, H5P_DEFAULT);
#else
	htri_t is_hdf5 = H5Fis_hdf5(rp->path);
#endif
	if (is_hdf5 <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(rp->err, rp->errlen, "%s: not an HDF5 file", rp->path);
		return H5I_INVALID_HID;
	}
	hid_t fapl = gs_io_fapl();
	hid_t file = fapl < 0 ? H5I_INVALID_HID : H5Fopen(rp->path, H5F_ACC_RDONLY, fapl);
	if (file < 0)
		gs_io_fail(rp, "cannot open");
	if (fapl >= 0)
		H5Pclose(fapl);
	return file;
}

/* attr_text - a scalar attribute's value as text (strings, integers, floats). */
static void attr_text(hid_t a, char *buf, size_t n)
{
	snprintf(buf, n, "(unreadable)");
	hid_t ftype = H5Aget_type(a);
	hid_t space = H5Aget_space(a);
	if (ftype < 0 || space < 0)
		goto close_ids;
	if (H5Sget_simple_extent_npoints(space) != 1) {
		snprintf(buf, n, "(%lld values)", (long long)H5Sget_simple_extent_npoints(space));
		goto close_ids;
	}
	switch (H5Tget_class(ftype)) {
	case H5T_STRING:
		if (H5Tis_variable_str(ftype) > 0) {
			char *s = NULL;
			hid_t mtype = gs_io_string_type();
			if (mtype >= 0 && H5Aread(a, mtype, &s) >= 0) {
				snprintf(buf, n, "%s", s ? s : "");
				H5free_memory(s);
			}
			if (mtype >= 0)
				H5Tclose(mtype);
		} else {
			size_t size = H5Tget_size(ftype);
			char *s = calloc(size + 1, 1);
			if (s && H5Aread(a, ftype, s) >= 0)
				snprintf(buf, n, "%s", s);
			free(s);
		}
		break;
	case H5T_INTEGER:
		if (H5Tget_sign(ftype) == H5T_SGN_NONE) {
			unsigned long long v;
			if (H5Aread(a, H5T_NATIVE_ULLONG, &v) >= 0)
				snprintf(buf, n, "%llu", v);
		} else {
			long long v;
			if (H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0)
				snprintf(buf, n, "%lld", v);
		}
		break;
	case H5T_FLOAT: {
		double v;
		if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0)
			snprintf(buf, n, "%.17g", v);
		break;
	}
	default:
		snprintf(buf, n, "(not text or a number)");
		break;
	}
close_ids:
	if (space >= 0)
		H5Sclose(space);
	if (ftype >= 0)
		H5Tclose(ftype);
}

/* gs_io_read_attr - the attribute name of loc as text; -1 if loc has none of that name. */
int gs_io_read_attr(hid_t loc, const char *name, char *buf, size_t n)
{
	hid_t a = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
	H5Eclear2(H5E_DEFAULT);
	if (a < 0)
		return -1;
	attr_text(a, buf, n);
	H5Aclose(a);
	return 0;
}

int gs_io_read_shard(hid_t file, size_t *shard, size_t *n_shards)
{
	char k[64], n[64];
	*shard = *n_shards = 0;
	hid_t g = H5Lexists(file, "provenance", H5P_DEFAULT) > 0
			  ? H5Gopen2(file, "provenance", H5P_DEFAULT)
			  : H5I_INVALID_HID;
	H5Eclear2(H5E_DEFAULT);
	if (g < 0)
		return 0;
	bool has_k = gs_io_read_attr(g, "shard", k, sizeof(k)) == 0;
	bool has_n = gs_io_read_attr(g, "shards", n, sizeof(n)) == 0;
	H5Gclose(g);
	if (!has_k)
		return 0;
	char *end_k, *end_n;
	errno = 0;
	unsigned long long vk = strtoull(k, &end_k, 10);
	unsigned long long vn = has_n ? strtoull(n, &end_n, 10) : 0;
	if (!has_n || errno || end_k == k || *end_k || end_n == n || *end_n || vn == 0 || vk == 0 ||
	    vk > vn)
		return -1;
	*shard = (size_t)vk;
	*n_shards = (size_t)vn;
	return 0;
}

bool gs_io_same_scenario(const char *a, const char *b)
{
	static const char mark[] = "; ==== ";
	for (;;) {
		while (strncmp(a, mark, sizeof(mark) - 1) == 0)
			a += strcspn(a, "\n") + (a[strcspn(a, "\n")] ? 1 : 0);
		while (strncmp(b, mark, sizeof(mark) - 1) == 0)
			b += strcspn(b, "\n") + (b[strcspn(b, "\n")] ? 1 : 0);
		if (!*a || !*b)
			return !*a && !*b;
		size_t la = strcspn(a, "\n") + (a[strcspn(a, "\n")] ? 1 : 0);
		size_t lb = strcspn(b, "\n") + (b[strcspn(b, "\n")] ? 1 : 0);
		if (la != lb || strncmp(a, b, la) != 0)
			return false;
		a += la;
		b += lb;
	}
}

/* gs_io_exists - is there an object at path, and a group at each step on the way? */
bool gs_io_exists(hid_t file, const char *path)
{
	char *step = gs_strdup(path);
	bool found = step != NULL;
	for (char *s = step; found && *s; s++) {
		if (*s != '/' || s == step)
			continue;
		*s = 0;
		found = H5Lexists(file, step, H5P_DEFAULT) > 0;
		*s = '/';
	}
	found = found && H5Lexists(file, path, H5P_DEFAULT) > 0;
	free(step);
	if (!found)
		H5Eclear2(H5E_DEFAULT);
	return found;
}

/* gs_io_read_text - the text of the scalar string dataset at path (malloc'd), or NULL. */
char *gs_io_read_text(hid_t file, const char *path)
{
	if (!gs_io_exists(file, path))
		return NULL;
	hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
	hid_t mtype = gs_io_string_type();
	char *s = NULL, *copy = NULL;
	bool read = ds >= 0 && mtype >= 0 &&
		    H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0;
	if (read && s) {
		copy = gs_strdup(s);
		hid_t space = H5Dget_space(ds);
		H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, &s);
		H5Sclose(space);
	}
	if (mtype >= 0)
		H5Tclose(mtype);
	if (ds >= 0)
		H5Dclose(ds);
	return copy;
}

/* gs_io_has_shape - is there a dataset name of exactly these dimensions? */
bool gs_io_has_shape(hid_t file, const char *name, int rank, const hsize_t *want)
{
	if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		return false;
	}
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
	hsize_t dims[MAX_RANK];
	bool ok = space >= 0 && H5Sget_simple_extent_ndims(space) == rank &&
		  H5Sget_simple_extent_dims(space, dims, NULL) == rank;
	for (int d = 0; ok && d < rank; d++)
		ok = dims[d] == want[d];
	if (space >= 0)
		H5Sclose(space);
	if (ds >= 0)
		H5Dclose(ds);
	return ok;
}

/* The middle dimension of a 3-D dataset, by its name: team or class. */
static const char *middle_dim(const char *name)
{
	size_t n = strlen(name), k = strlen("_by_team");
	return n >= k && strcmp(name + n - k, "_by_team") == 0 ? "team" : "class";
}

/*
 * check_series - is the dataset name (space, its dataspace) numeric, of
 * rank rank_want, with run `run` and class cls, and no more than n values
 * along its last dimension? Its dimensions go to dims. Returns 0, or -1
 * with a message.
 */
static int check_series(const struct report *rp, hid_t ds, hid_t space, const char *name,
			int rank_want, size_t run, size_t cls, size_t n, hsize_t *dims)
{
	int rc = -1;
	int last = rank_want - 1;
	const char *mid = middle_dim(name);
	char shape[32], per[32];
	snprintf(shape, sizeof(shape), rank_want == 3 ? "(run, %s, time)" : "(run, time)", mid);
	snprintf(per, sizeof(per), rank_want == 3 ? "run and %s" : "run", mid);
	hid_t type = H5Dget_type(ds);
	if (type < 0) {
		gs_io_fail(rp, "cannot read the type of '%s'", name);
		return -1;
	}
	H5T_class_t type_class = H5Tget_class(type);
	int rank = H5Sget_simple_extent_ndims(space);
	if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) {
		snprintf(rp->err, rp->errlen, "%s: dataset '%s' is not numeric", rp->path, name);
		goto close_type;
	}
	if (rank != rank_want || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
		snprintf(rp->err, rp->errlen, "%s: dataset '%s' has %d dimensions, not %d %s",
			 rp->path, name, rank, rank_want, shape);
		goto close_type;
	}
	if (run >= dims[0]) {
		snprintf(rp->err, rp->errlen, "%s: dataset '%s': run %zu out of range (%llu runs)",
			 rp->path, name, run, (unsigned long long)dims[0]);
		goto close_type;
	}
	if (rank == 3 && cls >= dims[1]) {
		snprintf(rp->err, rp->errlen,
			 "%s: dataset '%s': %s %zu out of range (%llu of them)", rp->path, name,
			 mid, cls, (unsigned long long)dims[1]);
		goto close_type;
	}
	if (dims[last] > n) {
		snprintf(rp->err, rp->errlen,
			 "%s: dataset '%s' has %llu values per %s, more than %zu", rp->path, name,
			 (unsigned long long)dims[last], per, n);
		goto close_type;
	}
	rc = 0;
close_type:
	H5Tclose(type);
	return rc;
}

/*
 * read_slab - the dims[rank - 1] values of run `run` (and class cls, if
 * rank is 3) of the dataset name (space, its dataspace) into buf. Returns
 * 0, or -1 with a message.
 */
static int read_slab(const struct report *rp, hid_t ds, hid_t space, const char *name, int rank,
		     size_t run, size_t cls, const hsize_t *dims, double *buf)
{
	int rc = -1;
	int last = rank - 1;
	hsize_t start[MAX_RANK] = {run, cls, 0}, count[MAX_RANK] = {1, 1, 1};
	start[last] = 0;
	count[last] = dims[last];
	hid_t mem = H5Screate_simple(1, &dims[last], NULL);
	if (mem < 0) {
		gs_io_fail(rp, "cannot read '%s'", name);
		return -1;
	}
	if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
	    H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf) < 0) {
		if (rank == 3)
			gs_io_fail(rp, "cannot read run %zu, %s %zu of '%s'", run, middle_dim(name), cls,
				   name);
		else
			gs_io_fail(rp, "cannot read run %zu of '%s'", run, name);
		goto close_mem;
	}
	rc = 0;
close_mem:
	H5Sclose(mem);
	return rc;
}

/*
 * read_values - the values of run `run` (and class cls, if rank is 3) of
 * the dataset name of rank 2 (run, time or bin) or 3 (run, class, time)
 * into buf of n values. Returns their number, or -1 with a message.
 */
static long read_values(const char *path, const char *name, int rank_want, size_t run,
			size_t cls, double *buf, size_t n, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	long rc = -1;
	hsize_t dims[MAX_RANK];

	gs_io_quiet();
	hid_t file = gs_io_open_result(&rp);
	if (file < 0)
		return -1;
	if (!*name || H5Lexists(file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: no dataset '%s'", path, name);
		goto close_file;
	}
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(&rp, "'%s' is not a dataset", name);
		goto close_file;
	}
	hid_t space = H5Dget_space(ds);
	if (space < 0) {
		gs_io_fail(&rp, "cannot read the shape of '%s'", name);
		goto close_ds;
	}
	if (!check_series(&rp, ds, space, name, rank_want, run, cls, n, dims) &&
	    !read_slab(&rp, ds, space, name, rank_want, run, cls, dims, buf))
		rc = (long)dims[rank_want - 1];
	H5Sclose(space);
close_ds:
	H5Dclose(ds);
close_file:
	H5Fclose(file);
	return rc;
}

/* gs_output_read_series - row `run` of a (run, time) or (run, bin) dataset. */
long gs_output_read_series(const char *path, const char *name, size_t run, double *buf,
			   size_t n, char *err, size_t errlen)
{
	return read_values(path, name, 2, run, 0, buf, n, err, errlen);
}

/* gs_output_read_class_series - run `run`, class cls of a (run, class, time) dataset. */
long gs_output_read_class_series(const char *path, const char *name, size_t run, size_t cls,
				 double *buf, size_t n, char *err, size_t errlen)
{
	return read_values(path, name, 3, run, cls, buf, n, err, errlen);
}

/* gs_output_read_team_series - run `run`, team k of a (run, team, time) dataset. */
long gs_output_read_team_series(const char *path, const char *name, size_t run, size_t team,
				double *buf, size_t n, char *err, size_t errlen)
{
	return read_values(path, name, 3, run, team, buf, n, err, errlen);
}

/* gs_output_library_version - "HDF5 x.y.z" of the library linked. */
const char *gs_output_library_version(void)
{
	static char text[48];
	unsigned maj, min, rel;
	if (H5get_libversion(&maj, &min, &rel) < 0)
		return "HDF5 unknown";
	snprintf(text, sizeof(text), "HDF5 %u.%u.%u", maj, min, rel);
	return text;
}

/* A result file open for reading whole blocks of runs. */
struct gs_output_reader {
	char *path;
	hid_t file;
	size_t n_runs, n_time;
};

/* The length of a 1-D dataset, or -1 with a message. */
static long dataset_length(const struct report *rp, hid_t file, const char *name)
{
	if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(rp->err, rp->errlen, "%s: no dataset '%s' (not a govsim result file?)",
			 rp->path, name);
		return -1;
	}
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
	hsize_t dims[MAX_RANK];
	long n = -1;
	if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
	    H5Sget_simple_extent_dims(space, dims, NULL) == 1)
		n = (long)dims[0];
	else
		gs_io_fail(rp, "'%s' is not a 1-D dataset", name);
	if (space >= 0)
		H5Sclose(space);
	if (ds >= 0)
		H5Dclose(ds);
	return n;
}

/* gs_output_reader_open - path open for reading blocks of runs, its shape read. */
int gs_output_reader_open(const char *path, struct gs_output_reader **out, char *err,
			  size_t errlen)
{
	struct report rp = {path, err, errlen};
	gs_io_quiet();
	struct gs_output_reader *rd = calloc(1, sizeof(*rd));
	if (!rd) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rd->path = gs_strdup(path);
	rd->file = gs_io_open_result(&rp);
	if (!rd->path || rd->file < 0)
		goto fail;
	/* a govsim file by its marks, before any of its data are read */
	if (H5Aexists(rd->file, "govsim_version") <= 0 ||
	    H5Lexists(rd->file, "provenance", H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: not a govsim result file (no govsim_version attribute "
			 "or provenance group)", path);
		goto fail;
	}
	long runs = dataset_length(&rp, rd->file, "run");
	long times = dataset_length(&rp, rd->file, "time");
	if (runs < 0 || times < 0)
		goto fail;
	if (gs_io_shape_fits(&rp, rd->file, (size_t)runs, (size_t)times, 0))
		goto fail;
	rd->n_runs = (size_t)runs;
	rd->n_time = (size_t)times;
	*out = rd;
	return 0;
fail:
	gs_output_reader_close(rd);
	return -1;
}

/* gs_output_reader_close - close the file and free rd (NULL is ignored). */
void gs_output_reader_close(struct gs_output_reader *rd)
{
	if (!rd)
		return;
	gs_io_quiet();
	if (rd->file >= 0)
		H5Fclose(rd->file);
	free(rd->path);
	free(rd);
}

/* gs_output_reader_has - does the file hold a dataset (or group) of that name? */
bool gs_output_reader_has(struct gs_output_reader *rd, const char *name)
{
	gs_io_quiet();
	htri_t ok = H5Lexists(rd->file, name, H5P_DEFAULT);
	if (ok <= 0)
		H5Eclear2(H5E_DEFAULT);
	return ok > 0;
}

/* What gs_output_reader_names collects while it walks the root group. */
struct name_walk {
	const char *prefix;
	char **names;
	size_t n, max;
};

static herr_t take_name(hid_t group, const char *name, const H5L_info_t *info, void *ctx)
{
	struct name_walk *w = ctx;
	(void)group;
	(void)info;
	if (w->n < w->max && strncmp(name, w->prefix, strlen(w->prefix)) == 0) {
		char *copy = malloc(strlen(name) + 1);
		if (!copy)
			return -1;
		strcpy(copy, name);
		w->names[w->n++] = copy;
	}
	return 0;
}

size_t gs_output_reader_names(struct gs_output_reader *rd, const char *prefix, char **names,
			      size_t max)
{
	struct name_walk w = {prefix, names, 0, max};
	gs_io_quiet();
	if (H5Literate(rd->file, H5_INDEX_NAME, H5_ITER_INC, NULL, take_name, &w) < 0)
		H5Eclear2(H5E_DEFAULT);
	return w.n;
}

/* gs_output_reader_runs - the number of runs of the file. */
size_t gs_output_reader_runs(const struct gs_output_reader *rd)
{
	return rd->n_runs;
}

/* gs_output_reader_times - the number of time points of the file. */
size_t gs_output_reader_times(const struct gs_output_reader *rd)
{
	return rd->n_time;
}

/* Is the 1-D dataset name of n values? Else -1 with a message. */
static int check_length(const struct gs_output_reader *rd, const struct report *rp,
			const char *name, size_t n)
{
	gs_io_quiet();
	long len = dataset_length(rp, rd->file, name);
	if (len < 0)
		return -1;
	if ((size_t)len != n) {
		snprintf(rp->err, rp->errlen, "%s: '%s' has %ld values, not %zu", rd->path, name, len,
			 n);
		return -1;
	}
	return 0;
}

/* gs_output_reader_vector - the n values of the 1-D numeric dataset name. */
int gs_output_reader_vector(struct gs_output_reader *rd, const char *name, double *buf,
			    size_t n, char *err, size_t errlen)
{
	struct report rp = {rd->path, err, errlen};
	if (check_length(rd, &rp, name, n))
		return -1;
	hid_t ds = H5Dopen2(rd->file, name, H5P_DEFAULT);
	int rc = ds >= 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0
			 ? 0
			 : -1;
	if (rc)
		gs_io_fail(&rp, "cannot read '%s'", name);
	if (ds >= 0)
		H5Dclose(ds);
	return rc;
}

/* gs_output_reader_strings - the n strings of the 1-D string dataset name, each malloc'd. */
int gs_output_reader_strings(struct gs_output_reader *rd, const char *name, char **out,
			     size_t n, char *err, size_t errlen)
{
	struct report rp = {rd->path, err, errlen};
	if (check_length(rd, &rp, name, n))
		return -1;
	hid_t ds = H5Dopen2(rd->file, name, H5P_DEFAULT);
	hid_t mtype = gs_io_string_type();
	char **tmp = calloc(n ? n : 1, sizeof(*tmp));
	int rc = -1;
	if (ds >= 0 && mtype >= 0 && tmp &&
	    H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) >= 0) {
		rc = 0;
		for (size_t i = 0; i < n; i++) {
			out[i] = gs_strdup(tmp[i] ? tmp[i] : "");
			if (!out[i])
				rc = -1;
		}
		hid_t space = H5Dget_space(ds);
		H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, tmp);
		H5Sclose(space);
	} else {
		gs_io_fail(&rp, "cannot read the strings of '%s'", name);
	}
	free(tmp);
	if (mtype >= 0)
		H5Tclose(mtype);
	if (ds >= 0)
		H5Dclose(ds);
	return rc;
}

/* gs_output_reader_block - runs r0..r0+nr-1 of the (run, time) dataset name. */
int gs_output_reader_block(struct gs_output_reader *rd, const char *name, size_t r0, size_t nr,
			   double *buf, char *err, size_t errlen)
{
	struct report rp = {rd->path, err, errlen};
	gs_io_quiet();
	if (H5Lexists(rd->file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: no dataset '%s'", rd->path, name);
		return -1;
	}
	hid_t ds = H5Dopen2(rd->file, name, H5P_DEFAULT);
	hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
	hsize_t dims[MAX_RANK];
	int rc = -1;
	if (space < 0 || H5Sget_simple_extent_ndims(space) != 2 ||
	    H5Sget_simple_extent_dims(space, dims, NULL) != 2 || dims[0] != rd->n_runs ||
	    dims[1] != rd->n_time || r0 + nr > rd->n_runs) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: '%s' is not a (run, time) dataset of this file's shape",
			 rd->path, name);
		goto out;
	}
	hsize_t start[2] = {r0, 0}, count[2] = {nr, rd->n_time};
	hid_t mem = H5Screate_simple(2, count, NULL);
	if (mem >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
	    H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf) >= 0)
		rc = 0;
	else
		gs_io_fail(&rp, "cannot read runs %zu..%zu of '%s'", r0, r0 + nr, name);
	if (mem >= 0)
		H5Sclose(mem);
out:
	if (space >= 0)
		H5Sclose(space);
	if (ds >= 0)
		H5Dclose(ds);
	return rc;
}
