/*
 * writer.c - writing the HDF5 result file: create lays out every dataset,
 * its dimension scales and the provenance; write_run fills one run's row
 * of each; close and abort end it.
 *
 * The layout follows the netCDF-4 conventions that h5netcdf and xarray
 * read: every dimension is an HDF5 dimension scale (time, run, class, bin,
 * and bin_edge, a dimension without a coordinate variable), attached to
 * every dataset along it; the per-run variables arm, replication and seed
 * are named in each data variable's "coordinates" attribute. Every string
 * (text attributes, arm and class names, the scenario text) is
 * variable-length UTF-8: h5py and h5netcdf give python str, and netCDF-C
 * reads it as NC_STRING (its releases up to 4.9.0 crash on arrays of
 * fixed-length HDF5 strings).
 *
 * HDF5 (serial) is not thread-safe: call these functions from one thread
 * at a time.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* gmtime_r, strdup */
#endif
#include "sim/io/output.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim/core/metrics.h"
#include "sim/core/params.h"
#include "sim/core/provenance.h"
#include "sim/core/util.h"
#include "sim/io/h5util.h"
#include "sim/io/reader.h"
#include "sim/io/writer.h"

#define CHUNK_MAX 4096  /* longest chunk along time or bin [values] */
#define CHUNK_VALUES 65536 /* most values in a chunk of a (run, team, time) table */
#define DEFLATE_LEVEL 4
#define GENERATOR "philox4x32-10"
#define RUN_COORDINATES "arm replication seed"
/* netCDF-4 names a dimension scale that is not a variable this way. */
#define NC_DIM_WITHOUT_VARIABLE "This is a netCDF dimension but not a netCDF variable."

enum { HIST_RECORDED, HIST_TRUE, N_HISTS };

static const struct {
	const char *name, *units, *desc;
} hist_info[N_HISTS] = {
	{"time_to_close_recorded_hist", "cases",
	 "Cases closed, by recorded time to close (the last bin also counts longer times)"},
	{"time_to_close_true_hist", "needs",
	 "Needs met by the service, by true time to close (the last bin also counts longer times)"},
};

/* The same histograms by demand class: (run, class, bin). */
static const char *const hist_class_name[N_HISTS] = {
	"time_to_close_recorded_hist_by_class", "time_to_close_true_hist_by_class"};

/* A result file open for writing runs: its datasets and the memory spaces of a run. */
struct gs_output {
	char *path;
	hid_t file;
	hid_t metric[GS_N_METRICS];  /* (run, time) */
	hid_t class_metric[GS_N_CLASS_METRICS]; /* (run, class, time) */
	hid_t team_metric[GS_N_TEAM_METRICS];   /* (run, team, time), if n_teams */
	hid_t hist[N_HISTS];         /* (run, bin) */
	hid_t hist_class[N_HISTS];   /* (run, class, bin) */
	hid_t arm, replication, seed; /* (run) */
	hid_t done;                   /* (run) 1 once the run is written */
	hid_t digest;                 /* (run) the run's digest (run_digest), written before done */
	int lock_fd;                  /* holds the partial's lock (gs_io_lock), -1 if none */
	size_t damaged;               /* runs marked done whose data failed their digest (resume) */
	bool parallel;                /* written by every rank of an MPI job (sim/io/parallel.h) */
	time_t flushed;               /* when the file was last flushed to disk */
	hid_t arm_type;               /* variable-length UTF-8 string */
	hid_t row_time, row_bin, one; /* memory dataspaces: n_time, n_bins, 1 value */
	hid_t slab_class;             /* memory dataspace: n_classes x n_time */
	hid_t slab_class_bin;         /* memory dataspace: n_classes x n_bins */
	hid_t slab_team;              /* memory dataspace: n_teams x n_time */
	size_t n_runs, n_time, n_bins, n_arms, n_classes;
	size_t n_teams;               /* 0: no per-team datasets (a file of an older govsim) */
	char **arm_names;             /* [n_arms] copies */
	unsigned *run_arm;            /* [n_runs] the arm of each run (gs_run_of) */
	char *coordinates;            /* the per-run coordinates' names, for every table */
};

/* The dimension scales, open while the file is being laid out. */
struct scales {
	hid_t time, run, cls, bin, bin_edge, team;
};

/* close_id - close *id if open and mark it closed; a failure clears *ok. */
static void close_id(hid_t *id, herr_t (*close_fn)(hid_t), bool *ok)
{
	if (*id >= 0 && close_fn(*id) < 0)
		*ok = false;
	*id = H5I_INVALID_HID;
}

/* close_all - close every HDF5 object of out, the file last. False if any close failed. */
static bool close_all(struct gs_output *out)
{
	bool ok = true;
	for (int m = 0; m < GS_N_METRICS; m++)
		close_id(&out->metric[m], H5Dclose, &ok);
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		close_id(&out->class_metric[m], H5Dclose, &ok);
	for (int m = 0; m < GS_N_TEAM_METRICS; m++)
		close_id(&out->team_metric[m], H5Dclose, &ok);
	for (int h = 0; h < N_HISTS; h++)
		close_id(&out->hist[h], H5Dclose, &ok);
	close_id(&out->arm, H5Dclose, &ok);
	close_id(&out->replication, H5Dclose, &ok);
	close_id(&out->seed, H5Dclose, &ok);
	close_id(&out->done, H5Dclose, &ok);
	close_id(&out->digest, H5Dclose, &ok);
	close_id(&out->arm_type, H5Tclose, &ok);
	close_id(&out->row_time, H5Sclose, &ok);
	close_id(&out->row_bin, H5Sclose, &ok);
	close_id(&out->one, H5Sclose, &ok);
	close_id(&out->slab_class, H5Sclose, &ok);
	close_id(&out->slab_class_bin, H5Sclose, &ok);
	close_id(&out->slab_team, H5Sclose, &ok);
	for (int h = 0; h < N_HISTS; h++)
		close_id(&out->hist_class[h], H5Dclose, &ok);
	close_id(&out->file, H5Fclose, &ok);
	return ok;
}

/* free_output - free out and its copies of names (its objects closed first). */
static void free_output(struct gs_output *out)
{
	if (out->lock_fd >= 0)
		close(out->lock_fd); /* releases the lock */
	for (size_t a = 0; out->arm_names && a < out->n_arms; a++)
		free(out->arm_names[a]);
	free(out->arm_names);
	free(out->run_arm);
	free(out->coordinates);
	free(out->path);
	free(out);
}

/* write_attr - a scalar attribute `name` of file type ftype on loc. */
static int write_attr(const struct report *rp, hid_t loc, const char *name, hid_t ftype,
		      hid_t mtype, const void *value)
{
	int rc = -1;
	hid_t space = H5Screate(H5S_SCALAR);
	if (space < 0) {
		gs_io_fail(rp, "cannot write attribute %s", name);
		return -1;
	}
	hid_t a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0) {
		gs_io_fail(rp, "cannot create attribute %s", name);
		goto close_space;
	}
	if (H5Awrite(a, mtype, value) < 0) {
		gs_io_fail(rp, "cannot write attribute %s", name);
		goto close_attr;
	}
	rc = 0;
close_attr:
	H5Aclose(a);
close_space:
	H5Sclose(space);
	return rc;
}

/* write_attr_string - a scalar UTF-8 string attribute; NULL is written as "". */
static int write_attr_string(const struct report *rp, hid_t loc, const char *name,
			     const char *value)
{
	const char *s = value ? value : "";
	hid_t t = gs_io_string_type();
	if (t < 0) {
		gs_io_fail(rp, "cannot make a string type for attribute %s", name);
		return -1;
	}
	int rc = write_attr(rp, loc, name, t, t, &s);
	H5Tclose(t);
	return rc;
}

