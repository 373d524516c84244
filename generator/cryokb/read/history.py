"""A page's change history from git: the date and subject of each commit that touched its YAML.

One `git log` over the data folder, not one per file. A build from a tarball, or any folder git
does not know, gets no history and still works; a shallow clone gets what it has.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEP = "\x1e"  # starts each commit in the log output


@dataclass(frozen=True)
class Change:
    """One commit that changed a data file."""

    date: str  # YYYY-MM-DD, the commit date
    subject: str


def of(root: Path, limit: int = 5) -> dict[str, list[Change]]:
    """Data file name (as the loader reports it, resolved) -> its latest changes, newest first."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.strip()
        log = subprocess.run(
            [
                "git",
                "-C",
                top,
                "log",
                f"--format={SEP}%cs%x09%s",
                "--name-only",
                "--",
                str(root.resolve()),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    changes: dict[str, list[Change]] = defaultdict(list)
    for block in log.split(SEP)[1:]:
        head, *files = block.strip("\n").split("\n")
        date, _, subject = head.partition("\t")
        change = Change(date, subject.strip())
        for name in files:
            if name.strip():
                key = str((Path(top) / name.strip()).resolve())
                if len(changes[key]) < limit:
                    changes[key].append(change)
    return dict(changes)


def version(root: Path) -> str:
    """The data's version: date and short hash of the last commit that changed it, else today."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%cs-%h", "--", "."],
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out or date.today().isoformat()
