"""Where `cryokb build` may write: never over the project, its data or its content.

The build swaps a finished site into place by renaming folders, and removes what was there
before. `--site .`, `--site data` or `--site ..` would replace the project itself, so any target
that is, contains, or lies inside one of those folders is refused, and so is an existing folder
that a build did not write (it has no `MARK` file).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

MARK = ".cryokb-site"  # written into every site `cryokb build` makes
MARK_TEXT = "This folder was written by `cryokb build`; the next build replaces it whole.\n"


def refusal(target: Path, protected: Iterable[Path], inside: Iterable[Path]) -> str:
    """Why the build may not replace `target`, or '' when it may.

    `protected`: folders the target may not be or contain (the project, data, content);
    `inside`: folders the target may not lie within (data, content).
    """
    t = target.resolve()
    for folder in (p.resolve() for p in protected):
        if t == folder or folder.is_relative_to(t):
            return f"'{t}' is or contains '{folder}'; choose a folder of its own, such as site/"
    for folder in (p.resolve() for p in inside):
        if t.is_relative_to(folder):
            return f"'{t}' lies inside '{folder}'; choose a folder outside it"
    if t.is_symlink() or (t.exists() and not t.is_dir()):
        return f"'{t}' exists and is not a folder"
    if t.is_dir() and any(t.iterdir()) and not (t / MARK).is_file():
        return (
            f"'{t}' exists and was not written by `cryokb build` (it has no {MARK} file): "
            "remove it yourself or choose another folder"
        )
    return ""


def mark(site: Path) -> None:
    """Sign a finished site as written by `cryokb build`, so the next build may replace it."""
    (site / MARK).write_text(MARK_TEXT, encoding="utf-8")