/* Scalar number attributes: little-endian uint64, int32 and float64 in the file. */
static int write_attr_uint64(const struct report *rp, hid_t loc, const char *name,
			     uint64_t value)
{
	return write_attr(rp, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

static int write_attr_int(const struct report *rp, hid_t loc, const char *name, int value)
{
	return write_attr(rp, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

static int write_attr_double(const struct report *rp, hid_t loc, const char *name,
			     double value)
{
	return write_attr(rp, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

/*
 * The `units` attribute of a unit of the tables: durations in "days" are
 * written "day" (UDUNITS and CF read both as days). xarray decodes a
 * variable whose units are exactly "days" (or "hours", ...) as timedelta64,
 * with NaN turned into NaT and a warning; "day" leaves them floats in days.
 */
static const char *file_units(const char *units)
{
	return strcmp(units, "days") == 0 ? "day" : units;
}

/* units, long_name and description attributes; NULL ones are left out. */
static int write_labels(const struct report *rp, hid_t loc, const char *units,
			const char *long_name, const char *description)
{
	if (units && write_attr_string(rp, loc, "units", file_units(units)))
		return -1;
	if (long_name && write_attr_string(rp, loc, "long_name", long_name))
		return -1;
	if (description && write_attr_string(rp, loc, "description", description))
		return -1;
	return 0;
}

/*
 * dataset_plist - a dataset creation property list without timestamps (so
 * equal results give equal files), chunked and compressed if chunk is
 * non-NULL, with fill value *fill of memory type fill_type if fill is
 * non-NULL.
 */
static hid_t dataset_plist(const struct report *rp, const char *name, int rank,
			   const hsize_t *chunk, hid_t fill_type, const void *fill)
{
	hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
	if (dcpl < 0) {
		gs_io_fail(rp, "cannot set up dataset %s", name);
		return H5I_INVALID_HID;
	}
	if (H5Pset_obj_track_times(dcpl, 0) < 0)
		goto close_plist;
#ifdef GS_MPI
	/*
	 * The MPI build's ranks write their runs independently, and parallel
	 * HDF5 writes a filtered dataset only collectively: no compression,
	 * and the space of every dataset allocated when it is made: a dataset
	 * whose space were allocated later, when the ranks open the file,
	 * would have its address only in metadata written at the collective
	 * close, so a job killed before it would lose every run's done flag.
	 */
	if (chunk && H5Pset_chunk(dcpl, rank, chunk) < 0)
		goto close_plist;
	if (H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0)
		goto close_plist;
#else
	if (chunk && (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
		      H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0))
		goto close_plist;
#endif
	if (fill && H5Pset_fill_value(dcpl, fill_type, fill) < 0)
		goto close_plist;
	return dcpl;
close_plist:
	gs_io_fail(rp, "cannot set up dataset %s", name);
	H5Pclose(dcpl);
	return H5I_INVALID_HID;
}

/*
 * make_dataset - create dataset `name` of file type ftype and the given
 * shape under loc, chunked if chunk is non-NULL, with fill value *fill (of
 * memory type fill_type) if fill is non-NULL. Returns its id, or -1 with a
 * message.
 */
static hid_t make_dataset(const struct report *rp, hid_t loc, const char *name, hid_t ftype,
			  int rank, const hsize_t *dims, const hsize_t *chunk, hid_t fill_type,
			  const void *fill)
{
	hid_t ds = H5I_INVALID_HID;
	hid_t space = H5Screate_simple(rank, dims, NULL);
	if (space < 0) {
		gs_io_fail(rp, "cannot make the dataspace of %s", name);
		return H5I_INVALID_HID;
	}
	hid_t dcpl = dataset_plist(rp, name, rank, chunk, fill_type, fill);
	if (dcpl < 0)
		goto close_space;
	ds = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	if (ds < 0)
		gs_io_fail(rp, "cannot create dataset %s", name);
	H5Pclose(dcpl);
close_space:
	H5Sclose(space);
	return ds;
}

/*
 * make_scale - a 1-D dataset `name` of n values (data of memory type
 * mtype, or none) made the dimension scale named dim. Returns its id, or
 * -1 with a message.
 */
static hid_t make_scale(const struct report *rp, hid_t file, const char *name, const char *dim,
			hid_t ftype, hid_t mtype, size_t n, const void *data)
{
	hsize_t dims[1] = {n};
	hid_t ds = make_dataset(rp, file, name, ftype, 1, dims, NULL, mtype, NULL);
	if (ds < 0)
		return H5I_INVALID_HID;
	if (data && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
		gs_io_fail(rp, "cannot write %s", name);
		goto close_ds;
	}
	if (H5DSset_scale(ds, dim) < 0) {
		gs_io_fail(rp, "cannot make %s a dimension scale", name);
		goto close_ds;
	}
	return ds;
close_ds:
	H5Dclose(ds);
	return H5I_INVALID_HID;
}

/* attach - attach scales[0..rank-1] to the dimensions of ds. */
static int attach(const struct report *rp, hid_t ds, const char *name, int rank,
		  const hid_t *scales)
{
	for (int d = 0; d < rank; d++) {
		if (H5DSattach_scale(ds, scales[d], (unsigned)d) < 0) {
			gs_io_fail(rp, "cannot attach dimension %d of %s to its scale", d, name);
			return -1;
		}
	}
	return 0;
}

/* make_class_scale - the coordinate class (the class names) and its dimension scale. */
static hid_t make_class_scale(const struct report *rp, hid_t file,
			      const struct gs_ensemble_meta *meta)
{
	hid_t t = gs_io_string_type();
	if (t < 0) {
		gs_io_fail(rp, "cannot make the string type of class");
		return H5I_INVALID_HID;
	}
	hid_t ds = make_scale(rp, file, "class", "class", t, t, meta->n_classes,
			      meta->class_names);
	H5Tclose(t);
	if (ds >= 0 && write_labels(rp, ds, NULL, "demand class", NULL)) {
		H5Dclose(ds);
		return H5I_INVALID_HID;
	}
	return ds;
}

/* make_bin_edges - the variable bin_edges: every bin edge, along the dimension bin_edge. */
static int make_bin_edges(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta,
			  hid_t bin_edge)
{
	int rc = -1;
	hsize_t dims[1] = {meta->n_bins + 1};
	hid_t edges = make_dataset(rp, file, "bin_edges", H5T_IEEE_F64LE, 1, dims, NULL,
				   H5T_NATIVE_DOUBLE, NULL);
	if (edges < 0)
		return -1;
	if (H5Dwrite(edges, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
		     meta->bin_edges) < 0) {
		gs_io_fail(rp, "cannot write bin_edges");
		goto close_edges;
	}
	if (write_labels(rp, edges, "day", "time-to-close bin edges", NULL) ||
	    attach(rp, edges, "bin_edges", 1, &bin_edge))
		goto close_edges;
	rc = 0;
close_edges:
	H5Dclose(edges);
	return rc;
}

/* make_scales - the coordinates time, run, class, bin, bin_edges and their dimension scales. */
static int make_scales(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta,
		       struct scales *sc)
{
	int rc = -1;
	int64_t *runs = malloc(meta->n_runs * sizeof(*runs));
	if (!runs) {
		gs_io_fail(rp, "out of memory");
		return -1;
	}
	for (size_t r = 0; r < meta->n_runs; r++)
		runs[r] = (int64_t)r;
	char edge_dim[sizeof(NC_DIM_WITHOUT_VARIABLE) + 16];
	snprintf(edge_dim, sizeof(edge_dim), "%s%10zu", NC_DIM_WITHOUT_VARIABLE, meta->n_bins + 1);

	sc->time = make_scale(rp, file, "time", "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
			      meta->n_time, meta->time);
	if (sc->time < 0 || write_labels(rp, sc->time, "day", "end of output interval", NULL))
		goto free_runs;
	sc->run = make_scale(rp, file, "run", "run", H5T_STD_I64LE, H5T_NATIVE_INT64,
			     meta->n_runs, runs);
	if (sc->run < 0 ||
	    write_labels(rp, sc->run, NULL, "run number: (arm x sweep points + point) x replications + replication", NULL))
		goto free_runs;
	sc->cls = make_class_scale(rp, file, meta);
	if (sc->cls < 0)
		goto free_runs;
	sc->bin = make_scale(rp, file, "bin", "bin", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
			     meta->n_bins, meta->bin_edges);
	if (sc->bin < 0 ||
	    write_labels(rp, sc->bin, "day",
			 "lower edge of time-to-close bin (the last bin also counts longer times)",
			 NULL))
		goto free_runs;
	sc->bin_edge = make_scale(rp, file, "bin_edge", edge_dim, H5T_IEEE_F64LE,
				  H5T_NATIVE_DOUBLE, meta->n_bins + 1, NULL);
	if (sc->bin_edge < 0 || make_bin_edges(rp, file, meta, sc->bin_edge))
		goto free_runs;
	if (meta->n_teams) {
		int64_t *teams = malloc(meta->n_teams * sizeof(*teams));
		if (!teams) {
			gs_io_fail(rp, "out of memory");
			goto free_runs;
		}
		for (size_t k = 0; k < meta->n_teams; k++)
			teams[k] = (int64_t)k;
		sc->team = make_scale(rp, file, "team", "team", H5T_STD_I64LE, H5T_NATIVE_INT64,
				      meta->n_teams, teams);
		free(teams);
		if (sc->team < 0 ||
		    write_labels(rp, sc->team, NULL, "team (0-based), each with its own manager", NULL))
			goto free_runs;
	}
	rc = 0;
free_runs:
	free(runs);
	return rc;
}

/* write_arms - every run's arm name into /arm, in one write. */
static int write_arms(const struct report *rp, struct gs_output *out)
{
	const char **arms = malloc((out->n_runs ? out->n_runs : 1) * sizeof(*arms));
	if (!arms) {
		gs_io_fail(rp, "out of memory");
		return -1;
	}
	for (size_t r = 0; r < out->n_runs; r++)
		arms[r] = out->arm_names[out->run_arm[r]];
	int rc = 0;
	if (H5Dwrite(out->arm, out->arm_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, arms) < 0) {
		gs_io_fail(rp, "cannot write arm");
		rc = -1;
	}
	free(arms);
	return rc;
}

/*
 * The per-run variables arm, replication and seed; arm and replication are
 * filled from the run numbering (gs_run_of) before runs are written.
 */
static int make_run_vars(const struct report *rp, struct gs_output *out, const struct scales *sc,
			 const struct gs_ensemble_meta *meta)
{
	hsize_t dims[1] = {out->n_runs};
	int no_replication = -1;
	uint64_t no_seed = 0;

	out->arm = make_dataset(rp, out->file, "arm", out->arm_type, 1, dims, NULL,
				out->arm_type, NULL);
	if (out->arm < 0 || attach(rp, out->arm, "arm", 1, &sc->run) ||
	    write_labels(rp, out->arm, NULL, "arm (regime) of the run", NULL))
		return -1;
	out->replication = make_dataset(rp, out->file, "replication", H5T_STD_I32LE, 1, dims,
					NULL, H5T_NATIVE_INT, &no_replication);
	if (out->replication < 0 || attach(rp, out->replication, "replication", 1, &sc->run) ||
	    write_labels(rp, out->replication, NULL,
			 "replication number (0-based; shared seed across arms)", NULL))
		return -1;
	out->seed = make_dataset(rp, out->file, "seed", H5T_STD_U64LE, 1, dims, NULL,
				 H5T_NATIVE_UINT64, &no_seed);
	if (out->seed < 0 || attach(rp, out->seed, "seed", 1, &sc->run) ||
	    write_labels(rp, out->seed, NULL, "seed of the run (0 until the run is written)", NULL))
		return -1;
	unsigned char not_done = 0;
	out->done = make_dataset(rp, out->file, "done", H5T_STD_U8LE, 1, dims, NULL,
				 H5T_NATIVE_UCHAR, &not_done);
	if (out->done < 0 || attach(rp, out->done, "done", 1, &sc->run) ||
	    write_labels(rp, out->done, NULL, "1 once the run is written (resuming skips it)",
			 NULL))
		return -1;
	uint64_t no_digest = 0;
	out->digest = make_dataset(rp, out->file, "digest", H5T_STD_U64LE, 1, dims, NULL,
				   H5T_NATIVE_UINT64, &no_digest);
	if (out->digest < 0 || attach(rp, out->digest, "digest", 1, &sc->run) ||
	    write_labels(rp, out->digest, NULL,
			 "FNV-1a 64-bit digest of the run's metrics, class metrics, histograms, "
			 "replication and seed, written before done (resuming reruns a run whose "
			 "data do not match it)",
			 NULL))
		return -1;

	if (write_arms(rp, out))
		return -1;
	int *repl = malloc(out->n_runs * sizeof(*repl));
	if (!repl) {
		gs_io_fail(rp, "out of memory");
		return -1;
	}
	for (size_t r = 0; r < out->n_runs; r++)
		repl[r] = (int)gs_run_of(meta, r).rep;
	int rc = 0;
	if (H5Dwrite(out->replication, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, repl) < 0) {
		gs_io_fail(rp, "cannot write replication");
		rc = -1;
	}
	free(repl);
	return rc;
}

/*
 * make_extra_run_vars - further per-run variables (sweep coordinates, the
 * design of a sensitivity analysis), known before any run; they join the
 * per-run coordinates of every table.
 */
static int make_extra_run_vars(const struct report *rp, struct gs_output *out,
			       const struct scales *sc, const struct gs_ensemble_meta *meta)
{
	size_t len = strlen(RUN_COORDINATES) + 1;
	for (size_t v = 0; v < meta->n_run_vars; v++)
		len += strlen(meta->run_var_names[v]) + 1;
	out->coordinates = malloc(len);
	double *col = malloc((out->n_runs ? out->n_runs : 1) * sizeof(*col));
	if (!out->coordinates || !col) {
		free(col);
		gs_io_fail(rp, "out of memory");
		return -1;
	}
	strcpy(out->coordinates, RUN_COORDINATES);
	hsize_t dims[1] = {out->n_runs};
	int rc = 0;
	for (size_t v = 0; v < meta->n_run_vars && !rc; v++) {
		const char *name = meta->run_var_names[v];
		strcat(out->coordinates, " ");
		strcat(out->coordinates, name);
		for (size_t r = 0; r < out->n_runs; r++)
			col[r] = meta->run_vars[r * meta->n_run_vars + v];
		hid_t ds = make_dataset(rp, out->file, name, H5T_IEEE_F64LE, 1, dims, NULL,
					H5T_NATIVE_DOUBLE, NULL);
		if (ds < 0) {
			rc = -1;
			break;
		}
		if (attach(rp, ds, name, 1, &sc->run) ||
		    write_labels(rp, ds, NULL, meta->run_var_desc ? meta->run_var_desc[v] : name,
				 NULL) ||
		    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, col) < 0) {
			if (rc == 0)
				gs_io_fail(rp, "cannot write a per-run variable");
			rc = -1;
		}
		H5Dclose(ds);
	}
	free(col);
	return rc;
}

/*
 * make_table - a chunked, compressed double dataset of shape (run,
 * cols[0], ..., cols[rank-2]) filled with NaN, with its labels and the
 * per-run coordinates. A chunk holds one run: all of every middle
 * dimension and up to CHUNK_MAX values of the last.
 */
static hid_t make_table(const struct report *rp, struct gs_output *out, const char *name,
			int rank, const hsize_t *cols, const char *units, const char *desc)
{
	hsize_t shape[MAX_RANK], chunk[MAX_RANK];
	double nan = NAN;
	shape[0] = out->n_runs;
	chunk[0] = 1;
	for (int d = 1; d < rank; d++)
		shape[d] = chunk[d] = cols[d - 1];
	if (chunk[rank - 1] > CHUNK_MAX)
		chunk[rank - 1] = CHUNK_MAX;
	/* many teams: a chunk holds as many whole rows as fit in CHUNK_VALUES */
	if (rank == 3 && chunk[1] * chunk[2] > CHUNK_VALUES)
		chunk[1] = CHUNK_VALUES / chunk[2] ? CHUNK_VALUES / chunk[2] : 1;
	hid_t ds = make_dataset(rp, out->file, name, H5T_IEEE_F64LE, rank, shape, chunk,
				H5T_NATIVE_DOUBLE, &nan);
	if (ds < 0)
		return H5I_INVALID_HID;
	if (write_labels(rp, ds, units, NULL, desc) ||
	    write_attr_string(rp, ds, "coordinates", out->coordinates) ||
	    write_attr_double(rp, ds, "_FillValue", nan)) {
		H5Dclose(ds);
		return H5I_INVALID_HID;
	}
	return ds;
}

/*
 * make_tables - one (run, time) dataset per metric, one (run, class, time)
 * dataset per class metric and the two (run, bin) histograms.
 */
/* "a - b" with suffix after every metric name: "a_by_class - b_by_class". */
static void suffixed(const char *expr, const char *suffix, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (const char *p = expr; *p && len + 1 < n;) {
		size_t k = strcspn(p, " ");
		len += (size_t)snprintf(buf + len, n - len, "%.*s%s", (int)k, p,
					(k == 1 && (*p == '+' || *p == '-')) ? "" : suffix);
		p += k;
		for (; *p == ' ' && len + 1 < n; p++)
			buf[len++] = ' ';
		buf[len] = 0;
	}
}

/*
 * The meaning of a metric's dataset: long_name (its label), plain_units,
 * aggregation ("flow", "stock", "weighted", "ratio") and the datasets a
 * whole-run value is weighted or divided by (weight; numerator and
 * denominator), as sums of dataset names.
 */
static int write_meaning(const struct report *rp, hid_t ds, const struct gs_metric_info *in,
			 const char *suffix)
{
	char a[256], b[256];
	suffixed(in->a, suffix, a, sizeof(a));
	suffixed(in->b, suffix, b, sizeof(b));
	if (write_attr_string(rp, ds, "long_name", in->label) ||
	    write_attr_string(rp, ds, "plain_units", in->unit_text) ||
	    write_attr_string(rp, ds, "aggregation", gs_aggregation_name(in->agg)))
		return -1;
	if (in->agg == GS_AGG_WEIGHTED && write_attr_string(rp, ds, "weight", a))
		return -1;
	if (in->agg == GS_AGG_RATIO && (write_attr_string(rp, ds, "numerator", a) ||
					write_attr_string(rp, ds, "denominator", b)))
		return -1;
	return 0;
}

static int make_tables(const struct report *rp, struct gs_output *out, const struct scales *sc)
{
	hid_t run_time[2] = {sc->run, sc->time};
	hid_t run_class_time[3] = {sc->run, sc->cls, sc->time};
	hid_t run_bin[2] = {sc->run, sc->bin};
	hid_t run_class_bin[3] = {sc->run, sc->cls, sc->bin};
	hsize_t by_class_bin[2] = {out->n_classes, out->n_bins};
	hsize_t by_time[1] = {out->n_time};
	hsize_t by_class_time[2] = {out->n_classes, out->n_time};
	hsize_t by_bin[1] = {out->n_bins};
	for (int m = 0; m < GS_N_METRICS; m++) {
		const struct gs_metric_info *in = &gs_metric_table[m];
		out->metric[m] = make_table(rp, out, in->name, 2, by_time, in->units, in->desc);
		if (out->metric[m] < 0 || write_meaning(rp, out->metric[m], in, "") ||
		    attach(rp, out->metric[m], in->name, 2, run_time))
			return -1;
	}
	for (int m = 0; m < GS_N_CLASS_METRICS; m++) {
		const struct gs_metric_info *in = &gs_class_metric_table[m];
		out->class_metric[m] = make_table(rp, out, gs_io_class_dataset[m], 3, by_class_time,
						  in->units, in->desc);
		if (out->class_metric[m] < 0 || write_meaning(rp, out->class_metric[m], in, "_by_class") ||
		    attach(rp, out->class_metric[m], gs_io_class_dataset[m], 3, run_class_time))
			return -1;
	}
	hid_t run_team_time[3] = {sc->run, sc->team, sc->time};
	hsize_t by_team_time[2] = {out->n_teams, out->n_time};
	for (int m = 0; out->n_teams && m < GS_N_TEAM_METRICS; m++) {
		const struct gs_metric_info *in = &gs_team_metric_table[m];
		out->team_metric[m] = make_table(rp, out, gs_io_team_dataset[m], 3, by_team_time,
						 in->units, in->desc);
		if (out->team_metric[m] < 0 || write_meaning(rp, out->team_metric[m], in, "_by_team") ||
		    attach(rp, out->team_metric[m], gs_io_team_dataset[m], 3, run_team_time))
			return -1;
	}
	for (int h = 0; h < N_HISTS; h++) {
		out->hist[h] = make_table(rp, out, hist_info[h].name, 2, by_bin, hist_info[h].units,
					  hist_info[h].desc);
		if (out->hist[h] < 0 || attach(rp, out->hist[h], hist_info[h].name, 2, run_bin))
			return -1;
		char desc[256];
		snprintf(desc, sizeof(desc), "%s, by demand class", hist_info[h].desc);
		out->hist_class[h] = make_table(rp, out, hist_class_name[h], 3, by_class_bin,
						hist_info[h].units, desc);
		if (out->hist_class[h] < 0 ||
		    attach(rp, out->hist_class[h], hist_class_name[h], 3, run_class_bin))
			return -1;
	}
	return 0;
}

/* A group creation property list: no timestamps, creation order kept. */
static hid_t group_plist(const struct report *rp, const char *name)
{
	unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
	hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
	if (gcpl < 0) {
		gs_io_fail(rp, "cannot set up group %s", name);
		return H5I_INVALID_HID;
	}
	if (H5Pset_obj_track_times(gcpl, 0) < 0 || H5Pset_link_creation_order(gcpl, order) < 0 ||
	    H5Pset_attr_creation_order(gcpl, order) < 0) {
		gs_io_fail(rp, "cannot set up group %s", name);
		H5Pclose(gcpl);
		return H5I_INVALID_HID;
	}
	return gcpl;
}

/* make_group - a new group `name` under loc, or -1 with a message. */
static hid_t make_group(const struct report *rp, hid_t loc, const char *name)
{
	hid_t gcpl = group_plist(rp, name);
	if (gcpl < 0)
		return H5I_INVALID_HID;
	hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
	if (g < 0)
		gs_io_fail(rp, "cannot create group %s", name);
	H5Pclose(gcpl);
	return g;
}

/* Every resolved parameter of one arm as a text attribute "section.key" or "class.NAME.key". */
static int write_parameters(const struct report *rp, hid_t loc, const char *arm,
			    const struct gs_params *p)
{
	int rc = -1;
	char key[PARAM_KEY_MAX], value[256];
	hid_t g = make_group(rp, loc, arm);
	if (g < 0)
		return -1;
	for (size_t i = 0; i < gs_param_count; i++) {
		int n = gs_io_param_copies(p, i);
		for (int c = 0; c < n; c++) {
			gs_io_param_key(p, i, c, key, sizeof(key));
			gs_param_format(p, i, c, value, sizeof(value));
			if (write_attr_string(rp, g, key, value))
				goto close_group;
		}
	}
	rc = 0;
close_group:
	H5Gclose(g);
	return rc;
}

/* created - the time now (or $SOURCE_DATE_EPOCH) as UTC ISO-8601. */
static void created(char *buf, size_t n)
{
	time_t t = time(NULL);
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		long long v = strtoll(epoch, &end, 10);
		if (*end == 0 && v >= 0)
			t = (time_t)v;
	}
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "unknown");
}

/* write_scenario_text - the scenario text as the scalar string dataset `scenario` of loc. */
static int write_scenario_text(const struct report *rp, hid_t loc, const char *text)
{
	int rc = -1;
	const char *s = text ? text : "";
	hid_t t = gs_io_string_type();
	if (t < 0) {
		gs_io_fail(rp, "cannot make a string type for provenance/scenario");
		return -1;
	}
	hid_t space = H5Screate(H5S_SCALAR);
	if (space < 0) {
		gs_io_fail(rp, "cannot write provenance/scenario");
		goto close_type;
	}
	hid_t dcpl = dataset_plist(rp, "provenance/scenario", 0, NULL, t, NULL);
	if (dcpl < 0)
		goto close_space;
	hid_t ds = H5Dcreate2(loc, "scenario", t, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	if (ds < 0) {
		gs_io_fail(rp, "cannot create provenance/scenario");
		goto close_plist;
	}
	if (H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) < 0) {
		gs_io_fail(rp, "cannot write provenance/scenario");
		goto close_ds;
	}
	if (write_labels(rp, ds, NULL, NULL, "full text of the scenario, includes expanded"))
		goto close_ds;
	rc = 0;
close_ds:
	H5Dclose(ds);
close_plist:
	H5Pclose(dcpl);
close_space:
	H5Sclose(space);
close_type:
	H5Tclose(t);
	return rc;
}

/* The /provenance group and the root attributes. */
static int write_provenance(const struct report *rp, hid_t file,
			    const struct gs_ensemble_meta *meta)
{
	int rc = -1;
	char when[32];
	created(when, sizeof(when));

	if (write_attr_string(rp, file, "govsim_version", GS_VERSION) ||
	    write_attr_string(rp, file, "git_revision", gs_git_revision()) ||
	    write_attr_uint64(rp, file, "seed", meta->seed) ||
	    write_attr_string(rp, file, "generator", GENERATOR) ||
	    write_attr_string(rp, file, "scenario_name", meta->scenario_name))
		return -1;

	hid_t g = make_group(rp, file, "provenance");
	if (g < 0)
		return -1;
	if (write_attr_string(rp, g, "govsim_version", GS_VERSION) ||
	    write_attr_string(rp, g, "git_revision", gs_git_revision()) ||
	    write_attr_string(rp, g, "compiler", gs_compiler()) ||
	    write_attr_string(rp, g, "cflags", gs_cflags()) ||
	    write_attr_string(rp, g, "gsl_version", gs_gsl_version()) ||
	    write_attr_string(rp, g, "hdf5_version", gs_output_library_version()) ||
	    write_attr_string(rp, g, "generator", GENERATOR) ||
	    write_attr_uint64(rp, g, "seed", meta->seed) ||
	    write_attr_int(rp, g, "threads", meta->threads) ||
	    write_attr_string(rp, g, "created", when) ||
	    write_attr_string(rp, g, "command_line", meta->command_line) ||
	    write_attr_string(rp, g, "scenario_name", meta->scenario_name) ||
	    write_attr_string(rp, g, "scenario_path", meta->scenario_path))
		goto close_group;
	/* a shard: which one, so that govsim merge can check it has every shard once */
	if (meta->n_shards && (write_attr_uint64(rp, g, "shard", meta->shard) ||
			       write_attr_uint64(rp, g, "shards", meta->n_shards)))
		goto close_group;
	if (write_scenario_text(rp, g, meta->scenario_text))
		goto close_group;

	hid_t params = make_group(rp, g, "parameters");
	if (params < 0)
		goto close_group;
	for (size_t a = 0; a < meta->n_arms; a++)
		if (write_parameters(rp, params, meta->arm_names[a], &meta->arm_params[a]))
			goto close_params;
	rc = 0;
close_params:
	H5Gclose(params);
close_group:
	H5Gclose(g);
	return rc;
}

/*
 * write_game - a participatory game's choices (the scenario's [game]
 * section, resolved): the group `game` with dataset `decisions` (team,
 * round, lever), NaN where the team kept the arm's value. Nothing without
 * a game.
 */
static int write_game(const struct report *rp, hid_t file, const struct gs_ensemble_meta *meta)
{
	const struct gs_game *game = NULL;
	char arms[1024] = "";
	for (size_t a = 0; a < meta->n_arms; a++) {
		if (!meta->arm_params[a].game)
			continue;
		game = meta->arm_params[a].game;
		size_t len = strlen(arms);
		snprintf(arms + len, sizeof(arms) - len, "%s%s", len ? "," : "", meta->arm_names[a]);
	}
	if (!game)
		return 0;
	int rc = -1;
	hid_t g = make_group(rp, file, "game");
	if (g < 0)
		return -1;
	hsize_t dims[3] = {game->n_teams, game->n_rounds, GS_N_LEVERS};
	hid_t ds = make_dataset(rp, g, "decisions", H5T_IEEE_F64LE, 3, dims, NULL, H5T_NATIVE_DOUBLE,
				NULL);
	if (ds < 0)
		goto close_group;
	if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, game->value) < 0) {
		gs_io_fail(rp, "cannot write game/decisions");
		goto close_ds;
	}
	if (write_labels(rp, ds, NULL, "the game's choices",
			 "each team's levers round by round (team, round, lever: pressure = "
			 "regime.target_pressure, learning = regime.learning_time, chasing = "
			 "regime.weight_breach, honest = 1 on, 0 off); NaN: the arm's value") ||
	    write_attr_string(rp, ds, "levers", "pressure,learning,chasing,honest") ||
	    write_attr_double(rp, g, "round_days",
			      game->round * meta->arm_params[0].simulation.tick / GS_MIN_PER_DAY) ||
	    write_attr_string(rp, g, "arms", arms))
		goto close_ds;
	rc = 0;
close_ds:
	H5Dclose(ds);
close_group:
	H5Gclose(g);
	return rc;
}

/* check_meta - refuse an ensemble the file cannot describe, with a message. */
static int check_meta(const struct report *rp, const struct gs_ensemble_meta *meta)
{
	const char *why = NULL;
	if (!meta->n_arms || !meta->arm_names || !meta->arm_params)
		why = "no arms";
	else if (!meta->n_runs || !meta->n_points || !meta->n_reps ||
		 meta->n_runs != meta->n_arms * meta->n_points * meta->n_reps)
		why = "the number of runs is not arms x sweep points x replications";
	else if (!meta->n_time || !meta->time)
		why = "no output intervals";
	else if (!meta->n_bins || !meta->bin_edges)
		why = "no histogram bins";
	else if (!meta->n_classes || !meta->class_names)
		why = "no demand classes (every scenario has at least one)";
	for (size_t a = 0; !why && a < meta->n_arms; a++) {
		const char *s = meta->arm_names[a];
		if (!s || !*s || strchr(s, '/') || strcmp(s, ".") == 0)
			why = "an arm name is empty or not usable as an HDF5 group name";
	}
	for (size_t c = 0; !why && c < meta->n_classes; c++) {
		const char *s = meta->class_names[c];
		if (!s || !*s)
			why = "a class name is empty";
		for (size_t k = 0; !why && k < c; k++)
			if (strcmp(meta->class_names[k], s) == 0)
				why = "two classes have the same name";
	}
	if (why) {
		snprintf(rp->err, rp->errlen, "%s: cannot create the result file: %s", rp->path,
			 why);
		return -1;
	}
	return 0;
}

/* Copies of the arm names, and the string type they are written as. */
static int make_arm_names(const struct report *rp, struct gs_output *out,
			  const struct gs_ensemble_meta *meta)
{
	out->arm_names = calloc(meta->n_arms, sizeof(*out->arm_names));
	if (!out->arm_names) {
		gs_io_fail(rp, "out of memory");
		return -1;
	}
	for (size_t a = 0; a < meta->n_arms; a++) {
		out->arm_names[a] = malloc(strlen(meta->arm_names[a]) + 1);
		if (!out->arm_names[a]) {
			gs_io_fail(rp, "out of memory");
			return -1;
		}
		strcpy(out->arm_names[a], meta->arm_names[a]);
	}
	out->arm_type = gs_io_string_type();
	if (out->arm_type < 0) {
		gs_io_fail(rp, "cannot make the string type of arm");
		return -1;
	}
	return 0;
}

/*
 * The memory dataspaces of one run of a metric, of a class metric, of a
 * histogram, and of one value.
 */
static int make_memory_spaces(const struct report *rp, struct gs_output *out)
{
	hsize_t n_time[1] = {out->n_time}, n_bins[1] = {out->n_bins}, one[1] = {1};
	hsize_t class_time[2] = {out->n_classes, out->n_time};
	out->row_time = H5Screate_simple(1, n_time, NULL);
	out->slab_class = H5Screate_simple(2, class_time, NULL);
	hsize_t class_bin[2] = {out->n_classes, out->n_bins};
	out->slab_class_bin = H5Screate_simple(2, class_bin, NULL);
	out->row_bin = H5Screate_simple(1, n_bins, NULL);
	out->one = H5Screate_simple(1, one, NULL);
	hsize_t team_time[2] = {out->n_teams, out->n_time};
	if (out->n_teams)
		out->slab_team = H5Screate_simple(2, team_time, NULL);
	if (out->row_time < 0 || out->slab_class < 0 || out->slab_class_bin < 0 ||
	    out->row_bin < 0 || out->one < 0 || (out->n_teams && out->slab_team < 0)) {
		gs_io_fail(rp, "cannot make memory dataspaces");
		return -1;
	}
	return 0;
}

/* create_file - create (truncate) the file: no timestamps, creation order kept. */
static hid_t create_file(const struct report *rp)
{
	unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
	hid_t file = H5I_INVALID_HID;
	hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
	if (fcpl < 0) {
		gs_io_fail(rp, "cannot create");
		return H5I_INVALID_HID;
	}
	if (H5Pset_obj_track_times(fcpl, 0) < 0 || H5Pset_link_creation_order(fcpl, order) < 0 ||
	    H5Pset_attr_creation_order(fcpl, order) < 0) {
		gs_io_fail(rp, "cannot create");
		goto close_plist;
	}
	hid_t fapl = gs_io_fapl();
	/* the file is ours (created and locked by gs_io_lock): truncating it truncates nothing */
	file = fapl < 0 ? H5I_INVALID_HID : H5Fcreate(rp->path, H5F_ACC_TRUNC, fcpl, fapl);
	if (file < 0)
		gs_io_fail(rp, "cannot create");
	if (fapl >= 0)
		H5Pclose(fapl);
close_plist:
	H5Pclose(fcpl);
	return file;
}

/* close_scale_ids - close the dimension scales; false if any close failed. */
static bool close_scale_ids(struct scales *sc)
{
	bool ok = true;
	close_id(&sc->time, H5Dclose, &ok);
	close_id(&sc->run, H5Dclose, &ok);
	close_id(&sc->cls, H5Dclose, &ok);
	close_id(&sc->bin, H5Dclose, &ok);
	close_id(&sc->bin_edge, H5Dclose, &ok);
	close_id(&sc->team, H5Dclose, &ok);
	return ok;
}

/*
 * new_output - a new output for meta, its identifiers invalid, its names and
 * memory spaces made; NULL on failure.
 */
static struct gs_output *new_output(const struct report *rp, const struct gs_ensemble_meta *meta)
{
	struct gs_output *o = calloc(1, sizeof(*o));
	if (!o || !(o->path = gs_strdup(rp->path))) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		free(o);
		return NULL;
	}
	o->file = o->arm = o->replication = o->seed = o->done = o->digest = H5I_INVALID_HID;
	o->lock_fd = -1;
	o->arm_type = o->row_time = o->row_bin = o->one = o->slab_class = H5I_INVALID_HID;
	o->slab_class_bin = o->slab_team = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_TEAM_METRICS; m++)
		o->team_metric[m] = H5I_INVALID_HID;
	for (int h = 0; h < N_HISTS; h++)
		o->hist_class[h] = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_METRICS; m++)
		o->metric[m] = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		o->class_metric[m] = H5I_INVALID_HID;
	for (int h = 0; h < N_HISTS; h++)
		o->hist[h] = H5I_INVALID_HID;
	o->n_runs = meta->n_runs;
	o->n_time = meta->n_time;
	o->n_bins = meta->n_bins;
	o->n_arms = meta->n_arms;
	o->n_classes = meta->n_classes;
	o->n_teams = meta->n_teams;
	o->run_arm = malloc((meta->n_runs ? meta->n_runs : 1) * sizeof(*o->run_arm));
	if (!o->run_arm) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		free_output(o);
		return NULL;
	}
	for (size_t r = 0; r < meta->n_runs; r++)
		o->run_arm[r] = (unsigned)gs_run_of(meta, r).arm;
	if (make_arm_names(rp, o, meta) || make_memory_spaces(rp, o)) {
		close_all(o);
		free_output(o);
		return NULL;
	}
	return o;
}

