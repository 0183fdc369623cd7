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


def markers(path, begin, end):
    """The text of the page at path and where its markers begin and end start
    (a, b), or None if it lacks them (or has them out of order)."""
    with open(path) as f:
        page = f.read()
    a, b = page.find(begin), page.find(end)
    return (page, a, b) if a >= 0 and b >= a else None


def write_between(path, begin, end, section):
    """Replace what lies between the markers begin and end of the page at path
    with section (written whole or not at all); False if the page lacks them."""
    found = markers(path, begin, end)
    if found is None:
        return False
    page, a, b = found
    page = page[:a] + begin + "\n" + section + page[b:]

    def write(tmp):
        with open(tmp, "w") as f:
            f.write(page)

    write_atomically(path, write)
    return True
