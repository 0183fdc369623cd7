"""govsim analysis: read result files into xarray and summarise them.

    >>> import analysis
    >>> ds = analysis.load("out/default.h5")
    >>> ds["failure_demand_share"].groupby("arm").mean(...)
    >>> analysis.summary(ds, "needs_met")             # per arm: mean, sd, n, 95% CI
    >>> analysis.paired(ds, "needs_met", "npm")       # each arm minus npm, by replication
    >>> analysis.over(ds, "failure_demand_share")     # per run, by the file's aggregation
    >>> analysis.meaning(ds, "within_target_true")    # aggregation, weight series
    >>> analysis.comparison_table(ds)                 # the table `govsim run` prints
    >>> analysis.paired_table(ds)                     # and its paired differences
    >>> analysis.provenance("out/default.h5")["git_revision"]
    >>> analysis.sobol_from_file("out/design.h5", "needs_met")   # a Saltelli design

Modules: ``analysis.data`` (reading; summaries by each metric's aggregation as
the file declares it), ``analysis.guard`` (every file is read whole in a child
process and checked before it is opened: a damaged file raises
GovsimFileError rather than crashing the process), ``analysis.stats`` (the t
distribution), ``analysis.sobol`` (Sobol sensitivity indices),
``analysis.plots`` (figures), ``analysis.report`` (a self-contained HTML
report: ``govsim report OUT.h5``), ``analysis.export`` (CSV: ``govsim export
OUT.h5``), ``analysis.ablation``, ``analysis.reproduce``, ``analysis.expdocs``
(the experiment pages' tables), ``analysis.files`` (atomic writes).

Run with Debian's Python (/usr/bin/python3) and its python3-xarray,
python3-h5netcdf, python3-h5py, python3-pandas and python3-matplotlib; under
a Python that lacks one of them, the first use of the package raises
``analysis.deps.MissingModule`` (a ModuleNotFoundError) whose one-line
message names the module, the Python and the command that installs it.
``make install`` makes the package importable from any directory
(docs/cli.md); ``govsim report`` and ``govsim export`` run it with the
Python found when govsim was built.

The names below are imported when first used: analysis.data imports xarray
and pandas, which take about half a second, and the command lines check
their file before paying for that.
"""

import importlib

# Where each name of the package comes from.
_SOURCES = {
    **dict.fromkeys([
        "load", "provenance", "summary", "paired", "per_run", "comparison", "comparison_table",
        "paired_table", "format_cell", "aggregation", "meaning", "over", "rolling", "label",
        "outcomes_of", "run_coords", "group_keys", "arms", "check_file", "parse_duration",
        "time_target", "GovsimFileError", "Meaning", "OUTCOMES", "AT_END"], "data"),
    "check_file": "guard", "GovsimFileError": "guard",
    "t_ppf": "stats", "mean_ci": "stats",
    "sobol_from_file": "sobol", "sobol_indices": "sobol",
}

# The modules `import analysis` used to import along with the package.
_MODULES = ("data", "stats", "sobol")

__all__ = list(_SOURCES)


def _import(module):
    """Import analysis.<module>; a missing dependency raises deps.MissingModule, one line
    naming the module, this Python and the command that installs it."""
    from . import deps
    try:
        return importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as e:
        if e.name in deps.MODULES:
            raise deps.MissingModule(deps.message(deps.missing(deps.READ) or [e.name]),
                                     name=e.name) from None
        raise


def __getattr__(name):
    """Import a name of the package (or one of _MODULES) on first use."""
    if name in _MODULES:
        return _import(name)
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import(_SOURCES[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_SOURCES) | set(_MODULES))
