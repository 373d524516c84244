"""What a build tells the editor, through MkDocs' log (so `mkdocs build`, `mkdocs serve` and
`cryokb build` show it alike, and `--quiet` hides it): a line per phase with its count and time,
the check's warnings, and the refusal of data with errors."""

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from mkdocs.exceptions import PluginError

from cryokb.read.problems import Problem, errors

log = logging.getLogger("mkdocs.plugins.cryokb")
_ended = [time.perf_counter()]  # when the last phase ended


@contextmanager
def phase(name: str, last: bool = True) -> Iterator[list[str]]:
    """Time a phase; what the block appends to the list it is given ends the line. MkDocs' own
    phase is timed from the end of the `last` one (not the preview's search index, which runs
    beside the next build)."""
    said: list[str] = []
    start = time.perf_counter()
    yield said
    end = time.perf_counter()
    if last:
        _ended[0] = end
    log.info("cryokb %-6s %s in %.2f s", name, ", ".join(said), end - start)


def pages(site: Path) -> None:
    """The line for MkDocs' own phase, from the render's end: Markdown and the theme."""
    count = sum(1 for _ in site.rglob("*.html"))
    log.info("cryokb %-6s %d page(s) in %.2f s", "pages", count, time.perf_counter() - _ended[0])


def checked(found: Sequence[Problem], said: list[str], serving: bool) -> list[Problem]:
    """Report the check: each warning (as information: strict mode stops only for errors),
    then the errors, which stop a build; a preview shows them as a page instead."""
    bad = errors(list(found))
    for problem in found:
        if not problem.is_error:
            log.info("cryokb check: %s", problem)
    said.append(f"{len(bad)} error(s), {len(found) - len(bad)} warning(s)")
    if bad and not serving:
        raise PluginError(f"cryokb check found {len(bad)} problem(s):\n" + "\n".join(map(str, bad)))
    return bad