/* gs_io_writer_new - meta checked, a writer for it without a file; NULL with a message. */
struct gs_output *gs_io_writer_new(const struct report *rp, const struct gs_ensemble_meta *meta)
{
	if (check_meta(rp, meta))
		return NULL;
	return new_output(rp, meta);
}

/* gs_output_create - a new result file laid out for meta, its provenance written. */
int gs_output_create(const char *path, const struct gs_ensemble_meta *meta,
		     struct gs_output **out, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	struct scales sc = {H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID,
			    H5I_INVALID_HID, H5I_INVALID_HID};

	*out = NULL;
	gs_io_quiet();
	struct gs_output *o = gs_io_writer_new(&rp, meta);
	if (!o)
		return -1;
	o->lock_fd = gs_io_lock(&rp, true);
	if (o->lock_fd < 0)
		goto free_out;
	o->file = create_file(&rp);
	if (o->file < 0)
		goto remove_file;
	if (make_scales(&rp, o->file, meta, &sc) || make_run_vars(&rp, o, &sc, meta) ||
	    make_extra_run_vars(&rp, o, &sc, meta) || make_tables(&rp, o, &sc) ||
	    write_provenance(&rp, o->file, meta) || write_game(&rp, o->file, meta))
		goto close_scales;
	if (!close_scale_ids(&sc)) {
		gs_io_fail(&rp, "cannot close the dimension scales");
		goto remove_file;
	}
	/*
	 * The layout, the arms' names and the provenance reach the disk before
	 * any run is written. The names are variable-length strings, in a heap
	 * that no later write touches, so a process killed mid-flush later
	 * cannot leave a run pointing at another run's name.
	 */
	if (H5Fflush(o->file, H5F_SCOPE_LOCAL) < 0) {
		gs_io_fail(&rp, "cannot write to disk");
		goto remove_file;
	}
	*out = o;
	return 0;

close_scales:
	close_scale_ids(&sc);
remove_file:
	close_all(o);
	remove(path);
	free_output(o);
	return -1;
free_out:
	close_all(o);
	free_output(o);
	return -1;
}

