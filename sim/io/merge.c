/*
 * merge.c - joining the shard files of `govsim run --shard K/N` into the
 * file one `govsim run` of the whole plan writes (govsim merge).
 *
 * Every input is checked before anything is written: an HDF5 file, a
 * govsim result file, a shard; the same scenario text, seed, govsim
 * version and revision, parameters, shape and number of shards as the
 * first; each shard once, none missing, every run of each shard done.
 * Then the file of shard 1 is copied byte for byte to the partial output
 * (its layout, coordinates and provenance are the plan's, as every shard's
 * are), and the runs of the other shards are copied into it one run at a
 * time, each read back to its digest first; the runs of shard 1 are read
 * back in the copy. Memory holds one run, whatever the number of runs or
 * shards; one input is open at a time while runs are copied.
 *
 * HDF5 (serial) is not thread-safe: call gs_output_merge from one thread.
 */
#include "sim/io/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "sim/core/stop.h"
#include "sim/core/util.h"
#include "sim/io/h5util.h"
#include "sim/io/reader.h"
#include "sim/io/writer.h"

#define COPY_BLOCK (1 << 20) /* bytes copied at a time [bytes] */

/*
 * merge_fapl - file access for the files a merge streams through: without
 * HDF5's file locking (gs_io_fapl) and without a chunk cache, since every
 * chunk (one run of one dataset) is read once and written once. With the
 * cache of 1 MiB per open dataset, memory would grow with the runs up to
 * a megabyte for each of the file's hundred or so datasets.
 */
static hid_t merge_fapl(void)
{
	hid_t fapl = gs_io_fapl();
	if (fapl >= 0 && H5Pset_cache(fapl, 0, 521, 0, 1.0) < 0) {
		H5Pclose(fapl);
		return H5I_INVALID_HID;
	}
	return fapl;
}

/* What the first input says, that every other must say too. */
struct reference {
	const char *path;
	hid_t file;
	char version[128], revision[128], seed[64];
	char *scenario;
	long dims[5]; /* run, time, class, bin, team (-1: none) */
	size_t n_shards;
};

static const char *const dim_names[5] = {"run", "time", "class", "bin", "team"};

/* dim_len - the length of the 1-D dataset name of file, or -1 if there is none. */
static long dim_len(hid_t file, const char *name)
{
	hsize_t n = 0;
	long len = -1;
	if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
		H5Eclear2(H5E_DEFAULT);
		return -1;
	}
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
	if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
	    H5Sget_simple_extent_dims(space, &n, NULL) == 1)
		len = (long)n;
	if (space >= 0)
		H5Sclose(space);
	if (ds >= 0)
		H5Dclose(ds);
	H5Eclear2(H5E_DEFAULT);
	return len;
}

/*
 * same_group_attrs - do groups a and b hold the same attributes with the
 * same values (as text)? Names the first that differs in what.
 */
static bool same_group_attrs(hid_t a, hid_t b, const char *arm, char *what, size_t n)
{
	H5O_info_t ia, ib;
#if H5_VERSION_GE(1, 12, 0)
	if (H5Oget_info3(a, &ia, H5O_INFO_NUM_ATTRS) < 0 ||
	    H5Oget_info3(b, &ib, H5O_INFO_NUM_ATTRS) < 0)
		return false;
#else
	if (H5Oget_info2(a, &ia, H5O_INFO_NUM_ATTRS) < 0 ||
	    H5Oget_info2(b, &ib, H5O_INFO_NUM_ATTRS) < 0)
		return false;
#endif
	if (ia.num_attrs != ib.num_attrs) {
		snprintf(what, n, "the parameters of arm %s", arm);
		return false;
	}
	char name[128], va[128], vb[128];
	for (hsize_t i = 0; i < ia.num_attrs; i++) {
		if (H5Aget_name_by_idx(a, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name),
				       H5P_DEFAULT) < 0)
			return false;
		bool in_b = gs_io_read_attr(b, name, vb, sizeof(vb)) == 0;
		if (gs_io_read_attr(a, name, va, sizeof(va)) || !in_b || strcmp(va, vb) != 0) {
			snprintf(what, n, "%s of arm %s (%s here, %s there)", name, arm,
				 in_b ? vb : "nothing", va);
			return false;
		}
	}
	return true;
}

