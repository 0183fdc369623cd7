/*
 * h5util.h - what the writer, the reader, resume and info of the result
 * file share: error reports that carry HDF5's own message, the string type
 * every text is written as, and the names the layout gives to the class
 * metrics' datasets and to the stored parameters.
 *
 * Private to sim/io: it includes hdf5.h, which nothing outside sim/io may.
 */
#ifndef GS_IO_H5UTIL_H
#define GS_IO_H5UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/plan/scenario.h"

#define MAX_RANK      3                      /* (run, class, time) */
#define PARAM_KEY_MAX (2 * GS_NAME_MAX + 64) /* longest stored parameter name, with its NUL */

/* Where to report an error: the file it concerns and the caller's buffer. */
struct report {
	const char *path;
	char *err;
	size_t errlen;
};

/*
 * gs_io_fail - write "PATH: message" to the report's buffer, followed by the
 * innermost HDF5 error, if any, and clear HDF5's error stack. Call it
 * right where an HDF5 call failed: every HDF5 call clears the stack.
 */
void gs_io_fail(const struct report *rp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * gs_io_shape_fits - could the file hold the axes it claims? At most
 * GS_MAX_RUNS runs, and one written run (every metric over the time axis,
 * two histograms) must fit in the file's bytes at deflate's best ratio
 * (1032:1): a corrupted axis length is refused before anything is sized by
 * it. Returns 0, or -1 with a message.
 */
int gs_io_shape_fits(const struct report *rp, hid_t file, size_t runs, size_t times, size_t bins);

/* gs_io_quiet - stop HDF5 printing its error stack to stderr; errors go to err. */
void gs_io_quiet(void);

/*
 * gs_io_lock - the lock that makes one process the only writer of a
 * partial file: with create, the file is created (never an existing one
 * truncated: O_EXCL); without, an existing file is opened. Either way an
 * exclusive flock is taken without waiting. Returns the descriptor holding
 * the lock (close it to release), or -1 with a message saying whether the
 * file exists or another process holds it.
 */
int gs_io_lock(const struct report *rp, bool create);

/* gs_io_fapl - file access properties without HDF5's own file locking (gs_io_lock's is used). */
hid_t gs_io_fapl(void);

/* gs_io_string_type - a variable-length UTF-8 string type (the caller closes it), or -1. */
hid_t gs_io_string_type(void);

/* The dataset of each per-class metric: "<name>_by_class". */
extern const char *const gs_io_class_dataset[GS_N_CLASS_METRICS];

/* The dataset of each per-team metric: "<name>_by_team". */
extern const char *const gs_io_team_dataset[GS_N_TEAM_METRICS];

/*
 * gs_io_param_copies - how many values row i of the parameter table has in
 * p: one per class for a per-class parameter, else one.
 */
int gs_io_param_copies(const struct gs_params *p, size_t i);

/*
 * gs_io_param_key - the name a parameter is stored under in
 * /provenance/parameters/<arm>: "section.name" for row i, or
 * "class.CLASS.name" for class index c of a per-class row.
 */
void gs_io_param_key(const struct gs_params *p, size_t i, int c, char *key, size_t n);

#endif