/*
 * write_row - all of run `run` of the dataset ds (a row of a (run, time)
 * or (run, bin) table, a class x time slab of a (run, class, time) one)
 * from buf, described by the memory space mem.
 */
static int xfer_row(const struct report *rp, hid_t ds, const char *name, size_t run,
		    hid_t mem, double *buf, bool read)
{
	int rc = -1;
	const char *verb = read ? "read" : "write";
	hsize_t start[MAX_RANK] = {0}, count[MAX_RANK];
	hid_t space = H5Dget_space(ds);
	if (space < 0) {
		gs_io_fail(rp, "cannot %s run %zu of %s", verb, run, name);
		return -1;
	}
	int rank = H5Sget_simple_extent_ndims(space);
	if (rank < 1 || rank > MAX_RANK || H5Sget_simple_extent_dims(space, count, NULL) < 0) {
		gs_io_fail(rp, "cannot %s run %zu of %s", verb, run, name);
		goto close_space;
	}
	start[0] = run;
	count[0] = 1;
	if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
	    (read ? H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf)
		  : H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf)) < 0) {
		gs_io_fail(rp, "cannot %s run %zu of %s", verb, run, name);
		goto close_space;
	}
	rc = 0;
close_space:
	H5Sclose(space);
	return rc;
}

/* write_row - row `run` of ds from buf (see xfer_row). */
static int write_row(const struct report *rp, hid_t ds, const char *name, size_t run,
		     hid_t mem, const double *buf)
{
	return xfer_row(rp, ds, name, run, mem, (double *)buf, false);
}

