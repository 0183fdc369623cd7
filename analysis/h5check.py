"""Read a result file whole and check its layout: the child process of analysis.guard.

    /usr/bin/python3 analysis/h5check.py FILE [METRIC ...]

prints one line of JSON, the verdict on the file:
``{"fatal": ..., "meaning": ..., "dims": {...}}``. ``fatal`` is null or what
makes the file unreadable or not a govsim result file (not HDF5, damaged, a
dataset missing or of another shape or type, a dimension scale that lists a
dataset no longer there, values a govsim file cannot hold); ``meaning`` is
null or what is wrong with the attributes that say how the metrics add up
(``aggregation``, ``weight``, ``numerator``, ``denominator``) and label them
(``long_name``); ``dims`` gives every dataset's dimensions as xarray must see
them. The METRICs named after the file must be there.

It reads every object, every attribute and every value of every dataset (in
blocks, so memory stays flat), and opens the file as h5netcdf (the engine
xarray uses) sees it, dimension scales and all. Reading a damaged file may
crash this process (a segmentation fault inside the HDF5 library): that is
why analysis.guard runs it in a process of its own, and why it imports only
h5py, h5netcdf and numpy, never the analysis package.
"""

import json
import re
import sys

import h5netcdf
import h5py
import numpy as np

# The datasets every govsim result file has, other than the metrics, and their dimensions
# (docs/output.md). bin_edge is a bare netCDF dimension: h5py sees a dataset, xarray none.
STRUCTURE = {
    "time": ("time",),
    "run": ("run",),
    "arm": ("run",),
    "replication": ("run",),
    "seed": ("run",),
    "done": ("run",),
    "digest": ("run",),
    "class": ("class",),
    "bin": ("bin",),
    "bin_edges": ("bin_edge",),
    "time_to_close_recorded_hist": ("run", "bin"),
    "time_to_close_true_hist": ("run", "bin"),
    "time_to_close_recorded_hist_by_class": ("run", "class", "bin"),
    "time_to_close_true_hist_by_class": ("run", "class", "bin"),
}

# The kinds of numpy dtype each dataset may have: f float, i/u integer, b bool, "str" an
# HDF5 string. Metrics and histograms are float; a per-run variable of a sweep or design
# is a number or a string.
KINDS = {
    "time": "f", "run": "iu", "replication": "iu", "seed": "iu", "done": "iub", "digest": "iu",
    "arm": "str", "class": "str", "bin": "f", "bin_edges": "f", "team": "iu",
}

# The dimension scales of the layout: each lists the datasets attached to it. team and the
# per-team datasets are in files of this version on (an older file has neither).
SCALES = ("run", "time", "class", "bin", "bin_edge")
OPTIONAL_SCALES = ("team",)

AGGREGATIONS = ("flow", "stock", "weighted", "ratio")

# Read a dataset in blocks of at most this many bytes (memory stays flat).
BLOCK_BYTES = 1 << 26


class Bad(Exception):
    """What is wrong with the file, in words (without its path)."""


def is_per_run(name):
    """Whether a dataset name is a per-run variable of a sweep or a sampled design."""
    return name.startswith("sweep.") or name.startswith("design_") or name == "sweep_point"


def expected_dims(name):
    """The dimensions a root dataset of a govsim file must have, by its name."""
    if name in STRUCTURE:
        return STRUCTURE[name]
    if name in ("bin_edge", "team"):
        return (name,)
    if is_per_run(name):
        return ("run",)
    if name.endswith("_hist_by_class"):
        return ("run", "class", "bin")
    if name.endswith("_hist"):
        return ("run", "bin")
    if name.endswith("_by_class"):
        return ("run", "class", "time")
    if name.endswith("_by_team"):
        return ("run", "team", "time")
    return ("run", "time")


def is_metric(name):
    """Whether a root dataset is a metric: a series over time, (run, [class,] time)."""
    return expected_dims(name)[-1] == "time" and name != "time"


def _kind_ok(d, kinds):
    """Whether dataset d holds values of one of kinds (see KINDS)."""
    if kinds == "str":
        return h5py.check_string_dtype(d.dtype) is not None
    return d.dtype.kind in kinds


