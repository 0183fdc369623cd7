"""The Python modules the analysis package needs, and what to say when one is missing.

Debian packages every one of them for its own Python, /usr/bin/python3
(`make deps` installs them). A Python of another origin (the `python3` first
on many a PATH) usually lacks them: then the package says, in one line,
which module is missing, which Python lacks it, and how to get it, rather
than a bare ModuleNotFoundError. This module imports nothing but the
standard library.
"""

import importlib.util
import os
import sys

__all__ = ["MODULES", "missing", "message", "require", "MissingModule"]

# module -> the Debian package that provides it for /usr/bin/python3
MODULES = {
    "numpy": "python3-numpy",
    "h5py": "python3-h5py",
    "h5netcdf": "python3-h5netcdf",
    "pandas": "python3-pandas",
    "xarray": "python3-xarray",
    "matplotlib": "python3-matplotlib",
}

# what each use needs
READ = ("numpy", "h5py", "h5netcdf", "pandas", "xarray")
REPORT = READ + ("matplotlib",)


class MissingModule(ModuleNotFoundError):
    """A module the analysis package needs is not installed for this Python."""


def missing(modules=REPORT):
    """The modules of `modules` this Python cannot import, in order."""
    return [m for m in modules if importlib.util.find_spec(m) is None]


def message(modules):
    """One line: which modules are missing, for which Python, and the command to install them."""
    pkgs = " ".join(MODULES.get(m, m) for m in modules)
    debian = "/usr/bin/python3"
    install = f"`sudo apt-get install -y {pkgs}` (or `make deps`)"
    chosen = os.environ.get("GOVSIM_PYTHON")
    if chosen:
        hint = (f"GOVSIM_PYTHON chose {chosen}; unset it to use Debian's Python, {debian}, "
                f"with {install}")
    elif os.path.realpath(sys.executable) == os.path.realpath(debian):
        hint = f"install {'it' if len(modules) == 1 else 'them'} with {install}"
    else:
        hint = (f"use Debian's Python, {debian}, with {install}; `govsim report` and "
                "`govsim export` use it")
    return (f"the analysis package needs the Python module{'s' if len(modules) > 1 else ''} "
            f"{', '.join(modules)}, which {sys.executable} lacks: {hint}")


def require(modules=REPORT):
    """Raise MissingModule (one line, see message()) unless every module can be imported."""
    gone = missing(modules)
    if gone:
        raise MissingModule(message(gone), name=gone[0])


def take_prog(argv, default):
    """(program name, arguments): `govsim report` and `govsim export` pass their own name
    as a leading ``--prog NAME`` so that messages name the command the user typed."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) >= 2 and argv[0] == "--prog":
        return argv[1], argv[2:]
    return default, argv
