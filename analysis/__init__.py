"""govsim analysis: read result files into xarray and summarise them.

    >>> import analysis
    >>> ds = analysis.load("out/default.h5")
    >>> ds["failure_demand_share"].groupby("arm").mean(...)
    >>> analysis.summary(ds, "needs_met")             # per arm: mean, sd, n, 95% CI
    >>> analysis.paired(ds, "needs_met", "npm")       # each arm minus npm, by replication
    >>> analysis.comparison_table(ds)                 # the table `govsim run` prints
    >>> analysis.paired_table(ds)                     # and its paired differences
    >>> analysis.provenance("out/default.h5")["git_revision"]
    >>> analysis.sobol_from_file("out/design.h5", "needs_met")   # a Saltelli design

Modules: ``analysis.data`` (reading, summaries), ``analysis.stats`` (the t
distribution), ``analysis.sobol`` (Sobol sensitivity indices),
``analysis.plots`` (figures), ``analysis.report`` (an HTML report:
``python3 -m analysis.report OUT.h5 -o REPORT_DIR``), ``analysis.ablation``.

Run with Debian's Python (/usr/bin/python3) and its python3-xarray,
python3-h5netcdf, python3-h5py, python3-pandas and python3-matplotlib.
"""

from .data import (OUTCOMES, GovsimFileError, aggregation, arms, check_file, comparison,
                   comparison_table, format_cell, group_keys, load, paired, paired_table,
                   parse_duration, per_run, provenance, run_coords, summary, time_target)
from .sobol import sobol_from_file, sobol_indices
from .stats import mean_ci, t_ppf

__all__ = [
    "load", "provenance", "summary", "paired", "per_run", "comparison", "comparison_table",
    "paired_table", "format_cell", "aggregation", "run_coords", "group_keys", "arms", "check_file",
    "parse_duration", "time_target", "GovsimFileError", "OUTCOMES", "t_ppf", "mean_ci",
    "sobol_from_file", "sobol_indices",
]
