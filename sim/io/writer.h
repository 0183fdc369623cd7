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

/*
 * gs_io_writer_reopen - let out write to file, a result file of out's
 * shape (meta's) open for reading and writing, and read its /done into
 * done (n_runs flags): a run stays done only if its data read back to its
 * digest and its arm to meta's name for it. out owns file from now on,
 * also on failure. Returns 0, or -1 with a message.
 */
int gs_io_writer_reopen(const struct report *rp, struct gs_output *out, hid_t file,
			const struct gs_ensemble_meta *meta, unsigned char *done);

#endif