/* same_parameters - does file store ref's parameters, arm by arm? Names the first that differs. */
static bool same_parameters(hid_t ref, hid_t file, char *what, size_t n)
{
	bool same = false;
	hid_t ga = H5Gopen2(ref, "provenance/parameters", H5P_DEFAULT);
	hid_t gb = H5Lexists(file, "provenance/parameters", H5P_DEFAULT) > 0
			   ? H5Gopen2(file, "provenance/parameters", H5P_DEFAULT)
			   : H5I_INVALID_HID;
	H5G_info_t ia, ib;
	snprintf(what, n, "the arms");
	if (ga < 0 || gb < 0 || H5Gget_info(ga, &ia) < 0 || H5Gget_info(gb, &ib) < 0 ||
	    ia.nlinks != ib.nlinks)
		goto close;
	char arm[256];
	for (hsize_t i = 0; i < ia.nlinks; i++) {
		if (H5Lget_name_by_idx(ga, ".", H5_INDEX_NAME, H5_ITER_INC, i, arm, sizeof(arm),
				       H5P_DEFAULT) < 0)
			goto close;
		snprintf(what, n, "arm %s", arm);
		if (H5Lexists(gb, arm, H5P_DEFAULT) <= 0)
			goto close;
		hid_t a = H5Gopen2(ga, arm, H5P_DEFAULT), b = H5Gopen2(gb, arm, H5P_DEFAULT);
		bool ok = a >= 0 && b >= 0 && same_group_attrs(a, b, arm, what, n);
		if (a >= 0)
			H5Gclose(a);
		if (b >= 0)
			H5Gclose(b);
		if (!ok)
			goto close;
	}
	same = true;
close:
	if (ga >= 0)
		H5Gclose(ga);
	if (gb >= 0)
		H5Gclose(gb);
	H5Eclear2(H5E_DEFAULT);
	return same;
}

/* read_identity - the version, revision and seed of file (root attributes); -1 if any is missing. */
static int read_identity(hid_t file, char *version, char *revision, char *seed)
{
	return gs_io_read_attr(file, "govsim_version", version, 128) ||
			       gs_io_read_attr(file, "git_revision", revision, 128) ||
			       gs_io_read_attr(file, "seed", seed, 64)
		       ? -1
		       : 0;
}

/*
 * check_same - is the file at rp->path (open as file, shard k of n) of
 * ref's plan? Returns 0, or -1 with a message naming it and what differs.
 */
static int check_same(const struct report *rp, hid_t file, const struct reference *ref,
		      size_t k, size_t n)
{
	char version[128], revision[128], seed[64], what[1024];
	if (read_identity(file, version, revision, seed)) {
		snprintf(rp->err, rp->errlen, "%s: not a govsim result file (no govsim_version, "
			 "git_revision or seed attribute)", rp->path);
		return -1;
	}
	if (strcmp(version, ref->version) != 0 || strcmp(revision, ref->revision) != 0) {
		snprintf(rp->err, rp->errlen, "%s: written by govsim %s (revision %s), but %s by "
			 "govsim %s (revision %s): run every shard with one build", rp->path, version,
			 revision, ref->path, ref->version, ref->revision);
		return -1;
	}
	if (n != ref->n_shards) {
		snprintf(rp->err, rp->errlen, "%s: shard %zu/%zu, but %s is a shard of %zu", rp->path,
			 k, n, ref->path, ref->n_shards);
		return -1;
	}
	char *text = gs_io_read_text(file, "provenance/scenario");
	bool same_text = text && gs_io_same_scenario(text, ref->scenario);
	free(text);
	if (!same_text) {
		snprintf(rp->err, rp->errlen, "%s: written for another scenario than %s (the "
			 "scenario texts differ)", rp->path, ref->path);
		return -1;
	}
	if (strcmp(seed, ref->seed) != 0) {
		snprintf(rp->err, rp->errlen, "%s: seed %s, but %s has seed %s", rp->path, seed,
			 ref->path, ref->seed);
		return -1;
	}
	for (int d = 0; d < 5; d++) {
		if (dim_len(file, dim_names[d]) != ref->dims[d]) {
			snprintf(rp->err, rp->errlen, "%s: another shape than %s (its %s axis differs)",
				 rp->path, ref->path, dim_names[d]);
			return -1;
		}
	}
	if (!same_parameters(ref->file, file, what, sizeof(what))) {
		snprintf(rp->err, rp->errlen, "%s: other parameters than %s: %s", rp->path, ref->path,
			 what);
		return -1;
	}
	return 0;
}

/*
 * check_complete - is every run of shard k of n in the file at rp->path
 * (open as out) done? done: scratch of n_runs flags.
 */
