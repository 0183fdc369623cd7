/*
 * parallel.h - the result file written by every rank of an MPI job at once
 * (build/govsim-mpi, `make mpi`): parallel HDF5 over MPI-IO.
 *
 * Rank 0 lays the file out (gs_output_create, serially); then every rank
 * opens it with the MPI-IO driver, metadata read and written collectively,
 * and writes the rows of the runs it ran with independent writes. Parallel
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

#include <stddef.h>

#include <mpi.h>

#include "sim/io/output.h"
#include "sim/plan/plan.h"

/*
 * gs_output_create_parallel - rank 0 creates the file at path for meta
 * (exclusively, keeping its lock); then every rank opens it to write runs
 * with gs_output_write_run. Returns 0 on every rank, or -1 on every rank
 * with a message in err (rank 0's, where it failed there).
 */
int gs_output_create_parallel(const char *path, const struct gs_ensemble_meta *meta,
			      MPI_Comm comm, struct gs_output **out, char *err, size_t errlen);

/*
 * gs_output_commit_parallel - close out on every rank; if every rank
 * succeeded (ok: this rank's runs all written), rank 0 renames the file to
 * final_path, else removes it. Frees out. Returns 0 on every rank, or -1
 * on every rank with a message in err.
 */
int gs_output_commit_parallel(struct gs_output *out, int ok, const char *final_path,
			      MPI_Comm comm, char *err, size_t errlen);

#endif
