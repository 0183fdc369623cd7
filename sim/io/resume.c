/*
 * resume.c - completing a partial result file (govsim run --resume). The
 * file is read through the reader to check that it was written for the
 * same scenario text, shape and parameters; then its runs that read back
 * to their digest are copied into a fresh file, which takes its place and
 * which the writer completes.
 *
 * HDF5 (serial) is not thread-safe: call gs_output_resume from one thread
 * at a time.
 */
#include "sim/io/output.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/io/h5util.h"
#include "sim/io/reader.h"
#include "sim/io/writer.h"

/* check_scenario - was the file written for meta's scenario text? */
static int check_scenario(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta)
{
	char *text = gs_io_read_text(file, "provenance/scenario");
	bool same_text = text && gs_io_same_scenario(text, meta->scenario_text);
	free(text);
	if (!same_text) {
		snprintf(rp->err, rp->errlen,
			 "%s: written for another scenario (its scenario text differs); "
			 "run without --resume to start afresh",
			 rp->path);
		return -1;
	}
	return 0;
}

/* check_shapes - are its runs, bins, time points and classes meta's? */
static int check_shapes(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta)
{
	hsize_t rt[2] = {meta->n_runs, meta->n_time}, rb[2] = {meta->n_runs, meta->n_bins};
	hsize_t rct[3] = {meta->n_runs, meta->n_classes, meta->n_time}, r1[1] = {meta->n_runs};
	if (!gs_io_has_shape(file, "done", 1, r1) ||
	    !gs_io_has_shape(file, "time_to_close_true_hist", 2, rb)) {
		snprintf(rp->err, rp->errlen,
			 "%s: not a partial result of this scenario (other runs or bins)",
			 rp->path);
		return -1;
	}
	for (int m = 0; m < GS_N_METRICS; m++)
		if (!gs_io_has_shape(file, gs_metric_table[m].name, 2, rt)) {
			snprintf(rp->err, rp->errlen, "%s: '%s' is missing or of another shape",
				 rp->path, gs_metric_table[m].name);
			return -1;
		}
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		if (!gs_io_has_shape(file, gs_io_class_dataset[m], 3, rct)) {
			snprintf(rp->err, rp->errlen, "%s: '%s' is missing or of another shape",
				 rp->path, gs_io_class_dataset[m]);
			return -1;
		}
	hsize_t rtt[3] = {meta->n_runs, meta->n_teams, meta->n_time};
	for (int m = 0; meta->n_teams && m < GS_N_TEAM_METRICS; m++)
		if (!gs_io_has_shape(file, gs_io_team_dataset[m], 3, rtt)) {
			snprintf(rp->err, rp->errlen, "%s: '%s' is missing or of another shape",
				 rp->path, gs_io_team_dataset[m]);
			return -1;
		}
	return 0;
}

/*
 * same_arm_parameters - are the parameters stored in g (the group of arm
 * `arm`) those of p? Names the first that is not in what.
 */
static bool same_arm_parameters(hid_t g, const char *arm, const struct gs_params *p, char *what,
				size_t n)
{
	char key[PARAM_KEY_MAX], value[128], stored[128];
	for (size_t i = 0; i < gs_param_count; i++) {
		for (int c = 0; c < gs_io_param_copies(p, i); c++) {
			gs_io_param_key(p, i, c, key, sizeof(key));
			gs_param_format(p, i, c, value, sizeof(value));
			bool found = gs_io_read_attr(g, key, stored, sizeof(stored)) == 0;
			if (!found || strcmp(stored, value) != 0) {
				snprintf(what, n, "%s of arm %s (%s now, %s in the file)", key, arm,
					 value, found ? stored : "nothing");
				return false;
			}
		}
	}
	return true;
}