static int check_complete(const struct report *rp, struct gs_output *out, size_t k, size_t n,
			  unsigned char *done)
{
	size_t runs = gs_io_writer_runs(out), mine = gs_shard_runs(runs, k, n), have = 0;
	if (gs_io_writer_read_done(rp, out, done))
		return -1;
	for (size_t r = k - 1; r < runs; r += n)
		have += done[r] != 0;
	if (have < mine) {
		snprintf(rp->err, rp->errlen, "%s: shard %zu/%zu is incomplete: %zu of its %zu runs "
			 "done (complete it with govsim run SCENARIO --shard %zu/%zu -o FILE --resume)",
			 rp->path, k, n, have, mine, k, n);
		return -1;
	}
	return 0;
}

/*
 * inspect - check input i against the reference (input 0, which it reads
 * when i is 0) and record its shard in which[k - 1]. Returns 0, or -1 with
 * a message naming the file and what is wrong.
 */
static int inspect(const char *const *paths, size_t i, struct reference *ref, size_t **which,
		   unsigned char **done, char *err, size_t errlen)
{
	struct report rp = {paths[i], err, errlen};
	size_t k, n;
	hid_t file = gs_io_open_result(&rp);
	if (file < 0)
		return -1;
	char version[128], revision[128], seed[64];
	if (H5Aexists(file, "govsim_version") <= 0 || read_identity(file, version, revision, seed)) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(err, errlen, "%s: not a govsim result file (no govsim_version attribute)",
			 paths[i]);
		goto close_file;
	}
	if (gs_io_read_shard(file, &k, &n) || n == 0) {
		snprintf(err, errlen, "%s: not a shard (written without govsim run --shard K/N, or "
			 "already merged)", paths[i]);
		goto close_file;
	}
	if (i == 0) {
		ref->path = paths[0];
		snprintf(ref->version, sizeof(ref->version), "%s", version);
		snprintf(ref->revision, sizeof(ref->revision), "%s", revision);
		snprintf(ref->seed, sizeof(ref->seed), "%s", seed);
		ref->scenario = gs_io_read_text(file, "provenance/scenario");
		ref->n_shards = n;
		for (int d = 0; d < 5; d++)
			ref->dims[d] = dim_len(file, dim_names[d]);
		if (!ref->scenario || H5Lexists(file, "provenance/parameters", H5P_DEFAULT) <= 0) {
			H5Eclear2(H5E_DEFAULT);
			snprintf(err, errlen, "%s: not a govsim result file (no scenario text or "
				 "parameters in /provenance)", paths[i]);
			goto close_file;
		}
		if (ref->dims[0] < 1 || (size_t)ref->dims[0] < n) {
			snprintf(err, errlen, "%s: shard %zu/%zu of a file of %ld runs", paths[i], k, n,
				 ref->dims[0]);
			goto close_file;
		}
		*done = malloc((size_t)ref->dims[0]);
		*which = malloc(n * sizeof(**which));
		if (!*done || !*which) {
			snprintf(err, errlen, "%s: out of memory", paths[i]);
			goto close_file;
		}
		for (size_t s = 0; s < n; s++)
			(*which)[s] = (size_t)-1;
	} else if (check_same(&rp, file, ref, k, n)) {
		goto close_file;
	}
	if ((*which)[k - 1] != (size_t)-1) {
		const char *first = paths[(*which)[k - 1]];
		if (strcmp(first, paths[i]) == 0)
			snprintf(err, errlen, "%s: given twice", paths[i]);
		else
			snprintf(err, errlen, "%s: shard %zu/%zu again (%s is shard %zu/%zu too)",
				 paths[i], k, n, first, k, n);
		goto close_file;
	}
	(*which)[k - 1] = i;
	if (i == 0) {
		ref->file = file; /* kept open: the others are compared with it */
		file = gs_io_open_result(&rp);
		if (file < 0)
			return -1;
	}
	/* the file goes to the writer, which checks its datasets and reads its runs */
	struct gs_output *o = gs_io_writer_open(&rp, file);
	if (!o)
		return -1;
	int rc = check_complete(&rp, o, k, n, *done);
	gs_output_abort(o);
	return rc;
close_file:
	H5Fclose(file);
	return -1;
}

/*
 * copy_file - the bytes of the file at path to the descriptor fd (a new,
 * empty file). Returns 0, or -1 with a message.
 */
