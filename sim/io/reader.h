/*
 * reader.h - the reading of reader.c that info.c and resume.c build on:
 * opening a result file with clear messages, attributes as text, text
 * datasets and dataset shapes.
 *
 * Private to sim/io: it includes hdf5.h. Everything else uses output.h.
 */
#ifndef GS_IO_READER_H
#define GS_IO_READER_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "sim/io/h5util.h"

/*
 * gs_io_open_result - open the existing file rp->path read-only. Returns its
 * id, or -1 with a message: cannot open (and why), not an HDF5 file, or
 * HDF5's own.
 */
hid_t gs_io_open_result(const struct report *rp);

/*
 * gs_io_read_attr - the value of the scalar attribute name of loc as text
 * (strings, integers, floats; "(unreadable)" or what it is if not one of
 * those) into buf of n bytes. Returns 0, or -1 if loc has no such attribute.
 */
int gs_io_read_attr(hid_t loc, const char *name, char *buf, size_t n);

/*
 * gs_io_exists - whether file has an object at path ("a/b/c"), each group
 * on the way checked first. Leaves HDF5's error stack clear.
 */
bool gs_io_exists(hid_t file, const char *path);

/* gs_io_read_text - the text of the scalar string dataset at path (malloc'd), or NULL. */
char *gs_io_read_text(hid_t file, const char *path);

/* gs_io_has_shape - whether file has a dataset name of rank `rank` and dimensions want. */
bool gs_io_has_shape(hid_t file, const char *name, int rank, const hsize_t *want);

/*
 * gs_io_read_shard - which shard the file is: the attributes shard (1..N)
 * and shards (N) of /provenance, or 0 and 0 for a file of every run (no
 * such attributes). Returns 0, or -1 if they are there but not a shard.
 */
int gs_io_read_shard(hid_t file, size_t *shard, size_t *n_shards);

/*
 * gs_io_same_scenario - do two scenario texts say the same, their
 * "; ==== PATH ====" lines aside (a file's path as typed: ./s.ini, s.ini
 * and /abs/s.ini name one file)?
 */
bool gs_io_same_scenario(const char *a, const char *b);

#endif
