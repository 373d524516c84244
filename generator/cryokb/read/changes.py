"""What changed in the evidence, from the data's git history: a study or guideline added, a
finding's certainty or direction changed, a treatment's safety level changed.

One `git log -p` over the data folder, whatever its size. A folder git does not know has no
changes, and the site still builds.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryokb.read.history import SEP

FIELD = re.compile(r"^([+-])\s*(?:- )?(certainty|direction):\s*([a-z-]+)\s*$")
LEVEL = re.compile(r"^([+-]).*\bid:\s*([a-z0-9-]+).*\blevel:\s*([a-z-]+)")
ADDED = {"studies": "Study added", "guidelines": "Guideline added"}


@dataclass(frozen=True)
class Event:
    """One change to the evidence, in one commit."""

    commit: str
    when: str  # the commit's date and time, ISO 8601 with its offset
    folder: str  # the data folder: studies, guidelines, modalities
    id: str  # the entity's id (its file name)
    what: str  # "Study added", "Certainty changed", "Conclusion changed", "Safety level changed"
    detail: str = ""  # from what to what, in the data's words

    @property
    def date(self) -> str:
        return self.when[:10]


def read(root: Path, limit: int = 200) -> list[Event]:
    """The evidence's changes, newest first (at most `limit`)."""
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--relative", "-p", "--unified=0", "--no-renames",
             f"--format={SEP}%H%x09%cI", "--", "."],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    events: list[Event] = []
    for block in log.split(SEP)[1:]:
        head, _, body = block.partition("\n")
        commit, _, when = head.partition("\t")
        for diff in body.split("\ndiff --git "):
            events += _events(commit, when.strip(), diff)
        if len(events) >= limit:
            break
    return events[:limit]


def _events(commit: str, when: str, diff: str) -> list[Event]:
    """The evidence changes in one file's diff."""
    name = re.search(r"^\+\+\+ b/(\S+)$", diff, re.M)
    if not name:
        return []
    folder, _, file = name.group(1).partition("/")
    if not file.endswith(".yaml") or "/" in file:
        return []
    id_ = file[: -len(".yaml")]
    if "\nnew file mode" in diff:
        return [Event(commit, when, folder, id_, ADDED[folder])] if folder in ADDED else []
    old: dict[tuple[str, str], list[str]] = {}
    new: dict[tuple[str, str], list[str]] = {}
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if m := FIELD.match(line):
            side, key, value = m.group(1), (m.group(2), ""), m.group(3)
        elif folder == "modalities" and (m := LEVEL.match(line)):
            side, key, value = m.group(1), ("level", m.group(2)), m.group(3)
        else:
            continue
        (old if side == "-" else new).setdefault(key, []).append(value)
    out = []
    for key, before in old.items():
        for a, b in zip(before, new.get(key, []), strict=False):
            if a != b:
                what = {"certainty": "Certainty changed", "direction": "Conclusion changed"}
                label = what.get(key[0], "Safety level changed")
                where = f"{key[1]}: " if key[1] else ""
                out.append(Event(commit, when, folder, id_, label, f"{where}{a} to {b}"))
    return out
