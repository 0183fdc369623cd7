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
the file declares it), ``analysis.stats`` (the t distribution),
``analysis.sobol`` (Sobol sensitivity indices), ``analysis.plots`` (figures),
``analysis.report`` (an HTML report: ``python3 -m analysis.report OUT.h5 -o
REPORT_DIR``), ``analysis.ablation``, ``analysis.reproduce``.

Run with Debian's Python (/usr/bin/python3) and its python3-xarray,
python3-h5netcdf, python3-h5py, python3-pandas and python3-matplotlib.
"""

from .data import (AT_END, OUTCOMES, GovsimFileError, Meaning, aggregation, arms, check_file,
                   comparison, comparison_table, format_cell, group_keys, label, load, meaning,
                   outcomes_of, over, paired, paired_table, parse_duration, per_run, provenance,
                   rolling, run_coords, summary, time_target)
from .sobol import sobol_from_file, sobol_indices
from .stats import mean_ci, t_ppf

__all__ = [
    "load", "provenance", "summary", "paired", "per_run", "comparison", "comparison_table",
    "paired_table", "format_cell", "aggregation", "meaning", "over", "rolling", "label",
    "outcomes_of", "run_coords", "group_keys", "arms", "check_file", "parse_duration",
    "time_target", "GovsimFileError", "Meaning", "OUTCOMES", "AT_END", "t_ppf", "mean_ci",
    "sobol_from_file", "sobol_indices",
]
