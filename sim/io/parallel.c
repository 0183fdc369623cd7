/*
 * parallel.c - the result file written by every rank of an MPI job
 * (parallel.h). Compiled only into the MPI build (make mpi).
 */
#include "sim/io/parallel.h"

#include <limits.h>
#include <stdbool.h>
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

int gs_output_share_parallel(struct gs_output *first, bool fresh,
			     const struct gs_ensemble_meta *meta, MPI_Comm comm,
			     struct gs_output **out, char *err, size_t errlen)
{
	struct gs_output *o = NULL;
	char *path = NULL;
	int rank = 0, lock_fd = -1, ok = 1;
	*out = NULL;
	err[0] = 0;
	gs_io_quiet();
	MPI_Comm_rank(comm, &rank);
	if (rank == 0) {
		/* closed serially; its lock kept by rank 0 until the rename */
		path = gs_strdup(gs_io_writer_path(first));
		lock_fd = gs_io_writer_release_lock(first);
		ok = gs_output_close(first, err, errlen) == 0 && path;
		if (!path)
			snprintf(err, errlen, "out of memory");
	}
	/* every rank opens the path rank 0 closed */
	int len = rank == 0 && path ? (int)strlen(path) + 1 : 0;
	MPI_Bcast(&len, 1, MPI_INT, 0, comm);
	if (rank != 0 && len > 0) {
		path = malloc((size_t)len);
		ok = path != NULL;
	}
	if (agree(ok, comm, err, errlen))
		goto remove_file;
	MPI_Bcast(path, len, MPI_CHAR, 0, comm);
	struct report rp = {path, err, errlen};
	hid_t file = open_mpio(&rp, comm);
	ok = file >= 0;
	if (agree(ok, comm, err, errlen)) {
		if (file >= 0)
			H5Fclose(file);
		goto remove_file;
	}
	o = gs_io_writer_new(&rp, meta);
	ok = o && gs_io_writer_attach(&rp, o, file) == 0;
	if (!o)
		H5Fclose(file);
	if (agree(ok, comm, err, errlen)) {
		gs_output_abort(o);
		goto remove_file;
	}
	gs_io_writer_set_parallel(o);
	if (lock_fd >= 0)
		gs_io_writer_hold(o, lock_fd);
	free(path);
	*out = o;
	return 0;
remove_file:
	/* a file just laid out holds nothing; a resumed one keeps its runs */
	if (rank == 0 && fresh && path)
		remove(path);
	if (lock_fd >= 0)
		close(lock_fd);
	free(path);
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
	int all_closed = 0;
	MPI_Allreduce(&closed, &all_closed, 1, MPI_INT, MPI_LAND, comm);
	int rc = agree(ok && closed && path, comm, err, errlen);
	if (rc != 0 && all_closed)
		rc = 1; /* closed on every rank: the partial keeps the runs written */
	if (rank == 0 && path) {
		if (rc == 0 && rename(path, final_path) < 0) {
			snprintf(err, errlen, "cannot rename %s to %s", path, final_path);
			rc = -1;
		}
		if (rc < 0)
			remove(path);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	free(path);
	MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "%s: cannot rename to %s", final_path, final_path);
	return rc;
}