def _dataset(f, name, what):
    """The root dataset ``name``; Bad if it is missing or not a dataset."""
    obj = f.get(name)
    if obj is None:
        raise Bad(f"not an intact govsim result file: no /{name} ({what})")
    if not isinstance(obj, h5py.Dataset):
        raise Bad(f"not an intact govsim result file: /{name} is not a dataset")
    return obj


def _strings(d, name):
    """The values of a string dataset as Python strings; Bad if they are not UTF-8."""
    try:
        return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in d[()].tolist()]
    except UnicodeDecodeError:
        raise Bad(f"damaged: /{name} holds text that is not UTF-8") from None


def _read_all(obj, name):
    """Read every attribute of obj and, for a dataset, every value, in blocks of runs."""
    for key in obj.attrs:
        try:
            obj.attrs[key]
        except Exception as e:  # noqa: BLE001 - any failure is the file's
            raise Bad(f"damaged: cannot read attribute {key!r} of /{name}: {e}") from None
    if not isinstance(obj, h5py.Dataset) or obj.shape is None:  # no values to read
        return
    try:
        if obj.ndim == 0 or obj.size == 0:
            obj[()]
            return
        row = max(1, obj.size // obj.shape[0] * obj.dtype.itemsize)
        step = max(1, BLOCK_BYTES // row)
        for start in range(0, obj.shape[0], step):
            obj[start:start + step]
    except Exception as e:  # noqa: BLE001
        raise Bad(f"damaged: cannot read /{name}: {e}") from None


def _identity(f):
    """Bad unless the file says it is a govsim result file."""
    missing = [n for n in ("run", "time", "arm") if n not in f]
    if missing or "govsim_version" not in f.attrs:
        what = ", ".join("/" + n for n in missing) or "govsim_version attribute"
        raise Bad(f"not a govsim result file (no {what})")
    if not isinstance(f.get("provenance"), h5py.Group):
        raise Bad("not a govsim result file (no /provenance group)")


def _layout(f, required):
    """Check datasets, shapes, types and values; return {dataset: dims} of the layout."""
    sizes = {}
    for scale, what in (("run", "the runs"), ("time", "the output times"),
                        ("class", "the demand classes"), ("bin", "the histogram bins")):
        d = _dataset(f, scale, what)
        if d.ndim != 1:
            raise Bad(f"not an intact govsim result file: /{scale} has shape {d.shape}, "
                      "not one dimension")
        sizes[scale] = d.shape[0]
        if not sizes[scale]:
            raise Bad(f"not an intact govsim result file: /{scale} is empty")
    sizes["bin_edge"] = sizes["bin"] + 1
    if "team" in f:
        d = _dataset(f, "team", "the teams")
        if d.ndim != 1 or not d.shape[0]:
            raise Bad(f"not an intact govsim result file: /team has shape {d.shape}, not one "
                      "dimension of at least one team")
        sizes["team"] = d.shape[0]

    dims = {}
    for name in STRUCTURE:
        _dataset(f, name, "a dataset every govsim result file has")
    for name in required:
        _dataset(f, name, "a metric the analysis needs")
    for name, obj in f.items():
        if not isinstance(obj, h5py.Dataset):
            continue
        want = expected_dims(name)
        if any(d not in sizes for d in want):
            raise Bad(f"not an intact govsim result file: /{name} has no /{want[1]} "
                      "dimension in the file")
        shape = tuple(sizes[d] for d in want)
        if obj.shape != shape:
            raise Bad(f"not an intact govsim result file: /{name} has shape {obj.shape}, but "
                      f"{_what(name)} must have the shape ({', '.join(want)}) = {shape}")
        kinds = KINDS.get(name, "fiub" if is_per_run(name) else "f")
        ok = _kind_ok(obj, kinds) or (is_per_run(name) and _kind_ok(obj, "str"))
        if not ok:
            raise Bad(f"not an intact govsim result file: /{name} holds {obj.dtype} values, "
                      f"not {_KIND_WORDS.get(kinds, 'numbers')}")
        if name != "bin_edge":
            dims[name] = want
    _values(f, sizes)
    _scales(f, sizes)
    return dims


def _what(name):
    """What a root dataset is, in words, for a message."""
    want = expected_dims(name)
    if is_metric(name):
        return "a metric"
    if want[-1] == "bin" and len(want) > 1:
        return "a histogram"
    if is_per_run(name):
        return "a per-run variable"
    return f"/{name}"


_KIND_WORDS = {"f": "floating-point numbers", "iu": "integers", "iub": "integers",
               "str": "text"}


def _values(f, sizes):
    """Values a govsim file always has: runs 0..n-1, increasing times and bins, and so on."""
    def bad(text):
        return Bad(f"not an intact govsim result file: {text}")

    if not np.array_equal(f["run"][()], np.arange(sizes["run"])):
        raise bad(f"/run is not 0..{sizes['run'] - 1}")
    if "team" in sizes and not np.array_equal(f["team"][()], np.arange(sizes["team"])):
        raise bad(f"/team is not 0..{sizes['team'] - 1}")
    for name in ("time", "bin", "bin_edges"):
        v = f[name][()]
        if not np.all(np.isfinite(v)) or np.any(np.diff(v) <= 0):
            raise bad(f"/{name} is not an increasing series of numbers")
    if not np.all(f["time"][()] > 0):
        raise bad("/time has a time that is not after the start")
    if not np.array_equal(f["bin_edges"][:-1], f["bin"][()]):
        raise bad("/bin is not the lower edges of /bin_edges")
    done = f["done"][()].astype(np.int64)
    if np.any((done != 0) & (done != 1)):
        raise bad("/done holds a value other than 0 and 1")
    done = done == 1
    classes = _strings(f["class"], "class")
    if any(not c for c in classes) or len(set(classes)) != len(classes):
        raise bad("/class holds an empty or repeated class name")
    arms = _strings(f["arm"], "arm")
    rep = f["replication"][()].astype(np.int64)
    for r in np.flatnonzero(done):
        if not arms[r]:
            raise bad(f"run {r} is marked done but has no arm")
        if rep[r] < 0:
            raise bad(f"run {r} is marked done but has replication {rep[r]}")
    # every run of one arm and sweep point has its own replication (what pairing relies on)
    extras = [f[n][()].tolist() for n, d in f.items()
              if isinstance(d, h5py.Dataset) and is_per_run(n)]
    seen = {}
    for r in np.flatnonzero(done):
        key = (arms[r], rep[r]) + tuple(_hashable(x[r]) for x in extras)
        if key in seen:
            raise bad(f"runs {seen[key]} and {r} are the same replication of arm {arms[r]!r} "
                      "at the same sweep point")
        seen[key] = r
    prov = f["provenance"]
    text = prov.get("scenario")
    if text is not None and not (isinstance(text, h5py.Dataset) and text.shape == ()
                                 and _kind_ok(text, "str")):
        raise bad("/provenance/scenario is not one text")
    params = prov.get("parameters")
    if params is not None:
        if not isinstance(params, h5py.Group) or not all(
                isinstance(params.get(a), h5py.Group) for a in params):
            raise bad("/provenance/parameters is not a group of one group per arm")
        for a in sorted({arms[r] for r in np.flatnonzero(done)}):
            if not isinstance(params.get(a), h5py.Group):
                raise bad(f"arm {a!r} of /arm has no parameters in /provenance/parameters")


def _hashable(x):
    """A value read by h5py as a plain value: text as str."""
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else x


def _scales(f, sizes):
    """Every dataset a dimension scale lists must still be in the file, with that dimension."""
    for scale in SCALES + tuple(s for s in OPTIONAL_SCALES if s in sizes):
        if scale not in f:
            raise Bad(f"not an intact govsim result file: no /{scale} (a dimension)")
        refs = f[scale].attrs.get("REFERENCE_LIST")
        if refs is None:
            raise Bad(f"not an intact govsim result file: the dimension /{scale} lists no "
                      "dataset")
        seen = set()
        for ref, axis in refs.tolist():
            try:
                obj = f[ref]
            except Exception:  # noqa: BLE001 - a reference to nothing
                raise _gone(scale) from None
            name = obj.name
            if (name is None or not isinstance(obj, h5py.Dataset) or name not in f
                    or f[name].id != obj.id):
                raise _gone(scale, obj.attrs.get("long_name"))
            if name in seen or axis >= obj.ndim or obj.shape[axis] != sizes[scale]:
                raise Bad(f"not an intact govsim result file: the dimension /{scale} does not "
                          f"match {name}")
            seen.add(name)


def _gone(scale, label=None):
    """Bad: a dataset that a dimension scale lists (its long_name, if still readable) is gone."""
    what = f" ({_hashable(label)})" if label is not None else ""
    return Bad(f"not an intact govsim result file: a dataset of dimension {scale}{what} is no "
               "longer in the file (deleted, or the file is damaged)")


def _netcdf(path, dims):
    """Open the file as xarray's engine does; Bad unless it sees the dimensions of the layout."""
    with h5netcdf.File(path, "r", phony_dims="sort") as nc:
        variables = nc.variables
        for name, v in variables.items():
            got = tuple(v.dimensions)
            dict(v.attrs)
            want = dims.get(name)
            if want is not None and got != tuple(want):
                raise Bad(f"not an intact govsim result file: /{name} has the dimensions "
                          f"({', '.join(got)}), not ({', '.join(want)}): its dimension scales "
                          "are damaged")
        missing = [n for n in dims if n not in variables]
        if missing:
            raise Bad(f"not an intact govsim result file: /{missing[0]} is not a variable as "
                      "netCDF reads it")


def _meaning(f, dims):
    """The first problem with the metrics' aggregation and label attributes, or None."""
    metrics = [n for n in dims if is_metric(n)]
    for name in metrics:
        attrs = f[name].attrs
        agg = attrs.get("aggregation")
        if agg is None:
            return (f"the file has no aggregation attribute for metric {name!r}: it was written "
                    "by an older govsim, which did not say how its metrics add up; re-run it "
                    "with this version of govsim to summarise it")
        agg = _hashable(agg) if isinstance(agg, (bytes, str)) else repr(agg)
        if agg not in AGGREGATIONS:
            return f"metric {name!r} has aggregation {agg!r}, not one of {', '.join(AGGREGATIONS)}"
        need = {"weighted": ("weight",), "ratio": ("numerator", "denominator")}.get(agg, ())
        for key in need:
            text = attrs.get(key)
            text = _hashable(text) if isinstance(text, (bytes, str)) else ""
            if not text.strip():
                return f"metric {name!r} is {agg} but has no {key} attribute"
            tokens = text.split()
            if len(tokens) % 2 == 0 or any((t not in ("+", "-")) if i % 2 else (t in ("+", "-"))
                                           for i, t in enumerate(tokens)):
                return (f"metric {name!r}: {key} {text!r} is not dataset names joined by "
                        "' + ' and ' - '")
            for term in tokens[::2]:
                if term not in metrics:
                    return (f"metric {name!r}: its {key} names {term!r}, which is not a metric "
                            "of this file")
        label = attrs.get("long_name")
        if not isinstance(label, (bytes, str)) or not _hashable(label).strip():
            return (f"the file has no long_name attribute for metric {name!r}: it was written by "
                    "an older govsim; re-run it with this version of govsim")
    return None


def inspect(path, required=()):
    """The verdict on the file at path: {"fatal": text or None, "meaning": ..., "dims": ...}.

    Run it only in a process of its own (this module's command line, as
    analysis.guard does): reading a damaged file may crash the process.
    """
    out = {"fatal": None, "meaning": None, "dims": {}}
    try:
        try:
            ok = h5py.is_hdf5(path)
        except OSError as e:
            raise Bad(f"cannot read: {e}") from None
        if not ok:
            raise Bad("not an HDF5 file, so not a govsim result file")
        try:
            f = h5py.File(path, "r")
        except Exception as e:  # noqa: BLE001
            raise Bad(f"damaged: cannot open it as HDF5: {e}") from None
        with f:
            _identity(f)
            dims = _layout(f, required)
            _read_all(f, "")
            f.visititems(lambda name, obj: _read_all(obj, name))
            meaning = _meaning(f, dims)
        _netcdf(path, dims)
        out["dims"] = {k: list(v) for k, v in dims.items()}
        out["meaning"] = _one_line(meaning) if meaning else None
    except Bad as e:
        out["fatal"] = _one_line(e)
    except Exception as e:  # noqa: BLE001 - h5py raises many kinds on a damaged file
        out["fatal"] = f"damaged or not a govsim result file: {_one_line(e)}"
    return out


def _one_line(text):
    """A message (or an exception) as one line."""
    return re.sub(r"\s+", " ", str(text)).strip() or type(text).__name__


def main(argv):
    """Print the verdict on argv[1] as one line of JSON."""
    if len(argv) < 2:
        print("usage: h5check.py FILE [METRIC ...]", file=sys.stderr)
        return 2
    print(json.dumps(inspect(argv[1], argv[2:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
