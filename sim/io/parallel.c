/*
 * parallel.c - the result file written by every rank of an MPI job
 * (parallel.h). Compiled only into the MPI build (make mpi).
 */
#include "sim/io/parallel.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "sim/core/util.h"
#include "sim/io/h5util.h"
#include "sim/io/writer.h"

/* agree - 0 if ok is non-zero on every rank of comm, else -1; err becomes rank 0's message. */
static int agree(int ok, MPI_Comm comm, char *err, size_t errlen)
{
	int all = 0, rank = 0;
	MPI_Comm_rank(comm, &rank);
	MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, comm);
	if (all)
		return 0;
	/* the first failing rank's message, to every rank */
	int first = ok ? INT_MAX : rank, who = 0;
	MPI_Allreduce(&first, &who, 1, MPI_INT, MPI_MIN, comm);
	MPI_Bcast(err, (int)errlen, MPI_CHAR, who, comm);
	err[errlen - 1] = 0;
	return -1;
}

/* open_mpio - the file at path open for reading and writing by every rank of comm. */
static hid_t open_mpio(const struct report *rp, MPI_Comm comm)
{
	hid_t file = H5I_INVALID_HID;
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
	    H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0 ||
	    H5Pset_file_locking(fapl, 0, 1) < 0) {
		gs_io_fail(rp, "cannot set up parallel access");
		goto close_plist;
	}
	file = H5Fopen(rp->path, H5F_ACC_RDWR, fapl);
	if (file < 0)
		gs_io_fail(rp, "cannot open for parallel writing");
close_plist:
	if (fapl >= 0)
		H5Pclose(fapl);
	return file;
}

int gs_output_create_parallel(const char *path, const struct gs_ensemble_meta *meta,
			      MPI_Comm comm, struct gs_output **out, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	struct gs_output *o = NULL;
	unsigned char *done = NULL;
	int rank = 0, lock_fd = -1, ok = 1;
	*out = NULL;
	err[0] = 0;
	gs_io_quiet();
	MPI_Comm_rank(comm, &rank);
	if (rank == 0) {
		/* laid out serially; its lock kept by rank 0 until the rename */
		ok = gs_output_create(path, meta, &o, err, errlen) == 0;
		if (ok) {
			lock_fd = gs_io_writer_release_lock(o);
			ok = gs_output_close(o, err, errlen) == 0;
			o = NULL;
			if (!ok)
				remove(path);
		}
	}
	if (agree(ok, comm, err, errlen))
		goto fail;
	hid_t file = open_mpio(&rp, comm);
	ok = file >= 0;
	if (agree(ok, comm, err, errlen)) {
		if (file >= 0)
			H5Fclose(file);
		goto remove_file;
	}
	o = gs_io_writer_new(&rp, meta);
	done = calloc(meta->n_runs ? meta->n_runs : 1, 1);
	ok = o && done && gs_io_writer_attach(&rp, o, file) == 0;
	if (!o)
		H5Fclose(file);
	if (!done)
		snprintf(err, errlen, "%s: out of memory", path);
	free(done);
	if (agree(ok, comm, err, errlen)) {
		gs_output_abort(o);
		goto remove_file;
	}
	gs_io_writer_set_parallel(o);
	if (lock_fd >= 0)
		gs_io_writer_hold(o, lock_fd);
	*out = o;
	return 0;
remove_file:
	if (rank == 0)
		remove(path);
fail:
	if (lock_fd >= 0)
		close(lock_fd);
	return -1;
}

int gs_output_commit_parallel(struct gs_output *out, int ok, const char *final_path,
			      MPI_Comm comm, char *err, size_t errlen)
{
	int rank = 0;
	MPI_Comm_rank(comm, &rank);
	int lock_fd = gs_io_writer_release_lock(out);
	char *path = gs_strdup(gs_io_writer_path(out));
	char mine[1024]; /* a failure to close after this rank's own failure: said once */
	/* every rank closes: the file's last metadata are written collectively */
	int closed = gs_output_close(out, ok ? err : mine, ok ? errlen : sizeof(mine)) == 0;
	int rc = agree(ok && closed && path, comm, err, errlen);
	if (rank == 0 && path) {
		if (rc == 0 && rename(path, final_path) < 0) {
			snprintf(err, errlen, "cannot rename %s to %s", path, final_path);
			rc = -1;
		}
		if (rc != 0)
			remove(path);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	free(path);
	int all_ok = rc == 0;
	MPI_Bcast(&all_ok, 1, MPI_INT, 0, comm);
	if (!all_ok && rc == 0)
		snprintf(err, errlen, "%s: cannot rename to %s", final_path, final_path);
	return all_ok ? 0 : -1;
}