/* write_element - element `run` of the 1-D dataset ds from value (memory type mtype). */
static int write_element(const struct report *rp, hid_t ds, const char *name, size_t run,
			 hid_t mem, hid_t mtype, const void *value)
{
	int rc = -1;
	hid_t space = H5Dget_space(ds);
	if (space < 0) {
		gs_io_fail(rp, "cannot write run %zu of %s", run, name);
		return -1;
	}
	hsize_t start[1] = {run}, count[1] = {1};
	if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
	    H5Dwrite(ds, mtype, mem, space, H5P_DEFAULT, value) < 0) {
		gs_io_fail(rp, "cannot write run %zu of %s", run, name);
		goto close_space;
	}
	rc = 0;
close_space:
	H5Sclose(space);
	return rc;
}

/* write_tables - row `run` of every metric, class metric and histogram, from r. */
static int write_tables(const struct report *rp, struct gs_output *out, size_t run,
			const struct gs_run_result *r)
{
	for (int m = 0; m < GS_N_METRICS; m++)
		if (write_row(rp, out->metric[m], gs_metric_table[m].name, run, out->row_time,
			      r->series + (size_t)m * out->n_time))
			return -1;
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		if (write_row(rp, out->class_metric[m], gs_io_class_dataset[m], run,
			      out->slab_class,
			      r->class_series + (size_t)m * out->n_classes * out->n_time))
			return -1;
	for (int m = 0; out->n_teams && m < GS_N_TEAM_METRICS; m++)
		if (write_row(rp, out->team_metric[m], gs_io_team_dataset[m], run, out->slab_team,
			      r->team_series + (size_t)m * out->n_teams * out->n_time))
			return -1;
	if (write_row(rp, out->hist[HIST_RECORDED], hist_info[HIST_RECORDED].name, run,
		      out->row_bin, r->hist_recorded) ||
	    write_row(rp, out->hist[HIST_TRUE], hist_info[HIST_TRUE].name, run, out->row_bin,
		      r->hist_true))
		return -1;
	/* by class: optional (NaN until written) */
	const double *by_class[N_HISTS] = {r->hist_recorded_class, r->hist_true_class};
	for (int h = 0; h < N_HISTS; h++)
		if (by_class[h] && write_row(rp, out->hist_class[h], hist_class_name[h], run,
					     out->slab_class_bin, by_class[h]))
			return -1;
	return 0;
}