static int copy_file(const char *path, int fd, const char *to, char *err, size_t errlen)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = malloc(COPY_BLOCK);
	int rc = -1;
	if (in < 0 || !buf) {
		snprintf(err, errlen, "%s: cannot open: %s", path, in < 0 ? strerror(errno) :
			 "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t got = read(in, buf, COPY_BLOCK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t put = write(fd, buf + off, (size_t)(got - off));
			if (put < 0 && errno == EINTR)
				continue;
			if (put < 0) {
				snprintf(err, errlen, "%s: cannot write to disk: %s", to,
					 strerror(errno));
				goto out;
			}
			off += put;
		}
	}
	rc = 0;
out:
	free(buf);
	if (in >= 0)
		close(in);
	return rc;
}

/*
 * mark_merged - the provenance of the merged file: no longer a shard, but
 * merged from n_shards by command_line. Returns 0, or -1 with a message.
 */
static int mark_merged(const struct report *rp, hid_t file, size_t n_shards,
		       const char *command_line)
{
	int rc = -1;
	hid_t g = H5Gopen2(file, "provenance", H5P_DEFAULT);
	hid_t scalar = H5Screate(H5S_SCALAR), str = gs_io_string_type();
	if (g < 0 || scalar < 0 || str < 0 || H5Adelete(g, "shard") < 0 ||
	    H5Adelete(g, "shards") < 0) {
		gs_io_fail(rp, "cannot rewrite its provenance");
		goto close;
	}
	uint64_t n = n_shards;
	const char *cmd = command_line ? command_line : "";
	hid_t a = H5Acreate2(g, "merged_shards", H5T_STD_U64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
	hid_t c = a < 0 ? H5I_INVALID_HID
			: H5Acreate2(g, "merge_command_line", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0 || c < 0 || H5Awrite(a, H5T_NATIVE_UINT64, &n) < 0 || H5Awrite(c, str, &cmd) < 0)
		gs_io_fail(rp, "cannot rewrite its provenance");
	else
		rc = 0;
	if (a >= 0)
		H5Aclose(a);
	if (c >= 0)
		H5Aclose(c);
close:
	if (str >= 0)
		H5Tclose(str);
	if (scalar >= 0)
		H5Sclose(scalar);
	if (g >= 0)
		H5Gclose(g);
	return rc;
}

/*
 * copy_shard - the runs of shard k of n from the file at path into out (or,
 * for the shard out was copied from, its runs read back). Returns 0,
 * GS_MERGE_BAD_INPUT or GS_MERGE_FAILED with a message.
 */
static int copy_shard(const char *path, size_t k, size_t n, bool in_out,
		      const struct report *orp, struct gs_output *out, double *buf)
{
	struct report rp = {path, orp->err, orp->errlen};
	struct gs_output *src = NULL;
	size_t runs = gs_io_writer_runs(out);
	int rc = GS_MERGE_FAILED;
	if (!in_out) {
		hid_t fapl = merge_fapl();
		hid_t file = fapl < 0 ? H5I_INVALID_HID : H5Fopen(path, H5F_ACC_RDONLY, fapl);
		if (fapl >= 0)
			H5Pclose(fapl);
		if (file < 0)
			gs_io_fail(&rp, "cannot open");
		if (file < 0 || !(src = gs_io_writer_open(&rp, file)))
			return GS_MERGE_BAD_INPUT; /* it opened when it was checked: changed since */
		if (gs_io_writer_run_values(src) != gs_io_writer_run_values(out)) {
			snprintf(rp.err, rp.errlen, "%s: another shape than the first shard", path);
			rc = GS_MERGE_BAD_INPUT;
			goto close;
		}
	}
	for (size_t r = k - 1; r < runs; r += n) {
		if (gs_stop) {
			snprintf(rp.err, rp.errlen, "interrupted");
			goto close;
		}
		int got = in_out ? gs_io_writer_check_run(orp, out, r, buf)
				 : gs_io_writer_copy_run(&rp, src, orp, out, r, buf);
		if (got > 0) {
			snprintf(rp.err, rp.errlen, "%s: run %zu of shard %zu/%zu does not read back to "
				 "its digest: the file is damaged (run the shard again)", path, r, k, n);
			rc = GS_MERGE_BAD_INPUT;
			goto close;
		}
		if (got < 0)
			goto close;
	}
	rc = GS_MERGE_OK;
close:
	if (src)
		gs_output_abort(src);
	return rc;
}

/* all_done - is every run of out marked done? */
static int all_done(const struct report *rp, struct gs_output *out, unsigned char *done)
{
	size_t runs = gs_io_writer_runs(out);
	if (gs_io_writer_read_done(rp, out, done))
		return -1;
	for (size_t r = 0; r < runs; r++) {
		if (!done[r]) {
			snprintf(rp->err, rp->errlen, "%s: run %zu was not merged", rp->path, r);
			return -1;
		}
	}
	return 0;
}

/* shard_of - the shard (0-based) input i is, by which[]. */
static size_t shard_of(const size_t *which, size_t n_shards, size_t i)
{
	for (size_t k = 0; k < n_shards; k++)
		if (which[k] == i)
			return k;
	return 0;
}

/* write_merged - the merged file written to tmp_path from the checked inputs, then renamed. */
static int write_merged(const char *const *paths, const size_t *which, size_t n_shards,
			const char *tmp_path, const char *final_path, const char *command_line,
			unsigned char *done, char *err, size_t errlen)
{
	struct report rp = {tmp_path, err, errlen};
	struct gs_output *out = NULL;
	double *buf = NULL;
	int rc = GS_MERGE_FAILED;
	int fd = gs_io_lock(&rp, true);
	if (fd < 0)
		return GS_MERGE_FAILED;
	/* the layout, coordinates and provenance of the plan: shard 1's file */
	if (copy_file(paths[which[0]], fd, tmp_path, err, errlen)) {
		close(fd);
		remove(tmp_path);
		return GS_MERGE_FAILED;
	}
	hid_t fapl = merge_fapl();
	hid_t file = fapl < 0 ? H5I_INVALID_HID : H5Fopen(tmp_path, H5F_ACC_RDWR, fapl);
	if (fapl >= 0)
		H5Pclose(fapl);
	if (file < 0 || mark_merged(&rp, file, n_shards, command_line)) {
		if (file >= 0)
			H5Fclose(file);
		else
			gs_io_fail(&rp, "cannot open for writing");
		close(fd);
		remove(tmp_path);
		return GS_MERGE_FAILED;
	}
	out = gs_io_writer_open(&rp, file);
	if (!out) {
		close(fd);
		remove(tmp_path);
		return GS_MERGE_FAILED;
	}
	gs_io_writer_hold(out, fd);
	buf = malloc(gs_io_writer_run_values(out) * sizeof(*buf));
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", tmp_path);
		goto fail;
	}
	for (size_t k = 1; k <= n_shards; k++) {
		rc = copy_shard(paths[which[k - 1]], k, n_shards, k == 1, &rp, out, buf);
		if (rc != GS_MERGE_OK)
			goto fail;
	}
	rc = GS_MERGE_FAILED;
	if (all_done(&rp, out, done))
		goto fail;
	free(buf);
	/* renamed while the partial's lock is held; removed if that fails */
	if (gs_output_commit(out, final_path, err, errlen))
		return GS_MERGE_FAILED;
	return GS_MERGE_OK;
fail:
	free(buf);
	gs_output_abort(out);
	remove(tmp_path);
	return rc;
}

