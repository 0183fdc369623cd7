/*
 * writer.h - what writer.c lends to resume.c: making a writer and handing
 * it an existing file to complete.
 *
 * Private to sim/io: it includes hdf5.h. Everything else uses output.h.
 */
#ifndef GS_IO_WRITER_H
#define GS_IO_WRITER_H

#include <hdf5.h>

#include "sim/io/h5util.h"
#include "sim/io/output.h"

/*
 * gs_io_writer_new - check that meta can be written (a message naming what
 * cannot, as gs_output_create gives) and make a writer for it, without a
 * file yet. Returns NULL with a message on failure; gs_output_abort frees it.
 */
struct gs_output *gs_io_writer_new(const struct report *rp, const struct gs_ensemble_meta *meta);

/* gs_io_writer_hold - out keeps the lock held by descriptor fd until it is freed. */
void gs_io_writer_hold(struct gs_output *out, int fd);

/* gs_io_writer_release_lock - the descriptor of out's lock, now the caller's (-1 if none). */
int gs_io_writer_release_lock(struct gs_output *out);

/* gs_io_writer_path - the path of out's file. */
const char *gs_io_writer_path(const struct gs_output *out);

/*
 * gs_io_writer_set_parallel - out is written by every rank of an MPI job:
 * gs_output_write_run leaves /arm as it was made (parallel HDF5 writes no
 * variable-length data) and does not flush (a flush is collective).
 */
void gs_io_writer_set_parallel(struct gs_output *out);

/*
 * gs_io_writer_take - copy into out (a new file of meta's shape, nothing
 * written yet) every run of file (a partial result of the same shape, open
 * for reading) that is marked done and reads back to its digest; done
 * (n_runs flags) says which were copied, and gs_output_damaged counts the
 * runs marked done that were not. A damaged partial is only ever read:
 * whatever a killed writer left in it, out is written afresh. Closes file.
 * Returns 0, or -1 with a message.
 */
int gs_io_writer_take(const struct report *rp, struct gs_output *out, hid_t file,
		      const struct gs_ensemble_meta *meta, unsigned char *done);

/*
 * gs_io_writer_attach - let out write to file (a result file of out's shape
 * that out laid out, open for reading and writing), its datasets opened.
 * out owns file from now on, also on failure. Returns 0, or -1 with a
 * message.
 */
int gs_io_writer_attach(const struct report *rp, struct gs_output *out, hid_t file);

/* gs_io_writer_move - rename out's file to path, its lock held; 0, or -1 with a message. */
int gs_io_writer_move(const struct report *rp, struct gs_output *out, const char *path);

/*
 * gs_io_writer_open - a writer over file, a result file open read-only or
 * for reading and writing: its shape read from its dimension scales, its
 * datasets opened (it has no arm names: gs_output_write_run cannot be used
 * on it; copy runs with gs_io_writer_copy_run). It owns file from now on,
 * also on failure; gs_output_close, _commit or _abort end it. Returns NULL
 * with a message (not a govsim file, a dataset missing, an absurd shape).
 */
struct gs_output *gs_io_writer_open(const struct report *rp, hid_t file);

/* gs_io_writer_run_values - the doubles of one run of out: the size of a copy's buffer. */
size_t gs_io_writer_run_values(const struct gs_output *out);

/* gs_io_writer_runs - the runs of out's file. */
size_t gs_io_writer_runs(const struct gs_output *out);

/* gs_io_writer_read_done - /done of out (n_runs flags). Returns 0, or -1 with a message. */
int gs_io_writer_read_done(const struct report *rp, struct gs_output *out, unsigned char *done);

/*
 * gs_io_writer_check_run - does run `run` of out read back to its digest?
 * 0 if so, 1 if not (or it cannot be read). buf: gs_io_writer_run_values.
 */
int gs_io_writer_check_run(const struct report *rp, struct gs_output *out, size_t run,
			   double *buf);

/*
 * gs_io_writer_copy_run - run `run` of src (checked: it reads back to its
 * digest and its arm is dst's arm of that run) written into dst, a file of
 * the same shape: every row, arm, replication, seed and digest, then done.
 * buf: gs_io_writer_run_values(src) doubles. Returns 0; 1 if src's run is
 * damaged or of another plan (nothing written); -1 if a read or write
 * failed, with a message.
 */
int gs_io_writer_copy_run(const struct report *src_rp, struct gs_output *src,
			  const struct report *dst_rp, struct gs_output *dst, size_t run,
			  double *buf);

#endif
