/*
 * output.h - the HDF5 result file. This module (sim/io) is the only one
 * that includes hdf5.h: writer.c creates and writes the file, resume.c
 * reopens a partial one, merge.c joins shard files, reader.c reads series
 * and blocks of runs, info.c prints its summary; h5util.c holds what they
 * share. parallel.c (the MPI build only: parallel.h) lets every rank of an
 * MPI job write one file.
 *
 * Layout (docs/output.md has the full table):
 *   /time                 (time)      end of each output interval, units "day"
 *   /run                  (run)       0..n_runs-1; run = (arm * sweep points + point) *
 *                                     replications + replication (gs_run_of)
 *   /arm                  (run)       arm name (variable-length UTF-8 string)
 *   /replication          (run)       0-based replication number
 *   /seed                 (run)       the run's seed
 *   /class                (class)     demand class name (variable-length UTF-8 string)
 *   /<metric>             (run, time) one per metric of metrics.def; attrs units, description
 *   /<metric>_by_class    (run, class, time) one per class metric of metrics.def; same attrs
 *   /team                 (team)      0..n_teams-1, the most teams of any run
 *   /<metric>_by_team     (run, team, time) one per team metric of metrics.def; same attrs
 *   /bin                  (bin)       lower edge of each histogram bin [days]
 *   /bin_edges            (bin_edge)  every bin edge [days]; /bin_edge is the bare dimension
 *   /time_to_close_recorded_hist, /time_to_close_true_hist   (run, bin)
 *   /provenance           group: attributes, /provenance/scenario (text),
 *                         /provenance/parameters/<arm> (one attribute per parameter);
 *                         a shard's (govsim run --shard K/N) also shard = K, shards = N,
 *                         its other shards' runs not done; a merged file's merged_shards
 * Root attributes repeat the key provenance (govsim_version, git_revision, seed, ...).
 *
 * HDF5 is used serially: call these functions from one thread at a time.
 * gs_output_create rejects n_runs that are not a multiple of n_arms, arm
 * names containing '/', and an ensemble without classes (n_classes == 0).
 */
#ifndef GS_OUTPUT_H
#define GS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/core/model.h"
#include "sim/plan/plan.h"

struct gs_output;

/*
 * gs_output_create - create the file at path with every dataset sized for
 * meta, and write coordinates and provenance. The file must not exist: it
 * is created exclusively and locked for as long as out is open (no two
 * processes write one file). Returns 0, or -1 with a message in err.
 */
int gs_output_create(const char *path, const struct gs_ensemble_meta *meta,
		     struct gs_output **out, char *err, size_t errlen);

/*
 * gs_output_resume - reopen the partial file at path, written for the same
 * scenario text, parameters and shape as meta, to complete it: done[run]
 * (n_runs entries) tells which runs it already holds. Returns 0, or -1 with
 * a message saying what differs.
 */
int gs_output_resume(const char *path, const struct gs_ensemble_meta *meta,
		     struct gs_output **out, unsigned char *done, char *err, size_t errlen);

/*
 * gs_output_damaged - how many runs the partial marked done whose data
 * did not read back to their digest (gs_output_resume marks them not done,
 * so they are run again).
 */
size_t gs_output_damaged(const struct gs_output *out);

/*
 * gs_output_verify - read every run the file at path marks done back and
 * compare it with its digest: n_done runs marked done, n_bad of them whose
 * data do not match (first_bad the first, else -1). Returns 0, or -1 with a
 * message in err if the file cannot be checked.
 */
int gs_output_verify(const char *path, size_t *n_done, size_t *n_bad, long *first_bad,
		     char *err, size_t errlen);

/* gs_output_write_run - write run number `run` (its row of every dataset), marked done. */
int gs_output_write_run(struct gs_output *out, size_t run, const struct gs_run_result *r,
			char *err, size_t errlen);

/* gs_output_close - flush and close; frees out. Returns 0 or -1 with a message. */
int gs_output_close(struct gs_output *out, char *err, size_t errlen);

/*
 * gs_output_commit - close out and rename its file to final_path while the
 * file's lock is still held (only the process that created or resumed it
 * renames it); on failure the file is removed. Frees out. Returns 0, or -1
 * with a message in err.
 */
int gs_output_commit(struct gs_output *out, const char *final_path, char *err, size_t errlen);

/*
 * gs_output_discard - remove the partial file at path left by an earlier
 * run, unless another process holds its lock. Returns 0 (also when there is
 * no such file), or -1 with a message in err.
 */
