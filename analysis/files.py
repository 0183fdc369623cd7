"""Files written whole or not at all."""

import os


def write_atomically(path, write):
    """Write path through write(tmp), a function that writes a file of that
    name, then rename it to path: an interrupted or failed write leaves no
    half-written file under the name (and no temporary file either)."""
    tmp = path + ".tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path
