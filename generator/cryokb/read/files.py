"""Reading data files safely: only regular files inside the data folder, and never too much.

A committed symlink to `/dev/zero`, a named pipe, a folder named like a data file, a dangling
link or a link loop each become one problem at the file, not a hang, a flood of memory or a
traceback. A link is followed only when it ends at a regular file inside the data folder.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from cryokb.read.problems import Problem

KINDS_OF_FILE = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _kind(mode: int) -> str:
    return KINDS_OF_FILE.get(stat.S_IFMT(mode), "not a regular file")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a link that loops"
    if exc.errno == errno.ENOENT:
        return "is a link to nothing (the file it names does not exist)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    return f"cannot be read ({exc.strerror or exc})"


def regular(path: Path, root: Path) -> Path | str:
    """The regular file `path` ends at, inside `root`; else why it is refused."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(root.resolve()):
                return "is a link to outside the data folder"
            info = os.stat(target)
            path = target
    except OSError as exc:
        return _reason(exc)
    except RuntimeError:  # Path.resolve on a loop, in some Python versions
        return "is a link that loops"
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind(info.st_mode)}, not a data file"
    return path


def read(path: Path, root: Path, name: str, limit: int) -> bytes | Problem:
    """At most `limit` bytes of the regular file `path` (reported as `name`), or the problem."""
    found = regular(path, root)
    if isinstance(found, str):
        return Problem(name, 1, 1, f"file {found}")
    try:  # no blocking open (a pipe swapped in since), and the file checked again once open
        fd = os.open(found, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Problem(name, 1, 1, f"file {_reason(exc)}")
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return Problem(name, 1, 1, "file is not a regular file")
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            return Problem(name, 1, 1, f"file {_reason(exc)}")
    if len(raw) > limit:
        return Problem(name, 1, 1, f"file is larger than the limit of {limit} bytes")
    return raw