int gs_output_discard(const char *path, char *err, size_t errlen);

/* gs_output_abort - close without caring about errors (the caller deletes the file). */
void gs_output_abort(struct gs_output *out);

/*
 * gs_output_provenance - print the provenance of a result file (version,
 * revision, compiler, libraries, seed, scenario) and its shape (runs, arms,
 * time points, histogram bins) to f. Returns 0, or -1 with a message in err
 * naming the file and what is wrong.
 */
int gs_output_provenance(const char *path, FILE *f, char *err, size_t errlen);

/*
 * gs_output_read_series - read row `run` of the 2-D dataset `name` (a
 * metric: n_time values; a histogram: n_bins values) into buf. Returns the number of values read, or -1
 * with a message in err. Used by tests and by comparisons from a file.
 */
long gs_output_read_series(const char *path, const char *name, size_t run, double *buf,
			   size_t n, char *err, size_t errlen);

/*
 * gs_output_read_class_series - read the n_time values of run `run`, class
 * index cls of the 3-D dataset `name` (a class metric, "<metric>_by_class")
 * into buf. Returns the number of values read, or -1 with a message in err
 * (no such dataset, not 3-D, run or class out of range, n too small).
 */
long gs_output_read_class_series(const char *path, const char *name, size_t run, size_t cls,
				 double *buf, size_t n, char *err, size_t errlen);

/*
 * gs_output_read_team_series - the same for team index `team` of a per-team
 * dataset ("<metric>_by_team", dimensions (run, team, time)).
 */
long gs_output_read_team_series(const char *path, const char *name, size_t run, size_t team,
				double *buf, size_t n, char *err, size_t errlen);

/*
 * A result file open for reading blocks of runs (govsim compare):
 * gs_output_reader_open checks that it is a govsim file and reads its shape;
 * _vector reads a per-run (or other 1-D) numeric dataset of n values;
 * _strings a per-run string dataset (each string malloc'd); _block runs
 * r0..r0+nr-1 of a (run, time) dataset into buf (nr x n_time). All return
 * 0, or -1 with a message naming the file and dataset.
 */
struct gs_output_reader;
int gs_output_reader_open(const char *path, struct gs_output_reader **rd, char *err, size_t errlen);
size_t gs_output_reader_runs(const struct gs_output_reader *rd);
bool gs_output_reader_has(struct gs_output_reader *rd, const char *name);
size_t gs_output_reader_times(const struct gs_output_reader *rd);
int gs_output_reader_vector(struct gs_output_reader *rd, const char *name, double *buf, size_t n,
			    char *err, size_t errlen);
int gs_output_reader_strings(struct gs_output_reader *rd, const char *name, char **out, size_t n,
			     char *err, size_t errlen);
int gs_output_reader_block(struct gs_output_reader *rd, const char *name, size_t r0, size_t nr,
			   double *buf, char *err, size_t errlen);
void gs_output_reader_close(struct gs_output_reader *rd);

/*
 * gs_output_reader_names - the names of the file's top-level datasets that
 * start with prefix ("sweep."), in name order: at most max, each
 * malloc'd into names. Returns their number.
 */
size_t gs_output_reader_names(struct gs_output_reader *rd, const char *prefix, char **names,
			      size_t max);

/* What gs_output_merge returns. */
enum { GS_MERGE_OK = 0, GS_MERGE_FAILED = -1, GS_MERGE_BAD_INPUT = -2 };

/*
 * gs_output_merge - join the n shard files paths[] (govsim run --shard K/N,
 * in any order) into the file one run of their whole plan writes: written
 * as tmp_path (created exclusively and locked; it must not exist) and
 * renamed to final_path when complete; command_line is recorded in its
 * provenance. Every input is checked first (an intact, complete shard of
 * the same scenario text, parameters, seed, govsim version and number of
 * shards; each shard once, none missing) and every run is read back to its
 * digest as it is copied; nothing is left at tmp_path or final_path on
 * failure. Memory holds one run. Returns GS_MERGE_OK, GS_MERGE_BAD_INPUT
 * (a message naming the file and what is wrong) or GS_MERGE_FAILED (a
 * write failed or gs_stop was set; a message in err).
 */
int gs_output_merge(const char *const *paths, size_t n, const char *tmp_path,
		    const char *final_path, const char *command_line, char *err, size_t errlen);

/* gs_output_library_version - "HDF5 x.y.z" of the library linked. */
const char *gs_output_library_version(void);

#endif