/*
 * run_digest - what /digest holds for a run: FNV-1a of its metrics, class
 * metrics, team metrics (if the file has them), both histograms,
 * replication and seed, in that order.
 */
static uint64_t run_digest(const struct gs_output *out, const double *series,
			   const double *class_series, const double *team_series,
			   const double *hist_rec, const double *hist_true, int replication,
			   uint64_t seed)
{
	uint64_t h = GS_HASH64_INIT;
	h = gs_hash64(series, GS_N_METRICS * out->n_time * sizeof(double), h);
	h = gs_hash64(class_series, GS_N_CLASS_METRICS * out->n_classes * out->n_time * sizeof(double),
		      h);
	if (out->n_teams)
		h = gs_hash64(team_series,
			      GS_N_TEAM_METRICS * out->n_teams * out->n_time * sizeof(double), h);
	h = gs_hash64(hist_rec, out->n_bins * sizeof(double), h);
	h = gs_hash64(hist_true, out->n_bins * sizeof(double), h);
	h = gs_hash64(&replication, sizeof(replication), h);
	return gs_hash64(&seed, sizeof(seed), h);
}

/* digest_values - the values of a run its digest covers (read_run's layout). */
static size_t digest_values(const struct gs_output *out)
{
	return (GS_N_METRICS + GS_N_CLASS_METRICS * out->n_classes +
		GS_N_TEAM_METRICS * out->n_teams) * out->n_time + 2 * out->n_bins;
}

/*
 * read_run - run `run` of out read back into buf (laid out as check_run
 * says), with its replication, seed and stored digest. Returns 0, or -1
 * with a message.
 */
static int read_run(const struct report *rp, struct gs_output *out, size_t run, double *buf,
		    int *replication, uint64_t *seed, uint64_t *stored)
{
	double *series = buf, *class_series = series + GS_N_METRICS * out->n_time;
	double *team_series = class_series + GS_N_CLASS_METRICS * out->n_classes * out->n_time;
	double *hist_rec = team_series + GS_N_TEAM_METRICS * out->n_teams * out->n_time;
	double *hist_true = hist_rec + out->n_bins;
	for (int m = 0; m < GS_N_METRICS; m++)
		if (xfer_row(rp, out->metric[m], gs_metric_table[m].name, run, out->row_time,
			     series + (size_t)m * out->n_time, true))
			return -1;
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		if (xfer_row(rp, out->class_metric[m], gs_io_class_dataset[m], run, out->slab_class,
			     class_series + (size_t)m * out->n_classes * out->n_time, true))
			return -1;
	for (int m = 0; out->n_teams && m < GS_N_TEAM_METRICS; m++)
		if (xfer_row(rp, out->team_metric[m], gs_io_team_dataset[m], run, out->slab_team,
			     team_series + (size_t)m * out->n_teams * out->n_time, true))
			return -1;
	if (xfer_row(rp, out->hist[HIST_RECORDED], hist_info[HIST_RECORDED].name, run,
		     out->row_bin, hist_rec, true) ||
	    xfer_row(rp, out->hist[HIST_TRUE], hist_info[HIST_TRUE].name, run, out->row_bin,
		     hist_true, true))
		return -1;
	hsize_t start[1] = {run}, count[1] = {1};
	hid_t space = H5Dget_space(out->digest);
	int ok = space >= 0 &&
		 H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
		 H5Dread(out->digest, H5T_NATIVE_UINT64, out->one, space, H5P_DEFAULT, stored) >= 0 &&
		 H5Dread(out->replication, H5T_NATIVE_INT, out->one, space, H5P_DEFAULT,
			 replication) >= 0 &&
		 H5Dread(out->seed, H5T_NATIVE_UINT64, out->one, space, H5P_DEFAULT, seed) >= 0;
	if (!ok)
		gs_io_fail(rp, "cannot read run %zu", run);
	if (space >= 0)
		H5Sclose(space);
	return ok ? 0 : -1;
}

/* digest_of - the digest of a run read by read_run into buf. */
static uint64_t digest_of(const struct gs_output *out, const double *buf, int replication,
			  uint64_t seed)
{
	const double *class_series = buf + GS_N_METRICS * out->n_time;
	const double *team_series = class_series + GS_N_CLASS_METRICS * out->n_classes * out->n_time;
	const double *hist_rec = team_series + GS_N_TEAM_METRICS * out->n_teams * out->n_time;
	return run_digest(out, buf, class_series, team_series, hist_rec, hist_rec + out->n_bins,
			  replication, seed);
}

/*
 * check_run - read run `run` back and compare its digest with the one
 * stored: 1 if they agree, 0 if not or if the run cannot be read.
 */
static int check_run(const struct report *rp, struct gs_output *out, size_t run, double *buf)
{
	int replication;
	uint64_t seed, stored;
	if (read_run(rp, out, run, buf, &replication, &seed, &stored))
		return 0;
	return digest_of(out, buf, replication, seed) == stored;
}

/* gs_output_write_run - every dataset's row of run `run`, then the run marked done. */
int gs_output_write_run(struct gs_output *out, size_t run, const struct gs_run_result *r,
			char *err, size_t errlen)
{
	struct report rp = {out->path, err, errlen};
	gs_io_quiet();
	if (run >= out->n_runs) {
		snprintf(err, errlen, "%s: run %zu out of range (the file has %zu runs)", out->path,
			 run, out->n_runs);
		return -1;
	}
	if (r->arm < 0 || (size_t)r->arm >= out->n_arms || r->replication < 0) {
		snprintf(err, errlen, "%s: run %zu: arm %d or replication %d out of range",
			 out->path, run, r->arm, r->replication);
		return -1;
	}
	if (!r->series || !r->class_series || !r->hist_recorded || !r->hist_true ||
	    (out->n_teams && (!r->team_series || r->n_teams != out->n_teams))) {
		snprintf(err, errlen, "%s: run %zu has no results", out->path, run);
		return -1;
	}
	if (write_tables(&rp, out, run, r))
		return -1;
	/* the arm is not written again: create wrote every run's, from the numbering */
	if (out->run_arm && (unsigned)r->arm != out->run_arm[run]) {
		snprintf(err, errlen, "%s: run %zu is of arm %s, not %s", out->path, run,
			 out->arm_names[out->run_arm[run]], out->arm_names[r->arm]);
		return -1;
	}
	if (write_element(&rp, out->replication, "replication", run, out->one, H5T_NATIVE_INT,
			  &r->replication) ||
	    write_element(&rp, out->seed, "seed", run, out->one, H5T_NATIVE_UINT64, &r->seed))
		return -1;
	/* the digest of what was written, then done: a run is trusted only with both */
	uint64_t digest = run_digest(out, r->series, r->class_series, r->team_series,
				     r->hist_recorded, r->hist_true, r->replication, r->seed);
	if (write_element(&rp, out->digest, "digest", run, out->one, H5T_NATIVE_UINT64, &digest))
		return -1;
	unsigned char one = 1;
	if (write_element(&rp, out->done, "done", run, out->one, H5T_NATIVE_UCHAR, &one))
		return -1;
	/* runs written reach the disk at least every second (and at close; in parallel, a
	   flush is collective: at close only) */
	time_t now = time(NULL);
	if (!out->parallel && now != out->flushed) {
		out->flushed = now;
		if (H5Fflush(out->file, H5F_SCOPE_LOCAL) < 0) {
			gs_io_fail(&rp, "cannot write to disk");
			return -1;
		}
	}
	return 0;
}

/*
 * arms_read_back - the first run whose /arm element does not read back to
 * its arm's name, or n_runs if every one does. The names are written once,
 * when the file is created; a file killed while being created can hold
 * references to strings that never reached the disk.
 */