/* Do the stored parameters of every arm match meta's? Names the first that does not. */
static bool same_parameters(hid_t file, const struct gs_ensemble_meta *meta, char *what, size_t n)
{
	char path[256];
	for (size_t a = 0; a < meta->n_arms; a++) {
		snprintf(path, sizeof(path), "provenance/parameters/%s", meta->arm_names[a]);
		if (!gs_io_exists(file, path)) {
			snprintf(what, n, "arm %s", meta->arm_names[a]);
			return false;
		}
		hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
		if (g < 0)
			continue; /* there but not a group: nothing to compare */
		bool same =
		    same_arm_parameters(g, meta->arm_names[a], &meta->arm_params[a], what, n);
		H5Gclose(g);
		if (!same)
			return false;
	}
	return true;
}

/* check_shard - was the file written as the shard meta asks for (or as every run)? */
static int check_shard(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta)
{
	size_t shard, n_shards;
	char was[64], now[64];
	if (gs_io_read_shard(file, &shard, &n_shards)) {
		snprintf(rp->err, rp->errlen, "%s: its shard attributes are damaged", rp->path);
		return -1;
	}
	if (shard == meta->shard && n_shards == meta->n_shards)
		return 0;
	if (n_shards)
		snprintf(was, sizeof(was), "as shard %zu/%zu", shard, n_shards);
	else
		snprintf(was, sizeof(was), "without --shard");
	if (meta->n_shards)
		snprintf(now, sizeof(now), "--shard %zu/%zu", meta->shard, meta->n_shards);
	else
		snprintf(now, sizeof(now), "a run without --shard");
	snprintf(rp->err, rp->errlen, "%s: written %s, not for %s; resume it as it was started",
		 rp->path, was, now);
	return -1;
}

/* check_partial - was the file written for meta: the same scenario, shape, shard and parameters? */
static int check_partial(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta)
{
	char what[1024];
	if (check_scenario(rp, file, meta) || check_shapes(rp, file, meta) ||
	    check_shard(rp, file, meta))
		return -1;
	if (!same_parameters(file, meta, what, sizeof(what))) {
		snprintf(rp->err, rp->errlen,
			 "%s: written with other parameters: %s; run without --resume "
			 "to start afresh",
			 rp->path, what);
		return -1;
	}
	return 0;
}

/*
 * gs_output_resume - the partial file at path, checked against meta, and
 * completed in a fresh file: its runs that read back to their digest are
 * copied into PATH.resume, which then takes path's place. The partial is
 * only ever read, so whatever a killed writer left in it (a heap or an
 * index half written) is never written through; a resume killed in turn
 * leaves the partial as it was.
 */
int gs_output_resume(const char *path, const struct gs_ensemble_meta *meta,
		     struct gs_output **out, unsigned char *done, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	*out = NULL;
	gs_io_quiet();
	/* the lock first: a partial another process is writing is not touched */
	int lock_fd = gs_io_lock(&rp, false);
	if (lock_fd < 0)
		return -1;
	int rc = -1;
	struct gs_output *o = NULL;
	size_t fl = strlen(path) + sizeof(".resume");
	char *fresh = malloc(fl);
	if (!fresh) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto unlock;
	}
	snprintf(fresh, fl, "%s.resume", path);
	hid_t file = gs_io_open_result(&rp);
	if (file < 0)
		goto unlock;
	if (check_partial(&rp, file, meta)) {
		H5Fclose(file);
		goto unlock;
	}
	/* a PATH.resume is left only by a resume killed before the rename: under our lock, stale */
	remove(fresh);
	char cerr[1024];
	if (gs_output_create(fresh, meta, &o, cerr, sizeof(cerr))) {
		snprintf(err, errlen, "%s", cerr);
		H5Fclose(file);
		goto unlock;
	}
	struct report fr = {fresh, err, errlen};
	if (gs_io_writer_take(&rp, o, file, meta, done) || gs_io_writer_move(&fr, o, path)) {
		gs_output_abort(o);
		remove(fresh);
		goto unlock;
	}
	*out = o;
	rc = 0;
unlock:
	free(fresh);
	close(lock_fd); /* the old partial's lock: o holds the new file's */
	return rc;
}
