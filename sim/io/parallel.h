/*
 * parallel.h - the result file written by every rank of an MPI job at once
 * (build/govsim-mpi, `make mpi`): parallel HDF5 over MPI-IO.
 *
 * Rank 0 lays the file out (gs_output_create, serially), or completes a
 * partial one (gs_output_resume, serially: the runs that read back to
 * their digest copied into a fresh file); then every rank opens it with
 * the MPI-IO driver, metadata read and written collectively, and writes
 * the rows of the runs it ran with independent writes. Parallel
 * HDF5 (1.10) writes a compressed (filtered) dataset only collectively,
 * every rank writing at the same time; runs finish on each rank when they
 * finish, so this build writes its datasets unfiltered (chunked, space
 * allocated when they are created). The values are the same as the serial
 * build's; the file is larger.
 *
 * Compiled only into the MPI build. Every function here is collective:
 * every rank of comm calls it, in the same order.
 */
#ifndef GS_IO_PARALLEL_H
#define GS_IO_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

#include <mpi.h>

#include "sim/io/output.h"
#include "sim/plan/plan.h"

/*
 * gs_output_share_parallel - the file rank 0 has just made (first: the
 * writer gs_output_create or gs_output_resume gave it there; NULL on the
 * other ranks) closed there and opened by every rank of comm, to write
 * runs with gs_output_write_run; rank 0 keeps the file's lock until
 * gs_output_commit_parallel. On failure the file is removed if fresh (just
 * laid out), else kept as it was (a resumed partial keeps its runs).
 * Returns 0 on every rank, or -1 on every rank with a message in err.
 */
int gs_output_share_parallel(struct gs_output *first, bool fresh,
			     const struct gs_ensemble_meta *meta, MPI_Comm comm,
			     struct gs_output **out, char *err, size_t errlen);

/*
 * gs_output_commit_parallel - close out on every rank. If every rank
 * succeeded (ok: this rank's runs all written), rank 0 renames the file to
 * final_path and 0 is returned; if a rank did not but every rank closed
 * the file, it stays where it is, a partial that keeps the runs written,
 * and 1 is returned; if a close failed, the file is removed and -1 is
 * returned with a message in err. Frees out. The same value on every rank.
 */
int gs_output_commit_parallel(struct gs_output *out, int ok, const char *final_path,
			      MPI_Comm comm, char *err, size_t errlen);

#endif
