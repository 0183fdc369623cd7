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

/* gs_io_writer_move - rename out's file to path, its lock held; 0, or -1 with a message. */
int gs_io_writer_move(const struct report *rp, struct gs_output *out, const char *path);

#endif