static size_t arms_read_back(struct gs_output *out)
{
	if (!out->run_arm)
		return out->n_runs; /* opened on a file as it is (gs_io_writer_open): nothing to expect */
	char **got = calloc(out->n_runs ? out->n_runs : 1, sizeof(*got));
	if (!got)
		return 0;
	size_t bad = 0;
	if (H5Dread(out->arm, out->arm_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0) {
		for (bad = 0; bad < out->n_runs; bad++)
			if (!got[bad] || strcmp(got[bad], out->arm_names[out->run_arm[bad]]) != 0)
				break;
		for (size_t r = 0; r < out->n_runs; r++)
			if (got[r])
				H5free_memory(got[r]);
	}
	free(got);
	return bad;
}

/* read_arm - element `run` of /arm into a malloc'd *name (NULL if none); -1 if unreadable. */
static int read_arm(struct gs_output *out, size_t run, char **name)
{
	hsize_t start[1] = {run}, count[1] = {1};
	char *got = NULL;
	hid_t space = H5Dget_space(out->arm);
	int ok = space >= 0 &&
		 H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
		 H5Dread(out->arm, out->arm_type, out->one, space, H5P_DEFAULT, &got) >= 0;
	if (space >= 0)
		H5Sclose(space);
	*name = got ? gs_strdup(got) : NULL;
	if (got)
		H5free_memory(got);
	return ok && (*name || !got) ? 0 : -1;
}

int gs_io_writer_check_run(const struct report *rp, struct gs_output *out, size_t run,
			   double *buf)
{
	char quiet[256];
	struct report silent = {rp->path, quiet, sizeof(quiet)};
	int rc = check_run(&silent, out, run, buf) ? 0 : 1;
	H5Eclear2(H5E_DEFAULT);
	return rc;
}

int gs_io_writer_copy_run(const struct report *src_rp, struct gs_output *src,
			  const struct report *dst_rp, struct gs_output *dst, size_t run,
			  double *buf)
{
	char quiet[256];
	struct report silent = {src_rp->path, quiet, sizeof(quiet)};
	int replication;
	uint64_t seed, stored;
	char *arm = NULL, *want = NULL;
	int rc = 1;
	if (read_run(&silent, src, run, buf, &replication, &seed, &stored) ||
	    digest_of(src, buf, replication, seed) != stored)
		goto out; /* damaged */
	if (read_arm(src, run, &arm) || read_arm(dst, run, &want) || !arm || !want ||
	    strcmp(arm, want) != 0)
		goto out; /* the arm's string did not survive, or another plan's */
	/* the by-class histograms are not in the digest: copied as they are */
	double *rec_class = buf + digest_values(src), *true_class = rec_class + src->n_classes * src->n_bins;
	if (xfer_row(src_rp, src->hist_class[HIST_RECORDED], hist_class_name[HIST_RECORDED], run,
		     src->slab_class_bin, rec_class, true) ||
	    xfer_row(src_rp, src->hist_class[HIST_TRUE], hist_class_name[HIST_TRUE], run,
		     src->slab_class_bin, true_class, true)) {
		rc = -1;
		goto out;
	}
	double *class_series = buf + GS_N_METRICS * src->n_time;
	double *team_series = class_series + GS_N_CLASS_METRICS * src->n_classes * src->n_time;
	double *hist_rec = team_series + GS_N_TEAM_METRICS * src->n_teams * src->n_time;
	struct gs_run_result r = {
		.replication = replication,
		.seed = seed,
		.series = buf,
		.class_series = class_series,
		.team_series = team_series,
		.n_teams = src->n_teams,
		.hist_recorded = hist_rec,
		.hist_true = hist_rec + src->n_bins,
		.hist_recorded_class = rec_class,
		.hist_true_class = true_class,
	};
	unsigned char one = 1;
	rc = -1;
	if (write_tables(dst_rp, dst, run, &r) ||
	    write_element(dst_rp, dst->arm, "arm", run, dst->one, dst->arm_type, &arm) ||
	    write_element(dst_rp, dst->replication, "replication", run, dst->one, H5T_NATIVE_INT,
			  &replication) ||
	    write_element(dst_rp, dst->seed, "seed", run, dst->one, H5T_NATIVE_UINT64, &seed) ||
	    write_element(dst_rp, dst->digest, "digest", run, dst->one, H5T_NATIVE_UINT64,
			  &stored) ||
	    write_element(dst_rp, dst->done, "done", run, dst->one, H5T_NATIVE_UCHAR, &one))
		goto out;
	rc = 0;
out:
	H5Eclear2(H5E_DEFAULT);
	free(arm);
	free(want);
	return rc;
}

int gs_io_writer_read_done(const struct report *rp, struct gs_output *out, unsigned char *done)
{
	if (H5Dread(out->done, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) < 0) {
		gs_io_fail(rp, "cannot read /done");
		return -1;
	}
	return 0;
}

size_t gs_io_writer_runs(const struct gs_output *out)
{
	return out->n_runs;
}

/* gs_output_close - flush, close every object and free out. */
int gs_output_close(struct gs_output *out, char *err, size_t errlen)
{
	struct report rp = {out->path, err, errlen};
	int rc = 0;
	gs_io_quiet();
	if (H5Fflush(out->file, H5F_SCOPE_LOCAL) < 0) {
		gs_io_fail(&rp, "cannot write to disk");
		rc = -1;
	}
	if (!close_all(out) && rc == 0) {
		gs_io_fail(&rp, "cannot close");
		rc = -1;
	}
	free_output(out);
	return rc;
}

/*
 * gs_output_commit - close out and rename its file to final_path while its
 * lock is still held: only the process that created (or resumed) a partial
 * renames it. Frees out.
 */
int gs_output_commit(struct gs_output *out, const char *final_path, char *err, size_t errlen)
{
	int lock_fd = out->lock_fd;
	out->lock_fd = -1; /* kept until the rename */
	char *path = gs_strdup(out->path);
	/* a file whose runs do not name their arms is never given the final name */
	size_t bad = arms_read_back(out);
	H5Eclear2(H5E_DEFAULT);
	int rc = 0;
	if (bad < out->n_runs) {
		snprintf(err, errlen, "%s: the arm of run %zu does not read back; no %s written",
			 out->path, bad, final_path);
		close_all(out);
		free_output(out);
		rc = -1;
	} else {
		rc = gs_output_close(out, err, errlen);
	}
	if (rc == 0 && !path) {
		snprintf(err, errlen, "%s: out of memory", final_path);
		rc = -1;
	}
	if (rc == 0 && rename(path, final_path) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", path, final_path, strerror(errno));
		rc = -1;
	}
	if (rc != 0 && path)
		remove(path);
	free(path);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}

/* gs_output_discard - an earlier run's partial removed, unless another process holds it. */
int gs_output_discard(const char *path, char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	if (access(path, F_OK) < 0)
		return 0;
	int fd = gs_io_lock(&rp, false);
	if (fd < 0)
		return -1;
	int rc = 0;
	if (unlink(path) < 0) {
		snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

/* gs_output_abort - close and free out, errors ignored. */
void gs_output_abort(struct gs_output *out)
{
	if (!out)
		return;
	gs_io_quiet();
	close_all(out);
	free_output(out);
}

/*
 * open_datasets - open every dataset of out->file that runs are written to;
 * false if any would not open.
 */
static bool open_datasets(struct gs_output *out)
{
	for (int m = 0; m < GS_N_METRICS; m++)
		out->metric[m] = H5Dopen2(out->file, gs_metric_table[m].name, H5P_DEFAULT);
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		out->class_metric[m] = H5Dopen2(out->file, gs_io_class_dataset[m], H5P_DEFAULT);
	for (int m = 0; out->n_teams && m < GS_N_TEAM_METRICS; m++)
		out->team_metric[m] = H5Dopen2(out->file, gs_io_team_dataset[m], H5P_DEFAULT);
	for (int h = 0; h < N_HISTS; h++) {
		out->hist[h] = H5Dopen2(out->file, hist_info[h].name, H5P_DEFAULT);
		out->hist_class[h] = H5Dopen2(out->file, hist_class_name[h], H5P_DEFAULT);
	}
	out->arm = H5Dopen2(out->file, "arm", H5P_DEFAULT);
	out->replication = H5Dopen2(out->file, "replication", H5P_DEFAULT);
	out->seed = H5Dopen2(out->file, "seed", H5P_DEFAULT);
	out->done = H5Dopen2(out->file, "done", H5P_DEFAULT);
	out->digest = H5Dopen2(out->file, "digest", H5P_DEFAULT);
	bool opened = out->arm >= 0 && out->replication >= 0 && out->seed >= 0 && out->done >= 0 &&
		      out->digest >= 0;
	for (int m = 0; m < GS_N_METRICS; m++)
		opened = opened && out->metric[m] >= 0;
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		opened = opened && out->class_metric[m] >= 0;
	for (int m = 0; out->n_teams && m < GS_N_TEAM_METRICS; m++)
		opened = opened && out->team_metric[m] >= 0;
	for (int h = 0; h < N_HISTS; h++)
		opened = opened && out->hist[h] >= 0 && out->hist_class[h] >= 0;
	return opened;
}

/* The length of dimension scale name (a 1-D dataset), or -1. */
static long scale_length(hid_t file, const char *name)
{
	hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
	hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
	hsize_t n = 0;
	long len = space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
			   H5Sget_simple_extent_dims(space, &n, NULL) == 1
		       ? (long)n
		       : -1;
	if (space >= 0)
		H5Sclose(space);
	if (ds >= 0)
		H5Dclose(ds);
	return len;
}

/*
 * gs_io_writer_open - a gs_output over file (a result file open for reading,
 * or for reading and writing), its shape read from its dimension scales and
 * its datasets opened. It owns file from now on, also on failure. Returns
 * NULL with a message.
 */
struct gs_output *gs_io_writer_open(const struct report *rp, hid_t file)
{
	struct gs_output *o = calloc(1, sizeof(*o));
	if (!o || !(o->path = gs_strdup(rp->path))) {
		free(o);
		H5Fclose(file);
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		return NULL;
	}
	o->file = file;
	o->lock_fd = -1;
	o->arm = o->replication = o->seed = o->done = o->digest = H5I_INVALID_HID;
	o->arm_type = o->row_time = o->row_bin = o->one = o->slab_class = H5I_INVALID_HID;
	o->slab_class_bin = o->slab_team = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_TEAM_METRICS; m++)
		o->team_metric[m] = H5I_INVALID_HID;
	for (int h = 0; h < N_HISTS; h++)
		o->hist[h] = o->hist_class[h] = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_METRICS; m++)
		o->metric[m] = H5I_INVALID_HID;
	for (int m = 0; m < GS_N_CLASS_METRICS; m++)
		o->class_metric[m] = H5I_INVALID_HID;
	long runs = scale_length(file, "run"), times = scale_length(file, "time");
	long classes = scale_length(file, "class"), bins = scale_length(file, "bin");
	if (runs < 0 || times < 0 || classes < 0 || bins < 0) {
		snprintf(rp->err, rp->errlen,
			 "%s: not a govsim result file (no run, time, class or bin scale)", rp->path);
		goto fail;
	}
	o->n_runs = (size_t)runs;
	o->n_time = (size_t)times;
	o->n_classes = (size_t)classes;
	o->n_bins = (size_t)bins;
	/* per-team datasets: none in a file of an older govsim */
	long teams = H5Lexists(file, "team", H5P_DEFAULT) > 0 ? scale_length(file, "team") : 0;
	if (teams < 0) {
		snprintf(rp->err, rp->errlen, "%s: not a govsim result file (its team scale is damaged)",
			 rp->path);
		goto fail;
	}
	o->n_teams = (size_t)teams;
	if (make_memory_spaces(rp, o))
		goto fail;
	if (!open_datasets(o)) {
		H5Eclear2(H5E_DEFAULT);
		snprintf(rp->err, rp->errlen, "%s: a dataset is missing (a file without /digest was "
			 "written by an older govsim and cannot be verified)", rp->path);
		goto fail;
	}
	if (o->n_classes > GS_MAX_CLASSES) {
		snprintf(rp->err, rp->errlen, "%s: not a govsim result file (%zu classes: at most %d)",
			 rp->path, o->n_classes, GS_MAX_CLASSES);
		goto fail;
	}
	if (gs_io_shape_fits(rp, file, o->n_runs, o->n_time, o->n_bins))
		goto fail;
	o->arm_type = gs_io_string_type();
	if (o->arm_type < 0) {
		gs_io_fail(rp, "cannot make the string type of arm");
		goto fail;
	}
	return o;
fail:
	close_all(o);
	free_output(o);
	return NULL;
}

size_t gs_io_writer_run_values(const struct gs_output *out)
{
	return digest_values(out) + 2 * out->n_classes * out->n_bins;
}

int gs_output_verify(const char *path, size_t *n_done, size_t *n_bad, long *first_bad,
		     char *err, size_t errlen)
{
	struct report rp = {path, err, errlen};
	*n_done = *n_bad = 0;
	*first_bad = -1;
	gs_io_quiet();
	hid_t file = gs_io_open_result(&rp);
	if (file < 0)
		return -1;
	struct gs_output *o = gs_io_writer_open(&rp, file);
	if (!o)
		return -1;
	unsigned char *done = NULL;
	double *buf = NULL;
	int rc = -1;
	size_t n = gs_io_writer_run_values(o);
	done = malloc(o->n_runs ? o->n_runs : 1);
	buf = malloc((n ? n : 1) * sizeof(*buf));
	if (!done || !buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (H5Dread(o->done, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) < 0) {
		gs_io_fail(&rp, "cannot read /done");
		goto out;
	}
	char quiet[256];
	struct report silent = {path, quiet, sizeof(quiet)};
	for (size_t run = 0; run < o->n_runs; run++) {
		if (!done[run])
			continue;
		++*n_done;
		if (!check_run(&silent, o, run, buf)) {
			if (!*n_bad)
				*first_bad = (long)run;
			++*n_bad;
		}
	}
	H5Eclear2(H5E_DEFAULT);
	rc = 0;
out:
	free(done);
	free(buf);
	close_all(o);
	free_output(o);
	return rc;
}

size_t gs_output_damaged(const struct gs_output *out)
{
	return out->damaged;
}

void gs_io_writer_hold(struct gs_output *out, int fd)
{
	out->lock_fd = fd;
}

int gs_io_writer_release_lock(struct gs_output *out)
{
	int fd = out->lock_fd;
	out->lock_fd = -1;
	return fd;
}

const char *gs_io_writer_path(const struct gs_output *out)
{
	return out->path;
}

void gs_io_writer_set_parallel(struct gs_output *out)
{
	out->parallel = true;
}

/*
 * copy_run - run `run` of from, if it reads back to its digest, written
 * into to as it was; buf holds a run's rows of every table. 1 if copied,
 * 0 if it did not read back, -1 if to could not be written.
 */
static int copy_run(const struct report *rp, struct gs_output *from, struct gs_output *to,
		    size_t run, double *buf)
{
	char quiet[256];
	struct report silent = {from->path, quiet, sizeof(quiet)};
	size_t n_table = (GS_N_METRICS + GS_N_CLASS_METRICS * from->n_classes +
			  GS_N_TEAM_METRICS * from->n_teams) * from->n_time + 2 * from->n_bins;
	double *series = buf, *class_series = series + GS_N_METRICS * from->n_time;
	double *team_series = class_series + GS_N_CLASS_METRICS * from->n_classes * from->n_time;
	double *hist_rec = team_series + GS_N_TEAM_METRICS * from->n_teams * from->n_time;
	double *hist_true = hist_rec + from->n_bins;
	double *hist_rec_class = buf + n_table, *hist_true_class = hist_rec_class +
								   from->n_classes * from->n_bins;
	if (!check_run(&silent, from, run, buf) ||
	    xfer_row(&silent, from->hist_class[HIST_RECORDED], hist_class_name[HIST_RECORDED], run,
		     from->slab_class_bin, hist_rec_class, true) ||
	    xfer_row(&silent, from->hist_class[HIST_TRUE], hist_class_name[HIST_TRUE], run,
		     from->slab_class_bin, hist_true_class, true))
		return 0;
	int replication;
	uint64_t seed;
	hsize_t start[1] = {run}, count[1] = {1};
	hid_t space = H5Dget_space(from->seed);
	int ok = space >= 0 &&
		 H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
		 H5Dread(from->replication, H5T_NATIVE_INT, from->one, space, H5P_DEFAULT,
			 &replication) >= 0 &&
		 H5Dread(from->seed, H5T_NATIVE_UINT64, from->one, space, H5P_DEFAULT, &seed) >= 0;
	if (space >= 0)
		H5Sclose(space);
	if (!ok)
		return 0;
	struct gs_run_result r = {
	    .arm = (int)to->run_arm[run],
	    .replication = replication,
	    .seed = seed,
	    .series = series,
	    .class_series = class_series,
	    .team_series = to->n_teams ? team_series : NULL,
	    .n_teams = to->n_teams,
	    .hist_recorded = hist_rec,
	    .hist_true = hist_true,
	    .hist_recorded_class = hist_rec_class,
	    .hist_true_class = hist_true_class,
	};
	return gs_output_write_run(to, run, &r, rp->err, rp->errlen) ? -1 : 1;
}

/* gs_io_writer_attach - out writes to file from now on, its datasets opened. */
int gs_io_writer_attach(const struct report *rp, struct gs_output *out, hid_t file)
{
	out->file = file;
	if (!open_datasets(out)) {
		gs_io_fail(rp, "cannot open its datasets");
		return -1;
	}
	return 0;
}

/* gs_io_writer_take - the runs of file that read back to their digest, copied into out. */
int gs_io_writer_take(const struct report *rp, struct gs_output *out, hid_t file,
		      const struct gs_ensemble_meta *meta, unsigned char *done)
{
	struct gs_output *from = gs_io_writer_new(rp, meta);
	if (!from) {
		H5Fclose(file);
		return -1;
	}
	from->file = file;
	int rc = -1;
	double *buf = NULL;
	if (!open_datasets(from) ||
	    H5Dread(from->done, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) < 0) {
		gs_io_fail(rp, "cannot open its datasets (a partial without /digest was written by an "
			   "older govsim: run without --resume)");
		goto out;
	}
	size_t n = (GS_N_METRICS + GS_N_CLASS_METRICS * out->n_classes +
		    GS_N_TEAM_METRICS * out->n_teams) * out->n_time +
		   2 * (out->n_bins + out->n_classes * out->n_bins);
	buf = malloc(n * sizeof(*buf));
	if (!buf) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", rp->path);
		goto out;
	}
	for (size_t run = 0; run < out->n_runs; run++) {
		if (!done[run])
			continue;
		int copied = copy_run(rp, from, out, run, buf);
		if (copied < 0)
			goto out;
		if (!copied) {
			done[run] = 0;
			out->damaged++;
		}
	}
	rc = 0;
out:
	H5Eclear2(H5E_DEFAULT);
	free(buf);
	close_all(from);
	free_output(from);
	return rc;
}

/* gs_io_writer_move - rename out's file to path (its lock held) and write there from now on. */
int gs_io_writer_move(const struct report *rp, struct gs_output *out, const char *path)
{
	char *copy = gs_strdup(path);
	if (!copy) {
		snprintf(rp->err, rp->errlen, "%s: out of memory", path);
		return -1;
	}
	if (H5Fflush(out->file, H5F_SCOPE_LOCAL) < 0) {
		free(copy);
		gs_io_fail(rp, "cannot write to disk");
		return -1;
	}
	if (rename(out->path, path) < 0) {
		snprintf(rp->err, rp->errlen, "cannot rename %s to %s: %s", out->path, path,
			 strerror(errno));
		free(copy);
		return -1;
	}
	free(out->path);
	out->path = copy;
	return 0;
}
