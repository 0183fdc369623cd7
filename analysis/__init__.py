"""govsim analysis: read result files into xarray.

    >>> import analysis
    >>> ds = analysis.load("out/default.h5")
    >>> ds["failure_demand_share"].groupby("arm").mean(...)

Run with Debian's Python (/usr/bin/python3) and its python3-xarray,
python3-h5netcdf and python3-h5py.
"""

import xarray as xr

__all__ = ["load"]


def load(path):
    """Open a govsim result file as an xarray Dataset.

    Dimensions are ``run`` and ``time`` (and ``bin``/``bin_edge`` for the
    histograms); ``arm``, ``replication`` and ``seed`` are coordinates
    along ``run``. Durations (``time``, ``bin``, the time-to-close metrics)
    stay floats in days rather than being decoded to timedelta64. The data
    are loaded into memory and the file closed.
    """
    with xr.open_dataset(path, engine="h5netcdf", decode_timedelta=False) as ds:
        return ds.load()