int gs_output_merge(const char *const *paths, size_t n, const char *tmp_path,
		    const char *final_path, const char *command_line, char *err, size_t errlen)
{
	struct reference ref = {.file = H5I_INVALID_HID};
	size_t *which = NULL;
	unsigned char *done = NULL;
	int rc = GS_MERGE_BAD_INPUT;
	gs_io_quiet();
	if (n == 0) {
		snprintf(err, errlen, "no shard files given");
		return GS_MERGE_BAD_INPUT;
	}
	for (size_t i = 0; i < n; i++)
		if (inspect(paths, i, &ref, &which, &done, err, errlen))
			goto out;
	for (size_t k = 0; k < ref.n_shards; k++) {
		if (which[k] == (size_t)-1) {
			snprintf(err, errlen, "shard %zu/%zu is missing: none of the %zu file%s given is "
				 "that shard (%s is shard %zu/%zu)", k + 1, ref.n_shards, n,
				 n == 1 ? "" : "s", paths[0], shard_of(which, ref.n_shards, 0) + 1,
				 ref.n_shards);
			goto out;
		}
	}
	H5Fclose(ref.file);
	ref.file = H5I_INVALID_HID;
	rc = write_merged(paths, which, ref.n_shards, tmp_path, final_path, command_line, done, err,
			  errlen);
out:
	free(which);
	free(done);
	free(ref.scenario);
	if (ref.file >= 0)
		H5Fclose(ref.file);
	return rc;
}
